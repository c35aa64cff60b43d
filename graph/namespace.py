"""IRIs as code: the ``pk:`` vocabulary and the minting helpers for instance IRIs.

Every instance IRI of the graph is made here, so loaders and queries never concatenate
strings. ``tests/test_ontology.py`` checks that :class:`PK` lists exactly the terms
``ontology/plankg.ttl`` declares.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace

__all__ = [
    "DATA",
    "PK",
    "agency_iri",
    "district_iri",
    "graph_iri",
    "indicator_iri",
    "jurisdiction_iri",
    "milestone_iri",
    "plan_iri",
    "provisional_agency_iri",
    "row_iri",
    "section_iri",
    "source_iri",
    "target_iri",
    "task_iri",
    "unit_iri",
    "version_iri",
]

#: The default base of every instance IRI (CONTRACT.md).
DATA = Namespace("https://w3id.org/plankg/id/")
#: The ontology's own IRI.
ONTOLOGY_IRI = URIRef("https://w3id.org/plankg/def")

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FILE_STEM = re.compile(r"^[A-Za-z0-9_.-]+$")
_JURISDICTION = re.compile(r"^(cn|[0-9]{6})(-[a-z0-9][a-z0-9-]*)?$")


class PK(DefinedNamespace):
    """The plankg ontology, ``https://w3id.org/plankg/def#``."""

    _fail = True
    _NS = Namespace("https://w3id.org/plankg/def#")

    # classes
    Agency: URIRef
    AgencyGroup: URIRef
    District: URIRef
    Indicator: URIRef
    Jurisdiction: URIRef
    Milestone: URIRef
    Plan: URIRef
    Section: URIRef
    SourceDocument: URIRef
    Target: URIRef
    Task: URIRef
    TaskLink: URIRef
    TaskRow: URIRef
    TaskVersion: URIRef
    UnitMention: URIRef
    # properties
    agencyListOpen: URIRef
    agencyType: URIRef
    comparator: URIRef
    cumulative: URIRef
    deadline: URIRef
    deadlineText: URIRef
    deadlinePrecision: URIRef
    declaredTaskCount: URIRef
    divisionCode: URIRef
    divisionCodeEntry: URIRef
    elaborates: URIRef
    fileName: URIRef
    hasTarget: URIRef
    hasTask: URIRef
    implements: URIRef
    inPlan: URIRef
    inSection: URIRef
    includesAgency: URIRef
    indicator: URIRef
    jurisdiction: URIRef
    leadAgency: URIRef
    mentionsPlace: URIRef
    nationalReform: URIRef
    parentSection: URIRef
    parentJurisdiction: URIRef
    provisional: URIRef
    retrieved: URIRef
    sameArea: URIRef
    sourceLayout: URIRef
    participatingAgency: URIRef
    periodEnd: URIRef
    periodStart: URIRef
    realizedBy: URIRef
    relatedTask: URIRef
    replacedBy: URIRef
    responsibleAgency: URIRef
    responsibleOfficial: URIRef
    sectionNumber: URIRef
    sha256: URIRef
    sourceLine: URIRef
    sourceText: URIRef
    sourceTruncated: URIRef
    takenUpBy: URIRef
    targetYear: URIRef
    taskNumber: URIRef
    text: URIRef
    unit: URIRef
    hasRow: URIRef
    rowNumber: URIRef
    rowTitle: URIRef
    rowSourceLine: URIRef
    rowText: URIRef
    rowDeadline: URIRef
    rowDeadlineText: URIRef
    rowLeadAgency: URIRef
    rowParticipatingAgency: URIRef
    versionOf: URIRef
    versionTitle: URIRef
    versionText: URIRef
    versionSourceLine: URIRef
    sameWordingAsStated: URIRef
    hasMilestone: URIRef
    milestoneYear: URIRef
    milestoneText: URIRef
    linkFrom: URIRef
    linkTo: URIRef
    score: URIRef
    method: URIRef
    carriesOut: URIRef
    sameMeasure: URIRef
    partOfTask: URIRef
    relatedMeasure: URIRef
    relation: URIRef
    clauseFrom: URIRef
    clauseTo: URIRef
    versionResponsibleAgency: URIRef
    registryLabel: URIRef
    value: URIRef
    namesUnit: URIRef
    unitPosition: URIRef
    unitRole: URIRef
    unitAgency: URIRef
    namedAs: URIRef


def _slug(value: str, what: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(f"not a valid {what} slug: {value!r}")
    return value


def plan_iri(slug: str, base: Namespace = DATA) -> URIRef:
    """The IRI of a plan.

    >>> plan_iri("sz-market-2023-2025")
    rdflib.term.URIRef('https://w3id.org/plankg/id/plan/sz-market-2023-2025')
    """
    return base[f"plan/{_slug(slug, 'plan')}"]


def task_iri(slug: str, number: int, base: Namespace = DATA) -> URIRef:
    """The IRI of a task: its plan's IRI, ``/task/`` and the number as a plain integer.

    >>> task_iri("sz-pilot-batch1", 7)
    rdflib.term.URIRef('https://w3id.org/plankg/id/plan/sz-pilot-batch1/task/7')
    """
    if number < 1:
        raise ValueError(f"a task number must be positive: {number}")
    return base[f"plan/{_slug(slug, 'plan')}/task/{int(number)}"]


def section_iri(slug: str, key: str, base: Namespace = DATA) -> URIRef:
    """The IRI of a section, its path of numbers joined by ``-``.

    >>> section_iri("sz-legal-2023-2025", "2.3")
    rdflib.term.URIRef('https://w3id.org/plankg/id/plan/sz-legal-2023-2025/section/2-3')
    """
    path = key.replace(".", "-")
    return base[f"plan/{_slug(slug, 'plan')}/section/{_slug(path, 'section')}"]


def target_iri(slug: str, number: int, index: int, base: Namespace = DATA) -> URIRef:
    """The IRI of the ``index``-th target (1-based) of a task."""
    return URIRef(f"{task_iri(slug, number, base)}/target/{int(index)}")


def agency_iri(agency_id: str, base: Namespace = DATA) -> URIRef:
    """The IRI of an agency or agency group, from its registry id.

    >>> agency_iri("sz-amr")
    rdflib.term.URIRef('https://w3id.org/plankg/id/agency/sz-amr')
    """
    return base[f"agency/{_slug(agency_id, 'agency')}"]


def provisional_agency_iri(jurisdiction: str, name: str, base: Namespace = DATA) -> URIRef:
    """The IRI of an agency no registry knows: its jurisdiction's code and the first ten hex
    digits of the SHA-1 of its name (NFC, white space removed), so one name in one
    jurisdiction is one agency on every build.

    >>> provisional_agency_iri("440305", "区司法局")
    rdflib.term.URIRef('https://w3id.org/plankg/id/agency/440305-8257fed828')
    """
    key = unicodedata.normalize("NFC", re.sub(r"\s+", "", name))
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
    return base[f"agency/{_jurisdiction(jurisdiction)}-{digest}"]


def _jurisdiction(code: str) -> str:
    if not _JURISDICTION.match(code):
        raise ValueError(f"not a jurisdiction code: {code!r}")
    return code


def jurisdiction_iri(code: str, base: Namespace = DATA) -> URIRef:
    """The IRI of a jurisdiction: its GB/T 2260 code, ``cn`` for the nation, or a code and an
    id for an area the standard lacks.

    >>> jurisdiction_iri("440305")
    rdflib.term.URIRef('https://w3id.org/plankg/id/jurisdiction/440305')
    """
    return base[f"jurisdiction/{_jurisdiction(code)}"]


def milestone_iri(slug: str, number: int, index: int, base: Namespace = DATA) -> URIRef:
    """The IRI of the ``index``-th dated milestone (1-based) of a task.

    >>> milestone_iri("sz-market-2023-2025", 3, 1)
    rdflib.term.URIRef('https://w3id.org/plankg/id/plan/sz-market-2023-2025/task/3/milestone/1')
    """
    return URIRef(f"{task_iri(slug, number, base)}/milestone/{int(index)}")


def row_iri(slug: str, number: int, index: int, base: Namespace = DATA) -> URIRef:
    """The IRI of the ``index``-th table row (1-based) of a task printed over several rows."""
    return URIRef(f"{task_iri(slug, number, base)}/row/{int(index)}")


def unit_iri(slug: str, number: int, index: int, base: Namespace = DATA) -> URIRef:
    """The IRI of the ``index``-th unit a task names, in printed order (from 1).

    >>> unit_iri("sz-pilot-batch1", 2, 1)
    rdflib.term.URIRef('https://w3id.org/plankg/id/plan/sz-pilot-batch1/task/2/unit/1')
    """
    return URIRef(f"{task_iri(slug, number, base)}/unit/{int(index)}")


def version_iri(slug: str, number: int, file_name: str, base: Namespace = DATA) -> URIRef:
    """The IRI of a task's wording in a source that is not its stated one.

    >>> version_iri("sz-intl-2023-2025", 2, "000_35404b1995788393.txt")
    rdflib.term.URIRef('https://w3id.org/plankg/id/plan/sz-intl-2023-2025/task/2/version/000_35404b1995788393')
    """
    stem = file_name.removesuffix(".txt")
    if not _FILE_STEM.match(stem):
        raise ValueError(f"not a usable source file name: {file_name!r}")
    return URIRef(f"{task_iri(slug, number, base)}/version/{stem}")


def district_iri(district_id: str, base: Namespace = DATA) -> URIRef:
    """The IRI of a district or zone, from its registry id."""
    return base[f"district/{_slug(district_id, 'district')}"]


def indicator_iri(indicator_id: str, base: Namespace = DATA) -> URIRef:
    """The IRI of an indicator."""
    return base[f"indicator/{_slug(indicator_id, 'indicator')}"]


def source_iri(file_name: str, base: Namespace = DATA) -> URIRef:
    """The IRI of a source document: its file name without ``.txt``.

    >>> source_iri("000_35404b1995788393.txt")
    rdflib.term.URIRef('https://w3id.org/plankg/id/source/000_35404b1995788393')
    """
    stem = file_name.removesuffix(".txt")
    if not _FILE_STEM.match(stem):
        raise ValueError(f"not a usable source file name: {file_name!r}")
    return base[f"source/{stem}"]


def graph_iri(name: str, base: Namespace = DATA) -> URIRef:
    """The IRI of a named graph of the build (``ontology``, ``registry``, ``inferred``, or
    ``source/{file stem}``)."""
    return base[f"graph/{name}"]
