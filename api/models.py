"""The public shapes of the REST answers (one model per resource, in the OpenAPI document).

One documented shape per resource (a test compares every route with a recorded snapshot):
numbers are numbers (task numbers, counts, years, source lines), every linked resource comes
with its IRI and its name (``Ref``), and no answer is a raw list of predicates.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AgencyDetail",
    "AgencyHit",
    "AgencyTask",
    "DatasetDocument",
    "DistrictDetail",
    "DistrictTask",
    "ExampleQuery",
    "IndicatorDetail",
    "IndicatorSummary",
    "JsonLdDocument",
    "LineageLink",
    "NameStatement",
    "PlaceSummary",
    "PlanDetail",
    "PlanSummary",
    "PlanTaskRow",
    "PlanTasks",
    "Ref",
    "SearchHit",
    "TargetRow",
    "TaskDetail",
    "TaskLineage",
    "TaskLink",
    "TaskTarget",
    "TaskTitle",
    "TaskUnit",
    "TrajectoryPoint",
]


class ExampleQuery(BaseModel):
    """An example SPARQL query: its name, what it asks, its text."""

    name: str
    asks: str
    query: str


class Ref(BaseModel):
    """A linked resource: its id (the IRI's last segment), its IRI and its Chinese name."""

    id: str
    iri: str
    name: str | None = None


class AgencyHit(BaseModel):
    """An agency found by name; ``exact`` when the name is one of its names."""

    id: str
    iri: str
    name: str
    exact: bool


class AgencyTask(BaseModel):
    """A task an agency is responsible for, in one role (``via`` a group or a predecessor)."""

    task: str
    plan: str
    number: int
    title: str
    role: str
    via: str | None = None
    namedAs: str | None = None
    deadline: str | None = None


class AgencyDetail(BaseModel):
    """An agency: its names, lineage, groups and full responsibility list, counted per plan and role."""

    id: str
    iri: str
    name: str | None = None
    altNames: list[str]
    englishName: str | None = None
    type: str | None = None
    predecessors: list[str] = Field(description="ids of the agencies it replaced")
    successors: list[str] = Field(description="ids of the agencies that replaced it")
    groups: list[str] = Field(description="ids of the agency groups that include it")
    predecessorsNamed: list[Ref]
    successorsNamed: list[Ref]
    groupsNamed: list[Ref]
    counts: dict[str, dict[str, int]] = Field(description="tasks per plan id and role, over the whole filtered list")
    total: int = Field(description="tasks in the filtered list (also in X-Total-Count); ``tasks`` is one page of it")
    tasks: list[AgencyTask]


class PlanSummary(BaseModel):
    """A plan with its task count and the count the corpus declares (null where it declares none)."""

    id: str
    plan: str = Field(description="the plan's IRI")
    title: str
    tasks: int
    declared: int | None = None


class PlanDetail(BaseModel):
    """A plan: title (zh, en), kind, period, issue date, 文号, publisher, jurisdiction, the plans it
    implements or is part of, its sources and its task count."""

    id: str
    iri: str
    title: str | None = None
    englishTitle: str | None = None
    kind: str | None = Field(None, description='the plan\'s kind as the corpus states it ("annual plan", ...)')
    periodStart: int | None = None
    periodEnd: int | None = None
    issued: str | None = Field(None, description="issue date, xsd:date (YYYY-MM-DD)")
    identifier: str | None = Field(None, description="the document number (文号)")
    publisher: list[Ref]
    jurisdiction: list[Ref]
    implements: list[Ref]
    partOf: list[Ref]
    sources: list[str] = Field(description="IRIs of the source documents it is read from")
    declaredTaskCount: int | None = None
    sourceTruncated: bool = False
    tasks: int


class PlanTaskRow(BaseModel):
    """One task of a plan's task list."""

    task: str
    number: int
    title: str


class PlanTasks(BaseModel):
    """A page of a plan's tasks."""

    plan: str
    total: int
    tasks: list[PlanTaskRow]


class TaskUnit(BaseModel):
    """A unit a task names, in the order the source prints them."""

    position: int
    role: str | None = Field(None, description="lead, participating or responsible")
    namedAs: str | None = Field(None, description="the name as printed")
    agency: Ref | None = None


class TaskTarget(BaseModel):
    """A quantified target of a task."""

    iri: str
    indicator: Ref | None = None
    comparator: str | None = None
    value: float | None = None
    unit: str | None = None
    year: int | None = None
    sourceText: str | None = None


class TaskLink(BaseModel):
    """A task linked to this one by a named relation (the relation's local name)."""

    relation: str
    task: Ref


class TaskDetail(BaseModel):
    """A task: plan, number, title, text, deadline, units in printed order, agencies by role,
    places, targets, links to other tasks and its provenance (source document and line)."""

    id: str = Field(description="plan id / task number")
    iri: str
    plan: Ref
    number: int
    title: str
    text: str | None = None
    section: Ref | None = None
    deadline: str | None = Field(None, description="the deadline date, xsd:date")
    deadlineText: str | None = Field(None, description="the deadline as printed")
    deadlinePrecision: str | None = None
    nationalReform: bool | None = None
    agencyListOpen: bool = False
    responsibleOfficials: list[str]
    units: list[TaskUnit]
    leadAgencies: list[Ref]
    participatingAgencies: list[Ref]
    responsibleAgencies: list[Ref]
    places: list[Ref]
    targets: list[TaskTarget]
    milestones: list[str] = Field(description="IRIs of its milestones")
    links: list[TaskLink]
    source: list[str] = Field(description="IRIs of the source documents it is read from")
    sourceLine: int | None = None


class LineageLink(BaseModel):
    """A task linked to the asked one by a named measure relation.

    ``direction`` is ``to`` when the asked task is the subject of ``relation`` (it is the part,
    or it carries the other out), ``from`` when it is the object.
    """

    task: str
    plan: str
    planId: str
    number: int
    title: str
    relation: str
    direction: str
    score: float
    clauseHere: str
    clauseThere: str
    start: int
    end: int


class TaskLineage(BaseModel):
    """A task's measure lineage across plans and years, in time order."""

    task: str
    links: list[LineageLink]


class NameStatement(BaseModel):
    """A name (or code) of a resource: the predicate and the value."""

    p: str
    v: str


class TaskTitle(BaseModel):
    """A task and its title."""

    task: str
    title: str


class PlaceSummary(BaseModel):
    """A district, zone or jurisdiction in the /districts list."""

    id: str
    iri: str
    kind: str = Field(description='"district" (pk:District) or "jurisdiction" (pk:Jurisdiction)')
    name: str
    englishName: str | None = None
    code: str | None = Field(None, description="GB/T 2260 division code, when it has one")
    tasks: int = Field(description="tasks that name it")


class IndicatorSummary(BaseModel):
    """An indicator in the /indicators list."""

    id: str
    iri: str
    name: str
    englishName: str | None = None
    targets: int = Field(description="targets set on it")


class DistrictTask(BaseModel):
    """A task that names a place."""

    task: str
    plan: str = Field(description="the plan's id")
    number: int
    title: str


class DistrictDetail(BaseModel):
    """A district or zone: its names, GB/T 2260 code, and the tasks that name it."""

    id: str
    iri: str
    name: str | None = None
    altNames: list[str]
    englishName: str | None = None
    code: str | None = Field(None, description="GB/T 2260 division code, when it has one")
    tasks: list[DistrictTask]


class TrajectoryPoint(BaseModel):
    """One target on an indicator's trajectory."""

    model_config = ConfigDict(extra="allow")

    task: str
    plan: str
    value: str
    comparator: str


class IndicatorDetail(BaseModel):
    """An indicator, its labels and its target trajectory."""

    iri: str
    labels: list[str]
    trajectory: list[TrajectoryPoint]


class TargetRow(BaseModel):
    """A target with its task, plan and indicator ("" for what the graph does not state)."""

    task: str
    plan: str
    indicator: str
    label: str
    comparator: str
    value: str
    unit: str
    year: str
    sourceText: str


class SearchHit(BaseModel):
    """A task found by the full-text search, with its score."""

    task: str
    title: str
    score: int


class NamedHit(BaseModel):
    """An agency, plan, district or indicator whose name holds the searched text."""

    id: str
    iri: str
    name: str
    englishName: str | None
    count: int = Field(description="tasks that name it (an agency: its full responsibility list; an indicator: "
                                   "targets set on it)")


class NameHits(BaseModel):
    """What the name search found, by kind."""

    agencies: list[NamedHit]
    plans: list[NamedHit]
    districts: list[NamedHit]
    indicators: list[NamedHit]


class DatasetDocument(BaseModel):
    """The VoID and DCAT description as compact JSON-LD: the dataset node at the top (its
    distributions, endpoint, publisher and subsets embedded); every value an IRI where the
    RDF states an IRI."""

    model_config = ConfigDict(populate_by_name=True, extra="allow")

    context: dict[str, Any] = Field(alias="@context")
    id: str = Field(alias="@id")
    type: list[str] = Field(alias="@type")
    triples: int = Field(alias="void:triples")
    license: str


class JsonLdDocument(BaseModel):
    """An RDF document as compact JSON-LD: the context (inline; also at ``/context.jsonld``) and
    one node per subject."""

    model_config = ConfigDict(populate_by_name=True)

    context: dict[str, Any] = Field(alias="@context")
    graph: list[dict[str, Any]] = Field(alias="@graph")
