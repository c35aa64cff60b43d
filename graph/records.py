"""Domain records: what the loaders produce and the graph turns into triples.

Plain, immutable dataclasses with no RDF in them, so that loaders can build them without
touching the store. Names and texts are kept exactly as printed (after noise removal); the
graph resolves them (plan titles to slugs, agency names to registry entries).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from plankg.graph.errors import InputError

__all__ = [
    "ROLES",
    "AgencyMention",
    "DeclaredCount",
    "LoaderError",
    "MilestoneRecord",
    "NoticeRecord",
    "PlanRecord",
    "SectionRecord",
    "SourceErrors",
    "SourceRecord",
    "TargetRecord",
    "TaskRecord",
    "TaskRow",
]

#: The roles an agency can have in a task, as the contract names them.
ROLES = ("lead", "participating", "responsible")


class LoaderError(InputError):
    """A source file cannot be read as a plan; the message names the file and line.

    Args:
        message: what is wrong.
        file: the source file's name.
        line: the 1-based line where the problem is, if known.
    """

    def __reduce__(self) -> tuple[Any, ...]:  # picklable: a worker process sends it back
        return (type(self), (self.reason, self.file, self.line))


class SourceErrors(LoaderError):
    """Several source files (or several problems of one) cannot be read; every problem of the
    run is in ``errors``, each naming its file and line.

    Args:
        errors: the problems, in file and line order.
    """

    def __init__(self, errors: list[LoaderError]) -> None:
        self.errors = list(errors)
        first = self.errors[0]
        super().__init__(first.reason, first.file, first.line)
        self.args = ("\n".join(str(e) for e in self.errors),)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.errors,))

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class AgencyMention:
    """An agency named in a task, with its role, as printed.

    Attributes:
        name: the name as printed (noise removed, a trailing 等 dropped).
        role: one of ``ROLES``.
    """

    name: str
    role: str


@dataclass(frozen=True)
class SectionRecord:
    """A heading of a plan that holds tasks.

    Attributes:
        key: the section's path of numbers, e.g. ``"2.1"`` for 二、 then （一）.
        title: the heading text without its number.
        parent: the key of the enclosing section, if any.
        line: the 1-based line of the heading in the source.
    """

    key: str
    title: str
    parent: str | None
    line: int


@dataclass(frozen=True)
class TargetRecord:
    """A quantitative commitment read from a task's text.

    Attributes:
        value: the number in plain units (亿 and 万 expanded).
        unit: the unit left after expansion (美元, %, 家 …; empty when none is printed).
        comparator: ``≥``, ``≤``, ``≈`` or ``=``.
        year: the year the text ties the target to, if any.
        source_text: the clause the target was read from.
        measure: what is measured, as the clause words it (the indicator is found from it).
        cumulative: the text counts a running total (累计).
    """

    value: Decimal
    unit: str
    comparator: str
    year: int | None
    source_text: str
    measure: str
    cumulative: bool = False


@dataclass(frozen=True)
class MilestoneRecord:
    """A year that dates an action in a task's text (2023 年出台…).

    Attributes:
        year: the year.
        text: the clause that names it.
    """

    year: int
    text: str


@dataclass(frozen=True)
class TaskRow:
    """One table row of a task printed over several rows (the pilot list of 004).

    Attributes:
        title: the row's 改革事项 cell (empty in continuation rows).
        text: the row's measures.
        agencies: the row's units with their roles.
        deadline_text: the row's deadline as printed.
        deadline: the deadline as a date, when it is a month end.
        source_line: the 1-based line where the row starts.
        deadline_precision: how precise that date is (``month`` for a month end).
    """

    title: str
    text: str
    agencies: tuple[AgencyMention, ...]
    deadline_text: str | None
    deadline: date | None
    source_line: int
    deadline_precision: str | None = None


@dataclass(frozen=True)
class TaskRecord:
    """A numbered task, measure or item of a plan.

    Attributes:
        number: the number as printed, without ``*``.
        title: the short title (a prose task's first sentence without its final 。).
        text: the full text, noise removed.
        section: the key of the deepest section the task stands in.
        agencies: the units named for the task, in printed order, with their roles.
        agencies_open: True when the printed list ends in 等 (and others).
        source_line: the 1-based line where the task starts.
        deadline_text: the deadline as printed, if the source gives one.
        deadline: the last day the deadline means, when it names a date.
        deadline_precision: how precise that date is: ``day``, ``month``, ``quarter``, ``half``
            or ``year`` (None for a status such as 持续推进, which has no date).
        national_reform: the ``*`` mark of the pilot list, if the source has such marks.
        responsible_official: the named official, if the source names one.
        rows: the table rows of a task printed over several rows, in order.
        domain: the 所属领域 cell of a key-task row.
        targets: the quantitative targets the text commits to.
        milestones: the years that date actions in the text.
    """

    number: int
    title: str
    text: str
    section: str | None
    agencies: tuple[AgencyMention, ...]
    source_line: int
    agencies_open: bool = False
    deadline_text: str | None = None
    deadline: date | None = None
    national_reform: bool | None = None
    responsible_official: str | None = None
    rows: tuple[TaskRow, ...] = ()
    domain: str | None = None
    targets: tuple[TargetRecord, ...] = ()
    milestones: tuple[MilestoneRecord, ...] = ()
    deadline_precision: str | None = None


@dataclass(frozen=True)
class PlanRecord:
    """A plan as found in one source file.

    Attributes:
        title: the plan's title as printed (whitespace removed).
        source_line: the 1-based line of the title.
        sections: the sections that hold tasks, in order.
        tasks: the tasks in printed order.
        truncated: True when the source is known to stop before the plan ends.
        implements: titles of the plans this plan says it carries out (落实《…》).
        annex_of: the title of the plan this plan is the annex (附件) of.
        issuer: the issuing body as printed (发布机构, the signature line), if printed.
        issued: the date of issue (成文日期, the signature date), if printed.
        identifier: the document number (文号) as printed, e.g. 深府办〔2024〕3号.
        jurisdiction: the government the plan belongs to, as its name is printed or implied
            (深圳市南山区, 广东省, 国务院 …), None when nothing names one.
        period: the first and last year the plan covers, when its title or text says.
        title_printed: False when the file prints no title and the title was made up (from
            the file name); the graph then prefers ``plans.csv``.
    """

    title: str
    source_line: int
    sections: tuple[SectionRecord, ...] = ()
    tasks: tuple[TaskRecord, ...] = ()
    truncated: bool = False
    implements: tuple[str, ...] = ()
    annex_of: str | None = None
    issuer: str | None = None
    issued: date | None = None
    identifier: str | None = None
    jurisdiction: str | None = None
    period: tuple[int, int] | None = None
    title_printed: bool = True


@dataclass(frozen=True)
class DeclaredCount:
    """A task count the corpus itself states for a plan (e.g. 共 23 条具体举措).

    Attributes:
        plan_title: the title of the plan the count is stated for.
        count: the stated number of tasks.
        line: the 1-based line of the statement.
    """

    plan_title: str
    count: int
    line: int


@dataclass(frozen=True)
class NoticeRecord:
    """The issuing notice of a document: number, date, issuers and the plans it issues.

    Attributes:
        identifier: the document number (文号), e.g. 深办发〔2023〕12号.
        issued: the date of issue.
        publishers: the issuing bodies' names as printed.
        plan_titles: the titles of the plans the notice issues.
        line: the 1-based line of the document number.
    """

    identifier: str
    issued: date | None
    publishers: tuple[str, ...]
    plan_titles: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class SourceRecord:
    """Everything a loader read from one source file.

    Attributes:
        file: the file's name (e.g. ``000_35404b1995788393.txt``).
        sha256: the hex digest of the file's bytes.
        loader: the name of the loader module that read it.
        plans: the plans found, in order.
        declared_counts: the task counts the file states.
        warnings: problems that did not stop loading, each naming file and line.
        notices: the issuing notices the file carries.
        layout: why this loader was chosen for the file (what was seen in it).
        origin: where the file comes from, as the ``MANIFEST.csv`` beside it says (a web
            address, a document number), if it says.
        description: what the file holds, as ``MANIFEST.csv`` describes it.
        title: the document's title as printed, where ``MANIFEST.csv`` gives it.
        issuers: who issued the document, as printed (``MANIFEST.csv``, ``|`` between names).
        issued: the date the document was issued (YYYY-MM-DD), where known.
        retrieved: the date the file was retrieved from its origin (YYYY-MM-DD), where known.
    """

    file: str
    sha256: str
    loader: str
    plans: tuple[PlanRecord, ...] = ()
    declared_counts: tuple[DeclaredCount, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)
    notices: tuple[NoticeRecord, ...] = ()
    layout: str = ""
    origin: str | None = None
    description: str | None = None
    title: str | None = None
    issuers: tuple[str, ...] = ()
    issued: str | None = None
    retrieved: str | None = None
