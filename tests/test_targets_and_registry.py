"""Targets of the three 2023—2025 plans and the 2023 annex, and the agency and district
registries. Every target below was read off the source texts (000 for the market plan, 001 for
the international plan and its annex); the legal plan commits to no number."""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
import pytest

from plankg.graph.store import GraphStore

# (plan, task, comparator, value, unit, year, cumulative)
EXPECTED_TARGETS = sorted([
    ("sz-market-2023-2025", 14, "≥", "20000000", "平方米", None, False),   # 每年提供不少于 2000 万平方米
    ("sz-market-2023-2025", 14, "≈", "15", "平方公里", "2025", False),    # 到 2025 年整备工业用地约 15 平方公里
    ("sz-market-2023-2025", 16, "≥", "50000", "家", "2025", True),        # 到 2025 年累计新增首贷户不少于 5 万家
    ("sz-market-2023-2025", 16, "=", "18", "%", "2025", False),           # 比重提升至 18%
    ("sz-market-2023-2025", 17, "≥", "450", "个", "2025", False),         # 推广应用 450 个以上
    ("sz-market-2023-2025", 18, "≥", "5000", "个", "2025", True),         # 累计开放数据集总量 5000 个以上
    ("sz-market-2023-2025", 21, "≥", "20", "%", "2025", False),           # 事项数量新增20%以上
    ("sz-market-2023-2025", 21, "≥", "93", "%", "2025", False),           # 覆盖范围达到93%以上
    ("sz-market-2023-2025", 21, "≥", "200", "个", None, False),           # 新增200个以上…应用场景
    ("sz-intl-2023-2025", 2, "≥", "77", "%", "2025", False),              # 比重达到77%以上
    ("sz-intl-2023-2025", 7, "≥", "4000000000", "美元", "2025", False),   # 40亿美元以上
    ("sz-intl-2023-2025", 9, "=", "1", "名", "2025", False),              # 进口通关时效排名位居全国第一
    ("sz-intl-2023-2025", 9, "≤", "3", "名", "2025", False),              # 出口排名进入全国前三
    ("sz-intl-2023-2025", 9, "≥", "500", "家", "2025", False),            # AEO高级认证企业达到500家以上
    ("sz-intl-tasks-2023", 1, "≥", "200", "个", "2023", True),
    ("sz-intl-tasks-2023", 2, "≥", "3", "个", "2023", False),
    ("sz-intl-tasks-2023", 3, "≥", "40", "个", "2023", False),
    ("sz-intl-tasks-2023", 4, "≥", "1", "场", "2023", False),
    ("sz-intl-tasks-2023", 8, "=", "10", "家", "2023", True),
    ("sz-intl-tasks-2023", 11, "≥", "300", "家", "2023", True),
    ("sz-intl-tasks-2023", 12, "=", "180", "家", "2023", False),
    ("sz-intl-tasks-2023", 12, "=", "18000000000", "元", "2023", True),
    ("sz-intl-tasks-2023", 17, "=", "54000000000", "美元", "2023", False),  # not 2024 of the title 《…（2022—2024年）》
    ("sz-intl-tasks-2023", 21, "=", "3000000000", "美元", "2023", False),
    ("sz-intl-tasks-2023", 22, "=", "120", "个", "2023", False),
    ("sz-intl-tasks-2023", 22, "=", "30", "场", "2023", False),
    ("sz-intl-tasks-2023", 25, "=", "570000000000", "元", "2023", False),
    ("sz-intl-tasks-2023", 26, "=", "3000000", "平方米", "2023", True),
    ("sz-intl-tasks-2023", 27, "≥", "10", "家", "2023", True),
    ("sz-intl-tasks-2023", 28, "≤", "5", "个工作日", "2023", False),
    ("sz-intl-tasks-2023", 29, "≈", "400", "家", "2023", True),           # 累计培育…近 400 家
    ("sz-intl-tasks-2023", 31, "≥", "5", "条", "2023", False),
    ("sz-intl-tasks-2023", 33, "≥", "500", "座", "2023", False),
    ("sz-intl-tasks-2023", 35, "≥", "2", "所", "2023", False),
    ("sz-intl-tasks-2023", 36, "=", "700000", None, "2023", False),        # 人才服务量达70万
    ("sz-intl-tasks-2023", 38, "=", "200", "件", "2023", False),
    ("sz-intl-tasks-2023", 38, "=", "100", "家", "2023", False),
    ("sz-intl-tasks-2023", 38, "=", "2", "份", "2023", False),
], key=str)

TARGETS_QUERY = """
SELECT ?slug ?n ?cmp ?value ?unit ?year ?cum WHERE {
  ?task pk:inPlan ?plan ; pk:taskNumber ?n ; pk:hasTarget ?t .
  ?t pk:comparator ?cmp ; pk:value ?value .
  OPTIONAL { ?t pk:unit ?unit } OPTIONAL { ?t pk:targetYear ?year } OPTIONAL { ?t pk:cumulative ?cum }
  VALUES ?plan { <https://w3id.org/plankg/id/plan/sz-market-2023-2025> <https://w3id.org/plankg/id/plan/sz-legal-2023-2025>
                 <https://w3id.org/plankg/id/plan/sz-intl-2023-2025> <https://w3id.org/plankg/id/plan/sz-intl-tasks-2023> }
  BIND(STRAFTER(STR(?plan), "/plan/") AS ?slug)
}"""


def test_every_target_of_the_multi_year_plans_and_the_annex(store: GraphStore) -> None:
    found = sorted(((slug, int(n), cmp, str(Decimal(value)), unit or None, year or None, cum == "true")
                    for slug, n, cmp, value, unit, year, cum in store.select(TARGETS_QUERY).rows), key=str)
    assert found == EXPECTED_TARGETS


def test_high_tech_foreign_capital_indicator_across_plans(store: GraphStore) -> None:
    rows = store.select("""SELECT ?year ?cmp ?value ?label WHERE {
        ?t pk:indicator ?i ; pk:targetYear ?year ; pk:comparator ?cmp ; pk:value ?value .
        ?i rdfs:label ?label . FILTER(LANG(?label) = "zh") } ORDER BY ?year""",
        {"i": ox.NamedNode("https://w3id.org/plankg/id/indicator/hightech-fdi")}).rows
    assert [(r[0], r[1], Decimal(r[2])) for r in rows] == [
        ("2023", "=", Decimal(3_000_000_000)), ("2025", "≥", Decimal(4_000_000_000))]


def test_years_that_date_actions_are_milestones(store: GraphStore) -> None:
    rows = store.select("""SELECT ?year ?text WHERE { ?task pk:hasMilestone ?m . ?m pk:milestoneYear ?year ; pk:milestoneText ?text }""",
                        {"task": ox.NamedNode("https://w3id.org/plankg/id/plan/sz-market-2023-2025/task/5")}).rows
    assert sorted(rows) == [("2023", "2023 年在前海深港现代服务业合作区设立议事协调机构性质的公平竞争委员会"),
                            ("2025", "2025 年开展公平竞争指数试点")]


RENAMES = [("市科技创新委", "市科技创新局"), ("市政务服务数据管理局", "市政务服务和数据管理局"),
           ("深圳银保监局", "国家金融监督管理总局深圳监管局"), ("市地方金融监管局", "市委金融办"),
           ("人民银行深圳市中心支行", "中国人民银行深圳市分行"), ("市水务集团", "市环水集团")]


@pytest.mark.parametrize("old,new", RENAMES)
def test_renamed_agencies_are_linked(store: GraphStore, old: str, new: str) -> None:
    assert bool(store.query(f"""ASK {{ ?a skos:prefLabel "{old}"@zh ; pk:replacedBy ?b .
                                       ?b skos:prefLabel "{new}"@zh }}"""))


@pytest.mark.parametrize("variant,canonical", [
    ("市住房城乡建设局", "市住房建设局"), ("市中级法院", "市中级人民法院"), ("南山区政府", "南山区"),
    ("市人力资源社会保障局", "市人力资源保障局"), ("深圳边检总站", "深圳出入境边防检查总站"),
    ("各区政府", "各区"), ("前海管理局", "市前海管理局"), ("市邮管局", "深圳市邮政管理局")])
def test_spelling_variants_are_one_node(store: GraphStore, variant: str, canonical: str) -> None:
    assert bool(store.query(f"""ASK {{ ?a skos:prefLabel "{canonical}"@zh ; skos:altLabel "{variant}"@zh }}"""))


def test_every_agency_and_district_has_an_english_label(store: GraphStore) -> None:
    missing = store.select("""SELECT ?x WHERE {
        VALUES ?c { pk:Agency pk:AgencyGroup pk:District } ?x a ?c .
        FILTER NOT EXISTS { ?x rdfs:label ?l . FILTER(LANG(?l) = "en") } }""").rows
    assert missing == ()


def test_every_district_has_its_code(store: GraphStore) -> None:
    rows = store.select("""SELECT ?name ?code WHERE { ?d a pk:District ; dcterms:type "district" ;
        skos:prefLabel ?name . OPTIONAL { ?d pk:divisionCode ?code } } ORDER BY ?code""").rows
    assert {code for _, code in rows} == {"440303", "440304", "440305", "440306", "440307", "440308",
                                          "440309", "440310", "440311"}


def test_groups_enumerate_their_members(store: GraphStore) -> None:
    members = {r[0] for r in store.select("""SELECT ?name WHERE { ?g skos:prefLabel "各区"@zh ;
        pk:includesAgency/skos:prefLabel ?name }""").rows}
    assert members == {"福田区", "罗湖区", "南山区", "盐田区", "宝安区", "龙岗区", "龙华区", "坪山区", "光明区"}
    with_new = {r[0] for r in store.select("""SELECT ?name WHERE { ?g skos:prefLabel "各区（新区）"@zh ;
        pk:includesAgency/skos:prefLabel ?name }""").rows}
    assert with_new == members | {"大鹏新区"}


def test_tasks_name_their_places(store: GraphStore) -> None:
    places = {r[0] for r in store.select("SELECT ?p WHERE { ?t pk:mentionsPlace/skos:prefLabel ?p }",
              {"t": ox.NamedNode("https://w3id.org/plankg/id/plan/sz-intl-tasks-2023/task/35")}).rows}
    assert places == {"福田区", "南山区", "宝安区", "龙岗区"}  # 在福田、南山、宝安、龙岗等区
