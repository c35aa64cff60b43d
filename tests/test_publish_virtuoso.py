"""plankg publish and serve over a store that speaks Virtuoso's dialect (issue 15 item 4).

Virtuoso is not installed on this machine (Debian's ``virtuoso-opensource`` 7.2.5 is available
to apt but not installed), so these tests run against :class:`FakeVirtuoso`, an HTTP server over
pyoxigraph that enforces the three behaviours of Virtuoso that broke plankg:

- ``MOVE … TO DEFAULT`` (and any update naming the default graph) is refused with Virtuoso's
  ``SP031 … MOVE...DEFAULT operator requires declaration of a plain default graph``;
- a transitive property path (``+`` or ``*``) is refused with ``transitive start not given``
  (Virtuoso accepts one only with a constant start; the fake refuses every one);
- the default graph is the union of every graph unless ``default-graph-uri`` names one, so a
  merge stored beside the named graphs would count every statement twice.

Its Graph Store Protocol reads ``graph-uri`` (Virtuoso's ``/sparql-graph-crud``), updates come
as the form parameter ``update`` on ``/sparql``. A real Virtuoso run is still to be done.
"""

from __future__ import annotations

import re
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from plankg.api.app import create_app
from plankg.api.cli import main
from plankg.api.settings import Settings
from plankg.api.sparql.remote import MERGED, RemotePool, RemoteStore
from plankg.graph.store import GraphStore, named_query

SP031 = ("Virtuoso 37000 Error SP031: SPARQL compiler: MOVE...DEFAULT operator requires declaration of a "
         "plain default graph")
TRANSITIVE = "Virtuoso 22023 Error SR362: transitive start not given"
_TRANSITIVE = re.compile(r"(?:[A-Za-z_]*:[\w-]+|<[^>\s]*>|\))[+*]")


class FakeVirtuoso:
    """A pyoxigraph store behind Virtuoso's endpoints and rules (see the module's doc)."""

    def __init__(self) -> None:
        self.store = ox.Store()
        self.fail_updates_with: str | None = None
        self.updates: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: bytes, media: str = "text/plain") -> None:
                self.send_response(status)
                self.send_header("Content-Type", media)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_PUT(self) -> None:
                url = urllib.parse.urlparse(self.path)
                graph = urllib.parse.parse_qs(url.query).get("graph-uri", [""])[0]
                if url.path != "/sparql-graph-crud" or not graph:
                    return self._answer(400, b"Virtuoso: graph-uri is required")
                body = self.rfile.read(int(self.headers["Content-Length"]))
                fake.store.remove_graph(ox.NamedNode(graph)) if fake.store.contains_named_graph(
                    ox.NamedNode(graph)) else None
                fake.store.load(body, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
                self._answer(201, b"")

            def do_POST(self) -> None:
                form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                if "update" in form:
                    return self._update(form["update"][0])
                return self._query(form["query"][0], form.get("default-graph-uri", []),
                                   form.get("named-graph-uri", []))

            def _update(self, text: str) -> None:
                fake.updates.append(text)
                if re.search(r"\bDEFAULT\b", text, re.IGNORECASE):
                    return self._answer(400, SP031.encode())
                if fake.fail_updates_with and "MOVE" in text:
                    return self._answer(500, fake.fail_updates_with.encode())
                fake.store.update(text)
                self._answer(200, b"")

            def _query(self, text: str, defaults: list[str], named: list[str]) -> None:
                if _TRANSITIVE.search(re.sub(r"#[^\n]*", "", text)):
                    return self._answer(400, TRANSITIVE.encode())
                options: dict[str, Any] = {}
                if defaults or named:
                    options = {"default_graph": [ox.NamedNode(g) for g in defaults],
                               "named_graphs": [ox.NamedNode(g) for g in named]}
                else:
                    options = {"use_default_graph_as_union": True}
                try:
                    results = fake.store.query(text, **options)
                except SyntaxError as exc:
                    return self._answer(400, str(exc).encode())
                accept = self.headers.get("Accept", "")
                if "n-triples" in accept:
                    return self._answer(200, ox.serialize(results, format=ox.RdfFormat.N_TRIPLES) or b"",
                                        "application/n-triples")
                body = results.serialize(format=ox.QueryResultsFormat.JSON)
                self._answer(200, body, "application/sparql-results+json")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def graphs(self) -> set[str]:
        return {g.value for g in self.store.named_graphs()}

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture()
def virtuoso() -> Iterator[FakeVirtuoso]:
    fake = FakeVirtuoso()
    yield fake
    fake.close()


def publish(fake: FakeVirtuoso, build_dir: Path) -> int:
    return main(["publish", "--dialect", "virtuoso", "--endpoint", fake.base, "--data", str(build_dir / "plankg.nq")])


def test_the_fake_enforces_virtuosos_rules(virtuoso: FakeVirtuoso) -> None:
    store = RemoteStore(f"{virtuoso.base}/sparql", dataset=((), ()))
    with pytest.raises(Exception, match="transitive start"):
        store.select("SELECT ?x WHERE { ?x pk:replacedBy+ ?a }")


def test_publish_swaps_named_graph_by_named_graph(virtuoso: FakeVirtuoso, build_dir: Path,
                                                  store: GraphStore) -> None:
    assert publish(virtuoso, build_dir) == 0
    assert publish(virtuoso, build_dir) == 0  # again: replaces, does not add
    build_graphs = {row[0] for row in store.select(named_query("graphs")).rows}
    assert virtuoso.graphs() == build_graphs | {MERGED}  # no staging graph left
    assert not any("DEFAULT" in update.upper() for update in virtuoso.updates)
    remote = RemoteStore(f"{virtuoso.base}/sparql")
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?t a pk:Task }"
    assert remote.select(count).rows == (("630",),)  # not doubled by the union default graph
    union = RemoteStore(f"{virtuoso.base}/sparql", dataset=((), ()))
    assert union.select(count).rows != (("630",),)  # what the README's old recipe gave


def test_a_refused_swap_reports_the_stores_error_and_leaves_no_staging(
        virtuoso: FakeVirtuoso, build_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    virtuoso.fail_updates_with = "Virtuoso 42000 Error SR186: No permission to execute procedure DB.DBA.SPARUL_MOVE"
    assert publish(virtuoso, build_dir) == 2
    err = capsys.readouterr().err
    assert "SR186: No permission" in err and "staging graphs were dropped" in err
    assert not [g for g in virtuoso.graphs() if g.endswith("--staging")]


def test_serving_over_it_answers_as_the_embedded_store(virtuoso: FakeVirtuoso, build_dir: Path,
                                                        store: GraphStore) -> None:
    assert publish(virtuoso, build_dir) == 0
    remote = RemoteStore(f"{virtuoso.base}/sparql", timeout=10)
    settings = Settings(query_workers=1)
    embedded_app = create_app(store, settings, dump=build_dir / "plankg.nq")
    remote_app = create_app(remote, settings, pool=RemotePool(remote), dump=build_dir / "plankg.nq")
    routes = ["/agencies/sz-amr", "/agencies/sz-gsdata", "/agencies/sz-amr?format=csv"]
    count = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?t a pk:Task }"}
    with TestClient(embedded_app) as embedded, TestClient(remote_app) as served:
        for route in routes:
            ours, theirs = embedded.get(route), served.get(route)
            assert theirs.status_code == ours.status_code == 200, (route, theirs.text[:300])
            assert theirs.content == ours.content, route
        ours, theirs = embedded.get("/sparql", params=count), served.get("/sparql", params=count)
        assert theirs.json()["results"] == ours.json()["results"]
        csv = served.get("/sparql", params=count, headers={"accept": "text/csv"})
        assert csv.content.startswith(b"\xef\xbb\xbfn\r\n630")
    embedded_app.state.served.close()


def test_replaced_by_chains_fit_the_spelled_out_depth(store: GraphStore) -> None:
    """The agency queries spell pk:replacedBy chains out to 4 links (Virtuoso refuses the
    transitive path): the build has none longer."""
    five = "/".join(["pk:replacedBy"] * 5)
    assert store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a {five} ?b }}").rows == (("0",),)
    for name in ("agency_predecessors", "agency_successors", "agency_responsibilities"):
        assert not _TRANSITIVE.search(re.sub(r"#[^\n]*", "", named_query(name))), name
