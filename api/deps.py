"""What a route depends on, as ``Annotated`` aliases: the served build (read once per request),
its store and SPARQL pool, the settings, the base of instance IRIs, and the path ids."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi import Path as PathParam
from rdflib import Namespace

from plankg.api.cache import request_served
from plankg.api.negotiation import FORMAT_PATTERN
from plankg.api.served import Served
from plankg.api.settings import Settings

__all__ = ["ID", "BaseDep", "FormatQuery", "IdPath", "PoolDep", "ServedDep", "SettingsDep", "StoreDep", "get_served"]

#: the form of a plan, agency, district or indicator id in a path
ID = r"^[a-z0-9][a-z0-9-]*$"
IdPath = Annotated[str, PathParam(pattern=ID, max_length=80)]
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
