"""The served build: everything the service answers from that changes when a new build is
served, in one object, swapped in one assignment (``app.state.served = …``).

A request reads ``app.state.served`` once (the cache middleware pins it in the request's scope),
so it sees the old build or the new one, never a mix.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plankg.api.cache import ResponseCache
from plankg.api.settings import Settings
from plankg.api.sparql.remote import RemotePool, RemoteStore
from plankg.api.sparql.workers import QueryPool
from plankg.graph.analysis import responsibility_index
from plankg.graph.search import searchable
from plankg.graph.store import GraphStore, named_query, write_tables

logger = logging.getLogger(__name__)
#: seconds between opening a build for a start and reading its indexes in the background (at
#: 100x they take 2-3 s of Python, which slowed the first SPARQL answer from 0.75 to 2-3.6 s)
WARM_DELAY = 1.0

__all__ = ["Served"]


@dataclass(frozen=True)
class Served:
    """One build as served.

    Attributes:
        store: the build in the embedded store, or a remote store.
        pool: the SPARQL workers over the build (None: no SPARQL endpoint).
        graphs: the build's named graphs (the only ones ``FROM`` and the protocol may name).
        dump: the build's ``plankg.nq``, served under ``/dumps``.
        cache: the answers to repeated GETs (None for a remote store, which can change).
        answers: the answers to repeated SPARQL queries (:mod:`plankg.api.sparql.fastpath`;
            None for a remote store, or when ``sparql_cache_bytes`` is 0).
        flights: the SPARQL queries running now, by the same key (their answers awaited by
            the same requests arriving meanwhile).
        dumps: the merged graph serialized per format, filled on first request.
    """

    store: GraphStore | RemoteStore
    pool: QueryPool | RemotePool | None
    graphs: frozenset[str]
    dump: Path | None
    cache: ResponseCache | None
    answers: ResponseCache | None = None
    flights: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    dumps: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def open(cls, store: GraphStore | RemoteStore, settings: Settings, pool: QueryPool | RemotePool | None = None,
             dump: Path | None = None, warm: bool = True) -> Served:
        """Everything a build needs before its first request: its graphs, a worker pool over
        ``dump`` unless one is given, and (embedded store) the answer caches; ``warm`` reads the
        responsibility and search indexes now, else in a background thread :data:`WARM_DELAY`
        seconds later (a request that needs them first reads them itself, or waits for them)."""
        if pool is None and dump is not None:
            pool = QueryPool(dump, settings.query_workers, settings.query_timeout, settings.max_rows,
                             settings.query_wait, settings.max_result_bytes)
        graphs = frozenset(row[0] for row in store.select(named_query("graphs")).rows)
        if not isinstance(store, GraphStore):
            return cls(store, pool, graphs, dump, None)
        answers = ResponseCache(1 << 20, settings.sparql_cache_bytes) if settings.sparql_cache_bytes > 0 else None
        served = cls(store, pool, graphs, dump, ResponseCache(), answers)
        if warm:
            served.warm()
        else:  # a moment later: parsing them holds the GIL, which the start and first answers need
            timer = threading.Timer(WARM_DELAY, served.warm)
            timer.daemon = True
            timer.start()
        return served

    def warm(self) -> None:
        """Read the indexes the service keeps (every agency's responsibilities, the search rows)
        from the build's precomputed tables; a build without them (made before they were, or
        by the library) gets them written now beside its store, for the next start."""
        store = self.store
        if not isinstance(store, GraphStore):
            return
        try:
            if store.tables is not None and not store.tables.is_dir():
                write_tables(store, store.tables)
            responsibility_index(store)
            searchable(store)
        except Exception:  # a build removed under a test, a disk error: the routes compute them
            logger.exception("could not read the indexes of the build; they are computed when asked")

    def close(self, *_: Any) -> None:
        """Stop the build's query workers."""
        if self.pool is not None:
            self.pool.close()
