"""Rewrite Turtle files in the canonical form the tests expect (rdflib's serialisation).

Usage: ``python tools/canonical_ttl.py ontology/plankg.ttl shapes/plankg-shapes.ttl``.
Hand edits are fine; run this afterwards so that ``tests/test_rdf_files.py`` passes.
"""

import sys

from rdflib import Graph

for name in sys.argv[1:]:
    graph = Graph()
    graph.parse(name, format="turtle")
    with open(name, "w", encoding="utf-8") as handle:
        handle.write(graph.serialize(format="turtle"))
