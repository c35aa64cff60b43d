"""Input the CLI cannot be hurt by (issue 11, item 5): every bad environment is one message naming
the file (and line and column where there is one), exit 2, no traceback, nothing written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from plankg.loaders import default_corpus

F004 = "004_bb859e5053b7b54d.txt"


def plankg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "plankg.api.cli", *args], capture_output=True, text=True,
                          timeout=120)


def small_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copy(default_corpus() / F004, folder / F004)
    return folder


def plans_csv(text: str, encoding: str = "utf-8") -> Callable[[Path], str]:
    def change(folder: Path) -> str:
        (folder / "plans.csv").write_bytes(text.encode(encoding))
        return "plans.csv"
    return change


CONTRACT_TITLE = "深圳市建设营商环境创新试点城市首批改革事项清单"
CASES: dict[str, tuple[Callable[[Path], str], str]] = {
    "symlink loop": (lambda f: (os.symlink(f / "loop.txt", f / "loop.txt"), "loop.txt")[1], "not a regular file"),
    "folder named x.txt": (lambda f: ((f / "x.txt").mkdir(), "x.txt")[1], "not a regular file"),
    "FIFO": (lambda f: (os.mkfifo(f / "pipe.txt"), "pipe.txt")[1], "not a regular file"),
    "link to /dev/zero": (lambda f: (os.symlink("/dev/zero", f / "zero.txt"), "zero.txt")[1], "not a regular file"),
    "plans.csv unknown column": (plans_csv("slug,title,colour\na-b,某方案,red\n"), "plans.csv:1, column 'colour'"),
    "plans.csv bad year": (plans_csv("slug,title,period_start,period_end\na-b,某方案,20x3,2025\n"),
                           "plans.csv:2, column 'period_start'"),
    "plans.csv GB18030": (plans_csv("slug,title\na-b,某方案\n", "gb18030"), "plans.csv:2: not UTF-8"),
    "plans.csv bad slug": (plans_csv("slug,title\nBad Slug!,某方案\n"), "plans.csv:2, column 'slug'"),
    "plans.csv renames a contract plan": (plans_csv("slug,title\nsz-pilot-batch1,另一个方案\n"),
                                          "plans.csv:2, column 'slug'"),
    "plans.csv moves a contract title": (plans_csv(f"slug,title\nmy-pilot,{CONTRACT_TITLE}\n"),
                                         "plans.csv:2, column 'slug'"),
    "agencies.csv too many cells": (lambda f: ((f / "agencies.csv").write_text("id,name_zh\na,b,c\n"),
                                               "agencies.csv")[1], "agencies.csv:2"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_one_message_exit_2(case: str, tmp_path: Path) -> None:
    folder = small_corpus(tmp_path / "src")
    change, message = CASES[case]
    name = change(folder)
    result = plankg("build", "--sources", str(folder), "--out", str(tmp_path / "out"), "--quiet")
    assert result.returncode == 2, result.stderr
    assert name in result.stderr and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "plankg.nq").exists()


def test_contract_override_is_allowed_when_asked(tmp_path: Path) -> None:
    folder = small_corpus(tmp_path / "src")
    plans_csv(f"slug,title\nmy-pilot,{CONTRACT_TITLE}\n")(folder)
    result = plankg("build", "--sources", str(folder), "--out", str(tmp_path / "out"), "--quiet",
                    "--allow-contract-override")
    assert result.returncode == 0, result.stderr
    assert "my-pilot" in result.stdout


@pytest.mark.parametrize("where", ["a file", "under a file"])
def test_unwritable_out_is_one_message(where: str, tmp_path: Path) -> None:
    folder = small_corpus(tmp_path / "src")
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    out = blocker if where == "a file" else blocker / "build"
    result = plankg("build", "--sources", str(folder), "--out", str(out), "--quiet")
    assert result.returncode == 2, result.stderr
    assert str(out) in result.stderr and "cannot write the build" in result.stderr
    assert "Traceback" not in result.stderr
    assert blocker.read_text() == "not a folder"


def test_formula_cells_are_escaped_in_csv_output(tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_text('SELECT ?x WHERE { VALUES ?x { "=cmd|\' /C calc\'!A0" "+1" "plain" } }')
    build = tmp_path / "out"
    assert plankg("build", "--sources", str(small_corpus(tmp_path / "src")), "--out", str(build),
                  "--quiet").returncode == 0
    result = plankg("query", str(query), "--format", "csv", "--data", str(build / "plankg.nq"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "'=cmd|' /C calc'!A0" in lines and "'+1" in lines and "plain" in lines
