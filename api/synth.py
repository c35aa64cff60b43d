"""A synthetic corpus for measuring plankg at scale: ``plankg synth --scale N --out DIR``.

Each of the N copies rewrites every file of the vendored corpus in its own layout (prose plans,
the news digest, markdown tables, tab tables), so the real loaders read it:

- every plan title gets the copy's mark after its leading 深圳市/深圳/促进 (``深圳市S007优化…``),
  wherever the title is printed (titles, declared counts, 落实《…》), and ``DIR/plans.csv``
  lists the new plans (slug ``{slug}-s007``) for the build's plan catalogue;
- every municipal department named is replaced by one drawn from the registry with a Zipf
  (1/rank) distribution, so a few agencies carry most tasks, as in real plans;
- in the body of each item the sentences after the first are replaced by sentences drawn from
  the whole corpus, so copies are not near-duplicates of each other;
- every quantity with a unit (40亿美元, 500家) is scaled by a random factor in [0.5, 2].

Numbering, sections, unit lists and deadlines keep the real layout. Seeded: the same scale and
seed give byte-identical files.
"""

from __future__ import annotations

import csv
import io
import random
import re
from decimal import Decimal
from pathlib import Path

from plankg.graph.registry import AgencyRegistry, PlanCatalogue
from plankg.loaders import default_corpus

__all__ = ["synthesize"]

_SENTENCE = re.compile(r"[^。]*。")
_POOL_SENTENCE = re.compile(r"[^。（）()|\t《》“”:：]{8,80}。")
_QUANTITY = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?=\s*(?:亿|万)?\s*(?:美元|元|家|个|件|场|平方米|平方公里|公里|%|项|人次|人|所|条))")
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
        else:
            parts.append(re.escape(ch))
    return re.compile(r"\s*".join(parts))


def _marked(title: str, mark: str) -> str:
    prefix = next(p for p in _PREFIXES if title.startswith(p))
    return prefix + mark + title[len(prefix):]


def _mix_line(line: str, pool: list[str], rng: random.Random) -> str:
    """The line with its sentences after the first replaced by sentences from the pool; the
    unit list after the last 。 and a fragment running on to the next line are kept."""
    if "|" in line or "《" in line or ("共" in line and "条" in line):
        return line
    last = line.rfind("。")
    if last < 0:
        return line
    body, rest = line[: last + 1], line[last + 1:]
    sentences = _SENTENCE.findall(body)
    if len(sentences) < 2:
        return line
    return sentences[0] + "".join(rng.choice(pool) for _ in sentences[1:]) + rest


def _scale_quantity(match: re.Match[str], rng: random.Random) -> str:
    value = Decimal(match.group(1)) * Decimal(str(round(rng.uniform(0.5, 2.0), 2)))
    places = len(match.group(1).partition(".")[2])
    return f"{value:.{places}f}"


def synthesize(scale: int, out: Path, seed: int = 1) -> list[Path]:
    """Write ``scale`` rewritten copies of the vendored corpus and their ``plans.csv`` into ``out``.

    Returns:
        The source files written, in order.
    """
    out.mkdir(parents=True, exist_ok=True)
    sources = sorted(default_corpus().glob("*.txt"))
    texts = {path.name: path.read_text(encoding="utf-8") for path in sources}
    pool = sorted({s for text in texts.values() for s in _POOL_SENTENCE.findall(text) if not s[0].isdigit()})
    catalogue = PlanCatalogue.load()
    registry = AgencyRegistry.load()
    departments = sorted(e.name_zh for e in registry.entries.values() if e.type == "municipal department")
    names = sorted({name for e in registry.entries.values() for name in (e.name_zh, *e.aliases)}, key=len, reverse=True)
    department_names = {name for e in registry.entries.values() if e.type == "municipal department"
                        for name in (e.name_zh, *e.aliases)}
    any_name = re.compile("|".join(re.escape(n) for n in names))
    titles = [(entry, _title_pattern(title)) for entry in catalogue.entries.values()
              for title in sorted({entry.title, *entry.titles_seen}, key=len, reverse=True)]
    written: list[Path] = []
    rows = []
    for k in range(1, scale + 1):
        mark = f"S{k:03d}"
        rng = random.Random(f"{seed}-{k}")
        ranked = departments[:]
        rng.shuffle(ranked)
        weights = [1 / (rank + 1) for rank in range(len(ranked))]

        def agency(match: re.Match[str], rng: random.Random = rng, ranked: list[str] = ranked,
                   weights: list[float] = weights) -> str:
            name = match.group(0)
            return rng.choices(ranked, weights)[0] if name in department_names else name

        for entry in catalogue.entries.values():
            rows.append({"slug": f"{entry.slug}-s{k:03d}", "title": _marked(entry.title, mark),
                         "name_en": f"{entry.name_en} (synthetic {mark})", "period_start": entry.period_start,
                         "period_end": entry.period_end, "kind": entry.kind,
                         "titles_seen": "|".join(_marked(t, mark) for t in entry.titles_seen),
                         "primary_source": entry.primary_source or ""})
        for name, text in texts.items():
            for entry, pattern in titles:
                text = pattern.sub(_marked(entry.title, mark), text)
            lines = [_mix_line(line, pool, rng) for line in text.split("\n")]
            text = "\n".join(lines)
            text = any_name.sub(agency, text)
            text = _QUANTITY.sub(lambda m: _scale_quantity(m, rng), text)
            target = out / f"{name.removesuffix('.txt')}-{mark}.txt"
            target.write_text(text, encoding="utf-8")
            written.append(target)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (out / "plans.csv").write_text(buffer.getvalue(), encoding="utf-8")
    return written
