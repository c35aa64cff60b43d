"""Links across plans and years, lineage-aware responsibility, trajectories and plan diffs."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pyoxigraph as ox
import pytest

from plankg.api.cli import main
from plankg.graph.analysis import find_agencies, plan_diff, responsibilities
from plankg.graph.store import GraphStore, named_query
from tests.helpers import REPO

PLAN = "https://w3id.org/plankg/id/plan/"


def count(store: GraphStore, query: str) -> int:
    return int(store.select(query).rows[0][0])


def test_annual_plans_implement_their_multi_year_plans(store: GraphStore) -> None:
    rows = set(store.select("SELECT ?a ?b WHERE { ?a pk:implements ?b }").rows)
    assert rows == {(PLAN + "sz-market-2024", PLAN + "sz-market-2023-2025"),
                    (PLAN + "sz-legal-2024", PLAN + "sz-legal-2023-2025"),
                    (PLAN + "sz-intl-2024", PLAN + "sz-intl-2023-2025")}


def test_100_key_task_rows_elaborate_their_work_points(store: GraphStore) -> None:
    rows = store.select("""SELECT ?a ?b WHERE { ?a pk:elaborates ?b }""").rows
    assert len(rows) == 100
    assert all(a.replace("sz-keytasks-2023", "sz-workpoints-2023") == b for a, b in rows)
    # they truly correspond: row 89 设立前海公平竞争委员会 details work point 89 在前海率先设立公平竞争委员会
    title = store.select("SELECT ?t WHERE { ?a pk:elaborates/dcterms:title ?t }",
                         {"a": ox.NamedNode(PLAN + "sz-keytasks-2023/task/89")}).rows
    assert title[0][0].startswith("在前海率先设立公平竞争委员会")


def test_tasks_that_issue_plans_are_realized_by_them(store: GraphStore) -> None:
    rows = set(store.select("SELECT ?t ?p WHERE { ?t pk:realizedBy ?p }").rows)
    # work points 1, 50 and 75 (and their key-task rows) issue the three 2023—2025 plans
    assert rows == {(PLAN + f"{list_}/task/{n}", PLAN + plan)
                    for list_ in ("sz-workpoints-2023", "sz-keytasks-2023")
                    for n, plan in ((1, "sz-market-2023-2025"), (50, "sz-intl-2023-2025"),
                                    (75, "sz-legal-2023-2025"))}


def test_every_annex_item_carries_out_a_plan_task(store: GraphStore) -> None:
    rows = dict(store.select("""SELECT ?a ?b WHERE { ?a pk:carriesOut ?b ; pk:inPlan ?p }""",
                             {"p": ox.NamedNode(PLAN + "sz-intl-tasks-2023")}).rows)
    assert len(rows) == 44
    # annex 21 (高技术产业实际使用外资规模达到30亿美元) carries out plan task 7 (更大力度吸引和利用外资)
    assert rows[PLAN + "sz-intl-tasks-2023/task/21"] == PLAN + "sz-intl-2023-2025/task/7"
    # annex 1 (科技重大专项…立项) carries out plan task 1 (加快集聚国际创新资源)
    assert rows[PLAN + "sz-intl-tasks-2023/task/1"] == PLAN + "sz-intl-2023-2025/task/1"


def test_related_links_are_qualified_with_score_and_method(store: GraphStore) -> None:
    assert count(store, """SELECT (COUNT(*) AS ?n) WHERE { ?a pk:relatedTask ?b .
        FILTER NOT EXISTS { ?l pk:linkFrom ?a ; pk:linkTo ?b ; pk:score ?s ; pk:method ?m }
        FILTER NOT EXISTS { ?l pk:linkFrom ?b ; pk:linkTo ?a ; pk:score ?s ; pk:method ?m } }""") == 0


def test_fair_competition_committee_chain(store: GraphStore) -> None:
    # 2023 work point 89 → 2023—2025 market plan task 5 → 2024 market plan task 6
    related = {r[0] for r in store.select("SELECT ?b WHERE { ?a pk:relatedTask ?b }",
                                           {"a": ox.NamedNode(PLAN + "sz-market-2023-2025/task/5")}).rows}
    assert {PLAN + "sz-workpoints-2023/task/89", PLAN + "sz-market-2024/task/6"} <= related


def test_precision_of_related_links_on_the_judged_sample(store: GraphStore) -> None:
    spec = importlib.util.spec_from_file_location("link_precision", REPO / "bench" / "link_precision.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    judged, good, _, _ = module.precision(store)
    assert judged >= 50
    assert good / judged >= 0.9


def test_agency_includes_tasks_under_its_former_name(store: GraphStore) -> None:
    (iri, label, exact), *_ = find_agencies(store, "市政务服务和数据管理局")
    assert exact and label == "市政务服务和数据管理局"
    rows = responsibilities(store, iri)
    via = {(r.plan, r.number, r.via) for r in rows}
    assert ("sz-market-2024", 15, "own") in via
    # 000, market task 9: 责任单位：市市场监管局、市政务服务数据管理局、市工业和信息化局
    assert ("sz-market-2023-2025", 9, "former name") in via
    assert {r.holder for r in rows if r.via == "former name"} == {"市政务服务数据管理局"}


def test_district_includes_tasks_given_to_every_district(store: GraphStore) -> None:
    (iri, _, _), *_ = find_agencies(store, "南山区")
    rows = responsibilities(store, iri)
    # 003, market 2024 task 38: 责任单位:市市场监管局、南山区
    assert ("sz-market-2024", 38, "own") in {(r.plan, r.number, r.via) for r in rows}
    # 000, legal task 2 names 各区
    assert any(r.plan == "sz-legal-2023-2025" and r.number == 2 and r.via == "group" and r.holder == "各区"
               for r in rows)


def test_agency_command(build_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agency", "市科技创新局", "--data", str(build_dir / "plankg.nq")]) == 0
    out = capsys.readouterr().out
    assert "former name" in out and "市科技创新委" in out


def test_trajectory_query(store: GraphStore) -> None:
    rows = store.select(named_query("trajectories")).rows
    labels = {r[1] for r in rows}
    assert "高技术产业实际使用外资规模" in labels


def test_plan_diff(store: GraphStore, build_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    diff = plan_diff(store, "sz-market-2024", "sz-market-2023-2025")
    carried = {(item.a[0], item.b[0]) for item in diff.carried}
    assert (6, 5) in carried and (16, 13) in carried
    assert len(diff.new) + len({a for a, _ in carried}) == 44
    assert main(["diff", "sz-market-2024", "sz-market-2023-2025", "--data", str(build_dir / "plankg.nq")]) == 0
    out = capsys.readouterr().out
    assert "carried over" in out and "new in sz-market-2024" in out and "not carried over from" in out


def test_milestones_taken_up_by_2024_tasks(store: GraphStore) -> None:
    # 000 market task 13: "2024 年出台促进信用服务市场发展的政策举措" → 003 market 2024 task 16
    # "促进信用服务市场发展。出台促进信用服务市场发展的若干措施"
    rows = store.select("""SELECT ?text ?t WHERE { ?task pk:hasMilestone ?m . ?m pk:milestoneText ?text ;
        pk:takenUpBy ?t }""", {"task": ox.NamedNode(PLAN + "sz-market-2023-2025/task/13")}).rows
    assert rows == (("2024 年出台促进信用服务市场发展的政策举措", PLAN + "sz-market-2024/task/16"),)


def test_candidate_pruning_finds_every_all_pairs_link() -> None:
    """The stop-gram pruning of related_links loses nothing on the real corpus."""
    from plankg.graph.links import related_links
    from plankg.loaders import default_corpus, load_corpus

    records, _ = load_corpus(default_corpus())
    tasks = {(f"{record.file}|{plan.title}", task.number): task
             for record in records for plan in record.plans for task in plan.tasks}
    pruned = related_links(tasks)
    assert pruned == related_links(tasks, stop_df=10**9)
    assert len(pruned) > 150


def test_responsibility_index_equals_the_bound_query_for_every_agency(store) -> None:
    """The per-build index of every agency's list answers exactly what the named query, bound
    to one agency, answers."""
    import pyoxigraph as ox

    from plankg.graph.analysis import _responsibility_rows, responsibility_index
    from plankg.graph.store import named_query

    index = responsibility_index(store)
    agencies = [row[0] for row in store.select(
        "SELECT ?a WHERE { ?a a ?c VALUES ?c { pk:Agency pk:AgencyGroup } }").rows]
    assert len(agencies) == 111  # 110 units of the tasks, and 国务院办公厅, publisher of cn-vc-measures-2024
    for agency in agencies:
        bound = store.select(named_query("agency_responsibilities"), {"agency": ox.NamedNode(agency)})
        assert _responsibility_rows(bound.rows).get(agency, []) == index.get(agency, []), agency
    assert len(index["https://w3id.org/plankg/id/agency/sz-amr"]) == 164
