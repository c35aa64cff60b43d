"""Benchmark of the build: wall time per stage and peak memory. Prints figures; never fails on
a time.

Usage: ``python bench/build.py [--sources DIR | --scale N] [--repeat N]``: ``--scale N`` builds a
``plankg-bench synth`` corpus N times the real one (written to a temporary folder first). Besides
wall time it prints the CPU time of the process (user + system), steadier than wall time on a
shared machine.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from plankg.api.pipeline import build_corpus
from plankg.loaders import default_corpus


def run_once(sources: Path, out: Path) -> dict[str, float]:
    """One full build through the library pipeline (the one ``plankg build`` runs); the wall
    time of each stage in seconds, and of the whole."""
    timings: dict[str, float] = {}
    start, cpu = time.perf_counter(), time.process_time()
    def progress(stage: str, seconds: float) -> None:
        timings[stage] = seconds
        timings[f"{stage} peak"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    result = build_corpus(sources, out, progress=progress)
    timings["total"] = time.perf_counter() - start
    timings["cpu"] = time.process_time() - cpu
    timings["triples_out"] = float(result.report["triples"])  # type: ignore[arg-type]
    timings["tasks"] = float(result.report["tasks"])  # type: ignore[arg-type]
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sources", type=Path, default=None)
    parser.add_argument("--scale", type=int, default=None, help="build a synthetic corpus N times the real one")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        sources = args.sources or default_corpus()
        if args.scale and args.scale > 1:
            from plankg_bench.synth import synthesize

            sources = Path(tmp) / "sources"
            synthesize(args.scale, sources)
        for _ in range(args.repeat):
            runs.append(run_once(sources, Path(tmp) / "build"))
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"plankg build benchmark: {sources} ({args.repeat} runs, median)")
    print(f"  tasks {int(runs[0]['tasks'])}, triples {int(runs[0]['triples_out'])}")
    for stage in ("parse", "resolve", "triples", "links", "inference", "serialize", "validation", "write", "total", "cpu"):
        values = [run[stage] for run in runs]
        peak = f"   peak so far {runs[0][stage + ' peak']:.0f} MiB" if stage + " peak" in runs[0] else ""
        print(f"  {stage:<12} {statistics.median(values) * 1000:9.1f} ms"
              f"   (min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f}){peak}")
    print(f"  peak memory  {peak_mib:9.1f} MiB (max RSS of the process)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
