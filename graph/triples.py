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

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import DC, DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from plankg.graph.errors import InputError, PlankgError
from plankg.graph.namespace import (
    PK,
    agency_iri,
    district_iri,
    graph_iri,
    indicator_iri,
    jurisdiction_iri,
    milestone_iri,
    plan_iri,
    row_iri,
    section_iri,
    source_iri,
    target_iri,
    task_iri,
    unit_iri,
    version_iri,
)
from plankg.graph.records import AgencyMention, SourceRecord, TaskRecord
from plankg.graph.registry import (
    AgencyRegistry,
    DistrictRegistry,
    IndicatorRegistry,
    JurisdictionRegistry,
    PlanCatalogue,
    UnknownPlanError,
    code_list,
)
from plankg.graph.resolve import Names

__all__ = [
    "BuildError",
    "Context",
    "Quads",
    "catalogue_triples",
    "jurisdiction_triples",
    "provisional_triples",
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


class BuildError(InputError):
    """The records cannot be turned into a valid graph; the message names file and line
    (given whole, or as ``file`` and ``line``)."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None) -> None:
        if file is not None:
            super().__init__(message, file, line)
            return
        PlankgError.__init__(self, message)
        self.file, self.line, self.reason = "", None, message


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
    names: Names | None = None
    annexes: Mapping[str, str] = field(default_factory=dict)  # annex slug → the plan's slug
    task_source: Mapping[tuple[str, int], str] = field(default_factory=dict)  # (slug, n) → file
    stated_sections: Mapping[str, frozenset[str]] = field(default_factory=dict)  # slug → keys

    def states_task(self, slug: str, number: int, file: str) -> bool:
        """Whether ``file`` states task ``number`` of plan ``slug``: the plan's stated source,
        or, for an item that source does not print, the first file that does."""
        return self.task_source.get((slug, number), self.stated_source.get(slug, file)) == file

    def __post_init__(self) -> None:
        if self.names is None:  # a context built by hand (tests): Shenzhen's registry, home 440300
            object.__setattr__(self, "names", Names(self.plans, self.agencies, JurisdictionRegistry.load()))

    def jurisdiction_of(self, slug: str) -> str:
        """The code of the jurisdiction of a plan (the home one when not resolved)."""
        assert self.names is not None
        return self.names.plan_jurisdiction.get(slug, self.names.jurisdictions.home)


def registry_triples(agencies: AgencyRegistry, districts: DistrictRegistry,
                     names: Names | None = None,
                     printed: Callable[[str], bool] | None = None) -> set[Triple]:
    """The triples of the agency and district registries.

    ``members`` of a collective: ``all-districts`` is every district government,
    ``all-districts-and-new`` adds the new districts (大鹏新区); otherwise ids separated by ``|``.
    With ``names``, every agency that governs no district is linked to the jurisdiction it
    belongs to, and every district with a jurisdiction of the same area to it (``pk:sameArea``);
    those jurisdictions are marked used.

    A registry alias is a ``skos:altLabel`` when the corpus prints it (``printed``), and a
    ``pk:registryLabel`` otherwise (a spelling the registry knows but no source shows).
    """
    def alias_triples(node: URIRef, aliases: Iterable[str]) -> set[Triple]:
        return {(node, SKOS.altLabel if printed is None or printed(alias) else PK.registryLabel, zh(alias))
                for alias in aliases}

    out: set[Triple] = set()
    for entry in agencies.entries.values():
        if (names is not None and not entry.district and not entry.is_group
                and entry.jurisdiction in names.jurisdictions.entries):
            out.add((agency_iri(entry.id), PK.jurisdiction, jurisdiction_iri(entry.jurisdiction)))
            names.jurisdiction(entry.jurisdiction)
        node = agency_iri(entry.id)
        out.add((node, RDF.type, PK.AgencyGroup if entry.is_group else PK.Agency))
        out.add((node, SKOS.prefLabel, zh(entry.name_zh)))
        out.update(alias_triples(node, entry.aliases))
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
        out.update(alias_triples(node, district.aliases))
        out.add((node, RDFS.label, en(district.name_en)))
        out.add((node, DCTERMS.type, Literal(district.kind)))
        if district.code:
            out.update(division_code_triples(node, district.code))
        if names is not None and district.jurisdiction in names.jurisdictions.entries:
            out.add((node, PK.sameArea, jurisdiction_iri(district.jurisdiction)))
            names.jurisdiction(district.jurisdiction)
    return out


def division_code_triples(node: URIRef, code: str) -> set[Triple]:
    """A district's or jurisdiction's GB/T 2260 code, as printed and as the IRI of its entry in
    the public code list (``data/registry/code_lists.csv``)."""
    return {(node, PK.divisionCode, Literal(code)), (node, PK.divisionCodeEntry, URIRef(code_list("gb2260").iri(code)))}


def jurisdiction_triples(names: Names) -> set[Triple]:
    """The jurisdictions the build uses (plans' and agencies' governments, districts' areas)
    and the ones above them up to the province: class, full name, official short name, code,
    parent."""
    codes = set(names.used_jurisdictions)
    for code in list(codes):
        codes.update(names.jurisdictions.ancestors(code))
    out: set[Triple] = set()
    for code in codes:
        entry = names.jurisdictions.entries[code]
        node = jurisdiction_iri(code)
        out.add((node, RDF.type, PK.Jurisdiction))
        out.add((node, SKOS.prefLabel, zh(entry.full_name)))
        out.update((node, SKOS.altLabel, zh(alias))
                   for alias in dict.fromkeys((entry.name, *entry.aliases)) if alias != entry.full_name)
        if entry.name_en:
            out.add((node, RDFS.label, en(entry.name_en)))
        out.add((node, DCTERMS.type, Literal(entry.level)))
        if entry.division_code:
            out.update(division_code_triples(node, entry.division_code))
        if entry.parent:
            out.add((node, PK.parentJurisdiction, jurisdiction_iri(entry.parent)))
    return out


def provisional_triples(names: Names) -> set[Triple]:
    """The agencies no registry knows, each of the jurisdiction whose plan printed it: the
    name as printed, an English label saying what it is, ``pk:provisional true``."""
    out: set[Triple] = set()
    for iri, (name, code) in names.provisional_names.items():
        node = URIRef(iri)
        out.update({
            (node, RDF.type, PK.Agency),
            (node, SKOS.prefLabel, zh(name)),
            (node, RDFS.label, en(f"{name} (provisional agency of jurisdiction {code}, not in the registry)")),
            (node, PK.provisional, Literal(True)),
            (node, PK.jurisdiction, jurisdiction_iri(code)),
        })
    return out


def catalogue_triples(plans: PlanCatalogue, slugs: Iterable[str], names: Names | None = None) -> set[Triple]:
    """The catalogue's facts for the plans that were loaded: title, English name (where the
    table gives one), kind, period, jurisdiction (``dcterms:spatial``), and the date, 文号 and
    publisher the table gives for plans whose sources do not print them."""
    out: set[Triple] = set()
    for slug in slugs:
        plan = plans.entries[slug]
        node = plan_iri(plan.slug)
        out.add((node, RDF.type, PK.Plan))
        out.add((node, DCTERMS.title, zh(plan.title)))
        if plan.name_en:
            out.add((node, RDFS.label, en(plan.name_en)))
        out.add((node, DCTERMS.type, Literal(plan.kind)))
        if plan.period_start is not None and plan.period_end is not None:
            out.add((node, PK.periodStart, year(plan.period_start)))
            out.add((node, PK.periodEnd, year(plan.period_end)))
        if names is not None and slug in names.plan_jurisdiction:
            code = names.plan_jurisdiction[slug]
            out.add((node, DCTERMS.spatial, jurisdiction_iri(code)))
            if plan.publisher:
                out.update((node, DCTERMS.publisher, iri) for iri in names.agencies(plan.publisher, code))
        if plan.issued:
            out.add((node, DCTERMS.issued, Literal(plan.issued, datatype=XSD.date)))
        if plan.identifier:
            out.add((node, DCTERMS.identifier, Literal(plan.identifier)))
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


def resolve(mention: AgencyMention, ctx: Context, slug: str) -> tuple[URIRef, ...]:
    """The agency IRIs a printed name stands for in the plan ``slug`` (resolved beforehand by
    :func:`plankg.graph.resolve.resolve_sources`; a provisional agency when no registry knows
    the name)."""
    assert ctx.names is not None
    return ctx.names.agencies(mention.name, ctx.jurisdiction_of(slug))


def deadline_triples(node: URIRef, text: str | None, when: object, text_property: URIRef,
                     date_property: URIRef, precision: str | None = None) -> set[Triple]:
    """A deadline as printed and, where it names one, as an ``xsd:date`` (the last day meant)
    with its precision; a status (持续推进) has its text only."""
    out: set[Triple] = set()
    if text:
        out.add((node, text_property, Literal(text)))
    if when is not None:
        out.add((node, date_property, Literal(when, datatype=XSD.date)))
        if precision:
            out.add((node, PK.deadlinePrecision, Literal(precision)))
    return out


def task_triples(slug: str, task: TaskRecord, source: URIRef, file: str, ctx: Context) -> set[Triple]:
    """The triples of one task as stated (its source is the plan's stated source).

    """
    node = task_iri(slug, task.number)
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
    for position, mention in enumerate(task.agencies, start=1):
        iris = resolve(mention, ctx, slug)
        out.update((node, ROLE_PROPERTY[mention.role], iri) for iri in iris)
        unit = unit_iri(slug, task.number, position)
        out.update({(node, PK.namesUnit, unit), (unit, RDF.type, PK.UnitMention),
                    (unit, PK.unitPosition, Literal(position)),
                    (unit, PK.unitRole, ROLE_PROPERTY[mention.role]),
                    (unit, PK.namedAs, zh(mention.name))})
        out.update((unit, PK.unitAgency, iri) for iri in iris)
    if task.agencies_open:
        out.add((node, PK.agencyListOpen, Literal(True)))
    if task.national_reform is not None:
        out.add((node, PK.nationalReform, Literal(task.national_reform)))
    if task.responsible_official:
        out.add((node, PK.responsibleOfficial, Literal(task.responsible_official)))
    if task.rows:
        for index, row in enumerate(task.rows, start=1):
            out.update(deadline_triples(node, row.deadline_text, row.deadline,
                                        PK.deadlineText, PK.deadline, row.deadline_precision))
            if len(task.rows) > 1:
                row_node = row_iri(slug, task.number, index)
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
                               for iri in resolve(mention, ctx, slug))
    else:
        out.update(deadline_triples(node, task.deadline_text, task.deadline,
                                    PK.deadlineText, PK.deadline, task.deadline_precision))
    out.update((node, PK.mentionsPlace, district_iri(d))
               for d in mentioned_places(task.text, ctx.districts))
    out.update(target_triples(slug, task, ctx))
    return out


def target_triples(slug: str, task: TaskRecord, ctx: Context) -> set[Triple]:
    """The task's targets (with their indicators) and dated milestones. A target without a
    year of its own in an annual plan (the catalogue's period is one year) takes that year."""
    node = task_iri(slug, task.number)
    entry = ctx.plans.entries[slug]
    annual = entry.period_start if entry.period_start is not None and entry.period_start == entry.period_end else None
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
        milestone_node = milestone_iri(slug, task.number, index)
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
    version = version_iri(slug, task.number, file)
    stated = ctx.stated_tasks.get((slug, task.number))
    same = stated is not None and stated.title == task.title and stated.text == task.text
    # the units this copy names, so that "do the two copies name the same units" can be asked
    units = {(version, PK.versionResponsibleAgency, iri)
             for mention in task.agencies for iri in resolve(mention, ctx, slug)}
    return units | {
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


def manifest_triples(source: URIRef, record: SourceRecord) -> set[Triple]:
    """What the sources' ``MANIFEST.csv`` says of a file: where it comes from (the web address
    as ``dcterms:source``, the words as ``rdfs:comment``), the document number (文号) it
    names, what the file holds (``dcterms:description``), and where given the document's title,
    issuers as printed (``dc:publisher``), date issued and the date the file was retrieved."""
    out: set[Triple] = set()
    if record.origin:
        out.add((source, RDFS.comment, en(record.origin)))
        for address in re.findall(r"https?://[^\s,，;；)）]+", record.origin):
            out.add((source, DCTERMS.source, URIRef(address)))
        for number in re.findall(r"\S{1,12}〔\d{4}〕\d+号", record.origin):
            out.add((source, DCTERMS.identifier, Literal(number)))
    if record.description:
        out.add((source, DCTERMS.description, en(record.description)))
    if record.title:
        out.add((source, DCTERMS.title, zh(record.title)))
    out.update((source, DC.publisher, zh(name)) for name in record.issuers)  # names as printed, not agencies
    if record.issued:
        out.add((source, DCTERMS.issued, Literal(record.issued, datatype=XSD.date)))
    if record.retrieved:
        out.add((source, PK.retrieved, Literal(record.retrieved, datatype=XSD.date)))
    return out


def source_triples(record: SourceRecord, ctx: Context) -> tuple[set[Triple], list[str]]:
    """The triples of what one source file says, and warnings. Names were resolved beforehand
    (:func:`plankg.graph.resolve.resolve_sources`); a name the catalogue does not know here is
    a :class:`BuildError` naming file and line.

    Plan metadata: the issuing notice's 文号, date and issuers where the file carries one;
    else the date, 文号 and issuer printed with the plan itself.
    """
    source = source_iri(record.file)
    warnings: list[str] = []
    out: set[Triple] = {
        (source, RDF.type, PK.SourceDocument),
        (source, PK.fileName, Literal(record.file)),
        (source, PK.sha256, Literal(record.sha256)),
    }
    if record.layout:
        out.add((source, PK.sourceLayout, Literal(record.layout)))
    out.update(manifest_triples(source, record))
    noticed = {_key_title(title) for notice in record.notices for title in notice.plan_titles}
    for plan in record.plans:
        where = f"{record.file}:{plan.source_line}"
        slug = plan_slug(ctx.plans, plan.title, where)
        node = plan_iri(slug)
        stated = ctx.stated_source.get(slug, record.file) == record.file
        out.add((node, RDF.type, PK.Plan))
        out.add((node, PROV.wasDerivedFrom, source))
        if plan.truncated:
            out.add((node, PK.sourceTruncated, Literal(True)))
        whole = ctx.plans.find(plan.annex_of) if plan.annex_of else None
        if whole is not None:  # an unknown one is reported by the resolution stage
            out.add((node, DCTERMS.isPartOf, plan_iri(whole.slug)))
        for title in plan.implements:
            try:
                out.add((node, PK.implements, plan_iri(ctx.plans.slug_for(title))))
            except UnknownPlanError:
                warnings.append(f"{where}: {slug} implements 《{title}》, which is not in the corpus")
        if stated and _key_title(plan.title) not in noticed:
            out.update(plan_metadata_triples(node, plan.issued, plan.identifier, plan.issuer, ctx, slug))
        own = {task.section for task in plan.tasks if ctx.states_task(slug, task.number, record.file)}
        keys = {s.key: s for s in plan.sections}
        for key in list(own):  # the sections above them too
            while key and key in keys and keys[key].parent:
                key = keys[key].parent
                own.add(key)
        for section in plan.sections:
            if stated or (section.key in own and section.key not in ctx.stated_sections.get(slug, ())):
                section_node = section_iri(slug, section.key)
                out.add((section_node, RDF.type, PK.Section))
                out.add((section_node, DCTERMS.title, zh(section.title)))
                out.add((section_node, PK.inPlan, node))
                out.add((section_node, PK.sectionNumber, Literal(section.key)))
                if section.parent:
                    out.add((section_node, PK.parentSection, section_iri(slug, section.parent)))
        for task in plan.tasks:
            if ctx.states_task(slug, task.number, record.file):
                out.update(task_triples(slug, task, source, record.file, ctx))
            else:
                out.update(version_triples(slug, task, source, record.file, ctx))
    for declared in record.declared_counts:
        slug = plan_slug(ctx.plans, declared.plan_title, f"{record.file}:{declared.line}")
        out.add((plan_iri(slug), PK.declaredTaskCount, Literal(declared.count)))
    for notice in record.notices:
        for title in notice.plan_titles:
            if ctx.plans.find(title) is None:
                continue  # reported by the resolution stage
            slug = ctx.plans.slug_for(title)
            node = plan_iri(slug)
            out.add((node, DCTERMS.identifier, Literal(notice.identifier)))
            if notice.issued:
                out.add((node, DCTERMS.issued, Literal(notice.issued, datatype=XSD.date)))
            for name in notice.publishers:
                out.update((node, DCTERMS.publisher, iri)
                           for iri in resolve(AgencyMention(name, "responsible"), ctx, slug))
    return out, warnings


def plan_metadata_triples(node: URIRef, issued: object, identifier: str | None, issuer: str | None,
                          ctx: Context, slug: str) -> set[Triple]:
    """A plan's date of issue, 文号 and issuing body (an agency of the plan's jurisdiction,
    provisional when no registry knows it), where printed."""
    out: set[Triple] = set()
    if issued is not None:
        out.add((node, DCTERMS.issued, Literal(issued, datatype=XSD.date)))
    if identifier:
        out.add((node, DCTERMS.identifier, Literal(identifier)))
    if issuer:
        out.update((node, DCTERMS.publisher, iri)
                   for iri in resolve(AgencyMention(issuer, "responsible"), ctx, slug))
    return out


def _key_title(title: str) -> str:
    from plankg.graph.registry import _key

    return _key(title)


def source_graph(record: SourceRecord) -> URIRef:
    """The named graph that holds what one source file says."""
    return graph_iri(f"source/{record.file.removesuffix('.txt')}")
