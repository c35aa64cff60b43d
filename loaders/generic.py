"""The generic plan loader: any government's plan, recognised by its structure.

A pipeline of pure functions: clean the lines (conversion noise, page numbers, items run
together on one line) → read the document's metadata (title, issuer, date, 文号, place) → find
the numbered items and their nesting → choose the numbering level that carries the work →
parse each item (title, units by role, deadline) → :class:`SourceRecord`. Tables printed one
cell per line, as ``|`` rows or tab-separated rows are read as rows of cells first.

Nothing here depends on who issued the plan: titles of any issuer and kind, items numbered
``1.`` ``1、`` ``（一）`` ``(1)`` ``①`` ``第一条``, unit lists in any bracket or on lines of their
own (see :mod:`plankg.loaders.layout` for the role words).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import pairwise
from pathlib import Path

from plankg.graph.records import (
    AgencyMention,
    LoaderError,
    PlanRecord,
    SectionRecord,
    SourceRecord,
    TaskRecord,
)
from plankg.loaders.layout import (
    LABEL,
    STYLE_DEPTH,
    Numbering,
    UnitSpec,
    bracket_groups,
    numbering,
    parse_deadline,
    parse_unit_spec,
    remove_noise,
    simplified,
    split_unit_names,
    task_deadline,
    title_of,
)
from plankg.loaders.text import clean_line, read_source

__all__ = ["Line", "load", "read_lines"]

_KINDS = ("方案", "计划", "要点", "措施", "清单", "意见", "分工", "通知", "纲要", "规划", "办法", "细则",
          "举措", "任务", "安排", "决定", "责任分工表", "分工表", "行动", "条", "规定")
#: What the title of a plan another plan carries out ends with (not a law: 条例, 办法).
_PLAN_KINDS = ("方案", "计划", "要点", "措施", "清单", "意见", "分工", "纲要", "规划", "举措")
_PERIOD_TAIL = re.compile(r"(?:[（(]\s*\d{4}\s*(?:[—–\-－~至]+\s*\d{4})?\s*年?\s*(?:版)?[)）]|"
                          r"[（(](?:试行|暂行|征求意见稿|送审稿|修订|修订版)[)）])+$")
_DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,12}\s*[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]\s*\d{1,4}\s*[号號])")
_DATE_LINE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_ORG_END = re.compile(r"(人民政府|政府|办公厅|办公室|局|委员会|委|厅|部|署|院|小组|中心|管委会|办)$")
_CHROME = re.compile(r"(当前位置|您的位置|你的位置|首页|发布时间|发布日期|来源|浏览|字体|打印|分享|索引号|主题词|"
                     r"点击|无障碍|关怀版|扫一扫|微信|微博|收藏|更新时间|信息来源|发表于|关注)")
_BOILERPLATE_CHAPTER = re.compile(r"(总体要求|指导思想|工作目标|基本原则|主要目标|保障措施|组织保障|组织实施|"
                                  r"工作要求|实施步骤|进度安排|工作机制|职责分工|有关要求)")
_PAGE_NUMBER = re.compile(r"^\d{1,4}\s+(?=[一二三四五六七八九十]+、|\d{1,3}[.．、]\D)")
_INLINE_MARK = re.compile(r"(?:(?<=[。；;！？)）〕\]])|\s+)\s*(?=(?:\d{1,3}\s*[.．、](?!\d)|[（(]\d{1,3}[)）]|"
                          r"[（(][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}、)\S)"
                          # （一） run on after a chapter heading with no mark between them
                          r"|(?<=[\u4e00-\u9fff])(?=[（(][一二三四五六七八九十]{1,3}[)）]\S)")
_HEADING_LIMIT = 25
_MEASURES_FOLLOW = re.compile(r"(具体措施|主要措施|具体任务|工作措施|具体举措)\s*[:：]\s*$")
_TABLE_COLUMNS = {
    "序号": "number", "编号": "number",
    "重点工作": "task", "工作任务": "task", "主要任务": "task", "任务内容": "task", "改革事项": "task",
    "具体措施": "task", "工作内容": "task", "重点任务": "task", "任务": "task", "工作措施": "task",
    "改革举措": "task", "举措": "task", "事项": "task",
    "牵头单位": "lead", "牵头部门": "lead", "责任单位": "responsible", "责任部门": "responsible",
    "配合单位": "participating", "配合部门": "participating", "参与单位": "participating",
    "协办单位": "participating",
    "完成时限": "deadline", "时限要求": "deadline", "完成时间": "deadline", "时间节点": "deadline",
    "分管领导": "skip", "市政府分管领导": "skip", "责任人": "skip", "备注": "skip",
    "改革任务": "task", "工作举措": "task", "主要内容": "task", "具体内容": "task", "任务措施": "task",
    "重点改革任务": "task", "改革内容": "task", "工作要点": "task", "主要举措": "task", "政策措施": "task",
    "主责单位": "lead", "牵头部门（单位）": "lead", "牵头单位（部门）": "lead",
    "落实单位": "responsible", "实施单位": "responsible", "责任单位（部门）": "responsible",
    "协同单位": "participating", "协作单位": "participating", "支持单位": "participating",
    "参加单位": "participating", "配合部门（单位）": "participating",
    "完成期限": "deadline", "时间安排": "deadline", "时间进度": "deadline", "进度安排": "deadline",
    "时限": "deadline", "完成时限要求": "deadline",
    "责任领导": "skip", "牵头领导": "skip", "领域": "skip", "所属领域": "skip", "类别": "skip",
    "工作目标": "skip", "预期成效": "skip", "指标": "skip",
}


@dataclass(frozen=True)
class Line:
    """A non-blank line (or a piece of one holding one item) with its 1-based line number."""

    number: int
    text: str


@dataclass
class Metadata:
    """What the document prints about itself before its items."""

    titles: list[tuple[int, str]] = field(default_factory=list)
    notice_title: str | None = None
    named_title: str | None = None
    issuer: str | None = None
    issued: date | None = None
    identifier: str | None = None


@dataclass
class Item:
    """A numbered item with the lines that follow it up to the next numbered line."""

    line: int
    numbering: Numbering
    lines: list[Line]
    parent: Item | None = None
    depth: int = 0  # the level of its numbering style, in the order the file first uses them


# ----------------------------------------------------------------------------- lines


def prepare_lines(raw: Sequence[str]) -> list[Line]:
    """Clean every line (conversion marks, pinyin glosses, page numbers), drop the blank ones
    and split a line that runs several numbered items together (1.… 2.…), where the numbers
    follow one another."""
    out: list[Line] = []
    last: dict[str, int] = {}
    raw = join_viewer_chunks(raw)
    for number, text in enumerate(raw, start=1):
        text = re.sub(r"^\s*\?{2,}\s*", "", text)  # full-width spaces turned into ?? by a conversion
        cleaned = _PAGE_NUMBER.sub("", remove_noise(clean_line(text.replace("\u3000", " "))).strip())
        if not cleaned:
            continue
        for piece in _split_inline(cleaned, last):
            out.append(Line(number, piece))
            mark = numbering(piece)
            if mark:
                last[mark.style] = mark.number
                for style, depth in STYLE_DEPTH.items():  # a new parent restarts deeper lists
                    if depth > STYLE_DEPTH[mark.style]:
                        last.pop(style, None)
    return out


_CHUNK = re.compile(r"^(\d{1,3})、")


def join_viewer_chunks(raw: Sequence[str]) -> list[str]:
    """Undo a document viewer's page chunks: lines opening 1、 2、 … where a chunk starts in
    the middle of a sentence of the one before (…个体工商 / 2、户提供…). Such markers number the
    viewer's pieces, not items; every chunk is joined to the one before it (the line count is
    kept, so line numbers stay those of the file)."""
    starts = [i for i, line in enumerate(raw) if _CHUNK.match(line.strip())]
    numbers = [int(_CHUNK.match(raw[i].strip()).group(1)) for i in starts]  # type: ignore[union-attr]
    if len(starts) < 2 or numbers != list(range(1, len(starts) + 1)):
        return list(raw)
    def mid_sentence(i: int) -> bool:
        before = next((raw[j].strip() for j in range(i - 1, -1, -1) if raw[j].strip()), "")
        return bool(before) and not before.endswith(("。", "；", "！", "？", "：", ":", "）", ")"))
    if not any(mid_sentence(i) for i in starts[1:]):
        return list(raw)
    out = list(raw)
    for i in starts:
        out[i] = _CHUNK.sub("", out[i].strip())
    joined: list[str] = []
    for i, line in enumerate(out):  # a chunk continues the line before it: keep the count
        if i in starts and i > starts[0] and joined:
            joined[-1] = joined[-1].rstrip() + line
            joined.append("")
        else:
            joined.append(line)
    return joined


def _split_inline(text: str, last: dict[str, int]) -> list[str]:
    """Split a line at inline item numbers that continue the numbering seen so far."""
    pieces: list[str] = []
    start = 0
    expected = dict(last)
    head = numbering(text)
    current_depth = STYLE_DEPTH[head.style] if head else None
    if head:
        expected[head.style] = head.number
    for match in _INLINE_MARK.finditer(text):
        cut = match.end()
        if cut <= start:
            continue
        mark = numbering(text[cut:])
        if mark is None:
            continue
        depth = STYLE_DEPTH[mark.style]
        follows = mark.number == expected.get(mark.style, 0) + 1
        opens = mark.number == 1 and current_depth is not None and depth > current_depth
        if not (follows or opens) or (mark.number == 1 and not opens and mark.style in expected):
            continue
        if depth < (current_depth or 0) and not follows:
            continue
        pieces.append(text[start: match.start()].strip())
        start = cut
        expected[mark.style] = mark.number
        current_depth = depth
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]


# ----------------------------------------------------------------------------- metadata


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


#: Web-page words printed after a title (关于…的若干措施政策咨询).
_TITLE_CHROME = re.compile(r"(?<=[案划点施单见工表纲法则举务排定条])(政策咨询|政策解读|图文解读|全文|原文|正文|附件下载)$")


def _is_title_like(text: str) -> bool:
    plain = _TITLE_CHROME.sub("", simplified(_squash(text)))
    plain = _PERIOD_TAIL.sub("", plain)
    plain = re.sub(r"[（(][^（()）]*〔\d{4}〕[^（()）]*[)）]$", "", plain)
    if not 6 <= len(plain) <= 90 or "。" in plain or plain.startswith(("为", "根据", "按照", "现将", "经", "《", "(", "（")):
        return False
    if re.search(r"印发给你们|如下[:：]?$|[:：]", plain) or _CHROME.search(plain):
        return False
    return plain.endswith(_KINDS)


def _is_fragment(text: str) -> bool:
    plain = simplified(_squash(text))
    return (2 <= len(plain) <= 30 and not re.search(r"[。，,:：；;、]", plain) and not numbering(text)
            and not _DATE_LINE.match(plain) and not _CHROME.search(plain) and not plain.startswith(("(", "（")))


def _notice_plan(text: str) -> str | None:
    """The plan a notice issues: 关于印发《X》的通知 → X."""
    plain = _squash(text)
    quoted = re.search(r"印发[^《]*《(.+?)》", plain)
    if quoted:
        return quoted.group(1)
    bare = re.search(r"关于印发(.+?)的通知", simplified(plain))
    if bare:
        return plain[bare.start(1): bare.end(1)]
    return None


def read_metadata(lines: Sequence[Line], stop: int) -> Metadata:
    """Read title candidates, issuer, date and 文号 from the lines before the first item."""
    meta = Metadata()
    head = [line for line in lines if line.number < stop]
    for index, line in enumerate(head):
        text = line.text
        plain = simplified(text)
        named = re.search(r"名\s*称\s*[:：]\s*(.+?)\s*$", plain)
        if named:
            value = _squash(text[named.start(1):])
            meta.named_title = _notice_plan(value) or value
        publisher = re.search(r"发布机构\s*[:：]\s*(\S+?)(?=发布日期|成文日期|\s|$)", plain)
        if publisher and not meta.issuer:
            meta.issuer = text[publisher.start(1): publisher.end(1)]
        written = re.search(r"成文日期\s*[:：]\s*(\d{4}-\d{1,2}-\d{1,2})", plain)
        if written:
            meta.issued = _iso(written.group(1))
        number = re.search(r"文\s*号\s*[:：]\s*(\S+〔\d{4}〕\d+[号號])", plain)
        if number:
            meta.identifier = text[number.start(1): number.end(1)]
        elif not meta.identifier:
            standalone = _DOC_NUMBER.fullmatch(_squash(text)) or (
                _DOC_NUMBER.search(_squash(text)) if _is_title_like(text) else None)
            if standalone:
                meta.identifier = _squash(standalone.group(1))
        dated = _DATE_LINE.match(_arabic_date(_squash(plain)))
        if dated and index > 0:
            signer = head[index - 1].text
            if _ORG_END.search(simplified(_squash(signer))) and len(_squash(signer)) <= 30:
                meta.issuer = meta.issuer or _squash(signer)
                meta.issued = meta.issued or _date(*dated.groups())
        if _is_title_like(text):
            title = _squash(text)
            chrome = _TITLE_CHROME.search(simplified(title))
            title = title[: chrome.start()] if chrome else title
            notice = _notice_plan(title) if simplified(title).endswith("通知") else None
            if notice:
                meta.notice_title = notice
            previous = head[index - 1] if index > 0 else None
            if previous and _is_fragment(previous.text) and (
                    not _ORG_END.search(simplified(_squash(previous.text))) or simplified(title).startswith("关于")):
                title = _squash(previous.text) + title
            meta.titles.append((line.number, title))
        source = re.search(r"来源\s*[:：]\s*(\S+?)(?:发布时间|发布日期|更新时间|\s|$)", plain)
        if source and not meta.issuer and _ORG_END.search(source.group(1)):
            meta.issuer = text[source.start(1): source.end(1)]
    return meta


def _arabic_date(text: str) -> str:
    """二〇二四年三月五日 → 2024年3月5日 (signature dates are often printed in Chinese numerals)."""
    match = re.fullmatch(r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日", text)
    if not match:
        return text
    from plankg.loaders.layout import chinese_number

    year = "".join(str("〇一二三四五六七八九".index(c)) if c != "零" else "0" for c in match.group(1))
    return f"{year}年{chinese_number(match.group(2))}月{chinese_number(match.group(3))}日"


def _iso(text: str) -> date | None:
    match = _ISO_DATE.search(text)
    return _date(*match.groups()) if match else None


def _date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def choose_title(meta: Metadata) -> tuple[str | None, int | None]:
    """The plan's title: the last title line printed before the items, where a notice's own
    title gives way to the plan it issues."""
    for number, title in reversed(meta.titles):
        plain = simplified(title)
        if plain.endswith("通知"):
            issued = _notice_plan(title)
            if issued:
                return issued, number
            if not re.search(r"关于印发|转发", plain):
                return _clean_title(title), number
            continue
        return _clean_title(title), number
    if meta.named_title:
        return meta.named_title, None
    if meta.notice_title:
        return meta.notice_title, None
    return None, None


def _clean_title(title: str) -> str:
    """A title without a trailing （文号）."""
    return re.sub(r"[（(][^（()）]*〔\d{4}〕[^（()）]*[)）]$", "", title)


_NAME = r"[^\W\d_a-zA-Z省市区县旗盟]"  # a character of a place name (not a level word)
_PLACE = re.compile(
    r"^(国务院|"
    rf"(?:{_NAME}{{2,7}}?(?:省|自治区|特别行政区))?"
    rf"(?:{_NAME}{{1,8}}?(?:(?<!城)市(?!场)|自治州|地区|盟))?"
    rf"(?:{_NAME}{{1,6}}?(?:区|县|旗|(?<!城)市(?!场)))?)")  # not 市场 or 城市


def place_of(text: str | None) -> str | None:
    """The place name a title or an issuer's name opens with (深圳市光明区, 广东省, 国务院).

    >>> place_of("深圳市光明区发展和改革局"), place_of("广东省人民政府办公厅"), place_of("关于促进民营经济")
    ('深圳市光明区', '广东省', None)
    """
    if not text:
        return None
    plain = simplified(_squash(text))
    plain = re.sub(r"^\d{4}年", "", plain)
    match = _PLACE.match(plain)
    if not match or not match.group(1):
        return None
    place = match.group(1)
    if simplified(place).startswith(("关于", "全国", "中共")):
        return None
    return place


def period_of(title: str) -> tuple[int, int] | None:
    """The years a title says the plan covers.

    >>> period_of("深圳市优化市场化营商环境工作方案（2023—2025年）"), period_of("四川省“十四五”现代流通体系建设实施方案")
    ((2023, 2025), (2021, 2025))
    """
    plain = _squash(title)
    span = re.search(r"(\d{4})\s*[—–\-－~至]+\s*(\d{4})", plain)
    if span:
        return int(span.group(1)), int(span.group(2))
    five = re.search(r"“?(十[一二三四五六七八九])五”?", plain)
    if five:
        plan = {"十一": 11, "十二": 12, "十三": 13, "十四": 14, "十五": 15, "十六": 16}.get(five.group(1))
        if plan:
            start = 2006 + (plan - 11) * 5
            return start, start + 4
    years = sorted({int(y) for y in re.findall(r"(\d{4})\s*年", plain)})
    if len(years) == 1:
        return years[0], years[0]
    return None


# ----------------------------------------------------------------------------- tables


def table_rows(lines: Sequence[Line]) -> tuple[list[str], list[tuple[int, list[str]]]] | None:
    """A table printed one cell per line, as ``|`` rows or as tab-separated rows: the column
    roles and the rows (line, cells) whose first cell is a number."""
    for index, line in enumerate(lines):
        spaced = line.text.split()
        head = 0
        while head < len(spaced) and simplified(spaced[head]) in _TABLE_COLUMNS:
            head += 1
        if head >= 3 and "|" not in line.text and "\t" not in line.text and _header_roles(spaced[:head]):
            # a table flattened into space-separated cells: rows on lines of their own, or the
            # whole table run into one line; a row starts at the next row number
            stream = [(line.number, token) for token in spaced[head:]]
            stream += [(ln.number, token) for ln in lines[index + 1:] for token in ln.text.split()]
            return _header_roles(spaced[:head]) or [], _flat_rows(stream)
        cells = _row_cells(line.text)
        if cells and len(cells) >= 3 and _header_roles(cells):
            cell_rows = [(ln.number, _row_cells(ln.text) or []) for ln in lines[index + 1:]]
            return (_header_roles(cells) or [],
                    [(n, c) for n, c in cell_rows if c and re.fullmatch(r"\d{1,3}\*?", c[0])])
        if simplified(line.text) in ("序号", "编号"):
            header: list[str] = []
            j = index
            while j < len(lines) and len(header) < 10:
                cell = simplified(_squash(lines[j].text))
                if j + 1 < len(lines) and cell not in _TABLE_COLUMNS and \
                        cell + simplified(_squash(lines[j + 1].text)) in _TABLE_COLUMNS:
                    cell += simplified(_squash(lines[j + 1].text))
                    j += 1
                elif cell not in _TABLE_COLUMNS and not any(cell.endswith(k) for k in _TABLE_COLUMNS):
                    break
                header.append(cell)
                j += 1
            column_roles = _header_roles(header)
            if not column_roles or "task" not in column_roles:
                continue
            rows: list[tuple[int, list[str]]] = []
            current: list[str] | None = None
            for ln in lines[j:]:
                if re.fullmatch(r"\d{1,3}\*?", ln.text.strip()):
                    current = [ln.text.strip()]
                    rows.append((ln.number, current))
                elif numbering(ln.text) and current is not None:
                    current = None
                elif current is not None:
                    current.append(ln.text.strip())
            return column_roles, rows
    return None


def _flat_rows(stream: Sequence[tuple[int, str]]) -> list[tuple[int, list[str]]]:
    """Rows from a stream of (line, token): a row starts at the token that is the next row
    number; a chapter heading (一、…) ending a row belongs to no cell."""
    rows: list[tuple[int, list[str]]] = []
    expected = 1
    for number, token in stream:
        if re.fullmatch(rf"{expected}\*?", token):
            rows.append((number, [token]))
            expected += 1
        elif rows:
            rows[-1][1].append(token)
    for _, cells in rows:
        while len(cells) > 1 and numbering(cells[-1]) and numbering(cells[-1]).style in ("chapter", "section"):  # type: ignore[union-attr]
            cells.pop()
    return rows


def _row_cells(text: str) -> list[str] | None:
    if text.count("|") >= 2:
        cells = [c.strip() for c in text.strip().strip("|").split("|")]
        return cells if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c) else None
    if text.count("\t") >= 2:
        return [c.strip() for c in text.split("\t")]
    return None


def _header_roles(cells: Sequence[str]) -> list[str] | None:
    roles = []
    for cell in cells:
        plain = simplified(_squash(cell))
        role = _TABLE_COLUMNS.get(plain) or next((r for k, r in _TABLE_COLUMNS.items() if plain.endswith(k)), None)
        roles.append(role or "skip")
    return roles if "task" in roles and "number" in roles else None


def table_tasks(roles: Sequence[str], rows: Sequence[tuple[int, list[str]]],
                year: int | None) -> list[TaskRecord]:
    """Tasks from table rows, each cell read by its column's role."""
    has_lead = "lead" in roles
    tasks = []
    for line, cells in rows:
        values: dict[str, str] = {}
        columns = list(roles)
        if len(cells) < len(columns) and columns[-1] != "skip":
            # cells merged across rows are missing on the left (a 工作任务 heading spanning
            # several rows): the row's own cells are its last ones
            columns = [columns[0], *columns[len(columns) - len(cells) + 1:]]
        for role, cell in zip(columns, cells, strict=False):
            if cell and (role not in values or role == "task"):
                values[role] = cell  # with two task columns the later, more specific one
        task_text = values.get("task", "").strip()
        mentions: list[AgencyMention] = []
        others = False
        for role in ("lead", "responsible", "participating"):
            if role in values:
                names, more = split_unit_names(values[role])
                given = "participating" if role == "responsible" and has_lead else role
                mentions.extend(AgencyMention(n, given) for n in names)
                others = others or more
        deadline = parse_deadline(values["deadline"], year) if values.get("deadline") else None
        number = int(cells[0].rstrip("*"))
        tasks.append(TaskRecord(
            number=number, title=title_of(task_text), text=task_text, section=None,
            agencies=tuple(_order(mentions)), source_line=line, agencies_open=others,
            deadline_text=deadline.text if deadline else None, deadline=deadline.date if deadline else None,
            deadline_precision=deadline.precision if deadline else None,
            national_reform=True if cells[0].endswith("*") else None))
    return tasks


def _order(mentions: list[AgencyMention]) -> list[AgencyMention]:
    seen: set[tuple[str, str]] = set()
    out = []
    for m in mentions:
        if (m.name, m.role) not in seen:
            seen.add((m.name, m.role))
            out.append(m)
    return out


# ----------------------------------------------------------------------------- items


def find_items(lines: Sequence[Line]) -> list[Item]:
    """The numbered items with the lines that belong to each and their nesting.

    Levels follow the order in which the file first uses each numbering style (第一条 may hold
    （一）, or （一） may hold 1.). A list introduced by 以下条件： / 如下： inside an item is part
    of that item (conditions, not tasks), unless it is a list of measures (具体措施：).
    """
    items: list[Item] = []
    open_items: list[Item] = []
    level: dict[str, int] = {}
    absorbing: Item | None = None
    for line in lines:
        mark = numbering(line.text)
        if mark is not None and not _is_date_like(line.text):
            depth = level.setdefault(mark.style, len(level))
            if absorbing is not None and depth > absorbing.depth:
                absorbing.lines.append(line)
                continue
            absorbing = None
            if open_items and depth > open_items[-1].depth and _lists_conditions(open_items[-1]):
                absorbing = open_items[-1]
                absorbing.lines.append(line)
                continue
            while open_items and open_items[-1].depth >= depth:
                open_items.pop()
            item = Item(line.number, mark, [Line(line.number, mark.rest)], open_items[-1] if open_items else None,
                        depth)
            items.append(item)
            open_items.append(item)
        elif items and _continues(items[-1], line.text):
            items[-1].lines.append(line)
    return items


def _lists_conditions(item: Item) -> bool:
    last = simplified(item.lines[-1].text.strip())
    return (last.endswith(("：", ":")) and not _MEASURES_FOLLOW.search(last)
            and bool(re.search(r"(以下|如下|下列|条件|包括|情形|标准)[^，,。；;]{0,8}[:：]$", last)))


def style_levels(items: Sequence[Item]) -> dict[str, int]:
    """The level of each numbering style the items use."""
    return {item.numbering.style: item.depth for item in items}


def _is_date_like(text: str) -> bool:
    return bool(re.match(r"^\d{1,2}\s*[.．、]\s*\d(?!\d{3}\s*年)", text))


def _continues(item: Item, text: str) -> bool:
    """Whether a line without a number goes on the item before it (continued text or a
    units/deadline field), rather than being page furniture after the items."""
    plain = simplified(text)
    if LABEL.match(plain) or re.match(r"^[（(〔\[【]", plain) or plain.rstrip().endswith(("：", ":")):
        return True
    last = item.lines[-1].text
    if LABEL.match(simplified(last.strip())):
        return False  # after a 责任单位：/完成时限： line only another field continues the item
    if not last.rstrip().endswith(("。", "；", "！", "？", "）", ")", "〕", "]", "】")):
        return True
    return len(plain) >= 15 and bool(re.search(r"[，,。；]", plain))


def choose_task_style(items: Sequence[Item]) -> str | None:
    """The numbering level that carries the work: the deepest level whose items name units,
    else the deepest level with items; levels used only under 总体要求 / 保障措施 chapters that
    number from 1 again are left out."""
    kept = [item for item in items if not _under_boilerplate(item)]
    if not kept:
        kept = list(items)
    depth = style_levels(items)
    with_units = Counter(item.numbering.style for item in kept if _item_spec(item))
    if with_units:
        chosen = max(with_units, key=lambda style: depth[style])
        # 具体措施：1. … under a unit-bearing item: the measures are the tasks
        deeper = [item for item in kept if depth[item.numbering.style] > depth[chosen]
                  and item.parent is not None and item.parent.numbering.style == chosen
                  and _MEASURES_FOLLOW.search(simplified(_item_text(item.parent)))]
        if deeper:
            return deeper[0].numbering.style
        return chosen
    counts = Counter(item.numbering.style for item in kept)
    if not counts:
        return None
    several = [style for style, n in counts.items() if n >= 2] or list(counts)
    return max(several, key=lambda style: depth[style])


def _under_boilerplate(item: Item) -> bool:
    parent = item.parent
    while parent is not None:
        if _BOILERPLATE_CHAPTER.search(simplified(parent.numbering.rest[:20])):
            return True
        parent = parent.parent
    return bool(_BOILERPLATE_CHAPTER.fullmatch(simplified(title_of(item.numbering.rest))))


def _item_text(item: Item) -> str:
    return "".join(line.text.strip() for line in item.lines)


@dataclass(frozen=True)
class ParsedUnits:
    text: str
    spec: UnitSpec


def _item_spec(item: Item) -> UnitSpec:
    return parse_item_units(item.lines).spec


def parse_item_units(lines: Sequence[Line]) -> ParsedUnits:
    """The units and deadline an item prints (bracketed lists, field lines, 要牵头), and the
    item's text without them."""
    body_parts: list[str] = []
    mentions: list[AgencyMention] = []
    others = False
    deadline: str | None = None
    for line in lines:
        plain = simplified(line.text.strip())
        if LABEL.match(plain):
            spec = parse_unit_spec(line.text.strip())
            mentions.extend(spec.agencies)
            others = others or spec.others
            deadline = deadline or spec.deadline_text
            continue
        body_parts.append(line.text.strip())
    text = "".join(body_parts)
    kept: list[str] = []
    position = 0
    spans = bracket_groups(text)
    for start, end in spans:
        inner = text[start + 1: end - 1]
        after = text[end:].lstrip()
        at_end = not after.strip("。；;") or after[:1] in "（(〔[【"
        before = text[:start].rstrip()
        sentence_end = before.endswith(("。", "；", ";", "）", ")", "〕"))
        spec = parse_unit_spec(inner, labelled_only=not (at_end or sentence_end))
        if not spec or not (at_end or sentence_end or LABEL.search(simplified(inner))):
            continue
        kept.append(text[position:start])
        position = end
        mentions.extend(spec.agencies)
        others = others or spec.others
        deadline = deadline or spec.deadline_text
    kept.append(text[position:])
    text = "".join(kept).strip()
    cut = _unclosed_bracket(text)
    if cut is not None and LABEL.search(simplified(text[cut + 1:])):
        # the text stops inside its unit list (an excerpt cut off): read what is there
        spec = parse_unit_spec(text[cut + 1:])
        text = text[:cut].strip()
        mentions.extend(spec.agencies)
        others = others or spec.others
        deadline = deadline or spec.deadline_text
    inline = _inline_label(text)
    if inline is not None:  # …。责任单位：市发展改革委。 printed at the end of the paragraph
        spec = parse_unit_spec(text[inline:].strip())
        text = text[:inline].strip()
        mentions.extend(spec.agencies)
        others = others or spec.others
        deadline = deadline or spec.deadline_text
    lead = re.search(r"(?:^|[。；;])([^，,。；;（(]{2,20}?)要牵头", text)
    if lead and not any(m.role == "lead" for m in mentions):
        names, _ = split_unit_names(lead.group(1))
        mentions[:0] = [AgencyMention(n, "lead") for n in names]
    # 责任单位 printed before a 牵头单位 line is still participating when a lead is named
    if any(m.role == "lead" for m in mentions):
        mentions = [AgencyMention(m.name, "participating") if m.role == "responsible" else m for m in mentions]
    return ParsedUnits(text, UnitSpec(tuple(_order(mentions)), others, deadline))


def _unclosed_bracket(text: str) -> int | None:
    """Where the last bracket that is never closed opens, if any."""
    stack: list[int] = []
    for index, ch in enumerate(text):
        if ch in "（(〔[【":
            stack.append(index)
        elif ch in "）)〕]】" and stack:
            stack.pop()
    return stack[0] if stack else None


def _inline_label(text: str) -> int | None:
    """Where a unit or deadline label starts after the item's own words, outside brackets."""
    plain = simplified(text)
    inside: set[int] = set()
    for start, end in bracket_groups(text):
        inside.update(range(start, end))
    for match in LABEL.finditer(plain):
        if match.start() > 0 and match.start() not in inside and plain[match.start() - 1] in "。；;，, ":
            return match.start()
    return None


def parse_item(item: Item, year: int | None) -> TaskRecord:
    """One numbered item → a task: title, text, units by role, deadline."""
    parsed = parse_item_units(item.lines)
    first = item.lines[0].text.strip()
    heading_alone = (len(item.lines) > 1 and not re.search(r"[。！？；，,:：]", first)
                     and len(first) <= _HEADING_LIMIT and not LABEL.match(simplified(first)))
    text = parsed.text
    title = first if heading_alone else title_of(text)
    deadline_text = parsed.spec.deadline_text
    if deadline_text is None:
        rest = text[len(title):].lstrip("。！？：:") if text.startswith(title) else text
        body = rest if rest.strip() else text
        deadline_text = task_deadline(body)
    deadline = parse_deadline(deadline_text, year) if deadline_text else None
    return TaskRecord(
        number=item.numbering.number, title=title, text=text, section=None,
        agencies=parsed.spec.agencies, source_line=item.line, agencies_open=parsed.spec.others,
        deadline_text=deadline.text if deadline else None, deadline=deadline.date if deadline else None,
        deadline_precision=deadline.precision if deadline else None,
        national_reform=True if item.numbering.marked else None)


def _sections(items: Sequence[Item], style: str) -> tuple[list[SectionRecord], dict[int, str]]:
    """The headings above the task level, keyed by their path of numbers."""
    keys: dict[int, str] = {}
    sections: list[SectionRecord] = []
    depth = style_levels(items)
    for item in items:
        if depth[item.numbering.style] >= depth[style]:
            continue
        parent_key = keys.get(id(item.parent)) if item.parent else None
        key = f"{parent_key}.{item.numbering.number}" if parent_key else str(item.numbering.number)
        if any(s.key == key for s in sections):
            continue
        keys[id(item)] = key
        sections.append(SectionRecord(key, title_of(item.numbering.rest), parent_key, item.line))
    return sections, keys


# ----------------------------------------------------------------------------- the pipeline


def split_plans(lines: Sequence[Line]) -> list[list[Line]]:
    """The file's lines, one list per plan: a new plan starts at a standalone title line after
    items have been read, when a first item or a table header follows it closely (a plan and
    its annex list, several plans issued together)."""
    starts = [0]
    seen_item = False
    for index, line in enumerate(lines):
        mark = numbering(line.text)
        if (seen_item and mark is None and _is_title_like(line.text)
                and not re.search(r"[，,；;]", line.text) and _plan_follows(lines, index)):
            starts.append(index)
            seen_item = False
            continue
        if mark is not None or _row_cells(line.text):
            seen_item = True
    return [list(lines[a:b]) for a, b in zip(starts, [*starts[1:], len(lines)], strict=True)]


def _plan_follows(lines: Sequence[Line], index: int) -> bool:
    for line in lines[index + 1: index + 8]:
        mark = numbering(line.text)
        if mark is not None:
            return mark.number == 1
        cells = _row_cells(line.text)
        if simplified(line.text.strip()) in ("序号", "编号") or (cells and _header_roles(cells)):
            return True
    return False


def read_lines(file: str, digest: str, raw: Sequence[str]) -> SourceRecord:
    """Read a plan file's lines into a :class:`SourceRecord` (one plan per title that heads
    numbered items; see :func:`split_plans`).

    Raises:
        LoaderError: no numbered item is found (names the file and says what was looked for).
    """
    lines = prepare_lines(raw)
    warnings: list[str] = []
    plans: list[PlanRecord] = []
    reasons: list[str] = []
    first_meta: Metadata | None = None
    for part in split_plans(lines):
        read = _read_plan(file, part, first_meta, warnings)
        if read is None:
            continue
        plan, meta, reason = read
        if first_meta is None:
            first_meta = meta
        elif plans:
            plan = replace(plan, annex_of=plans[0].title if _is_annex(part) else None)
        plans.append(plan)
        reasons.append(reason)
    if not plans:
        raise LoaderError("no numbered item found: looked for items numbered 1. 1、 （一） (1) ① 第一条 "
                          "under 一、 chapters, and for tables with 序号 and a task column", file,
                          lines[0].number if lines else 1)
    if len(plans) > 1:
        reasons = [f"{len(plans)} plans", *reasons]
    return SourceRecord(file, digest, "generic", tuple(plans), warnings=tuple(warnings),
                        layout="generic: " + "; ".join(reasons))


def _is_annex(part: Sequence[Line]) -> bool:
    return bool(re.search(r"附件|附表|清单|分工表", simplified(part[0].text))) if part else False


def _read_plan(file: str, lines: list[Line], inherited: Metadata | None,
               warnings: list[str]) -> tuple[PlanRecord, Metadata, str] | None:
    """One plan's lines → the plan, its metadata and why it was read as it was (None when
    the lines hold no numbered item)."""
    table = table_rows(lines)
    rows = table[1] if table else []
    items = find_items(lines)
    if rows:  # numbered lines inside the table are its rows, not items
        items = [i for i in items if i.line < rows[0][0] - 1]
    style = choose_task_style(items) if not rows else None
    if not items and not rows:
        return None
    starts = [i.line for i in items] + [r[0] for r in rows]
    meta = read_metadata(lines, min(starts))
    if meta.issued is None:  # a signature printed after the items (issuer, then the date)
        for before, line in pairwise(lines):
            dated = _DATE_LINE.match(_arabic_date(_squash(simplified(line.text))))
            if dated and line.number > min(starts) and _ORG_END.search(simplified(_squash(before.text))) \
                    and len(_squash(before.text)) <= 30:
                meta.issuer = meta.issuer or _squash(before.text)
                meta.issued = _date(*dated.groups())
    if inherited is not None:
        meta.issuer = meta.issuer or inherited.issuer
        meta.issued = meta.issued or inherited.issued
        meta.identifier = meta.identifier or inherited.identifier
    title, title_line = choose_title(meta)
    printed = title is not None
    if title is None:  # the build names it from plans.csv, else the file (with a warning)
        title = Path(file).stem
    period = period_of(title) if printed else None
    year = period[1] if period and period[0] == period[1] else None
    sections: list[SectionRecord] = []
    if rows:
        assert table is not None
        tasks = table_tasks(table[0], rows, year)
        reason = (f"a table with columns {'/'.join(r for r in table[0] if r != 'skip')}, "
                  f"{len(rows)} numbered rows")
    else:
        assert style is not None
        task_items = [i for i in items if i.numbering.style == style]
        boiler = [i for i in task_items if _under_boilerplate(i)]
        if boiler and len(boiler) < len(task_items) and min(i.numbering.number for i in boiler) == 1:
            task_items = [i for i in task_items if i not in boiler]
        sections, keys = _sections(items, style)
        tasks = []
        for item in task_items:
            task = parse_item(item, year)
            parent = item.parent
            while parent is not None and id(parent) not in keys:
                parent = parent.parent
            tasks.append(replace(task, section=keys.get(id(parent)) if parent else None))
        numbers = [t.number for t in tasks]
        if len(set(numbers)) != len(numbers):
            warnings.append(f"{file}:{tasks[0].source_line}: the items number from 1 again under each "
                            f"heading; they are numbered 1..{len(tasks)} through the plan")
            tasks = [replace(t, number=n) for n, t in enumerate(tasks, start=1)]
        marks = {"chapter": "一、", "section": "（一）", "article": "第一条", "item": "1.", "subitem": "(1)",
                 "circled": "①"}
        levels = sorted({i.numbering.style for i in items}, key=style_levels(items).__getitem__)
        reason = (f"items numbered {marks[style]} are the tasks (levels seen: "
                  f"{' '.join(marks[s] for s in levels)}); {sum(1 for t in tasks if t.agencies)} "
                  f"of {len(tasks)} name their units")
    if not printed:
        reason += "; no title printed"
    preamble = "".join(line.text for line in lines if line.number < min(starts))
    plan = PlanRecord(
        title=title, source_line=title_line or (tasks[0].source_line if tasks else lines[0].number),
        sections=tuple(sections), tasks=tuple(tasks), issuer=meta.issuer, issued=meta.issued,
        identifier=meta.identifier, jurisdiction=_jurisdiction(title if printed else None, meta.issuer, meta),
        period=period, title_printed=printed,
        implements=tuple(dict.fromkeys(t for t in re.findall(r"落实《([^》]+)》", preamble)
                                       if simplified(_PERIOD_TAIL.sub("", t)).endswith(_PLAN_KINDS))))
    return plan, meta, reason


def _jurisdiction(title: str | None, issuer: str | None, meta: Metadata) -> str | None:
    candidates = [place_of(title), place_of(issuer), place_of(meta.named_title), place_of(meta.notice_title)]
    found = [c for c in candidates if c]
    if not found:
        return None
    return max(found, key=lambda c: (len(re.findall(r"省|自治区|市|自治州|州|区|县|旗|盟", c)), len(c)))


def load(path: Path, encoding: str = "utf-8") -> SourceRecord:
    """Read one plan file of any layout this module knows."""
    lines, digest = read_source(path, encoding)
    return read_lines(path.name, digest, lines)
