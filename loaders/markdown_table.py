"""Loader for task lists printed as markdown tables (the 2023 key task list in 002).

Source layout: a title line (``## 深圳市 2023 年优化营商环境重点任务清单``), then tables split
over many pages, each page repeating the header
``| 序号 | 所属领域 | 重点任务 | 具体举措 | 牵头单位 | 责任单位 |``; chapter rows
``| <b>一、优化市场准入环境</b> | | …``; ``<br>`` inside cells (which can cut an agency name in
two); a page stamp between pages.

Pipeline: :func:`split_cells` per line → :func:`parse_rows` (header, chapter and task rows) →
:func:`parse_row` → :class:`~plankg.graph.records.TaskRecord`. The domain column (所属领域)
becomes a sub-section of its chapter, numbered in order of appearance.

Run alone: ``python -m plankg.loaders.markdown_table FILE``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path

from plankg.graph.records import (
    AgencyMention,
    LoaderError,
    PlanRecord,
    SectionRecord,
    SourceRecord,
    TaskRecord,
)
from plankg.loaders.prose_plan import (
    TOP_HEADING,
    Line,
    clean_lines,
    describe,
    find_notices,
    is_plan_title,
    normalise_title,
    split_names,
)
from plankg.loaders.text import chinese_numeral, read_source, squash_spaces

__all__ = ["load", "parse_row", "parse_rows", "split_cells"]

HEADER = ("序号", "所属领域", "重点任务", "具体举措", "牵头单位", "责任单位")


def split_cells(text: str) -> list[str] | None:
    """The cells of a markdown table row, or None when the line is not a row.

    >>> split_cells("| 13 | 提供智慧化协同服务 | 建设系统 | 建成系统。 | 市发展改革委 |  |")
    ['13', '提供智慧化协同服务', '建设系统', '建成系统。', '市发展改革委', '']
    >>> split_cells("|----|---|") is None
    True
    """
    stripped = text.strip()
    if not stripped.startswith("|"):
        return None
    cells = [squash_spaces(cell) for cell in stripped.strip("|").split("|")]
    if all(re.fullmatch(r":?-*:?", cell) for cell in cells):
        return None
    return cells


def parse_row(cells: Sequence[str], section: str, line: int, file: str) -> TaskRecord:
    """One task row: number, domain, task (the title), measures (the text), lead and
    responsible units (participating, as the contract reads a 责任单位 column beside a 牵头单位
    column).

    Raises:
        LoaderError: the row has too few cells or no measures.
    """
    if len(cells) < 6:
        raise LoaderError(f"a task row needs 6 cells, found {len(cells)}", file, line)
    number, domain, title, text, lead, responsible = (c.strip() for c in cells[:6])
    if not text:
        raise LoaderError(f"task {number} has no measures", file, line)
    mentions: list[AgencyMention] = []
    open_ended = False
    for cell, role in ((lead, "lead"), (responsible, "participating")):
        names, more = split_names(cell)
        open_ended = open_ended or more
        mentions.extend(AgencyMention(name, role) for name in names)
    return TaskRecord(number=int(number), title=title.replace(" ", "") if _no_latin(title) else title,
                      text=text, section=section, agencies=tuple(mentions),
                      agencies_open=open_ended, source_line=line, domain=domain)


def _no_latin(text: str) -> bool:
    return not re.search(r"[A-Za-z0-9]", text)


def parse_rows(lines: Sequence[Line], file: str) -> tuple[list[SectionRecord], list[TaskRecord]]:
    """Read the table rows that follow a title: headers skipped, chapter rows to sections."""
    sections: list[SectionRecord] = []
    tasks: list[TaskRecord] = []
    chapter: SectionRecord | None = None
    domains: dict[str, str] = {}
    for line in lines:
        cells = split_cells(line.text)
        if cells is None:
            continue
        if tuple(cells[: len(HEADER)]) == HEADER:
            continue
        if cells[0] and not any(cells[1:]):
            heading = TOP_HEADING.match(cells[0])
            if not heading:
                raise LoaderError(f"unexpected single-cell row {cells[0]!r}", file, line.number)
            chapter = SectionRecord(str(chinese_numeral(heading.group(1))), heading.group(2),
                                    None, line.number)
            sections.append(chapter)
            domains = {}
            continue
        if not re.fullmatch(r"\d+", cells[0]):
            raise LoaderError(f"a task row must start with its number, found {cells[0]!r}",
                              file, line.number)
        if chapter is None:
            raise LoaderError("a task row before any chapter row", file, line.number)
        domain = cells[1]
        if domain not in domains:
            key = f"{chapter.key}.{len(domains) + 1}"
            domains[domain] = key
            sections.append(SectionRecord(key, domain, chapter.key, line.number))
        tasks.append(parse_row(cells, domains[domain], line.number, file))
    return sections, tasks


def load(path: Path, encoding: str = "utf-8") -> SourceRecord:
    """Read the markdown-table plans of a file (every titled block that holds table rows).

    Raises:
        LoaderError: no table plan is found, or a row cannot be read.
    """
    raw, digest = read_source(path, encoding)
    lines = clean_lines(raw)
    plans: list[PlanRecord] = []
    starts = [i for i, line in enumerate(lines) if is_plan_title(line.text)]
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(lines)
        body = lines[start + 1: end]
        if not any(split_cells(line.text) for line in body):
            continue
        sections, tasks = parse_rows(body, path.name)
        if tasks:
            plans.append(PlanRecord(normalise_title(lines[start].text), lines[start].number,
                                    tuple(sections), tuple(tasks)))
    if not plans:
        raise LoaderError("no markdown table of tasks found", path.name, None)
    return SourceRecord(path.name, digest, __name__.rsplit(".", 1)[-1], tuple(plans),
                        notices=tuple(find_notices(lines)))


def main(argv: Sequence[str] | None = None) -> int:
    """Print the records of the files given on the command line."""
    for name in argv if argv is not None else sys.argv[1:]:
        print(describe(load(Path(name))))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
