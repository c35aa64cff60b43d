"""Serving at the engine's speed (issue 15): the build's precomputed tables answer as the store
does, the SPARQL answer cache and fast path answer as the route does, and the event-loop wait
for a worker reads answers of any size (under uvloop too)."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from plankg.api.app import create_app
from plankg.api.settings import Settings
from plankg.api.sparql.workers import QueryPool, QueryRequest
from plankg.graph.store import (
    PRECOMPUTED,
    STORE_DIR,
    GraphStore,
    named_query,
    persistent_store,
    prepare_serving,
    tables_of,
    write_tables,
)

QUERY = "SELECT ?t ?n WHERE { ?t <https://w3id.org/plankg/def#taskNumber> ?n } ORDER BY ?t"
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture()
def build(build_dir: Path, tmp_path: Path) -> Path:
    shutil.copy2(build_dir / "plankg.nq", tmp_path / "plankg.nq")
    return tmp_path


def test_precomputed_tables_answer_as_the_store(build: Path, store: GraphStore) -> None:
    location = prepare_serving(build / "plankg.nq")
    assert location is not None and tables_of(location).is_dir()
    served = GraphStore.open(build / "plankg.nq")
    assert served.tables == tables_of(location)
    for name in PRECOMPUTED:  # as the same store answers live (some queries have no ORDER BY)
        assert served.select(named_query(name)) == served._select(named_query(name)), name
        # and, row keys, as the in-memory store (a SAMPLE may pick another value there)
        assert {r[0] for r in served.select(named_query(name)).rows} == {r[0] for r in store.select(named_query(name)).rows}
    assert not [p for p in (build / "store").iterdir() if p.name.startswith(".")]  # nothing half-written


def test_a_store_without_tables_still_answers(build: Path, store: GraphStore) -> None:
    location = prepare_serving(build / "plankg.nq")
    assert location is not None
    shutil.rmtree(tables_of(location))
    served = GraphStore.open(build / "plankg.nq")
    assert served.select(named_query("plans")).rows == store.select(named_query("plans")).rows


def test_the_same_query_is_answered_from_the_cache(build: Path) -> None:
    app = create_app(GraphStore.open(build / "plankg.nq"), Settings(build_dir=build), dump=build / "plankg.nq")
    try:
        with TestClient(app) as client:
            first = client.post("/sparql", data={"query": QUERY}, headers=JSON)
            second = client.get("/sparql", params={"query": QUERY}, headers=JSON)
            csv = client.get("/sparql", params={"query": QUERY}, headers={"Accept": "text/csv"})
            bad = [client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"}) for _ in range(2)]
        answers = app.state.served.answers
        assert first.status_code == second.status_code == csv.status_code == 200
        assert first.content == second.content and answers.hits >= 1
        assert first.headers["x-result-rows"] == second.headers["x-result-rows"] == "630"
        assert csv.headers["content-type"].startswith("text/csv") and csv.content != first.content
        assert [r.status_code for r in bad] == [400, 400]  # refusals are never cached
        assert second.headers["content-security-policy"] and second.headers["etag"]  # the outer middleware
    finally:
        app.state.served.close()


def test_identical_queries_at_once_wait_for_one_answer(build: Path) -> None:
    settings = Settings(build_dir=build, client_queries=1, query_wait=5)
    app = create_app(GraphStore.open(build / "plankg.nq"), settings, dump=build / "plankg.nq")

    async def burst() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            answers = await asyncio.gather(*(client.post("/sparql", data={"query": QUERY + " LIMIT 500"},
                                                         headers=JSON) for _ in range(12)))
        return [a.status_code for a in answers]

    try:
        assert asyncio.run(burst()) == [200] * 12
    finally:
        app.state.served.close()


def test_the_event_loop_reads_large_answers_under_uvloop(build: Path) -> None:
    uvloop = pytest.importorskip("uvloop")
    pool = QueryPool(build / "plankg.nq", size=1, timeout=20, max_rows=100_000)
    try:
        async def run() -> int:
            result = await pool.arun(QueryRequest("SELECT * WHERE { ?s ?p ?o } LIMIT 20000"))
            return len(result.body)

        assert uvloop.run(run()) > 1_000_000  # far over a socket's buffer
        assert pool.run(QueryRequest("ASK { ?s ?p ?o }")).body  # the pipe is blocking again
    finally:
        pool.close()


def test_responsibilities_are_answered_as_the_query_does(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    from plankg.graph import precompute

    table = precompute.agency_responsibilities(store.store)
    assert table is not None and table == store._select(named_query("agency_responsibilities"))  # rows and order
    monkeypatch.setattr(precompute, "_QUERY_SHA256", "another text")  # the query was edited: ask it as written
    assert precompute.agency_responsibilities(store.store) is None



def test_unwritable_places_leave_nothing(build: Path, store: GraphStore) -> None:
    """Where the tables or the on-disk store cannot be written (a regular file stands where their
    folder would be), the build gets None and nothing half-written is left beside it."""
    blocker = build / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert write_tables(store, blocker / "tables") is None
    (build / STORE_DIR).write_text("not a folder", encoding="utf-8")
    assert persistent_store(build / "plankg.nq") is None
    assert sorted(p.name for p in build.iterdir()) == sorted(["a-file", "plankg.nq", STORE_DIR])
