"""Load test of the service: N concurrent keep-alive clients on the mixed API for a bounded time,
loopback only. Prints requests/s, p50/p99 latency per kind of request and the server's memory
over time; exits 1 if any request failed (a wrong status or a dropped connection), never on a
time. ``--seconds 600`` is the soak run (memory sampled every ``--sample`` seconds).

Usage: ``python bench/load.py [--build build] [--seconds 60] [--clients 32] [--url URL] [--one-address]``
(``plankg-bench load`` and ``bench/load.py`` run this module; ``plankg-bench run`` uses :func:`run_load`)
(without ``--url`` it starts ``plankg serve`` on a free port and stops it afterwards).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

SPARQL = "SELECT ?plan (COUNT(?t) AS ?n) WHERE { ?t a pk:Task ; pk:inPlan ?plan } GROUP BY ?plan"
#: the mix: (kind, path, weight)
MIX = [
    ("agency", "/agencies/sz-amr", 3),
    ("agency", "/agencies/sz-tax", 2),
    ("agency by name", "/agencies?name=" + urllib.parse.quote("市场监管"), 2),
    ("task", "/tasks/sz-keytasks-2023/89", 3),
    ("task", "/tasks/sz-market-2024/3", 2),
    ("plans", "/plans", 1),
    ("search", "/search?q=" + urllib.parse.quote("公平竞争"), 1),
    ("sparql", "/sparql?query=" + urllib.parse.quote(SPARQL), 1),
    ("page", "/id/agency/sz-amr", 1),
]


def rss_kib(pid: int) -> int:
    """The proportional memory (PSS: shared pages divided among the processes sharing them) of
    a process and all its descendants (the server, its fork server and query workers), in KiB
    (0 when unknown)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
            pending.extend(int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split())
        except OSError:
            continue
    return total


async def read_response(reader: asyncio.StreamReader) -> int:
    """Read one HTTP/1.1 response (Content-Length or chunked body); its status."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("connection closed")
    status = int(status_line.split()[1])
    length, chunked = 0, False
    while True:
        header = await reader.readline()
        if header in (b"\r\n", b"\n", b""):
            break
        name, _, value = header.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
        elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(length)
    return status


def mix_for(plan_suffix: str = "") -> list[tuple[str, str, int]]:
    """The mix, for a corpus whose plan slugs end in ``plan_suffix`` (``-s001`` in a synthetic one)."""
    return [(kind, path.replace("sz-keytasks-2023/", f"sz-keytasks-2023{plan_suffix}/")
             .replace("sz-market-2024/", f"sz-market-2024{plan_suffix}/"), weight) for kind, path, weight in MIX]


async def client(host: str, port: int, until: float, rng: random.Random,
                 latencies: dict[str, list[float]], errors: list[str],
                 mix: list[tuple[str, str, int]] | None = None, source: str | None = None) -> None:
    kinds = [(kind, path) for kind, path, weight in (mix or MIX) for _ in range(weight)]
    local = (source, 0) if source else None
    reader, writer = await asyncio.open_connection(host, port, local_addr=local)
    try:
        while time.monotonic() < until:
            kind, path = rng.choice(kinds)
            start = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: */*\r\n\r\n".encode())
            try:
                status = await read_response(reader)
            except (ConnectionError, asyncio.IncompleteReadError) as exc:
                errors.append(f"{path}: {exc}")
                writer.close()
                reader, writer = await asyncio.open_connection(host, port, local_addr=local)
                continue
            latencies.setdefault(kind, []).append((time.perf_counter() - start) * 1000)
            if status != 200:
                errors.append(f"{path}: HTTP {status}")
    finally:
        writer.close()


async def run_load(host: str, port: int, seconds: float, clients: int, pid: int | None,
                   sample: float, mix: list[tuple[str, str, int]] | None = None,
                   distinct: bool = False) -> dict[str, Any]:
    """The load; ``distinct``: each client from its own loopback address (127.0.0.k), as
    separate users are (the service's per-client limits count per address; from one address
    the 32 clients are one client to them)."""
    latencies: dict[str, list[float]] = {}
    errors: list[str] = []
    memory: list[tuple[float, int]] = []
    started = time.monotonic()
    until = started + seconds

    async def sampler() -> None:
        while time.monotonic() < until:
            if pid:
                memory.append((round(time.monotonic() - started, 1), rss_kib(pid)))
            await asyncio.sleep(min(sample, max(0.0, until - time.monotonic())))
        if pid:
            memory.append((round(time.monotonic() - started, 1), rss_kib(pid)))

    distinct = distinct and host.startswith("127.")
    await asyncio.gather(sampler(), *(client(host, port, until, random.Random(k), latencies, errors, mix,
                                             f"127.0.{k // 250}.{k % 250 + 2}" if distinct else None)
                                      for k in range(clients)))
    elapsed = time.monotonic() - started
    every = sorted(x for values in latencies.values() for x in values)

    def figures(values: list[float]) -> dict[str, float]:
        values = sorted(values)
        return {"requests": len(values), "p50_ms": statistics.median(values),
                "p99_ms": values[min(len(values) - 1, int(len(values) * 0.99))]}

    return {"seconds": elapsed, "clients": clients, "requests": len(every), "errors": len(errors),
            "error_samples": errors[:10], "req_per_s": len(every) / elapsed, "all": figures(every),
            "by_kind": {kind: figures(values) for kind, values in sorted(latencies.items())},
            "memory_kib": memory}


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, seconds: float = 60, process: subprocess.Popen[bytes] | None = None) -> None:
    """Return once something listens on 127.0.0.1:``port``.

    Raises:
        RuntimeError: nothing listens within ``seconds``, or ``process`` exited first.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as attempt:
            if attempt.connect_ex(("127.0.0.1", port)) == 0:
                return
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before listening on {port}")
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {seconds:g} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", type=Path, default=Path("build"))
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--sample", type=float, default=10, help="seconds between two memory samples")
    parser.add_argument("--url", help="an already running service (default: start one)")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    parser.add_argument("--plan-suffix", default="", help="the plan slugs' suffix (-s001 in a synthetic corpus)")
    parser.add_argument("--one-address", action="store_true",
                        help="every client from 127.0.0.1 (one client to the per-client limits); default: "
                             "each from its own loopback address")
    args = parser.parse_args(argv)
    server = None
    if args.url:
        parsed = urllib.parse.urlparse(args.url)
        host, port, pid = parsed.hostname or "127.0.0.1", parsed.port or 80, None
    else:
        if not (args.build / "plankg.nq").exists():
            subprocess.run([sys.executable, "-m", "plankg.api.cli", "build", "--out", str(args.build), "--quiet"],
                           check=True)
        host, port = "127.0.0.1", free_port()
        env = {**os.environ, "PLANKG_BUILD_DIR": str(args.build.resolve())}
        server = subprocess.Popen([sys.executable, "-m", "plankg.api.cli", "serve", "--port", str(port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pid = server.pid
        try:
            wait_for_port(port, 300, server)  # a large build takes a while to load
        except RuntimeError as exc:
            print(f"load test: {exc}", file=sys.stderr)
            server.kill()
            return 2
    try:
        result = asyncio.run(run_load(host, port, args.seconds, args.clients, pid, args.sample,
                                      mix_for(args.plan_suffix), not args.one_address))
    finally:
        if server is not None:
            server.kill()
            server.wait(10)
    print(f"load test: {args.clients} clients ({'one address' if args.one_address else 'one address each'}), "
          f"{result['seconds']:.0f} s, loopback; "
          f"{result['requests']} requests, {result['req_per_s']:.0f} req/s, {result['errors']} errors")
    print(f"  {'request':<16}{'count':>8}{'p50 ms':>10}{'p99 ms':>10}")
    for kind, figure in {"all": result["all"], **result["by_kind"]}.items():
        print(f"  {kind:<16}{figure['requests']:>8}{figure['p50_ms']:>10.1f}{figure['p99_ms']:>10.1f}")
    if result["memory_kib"]:
        samples = result["memory_kib"]
        print("  service memory, PSS of server and workers (MiB): " + ", ".join(f"{t:.0f}s {kib / 1024:.0f}" for t, kib in samples))
    for sample in result["error_samples"]:
        print(f"  error: {sample}")
    if args.out:
        args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
