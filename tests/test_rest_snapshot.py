"""Every REST route answers as it did: the JSON of each route on the real build, compared with a
snapshot recorded from the code before the app was split into routers.

Regenerate only by an explicit flag (``PLANKG_UPDATE_SNAPSHOT=1 pytest tests/test_rest_snapshot.py``)
and read the diff before committing it: a change here is a change of the public answers.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from plankg.api.app import create_app
from plankg.api.settings import Settings
from plankg.graph.store import GraphStore

SNAPSHOT = Path(__file__).parent / "fixtures" / "rest_snapshot.json"

PLANS = ["sz-market-2023-2025", "sz-legal-2023-2025", "sz-intl-2023-2025", "sz-intl-tasks-2023",
         "sz-workpoints-2023", "sz-keytasks-2023", "sz-market-2024", "sz-legal-2024", "sz-intl-2024",
         "cn-vc-measures-2024", "sz-port-2024", "sz-pilot-batch1"]
AGENCIES = ["sz-amr", "sz-drc", "sz-justice", "sz-commerce", "no-such-agency"]
DISTRICTS = ["nanshan", "futian", "qianhai", "no-such-district"]
SEARCHES = ["营商环境", "电子营业执照", "跨境", "zzzz"]


def paths() -> list[str]:
    """Every REST GET of the snapshot (404s included)."""
    out = ["/plans", "/sparql/examples", "/.well-known/void", "/targets", "/targets?year=2025",
           "/targets?plan=sz-market-2024", "/targets?indicator=no-such", "/plans/no-such",
           "/plans/no-such/tasks", "/tasks/no-such/1", "/indicators/no-such"]
    for plan in PLANS:
        out += [f"/plans/{plan}", f"/plans/{plan}/tasks", f"/plans/{plan}/tasks?limit=3&offset=2",
                f"/tasks/{plan}/1", f"/tasks/{plan}/2", f"/tasks/{plan}/5"]
    for agency in AGENCIES:
        out += [f"/agencies/{agency}", f"/agencies/{agency}?plan=sz-market-2024",
                f"/agencies/{agency}?role=lead", f"/agencies/{agency}?year=2024"]
    for name in ["市场监管", "发展改革", "Commerce", "区"]:
        out.append(f"/agencies?name={name}")
    out += [f"/districts/{district}" for district in DISTRICTS]
    out += [f"/search?q={q}" for q in SEARCHES] + ["/search?q=营商&limit=3"]
    return out


def indicator_paths(store: GraphStore) -> list[str]:
    rows = store.select("SELECT DISTINCT ?i WHERE { ?i a pk:Indicator } ORDER BY ?i LIMIT 6").rows
    return [f"/indicators/{row[0].rsplit('/', 1)[-1]}" for row in rows]


@pytest.fixture(scope="module")
def client(store: GraphStore, build_dir: Path) -> TestClient:
    settings = Settings(build_dir=build_dir)
    return TestClient(create_app(store, settings, pool=None, dump=build_dir / "plankg.nq"))


def answers(client: TestClient, store: GraphStore) -> dict[str, dict]:
    out = {}
    for path in paths() + indicator_paths(store):
        response = client.get(path, headers={"accept": "application/json"})
        out[path] = {"status": response.status_code, "json": response.json()}
    return out


def test_every_rest_route_answers_as_recorded(client: TestClient, store: GraphStore) -> None:
    got = answers(client, store)
    if os.environ.get("PLANKG_UPDATE_SNAPSHOT") == "1":
        SNAPSHOT.write_text(json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert sorted(got) == sorted(expected)
    changed = [path for path in expected if got[path] != expected[path]]
    assert not changed, f"answers changed on {changed[:10]}: first {changed[0]}: " \
        f"{json.dumps(got[changed[0]], ensure_ascii=False)[:600]} != " \
        f"{json.dumps(expected[changed[0]], ensure_ascii=False)[:600]}"
    assert sum(1 for a in got.values() if a["status"] == 200) > 100
