"""Precision and recall of the graph's task links against the judged measure pairs in
tests/fixtures/measure_pairs.csv, per plan pair and overall. Prints figures; never fails.

The fixture was written by reading the plans side by side (not from any linker's output):
each row is a pair of tasks of two plans meant to follow one another, judged
``same-measure``, ``part-of`` (a one-measure task is one clause of the other's bundle),
``carries-out`` (a later task puts a measure or milestone of the earlier one into effect),
``related`` (same policy line, not the same measure) or ``different`` (shared words, different
measures), with the clause of each text that shows it (each clause is a literal substring of the
task's ``pk:text``; ``tests/test_measure_links.py`` checks this).

- **recall**: of the pairs judged same-measure, part-of or carries-out, the share the graph links;
- **precision**: of the judged pairs the graph links, the share not judged ``different``;
- **strict precision**: of the judged pairs the graph links *as a measure* (same measure, part
  of, carries out, elaborates, milestone taken up), the share judged a measure pair (a
  ``related`` pair counts as wrong).

A pair is *linked* when any task-to-task link of the build joins the two tasks: the contract's
``pk:relatedTask`` (the super-relation of every named kind, pk:relatedMeasure included),
``pk:carriesOut``, ``pk:elaborates``, ``pk:sameMeasure``, ``pk:partOfTask``, or a milestone of one
taken up by the other; it is linked *as a measure* by any of these but pk:relatedMeasure. With
``--related-only`` only ``pk:relatedTask`` counts (the figure the issue quoted).

Usage: ``python bench/link_recall.py [build/plankg.nq] [--related-only]``
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from plankg.graph.store import GraphStore

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "measure_pairs.csv"
BASE = "https://w3id.org/plankg/id/plan/"
POSITIVE = {"same-measure", "part-of", "carries-out"}

Pair = frozenset[tuple[str, int]]

_MEASURE_LINKS = """
SELECT ?a ?b WHERE {
  { ?a pk:carriesOut ?b } UNION { ?a pk:elaborates ?b } UNION { ?a pk:hasMilestone/pk:takenUpBy ?b }
  UNION { ?a pk:sameMeasure ?b } UNION { ?a pk:partOfTask ?b }
  ?a a pk:Task . ?b a pk:Task .
}"""
_RELATED_LINKS = "SELECT ?a ?b WHERE { ?a pk:relatedTask ?b }"


def _key(iri: str) -> tuple[str, int]:
    plan, _, n = iri.removeprefix(BASE).partition("/task/")
    return plan, int(n)


def _pairs(store: GraphStore, query: str) -> set[Pair]:
    try:
        rows = store.select(query).rows
    except Exception:
        return set()
    return {frozenset((_key(a), _key(b))) for a, b in rows if a.startswith(BASE) and b.startswith(BASE)}


def stated_links(store: GraphStore, related_only: bool = False) -> tuple[set[Pair], set[Pair]]:
    """(every linked pair, the pairs linked as a measure) of the build."""
    related = _pairs(store, _RELATED_LINKS)
    if related_only:
        return related, set()
    measure = _pairs(store, _MEASURE_LINKS)
    return related | measure, measure


@dataclass(frozen=True)
class Judged:
    """One row of the fixture."""

    a: tuple[str, int]
    b: tuple[str, int]
    judgement: str
    clause_a: str
    clause_b: str

    @property
    def pair(self) -> Pair:
        return frozenset((self.a, self.b))

    @property
    def plans(self) -> tuple[str, str]:
        return tuple(sorted((self.a[0], self.b[0])))  # type: ignore[return-value]


def judged_pairs(path: Path = FIXTURE) -> list[Judged]:
    """The rows of the fixture."""
    with path.open(encoding="utf-8") as f:
        return [Judged((r["plan_a"], int(r["n_a"])), (r["plan_b"], int(r["n_b"])), r["judgement"],
                       r["clause_a"], r["clause_b"]) for r in csv.DictReader(f)]


@dataclass
class Figures:
    """Counts for one plan pair (or all)."""

    positives: int = 0
    found: int = 0
    linked: int = 0
    linked_ok: int = 0
    measure_linked: int = 0
    measure_ok: int = 0

    @property
    def recall(self) -> float:
        return self.found / self.positives if self.positives else 1.0

    @property
    def precision(self) -> float:
        return self.linked_ok / self.linked if self.linked else 1.0

    @property
    def strict_precision(self) -> float:
        return self.measure_ok / self.measure_linked if self.measure_linked else 1.0


def evaluate(store: GraphStore, related_only: bool = False,
             rows: list[Judged] | None = None) -> dict[tuple[str, str] | None, Figures]:
    """Figures per plan pair, and overall under the key ``None``."""
    linked, measure = stated_links(store, related_only)
    out: dict[tuple[str, str] | None, Figures] = defaultdict(Figures)
    for row in rows if rows is not None else judged_pairs():
        for fig in (out[row.plans], out[None]):
            positive = row.judgement in POSITIVE
            fig.positives += positive
            if row.pair in linked:
                fig.found += positive
                fig.linked += 1
                fig.linked_ok += row.judgement != "different"
            if row.pair in measure:
                fig.measure_linked += 1
                fig.measure_ok += positive
    return dict(out)


def report(figures: dict[tuple[str, str] | None, Figures]) -> str:
    """A table of the figures, one plan pair a line, the overall line last."""
    lines = [f"{'plan pair':50} {'pos':>4} {'found':>5} {'recall':>6} {'linked':>6} {'prec':>6} {'strict':>6}"]
    for key in [*sorted(k for k in figures if k is not None), None]:
        f = figures[key]
        name = "all plan pairs" if key is None else f"{key[0]} ~ {key[1]}"
        lines.append(f"{name:50} {f.positives:4d} {f.found:5d} {f.recall:6.2f} {f.linked:6d} {f.precision:6.2f} "
                     f"{f.strict_precision:6.2f}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    related_only = "--related-only" in argv
    paths = [a for a in argv if not a.startswith("--")]
    store = GraphStore.from_nquads(Path(paths[0] if paths else "build/plankg.nq"))
    print(report(evaluate(store, related_only)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
