"""Records to triples: every asserted fact of the graph, in named graphs.

Named graphs (``graph_iri``): ``source/{file stem}`` holds what one source file says (its
plans, sections, tasks, declared counts); ``registry`` holds the agency and district registries
and the plan catalogue; ``ontology`` holds the ontology. Inferred triples are added by
:mod:`plankg.graph.inference` into ``inferred``.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from plankg.graph.namespace import (
    PK,
    agency_iri,
    district_iri,
    graph_iri,
    plan_iri,
    section_iri,
    source_iri,
    task_iri,
)
from plankg.graph.records import SourceRecord, TaskRecord
from plankg.graph.registry import (
    AgencyRegistry,
    DistrictRegistry,
    PlanCatalogue,
    UnknownAgencyError,
    UnknownPlanError,
)

__all__ = [
    "BuildError",
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


def registry_triples(agencies: AgencyRegistry, districts: DistrictRegistry) -> set[Triple]:
    """The triples of the agency and district registries."""
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
        if entry.members == "all-districts":
            out.update((node, PK.includesAgency, agency_iri(member.id))
                       for member in agencies.entries.values()
                       if member.type == "district government")
        elif entry.members:
            out.update((node, PK.includesAgency, agency_iri(member))
                       for member in entry.members.split("|"))
    for district in districts.entries.values():
        node = district_iri(district.id)
        out.add((node, RDF.type, PK.District))
        out.add((node, SKOS.prefLabel, zh(district.name_zh)))
        out.update((node, SKOS.altLabel, zh(alias)) for alias in district.aliases)
        out.add((node, RDFS.label, en(district.name_en)))
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
        out.add((node, PK.periodStart, year(plan.period_start)))
        out.add((node, PK.periodEnd, year(plan.period_end)))
    return out


def mentioned_places(text: str, districts: DistrictRegistry) -> list[str]:
    """The ids of the districts and zones a text names, longest name first, no overlaps."""
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


def task_triples(slug: str, task: TaskRecord, source: URIRef, file: str,
                 agencies: AgencyRegistry, districts: DistrictRegistry) -> set[Triple]:
    """The triples of one task.

    Raises:
        BuildError: an agency name is not in the registry (names file, line and suggestions).
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
    for mention in task.agencies:
        try:
            entries = agencies.resolve(mention.name)
        except UnknownAgencyError as exc:
            raise BuildError(f"{file}:{task.source_line}: task {task.number}: {exc}") from None
        out.update((node, ROLE_PROPERTY[mention.role], agency_iri(e.id)) for e in entries)
    if task.agencies_open:
        out.add((node, PK.agencyListOpen, Literal(True)))
    if task.deadline_text:
        out.add((node, PK.deadlineText, Literal(task.deadline_text)))
    if task.national_reform is not None:
        out.add((node, PK.nationalReform, Literal(task.national_reform)))
    if task.responsible_official:
        out.add((node, PK.responsibleOfficial, Literal(task.responsible_official)))
    out.update((node, PK.mentionsPlace, district_iri(d))
               for d in mentioned_places(task.text, districts))
    return out


def source_triples(record: SourceRecord, plans: PlanCatalogue, agencies: AgencyRegistry,
                   districts: DistrictRegistry) -> set[Triple]:
    """The triples of what one source file says.

    Raises:
        BuildError: a plan title or an agency is unknown (names file and line).
    """
    source = source_iri(record.file)
    out: set[Triple] = {
        (source, RDF.type, PK.SourceDocument),
        (source, PK.fileName, Literal(record.file)),
        (source, PK.sha256, Literal(record.sha256)),
    }
    for plan in record.plans:
        try:
            slug = plans.slug_for(plan.title)
        except UnknownPlanError as exc:
            raise BuildError(f"{record.file}:{plan.source_line}: {exc}") from None
        node = plan_iri(slug)
        out.add((node, RDF.type, PK.Plan))
        out.add((node, PROV.wasDerivedFrom, source))
        if plan.truncated:
            out.add((node, PK.sourceTruncated, Literal(True)))
        for section in plan.sections:
            section_node = section_iri(slug, section.key)
            out.add((section_node, RDF.type, PK.Section))
            out.add((section_node, DCTERMS.title, zh(section.title)))
            out.add((section_node, PK.inPlan, node))
            out.add((section_node, PK.sectionNumber, Literal(section.key)))
            if section.parent:
                out.add((section_node, PK.parentSection, section_iri(slug, section.parent)))
        for task in plan.tasks:
            out.update(task_triples(slug, task, source, record.file, agencies, districts))
    for declared in record.declared_counts:
        try:
            slug = plans.slug_for(declared.plan_title)
        except UnknownPlanError as exc:
            raise BuildError(f"{record.file}:{declared.line}: {exc}") from None
        out.add((plan_iri(slug), PK.declaredTaskCount, Literal(declared.count)))
    return out


def source_graph(record: SourceRecord) -> URIRef:
    """The named graph that holds what one source file says."""
    return graph_iri(f"source/{record.file.removesuffix('.txt')}")

