"""Calling the service from elsewhere (issue 13): CORS with preflight, HEAD wherever GET is,
ETag / Last-Modified / Cache-Control on every answer, 304 on revalidation (the dump too), gzip."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from plankg.api.app import create_app
from plankg.api.settings import Settings
from plankg.graph.store import GraphStore

READS = ["/plans", "/plans/sz-market-2024", "/agencies/sz-amr", "/search?q=企业", "/id/plan/sz-market-2024",
         "/.well-known/void", "/dumps/plankg.nq", "/", "/sparql/examples"]


@pytest.fixture(scope="module")
def client(store: GraphStore, build_dir: Path) -> TestClient:
    settings = Settings(build_dir=build_dir)
    return TestClient(create_app(store, settings, pool=None, dump=build_dir / "plankg.nq"))


@pytest.mark.parametrize("path", ["/plans", "/id/plan/sz-market-2024", "/dumps/plankg.nq", "/sparql"])
def test_preflight_is_answered_204_for_any_origin(client: TestClient, path: str) -> None:
    response = client.options(path, headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET",
                                             "Access-Control-Request-Headers": "accept"})
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert "GET" in response.headers["access-control-allow-methods"]
    assert response.headers["access-control-allow-headers"] == "accept"
    assert ("POST" in response.headers["allow"]) == (path == "/sparql")


@pytest.mark.parametrize("path", READS)
def test_every_read_has_cors_validators_and_cache_control(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Origin": "https://example.org"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "ETag" in response.headers["access-control-expose-headers"]
    etag = response.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert response.headers["last-modified"].endswith("GMT")
    assert response.headers["cache-control"].startswith("public, max-age=")


@pytest.mark.parametrize("path", READS)
def test_head_answers_like_get_without_a_body(client: TestClient, path: str) -> None:
    got, head = client.get(path), client.head(path)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == got.headers["etag"]
    assert head.headers["content-type"] == got.headers["content-type"]


@pytest.mark.parametrize("path", READS)
def test_revalidation_gives_304(client: TestClient, path: str) -> None:
    first = client.get(path)
    again = client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    since = client.get(path, headers={"If-Modified-Since": first.headers["last-modified"]})
    assert since.status_code == 304
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_representations_have_their_own_etags(client: TestClient) -> None:
    turtle = client.get("/id/plan/sz-market-2024", headers={"Accept": "text/turtle"})
    html = client.get("/id/plan/sz-market-2024", headers={"Accept": "text/html"})
    english = client.get("/id/plan/sz-market-2024?lang=en", headers={"Accept": "text/html"})
    assert len({turtle.headers["etag"], html.headers["etag"], english.headers["etag"]}) == 3
    stale = client.get("/id/plan/sz-market-2024", headers={"Accept": "text/html",
                                                            "If-None-Match": turtle.headers["etag"]})
    assert stale.status_code == 200


def test_errors_are_not_kept_by_caches(client: TestClient) -> None:
    bad = client.get("/plans/sz-market-2024/tasks?limit=0")
    assert bad.status_code == 422 and bad.headers["cache-control"] == "no-store"
    assert "etag" not in bad.headers


def test_large_answers_are_gzipped_and_the_dump_comes_compressed(client: TestClient, build_dir: Path) -> None:
    agency = client.get("/agencies/sz-amr", headers={"Accept-Encoding": "gzip"})
    assert agency.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in agency.headers["vary"]
    plain = client.get("/agencies/sz-amr", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.headers["etag"] != agency.headers["etag"]
    raw = client.get("/dumps/plankg.nq", headers={"Accept-Encoding": "gzip"}, )
    assert raw.headers["content-encoding"] == "gzip"
    assert int(raw.headers["content-length"]) < (build_dir / "plankg.nq").stat().st_size / 4
    assert raw.content == (build_dir / "plankg.nq").read_bytes()  # httpx decodes it
    assert client.get("/dumps/plankg.nq", headers={"Accept-Encoding": "gzip",
                                                  "If-None-Match": raw.headers["etag"]}).status_code == 304
    assert gzip.decompress(gzip.compress(b"x")) == b"x"
