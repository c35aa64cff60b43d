"""Reusing the RDF (issue 13): resource documents with prefixes, a JSON-LD context, the labels of
what they link to and their licence; format links; the vocabulary dereferences at /def."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
import rdflib.compare
from fastapi.testclient import TestClient
from rdflib.namespace import DCTERMS, SKOS, VOID

from plankg.api.app import create_app
from plankg.api.settings import Settings
from plankg.graph.store import GraphStore

AMR = rdflib.URIRef("https://w3id.org/plankg/id/agency/sz-amr")
CC0 = rdflib.URIRef("https://creativecommons.org/publicdomain/zero/1.0/")


@pytest.fixture(scope="module")
def client(store: GraphStore, build_dir: Path) -> TestClient:
    return TestClient(create_app(store, Settings(build_dir=build_dir), pool=None, dump=build_dir / "plankg.nq"))


def test_turtle_has_prefixes_labels_of_links_and_the_licence(client: TestClient) -> None:
    response = client.get("/id/agency/sz-amr", headers={"Accept": "text/turtle"})
    assert response.text.startswith("@prefix") and "skos:prefLabel" in response.text
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    shenzhen = rdflib.URIRef("https://w3id.org/plankg/id/jurisdiction/440300")
    assert str(graph.value(shenzhen, SKOS.prefLabel)) == "深圳市"  # a linked resource, named
    dataset = graph.value(AMR, VOID.inDataset)
    assert graph.value(dataset, DCTERMS.license) == CC0
    assert 'rel="alternate"' in response.headers["link"] and "?format=jsonld" in response.headers["link"]


@pytest.mark.parametrize("accept", ["application/ld+json", "application/json"])
def test_json_ld_is_compact_with_a_context_and_says_what_turtle_says(client: TestClient, accept: str) -> None:
    document = client.get("/id/agency/sz-amr", headers={"Accept": accept})
    assert document.headers["content-type"] == accept
    assert document.json()["@context"]["skos"] == str(SKOS)
    turtle = client.get("/id/agency/sz-amr?format=turtle").text
    assert rdflib.compare.isomorphic(rdflib.Graph().parse(data=document.text, format="json-ld"),
                                     rdflib.Graph().parse(data=turtle, format="turtle"))


def test_format_links_a_browser_can_follow(client: TestClient) -> None:
    for name, media in [("turtle", "text/turtle"), ("ntriples", "application/n-triples"),
                        ("rdfxml", "application/rdf+xml"), ("jsonld", "application/ld+json")]:
        response = client.get(f"/id/plan/sz-market-2024?format={name}", headers={"Accept": "text/html"})
        assert response.headers["content-type"].startswith(media)
    assert client.get("/id/plan/sz-market-2024?format=xlsx").status_code == 422


def test_the_vocabulary_dereferences(client: TestClient) -> None:
    page = client.get("/def", headers={"Accept": "text/html"})
    assert page.headers["content-type"].startswith("text/html") and 'id="Task"' in page.text
    turtle = client.get("/def", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=turtle.text, format="turtle")
    task = rdflib.URIRef("https://w3id.org/plankg/def#Task")
    assert (task, rdflib.RDF.type, rdflib.OWL.Class) in graph
    assert client.get("/def", headers={"Accept": "image/png"}).status_code == 406


def test_the_dataset_iri_leads_to_its_description(client: TestClient) -> None:
    response = client.get("/id/dataset", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/.well-known/void"


def test_every_page_names_the_licence(client: TestClient) -> None:
    for path in ["/", "/id/plan/sz-market-2024", "/id/agency/sz-amr", "/find?q=企业", "/def"]:
        page = client.get(path, headers={"Accept": "text/html"}).text
        assert 'rel="license" href="https://creativecommons.org/publicdomain/zero/1.0/"' in page, path
