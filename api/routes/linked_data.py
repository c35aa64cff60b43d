"""Linked data and dumps: every instance IRI dereferenced (RDF or an HTML page), the whole
build as N-Quads, Turtle and JSON-LD, and the dataset's VoID description."""

from __future__ import annotations

import gzip
import json
import re
from html import escape
from typing import Annotated, Any

import pyoxigraph as ox
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, RedirectResponse, Response
from markupsafe import Markup

from plankg.api.dataset import (
    CONTEXT,
    DESCRIPTION_TYPES,
    dataset_description,
    licence_triples,
    serialize,
)
from plankg.api.deps import BaseDep, LangQuery, RdfFormatQuery, ServedDep, SettingsDep, StoreDep
from plankg.api.models import DatasetDocument
from plankg.api.negotiation import GRAPH_TYPES, negotiate
from plankg.api.served import Served
from plankg.api.sparql.workers import FORMATS
from plankg.api.web.pages import (
    prefers_html,
    render_resource_page,
    render_statements,
    render_vocabulary,
)
from plankg.graph.lookup import select
from plankg.graph.resources import vendored_sources
from plankg.graph.store import named_query

__all__ = ["merged_dump", "resource_cell", "router"]

router = APIRouter(tags=["linked data and dumps"])
RDF_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
               "rdfxml": ox.RdfFormat.RDF_XML}


def _triples(store: Any, name: str, bindings: dict[str, ox.NamedNode] | None = None) -> list[Any]:
    found = store.query(named_query(name), bindings)
    triples = list(found) if isinstance(found, ox.QueryTriples | list) else []
    del found  # pyoxigraph results may not be dropped on another thread (an error's traceback would)
    return triples


#: the formats of a resource document, by Accept or ?format= (application/json is JSON-LD)
ID_TYPES = {**GRAPH_TYPES, "html": "text/html", "json": "application/json"}


@router.get("/id/{path:path}", summary="Dereference an instance IRI (Turtle, JSON-LD, N-Triples, RDF/XML, HTML by "
            "Accept or ?format=); the document names every resource it links to and its licence",
            responses={200: {"content": {m: {"schema": {"type": "string"}} for m in (*GRAPH_TYPES.values(), "text/html")}},
                       303: {"description": "the dataset: see its description"},
                       404: {"description": "unknown IRI"}, 406: {"description": "no acceptable format"}})
def resource(request: Request, store: StoreDep, base: BaseDep, settings: SettingsDep,
             path: Annotated[str, PathParam(description="the IRI after /id/, e.g. plan/sz-market-2023-2025, "
                                                  "task/sz-market-2023-2025/1, agency/sz-amr, dataset")],
             lang: LangQuery = "zh", format: RdfFormatQuery = None) -> Response:
    if path == "dataset":
        return RedirectResponse("/.well-known/void", status_code=303)
    if not re.fullmatch(r"[A-Za-z0-9_./-]+", path):
        raise HTTPException(404, f"no resource {path!r}")
    iri = ox.NamedNode(base[path])
    triples = _triples(store, "resource_statements", {"r": iri})
    if not triples:
        raise HTTPException(404, f"no resource <{iri.value}>")
    fmt = format or negotiate(request.headers.get("accept"), ID_TYPES)
    if fmt is None:
        raise HTTPException(406, "Turtle, N-Triples, JSON-LD, RDF/XML or HTML", headers={"Vary": "Accept"})
    links = alternates("/id/" + path)
    headers = {"Vary": "Accept", "Link": ", ".join(f'<{href}>; rel="alternate"; type="{media}"' for href, media in links)}
    if fmt == "html":
        sources = settings.sources_dir or vendored_sources()
        page = render_resource_page(request, store, str(base), path, lang, sources)
        if page is None:
            rows = [(resource_cell(t.subject), resource_cell(t.predicate), resource_cell(t.object))
                    for t in sorted(triples, key=str)]
            page = render_statements(request, iri.value, rows, lang)
        page.headers.update(headers)
        return page
    document = triples + _triples(store, "resource_link_labels", {"r": iri}) + licence_triples(str(base), iri.value)
    body = serialize(document, fmt if fmt != "json" else "jsonld", root=iri.value)
    return Response(body, media_type=ID_TYPES[fmt], headers=headers)


def alternates(path: str) -> list[tuple[str, str]]:
    """The other formats of a resource document, as links a browser can follow."""
    return [(f"{path}?format={name}", media) for name, media in (*GRAPH_TYPES.items(), ("html", "text/html"))]


@router.get("/def", summary="The vocabulary (pk: terms, from ontology/plankg.ttl): HTML for browsers, Turtle, "
            "JSON-LD, N-Triples or RDF/XML by Accept or ?format=; /def#Term names one term",
            responses={200: {"content": {m: {"schema": {"type": "string"}} for m in (*GRAPH_TYPES.values(), "text/html")}},
                       406: {"description": "no acceptable format"}})
def vocabulary(request: Request, store: StoreDep, lang: LangQuery = "zh", format: RdfFormatQuery = None) -> Response:
    fmt = format or negotiate(request.headers.get("accept"), ID_TYPES)
    if fmt is None:
        raise HTTPException(406, "Turtle, N-Triples, JSON-LD, RDF/XML or HTML", headers={"Vary": "Accept"})
    headers = {"Vary": "Accept", "Link": ", ".join(f'<{href}>; rel="alternate"; type="{media}"'
                                                   for href, media in alternates("/def"))}
    if fmt == "html" or (format is None and prefers_html(request)):
        page = render_vocabulary(request, select(store, "ontology_terms"), lang)
        page.headers.update(headers)
        return page
    body = serialize(_triples(store, "ontology_triples"), fmt if fmt != "json" else "jsonld")
    return Response(body, media_type=ID_TYPES[fmt], headers=headers)


@router.get("/dumps/plankg.nq", summary="The whole build as N-Quads", response_class=FileResponse,
            responses={200: {"content": {"application/n-quads": {"schema": {"type": "string"}}}},
                       404: {"description": "no dump"}})
def dump_nq(request: Request, served: ServedDep) -> Response:
    if served.dump is None:
        raise HTTPException(404, "no dump")
    disposition = {"Content-Disposition": 'attachment; filename="plankg.nq"', "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):  # compressed once per build, then kept
        if "nq.gz" not in served.dumps:
            served.dumps["nq.gz"] = gzip.compress(served.dump.read_bytes(), compresslevel=6, mtime=0)
        return Response(served.dumps["nq.gz"], media_type="application/n-quads",
                        headers={**disposition, "Content-Encoding": "gzip"})
    return FileResponse(served.dump, media_type="application/n-quads", headers=disposition)


@router.get("/dumps/plankg.ttl", summary="The merged graph as Turtle",
            responses={200: {"content": {"text/turtle": {"schema": {"type": "string"}}}}})
def dump_ttl(served: ServedDep) -> Response:
    return Response(merged_dump(served, "turtle"), media_type=FORMATS["turtle"])


@router.get("/dumps/plankg.jsonld", summary="The merged graph as JSON-LD",
            responses={200: {"content": {"application/ld+json": {"schema": {"type": "array", "items": {"type": "object"}}}}}})
def dump_jsonld(served: ServedDep) -> Response:
    return Response(merged_dump(served, "jsonld"), media_type=FORMATS["jsonld"])


DESCRIPTION_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "the description in the format asked for (compact JSON-LD by default)",
          "content": {m: {"schema": {"type": "object"} if "json" in m else {"type": "string"}}
                      for m in DESCRIPTION_TYPES.values()}},
    406: {"description": "no acceptable format (Turtle, JSON-LD, N-Triples, RDF/XML)"}}


@router.get("/.well-known/void", summary="VoID and DCAT description of the dataset (JSON-LD, Turtle, N-Triples, "
            "RDF/XML by Accept; ?format= jsonld, turtle, ntriples, rdfxml)", response_model=DatasetDocument,
            responses=DESCRIPTION_RESPONSES)
def void(request: Request, served: ServedDep, base: BaseDep,
         format: Annotated[str | None, Query(pattern="^(turtle|jsonld|ntriples|rdfxml)$", description=(
             "turtle, jsonld, ntriples or rdfxml; overrides Accept"))] = None) -> Response:
    fmt = format or negotiate(request.headers.get("accept"), DESCRIPTION_TYPES)
    if fmt is None:
        raise HTTPException(406, "Turtle, JSON-LD, N-Triples or RDF/XML", headers={"Vary": "Accept"})
    size = served.dump.stat().st_size if served.dump is not None and served.dump.is_file() else None
    triples = dataset_description(served.store, str(base), str(request.base_url), size)
    return Response(serialize(triples, fmt, root=str(base["dataset"])), media_type=DESCRIPTION_TYPES[fmt],
                    headers={"Vary": "Accept"})


@router.get("/context.jsonld", summary="The JSON-LD context of every JSON-LD document of this service",
            responses={200: {"content": {"application/ld+json": {"schema": {"type": "object"}}}}})
def context() -> Response:
    return Response(json.dumps({"@context": CONTEXT}, ensure_ascii=False, indent=1),
                    media_type="application/ld+json")


def merged_dump(served: Served, fmt: str) -> bytes:
    """The merged graph serialized once per format per build, and kept with the build."""
    if fmt not in served.dumps:
        triples = _triples(served.store, "all_triples")
        rdf_format = ox.RdfFormat.TURTLE if fmt == "turtle" else ox.RdfFormat.JSON_LD
        served.dumps[fmt] = ox.serialize(sorted(triples, key=str), format=rdf_format) or b""
    return served.dumps[fmt]


def resource_cell(term: Any) -> Markup:
    """One term of a statement as HTML: instance IRIs link to their page on this site."""
    if isinstance(term, ox.NamedNode):
        href = "/id/" + term.value.split("/id/", 1)[1] if "/id/" in term.value else term.value
        return Markup(f'<a href="{escape(href)}">{escape(term.value)}</a>')
    lang = f' lang="{escape(term.language)}"' if getattr(term, "language", None) else ""
    return Markup(f"<span{lang}>{escape(term.value)}</span>")
