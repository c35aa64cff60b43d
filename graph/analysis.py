"""Cross-plan questions answered from the store: an agency's full responsibility list under
every name it has had, and what changed between two plans.

Read-only; every value a user gives is bound through :func:`plankg.graph.store.bind_values`
as a pyoxigraph term, never formatted into the query text.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from plankg.graph.namespace import DATA
from plankg.graph.store import GraphStore, named_query

__all__ = [
    "CarriedMeasure",
    "PlanDiff",
    "Responsibility",
    "find_agencies",
    "plan_diff",
    "responsibilities",
    "responsibility_index",
]


@dataclass(frozen=True)
class Responsibility:
    """One task an agency answers for, and how it was reached."""

    task: str
    plan: str
    number: int
    title: str
    role: str
    via: str
    holder: str
    deadline: str | None


def find_agencies(store: GraphStore, name: str) -> list[tuple[str, str, bool]]:
    """Agencies whose Chinese or English name contains ``name``: (IRI, canonical name, exact)."""
    table = store.select(named_query("agency_by_name"), {"name": ox.Literal(name)})
    return [(iri, label, exact == "true") for iri, label, exact in table.rows]


def _responsibility_rows(rows: Iterable[tuple[str, ...]]) -> dict[str, list[Responsibility]]:
    out: dict[str, list[Responsibility]] = {}
    seen = set()
    for agency, task, plan, number, title, role, via, _, holder_name, deadline in rows:
        key = (agency, task, role.rsplit("#", 1)[-1], via, holder_name)
        if key in seen:  # a task with two deadlines comes back twice
            continue
        seen.add(key)
        out.setdefault(agency, []).append(Responsibility(
            task, plan.rsplit("/", 1)[-1], int(number), title, role.rsplit("#", 1)[-1].removesuffix("Agency"), via,
            holder_name, deadline or None))
    return out


#: every agency's list, per embedded store: a build never changes
_INDEX: weakref.WeakKeyDictionary[GraphStore, dict[str, list[Responsibility]]] = weakref.WeakKeyDictionary()
_INDEX_LOCK = threading.Lock()


def responsibility_index(store: GraphStore) -> dict[str, list[Responsibility]]:
    """Every agency's responsibility list (agency IRI → list), read in one query the first time
    and kept for the store. Thread-safe."""
    with _INDEX_LOCK:
        index = _INDEX.get(store)
        if index is None:
            index = _INDEX[store] = _responsibility_rows(store.select(named_query("agency_responsibilities")).rows)
    return index


def responsibilities(store: GraphStore, agency: str) -> list[Responsibility]:
    """Every task the agency answers for: its own, its former names' and its groups'.

    On the embedded store the answer comes from :func:`responsibility_index`; a remote store,
    which may change, is asked each time.
    """
    if type(store) is GraphStore:
        return list(responsibility_index(store).get(agency, []))
    table = store.select(named_query("agency_responsibilities"), {"agency": ox.NamedNode(agency)})
    return _responsibility_rows(table.rows).get(agency, [])


_LINKED = """
SELECT ?a ?b ?how ?score WHERE {
  { ?a pk:relatedTask ?b . BIND("related" AS ?how) OPTIONAL { ?l pk:linkFrom ?a ; pk:linkTo ?b ; pk:score ?score } }
  UNION { ?b pk:relatedTask ?a . BIND("related" AS ?how) OPTIONAL { ?l pk:linkFrom ?b ; pk:linkTo ?a ; pk:score ?score } }
  UNION { ?a pk:elaborates ?b . BIND("elaborates" AS ?how) }
  UNION { ?b pk:elaborates ?a . BIND("elaborated by" AS ?how) }
  UNION { ?a pk:carriesOut ?b . BIND("carries out" AS ?how) }
  UNION { ?b pk:carriesOut ?a . BIND("carried out by" AS ?how) }
  ?a pk:inPlan ?planA . ?b pk:inPlan ?planB .
}"""

_TASKS = """
SELECT ?task ?number ?title WHERE { ?task a pk:Task ; pk:inPlan ?plan ; pk:taskNumber ?number ; dcterms:title ?title }
ORDER BY ?number"""

_UNITS = """
SELECT ?name WHERE { ?task pk:responsibleAgency ?a . OPTIONAL { ?a pk:replacedBy+ ?now . FILTER NOT EXISTS { ?now pk:replacedBy ?later } }
  BIND(COALESCE(?now, ?a) AS ?current) ?current skos:prefLabel ?name }"""

_TARGETS = """
SELECT ?label ?comparator ?value ?unit ?year WHERE { ?task pk:hasTarget ?t . ?t pk:indicator/rdfs:label ?label ;
  pk:comparator ?comparator ; pk:value ?value . FILTER(LANG(?label) = "zh")
  OPTIONAL { ?t pk:unit ?unit } OPTIONAL { ?t pk:targetYear ?year } }"""


@dataclass(frozen=True)
class CarriedMeasure:
    """A task of plan A linked to a task of plan B, with what changed between them."""

    a: tuple[int, str]
    b: tuple[int, str]
    how: str
    score: str | None
    units_added: list[str]
    units_removed: list[str]
    targets_a: list[str]
    targets_b: list[str]


@dataclass
class PlanDiff:
    """Two plans compared through the links between their tasks."""

    plan_a: str
    plan_b: str
    carried: list[CarriedMeasure] = field(default_factory=list)
    new: list[tuple[int, str]] = field(default_factory=list)
    dropped: list[tuple[int, str]] = field(default_factory=list)


def _units(store: GraphStore, task: str) -> set[str]:
    return {row[0] for row in store.select(_UNITS, {"task": ox.NamedNode(task)}).rows}


def _targets(store: GraphStore, task: str) -> set[str]:
    return {f"{label} {cmp} {value}{unit or ''} ({year or '-'})"
            for label, cmp, value, unit, year in store.select(_TARGETS, {"task": ox.NamedNode(task)}).rows}


def plan_diff(store: GraphStore, plan_a: str, plan_b: str) -> PlanDiff:
    """Measures of ``plan_a`` carried over from ``plan_b`` (linked by relatedTask, elaborates
    or carriesOut), new in ``plan_a``, and dropped from ``plan_b``; for each carried measure,
    the units (compared under their current names, so a rename is no change) and targets that
    changed."""
    a_iri, b_iri = (ox.NamedNode(str(DATA[f"plan/{slug}"])) for slug in (plan_a, plan_b))
    tasks_a = {t: (int(n), title) for t, n, title in store.select(_TASKS, {"plan": a_iri}).rows}
    tasks_b = {t: (int(n), title) for t, n, title in store.select(_TASKS, {"plan": b_iri}).rows}
    diff = PlanDiff(plan_a, plan_b)
    linked_a, linked_b = set(), set()
    best: dict[tuple[str, str, str], str] = {}
    for a, b, how, score in store.select(_LINKED, {"planA": a_iri, "planB": b_iri}).rows:
        best[(a, b, how)] = max(best.get((a, b, how), ""), score)  # keep the scored copy
    for (a, b, how), score in sorted(best.items(), key=lambda r: (tasks_a[r[0][0]][0], tasks_b[r[0][1]][0])):
        linked_a.add(a)
        linked_b.add(b)
        units_a, units_b = _units(store, a), _units(store, b)
        targets_a, targets_b = _targets(store, a), _targets(store, b)
        diff.carried.append(CarriedMeasure(
            a=tasks_a[a], b=tasks_b[b], how=how, score=score or None,
            units_added=sorted(units_a - units_b), units_removed=sorted(units_b - units_a),
            targets_a=sorted(targets_a), targets_b=sorted(targets_b)))
    diff.new = sorted(v for t, v in tasks_a.items() if t not in linked_a)
    diff.dropped = sorted(v for t, v in tasks_b.items() if t not in linked_b)
    return diff
