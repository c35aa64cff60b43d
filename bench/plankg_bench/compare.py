"""plankg's ``/sparql`` side by side with other SPARQL servers holding the same build, in one
interleaved run: request by request (each round sends every query to every system in turn, so
a noisy neighbour on a shared machine slows them all alike), and a concurrent load of the same
queries per system in alternating phases. Prints medians and each system's ratio to Oxigraph's
server; never fails on a time.

Systems are named endpoints (``name=URL``, a SPARQL 1.1 query URL). plankg and Oxigraph's own
server are started by :mod:`plankg_bench.service`; any other server (Virtuoso, …) is added with
``--endpoint NAME=URL`` — the hook for stores run elsewhere; parameters in the URL (e.g.
``?default-graph-uri=…``, a store's dataset) are sent with every query. Virtuoso, when
installed, is started and loaded by :mod:`plankg_bench.service` itself
(:mod:`plankg_bench.virtuoso`).

Two figures per plankg query: *warm*, the same text repeated (what a public endpoint sees for
its example queries; answered from the server's answer cache), and *cold*, each request's text
made unique by a trailing comment (``# n``), so no cache answers; the other systems are sent
the same texts.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import statistics
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any

__all__ = ["Endpoint", "interleaved", "load_phases", "print_comparison", "row_counts"]

FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}


@dataclass
class Endpoint:
    """A SPARQL endpoint: its name and query URL, and one keep-alive connection to it."""

    name: str
    url: str
    connection: http.client.HTTPConnection | None = None
    last_answer: bytes = b""

    def form(self, query: str) -> bytes:
        """The POST body: the query and the URL's own parameters (e.g. ``default-graph-uri``:
        a store's dataset, given in the endpoint's URL, goes with every query)."""
        params = urllib.parse.parse_qsl(urllib.parse.urlsplit(self.url).query)
        return urllib.parse.urlencode([("query", query), *params]).encode()

    @property
    def parts(self) -> tuple[str, int, str]:
        parsed = urllib.parse.urlsplit(self.url)
        return parsed.hostname or "127.0.0.1", parsed.port or 80, parsed.path or "/"

    def post(self, query: str) -> float:
        """Send one query (POST form, keep-alive); the milliseconds to the whole answer.

        Raises:
            RuntimeError: the answer was not 200.
        """
        host, port, path = self.parts
        body = self.form(query)
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(host, port, timeout=120)
            started = time.perf_counter()
            try:
                self.connection.request("POST", path, body, FORM)
                response = self.connection.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException):
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
                continue
            elapsed = (time.perf_counter() - started) * 1000
            if response.status != 200:
                raise RuntimeError(f"{self.name}: HTTP {response.status}: {data[:200]!r}")
            self.last_answer = data
            return elapsed
        raise RuntimeError(f"{self.name}: no answer")


def row_counts(endpoints: list[Endpoint], queries: dict[str, str]) -> dict[str, dict[str, int]]:
    """Per query, per system: the rows of its answer (the systems must agree, or the times
    compare different work: e.g. a store whose default graph is the union of all graphs)."""
    out: dict[str, dict[str, int]] = {}
    for name, query in queries.items():
        for endpoint in endpoints:
            endpoint.post(query)
            out.setdefault(name, {})[endpoint.name] = len(json.loads(endpoint.last_answer)["results"]["bindings"])
    return out


def _cold(query: str, n: int) -> str:
    return f"{query}\n# {n}"


def interleaved(endpoints: list[Endpoint], queries: dict[str, str], rounds: int) -> dict[str, dict[str, Any]]:
    """Per query, per system: median and p99 ms of ``rounds`` requests, warm and cold,
    sent round by round to each system in turn (one warm-up request each first)."""
    samples: dict[tuple[str, str, str], list[float]] = {}
    for endpoint in endpoints:
        for query in queries.values():
            endpoint.post(query)
    for n in range(rounds):
        for name, query in queries.items():
            for mode, text in (("warm", query), ("cold", _cold(query, n))):
                for endpoint in endpoints:
                    samples.setdefault((name, mode, endpoint.name), []).append(endpoint.post(text))
    out: dict[str, dict[str, Any]] = {}
    for (name, mode, system), values in samples.items():
        values.sort()
        out.setdefault(name, {}).setdefault(mode, {})[system] = {
            "median_ms": statistics.median(values), "p99_ms": values[min(len(values) - 1, int(len(values) * 0.99))]}
    return out


async def _client(endpoint: Endpoint, queries: list[str], until: float, offset: int, vary: bool,
                  counts: list[int], errors: list[str], source: str) -> None:
    host, port, path = endpoint.parts
    reader, writer = await asyncio.open_connection(host, port, local_addr=(source, 0))
    n = offset
    try:
        while time.monotonic() < until:
            query = queries[n % len(queries)]
            body = endpoint.form(_cold(query, n) if vary else query)
            n += 1
            writer.write(f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {FORM['Content-Type']}\r\n"
                         f"Accept: {FORM['Accept']}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
            from plankg_bench.loadtest import read_response

            try:
                status = await read_response(reader)
            except (ConnectionError, asyncio.IncompleteReadError) as exc:
                errors.append(str(exc))
                writer.close()
                reader, writer = await asyncio.open_connection(host, port, local_addr=(source, 0))
                continue
            counts[0] += 1
            if status != 200:
                errors.append(f"HTTP {status}")
    finally:
        writer.close()


async def _load(endpoint: Endpoint, queries: list[str], clients: int, seconds: float, vary: bool,
                distinct: bool) -> dict[str, Any]:
    counts: list[int] = [0]
    errors: list[str] = []
    started = time.monotonic()
    await asyncio.gather(*(_client(endpoint, queries, started + seconds, k * 100_003, vary, counts, errors,
                                   f"127.0.0.{k + 2}" if distinct else "127.0.0.1") for k in range(clients)))
    elapsed = time.monotonic() - started
    return {"req_per_s": counts[0] / elapsed, "requests": counts[0], "errors": len(errors),
            "error_samples": errors[:5]}


def load_phases(endpoints: list[Endpoint], queries: dict[str, str], clients: int = 32, seconds: float = 5.0,
                phases: int = 3, distinct: bool = True) -> dict[str, dict[str, Any]]:
    """``clients`` concurrent keep-alive clients sending the queries in turn to one system for
    ``seconds``, system after system, ``phases`` times; per mode (warm, cold) and system the
    median req/s of its phases and its errors. ``distinct``: each client from its own loopback
    address (127.0.0.k), as separate users are (the per-client limits apply per address)."""
    texts = list(queries.values())
    runs: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for _ in range(phases):
        for mode in ("warm", "cold"):
            for endpoint in endpoints:
                runs.setdefault((mode, endpoint.name), []).append(
                    asyncio.run(_load(endpoint, texts, clients, seconds, mode == "cold", distinct)))
    out: dict[str, dict[str, Any]] = {}
    for (mode, system), results in runs.items():
        out.setdefault(mode, {})[system] = {
            "req_per_s": statistics.median(r["req_per_s"] for r in results),
            "errors": sum(r["errors"] for r in results),
            "error_samples": [s for r in results for s in r["error_samples"]][:5]}
    return out


def print_comparison(latency: dict[str, dict[str, Any]], load: dict[str, dict[str, Any]] | None,
                     systems: list[str], reference: str = "oxigraph") -> None:
    """The table: per query and mode, each system's median (ms) and its ratio to ``reference``."""
    print(f"{'query':<16}{'mode':<6}" + "".join(f"{s:>22}" for s in systems))
    for name, modes in latency.items():
        for mode, figures in modes.items():
            base = figures.get(reference, {}).get("median_ms")
            cells = ""
            for system in systems:
                median = figures.get(system, {}).get("median_ms")
                ratio = f" ({median / base:.2f}x)" if median is not None and base else ""
                cell = (f"{median:.2f} ms" if median is not None else "-") + ratio
                cells += f"{cell:>22}"
            print(f"{name:<16}{mode:<6}{cells}")
    if not load:
        return
    for mode, figures in load.items():
        base = figures.get(reference, {}).get("req_per_s")
        cells = ""
        for system in systems:
            entry = figures.get(system)
            if entry is None:
                cells += f"{'-':>22}"
                continue
            ratio = f" ({entry['req_per_s'] / base:.2f}x)" if base else ""
            cell = f"{entry['req_per_s']:.0f}/s, {entry['errors']} err{ratio}"
            cells += f"{cell:>22}"
        print(f"{'load (clients)':<16}{mode:<6}{cells}")
