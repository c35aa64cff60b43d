"""Shared fixtures: one real build of the vendored corpus per test session."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from plankg.api.cli import run_build
from plankg.graph.store import GraphStore
from plankg.loaders import default_corpus
from tests.helpers import running_service


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


@pytest.fixture(scope="session")
def live_server(build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``plankg serve`` on the test build (see :func:`running_service`)."""
    with running_service(build_dir, tmp_path_factory.mktemp("serve")) as url:
        yield url
