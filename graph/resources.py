"""The data the graph package reads: the ontology, the SHACL shapes, the vendored corpus."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from rdflib import Graph

__all__ = ["ontology_graph", "ontology_text", "shapes_graph", "vendored_sources"]


def ontology_text() -> str:
    """The ontology as committed (Turtle)."""
    return (resources.files("plankg.ontology") / "plankg.ttl").read_text(encoding="utf-8")


@cache
def ontology_graph() -> Graph:
    """The ontology, parsed once. Do not mutate the returned graph."""
    return Graph().parse(data=ontology_text(), format="turtle")


@cache
def shapes_graph() -> Graph:
    """The SHACL shapes, parsed once. Do not mutate the returned graph."""
    graph = Graph()
    for entry in sorted(resources.files("plankg.shapes").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".ttl"):
            graph.parse(data=entry.read_text(encoding="utf-8"), format="turtle")
    return graph


def vendored_sources() -> Path:
    """The folder of the vendored source texts inside the installed package."""
    return Path(str(resources.files("plankg.data") / "sources"))
