"""Queries in worker processes that can be killed, and that cannot reach the network: the
wall-clock budget and the sandbox of the public endpoint.

pyoxigraph cannot cancel a running query, so each query of the public endpoint runs in one of a
fixed number of worker processes, each opening the build (read-only; the same on-disk store for
all of them): one query per process at a time. The guard (:func:`plankg.api.sparql.guard.check_query`,
linear in the query's length and cached per text) runs in the calling thread before a worker is
taken, with no lock shared between requests; the worker receives the checked, normalized text.
A query that overruns its budget gets its worker killed and replaced; the caller gets
:class:`QueryTimeout` at once. The number of workers bounds concurrent queries; a request that
finds none free within ``wait`` seconds gets :class:`QueryBusy`. Results are capped at
``max_rows`` rows (or triples) and ``max_bytes`` bytes (:mod:`plankg.api.sparql.writers`), with an
explicit truncation flag.

Each worker drops the right to open network sockets before it loads anything (a seccomp filter
on Linux: ``socket()`` of any family but ``AF_UNIX`` fails), so pyoxigraph's built-in
``SERVICE`` client cannot connect anywhere even if a query got past the guard. Engine errors
reach the caller as a generic message, never the engine's own text (which names ports and
connection failures).

Thread-safe: :meth:`QueryPool.run` may be called from many threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import dataclasses
import logging
import multiprocessing
import os
import platform
import queue
import struct
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plankg.graph.errors import (
    NoAcceptableFormat,
    QueryBusy,
    QueryFailed,
    QueryRejected,
    QueryTimeout,
    WorkerStartError,
)

logger = logging.getLogger(__name__)

__all__ = ["FORMATS", "GRAPH_FORMATS", "RESULT_FORMATS", "QueryBusy", "QueryFailed", "QueryPool", "QueryRequest",
           "QueryResult", "QueryTimeout", "execute", "forbid_network"]

from plankg.api.sparql.writers import (  # noqa: E402 - the writers' names are this module's too
    FORMATS,
    GRAPH_FORMATS,
    RESULT_FORMATS,
    QueryResult,
    write_ask,
    write_graph,
    write_select,
)

#: the message a client gets when the engine fails a query that passed the guard
ENGINE_FAILED = "the query could not be evaluated"


@dataclass(frozen=True)
class QueryRequest:
    """One query of the public endpoint, as received (the worker checks it).

    Attributes:
        text: the query text, before normalization.
        result_format: the format for SELECT and ASK (None: the client accepts none).
        graph_format: the format for CONSTRUCT and DESCRIBE (None: the client accepts none).
        allowed_graphs: the graphs ``FROM``/``FROM NAMED`` may name.
        default_graphs, named_graphs: the protocol's ``default-graph-uri`` / ``named-graph-uri``.
        max_query_bytes: the largest query accepted (413 above).
        base_iri: the base against which the query's relative IRIs are resolved (None: none).
        form: set by :func:`prepare` once the text is checked (and normalized): the query's
            form, so the worker runs it without checking it again.
    """

    text: str
    result_format: str | None = "json"
    graph_format: str | None = "turtle"
    allowed_graphs: tuple[str, ...] | frozenset[str] = ()
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    max_query_bytes: int = 100_000
    base_iri: str | None = None
    form: str = ""


def forbid_network() -> bool:
    """Forbid this process (all its threads, and every process it starts) to open any socket
    but an ``AF_UNIX`` one, and io_uring, with a seccomp filter. Irreversible. True when the
    filter is in place; False where it cannot be (not Linux on x86-64 or arm64, seccomp off).
    Sockets already open (the worker's pipe) keep working."""
    arch = {"x86_64": (0xC000003E, 41, 317), "aarch64": (0xC00000B7, 198, 277)}.get(platform.machine())
    if arch is None or platform.system() != "Linux":
        return False
    audit_arch, nr_socket, nr_seccomp = arch
    allow, deny = 0x7FFF0000, 0x00050000 | 13  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EACCES
    load, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06  # BPF_LD|W|ABS, BPF_JMP|JEQ|K, BPF_JMP|JGE|K, BPF_RET
    program = [  # (code, jump if true, jump if false, k); jumps count from the next instruction
        (load, 0, 0, 4),             # 0 seccomp_data.arch
        (jeq, 0, 7, audit_arch),     # 1 another ABI (int 0x80 …): deny
        (load, 0, 0, 0),             # 2 seccomp_data.nr
        (jge, 5, 0, 0x40000000),     # 3 x32 system calls: deny
        (jeq, 4, 0, 425),            # 4 io_uring_setup: deny
        (jeq, 0, 2, nr_socket),      # 5 not socket(): allow
        (load, 0, 0, 16),            # 6 args[0], the address family
        (jeq, 0, 1, 1),              # 7 AF_UNIX: allow, else deny
        (ret, 0, 0, allow),          # 8
        (ret, 0, 0, deny),           # 9
    ]
    code = b"".join(struct.pack("HBBI", *instruction) for instruction in program)
    buffer = ctypes.create_string_buffer(code, len(code))

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = SockFprog(len(program), ctypes.addressof(buffer))
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
            return False
        # seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &fprog): every thread
        return int(libc.syscall(nr_seccomp, 1, 1, ctypes.byref(fprog))) == 0
    except (OSError, AttributeError):
        return False


def execute(store: Any, text: str, fmt: str, max_rows: int, default_graphs: tuple[str, ...] = (),
            named_graphs: tuple[str, ...] = (), max_bytes: int = 16 * 1024 * 1024,
            base_iri: str | None = None) -> QueryResult:
    """Run a checked (normalized) query on a :class:`~plankg.graph.store.GraphStore` and
    serialize it, within ``max_rows`` rows (or triples) and about ``max_bytes`` bytes.
    ``default_graphs``/``named_graphs`` (the protocol's default-graph-uri and named-graph-uri)
    replace the query's dataset when given."""
    import pyoxigraph as ox

    from plankg.graph.store import PREFIXES

    dataset: dict[str, Any] = {}
    if default_graphs:
        dataset["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
    if named_graphs:
        dataset["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    if base_iri:
        dataset["base_iri"] = base_iri
    results = store.store.query(text, prefixes=PREFIXES, **dataset)
    if isinstance(results, ox.QueryBoolean):
        body = write_ask(bool(results), fmt if fmt in RESULT_FORMATS else "json")
        return QueryResult(body, FORMATS.get(fmt, FORMATS["json"]), False, 1)
    if isinstance(results, ox.QuerySolutions):
        variables = [v.value for v in results.variables]
        fmt = fmt if fmt in RESULT_FORMATS else "json"
        body, rows, limit = write_select(variables, results, fmt, max_rows, max_bytes)
        return QueryResult(body, FORMATS[fmt], bool(limit), rows, limit)
    fmt = fmt if fmt in GRAPH_FORMATS else "turtle"
    return write_graph(results, fmt, max_rows, max_bytes)


def prepare(request: QueryRequest) -> tuple[QueryRequest, str]:
    """Check a request with the guard (linear in its length, cached per text, no lock) and
    choose its format: the request with its normalized text and form, and the format's name.

    Raises:
        QueryRejected: the guard refused the query (QueryTooLarge among them).
        NoAcceptableFormat: the client accepts no format for it.
    """
    from plankg.api.sparql.guard import check_query

    if not request.form:
        checked = check_query(request.text, request.allowed_graphs, request.max_query_bytes)
        request = dataclasses.replace(request, text=checked.text, form=checked.form)
    graph_form = request.form in ("ConstructQuery", "DescribeQuery")
    fmt = request.graph_format if graph_form else request.result_format
    if fmt is None:
        offered = GRAPH_FORMATS if graph_form else RESULT_FORMATS
        raise NoAcceptableFormat(f"none of {', '.join(FORMATS[f] for f in offered)} is acceptable")
    return request, fmt


def handle(store: Any, request: QueryRequest, max_rows: int, max_bytes: int) -> QueryResult:
    """Check a request with the guard (unless :func:`prepare` did) and run the normalized text
    on ``store``. Without a store the result carries no body, only the checked ``text`` and the
    media type chosen.

    Raises:
        QueryRejected: the guard refused the query.
        NoAcceptableFormat: the client accepts no format for it.
        QueryFailed: the engine failed it (a generic message; a syntax error is named).
    """
    request, fmt = prepare(request)
    if store is None:
        return QueryResult(b"", FORMATS[fmt], False, 0, "", request.text)
    try:
        result = execute(store, request.text, fmt, max_rows, request.default_graphs, request.named_graphs,
                         max_bytes, request.base_iri)
    except SyntaxError as exc:  # the engine's parser: about the text, never the network
        raise QueryFailed(f"the engine cannot parse the query: {str(exc).splitlines()[0][:300]}") from None
    except Exception:
        raise QueryFailed(ENGINE_FAILED) from None
    return result


def _serve(nquads: str | None, conn: Any) -> None:  # pragma: no cover - runs in a child process
    sandboxed = forbid_network()  # before anything is loaded or any query read
    # pyoxigraph recurses per operator of an expression (a 10,000-term 1+1+… overflows 8 MiB): a large stack
    threading.stack_size(512 * 1024 * 1024)
    thread = threading.Thread(target=_loop, args=(nquads, conn, sandboxed), name="plankg-query")
    thread.start()
    thread.join()


def _loop(nquads: str | None, conn: Any, sandboxed: bool) -> None:  # pragma: no cover - child process
    from plankg.graph.store import GraphStore

    store = GraphStore.open(Path(nquads)) if nquads else None
    conn.send(("ready", sandboxed))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):  # the server went away
            return
        if message is None:
            return
        request, max_rows, max_bytes = message
        try:
            conn.send(("ok", handle(store, request, max_rows, max_bytes)))
        except (QueryRejected, QueryFailed) as exc:
            conn.send(("refused", exc))
        except Exception:
            conn.send(("error", ENGINE_FAILED))


def _context() -> Any:
    """The way workers start: forked from a fork server that has imported the worker's code and
    pyoxigraph once (Linux), so each worker starts in milliseconds and shares those pages with
    the others (copy-on-write) instead of importing its own copy: a worker's own memory is its
    working set. ``spawn`` where there is no fork server. Never a plain fork of the server,
    whose threads may hold locks."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["plankg.api.sparql.workers", "plankg.graph.store", "pyoxigraph"])
    return context


class _Worker:
    def __init__(self, context: Any, nquads: str | None) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(nquads, child), daemon=True)
        self.process.start()
        child.close()
        if not self.conn.poll(120):
            self.kill()
            raise WorkerStartError("a query worker did not start")
        status, self.sandboxed = self.conn.recv()
        if status != "ready":
            self.kill()
            raise WorkerStartError("a query worker did not start")

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
            self.process.join(5)
        with contextlib.suppress(Exception):
            self.conn.close()


def _slim(request: QueryRequest) -> QueryRequest:
    """A checked request as a worker needs it: without the graphs the guard checked it against
    (hundreds at scale, pickled for nothing on every query)."""
    return dataclasses.replace(request, allowed_graphs=())


def _timed(exc: Exception, started: float) -> Exception:
    """``exc`` with the worker time it cost as ``exc.seconds`` (what a client is charged)."""
    exc.seconds = time.monotonic() - started  # type: ignore[attr-defined]
    return exc


class QueryPool:
    """A fixed number of query workers over one build (or, without a build, workers that only
    check queries, for a remote store).

    Args:
        nquads: the build's N-Quads file, or its on-disk store (None: check-only workers).
        size: the number of workers (the bound on concurrent queries).
        timeout: the wall-clock budget of one query, check included, in seconds.
        max_rows: the most rows (or triples) a result carries.
        wait: how long a request waits for a free worker.
        max_bytes: about the most bytes a result carries.
    """

    def __init__(self, nquads: Path | None, size: int = 2, timeout: float = 10.0,
                 max_rows: int = 10_000, wait: float = 5.0, max_bytes: int = 16 * 1024 * 1024) -> None:
        # the build's on-disk store, made here once (not by each worker), opened read-only by each
        location: Path | None = None
        if nquads is not None:
            from plankg.graph.store import persistent_store

            location = nquads if nquads.is_dir() else (persistent_store(nquads) or nquads)
        self.nquads = str(location) if location is not None else None
        self.timeout = timeout
        self.max_rows = max_rows
        self.max_bytes = max_bytes
        self.wait = wait
        self.sandboxed = True
        self._context = _context()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []
        if nquads is not None and size < 1:
            raise WorkerStartError(f"{size} query workers: the SPARQL endpoint needs at least one")
        # started side by side: each spends most of its start importing and opening the store
        threads = [threading.Thread(target=self._add, name="plankg-worker-start") for _ in range(size)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if size > 0 and not self._all:
            raise WorkerStartError(f"none of the {size} query workers started")

    def _add(self) -> bool:
        """Start one worker and make it available; False (and a logged error) when it fails."""
        try:
            worker = _Worker(self._context, self.nquads)
        except Exception:
            logger.exception("a query worker did not start; the pool has %d", len(self._all))
            return False
        with self._lock:
            if self._closed:
                worker.kill()
                return False
            self._all.add(worker)
            self.sandboxed = self.sandboxed and bool(worker.sandboxed)
        self._free(worker)
        return True

    def _free(self, worker: _Worker) -> None:
        """Make a worker available again, and wake the requests waiting on an event loop."""
        self._idle.put(worker)
        with self._lock:
            waiters, self._waiters = self._waiters, []
        for loop, event in waiters:
            with contextlib.suppress(RuntimeError):  # that loop is closed: nobody waits
                loop.call_soon_threadsafe(event.set)

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
        threading.Thread(target=self._add, daemon=True).start()

    def run(self, request: QueryRequest) -> QueryResult:
        """Check and run a query in a worker, within the budget.

        Raises:
            QueryRejected: the guard refused it (QueryTooLarge, NoAcceptableFormat among them).
            QueryBusy: no worker was free within ``wait`` seconds.
            QueryTimeout: the check and run took longer than ``timeout``; the worker was killed.
            QueryFailed: the engine failed the query.
        """
        request = _slim(prepare(request)[0])  # refused here, before a worker is taken
        try:
            worker = self._idle.get(timeout=self.wait)
        except queue.Empty:
            raise QueryBusy(f"all {len(self._all)} query workers are busy; try again") from None
        started = time.monotonic()
        try:
            worker.conn.send((request, self.max_rows, self.max_bytes))
            if not worker.conn.poll(self.timeout):
                self._replace(worker)
                raise _timed(QueryTimeout(f"the query ran longer than {self.timeout:g} s and was stopped"), started)
            status, payload = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            raise _timed(QueryFailed("the query worker died; the query was not answered"), started) from None
        except QueryTimeout:
            raise
        self._free(worker)
        return self._outcome(status, payload, started)

    @staticmethod
    def _outcome(status: str, payload: Any, started: float) -> QueryResult:
        if status == "refused":
            raise _timed(payload, started)
        if status == "error":
            raise _timed(QueryFailed(str(payload)), started)
        result: QueryResult = payload
        return dataclasses.replace(result, seconds=time.monotonic() - started)

    async def _take(self) -> _Worker:
        """A free worker, waited for on the event loop (no thread held) up to ``wait`` seconds."""
        deadline = time.monotonic() + self.wait
        loop = asyncio.get_running_loop()
        while True:
            try:
                return self._idle.get_nowait()
            except queue.Empty:
                pass
            event = asyncio.Event()
            with self._lock:
                self._waiters.append((loop, event))
            try:  # a worker freed between the look and the registration is seen again at once
                return self._idle.get_nowait()
            except queue.Empty:
                pass
            remaining = deadline - time.monotonic()
            try:
                if remaining <= 0:
                    raise TimeoutError
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                raise QueryBusy(f"all {len(self._all)} query workers are busy; try again") from None

    async def arun(self, request: QueryRequest) -> QueryResult:
        """:meth:`run` for an event loop: the wait for a worker and for its answer hold no
        thread (the loop watches the worker's pipe), so a query costs no thread hand-off. A
        request cancelled while its query runs (the client went away) has its worker replaced,
        as a query over its budget does. Raises what :meth:`run` raises."""
        request = _slim(prepare(request)[0])
        worker = await self._take()
        started = time.monotonic()
        try:
            status, payload = await self._exchange(worker, request)
        except QueryTimeout:
            self._replace(worker)
            raise _timed(QueryTimeout(f"the query ran longer than {self.timeout:g} s and was stopped"),
                         started) from None
        except (EOFError, OSError):
            self._replace(worker)
            raise _timed(QueryFailed("the query worker died; the query was not answered"), started) from None
        except BaseException:  # cancelled: the worker may still be running the query
            self._replace(worker)
            raise
        self._free(worker)
        return self._outcome(status, payload, started)

    async def _exchange(self, worker: _Worker, request: QueryRequest) -> tuple[str, Any]:
        """Send a request to a worker and wait, on the event loop, for its answer (QueryTimeout
        past the budget)."""
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()
        fd = worker.conn.fileno()
        worker.conn.send((request, self.max_rows, self.max_bytes))

        def readable() -> None:
            if not ready.done():
                ready.set_result(None)

        loop.add_reader(fd, readable)
        try:
            await asyncio.wait_for(ready, self.timeout)
        except TimeoutError:
            raise QueryTimeout("over the budget") from None
        finally:
            loop.remove_reader(fd)
            os.set_blocking(fd, True)  # libuv's (uvloop's) watch makes the socket non-blocking
        answer: tuple[str, Any] = worker.conn.recv()
        return answer

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
