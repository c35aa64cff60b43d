"""The build: records → asserted triples → inference → validation → N-Quads and report.

:func:`build_dataset` is pure (records in, a :class:`BuildResult` out); :func:`write_build`
writes the result into a temporary folder beside the output folder and moves the files into
place only when the graph conforms, so a failed build never touches the last good one.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import io
import json
import os
import re
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from plankg import __version__
from plankg.graph.errors import GraphError
from plankg.graph.inference import Rules, infer
from plankg.graph.links import (
    MeasureIndex,
    MeasureLink,
    TaskKey,
    annex_measure_links,
    elaboration_pairs,
    link_triples,
    measure_link_triples,
    measure_links,
    milestone_measure_links,
    realized_plans,
)
from plankg.graph.namespace import graph_iri
from plankg.graph.records import SourceRecord
from plankg.graph.registry import (
    AgencyRegistry,
    DistrictRegistry,
    JurisdictionRegistry,
    PlanCatalogue,
)
from plankg.graph.registry import _key as title_key
from plankg.graph.resolve import Names, Problem, Resolution, resolve_sources
from plankg.graph.resources import ontology_graph
from plankg.graph.triples import (
    BuildError,
    Context,
    Quads,
    Triple,
    catalogue_triples,
    jurisdiction_triples,
    provisional_triples,
    registry_triples,
    source_graph,
    source_triples,
)
from plankg.graph.validate import ValidationResult, ntriples_store, validate_store

__all__ = [
    "BuildErrors",
    "BuildResult",
    "InvalidGraphError",
    "build_dataset",
    "paused_gc",
    "serialize_nquads",
    "union_graph",
    "write_build",
]

NQUADS = "plankg.nq"
REPORT = "report.json"
Progress = Callable[[str, float], None]


class InvalidGraphError(GraphError, RuntimeError):
    """The built graph does not conform to the shapes; nothing was written."""

    def __init__(self, validation: ValidationResult) -> None:
        self.validation = validation
        lines = [f.describe() for f in validation.violations]
        super().__init__("the graph does not conform to the shapes:\n" + "\n".join(lines))


class BuildErrors(BuildError):
    """Names of the sources that cannot be resolved (unknown plan titles; with ``strict``,
    unknown agencies): every problem of the run in ``errors``, each with file and line."""

    def __init__(self, errors: list[Problem]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass
class BuildResult:
    """A built graph: its named graphs, its report, its validation and stage timings."""

    quads: Quads
    report: dict[str, object]
    validation: ValidationResult
    timings: dict[str, float] = field(default_factory=dict)
    nquads: bytes | bytearray | None = None  # the sorted N-Quads of ``quads``, when already written out


def _timed(timings: dict[str, float], progress: Progress | None, stage: str, start: float) -> float:
    now = time.perf_counter()
    timings[stage] = now - start
    if progress:
        progress(stage, timings[stage])
    return now


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a build.

    A build allocates millions of long-lived containers (records, triples, term sets) and frees
    almost nothing until it ends, the worst case for the collector's generational heuristic:
    measured on a synthetic corpus 100x the real one, inference took 43 s with the collector on
    and 5 s with it paused. Reference counting still frees everything acyclic; the collector
    resumes (and runs) when the block ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def printed_in(records: Sequence[SourceRecord]) -> Callable[[str], bool]:
    """Whether a name is printed anywhere in what the loaders read: a unit named in a task or a
    table row, a notice's issuer, or words inside a title or a task's text (white space aside)."""
    printed_names = [re.sub(r"\s+", "", m.name) for r in records for p in r.plans for t in p.tasks
                     for m in (*t.agencies, *(a for row in t.rows for a in row.agencies))]
    printed_names += [re.sub(r"\s+", "", n) for r in records for notice in r.notices for n in notice.publishers]
    # 市委军民融合办（市人防办） prints both names
    names = {part for name in printed_names for part in re.split(r"[（()）]", name) if part}
    text = "\n".join(re.sub(r"\s+", "", piece) for r in records for p in r.plans
                     for piece in (p.title, *(x for t in p.tasks for x in (t.title, t.text, *(row.text for row in t.rows)))))

    @functools.cache  # a registry per government repeats the same aliases (43 distinct of 2,716 at 100x)
    def printed_plain(plain: str) -> bool:
        # in running text, a name ends where the next word is not part of it (龙华 in 龙华区 is
        # not the spelling 龙华); a name not in the text at all is not searched for by pattern
        return plain in names or (plain in text and re.search(
            re.escape(plain) + r"(?![\u4e00-\u9fff])|" + re.escape(plain)
            + r"(?=[等和及与、要应将的]|牵头|负责|配合|会同|统筹)", text) is not None)

    def printed(name: str) -> bool:
        return printed_plain(re.sub(r"\s+", "", name))
    return printed


def union_graph(quads: Quads) -> Graph:
    """All triples of all named graphs in one rdflib graph."""
    graph = Graph()
    for triples in quads.values():
        for triple in triples:
            graph.add(triple)
    return graph


def build_dataset(sources: Sequence[SourceRecord], *, progress: Progress | None = None,
                  agencies: AgencyRegistry | None = None, districts: DistrictRegistry | None = None,
                  plans: PlanCatalogue | None = None, jurisdictions: JurisdictionRegistry | None = None,
                  strict: bool = False, keep_going: bool = False,
                  on_serialized: Callable[[bytearray], object] | None = None) -> BuildResult:
    """Build the graph of the given source records.

    Names are resolved first, for every record (:func:`plankg.graph.resolve.resolve_sources`),
    so every problem of the run is known before a triple is made.

    Args:
        sources: what the loaders read, one record per file.
        progress: called with each stage's name and wall time as it ends.
        agencies, districts, plans, jurisdictions: registries (default: the ones shipped in
            ``plankg.data``; ``jurisdictions`` the GB/T 2260 table with Shenzhen as home).
        strict: a name no registry knows is an error (default: a provisional agency).
        keep_going: a file whose names cannot be resolved is left out (listed in the report's
            ``skipped``) instead of stopping the build.
        on_serialized: given the N-Quads text as soon as it is made, before validation (the
            build command starts loading the on-disk store from it meanwhile).

    Returns:
        The named graphs (asserted, ontology, inferred), the report and the validation result.

    Raises:
        BuildErrors: names cannot be resolved (every problem of the run, with file and line).
    """
    timings: dict[str, float] = {}
    start = time.perf_counter()
    agencies = agencies or AgencyRegistry.load()
    districts = districts or DistrictRegistry.load()
    plans = plans or PlanCatalogue.load()
    jurisdictions = jurisdictions or JurisdictionRegistry.load()
    warnings: list[str] = []
    unique: list[SourceRecord] = []
    for record in sources:
        if any(record.file == seen.file for seen in unique):
            warnings.append(f"{record.file}: given twice; read once")
        else:
            unique.append(record)
    names = Names(plans, agencies, jurisdictions, strict=strict)
    resolution = resolve_sources(unique, names, keep_going=keep_going)
    if resolution.errors:
        raise BuildErrors(resolution.errors)
    unique = resolution.records
    warnings.extend(str(w) for w in resolution.warnings)
    start = _timed(timings, progress, "resolve", start)
    ontology = ontology_graph()
    quads: Quads = {graph_iri("ontology"): set(ontology),  # type: ignore[arg-type]
                    graph_iri("registry"): registry_triples(agencies, districts, names, printed_in(unique))}
    ctx = make_context(unique, plans, agencies, districts, names)
    for record in unique:
        triples, more = source_triples(record, ctx)
        quads.setdefault(source_graph(record), set()).update(triples)
        warnings.extend(record.warnings)
        warnings.extend(more)
    start = _timed(timings, progress, "triples", start)
    implemented = {(plans.slug_for(plan.title), plans._by_title[key]) for record in unique for plan in record.plans
                   for key in map(title_key, plan.implements) if key in plans._by_title}
    quads[graph_iri("links")] = cross_plan_triples(ctx, warnings, implemented)
    loaded = [plans.slug_for(plan.title) for record in unique for plan in record.plans]
    metadata = frozenset((DCTERMS.issued, DCTERMS.identifier, DCTERMS.publisher))  # looked up once
    stated_meta = {(s, p) for triples in quads.values() for s, p, _ in triples if p in metadata}
    quads[graph_iri("registry")].update(
        t for t in catalogue_triples(plans, dict.fromkeys(loaded), names)
        if t[1] not in (DCTERMS.issued, DCTERMS.identifier, DCTERMS.publisher) or (t[0], t[1]) not in stated_meta)
    quads[graph_iri("registry")].update(provisional_triples(names))
    quads[graph_iri("registry")].update(jurisdiction_triples(names))
    start = _timed(timings, progress, "links", start)

    counts = add_inferred(quads, Rules.from_ontology(ontology))
    start = _timed(timings, progress, "inference", start)

    serialized = serialize_nquads(quads)  # once: the validator reads it, the writer writes it
    start = _timed(timings, progress, "serialize", start)
    if on_serialized is not None:
        on_serialized(serialized)
    validation = validate_store(ntriples_store(cast(IO[bytes], TriplesReader(serialized))))  # no second copy
    _timed(timings, progress, "validation", start)
    warnings.extend(f.describe() for f in validation.warnings)
    report = make_report(unique, plans, quads, validation, warnings, resolution, counts)
    return BuildResult(dict(quads), report, validation, timings, serialized)


def add_inferred(quads: Quads, rules: Rules) -> GraphCounts:
    """Add the ``inferred`` graph: what the asserted graphs (all but the ontology) entail.
    Returns the counts of the union of all graphs, made from the asserted set grown by the
    inferred and ontology triples (no second union), which is let go when counted."""
    asserted: set[Triple] = set().union(*(t for g, t in quads.items() if g != graph_iri("ontology")))
    inferred = infer(asserted, rules)
    quads[graph_iri("inferred")] = inferred  # none of them asserted (infer's contract)
    asserted.update(inferred)
    asserted.update(quads[graph_iri("ontology")])
    return GraphCounts.of(asserted)


def cross_plan_triples(ctx: Context, warnings: list[str], implemented: Iterable[tuple[str, str]] = ()) -> set[Triple]:
    """Links across plans: elaborations (key-task rows → work points), plans realized by
    tasks, and measure links (:func:`plankg.graph.links.measure_links`): annex items → the
    international plan's tasks they carry out, milestones → the annual tasks that take them up,
    and every pair of tasks whose clauses match, with the relation named. ``implemented`` holds
    (annual plan, multi-year plan) pairs where the annual plan says it carries out the other.
    A key-task row whose lead units differ from the units its work point names is reported
    as a warning (the rows' 责任单位 column adds units the work points do not list)."""
    tasks = dict(ctx.stated_tasks)
    loaded = {slug: entry for slug, entry in ctx.plans.entries.items() if slug in ctx.stated_source}
    elaborations = [pair for slug, entry in loaded.items()
                    if entry.elaborates and entry.elaborates in loaded
                    for pair in elaboration_pairs(tasks, slug, entry.elaborates)]
    for detail, summary in elaborations:
        code = ctx.jurisdiction_of(detail[0])
        units = {e.name_zh for m in tasks[detail].agencies if m.role == "lead"
                 for e in ctx.agencies.lookup(m.name, code) or ()}
        points = {e.name_zh for m in tasks[summary].agencies for e in ctx.agencies.lookup(m.name, code) or ()}
        if units != points:
            warnings.append(f"key task {detail[1]} leads differ from work point {summary[1]}'s units: "
                            f"only in the key task: {'、'.join(sorted(units - points)) or '-'}; "
                            f"only in the work point: {'、'.join(sorted(points - units)) or '-'}")
    titles = {slug: entry.title for slug, entry in loaded.items()}
    period = {slug: (e.period_start, e.period_end) for slug, e in ctx.plans.entries.items()
              if e.period_start is not None}
    realized = realized_plans(tasks, titles, period)  # type: ignore[arg-type]
    sections = {key: task.section or "" for key, task in tasks.items()}
    families = link_families(sorted(loaded), ctx)
    index = MeasureIndex(tasks) if len(families) == 1 else None
    carries = set(implemented)
    carries.update((slug, target) for slug, entry in loaded.items() for target in entry.implements
                   if target in loaded)
    # two tasks that each issue a different plan share wording but not a measure
    issuing = [(a, b) for a, pa in realized for b, pb in realized if pa != pb]
    annex: dict[tuple[TaskKey, TaskKey], MeasureLink] = {}
    links: dict[tuple[TaskKey, TaskKey], MeasureLink] = {}
    milestones: dict[tuple[TaskKey, int, TaskKey], tuple] = {}
    for family in families:
        family_tasks = {key: task for key, task in tasks.items() if key[0] in family}
        family_index = index or MeasureIndex(family_tasks)
        found_annex = []
        for slug in sorted(ctx.annexes):
            whole = ctx.annexes[slug]
            if whole in family and slug in family:
                found_annex += annex_measure_links(family_tasks, slug, whole, sections, family_index)
                carries.add((slug, whole))
        for link in found_annex:
            annex.setdefault((link.a, link.b), link)
        for link in measure_links(family_tasks, carries,
                                  exclude=[*elaborations, *((a.a, a.b) for a in found_annex), *issuing],
                                  index=family_index):
            held = links.get((link.a, link.b))
            if held is None or link.score > held.score:
                links[(link.a, link.b)] = link
        annual: dict[int, list[str]] = {}
        for slug in sorted(family):
            entry = loaded[slug]
            if entry.period_start is not None and entry.period_start == entry.period_end:
                annual.setdefault(entry.period_start, []).append(slug)
        multi_year = [k for k in family_tasks
                      if (ctx.plans.entries[k[0]].period_end or 0) > (ctx.plans.entries[k[0]].period_start or 0)]
        for found in milestone_measure_links(family_tasks, annual, multi_year, family_index):
            milestones.setdefault((found[0], found[1], found[2]), found)
    ordered = sorted(links.values(), key=lambda link: (-link.score, link.a, link.b))
    return (link_triples([], [], elaborations, realized)
            | measure_link_triples([*annex.values(), *ordered], list(milestones.values())))


def link_families(slugs: Sequence[str], ctx: Context) -> list[set[str]]:
    """The groups of plans whose tasks are compared with one another: the plans of one
    government line. A plan of a prefecture or a county belongs to its prefecture's family; a
    provincial plan joins every family of its province, a national one every family. With one
    family (the vendored corpus: Shenzhen and the State Council) every plan meets every other;
    plans of unrelated governments (深圳 and 厦门) are not compared, which keeps the link
    finder linear in the number of governments rather than quadratic."""
    assert ctx.names is not None
    registry = ctx.names.jurisdictions
    line: dict[str, list[str]] = {}
    for slug in slugs:
        code = ctx.jurisdiction_of(slug)
        line[slug] = [code, *registry.ancestors(code)] if code in registry.entries else [code]
    # a family per prefecture (the ancestor-or-self at prefecture level, or a county's own
    # code where it has no prefecture)
    def family_key(chain: list[str]) -> str | None:
        for code in chain:
            entry = registry.entries.get(code)
            if entry is not None and entry.level == "prefecture":
                return code
        first = registry.entries.get(chain[0])
        return None if first is None or first.level in ("national", "province") else chain[0]
    keys = sorted({k for k in (family_key(chain) for chain in line.values()) if k is not None})
    if len(keys) <= 1:
        return [set(slugs)]
    families = []
    for key in keys:
        members = {slug for slug, chain in line.items() if family_key(chain) == key}
        above = set(line[next(iter(members))][1:]) if members else set()
        members |= {slug for slug, chain in line.items()
                    if family_key(chain) is None and (chain[0] == "cn" or chain[0] in above)}
        families.append(members)
    return families


def make_context(sources: Sequence[SourceRecord], plans: PlanCatalogue,
                 agencies: AgencyRegistry, districts: DistrictRegistry, names: Names | None = None) -> Context:
    """Decide, for each plan, the source whose wording is stated: the catalogue's
    ``primary_source`` when that file was read, else the first file that prints the plan; and
    which plan is the annex of which (the document's own 附件 mark, else ``plans.csv``)."""
    stated_source: dict[str, str] = {}
    printed: dict[str, list[str]] = {}
    annexes: dict[str, str] = {}
    for record in sources:
        for plan in record.plans:
            slug = plans.slug_for(plan.title)
            printed.setdefault(slug, []).append(record.file)
            whole = plans.find(plan.annex_of) if plan.annex_of else None
            if whole is not None:
                annexes.setdefault(slug, whole.slug)
    for slug, files in printed.items():
        primary = plans.entries[slug].primary_source
        chosen = [f for f in files if primary and f.startswith(primary)]
        stated_source[slug] = chosen[0] if chosen else files[0]
        if plans.entries[slug].annex_of:
            annexes.setdefault(slug, plans.entries[slug].annex_of)  # type: ignore[arg-type]
    stated_tasks = {
        (plans.slug_for(plan.title), task.number): task
        for record in sources for plan in record.plans
        if stated_source[plans.slug_for(plan.title)] == record.file
        for task in plan.tasks
    }
    stated_sections = {plans.slug_for(plan.title): frozenset(s.key for s in plan.sections)
                       for record in sources for plan in record.plans
                       if stated_source[plans.slug_for(plan.title)] == record.file}
    task_source: dict[tuple[str, int], str] = {}
    for record in sources:  # an item the stated source lacks is stated by the first file printing it
        for plan in record.plans:
            slug = plans.slug_for(plan.title)
            for task in plan.tasks:
                if (slug, task.number) not in stated_tasks:
                    task_source.setdefault((slug, task.number), record.file)
                    stated_tasks.setdefault((slug, task.number), task)
    return Context(plans, agencies, districts, stated_source, stated_tasks, names=names, annexes=annexes,
                   task_source=task_source, stated_sections=stated_sections)


@dataclass(frozen=True)
class GraphCounts:
    """How many distinct triples a build has, and how many nodes of each class."""

    triples: int
    typed: Counter[tuple[type, str]]  # (term type, IRI) of a class → its nodes

    @classmethod
    def of(cls, union: set[Triple]) -> GraphCounts:
        """Count the union of a build's graphs in one pass. A class is counted by its term type
        and text (what rdflib's term equality compares), and rdf:type is recognised once per
        predicate object rather than compared at each triple."""
        rdf_type = RDF.type
        is_type: dict[int, bool] = {}  # id(predicate) → whether it is rdf:type; predicates alive in ``union``
        typed: Counter[tuple[type, str]] = Counter()
        for _, p, o in union:
            found = is_type.get(id(p))
            if found is None:
                found = is_type[id(p)] = p == rdf_type
            if found:
                typed[(type(o), str(o))] += 1
        return cls(len(union), typed)

    def count(self, cls: URIRef) -> int:
        """The nodes of a class."""
        return self.typed[(type(cls), str(cls))]


def make_report(sources: Sequence[SourceRecord], plans: PlanCatalogue, quads: Quads,
                validation: ValidationResult, warnings: list[str],
                resolution: Resolution | None = None, counts: GraphCounts | None = None) -> dict[str, object]:
    """The build report: per plan tasks found and declared, sections, targets, milestones and
    the files it was read from; the files read with their sha256; counts; warnings; per source
    file the loader and layout, the plans read and every problem with its line
    (``files``); the agencies no registry knows (``provisional_agencies``); the files left
    out by ``--keep-going`` (``skipped``).

    A plan printed in two files counts the tasks, sections and targets of its stated file.
    """

    from plankg.graph.namespace import PK

    per_plan: dict[str, dict[str, object]] = {}
    files: dict[str, dict[str, str]] = {}

    def entry_of(slug: str) -> dict[str, object]:
        return per_plan.setdefault(slug, {"tasks": 0, "declared": None, "sections": 0,
                                          "targets": 0, "milestones": 0, "sources": [],
                                          "truncated": False})

    for record in sources:
        files[record.file] = {"sha256": record.sha256, "loader": record.loader}
        for plan in record.plans:
            entry = entry_of(plans.slug_for(plan.title))
            if len(plan.tasks) >= int(entry["tasks"]):  # type: ignore[call-overload]
                entry["tasks"] = len(plan.tasks)
                entry["sections"] = len(plan.sections)
            entry["targets"] = max(int(entry["targets"]),  # type: ignore[call-overload]
                                   sum(len(t.targets) for t in plan.tasks))
            entry["milestones"] = max(int(entry["milestones"]),  # type: ignore[call-overload]
                                      sum(len(t.milestones) for t in plan.tasks))
            entry["sources"].append(record.file)  # type: ignore[attr-defined]
            entry["truncated"] = bool(entry["truncated"]) or plan.truncated
        for declared in record.declared_counts:
            entry_of(plans.slug_for(declared.plan_title))["declared"] = declared.count
    ordered = {slug: per_plan[slug] for slug in plans.order() if slug in per_plan}
    names = resolution.names if resolution is not None else None
    for slug, entry in ordered.items():
        entry["title"] = plans.entries[slug].title
        if names is not None and slug in names.plan_jurisdiction:
            entry["jurisdiction"] = names.plan_jurisdiction[slug]
    per_file = file_report(sources, plans, warnings)
    counts = counts or GraphCounts.of(set().union(*quads.values()))
    count = counts.count
    return {
        "plankg_version": __version__,
        "plans": ordered,
        "tasks": sum(int(p["tasks"]) for p in ordered.values()),  # type: ignore[call-overload]
        "targets": count(PK.Target),
        "milestones": count(PK.Milestone),
        "indicators": count(PK.Indicator),
        "agencies": count(PK.Agency) + count(PK.AgencyGroup),
        "agencies_unresolved": len(names.provisional) if names is not None else 0,
        "provisional_agencies": sorted((p.as_json() for p in names.provisional.values()),
                                       key=lambda p: (str(p["jurisdiction"]), str(p["name"])))
        if names is not None else [],
        "jurisdictions": count(PK.Jurisdiction),
        "districts": count(PK.District),
        "sources": dict(sorted(files.items())),
        "graphs": {str(g): len(t) for g, t in sorted(quads.items())},
        "triples": counts.triples,
        "conforms": validation.conforms,
        "files": per_file,
        "skipped": [{"file": p.file, "line": p.line, "reason": p.message}
                    for p in (resolution.skipped if resolution is not None else [])],
        "warnings": warnings,
    }


_WHERE = re.compile(r"^(?:skipped: )?(?P<file>[^:\s]+\.txt)(?::(?P<line>\d+))?: (?P<message>.*)$", re.DOTALL)


def file_report(sources: Sequence[SourceRecord], plans: PlanCatalogue,
                warnings: Sequence[str]) -> dict[str, dict[str, object]]:
    """Per source file: its loader, the layout seen, the plans read (slug and title) and every
    warning that names it, with its line.

    >>> file_report([], PlanCatalogue.load(), ["a.txt:3: cut off"])
    {}
    """
    out: dict[str, dict[str, object]] = {}
    for record in sources:
        out[record.file] = {
            "loader": record.loader, "layout": record.layout,
            "plans": [{"slug": plans.slug_for(p.title), "title": p.title, "tasks": len(p.tasks)}
                      for p in record.plans],
            "problems": [],
        }
    for warning in warnings:
        match = _WHERE.match(warning)
        if match and match["file"] in out:
            line = int(match["line"]) if match["line"] else None
            out[match["file"]]["problems"].append(  # type: ignore[attr-defined]
                {"line": line, "message": match["message"]})
    return dict(sorted(out.items()))


#: rows sorted at a time by :func:`serialize_nquads` (a part of the subjects' range); measured at
#: 100x (3.3 M rows), 50 k and 100 k rows a part were equally fast, 200 k and more slower
_PART_ROWS = 50_000


class _PartsOverlap(Exception):
    """A part's first row sorts before the previous part's last (a subject form with a space)."""


def serialize_nquads(quads: Quads) -> bytearray:
    """Every quad as N-Quads, lines sorted, so the same graph always gives the same bytes
    (a bytearray: the text is not copied once more into a bytes object).

    Each row is what rdflib's N-Quads row writer (``_nq_row``) gives, built here without it:
    an IRI or blank node is written once per term object (the same node object serves many
    triples), a literal by rdflib's own literal writer. Rows are sorted as UTF-8 bytes (the
    order of the text's code points), a row written twice is written once.

    Not all rows are made at once: the triples are first dealt into parts by ranges of their
    subject's form (:data:`_PART_ROWS` rows a part, the ranges cut at quantiles of a sample),
    then each part's rows are made, sorted and appended in turn. A row begins with its
    subject's form and a space, so the parts follow one another in the rows' order and the
    equal rows are in one part. At 100x (3.3 M rows, 703 MiB of text) sorting all rows at once
    raised the peak memory by 1.7 GiB, sorting them by parts by 0.9 GiB (the text included).
    """
    try:
        return _sorted_nquads(quads, _PART_ROWS)
    except _PartsOverlap:  # only a form with a space (no IRI has one) can do it: sort it whole
        return _sorted_nquads(quads, None)


def _sorted_nquads(quads: Quads, part_rows: int | None) -> bytearray:
    """:func:`serialize_nquads` in parts of about ``part_rows`` rows (None: one part);
    :class:`_PartsOverlap` if the parts' rows are not in order one after another."""
    from bisect import bisect_right
    from itertools import groupby, islice
    from operator import eq, itemgetter

    from rdflib.plugins.serializers.nt import _quoteLiteral

    written: dict[int, str] = {}  # id(node) → N-Triples form; every node stays alive in ``quads`` meanwhile
    known = written.get

    def write(node: Any) -> str:
        form = written[id(node)] = node.n3()
        return form

    total = sum(map(len, quads.values()))
    bounds: list[str] = []  # the subject form + " " each part from the second starts at
    if part_rows and total > part_rows:
        parts = -(-total // part_rows)
        step = max(1, total // (parts * 256))  # a sample of about 256 rows a part
        sample = sorted((known(id(s)) or write(s)) + " " for triples in quads.values()
                        for s, _, _ in islice(triples, 0, None, step))
        bounds = sorted({sample[len(sample) * n // parts] for n in range(1, parts)})
    # each part: (graph name's row tail, the graph's triples in the part), triples by reference
    groups: list[list[tuple[str, Iterable[Triple]]]] = [[] for _ in range(len(bounds) + 1)]
    where: dict[int, int] = {}  # id(subject) → its part
    placed, first = where.get, itemgetter(0)
    for name, triples in quads.items():
        tail = f" {URIRef(name).n3()} .\n"
        if not bounds:
            groups[0].append((tail, triples))
            continue
        dealt: list[list[Triple]] = [[] for _ in groups]
        deal = [members.append for members in dealt]
        for t, part in zip(triples, map(placed, map(id, map(first, triples))), strict=True):
            if part is None:
                s = t[0]
                part = where[id(s)] = bisect_right(bounds, (known(id(s)) or write(s)) + " ")
            deal[part](t)
        for part, members in enumerate(dealt):
            if members:
                groups[part].append((tail, members))
    where.clear()

    text = bytearray()
    last = b""
    for part, group in enumerate(groups):
        groups[part] = []  # the part's triple lists are let go as its rows are made
        rows: list[bytes] = []  # UTF-8 at once: bytes sort as the text and take less memory than str
        add = rows.append
        for tail, in_part in group:
            for s, p, o in in_part:
                obj = _quoteLiteral(o) if isinstance(o, Literal) else known(id(o)) or write(o)
                add(f"{known(id(s)) or write(s)} {known(id(p)) or write(p)} {obj}{tail}".encode())
        del group
        if not rows:
            continue
        rows.sort()
        if rows[0] <= last:
            raise _PartsOverlap
        last = rows[-1]
        if any(map(eq, rows, islice(rows, 1, None))):  # a row written twice is written once
            text += b"".join(map(itemgetter(0), groupby(rows)))
        else:
            text += b"".join(rows)
        del rows
    return text


class TriplesReader(io.RawIOBase):
    """The rows of N-Quads text with their graph names cut (:func:`ntriples_of`), read a block
    at a time, so a store can load a build's triples without a second copy of the text.

    >>> TriplesReader(b'<a:s> <a:p> "o" <a:g> .\\n<a:s> <a:p> <a:o> <a:g> .\\n', block=8).read()
    b'<a:s> <a:p> "o" .\\n<a:s> <a:p> <a:o> .\\n'
    """

    def __init__(self, nquads: bytes | bytearray, block: int = 1 << 24) -> None:
        super().__init__()
        self._text, self._at, self._block = nquads, 0, block
        self._pending, self._offset = b"", 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self._offset >= len(self._pending) and self._at < len(self._text):
            end = self._text.find(b"\n", min(self._at + self._block, len(self._text)) - 1)
            end = len(self._text) if end < 0 else end + 1
            self._pending, self._offset = ntriples_of(self._text[self._at:end]), 0
            self._at = end
        size = min(len(buffer), len(self._pending) - self._offset)
        buffer[:size] = self._pending[self._offset: self._offset + size]
        self._offset += size
        return size


def ntriples_of(nquads: bytes | bytearray) -> bytes:
    """N-Quads without their graph names: the triples of every graph, repeated where a triple
    is in several graphs (a store keeps each once).

    >>> ntriples_of(b'<a:s> <a:p> "x <a:y> ." <a:g1> .\\n<a:s> <a:p> <a:o> <a:g2> .\\n')
    b'<a:s> <a:p> "x <a:y> ." .\\n<a:s> <a:p> <a:o> .\\n'
    """
    return _GRAPH_NAME.sub(b" .\n", nquads)


#: the graph name closing an N-Quads row (a literal holds no raw line break, an IRI no < > or space)
_GRAPH_NAME = re.compile(rb" <[^<>\n ]*> \.\n")


def merged_ntriples(nquads: bytes) -> bytes:
    """The RDF merge of sorted N-Quads as N-Triples: each line without its graph, once.

    >>> merged_ntriples(b'<a:s> <a:p> "x y" <a:g1> .\\n<a:s> <a:p> "x y" <a:g2> .\\n')
    b'<a:s> <a:p> "x y" .\\n'
    """
    lines = {line.rsplit(b" ", 2)[0] for line in nquads.splitlines() if line}
    return b"".join(sorted(line + b" .\n" for line in lines))


def write_build(result: BuildResult, out_dir: Path) -> None:
    """Write ``plankg.nq`` and ``report.json`` into ``out_dir``, atomically per file.

    Raises:
        InvalidGraphError: the graph does not conform; ``out_dir`` is left as it was.
    """
    if not result.validation.conforms:
        raise InvalidGraphError(result.validation)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".plankg-build-", dir=out_dir.parent))
    try:
        (staging / NQUADS).write_bytes(result.nquads if result.nquads is not None else serialize_nquads(result.quads))
        (staging / REPORT).write_text(
            json.dumps(result.report, ensure_ascii=False, indent=2, sort_keys=False) + "\n",
            encoding="utf-8")
        for name in (NQUADS, REPORT):
            os.replace(staging / name, out_dir / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
