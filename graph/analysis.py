"""Cross-plan questions answered from the store: an agency's full responsibility list under
every name it has had, a task's measure lineage across plans and years, and what changed
between two plans (through the same measure links as the lineage).

Read-only; every value a user gives is bound through :func:`plankg.graph.store.bind_values`
as a pyoxigraph term, never formatted into the query text.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from plankg.graph.lookup import local_name, select
from plankg.graph.namespace import DATA
from plankg.graph.store import GraphStore, named_query

__all__ = [
    "CarriedMeasure",
    "LineageStep",
    "PlanDiff",
    "Responsibility",
    "find_agencies",
    "measure_lineage",
    "plan_diff",
    "responsibilities",
    "responsibility_index",
]


@dataclass(frozen=True, slots=True)
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
    shared: dict[str, str] = {}  # one copy of each repeated value (at 100x: 237k rows, a few thousand values)
    one = shared.setdefault
    for agency, task, plan, number, title, role, via, _, holder_name, deadline in rows:
        key = (agency, task, role.rsplit("#", 1)[-1], via, holder_name)
        if key in seen:  # a task with two deadlines comes back twice
            continue
        seen.add(key)
        out.setdefault(one(agency, agency), []).append(Responsibility(
            one(task, task), one(plan, plan).rsplit("/", 1)[-1], int(number), one(title, title),
            role.rsplit("#", 1)[-1].removesuffix("Agency"), one(via, via), one(holder_name, holder_name),
            one(deadline, deadline) if deadline else None))
    return out


#: every agency's list, per embedded store: a build never changes
_INDEX: weakref.WeakKeyDictionary[GraphStore, dict[str, list[Responsibility]]] = weakref.WeakKeyDictionary()
_INDEX_LOCK = threading.Lock()


def responsibility_index(store: GraphStore) -> dict[str, list[Responsibility]]:
    """Every agency's responsibility list (agency IRI → list), read in one query the first time
    (from the build's precomputed tables when it has them: :data:`plankg.graph.store.PRECOMPUTED`)
    and kept for the store. Thread-safe."""
    with _INDEX_LOCK:
        index = _INDEX.get(store)
        if index is None:
            query = named_query("agency_responsibilities")
            rows = store.stream(query)[1] if isinstance(store, GraphStore) else store.select(query).rows
            index = _INDEX[store] = _responsibility_rows(rows)
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



@dataclass(frozen=True)
class LineageStep:
    """A task linked to another by a named measure relation (``graph/queries/lineage.rq``).

    ``relation`` is the relation's local name (``sameMeasure``, ``partOfTask``, ``carriesOut``,
    ``relatedMeasure``); ``direction`` is ``to`` when the asked task is the relation's subject,
    ``from`` when it is its object; ``clause_here`` / ``clause_there`` the matching clauses of
    the asked and the other task; ``start`` / ``end`` the other plan's years.
    """

    task: str
    plan: str
    number: int
    title: str
    relation: str
    direction: str
    score: float
    clause_here: str
    clause_there: str
    start: int
    end: int


def measure_lineage(store: GraphStore, task: str) -> list[LineageStep]:
    """The measures before and after ``task`` across plans and years, in time order: every task
    linked to it by a named measure relation, with direction, score and matching clauses (one
    step per other task and relation, the best-scored link kept)."""
    steps: dict[tuple[str, str, str], LineageStep] = {}
    for row in select(store, "lineage", task=ox.NamedNode(task)):
        step = LineageStep(row["other"], row["plan"], int(row["number"]), row["title"], local_name(row["relation"]),
                           row["direction"], float(row["score"]), row["clauseHere"], row["clauseThere"],
                           int(row["start"]), int(row["end"]))
        key = (step.task, step.relation, step.direction)
        if key not in steps or step.score > steps[key].score:
            steps[key] = step
    return sorted(steps.values(), key=lambda s: (s.start, s.end, s.plan, s.number, s.relation))


#: how a relation reads from the later plan's task (``to``: it is the subject; ``from``: the object)
_HOW = {("sameMeasure", "to"): "same measure", ("sameMeasure", "from"): "same measure",
        ("partOfTask", "to"): "part of", ("partOfTask", "from"): "has part",
        ("carriesOut", "to"): "carries out", ("carriesOut", "from"): "carried out by",
        ("relatedMeasure", "to"): "related", ("relatedMeasure", "from"): "related"}


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
    return {row[0] for row in store.select(named_query("diff_units"), {"task": ox.NamedNode(task)}).rows}


def _targets(store: GraphStore, task: str) -> set[str]:
    return {f"{label} {cmp} {value}{unit or ''} ({year or '-'})"
            for label, cmp, value, unit, year in store.select(named_query("diff_targets"), {"task": ox.NamedNode(task)}).rows}


def _linked(store: GraphStore, tasks_a: dict[str, tuple[int, str]], tasks_b: dict[str, tuple[int, str]]
            ) -> dict[tuple[str, str], tuple[str, str]]:
    """(task of A, task of B) → (how, score): the measure lineage of each task of A that reaches
    into B, and the key-task rows that elaborate a work point (a stated, unscored relation)."""
    best: dict[tuple[str, str], tuple[str, str, float]] = {}
    for a in tasks_a:
        for step in measure_lineage(store, a):
            if step.task in tasks_b and step.score > best.get((a, step.task), ("", "", -1.0))[2]:
                best[(a, step.task)] = (_HOW[(step.relation, step.direction)], f"{step.score:.4f}", step.score)
    for a in tasks_a:
        for row in select(store, "diff_elaborates", task=ox.NamedNode(a)):
            if row["other"] in tasks_b:
                best.setdefault((a, row["other"]), (row["how"], "", 0.0))
    return {pair: (how, score) for pair, (how, score, _) in best.items()}


def plan_diff(store: GraphStore, plan_a: str, plan_b: str) -> PlanDiff:
    """Measures of ``plan_a`` carried over from ``plan_b``, new in ``plan_a``, and dropped from
    ``plan_b``; for each carried measure, the units (compared under their current names, so a
    rename is no change) and targets that changed.

    Carried over means linked by the measure lineage (:func:`measure_lineage`: same measure,
    part of, carries out, related — the links the task pages and the REST lineage show), or by
    ``pk:elaborates`` (a key-task row and its work point).
    """
    a_iri, b_iri = (ox.NamedNode(str(DATA[f"plan/{slug}"])) for slug in (plan_a, plan_b))
    tasks_a = {t: (int(n), title) for t, n, title in store.select(named_query("diff_tasks"), {"plan": a_iri}).rows}
    tasks_b = {t: (int(n), title) for t, n, title in store.select(named_query("diff_tasks"), {"plan": b_iri}).rows}
    diff = PlanDiff(plan_a, plan_b)
    linked = _linked(store, tasks_a, tasks_b)
    for (a, b), (how, score) in sorted(linked.items(), key=lambda r: (tasks_a[r[0][0]][0], tasks_b[r[0][1]][0])):
        units_a, units_b = _units(store, a), _units(store, b)
        targets_a, targets_b = _targets(store, a), _targets(store, b)
        diff.carried.append(CarriedMeasure(
            a=tasks_a[a], b=tasks_b[b], how=how, score=score or None,
            units_added=sorted(units_a - units_b), units_removed=sorted(units_b - units_a),
            targets_a=sorted(targets_a), targets_b=sorted(targets_b)))
    linked_a, linked_b = {a for a, _ in linked}, {b for _, b in linked}
    diff.new = sorted(v for t, v in tasks_a.items() if t not in linked_a)
    diff.dropped = sorted(v for t, v in tasks_b.items() if t not in linked_b)
    return diff
