"""Cheaper ways for the build to answer its heaviest precomputed queries, with the same rows in
the same order as the named query itself (``tests/test_serving_fast.py`` compares them).

``agency_responsibilities`` over every agency is a union of the ways an agency answers for a
task (its own, its former names', its groups') joined with every task's agencies, then sorted.
The store took most of the serving stage on it (3.0 of 4.5 s at 10x, 52 s at 100x; half of it
the ORDER BY, most of the rest a join it plans badly). Here the store is asked only simple
patterns: the union (cut from the query's text; its rows are few, one a holder and way), the
tasks' agencies and roles, the tasks' plan, number, title and deadlines, and the holders' names.
They are joined in Python as SPARQL joins bags (no row lost or doubled), the query's FILTER is
applied, and the rows are sorted by the query's own keys. The way is written for one text of the
query (:data:`_QUERY_SHA256`): where the text has changed, or a task number is not an integer,
the named query is asked as it is (slower, never different).
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import cast

import pyoxigraph as ox

from plankg.graph.store import PREFIXES, QueryTable, named_query

__all__ = ["FAST_TABLES", "agency_responsibilities"]

logger = logging.getLogger(__name__)
#: the text of ``agency_responsibilities.rq`` this module answers as
_QUERY_SHA256 = "c19346697f1df161923dcc492a8468e581a7a84b0922de41cbfde7805812c201"
_PK = "https://w3id.org/plankg/def#"
_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
#: the variables of ``agency_responsibilities.rq``, in its order
_COLUMNS = ("agency", "task", "plan", "number", "title", "role", "via", "holder", "holderName", "deadline")
_ROLES = ("SELECT ?task ?role ?holder WHERE {"
          " VALUES ?role { pk:leadAgency pk:participatingAgency pk:responsibleAgency } ?task ?role ?holder }")
_TASKS = ("SELECT ?task ?plan ?number ?title ?deadline WHERE { ?task a pk:Task ; pk:inPlan ?plan ;"
          " pk:taskNumber ?number ; dcterms:title ?title OPTIONAL { ?task pk:deadlineText ?deadline } }")
_RESPONSIBLE = _PK + "responsibleAgency"
_NAMES = "SELECT ?holder ?name WHERE { ?holder skos:prefLabel ?name }"

Row = tuple[str, ...]


def _select(store: ox.Store, sparql: str) -> Iterator[tuple[str | None, ...]]:
    """A SELECT's rows as the values of their terms (None: unbound)."""
    solutions = store.query(sparql, prefixes=PREFIXES)
    width = len(solutions.variables)  # type: ignore[union-attr]
    for solution in solutions:  # type: ignore[union-attr]
        yield tuple(None if (term := solution[i]) is None else term.value for i in range(width))


def _holders(store: ox.Store, sparql: str) -> dict[str, list[tuple[str, str]]]:
    """The query's union (who answers for whose tasks) as holder IRI → (agency, way) rows."""
    start = sparql.index("WHERE {") + len("WHERE {")
    union = "SELECT ?agency ?holder ?via WHERE {" + sparql[start: sparql.index("\n  VALUES ?role")] + "\n}"
    holders: defaultdict[str, list[tuple[str, str]]] = defaultdict(list)
    for agency, holder, via in _select(store, union):
        holders[holder].append((agency, via))  # type: ignore[index, arg-type]
    return holders


def _tasks(store: ox.Store) -> dict[str, list[tuple[str, str, int, str, str | None]]]:
    """Each task's plan, number (as printed and as a value), title and deadline (None: none).

    Raises:
        ValueError: a task number that is not an xsd:integer (the sort would differ).
    """
    tasks: defaultdict[str, list[tuple[str, str, int, str, str | None]]] = defaultdict(list)
    for s in store.query(_TASKS, prefixes=PREFIXES):  # type: ignore[union-attr]
        number = s[2]
        if not isinstance(number, ox.Literal) or number.datatype.value != _INTEGER:
            raise ValueError(f"task number {number} is not an integer")
        tasks[s[0].value].append((s[1].value, number.value, int(number.value), s[3].value,
                                  None if s[4] is None else s[4].value))
    return tasks


def _rows(store: ox.Store, holders: dict[str, list[tuple[str, str]]]) -> Iterator[tuple[object, ...]]:
    """The query's rows, each with its sort key first: the query's ORDER BY (?agency ?plan
    ?number ?via ?role STR(?holderName) STR(?deadline)) as pyoxigraph orders it (IRIs and
    strings by code point, integers by value, unbound first), then the whole row (rows the keys
    tie keep one order). A responsibleAgency row is kept only where the task names the holder
    in no specific role (the query's FILTER).

    Raises:
        ValueError: a task number that is not an xsd:integer.
    """
    roles = list(_select(store, _ROLES))
    specific = {(task, holder) for task, role, holder in roles if role != _RESPONSIBLE}
    tasks = _tasks(store)
    names: defaultdict[str, list[str]] = defaultdict(list)
    for holder, name in _select(store, _NAMES):
        names[holder].append(name)  # type: ignore[index, arg-type]
    for task, role, holder in roles:
        if role == _RESPONSIBLE and (task, holder) in specific:
            continue
        for plan, number, value, title, deadline in tasks.get(task, ()):  # type: ignore[arg-type]
            for name in names.get(holder, ()):  # type: ignore[arg-type]
                for agency, via in holders.get(holder, ()):  # type: ignore[arg-type]
                    row = (agency, task, plan, number, title, role, via, holder, name, deadline or "")
                    yield (agency, plan, value, via, role, name, deadline is not None, deadline or "", row)


def agency_responsibilities(store: ox.Store) -> QueryTable | None:
    """Every agency's responsibilities, as ``agency_responsibilities.rq`` without bindings
    answers (None: its text has changed or a task number is not an integer; ask it)."""
    sparql = named_query("agency_responsibilities")
    if hashlib.sha256(sparql.encode()).hexdigest() != _QUERY_SHA256:
        logger.info("agency_responsibilities.rq has changed: answering it as written")
        return None
    try:
        keyed = sorted(_rows(store, _holders(store, sparql)))
    except ValueError as exc:
        logger.info("agency_responsibilities answered as written (%s)", exc)
        return None
    return QueryTable(_COLUMNS, tuple(cast(tuple[str, ...], k[-1]) for k in keyed))  # the row, after its keys


#: the precomputed tables answered here rather than by their named query
FAST_TABLES: dict[str, Callable[[ox.Store], QueryTable | None]] = {
    "agency_responsibilities": agency_responsibilities,
}
