"""The synthetic corpus: seeded and deterministic, in the real layouts, read by the real
loaders into a graph that conforms, with every plan's numbering as in the real corpus."""

from __future__ import annotations

import json
from pathlib import Path

from plankg_bench.synth import synthesize

from plankg.api.cli import run_build


def test_same_seed_same_files_and_the_real_loaders_read_them(tmp_path: Path, report: dict) -> None:
    first = synthesize(2, tmp_path / "a")
    second = synthesize(2, tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second] and len(first) == 10
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
    assert (tmp_path / "a" / "plans.csv").read_bytes() == (tmp_path / "b" / "plans.csv").read_bytes()
    assert synthesize(1, tmp_path / "c", seed=2)[0].read_bytes() != first[0].read_bytes()

    assert run_build(tmp_path / "a", tmp_path / "out", quiet=True) == 0
    built = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert built["tasks"] == 2 * report["tasks"] == 1260
    for slug, entry in report["plans"].items():
        for copy in ("s001", "s002"):
            assert built["plans"][f"{slug}-{copy}"]["tasks"] == entry["tasks"]
            assert built["plans"][f"{slug}-{copy}"]["declared"] == entry["declared"]
    assert built["agencies_unresolved"] == 0
    # each copy is another government's (Shenzhen, then 130100 …), with its own registry: every
    # unit resolves, and tasks link within their government's line
    assert (tmp_path / "a" / "agencies.csv").read_bytes() == (tmp_path / "b" / "agencies.csv").read_bytes()
    assert built["provisional_agencies"] == []
    ends: dict[str, list[str]] = {}
    for quad in (tmp_path / "out" / "plankg.nq").read_text(encoding="utf-8").splitlines():
        subject, predicate, obj = quad.split(" ", 3)[:3]
        if predicate in ("<https://w3id.org/plankg/def#linkFrom>", "<https://w3id.org/plankg/def#linkTo>"):
            ends.setdefault(subject, []).append(obj)
    assert ends
    crossing = [tasks for tasks in ends.values() if len({"-s001/" in task for task in tasks}) > 1]
    # only the State Council's measures (national: every government's family) link across copies
    assert crossing and all(any("/cn-vc-measures-2024-s001/" in task for task in tasks) for tasks in crossing)
