"""A response cache for the read-only service: the same GET on the same build gets the same
bytes, so the answer is kept and served again without touching the store.

The middleware reads the served build once per request and pins it in the scope
(``scope["plankg.served"]``, which the routes use), so the key — the store's ``generation``, the
path, the query string and the Accept header — always names the build that computed the answer; only 200 answers are kept; bounded by entry
count and total bytes (least recently used out first). Off for a remote store, whose contents
can change under the service. Pure ASGI, so a hit never leaves the event loop.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import Any

from starlette.middleware.gzip import GZipMiddleware

__all__ = ["Compression", "ConditionalMiddleware", "ResponseCache", "ResponseCacheMiddleware", "build_identity", "request_served",
           "request_store"]

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
        self._sizes: dict[tuple[Any, ...], int] = {}
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

    def put(self, key: tuple[Any, ...], status: int, headers: list[tuple[bytes, bytes]], body: bytes,
            size: int | None = None) -> None:
        """Keep a response (not when it alone would take more than an eighth of the budget);
        ``size`` is what it counts against the budget (default: its body's length; a key that
        is large itself, like a query's text, should be counted too)."""
        weight = len(body) if size is None else size
        if weight > self.max_bytes // 8:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (status, headers, body)
            self._sizes[key] = weight
            self.bytes += weight
            while len(self._entries) > self.max_entries or self.bytes > self.max_bytes:
                old, _ = self._entries.popitem(last=False)
                self.bytes -= self._sizes.pop(old)

    def clear(self) -> None:
        """Forget every response (a new build is served)."""
        with self._lock:
            self._entries.clear()
            self._sizes.clear()
            self.bytes = 0


class ResponseCacheMiddleware:
    """ASGI middleware serving repeated GETs from the served build's cache."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        served = scope.setdefault("plankg.served", scope["app"].state.served)  # one build for the whole request
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
            await send({"type": "http.response.start", "status": status, "headers": list(headers)})
            await send({"type": "http.response.body", "body": body})
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":  # a copy: an outer gzip edits the list in place
                start.update(message, headers=list(message.get("headers", [])))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body") and start.get("status") == 200:
                    cache.put(key, 200, list(start.get("headers", [])), b"".join(chunks))
            await send(message)

        await self.app(scope, receive, capture)


#: how long a client or proxy may reuse an answer without asking again (a build never changes;
#: a rebuild is picked up by revalidation, which the ETag makes a 304 when nothing changed)
MAX_AGE = 3600
#: the answers of the running service that are files of their own (their own validators)
OWN_VALIDATORS = ("/static/", "/assets/")
#: headers a 304 keeps (RFC 9110 §15.4.5); the security and CORS headers are added outside
KEPT_ON_304 = {b"etag", b"last-modified", b"cache-control", b"vary", b"content-location", b"expires",
               b"link", b"content-language"}
_IDENTITIES: OrderedDict[int, tuple[str, float]] = OrderedDict()
_IDENTITY_LOCK = threading.Lock()


def build_identity(served: Any) -> tuple[str, float]:
    """The served build's digest and build time (seconds since the epoch): from its dump's size
    and modification time (a rebuild writes a new file), the same in every process serving it;
    for a service without a dump, from the store's generation and the time it was first asked."""
    generation = getattr(served.store, "generation", id(served.store))
    with _IDENTITY_LOCK:
        known = _IDENTITIES.get(generation)
        if known is None:
            dump = getattr(served, "dump", None)
            if dump is not None and Path(dump).is_file():
                stat = Path(dump).stat()
                seed, built = f"{stat.st_size}:{stat.st_mtime_ns}", float(int(stat.st_mtime))
            else:
                seed, built = f"generation:{generation}:{time.time()}", float(int(time.time()))
            known = _IDENTITIES[generation] = (hashlib.sha256(seed.encode()).hexdigest()[:16], built)
            while len(_IDENTITIES) > 8:
                _IDENTITIES.popitem(last=False)
    return known


def _header(scope: dict[str, Any], name: bytes) -> str:
    return next((v.decode("latin-1") for k, v in scope["headers"] if k == name), "")


def _etag(digest: str, scope: dict[str, Any], headers: list[tuple[bytes, bytes]]) -> bytes:
    """A strong ETag: the build's digest and what selects the representation (host, path, query,
    media type, encoding, language)."""
    picked = {k.lower(): v for k, v in headers}
    parts = [_header(scope, b"host").encode(), scope["path"].encode(), scope["query_string"],
             picked.get(b"content-type", b""), picked.get(b"content-encoding", b""),
             picked.get(b"content-language", b"")]
    representation = hashlib.sha256(b"\x00".join(parts)).hexdigest()[:16]
    return f'"{digest}-{representation}"'.encode()


def _not_modified(scope: dict[str, Any], etag: bytes, built: float) -> bool:
    """Whether the client's validators still hold (If-None-Match first, RFC 9110 §13.2.2)."""
    match = _header(scope, b"if-none-match")
    if match:
        tags = {t.strip().removeprefix("W/") for t in match.split(",")}
        return "*" in tags or etag.decode() in tags
    since = _header(scope, b"if-modified-since")
    if since:
        try:
            return parsedate_to_datetime(since).timestamp() >= built
        except (TypeError, ValueError):
            return False
    return False


class ConditionalMiddleware:
    """ASGI middleware for HTTP caching: ``HEAD`` wherever ``GET`` is (the GET answer without
    its body), and on every GET/HEAD answer a strong ETag (the build's digest and the
    representation), Last-Modified (the build time) and a public Cache-Control; a request whose
    ``If-None-Match`` / ``If-Modified-Since`` still holds gets 304 without the body. Files of
    their own (``/static``, ``/assets``) keep their validators."""

    def __init__(self, app: Any, max_age: int = MAX_AGE) -> None:
        self.app = app
        self.cache_control = f"public, max-age={max_age}".encode()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        served = scope.setdefault("plankg.served", scope["app"].state.served)
        digest, built = build_identity(served)
        state = {"skip": False}

        async def answer(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = self._start(scope, message, digest, built)
                state["skip"] = head or message["status"] == 304
            elif message["type"] == "http.response.body" and state["skip"]:
                if message.get("more_body"):
                    return
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        await self.app(scope, receive, answer)

    def _start(self, scope: dict[str, Any], message: dict[str, Any], digest: str, built: float) -> dict[str, Any]:
        """The response start with the caching headers; a 304 start when the validators hold."""
        status = message["status"]
        headers = list(message.get("headers", []))
        names = {k.lower() for k, _ in headers}
        own = scope["path"].startswith(OWN_VALIDATORS)
        if status == 200 and not own:
            headers = [(k, v) for k, v in headers if k.lower() not in (b"etag", b"last-modified")]
            etag = _etag(digest, scope, headers)
            headers += [(b"etag", etag), (b"last-modified", formatdate(built, usegmt=True).encode())]
            if _not_modified(scope, etag, built):
                status = 304
                headers = [(k, v) for k, v in headers if k.lower() in KEPT_ON_304]
        if b"cache-control" not in names:
            cacheable = status in (200, 304, 404)
            headers.append((b"cache-control", self.cache_control if cacheable else b"no-store"))
        return {**message, "status": status, "headers": headers}


class Compression(GZipMiddleware):
    """gzip for answers of 1 KiB and more (starlette's), SPARQL results included, for clients
    that ask for it (``Accept-Encoding: gzip``; ``Vary`` then names it too)."""
