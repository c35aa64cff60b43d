"""Agencies: found by any name; one agency with its names, lineage, groups and responsibilities."""

from __future__ import annotations

from typing import Annotated

import pyoxigraph as ox
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response

from plankg.api.deps import BaseDep, FormatQuery, IdPath, StoreDep
from plankg.api.models import AgencyDetail, AgencyHit
from plankg.api.negotiation import CSV_CONTENT, csv_response, wants_csv
from plankg.graph.analysis import Responsibility, find_agencies, responsibilities
from plankg.graph.lookup import select, values
from plankg.graph.namespace import agency_iri

__all__ = ["router"]

router = APIRouter(tags=["agencies"])


@router.get("/agencies", summary="Find agencies by any Chinese or English name, exact or partial; without a "
            "name, every agency in name order, paged (the total in X-Total-Count)", response_model=list[AgencyHit])
def agencies(store: StoreDep, response: Response,
             name: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
             limit: Annotated[int, Query(ge=1, le=500)] = 100,
             offset: Annotated[int, Query(ge=0, le=100_000)] = 0) -> list[AgencyHit]:
    if name is not None:
        return [AgencyHit(id=iri.rsplit("/", 1)[-1], iri=iri, name=label, exact=exact)
                for iri, label, exact in find_agencies(store, name)]
    rows = select(store, "agency_list")
    response.headers["X-Total-Count"] = str(len(rows))
    return [AgencyHit(id=r["agency"].rsplit("/", 1)[-1], iri=r["agency"], name=r["name"], exact=True)
            for r in rows[offset: offset + limit]]


def _counts(tasks: list[Responsibility]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for t in tasks:
        counts.setdefault(t.plan, {}).setdefault(t.role, 0)
        counts[t.plan][t.role] += 1
    return counts


TASK_COLUMNS = ["task", "plan", "number", "title", "role", "via", "namedAs", "deadline"]


@router.get("/agencies/{agency_id}", summary="An agency with its names, lineage, groups and full responsibility "
            "list; the list alone as CSV by Accept: text/csv or ?format=csv",
            response_model=AgencyDetail, responses={200: {"content": CSV_CONTENT}, 404: {"description": "unknown agency"}})
def agency(request: Request, store: StoreDep, base: BaseDep, agency_id: IdPath, plan: str | None = None,
           role: str | None = None, year: int | None = None, format: FormatQuery = None) -> Response:
    iri = str(agency_iri(agency_id, base))
    node = ox.NamedNode(iri)
    names = select(store, "agency_names", a=node)
    if not names:
        raise HTTPException(404, f"no agency {agency_id!r}")
    tasks = [t for t in responsibilities(store, iri)
             if (not plan or t.plan == plan) and (not role or t.role == role)
             and (not year or str(year) in (t.deadline or "") or str(year) in t.plan)]

    rows = [{"task": t.task, "plan": t.plan, "number": t.number, "title": t.title, "role": t.role,
             "via": t.via, "namedAs": t.holder, "deadline": t.deadline} for t in tasks]
    if wants_csv(request.headers.get("accept"), format):
        return csv_response(rows, TASK_COLUMNS, f"{agency_id}-tasks.csv")

    def name(suffix: str) -> str | None:
        return next((r["v"] for r in names if r["p"].endswith(suffix)), None)

    # plain JSON types only: answered as is, without FastAPI's encoder walking 100s of tasks
    return JSONResponse({
        "id": agency_id, "iri": iri, "name": name("prefLabel"),
        "altNames": sorted(r["v"] for r in names if r["p"].endswith("altLabel")),
        "englishName": name("#label"), "type": name("agencyType"),
        "predecessors": [x.rsplit("/", 1)[-1] for x in values(store, "agency_predecessors", a=node)],
        "successors": [x.rsplit("/", 1)[-1] for x in values(store, "agency_successors", a=node)],
        "groups": [x.rsplit("/", 1)[-1] for x in values(store, "agency_groups", a=node)],
        "counts": _counts(tasks),
        "tasks": rows,
    }, headers={"Vary": "Accept"})
