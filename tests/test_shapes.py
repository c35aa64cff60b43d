"""The SHACL shapes, each constraint with a conforming and a violating example, and planted
faults in a real build caught by ``plankg validate``."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from plankg.api.cli import run_validate
from plankg.graph.validate import validate_graph
from tests.helpers import BASE, PLAN, PREFIXES, VIOLATIONS


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
