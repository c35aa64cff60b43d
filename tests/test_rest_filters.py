"""REST answers you can rely on (issue 13, item 8): ``year`` means in force or due that year,
unknown filter values answer 422 with the allowed values, lists are paged, numbers are numbers."""

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


def all_tasks(client: TestClient, path: str) -> list[dict]:
    return client.get(path + ("&" if "?" in path else "?") + "limit=1000").json()["tasks"]


def test_year_is_in_force_or_due(client: TestClient) -> None:
    # the 2022 pilot list: every one of 市市场监管局's items, whatever its deadline text says
    pilot = [t for t in all_tasks(client, "/agencies/sz-amr") if t["plan"] == "sz-pilot-batch1"]
    in_2022 = all_tasks(client, "/agencies/sz-amr?year=2022")
    assert len(pilot) == 71 and {t["task"] for t in pilot} <= {t["task"] for t in in_2022}
    # 2024: the 2023—2025 plans are in force
    plans_2024 = {t["plan"] for t in all_tasks(client, "/agencies/sz-amr?year=2024")}
    assert {"sz-market-2023-2025", "sz-legal-2023-2025", "sz-market-2024"} <= plans_2024
    assert "sz-pilot-batch1" not in plans_2024 and "sz-keytasks-2023" not in plans_2024
    assert all_tasks(client, "/agencies/sz-amr?year=2030") == []


def test_year_counts_deadlines(client: TestClient, store: GraphStore) -> None:
    """A task whose deadline falls after its plan's period is in force in the deadline's year too."""
    rows = store.select("""SELECT ?task ?d WHERE { ?task pk:inPlan ?p ; pk:deadline ?d . ?p pk:periodEnd ?e .
        FILTER(xsd:integer(SUBSTR(STR(?d), 1, 4)) > xsd:integer(STR(?e))) } LIMIT 1""").rows
    if not rows:
        pytest.skip("no deadline beyond its plan's period in this build")
    from plankg.api.routes.filters import tasks_in_year
    assert rows[0][0] in tasks_in_year(store, int(rows[0][1][:4]))


@pytest.mark.parametrize(("path", "field", "allowed"), [
    ("/agencies/sz-amr?role=boss", "role", "lead"),
    ("/agencies/sz-amr?plan=no-such-plan", "plan", "sz-market-2024"),
    ("/targets?plan=no-such-plan", "plan", "sz-market-2024"),
    ("/agencies/sz-amr?year=20x4", "year", None),
    ("/agencies/sz-amr?year=99", "year", None),
])
def test_unknown_filter_values_are_422(client: TestClient, path: str, field: str, allowed: str | None) -> None:
    response = client.get(path)
    assert response.status_code == 422, path
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["query", field]
    if allowed:
        assert allowed in detail["msg"]


def test_allowed_values_in_openapi(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    params = {p["name"]: p for p in spec["paths"]["/agencies/{agency_id}"]["get"]["parameters"]}
    role = params["role"]["schema"]
    enum = role.get("enum") or next(s for s in role["anyOf"] if "$ref" in s or "enum" in s)
    if "$ref" in enum:
        enum = spec["components"]["schemas"][enum["$ref"].rsplit("/", 1)[-1]]
    assert enum["enum"] == ["lead", "participating", "responsible"]
    assert {"limit", "offset", "year", "plan"} <= set(params)


def test_agency_paging(client: TestClient) -> None:
    whole = client.get("/agencies/sz-amr?limit=1000")
    page = client.get("/agencies/sz-amr?limit=5&offset=3")
    total = int(whole.headers["x-total-count"])
    assert total == whole.json()["total"] == len(whole.json()["tasks"]) > 100
    assert page.headers["x-total-count"] == str(total) and page.json()["tasks"] == whole.json()["tasks"][3:8]
    assert page.json()["counts"] == whole.json()["counts"]
    assert len(client.get("/agencies/sz-amr").json()["tasks"]) == min(total, 200)


def test_plan_tasks_paging_and_numbers(client: TestClient) -> None:
    response = client.get("/plans/sz-market-2024/tasks?limit=3&offset=2")
    assert response.headers["x-total-count"] == "44"
    assert [t["number"] for t in response.json()["tasks"]] == [3, 4, 5]
    plans = client.get("/plans").json()
    assert all(isinstance(p["tasks"], int) and (p["declared"] is None or isinstance(p["declared"], int)) for p in plans)


def test_typed_resources(client: TestClient) -> None:
    plan = client.get("/plans/sz-market-2024").json()
    assert plan["periodStart"] == 2024 and plan["tasks"] == 44 and plan["jurisdiction"][0]["name"] == "深圳市"
    task = client.get("/tasks/sz-pilot-batch1/2").json()
    assert task["number"] == 2 and task["plan"]["id"] == "sz-pilot-batch1" and task["sourceLine"] == 18
    assert next(u["namedAs"] for u in task["units"]) == "市市场监管局"  # printed first
    assert {a["name"] for a in task["leadAgencies"]} == {"市市场监管局", "人民银行深圳市中心支行"}
    district = client.get("/districts/nanshan").json()
    assert district["code"] == "440305" and district["name"] == "南山区"
    assert all(isinstance(t["number"], int) for t in district["tasks"])
    target = client.get("/tasks/sz-market-2023-2025/21").json()["targets"][0]
    assert target["value"] == 20 and target["year"] == 2025


def test_every_parameter_is_documented(client: TestClient) -> None:
    """Every query and path parameter of every route says what it means (and its values)."""
    spec = client.get("/openapi.json").json()
    missing = [(path, parameter["name"]) for path, operations in spec["paths"].items()
               for operation in operations.values() for parameter in operation.get("parameters", [])
               if not parameter.get("description")]
    assert missing == []


def test_search_filters_as_the_page(client: TestClient) -> None:
    def total(**params: str) -> int:
        answer = client.get("/search", params={"q": "企业", **params})
        assert answer.status_code == 200, answer.text
        return int(answer.headers["X-Total-Count"])

    everything = total()
    in_plan = total(plan="sz-market-2023-2025")
    led = total(agency="sz-amr", role="lead")
    assert everything == 284 and 0 < in_plan < everything and 0 < led < everything
    tasks = {h["task"] for h in client.get("/search", params={"q": "企业", "plan": "sz-market-2023-2025",
                                                               "limit": 100}).json()}
    assert len(tasks) == in_plan and all("/plan/sz-market-2023-2025/" in t for t in tasks)
    assert client.get("/search", params={"q": "企业", "agency": "nobody"}).status_code == 422
    assert client.get("/search", params={"q": "企业", "plan": "nothing"}).status_code == 422
    assert client.get("/search", params={"q": "企业", "mode": "fuzzy"}).status_code == 422


def test_words_and_phrase_search(client: TestClient) -> None:
    def total(q: str, mode: str = "words") -> int:
        return int(client.get("/search", params={"q": q, "mode": mode}).headers["X-Total-Count"])

    # the words in any order and apart; the phrase only as printed
    assert total("公平竞争 审查") >= total("公平竞争审查", "phrase") > 0
    assert total("审查 公平竞争") == total("公平竞争 审查")
    assert total("公平竞争 审查", "phrase") == 0


def test_names_search_finds_the_agency(client: TestClient) -> None:
    found = client.get("/search/names", params={"q": "市场监管局"}).json()
    assert [(a["id"], a["count"]) for a in found["agencies"]] == [("sz-amr", 164)]
    assert set(found) == {"agencies", "plans", "districts", "indicators"}
