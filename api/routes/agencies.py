"""Agencies: found by any name; one agency with its names, lineage, groups and responsibilities."""

from __future__ import annotations

from typing import Annotated, Any

import pyoxigraph as ox
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response

from plankg.api.deps import (
    ID,
    AgencyIdPath,
    BaseDep,
    FormatQuery,
    OffsetQuery,
    StoreDep,
    limit_query,
)
from plankg.api.models import AgencyDetail, AgencyHit
from plankg.api.negotiation import CSV_CONTENT, csv_response, wants_csv
from plankg.api.routes.filters import Role, YearQuery, check_plan, one_page, tasks_in_year
from plankg.graph.analysis import Responsibility, find_agencies, responsibilities
from plankg.graph.lookup import select, values
from plankg.graph.namespace import agency_iri

__all__ = ["router"]

router = APIRouter(tags=["agencies"])


@router.get("/agencies", summary="Find agencies by any Chinese or English name, exact or partial; without a "
            "name, every agency in name order, paged (the total in X-Total-Count)", response_model=list[AgencyHit])
def agencies(store: StoreDep, response: Response,
             name: Annotated[str | None, Query(min_length=1, max_length=100, examples=["市场监管局"], description=(
                 "part of any of the agency's names, Chinese or English (full, short or former); without it, "
                 "every agency, paged"))] = None,
             limit: Annotated[int, limit_query(500, 100)] = 100, offset: OffsetQuery = 0) -> list[AgencyHit]:
    if name is not None:
        return [AgencyHit(id=iri.rsplit("/", 1)[-1], iri=iri, name=label, exact=exact)
                for iri, label, exact in find_agencies(store, name)]
    return [AgencyHit(id=r["agency"].rsplit("/", 1)[-1], iri=r["agency"], name=r["name"], exact=True)
            for r in one_page(response, select(store, "agency_list"), offset, limit)]


def _counts(tasks: list[Responsibility]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for t in tasks:
        counts.setdefault(t.plan, {}).setdefault(t.role, 0)
        counts[t.plan][t.role] += 1
    return counts


TASK_COLUMNS = ["task", "plan", "number", "title", "role", "via", "namedAs", "deadline"]


@router.get("/agencies/{agency_id}", summary="An agency with its names, lineage, groups and full responsibility "
            "list, filtered by plan, role and year and paged (the total in X-Total-Count and `total`); the list "
            "alone as CSV by Accept: text/csv or ?format=csv (all of it unless a limit is given)",
            response_model=AgencyDetail, responses={200: {"content": CSV_CONTENT}, 404: {"description": "unknown agency"}})
def agency(request: Request, store: StoreDep, base: BaseDep, agency_id: AgencyIdPath,
           plan: Annotated[str | None, Query(pattern=ID, max_length=80, description="a plan id (see /plans); "
                                             "an unknown one answers 422 with the ids there are")] = None,
           role: Annotated[Role | None, Query(description="the agency's role in the task: lead (牵头), "
                                                "participating (配合) or responsible (责任单位)")] = None,
           year: YearQuery = None,
           limit: Annotated[int | None, Query(ge=1, le=1000, description="tasks a page, 1 to 1000 (JSON: 200 if "
                                                             "not given; CSV: all)")] = None,
           offset: OffsetQuery = 0, format: FormatQuery = None) -> Response:
    check_plan(store, plan)
    iri = str(agency_iri(agency_id, base))
    node = ox.NamedNode(iri)
    names = select(store, "agency_names", a=node)
    if not names:
        raise HTTPException(404, f"no agency {agency_id!r}")
    in_year = tasks_in_year(store, year) if year is not None else None
    tasks = [t for t in responsibilities(store, iri)
             if (not plan or t.plan == plan) and (role is None or t.role == role.value)
             and (in_year is None or t.task in in_year)]
    total = {"X-Total-Count": str(len(tasks))}

    rows = [{"task": t.task, "plan": t.plan, "number": t.number, "title": t.title, "role": t.role,
             "via": t.via, "namedAs": t.holder, "deadline": t.deadline} for t in tasks]
    if wants_csv(request.headers.get("accept"), format):
        answer = csv_response(rows[offset: offset + limit] if limit else rows[offset:], TASK_COLUMNS,
                              f"{agency_id}-tasks.csv")
        answer.headers.update(total)
        return answer

    def name(suffix: str) -> str | None:
        return next((r["v"] for r in names if r["p"].endswith(suffix)), None)

    def refs(query: str) -> list[dict[str, str | None]]:
        out = []
        for x in values(store, query, a=node):
            labels = select(store, "agency_names", a=ox.NamedNode(x))
            out.append({"id": x.rsplit("/", 1)[-1], "iri": x,
                        "name": next((r["v"] for r in labels if r["p"].endswith("prefLabel")), None)})
        return out

    lineage: dict[str, Any] = {}
    for key, query in (("predecessors", "agency_predecessors"), ("successors", "agency_successors"),
                       ("groups", "agency_groups")):
        found = refs(query)
        lineage[key] = [r["id"] for r in found]  # the ids, as always answered
        lineage[f"{key}Named"] = found  # the same with IRI and name

    # plain JSON types only: answered as is, without FastAPI's encoder walking 100s of tasks
    return JSONResponse({
        "id": agency_id, "iri": iri, "name": name("prefLabel"),
        "altNames": sorted(r["v"] for r in names if r["p"].endswith("altLabel")),
        "englishName": name("#label"), "type": name("agencyType"),
        **lineage,
        "counts": _counts(tasks),
        "total": len(tasks),
        "tasks": rows[offset: offset + (limit or 200)],
    }, headers={"Vary": "Accept", **total})
