"""Plans and tasks: the plan list, a plan, its tasks, a task and its measure lineage, targets,
indicators and the full-text search."""

from __future__ import annotations

from typing import Annotated, Any

import pyoxigraph as ox
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi import Response as FastAPIResponse

from plankg.api.deps import (
    ID,
    AgencyFilter,
    BaseDep,
    FormatQuery,
    IndicatorIdPath,
    ModeFilter,
    OffsetQuery,
    PlanFilter,
    PlanIdPath,
    RoleFilter,
    StoreDep,
    YearFilter,
    limit_query,
)
from plankg.api.models import (
    IndicatorDetail,
    IndicatorSummary,
    LineageLink,
    NamedHit,
    NameHits,
    PlanDetail,
    PlanSummary,
    PlanTasks,
    SearchHit,
    TargetRow,
    TaskDetail,
    TaskLineage,
)
from plankg.api.negotiation import CSV_CONTENT, csv_response, wants_csv
from plankg.api.routes.filters import check_agency, check_plan, one_page
from plankg.api.web.views import name_hits, task_filter
from plankg.graph.analysis import measure_lineage
from plankg.graph.lookup import local_name, select, values
from plankg.graph.namespace import indicator_iri, plan_iri, task_iri
from plankg.graph.search import search_tasks

__all__ = ["router"]

router = APIRouter(tags=["plans and tasks"])
TaskNumber = Annotated[int, PathParam(ge=1, le=100_000, examples=[1], description="the task's number in its "
                                                                                   "plan, as printed (1..N)")]
#: the relations between tasks a task's answer lists under ``links``
LINKS = ["sameMeasure", "partOfTask", "carriesOut", "elaborates", "relatedMeasure", "relatedTask", "realizedBy"]


@router.get("/plans", summary="Every plan with its task counts, paged (the total in X-Total-Count)",
            response_model=list[PlanSummary])
def plans(store: StoreDep, response: FastAPIResponse, limit: Annotated[int, limit_query(500, 100)] = 100,
          offset: OffsetQuery = 0) -> list[PlanSummary]:
    return [PlanSummary(id=r["plan"].rsplit("/", 1)[-1], plan=r["plan"], title=r["title"], tasks=int(r["tasks"]),
                        declared=int(r["declared"]) if r["declared"] else None)
            for r in one_page(response, select(store, "plans"), offset, limit)]


def _ref(iri: str, name: str | None = None) -> dict[str, str | None]:
    return {"id": iri.rsplit("/", 1)[-1], "iri": iri, "name": name or None}


def _facts(store: Any, node: ox.NamedNode) -> dict[str, list[tuple[str, str]]]:
    """A resource's statements by the predicate's local name: (object, the object's name) pairs."""
    out: dict[str, list[tuple[str, str]]] = {}
    for r in select(store, "resource_named_facts", r=node):
        out.setdefault(local_name(r["p"]), []).append((r["o"], r["name"]))
    return out


def _one(facts: dict[str, list[tuple[str, str]]], key: str) -> str | None:
    return facts[key][0][0] if facts.get(key) else None


def _refs(facts: dict[str, list[tuple[str, str]]], key: str) -> list[dict[str, str | None]]:
    seen: dict[str, dict[str, str | None]] = {}
    for iri, name in facts.get(key, []):
        seen.setdefault(iri, _ref(iri, name))
    return sorted(seen.values(), key=lambda r: r["iri"] or "")


def _int(value: str | None) -> int | None:
    return int(value[:4]) if value else None


@router.get("/plans/{plan_id}", summary="A plan: title, period, counts, links, provenance",
            response_model=PlanDetail, responses={404: {"description": "unknown plan"}})
def plan(store: StoreDep, base: BaseDep, plan_id: PlanIdPath) -> dict[str, Any]:
    node = ox.NamedNode(plan_iri(plan_id, base))
    facts = _facts(store, node)
    if not facts:
        raise HTTPException(404, f"no plan {plan_id!r}")
    declared = _one(facts, "declaredTaskCount")
    return {"id": plan_id, "iri": node.value, "title": _one(facts, "title"), "englishTitle": _one(facts, "label"),
            "kind": next((o for o, _ in facts.get("type", []) if not o.startswith("http")), None),
            "periodStart": _int(_one(facts, "periodStart")), "periodEnd": _int(_one(facts, "periodEnd")),
            "issued": _one(facts, "issued"), "identifier": _one(facts, "identifier"),
            "publisher": _refs(facts, "publisher"), "jurisdiction": _refs(facts, "spatial"),
            "implements": _refs(facts, "implements"), "partOf": _refs(facts, "isPartOf"),
            "sources": sorted({o for o, _ in facts.get("wasDerivedFrom", [])}),
            "declaredTaskCount": int(declared) if declared else None,
            "sourceTruncated": _one(facts, "sourceTruncated") == "true",
            "tasks": int(values(store, "plan_task_count", plan=node)[0])}


@router.get("/plans/{plan_id}/tasks", summary="A plan's tasks, paged (JSON), or all of them as CSV "
            "(Accept: text/csv or ?format=csv; a limit given pages the CSV too)", response_model=PlanTasks,
            responses={200: {"content": CSV_CONTENT}, 404: {"description": "unknown plan"}})
def plan_tasks(request: Request, response: FastAPIResponse, store: StoreDep, base: BaseDep, plan_id: PlanIdPath,
               limit: Annotated[int | None, Query(ge=1, le=500, description="tasks a page, 1 to 500 (JSON: 100 if "
                                                                  "not given; CSV: all)")] = None,
               offset: OffsetQuery = 0, format: FormatQuery = None) -> Any:
    rows = select(store, "plan_tasks", plan=ox.NamedNode(plan_iri(plan_id, base)))
    if not rows:
        raise HTTPException(404, f"no plan {plan_id!r}")
    if wants_csv(request.headers.get("accept"), format):
        answer = csv_response(rows[offset: offset + limit] if limit else rows[offset:], ["task", "number", "title"],
                              f"{plan_id}-tasks.csv")
        answer.headers["X-Total-Count"] = str(len(rows))
        return answer
    response.headers["X-Total-Count"] = str(len(rows))
    return {"plan": plan_id, "total": len(rows),
            "tasks": [{**r, "number": int(r["number"])} for r in rows[offset: offset + (limit or 100)]]}


@router.get("/tasks/{plan_id}/{number}", summary="A task with its units, targets, links and provenance",
            response_model=TaskDetail, responses={404: {"description": "unknown task"}})
def task(store: StoreDep, base: BaseDep, plan_id: PlanIdPath, number: TaskNumber) -> dict[str, Any]:
    node = ox.NamedNode(task_iri(plan_id, number, base))
    facts = _facts(store, node)
    if not facts:
        raise HTTPException(404, f"no task {plan_id}/{number}")
    units = [{"position": int(u["position"]),
              "role": local_name(u["role"]).removesuffix("Agency") if u["role"] else None,
              "namedAs": u["namedAs"] or None, "agency": _ref(u["agency"], u["name"]) if u["agency"] else None}
             for u in select(store, "task_unit_mentions", t=node)]
    targets = [{"iri": t["target"], "indicator": _ref(t["indicator"], t["indicatorName"]) if t["indicator"] else None,
                "comparator": t["comparator"] or None, "value": float(t["value"]) if t["value"] else None,
                "unit": t["unit"] or None, "year": _int(t["year"]), "sourceText": t["sourceText"] or None}
               for t in select(store, "task_targets_rest", t=node)]
    links = [{"relation": relation, "task": ref} for relation in LINKS for ref in _refs(facts, relation)]
    national = _one(facts, "nationalReform")
    plan_ref = _refs(facts, "inPlan")[0]
    section = _refs(facts, "inSection")
    return {"id": f"{plan_id}/{number}", "iri": node.value, "plan": plan_ref, "number": number,
            "title": _one(facts, "title") or "", "text": _one(facts, "text"), "section": section[0] if section else None,
            "deadline": _one(facts, "deadline"), "deadlineText": _one(facts, "deadlineText"),
            "deadlinePrecision": _one(facts, "deadlinePrecision"),
            "nationalReform": None if national is None else national == "true",
            "agencyListOpen": _one(facts, "agencyListOpen") == "true",
            "responsibleOfficials": sorted({o for o, _ in facts.get("responsibleOfficial", [])}),
            "units": units, "leadAgencies": _refs(facts, "leadAgency"),
            "participatingAgencies": _refs(facts, "participatingAgency"),
            "responsibleAgencies": _refs(facts, "responsibleAgency"), "places": _refs(facts, "mentionsPlace"),
            "targets": targets, "milestones": sorted({o for o, _ in facts.get("hasMilestone", [])}), "links": links,
            "source": sorted({o for o, _ in facts.get("wasDerivedFrom", [])}),
            "sourceLine": int(_one(facts, "sourceLine") or 0) or None}


@router.get("/tasks/{plan_id}/{number}/lineage",
            summary="A task's measure lineage: the tasks of other plans and years linked to it by a named "
                    "relation (same measure, part of, carries out, related), with score and clauses, in time order",
            response_model=TaskLineage, responses={404: {"description": "unknown task"}})
def lineage(store: StoreDep, base: BaseDep, plan_id: PlanIdPath, number: TaskNumber) -> TaskLineage:
    node = ox.NamedNode(task_iri(plan_id, number, base))
    if not select(store, "task_facts", t=node):
        raise HTTPException(404, f"no task {plan_id}/{number}")
    links = [LineageLink(task=s.task, plan=s.plan, planId=s.plan.rsplit("/", 1)[-1], number=s.number, title=s.title,
                         relation=s.relation, direction=s.direction, score=s.score, clauseHere=s.clause_here,
                         clauseThere=s.clause_there, start=s.start, end=s.end)
             for s in measure_lineage(store, node.value)]
    return TaskLineage(task=node.value, links=links)


@router.get("/indicators", summary="Every indicator in label order, with the number of targets set on it; paged "
            "(the total in X-Total-Count)", response_model=list[IndicatorSummary])
def indicators(store: StoreDep, response: FastAPIResponse, limit: Annotated[int, limit_query(500, 100)] = 100,
               offset: OffsetQuery = 0) -> list[IndicatorSummary]:
    return [IndicatorSummary(id=r["indicator"].rsplit("/", 1)[-1], iri=r["indicator"], name=r["name"],
                             englishName=r.get("english") or None, targets=int(r["targets"]))
            for r in one_page(response, select(store, "indicator_list"), offset, limit)]


@router.get("/indicators/{indicator_id}", summary="An indicator and its target trajectory",
            response_model=IndicatorDetail, responses={404: {"description": "unknown indicator"}})
def indicator(store: StoreDep, base: BaseDep, indicator_id: IndicatorIdPath) -> dict[str, Any]:
    node = ox.NamedNode(indicator_iri(indicator_id, base))
    labels = values(store, "indicator_labels", i=node)
    if not labels:
        raise HTTPException(404, f"no indicator {indicator_id!r}")
    return {"iri": node.value, "labels": labels, "trajectory": select(store, "target_trajectory", indicator=node)}


@router.get("/targets", summary="Targets, filtered by the year they are set for, plan (an unknown plan id "
            "answers 422 with the ids there are) or indicator", response_model=list[TargetRow])
def targets(store: StoreDep, base: BaseDep, year: Annotated[int | None, Query(ge=1900, le=2100, description="the year (YYYY) a target is set for")] = None,
            plan: Annotated[str | None, Query(pattern=ID, max_length=80, description="a plan id (see /plans); an "
                                              "unknown one answers 422 with the ids there are")] = None,
            indicator: Annotated[str | None, Query(pattern=ID, max_length=80,
                                                   description="an indicator id (see /indicators)")] = None) -> list[dict[str, str]]:
    check_plan(store, plan)
    plan_node = str(plan_iri(plan, base)) if plan else None
    indicator_node = str(indicator_iri(indicator, base)) if indicator else None
    return [r for r in select(store, "targets")
            if (year is None or r.get("year") == str(year)) and (plan_node is None or r["plan"] == plan_node)
            and (indicator_node is None or r["indicator"] == indicator_node)]


@router.get("/search", summary="Full-text search over task titles and texts (Chinese bigrams), ranked; a words "
            "or a phrase search, filtered by plan, year, agency and role as the search page; CSV by Accept: text/csv "
            "or ?format=csv; paged by limit and offset, the total of matching tasks in X-Total-Count (agencies, "
            "plans, districts and indicators by name: /search/names)", response_model=list[SearchHit],
            responses={200: {"content": CSV_CONTENT}})
def search(request: Request, response: FastAPIResponse, store: StoreDep,
           q: Annotated[str, Query(min_length=1, max_length=100, examples=["营商环境"], description=(
               "what to find: every word (words separated by spaces) as a run of Chinese characters, or the "
               "exact text with mode=phrase"))],
           mode: ModeFilter = "words", plan: PlanFilter = "", year: YearFilter = None, agency: AgencyFilter = "",
           role: RoleFilter = "", limit: Annotated[int, limit_query(100, 20)] = 20, offset: OffsetQuery = 0,
           format: FormatQuery = None) -> Any:
    check_plan(store, plan or None)
    check_agency(store, agency or None)
    keep = task_filter(store, plan or None, year, agency or None, role or None)
    found = search_tasks(store, q, 1_000_000, 0, phrase=mode == "phrase")
    matching = [hit for hit in found if keep is None or hit["task"] in keep]
    hits = [{"task": hit["task"], "title": hit["title"], "score": hit["score"]}
            for hit in matching[offset: offset + limit]]
    total = str(len(matching))  # the true total, in a header (the body keeps its shape)
    if wants_csv(request.headers.get("accept"), format):
        answer = csv_response(hits, ["task", "title", "score"], "search.csv")
        answer.headers["X-Total-Count"] = total
        return answer
    response.headers["X-Total-Count"] = total
    return hits


@router.get("/search/names", summary="The agencies (by any of their names, Chinese or English, former ones too), "
            "plans, districts and jurisdictions, and indicators whose name holds the text", response_model=NameHits)
def search_names(store: StoreDep, q: Annotated[str, Query(min_length=1, max_length=100, examples=["市场监管局"],
                                                          description="part of a name")]) -> NameHits:
    found = name_hits(store, " ".join(q.split()))

    def hits(kind: str) -> list[NamedHit]:
        return [NamedHit(id=r["id"], iri=r["iri"], name=r["name"], englishName=r["en"] or None, count=r["count"])
                for r in found.get(kind, [])]

    return NameHits(agencies=hits("agencies"), plans=hits("plans"), districts=hits("districts"),
                    indicators=hits("indicators"))
