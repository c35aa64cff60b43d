"""The service: SPARQL protocol, guard, limits, REST and linked data — the same tests on the
embedded store and on a real Oxigraph server (the ``oxigraph`` package's binary) started here
on 127.0.0.1 with the build loaded as ``plankg.api.sparql.remote`` prepares it."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from plankg.api.app import create_app
from plankg.api.settings import Settings
from plankg.api.sparql.remote import RemotePool, RemoteStore, merged_ntriples
from plankg.api.sparql.workers import QueryPool
from plankg.graph.store import GraphStore
from tests.helpers import oxigraph_binary, wait_for_port

SELECT = "SELECT ?t WHERE { ?t a <https://w3id.org/plankg/def#Plan> } ORDER BY ?t"


class Canary(BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:
        Canary.hits += 1
        self.send_response(200)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def canary() -> Iterator[int]:
    server = HTTPServer(("127.0.0.1", 0), Canary)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


@pytest.fixture(scope="module")
def oxigraph_endpoint(build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph server on 127.0.0.1 holding the build (named graphs + their merge)."""
    folder = tmp_path_factory.mktemp("oxigraph")
    merged = merged_ntriples(build_dir / "plankg.nq", folder / "merged.nt")
    binary = oxigraph_binary()
    subprocess.run([binary, "load", "--location", str(folder / "db"), "--file", str(build_dir / "plankg.nq"),
                    "--file", str(merged)], check=True, capture_output=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([binary, "serve-read-only", "--location", str(folder / "db"),
                               "--bind", f"127.0.0.1:{port}", "--timeout-s", "2"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port, 30, server)
    yield f"http://127.0.0.1:{port}/query"
    server.kill()
    server.wait(10)


@pytest.fixture(scope="module", params=["embedded", "oxigraph"])
def client(request: pytest.FixtureRequest, build_dir: Path, store: GraphStore) -> Iterator[TestClient]:
    settings = Settings(query_timeout=2.0, query_workers=2, max_rows=50, max_query_bytes=20_000,
                        remote_timeout=2.0)
    if request.param == "embedded":
        backend: GraphStore | RemoteStore = store
        pool: QueryPool | RemotePool = QueryPool(build_dir / "plankg.nq", size=2, timeout=2.0, max_rows=50, wait=3.0)
    else:
        backend = RemoteStore(request.getfixturevalue("oxigraph_endpoint"), timeout=2.0)
        pool = RemotePool(backend, max_rows=50)
    app = create_app(backend, settings, pool=pool, dump=build_dir / "plankg.nq")
    with TestClient(app) as test_client:
        yield test_client
    pool.close()


@pytest.mark.parametrize("accept,media", [
    (None, "application/sparql-results+json"), ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"), ("text/tab-separated-values;q=0.9, text/csv;q=0.1", "text/tab-separated-values")])
def test_select_formats(client: TestClient, accept: str | None, media: str) -> None:
    headers = {"accept": accept} if accept else {}
    response = client.get("/sparql", params={"query": SELECT}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media)
    assert response.headers["vary"].split(", ")[0] == "Accept"
    assert "sz-market-2024" in response.text


def test_large_results_are_gzipped_when_asked(client: TestClient) -> None:
    """SPARQL answers of 1 KiB and more are compressed for a client that accepts gzip; the
    bytes are the same once decompressed."""
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 40"  # no ORDER BY: 2 s would not sort the whole graph
    packed = client.get("/sparql", params={"query": query}, headers={"accept-encoding": "gzip"})
    plain = client.get("/sparql", params={"query": query}, headers={"accept-encoding": "identity"})
    assert packed.headers.get("content-encoding") == "gzip", (packed.status_code, packed.text[:300])
    assert "Accept-Encoding" in packed.headers["vary"]
    assert "content-encoding" not in plain.headers
    assert packed.content == plain.content and int(packed.headers["content-length"]) < len(plain.content) / 3
    again = client.get("/sparql", params={"query": query}, headers={"accept-encoding": "gzip"})  # from the cache
    assert again.headers["content-encoding"] == "gzip" and again.content == plain.content


def test_post_forms_and_construct(client: TestClient) -> None:
    form = client.post("/sparql", data={"query": SELECT})
    assert form.status_code == 200 and "sz-legal-2024" in form.text
    direct = client.post("/sparql", content="CONSTRUCT WHERE { ?s a <https://w3id.org/plankg/def#Plan> }",
                         headers={"content-type": "application/sparql-query", "accept": "application/n-triples"})
    assert direct.status_code == 200 and direct.headers["content-type"].startswith("application/n-triples")
    jsonld = client.get("/sparql", params={"query": "DESCRIBE <https://w3id.org/plankg/id/agency/sz-amr>"},
                        headers={"accept": "application/ld+json"})
    assert jsonld.status_code == 200 and "市市场监管局" in jsonld.text


def test_protocol_errors(client: TestClient) -> None:
    assert client.get("/sparql", params={"query": "SELEC nothing"}).status_code == 400
    assert client.get("/sparql", params=[("query", SELECT), ("query", SELECT)]).status_code == 400
    assert client.post("/sparql", content=SELECT, headers={"content-type": "text/plain"}).status_code == 400
    assert client.post("/sparql", data={"update": "INSERT DATA { <a:b> <a:c> <a:d> }"}).status_code == 400
    assert client.get("/sparql", params={"query": SELECT}, headers={"accept": "image/png"}).status_code == 406
    description = client.get("/sparql")
    assert description.status_code == 200 and "sd:Service" in description.text


def test_guard_rejects_every_way_out(client: TestClient, canary: int) -> None:
    url = f"http://127.0.0.1:{canary}/"
    attacks = [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?x }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * WHERE {{ SERVI\\u0043E <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        f"LOAD <{url}>",
        "INSERT DATA { <a:b> <a:c> <a:d> }",
        "SELECT * WHERE " + "{" * 2500 + " ?s ?p ?o " + "}" * 2500,
    ]
    for attack in attacks:
        started = time.monotonic()
        response = client.post("/sparql", data={"query": attack})
        assert response.status_code in (400, 413), (attack[:60], response.status_code)
        assert time.monotonic() - started < 4
    big = client.post("/sparql", content="#" * (2 * 1024 * 1024), headers={"content-type": "application/sparql-query"})
    assert big.status_code == 413
    assert Canary.hits == 0


def test_budget_cap_and_recovery(client: TestClient) -> None:
    started = time.monotonic()
    heavy = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
    over_budget = (503, 504)  # 504 from a remote store: a long query and a hung store look alike
    assert heavy.status_code in over_budget and "longer than" in heavy.json()["detail"]
    # a catastrophic-backtracking pattern over a cartesian product: within budget either way
    regex = client.get("/sparql", params={"query": 'SELECT * WHERE { ?s ?p ?o . ?a ?b ?c . FILTER(REGEX(CONCAT(STR(?o), STR(?c)), "^(a+)+b$")) }'})
    assert regex.status_code in over_budget
    assert time.monotonic() - started < 2 * (2 + 2)
    capped = client.get("/sparql", params={"query": "SELECT ?t WHERE { ?t a <https://w3id.org/plankg/def#Task> }"})
    assert capped.status_code == 200 and capped.headers["x-result-truncated"].startswith("true")
    assert capped.json()["truncated"] is True and len(capped.json()["results"]["bindings"]) == 50
    time.sleep(2.5)  # the killed workers are replaced
    started = time.monotonic()
    cheap = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert cheap.status_code == 200 and time.monotonic() - started < 1


def test_agency_lookup(client: TestClient) -> None:
    found = client.get("/agencies", params={"name": "Market Regulation"}).json()
    assert found[0]["id"] == "sz-amr"
    agency = client.get("/agencies/sz-amr").json()
    assert agency["name"] == "市市场监管局"
    # 000 market tasks 1, 2, 4, 5, 6, 9, 10, 11, 12, 13 and 21 name 市市场监管局
    assert agency["counts"]["sz-market-2023-2025"]["responsible"] == 11
    renamed = client.get("/agencies/sz-gsdata-2024").json()
    assert "sz-gsdata" in renamed["predecessors"]
    assert any(t["via"] == "former name" for t in renamed["tasks"])
    assert client.get("/agencies/NOT_AN_ID").status_code == 422
    assert client.get("/agencies/no-such-agency").status_code == 404


def test_rest_and_linked_data(client: TestClient) -> None:
    assert len(client.get("/plans").json()) == 12
    page = client.get("/plans/sz-pilot-batch1/tasks", params={"limit": 10, "offset": 190}).json()
    assert page["total"] == 200 and page["tasks"][-1]["number"] == 200
    task = client.get("/tasks/sz-market-2024/6").json()
    assert task["title"] == "试行公平竞争集中审查"
    hits = client.get("/search", params={"q": "公平竞争委员会"}).json()
    assert any(h["task"].endswith("sz-workpoints-2023/task/89") for h in hits)
    turtle = client.get("/id/agency/sz-amr", headers={"accept": "text/turtle"})
    assert turtle.status_code == 200 and "市市场监管局" in turtle.text
    assert client.get("/id/agency/nothing-here").status_code == 404
    assert client.get("/dumps/plankg.nq").status_code == 200
    assert client.get("/.well-known/void").json()["void:triples"] > 10_000


def test_plan_district_indicator_and_targets(client: TestClient) -> None:
    plan = client.get("/plans/sz-intl-2023-2025").json()
    assert plan["tasks"] == 12 and plan["identifier"] == "深办发〔2023〕12号"
    nanshan = client.get("/districts/nanshan").json()
    assert nanshan["code"] == "440305"
    trajectory = client.get("/indicators/hightech-fdi").json()["trajectory"]
    assert [(t["year"], t["comparator"], t["value"]) for t in trajectory] == [
        ("2023", "=", "3000000000"), ("2025", "≥", "4000000000")]
    annex = client.get("/targets", params={"plan": "sz-intl-tasks-2023"}).json()
    assert len(annex) == 24
    assert client.get("/districts/none").status_code == 404


def test_publish_to_a_writable_oxigraph_server(build_dir: Path, tmp_path: Path) -> None:
    from plankg.api.cli import main

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(tmp_path / "db"),
                               "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, 30, server)
        base = f"http://127.0.0.1:{port}"
        assert main(["publish", "--endpoint", base, "--data", str(build_dir / "plankg.nq")]) == 0
        remote = RemoteStore(f"{base}/query", timeout=10)
        assert remote.select("SELECT (COUNT(*) AS ?n) WHERE { ?t a pk:Task }").rows == (("630",),)
        # publishing again replaces, it does not add
        assert main(["publish", "--endpoint", base, "--data", str(build_dir / "plankg.nq")]) == 0
        assert remote.select("SELECT (COUNT(*) AS ?n) WHERE { ?t a pk:Task }").rows == (("630",),)
        staging = remote.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRENDS(STR(?g), '--staging')) }")
        assert staging.rows == (("0",),)
    finally:
        server.kill()
        server.wait(10)


def test_example_queries_run_on_the_endpoint(client: TestClient) -> None:
    examples = client.get("/sparql/examples").json()
    assert len(examples) >= 5 and all(e["asks"] for e in examples)
    for example in examples:
        response = client.post("/sparql", data={"query": example["query"]})
        assert response.status_code == 200, (example["name"], response.text)
        assert response.json()["results"]["bindings"], example["name"]


def test_dumps_and_html(client: TestClient) -> None:
    turtle = client.get("/dumps/plankg.ttl")
    assert turtle.status_code == 200 and "市市场监管局" in turtle.text
    assert client.get("/dumps/plankg.jsonld").status_code == 200
    page = client.get("/id/plan/sz-market-2024/task/6", headers={"accept": "text/html"})
    assert page.status_code == 200 and "试行公平竞争集中审查" in page.text


@pytest.mark.parametrize("path,expected", [
    ("/", "深圳市建设营商环境创新试点城市首批改革事项清单"),
    ("/?lang=en", "Plans on a timeline"),
    ("/id/plan/sz-market-2024", "优化身份被冒用经营主体税务解绑流程"),
    ("/id/plan/sz-market-2024?agency=sz-tax&lang=en", "Showing 5"),
    ("/id/plan/sz-intl-2023-2025/task/9", "打造高效便捷的跨境贸易服务体系"),
    ("/id/agency/sz-amr?lang=en", "Shenzhen Administration for Market Regulation"),
    ("/id/district/qianhai", "前海合作区"),
    ("/id/indicator/hightech-fdi", "高技术产业实际使用外资规模达到30亿美元"),
    ("/id/source/001_560f08f7727a2982", "001_560f08f7727a2982.txt"),
    ("/find?q=公平竞争委员会", "设立前海<mark>公平竞争委员会</mark>"),
    ("/editor", "lead-agencies-intl-plan"),
])
def test_web_pages(client: TestClient, path: str, expected: str) -> None:
    response = client.get(path, headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert expected in response.text


def test_web_pages_escape_input_and_answer_404(client: TestClient) -> None:
    found = client.get("/find", params={"q": "<script>alert(1)</script>"})
    assert found.status_code == 200 and "<script>alert" not in found.text and "&lt;script&gt;" in found.text
    assert client.get("/id/agency/no-such-agency", headers={"accept": "text/html"}).status_code == 404
    page = client.get("/id/agency/no-such-agency", params={"lang": "en"},
                      headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Not found" in page.text and "no-such-agency" in page.text
    api = client.get("/agencies/no-such-agency")
    assert api.status_code == 404 and api.json() == {"detail": "no agency 'no-such-agency'"}
    assert client.get("/id/plan/sz-market-2024", params={"lang": "fr"}, headers={"accept": "text/html"}).status_code == 422
    filtered = client.get("/id/plan/sz-market-2024", params={"section": "\" onmouseover=\"x"}, headers={"accept": "text/html"})
    assert filtered.status_code == 200 and 'onmouseover="x' not in filtered.text
