"""Tables people can take away (issue 13): a plan's tasks, an agency's responsibilities and
search results as CSV — UTF-8 with a byte-order mark, formulas escaped — by Accept or ?format=csv."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from plankg.api.app import create_app
from plankg.api.settings import Settings
from plankg.graph.store import GraphStore


@pytest.fixture(scope="module")
def client(store: GraphStore, build_dir: Path) -> TestClient:
    return TestClient(create_app(store, Settings(build_dir=build_dir), pool=None, dump=build_dir / "plankg.nq"))


def table(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize(("path", "columns"), [
    ("/plans/sz-market-2024/tasks", ["task", "number", "title"]),
    ("/agencies/sz-amr", ["task", "plan", "number", "title", "role", "via", "namedAs", "deadline"]),
    ("/search?q=企业", ["task", "title", "score"]),
])
def test_csv_by_accept_and_by_format(client: TestClient, path: str, columns: list[str]) -> None:
    by_accept = client.get(path, headers={"Accept": "text/csv"})
    assert by_accept.status_code == 200
    assert by_accept.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in by_accept.headers["content-disposition"]
    assert "Accept" in by_accept.headers["vary"]
    rows = table(by_accept.content)
    assert rows and list(rows[0]) == columns
    by_format = client.get(path + ("&" if "?" in path else "?") + "format=csv")
    assert by_format.content == by_accept.content
    assert client.get(path, headers={"Accept": "application/json"}).headers["content-type"] == "application/json"


def test_the_csv_holds_the_same_rows_as_the_json(client: TestClient) -> None:
    agency = client.get("/agencies/sz-amr").json()
    rows = table(client.get("/agencies/sz-amr?format=csv").content)
    assert len(rows) == len(agency["tasks"]) > 100
    assert rows[0]["task"] == agency["tasks"][0]["task"]
    plan = client.get("/plans/sz-market-2024/tasks").json()
    assert len(table(client.get("/plans/sz-market-2024/tasks?format=csv").content)) == plan["total"]
    assert "市场监管" in client.get("/agencies/sz-amr?format=csv").content.decode("utf-8-sig")


def test_the_openapi_document_offers_csv(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/plans/{plan_id}/tasks", "/agencies/{agency_id}", "/search"):
        operation = spec["paths"][path]["get"]
        assert "text/csv" in operation["responses"]["200"]["content"]
        assert any(p["name"] == "format" for p in operation["parameters"])


def test_bad_format_is_refused(client: TestClient) -> None:
    assert client.get("/search?q=企业&format=xlsx").status_code == 422
