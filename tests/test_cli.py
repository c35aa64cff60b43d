"""The CLI end to end: deterministic builds, a failed build keeps the last good one, queries."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from plankg.api.cli import main, run_build


def test_same_corpus_gives_byte_identical_dump(build_dir: Path, corpus: Path, tmp_path: Path) -> None:
    assert run_build(corpus, tmp_path, quiet=True) == 0
    assert (tmp_path / "plankg.nq").read_bytes() == (build_dir / "plankg.nq").read_bytes()
    assert (tmp_path / "report.json").read_bytes() == (build_dir / "report.json").read_bytes()


def test_build_command_from_a_fresh_process(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "plankg.api.cli", "build", "--out", str(tmp_path)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "sz-market-2023-2025" in result.stdout
    for stage in ("parse", "triples", "inference", "validation", "write"):
        assert stage in result.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["plans"]["sz-legal-2023-2025"]["declared"] == 20


def copy_corpus(corpus: Path, target: Path) -> Path:
    target.mkdir()
    for path in corpus.glob("*.txt"):
        shutil.copy(path, target / path.name)
    return target


def test_unknown_agency_with_strict_stops_the_build_and_keeps_the_last_good_one(
        corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build"
    assert run_build(corpus, out, quiet=True) == 0
    good = (out / "plankg.nq").read_bytes()
    bad = copy_corpus(corpus, tmp_path / "bad")
    source = bad / "000_35404b1995788393.txt"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "（责任单位：市财政局、市住房建设局）", "（责任单位：市财政局、市住房建没局）"), encoding="utf-8")
    capsys.readouterr()
    assert run_build(bad, out, quiet=True, strict=True) == 2  # without --strict: a provisional agency
    err = capsys.readouterr().err
    assert "000_35404b1995788393.txt:58" in err and "市住房建没局" in err
    assert "市住房建设局" in err  # the closest known name is suggested
    assert (out / "plankg.nq").read_bytes() == good
    assert not list(tmp_path.glob(".plankg-build-*"))


def test_invalid_graph_is_not_written(corpus: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build"
    assert run_build(corpus, out, quiet=True) == 0
    good = (out / "plankg.nq").read_bytes()
    bad = copy_corpus(corpus, tmp_path / "bad")
    source = bad / "000_35404b1995788393.txt"
    # the news summary (line 16) declares 21 measures of the legal plan instead of its 20: the
    # loaders read it fine, the declared-count shape does not conform
    source.write_text(source.read_text(encoding="utf-8").replace("共 20 条具体举措", "共 21 条具体举措"),
                      encoding="utf-8")
    capsys.readouterr()
    assert run_build(bad, out, quiet=True) == 1
    err = capsys.readouterr().err
    assert "sz-legal-2023-2025" in err and "nothing written" in err
    assert (out / "plankg.nq").read_bytes() == good


QUERY = """SELECT ?n ?title WHERE {
  ?t pk:inPlan <https://w3id.org/plankg/id/plan/sz-intl-2023-2025> ; pk:taskNumber ?n ; dcterms:title ?title .
} ORDER BY ?n LIMIT 2"""


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_query_formats(build_dir: Path, tmp_path: Path, fmt: str,
                       capsys: pytest.CaptureFixture[str]) -> None:
    query = tmp_path / "q.rq"
    query.write_text(QUERY, encoding="utf-8")
    assert main(["query", str(query), "--format", fmt, "--data", str(build_dir / "plankg.nq")]) == 0
    out = capsys.readouterr().out
    if fmt == "json":
        rows = json.loads(out)["results"]["bindings"]
        assert [r["title"]["value"] for r in rows] == ["加快集聚国际创新资源", "打造国际化的生产性服务业体系"]
    elif fmt == "csv":
        assert out.splitlines() == ["n,title", "1,加快集聚国际创新资源", "2,打造国际化的生产性服务业体系"]
    else:
        assert "加快集聚国际创新资源" in out and out.splitlines()[0].startswith("n ")


def test_query_syntax_error(build_dir: Path, tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_text("SELEC nothing", encoding="utf-8")
    assert main(["query", str(query), "--data", str(build_dir / "plankg.nq")]) == 2


def test_validate_without_build(tmp_path: Path) -> None:
    assert main(["validate", str(tmp_path / "missing.nq")]) == 2
