"""plankg's benchmarks, load test and synthetic corpus: tooling beside the product, installed
on its own (``pip install ./bench``, the ``plankg-bench`` command); the product never imports it."""
