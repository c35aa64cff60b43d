"""The interleaved comparison (``plankg-bench compare``): every system gets every query, warm and
cold, round by round, and the table prints each system's ratio to the reference."""

from __future__ import annotations

import json
import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs

import pytest
from plankg_bench.compare import Endpoint, interleaved, load_phases, print_comparison


class _Sparql(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.seen.append(parse_qs(body.decode())["query"][0])
        answer = b'{"head":{"vars":[]},"results":{"bindings":[]}}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def servers() -> Any:
    running = []
    for _ in range(2):
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Sparql)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        running.append(server)
    yield [f"http://127.0.0.1:{s.server_address[1]}/sparql" for s in running]
    for server in running:
        server.shutdown()


def test_every_system_gets_every_query_warm_and_cold(servers: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    _Sparql.seen = []
    endpoints = [Endpoint("plankg", servers[0]), Endpoint("oxigraph", servers[1])]
    queries = {"one": "ASK { ?s ?p ?o }", "two": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}
    figures = interleaved(endpoints, queries, rounds=3)
    assert set(figures) == {"one", "two"}
    assert set(figures["one"]) == {"warm", "cold"} and set(figures["one"]["cold"]) == {"plankg", "oxigraph"}
    # one warm-up each, then per round per query: warm and cold to each system
    assert len(_Sparql.seen) == 2 * 2 + 3 * 2 * 2 * 2
    cold = [q for q in _Sparql.seen if q.startswith("ASK") and "\n# " in q]
    assert len(set(cold)) == 3  # a new text each round, the same text to both systems
    load = load_phases(endpoints, queries, clients=2, seconds=0.2, phases=1, distinct=False)
    assert load["warm"]["plankg"]["errors"] == 0 and load["cold"]["oxigraph"]["req_per_s"] > 0
    print_comparison(figures, load, ["plankg", "oxigraph"])
    out = capsys.readouterr().out
    assert "(1.00x)" in out and "load (clients)" in out


@pytest.mark.skipif(shutil.which("virtuoso-t") is None,
                    reason="Virtuoso is not installed (Debian: apt-get install virtuoso-opensource)")
def test_compare_starts_loads_and_measures_virtuoso_when_installed(
        build_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``plankg-bench compare`` with Virtuoso installed: a third system, loaded by ``plankg
    publish``, in the same interleaved rounds and load phases, answering with the same rows."""
    from plankg_bench.service import main

    build = tmp_path / "build"
    shutil.copytree(build_dir, build)  # the figures file is written beside the build
    started = time.monotonic()
    assert main(["--build", str(build), "--rounds", "2", "--clients", "4", "--seconds", "0.3", "--phases", "1",
                 "--no-pages"]) == 0
    assert time.monotonic() - started < 120
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("query"))
    assert header.split()[2:] == ["plankg", "oxigraph", "virtuoso"]
    figures = json.loads((build / "bench-service.json").read_text(encoding="utf-8"))
    assert set(figures["sparql"]["text search"]["cold"]) == {"plankg", "oxigraph", "virtuoso"}
    assert figures["load"]["warm"]["virtuoso"]["errors"] == 0 and figures["load"]["cold"]["virtuoso"]["req_per_s"] > 0
    for name, counts in figures["rows"].items():  # its dataset is the merge, not the union of all graphs
        assert counts["virtuoso"] == counts["oxigraph"] == counts["plankg"] > 0, name
