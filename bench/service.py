"""Benchmark of the service over HTTP on loopback: the agency lookup, five representative
SPARQL queries and the web pages (HTML; the target is 100 ms a page), median and p99 latency and requests/s, side by side with the same queries sent
to an Oxigraph server holding the same build and (if installed) to rdflib-endpoint serving it.
Prints a table; never fails on a time. Every server is started here on 127.0.0.1 and stopped.

``--start N`` instead measures N times, from ``plankg serve`` to its first SPARQL answer, the
start of the service on the build (the first start of a build also makes its on-disk store) and
the resident memory of the server and its query workers; ``PLANKG_PERSISTENT_STORE=0`` gives the
older start that loads the N-Quads in every process.

Usage: ``python bench/service.py [--build build] [--requests 200] [--skip-rdflib] [--start 3]``
"""

from __future__ import annotations

import argparse
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

from plankg_bench.harness import QUERIES, time_requests
from plankg_bench.loadtest import free_port
from plankg_bench.loadtest import wait_for_port as wait_for

PAGES = {
    "page: home": "/",
    "page: plan (200)": "/id/plan/sz-pilot-batch1",
    "page: task": "/id/plan/sz-keytasks-2023/task/89",
    "page: agency": "/id/agency/sz-amr",
    "page: indicator": "/id/indicator/hightech-fdi",
    "page: search": "/find?q=%E5%85%AC%E5%B9%B3%E7%AB%9E%E4%BA%89",
}


def sparql(url: str, query: str, count: int) -> dict[str, float]:
    body = urllib.parse.urlencode({"query": query}).encode()
    return time_requests(url, count, {"Content-Type": "application/x-www-form-urlencoded",
                                      "Accept": "application/sparql-results+json"}, body)


def _rss_mib(pid: int) -> float:
    """Resident memory of a process and its children, in MiB (Linux /proc)."""
    total = 0.0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            with open(f"/proc/{current}/status", encoding="ascii") as status:
                total += next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024
            with open(f"/proc/{current}/task/{current}/children", encoding="ascii") as children:
                pids.extend(int(child) for child in children.read().split())
        except (OSError, StopIteration):
            continue
    return total


def start_to_first_answer(build: Path, workers: int = 2) -> tuple[float, float]:
    """Seconds from spawning ``plankg serve`` to its first 200 on /sparql, and the MiB resident
    in the server and its workers then."""
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
        return time.perf_counter() - started, _rss_mib(process.pid)
    finally:
        process.terminate()
        process.wait(10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build", type=Path, default=Path("build"))
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--skip-rdflib", action="store_true")
    parser.add_argument("--start", type=int, default=0, help="measure N starts instead")
    args = parser.parse_args(argv)
    if args.start:
        for n in range(args.start):
            seconds, mib = start_to_first_answer(args.build)
            print(f"start {n + 1}: {seconds:.2f} s to the first SPARQL answer, {mib:.0f} MiB resident "
                  f"(server + 2 query workers)")
        return 0
    nquads = (args.build / "plankg.nq").resolve()
    if not nquads.exists():
        subprocess.run([sys.executable, "-m", "plankg.api.cli", "build", "--out", str(args.build), "--quiet"],
                       check=True)
    bindir = Path(sys.executable).parent
    processes: list[subprocess.Popen[bytes]] = []
    results: dict[str, dict[str, dict[str, float]]] = {}
    try:
        port = free_port()
        env = {**os.environ, "PLANKG_BUILD_DIR": str(args.build.resolve()), "PLANKG_QUERY_WORKERS": "2"}
        processes.append(subprocess.Popen([sys.executable, "-m", "plankg.api.cli", "serve", "--port", str(port)],
                                          env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_for(port)
        plankg = f"http://127.0.0.1:{port}"
        results["plankg"] = {"agency lookup": time_requests(f"{plankg}/agencies/sz-amr", args.requests)}
        for name, query in QUERIES.items():
            results["plankg"][name] = sparql(f"{plankg}/sparql", query, args.requests)
        for name, path in PAGES.items():
            results["plankg"][name] = time_requests(f"{plankg}{path}", args.requests, {"Accept": "text/html"})

        from plankg.api.sparql.remote import merged_ntriples

        folder = Path(tempfile.mkdtemp(prefix="plankg-bench-"))
        oxigraph = shutil.which("oxigraph") or str(bindir / "oxigraph")
        subprocess.run([oxigraph, "load", "--location", str(folder / "db"), "--file", str(nquads), "--file",
                        str(merged_ntriples(nquads, folder / "merged.nt"))], check=True, capture_output=True)
        ox_port = free_port()
        processes.append(subprocess.Popen([oxigraph, "serve-read-only", "--location", str(folder / "db"),
                                           "--bind", f"127.0.0.1:{ox_port}"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_for(ox_port)
        results["oxigraph server"] = {name: sparql(f"http://127.0.0.1:{ox_port}/query", q, args.requests)
                                      for name, q in QUERIES.items()}

        if not args.skip_rdflib:
            try:
                import rdflib_endpoint  # noqa: F401
            except ImportError:
                print("rdflib-endpoint is not installed: pip install rdflib-endpoint to compare", file=sys.stderr)
            else:
                rdf_port = free_port()
                script = (
                    "import sys, uvicorn; from rdflib import Dataset, Graph; from rdflib_endpoint import SparqlEndpoint\n"
                    f"d = Dataset(); d.parse({str(nquads)!r}, format='nquads'); g = Graph()\n"
                    "for s, p, o, _ in d.quads(): g.add((s, p, o))\n"
                    f"uvicorn.run(SparqlEndpoint(graph=g), host='127.0.0.1', port={rdf_port}, log_level='error')\n")
                processes.append(subprocess.Popen([sys.executable, "-c", script],
                                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
                wait_for(rdf_port, 120)
                small = max(5, args.requests // 10)  # rdflib is slow: fewer requests
                results["rdflib-endpoint"] = {name: sparql(f"http://127.0.0.1:{rdf_port}/", q, small)
                                              for name, q in QUERIES.items()}
    finally:
        for process in processes:
            process.kill()
            process.wait(10)

    names = ["agency lookup", *QUERIES, *PAGES]
    print(f"service benchmark: {args.requests} sequential requests each, loopback, medians and p99 in ms")
    header = f"{'request':<18}" + "".join(f"{system:>34}" for system in results)
    print(header)
    for name in names:
        line = f"{name:<18}"
        for system in results:
            figure = results[system].get(name)
            line += (f"{figure['median_ms']:>10.2f} {figure['p99_ms']:>10.2f} {figure['req_per_s']:>10.0f}/s"
                     if figure else f"{'-':>34}")
        print(line)
    out = args.build / "bench-service.json"
    out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"figures written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
