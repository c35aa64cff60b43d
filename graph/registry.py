"""The registries: agencies, districts and plans, read from the CSV tables in ``plankg.data``.

The tables are data, not code: a new spelling of an agency is a new alias in
``data/registry/agencies.csv``, a rename is a new row with ``successor`` set on the old one.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

__all__ = [
    "AgencyEntry",
    "AgencyRegistry",
    "DistrictEntry",
    "DistrictRegistry",
    "IndicatorEntry",
    "IndicatorRegistry",
    "PlanCatalogue",
    "PlanEntry",
    "UnknownAgencyError",
    "UnknownPlanError",
]


def _read_table(name: str) -> list[dict[str, str]]:
    text = (resources.files("plankg.data") / "registry" / name).read_text(encoding="utf-8")
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(io.StringIO(text))]


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())


def _key(name: str) -> str:
    """How names and titles are matched: white space removed, parentheses full width, the
    dash of a year range as —."""
    key = re.sub(r"\s+", "", name).replace("(", "（").replace(")", "）")
    return re.sub(r"(\d{4})[-–－~]+(\d{4})", r"\1—\2", key)


class UnknownAgencyError(KeyError):
    """A name the agency registry does not know; carries the closest known names."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f"; closest known: {'、'.join(suggestions)}" if suggestions else ""
        super().__init__(f"unknown agency {name!r}{hint}")

    def __str__(self) -> str:
        return str(self.args[0])


class UnknownPlanError(KeyError):
    """A plan title the plan catalogue does not know."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class AgencyEntry:
    """One row of the agency registry."""

    id: str
    name_zh: str
    aliases: tuple[str, ...]
    name_en: str
    type: str
    district: str | None
    successor: str | None
    members: str | None

    @property
    def is_group(self) -> bool:
        """Whether this is a collective (各区, 各有关单位 …) rather than one unit."""
        return self.type == "collective"


@dataclass(frozen=True)
class DistrictEntry:
    """One row of the district and zone registry."""

    id: str
    name_zh: str
    aliases: tuple[str, ...]
    name_en: str
    kind: str
    code: str | None


@dataclass(frozen=True)
class PlanEntry:
    """One row of the plan catalogue (the contract's slugs)."""

    slug: str
    title: str
    name_en: str
    period_start: int
    period_end: int
    kind: str
    titles_seen: tuple[str, ...]
    primary_source: str | None = None


class AgencyRegistry:
    """Every unit named in the corpus, under every spelling.

    Resolution is exact on the canonical name or an alias (white space ignored); a compound
    name such as 各区各有关单位 resolves to several entries.
    """

    def __init__(self, entries: list[AgencyEntry], compounds: dict[str, tuple[str, ...]]) -> None:
        self.entries = {entry.id: entry for entry in entries}
        if len(self.entries) != len(entries):
            raise ValueError("duplicate agency id in the registry")
        self._by_name: dict[str, str] = {}
        for entry in entries:
            for name in (entry.name_zh, *entry.aliases):
                previous = self._by_name.setdefault(_key(name), entry.id)
                if previous != entry.id:
                    raise ValueError(f"the name {name!r} is given to {previous} and {entry.id}")
        self._compounds = {_key(k): v for k, v in compounds.items()}
        for entry in entries:
            if entry.successor and entry.successor not in self.entries:
                raise ValueError(f"{entry.id}: unknown successor {entry.successor}")

    @classmethod
    def load(cls) -> AgencyRegistry:
        """Read the registry from ``plankg.data/registry/agencies.csv`` and ``compound_names.csv``."""
        entries = [
            AgencyEntry(
                id=row["id"], name_zh=row["name_zh"], aliases=_split(row["aliases"]),
                name_en=row["name_en"], type=row["type"], district=row["district"] or None,
                successor=row["successor"] or None, members=row["members"] or None,
            )
            for row in _read_table("agencies.csv")
        ]
        compounds = {row["name"]: _split(row["parts"]) for row in _read_table("compound_names.csv")}
        return cls(entries, compounds)

    def resolve(self, name: str) -> list[AgencyEntry]:
        """The entries a printed name stands for (one, or several for a compound name).

        Raises:
            UnknownAgencyError: the registry does not know the name.
        """
        key = _key(name)
        if key in self._by_name:
            return [self.entries[self._by_name[key]]]
        if key in self._compounds:
            return [entry for part in self._compounds[key] for entry in self.resolve(part)]
        raise UnknownAgencyError(name, self.suggest(name))

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """The known names closest to ``name``."""
        return difflib.get_close_matches(_key(name), list(self._by_name), n=limit, cutoff=0.4)

    def names_of(self, agency_id: str) -> tuple[str, ...]:
        """The canonical name and aliases of an entry."""
        entry = self.entries[agency_id]
        return (entry.name_zh, *entry.aliases)


class DistrictRegistry:
    """Shenzhen's districts and the zones the documents name."""

    def __init__(self, entries: list[DistrictEntry]) -> None:
        self.entries = {entry.id: entry for entry in entries}

    @classmethod
    def load(cls) -> DistrictRegistry:
        """Read ``plankg.data/registry/districts.csv``."""
        return cls([
            DistrictEntry(row["id"], row["name_zh"], _split(row["aliases"]), row["name_en"],
                          row["kind"], row["code"] or None)
            for row in _read_table("districts.csv")
        ])

    def names(self) -> list[tuple[str, str]]:
        """Every (name, district id), longest name first, for scanning texts."""
        pairs = [(name, entry.id) for entry in self.entries.values()
                 for name in (entry.name_zh, *entry.aliases)]
        return sorted(pairs, key=lambda pair: (-len(pair[0]), pair[0]))


@dataclass(frozen=True)
class IndicatorEntry:
    """An indicator: what targets measure, shared across plans."""

    id: str
    label_zh: str
    label_en: str | None
    patterns: tuple[str, ...] = ()


class IndicatorRegistry:
    """Curated indicators (``indicators.csv``) found by the words of a target's measure; a
    measure that matches none gets an indicator of its own, labelled with the measure and
    named by a digest of it, so the same wording in two plans meets at one indicator."""

    def __init__(self, entries: list[IndicatorEntry]) -> None:
        self.entries = {entry.id: entry for entry in entries}

    @classmethod
    def load(cls) -> IndicatorRegistry:
        """Read ``plankg.data/registry/indicators.csv``."""
        return cls([IndicatorEntry(row["id"], row["label_zh"], row["label_en"] or None,
                                   _split(row["patterns"]))
                    for row in _read_table("indicators.csv")])

    def for_measure(self, measure: str) -> IndicatorEntry:
        """The indicator of a measure.

        >>> IndicatorRegistry.load().for_measure("高技术产业实际使用外资规模").id
        'hightech-fdi'
        >>> IndicatorRegistry.load().for_measure("开放数据集总量").id
        'm-d3f5d48727'
        """
        key = _key(measure)
        for entry in self.entries.values():
            if any(_key(pattern) in key for pattern in entry.patterns):
                return entry
        digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
        return IndicatorEntry(f"m-{digest}", key, None)


class PlanCatalogue:
    """The twelve plans of the contract, found by their titles."""

    def __init__(self, entries: list[PlanEntry]) -> None:
        self.entries = {entry.slug: entry for entry in entries}
        self._by_title = {_key(title): entry.slug for entry in entries
                          for title in (entry.title, *entry.titles_seen)}

    @classmethod
    def load(cls, extra: Path | None = None) -> PlanCatalogue:
        """Read ``plankg.data/registry/plans.csv``, and ``extra`` (a table of the same columns
        for plans beyond the contract's, such as a ``plans.csv`` beside other sources)."""
        rows = _read_table("plans.csv")
        if extra is not None:
            text = extra.read_text(encoding="utf-8-sig")
            rows += [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(io.StringIO(text))]
        return cls([
            PlanEntry(row["slug"], row["title"], row["name_en"], int(row["period_start"]),
                      int(row["period_end"]), row["kind"], _split(row["titles_seen"]),
                      row.get("primary_source") or None)
            for row in rows
        ])

    def slug_for(self, title: str) -> str:
        """The slug of the plan with this title.

        Raises:
            UnknownPlanError: no plan of the catalogue has the title.
        """
        try:
            return self._by_title[_key(title)]
        except KeyError:
            raise UnknownPlanError(f"unknown plan title {title!r}") from None

    def order(self) -> list[str]:
        """The slugs in the contract's order."""
        return list(self.entries)
