"""The standing attack suite of the public service (issue 11): every attack tried against it,
kept as a test, with a real canary listener on loopback that counts every TCP connection.

SSRF (the guard and the engine's sandbox), parser differentials, updates by every route, deep
and flat queries, expensive and slow-to-check queries, per-client limits, result and body caps,
path traversal, reflected XSS, odd encodings and the security headers. Deterministic: no
assertion on a time, every wait bounded (the budget here is 2 s).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from plankg.api.app import create_app
from plankg.api.settings import Settings
from plankg.api.sparql.guard import QueryRejected, check_query, normalize_query
from plankg.api.sparql.workers import ENGINE_FAILED, QueryFailed, QueryPool, QueryRequest, handle
from plankg.graph.store import GraphStore

BUDGET = 2.0


class CanaryListener:
    """A TCP listener on 127.0.0.1 that counts every connection and answers a SPARQL JSON row."""

    def __init__(self) -> None:
        self.hits = 0
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/x"
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        self.server.settimeout(0.2)
        while not self._stop:
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.hits += 1
            with contextlib.suppress(OSError), conn:
                conn.settimeout(1)
                with contextlib.suppress(OSError):
                    conn.recv(65536)
                body = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal","value":"CANARY"}}]}}'
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                             b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)

    def close(self) -> None:
        self._stop = True
        self._thread.join(2)
        self.server.close()


@pytest.fixture(scope="module")
def canary() -> Iterator[CanaryListener]:
    listener = CanaryListener()
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def pool(build_dir: Path) -> Iterator[QueryPool]:
    workers = QueryPool(build_dir / "plankg.nq", size=2, timeout=BUDGET, max_rows=50, wait=3.0,
                        max_bytes=1024 * 1024)
    yield workers
    workers.close()


def make_app(store: GraphStore, build_dir: Path, pool: QueryPool, **overrides: Any) -> Any:
    settings = Settings(**{"query_timeout": BUDGET, "query_workers": 2, "max_rows": 50, "query_wait": 3.0,
                           "max_result_bytes": 1024 * 1024, "client_seconds": 1000.0, "client_rate": 1000.0,
                           "client_burst": 1000.0, **overrides})
    return create_app(store, settings, pool=pool, dump=build_dir / "plankg.nq")


@pytest.fixture(scope="module")
def app(store: GraphStore, build_dir: Path, pool: QueryPool) -> Any:
    return make_app(store, build_dir, pool)


@pytest.fixture(scope="module")
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def send(client: TestClient, route: str, query: str, accept: str | None = None) -> Any:
    headers = {"accept": accept} if accept else {}
    if route == "get":
        return client.get("/sparql", params={"query": query}, headers=headers)
    if route == "form":
        return client.post("/sparql", data={"query": query}, headers=headers)
    return client.post("/sparql", content=query.encode("utf-8"),
                       headers={**headers, "content-type": "application/sparql-query"})


ROUTES = ["get", "form", "direct"]


def differentials(url: str) -> list[str]:
    """Texts that read as harmless to a checker and as a SERVICE call to an engine that reads
    them differently (the escape and line-end differentials, in every query form)."""
    body = f"?c . SERVICE <{url}> {{ ?s ?p ?o }} #'''\n"
    return [
        # issue 11: \u000A ends the comment for rdflib only; the SERVICE line is a string to it
        "SELECT * WHERE { ?a ?b #\\u000A'''\n" + body + "}",
        "ASK { ?a ?b #\\u000A'''\n" + body + "}",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?a ?b #\\u000A'''\n" + body + "}",
        "DESCRIBE ?s WHERE { ?a ?b #\\u000A'''\n" + body + "}",
        # the same with \U and with \u000D
        "SELECT * WHERE { ?a ?b #\\U0000000A'''\n" + body + "}",
        "SELECT * WHERE { ?a ?b #\\u000D'''\n" + body + "}",
        # a lone CR ends a comment for pyoxigraph, not for rdflib
        f"SELECT * WHERE {{ ?a ?b ?c #\r. SERVICE <{url}> {{ ?s ?p ?o }}\n}}",
        f"ASK {{ #\r SERVICE <{url}> {{ ?s ?p ?o }}\n}}",
        # an escape that decodes to an escape: a second decoding would change it again
        f"SELECT * WHERE {{ ?a ?b #\\u005Cu000A'''\n?c . SERVICE <{url}> {{ ?s ?p ?o }} #'''\n}}",
        # the escaped keyword and escaped white space
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE\\u0020<{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE\\u0009SILENT\\u000A<{url}> {{ ?s ?p ?o }} }}",
    ]


def spellings(url: str) -> list[str]:
    """SERVICE in every spelling and hidden in every clause."""
    base = url.rsplit("/", 1)[0] + "/"
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ service <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SeRvIcE sIlEnT <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?x }} }} }}",
        f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ GRAPH ?g {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * WHERE {{ {{ {{ {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }} }}",
        f"PREFIX c: <{base}> SELECT * WHERE {{ SERVICE c:x {{ ?s ?p ?o }} }}",
        f"BASE <{base}> SELECT * WHERE {{ SERVICE <x> {{ ?s ?p ?o }} }}",
        f"ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"CONSTRUCT WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"DESCRIBE ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE#c\n<{url}>#c\n{{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE\t<{url}>\t{{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVI\\u0043E <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVI\\U00000043E <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o }} VALUES ?x {{ 1 }} ORDER BY (EXISTS {{ SERVICE <{url}> {{ ?a ?b ?c }} }})",
        f"SELECT (EXISTS {{ SERVICE <{url}> {{ ?a ?b ?c }} }} AS ?x) WHERE {{ }}",
    ]


def other_ways_out(url: str) -> list[str]:
    """Foreign datasets and updates: every one is refused (400) or too large (413)."""
    return [
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"LOAD <{url}>",
        f"LOAD SILENT <{url}> INTO GRAPH <urn:x>",
        "INSERT DATA { <a:b> <a:c> <a:d> }",
        "DELETE WHERE { ?s ?p ?o }",
        "CLEAR ALL",
        "DROP SILENT DEFAULT",
        "SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <a:b> <a:c> <a:d> }",
    ]


@pytest.mark.parametrize("route", ROUTES)
def test_ssrf_attempts_never_reach_the_canary(client: TestClient, canary: CanaryListener, route: str) -> None:
    before = canary.hits
    for attack in differentials(canary.url) + spellings(canary.url) + other_ways_out(canary.url):
        response = send(client, route, attack)
        assert response.status_code in (200, 400, 413), (attack[:80], response.status_code, response.text[:200])
        assert "CANARY" not in response.text, attack[:80]
        assert "refused" not in response.text.lower() and "os error" not in response.text.lower()
    # the protocol's own dataset parameters
    assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }", "default-graph-uri": canary.url}).status_code == 400
    assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }", "named-graph-uri": canary.url}).status_code == 400
    assert canary.hits == before


def test_the_differential_runs_as_the_checker_read_it(client: TestClient, canary: CanaryListener) -> None:
    """The issue's query is valid SPARQL: the SERVICE line is a string. It runs as such."""
    for accept, route in (("application/sparql-results+json, text/turtle", "get"),
                          ("text/csv, application/ld+json", "form"),
                          ("application/sparql-results+xml, application/n-triples", "direct")):
        for query in differentials(canary.url)[:4]:
            response = send(client, route, query, accept)
            assert response.status_code == 200, (query[:40], response.text[:200])
            assert "CANARY" not in response.text
    assert canary.hits == 0


def test_engine_cannot_reach_the_network(canary: CanaryListener, pool: QueryPool) -> None:
    """The door in the engine itself: a worker's pyoxigraph asked for SERVICE directly (no
    guard) fails and the canary hears nothing; the same engine without the filter does call it
    (so the canary would see a hole)."""
    assert pool.sandboxed
    context = multiprocessing.get_context("spawn")
    for sandbox in (True, False):
        before = canary.hits
        with context.Pool(1) as child:
            outcome = child.apply_async(_service_call, (canary.url, sandbox)).get(30)
        if sandbox:
            assert outcome.startswith("error") and canary.hits == before
        else:
            assert outcome == "CANARY" and canary.hits == before + 1


def _service_call(url: str, sandbox: bool) -> str:
    import pyoxigraph as ox

    from plankg.api.sparql.workers import forbid_network

    if sandbox:
        assert forbid_network()
    try:
        rows = list(ox.Store().query(f"SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"))
    except Exception as exc:
        return f"error {type(exc).__name__}"
    return ",".join(str(row["s"].value) for row in rows)


def test_engine_errors_are_generic() -> None:
    class Failing:
        class store:
            @staticmethod
            def query(*args: object, **kwargs: object) -> object:
                raise OSError("Connection refused (os error 111)")

    with pytest.raises(QueryFailed) as caught:
        handle(Failing(), QueryRequest("SELECT * WHERE { ?s ?p ?o }"), 10, 1000)
    assert str(caught.value) == ENGINE_FAILED


def test_guard_normalizes_what_it_checks() -> None:
    checked = check_query("SELECT * WHERE { ?a ?b #\\u000A'''\n?c } #'''\n}", [])
    assert checked.text == "SELECT * WHERE { ?a ?b #\n'''\n?c } #'''\n}"
    for bad in ("ASK { \\uD800 }", "ASK { \\U00110000 }", "ASK { \\u005Cu0041 }", "ASK { \\u005CU00000041 }"):
        with pytest.raises(QueryRejected):
            normalize_query(bad)
    # what rdflib and pyoxigraph read alike after normalization: every character after a '#'
    import pyoxigraph as ox
    from rdflib.plugins.sparql.parser import parseQuery

    from plankg.api.sparql.guard import _walk

    engine = ox.Store()
    for code in [*range(0, 0x21), 0x7F, 0x85, 0xA0, 0x2028, 0x2029, 0xFEFF]:
        text = normalize_query(f"ASK {{ #{chr(code)} FILTER(false) \n}}")
        try:  # the FILTER is code (the comment ended) when the answer is false
            ours: object = not bool(engine.query(text))
        except SyntaxError:
            ours = "error"
        try:
            theirs: object = "Filter" in _walk(parseQuery(text))
        except Exception:
            theirs = "error"
        assert ours == theirs, hex(code)


def test_updates_by_every_route(client: TestClient) -> None:
    update = "INSERT DATA { <a:b> <a:c> <a:d> }"
    assert client.get("/sparql", params={"update": update}).status_code in (400, 422) or \
        "sd:Service" in client.get("/sparql", params={"update": update}).text
    assert client.post("/sparql", data={"update": update}).status_code == 400
    assert client.post("/sparql", content=update, headers={"content-type": "application/sparql-update"}).status_code == 400
    assert client.post("/update", content=update, headers={"content-type": "application/sparql-update"}).status_code in (404, 405)
    assert client.get("/sparql", params={"query": "ASK { <a:b> <a:c> <a:d> }"}).json()["boolean"] is False


def test_deep_nesting_and_flat_queries(client: TestClient) -> None:
    for depth in (2_500, 45_000):
        deep = "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth
        response = client.post("/sparql", content=deep, headers={"content-type": "application/sparql-query"})
        assert (response.status_code in (400, 413) and "deep" in response.text) or response.status_code == 413
    parens = "SELECT * WHERE { FILTER(" + "(" * 5_000 + "1" + ")" * 5_000 + ") }"
    assert client.post("/sparql", data={"query": parens}).status_code == 400
    flat = "SELECT (COUNT(*) AS ?n) WHERE { " + " . ".join(
        f"?s{i} a <https://w3id.org/plankg/def#Plan>" for i in range(1_000)) + " } LIMIT 1"
    response = client.post("/sparql", data={"query": flat})
    assert response.status_code in (200, 503), response.text[:300]  # accepted; may run past the budget
    assert "deep" not in response.text
    # the engine plans a join of n patterns in ~n^3 (400: 1 s): 150 run within the budget
    flat_cheap = "ASK { " + " . ".join(f"<urn:x:{i}> <urn:p> ?o{i}" for i in range(150)) + " }"
    response = client.post("/sparql", data={"query": flat_cheap})
    assert response.status_code == 200 and response.json()["boolean"] is False


def test_slow_to_check_and_expensive_queries_stay_in_their_budget(store: GraphStore, build_dir: Path,
                                                                 pool: QueryPool) -> None:
    """A 20 KB ``1+1+…`` (minutes for rdflib) and a cartesian product: 503 at the budget, the
    worker replaced; meanwhile another client's light query is answered (no lock held)."""
    app = make_app(store, build_dir, pool)
    slow = "SELECT (" + "+".join(["1"] * 10_000) + " AS ?x) WHERE { }"
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    answers: dict[str, int] = {}

    def hostile(name: str, query: str) -> None:
        with TestClient(app, client=("10.0.0.66", 1)) as attacker:
            answers[name] = attacker.post("/sparql", data={"query": query}).status_code

    threads = [threading.Thread(target=hostile, args=("slow", slow))]
    threads[0].start()
    with TestClient(app, client=("10.0.0.1", 1)) as light:
        light_status = light.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code
    for thread in threads:
        thread.join(3 * BUDGET + 10)
    hostile("heavy", heavy)
    assert light_status == 200
    assert answers == {"slow": 503, "heavy": 503}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(pool._all) < 2:  # the killed workers are replaced
        time.sleep(0.1)
    assert len(pool._all) == 2


def test_per_client_limits(store: GraphStore, build_dir: Path, pool: QueryPool) -> None:
    app = make_app(store, build_dir, pool, client_rate=1.0, client_burst=3.0)
    with TestClient(app, client=("10.0.0.7", 1)) as flood, TestClient(app, client=("10.0.0.8", 1)) as other:
        statuses = [flood.get("/sparql", params={"query": "ASK {}"}).status_code for _ in range(5)]
        assert statuses[:3] == [200, 200, 200] and 429 in statuses[3:]
        refused = flood.get("/sparql", params={"query": "ASK {}"})
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        assert other.get("/sparql", params={"query": "ASK {}"}).status_code == 200  # others unaffected
        assert flood.get("/plans").status_code == 200  # only SPARQL is limited
    # the time budget: one query over the budget spends this client's minute
    app = make_app(store, build_dir, pool, client_seconds=1.0)
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with TestClient(app, client=("10.0.0.9", 1)) as hog:
        assert hog.get("/sparql", params={"query": heavy}).status_code == 503
        after = hog.get("/sparql", params={"query": "ASK {}"})
        assert after.status_code == 429 and int(after.headers["retry-after"]) >= 1
    # concurrency: one query at a time per client; the second waits (no thread), then 429
    app = make_app(store, build_dir, pool, client_queries=1, query_wait=0.5)
    results: list[int] = []

    def one(query: str) -> None:
        with TestClient(app, client=("10.0.0.10", 1)) as same:
            results.append(same.get("/sparql", params={"query": query}).status_code)

    first = threading.Thread(target=one, args=(heavy,))
    first.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not app.state.limits._clients.get("10.0.0.10"):
        time.sleep(0.01)
    while time.monotonic() < deadline and not app.state.limits._clients["10.0.0.10"].running:
        time.sleep(0.01)
    one("ASK {}")
    first.join(3 * BUDGET + 10)
    assert sorted(results) == [429, 503]


def test_results_are_capped_in_bytes(client: TestClient) -> None:
    doubling = "SELECT ?x WHERE { BIND(\"ab\" AS ?x0) " + " ".join(
        f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(24)) + " BIND(?x24 AS ?x) }"
    for accept in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                   "text/tab-separated-values"):
        response = client.get("/sparql", params={"query": doubling}, headers={"accept": accept})
        assert response.status_code in (200, 503), response.text[:200]
        if response.status_code == 200:
            assert len(response.content) <= 1024 * 1024
            assert response.headers["x-result-truncated"].startswith("true")
    many = "SELECT ?s ?o WHERE { ?s ?p ?o . BIND(CONCAT(STR(?o), STR(?o), STR(?o), STR(?o)) AS ?big) }"
    response = client.get("/sparql", params={"query": many})
    assert response.status_code == 200 and response.json()["truncated"] is True
    graph = client.get("/sparql", params={"query": "CONSTRUCT { ?s ?p ?big } WHERE { ?s ?p ?o . "
                                                   "BIND(CONCAT(STR(?o), STR(?o), STR(?o)) AS ?big) }"},
                       headers={"accept": "application/ld+json"})
    assert graph.status_code == 200 and len(graph.content) <= 1024 * 1024


def test_bodies_are_refused_before_they_are_read(live_server: str) -> None:
    """A 400 MiB Content-Length gets 413 before one byte of body is sent; a chunked body is
    cut off as soon as it passes the cap."""
    parsed = urllib.parse.urlparse(live_server)
    address = (parsed.hostname or "127.0.0.1", parsed.port or 80)

    def exchange(head: bytes, body_chunks: list[bytes]) -> bytes:
        with socket.create_connection(address, timeout=10) as conn:
            conn.sendall(head)
            with contextlib.suppress(OSError):
                for chunk in body_chunks:
                    conn.sendall(chunk)
            answer = b""
            with contextlib.suppress(OSError):
                while b"\r\n\r\n" not in answer:
                    data = conn.recv(65536)
                    if not data:
                        break
                    answer += data
            return answer

    declared = exchange(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                        b"Content-Length: 419430400\r\n\r\n", [])
    assert declared.startswith(b"HTTP/1.1 413"), declared[:100]
    assert b"content-security-policy" in declared.lower()
    chunk = b"#" * 65536
    chunked = exchange(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                       b"Transfer-Encoding: chunked\r\n\r\n",
                       [b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(64)] + [b"0\r\n\r\n"])
    assert chunked.startswith(b"HTTP/1.1 413"), chunked[:100]


def test_path_traversal(client: TestClient) -> None:
    for path in ("/id/../../etc/passwd", "/id/%2e%2e/%2e%2e/etc/passwd", "/static/../app.py",
                 "/static/%2e%2e/app.py", "/static/..%2fsettings.py", "/dumps/../../pyproject.toml",
                 "/id/plan/..%2F..%2F..%2Fetc%2Fpasswd", "/assets/yasgui/../../package.json"):
        response = client.get(path)
        assert response.status_code in (400, 404), path
        assert "root:" not in response.text and "BaseSettings" not in response.text and "[project]" not in response.text


def test_reflected_xss_is_escaped(client: TestClient) -> None:
    payload = "</script><script>alert(1)</script>\"'><img src=x onerror=alert(1)>"
    for path, params in (("/find", {"q": payload}), ("/editor", {"query": payload}),
                         ("/id/plan/sz-market-2024", {"section": payload, "agency": payload})):
        response = client.get(path, params=params, headers={"accept": "text/html"})
        assert response.status_code == 200, path
        assert "<script>alert(1)" not in response.text and "<img src=x" not in response.text, path
    not_found = client.get("/id/agency/x<script>alert(1)</script>", headers={"accept": "text/html"})
    assert "<script>alert(1)" not in not_found.text


def test_odd_encodings(client: TestClient) -> None:
    for body, media in ((b"\xff\xfeA\x00S\x00K\x00", "application/sparql-query"),
                        (b"ASK {\x00}", "application/sparql-query"),
                        ("\ufeffASK {}".encode(), "application/sparql-query"),
                        (b"query=%FF%FE%00", "application/x-www-form-urlencoded"),
                        ("ASK {}".encode("utf-16"), "application/sparql-query; charset=utf-16")):
        response = client.post("/sparql", content=body, headers={"content-type": media})
        assert response.status_code in (200, 400), (body[:20], response.status_code)
    assert client.get("/sparql", params={"query": "ASK { \udcff }".encode("utf-8", "surrogatepass")}).status_code in (400, 422)


@pytest.mark.parametrize("path", ["/", "/editor", "/find?q=x", "/plans", "/sparql", "/sparql?query=ASK%7B%7D",
                                  "/docs", "/redoc", "/openapi.json", "/static/plankg.css", "/id/agency/nothing",
                                  "/no-such-page"])
def test_security_headers_on_every_answer(client: TestClient, path: str) -> None:
    for _ in range(2):  # the second GET may come from the response cache
        response = client.get(path, headers={"accept": "text/html"})
        policy = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self';" in policy
        assert "http" not in policy and "unsafe-eval" not in policy
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"


def test_docs_load_nothing_from_another_host(client: TestClient) -> None:
    for path in ("/docs", "/redoc"):
        page = client.get(path).text
        assert "cdn" not in page.lower() and "https://" not in page and "<script>" not in page
