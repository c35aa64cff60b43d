"""Linked data and dumps: every instance IRI dereferenced (RDF or an HTML page), the whole
build as N-Quads, Turtle and JSON-LD, and the dataset's VoID description."""

from __future__ import annotations

import re
from html import escape
from typing import Annotated, Any

import pyoxigraph as ox
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from markupsafe import Markup

from plankg.api.deps import BaseDep, ServedDep, SettingsDep, StoreDep
from plankg.api.models import DatasetDescription
from plankg.api.negotiation import GRAPH_TYPES, negotiate
from plankg.api.served import Served
from plankg.api.sparql.workers import FORMATS
from plankg.api.web.pages import render_resource_page, render_statements
from plankg.graph.lookup import values
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


@router.get("/id/{path:path}", summary="Dereference an instance IRI (Turtle, JSON-LD, N-Triples, RDF/XML, HTML)",
            responses={200: {"content": {m: {"schema": {"type": "string"}} for m in (*GRAPH_TYPES.values(), "text/html")}},
                       404: {"description": "unknown IRI"}, 406: {"description": "no acceptable format"}})
def resource(request: Request, store: StoreDep, base: BaseDep, settings: SettingsDep, path: str,
             lang: Annotated[str, Query(pattern="^(zh|en)$")] = "zh") -> Response:
    if not re.fullmatch(r"[A-Za-z0-9_./-]+", path):
        raise HTTPException(404, f"no resource {path!r}")
    iri = ox.NamedNode(base[path])
    triples = _triples(store, "resource_statements", {"r": iri})
    if not triples:
        raise HTTPException(404, f"no resource <{iri.value}>")
    fmt = negotiate(request.headers.get("accept"), {**GRAPH_TYPES, "html": "text/html"})
    if fmt is None:
        raise HTTPException(406, "Turtle, N-Triples, JSON-LD, RDF/XML or HTML")
    if fmt == "html":
        sources = settings.sources_dir or vendored_sources()
        page = render_resource_page(request, store, str(base), path, lang, sources)
        if page is not None:
            return page
        rows = [(resource_cell(t.subject), resource_cell(t.predicate), resource_cell(t.object))
                for t in sorted(triples, key=str)]
        return render_statements(request, iri.value, rows, lang)
    return Response(ox.serialize(triples, format=RDF_FORMATS[fmt]), media_type=GRAPH_TYPES[fmt],
                    headers={"Vary": "Accept"})


@router.get("/dumps/plankg.nq", summary="The whole build as N-Quads", response_class=FileResponse,
            responses={200: {"content": {"application/n-quads": {"schema": {"type": "string"}}}},
                       404: {"description": "no dump"}})
def dump_nq(served: ServedDep) -> FileResponse:
    if served.dump is None:
        raise HTTPException(404, "no dump")
    return FileResponse(served.dump, media_type="application/n-quads", filename="plankg.nq")


@router.get("/dumps/plankg.ttl", summary="The merged graph as Turtle",
            responses={200: {"content": {"text/turtle": {"schema": {"type": "string"}}}}})
def dump_ttl(served: ServedDep) -> Response:
    return Response(merged_dump(served, "turtle"), media_type=FORMATS["turtle"])


@router.get("/dumps/plankg.jsonld", summary="The merged graph as JSON-LD",
            responses={200: {"content": {"application/ld+json": {"schema": {"type": "array", "items": {"type": "object"}}}}}})
def dump_jsonld(served: ServedDep) -> Response:
    return Response(merged_dump(served, "jsonld"), media_type=FORMATS["jsonld"])


@router.get("/.well-known/void", summary="VoID and DCAT description of the dataset", response_model=DatasetDescription)
def void(served: ServedDep, base: BaseDep) -> JSONResponse:
    total = values(served.store, "triple_count")[0]
    return JSONResponse({
        "@context": {"void": "http://rdfs.org/ns/void#", "dcat": "http://www.w3.org/ns/dcat#",
                     "dcterms": "http://purl.org/dc/terms/"},
        "@id": str(base["dataset"]), "@type": ["void:Dataset", "dcat:Dataset"],
        "dcterms:title": "plankg: Shenzhen business-environment plans", "void:triples": int(total),
        "void:sparqlEndpoint": "/sparql",
        "void:dataDump": "/dumps/plankg.nq", "void:uriSpace": str(base),
        "dcterms:license": "https://creativecommons.org/publicdomain/zero/1.0/",
        "void:subset": sorted(served.graphs),
        "void:exampleResource": [str(base["plan/sz-market-2024"]), str(base["agency/sz-amr"])],
    })


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
