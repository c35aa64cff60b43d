"""The three 2023—2025 plans of 000 in the built graph, checked against the source as printed.

Every expectation below was written by reading ``data/sources/000_35404b1995788393.txt``;
the line numbers are that file's.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from plankg.graph.namespace import graph_iri, task_iri
from plankg.graph.store import GraphStore

SOURCE_GRAPH = ox.NamedNode(str(graph_iri("source/000_35404b1995788393")))
# The international plan's stated wording is the official document's (001).
OFFICIAL_GRAPH = ox.NamedNode(str(graph_iri("source/001_560f08f7727a2982")))

# (plan, number, source line, title, lead, participating, responsible-only); the lines of the
# international plan are those of the official document, 001.
SAMPLE = [
    ("sz-market-2023-2025", 1, 40, "依法平等保护各类市场主体合法权益", [], [],
     ["市商务局", "市市场监管局", "市前海管理局"]),
    ("sz-market-2023-2025", 2, 42, "强化知识产权保护", [], [], ["市市场监管局", "市中级人民法院"]),
    ("sz-market-2023-2025", 3, 46, "落实市场准入制度", [], [],
     ["市发展改革委", "人民银行深圳市中心支行", "市前海管理局", "市司法局"]),
    ("sz-market-2023-2025", 6, 56, "健全反不正当竞争法规制度", [], [], ["市市场监管局"]),
    ("sz-market-2023-2025", 7, 58, "推动政府采购招投标公平竞争", [], [], ["市财政局", "市住房建设局"]),
    ("sz-market-2023-2025", 11, 68, "完善事后环节信用监管", [], [], ["市市场监管局"]),
    ("sz-market-2023-2025", 14, 78, "加大土地要素支撑力度", [], [],
     ["市规划和自然资源局", "市工业和信息化局"]),
    ("sz-market-2023-2025", 19, 90, "打造世界级交易平台", [], [],
     ["市商务局", "市工业和信息化局", "市前海管理局", "市发展改革委", "罗湖区", "深圳证券交易所"]),
    ("sz-market-2023-2025", 23, 100, "稳定市场主体政策预期", [], [],
     ["市政务服务数据管理局", "各区", "各有关单位"]),  # printed as 各区各有关单位
    ("sz-legal-2023-2025", 4, 134, "建立健全以信用为基础的新型监管机制", ["市市场监管局"],
     ["各相关行政执法单位", "各区"], []),
    ("sz-legal-2023-2025", 5, 136, "实施“综合查一次”制度", ["市市场监管局", "市司法局"],
     ["各相关行政执法单位", "各区"], []),
    ("sz-legal-2023-2025", 6, 138, "探索执法“观察期”制度", [], [], ["各相关行政执法单位"]),
    ("sz-legal-2023-2025", 14, 158, "强化律师执业权利保障", [], [],
     ["市中级人民法院", "市检察院", "市公安局", "市司法局"]),
    ("sz-legal-2023-2025", 17, 168, "深化法律服务供需对接", ["市司法局"],
     ["市发展改革委", "市科技创新委", "市工业和信息化局", "市国资委", "市工商联"], []),
    ("sz-legal-2023-2025", 20, 174, "健全群众参与和监督评价机制", [], [],
     ["市政府办公厅", "市司法局", "市政务服务数据管理局", "市工业和信息化局", "各区"]),
    ("sz-intl-2023-2025", 1, 37, "加快集聚国际创新资源", ["市科技创新委"],
     ["市工业和信息化局", "市委外办"], []),
    ("sz-intl-2023-2025", 4, 47, "提升国际化人才服务水平", ["市委组织部"],
     ["市科技创新委", "市财政局", "市人力资源保障局", "深圳市税务局", "市委外办", "市公安局",
      "深圳出入境边防检查总站", "各行业主管部门"], []),
    ("sz-intl-2023-2025", 6, 53, "推动数据要素安全高效跨境流动", ["市前海管理局"],
     ["市商务局", "市委网信办", "市科技创新委", "市工业和信息化局", "市政务服务数据管理局",
      "市发展改革委", "人民银行深圳市中心支行", "福田区"], []),
    ("sz-intl-2023-2025", 9, 65, "打造高效便捷的跨境贸易服务体系", ["市商务局"],
     ["市交通运输局", "市口岸办", "深圳海关"], []),
    ("sz-intl-2023-2025", 12, 77, "加强城市宣传推介和综合营销", ["市委宣传部"],
     ["市委外办", "市商务局", "市文化广电旅游体育局", "市港澳办"], []),
]

# Full texts as printed (number and trailing unit list removed).
FULL_TEXT = {
    ("sz-market-2023-2025", 6): "健全反不正当竞争法规制度。出台深圳经济特区反不正当竞争条例，进一步强化反不正当竞争监管力度。开展制止滥用行政权力排除、限制竞争执法专项行动，及时清理废除含地方保护、市场分割、指定交易等妨碍统一市场和公平竞争的政策。",
    ("sz-legal-2023-2025", 6): "探索执法“观察期”制度。除法律、法规、规章明确禁止或者涉及危害公共安全和人民群众生命健康等情形外，对符合国家和省、市政策导向、有发展前景的新业态新模式企业，探索给予合理的执法“观察期”，优先采取教育提醒、劝导示范、警示告诫、行政提示、行政指导、行政约谈等柔性执法方式。",
    ("sz-legal-2023-2025", 14): "强化律师执业权利保障。完善网上预约、远程会见等信息化建设，2023年实现全量开放律师会见室和会见席位，最大程度保障律师会见便利。建立政法机关与市律师协会常态化联络机制，强化律师知情权、会见权、阅卷权、调查取证权等执业权利保障，对阻碍律师行使执业权利的处置流程进行优化，畅通权利救济渠道。",
    ("sz-legal-2023-2025", 19): "加强法治人才队伍建设。推动深圳法学教育高质量发展，建立适应职业特点的法治人才在职培养体系，加大涉外法律、知识产权、破产、金融、企业合规等方面紧缺法治人才培养力度。按规定招聘一批具有国际视野、通晓中外法律规则的港澳人才到国有企事业单位服务。建立健全法治智库评价机制，推动高水平法治智库建设。",
}

TASK_QUERY = """
SELECT ?n ?title ?text ?line WHERE {
  ?task pk:taskNumber ?n ; dcterms:title ?title ; pk:text ?text ; pk:sourceLine ?line .
}"""

ROLE_QUERY = """
SELECT ?role ?name WHERE {
  GRAPH ?g { ?task ?role ?agency }
  VALUES ?role { pk:leadAgency pk:participatingAgency pk:responsibleAgency }
  ?agency skos:prefLabel ?name .
}"""


def roles(store: GraphStore, task: ox.NamedNode, graph: ox.NamedNode) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {"leadAgency": set(), "participatingAgency": set(),
                                "responsibleAgency": set()}
    for row in store.query(ROLE_QUERY, {"task": task, "g": graph}):
        out[row["role"].value.rsplit("#", 1)[1]].add(row["name"].value)
    return out


def test_three_plans_with_55_tasks(report: dict) -> None:
    plans = report["plans"]
    assert {slug: (p["tasks"], p["declared"]) for slug, p in plans.items()
            if "000_35404b1995788393.txt" in p["sources"]} == {
        "sz-market-2023-2025": (23, 23), "sz-legal-2023-2025": (20, 20),
        "sz-intl-2023-2025": (12, 12)}


@pytest.mark.parametrize("slug,count", [("sz-market-2023-2025", 23), ("sz-legal-2023-2025", 20),
                                        ("sz-intl-2023-2025", 12)])
def test_numbering_runs_1_to_n(store: GraphStore, slug: str, count: int) -> None:
    table = store.select(
        "SELECT ?n WHERE { ?t a pk:Task ; pk:inPlan ?plan ; pk:taskNumber ?n } ORDER BY ?n",
        {"plan": ox.NamedNode(f"https://w3id.org/plankg/id/plan/{slug}")})
    assert [int(r[0]) for r in table.rows] == list(range(1, count + 1))


@pytest.mark.parametrize("slug,number,line,title,lead,participating,responsible", SAMPLE)
def test_task_as_printed(store: GraphStore, slug: str, number: int, line: int, title: str,
                         lead: list[str], participating: list[str], responsible: list[str]) -> None:
    task = ox.NamedNode(str(task_iri(slug, number)))
    (row,) = store.select(TASK_QUERY, {"task": task}).rows
    assert row[0] == str(number)
    assert row[1] == title
    assert row[2].startswith(title + "。")
    assert row[3] == str(line)
    found = roles(store, task, OFFICIAL_GRAPH if slug == "sz-intl-2023-2025" else SOURCE_GRAPH)
    assert found["leadAgency"] == set(lead)
    assert found["participatingAgency"] == set(participating)
    assert found["responsibleAgency"] == set(responsible)
    # the inferred super-property covers every role
    everyone = {r[0] for r in store.select(
        "SELECT ?name WHERE { ?task pk:responsibleAgency/skos:prefLabel ?name }",
        {"task": task}).rows}
    assert everyone == set(lead) | set(participating) | set(responsible)


@pytest.mark.parametrize("key", sorted(FULL_TEXT))
def test_full_text_as_printed(store: GraphStore, key: tuple[str, int]) -> None:
    (row,) = store.select(TASK_QUERY, {"task": ox.NamedNode(str(task_iri(*key)))}).rows
    assert row[2] == FULL_TEXT[key]


def test_no_noise_in_any_text(store: GraphStore) -> None:
    table = store.select("SELECT ?t ?text WHERE { ?t pk:text ?text }")
    for task, text in table.rows:
        assert "**" not in text and "<br>" not in text and "\n" not in text, task
        assert "责任单位" not in text and "牵头单位" not in text, task


def test_no_deadlines_in_the_2023_2025_plans(store: GraphStore) -> None:
    assert not bool(store.query("""ASK { ?t pk:inPlan ?p ; pk:deadline ?d .
        VALUES ?p { <https://w3id.org/plankg/id/plan/sz-market-2023-2025>
                    <https://w3id.org/plankg/id/plan/sz-legal-2023-2025> } }"""))


def test_every_task_has_one_of_each(store: GraphStore) -> None:
    table = store.select("""
        SELECT ?t (COUNT(DISTINCT ?p) AS ?plans) (COUNT(DISTINCT ?n) AS ?numbers)
               (COUNT(DISTINCT ?title) AS ?titles) (COUNT(DISTINCT ?text) AS ?texts) WHERE {
          ?t a pk:Task .
          OPTIONAL { ?t pk:inPlan ?p } OPTIONAL { ?t pk:taskNumber ?n }
          OPTIONAL { ?t dcterms:title ?title } OPTIONAL { ?t pk:text ?text }
        } GROUP BY ?t""")
    assert table.rows
    for row in table.rows:
        assert row[1:] == ("1", "1", "1", "1"), row[0]


def test_has_task_is_inferred(store: GraphStore) -> None:
    table = store.select("SELECT (COUNT(?t) AS ?n) WHERE { ?p pk:hasTask ?t . ?t a pk:Task }",
        {"p": ox.NamedNode("https://w3id.org/plankg/id/plan/sz-legal-2023-2025")})
    assert table.rows == (("20",),)


def test_provenance(store: GraphStore) -> None:
    table = store.select("""SELECT ?file ?sha WHERE {
        ?task prov:wasDerivedFrom ?src . ?src pk:fileName ?file ; pk:sha256 ?sha }""",
        {"task": ox.NamedNode(str(task_iri("sz-intl-2023-2025", 7)))})
    assert ("000_35404b1995788393.txt",
            "9233a133b5faaef2234821b41f7b5c237960b90e6c4a66c235ff24c82e4c4dce") in table.rows


def test_report_records_every_file_read(report: dict) -> None:
    assert report["sources"]["000_35404b1995788393.txt"]["sha256"] == (
        "9233a133b5faaef2234821b41f7b5c237960b90e6c4a66c235ff24c82e4c4dce")
    assert report["conforms"] is True


def test_news_copy_of_the_international_plan_is_kept_as_a_version(store: GraphStore) -> None:
    # 000 prints task 12 from line 230 and ends its text with "多语种网站，打造数媒时代链接世界
    # 的友好界面。…"; 001 (stated) prints it from line 77 with the nine languages in parentheses.
    table = store.select("""SELECT ?line ?same ?text WHERE {
        ?v pk:versionOf ?task ; pk:versionSourceLine ?line ; pk:sameWordingAsStated ?same ;
           pk:versionText ?text ; prov:wasDerivedFrom ?src . ?src pk:fileName "000_35404b1995788393.txt" }""",
        {"task": ox.NamedNode(str(task_iri("sz-intl-2023-2025", 12)))})
    ((line, same, text),) = table.rows
    assert line == "230" and same == "false"
    assert "运营好 EyeShenzhen 多语种网站" in text
    stated = store.select("SELECT ?text WHERE { ?task pk:text ?text }",
                          {"task": ox.NamedNode(str(task_iri("sz-intl-2023-2025", 12)))}).rows
    assert len(stated) == 1
    assert "EyeShenzhen（英语、西班牙语、德语、法语、俄语、" in stated[0][0]
