"""REST lists of plans, districts and jurisdictions, and indicators: paged, the total in
X-Total-Count, like /agencies."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from plankg.api.app import create_app
from plankg.api.settings import Settings
from plankg.graph.store import GraphStore


@pytest.fixture(scope="module")
def client(store: GraphStore, build_dir: Path) -> TestClient:
    return TestClient(create_app(store, Settings(build_dir=build_dir), pool=None, dump=None))


@pytest.mark.parametrize(("path", "total"), [("/plans", 12), ("/districts", 30), ("/indicators", 72)])
def test_lists_page_with_the_true_total(client: TestClient, path: str, total: int) -> None:
    whole = client.get(path, params={"limit": 500})
    assert whole.status_code == 200 and whole.headers["X-Total-Count"] == str(total)
    assert len(whole.json()) == total
    part = client.get(path, params={"limit": 5, "offset": 3})
    assert part.headers["X-Total-Count"] == str(total) and part.json() == whole.json()[3:8]


def test_districts_and_jurisdictions(client: TestClient) -> None:
    rows = {r["id"]: r for r in client.get("/districts", params={"limit": 500}).json()}
    assert rows["440300"]["kind"] == "jurisdiction" and rows["440300"]["name"] == "深圳市"
    assert rows["guangming"]["code"] == "440311" and isinstance(rows["guangming"]["tasks"], int)
    only = client.get("/districts", params={"kind": "district"})
    assert {r["kind"] for r in only.json()} == {"district"}
    assert client.get("/districts", params={"kind": "nation"}).status_code == 422


def test_indicators_list(client: TestClient) -> None:
    rows = {r["id"]: r for r in client.get("/indicators", params={"limit": 500}).json()}
    assert rows["hightech-fdi"]["targets"] >= 2


def test_jurisdiction_page(client: TestClient) -> None:
    """A jurisdiction has a page of its own: level, code with its code-list entry, parent, the
    plans of its government, the jurisdictions below it and its agencies."""
    page = client.get("/id/jurisdiction/440300", headers={"accept": "text/html"})
    assert page.status_code == 200 and "<h1 lang=\"zh\">深圳市</h1>" in page.text
    assert 'href="https://dmfw.mca.gov.cn/9095/xzqh/getList?code=440300"' in page.text
    assert 'href="/id/jurisdiction/440000"' in page.text  # 广东省, its parent
    assert page.text.count('href="/id/plan/') == 11 and 'href="/id/jurisdiction/440305"' in page.text
    assert 'href="/id/agency/sz-amr"' in page.text
    english = client.get("/id/jurisdiction/440300?lang=en", headers={"accept": "text/html"})
    assert "Plans of this government" in english.text and "prefecture" in english.text
