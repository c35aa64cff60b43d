"""The SPARQL endpoint's protocol details (issue 13, SPARQL side; issue 15 item 1): CSV for
spreadsheets, updates by GET refused, relative IRIs resolved against the base IRI, and the
linear guard's reading of the one ambiguity of SPARQL's lexing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from plankg.api.app import create_app
from plankg.api.settings import Settings
from plankg.api.sparql.guard import MAX_OPERATORS, ExpressionTooLong, QueryRejected, check_query
from plankg.graph.store import GraphStore


@pytest.fixture(scope="module")
def client(store: GraphStore, build_dir: Path) -> Iterator[TestClient]:
    app = create_app(store, Settings(query_workers=1, query_timeout=5.0), dump=build_dir / "plankg.nq")
    with TestClient(app) as test_client:
        yield test_client
    app.state.served.close()


def test_csv_has_a_byte_order_mark_and_safe_cells(client: TestClient) -> None:
    query = """SELECT ?x WHERE { VALUES ?x { "=cmd|' /C calc'!A0" "+1" "-5" "@SUM(A1)" "市司法局" } }"""
    response = client.get("/sparql", params={"query": query}, headers={"accept": "text/csv"})
    assert response.status_code == 200
    assert response.content.startswith("\ufeffx\r\n".encode())
    lines = response.content.decode("utf-8-sig").split("\r\n")
    assert lines[1:6] == ["'=cmd|' /C calc'!A0", "'+1", "'-5", "'@SUM(A1)", "市司法局"]


def test_update_by_get_is_refused(client: TestClient) -> None:
    response = client.get("/sparql", params={"update": "INSERT DATA { <a:b> <a:c> <a:d> }"})
    assert response.status_code == 400


def test_relative_iris_resolve_against_the_base(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"},
                          headers={"accept": "application/n-triples"})
    assert response.status_code == 200
    assert response.text.strip() == ('<https://w3id.org/plankg/id/s> <https://w3id.org/plankg/id/p> '
                                     '"1"^^<http://www.w3.org/2001/XMLSchema#integer> .')
    ask = client.get("/sparql", params={"query": "ASK { <agency/sz-amr> a pk:Agency }"})
    assert ask.json()["boolean"] is True


@pytest.mark.parametrize("query", [
    "ASK { FILTER(1<2) }",
    "ASK { FILTER(?a<2 && ?b>3) }",
    "SELECT * WHERE { VALUES (?x ?y) { (<a:b> <a:c#d>) } }",
    "SELECT * WHERE { ?s ?p 'SERVICE <x:y> {}' } # SERVICE <x:y> {}",
    "PREFIX service: <http://x/> SELECT * WHERE { ?s service:p ?o }",
    "SELECT ?x (GROUP_CONCAT(?y; SEPARATOR=',') AS ?z) WHERE { ?x ?p ?y } GROUP BY ?x",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o = <http://www.w3.org/2001/XMLSchema#x>) }",
])
def test_the_guard_accepts(query: str) -> None:
    check_query(query, [])


@pytest.mark.parametrize("query", [
    # pyoxigraph reads '<' as a comparison here, so '#' starts a comment and SERVICE is code
    "ASK { FILTER(?a<2)SERVICE?x#>\n{ ?s ?p ?o } }",
    "SELECT (1 AS ?x) (?a<'> AS ?y) WHERE {}",
    "SELECT * WHERE { ſervice <x:y> {} }",
    "SELECT * WHERE { ?s pk:a\\#b ?o }",
    "SELECT * WHERE { ?s ?p 'unclosed }",
    "ASK {} ; ASK {}",
    "PREFIX g: <https://w3id.org/plankg/id/graph/> SELECT * FROM g:x WHERE {}",
    "SELECT * FROM <graph/links> WHERE {}",
])
def test_the_guard_refuses(query: str) -> None:
    with pytest.raises(QueryRejected):
        check_query(query, ["https://w3id.org/plankg/id/graph/links"])


def test_long_operator_chains_are_over_budget_at_once() -> None:
    check_query("SELECT (" + "+".join(["1"] * MAX_OPERATORS) + " AS ?x) WHERE {}", [])
    with pytest.raises(ExpressionTooLong):
        check_query("SELECT (" + "+".join(["1"] * (MAX_OPERATORS + 2)) + " AS ?x) WHERE {}", [])
