"""Loader for plans printed as numbered prose paragraphs.

Source layout (000, 001, the work points of 002, and the plan bodies inside 003): a plan title
on a line of its own, top-level headings ``一、…``, section headings ``（一）…``, and tasks
``1. 标题。正文……`` that end in ``（责任单位：…）``, ``（牵头单位：…；参加单位：…）``, a bare
``（市…局）`` (the 2023 work points) or ``(责任单位：…，责任人：…，完成时限：12 月底)`` (the
2023 international task list). Some plans number their items ``（一）…（十七）`` instead.
Paragraphs are broken across lines (often with a blank line between the pieces), parentheses
and colons come in both full and half width. A news summary before the plans states their task
counts (``《…方案》…共 23 条具体举措``); an issuing notice gives the document number, issuers
and date.

Pipeline: :func:`clean_lines` → :func:`split_plans` → :func:`parse_plan_lines` (which uses
:func:`split_items` and :func:`parse_task`) → :class:`~plankg.graph.records.PlanRecord`.

Run alone: ``python -m plankg.loaders.prose_plan FILE`` prints the records found.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from plankg.graph.records import (
    AgencyMention,
    DeclaredCount,
    LoaderError,
    NoticeRecord,
    PlanRecord,
    SectionRecord,
    SourceRecord,
    TaskRecord,
)
from plankg.loaders.text import (
    chinese_numeral,
    clean_line,
    join_fragments,
    month_end,
    read_source,
)

__all__ = [
    "Layout",
    "find_declared_counts",
    "find_notices",
    "is_plan_title",
    "load",
    "parse_agencies",
    "parse_plan_lines",
    "parse_task",
    "split_items",
    "split_plans",
    "split_tail",
]

_CN = "一二三四五六七八九十"
PLAN_TITLE = re.compile(
    r"^(?:深圳市|深圳)\S*?(?:工作方案|行动方案|方案|工作要点|任务清单|事项清单|政策措施|若干措施)"
    r"(?:[（(]\d{4}\s*[—–-]+\s*\d{4}\s*年[）)]|[（(]\d{4}\s*年[）)])?$"
)
TITLE_PERIOD = re.compile(r"^[（(]\s*\d{4}\s*[—–-]+\s*\d{4}\s*年\s*[）)]$")
TOP_HEADING = re.compile(rf"^([{_CN}]+)\s*、\s*(.+)$")
SECTION_HEADING = re.compile(rf"^[（(]\s*([{_CN}]+)\s*[）)]\s*(.+)$")
TASK_START = re.compile(r"^(\d+)\s*[.．]\s*(\S.*)$")
#: A number alone on its line: an item whose text is missing (malformed input).
BARE_NUMBER = re.compile(r"^(\d+)\s*[.．]\s*$")
LABELLED_TAIL = re.compile(r"[（(]\s*((?:责任|牵头)单位\s*[:：][^（()）]*)[）)]\s*$")
BARE_TAIL = re.compile(r"[（(]([^（()）:：]+)[）)]\s*$")
FIELD_LABEL = re.compile(r"(牵头单位|参加单位|配合单位|责任单位|责任人|完成时限)\s*[:：]")
DECLARED = re.compile(r"《([^》]+)》[^《]*?共\s*(\d+)\s*条")
IMPLEMENTS = re.compile(r"落实《([^》]+)》")
ANNEX = re.compile(r"^附\s*件\s*[:：]\s*(.+)$")
DOC_NUMBER = re.compile(r"^(\S+〔\d{4}〕\d+号)$")
ISSUE_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
ROLE_OF_LABEL = {"牵头单位": "lead", "参加单位": "participating", "配合单位": "participating",
                 "责任单位": "responsible"}
TERMINATORS = ("。", "！", "？", "）", ")")


@dataclass(frozen=True)
class Line:
    """A cleaned line with its 1-based number in the source."""

    number: int
    text: str


@dataclass(frozen=True)
class Layout:
    """How a plan's items are printed.

    Attributes:
        item_style: ``"arabic"`` for ``1.`` items, ``"paren"`` for ``（一）`` items.
        bare_tail: a trailing ``（…）`` without a label lists the responsible units.
    """

    item_style: str = "arabic"
    bare_tail: bool = False


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
    """A plan title as plans are matched: white space removed, parentheses full width, a
    year range's dash as 一 em dash (—).

    >>> normalise_title("深圳市优化法治化营商环境工作方案(2023-2025 年)")
    '深圳市优化法治化营商环境工作方案（2023—2025年）'
    """
    title = re.sub(r"\s+", "", title).replace("(", "（").replace(")", "）")
    return re.sub(r"(\d{4})[-–－~]+(\d{4})", r"\1—\2", title)


def plan_year(title: str) -> int | None:
    """The year a plan's month-end deadlines fall in: the last year its title names.

    >>> plan_year("深圳市优化国际化营商环境任务清单(2023年)")
    2023
    >>> plan_year("深圳口岸提升美誉度专项行动方案") is None
    True
    """
    years = re.findall(r"(\d{4})", title)
    return int(years[-1]) if years else None


def is_plan_title(text: str) -> bool:
    """Whether a whole line is a plan's title (not a sentence that mentions one).

    >>> is_plan_title("深圳市优化法治化营商环境工作方案（2023—2025 年）")
    True
    >>> is_plan_title("深圳市优化法治化营商环境工作方案已经印发。")
    False
    """
    return bool(PLAN_TITLE.match(normalise_title(text)))


def join_paragraphs(lines: Sequence[Line]) -> list[Line]:
    """Join lines into paragraphs: a line that does not end a sentence goes on in the next.

    >>> join_paragraphs([Line(1, "加快推进规则、"), Line(3, "规制。"), Line(4, "下一段。")])
    [Line(number=1, text='加快推进规则、规制。'), Line(number=4, text='下一段。')]
    """
    paragraphs: list[Line] = []
    for line in lines:
        if paragraphs and not paragraphs[-1].text.endswith((*TERMINATORS, "：")):
            last = paragraphs[-1]
            paragraphs[-1] = Line(last.number, join_fragments([last.text, line.text]))
        else:
            paragraphs.append(line)
    return paragraphs


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


def find_notices(lines: Sequence[Line]) -> list[NoticeRecord]:
    """Find issuing notices: a document number line, the 《titles》 issued, the issuers and the
    date they sign with.

    >>> notice, = find_notices([Line(5, "深营商组〔2023〕1号"), Line(7, "关于印发《深圳市 2023 年优化营商环境工作要点》的通知"),
    ...     Line(9, "深圳市优化营商环境改革工作领导小组"), Line(11, "2023 年 2 月 26 日")])
    >>> notice.identifier, notice.issued, notice.publishers, notice.plan_titles
    ('深营商组〔2023〕1号', datetime.date(2023, 2, 26), ('深圳市优化营商环境改革工作领导小组',), ('深圳市2023年优化营商环境工作要点',))
    """
    notices = []
    for index, line in enumerate(lines):
        number = DOC_NUMBER.match(line.text)
        if not number:
            continue
        titles: list[str] = []
        issued: date | None = None
        publishers: list[str] = []
        for offset, later in enumerate(lines[index + 1: index + 40], start=index + 1):
            if "印发" in later.text and not titles:
                titles = [normalise_title(t) for t in re.findall(r"《([^》]+)》", later.text)]
            when = ISSUE_DATE.match(later.text)
            if when:
                issued = date(int(when.group(1)), int(when.group(2)), int(when.group(3)))
                before = [lines[i].text for i in range(max(index + 1, offset - 2), offset)]
                publishers = [t for t in before if re.fullmatch(r"[\u4e00-\u9fff]+", t)]
                break
        notices.append(NoticeRecord(number.group(1), issued, tuple(publishers), tuple(titles),
                                    line.number))
    return notices


def split_plans(lines: Sequence[Line]) -> list[tuple[Line, list[Line]]]:
    """Cut the lines into plans: each title line with the lines up to the next title.

    A title broken before its period (``…工作方案`` then ``(2023—2025 年)``) is joined. Lines
    before the first title (a news summary, a notice) belong to no plan.
    """
    plans: list[tuple[Line, list[Line]]] = []
    skip = False
    for index, line in enumerate(lines):
        if skip:
            skip = False
            continue
        if is_plan_title(line.text):
            following = lines[index + 1] if index + 1 < len(lines) else None
            if following and TITLE_PERIOD.match(following.text) and not re.search(r"\d{4}", line.text):
                line = Line(line.number, line.text + following.text)
                skip = True
            plans.append((line, []))
        elif plans:
            plans[-1][1].append(line)
    return plans


def item_start(text: str, layout: Layout) -> tuple[int, str] | None:
    """The number and the rest of an item's first line, or None.

    >>> item_start("12. 加强城市宣传推介。", Layout())
    (12, '加强城市宣传推介。')
    >>> item_start("(十七)营造支持科技创新的良好金融生态。在依法合规…", Layout("paren"))
    (17, '营造支持科技创新的良好金融生态。在依法合规…')
    >>> item_start("(一)持续放宽市场准入门槛", Layout("paren")) is None
    True
    """
    if layout.item_style == "paren":
        match = SECTION_HEADING.match(text)
        if match and "。" in match.group(2):
            return chinese_numeral(match.group(1)), match.group(2)
        return None
    match = TASK_START.match(text)
    return (int(match.group(1)), match.group(2)) if match else None


def has_tail(text: str, layout: Layout) -> bool:
    """Whether an item's text already ends in its list of units."""
    if LABELLED_TAIL.search(text):
        return True
    return layout.bare_tail and bool(BARE_TAIL.search(text))


def split_items(lines: Sequence[Line], layout: Layout = Layout()
                ) -> list[tuple[tuple[str, str, int] | None, list[Line]]]:
    """Group a plan's lines into headings and numbered items.

    Returns a list of ``(heading, lines)``: ``heading`` is ``(kind, number, line)`` with kind
    ``"top"`` or ``"section"`` for a heading line (its lines hold just that line), ``"empty"``
    for a number alone on its line (an item without text, an error later), and ``None``
    for an item, whose lines run from its first line up to its list of units (or, for items
    without one, the next heading or item). Other lines (preambles, the 保障措施 paragraphs)
    come back with heading ``("text", "", line)``.
    """
    groups: list[tuple[tuple[str, str, int] | None, list[Line]]] = []
    open_item = False
    for line in lines:
        top = TOP_HEADING.match(line.text)
        section = SECTION_HEADING.match(line.text)
        if item_start(line.text, layout):
            groups.append((None, [line]))
            open_item = True
        elif layout.item_style != "paren" and BARE_NUMBER.match(line.text):
            groups.append((("empty", BARE_NUMBER.match(line.text).group(1), line.number), [line]))  # type: ignore[union-attr]
            open_item = False
        elif top and "。" not in top.group(2):
            groups.append((("top", top.group(1), line.number), [line]))
            open_item = False
        elif section and "。" not in section.group(2):
            groups.append((("section", section.group(1), line.number), [line]))
            open_item = False
        elif open_item:
            groups[-1][1].append(line)
        else:
            groups.append((("text", "", line.number), [line]))
            continue
        if open_item:
            joined = join_fragments([item.text for item in groups[-1][1]])
            if has_tail(joined, layout) or (layout.item_style == "paren" and joined.endswith(TERMINATORS)):
                open_item = False
    return groups


def split_tail(text: str, layout: Layout = Layout()) -> tuple[str, str | None]:
    """Split a task's text from its trailing list of responsible units.

    >>> split_tail("开辟专利快速预审新通道。（责任单位：市市场监管局、市中级人民法院）")
    ('开辟专利快速预审新通道。', '责任单位：市市场监管局、市中级人民法院')
    >>> split_tail("降低开办企业成本。(市市场监管局)", Layout(bare_tail=True))
    ('降低开办企业成本。', '责任单位：市市场监管局')
    >>> split_tail("没有单位。")
    ('没有单位。', None)
    """
    match = LABELLED_TAIL.search(text)
    if match:
        return text[: match.start()].rstrip(), match.group(1)
    if layout.bare_tail:
        bare = BARE_TAIL.search(text)
        if bare:
            return text[: bare.start()].rstrip(), "责任单位：" + bare.group(1)
    return text, None


@dataclass(frozen=True)
class Tail:
    """What a task's trailing parenthesis says."""

    agencies: tuple[AgencyMention, ...]
    open_ended: bool
    official: str | None
    deadline_text: str | None


def split_names(chunk: str) -> tuple[list[str], bool]:
    """Split a printed list of units into names; a trailing 等 (and others) is dropped.

    >>> split_names("市卫生健康委、市民政局等各有关单位")
    (['市卫生健康委', '市民政局', '各有关单位'], True)
    >>> split_names("市交通运输局、市前海管理局等")
    (['市交通运输局', '市前海管理局'], True)
    >>> split_names("市财政局按职责分工负责")
    (['市财政局'], False)
    """
    names: list[str] = []
    open_ended = False
    for raw in re.split(r"[、，,；;]", chunk):
        # "按职责分工负责" (each according to its duties) qualifies the unit; it is not a name.
        name = re.sub(r"\s+", "", raw).strip("。").removesuffix("按职责分工负责")
        parts = re.split(r"等(?=各)", name)
        if len(parts) > 1:
            open_ended = True
        for part in parts:
            if part.endswith("等"):
                part, open_ended = part[:-1], True
            if part:
                names.append(part)
    return names, open_ended


def parse_agencies(tail: str) -> Tail:
    """Read a trailing parenthesis: units by role, the named official, the deadline.

    >>> tail = parse_agencies("牵头单位:市委组织部;参加单位:市科技创新委、市财政局等")
    >>> [(m.name, m.role) for m in tail.agencies], tail.open_ended
    ([('市委组织部', 'lead'), ('市科技创新委', 'participating'), ('市财政局', 'participating')], True)
    >>> tail = parse_agencies("责任单位: 市工业和信息化局, 责任人: 余锡权, 完成时限: 12 月底")
    >>> [m.name for m in tail.agencies], tail.official, tail.deadline_text
    (['市工业和信息化局'], '余锡权', '12 月底')
    """
    mentions: list[AgencyMention] = []
    open_ended = False
    official = deadline = None
    labels = list(FIELD_LABEL.finditer(tail))
    for index, label in enumerate(labels):
        end = labels[index + 1].start() if index + 1 < len(labels) else len(tail)
        chunk = tail[label.end(): end].strip().strip("；;，,。 ")
        if label.group(1) == "责任人":
            official = chunk
        elif label.group(1) == "完成时限":
            deadline = chunk
        else:
            names, more = split_names(chunk)
            open_ended = open_ended or more
            mentions.extend(AgencyMention(name, ROLE_OF_LABEL[label.group(1)]) for name in names)
    return Tail(tuple(mentions), open_ended, official, deadline)


def first_sentence(text: str) -> str:
    """The task's short title: its first sentence without the final 。.

    >>> first_sentence("强化知识产权保护。开展知识产权纠纷快速处理。")
    '强化知识产权保护'
    """
    head, _, _ = text.partition("。")
    return head.strip()


def parse_task(lines: Sequence[Line], section: str | None, file: str,
               layout: Layout = Layout(), year: int | None = None) -> TaskRecord:
    """Parse one numbered prose item (its lines joined) into a :class:`TaskRecord`.

    Args:
        lines: the item's lines.
        section: the key of the section it stands in.
        file: the source file's name, for errors.
        layout: how the plan prints its items.
        year: the year of month-end deadlines printed without one (``12 月底``).

    Raises:
        LoaderError: the item has no text after its number.
    """
    joined = join_fragments([line.text for line in lines])
    start = item_start(joined, layout)
    if start is None:
        raise LoaderError("an item must start with its number", file, lines[0].number)
    number, rest = start
    body, tail_text = split_tail(rest, layout)
    if not body:
        raise LoaderError("the item has no text after its number", file, lines[0].number)
    tail = parse_agencies(tail_text) if tail_text else Tail((), False, None, None)
    return TaskRecord(
        number=number,
        title=first_sentence(body),
        text=body,
        section=section,
        agencies=tail.agencies,
        agencies_open=tail.open_ended,
        source_line=lines[0].number,
        deadline_text=tail.deadline_text,
        deadline=month_end(tail.deadline_text, year) if tail.deadline_text else None,
        responsible_official=tail.official,
    )


def parse_plan_lines(title: Line, lines: Sequence[Line], file: str,
                     layout: Layout = Layout()) -> PlanRecord:
    """Parse the lines of one plan into its sections and tasks.

    Only sections that hold tasks (and their parents) are kept. ``落实《…》`` in the text before
    the first heading names the plan this one carries out.
    """
    sections: dict[str, SectionRecord] = {}
    tasks: list[TaskRecord] = []
    implements: list[str] = []
    top: SectionRecord | None = None
    current: SectionRecord | None = None
    year = plan_year(title.text)
    for heading, group in split_items(lines, layout):
        if heading is None:
            owner = current or top
            if owner is not None:
                sections.setdefault(owner.key, owner)
                if owner.parent and top is not None:
                    sections.setdefault(top.key, top)
            tasks.append(parse_task(group, owner.key if owner else None, file, layout, year))
            continue
        kind, numeral, number = heading
        text = group[0].text
        if kind == "empty":
            raise LoaderError(f"item {int(numeral)} has no text after its number", file, number)
        if kind == "text":
            if top is None:
                implements.extend(normalise_title(t) for t in IMPLEMENTS.findall(text))
        elif kind == "top":
            match = TOP_HEADING.match(text)
            assert match is not None
            top = SectionRecord(str(chinese_numeral(numeral)), match.group(2).strip(), None, number)
            current = None
        else:
            match = SECTION_HEADING.match(text)
            assert match is not None
            key = str(chinese_numeral(numeral))
            parent = top.key if top else None
            current = SectionRecord(f"{parent}.{key}" if parent else key,
                                    match.group(2).strip(), parent, number)
    ordered = sorted(sections.values(), key=lambda s: s.line)
    return PlanRecord(normalise_title(title.text), title.number, tuple(ordered), tuple(tasks),
                      implements=tuple(dict.fromkeys(implements)))


def annexes(plans: Sequence[tuple[Line, list[Line]]]) -> dict[str, str]:
    """Which plan is the annex (附件) of which: annex title → parent title."""
    found: dict[str, str] = {}
    for title, body in plans:
        for line in body:
            match = ANNEX.match(line.text)
            if match:
                found[normalise_title(match.group(1))] = normalise_title(title.text)
    return found


def load(path: Path, encoding: str = "utf-8", layout: Layout = Layout()) -> SourceRecord:
    """Read a file of numbered prose plans.

    Args:
        path: the source file.
        encoding: its text encoding.
        layout: how its plans print their items.

    Returns:
        The plans, declared task counts and issuing notices found in the file.

    Raises:
        LoaderError: the file holds no plan, or an item cannot be parsed.
    """
    raw, digest = read_source(path, encoding)
    lines = clean_lines(raw)
    cut = split_plans(lines)
    parents = annexes(cut)
    plans = []
    for title, body in cut:
        plan = parse_plan_lines(title, body, path.name, layout)
        if plan.tasks:
            if plan.title in parents:
                plan = PlanRecord(plan.title, plan.source_line, plan.sections, plan.tasks,
                                  implements=plan.implements, annex_of=parents[plan.title])
            plans.append(plan)
    if not plans:
        raise LoaderError("no numbered plan found", path.name, None)
    before_first = [line for line in lines if line.number < plans[0].source_line]
    return SourceRecord(path.name, digest, __name__.rsplit(".", 1)[-1], tuple(plans),
                        tuple(find_declared_counts(before_first)),
                        notices=tuple(find_notices(before_first)))


def describe(record: SourceRecord) -> str:
    """A readable listing of a source record (for running a loader alone)."""
    out = []
    for notice in record.notices:
        out.append(f"notice {notice.identifier} {notice.issued} {'、'.join(notice.publishers)}"
                   f" → {'、'.join(notice.plan_titles)}")
    for plan in record.plans:
        out.append(f"{plan.title} (line {plan.source_line}): {len(plan.tasks)} tasks"
                   + (f", implements {plan.implements}" if plan.implements else "")
                   + (f", annex of {plan.annex_of}" if plan.annex_of else ""))
        for task in plan.tasks:
            roles = "、".join(f"{a.name}[{a.role}]" for a in task.agencies)
            extra = f" | {task.responsible_official} | {task.deadline_text}" if task.deadline_text else ""
            out.append(f"  {task.number}. {task.title} — {roles}{extra}")
    for declared in record.declared_counts:
        out.append(f"declared: {declared.plan_title} = {declared.count} (line {declared.line})")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the records of the files given on the command line."""
    for name in argv if argv is not None else sys.argv[1:]:
        print(describe(load(Path(name))))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
