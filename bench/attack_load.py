"""Load with one hostile client: 32 light clients on the mixed API (each from its own loopback
address, 127.0.0.2 …) while one hostile client (127.0.0.66, several connections at once) loops
the worst it can send under the size cap: a cartesian product, a 90 KB ``1+1+…`` that takes the
checker minutes, a query doubling a string to the result cap whose answers it never reads
(it keeps those connections open), nested groups, and 400 MiB uploads. With ``--unread 16
--uploads 8``, beside them 16 other clients (127.0.1.x) ask for the largest answer and never
read it, and 8 (127.0.2.x) send 400 MiB bodies (the memory scenario). Prints p50/p99 of the light requests, their errors (any status but 200), what
the others got, and the memory of the server with its query workers; exits 1 on any light
error, a light p99 over 1 s, or more than 1 GiB of server memory.

Usage: ``python bench/attack_load.py [--build build] [--seconds 60] [--clients 32] [--hostile 6]
[--unread 0] [--uploads 0]``
(it starts ``plankg serve`` on a free port and stops it afterwards).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from plankg_bench.loadtest import MIX, free_port, read_response, rss_kib, wait_for_port

HOSTILE_ADDRESS = "127.0.0.66"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SLOW_TO_CHECK = "SELECT (" + "+".join(["1"] * 45_000) + " AS ?x) WHERE { }"  # 90 KB
DOUBLING = ("SELECT ?x WHERE { ?s a <https://w3id.org/plankg/def#Task> . BIND(STR(?s) AS ?x0) "
            + " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(14)) + " BIND(?x14 AS ?x) }")
NESTED = "SELECT * WHERE " + "{" * 180 + " ?s ?p ?o " + "}" * 180


def tree_rss_kib(pid: int) -> int:
    """The resident memory of a process and its children (the query workers), in KiB."""
    total = rss_kib(pid)
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return total + sum(tree_rss_kib(int(child)) for child in children)


async def light(host: str, port: int, source: str, until: float, rng: random.Random,
                latencies: dict[str, list[float]], errors: list[str]) -> None:
    kinds = [(kind, path) for kind, path, weight in MIX for _ in range(weight)]
    reader, writer = await asyncio.open_connection(host, port, local_addr=(source, 0))
    try:
        while time.monotonic() < until:
            kind, path = rng.choice(kinds)
            start = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: */*\r\n\r\n".encode())
            try:
                status = await asyncio.wait_for(read_response(reader), 30)
            except (ConnectionError, asyncio.IncompleteReadError, TimeoutError) as exc:
                errors.append(f"{path}: {type(exc).__name__} {exc}")
                writer.close()
                reader, writer = await asyncio.open_connection(host, port, local_addr=(source, 0))
                continue
            latencies.setdefault(kind, []).append((time.perf_counter() - start) * 1000)
            if status != 200:
                errors.append(f"{path}: HTTP {status}")
    finally:
        writer.close()


async def hostile(host: str, port: int, until: float, rng: random.Random, got: collections.Counter[str],
                  unread: list[asyncio.StreamWriter]) -> None:
    """One connection of the hostile client: loops the attacks, never reads a large answer."""
    while time.monotonic() < until:
        attack = rng.choice(["heavy", "slow", "unread", "nested", "upload"])
        try:
            reader, writer = await asyncio.open_connection(host, port, local_addr=(HOSTILE_ADDRESS, 0))
        except OSError as exc:
            got[f"connect {type(exc).__name__}"] += 1
            await asyncio.sleep(0.1)
            continue
        if attack == "upload":
            writer.write(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                         b"Content-Length: 419430400\r\n\r\n" + b"#" * 65536)
        elif attack in ("slow", "nested"):
            body = urllib.parse.urlencode({"query": SLOW_TO_CHECK if attack == "slow" else NESTED}).encode()
            writer.write(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                         b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        else:
            query = urllib.parse.quote(HEAVY if attack == "heavy" else DOUBLING)
            writer.write(f"GET /sparql?query={query} HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n\r\n".encode())
        if attack == "unread":
            got["unread (not read)"] += 1
            unread.append(writer)  # keep it open, read nothing
            if len(unread) > 16:
                unread.pop(0).close()
            await asyncio.sleep(0.5)
            continue
        try:
            status = await asyncio.wait_for(reader.readline(), max(1.0, until - time.monotonic() + 12))
            got[f"{attack} {status.split()[1].decode() if status else 'closed'}"] += 1
        except (OSError, TimeoutError, IndexError) as exc:
            got[f"{attack} {type(exc).__name__}"] += 1
        writer.close()


async def unread_client(host: str, port: int, source: str, until: float, got: collections.Counter[str],
                        send_timeout: float = 30.0) -> None:
    """A client that asks for the largest answer and never reads it (one connection at a time
    open; a new one when the server gives up on the last)."""
    query = urllib.parse.quote(DOUBLING)
    while time.monotonic() < until:
        _, writer = await asyncio.open_connection(host, port, local_addr=(source, 0))
        writer.write(f"GET /sparql?query={query} HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n\r\n".encode())
        got["unread sent"] += 1
        # read nothing (what the socket receives stays in its buffers) until the server's send
        # timeout has closed the connection, then ask again
        await asyncio.sleep(max(0.0, min(send_timeout + 5, until - time.monotonic())))
        writer.close()


async def uploader(host: str, port: int, source: str, until: float, got: collections.Counter[str]) -> None:
    """Sends 400 MiB bodies (declared by Content-Length), 1 MiB at a time, until refused."""
    chunk = b"#" * (1024 * 1024)
    while time.monotonic() < until:
        reader, writer = await asyncio.open_connection(host, port, local_addr=(source, 0))
        writer.write(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 419430400\r\n\r\n")
        sent = 0
        try:
            while sent < 400 and time.monotonic() < until:
                writer.write(chunk)
                await asyncio.wait_for(writer.drain(), 5)
                sent += 1
        except (OSError, TimeoutError):
            pass
        try:
            status = await asyncio.wait_for(reader.readline(), 5)
            got[f"upload 400 MiB: {status.split()[1].decode() if status else 'closed'}"] += 1
        except (OSError, TimeoutError):
            got["upload 400 MiB: connection closed"] += 1
        got[f"upload 400 MiB: {'all sent' if sent >= 400 else 'cut off'}"] += 1
        writer.close()
        await asyncio.sleep(0.2)


async def run(host: str, port: int, seconds: float, clients: int, connections: int, pid: int,
              sample: float, unread_clients: int = 0, uploads: int = 0) -> dict[str, object]:
    latencies: dict[str, list[float]] = {}
    errors: list[str] = []
    got: collections.Counter[str] = collections.Counter()
    unread: list[asyncio.StreamWriter] = []
    memory: list[tuple[float, int]] = []
    started = time.monotonic()
    until = started + seconds

    async def sampler() -> None:
        while time.monotonic() < until:
            memory.append((round(time.monotonic() - started, 1), tree_rss_kib(pid)))
            await asyncio.sleep(min(sample, max(0.0, until - time.monotonic())))
        memory.append((round(time.monotonic() - started, 1), tree_rss_kib(pid)))

    await asyncio.gather(
        sampler(),
        *(light(host, port, f"127.0.0.{2 + k}", until, random.Random(k), latencies, errors) for k in range(clients)),
        *(hostile(host, port, until, random.Random(1000 + k), got, unread) for k in range(connections)),
        *(unread_client(host, port, f"127.0.1.{2 + k}", until, got) for k in range(unread_clients)),
        *(uploader(host, port, f"127.0.2.{2 + k}", until, got) for k in range(uploads)))
    for writer in unread:
        writer.close()
    every = sorted(x for values in latencies.values() for x in values)

    def figures(values: list[float]) -> dict[str, float]:
        values = sorted(values)
        return {"requests": len(values), "p50_ms": statistics.median(values) if values else 0.0,
                "p99_ms": values[min(len(values) - 1, int(len(values) * 0.99))] if values else 0.0}

    return {"seconds": time.monotonic() - started, "errors": errors, "all": figures(every),
            "by_kind": {kind: figures(values) for kind, values in sorted(latencies.items())},
            "hostile": dict(sorted(got.items())), "memory_kib": memory}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", type=Path, default=Path("build"))
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--hostile", type=int, default=6, help="connections of the hostile client")
    parser.add_argument("--sample", type=float, default=5, help="seconds between two memory samples")
    parser.add_argument("--unread", type=int, default=0,
                        help="other clients asking for the largest answer and never reading it")
    parser.add_argument("--uploads", type=int, default=0, help="clients sending 400 MiB bodies at once")
    args = parser.parse_args(argv)
    if not (args.build / "plankg.nq").exists():
        subprocess.run([sys.executable, "-m", "plankg.api.cli", "build", "--out", str(args.build), "--quiet"],
                       check=True)
    port = free_port()
    env = {**os.environ, "PLANKG_BUILD_DIR": str(args.build.resolve()), "PLANKG_RELOAD_INTERVAL": "0"}
    server = subprocess.Popen([sys.executable, "-m", "plankg.api.cli", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, 300, server)
        result = asyncio.run(run("127.0.0.1", port, args.seconds, args.clients, args.hostile, server.pid,
                                 args.sample, args.unread, args.uploads))
    except RuntimeError as exc:
        print(f"attack load: {exc}", file=sys.stderr)
        return 2
    finally:
        server.kill()
        server.wait(10)
    errors = result["errors"]
    assert isinstance(errors, list)
    every = result["all"]
    assert isinstance(every, dict)
    print(f"attack load: {args.clients} light clients + 1 hostile ({args.hostile} connections), "
          f"{result['seconds']:.0f} s, loopback; {every['requests']} light requests, {len(errors)} errors")
    print(f"  {'request':<16}{'count':>8}{'p50 ms':>10}{'p99 ms':>10}")
    by_kind = result["by_kind"]
    assert isinstance(by_kind, dict)
    for kind, figure in {"all light": every, **by_kind}.items():
        print(f"  {kind:<16}{figure['requests']:>8}{figure['p50_ms']:>10.1f}{figure['p99_ms']:>10.1f}")
    print("  hostile got: " + ", ".join(f"{k}: {v}" for k, v in result["hostile"].items()))  # type: ignore[attr-defined]
    samples = result["memory_kib"]
    assert isinstance(samples, list)
    print("  server + workers memory (MiB): " + ", ".join(f"{t:.0f}s {kib / 1024:.0f}" for t, kib in samples))
    for error in errors[:10]:
        print(f"  error: {error}")
    peak = max(kib for _, kib in samples) / 1024
    print(f"  peak server + workers memory: {peak:.0f} MiB")
    return 1 if errors or every["p99_ms"] > 1000 or peak > 1024 else 0


if __name__ == "__main__":
    sys.exit(main())
