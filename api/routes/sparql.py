"""The SPARQL 1.1 protocol endpoint (GET, POST form, POST query) and its example queries.

Each query is checked and run in a worker of the served build's pool (killable, sandboxed),
under its client's limits; the query errors of the core are answered with the status
:mod:`plankg.api.sparql.errors` maps them to.
"""

from __future__ import annotations

from importlib import resources
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from plankg.api.deps import PoolDep, get_served, get_settings
from plankg.api.models import ExampleQuery
from plankg.api.negotiation import GRAPH_TYPES, RESULT_TYPES, negotiate
from plankg.api.security import ClientLimits, HeldResponse, client_key
from plankg.api.sparql.errors import status_of
from plankg.api.sparql.fastpath import answer_headers
from plankg.api.sparql.workers import FORMATS, QueryRequest
from plankg.graph.errors import QueryError, StoreTimeout, StoreUnavailable

__all__ = ["example_queries", "router", "service_description"]

router = APIRouter(tags=["SPARQL"])
#: the schema of a result by format: SPARQL JSON results are an object, JSON-LD any JSON, the rest text
_RESULT_SCHEMAS: dict[str, dict[str, Any]] = {"json": {"type": "object"}, "jsonld": {}}

SPARQL_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "results (SPARQL results or RDF, by content negotiation); without a query, "
                         "the service description in Turtle",
          "content": {media: {"schema": _RESULT_SCHEMAS.get(name, {"type": "string"})}
                      for name, media in FORMATS.items()}},
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


def _run(request: Request, pool: Any, query: str, default_graphs: list[str], named_graphs: list[str]) -> Response:
    """Check and run one query in a worker, within the budget (the text run is the text checked)."""
    if pool is None:
        raise HTTPException(503, "no SPARQL endpoint on this service")
    settings = get_settings(request)
    graphs = get_served(request).graphs  # read once: a rebuild swaps it
    for graph in (*default_graphs, *named_graphs):
        if graph not in graphs:
            raise HTTPException(400, f"<{graph}> is not one of this dataset's graphs")
    if len(query.encode("utf-8", errors="replace")) > settings.max_query_bytes:
        raise HTTPException(413, f"the query is larger than {settings.max_query_bytes} bytes")
    accept = request.headers.get("accept")
    job = QueryRequest(query, negotiate(accept, RESULT_TYPES), negotiate(accept, GRAPH_TYPES),
                       graphs, tuple(default_graphs), tuple(named_graphs), settings.max_query_bytes,
                       settings.base_iri)
    limits: ClientLimits = request.app.state.limits
    key = client_key(request.scope)
    try:
        result = pool.run(job)
    except (StoreTimeout, StoreUnavailable):
        raise  # 504 / 502, by the app's QueryError handler, not charged to the client
    except QueryError as exc:
        limits.charge(key, getattr(exc, "seconds", 0.0))
        raise HTTPException(status_of(exc), str(exc)) from None
    limits.charge(key, result.seconds)
    headers = answer_headers(result, settings.max_rows, settings.max_result_bytes)
    return Response(result.body, media_type=result.media_type, headers=headers)


async def _limited(request: Request, pool: Any, query: str | None, defaults: list[str], named: list[str]) -> Response:
    """The query under its client's limits: the wait for a slot holds no thread, and the slot
    is held until the answer is sent (a client that does not read holds only its own)."""
    if query is None:
        return Response(service_description(get_settings(request).base_iri, request), media_type=FORMATS["turtle"])
    settings = get_settings(request)
    limits: ClientLimits = request.app.state.limits
    release = await limits.acquire(client_key(request.scope))
    try:
        response = await run_in_threadpool(_run, request, pool, query, defaults, named)
        size = len(response.body)
        if not limits.hold(size, settings.max_held_bytes):  # answers waiting for slow readers
            raise HTTPException(503, "too many answers are waiting for their clients to read them; try again",
                                headers={"Retry-After": "5"})
    except BaseException:
        release()
        raise

    def done() -> None:
        limits.hold(-size, settings.max_held_bytes)
        release()

    return HeldResponse(response, done, settings.send_timeout)


@router.get("/sparql", summary="SPARQL 1.1 query (GET); no query gives the service description",
            responses=SPARQL_RESPONSES)
async def sparql_get(request: Request, pool: PoolDep, query: Annotated[list[str] | None, Query(
                         description="one SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE); none: the service "
                         "description; more than one: 400", examples=["SELECT * WHERE { ?s ?p ?o } LIMIT 3"])] = None,
                     default_graph_uri: Annotated[list[str], Query(alias="default-graph-uri", description=(
                         "a named graph of the build to merge into the default graph (repeatable); a graph the "
                         "build lacks: 400"))] = [],  # noqa: B006
                     named_graph_uri: Annotated[list[str], Query(alias="named-graph-uri", description=(
                         "a named graph of the build that GRAPH may name (repeatable)"))] = []) -> Response:  # noqa: B006
    if "update" in request.query_params:
        raise HTTPException(400, "updates are not allowed")
    if query is not None and len(query) != 1:
        raise HTTPException(400, "give exactly one query")
    return await _limited(request, pool, query[0] if query else None, default_graph_uri, named_graph_uri)


async def _body(request: Request, max_body: int) -> bytes:
    """The request body, cut off past ``max_body`` (the Content-Length was checked by
    SecurityMiddleware; a chunked body is checked here)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_body:
            raise HTTPException(413, f"the request body is larger than {max_body} bytes",
                                headers={"Connection": "close"})
        chunks.append(chunk)
    return b"".join(chunks)


@router.post("/sparql", summary="SPARQL 1.1 query (POST form or application/sparql-query)",
             responses=SPARQL_RESPONSES, openapi_extra=SPARQL_BODY)
async def sparql_post(request: Request, pool: PoolDep) -> Response:
    settings = get_settings(request)
    body = await _body(request, settings.max_body_bytes or 3 * settings.max_query_bytes)
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    params = request.query_params
    if media == "application/sparql-query":
        if len(body) > settings.max_query_bytes:
            raise HTTPException(413, f"the query is larger than {settings.max_query_bytes} bytes")
        queries = [body.decode("utf-8", errors="replace")]
        defaults, named = params.getlist("default-graph-uri"), params.getlist("named-graph-uri")
    elif media == "application/x-www-form-urlencoded":
        form = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
        if "update" in form:
            raise HTTPException(400, "updates are not allowed")
        queries = form.get("query", [])
        defaults, named = form.get("default-graph-uri", []), form.get("named-graph-uri", [])
    else:
        raise HTTPException(400, "POST needs application/sparql-query or application/x-www-form-urlencoded")
    if len(queries) != 1:
        raise HTTPException(400, "give exactly one query")
    return await _limited(request, pool, queries[0], defaults, named)


@router.get("/sparql/examples", summary="Example queries for researchers (each with what it asks)",
            response_model=list[ExampleQuery])
def sparql_examples() -> list[dict[str, str]]:
    return example_queries()


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

    out = []
    for entry in sorted(resources.files("plankg.api").joinpath("queries").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            text = entry.read_text(encoding="utf-8")
            asks = " ".join(line.lstrip("# ").strip() for line in text.splitlines() if line.startswith("#"))
            out.append({"name": entry.name.removesuffix(".rq"), "asks": asks, "query": text})
    return out
