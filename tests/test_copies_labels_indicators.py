"""Indicators, copies and labels made whole (issue 14, item 4), each checked against the
sources: the e-licence scenes of pilot item 167 and market task 21 meet at one indicator; the
news copy of the international plan (000) states its own units; a registry alias is a
skos:altLabel only where the corpus prints it; service hours are no target."""

from __future__ import annotations

import re
from pathlib import Path

from plankg.graph.store import GraphStore

ID = "https://w3id.org/plankg/id/"


def _one(store: GraphStore, query: str) -> list[tuple[str, ...]]:
    return [tuple(str(v) for v in row) for row in store.select(query).rows]


def test_one_indicator_for_the_e_licence_scenes(store: GraphStore) -> None:
    # 004 line 1307 (pilot item 167): 在商业领域打造100个应用场景 — electronic licences and seals;
    # 000 (market plan, task 21): 在重点商业领域新增200个以上电子营业执照和电子印章应用场景
    rows = _one(store, f"""SELECT ?task ?value WHERE {{
        ?task pk:hasTarget ?t . ?t pk:value ?value ; pk:indicator <{ID}indicator/e-licence-seal-commercial-scenes> }}""")
    assert sorted((r[0].rsplit("/", 3)[1], int(r[1])) for r in rows) == [
        ("sz-market-2023-2025", 200), ("sz-pilot-batch1", 100)]


def test_the_news_copy_names_its_units(store: GraphStore) -> None:
    # the international plan's task 2 in 000 (news copy) and 001 (official): 市工业和信息化局
    # leads; the copies name the same seven units
    copy = {r[0] for r in _one(store, f"""SELECT ?name WHERE {{
        ?v pk:versionOf <{ID}plan/sz-intl-2023-2025/task/2> ;
           prov:wasDerivedFrom <{ID}source/000_35404b1995788393> ;
           pk:versionResponsibleAgency ?a . ?a skos:prefLabel ?name }}""")}
    official = {r[0] for r in _one(store, f"""SELECT ?name WHERE {{
        <{ID}plan/sz-intl-2023-2025/task/2> pk:responsibleAgency ?a . ?a skos:prefLabel ?name }}""")}
    assert "市工业和信息化局" in copy
    assert len(copy) == 7
    assert copy == official


def test_alt_labels_are_spellings_the_corpus_prints(store: GraphStore, corpus: Path) -> None:
    printed = "".join(re.sub(r"\s+", "", p.read_text(encoding="utf-8")) for p in corpus.glob("*.txt"))
    alt = [r[0] for r in _one(store, """SELECT DISTINCT ?l WHERE {
        VALUES ?c { pk:Agency pk:AgencyGroup pk:District } ?x a ?c ; skos:altLabel ?l }""")]
    assert alt
    assert [label for label in alt if label not in printed] == []
    registry_only = {r[0] for r in _one(store, "SELECT ?l WHERE { ?x pk:registryLabel ?l }")}
    assert {"宝安区政府", "市人民检察院"} <= registry_only
    assert not registry_only & set(alt)


def test_service_hours_are_no_target(store: GraphStore) -> None:
    # 002, key task and work point 74: 实现24小时在线免费为纳税人提供数字化电子发票… — service hours
    rows = _one(store, f"""SELECT ?t WHERE {{
        VALUES ?task {{ <{ID}plan/sz-keytasks-2023/task/74> <{ID}plan/sz-workpoints-2023/task/74> }}
        ?task pk:hasTarget ?t }}""")
    assert rows == []


def test_units_keep_their_printed_order(store: GraphStore) -> None:
    # 004 lines 21–22 (pilot item 2): 市市场监管局、人民银行深圳市中心支行 lead, then
    # 市人力资源保障局、市住房建设局 take part — the first-named unit first
    rows = _one(store, f"""SELECT ?position ?role ?name ?agency WHERE {{
        <{ID}plan/sz-pilot-batch1/task/2> pk:namesUnit ?u .
        ?u pk:unitPosition ?position ; pk:unitRole ?role ; pk:namedAs ?name ; pk:unitAgency ?agency }}
        ORDER BY ?position""")
    assert [(int(r[0]), r[1].rsplit("#", 1)[1], r[2]) for r in rows] == [
        (1, "leadAgency", "市市场监管局"), (2, "leadAgency", "人民银行深圳市中心支行"),
        (3, "participatingAgency", "市人力资源保障局"), (4, "participatingAgency", "市住房建设局")]
    assert rows[0][3] == f"{ID}agency/sz-amr"


def test_source_documents_say_where_they_come_from(store: GraphStore) -> None:
    # data/sources/MANIFEST.csv: 000 is from sz.gov.cn; 001 is the official issue 深办发〔2023〕12号
    rows = _one(store, f"""SELECT ?address WHERE {{ <{ID}source/000_35404b1995788393> dcterms:source ?address }}""")
    assert rows == [("http://www.sz.gov.cn/cn/xxgk/zfxxgj/zwdt/content/post_10771648.html",)]
    rows = _one(store, f"""SELECT ?number ?what WHERE {{ <{ID}source/001_560f08f7727a2982>
        dcterms:identifier ?number ; dcterms:description ?what }}""")
    assert rows and rows[0][0] == "深办发〔2023〕12号" and "2023 international task list" in rows[0][1]
