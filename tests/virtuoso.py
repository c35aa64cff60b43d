"""A real Virtuoso Open Source server for the tests: the bench package's helper
(:mod:`plankg_bench.virtuoso`, also used by ``plankg-bench compare``), re-exported.

Only ``virtuoso-t`` not being installed skips the tests that need it (``.ci/run`` installs it);
a server that does not come up within its timeout is an error, not a skip.
"""

from __future__ import annotations

from plankg_bench.virtuoso import PASSWORD, USER, running_virtuoso, virtuoso_binary

__all__ = ["PASSWORD", "USER", "running_virtuoso", "virtuoso_binary"]
