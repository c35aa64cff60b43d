"""A synthetic corpus for measuring plankg at scale: ``plankg-bench synth --scale N --out DIR``.

Each of the N copies rewrites every file of the vendored corpus in its own layout (prose plans,
the news digest, markdown tables, tab tables), so the real loaders read it:

- every plan title gets the copy's mark after its leading 深圳市/深圳/促进 (``深圳市S007X优化…``),
  wherever the title is printed (titles, declared counts, 落实《…》), and ``DIR/plans.csv``
  lists the new plans (slug ``{slug}-s007``) for the build's plan catalogue;
- every municipal department named is replaced by one drawn from the registry with a Zipf
  (1/rank) distribution, so a few agencies carry most tasks, as in real plans;
- the Han characters that carry no structure are permuted, per copy (:func:`scramble_map`),
  so copies keep the real texts' layout and statistics but are not near-duplicates of each
  other (which would make every item link to its copies);
- every quantity with a unit (40亿美元, 500家) is scaled by a random factor in [0.5, 2].

Numbering, sections, unit lists and deadlines keep the real layout. Seeded: the same scale and
seed give byte-identical files.
"""

from __future__ import annotations

import csv
import functools
import io
import random
import re
from decimal import Decimal
from importlib import resources
from pathlib import Path

from plankg.graph.registry import (
    AgencyRegistry,
    DistrictRegistry,
    JurisdictionRegistry,
    PlanCatalogue,
)
from plankg.loaders import default_corpus

__all__ = ["synthesize"]

_HAN = re.compile(r"[\u4e00-\u9fff]")
_QUANTITY = re.compile(r"(?<![\d.\t])(\d+(?:\.\d+)?)(?= ?(?:亿|万)? ?(?:美元|元|家|个|件|场|平方米|平方公里|公里|%|人次|所))")
_PREFIXES = ("深圳市", "深圳", "促进")


def _title_pattern(title: str) -> re.Pattern[str]:
    """The title as printed anywhere: optional white space between characters, either kind of
    parenthesis."""
    parts = []
    for ch in title:
        if ch in "（(":
            parts.append("[（(]")
        elif ch in "）)":
            parts.append("[）)]")
        elif ch in "—–-":
            parts.append("[—–-]")
        else:
            parts.append(re.escape(ch))
    return re.compile(r"\s*".join(parts))


def _marked(title: str, mark: str) -> str:
    prefix = next(p for p in _PREFIXES if title.startswith(p))
    return prefix + mark + title[len(prefix):]


#: words that carry structure the loaders read (besides every registry name and plan title):
#: table headers, field labels, statuses, dates, units, comparators, heading numerals
STRUCTURAL = (
    "序号", "所属领域", "重点任务", "具体举措", "改革事项", "牵头单位", "责任单位", "参加单位", "配合单位",
    "责任人", "完成时限", "已落地，持续巩固提升", "按职责分工负责", "落实", "附件", "重要内容如下", "简称",
    "保障措施", "共", "条", "年", "月", "日", "底", "以上", "以内", "不少于", "不低于", "不高于", "不超过",
    "超过", "约", "左右", "达到", "累计", "亿", "万", "美元", "元", "家", "个", "件", "场", "平方米",
    "平方公里", "公里", "人次", "所", "等", "各", *"一二三四五六七八九十",
)


#: characters never written by the permutation either: a count (5方面) must not become a
#: declared task count (5项), a date or a unit
FIXED = {*"条项年月日底共等各约万亿元家个件场所", *"一二三四五六七八九十"}


def scramble_map(protected: set[str], alphabet: list[str], rng: random.Random) -> dict[str, str]:
    """A copy's permutation of the Han characters but those of ``protected`` (and of the
    words :func:`scramble` keeps).

    Every item of a copy is the real item with its characters swapped, so a copy has the real
    corpus's lengths, layout and word statistics, while its bigrams differ from the other
    copies' (which would otherwise all be near-duplicates, and link to each other).
    """
    free = [ch for ch in alphabet if ch not in protected]
    shuffled = free[:]
    rng.shuffle(shuffled)
    return dict(zip(free, shuffled, strict=True))


_NUMBER_CELL = re.compile(r"^\t\s*\d+\s*[*＊]?\s*$")


def scramble(text: str, keep: re.Pattern[str], table: dict[int, str]) -> str:
    """``text`` with the characters of its items' titles and texts translated by ``table``;
    unit lists, deadlines, headers, the words ``keep`` matches (names, titles, labels) and
    the structure around them stay as printed.

    What is an item's text depends on the layout: in prose, what stands outside parentheses
    and 《》 (a unit list is a parenthesis, which may run over several lines; 《》 hold titles
    and their abbreviations); in a markdown row, the
    task and measures cells; in a tab table, the two cells after an item's number.

    >>> keep = re.compile("市商务局")
    >>> scramble("1.由市商务局负责。（牵头单位：市商务局）", keep, str.maketrans("由负责牵", "甲乙丙丁"))
    '1.甲市商务局乙丙。（牵头单位：市商务局）'
    """
    def words(segment: str) -> str:
        out, position = [], 0
        for match in keep.finditer(segment):
            out.append(segment[position: match.start()].translate(table))
            out.append(match.group(0))
            position = match.end()
        out.append(segment[position:].translate(table))
        return "".join(out)

    lines = text.split("\n")
    depth = 0
    cell = -1
    numbered = False
    for i, line in enumerate(lines):
        if line.startswith("|"):
            cells = line.split("|")
            if len(cells) > 5 and cells[1].strip().isdigit():
                cells[3], cells[4] = words(cells[3]), words(cells[4])
                lines[i] = "|".join(cells)
        elif line.startswith("\t"):
            cell += 1
            if cell == 0:
                numbered = bool(_NUMBER_CELL.match(line))
            elif numbered and cell in (1, 2):
                lines[i] = words(line)
        elif not line.strip():
            cell = -1
        else:
            kept = [False] * len(line)
            for match in keep.finditer(line):
                kept[match.start(): match.end()] = [True] * (match.end() - match.start())
            out = []
            for ch, is_kept in zip(line, kept, strict=True):
                if ch in "（(《" and not is_kept:
                    depth += 1
                elif ch in "）)》" and depth and not is_kept:
                    depth -= 1
                elif depth == 0 and not is_kept:
                    ch = ch.translate(table)
                out.append(ch)
            lines[i] = "".join(out)
    return "\n".join(lines)


def _scale_quantity(match: re.Match[str], rng: random.Random) -> str:
    value = Decimal(match.group(1)) * Decimal(str(round(rng.uniform(0.5, 2.0), 2)))
    places = len(match.group(1).partition(".")[2])
    return f"{value:.{places}f}"


def copy_jurisdictions(scale: int) -> list[str]:
    """The government of each copy: Shenzhen for the first, then other prefecture-level
    cities in code order — the corpus grows as the project expects it to, by the plans of more
    governments, not by a hundred Shenzhens (whose near-identical plans would all link to one
    another)."""
    others = sorted(code for code, entry in JurisdictionRegistry.load().entries.items()
                    if entry.level == "prefecture" and code != "440300")
    if scale - 1 > len(others):
        raise ValueError(f"at most {len(others) + 1} copies: one per prefecture-level city")
    return ["440300", *others[: scale - 1]]


def copy_agencies(registry: AgencyRegistry, k: int, jurisdiction: str) -> list[dict[str, str]]:
    """The agency registry of copy ``k``: every packaged entry as that copy's government's own
    (ids suffixed, groups listing the copy's members), for ``agencies.csv`` beside the copies."""
    suffix = f"-s{k:03d}"
    districts = DistrictRegistry.load()
    rows = []
    for entry in registry.entries.values():
        members = entry.members or ""
        if members in ("all-districts", "all-districts-and-new"):
            kinds = {"district"} if members == "all-districts" else {"district", "new district"}
            members = "|".join(m.id for m in registry.entries.values()
                               if m.type == "district government" and m.district
                               and districts.entries[m.district].kind in kinds)
        rows.append({"id": entry.id + suffix, "name_zh": entry.name_zh, "aliases": "|".join(entry.aliases),
                     "name_en": f"{entry.name_en} (synthetic copy {k})", "type": entry.type,
                     "district": entry.district or "",
                     "successor": entry.successor + suffix if entry.successor else "",
                     "members": "|".join(m + suffix for m in members.split("|")) if members else "",
                     "jurisdiction": jurisdiction})
    return rows


def synthesize(scale: int, out: Path, seed: int = 1) -> list[Path]:
    """Write ``scale`` rewritten copies of the vendored corpus into ``out``, each the plans of
    its own government (:func:`copy_jurisdictions`), with their ``plans.csv`` and, for the
    copies beyond the first, ``agencies.csv`` (their governments' registries).

    Returns:
        The source files written, in order.
    """
    out.mkdir(parents=True, exist_ok=True)
    sources = sorted(default_corpus().glob("*.txt"))
    texts = {path.name: path.read_text(encoding="utf-8") for path in sources}
    alphabet = sorted({ch for text in texts.values() for ch in _HAN.findall(text)})
    catalogue = PlanCatalogue.load()
    registry = AgencyRegistry.load()
    departments = sorted(e.name_zh for e in registry.entries.values() if e.type == "municipal department")
    # misprinted run-together names (市市场监管局市港澳办) stay whole: the registry splits them
    compounds = {row["name"] for row in csv.DictReader(io.StringIO(
        (resources.files("plankg.data") / "registry" / "compound_names.csv").read_text(encoding="utf-8")))}
    names = sorted({name for e in registry.entries.values() for name in (e.name_zh, *e.aliases)} | compounds,
                   key=len, reverse=True)
    department_names = {name for e in registry.entries.values() if e.type == "municipal department"
                        for name in (e.name_zh, *e.aliases)}
    any_name = re.compile("|".join(re.escape(n) for n in names))
    district_names = {n for e in DistrictRegistry.load().entries.values() for n in (e.name_zh, *e.aliases)}
    kept_words = {*STRUCTURAL, *names, *district_names}
    titles = [(entry, _title_pattern(title)) for entry in catalogue.entries.values()
              for title in sorted({entry.title, *entry.titles_seen}, key=len, reverse=True)]
    written: list[Path] = []
    rows = []
    agency_rows: list[dict[str, str]] = []
    governments = copy_jurisdictions(scale)
    for k in range(1, scale + 1):
        government = governments[k - 1]
        if k > 1:
            agency_rows += copy_agencies(registry, k, government)
        mark = f"S{k:03d}X"  # a letter after the digits: no year can be read across mark and title
        rng = random.Random(f"{seed}-{k}")
        ranked = departments[:]
        rng.shuffle(ranked)
        weights = [1 / (rank + 1) for rank in range(len(ranked))]
        table = str.maketrans(scramble_map(FIXED, alphabet, rng))
        marked_titles = {_marked(t, mark) for e in catalogue.entries.values() for t in (e.title, *e.titles_seen)}
        keep = re.compile("|".join(re.escape(w) for w in sorted(kept_words | marked_titles, key=len, reverse=True)))

        def agency(match: re.Match[str], rng: random.Random = rng, ranked: list[str] = ranked,
                   weights: list[float] = weights) -> str:
            name = match.group(0)
            return rng.choices(ranked, weights)[0] if name in department_names else name

        for entry in catalogue.entries.values():
            rows.append({"slug": f"{entry.slug}-s{k:03d}", "title": _marked(entry.title, mark),
                         "name_en": f"{entry.name_en} (synthetic {mark})", "period_start": entry.period_start,
                         "period_end": entry.period_end, "kind": entry.kind,
                         "titles_seen": "|".join(_marked(t, mark) for t in entry.titles_seen),
                         "primary_source": entry.primary_source or "",
                         "jurisdiction": government if k > 1 else (entry.jurisdiction or ""),
                         "elaborates": f"{entry.elaborates}-s{k:03d}" if entry.elaborates else "",
                         "annex_of": f"{entry.annex_of}-s{k:03d}" if entry.annex_of else "",
                         "issued": entry.issued or "", "publisher": entry.publisher or ""})
        for name, text in texts.items():
            for entry, pattern in titles:
                text = pattern.sub(_marked(entry.title, mark), text)
            text = scramble(text, keep, table)
            text = any_name.sub(agency, text)
            text = _QUANTITY.sub(functools.partial(_scale_quantity, rng=rng), text)
            target = out / f"{name.removesuffix('.txt')}-{mark}.txt"
            target.write_text(text, encoding="utf-8")
            written.append(target)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (out / "plans.csv").write_text(buffer.getvalue(), encoding="utf-8")
    if agency_rows:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(agency_rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(agency_rows)
        (out / "agencies.csv").write_text(buffer.getvalue(), encoding="utf-8")
    return written
