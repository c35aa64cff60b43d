"""Measure links (issue 14): the judged pairs, recall and precision, a pair per named kind,
milestones taken up, and the candidate pruning."""

from __future__ import annotations

import importlib.util
import sys

import pyoxigraph as ox
import pytest

from plankg.graph.store import GraphStore
from tests.helpers import REPO

PLAN = "https://w3id.org/plankg/id/plan/"


def _bench():
    spec = importlib.util.spec_from_file_location("link_recall", REPO / "bench" / "link_recall.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["link_recall"] = module
    spec.loader.exec_module(module)
    return module


def test_judged_clauses_are_printed_in_the_tasks(store: GraphStore) -> None:
    """Each evidence clause of the fixture is a literal substring of its task's title or text."""
    rows = _bench().judged_pairs()
    assert len(rows) >= 200
    texts = {}
    for task, title, text in store.select("SELECT ?t ?title ?text WHERE { ?t a pk:Task ; dcterms:title ?title ; pk:text ?text }").rows:
        texts[task.removeprefix(PLAN)] = title + "\n" + text
    for row in rows:
        for (plan, n), clause in ((row.a, row.clause_a), (row.b, row.clause_b)):
            assert clause in texts[f"{plan}/task/{n}"], (plan, n, clause)


def test_recall_and_precision_on_the_judged_pairs(store: GraphStore) -> None:
    bench = _bench()
    figures = bench.evaluate(store)
    overall = figures.pop(None)
    assert overall.recall >= 0.8 and overall.precision >= 0.9, bench.report({None: overall})
    assert all(f.recall >= 0.6 for f in figures.values()), bench.report(figures)


def _relations(store: GraphStore, a: str, b: str) -> set[str]:
    rows = store.select("SELECT ?p WHERE { ?a ?p ?b }", {"a": ox.NamedNode(PLAN + a), "b": ox.NamedNode(PLAN + b)}).rows
    return {p.rsplit("#", 1)[-1] for (p,) in rows}


@pytest.mark.parametrize(("a", "b", "kind"), [
    # 003 market 2024 task 5 推广开办企业音视频双录电子签名 / 002 key task 5 推行无介质电子签名…音视频双录双重确认
    ("sz-market-2024/task/5", "sz-keytasks-2023/task/5", "sameMeasure"),
    # 002 work point 89 在前海率先设立公平竞争委员会 is one clause of 000 market task 5
    ("sz-workpoints-2023/task/89", "sz-market-2023-2025/task/5", "partOfTask"),
    # 003 market 2024 task 33 在有条件的区域实行区域评估结果“一单尽列、免费公开” carries out task 20's 2024 milestone
    ("sz-market-2024/task/33", "sz-market-2023-2025/task/20", "carriesOut"),
    # 003 intl 2024 task 24 创新全链条涉外法律服务 and 001 intl task 11 创新知识产权全链条法律服务: the same line, another measure
    ("sz-intl-2024/task/24", "sz-intl-2023-2025/task/11", "relatedMeasure"),
])
def test_each_kind_of_relation_on_a_pair_read_from_the_sources(store: GraphStore, a: str, b: str, kind: str) -> None:
    relations = _relations(store, a, b)
    assert kind in relations and "relatedTask" in relations
    link = store.select("""SELECT ?s ?ca ?cb ?m WHERE { { ?l pk:linkFrom ?a ; pk:linkTo ?b } UNION { ?l pk:linkFrom ?b ; pk:linkTo ?a }
        ?l pk:relation ?r ; pk:score ?s ; pk:clauseFrom ?ca ; pk:clauseTo ?cb ; pk:method ?m }""",
                        {"a": ox.NamedNode(PLAN + a), "b": ox.NamedNode(PLAN + b),
                         "r": ox.NamedNode("https://w3id.org/plankg/def#" + kind)}).rows
    assert link and all(float(s) > 0 for s, *_ in link)


def test_milestone_taken_up_verbatim(store: GraphStore) -> None:
    # 000 market task 20: 2024年实行区域评估结果“一单尽列、免费公开” → 003 market 2024 task 33
    rows = store.select("""SELECT ?text ?t WHERE { ?task pk:hasMilestone ?m . ?m pk:milestoneText ?text ;
        pk:takenUpBy ?t }""", {"task": ox.NamedNode(PLAN + "sz-market-2023-2025/task/20")}).rows
    assert ("2024年实行区域评估结果“一单尽列、免费公开”", PLAN + "sz-market-2024/task/33") in rows


def test_measure_candidate_pruning_loses_nothing() -> None:
    from plankg.graph.links import measure_links
    from plankg.loaders import default_corpus, load_corpus

    records, _ = load_corpus(default_corpus())
    tasks = {(f"{record.file}|{plan.title}", task.number): task
             for record in records for plan in record.plans for task in plan.tasks}
    pruned = {(link.a, link.b): link for link in measure_links(tasks)}
    full = [link for link in measure_links(tasks, stop_df=10**9) if link.relation]
    assert len(full) > 300
    # every stated link of the all-pairs computation is found, with the same score and clauses
    assert [link for link in full if pruned.get((link.a, link.b)) != link] == []


def _lineage(store: GraphStore, task: str) -> set[tuple[str, str]]:
    from plankg.graph.store import named_query

    rows = store.select(named_query("lineage"), {"task": ox.NamedNode(PLAN + task)}).rows
    return {(other.removeprefix(PLAN), relation.rsplit("#", 1)[-1]) for other, _, _, _, relation, *_ in rows}


def test_lineage_of_market_2024_task_33(store: GraphStore) -> None:
    # 003 task 33 在有条件的区域实行区域评估结果“一单尽列、免费公开” carries out 000 market task 20's
    # 2024年实行区域评估结果“一单尽列、免费公开”
    assert ("sz-market-2023-2025/task/20", "carriesOut") in _lineage(store, "sz-market-2024/task/33")


def test_lineage_of_key_task_5(store: GraphStore) -> None:
    lineage = _lineage(store, "sz-keytasks-2023/task/5")
    # 000 market task 4 推行开办企业无介质电子签名 holds it as one clause
    assert ("sz-market-2023-2025/task/4", "partOfTask") in lineage
    # 003 market 2024 task 5 推广开办企业音视频双录电子签名 (key task 5: 音视频双录双重确认)
    assert ("sz-market-2024/task/5", "sameMeasure") in lineage


def test_lineage_of_pilot_item_2(store: GraphStore) -> None:
    # 004 item 2 便利企业开立银行账户: no later plan carries the bank-account measure (read: no 开户 in
    # 000, 001, 002; 003 intl task 16 is accounts of visitors); nothing is named a measure link
    lineage = _lineage(store, "sz-pilot-batch1/task/2")
    assert not {r for _, r in lineage} & {"sameMeasure", "partOfTask", "carriesOut"}
