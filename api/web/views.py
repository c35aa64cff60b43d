"""The view-models of the web pages: plain dicts read from the store.

One function a page (``dataset_overview``, ``plan_page``, ``task_page``, ``agency_page``,
``district_page``, ``indicator_page``); the search is :mod:`plankg.graph.search`. Each
runs a handful of set-based queries (never one query per task), so a page stays within a few
milliseconds on the embedded store. Read-only and thread-safe like :class:`GraphStore`; every
value from a user is bound as a pyoxigraph term.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

from plankg.api.routes.filters import tasks_in_year
from plankg.graph.analysis import find_agencies, responsibilities, responsibility_index
from plankg.graph.store import GraphStore, named_query, rows_as_dicts

__all__ = [
    "agency_page",
    "browse",
    "dataset_overview",
    "district_page",
    "indicator_page",
    "name_hits",
    "plan_page",
    "printed_value",
    "task_filter",
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
              deadline: str | None = None, due: str | None = None) -> dict[str, Any] | None:
    """A plan with its sections and tasks in order (units by role, deadline, targets).

    Args:
        store: the build.
        plan_iri: the plan's IRI.
        section, agency, deadline: optional filters (a section IRI, an agency id, a deadline
            text or a year it contains).
        due: an optional month (YYYY-MM): only the tasks whose deadline date falls in it or
            before (the months offered are those of the plan's deadline dates).

    Returns:
        The page's data, or None for an unknown plan.
    """
    node = {"plan": ox.NamedNode(plan_iri)}
    facts = _rows(store, named_query("page_plan"), node)
    if not facts:
        return None
    sections = {row["section"]: row for row in _rows(store, named_query("page_plan_sections"), node)}
    units = _units_by_task(_rows(store, named_query("page_plan_units"), node))
    printed = _printed_units(_rows(store, named_query("unit_mentions"), node))
    targets: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in _rows(store, named_query("page_plan_targets"), node):
        targets[row["task"]].append(row)
    tasks: list[dict[str, Any]] = []
    for row in _rows(store, named_query("page_plan_tasks"), node):
        task: dict[str, Any] = {**row, "number": int(row["number"]), "units": units[row["task"]],
                "printed": printed.get(row["task"], []),
                "targets": sorted(targets[row["task"]], key=lambda t: t["target"]),
                "sectionTitle": sections.get(row.get("section", ""), {}).get("title", "")}
        tasks.append(task)
    total = len(tasks)
    agencies = sorted({(u["id"], u["name"]) for t in tasks for role in ROLES for u in t["units"][role]},
                      key=lambda a: a[1])
    deadlines = sorted({t["deadline"] for t in tasks if t["deadline"]})
    due_months = sorted({t["due"][:7] for t in tasks if t.get("due")})
    # the table of contents: each section that heads tasks, in the order of the tasks
    toc = [{"anchor": "s-" + local_id(s), "number": sections[s].get("number", ""), "title": sections[s]["title"],
            "tasks": sum(1 for t in tasks if t.get("section") == s)}
           for s in dict.fromkeys(t.get("section") for t in tasks) if s in sections]
    if section:
        inside = {section} | {s for s, r in sections.items() if r.get("parent") == section}
        tasks = [t for t in tasks if t.get("section") in inside]
    if agency:
        tasks = [t for t in tasks if any(u["id"] == agency for role in ROLES for u in t["units"][role])]
    if deadline:
        tasks = [t for t in tasks if deadline in (t["deadline"] or "")]
    if due:
        tasks = [t for t in tasks if t.get("due") and t["due"][:7] <= due]
    ordered_sections = sorted(sections.values(), key=lambda s: [int(p) if p.isdigit() else 0
                                                                for p in s.get("number", "0").split(".")])
    return {"iri": plan_iri, "id": local_id(plan_iri), **facts[0], "found": total, "tasks": tasks,
            "sections": ordered_sections, "agencies": agencies, "deadlines": deadlines, "dueMonths": due_months,
            "toc": toc,
            **_plan_context(_rows(store, named_query("page_plan_context"), node))}


def _plan_context(rows: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    """A plan's issuers (``publishers``), jurisdictions (``spatial``) and source documents
    (``sources``), each once."""
    out: dict[str, list[dict[str, str]]] = {"publishers": [], "spatial": [], "sources": []}
    keys = {"publisher": "publishers", "spatial": "spatial", "source": "sources"}
    for row in rows:
        entries = out[keys[row["kind"]]]
        if all(e["node"] != row["node"] for e in entries):
            entries.append({**row, "id": local_id(row["node"])})
    return out



#: named relations between tasks, strongest first: the one a page shows when several hold
RELATION_RANK = ("sameMeasure", "partOfTask", "carriesOut", "elaborates", "relatedMeasure", "relatedTask",
                 "candidate")
_MULTIPLIERS = {"": 1, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000, "万亿": 10**12}
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(万亿|亿|万|千|百)?\s*")


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text


def printed_value(value: str, unit: str, source_text: str) -> str:
    """A target's value as the source prints it: the number with 亿 or 万 restored, found in
    the clause when it is there (so 4000000000 美元 reads 40亿美元 again).

    >>> printed_value("4000000000", "美元", "2025年高技术产业实际使用外资规模达到40亿美元以上")
    '40亿美元'
    >>> printed_value("33700", "亩", "完成林分优化提升 0.61 万亩、森林抚育提升 3.37 万亩")
    '3.37万亩'
    >>> printed_value("18000000000", "元", "no clause")
    '180亿元'
    >>> printed_value("1", "名", "排名位居全国第一")
    '1名'
    """
    try:
        wanted = Decimal(value)
    except InvalidOperation:
        return f"{value}{unit}"
    for match in _NUMBER.finditer(source_text):
        number, scale = match.group(1), match.group(2) or ""
        if Decimal(number) * _MULTIPLIERS[scale] == wanted and source_text[match.end():].startswith(unit):
            return f"{number}{scale}{unit}"
    for scale in ("亿", "万"):
        if wanted >= _MULTIPLIERS[scale] and wanted % (_MULTIPLIERS[scale] // 100) == 0:
            return f"{_plain(wanted / _MULTIPLIERS[scale])}{scale}{unit}"
    return f"{_plain(wanted)}{unit}"


def _targets(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Targets with the value as printed and the normalised value (digits grouped) beside it."""
    out = []
    for row in rows:
        try:
            normalised = f"{Decimal(row['value']):,}"
        except InvalidOperation:
            normalised = row["value"]
        out.append({**row, "printed": printed_value(row["value"], row.get("unit", ""), row["sourceText"]),
                    "normalised": normalised})
    return out


def _printed_units(rows: list[dict[str, str]]) -> dict[str, list[dict[str, Any]]]:
    """Per task, the units in the order the source prints them, consecutive units of one role
    grouped into a run: ``[{"role": "lead", "units": [...]}, ...]``; each unit carries the name
    as printed (``name``) and the agency's current label (``current``)."""
    mentions: dict[str, dict[int, dict[str, str]]] = defaultdict(dict)
    for row in rows:
        mentions[row["task"]].setdefault(int(row["position"]), row)
    out: dict[str, list[dict[str, Any]]] = {}
    for task, by_position in mentions.items():
        runs: list[dict[str, Any]] = []
        for position in sorted(by_position):
            row = by_position[position]
            role = local_id(row["role"]).rsplit("#", 1)[-1].removesuffix("Agency")
            unit = {"position": position, "iri": row.get("agency", ""), "id": local_id(row.get("agency", "")),
                    "name": row["namedAs"], "current": row.get("name", ""), "en": row.get("en", "")}
            if runs and runs[-1]["role"] == role:
                runs[-1]["units"].append(unit)
            else:
                runs.append({"role": role, "units": [unit]})
        out[task] = runs
    return out


def _relations(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    """One entry per related task: its strongest relation (:data:`RELATION_RANK`) in words
    (relation and direction), with the score and clauses of the link that carries it (the best
    link to that task when the relation is stated without a link node), in time order."""
    by_other: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        relation = row["relation"].rsplit("#", 1)[-1] if row.get("relation") else "candidate"
        by_other[row["other"]].append({**row, "relation": relation})
    out = []
    for other, found in by_other.items():
        best = min(found, key=lambda r: (RELATION_RANK.index(r["relation"]), -float(r.get("score") or -1)))
        scored = [r for r in found if r.get("score")]
        carrier = max((r for r in scored if r["relation"] == best["relation"] and r["direction"] == best["direction"]),
                      key=lambda r: float(r["score"]), default=None) \
            or max(scored, key=lambda r: float(r["score"]), default=None)
        out.append({"task": other, "relation": best["relation"], "direction": best["direction"],
                    "plan": best["plan"], "planId": local_id(best["plan"]), "planTitle": best["planTitle"],
                    "planEn": best.get("planEn", ""), "number": int(best["number"]), "title": best["title"],
                    "start": best.get("start", ""), "score": float(carrier["score"]) if carrier else None,
                    "clauseHere": carrier.get("clauseHere", "") if carrier else "",
                    "clauseThere": carrier.get("clauseThere", "") if carrier else ""})
    return sorted(out, key=lambda r: (r["start"], r["plan"], r["number"]))


def _milestones(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    """A task's milestones in year order, each with the later tasks that take it up."""
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = out.setdefault(row["milestone"], {"year": row["year"], "text": row["text"], "takenUpBy": []})
        if row.get("up") and all(u["task"] != row["up"] for u in entry["takenUpBy"]):
            entry["takenUpBy"].append({"task": row["up"], "plan": row["upPlan"], "planTitle": row["upPlanTitle"],
                                       "planEn": row.get("upPlanEn", ""), "number": int(row["upNumber"]),
                                       "title": row["upTitle"]})
    return list(out.values())


def _provenance(store: GraphStore, node: dict[str, ox.NamedNode], one: dict[str, str], many: dict[str, list[str]],
                versions: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Each source file of a task with the line the task starts on and the line where the next
    item of that file starts (so a page can show the original lines)."""
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
    return provenance


def task_page(store: GraphStore, task_iri: str) -> dict[str, Any] | None:
    """A task: text as stated, units in printed order, targets as printed, milestones and the
    tasks that take them up, each related task once (strongest relation, score), provenance.

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
    versions = _rows(store, named_query("page_task_versions"), node)
    return {
        "iri": task_iri, "plan": plan_iri, "planId": local_id(plan_iri), "planTitle": plan[0]["title"] if plan else "",
        "planEn": plan[0].get("en", "") if plan else "", "number": int(one["taskNumber"]), "title": one["title"],
        "planIdentifier": plan[0].get("identifier", "") if plan else "", "planIssued": plan[0].get("issued", "") if plan else "",
        "text": one["text"], "section": one.get("inSection", ""), "sectionTitle": section[0]["title"] if section else "",
        "deadlines": sorted(set(many.get("deadlineText", []))), "deadlineDates": sorted(set(many.get("deadline", []))),
        "national": one.get("nationalReform") == "true", "official": many.get("responsibleOfficial", []),
        "units": _units_by_task(_rows(store, named_query("page_task_units"), node))[task_iri],
        "printed": _printed_units(_rows(store, named_query("unit_mentions"), node)).get(task_iri, []),
        "targets": _targets(_rows(store, named_query("page_task_targets"), node)),
        "milestones": _milestones(_rows(store, named_query("page_task_milestones"), node)),
        "links": _relations(_rows(store, named_query("page_task_relations"), node)),
        "realizes": _rows(store, named_query("page_task_realized"), node), "places": _rows(store, named_query("page_task_places"), node),
        "versions": versions, "rows": _rows(store, named_query("page_task_rows"), node),
        "provenance": _provenance(store, node, one, many, versions),
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
    titles = {p["plan"]: p for p in dataset_overview(store)["plans"]}
    tasks = [{**r, "planId": local_id(r["plan"]), "number": int(r["number"]),
              "planTitle": titles.get(r["plan"], {}).get("title", local_id(r["plan"])),
              "planEn": titles.get(r["plan"], {}).get("en", "")}
             for r in _rows(store, named_query("page_district_tasks"), node)]
    agencies = [{**r, "id": local_id(r["agency"])} for r in _rows(store, named_query("page_district_agencies"), node)]
    return {"iri": district_iri, "id": local_id(district_iri), **facts[0], "aliases": aliases,
            "tasks": tasks, "agencies": agencies}


def jurisdiction_page(store: GraphStore, jurisdiction_iri: str) -> dict[str, Any] | None:
    """A jurisdiction (a government's area): names, level, GB/T 2260 code with its entry in the
    public code list, parent, the jurisdictions below it, the districts of the same area, the
    plans it issues and the agencies of its government; None when unknown."""
    node = {"j": ox.NamedNode(jurisdiction_iri)}
    facts = _rows(store, named_query("page_jurisdiction"), node)
    if not facts:
        return None
    parts: dict[str, list[dict[str, str]]] = {"jurisdiction": [], "district": [], "plan": []}
    for row in _rows(store, named_query("page_jurisdiction_parts"), node):
        parts[row["kind"]].append(row)
    agencies = _rows(store, named_query("page_district_agencies"), {"d": ox.NamedNode(jurisdiction_iri)})
    return {"iri": jurisdiction_iri, "id": local_id(jurisdiction_iri), **facts[0], "children": parts["jurisdiction"],
            "districts": parts["district"], "plans": parts["plan"], "agencies": agencies}


def indicator_page(store: GraphStore, indicator_iri: str) -> dict[str, Any] | None:
    """An indicator with its target trajectory in year order; None when unknown."""
    node = {"indicator": ox.NamedNode(indicator_iri)}
    labels = _rows(store, named_query("indicator_labels_lang"), node)
    if not labels:
        return None
    titles = {p["plan"]: p for p in dataset_overview(store)["plans"]}
    trajectory = [{**r, "planId": local_id(r["plan"]), "planTitle": titles.get(r["plan"], {}).get("title", ""),
                   "number": int(local_id(r["task"]))}
                  for r in _targets(_rows(store, named_query("target_trajectory"), node))]
    return {"iri": indicator_iri, "id": local_id(indicator_iri),
            "label": next((r["label"] for r in labels if r["lang"] == "zh"), labels[0]["label"]),
            "en": next((r["label"] for r in labels if r["lang"] == "en"), ""), "trajectory": trajectory}


#: the kinds of the index pages: kind → (named query, IRI column, count column)
BROWSE = {"agencies": ("agency_list", "agency", "tasks"), "districts": ("place_list", "place", "tasks"),
          "indicators": ("indicator_list", "indicator", "targets"), "plans": ("page_plans", "plan", "tasks")}


def browse(store: GraphStore, kind: str) -> list[dict[str, Any]]:
    """Every agency, district and jurisdiction, indicator or plan (``kind``, a key of
    :data:`BROWSE`) as rows of one shape: iri, id, name, en, count (tasks or targets), code,
    kind of place, period."""
    query, column, count = BROWSE[kind]
    rows: list[dict[str, Any]] = []
    for row in _rows(store, named_query(query)):
        period = f"{row.get('start', '')}—{row.get('end', '')}" if row.get("start") else ""
        rows.append({"iri": row[column], "id": local_id(row[column]), "name": row.get("name") or row.get("title", ""),
                     "en": row.get("english") or row.get("en", ""), "count": int(row[count] or 0),
                     "code": row.get("code", ""), "kind": row.get("kind", ""), "period": period})
    if kind == "agencies":  # the full responsibility list's size (own, former names, groups), as the agency page
        index = responsibility_index(store)
        for entry in rows:
            entry["count"] = len({r.task for r in index.get(entry["iri"], [])})
    return rows


def name_hits(store: GraphStore, q: str) -> dict[str, list[dict[str, Any]]]:
    """The agencies (by any of their names), plans, districts and indicators whose name holds
    ``q``, for the search page: kind → rows as :func:`browse` gives them."""
    found = {iri for iri, _, _ in find_agencies(store, q)}
    out: dict[str, list[dict[str, Any]]] = {}
    for kind in BROWSE:
        rows = browse(store, kind)
        if kind == "agencies":
            out[kind] = [r for r in rows if r["iri"] in found]
        else:
            out[kind] = [r for r in rows if q in r["name"] or (r["en"] and q.lower() in r["en"].lower())]
    return out


def task_filter(store: GraphStore, plan: str | None, year: int | None, agency: str | None,
                role: str | None) -> set[str] | None:
    """The tasks that pass the search filters, or None when no filter is given: in plan
    ``plan`` (its id); in force or due in ``year`` (as the REST ``year``: the plan's period
    holds it or the deadline falls in it); naming agency ``agency`` (its id) in role ``role``
    (lead, participating, responsible; any when not given)."""
    if not (plan or year or agency or role):
        return None
    in_year = tasks_in_year(store, year) if year else None
    keep: set[str] = set()
    for row in _rows(store, named_query("task_agency_roles")):
        plan_id = row["task"].split("/plan/", 1)[-1].split("/", 1)[0]
        row_role = local_id(row.get("role", "")).rsplit("#", 1)[-1].removesuffix("Agency")
        if (plan and plan_id != plan) or (in_year is not None and row["task"] not in in_year):
            continue
        if (agency and local_id(row.get("agency", "")) != agency) or (role and row_role != role):
            continue
        keep.add(row["task"])
    return keep
