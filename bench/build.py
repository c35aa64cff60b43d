"""Benchmark of the build: wall time per stage and peak memory. Prints figures; never fails on
a time.

Usage: ``python bench/build.py [--sources DIR] [--repeat N]``
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
    start = time.perf_counter()
    result = build_corpus(sources, out, progress=lambda stage, seconds: timings.__setitem__(stage, seconds))
    timings["total"] = time.perf_counter() - start
    timings["triples_out"] = float(result.report["triples"])  # type: ignore[arg-type]
    timings["tasks"] = float(result.report["tasks"])  # type: ignore[arg-type]
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sources", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    sources = args.sources or default_corpus()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            runs.append(run_once(sources, Path(tmp)))
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"plankg build benchmark: {sources} ({args.repeat} runs, median)")
    print(f"  tasks {int(runs[0]['tasks'])}, triples {int(runs[0]['triples_out'])}")
    for stage in ("parse", "resolve", "triples", "links", "inference", "serialize", "validation", "write", "total"):
        values = [run[stage] for run in runs]
        print(f"  {stage:<12} {statistics.median(values) * 1000:9.1f} ms"
              f"   (min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f})")
    print(f"  peak memory  {peak_mib:9.1f} MiB (max RSS of the process)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
