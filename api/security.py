"""What a public service owes its host and its users: per-client limits on SPARQL, bounded
request bodies, and the security headers of every response.

- :class:`ClientLimits`: each client (its IP address) may have ``concurrency`` SPARQL queries
  running (more wait, without holding a thread, up to ``wait`` seconds), ``rate`` queries a
  second (``burst`` at once), and ``seconds`` seconds of worker time a minute beyond the first
  quarter second of each query; past any of these it gets 429 with ``Retry-After`` (the model
  is the Wikidata Query Service's per-client budget). So one hostile client costs only its own
  requests: at most ``concurrency`` workers, and about ``seconds / 60`` of one on average.
- :class:`SecurityMiddleware` (pure ASGI, outermost): refuses a request whose
  ``Content-Length`` is over the cap with 413 before the app sees it, and adds the headers of
  a public service to every answer, cached ones included: a Content-Security-Policy that allows
  nothing from another host and no inline script, ``frame-ancestors 'none'``,
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer``.

Thread-safe: the limits are kept under one lock held for a few dictionary operations.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import HTTPException
from starlette.responses import Response

__all__ = ["CORS", "CSP", "CSP_DOCS", "ClientLimits", "HeldResponse", "SecurityMiddleware", "client_key"]

#: the pages and the editor: scripts, styles, images and fonts from this host only
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; "
       "connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
#: /docs and /redoc: Swagger UI and ReDoc set styles from script (CSS-in-JS) and ReDoc runs its
#: search in a blob: worker; still no script from anywhere but this host, and none inline
CSP_DOCS = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'").replace(
    "worker-src 'self'", "worker-src 'self' blob:")
#: CORS (the Fetch standard): every answer may be read by a page of any origin (the service is
#: read-only and uses no cookies); a preflight ``OPTIONS`` is answered 204 here, before the app
CORS = [(b"access-control-allow-origin", b"*"),
        (b"access-control-expose-headers",
         b"ETag, Last-Modified, Link, Content-Disposition, Content-Language, X-Total-Count, X-Result-Rows, "
         b"X-Result-Truncated, "
         b"Retry-After")]
#: the methods a cross-origin page may use: reads everywhere, and POST of a query to /sparql
READ_METHODS, SPARQL_METHODS = b"GET, HEAD, OPTIONS", b"GET, HEAD, POST, OPTIONS"
PREFLIGHT_HEADERS = b"Accept, Accept-Language, Content-Type, If-None-Match, If-Modified-Since, Range"
HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
           (b"x-frame-options", b"DENY"), (b"cross-origin-opener-policy", b"same-origin")]


def client_key(scope: Mapping[str, Any]) -> str:
    """The client a request counts against: its peer address (behind a reverse proxy, the
    proxy must pass the client's own address as the peer, e.g. uvicorn's ``--proxy-headers``)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


@dataclass
class _Client:
    tokens: float
    budget: float
    stamp: float
    running: int = 0
    waiting: int = 0
    events: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = field(default_factory=list)


class ClientLimits:
    """Per-client limits on the SPARQL endpoint.

    Args:
        concurrency: queries one client may have running at once.
        rate: queries a second, on average, per client.
        burst: queries a client may send at once before ``rate`` applies.
        seconds: seconds of worker time a client may use a minute (beyond a free quarter second
            per query); also the most it may use at once.
        wait: how long a query waits for the client's running ones before 429.
        max_waiting: queries one client may have waiting; more get 429 at once.
    """

    FREE = 0.25
    SMALL = 1024 * 1024

    def __init__(self, concurrency: int = 1, rate: float = 200.0, burst: float = 400.0, seconds: float = 30.0,
                 wait: float = 5.0, max_waiting: int = 64) -> None:
        self.concurrency = max(1, concurrency)
        self.rate = rate
        self.burst = burst
        self.seconds = seconds
        self.wait = wait
        self.max_waiting = max_waiting
        self._clients: dict[str, _Client] = {}
        self._lock = threading.Lock()
        self.refused = 0
        self.held = 0

    def _client(self, key: str, now: float) -> _Client:
        client = self._clients.get(key)
        if client is None:
            if len(self._clients) > 100_000:  # forget idle clients (their buckets are full again)
                for old in [k for k, c in self._clients.items() if not c.running and not c.waiting]:
                    del self._clients[old]
            client = self._clients[key] = _Client(self.burst, self.seconds, now)
        elapsed = now - client.stamp
        client.tokens = min(self.burst, client.tokens + elapsed * self.rate)
        client.budget = min(self.seconds, client.budget + elapsed * self.seconds / 60.0)
        client.stamp = now
        return client

    def _refuse(self, message: str, retry: float) -> HTTPException:
        self.refused += 1
        return HTTPException(429, message, headers={"Retry-After": str(max(1, math.ceil(retry)))})

    def admit(self, key: str) -> None:
        """Take one query from the client's rate and check its time budget.

        Raises:
            HTTPException: 429 with ``Retry-After``.
        """
        with self._lock:
            client = self._client(key, time.monotonic())
            if client.budget <= 0:
                wait = -client.budget / (self.seconds / 60.0) if self.seconds > 0 else 60.0
                raise self._refuse(f"this client used its {self.seconds:g} s of query time a minute; "
                                   "try again later", wait + 1)
            if client.tokens < 1:
                raise self._refuse(f"more than {self.rate:g} queries a second from this client", (1 - client.tokens) / self.rate)
            client.tokens -= 1

    def hold(self, size: int, cap: int) -> bool:
        """Count ``size`` more bytes of answers being sent (negative: sent); False, and nothing
        counted, when that would pass ``cap`` (an answer of up to 1 MiB always fits: slow
        readers of large answers must not shut out the small ones)."""
        with self._lock:
            if size > self.SMALL and self.held and self.held + size > cap:
                return False
            self.held += size
            return True

    def charge(self, key: str, seconds: float) -> None:
        """Count a query's worker time against its client (the first quarter second is free)."""
        with self._lock:
            client = self._client(key, time.monotonic())
            client.budget -= max(0.0, seconds - self.FREE)

    async def acquire(self, key: str) -> Callable[[], None]:
        """Take one of the client's ``concurrency`` slots (waiting without a thread); the
        function returned gives it back (call it once, when the answer is sent).

        Raises:
            HTTPException: 429 when the client is over its rate or time, has too many waiting,
                or none of its slots frees in time.
        """
        self.admit(key)
        deadline = time.monotonic() + self.wait
        with self._lock:
            client = self._client(key, time.monotonic())
            if client.running >= self.concurrency and client.waiting >= self.max_waiting:
                raise self._refuse("too many queries from this client at once", self.wait)
            client.waiting += 1
        try:
            while True:
                with self._lock:
                    if client.running < self.concurrency:
                        client.running += 1
                        break
                    event = asyncio.Event()
                    waiter = (asyncio.get_running_loop(), event)
                    client.events.append(waiter)
                remaining = deadline - time.monotonic()
                try:
                    if remaining <= 0:
                        raise TimeoutError
                    await asyncio.wait_for(event.wait(), remaining)
                except TimeoutError:
                    raise self._refuse(f"this client already has {self.concurrency} queries running",
                                       self.wait) from None
                finally:
                    with self._lock:
                        if waiter in client.events:
                            client.events.remove(waiter)
        finally:
            with self._lock:
                client.waiting -= 1
        released = False

        def release() -> None:
            nonlocal released
            with self._lock:
                if released:
                    return
                released = True
                client.running -= 1
                waiters = list(client.events)
            for loop, event in waiters:  # thread-safe: a waiter may sit on another event loop
                with contextlib.suppress(RuntimeError):  # that loop is closed: nobody waits
                    loop.call_soon_threadsafe(event.set)

        return release

    @asynccontextmanager
    async def slot(self, key: str) -> Any:
        """:meth:`acquire` as a context."""
        release = await self.acquire(key)
        try:
            yield
        finally:
            release()


class HeldResponse(Response):
    """An answer sent in 64 KiB pieces while its client's slot is held: a client that does
    not read its answer keeps its own slot busy (so it cannot pile up answers in the server's
    memory), and is disconnected when a piece waits more than ``timeout`` seconds to go out.

    Args:
        response: the answer (its body in memory, at most the result cap).
        release: gives the client's slot back.
        timeout: how long one piece may wait for the client to read.
    """

    CHUNK = 64 * 1024

    def __init__(self, response: Response, release: Callable[[], None], timeout: float = 30.0) -> None:
        # not Response.__init__: the answer is already rendered
        self.status_code = response.status_code
        self.body = response.body
        self.raw_headers = response.raw_headers
        self.background = None
        self.release = release
        self.timeout = timeout

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        body = bytes(self.body)
        try:
            await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
            for start in range(0, max(len(body), 1), self.CHUNK):
                more = start + self.CHUNK < len(body)
                await asyncio.wait_for(send({"type": "http.response.body", "body": body[start:start + self.CHUNK],
                                             "more_body": more}), self.timeout)
        finally:
            self.release()


class SecurityMiddleware:
    """ASGI middleware: 413 on an oversized ``Content-Length``, security headers on every answer.

    Args:
        app: the ASGI app.
        max_body: the largest request body accepted.
    """

    def __init__(self, app: Any, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        policy = (CSP_DOCS if path in ("/docs", "/redoc") else CSP).encode()

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(b"content-security-policy", policy), *HEADERS, *CORS]
                message = {**message, "headers": [*message.get("headers", []),
                                                  *(h for h in extra if h[0] not in names)]}
            await send(message)

        if scope["method"] == "OPTIONS":
            await self._preflight(scope, send_with_headers)
            return
        length = next((value for name, value in scope["headers"] if name == b"content-length"), None)
        if length is not None:
            try:
                too_large = int(length) > self.max_body
            except ValueError:
                too_large = True
            if too_large:
                body = (b'{"detail":"the request body is larger than %d bytes"}' % self.max_body)
                await send_with_headers({"type": "http.response.start", "status": 413, "headers": [
                    (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close")]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send_with_headers)

    @staticmethod
    async def _preflight(scope: dict[str, Any], send: Any) -> None:
        """``OPTIONS`` (a CORS preflight or a plain one): 204 with the methods the path allows and
        the request headers a page may send; the answer may be reused for a day."""
        methods = SPARQL_METHODS if scope.get("path") == "/sparql" else READ_METHODS
        asked = next((v for k, v in scope["headers"] if k == b"access-control-request-headers"), b"")
        allowed = asked if asked and len(asked) < 1000 else PREFLIGHT_HEADERS
        await send({"type": "http.response.start", "status": 204, "headers": [
            (b"allow", methods), (b"access-control-allow-methods", methods),
            (b"access-control-allow-headers", allowed), (b"access-control-max-age", b"86400"),
            (b"vary", b"Access-Control-Request-Headers")]})
        await send({"type": "http.response.body", "body": b""})
