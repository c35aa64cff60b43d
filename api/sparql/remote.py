"""A remote SPARQL 1.1 endpoint as the store: the same ``select``/``query`` as the embedded
:class:`~plankg.graph.store.GraphStore`, through SPARQLWrapper with explicit timeouts, and
:func:`publish_build`, which loads a build into such a store (Oxigraph, Virtuoso, any store
with the Graph Store Protocol and SPARQL 1.1 Update on named graphs).

:func:`publish_build` stores every named graph of the build and their merge as the named graph
:data:`MERGED` (a triple two sources state is there once). The default graph is left alone: on
Virtuoso it is the union of every graph (there is no plain default graph to move into: ``SP031
MOVE...DEFAULT``), so a query of the default graph there would count every statement twice.
:class:`RemoteStore` therefore names its dataset with the protocol's ``default-graph-uri``
(:data:`MERGED`) and ``named-graph-uri`` (the build's graphs) on every request, when the store
holds :data:`MERGED`; a store loaded the older way (the merge in its plain default graph, as
``oxigraph load`` of ``merged.nt`` does) is queried as it is. Values are bound with
:func:`~plankg.graph.store.bind_values` (pyoxigraph terms, escaped by the library), never pasted
into the text.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from plankg.api.sparql.workers import QueryRequest, prepare
from plankg.api.sparql.writers import FORMATS, QueryResult, write_ask, write_graph, write_select
from plankg.graph.errors import QueryFailed, StoreTimeout, StoreUnavailable
from plankg.graph.store import PREFIXES, QueryTable, bind_values

__all__ = ["GRAPH_PREFIX", "MERGED", "PublishError", "RemotePool", "RemoteStore", "merged_ntriples", "publish_build"]

#: the build's graphs are named under this IRI
GRAPH_PREFIX = "https://w3id.org/plankg/id/graph/"
#: the named graph holding the merge of the build's graphs on a remote store
MERGED = f"{GRAPH_PREFIX}merged"
#: the suffix of a graph being loaded, before the swap
STAGING = "--staging"

_COMMENT_LINES = re.compile(r"^\s*#.*$\n?", re.MULTILINE)
_PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
#: the named graphs a store holds; GROUP BY, not DISTINCT: Virtuoso 7.2 answers this in 10 ms, the
#: DISTINCT form in 47 s, or not at all, on the 1x build
_GRAPHS = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def merged_ntriples(nquads: Path, target: Path) -> Path:
    """Write the merge of a build's named graphs as N-Triples (for the remote default graph)."""
    store = ox.Store()
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in store}, key=str)
    ox.serialize(triples, output=str(target), format=ox.RdfFormat.N_TRIPLES)
    return target


_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_BOOLEANS = {"1": "true", "0": "false"}


def _canonical(document: dict[str, Any]) -> dict[str, Any]:
    """SPARQL JSON results with each xsd:boolean in its canonical form (Virtuoso answers
    ``"1"^^xsd:boolean`` for the ``true`` it was given), in place."""
    for binding in document.get("results", {}).get("bindings", ()):
        for term in binding.values():
            if term.get("datatype") == _XSD_BOOLEAN and term.get("value") in _BOOLEANS:
                term["value"] = _BOOLEANS[term["value"]]
    return document


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
        dataset: the protocol's ``(default-graph-uri, named-graph-uri)`` for every request;
            None: detect it on first use (see the module's doc), again every ``refresh`` seconds.
    """

    def __init__(self, endpoint: str, timeout: float = 10.0,
                 dataset: tuple[Sequence[str], Sequence[str]] | None = None, refresh: float = 60.0) -> None:
        self.endpoint = endpoint
        self.timeout = timeout
        self.refresh = refresh
        self._dataset = (tuple(dataset[0]), tuple(dataset[1])) if dataset is not None else None
        self._fixed = dataset is not None
        self._detected_at = 0.0
        self._lock = threading.Lock()

    def dataset(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The ``(default-graph-uri, named-graph-uri)`` every request names (both empty: the
        store's own default dataset). With :data:`MERGED` in the store: MERGED and the build's
        other graphs."""
        with self._lock:
            if self._fixed or (self._dataset is not None and time.monotonic() - self._detected_at < self.refresh):
                assert self._dataset is not None
                return self._dataset
        document = json.loads(self._post(_GRAPHS, "application/sparql-results+json", (), ()))
        graphs = {b["g"]["value"] for b in document["results"]["bindings"] if "g" in b}
        ours = sorted(g for g in graphs if g.startswith(GRAPH_PREFIX) and g != MERGED and not g.endswith(STAGING))
        found: tuple[tuple[str, ...], tuple[str, ...]] = ((MERGED,), tuple(ours)) if MERGED in graphs else ((), ())
        with self._lock:
            self._dataset, self._detected_at = found, time.monotonic()
        return found

    def _request(self, sparql: str, accept: str, default_graphs: Sequence[str] = (),
                 named_graphs: Sequence[str] = (), base: str | None = None) -> bytes:
        """POST a query (the usual prefixes declared, after ``base`` as BASE: Virtuoso refuses a
        BASE after a PREFIX) in the store's dataset, or in the one given."""
        if not default_graphs and not named_graphs:
            default_graphs, named_graphs = self.dataset()
        prologue = f"BASE <{base}>\n{_PROLOGUE}" if base else _PROLOGUE
        return self._post(prologue + sparql, accept, default_graphs, named_graphs)

    def _post(self, sparql: str, accept: str, default_graphs: Sequence[str], named_graphs: Sequence[str]) -> bytes:
        import socket
        import urllib.error

        from SPARQLWrapper import POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

        wrapper = SPARQLWrapper(self.endpoint)
        wrapper.setMethod(POST)
        wrapper.setTimeout(int(max(1, self.timeout)))
        wrapper.setOnlyConneg(True)
        wrapper.addCustomHttpHeader("Accept", accept)
        for graph in default_graphs:
            wrapper.addDefaultGraph(graph)
        for graph in named_graphs:
            wrapper.addNamedGraph(graph)
        wrapper.setQuery(sparql)
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
        return _canonical(document)

    def select(self, sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None) -> QueryTable:
        """Run a SELECT query and return its rows as strings."""
        document = self.query(sparql, bindings)
        variables = tuple(document["head"]["vars"])
        rows = tuple(tuple(b[v]["value"] if v in b else "" for v in variables)
                     for b in document["results"]["bindings"])
        return QueryTable(variables, rows)


class _Row:
    """A SPARQL JSON binding read as a pyoxigraph solution (``row[variable]``, None if unbound)."""

    __slots__ = ("binding",)

    def __init__(self, binding: dict[str, dict[str, str]]) -> None:
        self.binding = binding

    def __getitem__(self, variable: str) -> Any:
        term = self.binding.get(variable)
        return None if term is None else _term(term)


class RemotePool:
    """The public endpoint's queries over a remote store: checked by the guard in the calling
    thread (linear, cached, as for the embedded pool), forwarded as normalized text in the
    store's dataset (or the protocol's, when the client names one), and written by the same
    writers as the embedded workers' (CSV with its byte-order mark and safe cells), within
    ``max_rows`` rows and ``max_bytes`` bytes. The remote store enforces its own timeout.

    Args:
        store: the remote store.
        max_rows: the most rows a result carries.
        checker: unused (the check no longer needs worker processes); kept for callers.
        max_bytes: the largest answer accepted from the remote store (then 502).
    """

    def __init__(self, store: RemoteStore, max_rows: int = 10_000, checker: Any = None,
                 max_bytes: int = 16 * 1024 * 1024) -> None:
        self.store = store
        self.max_rows = max_rows
        self.max_bytes = max_bytes
        self.checker = checker

    def run(self, request: QueryRequest) -> QueryResult:
        """Check a query and forward its normalized text; the answer in the format chosen."""
        request, fmt = prepare(request)
        graph_form = request.form in ("ConstructQuery", "DescribeQuery")
        accept = "application/n-triples" if graph_form else "application/sparql-results+json"
        body = self.store._request(request.text, accept, request.default_graphs, request.named_graphs,
                                   base=request.base_iri or None)
        if len(body) > self.max_bytes:
            raise StoreUnavailable(f"the remote store answered more than {self.max_bytes} bytes")
        try:
            if graph_form:
                return write_graph(ox.parse(body, format=ox.RdfFormat.N_TRIPLES), fmt, self.max_rows, self.max_bytes)
            document = _canonical(json.loads(body))
        except (ValueError, SyntaxError) as exc:
            raise StoreUnavailable("the remote store answered something that is not SPARQL results") from exc
        if "boolean" in document:
            return QueryResult(write_ask(bool(document["boolean"]), fmt), FORMATS[fmt], False, 1)
        variables = list(document["head"]["vars"])
        rows = (_Row(binding) for binding in document["results"]["bindings"])
        out, count, limit = write_select(variables, rows, fmt, self.max_rows, self.max_bytes)
        return QueryResult(out, FORMATS[fmt], bool(limit), count, limit)

    def close(self) -> None:
        """Nothing to stop (kept for the served build's interface)."""
        if self.checker is not None:
            self.checker.close()


class PublishError(QueryFailed):
    """A publish failed; ``str()`` carries the store's own error text (for the operator)."""


def _http(url: str, data: bytes | None, method: str, headers: dict[str, str], timeout: float,
          opener: Any) -> bytes:
    """One HTTP request; a refusal raises PublishError with the store's status and error text."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with opener.open(request, timeout=timeout) as response:
            body: bytes = response.read()
            return body
    except urllib.error.HTTPError as exc:
        detail = exc.read(2000).decode("utf-8", errors="replace").strip()
        detail = " ".join(detail.split())[:600]
        raise PublishError(f"{exc.code} {exc.reason}: {detail}" if detail else f"{exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise PublishError(f"the store is unreachable: {exc.reason}") from exc
    except (TimeoutError, OSError) as exc:
        raise PublishError(f"the store did not answer: {exc}") from exc


def _store_opener(urls: set[str], user: str | None, password: str | None) -> Any:
    """A URL opener sending HTTP basic or digest credentials to the store's endpoints, if any.

    Digest credentials are sent ahead, once a first (small) request has drawn the store's
    challenge: urllib otherwise sends every body unauthenticated first, and Virtuoso answers a
    large PUT's first bytes with 401 and resets the connection before the retry.
    """
    import urllib.request

    class AheadDigest(urllib.request.HTTPDigestAuthHandler):
        challenge: dict[str, str] | None = None

        def http_request(self, req: Any) -> Any:
            if self.challenge is not None and not req.has_header("Authorization"):
                authorization = self.get_authorization(req, self.challenge)
                if authorization:
                    req.add_unredirected_header("Authorization", f"Digest {authorization}")
            return req

        def retry_http_digest_auth(self, req: Any, auth: str) -> Any:
            _, challenge = auth.split(" ", 1)
            self.challenge = urllib.request.parse_keqv_list(
                [part for part in urllib.request.parse_http_list(challenge) if part])
            return super().retry_http_digest_auth(req, auth)

    handlers: list[Any] = []
    if user:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        for url in urls:
            manager.add_password(None, url, user, password or "")
        handlers = [AheadDigest(manager), urllib.request.HTTPBasicAuthHandler(manager)]
    return urllib.request.build_opener(*handlers)


def _existing_graphs(query: str | None, timeout: float, opener: Any) -> set[str]:
    """The named graphs the store holds now (none known without a query endpoint)."""
    import urllib.parse

    if not query:
        return set()
    body = urllib.parse.urlencode({"query": _GRAPHS}).encode("utf-8")
    answer = _http(query, body, "POST", {"Content-Type": "application/x-www-form-urlencoded",
                                         "Accept": "application/sparql-results+json"}, timeout, opener)
    return {b["g"]["value"] for b in json.loads(answer)["results"]["bindings"] if "g" in b}


def publish_build(nquads: Path, graph_store: str, update: str, timeout: float = 60.0, query: str | None = None,
                  graph_param: str = "graph", content_type: str = "application/n-triples",
                  user: str | None = None, password: str | None = None) -> list[str]:
    """Load a build into a remote store, named graph by named graph, and swap it in.

    Each of the build's graphs, and their merge (:data:`MERGED`), is PUT by the Graph Store
    Protocol into a staging graph (``{graph}--staging``); then one SPARQL Update request moves
    every staging graph onto its name (``MOVE SILENT <g--staging> TO <g>``, named graph to named
    graph, which Virtuoso accepts as well as Oxigraph) and drops the plankg graphs the new build
    no longer has. On Oxigraph that request is one transaction; on Virtuoso each operation is
    applied in turn. Nothing is moved into the default graph (see the module's doc). If any step
    fails, every staging graph is dropped and the store's own error text is raised.

    Args:
        nquads: the build's N-Quads.
        graph_store: the Graph Store Protocol endpoint (Oxigraph ``…/store``; Virtuoso
            ``…/sparql-graph-crud`` or ``…/sparql-graph-crud-auth``).
        update: the SPARQL Update endpoint (Oxigraph ``…/update``; Virtuoso ``…/sparql`` or
            ``…/sparql-auth``).
        timeout: the timeout of each request, in seconds.
        query: the query endpoint, to list the graphs already there (default: none dropped).
        graph_param: the Graph Store Protocol's graph parameter (``graph``; Virtuoso also reads
            ``graph-uri``).
        content_type: the media type the graphs are sent as (``text/turtle`` for Virtuoso).
        user, password: HTTP (basic or digest) credentials for the store, if it asks.

    Returns:
        The graphs published (the build's, then MERGED).

    Raises:
        PublishError: the store refused a request (the message is the store's); no staging
            graph is left behind and, unless the swap itself failed half-way on a store without
            transactions, the previous version is untouched.
    """
    import urllib.parse

    opener = _store_opener({graph_store, update, query or update}, user, password)
    store = ox.Store()
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    graphs = sorted(q.value for q in store.named_graphs() if isinstance(q, ox.NamedNode))
    staging = {graph: f"{graph}{STAGING}" for graph in [*graphs, MERGED]}

    def put(graph: str, triples: Any) -> None:
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        url = f"{graph_store}{'&' if '?' in graph_store else '?'}{urllib.parse.urlencode({graph_param: graph})}"
        try:
            _http(url, body, "PUT", {"Content-Type": content_type}, timeout, opener)
        except PublishError as exc:
            raise PublishError(f"the store refused graph <{graph}>: {exc}") from exc

    def run_update(operations: list[str]) -> None:
        body = urllib.parse.urlencode({"update": " ;\n".join(operations)}).encode("utf-8")
        _http(update, body, "POST", {"Content-Type": "application/x-www-form-urlencoded"}, timeout, opener)

    try:
        before = _existing_graphs(query, timeout, opener)
        # a staging graph an interrupted publish left behind is cleared first (a small request,
        # which also draws the store's digest challenge before the large bodies)
        run_update([f"DROP SILENT GRAPH <{g}>" for g in staging.values()])
        for graph in graphs:
            put(staging[graph], (ox.Triple(q.subject, q.predicate, q.object)
                                 for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))))
        put(staging[MERGED], sorted({ox.Triple(q.subject, q.predicate, q.object) for q in store}, key=str))
        stale = sorted(g for g in before if g.startswith(GRAPH_PREFIX) and g not in staging and g not in graphs
                       and g != MERGED and not g.endswith(STAGING))
        try:
            run_update([*(f"MOVE SILENT <{staging[g]}> TO <{g}>" for g in [*graphs, MERGED]),
                        *(f"DROP SILENT GRAPH <{g}>" for g in stale)])
        except PublishError as exc:
            raise PublishError(f"the store refused the swap: {exc}") from exc
    except PublishError as exc:
        try:  # leave no staging copy behind
            run_update([f"DROP SILENT GRAPH <{g}>" for g in staging.values()])
        except PublishError as cleanup:
            raise PublishError(f"{exc}; and the staging graphs could not be dropped: {cleanup}") from exc
        raise
    return [*graphs, MERGED]
