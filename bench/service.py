"""Benchmark of the service beside Oxigraph's own server (see :mod:`plankg_bench.service`):
``python bench/service.py --help``; also ``plankg-bench compare``."""

import sys

from plankg_bench.service import main

if __name__ == "__main__":
    sys.exit(main())
