"""The W3C SPARQL 1.1 protocol tests, query side (tests/fixtures/w3c_protocol, vendored from
w3c/rdf-tests with their licence), replayed against the app's /sparql: every request of each
case, its expected status class, result format and ASK answer. The update cases are out of
scope (a read-only endpoint) but one: ``bad_update_get``, an update by GET, must be refused.

The cases that name a dataset of graphs at kasei.us (by ``default-graph-uri``, ``named-graph-uri``
or ``FROM``), which the service neither holds nor fetches, run on the build's own graphs: each
kasei.us graph is replaced by one of the build's named graphs where it names a graph, and by a
plan that graph (and no other chosen graph) types ``pk:Plan`` where it names a resource, so every
expected answer holds for the same reason it holds on the test's own data (the resource is typed
in its graph and only there)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection

from plankg.api.app import create_app
from plankg.api.settings import Settings
from plankg.graph.store import GraphStore

FIXTURES = Path(__file__).parent / "fixtures" / "w3c_protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
MANIFEST = Graph().parse(FIXTURES / "manifest.ttl", format="turtle", publicID="http://www.example/manifest.ttl")
ENTRIES = list(Collection(MANIFEST, next(MANIFEST.objects(None, MF.entries))))


def name(entry: URIRef) -> str:
    return str(entry).rsplit("#", 1)[-1]


KASEI = "http://kasei.us/2009/09/sparql/data/"
ID = "https://w3id.org/plankg/id/"
#: kasei.us data file → (the build's graph that stands for it, a resource typed in that graph only)
OWN_GRAPHS = {
    "data0.rdf": (ID + "graph/ontology", ID + "plan/sz-market-2023-2025"),
    "data1.rdf": (ID + "graph/source/000_35404b1995788393", ID + "plan/sz-market-2023-2025"),
    "data2.rdf": (ID + "graph/source/002_5a9a178f36e254ae", ID + "plan/sz-keytasks-2023"),
    "data3.rdf": (ID + "graph/source/003_a85699c24c36714f", ID + "plan/cn-vc-measures-2024"),
}
GRAPH_PARAMETERS = {"default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri"}


def own_query(text: str) -> str:
    """A query text with kasei.us graphs (after FROM / FROM NAMED) and resources replaced."""
    def graph(match: re.Match[str]) -> str:
        return f"{match.group(1)}<{OWN_GRAPHS[match.group(2)][0]}>"
    text = re.sub(r"(FROM\s+(?:NAMED\s+)?)<" + re.escape(KASEI) + r"(data\d\.rdf)>", graph, text)
    return re.sub("<" + re.escape(KASEI) + r"(data\d\.rdf)>", lambda m: f"<{OWN_GRAPHS[m.group(1)][1]}>", text)


def own_parameters(encoded: str) -> str:
    """Form-encoded parameters with kasei.us graphs and resources replaced by the build's own."""
    pairs = []
    for key, value in parse_qsl(encoded, keep_blank_values=True):
        if key in GRAPH_PARAMETERS and value.startswith(KASEI):
            value = OWN_GRAPHS[value.removeprefix(KASEI)][0]
        pairs.append((key, own_query(value)))
    return urlencode(pairs)


QUERY_SIDE = [e for e in ENTRIES if name(e).startswith(("query_", "bad_query_")) or name(e) == "bad_update_get"]


def requests_of(entry: URIRef) -> list[dict]:
    action = MANIFEST.value(entry, MF.action)
    out = []
    for req in Collection(MANIFEST, MANIFEST.value(action, HT.requests)):
        headers = {}
        for h in Collection(MANIFEST, MANIFEST.value(req, HT.headers)) if MANIFEST.value(req, HT.headers) else []:
            headers[str(MANIFEST.value(h, HT.fieldName))] = str(MANIFEST.value(h, HT.fieldValue))
        body = MANIFEST.value(req, HT.body)
        chars = MANIFEST.value(body, CNT.chars) if body is not None else None
        encoding = MANIFEST.value(body, CNT.characterEncoding) if body is not None else None
        resp = MANIFEST.value(req, HT.resp)
        path, _, query_string = str(MANIFEST.value(req, HT.absolutePath)).replace("/sparql/", "/sparql", 1).partition("?")
        text = None if chars is None else str(chars)
        if text is not None and "x-www-form-urlencoded" in headers.get("content-type", ""):
            text = own_parameters(text)
        elif text is not None:
            text = own_query(text)
        out.append({
            "method": str(MANIFEST.value(req, HT.methodName)),
            "path": path + ("?" + own_parameters(query_string) if query_string else ""),
            "headers": headers,
            "body": None if text is None else text.encode(str(encoding or "UTF-8")),
            "status": {str(s).rsplit("StatusCode", 1)[-1] for s in MANIFEST.objects(resp, MF.expectedStatus)},
            "format": MANIFEST.value(resp, MF.expectedFormat),
            "boolean": MANIFEST.value(resp, MF.expectedBoolean),
        })
    return out


@pytest.fixture(scope="module")
def client(store: GraphStore, build_dir: Path) -> Iterator[TestClient]:
    app = create_app(store, Settings(query_workers=1, query_timeout=10.0), dump=build_dir / "plankg.nq")
    with TestClient(app) as test_client:
        yield test_client
    app.state.served.close()


def test_the_manifest_is_read() -> None:
    assert len(ENTRIES) == 34 and len(QUERY_SIDE) == 20


@pytest.mark.parametrize("entry", QUERY_SIDE, ids=name)
def test_protocol_case(client: TestClient, entry: URIRef) -> None:
    for req in requests_of(entry):
        headers = {k: v for k, v in req["headers"].items() if k.lower() != "accept"}
        headers["accept"] = req["headers"].get("accept", "application/sparql-results+json, text/turtle;q=0.9")
        response = client.request(req["method"], req["path"], headers=headers, content=req["body"])
        assert f"{response.status_code // 100}xx" in req["status"], (name(entry), response.status_code, response.text[:300])
        kind = response.headers.get("content-type", "")
        if req["format"] is not None and str(req["format"]) == "boolean":
            assert "sparql-results" in kind
            if req["boolean"] is not None:  # some cases ask only for the format
                assert response.json()["boolean"] == req["boolean"].toPython()
        elif req["format"] is not None and str(req["format"]) == "tabular":
            assert "sparql-results" in kind or "csv" in kind or "tab-separated" in kind
        elif req["format"] is not None and str(req["format"]) == "RDF":
            assert any(t in kind for t in ("turtle", "n-triples", "rdf+xml", "ld+json", "n-quads", "trig"))


def test_the_own_graphs_stand_for_the_test_data(client: TestClient) -> None:
    """The mapping is no free pass: each resource is typed in its own graph only, so leaving a
    graph out of the dataset turns the answer false; a graph the build lacks is refused."""
    (g1, r1), (g2, r2) = OWN_GRAPHS["data1.rdf"], OWN_GRAPHS["data2.rdf"]
    ask = f"ASK {{ <{r1}> a ?type . <{r2}> a ?type }}"
    accept = {"accept": "application/sparql-results+json"}
    both = client.get("/sparql", params=[("query", ask), ("default-graph-uri", g1), ("default-graph-uri", g2)],
                      headers=accept)
    one = client.get("/sparql", params=[("query", ask), ("default-graph-uri", g1)], headers=accept)
    assert both.json()["boolean"] is True and one.json()["boolean"] is False
    named = client.get("/sparql", params=[("query", f"ASK {{ GRAPH ?g {{ <{r2}> a ?type }} }}"),
                                          ("named-graph-uri", g1)], headers=accept)
    assert named.json()["boolean"] is False
    foreign = client.get("/sparql", params=[("query", "ASK {}"), ("default-graph-uri", KASEI + "data1.rdf")])
    assert foreign.status_code == 400
