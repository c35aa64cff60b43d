"""A corpus read in worker processes reads as in one process: the same records, warnings and
errors in the same order, the same file read of two equal ones, the same ``MANIFEST.csv`` rows.

The pool is forced on a small folder (``parallel_min_bytes=0``): the vendored sources under
their own names and renamed, changed copies, with files that do not read (a GBK line, an empty
file, a folder named ``*.txt``), repeated files (a good one, an empty one, a GBK one) and a
manifest date that is no date.
"""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest

import plankg.loaders as loaders
from plankg.graph.records import LoaderError, SourceErrors
from plankg.loaders import PARALLEL_MIN_BYTES, CorpusRead, read_corpus

F000 = "000_35404b1995788393.txt"
F001 = "001_560f08f7727a2982.txt"
F002 = "002_5a9a178f36e254ae.txt"
F004 = "004_bb859e5053b7b54d.txt"
CUT = "6.健全反不正当竞争法规制度。出台".encode()
ONE_PROCESS = 10**15

needs_two_cores = pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one core: no pool")


def one_gbk_line(data: bytes) -> bytes:
    lines = data.split(b"\n")
    lines[53] = lines[53].decode("utf-8").encode("gb18030")
    return b"\n".join(lines)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    folder = tmp_path_factory.mktemp("sources")
    for path in [*corpus.glob("*.txt"), corpus / "MANIFEST.csv"]:
        shutil.copy(path, folder / path.name)
    source = {name: (corpus / name).read_bytes() for name in (F000, F001, F002, F004)}
    gbk = one_gbk_line(source[F000])
    files = {
        "100_copy_of_000.txt": source[F000],  # repeats 000: read once, a warning
        "101_gap.txt": source[F004].replace(b"\t200\n", b"\t201\n", 1),  # a numbering gap
        "102_gbk.txt": gbk,  # not utf-8: an error
        "103_gbk_again.txt": gbk,  # the same bytes, never read as text: an error again
        "104_empty.txt": b"",  # an error
        "105_bad_date.txt": source[F001] + b"\n",  # its manifest row's date is no date
        "106_empty_again.txt": b"",  # repeats 104: read once, a warning
        "107_cut.txt": source[F000][: source[F000].index(CUT) + len(CUT)],  # cut off mid-item
        "109_renamed_002.txt": source[F002] + b"\n",
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    (folder / "108_folder.txt").mkdir()  # not a regular file: an error
    with (folder / "MANIFEST.csv").open("a", encoding="utf-8") as manifest:
        manifest.write("105_bad_date.txt,,copy,,,,2023年8月5日,\n")
    return folder


def problems(read: CorpusRead) -> list[tuple[type, str, str, int | None, str]]:
    return [(type(e), str(e), e.file, e.line, e.reason) for e in read.errors]


@needs_two_cores
@pytest.mark.parametrize("strict", [False, True])
def test_pool_reads_as_one_process(folder: Path, strict: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    one = read_corpus(folder, strict=strict, parallel_min_bytes=ONE_PROCESS)
    pools: list[int] = []
    in_pool = loaders._read_in_pool

    def counted(*args: object) -> object:
        pools.append(1)
        return in_pool(*args)

    monkeypatch.setattr(loaders, "_read_in_pool", counted)
    pooled = read_corpus(folder, strict=strict, parallel_min_bytes=0)
    assert pools == [1]
    assert pooled.records == one.records
    assert pooled.warnings == one.warnings
    assert problems(pooled) == problems(one)
    # the folder reads as described, in file order
    assert [r.file for r in one.records] == [
        F000, F001, F002, "003_a85699c24c36714f.txt", F004,
        *([] if strict else ["101_gap.txt", "107_cut.txt"]), "109_renamed_002.txt"]
    assert [e.file for e in one.errors] == [
        *(["100_copy_of_000.txt", "101_gap.txt"] if strict else []), "102_gbk.txt",
        "103_gbk_again.txt", "104_empty.txt", "MANIFEST.csv",
        *(["106_empty_again.txt", "107_cut.txt"] if strict else []), "108_folder.txt"]
    if not strict:
        assert f"100_copy_of_000.txt: the same file as {F000}; read once" in one.warnings
        assert "106_empty_again.txt: the same file as 104_empty.txt; read once" in one.warnings

@needs_two_cores
def test_an_unexpected_error_in_a_worker_is_raised(folder: Path) -> None:
    with pytest.raises(TypeError):
        read_corpus(folder, max_bytes=None, parallel_min_bytes=ONE_PROCESS)
    with pytest.raises(TypeError):
        read_corpus(folder, max_bytes=None, parallel_min_bytes=0)


def test_the_vendored_corpus_reads_in_one_process(corpus: Path) -> None:
    assert loaders._workers(sorted(corpus.glob("*.txt")), PARALLEL_MIN_BYTES) == 1


def test_loader_errors_pickle() -> None:
    error = LoaderError("the file is empty", "x.txt", 3)
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.file, copy.line, copy.reason) == \
        (LoaderError, "x.txt:3: the file is empty", "x.txt", 3, "the file is empty")
    errors = SourceErrors([error, LoaderError("no such folder", "src")])
    copy = pickle.loads(pickle.dumps(errors))
    assert (type(copy), str(copy), [str(e) for e in copy.errors]) == \
        (SourceErrors, str(errors), ["x.txt:3: the file is empty", "src: no such folder"])
