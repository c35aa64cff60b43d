"""Swap the service to a new build while it runs, atomically.

:class:`BuildWatcher` polls the build's ``plankg.nq`` (``plankg build`` replaces it with one
rename, so the path always holds a whole build). When the file changes it opens the new build's
on-disk store (:func:`~plankg.graph.store.persistent_store`, made once per build) as a new store and a new SPARQL worker pool *beside* the old ones, and only then swaps the
served build (:class:`~plankg.api.served.Served`) in one assignment; a request reads it once, so
it sees the old graph or the new one, never a mix. The old pool is closed after a grace period longer than the
query budget, so queries already running on it finish.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from fastapi import FastAPI

from plankg.api.served import Served
from plankg.graph.store import GraphStore

__all__ = ["BuildWatcher"]

logger = logging.getLogger(__name__)


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


class BuildWatcher:
    """Reloads an app's embedded store and SPARQL pool when its build file is replaced.

    Args:
        app: an app made by :func:`plankg.api.app.create_app` over an embedded store.
        nquads: the build's ``plankg.nq``.
        interval: seconds between two looks at the file.
        grace: seconds the old pool stays open after a swap (default: budget + wait + 2 s).
    """

    def __init__(self, app: FastAPI, nquads: Path, interval: float = 2.0, grace: float | None = None) -> None:
        settings = app.state.settings
        self.app = app
        self.nquads = nquads
        self.interval = interval
        self.grace = grace if grace is not None else settings.query_timeout + settings.query_wait + 2.0
        self.swaps = 0
        self._seen = _signature(nquads)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="plankg-build-watcher", daemon=True)

    def start(self) -> BuildWatcher:
        """Start watching in a daemon thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop watching."""
        self._stop.set()
        self._thread.join(self.interval + 5)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except Exception:  # a bad file must not kill the watcher: keep serving the old build
                logger.exception("could not load the new build %s; still serving the previous one", self.nquads)

    def check(self) -> bool:
        """Swap to the build on disk if it changed since the last look; True when swapped."""
        signature = _signature(self.nquads)
        if signature is None or signature == self._seen:
            return False
        # the whole new build, its pool and indexes, before anything changes
        store = GraphStore.open(self.nquads)  # its on-disk store, made once, beside the old one
        served = Served.open(store, self.app.state.settings, dump=self.nquads)
        old: Served = self.app.state.served
        self.app.state.served = served  # the swap (the old build's cached answers go with it)
        self._seen = signature
        self.swaps += 1
        if old.pool is not None:
            timer = threading.Timer(self.grace, old.close)
            timer.daemon = True
            timer.start()
        logger.warning("plankg serve: now serving the new build %s (%d triples)", self.nquads, len(store))
        return True
