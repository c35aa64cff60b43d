"""Shared fixtures: one real build of the vendored corpus per test session."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from plankg.api.cli import run_build
from plankg.api.load import free_port, wait_for_port
from plankg.graph.store import GraphStore
from plankg.loaders import default_corpus

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The vendored corpus folder of the installed package."""
    return default_corpus()


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    """A real build of the vendored corpus."""
    out = tmp_path_factory.mktemp("build")
    assert run_build(corpus, out, quiet=True) == 0
    return out


@pytest.fixture(scope="session")
def report(build_dir: Path) -> dict:
    """The build's report.json."""
    return json.loads((build_dir / "report.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def store(build_dir: Path) -> GraphStore:
    """The build loaded into the embedded store."""
    return GraphStore.from_nquads(build_dir / "plankg.nq")


@contextlib.contextmanager
def running_service(build_dir: Path, cwd: Path, **env: str) -> Iterator[str]:
    """``plankg serve`` on a build, in its own process on a free loopback port: its URL.

    The front-end libraries come from the repository's ``node_modules`` (``npm ci``); ``env``
    adds ``PLANKG_*`` settings.
    """
    port = free_port()
    environ = {**os.environ, "PLANKG_BUILD_DIR": str(build_dir), "PLANKG_ASSETS_DIR": str(REPO / "node_modules"),
               **env}
    server = subprocess.Popen([sys.executable, "-m", "plankg.api.cli", "serve", "--port", str(port)],
                              env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
    try:
        wait_for_port(port, 60, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.kill()
        server.wait(10)


@pytest.fixture(scope="session")
def live_server(build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``plankg serve`` on the test build (see :func:`running_service`)."""
    with running_service(build_dir, tmp_path_factory.mktemp("serve")) as url:
        yield url
