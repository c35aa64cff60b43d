"""Loader for plans printed as numbered prose paragraphs.

Source layout (000, and the plan bodies of 001 and 003): a plan title on a line of its own,
top-level headings ``一、…``, section headings ``（一）…``, and tasks ``1. 标题。正文……``
that end in ``（责任单位：…）`` or ``（牵头单位：…；参加单位：…）``. Paragraphs are broken
across lines (often with a blank line between the pieces), parentheses and colons come in
both full and half width. A news summary before the plans states their task counts
(``《…方案》…共 23 条具体举措``).

Pipeline: :func:`clean_lines` → :func:`split_plans` → :func:`parse_plan_lines` (which uses
:func:`split_items` and :func:`parse_task`) → :class:`~plankg.graph.records.PlanRecord`.

Run alone: ``python -m plankg.loaders.prose_plan FILE`` prints the records found.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from plankg.graph.records import (
    AgencyMention,
    DeclaredCount,
    LoaderError,
    PlanRecord,
    SectionRecord,
    SourceRecord,
    TaskRecord,
)
from plankg.loaders.text import chinese_numeral, clean_line, join_fragments, read_source

__all__ = [
    "find_declared_counts",
    "is_plan_title",
    "load",
    "parse_agencies",
    "parse_plan_lines",
    "parse_task",
    "split_agency_tail",
    "split_items",
    "split_plans",
]

_CN = "一二三四五六七八九十"
PLAN_TITLE = re.compile(
    r"^(?:深圳市|深圳)\S*?(?:工作方案|行动方案|方案|工作要点|任务清单|事项清单|政策措施|若干措施)"
    r"(?:[（(]\d{4}\s*[—–-]+\s*\d{4}\s*年[）)]|[（(]\d{4}\s*年[）)])?$"
)
TOP_HEADING = re.compile(rf"^([{_CN}]+)\s*、\s*(.+)$")
SECTION_HEADING = re.compile(rf"^[（(]\s*([{_CN}]+)\s*[）)]\s*(.+)$")
TASK_START = re.compile(r"^(\d+)\s*[.．、]\s*(\S.*)$")
AGENCY_TAIL = re.compile(r"[（(]\s*((?:责任|牵头)单位\s*[:：][^（()）]*)[）)]\s*$")
ROLE_LABEL = re.compile(r"(牵头单位|参加单位|责任单位|配合单位)\s*[:：]")
DECLARED = re.compile(r"《([^》]+)》[^《]*?共\s*(\d+)\s*条")
ROLE_OF_LABEL = {"牵头单位": "lead", "参加单位": "participating", "配合单位": "participating",
                 "责任单位": "responsible"}


@dataclass(frozen=True)
class Line:
    """A cleaned line with its 1-based number in the source."""

    number: int
    text: str


def clean_lines(raw: Iterable[str]) -> list[Line]:
    """Number and clean every line, dropping the blank ones.

    >>> clean_lines(["", "**一、总体要求**", "  "])
    [Line(number=2, text='一、总体要求')]
    """
    out = []
    for number, text in enumerate(raw, start=1):
        cleaned = clean_line(text)
        if cleaned:
            out.append(Line(number, cleaned))
    return out


def normalise_title(title: str) -> str:
    """A plan title with its white space removed, as plans are matched by title.

    >>> normalise_title("深圳市优化市场化营商环境工作方案（2023—2025 年）")
    '深圳市优化市场化营商环境工作方案（2023—2025年）'
    """
    return re.sub(r"\s+", "", title)


def is_plan_title(text: str) -> bool:
    """Whether a whole line is a plan's title (not a sentence that mentions one).

    >>> is_plan_title("深圳市优化法治化营商环境工作方案（2023—2025 年）")
    True
    >>> is_plan_title("深圳市优化法治化营商环境工作方案已经印发。")
    False
    """
    return bool(PLAN_TITLE.match(normalise_title(text)))


def find_declared_counts(lines: Sequence[Line]) -> list[DeclaredCount]:
    """Find statements of a plan's task count, e.g. ``《…方案》提出……共 23 条具体举措``.

    >>> find_declared_counts([Line(7, "《深圳市优化法治化营商环境工作方案（2023—2025 年）》提出，…共 20 条具体举措。")])
    [DeclaredCount(plan_title='深圳市优化法治化营商环境工作方案（2023—2025年）', count=20, line=7)]
    """
    found = []
    for paragraph in join_paragraphs(lines):
        for match in DECLARED.finditer(paragraph.text):
            found.append(DeclaredCount(normalise_title(match.group(1)), int(match.group(2)),
                                       paragraph.number))
    return found


def join_paragraphs(lines: Sequence[Line]) -> list[Line]:
    """Join lines into paragraphs: a line that does not end a sentence goes on in the next.

    >>> join_paragraphs([Line(1, "加快推进规则、"), Line(3, "规制。"), Line(4, "下一段。")])
    [Line(number=1, text='加快推进规则、规制。'), Line(number=4, text='下一段。')]
    """
    paragraphs: list[Line] = []
    for line in lines:
        if paragraphs and not paragraphs[-1].text.endswith(("。", "！", "？", "）", ")", "：")):
            last = paragraphs[-1]
            paragraphs[-1] = Line(last.number, join_fragments([last.text, line.text]))
        else:
            paragraphs.append(line)
    return paragraphs


def split_plans(lines: Sequence[Line]) -> list[tuple[Line, list[Line]]]:
    """Cut the lines into plans: each title line with the lines up to the next title.

    Lines before the first title (a news summary, a notice) belong to no plan.
    """
    plans: list[tuple[Line, list[Line]]] = []
    for line in lines:
        if is_plan_title(line.text):
            plans.append((line, []))
        elif plans:
            plans[-1][1].append(line)
    return plans


def split_items(lines: Sequence[Line]) -> list[tuple[tuple[str, str, int] | None, list[Line]]]:
    """Group a plan's lines into headings and numbered items.

    Returns a list of ``(heading, lines)``: ``heading`` is ``(kind, number, line)`` with kind
    ``"top"`` or ``"section"`` for a heading line (its lines hold just that line), and ``None``
    for an item, whose lines run from its ``N.`` line up to the next heading or item.
    Lines that are neither (preambles, the 保障措施 paragraphs) are returned with heading
    ``("text", "", line)``.
    """
    groups: list[tuple[tuple[str, str, int] | None, list[Line]]] = []
    in_item = False
    for line in lines:
        top = TOP_HEADING.match(line.text)
        section = SECTION_HEADING.match(line.text)
        if top and "。" not in top.group(2):
            groups.append((("top", top.group(1), line.number), [line]))
            in_item = False
        elif section and "。" not in section.group(2):
            groups.append((("section", section.group(1), line.number), [line]))
            in_item = False
        elif TASK_START.match(line.text):
            groups.append((None, [line]))
            in_item = True
        elif in_item:
            groups[-1][1].append(line)
        else:
            groups.append((("text", "", line.number), [line]))
    return groups


def split_agency_tail(text: str) -> tuple[str, str | None]:
    """Split a task's text from its trailing list of responsible units.

    >>> split_agency_tail("开辟专利快速预审新通道。（责任单位：市市场监管局、市中级人民法院）")
    ('开辟专利快速预审新通道。', '责任单位：市市场监管局、市中级人民法院')
    >>> split_agency_tail("没有单位。")
    ('没有单位。', None)
    """
    match = AGENCY_TAIL.search(text)
    if not match:
        return text, None
    return text[: match.start()].rstrip(), match.group(1)


def parse_agencies(tail: str) -> tuple[tuple[AgencyMention, ...], bool]:
    """Read the units of an agency list, with their roles.

    Returns the mentions in printed order and whether the list ends in 等 (and others).

    >>> mentions, open_ended = parse_agencies("牵头单位:市委组织部;参加单位:市科技创新委、市财政局等")
    >>> [(m.name, m.role) for m in mentions], open_ended
    ([('市委组织部', 'lead'), ('市科技创新委', 'participating'), ('市财政局', 'participating')], True)
    """
    mentions: list[AgencyMention] = []
    open_ended = False
    labels = list(ROLE_LABEL.finditer(tail))
    for index, label in enumerate(labels):
        end = labels[index + 1].start() if index + 1 < len(labels) else len(tail)
        role = ROLE_OF_LABEL[label.group(1)]
        chunk = tail[label.end(): end].strip().strip("；;，,。")
        for name in re.split(r"[、，,]", chunk):
            name = re.sub(r"\s+", "", name)
            if name.endswith("等"):
                name, open_ended = name[:-1], True
            if name:
                mentions.append(AgencyMention(name, role))
    return tuple(mentions), open_ended


def first_sentence(text: str) -> str:
    """The task's short title: its first sentence without the final 。.

    >>> first_sentence("强化知识产权保护。开展知识产权纠纷快速处理。")
    '强化知识产权保护'
    """
    head, _, _ = text.partition("。")
    return head.strip()


def parse_task(lines: Sequence[Line], section: str | None, file: str) -> TaskRecord:
    """Parse one numbered prose item (its lines joined) into a :class:`TaskRecord`.

    Raises:
        LoaderError: the item has no text after its number.
    """
    joined = join_fragments([line.text for line in lines])
    match = TASK_START.match(joined)
    if not match:
        raise LoaderError("an item must start with its number", file, lines[0].number)
    body, tail = split_agency_tail(match.group(2))
    if not body:
        raise LoaderError("the item has no text after its number", file, lines[0].number)
    agencies, open_ended = parse_agencies(tail) if tail else ((), False)
    return TaskRecord(
        number=int(match.group(1)),
        title=first_sentence(body),
        text=body,
        section=section,
        agencies=agencies,
        agencies_open=open_ended,
        source_line=lines[0].number,
    )


def parse_plan_lines(title: Line, lines: Sequence[Line], file: str) -> PlanRecord:
    """Parse the lines of one plan into its sections and tasks.

    Only sections that hold tasks (and their parents) are kept.
    """
    sections: dict[str, SectionRecord] = {}
    tasks: list[TaskRecord] = []
    top: SectionRecord | None = None
    current: SectionRecord | None = None
    for heading, group in split_items(lines):
        if heading is None:
            owner = current or top
            if owner is not None:
                sections.setdefault(owner.key, owner)
                if owner.parent and top is not None:
                    sections.setdefault(top.key, top)
            tasks.append(parse_task(group, owner.key if owner else None, file))
            continue
        kind, numeral, number = heading
        text = group[0].text
        if kind == "top":
            match = TOP_HEADING.match(text)
            assert match is not None
            top = SectionRecord(str(chinese_numeral(numeral)), match.group(2).strip(), None, number)
            current = None
        elif kind == "section":
            match = SECTION_HEADING.match(text)
            assert match is not None
            key = str(chinese_numeral(numeral))
            parent = top.key if top else None
            current = SectionRecord(f"{parent}.{key}" if parent else key,
                                    match.group(2).strip(), parent, number)
    ordered = sorted(sections.values(), key=lambda s: s.line)
    return PlanRecord(normalise_title(title.text), title.number, tuple(ordered), tuple(tasks))


def load(path: Path, encoding: str = "utf-8") -> SourceRecord:
    """Read a file of numbered prose plans.

    Args:
        path: the source file.
        encoding: its text encoding.

    Returns:
        The plans and declared task counts found in the file.

    Raises:
        LoaderError: the file holds no plan, or an item cannot be parsed.
    """
    raw, digest = read_source(path, encoding)
    lines = clean_lines(raw)
    plans = [parse_plan_lines(title, body, path.name) for title, body in split_plans(lines)]
    plans = [plan for plan in plans if plan.tasks]
    if not plans:
        raise LoaderError("no numbered plan found", path.name, None)
    return SourceRecord(path.name, digest, __name__.rsplit(".", 1)[-1], tuple(plans),
                        tuple(find_declared_counts(lines)))


def main(argv: Sequence[str] | None = None) -> int:
    """Print the records of the files given on the command line."""
    for name in argv if argv is not None else sys.argv[1:]:
        record = load(Path(name))
        for plan in record.plans:
            print(f"{plan.title} (line {plan.source_line}): {len(plan.tasks)} tasks")
            for task in plan.tasks:
                roles = "、".join(f"{a.name}[{a.role}]" for a in task.agencies)
                print(f"  {task.number}. {task.title} — {roles}")
        for declared in record.declared_counts:
            print(f"declared: {declared.plan_title} = {declared.count} (line {declared.line})")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
