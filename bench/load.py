"""Load test of the service (see :mod:`plankg.api.load`): ``python bench/load.py --help``."""

import sys

from plankg.api.load import main

if __name__ == "__main__":
    sys.exit(main())
