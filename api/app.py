"""The plankg service: a guarded SPARQL 1.1 endpoint, REST lookups, linked data and dumps.

``create_app(store, settings, pool)`` builds the app around an embedded store (REST and linked
data) and a :class:`~plankg.api.sparql.workers.QueryPool` (the public SPARQL endpoint, where queries
can be killed). Routes are plain ``def``: store calls block, so FastAPI runs them in its thread
pool. No user input is formatted into a query: ids are validated and bound as pyoxigraph terms.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import pyoxigraph as ox
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, JSONResponse, Response
from markupsafe import Markup

from plankg import __version__
from plankg.api.cache import ResponseCache, ResponseCacheMiddleware, request_store
from plankg.api.security import ClientLimits, HeldResponse, SecurityMiddleware, client_key
from plankg.api.settings import Settings
from plankg.api.sparql.errors import status_of
from plankg.api.sparql.remote import RemotePool, RemoteStore
from plankg.api.sparql.workers import FORMATS, QueryPool, QueryRequest
from plankg.api.web.pages import install_docs, install_web, render_resource_page, render_statements
from plankg.graph.analysis import find_agencies, responsibilities, responsibility_index
from plankg.graph.errors import QueryError, StoreTimeout, StoreUnavailable
from plankg.graph.search import search_tasks, searchable
from plankg.graph.store import GraphStore

__all__ = ["create_app", "negotiate"]

ID = r"^[a-z0-9][a-z0-9-]*$"
RESULT_TYPES = {"json": FORMATS["json"], "xml": FORMATS["xml"], "csv": FORMATS["csv"], "tsv": FORMATS["tsv"]}
GRAPH_TYPES = {"turtle": FORMATS["turtle"], "ntriples": FORMATS["ntriples"], "jsonld": FORMATS["jsonld"],
               "rdfxml": FORMATS["rdfxml"]}
SPARQL_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "results (SPARQL results or RDF, by content negotiation); without a query, "
                         "the service description in Turtle",
          "content": {media: {"schema": {"type": "string"}} for media in FORMATS.values()}},
    400: {"description": "bad query: syntax, update, SERVICE, foreign FROM, nesting, several queries; "
                         "or the engine could not evaluate it (a generic message)"},
    406: {"description": "no acceptable result format"},
    413: {"description": "query or request body too large"},
    429: {"description": "this client's limits (queries running, queries a second, query time a minute): "
                         "try again after Retry-After seconds"},
    503: {"description": "over the time budget, or every query worker busy"},
    502: {"description": "the remote store is unreachable or failed (remote store only)"},
    504: {"description": "the remote store did not answer within the timeout (remote store only)"},
}
SPARQL_BODY = {"requestBody": {"required": True, "content": {
    "application/sparql-query": {"schema": {"type": "string"}},
    "application/x-www-form-urlencoded": {"schema": {
        "type": "object", "required": ["query"],
        "properties": {"query": {"type": "string"}, "default-graph-uri": {"type": "string"},
                       "named-graph-uri": {"type": "string"}}}}}}}
ALIASES = {"application/json": "json", "text/xml": "xml", "application/xml": "xml",
           "text/plain": "ntriples", "application/x-turtle": "turtle"}


def negotiate(accept: str | None, offered: dict[str, str]) -> str | None:
    """The offered format the Accept header prefers (q-values honoured), the first offered one
    for a missing or ``*/*`` header, None when nothing fits.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULT_TYPES)
    'xml'
    >>> negotiate("image/png", RESULT_TYPES) is None
    True
    >>> negotiate(None, GRAPH_TYPES)
    'turtle'
    """
    if not accept:
        return next(iter(offered))
    by_type = {media: name for name, media in offered.items()}
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        q = 1.0
        for field in fields[1:]:
            if field.startswith("q="):
                try:
                    q = float(field[2:])
                except ValueError:
                    q = 0.0
        if q <= 0:
            continue
        if media in ("*/*", "application/*", "text/*"):
            for name, offered_media in offered.items():
                if media == "*/*" or offered_media.startswith(media[:-1]):
                    choices.append((q - 0.001, position, name))
                    break
        elif media in by_type:
            choices.append((q, position, by_type[media]))
        elif media in ALIASES and ALIASES[media] in offered:
            choices.append((q - 0.0005, position, ALIASES[media]))
    if not choices:
        return None
    return sorted(choices, key=lambda c: (-c[0], c[1]))[0][2]


def get_store(request: Request) -> GraphStore:
    """The store of the app, as pinned for this request (a rebuild may swap the app's store
    meanwhile; one request sees one build)."""
    store: GraphStore = request_store(request)
    return store


def get_pool(request: Request) -> QueryPool:
    """The SPARQL worker pool of the app."""
    pool: QueryPool = request.app.state.pool
    return pool


StoreDep = Annotated[GraphStore, Depends(get_store)]
PoolDep = Annotated[QueryPool, Depends(get_pool)]  # or the remote equivalents (same methods)


def _rows(store: GraphStore, query: str, bindings: dict[str, Any] | None = None) -> list[dict[str, str]]:
    table = store.select(query, bindings)
    return [dict(zip(table.variables, row, strict=True)) for row in table.rows]


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
    app.state.store = store
    app.state.settings = settings
    app.state.dump = dump
    app.state.pool = pool or (QueryPool(dump, settings.query_workers, settings.query_timeout,
                                        settings.max_rows, settings.query_wait, settings.max_result_bytes)
                              if dump else None)
    app.state.limits = ClientLimits(settings.client_queries, settings.client_rate, settings.client_burst,
                                    settings.client_seconds, settings.query_wait)
    max_body = settings.max_body_bytes or 3 * settings.max_query_bytes
    base = settings.base_iri
    graphs = {row[0] for row in store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows}
    app.state.graphs = graphs
    # a build is immutable: repeated GETs are answered from memory (not for a remote store,
    # which can change under us)
    app.state.response_cache = ResponseCache() if isinstance(store, GraphStore) else None
    if isinstance(store, GraphStore):
        # every agency's list and the search rows, read once before the first request
        responsibility_index(store)
        searchable(store)

    app.add_middleware(ResponseCacheMiddleware)
    app.add_middleware(SecurityMiddleware, max_body=max_body)  # outermost: cached answers get the headers
    install_web(app, settings.assets_dir, example_queries)
    install_docs(app)

    # a remote store that hangs or is down: every route answers 504 / 502 within its timeout
    @app.exception_handler(QueryError)
    def query_error(request: Request, exc: QueryError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=status_of(exc))
    sources_dir = settings.sources_dir or _vendored_sources()

    def sparql_response(request: Request, pool: QueryPool, query: str | None,
                        default_graphs: list[str], named_graphs: list[str]) -> Response:
        if query is None:
            return Response(service_description(base, request), media_type=FORMATS["turtle"])
        graphs = app.state.graphs  # read once: a rebuild swaps it
        for graph in (*default_graphs, *named_graphs):
            if graph not in graphs:
                raise HTTPException(400, f"<{graph}> is not one of this dataset's graphs")
        if len(query.encode("utf-8", errors="replace")) > settings.max_query_bytes:
            raise HTTPException(413, f"the query is larger than {settings.max_query_bytes} bytes")
        accept = request.headers.get("accept")
        # checked and run in a worker, within the budget: the text run is the text checked
        job = QueryRequest(query, negotiate(accept, RESULT_TYPES), negotiate(accept, GRAPH_TYPES),
                           tuple(sorted(graphs)), tuple(default_graphs), tuple(named_graphs),
                           settings.max_query_bytes)
        limits: ClientLimits = app.state.limits
        key = client_key(request.scope)
        try:
            result = pool.run(job)
        except (StoreTimeout, StoreUnavailable):
            raise  # 504 / 502, by the handler above
        except QueryError as exc:
            limits.charge(key, getattr(exc, "seconds", 0.0))
            raise HTTPException(status_of(exc), str(exc)) from None
        limits.charge(key, result.seconds)
        headers = {"Vary": "Accept", "X-Result-Rows": str(result.rows)}
        if result.truncated:
            cap = f"{settings.max_result_bytes} bytes" if result.limit == "bytes" else f"{settings.max_rows} rows"
            headers["X-Result-Truncated"] = f"true; at most {cap}"
        return Response(result.body, media_type=result.media_type, headers=headers)

    async def limited(request: Request, pool: QueryPool, query: str | None, defaults: list[str],
                      named: list[str]) -> Response:
        """The query under its client's limits: the wait for a slot holds no thread, and the
        slot is held until the answer is sent (a client that does not read holds only its own)."""
        from starlette.concurrency import run_in_threadpool

        if query is None:
            return sparql_response(request, pool, None, defaults, named)
        limits: ClientLimits = app.state.limits
        release = await limits.acquire(client_key(request.scope))
        try:
            response = await run_in_threadpool(sparql_response, request, pool, query, defaults, named)
            size = len(response.body)
            if not limits.hold(size, settings.max_held_bytes):  # answers waiting for slow readers
                raise HTTPException(503, "too many answers are waiting for their clients to read them; "
                                         "try again", headers={"Retry-After": "5"})
        except BaseException:
            release()
            raise

        def done() -> None:
            limits.hold(-size, settings.max_held_bytes)
            release()

        return HeldResponse(response, done, settings.send_timeout)

    @app.get("/sparql", summary="SPARQL 1.1 query (GET); no query gives the service description",
             responses=SPARQL_RESPONSES)
    async def sparql_get(request: Request, pool: PoolDep, query: Annotated[list[str] | None, Query()] = None,
                         default_graph_uri: Annotated[list[str], Query(alias="default-graph-uri")] = [],  # noqa: B006
                         named_graph_uri: Annotated[list[str], Query(alias="named-graph-uri")] = []) -> Response:  # noqa: B006
        if query is not None and len(query) != 1:
            raise HTTPException(400, "give exactly one query")
        return await limited(request, pool, query[0] if query else None, default_graph_uri, named_graph_uri)

    @app.post("/sparql", summary="SPARQL 1.1 query (POST form or application/sparql-query)",
              responses=SPARQL_RESPONSES, openapi_extra=SPARQL_BODY)
    async def sparql_post(request: Request, pool: PoolDep) -> Response:
        # the Content-Length was checked by SecurityMiddleware; a chunked body is cut off here
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_body:
                raise HTTPException(413, f"the request body is larger than {max_body} bytes",
                                    headers={"Connection": "close"})
            chunks.append(chunk)
        body = b"".join(chunks)
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        params = request.query_params
        if media == "application/sparql-query":
            if len(body) > settings.max_query_bytes:
                raise HTTPException(413, f"the query is larger than {settings.max_query_bytes} bytes")
            queries = [body.decode("utf-8", errors="replace")]
            defaults, named = params.getlist("default-graph-uri"), params.getlist("named-graph-uri")
        elif media == "application/x-www-form-urlencoded":
            from urllib.parse import parse_qs

            form = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
            if "update" in form:
                raise HTTPException(400, "updates are not allowed")
            queries = form.get("query", [])
            defaults, named = form.get("default-graph-uri", []), form.get("named-graph-uri", [])
        else:
            raise HTTPException(400, "POST needs application/sparql-query or application/x-www-form-urlencoded")
        if len(queries) != 1:
            raise HTTPException(400, "give exactly one query")
        return await limited(request, pool, queries[0], defaults, named)

    @app.get("/sparql/examples", summary="Example queries for researchers (each with what it asks)")
    def sparql_examples() -> list[dict[str, str]]:
        return example_queries()

    @app.get("/agencies", summary="Find agencies by any Chinese or English name, exact or partial")
    def agencies(store: StoreDep, name: Annotated[str, Query(min_length=1, max_length=100)]) -> list[dict[str, Any]]:
        return [{"id": iri.rsplit("/", 1)[-1], "iri": iri, "name": label, "exact": exact}
                for iri, label, exact in find_agencies(store, name)]

    @app.get("/agencies/{agency_id}", summary="An agency with its names, lineage, groups and full responsibility list",
             responses={200: {"content": {"application/json": {"schema": {"type": "object"}}}},
                        404: {"description": "unknown agency"}}, response_model=None)
    def agency(store: StoreDep, agency_id: Annotated[str, PathParam(pattern=ID, max_length=80)],
               plan: str | None = None, role: str | None = None, year: int | None = None) -> JSONResponse:
        iri = f"{base}agency/{agency_id}"
        node = ox.NamedNode(iri)
        names = _rows(store, """SELECT ?p ?v WHERE { ?a ?p ?v . VALUES ?p { skos:prefLabel skos:altLabel rdfs:label pk:agencyType } }""",
                      {"a": node})
        if not names:
            raise HTTPException(404, f"no agency {agency_id!r}")
        tasks = responsibilities(store, iri)
        if plan:
            tasks = [t for t in tasks if t.plan == plan]
        if role:
            tasks = [t for t in tasks if t.role == role]
        if year:
            tasks = [t for t in tasks if str(year) in (t.deadline or "") or str(year) in t.plan]
        counts: dict[str, dict[str, int]] = {}
        for t in tasks:
            counts.setdefault(t.plan, {}).setdefault(t.role, 0)
            counts[t.plan][t.role] += 1
        lineage = lambda q: [r["x"].rsplit("/", 1)[-1] for r in _rows(store, q, {"a": node})]  # noqa: E731
        # plain JSON types only: answered as is, without FastAPI's encoder walking 100s of tasks
        return JSONResponse({
            "id": agency_id, "iri": iri,
            "name": next((r["v"] for r in names if r["p"].endswith("prefLabel")), None),
            "altNames": sorted(r["v"] for r in names if r["p"].endswith("altLabel")),
            "englishName": next((r["v"] for r in names if r["p"].endswith("#label")), None),
            "type": next((r["v"] for r in names if r["p"].endswith("agencyType")), None),
            "predecessors": lineage("SELECT ?x WHERE { ?x pk:replacedBy+ ?a }"),
            "successors": lineage("SELECT ?x WHERE { ?a pk:replacedBy+ ?x }"),
            "groups": lineage("SELECT ?x WHERE { ?x pk:includesAgency ?a }"),
            "counts": counts,
            "tasks": [{"task": t.task, "plan": t.plan, "number": t.number, "title": t.title, "role": t.role,
                       "via": t.via, "namedAs": t.holder, "deadline": t.deadline} for t in tasks],
        })

    @app.get("/plans", summary="Every plan with its task counts")
    def plans(store: StoreDep) -> list[dict[str, Any]]:
        return _rows(store, """SELECT ?plan ?title ?tasks ?declared WHERE {
            { SELECT ?plan (COUNT(?t) AS ?tasks) WHERE { ?t a pk:Task ; pk:inPlan ?plan } GROUP BY ?plan }
            ?plan dcterms:title ?title . OPTIONAL { ?plan pk:declaredTaskCount ?declared } } ORDER BY ?plan""")

    @app.get("/plans/{plan_id}", summary="A plan: title, period, counts, links, provenance",
             responses={404: {"description": "unknown plan"}})
    def plan(store: StoreDep, plan_id: Annotated[str, PathParam(pattern=ID, max_length=80)]) -> dict[str, Any]:
        node = ox.NamedNode(f"{base}plan/{plan_id}")
        facts = _rows(store, """SELECT ?p ?o WHERE { ?plan ?p ?o . FILTER(?p != pk:hasTask) }""", {"plan": node})
        if not facts:
            raise HTTPException(404, f"no plan {plan_id!r}")
        out: dict[str, Any] = {"iri": node.value}
        for fact in facts:
            out.setdefault(fact["p"].rsplit("#", 1)[-1].rsplit("/", 1)[-1], []).append(fact["o"])
        out["tasks"] = len(_rows(store, "SELECT ?t WHERE { ?t a pk:Task ; pk:inPlan ?plan }", {"plan": node}))
        return out

    @app.get("/districts/{district_id}", summary="A district or zone, with the tasks that name it",
             responses={404: {"description": "unknown district"}})
    def district(store: StoreDep, district_id: Annotated[str, PathParam(pattern=ID, max_length=80)]) -> dict[str, Any]:
        node = ox.NamedNode(f"{base}district/{district_id}")
        names = _rows(store, "SELECT ?p ?v WHERE { ?d ?p ?v . VALUES ?p { skos:prefLabel skos:altLabel rdfs:label pk:divisionCode } }",
                      {"d": node})
        if not names:
            raise HTTPException(404, f"no district {district_id!r}")
        tasks = _rows(store, """SELECT ?task ?title WHERE { ?task pk:mentionsPlace ?d ; dcterms:title ?title } ORDER BY ?task""",
                      {"d": node})
        return {"iri": node.value, "names": names, "tasks": tasks}

    @app.get("/indicators/{indicator_id}", summary="An indicator and its target trajectory",
             responses={404: {"description": "unknown indicator"}})
    def indicator(store: StoreDep, indicator_id: Annotated[str, PathParam(pattern=ID, max_length=80)]) -> dict[str, Any]:
        from plankg.graph.store import named_query

        node = ox.NamedNode(f"{base}indicator/{indicator_id}")
        labels = _rows(store, "SELECT ?label WHERE { ?i rdfs:label ?label }", {"i": node})
        if not labels:
            raise HTTPException(404, f"no indicator {indicator_id!r}")
        return {"iri": node.value, "labels": [r["label"] for r in labels],
                "trajectory": _rows(store, named_query("target_trajectory"), {"indicator": node})}

    @app.get("/targets", summary="Targets, filtered by year, plan or indicator")
    def targets(store: StoreDep, year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
                plan: Annotated[str | None, Query(pattern=ID, max_length=80)] = None,
                indicator: Annotated[str | None, Query(pattern=ID, max_length=80)] = None) -> list[dict[str, str]]:
        rows = _rows(store, """SELECT ?task ?plan ?indicator ?label ?comparator ?value ?unit ?year ?sourceText WHERE {
            ?task pk:hasTarget ?t ; pk:inPlan ?plan . ?t pk:indicator ?indicator ; pk:comparator ?comparator ;
            pk:value ?value ; pk:sourceText ?sourceText . ?indicator rdfs:label ?label . FILTER(LANG(?label) = "zh")
            OPTIONAL { ?t pk:unit ?unit } OPTIONAL { ?t pk:targetYear ?year } } ORDER BY ?plan ?task""")
        return [r for r in rows
                if (year is None or r.get("year") == str(year))
                and (plan is None or r["plan"] == f"{base}plan/{plan}")
                and (indicator is None or r["indicator"] == f"{base}indicator/{indicator}")]

    @app.get("/plans/{plan_id}/tasks", summary="A plan's tasks, paged", responses={404: {"description": "unknown plan"}})
    def plan_tasks(store: StoreDep, plan_id: Annotated[str, PathParam(pattern=ID, max_length=80)],
                   limit: Annotated[int, Query(ge=1, le=500)] = 100, offset: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:
        rows = _rows(store, """SELECT ?task ?number ?title WHERE { ?task a pk:Task ; pk:inPlan ?plan ;
            pk:taskNumber ?number ; dcterms:title ?title } ORDER BY ?number""", {"plan": ox.NamedNode(f"{base}plan/{plan_id}")})
        if not rows:
            raise HTTPException(404, f"no plan {plan_id!r}")
        return {"plan": plan_id, "total": len(rows), "tasks": rows[offset: offset + limit]}

    @app.get("/tasks/{plan_id}/{number}", summary="A task with its units, targets, links and provenance",
             responses={404: {"description": "unknown task"}})
    def task(store: StoreDep, plan_id: Annotated[str, PathParam(pattern=ID, max_length=80)],
             number: Annotated[int, PathParam(ge=1, le=100_000)]) -> dict[str, Any]:
        node = ox.NamedNode(f"{base}plan/{plan_id}/task/{number}")
        facts = _rows(store, "SELECT ?p ?o WHERE { ?t ?p ?o }", {"t": node})
        if not facts:
            raise HTTPException(404, f"no task {plan_id}/{number}")
        out: dict[str, Any] = {"iri": node.value}
        for fact in facts:
            out.setdefault(fact["p"].rsplit("#", 1)[-1].rsplit("/", 1)[-1], []).append(fact["o"])
        return out

    @app.get("/search", summary="Full-text search over task titles and texts (Chinese bigrams), ranked")
    def search(store: StoreDep, q: Annotated[str, Query(min_length=1, max_length=100)],
               limit: Annotated[int, Query(ge=1, le=100)] = 20) -> list[dict[str, Any]]:
        return [{"task": hit["task"], "title": hit["title"], "score": hit["score"]}
                for hit in search_tasks(store, q, limit)]

    @app.get("/id/{path:path}", summary="Dereference an instance IRI (Turtle, JSON-LD, N-Triples, RDF/XML, HTML)",
             responses={200: {"content": {m: {"schema": {"type": "string"}} for m in
                                          (*GRAPH_TYPES.values(), "text/html")}},
                        404: {"description": "unknown IRI"}, 406: {"description": "no acceptable format"}})
    def resource(request: Request, store: StoreDep, path: str,
                 lang: Annotated[str, Query(pattern="^(zh|en)$")] = "zh") -> Response:
        if not re.fullmatch(r"[A-Za-z0-9_./-]+", path):
            raise HTTPException(404, f"no resource {path!r}")
        iri = ox.NamedNode(f"{base}{path}")
        # the resource's own statements, and those that point at it (but not a plan's hasTask list)
        found = store.query("CONSTRUCT { ?s ?p ?o } WHERE { { ?r ?p ?o . BIND(?r AS ?s) } UNION "
                            "{ ?s ?p ?r . BIND(?r AS ?o) FILTER(?p != pk:hasTask) } }", {"r": iri})
        triples = list(found) if isinstance(found, ox.QueryTriples | list) else []
        del found  # pyoxigraph results may not be dropped on another thread (an error's traceback would)
        if not triples:
            raise HTTPException(404, f"no resource <{iri.value}>")
        fmt = negotiate(request.headers.get("accept"), {**GRAPH_TYPES, "html": "text/html"})
        if fmt is None:
            raise HTTPException(406, "Turtle, N-Triples, JSON-LD, RDF/XML or HTML")
        if fmt == "html":
            page = render_resource_page(request, store, base, path, lang, sources_dir)
            if page is not None:
                return page
            rows = [(resource_cell(t.subject), resource_cell(t.predicate), resource_cell(t.object))
                    for t in sorted(triples, key=str)]
            return render_statements(request, iri.value, rows, lang)
        body = ox.serialize(triples, format={"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
                                             "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}[fmt])
        return Response(body, media_type=GRAPH_TYPES[fmt], headers={"Vary": "Accept"})

    @app.get("/dumps/plankg.nq", summary="The whole build as N-Quads", response_class=FileResponse,
             responses={200: {"content": {"application/n-quads": {"schema": {"type": "string"}}}},
                        404: {"description": "no dump"}})
    def dump_nq() -> FileResponse:
        if app.state.dump is None:
            raise HTTPException(404, "no dump")
        return FileResponse(app.state.dump, media_type="application/n-quads", filename="plankg.nq")

    @app.get("/dumps/plankg.ttl", summary="The merged graph as Turtle",
             responses={200: {"content": {"text/turtle": {"schema": {"type": "string"}}}}})
    def dump_ttl(store: StoreDep) -> Response:
        return Response(merged_dump(app, store, "turtle"), media_type=FORMATS["turtle"])

    @app.get("/dumps/plankg.jsonld", summary="The merged graph as JSON-LD",
             responses={200: {"content": {"application/ld+json": {"schema": {"type": "array", "items": {"type": "object"}}}}}})
    def dump_jsonld(store: StoreDep) -> Response:
        return Response(merged_dump(app, store, "jsonld"), media_type=FORMATS["jsonld"])

    @app.get("/.well-known/void", summary="VoID and DCAT description of the dataset")
    def void(store: StoreDep) -> JSONResponse:
        total = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]
        return JSONResponse({
            "@context": {"void": "http://rdfs.org/ns/void#", "dcat": "http://www.w3.org/ns/dcat#",
                         "dcterms": "http://purl.org/dc/terms/"},
            "@id": f"{base}dataset", "@type": ["void:Dataset", "dcat:Dataset"],
            "dcterms:title": "plankg: Shenzhen business-environment plans", "void:triples": int(total),
            "void:sparqlEndpoint": "/sparql",
            "void:dataDump": "/dumps/plankg.nq", "void:uriSpace": base,
            "dcterms:license": "https://creativecommons.org/publicdomain/zero/1.0/",
            "void:subset": sorted(app.state.graphs),
            "void:exampleResource": [f"{base}plan/sz-market-2024", f"{base}agency/sz-amr"],
        })

    return app


def service_description(base: str, request: Request) -> bytes:
    """A SPARQL 1.1 Service Description of the endpoint (Turtle)."""
    endpoint = str(request.url).split("?")[0]
    return f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix void: <http://rdfs.org/ns/void#> .
<{endpoint}> a sd:Service ;
    sd:endpoint <{endpoint}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_JSON>, <http://www.w3.org/ns/formats/SPARQL_Results_XML>,
        <http://www.w3.org/ns/formats/SPARQL_Results_CSV>, <http://www.w3.org/ns/formats/SPARQL_Results_TSV>,
        <http://www.w3.org/ns/formats/Turtle>, <http://www.w3.org/ns/formats/N-Triples>,
        <http://www.w3.org/ns/formats/JSON-LD>, <http://www.w3.org/ns/formats/RDF_XML> ;
    sd:feature sd:UnionDefaultGraph ;
    sd:defaultDataset [ a sd:Dataset ; void:uriSpace "{base}" ] .
""".encode()


def example_queries() -> list[dict[str, str]]:
    """The example queries shipped in ``plankg.api/queries``: name, what each asks, text."""
    from importlib import resources

    out = []
    for entry in sorted(resources.files("plankg.api").joinpath("queries").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            text = entry.read_text(encoding="utf-8")
            asks = " ".join(line.lstrip("# ").strip() for line in text.splitlines() if line.startswith("#"))
            out.append({"name": entry.name.removesuffix(".rq"), "asks": asks, "query": text})
    return out


def merged_dump(app: FastAPI, store: GraphStore, fmt: str) -> bytes:
    """The merged graph serialized once per format and kept."""
    cache: dict[str, bytes] | None = getattr(app.state, "dumps", None)
    if cache is None:  # a rebuild (plankg.api.reload) resets it
        cache = app.state.dumps = {}
    if fmt not in cache:
        found = store.query("CONSTRUCT WHERE { ?s ?p ?o }")
        triples = list(found) if isinstance(found, ox.QueryTriples | list) else []
        del found
        rdf_format = ox.RdfFormat.TURTLE if fmt == "turtle" else ox.RdfFormat.JSON_LD
        cache[fmt] = ox.serialize(sorted(triples, key=str), format=rdf_format) or b""
    return cache[fmt]


def resource_cell(term: Any) -> Markup:
    """One term of a statement as HTML: instance IRIs link to their page on this site."""
    from html import escape

    if isinstance(term, ox.NamedNode):
        href = "/id/" + term.value.split("/id/", 1)[1] if "/id/" in term.value else term.value
        return Markup(f'<a href="{escape(href)}">{escape(term.value)}</a>')
    lang = f' lang="{escape(term.language)}"' if getattr(term, "language", None) else ""
    return Markup(f"<span{lang}>{escape(term.value)}</span>")


def _vendored_sources() -> Path:
    from plankg.graph.resources import vendored_sources

    return vendored_sources()
