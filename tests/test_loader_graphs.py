"""Each loader pinned by the triples it leads to: short verbatim excerpts of the real sources
(``tests/fixtures/loader_graphs/*.txt``) and, beside each, the triples it should give, written
in Turtle by reading the excerpt (``*.ttl``, whose header names the source lines copied).

An excerpt is written into an empty folder under its source's file name, read as the build
reads a folder (:func:`plankg.loaders.read_corpus`: the loader is chosen from the content), its
names resolved and turned into triples as :func:`plankg.graph.build.build_dataset` does
(:func:`~plankg.graph.resolve.resolve_sources`, :func:`~plankg.graph.build.make_context`,
:func:`~plankg.graph.triples.source_triples`). Compared, as graphs, is what is said about the
excerpt's tasks: the tasks, their units, rows, targets and milestones, and the sections they
sit in. An indicator the registry knows is compared by its IRI; one minted from the measure's
words (``indicator/m-…``) becomes a blank node carrying its label, so the Turtle states the
words instead of a digest. Each ``.ttl`` writes the plan's parts relative to its ``@base`` (the
plan's IRI); the slug of a plan no table names (an unseen plan) is checked against the one
minted from the jurisdiction, years and title the test states by reading the text.

Source lines in the ``.ttl`` count from the excerpt's first line. Never regenerate a ``.ttl``
from the code's output: correct it only after reading the source again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.compare import graph_diff, to_isomorphic
from rdflib.namespace import RDF, RDFS

from plankg.graph.build import make_context
from plankg.graph.namespace import DATA, PK, plan_iri
from plankg.graph.registry import (
    AgencyRegistry,
    DistrictRegistry,
    JurisdictionRegistry,
    PlanCatalogue,
    new_plan_slug,
)
from plankg.graph.resolve import Names, resolve_sources
from plankg.graph.triples import source_triples
from plankg.loaders import read_corpus

FIXTURES = Path(__file__).parent / "fixtures" / "loader_graphs"
MINTED_INDICATOR = str(DATA["indicator/m-"])
PARTS = (PK.namesUnit, PK.hasRow, PK.hasTarget, PK.hasMilestone)


@dataclass(frozen=True)
class Case:
    """An excerpt, the source file it is copied from, the loader that must read it, and the
    slugs of the plans its tasks are in; ``known`` names a known disagreement between the
    text and the graph (the case is then expected to fail until it is fixed)."""

    name: str
    source: str
    loader: str
    slugs: tuple[str, ...]
    known: str | None = None


def minted(jurisdiction: str, years: tuple[int, int] | None, title: str) -> str:
    """The slug of a plan no table names, from what the text says of it."""
    return new_plan_slug(jurisdiction, years, title)


CASES = [
    Case("prose_market_1_2", "000_35404b1995788393.txt", "prose_plan", ("sz-market-2023-2025",)),
    Case("prose_market_16_targets", "000_35404b1995788393.txt", "prose_plan", ("sz-market-2023-2025",)),
    Case("prose_intl_tasks_annex", "001_560f08f7727a2982.txt", "prose_plan", ("sz-intl-tasks-2023",)),
    Case("digest_market_2024", "003_a85699c24c36714f.txt", "news_digest", ("sz-market-2024",)),
    Case("digest_vc_measures", "003_a85699c24c36714f.txt", "news_digest", ("cn-vc-measures-2024",)),
    Case("tab_pilot_1_2", "004_bb859e5053b7b54d.txt", "tab_table", ("sz-pilot-batch1",)),
    Case("tab_pilot_24_rows", "004_bb859e5053b7b54d.txt", "tab_table", ("sz-pilot-batch1",)),
    Case("markdown_keytasks_3_4", "002_5a9a178f36e254ae.txt", "markdown_table", ("sz-keytasks-2023",)),
    Case("markdown_keytasks_chapter_2", "002_5a9a178f36e254ae.txt", "markdown_table", ("sz-keytasks-2023",)),
    Case("workpoints_and_keytasks", "002_5a9a178f36e254ae.txt", "prose_plan+markdown_table",
         ("sz-workpoints-2023", "sz-keytasks-2023")),
    Case("generic_sme_relief", "10_shenzhen-2023-zhongxiaowei-jiekun-cuoshi.txt", "generic",
         (minted("440300", None, "关于进一步支持中小微企业纾困及高质量发展的若干措施"),)),
    Case("generic_credit_points", "08_shenzhen-2021-xinyong-gongzuoyaodian.txt", "generic",
         (minted("440300", (2021, 2021), "2021年深圳市社会信用体系建设工作要点"),)),
]


def excerpt_triples(folder: Path, case: Case) -> tuple[str, Graph]:
    """The loader that read the excerpt and every triple its source file gives."""
    text = (FIXTURES / f"{case.name}.txt").read_text(encoding="utf-8")
    (folder / case.source).write_text(text, encoding="utf-8")
    read = read_corpus(folder)
    assert not read.errors, read.errors
    (record,) = read.records
    plans, agencies, districts = PlanCatalogue.load(), AgencyRegistry.load(), DistrictRegistry.load()
    names = Names(plans, agencies, JurisdictionRegistry.load())
    resolution = resolve_sources([record], names)
    assert not resolution.errors, resolution.errors
    ctx = make_context(resolution.records, plans, agencies, districts, names)
    triples, _ = source_triples(resolution.records[0], ctx)
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return record.loader, graph


def about_tasks(graph: Graph) -> Graph:
    """The triples about the tasks: the tasks, their parts (units, rows, targets,
    milestones), the sections they sit in and those above; minted indicators as blank nodes
    with their labels."""
    tasks = set(graph.subjects(RDF.type, PK.Task))
    keep = set(tasks)
    for task in tasks:
        for part in PARTS:
            keep.update(graph.objects(task, part))
        section = graph.value(task, PK.inSection)
        while section is not None and section not in keep:
            keep.add(section)
            section = graph.value(section, PK.parentSection)
    indicators: dict[URIRef, BNode] = {}
    for target in graph.subjects(RDF.type, PK.Target):
        indicator = graph.value(target, PK.indicator)
        if isinstance(indicator, URIRef) and str(indicator).startswith(MINTED_INDICATOR):
            indicators.setdefault(indicator, BNode())
    out = Graph()
    for s, p, o in graph:
        if s in keep:
            out.add((s, p, indicators.get(o, o)))  # type: ignore[arg-type]
    for indicator, node in indicators.items():
        out.add((node, RDF.type, PK.Indicator))
        for label in graph.objects(indicator, RDFS.label):
            out.add((node, RDFS.label, label))
    return out


def readable_diff(expected: Graph, actual: Graph) -> str:
    """The triples only in the expected graph and only in the actual one, as Turtle."""
    _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
    parts = []
    for title, graph in (("only in expected", only_expected), ("only in actual", only_actual)):
        graph.bind("pk", PK)
        body = graph.serialize(format="turtle") if len(graph) else "(none)\n"
        parts.append(f"--- {title} ({len(graph)} triples)\n{body}")
    return "\n".join(parts)


@pytest.mark.parametrize("case", [
    pytest.param(case, id=case.name, marks=[pytest.mark.xfail(strict=True, reason=case.known)] if case.known else [])
    for case in CASES])
def test_excerpt_gives_the_expected_triples(case: Case, tmp_path: Path) -> None:
    loader, graph = excerpt_triples(tmp_path, case)
    assert loader == case.loader
    actual = about_tasks(graph)
    expected = Graph().parse(FIXTURES / f"{case.name}.ttl", format="turtle")
    assert set(expected.objects(None, PK.inPlan)) == {plan_iri(slug) for slug in case.slugs}, \
        "the .ttl's @base is not the case's plan"
    assert to_isomorphic(expected) == to_isomorphic(actual), (
        f"{case.name}: the triples differ from the ones read off the excerpt\n"
        + readable_diff(expected, actual))


def test_every_excerpt_has_a_case() -> None:
    names = {case.name for case in CASES}
    assert {path.stem for path in FIXTURES.glob("*.txt")} == names
    assert {path.stem for path in FIXTURES.glob("*.ttl")} == names
