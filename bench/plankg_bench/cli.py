"""``plankg-bench``: the benchmark (``run``), the synthetic corpus (``synth``), the load test
(``load``) and the interleaved comparison with Oxigraph's server and other stores (``compare``).
Exit codes: 0 done, 1 the load test saw a failed request, 2 usage error."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]


def make_parser() -> argparse.ArgumentParser:
    """The ``plankg-bench`` argument parser."""
    parser = argparse.ArgumentParser(prog="plankg-bench", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="benchmark build and service at scales of the corpus (table, bench.json)")
    run.add_argument("--scale", type=int, action="append", help="a scale (repeatable; default: 1)")
    run.add_argument("--out", type=Path, default=Path("build"), help="where bench.json goes")
    run.add_argument("--requests", type=int, default=50, help="sequential requests per timed call")
    synth = sub.add_parser("synth", help="write a synthetic corpus N times the real one (for benchmarks)")
    synth.add_argument("--scale", type=int, required=True, help="how many rewritten copies of the corpus")
    synth.add_argument("--out", type=Path, required=True, help="the folder to write (sources and plans.csv)")
    synth.add_argument("--seed", type=int, default=1, help="the seed (same seed and scale: same files)")
    sub.add_parser("load", help="load test of the service (options: plankg-bench load -- --help)", add_help=False)
    sub.add_parser("compare", help="plankg's /sparql beside Oxigraph's server (and --endpoint NAME=URL, e.g. "
                                   "Virtuoso) in one interleaved run, with ratios (plankg-bench compare -- --help)",
                   add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``plankg-bench``; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["load"]:
        from plankg_bench.loadtest import main as load_main

        rest = args_list[1:]
        return load_main(rest[1:] if rest[:1] == ["--"] else rest)
    if args_list[:1] == ["compare"]:
        from plankg_bench.service import main as compare_main

        rest = args_list[1:]
        return compare_main(rest[1:] if rest[:1] == ["--"] else rest)
    args = make_parser().parse_args(args_list)
    if args.command == "synth":
        from plankg_bench.synth import synthesize

        written = synthesize(args.scale, args.out, args.seed)
        print(f"plankg-bench synth: {len(written)} source files and plans.csv in {args.out}", file=sys.stderr)
        return 0
    from plankg_bench.harness import run_bench

    run_bench(sorted(set(args.scale or [1])), args.out, args.requests)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
