"""Bad input: each fault gets a clear message naming file and line, a non-zero exit, and the
last good build left as it was; the harmless variants (BOM, CRLF, full-width digits, GBK with
``--encoding gb18030``, a repeated file) build the same graph as the real corpus.

Each case edits a copy of the real corpus at a place read in the source: 000 line 54 is item 5
of the market plan (健全公平竞争审查机制), line 56 item 6 (健全反不正当竞争法规制度); 004 line
1538 is item 200 of the pilot list, its last.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from plankg.api.cli import run_build

F000 = "000_35404b1995788393.txt"
F004 = "004_bb859e5053b7b54d.txt"  # the largest file of the corpus, 118 143 bytes
SHA256 = "<https://w3id.org/plankg/def#sha256>"
CUT = "6.健全反不正当竞争法规制度。出台".encode()


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    """A build folder holding a good build, which every failed build must leave untouched."""
    out = tmp_path_factory.mktemp("good") / "build"
    assert run_build(corpus, out, quiet=True) == 0
    return out


def corpus_copy(corpus: Path, target: Path, change: Callable[[Path], None]) -> Path:
    target.mkdir()
    for path in [*corpus.glob("*.txt"), corpus / "MANIFEST.csv"]:  # the manifest says where each comes from
        shutil.copy(path, target / path.name)
    change(target)
    return target


def replace(name: str, old: str, new: str) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return change


def rewrite(name: str, bytes_of: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        path = folder / name
        path.write_bytes(bytes_of(path.read_bytes()))
    return change


def quads_without_hashes(build: Path) -> set[str]:
    return {q for q in (build / "plankg.nq").read_text(encoding="utf-8").splitlines() if SHA256 not in q}


def one_gbk_line(data: bytes) -> bytes:
    lines = data.split(b"\n")
    lines[53] = lines[53].decode("utf-8").encode("gb18030")
    return b"\n".join(lines)


FAULTS = {
    "malformed item": (replace(F000, "5.健全公平竞争审查机制。", "5.\n健全公平竞争审查机制。"), [],
                       f"{F000}:54: item 5 has no text after its number"),
    # Public copies often give only a plan's opening: a cut-off last item is kept, with a
    # warning, and refused only with --strict.
    "cut off mid-item with --strict": (rewrite(F000, lambda b: b[: b.index(CUT) + len(CUT)]), ["strict"],
                         f"{F000}:56: the file ends inside item 6"),
    "cut off mid-character": (rewrite(F000, lambda b: b[: b.index(CUT) + len(CUT) - 1]), [],
                              f"{F000}:56: the file ends inside a character (cut off?)"),
    "duplicated number": (replace(F000, "6.健全反不正当竞争法规制度", "5.健全反不正当竞争法规制度"), [],
                          f"{F000}:56: 深圳市优化市场化营商环境工作方案（2023—2025年）: item 5 is numbered twice (first at line 54)"),
    "gap with --strict": (replace(F004, "\t200\n", "\t201\n"), ["strict"],
                          f"{F004}:1538: 深圳市建设营商环境创新试点城市首批改革事项清单: the numbering jumps to 201; item 200 is missing"),
    # without --strict an unknown name is a provisional agency (tests/test_jurisdictions.py)
    "unknown agency with --strict": (replace(F000, "（责任单位：市财政局、市住房建设局）", "（责任单位：市财政局、市住房建没局）"),
                                     ["strict"], f"{F000}:58"),
    "GBK file": (rewrite(F000, lambda b: b.decode("utf-8").encode("gb18030")), [],
                 f"{F000}:3: not valid utf-8 text (re-run with --encoding gb18030 if the file is GBK)"),
    "one GBK line": (rewrite(F000, one_gbk_line), [], f"{F000}:54: not valid utf-8 text"),
    "empty file": (rewrite(F000, lambda b: b""), [], f"{F000}:1: the file is empty"),
    "headings only": (rewrite(F000, lambda b: "# 深圳市优化营商环境\n\n## 一、总体要求".encode()), [],
                      f"{F000}:3: the file is only headings, no items"),
    "file too large": (rewrite(F000, lambda b: b + b"\n" * 200_000), ["small limit"],
                       f"{F000}: the file is"),
    "a manifest date that is no date": (replace("MANIFEST.csv", "2023-08-05", "2023年8月5日"), [],
                                        "MANIFEST.csv:3: column 'issued' of 001_560f08f7727a2982.txt: '2023年8月5日' "
                                        "is not a date (YYYY-MM-DD)"),
    "same file twice with --strict": (lambda folder: shutil.copy(folder / F000, folder / "005_copy.txt"), ["strict"],
                                      f"005_copy.txt:1: the same file as {F000}"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault_is_named_and_the_last_good_build_kept(fault: str, good: Path, corpus: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    change, options, message = FAULTS[fault]
    before = {name: (good / name).read_bytes() for name in ("plankg.nq", "report.json")}
    bad = corpus_copy(corpus, tmp_path / "bad", change)
    capsys.readouterr()
    code = run_build(bad, good, quiet=True, strict="strict" in options,
                     max_bytes=150_000 if "small limit" in options else None)
    err = capsys.readouterr().err
    assert code == 2, err
    assert message in err
    assert {name: (good / name).read_bytes() for name in before} == before
    assert not list(good.parent.glob(".plankg-build-*"))


def test_unknown_agency_suggests_the_closest_names(corpus: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    bad = corpus_copy(corpus, tmp_path / "bad", FAULTS["unknown agency with --strict"][0])
    assert run_build(bad, tmp_path / "out", quiet=True, strict=True) == 2
    assert "市住房建设局" in capsys.readouterr().err


def test_gap_is_a_warning_without_strict(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = corpus_copy(corpus, tmp_path / "bad", FAULTS["gap with --strict"][0])
    assert run_build(bad, tmp_path / "out", quiet=True) == 0
    err = capsys.readouterr().err
    assert f"warning: {F004}:1538: 深圳市建设营商环境创新试点城市首批改革事项清单: the numbering jumps to 201" in err
    assert "<https://w3id.org/plankg/id/plan/sz-pilot-batch1/task/201>" in (tmp_path / "out" / "plankg.nq").read_text(encoding="utf-8")


HARMLESS = {
    "BOM": rewrite(F000, lambda b: b"\xef\xbb\xbf" + b),
    "CRLF": rewrite(F000, lambda b: b.replace(b"\n", b"\r\n")),
    "full-width digits": replace(F000, "5.健全公平竞争审查机制。", "５．健全公平竞争审查机制。"),
    "two-digit full-width number": replace(F000, "10.规范事中环节信用监管", "１０.规范事中环节信用监管"),
}


@pytest.mark.parametrize("variant", list(HARMLESS))
def test_harmless_variants_build_the_same_graph(variant: str, good: Path, corpus: Path, tmp_path: Path) -> None:
    bad = corpus_copy(corpus, tmp_path / "src", HARMLESS[variant])
    out = tmp_path / "out"
    assert run_build(bad, out, quiet=True) == 0
    assert quads_without_hashes(out) == quads_without_hashes(good)
    assert "\\r" not in (out / "plankg.nq").read_text(encoding="utf-8")


def test_gbk_corpus_builds_with_gb18030(good: Path, corpus: Path, tmp_path: Path) -> None:
    def to_gbk(folder: Path) -> None:
        for path in folder.glob("*.txt"):
            path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    out = tmp_path / "out"
    assert run_build(corpus_copy(corpus, tmp_path / "src", to_gbk), out, quiet=True, encoding="gb18030") == 0
    assert quads_without_hashes(out) == quads_without_hashes(good)


def test_same_file_twice_is_read_once(good: Path, corpus: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    bad = corpus_copy(corpus, tmp_path / "src", FAULTS["same file twice with --strict"][0])
    out = tmp_path / "out"
    assert run_build(bad, out, quiet=True) == 0
    assert f"warning: 005_copy.txt: the same file as {F000}; read once" in capsys.readouterr().err
    assert (out / "plankg.nq").read_bytes() == (good / "plankg.nq").read_bytes()
