"""The SPARQL endpoint's common requests answered in plain ASGI, without FastAPI's routing,
validation and thread hand-offs, and the same query answered again from the served build's
answer cache.

:class:`SparqlFastPath` sits inside the security, HTTP-caching and gzip middleware (so every answer
still gets the security headers, the body cap, the ETag and HEAD) and handles a ``/sparql``
request that names one query: GET ``query=``, POST form, POST ``application/sparql-query``,
on an embedded build. Anything else — no query (the service description), several queries,
an update, a graph outside the build, a query over the size cap, another content type, a
remote store — goes on to the FastAPI route (:mod:`plankg.api.routes.sparql`), the reference
implementation, with the body it sent replayed; so the fast path answers only what the route
would answer the same way, and the route keeps every refusal.

A query runs as on the route: checked by the guard before a worker is taken, under its client's
limits (:class:`~plankg.api.security.ClientLimits`: its slot, its rate, its time), in a
sandboxed worker of the build's pool waited for on the event loop
(:meth:`~plankg.api.sparql.workers.QueryPool.arun`), its answer sent in 64 KiB pieces while the
slot is held. A 200 answer is kept in the build's answer cache (a build never changes), keyed
by the exact query text, the formats the Accept header chose and the protocol's graphs; the
same request again is answered from it under the client's rate and the held-bytes cap, without
a slot, a worker or time charged. The same request arriving while that query runs waits for its
answer (its error too) instead of queueing for a worker. A rebuild serves a new build with a
new, empty cache.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs

from fastapi import HTTPException
from starlette.responses import Response

from plankg.api.negotiation import GRAPH_TYPES, RESULT_TYPES, negotiate
from plankg.api.security import HeldResponse, client_key
from plankg.api.sparql.errors import status_of
from plankg.api.sparql.workers import QueryPool, QueryRequest, QueryResult
from plankg.graph.errors import QueryError

__all__ = ["SparqlFastPath", "answer_headers"]

PATH = "/sparql"
FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"


@lru_cache(maxsize=256)
def _formats(accept: str | None) -> tuple[str | None, str | None]:
    """The result and graph formats an Accept header chooses (few distinct headers are sent)."""
    return negotiate(accept, RESULT_TYPES), negotiate(accept, GRAPH_TYPES)


def answer_headers(result: QueryResult, max_rows: int, max_bytes: int) -> dict[str, str]:
    """The headers of a SPARQL answer beside its media type (the route's and the fast path's)."""
    headers = {"Vary": "Accept", "X-Result-Rows": str(result.rows)}
    if result.truncated:
        cap = f"{max_bytes} bytes" if result.limit == "bytes" else f"{max_rows} rows"
        headers["X-Result-Truncated"] = f"true; at most {cap}"
    return headers


def _error(status: int, detail: str, headers: Mapping[str, str] | None = None
           ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """An error answer as FastAPI's HTTPException handler writes it."""
    body = json.dumps({"detail": detail}, ensure_ascii=False, separators=(",", ":")).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    return status, raw, body


class SparqlFastPath:
    """ASGI middleware answering ``/sparql`` queries directly (see the module's docstring)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] not in ("GET", "POST"):
            await self.app(scope, receive, send)
            return
        served = scope.setdefault("plankg.served", scope["app"].state.served)
        settings = scope["app"].state.settings
        if not isinstance(served.pool, QueryPool) or getattr(served, "answers", None) is None:
            await self.app(scope, receive, send)
            return
        request, receive = await self._request(scope, receive, settings)
        if request is None:
            await self.app(scope, receive, send)
            return
        query, defaults, named = request
        if (len(query.encode("utf-8", errors="replace")) > settings.max_query_bytes
                or any(graph not in served.graphs for graph in (*defaults, *named))):
            await self.app(scope, receive, send)  # the route's 413 / 400
            return
        accept = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"accept"), None)
        result_format, graph_format = _formats(accept)
        key = (query, result_format, graph_format, defaults, named)
        job = QueryRequest(query, result_format, graph_format, served.graphs, defaults, named,
                           settings.max_query_bytes, settings.base_iri)
        await self._answer(scope, send, served, settings, key, job)

    async def _request(self, scope: dict[str, Any], receive: Any, settings: Any
                       ) -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]] | None, Any]:
        """The one query and the protocol's graphs of a request, or None (the route decides);
        and the ``receive`` the rest of the app reads the body from (replayed if read here)."""
        if scope["method"] == "GET":
            params = parse_qs(scope["query_string"].decode("latin-1"), keep_blank_values=True)
            queries = params.get("query", [])
            if "update" in params or len(queries) != 1:
                return None, receive
            return (queries[0], tuple(params.get("default-graph-uri", [])),
                    tuple(params.get("named-graph-uri", []))), receive
        media = next((v for k, v in scope["headers"] if k == b"content-type"), b"").decode("latin-1")
        media = media.split(";")[0].strip().lower()
        if media not in (FORM, QUERY):
            return None, receive
        body, complete = await self._body(receive, settings.max_body_bytes or 3 * settings.max_query_bytes)
        replay = _replay(body, receive, complete)
        if not complete:
            return None, replay
        if media == QUERY:
            params = parse_qs(scope["query_string"].decode("latin-1"), keep_blank_values=True)
            if len(body) > settings.max_query_bytes:
                return None, replay
            return (body.decode("utf-8", errors="replace"), tuple(params.get("default-graph-uri", [])),
                    tuple(params.get("named-graph-uri", []))), replay
        form = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
        queries = form.get("query", [])
        if "update" in form or len(queries) != 1:
            return None, replay
        return (queries[0], tuple(form.get("default-graph-uri", [])),
                tuple(form.get("named-graph-uri", []))), replay

    @staticmethod
    async def _body(receive: Any, cap: int) -> tuple[bytes, bool]:
        """The request body, and whether it was read whole within ``cap`` bytes (a larger one
        is left to the route, which answers 413)."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks), False
            chunk = message.get("body", b"")
            chunks.append(chunk)
            size += len(chunk)
            if size > cap:
                return b"".join(chunks), False
            if not message.get("more_body"):
                return b"".join(chunks), True

    async def _answer(self, scope: dict[str, Any], send: Any, served: Any, settings: Any,
                      key: tuple[Any, ...], job: QueryRequest) -> None:
        """Answer from the cache or from the same query already running (under the client's
        rate), else from a worker (under its slot)."""
        limits = scope["app"].state.limits
        client = client_key(scope)
        release = _nothing
        try:
            hit = served.answers.get(key)
            flight = None if hit is not None else _running(served.flights, key)
            if hit is not None or flight is not None:
                limits.admit(client)
            if flight is not None:
                hit = await _follow(flight, settings.query_timeout + settings.query_wait + 1)
            if hit is None:
                release = await limits.acquire(client)
                hit = served.answers.get(key) or await self._lead(served, settings, limits, client, key, job)
        except HTTPException as exc:
            release()
            await _send(send, _error(exc.status_code, str(exc.detail), exc.headers))
            return
        except BaseException:
            release()
            raise
        status, headers, body = hit
        if status != 200:
            release()
            await _send(send, hit)
            return
        await self._held(send, settings, limits, headers, body, release)

    async def _lead(self, served: Any, settings: Any, limits: Any, client: str, key: tuple[Any, ...],
                    job: QueryRequest) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """Run the query, the same requests arriving meanwhile waiting for its answer."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        served.flights[key] = future
        answer = None
        try:
            answer = await self._run(served, settings, limits, client, key, job)
            return answer
        finally:
            if served.flights.get(key) is future:
                del served.flights[key]
            future.set_result(answer)  # None: the followers run it themselves

    @staticmethod
    async def _run(served: Any, settings: Any, limits: Any, client: str, key: tuple[Any, ...],
                   job: QueryRequest) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """Run the query in a worker, charge its time, keep a 200 answer in the cache."""
        try:
            result = await served.pool.arun(job)
        except QueryError as exc:
            limits.charge(client, getattr(exc, "seconds", 0.0))
            return _error(status_of(exc), str(exc))
        limits.charge(client, result.seconds)
        response = Response(result.body, media_type=result.media_type,
                            headers=answer_headers(result, settings.max_rows, settings.max_result_bytes))
        answer = (200, list(response.raw_headers), result.body)
        served.answers.put(key, *answer, size=len(result.body) + len(job.text) + 256)
        return answer

    @staticmethod
    async def _held(send: Any, settings: Any, limits: Any, headers: list[tuple[bytes, bytes]], body: bytes,
                    release: Any) -> None:
        """Send an answer in pieces while the held-bytes cap counts it (503 past the cap)."""
        size = len(body)
        if not limits.hold(size, settings.max_held_bytes):
            release()
            await _send(send, _error(503, "too many answers are waiting for their clients to read them; "
                                          "try again", {"Retry-After": "5"}))
            return
        try:
            await send({"type": "http.response.start", "status": 200, "headers": list(headers)})  # a copy: gzip edits the list in place
            chunk = HeldResponse.CHUNK
            for start in range(0, max(size, 1), chunk):
                await asyncio.wait_for(send({"type": "http.response.body", "body": body[start:start + chunk],
                                             "more_body": start + chunk < size}), settings.send_timeout)
        finally:
            limits.hold(-size, settings.max_held_bytes)
            release()


def _running(flights: dict[tuple[Any, ...], Any], key: tuple[Any, ...]) -> Any:
    """The same query running on this event loop (a test client may run another), or None."""
    future = flights.get(key)
    if future is None or future.get_loop() is not asyncio.get_running_loop():
        return None
    return future


async def _follow(future: Any, timeout: float) -> tuple[int, list[tuple[bytes, bytes]], bytes] | None:
    """The answer of the same query run by another request (None: it failed or took too long)."""
    try:
        answer: tuple[int, list[tuple[bytes, bytes]], bytes] | None = await asyncio.wait_for(
            asyncio.shield(future), timeout)
    except TimeoutError:
        return None
    return answer


def _nothing() -> None:
    """No slot to give back (a cached answer takes none)."""


async def _send(send: Any, answer: tuple[int, list[tuple[bytes, bytes]], bytes]) -> None:
    status, headers, body = answer
    await send({"type": "http.response.start", "status": status, "headers": list(headers)})  # a copy: gzip edits the list in place
    await send({"type": "http.response.body", "body": body})


def _replay(body: bytes, receive: Any, complete: bool) -> Any:
    """A ``receive`` that gives the body already read, then (if it was not whole) the rest."""
    sent = False

    async def replayed() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": not complete}
        message: dict[str, Any] = await receive()
        return message

    return replayed
