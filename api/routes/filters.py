"""The REST filters every list route shares: ``year`` (in force or due that year), ``role`` and
``plan``, each validated, an unknown value answered 422 with the allowed values."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import pyoxigraph as ox
from fastapi import Query
from fastapi.exceptions import RequestValidationError

from plankg.graph.lookup import select

__all__ = ["Role", "YearQuery", "check_agency", "check_plan", "one_page", "tasks_in_year"]

XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


class Role(StrEnum):
    """The role an agency has in a task."""

    lead = "lead"
    participating = "participating"
    responsible = "responsible"


YearQuery = Annotated[int | None, Query(ge=1900, le=2100, description="a year (YYYY): the tasks in force that "
                                        "year (their plan's period covers it) or due that year (their deadline "
                                        "date falls in it)")]


def tasks_in_year(store: Any, year: int) -> set[str]:
    """The IRIs of the tasks in force or due in ``year`` (``graph/queries/tasks_in_year.rq``)."""
    return {r["task"] for r in select(store, "tasks_in_year", year=ox.Literal(str(year), datatype=XSD_INTEGER))}


def check_plan(store: Any, plan: str | None) -> None:
    """422, with the plan ids there are, when ``plan`` names no plan of the build."""
    if plan is None:
        return
    ids = sorted(r["plan"].rsplit("/", 1)[-1] for r in select(store, "plans"))
    if plan not in ids:
        raise RequestValidationError([{
            "type": "enum", "loc": ("query", "plan"), "input": plan,
            "msg": f"Input should be one of the plan ids: {', '.join(ids)}", "ctx": {"expected": ids}}])


def check_agency(store: Any, agency: str | None) -> None:
    """422 when ``agency`` names no agency of the build (the ids are many: see /agencies)."""
    if agency is None:
        return
    if agency not in {r["agency"].rsplit("/", 1)[-1] for r in select(store, "agency_list")}:
        raise RequestValidationError([{
            "type": "enum", "loc": ("query", "agency"), "input": agency,
            "msg": "Input should be an agency id of the build (see /agencies)", "ctx": {"expected": "/agencies"}}])


def one_page(response: Any, rows: list[dict[str, str]], offset: int, limit: int) -> list[dict[str, str]]:
    """The rows of one page of a list, the list's true total put in ``X-Total-Count``."""
    response.headers["X-Total-Count"] = str(len(rows))
    return rows[offset: offset + limit]
