"""Names resolved once, before any triple: plans (slug, title, jurisdiction, metadata), agencies
(registry entries or provisional agencies of a jurisdiction) and places.

:func:`resolve_sources` walks every record of a build and resolves every name it prints, so
that every problem of every file is known before a triple is made (each with file and line),
and the triples (:mod:`plankg.graph.triples`) only look the answers up.

How a printed agency name resolves in a plan of jurisdiction J (:meth:`Names.agencies`):

1. its scope: a name that starts with a level word belongs to that level above or at J
   (``市司法局`` in a Nanshan plan → Shenzhen 440300; ``区司法局`` → Nanshan 440305), a name
   that starts with a place belongs to that place (``深圳市南山区司法局`` → 440305), any other
   name to J;
2. the registry entries of that name in the scope, then (for a name without a level word) in the
   jurisdictions above it up to the province (``深圳海关`` in a Nanshan plan → Shenzhen's);
3. else a provisional agency of the scope (``agency/{code}-{digest of the name}``), listed
   with the closest known names; with ``strict`` an error instead.

The contract's twelve plans are Shenzhen's (440300), so their names resolve exactly as before.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rdflib import URIRef

from plankg.graph.namespace import agency_iri, provisional_agency_iri
from plankg.graph.records import PlanRecord, SourceRecord
from plankg.graph.registry import (
    AgencyRegistry,
    JurisdictionEntry,
    JurisdictionRegistry,
    PlanCatalogue,
    PlanEntry,
    _key,
    _simplified,
    new_plan_slug,
)

__all__ = ["Names", "Problem", "ProvisionalAgency", "Resolution", "resolve_sources"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Problem:
    """A problem of one file: where, and what (and what to do)."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class ProvisionalAgency:
    """An agency no registry knows, as the build report lists it (first place it is printed)."""

    name: str
    iri: str
    jurisdiction: str
    file: str
    line: int | None
    closest: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        """The report's entry."""
        return {"name": self.name, "iri": self.iri, "jurisdiction": self.jurisdiction,
                "file": self.file, "line": self.line, "closest": list(self.closest)}


class Names:
    """The answers of the resolution stage, shared by every record of a build.

    Not thread-safe (a build is single-threaded); agency answers are cached per
    (jurisdiction, name).
    """

    def __init__(self, plans: PlanCatalogue, agencies: AgencyRegistry,
                 jurisdictions: JurisdictionRegistry, strict: bool = False) -> None:
        self.plans = plans
        self.agencies_registry = agencies
        self.jurisdictions = jurisdictions
        self.strict = strict
        self.plan_jurisdiction: dict[str, str] = {}
        self.provisional: dict[str, ProvisionalAgency] = {}
        self.provisional_names: dict[str, tuple[str, str]] = {}  # iri → (name, jurisdiction)
        self.used_jurisdictions: set[str] = set()
        self._cache: dict[tuple[str, str], tuple[URIRef, ...] | None] = {}

    def agencies(self, name: str, jurisdiction: str) -> tuple[URIRef, ...]:
        """The agency IRIs a printed name stands for in a plan of ``jurisdiction`` (see the
        module's docstring); a provisional agency's IRI when no registry knows the name."""
        key = (jurisdiction, _key(name))
        if key not in self._cache:
            self._cache[key] = self._resolve(name, jurisdiction)
        found = self._cache[key]
        if found is not None:
            return found
        scope, _ = self.jurisdictions.scope(name, jurisdiction)
        iri = provisional_agency_iri(scope, _simplified(name))  # 州委編辦 and 州委编办: one agency
        self.provisional_names.setdefault(str(iri), (re.sub(r"\s+", "", name), scope))
        self.used_jurisdictions.add(scope)
        return (iri,)

    def known(self, name: str, jurisdiction: str) -> bool:
        """Whether a registry knows the name in a plan of that jurisdiction."""
        self.agencies(name, jurisdiction)
        return self._cache[(jurisdiction, _key(name))] is not None

    def _resolve(self, name: str, jurisdiction: str) -> tuple[URIRef, ...] | None:
        scope, relative = self.jurisdictions.scope(name, jurisdiction)
        chain = [scope] if relative else [scope, *self.jurisdictions.ancestors(scope)]
        for code in chain:
            entries = self.agencies_registry.lookup(name, code) or self.agencies_registry.lookup(
                _simplified(name), code)
            if entries:
                return tuple(agency_iri(e.id) for e in entries)
        return None

    def closest(self, name: str, jurisdiction: str) -> tuple[str, ...]:
        """The known names closest to a name among those it could have meant: of its own
        jurisdiction, and for a name without a level word (区, 市 …) or a place name at its
        start the levels above. Never a
        city bureau for a 区 name, nor a Shenzhen name in another city's plan."""
        scope, relative = self.jurisdictions.scope(name, jurisdiction)
        placed = relative or self.jurisdictions.find(name)[0] is not None
        near = (scope,) if placed else (scope, *self.jurisdictions.ancestors(scope))
        return tuple(self.agencies_registry.suggest(_simplified(name), 3, near))

    def jurisdiction(self, code: str) -> JurisdictionEntry:
        """A jurisdiction's entry (and mark it used, with its parents, for the triples)."""
        self.used_jurisdictions.add(code)
        return self.jurisdictions.entries[code]


@dataclass
class Resolution:
    """What the resolution stage gives the triples: records with their titles settled, the
    names, every problem (errors stop the build; warnings do not) and the files skipped."""

    records: list[SourceRecord]
    names: Names
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)


def plan_jurisdiction(plan: PlanRecord, record: SourceRecord, entry: PlanEntry | None,
                      jurisdictions: JurisdictionRegistry) -> tuple[str, str | None]:
    """The code of the government a plan belongs to, and a warning when it was guessed:
    the plan table's ``jurisdiction``, else the place printed or implied for the plan, its
    issuer, its title, its notice's issuers, in that order; else the home jurisdiction."""
    if entry is not None and entry.jurisdiction:
        return entry.jurisdiction, None
    publishers = [p for n in record.notices if _key(plan.title) in map(_key, n.plan_titles)
                  for p in n.publishers]
    notes = []
    for text in (plan.jurisdiction, plan.issuer, plan.title, *publishers):
        if not text:
            continue
        found, note = jurisdictions.find(text)
        if note:
            notes.append(note)
        if found is not None:
            return found.code, (f"{note}; give the plan's jurisdiction in plans.csv if that is wrong"
                                if note else None)
        if _national(text):
            return "cn", None
    return jurisdictions.home, (f"{plan.title}: no jurisdiction printed (title, issuer); taken as the "
                                f"home jurisdiction {jurisdictions.home}; give it in plans.csv "
                                "(column jurisdiction) if that is wrong")


def _national(name: str) -> bool:
    """Whether an issuer's name is a national body (a ministry, a national administration).

    >>> _national("商务部"), _national("国家发展改革委"), _national("市商务局")
    (True, True, False)
    """
    return bool(re.match(r"^(国务院|国家|中共中央|中央|全国)", name)
                or re.fullmatch(r"[^省市区县州]{1,8}(部|总局|总署)(办公厅)?", name))


def resolve_sources(records: Sequence[SourceRecord], names: Names, *,
                    keep_going: bool = False) -> Resolution:
    """Resolve every name of every record: plan titles (an untitled plan takes its title from
    ``plans.csv`` by file name), slugs (minted for plans no table names), jurisdictions,
    publishers and every agency of every task and row.

    Every problem of the run is collected: unknown plan titles where the corpus must know them
    (declared counts), and, with ``names.strict``, every name no registry knows. With
    ``keep_going`` a file with an error is left out (listed in ``skipped``) instead.
    """
    resolution = Resolution([], names)
    for record in records:
        problems: list[Problem] = []
        warnings: list[Problem] = []
        record = _resolve_plans(record, names, problems, warnings)
        _resolve_agencies(record, names, problems, warnings)
        _check_references(record, names, problems, warnings)
        if problems and keep_going:
            resolution.skipped.extend(problems)
            continue
        resolution.errors.extend(problems)
        resolution.warnings.extend(warnings)
        resolution.records.append(record)
    for slug, entry in list(names.plans.entries.items()):
        if entry.publisher and slug in names.plan_jurisdiction:
            _agency(names, entry.publisher, names.plan_jurisdiction[slug], "plans.csv", None,
                    resolution.errors)
    return resolution


def _resolve_plans(record: SourceRecord, names: Names, problems: list[Problem],
                   warnings: list[Problem]) -> SourceRecord:
    """Each plan's title (from ``plans.csv`` when none is printed), jurisdiction and slug (one
    minted for a plan no table names); a plan of an unknown jurisdiction is left out."""
    catalogue = names.plans
    plans = []
    for plan in record.plans:
        plan = _settle_title(plan, record, catalogue, warnings)
        entry = catalogue.find(plan.title)
        code, note = plan_jurisdiction(plan, record, entry, names.jurisdictions)
        if code not in names.jurisdictions.entries:
            problems.append(Problem(record.file, plan.source_line,
                                    f"unknown jurisdiction {code!r} (plans.csv); give a GB/T 2260 code "
                                    "or add the area to jurisdictions.csv"))
            continue
        if note:
            warnings.append(Problem(record.file, plan.source_line, note))
        if entry is None or entry.slug.startswith("pending-"):
            period = plan.period or _period(entry) or _title_period(plan.title)
            slug = new_plan_slug(code, period, plan.title)
            base = entry or PlanEntry(slug, plan.title, "", None, None, "plan", ())
            start, end = (period if period else (base.period_start, base.period_end))
            catalogue.add(dataclasses.replace(base, slug=slug, period_start=start, period_end=end,
                                              jurisdiction=code),
                          replaces=entry.slug if entry else None)
            entry = catalogue.find(plan.title)
            assert entry is not None
        names.plan_jurisdiction.setdefault(entry.slug, code)
        names.jurisdiction(code)
        plans.append(plan)
    return dataclasses.replace(record, plans=tuple(plans))


def _resolve_agencies(record: SourceRecord, names: Names, problems: list[Problem],
                      warnings: list[Problem]) -> None:
    """Every unit named by a task or a row, and each plan's issuer, in its plan's jurisdiction."""
    for plan in record.plans:
        code = names.plan_jurisdiction[names.plans.slug_for(plan.title)]
        if plan.annex_of and names.plans.find(plan.annex_of) is None:
            warnings.append(Problem(record.file, plan.source_line,
                                    f"{plan.title} is the annex of 《{plan.annex_of}》, which is not in "
                                    "the corpus; the link is left out"))
        for task in plan.tasks:
            mentions = [(m, task.source_line) for m in task.agencies]
            mentions += [(m, row.source_line) for row in task.rows for m in row.agencies]
            for mention, line in mentions:
                _agency(names, mention.name, code, record.file, line, problems)
        if plan.issuer:
            _agency(names, plan.issuer, code, record.file, plan.source_line, problems)


def _check_references(record: SourceRecord, names: Names, problems: list[Problem],
                      warnings: list[Problem]) -> None:
    """Plans the file refers to: a stated task count needs its plan; a notice's issuers are
    resolved in the jurisdiction of the plan it issues."""
    catalogue = names.plans
    for declared in record.declared_counts:
        if catalogue.find(declared.plan_title) is None:
            problems.append(Problem(record.file, declared.line,
                                    f"a task count is stated for 《{declared.plan_title}》, but no plan of "
                                    "that title was read; check the title (or add the plan to plans.csv)"))
    for notice in record.notices:
        for title in notice.plan_titles:
            entry = catalogue.find(title)
            if entry is None:
                warnings.append(Problem(record.file, notice.line,
                                        f"the notice {notice.identifier} issues 《{title}》, which was not "
                                        "read; its number and date are left out"))
                continue
            code = names.plan_jurisdiction.get(entry.slug, names.jurisdictions.home)
            for name in notice.publishers:
                _agency(names, name, code, record.file, notice.line, problems)


def _period(entry: PlanEntry | None) -> tuple[int, int] | None:
    if entry is None or entry.period_start is None or entry.period_end is None:
        return None
    return entry.period_start, entry.period_end


def _title_period(title: str) -> tuple[int, int] | None:
    """The years a title names: one year, or a range.

    >>> _title_period("深圳市优化市场化营商环境工作方案（2023—2025年）"), _title_period("若干措施")
    ((2023, 2025), None)
    """
    years = sorted({int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", title)})
    return (years[0], years[-1]) if years and len(years) <= 2 else None


def _settle_title(plan: PlanRecord, record: SourceRecord, catalogue: PlanCatalogue,
                  warnings: list[Problem]) -> PlanRecord:
    """An untitled plan (``title_printed`` False) takes its title from the ``plans.csv`` row
    naming its file; else it keeps the title made from the file name, with a warning."""
    if plan.title_printed:
        return plan
    row = catalogue.for_file(record.file)
    if row is not None:
        return dataclasses.replace(plan, title=row.title, title_printed=True)
    warnings.append(Problem(record.file, plan.source_line,
                            f"the file prints no title; the plan is called {plan.title!r} after the file "
                            "name; give its title in plans.csv (columns file, title)"))
    return plan


def _agency(names: Names, name: str, jurisdiction: str, file: str, line: int | None,
            problems: list[Problem]) -> None:
    """Resolve one printed name; record a provisional agency (or, when strict, an error)."""
    if names.known(name, jurisdiction):
        return
    iri = str(names.agencies(name, jurisdiction)[0])
    scope = names.provisional_names[iri][1]
    if names.strict:
        closest = names.closest(name, jurisdiction)
        hint = f"; closest known: {'、'.join(closest)}" if closest else ""
        problems.append(Problem(file, line, f"unknown agency {name!r} (jurisdiction {scope}){hint}; "
                                            "add it to agencies.csv beside the sources"))
        return
    if iri not in names.provisional:
        names.provisional[iri] = ProvisionalAgency(re.sub(r"\s+", "", name), iri, scope, file, line,
                                                   names.closest(name, jurisdiction))
