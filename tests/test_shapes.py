"""The SHACL shapes, each constraint with a conforming and a violating example, and planted
faults in a real build caught by ``plankg validate``."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from plankg.api.cli import run_validate
from plankg.graph.validate import validate_graph

PREFIXES = """
@prefix pk: <https://w3id.org/plankg/def#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <https://w3id.org/plankg/id/> .
"""

# A small conforming graph (already closed under inference where the shapes need it).
BASE = """
<https://w3id.org/plankg/id/source/000_x> a pk:SourceDocument ; pk:fileName "000_x.txt" ;
    pk:sha256 "9233a133b5faaef2234821b41f7b5c237960b90e6c4a66c235ff24c82e4c4dce" .
<https://w3id.org/plankg/id/plan/p> a pk:Plan ; dcterms:title "方案"@zh ;
    pk:periodStart "2023"^^xsd:gYear ; pk:periodEnd "2025"^^xsd:gYear ;
    pk:declaredTaskCount 2 ; prov:wasDerivedFrom <https://w3id.org/plankg/id/source/000_x> .
<https://w3id.org/plankg/id/agency/a> a pk:Agency ; skos:prefLabel "市市场监管局"@zh ;
    rdfs:label "Shenzhen Administration for Market Regulation"@en .
<https://w3id.org/plankg/id/plan/p/task/1> a pk:Task ; pk:inPlan <https://w3id.org/plankg/id/plan/p> ;
    pk:taskNumber 1 ; dcterms:title "甲"@zh ; pk:text "甲。"@zh ; pk:sourceLine 3 ;
    prov:wasDerivedFrom <https://w3id.org/plankg/id/source/000_x> ;
    pk:leadAgency <https://w3id.org/plankg/id/agency/a> .
<https://w3id.org/plankg/id/plan/p/task/2> a pk:Task ; pk:inPlan <https://w3id.org/plankg/id/plan/p> ;
    pk:taskNumber 2 ; dcterms:title "乙"@zh ; pk:text "乙。"@zh ; pk:sourceLine 5 ;
    prov:wasDerivedFrom <https://w3id.org/plankg/id/source/000_x> ;
    pk:deadline "2023-12-31"^^xsd:date .
"""

T1 = "<https://w3id.org/plankg/id/plan/p/task/1>"
T2 = "<https://w3id.org/plankg/id/plan/p/task/2>"
PLAN = "<https://w3id.org/plankg/id/plan/p>"


def check(turtle: str, remove: str = "") -> tuple[bool, str]:
    graph = Graph().parse(data=PREFIXES + BASE, format="turtle")
    if remove:
        for triple in Graph().parse(data=PREFIXES + remove, format="turtle"):
            assert triple in graph, triple
            graph.remove(triple)
    graph.parse(data=PREFIXES + turtle, format="turtle")
    result = validate_graph(graph)
    return result.conforms, "\n".join(f.describe() for f in result.findings)


def test_base_conforms() -> None:
    conforms, text = check("")
    assert conforms, text


VIOLATIONS = {
    "task without a plan": ("", f"{T1} pk:inPlan {PLAN} ."),
    "task without a title": ("", f'{T1} dcterms:title "甲"@zh .'),
    "task without text": ("", f'{T2} pk:text "乙。"@zh .'),
    "two titles": (f'{T1} dcterms:title "另一个"@zh .', ""),
    "title not Chinese": (f'{T1} dcterms:title "first"@en .', f'{T1} dcterms:title "甲"@zh .'),
    "number not an integer": (f'{T1} pk:taskNumber "1" .', f"{T1} pk:taskNumber 1 ."),
    "duplicate number": (f"{T2} pk:taskNumber 1 .", f"{T2} pk:taskNumber 2 ."),
    "gap in numbering": (f"{T2} pk:taskNumber 3 .", f"{T2} pk:taskNumber 2 ."),
    "declared count differs": (f"{PLAN} pk:declaredTaskCount 3 .", f"{PLAN} pk:declaredTaskCount 2 ."),
    "deadline not a date": (f'{T2} pk:deadline "2023年12月底" .', f'{T2} pk:deadline "2023-12-31"^^xsd:date .'),
    "agency of wrong class": (f"{T1} pk:leadAgency {PLAN} .", ""),
    "task IRI pattern": ('<https://example.org/task/9> a pk:Task .', ""),
    "IRI and number disagree": ("", ""),  # filled below
    "agency with two prefLabels": ('<https://w3id.org/plankg/id/agency/a> skos:prefLabel "另一个"@zh .', ""),
    "agency without English label": ("", '<https://w3id.org/plankg/id/agency/a> rdfs:label "Shenzhen Administration for Market Regulation"@en .'),
    "period not a gYear": (f'{PLAN} pk:periodEnd "2025" .', f'{PLAN} pk:periodEnd "2025"^^xsd:gYear .'),
    "source without sha256": ("", '<https://w3id.org/plankg/id/source/000_x> pk:sha256 "9233a133b5faaef2234821b41f7b5c237960b90e6c4a66c235ff24c82e4c4dce" .'),
}
VIOLATIONS["IRI and number disagree"] = (
    f"{T2} pk:taskNumber 1 . {T1} pk:taskNumber 2 .", f"{T1} pk:taskNumber 1 . {T2} pk:taskNumber 2 .")


@pytest.mark.parametrize("name", sorted(VIOLATIONS))
def test_violation_is_caught(name: str) -> None:
    add, remove = VIOLATIONS[name]
    conforms, text = check(add, remove)
    assert not conforms, f"{name} not caught"
    assert "Violation" in text


def test_truncated_source_is_a_warning_not_a_violation() -> None:
    conforms, text = check(f"{PLAN} pk:sourceTruncated true . {PLAN} pk:declaredTaskCount 15 .",
                           f"{PLAN} pk:declaredTaskCount 2 .")
    assert conforms, text
    assert "Warning" in text and "cut off" in text


def drop_lines(source: Path, target: Path, *needles: str) -> int:
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not all(n in line for n in needles)]
    target.write_text("".join(kept), encoding="utf-8")
    return len(lines) - len(kept)


TASK = "<https://w3id.org/plankg/id/plan/sz-legal-2023-2025/task/7>"


def test_real_build_validates(build_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_validate(build_dir / "plankg.nq") == 0
    assert "conforms" in capsys.readouterr().out


@pytest.mark.parametrize("needles,expected", [
    ((TASK, "#inPlan>"), "inPlan"),
    ((TASK, "/title>"), "title"),
])
def test_planted_fault_fails_validation(build_dir: Path, tmp_path: Path, needles: tuple[str, ...],
                                        expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    faulty = tmp_path / "faulty.nq"
    assert drop_lines(build_dir / "plankg.nq", faulty, *needles) >= 1
    assert run_validate(faulty) == 1
    out = capsys.readouterr().out
    assert "sz-legal-2023-2025/task/7" in out and expected in out
    assert "source line 140" in out or expected == "inPlan"


def test_planted_duplicate_number_fails_validation(build_dir: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    text = (build_dir / "plankg.nq").read_text(encoding="utf-8")
    old = f'{TASK} <https://w3id.org/plankg/def#taskNumber> "7"'
    assert old in text
    faulty = tmp_path / "dup.nq"
    faulty.write_text(text.replace(old, old.replace('"7"', '"8"')), encoding="utf-8")
    assert run_validate(faulty) == 1
    out = capsys.readouterr().out
    assert "share the number" in out and "sz-legal-2023-2025" in out
