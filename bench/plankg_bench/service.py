"""Benchmark of the service over HTTP on loopback, side by side with Oxigraph's own server
holding the same build and, where ``virtuoso-t`` is installed, Virtuoso Open Source loaded with
it by ``plankg publish`` (``--virtuoso``/``--no-virtuoso``; default: when installed), and any
other SPARQL server given with ``--endpoint name=URL`` (the hook for stores run elsewhere), in
one interleaved run
(:mod:`plankg_bench.compare`): the five benchmark queries request by request, warm (the same
text again) and cold (each text unique), with each system's ratio to Oxigraph's server; then
a 32-client load of the same queries, system after system in alternating phases. Then plankg's
agency lookup and web pages (HTML; the target is 100 ms a page). Prints tables and writes
``BUILD/bench-service.json``; never fails on a time. Every server is started here on
127.0.0.1 and stopped.

``--start N`` instead measures N times, from ``plankg serve`` to its first SPARQL answer, the
start of the service on the build (the first start of a build without a prepared store also
makes it) and the memory of the server and its query workers, resident (RSS, which counts
pages shared between processes once per process) and proportional (PSS, shared pages divided
among the processes sharing them: the machine's real cost).

Usage: ``plankg-bench compare [--build build] [--rounds 100] [--clients 32] [--seconds 5]
[--no-virtuoso] [--endpoint NAME=URL] [--start 3]``
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from plankg_bench.compare import Endpoint, interleaved, load_phases, print_comparison, row_counts
from plankg_bench.harness import QUERIES, time_requests
from plankg_bench.loadtest import free_port
from plankg_bench.loadtest import wait_for_port as wait_for
from plankg_bench.virtuoso import publish as publish_to_virtuoso
from plankg_bench.virtuoso import virtuoso_binary, virtuoso_server

PAGES = {
    "page: home": "/",
    "page: plan (200)": "/id/plan/sz-pilot-batch1",
    "page: task": "/id/plan/sz-keytasks-2023/task/89",
    "page: agency": "/id/agency/sz-amr",
    "page: indicator": "/id/indicator/hightech-fdi",
    "page: search": "/find?q=%E5%85%AC%E5%B9%B3%E7%AB%9E%E4%BA%89",
}


def _tree(pid: int) -> list[int]:
    """A process and its descendants (Linux /proc)."""
    out, pending = [], [pid]
    while pending:
        current = pending.pop()
        out.append(current)
        try:
            with open(f"/proc/{current}/task/{current}/children", encoding="ascii") as children:
                pending.extend(int(child) for child in children.read().split())
        except OSError:
            continue
    return out


def memory_mib(pid: int) -> tuple[float, float]:
    """Resident (RSS) and proportional (PSS) memory of a process and its descendants, in MiB."""
    rss = pss = 0.0
    for current in _tree(pid):
        try:
            with open(f"/proc/{current}/smaps_rollup", encoding="ascii") as rollup:
                for line in rollup:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1]) / 1024
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1]) / 1024
        except OSError:
            continue
    return rss, pss


def start_to_first_answer(build: Path, workers: int = 2) -> tuple[float, float, float]:
    """Seconds from spawning ``plankg serve`` to its first 200 on /sparql, and the MiB resident
    (RSS, PSS) in the server and its workers then."""
    port = free_port()
    env = {**os.environ, "PLANKG_BUILD_DIR": str(build.resolve()), "PLANKG_QUERY_WORKERS": str(workers),
           "PLANKG_RELOAD_INTERVAL": "0"}
    url = f"http://127.0.0.1:{port}/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "plankg.api.cli", "serve", "--port", str(port)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError("plankg serve exited")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.02)
        seconds = time.perf_counter() - started
        return (seconds, *memory_mib(process.pid))
    finally:
        process.terminate()
        process.wait(10)


def _serve_plankg(build: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "PLANKG_BUILD_DIR": str(build.resolve()), "PLANKG_QUERY_WORKERS": str(workers),
           "PLANKG_RELOAD_INTERVAL": "0"}
    process = subprocess.Popen([sys.executable, "-m", "plankg.api.cli", "serve", "--port", str(port)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(port, 300, process)
    return process, f"http://127.0.0.1:{port}"


def _serve_oxigraph(nquads: Path, folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Oxigraph's own server, read-only, over the build's named graphs and their merge as the
    default graph (as plankg serves it)."""
    from plankg.api.sparql.remote import merged_ntriples

    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    subprocess.run([oxigraph, "load", "--location", str(folder / "db"), "--file", str(nquads), "--file",
                    str(merged_ntriples(nquads, folder / "merged.nt"))], check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen([oxigraph, "serve-read-only", "--location", str(folder / "db"),
                                "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(port)
    return process, f"http://127.0.0.1:{port}/query"


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.kill()
        process.wait(10)


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", type=Path, default=Path("build"))
    parser.add_argument("--rounds", type=int, default=100, help="requests per query, system and mode")
    parser.add_argument("--requests", type=int, default=100, help="requests per REST call and page")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds per load phase")
    parser.add_argument("--phases", type=int, default=3, help="load phases per system and mode")
    parser.add_argument("--workers", type=int, default=2, help="plankg's query workers")
    parser.add_argument("--endpoint", action="append", default=[], metavar="NAME=URL",
                        help="another SPARQL endpoint with the same build (e.g. virtuoso=…/sparql)")
    parser.add_argument("--virtuoso", action=argparse.BooleanOptionalAction, default=None,
                        help="start Virtuoso (virtuoso-t), load the build with plankg publish and compare it "
                             "too (default: when virtuoso-t is installed)")
    parser.add_argument("--no-pages", action="store_true", help="only the SPARQL comparison")
    parser.add_argument("--start", type=int, default=0, help="measure N starts instead")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    if args.start:
        for n in range(args.start):
            seconds, rss, pss = start_to_first_answer(args.build, args.workers)
            print(f"start {n + 1}: {seconds:.2f} s to the first SPARQL answer; memory (server + "
                  f"{args.workers} query workers) {rss:.0f} MiB RSS, {pss:.0f} MiB PSS")
        return 0
    nquads = (args.build / "plankg.nq").resolve()
    if not nquads.exists():
        subprocess.run([sys.executable, "-m", "plankg.api.cli", "build", "--out", str(args.build), "--quiet"],
                       check=True)
    use_virtuoso = virtuoso_binary() is not None if args.virtuoso is None else args.virtuoso
    processes: list[subprocess.Popen[bytes]] = []
    results: dict[str, object] = {}
    folder = Path(tempfile.mkdtemp(prefix="plankg-bench-"))
    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, folder, True)
        stack.callback(_stop, processes)
        plankg_process, plankg = _serve_plankg(args.build, args.workers)
        processes.append(plankg_process)
        oxigraph_process, oxigraph = _serve_oxigraph(nquads, folder)
        processes.append(oxigraph_process)
        endpoints = [Endpoint("plankg", f"{plankg}/sparql"), Endpoint("oxigraph", oxigraph)]
        watched = {"plankg": plankg_process.pid, "oxigraph": oxigraph_process.pid}
        if use_virtuoso:
            from plankg.api.sparql.remote import MERGED

            started = time.perf_counter()
            virtuoso = stack.enter_context(virtuoso_server(folder / "virtuoso", threads=max(10, args.clients)))
            publish_to_virtuoso(virtuoso, nquads)
            print(f"Virtuoso started and the build published to it in {time.perf_counter() - started:.1f} s")
            # its default graph is the union of every graph: query the merge, as plankg serve does
            dataset = urllib.parse.urlencode({"default-graph-uri": MERGED})
            endpoints.append(Endpoint("virtuoso", f"{virtuoso.base}/sparql?{dataset}"))
            watched["virtuoso"] = virtuoso.process.pid
        endpoints += [Endpoint(*spec.split("=", 1)) for spec in args.endpoint]
        results["rows"] = rows = row_counts(endpoints, QUERIES)
        for name, counts in rows.items():
            if len(set(counts.values())) > 1:
                print(f"warning: the systems' answers to {name!r} differ in rows: {counts}", file=sys.stderr)
        results["sparql"] = interleaved(endpoints, QUERIES, args.rounds)
        results["load"] = load_phases(endpoints, QUERIES, args.clients, args.seconds, args.phases)
        results["memory_mib"] = {name: memory_mib(pid) for name, pid in watched.items()}
        if not args.no_pages:
            rest = {"agency lookup": time_requests(f"{plankg}/agencies/sz-amr", args.requests)}
            for name, path in PAGES.items():
                rest[name] = time_requests(f"{plankg}{path}", args.requests, {"Accept": "text/html"})
            results["rest"] = rest
    print(f"SPARQL, one interleaved run: {args.rounds} requests per query, system and mode (keep-alive, "
          f"loopback), median ms and ratio to Oxigraph's server; load: {args.clients} clients, "
          f"{args.phases} phases of {args.seconds:g} s per system, median req/s and errors")
    print_comparison(results["sparql"], results["load"], [e.name for e in endpoints])  # type: ignore[arg-type]
    print("memory after the run (RSS, PSS MiB): " + ", ".join(
        f"{k} {v[0]:.0f}/{v[1]:.0f}" for k, v in results["memory_mib"].items()))  # type: ignore[attr-defined]
    for name, figure in results.get("rest", {}).items():  # type: ignore[attr-defined]
        print(f"{name:<18}{figure['median_ms']:>10.2f} ms median {figure['p99_ms']:>10.2f} ms p99")
    out = args.build / "bench-service.json"
    out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"figures written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
