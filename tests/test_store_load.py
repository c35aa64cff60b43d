"""The on-disk store loaded from the build's text while validation runs (``StoreLoad``): taken
by the serving stage when the build is written, removed when it is not."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

import plankg.graph.build as build_module
from plankg.api.pipeline import build_corpus
from plankg.graph.build import InvalidGraphError
from plankg.graph.store import StoreLoad, _pieces, persistent_store
from plankg.graph.validate import ValidationResult


def _leftovers(folder: Path) -> list[Path]:
    return sorted(folder.glob(".plankg-store-*"))


def test_the_build_takes_the_store_loaded_meanwhile(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_corpus(None, out)
    assert _leftovers(tmp_path) == []
    location = persistent_store(out / "plankg.nq")
    assert location is not None and location.parent == out / "store"
    store = ox.Store.read_only(str(location))
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    merged = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert merged == report["triples"]  # the default graph is the merge
    rows = (out / "plankg.nq").read_bytes().count(b"\n")
    assert len(store) - merged == rows  # and every row of the text is a quad of its graph


def test_a_build_that_does_not_conform_leaves_no_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_module, "validate_store", lambda store: ValidationResult(False, ()))
    with pytest.raises(InvalidGraphError):
        build_corpus(None, tmp_path / "out")
    assert _leftovers(tmp_path) == []
    assert not (tmp_path / "out" / "store").exists()


def test_a_load_of_other_text_is_not_taken(tmp_path: Path) -> None:
    text = bytearray(b'<urn:s> <urn:p> "o" <urn:g> .\n')
    (tmp_path / "out").mkdir()
    nquads = tmp_path / "out" / "plankg.nq"
    nquads.write_bytes(bytes(text) + b'<urn:s> <urn:p> "x" <urn:g> .\n')
    load = StoreLoad(text, tmp_path / "out")
    assert load.take(nquads) is None  # not the same text: loaded again from the file
    assert _leftovers(tmp_path) == []


def test_pieces_are_whole_lines_of_the_text_or_the_file(tmp_path: Path) -> None:
    text = b"a\nbb\nccc\ndddd"
    (tmp_path / "t").write_bytes(text)
    for source in (text, bytearray(text), tmp_path / "t"):
        for size in (1, 3, 100):
            pieces = list(_pieces(source, size))
            assert b"".join(pieces) == text
            assert all(piece.endswith(b"\n") for piece in pieces[:-1])
