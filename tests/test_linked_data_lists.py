"""Browsing and searching through the REST lists (issue 13 item 5, first part): /agencies without a
name is a paged list; search pages past its first answers and states the true total."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from plankg.api.app import create_app
from plankg.api.settings import Settings
from plankg.graph.store import GraphStore


@pytest.fixture(scope="module")
def client(store: GraphStore, build_dir: Path) -> TestClient:
    return TestClient(create_app(store, Settings(build_dir=build_dir), pool=None, dump=build_dir / "plankg.nq"))


def test_agencies_without_a_name_are_a_paged_list(client: TestClient) -> None:
    first = client.get("/agencies", params={"limit": 10})
    assert first.status_code == 200 and len(first.json()) == 10
    total = int(first.headers["x-total-count"])
    assert total > 100
    everything = client.get("/agencies", params={"limit": 500}).json()
    assert len(everything) == total and "sz-amr" in {a["id"] for a in everything}
    assert client.get("/agencies", params={"limit": 10, "offset": 10}).json()[0] == everything[10]


def test_search_states_the_true_total_and_pages(client: TestClient) -> None:
    first = client.get("/search", params={"q": "企业", "limit": 100})
    total = int(first.headers["x-total-count"])
    assert total > 100 and len(first.json()) == 100  # not cut at 50, and the total is not the page
    second = client.get("/search", params={"q": "企业", "limit": 100, "offset": 100}).json()
    assert not {h["task"] for h in first.json()} & {h["task"] for h in second}
    assert "X-Total-Count" in first.headers["access-control-expose-headers"]
