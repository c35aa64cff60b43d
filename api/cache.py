"""A response cache for the read-only service: the same GET on the same build gets the same
bytes, so the answer is kept and served again without touching the store.

The middleware reads the served build once per request and pins it in the scope
(``scope["plankg.served"]``, which the routes use), so the key — the store's ``generation``, the
path, the query string and the Accept header — always names the build that computed the answer; only 200 answers are kept; bounded by entry
count and total bytes (least recently used out first). Off for a remote store, whose contents
can change under the service. Pure ASGI, so a hit never leaves the event loop.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

__all__ = ["ResponseCache", "ResponseCacheMiddleware", "request_served", "request_store"]

#: paths never cached: streamed files, the SPARQL endpoint (bounded by its own workers), docs
UNCACHED = ("/dumps/", "/static/", "/assets/", "/sparql", "/docs", "/redoc")


def request_served(request: Any) -> Any:
    """The build a request reads (a :class:`plankg.api.served.Served`): the one the middleware
    pinned for it (a rebuild may swap the app's meanwhile; one request sees one build), else the
    app's."""
    served = request.scope.get("plankg.served")
    return request.app.state.served if served is None else served


def request_store(request: Any) -> Any:
    """The store of the build a request reads."""
    return request_served(request).store


class ResponseCache:
    """A bounded LRU map of cached responses; thread-safe."""

    def __init__(self, max_entries: int = 4096, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[tuple[Any, ...], tuple[int, list[tuple[bytes, bytes]], bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> tuple[int, list[tuple[bytes, bytes]], bytes] | None:
        """The cached (status, headers, body) for ``key``, or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: tuple[Any, ...], status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        """Keep a response (not when it alone would take more than an eighth of the budget)."""
        if len(body) > self.max_bytes // 8:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (status, headers, body)
            self.bytes += len(body)
            while len(self._entries) > self.max_entries or self.bytes > self.max_bytes:
                _, (_, _, old) = self._entries.popitem(last=False)
                self.bytes -= len(old)

    def clear(self) -> None:
        """Forget every response (a new build is served)."""
        with self._lock:
            self._entries.clear()
            self.bytes = 0


class ResponseCacheMiddleware:
    """ASGI middleware serving repeated GETs from the served build's cache."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        served = scope["plankg.served"] = scope["app"].state.served  # one build for the whole request
        cache: ResponseCache | None = served.cache
        generation = getattr(served.store, "generation", None)
        if cache is None or generation is None or scope["method"] != "GET" or scope["path"].startswith(UNCACHED):
            await self.app(scope, receive, send)
            return
        accept = next((v for k, v in scope["headers"] if k == b"accept"), b"")
        key = (generation, scope["path"], scope["query_string"], accept)
        hit = cache.get(key)
        if hit is not None:
            status, headers, body = hit
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body") and start.get("status") == 200:
                    cache.put(key, 200, list(start.get("headers", [])), b"".join(chunks))
            await send(message)

        await self.app(scope, receive, capture)
