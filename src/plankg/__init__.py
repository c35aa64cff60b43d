"""plankg: a knowledge graph of Shenzhen's business-environment (营商环境) plans.

The installed package gathers the project's top-level folders under one namespace:
``plankg.ontology`` and ``plankg.shapes`` (RDF data), ``plankg.data`` (the vendored corpus and
the registries), ``plankg.graph`` (records, triples, inference, validation, store, queries),
``plankg.loaders`` (source text to records) and ``plankg.api`` (CLI and service).
"""

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("plankg")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0.0.0"
