"""Start (issue 15 items 2 and 3): the build's on-disk store is made once beside ``plankg.nq``
and opened read-only by the server and every worker, answering as the in-memory store; a serve
whose query workers cannot start exits with a clear message instead of answering 503."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from plankg.api.cli import run_serve
from plankg.api.settings import Settings
from plankg.api.sparql.workers import QueryPool, QueryRequest
from plankg.graph.errors import WorkerStartError
from plankg.graph.store import GraphStore, persistent_store

COUNTS = ["SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
          "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
          "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"]


@pytest.fixture()
def build(build_dir: Path, tmp_path: Path) -> Path:
    shutil.copy2(build_dir / "plankg.nq", tmp_path / "plankg.nq")
    return tmp_path


def test_the_on_disk_store_answers_as_the_in_memory_one(build: Path, store: GraphStore) -> None:
    nquads = build / "plankg.nq"
    before = nquads.read_bytes()
    location = persistent_store(nquads)
    assert location is not None and location.parent == build / "store"
    assert persistent_store(nquads) == location  # made once
    disk = GraphStore.open(nquads)
    for query in COUNTS:
        assert disk.select(query).rows == store.select(query).rows
    assert nquads.read_bytes() == before  # the build itself is untouched
    assert not [p for p in (build / "store").iterdir() if p.name.startswith(".")]  # no half store left


def test_a_rebuild_gets_its_own_store_and_old_ones_go(build: Path) -> None:
    nquads = build / "plankg.nq"
    first = persistent_store(nquads)
    made = [first]
    for _ in range(3):  # plankg build replaces plankg.nq with one rename
        replacement = build / "plankg.nq.new"
        shutil.copy2(nquads, replacement)
        os.replace(replacement, nquads)
        made.append(persistent_store(nquads))
    assert len(set(made)) == 4
    kept = sorted(p.name for p in (build / "store").iterdir())
    assert kept == sorted(p.name for p in made[-2:] if p is not None)


def test_without_the_on_disk_store_the_build_is_loaded_into_memory(build: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANKG_PERSISTENT_STORE", "0")
    assert persistent_store(build / "plankg.nq") is None
    assert len(GraphStore.open(build / "plankg.nq")) > 40_000
    assert not (build / "store").exists()


def test_workers_open_the_same_store(build: Path) -> None:
    pool = QueryPool(build / "plankg.nq", size=2, timeout=10, max_rows=10)
    try:
        assert pool.nquads is not None and Path(pool.nquads).parent == build / "store"
        result = pool.run(QueryRequest("SELECT (COUNT(*) AS ?n) WHERE { ?t a <https://w3id.org/plankg/def#Task> }"))
        assert b'"630"' in result.body
    finally:
        pool.close()


def test_no_worker_means_no_pool(build: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(WorkerStartError):
        QueryPool(build / "plankg.nq", size=0)

    class Broken:
        def __init__(self, *args: object) -> None:
            raise OSError("cannot start")

    monkeypatch.setattr("plankg.api.sparql.workers._Worker", Broken)
    with pytest.raises(WorkerStartError, match="none of the 2"):
        QueryPool(build / "plankg.nq", size=2)


def test_serve_exits_when_no_worker_starts(build: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    class Broken:
        def __init__(self, *args: object) -> None:
            raise OSError("cannot start")

    monkeypatch.setattr("plankg.api.sparql.workers._Worker", Broken)
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: pytest.fail("served without workers"))
    assert run_serve(Settings(build_dir=build, query_workers=2, reload_interval=0), "127.0.0.1", 9) == 2
    assert "no SPARQL query worker could start" in capsys.readouterr().err


def test_plankg_serve_with_zero_workers_exits_non_zero(build: Path) -> None:
    env = {**os.environ, "PLANKG_BUILD_DIR": str(build), "PLANKG_QUERY_WORKERS": "0", "PLANKG_RELOAD_INTERVAL": "0"}
    done = subprocess.run([sys.executable, "-m", "plankg.api.cli", "serve", "--port", "9"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "no SPARQL query worker could start" in done.stderr and "Traceback" not in done.stderr
