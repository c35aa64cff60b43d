"""What a route depends on, as ``Annotated`` aliases: the served build (read once per request),
its store and SPARQL pool, the settings, the base of instance IRIs, and the path ids."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request
from fastapi import Path as PathParam
from rdflib import Namespace

from plankg.api.cache import request_served
from plankg.api.negotiation import FORMAT_PATTERN
from plankg.api.served import Served
from plankg.api.settings import Settings

__all__ = [
    "ID",
    "AgencyFilter",
    "AgencyIdPath",
    "BaseDep",
    "DistrictIdPath",
    "FormatQuery",
    "IdPath",
    "IndicatorIdPath",
    "LangQuery",
    "ModeFilter",
    "OffsetQuery",
    "PageLangQuery",
    "PageQuery",
    "PageYearFilter",
    "PlanFilter",
    "PlanIdPath",
    "PoolDep",
    "RdfFormatQuery",
    "RoleFilter",
    "SearchText",
    "ServedDep",
    "SettingsDep",
    "StoreDep",
    "YearFilter",
    "get_served",
    "limit_query",
]

#: the form of a plan, agency, district or indicator id in a path
ID = r"^[a-z0-9][a-z0-9-]*$"
IdPath = Annotated[str, PathParam(pattern=ID, max_length=80, description="an id: lower-case letters, digits and "
                                   "hyphens, as the last segment of the resource's IRI")]
PlanIdPath = Annotated[str, PathParam(pattern=ID, max_length=80, examples=["sz-market-2023-2025"],
                                      description="a plan id, as listed by /plans (the last segment of the plan's IRI)")]
AgencyIdPath = Annotated[str, PathParam(pattern=ID, max_length=80, examples=["sz-amr"],
                                        description="an agency id, as listed by /agencies")]
DistrictIdPath = Annotated[str, PathParam(pattern=ID, max_length=80, examples=["nanshan"],
                                          description="a district, zone or jurisdiction id, as listed by /districts")]
IndicatorIdPath = Annotated[str, PathParam(pattern=ID, max_length=80,
                                           description="an indicator id, as listed by /indicators")]
OffsetQuery = Annotated[int, Query(ge=0, le=100_000, description="rows to skip before the first one answered "
                                   "(paging; the total is in X-Total-Count)")]
#: the page number of an HTML list
PageQuery = Annotated[int, Query(alias="page", ge=1, le=10_000, description="the page of the list, from 1")]
#: the language of an HTML page: Chinese by default; anything but ``en`` shows Chinese
PageLangQuery = Annotated[str, Query(max_length=8, examples=["en"], description="the page's language: zh (the "
                                     "default) or en; any other value shows the Chinese page")]
#: the language of a resource page (strict)
LangQuery = Annotated[str, Query(pattern="^(zh|en)$", description="the HTML page's language: zh (default) or en")]
#: the formats of a resource document by name (a link a browser can follow)
RdfFormatQuery = Annotated[str | None, Query(pattern="^(turtle|ntriples|jsonld|rdfxml|html)$", description=(
    "turtle, ntriples, jsonld, rdfxml or html; overrides Accept (application/json is JSON-LD)"))]


#: the search filters, shared by the search page and ``GET /search`` ("" = any)
SearchText = Annotated[str, Query(max_length=100, examples=["营商环境"], description=(
    "what to find: in a words search (the default) every word (words separated by spaces) as a run of "
    "Chinese characters, in any order; in a phrase search the text as given"))]
ModeFilter = Annotated[Literal["words", "phrase"], Query(description="words (every word, any order) or phrase "
                                                         "(the exact text)")]
PlanFilter = Annotated[str, Query(pattern=r"^([a-z0-9][a-z0-9-]*)?$", max_length=80, description=(
    "only the tasks of this plan (a plan id, see /plans)"))]
YearFilter = Annotated[int | None, Query(ge=1900, le=2100, description="only the tasks in force that year (their "
                                         "plan's period covers it) or due that year (YYYY)")]
#: the search form's year: its field is sent empty when not filled in
PageYearFilter = Annotated[str, Query(pattern=r"^(\d{4})?$", description="only the tasks in force that year (their "
                                      "plan's period covers it) or due that year (YYYY); empty: any year")]
AgencyFilter = Annotated[str, Query(pattern=r"^([a-z0-9][a-z0-9-]*)?$", max_length=80, description=(
    "only the tasks that name this agency (an agency id, see /agencies)"))]
RoleFilter = Annotated[Literal["", "lead", "participating", "responsible"], Query(description=(
    "with agency (or alone): only the tasks where it (any agency) has this role: lead, participating or "
    "responsible"))]


def limit_query(maximum: int, default: int) -> Any:
    """The ``limit`` parameter of a paged list: 1..``maximum`` rows, ``default`` when not given."""
    return Query(ge=1, le=maximum, description=f"rows a page, 1 to {maximum} ({default} when not given)")


#: ``?format=csv`` on the table routes (a link a browser can follow); ``json`` the default
FormatQuery = Annotated[str | None, Query(pattern=FORMAT_PATTERN, description="json (default) or csv: "
                                          "a CSV table, UTF-8 with a byte-order mark; or ask by Accept: text/csv")]


def get_served(request: Request) -> Served:
    """The build this request reads (one build for the whole request, even across a rebuild)."""
    served: Served = request_served(request)
    return served


def get_store(request: Request) -> Any:
    """The store of the served build (embedded, or remote with the same methods)."""
    return get_served(request).store


def get_pool(request: Request) -> Any:
    """The SPARQL workers of the served build (None: the service has no SPARQL endpoint)."""
    return get_served(request).pool


def get_settings(request: Request) -> Settings:
    """The settings the app was made with."""
    settings: Settings = request.app.state.settings
    return settings


def get_base(request: Request) -> Namespace:
    """The base of instance IRIs, for the minting helpers of ``plankg.graph.namespace``."""
    return Namespace(get_settings(request).base_iri)


ServedDep = Annotated[Served, Depends(get_served)]
StoreDep = Annotated[Any, Depends(get_store)]
PoolDep = Annotated[Any, Depends(get_pool)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
BaseDep = Annotated[Namespace, Depends(get_base)]
