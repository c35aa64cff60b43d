"""The view-models of the web pages: plain dicts read from the store.

One function a page (``dataset_overview``, ``plan_page``, ``task_page``, ``agency_page``,
``district_page``, ``indicator_page``); the search is :mod:`plankg.graph.search`. Each
runs a handful of set-based queries (never one query per task), so a page stays within a few
milliseconds on the embedded store. Read-only and thread-safe like :class:`GraphStore`; every
value from a user is bound as a pyoxigraph term.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from typing import Any

import pyoxigraph as ox

from plankg.graph.analysis import measure_lineage, responsibilities
from plankg.graph.store import GraphStore, named_query, rows_as_dicts

__all__ = [
    "agency_page",
    "dataset_overview",
    "district_page",
    "indicator_page",
    "plan_page",
    "task_page",
]

ROLES = ("lead", "participating", "responsible")


_rows = rows_as_dicts


def local_id(iri: str) -> str:
    """The last path segment of an IRI.

    >>> local_id("https://w3id.org/plankg/id/agency/sz-amr")
    'sz-amr'
    """
    return iri.rsplit("/", 1)[-1]



def dataset_overview(store: GraphStore) -> dict[str, Any]:
    """The plans in time order with task counts, and how many of each kind of thing there are."""
    plans = [{**row, "id": local_id(row["plan"])} for row in _rows(store, named_query("page_plans"))]
    counts = {row["what"]: int(row["n"]) for row in _rows(store, named_query("page_counts"))}
    return {"plans": plans, "counts": counts}


# the stated roles only: pk:responsibleAgency inferred from lead/participating is left out

def _units_by_task(rows: list[dict[str, str]]) -> dict[str, dict[str, list[dict[str, str]]]]:
    out: dict[str, dict[str, list[dict[str, str]]]] = defaultdict(lambda: {r: [] for r in ROLES})
    for row in sorted(rows, key=lambda r: (r["task"], r["name"])):
        role = local_id(row["role"]).rsplit("#", 1)[-1].removesuffix("Agency")
        out[row["task"]][role].append({"id": local_id(row["agency"]), "iri": row["agency"],
                                       "name": row["name"], "en": row.get("en", "")})
    return out


def plan_page(store: GraphStore, plan_iri: str, section: str | None = None, agency: str | None = None,
              deadline: str | None = None) -> dict[str, Any] | None:
    """A plan with its sections and tasks in order (units by role, deadline, targets).

    Args:
        store: the build.
        plan_iri: the plan's IRI.
        section, agency, deadline: optional filters (a section IRI, an agency id, a deadline
            text or a year it contains).

    Returns:
        The page's data, or None for an unknown plan.
    """
    node = {"plan": ox.NamedNode(plan_iri)}
    facts = _rows(store, named_query("page_plan"), node)
    if not facts:
        return None
    sections = {row["section"]: row for row in _rows(store, named_query("page_plan_sections"), node)}
    units = _units_by_task(_rows(store, named_query("page_plan_units"), node))
    targets: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in _rows(store, named_query("page_plan_targets"), node):
        targets[row["task"]].append(row)
    tasks: list[dict[str, Any]] = []
    for row in _rows(store, named_query("page_plan_tasks"), node):
        task: dict[str, Any] = {**row, "number": int(row["number"]), "units": units[row["task"]],
                "targets": sorted(targets[row["task"]], key=lambda t: t["target"]),
                "sectionTitle": sections.get(row.get("section", ""), {}).get("title", "")}
        tasks.append(task)
    total = len(tasks)
    agencies = sorted({(u["id"], u["name"]) for t in tasks for role in ROLES for u in t["units"][role]},
                      key=lambda a: a[1])
    deadlines = sorted({t["deadline"] for t in tasks if t["deadline"]})
    if section:
        inside = {section} | {s for s, r in sections.items() if r.get("parent") == section}
        tasks = [t for t in tasks if t.get("section") in inside]
    if agency:
        tasks = [t for t in tasks if any(u["id"] == agency for role in ROLES for u in t["units"][role])]
    if deadline:
        tasks = [t for t in tasks if deadline in (t["deadline"] or "")]
    ordered_sections = sorted(sections.values(), key=lambda s: [int(p) if p.isdigit() else 0
                                                                for p in s.get("number", "0").split(".")])
    return {"iri": plan_iri, "id": local_id(plan_iri), **facts[0], "found": total, "tasks": tasks,
            "sections": ordered_sections, "agencies": agencies, "deadlines": deadlines}



def task_page(store: GraphStore, task_iri: str) -> dict[str, Any] | None:
    """A task: text as stated, units by role, targets, links to other plans, provenance.

    ``provenance`` lists each source file with the line the task starts on and the line where
    the next item of that file starts (so a page can show the original lines); None for an
    unknown task.
    """
    node = {"task": ox.NamedNode(task_iri)}
    facts = _rows(store, named_query("page_task_facts"), node)
    if not facts:
        return None
    one: dict[str, str] = {}
    many: dict[str, list[str]] = defaultdict(list)
    for fact in facts:
        key = fact["p"].rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        one.setdefault(key, fact["o"])
        many[key].append(fact["o"])
    plan_iri = one.get("inPlan", "")
    plan = _rows(store, named_query("page_task_plan"),
                 {"plan": ox.NamedNode(plan_iri)})
    section = _rows(store, named_query("title_of"), {"s": ox.NamedNode(one["inSection"])}) \
        if "inSection" in one else []
    links = []
    seen: set[tuple[str, str]] = set()
    for row in sorted(_rows(store, named_query("page_task_links"), node), key=lambda r: (r.get("start", ""), r["plan"], int(r["number"]))):
        if (row["other"], row["how"]) in seen:
            continue
        seen.add((row["other"], row["how"]))
        links.append({**row, "planId": local_id(row["plan"]), "number": int(row["number"]),
                      "score": float(row["score"]) if row.get("score") else None})
    versions = _rows(store, named_query("page_task_versions"), node)
    provenance = []
    sources = {v["source"] for v in versions}
    for source in many.get("wasDerivedFrom", []):
        file = _rows(store, named_query("file_name_of"), {"s": ox.NamedNode(source)})
        lines = [int(v["line"]) for v in versions if v["source"] == source and v.get("line")]
        start = int(one["sourceLine"]) if source not in sources and "sourceLine" in one else (lines[0] if lines else 0)
        starts = sorted({int(r["line"]) for r in _rows(store, named_query("page_source_starts"), {"source": ox.NamedNode(source)})})
        following = [s for s in starts if s > start]
        provenance.append({"source": source, "file": file[0]["file"] if file else local_id(source) + ".txt",
                           "line": start, "next": following[0] if following else None})
    return {
        "iri": task_iri, "plan": plan_iri, "planId": local_id(plan_iri), "planTitle": plan[0]["title"] if plan else "",
        "planEn": plan[0].get("en", "") if plan else "", "number": int(one["taskNumber"]), "title": one["title"],
        "text": one["text"], "section": one.get("inSection", ""), "sectionTitle": section[0]["title"] if section else "",
        "deadlines": sorted(set(many.get("deadlineText", []))), "deadlineDates": sorted(set(many.get("deadline", []))),
        "national": one.get("nationalReform") == "true", "official": many.get("responsibleOfficial", []),
        "units": _units_by_task(_rows(store, named_query("page_task_units"), node))[task_iri],
        "targets": _rows(store, named_query("page_task_targets"), node), "links": links,
        "realizes": _rows(store, named_query("page_task_realized"), node), "places": _rows(store, named_query("page_task_places"), node),
        "versions": versions, "rows": _rows(store, named_query("page_task_rows"), node), "provenance": provenance,
        "lineage": [{**dataclasses.asdict(step), "planId": local_id(step.plan), "clauseHere": step.clause_here,
                     "clauseThere": step.clause_there} for step in measure_lineage(store, task_iri)],
    }



def agency_page(store: GraphStore, agency_iri: str) -> dict[str, Any] | None:
    """An agency: names, lineage, groups, its full responsibility list grouped by plan, counts
    per plan and role, and the agencies it most often shares tasks with; None when unknown."""
    node = {"agency": ox.NamedNode(agency_iri)}
    facts = _rows(store, named_query("page_agency"), node)
    if not facts:
        return None
    relatives: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in _rows(store, named_query("page_agency_relatives"), node):
        relatives[row["how"]].append({**row, "id": local_id(row["other"]) if row.get("other") else ""})
    tasks = responsibilities(store, agency_iri)
    by_plan: dict[str, list[Any]] = defaultdict(list)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for t in tasks:
        by_plan[t.plan].append(t)
        counts[t.plan][t.role] += 1
    plans = {p["id"]: p for p in dataset_overview(store)["plans"]}
    order = [p for p in plans if p in by_plan]
    return {"iri": agency_iri, "id": local_id(agency_iri), **facts[0], "relatives": dict(relatives),
            "plans": [{"id": p, "title": plans[p]["title"], "en": plans[p].get("en", ""),
                       "counts": {r: counts[p][r] for r in ROLES}, "total": len({t.task for t in by_plan[p]}),
                       "tasks": sorted(by_plan[p], key=lambda t: (t.number, t.role))} for p in order],
            "total": len({t.task for t in tasks}),
            "partners": [{**row, "id": local_id(row["other"]), "shared": int(row["shared"])}
                         for row in _rows(store, named_query("page_partners"), node)]}



def district_page(store: GraphStore, district_iri: str) -> dict[str, Any] | None:
    """A district or zone: names, code, the authorities governing it and the tasks naming it."""
    node = {"d": ox.NamedNode(district_iri)}
    facts = _rows(store, named_query("page_district"), node)
    if not facts:
        return None
    aliases = [r["v"] for r in _rows(store, named_query("district_aliases"), node)]
    tasks = [{**r, "planId": local_id(r["plan"]), "number": int(r["number"])}
             for r in _rows(store, named_query("page_district_tasks"), node)]
    agencies = [{**r, "id": local_id(r["agency"])} for r in _rows(store, named_query("page_district_agencies"), node)]
    return {"iri": district_iri, "id": local_id(district_iri), **facts[0], "aliases": aliases,
            "tasks": tasks, "agencies": agencies}


def indicator_page(store: GraphStore, indicator_iri: str) -> dict[str, Any] | None:
    """An indicator with its target trajectory in year order; None when unknown."""
    node = {"indicator": ox.NamedNode(indicator_iri)}
    labels = _rows(store, named_query("indicator_labels_lang"), node)
    if not labels:
        return None
    titles = {p["plan"]: p for p in dataset_overview(store)["plans"]}
    trajectory = [{**r, "planId": local_id(r["plan"]), "planTitle": titles.get(r["plan"], {}).get("title", ""),
                   "number": int(local_id(r["task"]))}
                  for r in _rows(store, named_query("target_trajectory"), node)]
    return {"iri": indicator_iri, "id": local_id(indicator_iri),
            "label": next((r["label"] for r in labels if r["lang"] == "zh"), labels[0]["label"]),
            "en": next((r["label"] for r in labels if r["lang"] == "en"), ""), "trajectory": trajectory}
