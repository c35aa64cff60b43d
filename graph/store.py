"""The embedded store: a build's N-Quads loaded into pyoxigraph, and queries against it.

The default graph is the RDF merge of the named graphs (a set: a triple that two sources
state is there once), stored as pyoxigraph's default graph so that queries see no duplicates;
the named graphs stay available to ``GRAPH``. Queries are read-only; a :class:`GraphStore` may
be shared by threads (pyoxigraph's store is thread-safe for reads).
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pyoxigraph as ox

__all__ = ["PRECOMPUTED", "GraphStore", "QueryTable", "StoreLoad", "bind_values", "named_query", "persistent_store", "prepare_serving",
           "read_table", "rows_as_dicts", "stream_table", "tables_of", "write_tables"]

logger = logging.getLogger(__name__)
#: the folder beside a build's ``plankg.nq`` that holds its on-disk stores
STORE_DIR = "store"
#: on-disk stores kept per build folder (the served one and the one before it, which a
#: rebuild's grace period may still be reading)
KEEP_STORES = 2
_CREATING = threading.Lock()

PREFIXES = {
    "pk": "https://w3id.org/plankg/def#",
    "id": "https://w3id.org/plankg/id/",
    "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


@cache
def named_query(name: str) -> str:
    """The text of a named query shipped in ``plankg.graph/queries/{name}.rq``."""
    return (resources.files("plankg.graph") / "queries" / f"{name}.rq").read_text(encoding="utf-8")


def term_value(term: object) -> str:
    """A term's plain value (IRI string or literal lexical form); empty for unbound."""
    if term is None:
        return ""
    return str(getattr(term, "value", term))


#: the term types whose ``.value`` is what :func:`term_value` gives
_PLAIN_TERMS = frozenset({ox.NamedNode, ox.Literal, ox.BlankNode})
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def bind_values(sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """Bind variables by a ``VALUES`` block opening the query's outer ``WHERE`` group.

    The values are pyoxigraph terms, whose constructors validate them and whose ``str()`` is
    their escaped N-Triples form, so no raw user text reaches the query. (A VALUES block was
    measured ~45x faster than pyoxigraph's ``substitutions=``, which also insists on the
    variable being projected.)

    >>> bind_values("SELECT ?n WHERE { ?t pk:taskNumber ?n }", {"t": ox.NamedNode("http://x/1")})
    'SELECT ?n WHERE { VALUES (?t) { (<http://x/1>) } ?t pk:taskNumber ?n }'
    """
    for name, term in bindings.items():
        if not _VARIABLE.match(name):
            raise ValueError(f"not a variable name: {name!r}")
        if not isinstance(term, ox.NamedNode | ox.Literal):
            raise TypeError(f"bind a pyoxigraph NamedNode or Literal to ?{name}")
    match = _WHERE.search(sparql)
    if match is None:
        raise ValueError("the query has no WHERE group to bind values in")
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(str(term) for term in bindings.values())
    return f"{sparql[: match.end()]} VALUES ({names}) {{ ({values}) }}{sparql[match.end():]}"


@dataclass(frozen=True)
class QueryTable:
    """The rows of a SELECT query as plain strings, with its variable names."""

    variables: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


_GENERATIONS = itertools.count(1)


class GraphStore:
    """A read-only view of a build in an in-memory pyoxigraph store.

    ``generation`` is unique to this instance (a process-wide counter): caches of answers
    key on it, so an answer computed on one build is never served for another.
    """

    def __init__(self, store: ox.Store, tables: Path | None = None) -> None:
        self.store = store
        self.generation = next(_GENERATIONS)
        #: the build's precomputed answers (:func:`write_tables`), read on first use
        self.tables = tables
        self._loaded: dict[str, QueryTable | None] = {}
        self._loading = threading.Lock()

    @classmethod
    def from_nquads(cls, path: Path) -> GraphStore:
        """Load a build's ``plankg.nq`` into a new in-memory store.

        Raises:
            FileNotFoundError: there is no such file (build first).
        """
        store = ox.Store()
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        merged = {(q.subject, q.predicate, q.object) for q in store}
        store.bulk_extend(ox.Quad(s, p, o, ox.DefaultGraph()) for s, p, o in merged)
        return cls(store)

    @classmethod
    def open(cls, path: Path) -> GraphStore:
        """A build's store, read-only: an on-disk pyoxigraph store (a folder), or for a
        ``plankg.nq`` its on-disk store beside it (:func:`persistent_store`, created on first
        use), or, where that cannot be written (or ``PLANKG_PERSISTENT_STORE=0``), the N-Quads
        loaded into memory."""
        location = path if path.is_dir() else persistent_store(path)
        if location is None:
            return cls.from_nquads(path)
        return cls(ox.Store.read_only(str(location)), tables_of(location))

    def __len__(self) -> int:
        return len(self.store)

    def query(self, sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None
              ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a SPARQL query; its default graph is the merge of the named graphs.

        Args:
            sparql: the query text (the usual prefixes are predeclared).
            bindings: values for variables, bound by the engine (never formatted into text).

        Returns:
            pyoxigraph's QuerySolutions, QueryBoolean or QueryTriples.
        """
        if bindings:
            sparql = bind_values(sparql, bindings)
        return self.store.query(sparql, prefixes=PREFIXES)

    def select(self, sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None) -> QueryTable:
        """Run a SELECT query and return its rows as strings (a whole-graph named query of
        :data:`PRECOMPUTED` without bindings: from the build's tables, when it has them)."""
        if not bindings and self.tables is not None:
            table = self._table(sparql)
            if table is not None:
                return table
        return self._select(sparql, bindings)

    def _select(self, sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None) -> QueryTable:
        solutions = self.query(sparql, bindings)
        if not isinstance(solutions, ox.QuerySolutions):
            raise ValueError("not a SELECT query")
        variables = tuple(v.value for v in solutions.variables)
        columns = range(len(variables))  # by position, and .value straight: 4x faster than term_value
        rows = tuple(tuple(t.value if type(t) in _PLAIN_TERMS else term_value(t) for t in map(row.__getitem__, columns))
                     for row in solutions)
        return QueryTable(variables, rows)


    def stream(self, sparql: str) -> tuple[tuple[str, ...], Iterator[tuple[str, ...]]]:
        """The variables and rows of a SELECT without bindings, rows as strings; a precomputed
        table is read a line at a time (the indexes build their own form from it)."""
        name = _precomputed_names().get(sparql)
        if name is not None and self.tables is not None:
            with self._loading:
                kept = self._loaded.get(name)
            if kept is not None:
                return kept.variables, iter(kept.rows)
            streamed = stream_table(self.tables, name)
            if streamed is not None:
                return streamed
        table = self._select(sparql)
        return table.variables, iter(table.rows)

    def _table(self, sparql: str) -> QueryTable | None:
        """The precomputed answer to ``sparql`` (None: not one of them, or no tables)."""
        name = _precomputed_names().get(sparql)
        if name is None:
            return None
        with self._loading:
            if name in self._loaded:
                return self._loaded[name]
            table = read_table(self.tables, name) if self.tables else None
            if table is None or len(table.rows) <= KEPT_ROWS:
                self._loaded[name] = table
            return table


#: the whole-graph named queries (no bindings) the pages, REST and the service's indexes ask,
#: answered once by the build (:func:`write_tables`) instead of on every start: the graphs,
#: every agency's responsibilities, the search rows, and the counts per plan, agency, place,
#: indicator, role and graph
PRECOMPUTED = ("graphs", "agency_responsibilities", "searchable", "plans", "page_plans", "page_counts",
               "agency_list", "place_list", "indicator_list", "targets", "task_agency_roles", "tasks_per_plan",
               "graph_triple_counts", "triple_count", "vocabularies_used", "data_period", "ontology_terms")
#: tables up to this many rows are kept once read; longer ones (the indexes' sources, kept by
#: their indexes in their own form) are read from their file each time they are asked
KEPT_ROWS = 20_000
#: the suffix of a build's tables folder, beside its on-disk store
TABLES = ".tables"


@cache
def _precomputed_names() -> dict[str, str]:
    return {named_query(name): name for name in PRECOMPUTED}


def tables_of(location: Path) -> Path:
    """The tables folder of an on-disk store (it may not exist yet)."""
    return location.with_name(location.name + TABLES)


def stream_table(folder: Path, name: str) -> tuple[tuple[str, ...], Iterator[tuple[str, ...]]] | None:
    """One precomputed table's variables and its rows, read one line at a time (a large table
    never in memory whole); None when the folder has none (an older build)."""
    try:
        file = (folder / f"{name}.jsonl").open(encoding="utf-8")
    except OSError:
        return None
    try:
        variables = tuple(json.loads(file.readline()))
    except ValueError:
        file.close()
        return None

    def rows() -> Iterator[tuple[str, ...]]:
        with file:
            for line in file:
                yield tuple(json.loads(line))

    return variables, rows()


def read_table(folder: Path, name: str) -> QueryTable | None:
    """One precomputed table, whole (None when the folder has none: an older build)."""
    streamed = stream_table(folder, name)
    if streamed is None:
        return None
    variables, rows = streamed
    return QueryTable(variables, tuple(rows))


def write_tables(store: GraphStore, folder: Path) -> Path | None:
    """Answer every :data:`PRECOMPUTED` query on ``store`` and write the answers as one JSON
    Lines file each into ``folder``, atomically (written beside it, then renamed into place; a
    folder already there is kept). Returns the folder, or None where it cannot be written."""
    if folder.is_dir():
        return folder
    temporary = folder.with_name(f".{folder.name}-{os.getpid()}-{threading.get_ident()}")

    def write(into: Path) -> None:
        into.mkdir(parents=True)
        _answer_tables(store, into)

    problem = _write_folder_atomically(folder, temporary, write)
    if problem is not None:
        logger.warning("cannot write the precomputed tables %s (%s); answering from the store", folder, problem)
        return None
    return folder


def _write_folder_atomically(target: Path, temporary: Path, write: Callable[[Path], None]) -> OSError | None:
    """Have ``write`` fill ``temporary``, then rename it to ``target`` (a folder another process
    renamed there first is kept and ours removed). The error, with nothing left behind, when it
    cannot be written; None when ``target`` is in place."""
    try:
        shutil.rmtree(temporary, ignore_errors=True)
        write(temporary)
        try:
            temporary.rename(target)
        except OSError:  # another process made it first
            shutil.rmtree(temporary, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(temporary, ignore_errors=True)
        return exc
    return None


def _answer_tables(store: GraphStore, folder: Path) -> None:
    """Write every :data:`PRECOMPUTED` answer into ``folder``, ``agency_responsibilities`` as
    :mod:`plankg.graph.precompute` answers it (the same rows, ten times faster at 100x). (Two
    threads were measured no faster: the rows are read into Python a row at a time.)"""
    from plankg.graph.precompute import FAST_TABLES

    def write(name: str) -> None:
        fast = FAST_TABLES.get(name)
        table = fast(store.store) if fast is not None else None
        if table is None:
            table = store._select(named_query(name))
        with (folder / f"{name}.jsonl").open("w", encoding="utf-8") as out:  # the variables, then a row a line
            out.write(json.dumps(table.variables, ensure_ascii=False) + "\n")
            out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in table.rows)

    for name in PRECOMPUTED:
        write(name)


def prepare_serving(nquads: Path, loaded: StoreLoad | None = None) -> Path | None:
    """Everything a service needs of a build before it starts: its on-disk store
    (:func:`persistent_store`; ``loaded`` when the build loaded it meanwhile) and the
    precomputed tables beside it. ``plankg build`` calls it, so ``plankg serve`` starts without
    scanning anything. Returns the store's folder (None: it cannot be written there)."""
    location = persistent_store(nquads, loaded)
    if location is not None and not tables_of(location).is_dir():
        write_tables(GraphStore(ox.Store.read_only(str(location))), tables_of(location))
    return location


def _signature(nquads: Path) -> str:
    stat = nquads.stat()
    return f"{stat.st_size}-{stat.st_mtime_ns}-{stat.st_ino}"


def persistent_store(nquads: Path, loaded: StoreLoad | None = None) -> Path | None:
    """The on-disk pyoxigraph store of a build: ``store/{size}-{mtime}-{inode}/`` beside its
    ``plankg.nq``, holding the named graphs and their merge as the default graph, as
    :meth:`GraphStore.from_nquads` does in memory. Created once per build (loaded into a
    temporary folder, then renamed into place, so a reader never sees half a store; two
    processes creating it at once both succeed, one copy is kept), then opened read-only by the
    server and every query worker in a fraction of a second, their pages shared by the OS.
    ``plankg build`` still replaces ``plankg.nq`` with one rename and never touches this
    folder; stores of older builds past the last :data:`KEEP_STORES` are removed. ``loaded``:
    the store the build loaded from its text meanwhile (:class:`StoreLoad`), taken instead of
    loading the file (and removed when not taken).

    Returns:
        The store's folder, or None where it cannot be written (a read-only build folder) or
        ``PLANKG_PERSISTENT_STORE=0``.

    Raises:
        FileNotFoundError: there is no such N-Quads file (build first).
    """
    try:
        return _persistent_store(nquads, loaded)
    finally:
        if loaded is not None:  # not taken (a store was there, or none is kept): removed
            loaded.discard()


def _persistent_store(nquads: Path, loaded: StoreLoad | None) -> Path | None:
    if os.environ.get("PLANKG_PERSISTENT_STORE", "1") == "0":
        if not nquads.exists():
            raise FileNotFoundError(nquads)
        return None
    folder = nquads.parent / STORE_DIR
    target = folder / _signature(nquads)
    if (target / "CURRENT").exists():
        return target
    with _CREATING:
        if (target / "CURRENT").exists():
            return target
        temporary = folder / f".loading-{os.getpid()}-{threading.get_ident()}"

        ready = loaded.take(nquads) if loaded is not None else None

        def load(into: Path) -> None:
            folder.mkdir(exist_ok=True)
            if ready is not None:
                try:
                    ready.rename(into)
                    return
                except OSError:  # another file system: loaded again from the file
                    pass
            _load(into, nquads)

        problem = _write_folder_atomically(target, temporary, load)
        if problem is not None:
            logger.warning("cannot write the on-disk store beside %s (%s); loading it into memory", nquads, problem)
            return None
        _prune(folder, keep=target)
    return target


def _ungraph(lines: bytes) -> bytes:
    r"""N-Quads lines as N-Triples lines (the graph term cut off).

    >>> _ungraph(b'<s> <p> "a <b" <g> .\n<s> <p> <o> <g> .\n')
    b'<s> <p> "a <b" .\n<s> <p> <o> .\n'
    """
    return _GRAPH_TERM.sub(b" .", lines)


#: the graph term closing an N-Quads line (an IRI holds no space, ``<``, ``>`` or ``"``)
_GRAPH_TERM = re.compile(rb" <[^\s<>\"]*>[ \t]*\.[ \t\r]*$", re.MULTILINE)


#: the N-Quads text given to one bulk load. Measured at 100x (737 MB, one moment of this
#: 2-core machine): pieces of 8 MiB loaded the store in 38 s with 150 MiB beside the text;
#: the file in one load and its merge in another, 75 s and 1.8 GiB
LOAD_PIECE = 8 << 20


def _pieces(nquads: Path | bytes | bytearray, size: int = LOAD_PIECE) -> Iterator[bytes]:
    """A build's N-Quads (its file, or its text) in pieces of whole lines, about ``size`` bytes each."""
    if not isinstance(nquads, Path):
        at = 0
        while at < len(nquads):
            end = nquads.find(b"\n", min(at + size, len(nquads)) - 1)
            end = len(nquads) if end < 0 else end + 1
            yield bytes(nquads[at:end])
            at = end
        return
    with nquads.open("rb") as text:
        rest = b""
        while data := text.read(size):
            data = rest + data
            cut = data.rfind(b"\n") + 1
            if cut:
                yield data[:cut]
            rest = data[cut:]
        if rest:
            yield rest


def _load(folder: Path, nquads: Path | bytes | bytearray) -> None:
    """Write a build's on-disk store into ``folder`` (from its ``plankg.nq`` or its text): the
    named graphs, and their merge as the default graph (pyoxigraph's store is a set: a statement
    of two graphs is there once).

    Each piece of the text (:data:`LOAD_PIECE`) is one bulk load of its lines with their graph
    and the same lines without it (in the default graph): a piece given whole is parsed by all
    the loader's threads and its buffers stay small, where a file given whole or read through
    Python is parsed by one thread into buffers of gigabytes."""
    store = ox.Store(str(folder))
    for piece in _pieces(nquads):  # the build's own output: lenient parsing skips the IRI checks
        store.bulk_load(input=piece + _ungraph(piece), format=ox.RdfFormat.N_QUADS, lenient=True)
    store.flush()
    store.optimize()
    del store


class StoreLoad:
    """A build's on-disk store loaded from its text in a background thread, while the build
    goes on (validation, the report, writing ``plankg.nq``): pyoxigraph's loader runs without
    the GIL, so the two cores do both. :func:`persistent_store` then takes the loaded folder
    (:meth:`take`) instead of loading the file again; :meth:`discard` removes it (a build that
    fails). Loaded beside ``build`` (``.plankg-store-…``), on the same file system.

    Args:
        nquads: the build's N-Quads text, as it will be written (not changed meanwhile).
        build: the build folder the text will be written into.
    """

    def __init__(self, nquads: bytes | bytearray, build: Path) -> None:
        self.folder = build.parent / f".plankg-store-{os.getpid()}-{next(_GENERATIONS)}"
        self.size = len(nquads)
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(nquads,), name="plankg-store-load", daemon=True)
        self._thread.start()

    def _run(self, nquads: bytes | bytearray) -> None:
        try:
            shutil.rmtree(self.folder, ignore_errors=True)
            _load(self.folder, nquads)
        except BaseException as exc:  # reported by take(): the store is then loaded from the file
            self.error = exc

    def take(self, nquads: Path) -> Path | None:
        """The loaded folder, when it holds ``nquads`` (the same size) and loaded without error;
        None otherwise (then removed)."""
        self._thread.join()
        if self.error is None and nquads.stat().st_size == self.size and (self.folder / "CURRENT").exists():
            return self.folder
        if self.error is not None:
            logger.warning("the on-disk store could not be loaded beside the build (%s); loading it from %s",
                           self.error, nquads)
        self.discard()
        return None

    def discard(self) -> None:
        """Wait for the load and remove what it wrote."""
        self._thread.join()
        shutil.rmtree(self.folder, ignore_errors=True)


def _prune(folder: Path, keep: Path) -> None:
    """Remove the on-disk stores of older builds beyond the newest :data:`KEEP_STORES`."""
    stores = sorted((p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")
                     and not p.name.endswith(TABLES)), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in [p for p in stores if p != keep][KEEP_STORES - 1:]:
        shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(tables_of(old), ignore_errors=True)


def rows_as_dicts(store: Any, sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None
                  ) -> list[dict[str, str]]:
    """The rows of a SELECT on ``store`` (embedded or remote) as dicts of plain strings, an
    unbound variable as ``""``."""
    if type(store) is GraphStore and not bindings:
        variables, rows = store.stream(sparql)
        return [dict(zip(variables, row, strict=True)) for row in rows]
    table = store.select(sparql, bindings)
    return [dict(zip(table.variables, row, strict=True)) for row in table.rows]
