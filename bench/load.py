"""Load test of the service (see :mod:`plankg_bench.loadtest`): ``python bench/load.py --help``."""

import sys

from plankg_bench.loadtest import main

if __name__ == "__main__":
    sys.exit(main())
