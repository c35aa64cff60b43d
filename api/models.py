"""The public shapes of the REST answers (one model per resource, in the OpenAPI document).

Field names and types are those the service has always answered (a test compares every route
with a recorded snapshot): values read from the graph are strings as the graph states them,
counts are integers. Models that list a resource's statements (``PlanDetail``, ``TaskDetail``)
carry one list per predicate, named by the predicate's local name.
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
    "ExampleQuery",
    "IndicatorDetail",
    "JsonLdDocument",
    "LineageLink",
    "NameStatement",
    "PlanDetail",
    "PlanSummary",
    "PlanTaskRow",
    "PlanTasks",
    "SearchHit",
    "TargetRow",
    "TaskDetail",
    "TaskLineage",
    "TaskTitle",
    "TrajectoryPoint",
]


class ExampleQuery(BaseModel):
    """An example SPARQL query: its name, what it asks, its text."""

    name: str
    asks: str
    query: str


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
    predecessors: list[str]
    successors: list[str]
    groups: list[str]
    counts: dict[str, dict[str, int]]
    tasks: list[AgencyTask]


class PlanSummary(BaseModel):
    """A plan with its task count and the count the corpus declares ("" where it declares none)."""

    plan: str
    title: str
    tasks: str
    declared: str


class PlanDetail(BaseModel):
    """A plan's statements (one list per predicate, by local name) and its task count."""

    model_config = ConfigDict(extra="allow")

    iri: str
    tasks: int


class PlanTaskRow(BaseModel):
    """One task of a plan's task list."""

    task: str
    number: str
    title: str


class PlanTasks(BaseModel):
    """A page of a plan's tasks."""

    plan: str
    total: int
    tasks: list[PlanTaskRow]


class TaskDetail(BaseModel):
    """A task's statements, one list per predicate, by local name."""

    model_config = ConfigDict(extra="allow")

    iri: str


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


class DistrictDetail(BaseModel):
    """A district or zone, its names, and the tasks that name it."""

    iri: str
    names: list[NameStatement]
    tasks: list[TaskTitle]


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
