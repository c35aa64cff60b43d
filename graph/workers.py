"""Queries in worker processes that can be killed: the wall-clock budget of the endpoint.

Neither pyoxigraph nor rdflib can cancel a running query, so each query of the public endpoint
runs in one of a fixed number of worker processes, each holding its own copy of the build. A
query that overruns its budget gets its worker killed and replaced; the caller gets
:class:`QueryTimeout` at once. The number of workers bounds concurrent queries; a request that
finds none free within ``wait`` seconds gets :class:`QueryBusy`. Results are capped at
``max_rows`` rows (or triples), with an explicit truncation flag.

Thread-safe: :meth:`QueryPool.run` may be called from many threads.
"""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing
import queue
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["FORMATS", "QueryBusy", "QueryFailed", "QueryPool", "QueryResult", "QueryTimeout", "execute"]

#: Result formats: name → media type.
FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}


class QueryTimeout(RuntimeError):
    """The query ran past its budget; its worker was killed."""


class QueryBusy(RuntimeError):
    """Every worker is busy."""


class QueryFailed(RuntimeError):
    """The engine refused or failed the query (message from the engine)."""


@dataclass(frozen=True)
class QueryResult:
    """A serialized result."""

    body: bytes
    media_type: str
    truncated: bool
    rows: int


def _term_json(term: Any) -> dict[str, str]:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _select(variables: list[str], rows: list[list[Any]], fmt: str, truncated: bool) -> bytes:
    if fmt == "json":
        bindings = [{v: _term_json(t) for v, t in zip(variables, row, strict=True) if t is not None}
                    for row in rows]
        doc: dict[str, Any] = {"head": {"vars": variables}, "results": {"bindings": bindings}}
        if truncated:
            doc["truncated"] = True
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")
    if fmt == "xml":
        out = io.StringIO()
        out.write('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>')
        out.write("".join(f'<variable name="{v}"/>' for v in variables))
        if truncated:
            out.write('<link href="urn:plankg:truncated"/>')
        out.write("</head>\n<results>\n")
        for row in rows:
            out.write("<result>")
            for v, t in zip(variables, row, strict=True):
                if t is None:
                    continue
                j = _term_json(t)
                if j["type"] == "uri":
                    inner = f"<uri>{_xml_escape(j['value'])}</uri>"
                elif j["type"] == "bnode":
                    inner = f"<bnode>{_xml_escape(j['value'])}</bnode>"
                else:
                    attrs = (f' xml:lang="{j["xml:lang"]}"' if "xml:lang" in j else
                             f' datatype="{j["datatype"]}"' if "datatype" in j else "")
                    inner = f"<literal{attrs}>{_xml_escape(j['value'])}</literal>"
                out.write(f'<binding name="{v}">{inner}</binding>')
            out.write("</result>\n")
        out.write("</results>\n</sparql>\n")
        return out.getvalue().encode("utf-8")
    if fmt == "csv":
        import csv

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([["" if t is None else t.value for t in row] for row in rows])
        return buffer.getvalue().encode("utf-8")
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _ask(value: bool, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                f"<boolean>{str(value).lower()}</boolean></sparql>\n").encode()
    return f"{str(value).lower()}\n".encode()


def execute(store: Any, text: str, fmt: str, max_rows: int, default_graphs: tuple[str, ...] = (),
            named_graphs: tuple[str, ...] = ()) -> QueryResult:
    """Run a checked query on a :class:`~plankg.graph.store.GraphStore` and serialize it.
    ``default_graphs``/``named_graphs`` (the protocol's default-graph-uri and named-graph-uri)
    replace the query's dataset when given."""
    import pyoxigraph as ox

    from plankg.graph.store import PREFIXES

    dataset: dict[str, Any] = {}
    if default_graphs:
        dataset["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
    if named_graphs:
        dataset["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    results = store.store.query(text, prefixes=PREFIXES, **dataset)
    if isinstance(results, ox.QueryBoolean):
        body = _ask(bool(results), fmt if fmt in ("json", "xml", "csv", "tsv") else "json")
        return QueryResult(body, FORMATS.get(fmt, FORMATS["json"]), False, 1)
    if isinstance(results, ox.QuerySolutions):
        variables = [v.value for v in results.variables]
        rows: list[list[Any]] = []
        truncated = False
        for solution in results:
            if len(rows) == max_rows:
                truncated = True
                break
            rows.append([solution[v] for v in variables])
        fmt = fmt if fmt in ("json", "xml", "csv", "tsv") else "json"
        return QueryResult(_select(variables, rows, fmt, truncated), FORMATS[fmt], truncated, len(rows))
    triples: list[Any] = []
    truncated = False
    for triple in results:
        if len(triples) == max_rows:
            truncated = True
            break
        triples.append(triple)
    fmt = fmt if fmt in ("turtle", "ntriples", "jsonld", "rdfxml") else "turtle"
    rdf_format = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
                  "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}[fmt]
    body = ox.serialize(triples, format=rdf_format) or b""
    return QueryResult(body, FORMATS[fmt], truncated, len(triples))


def _serve(nquads: str, conn: Any) -> None:  # pragma: no cover - runs in a child process
    from plankg.graph.store import GraphStore

    store = GraphStore.from_nquads(Path(nquads))
    conn.send(("ready", None))
    while True:
        message = conn.recv()
        if message is None:
            return
        text, fmt, max_rows, default_graphs, named_graphs = message
        try:
            conn.send(("ok", execute(store, text, fmt, max_rows, default_graphs, named_graphs)))
        except Exception as exc:
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class _Worker:
    def __init__(self, context: Any, nquads: str) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(nquads, child), daemon=True)
        self.process.start()
        child.close()
        if not self.conn.poll(120) or self.conn.recv()[0] != "ready":
            self.kill()
            raise RuntimeError("a query worker did not start")

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
            self.process.join(5)
        with contextlib.suppress(Exception):
            self.conn.close()


class QueryPool:
    """A fixed number of query workers over one build.

    Args:
        nquads: the build's N-Quads file.
        size: the number of workers (the bound on concurrent queries).
        timeout: the wall-clock budget of one query, in seconds.
        max_rows: the most rows (or triples) a result carries.
        wait: how long a request waits for a free worker.
    """

    def __init__(self, nquads: Path, size: int = 2, timeout: float = 10.0,
                 max_rows: int = 10_000, wait: float = 5.0) -> None:
        self.nquads = str(nquads)
        self.timeout = timeout
        self.max_rows = max_rows
        self.wait = wait
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(size):
            self._add()

    def _add(self) -> None:
        try:
            worker = _Worker(self._context, self.nquads)
        except Exception:
            return
        with self._lock:
            if self._closed:
                worker.kill()
                return
            self._all.add(worker)
        self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
        threading.Thread(target=self._add, daemon=True).start()

    def run(self, text: str, fmt: str, default_graphs: tuple[str, ...] = (),
            named_graphs: tuple[str, ...] = ()) -> QueryResult:
        """Run a query (already checked by :func:`plankg.graph.guard.check_query`).

        Raises:
            QueryBusy: no worker was free within ``wait`` seconds.
            QueryTimeout: the query ran past ``timeout``; its worker was killed.
            QueryFailed: the engine rejected or failed the query.
        """
        try:
            worker = self._idle.get(timeout=self.wait)
        except queue.Empty:
            raise QueryBusy(f"all {len(self._all)} query workers are busy; try again") from None
        try:
            worker.conn.send((text, fmt, self.max_rows, default_graphs, named_graphs))
            if not worker.conn.poll(self.timeout):
                self._replace(worker)
                raise QueryTimeout(f"the query ran longer than {self.timeout:g} s and was stopped")
            status, payload = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            raise QueryFailed("the query worker died; the query was not answered") from None
        except QueryTimeout:
            raise
        self._idle.put(worker)
        if status == "error":
            raise QueryFailed(str(payload))
        result: QueryResult = payload
        return result

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            with contextlib.suppress(Exception):
                worker.conn.send(None)
            worker.kill()
