"""Places: a district or zone, with the tasks that name it."""

from __future__ import annotations

from typing import Annotated, Any

import pyoxigraph as ox
from fastapi import APIRouter, HTTPException, Query, Response

from plankg.api.deps import BaseDep, DistrictIdPath, OffsetQuery, StoreDep, limit_query
from plankg.api.models import DistrictDetail, PlaceSummary
from plankg.api.routes.filters import one_page
from plankg.graph.lookup import select
from plankg.graph.namespace import district_iri

__all__ = ["router"]

router = APIRouter(tags=["places"])


@router.get("/districts", summary="Every district, zone and jurisdiction in name order, with its GB/T 2260 code "
            "and the number of tasks naming it; paged (the total in X-Total-Count)", response_model=list[PlaceSummary])
def districts(store: StoreDep, response: Response,
              kind: Annotated[str | None, Query(pattern="^(district|jurisdiction)$",
                                                description="district or jurisdiction; both if not given")] = None,
              limit: Annotated[int, limit_query(500, 100)] = 100, offset: OffsetQuery = 0) -> list[PlaceSummary]:
    rows = [r for r in select(store, "place_list") if kind is None or r["kind"] == kind]
    return [PlaceSummary(id=r["place"].rsplit("/", 1)[-1], iri=r["place"], kind=r["kind"], name=r["name"],
                         englishName=r.get("english") or None, code=r.get("code") or None, tasks=int(r["tasks"]))
            for r in one_page(response, rows, offset, limit)]


@router.get("/districts/{district_id}", summary="A district or zone, with the tasks that name it",
            response_model=DistrictDetail, responses={404: {"description": "unknown district"}})
def district(store: StoreDep, base: BaseDep, district_id: DistrictIdPath) -> dict[str, Any]:
    node = ox.NamedNode(district_iri(district_id, base))
    names = select(store, "district_names", d=node)
    if not names:
        raise HTTPException(404, f"no district {district_id!r}")
    def name(suffix: str) -> str | None:
        return next((r["v"] for r in names if r["p"].endswith(suffix)), None)

    return {"id": district_id, "iri": node.value, "name": name("prefLabel"),
            "altNames": sorted(r["v"] for r in names if r["p"].endswith("altLabel")),
            "englishName": name("#label"), "code": name("divisionCode"),
            "tasks": [{"task": r["task"], "plan": r["plan"].rsplit("/", 1)[-1], "number": int(r["number"]),
                       "title": r["title"]} for r in select(store, "district_task_rows", d=node)]}
