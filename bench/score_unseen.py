"""Score the loaders on plan documents the project has never seen (issue 10).

Reads every ``*.txt`` of ``tests/fixtures/unseen/`` (or the folder given) with the loader that
``plankg`` would choose for it, compares what was read with the expected records written by
reading the text (the ``.json`` beside each file; format in that folder's README), and prints per
document and overall: tasks found / expected, and the share of found tasks whose number, title,
units by role, deadline and targets are right (units, deadline and targets are scored only on
items the excerpt shows whole).

    python bench/score_unseen.py [FOLDER] [--verbose] [--json]

Exit status 0 always: this is a measurement, not a test (the test suite holds the floor).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from plankg.graph.records import LoaderError, TaskRecord
from plankg.loaders import load_file

FIELDS = ("number", "title", "units", "deadline", "targets")
_SPACE = re.compile(r"\s+")


@dataclass
class DocumentScore:
    """The figures of one document."""

    name: str
    expected: int = 0
    found: int = 0
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    scored: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    all_right: int = 0
    layout: str = ""
    error: str | None = None
    misses: list[str] = field(default_factory=list)


def _squash(text: str) -> str:
    return _SPACE.sub("", text)


def units_of(task: TaskRecord) -> dict[str, object]:
    """The task's units by role, as the expectations write them."""
    roles: dict[str, object] = {"lead": [], "participating": [], "responsible": []}
    for mention in task.agencies:
        roles[mention.role].append(mention.name)  # type: ignore[attr-defined]
    roles["others"] = task.agencies_open
    return roles


def deadline_of(task: TaskRecord) -> dict[str, object] | None:
    if task.deadline_text is None:
        return None
    return {"text": task.deadline_text, "date": task.deadline.isoformat() if task.deadline else None,
            "precision": task.deadline_precision}


def targets_of(task: TaskRecord) -> list[tuple[Decimal, str, str]]:
    return sorted((t.value.normalize(), t.unit, t.comparator) for t in task.targets)


def expected_targets(task: dict) -> list[tuple[Decimal, str, str]]:
    return sorted((Decimal(t["value"]).normalize(), t["unit"], t["comparator"]) for t in task["targets"])


def match(expected: list[dict], found: list[TaskRecord]) -> list[TaskRecord | None]:
    """Pair each expected task with a found one: same number, the closest title."""
    pool = list(found)
    pairs: list[TaskRecord | None] = []
    for task in expected:
        candidates = [f for f in pool if f.number == task["number"]]
        if not candidates:
            pairs.append(None)
            continue
        want = _squash(task["title"])
        best = max(candidates, key=lambda f: len(set(_squash(f.title)) & set(want)))
        if not set(_squash(best.title)[:6]) & set(want[:6]):
            pairs.append(None)
            continue
        pool.remove(best)
        pairs.append(best)
    return pairs


def score_document(text_file: Path) -> DocumentScore:
    """Read one document and score it against its expectations."""
    expected = json.loads(text_file.with_suffix(".json").read_text(encoding="utf-8"))
    score = DocumentScore(text_file.stem)
    tasks = [t for plan in expected["plans"] for t in plan["tasks"]]
    score.expected = len(tasks)
    try:
        record = load_file(text_file)
    except LoaderError as exc:
        score.error = str(exc)
        return score
    score.layout = record.loader
    found = [t for plan in record.plans for t in plan.tasks]
    for want, got in zip(tasks, match(tasks, found), strict=True):
        if got is None:
            score.misses.append(f"  missing {want['number']} {want['title'][:30]}")
            continue
        score.found += 1
        checks = {"number": got.number == want["number"],
                  "title": _squash(got.title) == _squash(want["title"])}
        if want["complete"]:
            units = {k: want[k] for k in ("lead", "participating", "responsible", "others")}
            checks["units"] = units_of(got) == units
            checks["deadline"] = deadline_of(got) == want["deadline"]
            checks["targets"] = targets_of(got) == expected_targets(want)
        for name, ok in checks.items():
            score.scored[name] += 1
            score.right[name] += ok
            if not ok:
                detail = {"number": (got.number, want["number"]), "title": (got.title, want["title"]),
                          "units": (units_of(got), {k: want[k] for k in ("lead", "participating", "responsible", "others")}),
                          "deadline": (deadline_of(got), want["deadline"]),
                          "targets": ([(str(v), u, c) for v, u, c in targets_of(got)],
                                      [(str(v), u, c) for v, u, c in expected_targets(want)])}[name]
                score.misses.append(f"  {want['number']} {name}: got {detail[0]!r}\n{'':8}want {detail[1]!r}")
        score.all_right += all(checks.values())
    return score


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path,
                        default=Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "unseen")
    parser.add_argument("--verbose", action="store_true", help="print every wrong field")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    scores = [score_document(path) for path in sorted(args.folder.glob("*.txt"))]
    total = DocumentScore("overall")
    for s in scores:
        total.expected += s.expected
        total.found += s.found
        total.all_right += s.all_right
        for name in FIELDS:
            total.right[name] += s.right[name]
            total.scored[name] += s.scored[name]
    if args.json:
        json.dump([{"document": s.name, "expected": s.expected, "found": s.found, "all_right": s.all_right,
                    "right": s.right, "scored": s.scored, "layout": s.layout, "error": s.error}
                   for s in [*scores, total]], sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    print(f"{'document':52} found  all-right  " + "  ".join(f"{n:>8}" for n in FIELDS))
    for s in [*scores, total]:
        share = "  ".join(f"{s.right[n]:>3}/{s.scored[n]:<4}" for n in FIELDS)
        print(f"{s.name[:52]:52} {s.found:>2}/{s.expected:<3} {s.all_right:>3}/{s.found:<4}  {share}"
              + (f"  ERROR {s.error}" if s.error else ""))
        if args.verbose and s.misses:
            print("\n".join(s.misses))
    found_share = total.found / total.expected if total.expected else 0.0
    right_share = total.all_right / total.found if total.found else 0.0
    print(f"\ntasks found {total.found}/{total.expected} ({found_share:.1%}); every field right on "
          f"{total.all_right}/{total.found} found ({right_share:.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
