"""Places: a district or zone, with the tasks that name it."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, HTTPException

from plankg.api.deps import BaseDep, IdPath, StoreDep
from plankg.api.models import DistrictDetail
from plankg.graph.lookup import select
from plankg.graph.namespace import district_iri

__all__ = ["router"]

router = APIRouter(tags=["places"])


@router.get("/districts/{district_id}", summary="A district or zone, with the tasks that name it",
            response_model=DistrictDetail, responses={404: {"description": "unknown district"}})
def district(store: StoreDep, base: BaseDep, district_id: IdPath) -> dict[str, Any]:
    node = ox.NamedNode(district_iri(district_id, base))
    names = select(store, "district_names", d=node)
    if not names:
        raise HTTPException(404, f"no district {district_id!r}")
    return {"iri": node.value, "names": names, "tasks": select(store, "district_tasks", d=node)}
