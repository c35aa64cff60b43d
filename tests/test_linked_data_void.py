"""Harvesting the dataset (issue 13): the VoID and DCAT description by content negotiation, real
IRIs, absolute addresses, the DCAT-AP fields (checked with SHACL shapes for them), and the
service's own addresses in it answer; the JSON-LD context is served locally."""

from __future__ import annotations

import json
from pathlib import Path

import pyshacl
import pytest
import rdflib
import rdflib.compare
from fastapi.testclient import TestClient
from rdflib.namespace import DCAT, DCTERMS, VOID

from plankg.api.app import create_app
from plankg.api.settings import Settings
from plankg.graph.store import GraphStore

SHAPES = Path(__file__).parent / "fixtures" / "linked_data" / "dcat_shapes.ttl"
CC0 = rdflib.URIRef("https://creativecommons.org/publicdomain/zero/1.0/")
FORMATS = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/json": "json-ld", "application/n-triples": "nt",
           "application/rdf+xml": "xml"}


@pytest.fixture(scope="module")
def client(store: GraphStore, build_dir: Path) -> TestClient:
    return TestClient(create_app(store, Settings(build_dir=build_dir), pool=None, dump=build_dir / "plankg.nq"))


def description(client: TestClient, media: str) -> rdflib.Graph:
    response = client.get("/.well-known/void", headers={"Accept": media})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    assert "Accept" in response.headers["vary"]
    return rdflib.Graph().parse(data=response.content, format=FORMATS[media])


def test_every_format_says_the_same(client: TestClient) -> None:
    default = client.get("/.well-known/void")
    assert default.headers["content-type"] == "application/json" and default.json()["void:triples"] > 10_000
    turtle = description(client, "text/turtle")
    for media in ("application/ld+json", "application/json", "application/n-triples", "application/rdf+xml"):
        assert rdflib.compare.isomorphic(turtle, description(client, media)), media
    as_json = client.get("/.well-known/void", headers={"Accept": "application/json"})
    assert "@context" in as_json.json()


@pytest.mark.parametrize("media", ["text/turtle", "application/ld+json"])
def test_the_description_passes_the_dcat_ap_shapes(client: TestClient, media: str) -> None:
    graph = description(client, media)
    conforms, _, text = pyshacl.validate(graph, shacl_graph=rdflib.Graph().parse(SHAPES))
    assert conforms, text


def test_iris_are_iris_and_addresses_absolute(client: TestClient) -> None:
    graph = description(client, "text/turtle")
    dataset = next(graph.subjects(rdflib.RDF.type, DCAT.Dataset))
    assert graph.value(dataset, DCTERMS.license) == CC0
    assert str(graph.value(dataset, VOID.sparqlEndpoint)) == "http://testserver/sparql"
    assert str(graph.value(dataset, VOID.dataDump)) == "http://testserver/dumps/plankg.nq"
    service = next(graph.subjects(rdflib.RDF.type, DCAT.DataService))
    assert (service, DCAT.servesDataset, dataset) in graph
    media = {str(m) for m in graph.objects(None, DCAT.mediaType)}
    assert "http://www.iana.org/assignments/media-types/application/n-quads" in media
    temporal = graph.value(dataset, DCTERMS.temporal)
    assert (str(graph.value(temporal, DCAT.startDate)), str(graph.value(temporal, DCAT.endDate))) == \
        ("2022-01-01", "2025-12-31")
    size = next(graph.objects(None, DCAT.byteSize))
    assert int(size) > 1_000_000
    assert len(set(graph.objects(dataset, VOID.subset))) >= 5


def test_the_service_addresses_in_it_answer(client: TestClient) -> None:
    graph = description(client, "text/turtle")
    ours = {str(o) for o in graph.all_nodes() if str(o).startswith("http://testserver/")}
    assert len(ours) >= 5
    for address in sorted(ours):
        assert client.head(address.removeprefix("http://testserver")).status_code == 200, address


def test_unacceptable_format_is_406_with_vary(client: TestClient) -> None:
    response = client.get("/.well-known/void", headers={"Accept": "image/png"})
    assert response.status_code == 406 and "Accept" in response.headers["vary"]


def test_the_context_is_served_here(client: TestClient) -> None:
    context = client.get("/context.jsonld")
    assert context.headers["content-type"] == "application/ld+json"
    document = client.get("/.well-known/void", headers={"Accept": "application/ld+json"}).json()
    assert document["@context"] == json.loads(context.content)["@context"]
    assert document["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
