"""A remote store that hangs or dies: the service answers 504 or 502 within its timeout, on the
REST routes and on the SPARQL endpoint alike, and recovers as soon as the store is back.

The store is a real Oxigraph server on 127.0.0.1: stopped with SIGSTOP it hangs (the kernel still
accepts connections, nothing answers), killed it is gone, restarted on the same port it is back.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from plankg.api.app import create_app
from plankg.api.settings import Settings
from plankg.api.sparql.remote import RemotePool, RemoteStore, merged_ntriples
from tests.helpers import oxigraph_binary, wait_for_port

TIMEOUT = 1.0
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?t a pk:Task }"


class Oxigraph:
    """An Oxigraph server process that can be stopped, resumed, killed and started again."""

    def __init__(self, location: Path) -> None:
        self.location = location
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen([oxigraph_binary(), "serve-read-only", "--location", str(self.location),
                                         "--bind", f"127.0.0.1:{self.port}"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, 30, self.process)

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(10)


@pytest.fixture()
def oxigraph(build_dir: Path, tmp_path: Path) -> Iterator[Oxigraph]:
    nquads = build_dir / "plankg.nq"
    subprocess.run([oxigraph_binary(), "load", "--location", str(tmp_path / "db"), "--file", str(nquads),
                    "--file", str(merged_ntriples(nquads, tmp_path / "merged.nt"))], check=True, capture_output=True)
    server = Oxigraph(tmp_path / "db")
    server.start()
    yield server
    if server.process and server.process.poll() is None:
        server.process.send_signal(signal.SIGCONT)
        server.kill()


def timed(client: TestClient, path: str, **params: str) -> tuple[int, float]:
    start = time.monotonic()
    response = client.get(path, params=params)
    return response.status_code, time.monotonic() - start


def test_remote_store_hangs_dies_and_recovers(oxigraph: Oxigraph, build_dir: Path) -> None:
    settings = Settings(remote_timeout=TIMEOUT)
    store = RemoteStore(f"http://127.0.0.1:{oxigraph.port}/query", timeout=TIMEOUT)
    app = create_app(store, settings, pool=RemotePool(store), dump=build_dir / "plankg.nq")
    routes = [("/agencies/sz-amr", {}), ("/sparql", {"query": COUNT}), ("/id/agency/sz-amr", {})]
    with TestClient(app) as client:
        for path, params in routes:
            assert timed(client, path, **params)[0] == 200

        assert oxigraph.process is not None
        oxigraph.process.send_signal(signal.SIGSTOP)  # hangs
        for path, params in routes:
            status, seconds = timed(client, path, **params)
            assert status == 504, path
            assert seconds < TIMEOUT + 2, (path, seconds)

        oxigraph.process.send_signal(signal.SIGCONT)  # back
        for path, params in routes:
            assert timed(client, path, **params)[0] == 200

        oxigraph.kill()  # dies
        for path, params in routes:
            status, seconds = timed(client, path, **params)
            assert status == 502, path
            assert seconds < TIMEOUT + 2, (path, seconds)
        assert "unreachable" in client.get("/agencies/sz-amr").json()["detail"]

        oxigraph.start()  # back on the same port
        for path, params in routes:
            assert timed(client, path, **params)[0] == 200
