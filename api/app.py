"""The plankg service: a guarded SPARQL 1.1 endpoint, REST lookups, linked data, dumps and pages.

``create_app(store, settings, pool, dump)`` is a small factory: it opens the build as one
:class:`~plankg.api.served.Served` object (store, SPARQL pool, graphs, dumps, cache), which a
rebuild swaps in one assignment, and includes one router per resource (``plankg.api.routes``).
Routes are plain ``def`` where store calls block, so FastAPI runs them in its thread pool. No
user input is formatted into a query: ids are validated, minted into IRIs by
``plankg.graph.namespace`` and bound as pyoxigraph terms to the named queries of ``graph/queries``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from plankg import __version__
from plankg.api.cache import Compression, ConditionalMiddleware, ResponseCacheMiddleware
from plankg.api.negotiation import negotiate
from plankg.api.routes import agencies, linked_data, places, plans_tasks
from plankg.api.routes import sparql as sparql_routes
from plankg.api.security import ClientLimits, SecurityMiddleware
from plankg.api.served import Served
from plankg.api.settings import Settings
from plankg.api.sparql.errors import status_of
from plankg.api.sparql.fastpath import SparqlFastPath
from plankg.api.sparql.remote import RemotePool, RemoteStore
from plankg.api.sparql.workers import QueryPool
from plankg.api.web.pages import install_docs, install_web
from plankg.graph.errors import QueryError
from plankg.graph.store import GraphStore

__all__ = ["create_app", "negotiate"]

ROUTERS = (sparql_routes.router, agencies.router, plans_tasks.router, places.router, linked_data.router)


def create_app(store: GraphStore | RemoteStore, settings: Settings, pool: QueryPool | RemotePool | None = None,
               dump: Path | None = None) -> FastAPI:
    """The service over one build.

    Args:
        store: the build in the embedded store, or a remote store (REST, linked data).
        settings: limits and the base IRI.
        pool: the SPARQL workers (default: a pool over ``dump``).
        dump: the build's ``plankg.nq`` (served under ``/dumps``).
    """
    app = FastAPI(title="plankg", version=__version__, docs_url=None, redoc_url=None,
                  description="Shenzhen business-environment plans as a knowledge graph: SPARQL, "
                              "REST lookups, linked data and dumps.")
    app.state.settings = settings
    app.state.limits = ClientLimits(settings.client_queries, settings.client_rate, settings.client_burst,
                                    settings.client_seconds, settings.query_wait)
    app.state.served = Served.open(store, settings, pool, dump, warm=False)  # indexes read in the background
    app.add_middleware(ResponseCacheMiddleware)
    # /sparql queries without FastAPI's routing (the route keeps refusals), inside gzip like the route
    app.add_middleware(SparqlFastPath)
    app.add_middleware(Compression, minimum_size=1024, compresslevel=6)  # the caches keep plain bytes
    app.add_middleware(ConditionalMiddleware)  # outside gzip: the ETag names the encoding
    # outermost: cached answers get the headers too
    app.add_middleware(SecurityMiddleware, max_body=settings.max_body_bytes or 3 * settings.max_query_bytes)
    install_web(app, settings.assets_dir, sparql_routes.example_queries)
    install_docs(app)

    # a remote store that hangs or is down: every route answers 504 / 502 within its timeout
    @app.exception_handler(QueryError)
    def query_error(request: Request, exc: QueryError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=status_of(exc))

    for router in ROUTERS:
        app.include_router(router)
    return app
