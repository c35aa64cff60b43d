"""Records to triples: every asserted fact of the graph, in named graphs.

Named graphs (``graph_iri``): ``source/{file stem}`` holds what one source file says (its
plans, sections, tasks, declared counts, notices); ``registry`` holds the agency and district
registries and the plan catalogue; ``ontology`` holds the ontology. Inferred triples are added
by :mod:`plankg.graph.inference` into ``inferred``.

A plan printed in two sources (the international plan in 000 and 001) has one *stated* source
(the official document, ``primary_source`` in the plan catalogue): it alone states each task's
title, text, units, deadline and source line. The other source states the task's membership and
number, and its wording as a ``pk:TaskVersion`` with its own line, so nothing it says is lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from plankg.graph.namespace import (
    PK,
    agency_iri,
    district_iri,
    graph_iri,
    indicator_iri,
    plan_iri,
    section_iri,
    source_iri,
    target_iri,
    task_iri,
)
from plankg.graph.records import AgencyMention, SourceRecord, TaskRecord
from plankg.graph.registry import (
    AgencyRegistry,
    DistrictRegistry,
    IndicatorRegistry,
    PlanCatalogue,
    UnknownAgencyError,
    UnknownPlanError,
)

__all__ = [
    "BuildError",
    "Context",
    "Quads",
    "catalogue_triples",
    "registry_triples",
    "source_graph",
    "source_triples",
]

Triple = tuple[URIRef, URIRef, URIRef | Literal]
Quads = dict[URIRef, set[Triple]]

ROLE_PROPERTY = {"lead": PK.leadAgency, "participating": PK.participatingAgency,
                 "responsible": PK.responsibleAgency}
ROW_ROLE_PROPERTY = {"lead": PK.rowLeadAgency, "participating": PK.rowParticipatingAgency,
                     "responsible": PK.rowParticipatingAgency}


class BuildError(ValueError):
    """The records cannot be turned into a valid graph; the message names file and line."""


def zh(text: str) -> Literal:
    """A Chinese literal."""
    return Literal(text, lang="zh")


def en(text: str) -> Literal:
    """An English literal."""
    return Literal(text, lang="en")


def year(value: int) -> Literal:
    """An ``xsd:gYear`` literal.

    >>> year(2025)
    rdflib.term.Literal('2025', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#gYear'))
    """
    return Literal(f"{value:04d}", datatype=XSD.gYear)


@dataclass(frozen=True)
class Context:
    """What turning one source into triples needs to know beyond the source itself.

    Attributes:
        plans, agencies, districts: the registries.
        stated_source: for each plan slug, the file whose wording is stated.
        stated_tasks: the stated record of each (slug, number), to compare other wordings.
    """

    plans: PlanCatalogue
    agencies: AgencyRegistry
    districts: DistrictRegistry
    stated_source: Mapping[str, str]
    stated_tasks: Mapping[tuple[str, int], TaskRecord]
    indicators: IndicatorRegistry = field(default_factory=IndicatorRegistry.load)


def registry_triples(agencies: AgencyRegistry, districts: DistrictRegistry) -> set[Triple]:
    """The triples of the agency and district registries.

    ``members`` of a collective: ``all-districts`` is every district government,
    ``all-districts-and-new`` adds the new districts (大鹏新区); otherwise ids separated by ``|``.
    """
    out: set[Triple] = set()
    for entry in agencies.entries.values():
        node = agency_iri(entry.id)
        out.add((node, RDF.type, PK.AgencyGroup if entry.is_group else PK.Agency))
        out.add((node, SKOS.prefLabel, zh(entry.name_zh)))
        out.update((node, SKOS.altLabel, zh(alias)) for alias in entry.aliases)
        out.add((node, RDFS.label, en(entry.name_en)))
        out.add((node, PK.agencyType, Literal(entry.type)))
        if entry.district:
            out.add((node, PK.jurisdiction, district_iri(entry.district)))
        if entry.successor:
            out.add((node, PK.replacedBy, agency_iri(entry.successor)))
        if entry.members in ("all-districts", "all-districts-and-new"):
            kinds = {"district"} if entry.members == "all-districts" else {"district", "new district"}
            out.update((node, PK.includesAgency, agency_iri(member.id))
                       for member in agencies.entries.values()
                       if member.type == "district government" and member.district
                       and districts.entries[member.district].kind in kinds)
        elif entry.members:
            out.update((node, PK.includesAgency, agency_iri(member))
                       for member in entry.members.split("|"))
    for district in districts.entries.values():
        node = district_iri(district.id)
        out.add((node, RDF.type, PK.District))
        out.add((node, SKOS.prefLabel, zh(district.name_zh)))
        out.update((node, SKOS.altLabel, zh(alias)) for alias in district.aliases)
        out.add((node, RDFS.label, en(district.name_en)))
        out.add((node, DCTERMS.type, Literal(district.kind)))
        if district.code:
            out.add((node, PK.divisionCode, Literal(district.code)))
    return out


def catalogue_triples(plans: PlanCatalogue, slugs: Iterable[str]) -> set[Triple]:
    """The catalogue's facts (title, English name, period) for the plans that were loaded."""
    out: set[Triple] = set()
    for slug in slugs:
        plan = plans.entries[slug]
        node = plan_iri(plan.slug)
        out.add((node, RDF.type, PK.Plan))
        out.add((node, DCTERMS.title, zh(plan.title)))
        out.add((node, RDFS.label, en(plan.name_en)))
        out.add((node, DCTERMS.type, Literal(plan.kind)))
        out.add((node, PK.periodStart, year(plan.period_start)))
        out.add((node, PK.periodEnd, year(plan.period_end)))
    return out


def mentioned_places(text: str, districts: DistrictRegistry) -> list[str]:
    """The ids of the districts and zones a text names, longest name first, no overlaps.

    >>> mentioned_places("支持前海蛇口自贸片区、河套深港科技创新合作区，在福田、南山试点", DistrictRegistry.load())
    ['futian', 'hetao', 'nanshan', 'qianhai-shekou-ftz']
    """
    found: list[str] = []
    taken = [False] * len(text)
    for name, district_id in districts.names():
        start = text.find(name)
        while start != -1:
            span = range(start, start + len(name))
            if not any(taken[i] for i in span):
                for i in span:
                    taken[i] = True
                if district_id not in found:
                    found.append(district_id)
            start = text.find(name, start + len(name))
    return sorted(found)


def resolve(mention: AgencyMention, agencies: AgencyRegistry, where: str) -> list[URIRef]:
    """The agency IRIs a printed name stands for.

    Raises:
        BuildError: the name is not in the registry (names file, line and suggestions).
    """
    try:
        return [agency_iri(entry.id) for entry in agencies.resolve(mention.name)]
    except UnknownAgencyError as exc:
        raise BuildError(f"{where}: {exc}") from None


def deadline_triples(node: URIRef, text: str | None, when: object, text_property: URIRef,
                     date_property: URIRef) -> set[Triple]:
    """A deadline as printed and, for a month end, as an ``xsd:date``."""
    out: set[Triple] = set()
    if text:
        out.add((node, text_property, Literal(text)))
    if when is not None:
        out.add((node, date_property, Literal(when, datatype=XSD.date)))
    return out


def task_triples(slug: str, task: TaskRecord, source: URIRef, file: str, ctx: Context) -> set[Triple]:
    """The triples of one task as stated (its source is the plan's stated source).

    Raises:
        BuildError: an agency name is not in the registry.
    """
    node = task_iri(slug, task.number)
    where = f"{file}:{task.source_line}: task {task.number}"
    out: set[Triple] = {
        (node, RDF.type, PK.Task),
        (node, PK.inPlan, plan_iri(slug)),
        (node, PK.taskNumber, Literal(task.number)),
        (node, DCTERMS.title, zh(task.title)),
        (node, PK.text, zh(task.text)),
        (node, PROV.wasDerivedFrom, source),
        (node, PK.sourceLine, Literal(task.source_line)),
    }
    if task.section:
        out.add((node, PK.inSection, section_iri(slug, task.section)))
    for mention in task.agencies:
        out.update((node, ROLE_PROPERTY[mention.role], iri)
                   for iri in resolve(mention, ctx.agencies, where))
    if task.agencies_open:
        out.add((node, PK.agencyListOpen, Literal(True)))
    if task.national_reform is not None:
        out.add((node, PK.nationalReform, Literal(task.national_reform)))
    if task.responsible_official:
        out.add((node, PK.responsibleOfficial, Literal(task.responsible_official)))
    if task.rows:
        for index, row in enumerate(task.rows, start=1):
            out.update(deadline_triples(node, row.deadline_text, row.deadline,
                                        PK.deadlineText, PK.deadline))
            if len(task.rows) > 1:
                row_node = URIRef(f"{node}/row/{index}")
                out.update({(node, PK.hasRow, row_node), (row_node, RDF.type, PK.TaskRow),
                            (row_node, PK.rowNumber, Literal(index)),
                            (row_node, PK.rowText, zh(row.text)),
                            (row_node, PK.rowSourceLine, Literal(row.source_line))})
                if row.title:
                    out.add((row_node, PK.rowTitle, zh(row.title)))
                out.update(deadline_triples(row_node, row.deadline_text, row.deadline,
                                            PK.rowDeadlineText, PK.rowDeadline))
                for mention in row.agencies:
                    out.update((row_node, ROW_ROLE_PROPERTY[mention.role], iri)
                               for iri in resolve(mention, ctx.agencies, where))
    else:
        out.update(deadline_triples(node, task.deadline_text, task.deadline,
                                    PK.deadlineText, PK.deadline))
    out.update((node, PK.mentionsPlace, district_iri(d))
               for d in mentioned_places(task.text, ctx.districts))
    out.update(target_triples(slug, task, ctx))
    return out


def target_triples(slug: str, task: TaskRecord, ctx: Context) -> set[Triple]:
    """The task's targets (with their indicators) and dated milestones. A target without a
    year of its own in an annual plan (the catalogue's period is one year) takes that year."""
    node = task_iri(slug, task.number)
    entry = ctx.plans.entries[slug]
    annual = entry.period_start if entry.period_start == entry.period_end else None
    out: set[Triple] = set()
    for index, target in enumerate(task.targets, start=1):
        target_node = target_iri(slug, task.number, index)
        indicator = ctx.indicators.for_measure(target.measure)
        indicator_node = indicator_iri(indicator.id)
        out.update({
            (node, PK.hasTarget, target_node),
            (target_node, RDF.type, PK.Target),
            (target_node, PK.value, Literal(target.value, datatype=XSD.decimal)),
            (target_node, PK.comparator, Literal(target.comparator)),
            (target_node, PK.sourceText, Literal(target.source_text)),
            (target_node, PK.indicator, indicator_node),
            (indicator_node, RDF.type, PK.Indicator),
            (indicator_node, RDFS.label, zh(indicator.label_zh)),
        })
        if indicator.label_en:
            out.add((indicator_node, RDFS.label, en(indicator.label_en)))
        if target.unit:
            out.add((target_node, PK.unit, Literal(target.unit)))
        when = target.year or annual
        if when:
            out.add((target_node, PK.targetYear, year(when)))
        if target.cumulative:
            out.add((target_node, PK.cumulative, Literal(True)))
    for index, milestone in enumerate(task.milestones, start=1):
        milestone_node = URIRef(f"{node}/milestone/{index}")
        out.update({
            (node, PK.hasMilestone, milestone_node),
            (milestone_node, RDF.type, PK.Milestone),
            (milestone_node, PK.milestoneYear, year(milestone.year)),
            (milestone_node, PK.milestoneText, zh(milestone.text)),
        })
    return out


def version_triples(slug: str, task: TaskRecord, source: URIRef, file: str, ctx: Context) -> set[Triple]:
    """A task as printed in a source that is not its stated one: membership, number, and its
    wording as a :data:`PK.TaskVersion`."""
    node = task_iri(slug, task.number)
    version = URIRef(f"{node}/version/{file.removesuffix('.txt')}")
    stated = ctx.stated_tasks.get((slug, task.number))
    same = stated is not None and stated.title == task.title and stated.text == task.text
    return {
        (node, RDF.type, PK.Task),
        (node, PK.inPlan, plan_iri(slug)),
        (node, PK.taskNumber, Literal(task.number)),
        (node, PROV.wasDerivedFrom, source),
        (version, RDF.type, PK.TaskVersion),
        (version, PK.versionOf, node),
        (version, PK.versionTitle, zh(task.title)),
        (version, PK.versionText, zh(task.text)),
        (version, PK.versionSourceLine, Literal(task.source_line)),
        (version, PROV.wasDerivedFrom, source),
        (version, PK.sameWordingAsStated, Literal(same)),
    }


def plan_slug(plans: PlanCatalogue, title: str, where: str) -> str:
    """The slug of a plan title, or a :class:`BuildError` naming file and line."""
    try:
        return plans.slug_for(title)
    except UnknownPlanError as exc:
        raise BuildError(f"{where}: {exc}") from None


def source_triples(record: SourceRecord, ctx: Context) -> tuple[set[Triple], list[str]]:
    """The triples of what one source file says, and warnings.

    Raises:
        BuildError: a plan title or an agency is unknown (names file and line).
    """
    source = source_iri(record.file)
    warnings: list[str] = []
    out: set[Triple] = {
        (source, RDF.type, PK.SourceDocument),
        (source, PK.fileName, Literal(record.file)),
        (source, PK.sha256, Literal(record.sha256)),
    }
    for plan in record.plans:
        where = f"{record.file}:{plan.source_line}"
        slug = plan_slug(ctx.plans, plan.title, where)
        node = plan_iri(slug)
        stated = ctx.stated_source.get(slug, record.file) == record.file
        out.add((node, RDF.type, PK.Plan))
        out.add((node, PROV.wasDerivedFrom, source))
        if plan.truncated:
            out.add((node, PK.sourceTruncated, Literal(True)))
        if plan.annex_of:
            out.add((node, DCTERMS.isPartOf, plan_iri(plan_slug(ctx.plans, plan.annex_of, where))))
        for title in plan.implements:
            try:
                out.add((node, PK.implements, plan_iri(ctx.plans.slug_for(title))))
            except UnknownPlanError:
                warnings.append(f"{where}: {slug} implements 《{title}》, which is not in the corpus")
        if stated:
            for section in plan.sections:
                section_node = section_iri(slug, section.key)
                out.add((section_node, RDF.type, PK.Section))
                out.add((section_node, DCTERMS.title, zh(section.title)))
                out.add((section_node, PK.inPlan, node))
                out.add((section_node, PK.sectionNumber, Literal(section.key)))
                if section.parent:
                    out.add((section_node, PK.parentSection, section_iri(slug, section.parent)))
        for task in plan.tasks:
            if stated:
                out.update(task_triples(slug, task, source, record.file, ctx))
            else:
                out.update(version_triples(slug, task, source, record.file, ctx))
    for declared in record.declared_counts:
        slug = plan_slug(ctx.plans, declared.plan_title, f"{record.file}:{declared.line}")
        out.add((plan_iri(slug), PK.declaredTaskCount, Literal(declared.count)))
    for notice in record.notices:
        for title in notice.plan_titles:
            node = plan_iri(plan_slug(ctx.plans, title, f"{record.file}:{notice.line}"))
            out.add((node, DCTERMS.identifier, Literal(notice.identifier)))
            if notice.issued:
                out.add((node, DCTERMS.issued, Literal(notice.issued, datatype=XSD.date)))
            for name in notice.publishers:
                out.update((node, DCTERMS.publisher, iri) for iri in resolve(
                    AgencyMention(name, "responsible"), ctx.agencies,
                    f"{record.file}:{notice.line}: publisher"))
    return out, warnings


def source_graph(record: SourceRecord) -> URIRef:
    """The named graph that holds what one source file says."""
    return graph_iri(f"source/{record.file.removesuffix('.txt')}")
