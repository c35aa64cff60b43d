"""Precision of the related-measure links (pk:relatedTask) against the judged sample in
tests/fixtures/related_judgements.csv. Prints figures; never fails.

Usage: ``python bench/link_precision.py [build/plankg.nq]``
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from plankg.graph.links import RELATED_THRESHOLD
from plankg.graph.store import GraphStore

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "related_judgements.csv"
BASE = "https://w3id.org/plankg/id/plan/"


def stated_links(store: GraphStore) -> set[frozenset[str]]:
    """Every pk:relatedTask pair of the build, as unordered pairs of plan/task paths."""
    rows = store.select("SELECT ?a ?b WHERE { ?a pk:relatedTask ?b }").rows
    return {frozenset((a.removeprefix(BASE), b.removeprefix(BASE))) for a, b in rows}


def precision(store: GraphStore) -> tuple[int, int, int, int]:
    """(judged and stated, judged related among them, stated in all, stated but not judged)."""
    stated = stated_links(store)
    judged = {frozenset((r["task_a"], r["task_b"])): r["related"] == "1"
              for r in csv.DictReader(FIXTURE.open(encoding="utf-8"))}
    hits = [judged[pair] for pair in stated if pair in judged]
    return len(hits), sum(hits), len(stated), len(stated - set(judged))


def main(argv: list[str]) -> int:
    store = GraphStore.from_nquads(Path(argv[0] if argv else "build/plankg.nq"))
    judged, good, stated, unjudged = precision(store)
    print(f"related-measure links (threshold {RELATED_THRESHOLD}): {stated} stated, {judged} judged, "
          f"{unjudged} not judged")
    print(f"precision on the judged sample: {good}/{judged} = {good / judged:.3f}" if judged else "no judged link")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
