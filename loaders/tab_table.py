"""Loader for lists printed as tab-separated tables (004, the first batch of reforms of Shenzhen
as a national business-environment innovation pilot city).

Source layout: the title on the first line (after a Word bookmark); then blocks separated by
blank lines, each line of a block a cell starting with a tab. A header block (序号, 改革事项,
具体举措, 牵头单位, 责任单位, 完成时限); chapter blocks of one cell (``一、…``); row blocks of six
cells. A row whose number cell is empty, or repeats the number of the item above (an item
printed again after a page break), belongs to the item above. ``*`` after a number marks the
items that carry out the national list of 101 reform tasks. Deadlines are month ends
(``2022年6月底``) or the status ``已落地，持续巩固提升``.

Pipeline: :func:`split_blocks` → :func:`parse_blocks` (rows grouped into items) →
:func:`make_task` → :class:`~plankg.graph.records.TaskRecord` with one
:class:`~plankg.graph.records.TaskRow` per printed row.

Run alone: ``python -m plankg.loaders.tab_table FILE``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from plankg.graph.records import (
    AgencyMention,
    LoaderError,
    PlanRecord,
    SectionRecord,
    SourceRecord,
    TaskRecord,
    TaskRow,
)
from plankg.loaders.prose_plan import TOP_HEADING, describe, normalise_title, split_names
from plankg.loaders.text import chinese_numeral, clean_line, month_end, read_source

__all__ = ["Block", "load", "make_task", "parse_blocks", "split_blocks"]

HEADER = ("序号", "改革事项", "具体举措", "牵头单位", "责任单位", "完成时限")
NUMBER = re.compile(r"^(\d+)\s*([*＊])?$")


@dataclass(frozen=True)
class Block:
    """The cells of one block (noise removed) and the line of its first cell."""

    line: int
    cells: tuple[str, ...]


def split_blocks(raw: Sequence[str]) -> tuple[str, list[Block]]:
    """The title (first non-empty line) and the blocks of tab-prefixed cells.

    >>> title, blocks = split_blocks([" [bookmark: _GoBack]清单", "\\t序号", "", "\\t1*", "\\t事项"])
    >>> title, blocks
    ('清单', [Block(line=2, cells=('序号',)), Block(line=4, cells=('1*', '事项'))])
    """
    title = ""
    blocks: list[Block] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(raw, start=1):
        if line.startswith("\t"):
            if not current:
                start = number
            current.append(clean_line(line[1:]))
            continue
        if current:
            blocks.append(Block(start, tuple(current)))
            current = []
        if not title and clean_line(line):
            title = clean_line(line)
    if current:
        blocks.append(Block(start, tuple(current)))
    return title, blocks


def row_of(block: Block) -> TaskRow:
    """A six-cell block as a row (the number cell is read by the caller)."""
    _, title, text, lead, responsible, deadline_text = block.cells
    mentions = [AgencyMention(name, "lead") for name in split_names(lead)[0]]
    mentions += [AgencyMention(name, "participating") for name in split_names(responsible)[0]]
    return TaskRow(title=title, text=text, agencies=tuple(mentions),
                   deadline_text=deadline_text or None,
                   deadline=month_end(deadline_text) if deadline_text else None,
                   source_line=block.line)


def make_task(number: int, star: bool, rows: Sequence[TaskRow], section: str | None,
              open_ended: bool = False) -> TaskRecord:
    """An item from its rows: the first row's 改革事项 is the title; the measures of all rows,
    in order, are the text; the units of all rows, first seen first, with their roles."""
    agencies: list[AgencyMention] = []
    for row in rows:
        for mention in row.agencies:
            if mention not in agencies:
                agencies.append(mention)
    deadlines = list(dict.fromkeys(row.deadline_text for row in rows if row.deadline_text))
    first = rows[0]
    return TaskRecord(
        number=number, title=first.title, text="".join(row.text for row in rows),
        section=section, agencies=tuple(agencies), agencies_open=open_ended,
        source_line=first.source_line,
        deadline_text=deadlines[0] if len(deadlines) == 1 else None,
        deadline=first.deadline if len(deadlines) == 1 else None,
        national_reform=star, rows=tuple(rows),
    )


def parse_blocks(blocks: Sequence[Block], file: str) -> tuple[list[SectionRecord], list[TaskRecord]]:
    """Chapters to sections; rows grouped into items.

    Raises:
        LoaderError: a block is neither header, chapter nor six-cell row; a row continues no
            item; or an item's number does not follow the one before.
    """
    sections: list[SectionRecord] = []
    tasks: list[TaskRecord] = []
    current: tuple[int, bool, list[TaskRow], str | None, bool] | None = None

    def flush() -> None:
        if current is not None:
            number, star, rows, section, open_ended = current
            tasks.append(make_task(number, star, rows, section, open_ended))

    for block in blocks:
        if block.cells == HEADER:
            continue
        if len(block.cells) == 1:
            heading = TOP_HEADING.match(block.cells[0])
            if not heading:
                raise LoaderError(f"unexpected one-cell block {block.cells[0]!r}", file, block.line)
            sections.append(SectionRecord(str(chinese_numeral(heading.group(1))),
                                          heading.group(2), None, block.line))
            continue
        if len(block.cells) != len(HEADER):
            raise LoaderError(f"a row needs {len(HEADER)} cells, found {len(block.cells)}",
                              file, block.line)
        row = row_of(block)
        open_ended = any(split_names(cell)[1] for cell in block.cells[3:5])
        cell = block.cells[0]
        match = NUMBER.match(cell)
        if cell and not match:
            raise LoaderError(f"not an item number: {cell!r}", file, block.line)
        if not cell or (current is not None and int(match.group(1)) == current[0]):  # type: ignore[union-attr]
            if current is None:
                raise LoaderError("a continuation row before any item", file, block.line)
            current[2].append(row)
            current = (*current[:4], current[4] or open_ended)
            continue
        assert match is not None
        flush()
        section = sections[-1].key if sections else None
        current = (int(match.group(1)), bool(match.group(2)), [row], section, open_ended)
    flush()
    return sections, tasks


def load(path: Path, encoding: str = "utf-8") -> SourceRecord:
    """Read a tab-separated reform list.

    Raises:
        LoaderError: the file has no rows, or a block cannot be read.
    """
    raw, digest = read_source(path, encoding)
    title, blocks = split_blocks(raw)
    sections, tasks = parse_blocks(blocks, path.name)
    if not tasks:
        raise LoaderError("no table rows found", path.name, None)
    plan = PlanRecord(normalise_title(title), 1, tuple(sections), tuple(tasks))
    return SourceRecord(path.name, digest, __name__.rsplit(".", 1)[-1], (plan,))


def main(argv: Sequence[str] | None = None) -> int:
    """Print the records of the files given on the command line."""
    for name in argv if argv is not None else sys.argv[1:]:
        print(describe(load(Path(name))))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
