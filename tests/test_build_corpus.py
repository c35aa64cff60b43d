"""The one build pipeline (plankg.api.pipeline.build_corpus) on real plan documents the
project has never seen (tests/fixtures/unseen): no plans.csv, no registry edits."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from plankg.api.pipeline import build_corpus
from plankg.graph.records import SourceErrors

UNSEEN = Path(__file__).parent / "fixtures" / "unseen"
FILES = ["01_guangming-2025-yingshang-gongzuofangan.txt", "23_xiangxi-2020-work-plan.txt",
         "34_state-council-2020-division-plan.txt", "22_guangdong-private-investment-2023.txt"]


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    folder = tmp_path / "src"
    folder.mkdir()
    for name in FILES:
        shutil.copy(UNSEEN / name, folder / name)
    return folder


def test_unseen_plans_build_with_provisional_agencies_of_their_jurisdiction(sources: Path, tmp_path: Path) -> None:
    build_corpus(sources, tmp_path / "out")
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    jurisdictions = {entry["jurisdiction"] for entry in report["plans"].values()}
    assert jurisdictions == {"440311", "433100", "cn", "440000"}
    assert all(slug.split("-")[0] in {"440311", "433100", "cn", "440000"} for slug in report["plans"])
    by_name = {(p["name"], p["jurisdiction"]) for p in report["provisional_agencies"]}
    assert ("区政务服务和数据管理局", "440311") in by_name
    assert any(code == "433100" for _, code in by_name) and any(code == "cn" for _, code in by_name)
    assert all(p["file"] in FILES and p["iri"].startswith("https://w3id.org/plankg/id/agency/")
               for p in report["provisional_agencies"])
    assert set(report["files"]) == set(FILES)
    assert all(f["layout"] for f in report["files"].values())


def test_the_same_folder_builds_the_same_bytes(sources: Path, tmp_path: Path) -> None:
    build_corpus(sources, tmp_path / "a")
    build_corpus(sources, tmp_path / "b")
    assert (tmp_path / "a" / "plankg.nq").read_bytes() == (tmp_path / "b" / "plankg.nq").read_bytes()


def test_keep_going_lists_the_skipped_files(sources: Path, tmp_path: Path) -> None:
    (sources / "99_empty.txt").write_text("", encoding="utf-8")
    with pytest.raises(SourceErrors):
        build_corpus(sources, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    build_corpus(sources, tmp_path / "out", keep_going=True)
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["skipped"] == [{"file": "99_empty.txt", "line": 1, "reason": "the file is empty"}]
    assert report["files"]["99_empty.txt"]["problems"] == [{"line": 1, "message": "the file is empty"}]


def test_plans_csv_gives_an_untitled_plan_its_title_and_slug(tmp_path: Path) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    name = "10_shenzhen-2023-zhongxiaowei-jiekun-cuoshi.txt"
    shutil.copy(UNSEEN / name, folder / name)
    (folder / "plans.csv").write_text(
        "slug,title,file,jurisdiction,period_start,period_end\n"
        f"sz-sme-relief-2023,关于进一步支持中小微企业纾困及高质量发展的若干措施,{name},440300,2023,2023\n",
        encoding="utf-8")
    build_corpus(folder, tmp_path / "out")
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert list(report["plans"]) == ["sz-sme-relief-2023"]
    assert report["plans"]["sz-sme-relief-2023"]["title"] == "关于进一步支持中小微企业纾困及高质量发展的若干措施"
