"""The real corpus's links are those recorded before the link finder was vectorised.

``tests/fixtures/real_links.tsv`` lists every qualified link of the vendored corpus's build
(from, to, method, score, relation) and, on its first line, the sha256 of the sorted N-Quads of
the whole ``links`` graph; a change to the link finder must leave both as they are. Regenerate
only by an explicit flag, after reading the differences:
``PLANKG_UPDATE_SNAPSHOT=1 pytest tests/test_links_recorded.py``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from plankg.graph.namespace import graph_iri

FIXTURE = Path(__file__).parent / "fixtures" / "real_links.tsv"
PK = "https://w3id.org/plankg/def#"
TASK = "https://w3id.org/plankg/id/plan/"


def _links_graph(nquads: Path) -> list[bytes]:
    suffix = f" <{graph_iri('links')}> .\n".encode()
    with nquads.open("rb") as lines:
        return sorted(line for line in lines if line.endswith(suffix))


def _rows(lines: list[bytes]) -> list[str]:
    """One row per qualified link: from, to, method, score, relation (tasks as slug/n)."""
    nodes: dict[str, dict[str, str]] = {}
    for line in lines:
        subject, predicate, rest = line.decode("utf-8").split(" ", 2)
        if not subject.startswith("<https://w3id.org/plankg/id/link/") or not predicate.startswith(f"<{PK}"):
            continue
        value = rest.rsplit(" ", 2)[0]
        value = value.removeprefix(f"<{TASK}").removeprefix(f"<{PK}").removesuffix(">").replace("/task/", "/")
        nodes.setdefault(subject, {})[predicate[len(PK) + 1: -1]] = value.split("^^")[0].strip('"')
    return sorted("\t".join(node.get(p, "-") for p in ("linkFrom", "linkTo", "method", "score", "relation"))
                  for node in nodes.values())


def test_real_corpus_links_equal_the_recorded_ones(build_dir: Path) -> None:
    lines = _links_graph(build_dir / "plankg.nq")
    digest = hashlib.sha256(b"".join(lines)).hexdigest()
    rows = _rows(lines)
    if os.environ.get("PLANKG_UPDATE_SNAPSHOT"):
        FIXTURE.write_text(f"# sha256 of the links graph: {digest}\n" + "\n".join(rows) + "\n", encoding="utf-8")
    recorded = FIXTURE.read_text(encoding="utf-8").splitlines()
    expected_rows = recorded[1:]
    missing = sorted(set(expected_rows) - set(rows))
    extra = sorted(set(rows) - set(expected_rows))
    assert rows == expected_rows, f"links lost: {missing[:10]}; links new: {extra[:10]}"
    assert recorded[0] == f"# sha256 of the links graph: {digest}", "the links graph's triples changed"
