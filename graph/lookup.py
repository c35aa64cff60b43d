"""The per-resource lookups of the read model: a named query of ``graph/queries`` run with its
variables bound to terms (never formatted from user input), and the helpers that shape the rows.

Shared by the REST routes, the pages and the CLI. Read-only; thread-safe like the store.

>>> by_local_name([{"p": "http://purl.org/dc/terms/title", "o": "x"},
...                {"p": "https://w3id.org/plankg/def#inPlan", "o": "p"}])
{'title': ['x'], 'inPlan': ['p']}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from plankg.graph.store import named_query, rows_as_dicts

__all__ = ["by_local_name", "local_name", "select", "values"]


def select(store: Any, name: str, **bindings: ox.NamedNode | ox.Literal) -> list[dict[str, str]]:
    """The rows of the named query ``name`` with ``bindings`` bound (by a ``VALUES`` block of
    library-built terms), as dicts of strings."""
    return rows_as_dicts(store, named_query(name), bindings or None)


def values(store: Any, name: str, **bindings: ox.NamedNode | ox.Literal) -> list[str]:
    """The first column of the named query ``name``."""
    table = store.select(named_query(name), bindings or None)
    return [row[0] for row in table.rows]


def local_name(iri: str) -> str:
    """The local name of a predicate or class IRI (after ``#``, else after the last ``/``).

    >>> local_name("https://w3id.org/plankg/def#sameMeasure"), local_name("http://purl.org/dc/terms/title")
    ('sameMeasure', 'title')
    """
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def by_local_name(facts: Iterable[dict[str, str]]) -> dict[str, list[str]]:
    """``?p ?o`` rows grouped by the predicate's local name, objects in row order."""
    out: dict[str, list[str]] = {}
    for fact in facts:
        out.setdefault(local_name(fact["p"]), []).append(fact["o"])
    return out
