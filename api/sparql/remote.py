"""A remote SPARQL 1.1 endpoint as the store: the same ``select``/``query`` as the embedded
:class:`~plankg.graph.store.GraphStore`, through SPARQLWrapper with explicit timeouts.

The remote store must hold the build as :func:`publish_files` prepares it: every named graph,
and their merge in the default graph (so a triple two sources state is seen once, as with the
embedded store). Values are bound with :func:`~plankg.graph.store.bind_values` (pyoxigraph
terms, escaped by the library), never pasted into the text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from plankg.api.sparql.workers import FORMATS, QueryPool, QueryRequest, QueryResult
from plankg.graph.errors import QueryFailed, StoreTimeout, StoreUnavailable
from plankg.graph.store import PREFIXES, QueryTable, bind_values

__all__ = ["RemotePool", "RemoteStore", "merged_ntriples", "publish_build"]


_COMMENT_LINES = re.compile(r"^\s*#.*$\n?", re.MULTILINE)
_PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def merged_ntriples(nquads: Path, target: Path) -> Path:
    """Write the merge of a build's named graphs as N-Triples (for the remote default graph)."""
    store = ox.Store()
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in store}, key=str)
    ox.serialize(triples, output=str(target), format=ox.RdfFormat.N_TRIPLES)
    return target


def _term(binding: dict[str, str]) -> Any:
    if binding["type"] == "uri":
        return ox.NamedNode(binding["value"])
    if binding["type"] == "bnode":
        return ox.BlankNode(binding["value"])
    if "xml:lang" in binding:
        return ox.Literal(binding["value"], language=binding["xml:lang"])
    if "datatype" in binding:
        return ox.Literal(binding["value"], datatype=ox.NamedNode(binding["datatype"]))
    return ox.Literal(binding["value"])


class RemoteStore:
    """A SPARQL endpoint read through SPARQLWrapper.

    Args:
        endpoint: the query endpoint URL.
        timeout: connect-and-read timeout of one request, in seconds.
    """

    def __init__(self, endpoint: str, timeout: float = 10.0) -> None:
        self.endpoint = endpoint
        self.timeout = timeout

    def _request(self, sparql: str, accept: str) -> bytes:
        import socket
        import urllib.error

        from SPARQLWrapper import POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

        wrapper = SPARQLWrapper(self.endpoint)
        wrapper.setMethod(POST)
        wrapper.setTimeout(int(max(1, self.timeout)))
        wrapper.setOnlyConneg(True)
        wrapper.addCustomHttpHeader("Accept", accept)
        wrapper.setQuery(_PROLOGUE + sparql)
        try:
            response = wrapper.query().response
            body: bytes = response.read()
            return body
        except TimeoutError as exc:
            raise StoreTimeout(f"the query ran longer than {self.timeout:g} s, or the remote store hangs") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                raise StoreTimeout(f"the query ran longer than {self.timeout:g} s, or the remote store hangs") from exc
            raise StoreUnavailable(f"the remote store is unreachable: {exc.reason}") from exc
        except QueryBadFormed as exc:
            raise QueryFailed(f"the remote store refused the query: {exc}") from exc
        except SPARQLWrapperException as exc:  # its 5xx, 404 …: the store is not working
            raise StoreUnavailable(f"the remote store failed: {exc}") from exc
        except (ConnectionError, OSError) as exc:  # reset or closed mid-answer
            raise StoreUnavailable(f"the remote store dropped the connection: {exc}") from exc

    def query(self, sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None) -> Any:
        """Run a query: a list of pyoxigraph triples for CONSTRUCT/DESCRIBE, a bool for ASK, the
        SPARQL JSON document for SELECT."""
        if bindings:
            sparql = bind_values(sparql, bindings)
        head = _COMMENT_LINES.sub("", sparql).lstrip().upper()  # named queries open with comments
        if head.startswith(("CONSTRUCT", "DESCRIBE")):
            body = self._request(sparql, "application/n-triples")
            return list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        document = json.loads(self._request(sparql, "application/sparql-results+json"))
        if "boolean" in document:
            return bool(document["boolean"])
        return document

    def select(self, sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None) -> QueryTable:
        """Run a SELECT query and return its rows as strings."""
        document = self.query(sparql, bindings)
        variables = tuple(document["head"]["vars"])
        rows = tuple(tuple(b[v]["value"] if v in b else "" for v in variables)
                     for b in document["results"]["bindings"])
        return QueryTable(variables, rows)


class RemotePool:
    """The public endpoint's queries, checked by the guard in local check-only worker
    processes (time-bounded like the embedded pool's), then forwarded as normalized text to the
    remote store (which enforces its own timeout); results are capped at ``max_rows`` rows and
    ``max_bytes`` bytes like the embedded workers'.

    Args:
        store: the remote store.
        max_rows: the most rows a result carries.
        checker: the check-only pool (default: two workers, started on the first query).
        max_bytes: the largest answer accepted from the remote store (then 502).
    """

    def __init__(self, store: RemoteStore, max_rows: int = 10_000, checker: QueryPool | None = None,
                 max_bytes: int = 16 * 1024 * 1024) -> None:
        import threading

        self.store = store
        self.max_rows = max_rows
        self.max_bytes = max_bytes
        self.checker = checker
        self._lock = threading.Lock()

    def _checker(self) -> QueryPool:
        with self._lock:
            if self.checker is None:
                self.checker = QueryPool(None, size=2, timeout=self.store.timeout, max_rows=self.max_rows)
            return self.checker

    def run(self, request: QueryRequest) -> QueryResult:
        """Check a query (in a worker) and forward its normalized text; the answer in the
        format the check chose."""
        checked = self._checker().run(request)
        fmt = next(name for name, media in FORMATS.items() if media == checked.media_type)
        body = self.store._request(checked.text, checked.media_type)
        if len(body) > self.max_bytes:
            raise StoreUnavailable(f"the remote store answered more than {self.max_bytes} bytes")
        if fmt != "json":
            return QueryResult(body, checked.media_type, False, 0)
        document = json.loads(body)
        if "results" not in document:
            return QueryResult(body, checked.media_type, False, 1)
        bindings = document["results"]["bindings"]
        truncated = len(bindings) > self.max_rows
        if truncated:
            document["results"]["bindings"] = bindings[: self.max_rows]
            document["truncated"] = True
        return QueryResult(json.dumps(document, ensure_ascii=False).encode("utf-8"), checked.media_type,
                           truncated, min(len(bindings), self.max_rows), "rows" if truncated else "")

    def close(self) -> None:
        """Stop the check workers."""
        if self.checker is not None:
            self.checker.close()


def publish_build(nquads: Path, graph_store: str, update: str, timeout: float = 60.0) -> list[str]:
    """Load a build into a remote store through the SPARQL 1.1 Graph Store Protocol, one named
    graph at a time, into staging graphs; then swap them in with one SPARQL Update request (a
    single transaction on stores such as Oxigraph), so readers see the old version until the
    new one is complete. The default graph receives the merge of the named graphs.

    Args:
        nquads: the build's N-Quads.
        graph_store: the Graph Store Protocol endpoint (e.g. ``http://host:7878/store``).
        update: the SPARQL Update endpoint (e.g. ``http://host:7878/update``).
        timeout: the timeout of each request, in seconds.

    Returns:
        The graphs published.

    Raises:
        QueryFailed: the store refused a request (nothing was swapped in).
    """
    import urllib.error
    import urllib.parse
    import urllib.request

    store = ox.Store()
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    graphs = sorted({q.graph_name.value for q in store if isinstance(q.graph_name, ox.NamedNode)})
    merged = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in store}, key=str)

    def put(graph: str, triples: list[ox.Triple]) -> None:
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        url = f"{graph_store}?{urllib.parse.urlencode({'graph': graph})}"
        request = urllib.request.Request(url, data=body, method="PUT",
                                         headers={"Content-Type": "application/n-triples"})
        try:
            urllib.request.urlopen(request, timeout=timeout).close()
        except urllib.error.URLError as exc:
            raise QueryFailed(f"the store refused graph <{graph}>: {exc}") from exc

    staging = {graph: f"{graph}--staging" for graph in graphs}
    for graph in graphs:
        put(staging[graph], [ox.Triple(q.subject, q.predicate, q.object)
                             for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))])
    merged_staging = "https://w3id.org/plankg/id/graph/merged--staging"
    put(merged_staging, merged)
    swap = ";\n".join([*(f"MOVE SILENT <{staging[g]}> TO <{g}>" for g in graphs),
                       f"MOVE SILENT <{merged_staging}> TO DEFAULT"])
    request = urllib.request.Request(update, data=swap.encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/sparql-update"})
    try:
        urllib.request.urlopen(request, timeout=timeout).close()
    except urllib.error.URLError as exc:
        raise QueryFailed(f"the store refused the swap: {exc}") from exc
    return graphs
