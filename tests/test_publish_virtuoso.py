"""plankg publish and serve over a real Virtuoso Open Source 7.2 (issue 15 item 4).

A fresh Virtuoso (Debian's ``virtuoso-opensource``, see ``tests/virtuoso.py``) is started on free
loopback ports for this module; the build is published to it as its administrator (digest
authentication on ``/sparql-graph-crud-auth`` and ``/sparql-auth``, the way an operator would
without opening SPARQL updates to everyone). The tests skip only when ``virtuoso-t`` is not
installed; ``.ci/run`` installs it.

What Virtuoso does differently, each found here and handled in ``plankg.api.sparql.remote`` or
the named queries: its default graph is the union of every graph (counts would double), it has
no plain default graph to move into (``SP031``), it answers ``true`` as ``"1"^^xsd:boolean``,
turns ``STR()`` of a non-ASCII query literal into ``"????"``, refuses a BASE after a PREFIX,
orders long stored literals by internal id unless ordered by ``STR()``, planned one subquery so
that rows were lost, and resets a large PUT sent before its digest challenge.
"""

from __future__ import annotations

import difflib
import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from plankg.api.app import create_app
from plankg.api.cli import main
from plankg.api.settings import Settings
from plankg.api.sparql.remote import GRAPH_PREFIX, MERGED, RemotePool, RemoteStore
from plankg.graph.store import GraphStore, named_query
from tests.helpers import REPO, running_service
from tests.virtuoso import PASSWORD, USER, running_virtuoso, virtuoso_binary

pytestmark = pytest.mark.skipif(virtuoso_binary() is None,
                                reason="Virtuoso is not installed (Debian: apt-get install virtuoso-opensource)")

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?t a pk:Task }"


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Virtuoso on loopback ports, empty: its HTTP base URL."""
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso")) as base:
        yield base


def publish(base: str, nquads: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("PLANKG_STORE_PASSWORD", PASSWORD)
    return main(["publish", "--dialect", "virtuoso", "--endpoint", base, "--user", USER, "--data", str(nquads)])


def plankg_graphs(base: str) -> set[str]:
    """The plankg graphs the store holds (Virtuoso keeps graphs of its own beside them)."""
    table = RemoteStore(f"{base}/sparql", dataset=((), ())).select(named_query("graphs"))
    return {row[0] for row in table.rows if row[0].startswith(GRAPH_PREFIX)}


@pytest.fixture(scope="module")
def published(virtuoso: str, build_dir: Path) -> str:
    """The build published (twice: the second replaces the first) to the module's Virtuoso."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert publish(virtuoso, build_dir / "plankg.nq", monkeypatch) == 0
        assert publish(virtuoso, build_dir / "plankg.nq", monkeypatch) == 0
    return virtuoso


def test_publish_swaps_named_graph_by_named_graph_without_doubling(published: str, store: GraphStore) -> None:
    build_graphs = {row[0] for row in store.select(named_query("graphs")).rows}
    assert plankg_graphs(published) == build_graphs | {MERGED}  # no staging graph left
    remote = RemoteStore(f"{published}/sparql")
    tasks = store.select(COUNT).rows
    assert remote.select(COUNT).rows == tasks == (("630",),)  # not doubled by the union default graph
    union = RemoteStore(f"{published}/sparql", dataset=((), ()))
    assert union.select(COUNT).rows != tasks  # what querying Virtuoso's own default graph gives
    counts = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    assert remote.select(counts).rows == store.select(counts).rows  # every graph, triple for triple


def test_a_refused_publish_shows_virtuosos_error_and_leaves_no_staging(
        published: str, build_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A build with a graph Virtuoso's parser refuses (a 300-character language tag), named to
    be loaded last: every other graph is staged first, then dropped; the old version stays."""
    before = plankg_graphs(published)
    bad = tmp_path / "plankg.nq"
    tag = "en-" + "-".join(["abcdefgh"] * 40)
    bad.write_text((build_dir / "plankg.nq").read_text(encoding="utf-8")
                   + f'<urn:a> <urn:b> "x"@{tag} <{GRAPH_PREFIX}zz-refused> .\n', encoding="utf-8")
    capsys.readouterr()
    assert publish(published, bad, monkeypatch) == 2
    err = capsys.readouterr().err
    assert f"the store refused graph <{GRAPH_PREFIX}zz-refused--staging>: 500" in err
    assert "Error 22023" in err and "is rejected" in err  # Virtuoso's own words
    assert "staging graphs were dropped" in err
    assert plankg_graphs(published) == before
    assert RemoteStore(f"{published}/sparql").select(COUNT).rows == (("630",),)


def _routes(embedded: TestClient) -> list[tuple[str, dict[str, str]]]:
    """Every REST route of the snapshot, the pages, linked data in every format, the dataset
    description, and the example queries on /sparql."""
    snapshot = json.loads((REPO / "tests" / "fixtures" / "rest_snapshot.json").read_text(encoding="utf-8"))
    routes = [(path, {"accept": "application/json"}) for path in snapshot]
    pages = ["/", "/?lang=en", "/find", "/find?q=市场监管", "/find?q=nanshan", "/editor", "/districts", "/indicators",
             "/agencies", "/plans?limit=5&offset=3", "/browse/agencies", "/browse/districts", "/browse/indicators",
             "/browse/plans", "/browse/agencies?lang=en", "/agencies/sz-amr", "/agencies/sz-drc?format=csv",
             "/agencies/nanshan-gov", "/districts/nanshan", "/search?q=跨境&format=csv", "/indicators/hightech-fdi",
             "/targets?format=csv"]
    for plan in ["sz-market-2024", "sz-intl-2023-2025", "sz-pilot-batch1"]:
        pages += [f"/plans/{plan}", f"/tasks/{plan}/1", f"/tasks/{plan}/3/lineage", f"/plans/{plan}/tasks?format=csv"]
    routes += [(page, {"accept": "text/html"}) for page in pages] + [(page, {}) for page in pages]
    for node in ["agency/sz-amr", "plan/sz-market-2024", "plan/sz-market-2024/task/1", "district/nanshan",
                 "indicator/hightech-fdi", "dataset", "source/004_bb859e5053b7b54d", "jurisdiction/440300",
                 "plan/sz-market-2024/task/1/target/1"]:
        routes += [(f"/id/{node}?format={fmt}", {}) for fmt in ["turtle", "jsonld", "ntriples", "rdfxml", "html"]]
    for media in ["text/turtle", "application/ld+json", "application/n-triples"]:
        routes += [("/.well-known/void", {"accept": media}), ("/def", {"accept": media})]
    routes += [("/context.jsonld", {}), ("/sparql", {"accept": "text/turtle"}), ("/sparql/examples", {})]
    for example in embedded.get("/sparql/examples").json():
        query = "/sparql?" + urllib.parse.urlencode({"query": example["query"]})
        routes += [(query, {"accept": "application/sparql-results+json"}), (query, {"accept": "text/csv"})]
    return routes


def _same(path: str, ours: bytes, theirs: bytes, media: str) -> bool:
    """Equal answers; a researcher's /sparql query may leave ties in its ORDER BY, so there
    the rows are compared as a multiset (plankg's own queries order totally and are compared
    byte for byte)."""
    if ours == theirs:
        return True
    if not path.startswith("/sparql?"):
        return False
    if "json" in media:
        a, b = json.loads(ours), json.loads(theirs)
        rows = [sorted(json.dumps(r, sort_keys=True) for r in d["results"]["bindings"]) for d in (a, b)]
        return a["head"] == b["head"] and rows[0] == rows[1]
    return sorted(ours.splitlines()) == sorted(theirs.splitlines())


def test_every_route_answers_as_on_the_embedded_store(published: str, build_dir: Path, store: GraphStore) -> None:
    remote = RemoteStore(f"{published}/sparql", timeout=30)
    settings = Settings(build_dir=build_dir, query_workers=1)
    embedded_app = create_app(store, settings, dump=build_dir / "plankg.nq")
    remote_app = create_app(remote, settings, pool=RemotePool(remote), dump=build_dir / "plankg.nq")
    differ = []
    with TestClient(embedded_app) as embedded, TestClient(remote_app) as served:
        routes = _routes(embedded)
        assert len(routes) > 250
        for path, headers in routes:
            ours, theirs = embedded.get(path, headers=headers), served.get(path, headers=headers)
            media = ours.headers.get("content-type", "")
            if ours.status_code != theirs.status_code or not _same(path, ours.content, theirs.content, media):
                lines = list(difflib.unified_diff(ours.text.splitlines(), theirs.text.splitlines(), lineterm="", n=0))
                differ.append(f"{path[:120]} {headers}: {ours.status_code} {theirs.status_code} "
                              + "\n".join(lines[2:12]))
    embedded_app.state.served.close()
    assert not differ, f"{len(differ)} of {len(routes)} differ:\n" + "\n".join(differ[:10])


def test_plankg_serve_over_virtuoso(published: str, build_dir: Path, tmp_path: Path) -> None:
    """``plankg serve`` with PLANKG_SPARQL_ENDPOINT, in its own process."""
    import urllib.request

    with running_service(build_dir, tmp_path, PLANKG_SPARQL_ENDPOINT=f"{published}/sparql") as url:
        with urllib.request.urlopen(f"{url}/plans", timeout=30) as response:
            plans = json.loads(response.read())
        query = urllib.parse.urlencode({"query": COUNT})
        request = urllib.request.Request(f"{url}/sparql?{query}", headers={"accept": "text/csv"})
        with urllib.request.urlopen(request, timeout=30) as response:
            counted = response.read()
    snapshot = json.loads((REPO / "tests" / "fixtures" / "rest_snapshot.json").read_text(encoding="utf-8"))
    assert plans == snapshot["/plans"]["json"]
    assert counted.startswith(b"\xef\xbb\xbfn\r\n630")


def test_named_queries_use_no_transitive_path(store: GraphStore) -> None:
    """Virtuoso refuses a transitive path without a constant start (``transitive start not
    given``): the named queries spell pk:replacedBy chains out to 4 links, and the build has no
    longer one."""
    import re

    five = "/".join(["pk:replacedBy"] * 5)
    assert store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a {five} ?b }}").rows == (("0",),)
    transitive = re.compile(r"(?:[A-Za-z_]*:[\w-]+|<[^>\s]*>|\))[+*]")
    for path in sorted((REPO / "graph" / "queries").glob("*.rq")):
        text = re.sub(r"#[^\n]*", "", path.read_text(encoding="utf-8"))
        assert not transitive.search(text), path.name
