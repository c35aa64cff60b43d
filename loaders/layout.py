"""Layout helpers shared by loaders: item numbering, conversion noise, bracketed unit lists,
the printed role words, deadlines and plan metadata lines.

Pure functions over strings. What a printed role word means (the mapping the README and the
ontology's comments give):

==========================================================  ==============================
printed                                                     role
==========================================================  ==============================
``牵头单位：X`` · ``X牵头`` · ``X牵头负责`` · ``X主办`` · ``X要牵头``  lead
``配合/参加/参与/协办单位：Y`` · ``Y配合`` · ``Y协办`` · ``Y参与``     participating
``Y按职责分工负责`` or ``责任单位：Y`` after a lead                 participating
``责任单位：X`` · ``责任部门：X`` · bare ``（X、Y）`` · ``X、Y负责``    responsible
``…等`` · ``等有关部门`` · ``各有关单位`` · ``区级相关部门`` …          the "and others" flag
==========================================================  ==============================

Names are matched on their simplified form (OpenCC ``t2s``, character by character, so that
positions still line up with the printed text) and kept as printed.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from plankg.graph.records import AgencyMention

__all__ = [
    "Deadline",
    "Numbering",
    "UnitSpec",
    "bracket_groups",
    "is_generic_unit",
    "numbering",
    "parse_deadline",
    "parse_unit_spec",
    "remove_noise",
    "simplified",
    "split_unit_names",
    "task_deadline",
    "title_of",
]

CN_DIGITS = "零〇一二三四五六七八九十百两"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

#: Numbering styles, outermost first as plans usually nest them.
NUMBERING = (
    ("chapter", re.compile(rf"^([{CN_DIGITS}]+)\s*[、.．]\s*(?=\S)")),
    ("section", re.compile(rf"^[（(]\s*([{CN_DIGITS}]+)\s*[)）]\s*(?=\S)")),
    ("article", re.compile(rf"^第([{CN_DIGITS}]+)条\s*")),
    # 1. 1、 1． 1* . — but not 1.5 (a decimal); 1.2019年… is item 1 opening with a year
    ("item", re.compile(r"^(\d{1,3})\s*\*?\s*[.．、](?!\d(?!\d{3}\s*年))\s*\*?\s*(?=\S)")),
    ("subitem", re.compile(r"^[（(]\s*(\d{1,3})\s*[)）]\s*(?=\S)")),
    ("circled", re.compile(rf"^([{_CIRCLED}])\s*(?=\S)")),
)
STYLE_DEPTH = {name: depth for depth, (name, _) in enumerate(NUMBERING)}

# Conversion noise: pinyin glosses after characters, in () or 【】 (民(mín)营, 全【quán】面).
_PINYIN = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňḿ"
_PINYIN_NOISE = re.compile(rf"(?<=[\u3400-\u9fff])\s?(?:\(([{_PINYIN}]{{1,6}})\)|【([{_PINYIN}]{{1,6}})】)")

_OPEN = "（(〔[【"
_CLOSE = "）)〕]】"
_PAIR = dict(zip(_OPEN, _CLOSE, strict=True))


@dataclass(frozen=True)
class Numbering:
    """An item number at the start of a line.

    Attributes:
        style: the numbering style (``chapter`` 一、, ``section`` （一）, ``article`` 第一条,
            ``item`` 1., ``subitem`` (1), ``circled`` ①).
        number: its value.
        rest: the text after the number.
        marked: the number carries the ``*`` mark some lists use.
    """

    style: str
    number: int
    rest: str
    marked: bool = False


def chinese_number(text: str) -> int:
    """The value of a Chinese numeral of any size used in numbering (二十一 → 21).

    >>> chinese_number("二十一"), chinese_number("十"), chinese_number("一百零二")
    (21, 10, 102)
    """
    import cn2an  # a maintained converter of Chinese numerals (smart mode reads 十 and 一百零二)

    return int(cn2an.cn2an(text.replace("两", "二"), "smart"))


def numbering(text: str) -> Numbering | None:
    """The item number a line opens with, if any.

    >>> numbering("（二十一）提高认识。")
    Numbering(style='section', number=21, rest='提高认识。', marked=False)
    >>> numbering("1* .开展“一证多址”改革。").number
    1
    >>> numbering("2022年10月底前完成") is None
    True
    """
    for style, pattern in NUMBERING:
        match = pattern.match(text)
        if not match:
            continue
        raw = match.group(1)
        if style in ("item", "subitem"):
            number = int(raw)
        elif style == "circled":
            number = _CIRCLED.index(raw) + 1
        else:
            try:
                number = chinese_number(raw)
            except (ValueError, KeyError):
                continue
        return Numbering(style, number, text[match.end():].strip(), "*" in match.group(0))
    return None


def remove_noise(text: str) -> str:
    """Remove the pinyin glosses some web copies print after characters.

    >>> remove_noise("民(mín)营经济是國(guó)际大都市的重要力量,全【quán】面推进")
    '民营经济是國际大都市的重要力量,全面推进'
    >>> remove_noise("进一步推进营商环境评价指标系统化提升(Systematization)")
    '进一步推进营商环境评价指标系统化提升(Systematization)'
    """
    return _PINYIN_NOISE.sub("", text)


@functools.cache
def _converter() -> Any:
    from opencc import OpenCC  # a maintained traditional→simplified table, not a hand list

    return OpenCC("t2s")


def simplified(text: str) -> str:
    """The simplified form of a text, character by character (same length, same positions).

    >>> simplified("牽頭單位:州行政審批服務局")
    '牵头单位:州行政审批服务局'
    """
    return "".join(_simplified_char(ch) if ord(ch) > 0x2E80 else ch for ch in text)


@functools.lru_cache(maxsize=65536)
def _simplified_char(ch: str) -> str:
    """One character in simplified form (cached: OpenCC's pure-Python lookup costs about 10 µs
    a call, and a corpus uses a few thousand distinct characters)."""
    converted = _converter().convert(ch)
    return converted if len(converted) == 1 else ch  # keep positions: one character for one


def bracket_groups(text: str) -> list[tuple[int, int]]:
    """The (start, end) spans of the outermost balanced bracket groups of a text.

    >>> text = "推进改革。(责任单位:市行政审批局,各市(区)人民政府)"
    >>> [text[s:e] for s, e in bracket_groups(text)]
    ['(责任单位:市行政审批局,各市(区)人民政府)']
    """
    spans: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for index, ch in enumerate(text):
        if ch in _PAIR:
            stack.append((ch, index))
        elif ch in _CLOSE and stack:
            opener, start = stack[-1]
            # （…) and (…） are both printed; any closing bracket closes the innermost group.
            stack.pop()
            if not stack:
                spans.append((start, index + 1))
            del opener
    return spans


# ----------------------------------------------------------------------------- units

_LABELS = {
    "牵头单位": "lead", "牵头部门": "lead", "主办单位": "lead", "牵头": "lead",
    "配合单位": "participating", "配合部门": "participating", "参加单位": "participating",
    "参与单位": "participating", "协办单位": "participating", "协同单位": "participating",
    "责任单位": "responsible", "责任部门": "responsible", "实施单位": "responsible",
    "承办单位": "responsible", "负责单位": "responsible", "责任主体": "responsible",
}
_DEADLINE_LABELS = ("完成时限", "时限要求", "完成时间", "时间节点", "办结时限", "时间要求", "完成期限")
_OTHER_LABELS = ("责任人", "分管领导", "市政府分管领导", "联系人")
LABEL = re.compile("(" + "|".join(sorted([*_LABELS, *_DEADLINE_LABELS, *_OTHER_LABELS], key=len, reverse=True))
                   + r")\s*[:：]")
# A role word after the names it applies to (simplified text). 卖力 is how one machine
# translation renders 负责; it is printed in real copies.
_VERB = re.compile(r"(要)?(牵头负责|牵头卖力|牵头|主办|协办|配合|参与|参加|按职责分工负责|按职责分工卖力|"
                   r"按职责负责|分别负责|共同负责|负责|卖力)$")
_VERB_ROLE = {"牵头负责": "lead", "牵头卖力": "lead", "牵头": "lead", "主办": "lead",
              "协办": "participating", "配合": "participating", "参与": "participating",
              "参加": "participating"}
#: A note that the first-listed unit leads (列第一位的为牵头单位, 排在第一位的为牵头单位).
_FIRST_LEADS = re.compile(r"(列|排|排在|排名)?第一(位|个)?的?(单位)?(为|是)牵头单位")
_REMARK = re.compile(r"下同|不再|均需|均涉及|为牵头单位|第一责任单位|以下各|以下均|排名第一|列第一")
_GENERIC = re.compile(r"^(?:其他|其它)?(?:[市区县州省]级|[市区县州省]直|国务院|区政府|市政府|县政府|州政府|省政府)?"
                      r"(?:各)?(?:有关|相关|其他|其它)(?:行业|职能)?(?:部门|单位|机构|方面|地区)$|"
                      r"^各(?:地区|地|部门|单位|有关方面)$|^[市区县州省]?(?:直)?(?:各)?(?:有关|相关)单位$|"
                      r"^(?:部门|单位|机构)$")  # 市直有关部门、单位: the second is no name
_SUFFIX = re.compile(r"(局|委|办|厅|部|院|署|会|司|中心|集团|单位|政府|室|处|行|所|站|队|组|馆|社|公司|分局|"
                     r"管委会|办事处|街道|镇|法院|检察院|委员会|总局|银行|门)$")
_DATE_WORDS = re.compile(r"(\d{4}\s*年|\d{1,2}\s*月|年底|年内|上半年|下半年|季度|持续推进|长期坚持|长期推进|"
                         r"持续开展|持续实施|常态化|完成$|前完成|底前|之前|以前)")


def is_generic_unit(name: str) -> bool:
    """Whether a printed unit name means "the units concerned" rather than a unit.

    >>> is_generic_unit("区级相关部门"), is_generic_unit("国务院相关部门"), is_generic_unit("各地区")
    (True, True, True)
    >>> is_generic_unit("各县市人民政府"), is_generic_unit("市发展改革委")
    (False, False)
    """
    return bool(_GENERIC.match(simplified(name)))


def split_unit_names(chunk: str) -> tuple[list[str], bool]:
    """Split a printed list of units into names (as printed) and the "and others" flag.

    Names are split at 、，,；; and at 和 / 及 / 以及 between two names (not inside one,
    as in 市工业和信息化局); a trailing 等, 等部门 or 等有关部门 and generic names such as
    区级相关部门 become the flag.

    >>> split_unit_names("省生长改造委、能源局等省有关部门和各地级以上市人民政府")
    (['省生长改造委', '能源局', '各地级以上市人民政府'], True)
    >>> split_unit_names("市工业和信息化局、区城市更新和土地整备局")
    (['市工业和信息化局', '区城市更新和土地整备局'], False)
    >>> split_unit_names("州司法局、州委編辦及州直相關單位")
    (['州司法局', '州委編辦'], True)
    """
    names: list[str] = []
    others = False
    for raw in _split_outside_brackets(chunk):
        piece = re.sub(r"\s+", "", raw).strip("。.：: ")
        for part in _split_conjunction(piece):
            plain = simplified(part)
            cut = re.search(r"等(?:其他|其它)?(?:[省市区县州]?(?:级|直)?)?(?:有关|相关)?(?:部门|单位|机构)?$", plain)
            if cut and cut.start() > 0:
                part, others = part[: cut.start()], True
            if not part:
                continue
            if is_generic_unit(part):
                others = True
                continue
            names.append(part)
    return names, others


def _split_outside_brackets(chunk: str) -> list[str]:
    """Split a unit list at 、，,；;／ that stand outside brackets (各县（市、区）政府 is one
    name), joining 各县市、区政府 (a collective of two levels printed with 、) back into one."""
    pieces: list[str] = []
    depth = 0
    current = ""
    for ch in chunk:
        depth += ch in "（(〔[【"
        depth -= ch in "）)〕]】" and depth > 0
        if depth == 0 and ch in "、，,；;／/":
            pieces.append(current)
            current = ""
        else:
            current += ch
    pieces.append(current)
    joined: list[str] = []
    for piece in pieces:
        bare = re.sub(r"\s+", "", piece)
        if joined and re.match(r"^各", joined[-1]) and re.fullmatch(r"[市区县旗]+(?:人民)?(?:政府|管委会)?", simplified(bare)) \
                and not re.search(r"(政府|管委会|局|委|办)$", simplified(joined[-1])):
            joined[-1] += "、" + bare
        else:
            joined.append(piece)
    return joined


def _split_conjunction(piece: str) -> list[str]:
    """Split 甲和乙 / 甲及乙 / 甲以及乙 / 甲与乙 where 甲 ends like a unit name."""
    plain = simplified(piece)
    for match in re.finditer(r"以及|和|及|与", plain):
        left = plain[: match.start()]
        right = plain[match.end():]
        if right and (_SUFFIX.search(left) or re.search(r"(有关|相关)(部门|单位)$", left)) and len(left) >= 2:
            return [piece[: match.start()], *_split_conjunction(piece[match.end():])]
    return [piece] if piece else []


@dataclass(frozen=True)
class UnitSpec:
    """What a unit list says: units by role in printed order, the flag, the deadline text."""

    agencies: tuple[AgencyMention, ...] = ()
    others: bool = False
    deadline_text: str | None = None

    def __bool__(self) -> bool:
        return bool(self.agencies or self.others or self.deadline_text)


def _strip_remarks(text: str) -> str:
    """Drop remarks inside a unit list: nested notes such as （第一责任单位为牵头单位，下同）
    and sentences such as 具体任务均涉及…，不再做分工."""
    out = text
    for start, end in reversed(bracket_groups(out)):
        inner = simplified(out[start + 1: end - 1])
        if _REMARK.search(inner) or len(inner) > 12:
            out = out[:start] + out[end:]
    plain = simplified(out)
    for clause in re.finditer(r"[^，,；;。]+", plain):
        if _REMARK.search(clause.group(0)) and not LABEL.match(clause.group(0)):
            out = out[: clause.start()]  # the rest is a remark (以下各任务均需…，不再一一列出)
            break
    sentences = re.split(r"(?<=[。；;])", out)
    kept = [s for s in sentences if not _REMARK.search(simplified(s))]
    return "".join(kept) if kept else ""


def parse_unit_spec(text: str, *, labelled_only: bool = False) -> UnitSpec:
    """Read a list of units by role (and a deadline) as printed in a bracket or a field line.

    Args:
        text: the text inside the bracket, or a field line such as ``责任单位：X``.
        labelled_only: accept only text with a role label or role word (a bracket in the
            middle of an item's text is a unit list only then).

    >>> spec = parse_unit_spec("区发改局牵头,区财政局、区住建局等部门,区国投公司、各街道办事处配合")
    >>> [(m.name, m.role) for m in spec.agencies], spec.others
    ([('区发改局', 'lead'), ('区财政局', 'participating'), ('区住建局', 'participating'), ('区国投公司', 'participating'), ('各街道办事处', 'participating')], True)
    >>> spec = parse_unit_spec("牽頭單位:州行政審批服務局;責任單位:州司法局,6月底完成")
    >>> [(m.name, m.role) for m in spec.agencies], spec.deadline_text
    ([('州行政審批服務局', 'lead'), ('州司法局', 'participating')], '6月底完成')
    >>> parse_unit_spec("市发展改革委、市商务局").agencies[1]
    AgencyMention(name='市商务局', role='responsible')
    """
    plain_whole = simplified(text)
    text = _strip_remarks(text.strip())
    plain = simplified(text)
    if not plain.strip():
        return UnitSpec()
    has_label = bool(LABEL.search(plain))
    clauses = [c.strip() for c in re.split(r"[；;，,。]", text) if c.strip()]
    if not has_label and all(_is_deadline_clause(simplified(c)) for c in clauses):
        return UnitSpec(deadline_text=text.strip().rstrip("。；;"))  # （2024年12月底前完成）
    bare = not has_label and not any(_VERB.search(simplified(re.sub(r"\s+", "", c))) for c in clauses)
    # a bare list: only where one may stand, and every clause must look like unit names
    if bare and (labelled_only or not all(_looks_like_units(c) for c in clauses)):
        return UnitSpec()
    parsed, deadline = _read_clauses(clauses)
    mentions, others = _assign_roles(parsed)
    if not has_label and _FIRST_LEADS.search(plain_whole) and mentions and \
            all(m.role == "responsible" for m in mentions):
        # (X、Y、Z，列第一位的为牵头单位): the first-listed unit leads, the others take part
        mentions = [AgencyMention(mentions[0].name, "lead"),
                    *(AgencyMention(m.name, "participating") for m in mentions[1:])]
    return UnitSpec(tuple(mentions), others, deadline)


#: One clause of a unit list: its role (None: the role of a later clause), names, "and others".
_Clause = tuple[str | None, list[str], bool]


def _read_clauses(clauses: list[str]) -> tuple[list[_Clause], str | None]:
    """Each clause's role, names and flag, and the deadline among them. A clause without a
    label or role word keeps the last label's role (责任单位：X，Y), or waits for the next
    clause's role word (X，Y配合); 责任单位 after a lead is participating."""
    parsed: list[_Clause] = []
    deadline: str | None = None
    label_role: str | None = None
    lead_seen = False
    for clause in clauses:
        label = LABEL.match(simplified(clause))
        if label and label.group(1) in _DEADLINE_LABELS:
            deadline, label_role = clause[label.end():].strip() or None, None
            continue
        if label and label.group(1) in _OTHER_LABELS:
            label_role = "skip"
            continue
        if not label and _is_deadline_clause(simplified(clause)):
            deadline = clause
            continue
        if not label and label_role == "skip":
            continue
        role: str | None = None
        if label:
            role = _LABELS[label.group(1)]
            role = label_role = "participating" if role == "responsible" and lead_seen else role
        body = re.sub(r"\s+", "", clause[label.end():] if label else clause)
        verb = _VERB.search(simplified(body))
        if verb:
            if not label:
                role = _VERB_ROLE.get(verb.group(2)) or ("participating" if lead_seen else "responsible")
            body = body[: verb.start()]
        names, others = split_unit_names(body)
        if role is None and label_role not in (None, "skip"):
            role = label_role
        parsed.append((role, names, others))
        lead_seen = lead_seen or role == "lead"
    return parsed, deadline


def _assign_roles(parsed: list[_Clause]) -> tuple[list[AgencyMention], bool]:
    """The mentions in printed order: clauses waiting for a role take the next role given;
    names with no role word anywhere after them are responsible (participating after a lead)."""
    mentions: list[AgencyMention] = []
    others_flag = False
    pending: list[tuple[list[str], bool]] = []
    lead_seen = False
    for role, names, others in parsed:
        if role is None:
            pending.append((names, others))
            continue
        for waiting, more in [*pending, (names, others)]:
            mentions.extend(AgencyMention(n, role) for n in waiting)
            others_flag = others_flag or more
        pending = []
        lead_seen = lead_seen or role == "lead"
    for waiting, more in pending:
        mentions.extend(AgencyMention(n, "participating" if lead_seen else "responsible") for n in waiting)
        others_flag = others_flag or more
    return mentions, others_flag


def _is_deadline_clause(plain: str) -> bool:
    plain = re.sub(r"\s+", "", plain)
    if not plain or len(plain) > 16:
        return False
    return bool(re.fullmatch(r"(?:\d{4}年)?(?:\d{1,2}月(?:底|末|份|中旬|上旬|下旬)?|年底|年内|上半年|下半年|"
                             r"第?[一二三四1-4]季度(?:末)?|\d{4}年(?:底|末)?)(?:前|之前|以前)?(?:完成|落实|出台|启动)?|"
                             r"(?:持续推进|长期坚持|长期推进|持续开展|持续实施|长期|常态化推进|常态化)", plain))


def _looks_like_units(clause: str) -> bool:
    plain = simplified(re.sub(r"\s+", "", clause))
    if not plain or len(plain) > 120 or re.search(r"[。！？:：“”\d%]", plain):
        return False
    names, others = split_unit_names(clause)
    if not names:
        return others
    return all(len(simplified(n)) <= 25 and (_SUFFIX.search(simplified(n)) or re.search(r"[市区县州省]", n[:2]))
               for n in names)


# ----------------------------------------------------------------------------- deadlines

@dataclass(frozen=True)
class Deadline:
    """A deadline as printed, the last day it means (if it names one) and its precision."""

    text: str
    date: date | None
    precision: str | None


_STATUS = re.compile(r"^(持续推进|长期坚持|长期推进|持续开展|持续实施|长期|常态化推进|常态化|持续|按年度推进)")


def parse_deadline(text: str, plan_year: int | None = None) -> Deadline:
    """Read a deadline: its date and precision, the year taken from the plan when not printed.

    >>> parse_deadline("2024年6月底前")
    Deadline(text='2024年6月底前', date=datetime.date(2024, 6, 30), precision='month')
    >>> parse_deadline("6月底完成", 2020).date
    datetime.date(2020, 6, 30)
    >>> parse_deadline("年底前", 2023)
    Deadline(text='年底前', date=datetime.date(2023, 12, 31), precision='year')
    >>> parse_deadline("第三季度", 2023).date, parse_deadline("上半年", 2023).precision
    (datetime.date(2023, 9, 30), 'half')
    >>> parse_deadline("持续推进")
    Deadline(text='持续推进', date=None, precision=None)
    >>> parse_deadline("2025年10月15日").precision
    'day'
    """
    printed = text.strip()
    plain = re.sub(r"\s+", "", simplified(printed))
    if _STATUS.match(plain):
        return Deadline(printed, None, None)
    year_match = re.search(r"(\d{4})年", plain)
    year = int(year_match.group(1)) if year_match else plan_year
    day = re.search(r"(\d{1,2})月(\d{1,2})日", plain)
    month = re.search(r"(\d{1,2})月", plain)
    quarter = re.search(r"(?:第)?([一二三四1-4])季度", plain)
    found: tuple[date, str] | None = None
    if year is not None:
        try:
            if day:
                found = date(year, int(day.group(1)), int(day.group(2))), "day"
            elif month:
                m = int(month.group(1))
                found = date(year, m, calendar.monthrange(year, m)[1]), "month"
            elif quarter:
                q = "一二三四".find(quarter.group(1)) + 1 if not quarter.group(1).isdigit() else int(quarter.group(1))
                m = q * 3
                found = date(year, m, calendar.monthrange(year, m)[1]), "quarter"
            elif "上半年" in plain:
                found = date(year, 6, 30), "half"
            elif "下半年" in plain:
                found = date(year, 12, 31), "half"
            elif "年底" in plain or "年末" in plain or "年内" in plain or year_match:
                found = date(year, 12, 31), "year"
        except ValueError:
            found = None
    if found is None:
        return Deadline(printed, None, None)
    return Deadline(printed, found[0], found[1])


#: A time phrase that dates an action: 9月底前, 2024年6月底前, 年底前, 2025年前, 第三季度前.
TIME_PHRASE = re.compile(
    r"(?:到|至|在|于)?\s*(?P<phrase>(?:\d{4}\s*年\s*(?:\d{1,2}\s*月(?:底|末|份)?|年?底|年?末|上半年|下半年|"
    r"第?[一二三四]季度(?:末)?)?|\d{1,2}\s*月(?:底|末)?|年底|年末|上半年|下半年|第?[一二三四]季度(?:末)?)"
    r"\s*(?:前|之前|以前))")


def task_deadline(body: str) -> str | None:
    """The time phrase that dates a whole task, read from its text (after its title).

    It must be the text's only time phrase and open a clause, and either be set off by a comma
    (9月底前，实现…) or open a one-sentence text (2024年10月底前完成…); a phrase inside a longer
    text (…，2022年10月底前编制…。将…) dates one action only.

    >>> task_deadline("优化升级系统,9月底前,实现1天办结。")
    '9月底前'
    >>> task_deadline("2024年10月底前完成清单编制。")
    '2024年10月底前'
    >>> task_deadline("依据清单,2022年10月底前编制并公布清单。将事项纳入清单管理。") is None
    True
    """
    found = list(TIME_PHRASE.finditer(body))
    if len(found) != 1:
        return None
    match = found[0]
    if match.start() > 0 and body[match.start() - 1] not in "。，,；;：:":
        return None
    after = body[match.end():].lstrip()
    sentences = [s for s in re.split(r"[。！？]", body) if s.strip()]
    if after.startswith(("，", ",")) or len(sentences) <= 1:
        return re.sub(r"\s+", "", match.group("phrase")) if " " not in match.group("phrase") else match.group("phrase")
    return None


# ----------------------------------------------------------------------------- titles

def title_of(text: str) -> str:
    """An item's short title: its text up to the first 。！？, or up to a ：/: that ends a
    heading (outside brackets and quotes), without that mark; a trailing unit bracket is not
    part of it.

    >>> title_of("提升设立登记便利度。优化升级企业开办系统")
    '提升设立登记便利度'
    >>> title_of("加大土地要素支撑力度：推进工业上楼。")
    '加大土地要素支撑力度'
    >>> title_of("规范行政备案事项管理。(牵头单位:区政府办公室)")
    '规范行政备案事项管理'
    """
    depth = 0
    quote = False
    for index, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in "“”":
            quote = ch == "“"
        elif (depth == 0 and ch in "。！？")  or (depth == 0 and not quote and ch in "：:" and index <= 40):
            return text[:index].strip()
    # no end mark: the text without a trailing unit bracket
    spans = bracket_groups(text)
    if spans and spans[-1][1] == len(text.rstrip()):
        return text[: spans[-1][0]].strip()
    return text.strip()
