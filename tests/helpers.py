"""Helpers the tests share (imported by tests; no test module imports another)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

# the port helpers are the benchmark tooling's (one copy; tests import plankg_bench already)
from plankg_bench.loadtest import free_port, wait_for_port

__all__ = ["BASE", "PLAN", "PREFIXES", "REPO", "T1", "T2", "VIOLATIONS", "free_port", "oxigraph_binary",
           "running_service", "wait_for_port"]

#: the repository's root folder
REPO = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def running_service(build_dir: Path, cwd: Path, **env: str) -> Iterator[str]:
    """``plankg serve`` on a build, in its own process on a free loopback port: its URL.

    The front-end libraries come from the repository's ``node_modules`` (``npm ci``); ``env``
    adds ``PLANKG_*`` settings.
    """
    port = free_port()
    environ = {**os.environ, "PLANKG_BUILD_DIR": str(build_dir), "PLANKG_ASSETS_DIR": str(REPO / "node_modules"),
               **env}
    server = subprocess.Popen([sys.executable, "-m", "plankg.api.cli", "serve", "--port", str(port)],
                              env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
    try:
        wait_for_port(port, 60, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.kill()
        server.wait(10)


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    assert Path(found).exists(), "the oxigraph server (PyPI package oxigraph) is a dev dependency"
    return found


# The shape tests' small conforming graph and its violating variants (also run by
# test_validate_engines on both validation engines).
PREFIXES = """
@prefix pk: <https://w3id.org/plankg/def#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <https://w3id.org/plankg/id/> .
"""

# A small conforming graph (already closed under inference where the shapes need it).
BASE = """
<https://w3id.org/plankg/id/source/000_x> a pk:SourceDocument ; pk:fileName "000_x.txt" ;
    pk:sha256 "9233a133b5faaef2234821b41f7b5c237960b90e6c4a66c235ff24c82e4c4dce" .
<https://w3id.org/plankg/id/plan/p> a pk:Plan ; dcterms:title "方案"@zh ;
    pk:periodStart "2023"^^xsd:gYear ; pk:periodEnd "2025"^^xsd:gYear ;
    pk:declaredTaskCount 2 ; prov:wasDerivedFrom <https://w3id.org/plankg/id/source/000_x> .
<https://w3id.org/plankg/id/agency/a> a pk:Agency ; skos:prefLabel "市市场监管局"@zh ;
    rdfs:label "Shenzhen Administration for Market Regulation"@en .
<https://w3id.org/plankg/id/plan/p/task/1> a pk:Task ; pk:inPlan <https://w3id.org/plankg/id/plan/p> ;
    pk:taskNumber 1 ; dcterms:title "甲"@zh ; pk:text "甲。"@zh ; pk:sourceLine 3 ;
    prov:wasDerivedFrom <https://w3id.org/plankg/id/source/000_x> ;
    pk:leadAgency <https://w3id.org/plankg/id/agency/a> .
<https://w3id.org/plankg/id/plan/p/task/2> a pk:Task ; pk:inPlan <https://w3id.org/plankg/id/plan/p> ;
    pk:taskNumber 2 ; dcterms:title "乙"@zh ; pk:text "乙。"@zh ; pk:sourceLine 5 ;
    prov:wasDerivedFrom <https://w3id.org/plankg/id/source/000_x> ;
    pk:deadline "2023-12-31"^^xsd:date .
"""

T1 = "<https://w3id.org/plankg/id/plan/p/task/1>"
T2 = "<https://w3id.org/plankg/id/plan/p/task/2>"
PLAN = "<https://w3id.org/plankg/id/plan/p>"


VIOLATIONS = {
    "task without a plan": ("", f"{T1} pk:inPlan {PLAN} ."),
    "task without a title": ("", f'{T1} dcterms:title "甲"@zh .'),
    "task without text": ("", f'{T2} pk:text "乙。"@zh .'),
    "two titles": (f'{T1} dcterms:title "另一个"@zh .', ""),
    "title not Chinese": (f'{T1} dcterms:title "first"@en .', f'{T1} dcterms:title "甲"@zh .'),
    "number not an integer": (f'{T1} pk:taskNumber "1" .', f"{T1} pk:taskNumber 1 ."),
    "duplicate number": (f"{T2} pk:taskNumber 1 .", f"{T2} pk:taskNumber 2 ."),
    "gap in numbering": (f"{T2} pk:taskNumber 3 .", f"{T2} pk:taskNumber 2 ."),
    "declared count differs": (f"{PLAN} pk:declaredTaskCount 3 .", f"{PLAN} pk:declaredTaskCount 2 ."),
    "deadline not a date": (f'{T2} pk:deadline "2023年12月底" .', f'{T2} pk:deadline "2023-12-31"^^xsd:date .'),
    "agency of wrong class": (f"{T1} pk:leadAgency {PLAN} .", ""),
    "task IRI pattern": ('<https://example.org/task/9> a pk:Task .', ""),
    "IRI and number disagree": ("", ""),  # filled below
    "agency with two prefLabels": ('<https://w3id.org/plankg/id/agency/a> skos:prefLabel "另一个"@zh .', ""),
    "agency without English label": ("", '<https://w3id.org/plankg/id/agency/a> rdfs:label "Shenzhen Administration for Market Regulation"@en .'),
    "period not a gYear": (f'{PLAN} pk:periodEnd "2025" .', f'{PLAN} pk:periodEnd "2025"^^xsd:gYear .'),
    "source without sha256": ("", '<https://w3id.org/plankg/id/source/000_x> pk:sha256 "9233a133b5faaef2234821b41f7b5c237960b90e6c4a66c235ff24c82e4c4dce" .'),
}
VIOLATIONS["IRI and number disagree"] = (
    f"{T2} pk:taskNumber 1 . {T1} pk:taskNumber 2 .", f"{T1} pk:taskNumber 1 . {T2} pk:taskNumber 2 .")
