"""serialize_nquads: rdflib's N-Quads rows, sorted and de-duplicated, whatever the parts it sorts in."""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.plugins.serializers.nquads import _nq_row

from plankg.graph import build
from plankg.graph.build import serialize_nquads
from plankg.graph.triples import Quads


def reference(quads: Quads) -> bytes:
    """What rdflib's row writer gives for every quad, sorted, each distinct row once."""
    return b"".join(sorted({_nq_row(t, URIRef(g)).encode() for g, ts in quads.items() for t in ts}))


def sample_quads() -> Quads:
    subjects = [URIRef("http://ex.org/s1"), URIRef("http://ex.org/s10"), URIRef("http://ex.org/s2"),
                URIRef("http://ex.org/任务/1"), BNode("b1"), BNode("b10")]
    predicates = [URIRef("http://ex.org/p"), URIRef("http://ex.org/q")]
    objects = [URIRef("http://ex.org/o"), BNode("b2"), Literal("深圳\n\"引号\"\\"), Literal("plan", lang="zh"),
               Literal("2025-01-01", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date")), Literal("x\r"), Literal("")]
    triples = [(s, p, o) for s in subjects for p in predicates for o in objects]
    return {
        "http://ex.org/graph/a": set(triples[::2]),
        "http://ex.org/graph/b": set(triples[::3]),  # some triples in both graphs: a row each
        "http://ex.org/graph/c": set(triples),
        URIRef("http://ex.org/graph/c"): set(triples[:20]),  # a second key with the same name: rows written once
    }


@pytest.mark.parametrize("part_rows", [1, 3, 17, 10**6])
def test_rows_are_rdflibs_sorted_once(monkeypatch: pytest.MonkeyPatch, part_rows: int) -> None:
    monkeypatch.setattr(build, "_PART_ROWS", part_rows)
    quads = sample_quads()
    text = serialize_nquads(quads)
    assert isinstance(text, bytearray)
    assert bytes(text) == reference(quads)
    rows = bytes(text).splitlines(keepends=True)
    assert rows == sorted(set(rows))
    assert len(rows) < sum(map(len, quads.values()))  # the repeated graph's rows were dropped


def test_parts_out_of_order_are_sorted_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    # "_:a !" sorts after "_:a" as a subject but its rows before: parts cut between them overlap
    quads: Quads = {"http://ex.org/g": {(BNode("a"), URIRef("http://ex.org/p"), Literal("1")),
                                        (BNode("a !"), URIRef("http://ex.org/p"), Literal("2"))}}
    with pytest.raises(build._PartsOverlap):
        build._sorted_nquads(quads, 1)
    monkeypatch.setattr(build, "_PART_ROWS", 1)
    assert bytes(serialize_nquads(quads)) == reference(quads)


def test_no_quads() -> None:
    assert serialize_nquads({}) == bytearray()
    assert serialize_nquads({"http://ex.org/g": set()}) == bytearray()
