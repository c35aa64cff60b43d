"""Loader for plans quoted inside a news digest (003, a weekly digest of June 2024).

Source layout: numbered news items (``2、深圳:…``); a news item introduces plans by their full
titles with an abbreviation (``《深圳市2024年优化市场化营商环境工作方案》(简称“市场化方案”)``)
and states their task counts (``《市场化方案》…提出了44条重点任务``); each plan's text
follows a line ``《市场化方案》重要内容如下:`` and runs to the next such line or the next news
item. The plan bodies are numbered prose (``1.…(责任单位:…)``) or ``(一)…`` measures, read by
:mod:`plankg.loaders.prose_plan`. The port action plan is cut off by the end of the digest: it
is marked truncated and the gap is reported as a warning.

Pipeline: :func:`clean_lines` → :func:`find_abbreviations` → :func:`split_quoted_plans` →
``prose_plan.parse_plan_lines`` per plan.

Run alone: ``python -m plankg.loaders.news_digest FILE``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path

from plankg.graph.records import DeclaredCount, LoaderError, PlanRecord, SourceRecord
from plankg.loaders.prose_plan import (
    Layout,
    Line,
    clean_lines,
    describe,
    join_paragraphs,
    normalise_title,
    parse_plan_lines,
)
from plankg.loaders.text import read_source

__all__ = ["find_abbreviations", "find_declared", "load", "split_quoted_plans"]

ABBREVIATION = re.compile(r"《([^》]+)》\s*[（(]\s*简称\s*[“\"]([^”\"]+)[”\"]\s*[）)]")
QUOTE_START = re.compile(r"^《?([^》]+?)》?重要内容如下\s*[:：]?$")
NEWS_ITEM = re.compile(r"^\d+\s*、\s*\S+?\s*[:：]")
DECLARED_ABBR = re.compile(r"《([^》]+)》[^《；;]*?(\d+)\s*[条项]")
#: The last line of a digest that stops in the middle of a plan: nothing after it.
_WARN = "{file}:{line}: {title}: the source is cut off: {found} of {declared} declared tasks present"


def find_abbreviations(lines: Sequence[Line]) -> dict[str, str]:
    """Map each abbreviation the digest defines to the full title.

    >>> find_abbreviations([Line(1, "国务院办公厅印发《促进创业投资高质量发展的若干政策措施》(简称“政策措施”)。")])
    {'政策措施': '促进创业投资高质量发展的若干政策措施'}
    """
    found: dict[str, str] = {}
    for line in lines:
        for match in ABBREVIATION.finditer(line.text):
            found[match.group(2)] = normalise_title(match.group(1))
    return found


def find_declared(lines: Sequence[Line], titles: dict[str, str]) -> list[DeclaredCount]:
    """Task counts stated for a plan by its full title or abbreviation (the first number of
    tasks, 条 or 项, after the title in the same clause).

    >>> find_declared([Line(4, "其中,《市场化方案》围绕…5个方面,提出了44条重点任务;《法治化方案》…重点任务增加至31项")],
    ...               {"市场化方案": "甲", "法治化方案": "乙"})
    [DeclaredCount(plan_title='甲', count=44, line=4), DeclaredCount(plan_title='乙', count=31, line=4)]
    >>> find_declared([Line(1, "《甲》(简称“A”)、《乙》(简称“B”)正式印发,提出105项主要任务")], {"A": "甲", "B": "乙"})
    []
    """
    declared = []
    full_titles = set(titles.values())
    for paragraph in join_paragraphs(lines):
        for match in DECLARED_ABBR.finditer(paragraph.text):
            if paragraph.text[max(0, match.start() - 1): match.start()] == "、":
                continue  # the last of a list of titles: the count is their total
            if "、《" in match.group(0):
                continue  # the first of a list of titles
            name = normalise_title(match.group(1))
            title = titles.get(name, name if name in full_titles else None)
            if title is not None:
                declared.append(DeclaredCount(title, int(match.group(2)), paragraph.number))
    return declared


def split_quoted_plans(lines: Sequence[Line], titles: dict[str, str]) -> list[tuple[Line, list[Line]]]:
    """Cut out each quoted plan: its ``…重要内容如下`` line (as a title line carrying the full
    title) and its lines up to the next quoted plan or news item."""
    plans: list[tuple[Line, list[Line]]] = []
    inside = False
    for line in lines:
        quote = QUOTE_START.match(line.text)
        if quote:
            name = normalise_title(quote.group(1))
            plans.append((Line(line.number, titles.get(name, name)), []))
            inside = True
        elif NEWS_ITEM.match(line.text):
            inside = False
        elif inside:
            plans[-1][1].append(line)
    return plans


def layout_of(body: Sequence[Line]) -> Layout:
    """Numbered ``1.`` items, or ``(一)`` measures when no line starts with a number."""
    if any(re.match(r"^\d+\s*[.．]", line.text) for line in body):
        return Layout()
    return Layout(item_style="paren")


def load(path: Path, encoding: str = "utf-8") -> SourceRecord:
    """Read the plans quoted in a news digest.

    The last quoted plan, when the file ends inside it and it holds fewer tasks than it
    declares, is marked truncated and reported as a warning.

    Raises:
        LoaderError: no quoted plan is found, or an item cannot be parsed.
    """
    raw, digest = read_source(path, encoding)
    lines = clean_lines(raw)
    titles = find_abbreviations(lines)
    quoted = split_quoted_plans(lines, titles)
    if not quoted:
        raise LoaderError("no quoted plan (…重要内容如下) found", path.name, None)
    declared = find_declared(lines, titles)
    declared_of = {d.plan_title: d.count for d in declared}
    plans: list[PlanRecord] = []
    warnings: list[str] = []
    for index, (title, body) in enumerate(quoted):
        plan = parse_plan_lines(title, body, path.name, layout_of(body))
        if not plan.tasks:
            continue
        last = index == len(quoted) - 1 and body and body[-1].number == lines[-1].number
        expected = declared_of.get(plan.title)
        if last and expected is not None and len(plan.tasks) < expected:
            plan = PlanRecord(plan.title, plan.source_line, plan.sections, plan.tasks,
                              truncated=True, implements=plan.implements)
            warnings.append(_WARN.format(file=path.name, line=body[-1].number, title=plan.title,
                                         found=len(plan.tasks), declared=expected))
        plans.append(plan)
    return SourceRecord(path.name, digest, __name__.rsplit(".", 1)[-1], tuple(plans),
                        tuple(declared), tuple(warnings))


def main(argv: Sequence[str] | None = None) -> int:
    """Print the records of the files given on the command line."""
    for name in argv if argv is not None else sys.argv[1:]:
        record = load(Path(name))
        print(describe(record))
        for warning in record.warnings:
            print("warning:", warning)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
