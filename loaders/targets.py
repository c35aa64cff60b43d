"""Quantitative targets and dated milestones in a task's text.

A target is a number with a unit of measure that the text commits to (达到 40 亿美元以上,
不少于 300 家, 压缩至 5 个工作日以内, 排名位居全国第一). Years that only date an action
(2023 年出台…) are milestones, not targets. Numbers that name things (24 条特别措施, 20 大园区,
12345 热线, 第二届, 2024 年度…指南, 20+8) are neither.

Pipeline: :func:`split_clauses` → :func:`find_targets` / :func:`find_milestones` per clause,
each with the year the sentence ties it to.
"""

from __future__ import annotations

import re
from decimal import Decimal

from plankg.graph.records import MilestoneRecord, TargetRecord
from plankg.loaders.layout import simplified

__all__ = ["expand", "extract_milestones", "extract_targets", "split_clauses"]

# Longest first, so that 平方公里 wins over 公里 and 个工作日 over 个.
UNITS = ("个工作日", "个环节", "平方公里", "平方米", "美元", "公里", "小时", "元", "%", "家", "个", "件",
         "场", "条", "座", "所", "份", "亩", "宗", "户", "项", "名", "人", "次", "天", "倍")
NUMBER = (r"(?P<num>\d+(?:\.\d+)?)\s*(?P<mag>亿|万)?\s*(?P<unit>"
          + "|".join(re.escape(u) for u in UNITS) + r")?")
QUANTITY = re.compile(NUMBER)
RANK = re.compile(r"(?P<lead>排名[^，。；]*?)(?:位居|进入|保持)?\s*(?:全国|全省|全球|世界)?"
                  r"(?P<kind>第|前)(?P<cn>[一二三四五六七八九十]+|\d+)")
YEAR = re.compile(r"(?:到\s*)?(?P<year>20\d{2})\s*年(?!度)(?:底|前)?")
AT_LEAST = ("以上", "不少于", "不低于", "超过", "至少", "逾")
AT_MOST = ("以内", "不高于", "不超过", "以下", "低于")
ABOUT = ("约", "左右", "近", "大约")
#: What may follow a number that names a thing rather than measures a result.
NOT_A_MEASURE = re.compile(r"^\s*(?:条(?:特别)?措施|条具体举措|条重点任务|方面|大|届|年|月|日|号|\+|类)")
VERBS = ("达到", "达", "提升至", "提高到", "提高至", "增加至", "压缩至", "缩短至", "控制在",
         "降至", "新增", "累计", "不少于", "不低于", "超过", "至少", "力争", "实现", "完成")
CONDITIONS = re.compile(r"(?:符合|满足|具备|具有)?(?:以下|如下|下列)(?:条件|情形|标准|要求)(?:之一)?(?:的)?\s*[:：]")
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def expand(number: str, magnitude: str | None) -> Decimal:
    """A number in plain units: 亿 and 万 expanded.

    >>> expand("40", "亿"), expand("5", "万"), expand("0.61", "万"), expand("18", None)
    (Decimal('4000000000'), Decimal('50000'), Decimal('6100'), Decimal('18'))
    """
    factor = {"亿": Decimal(100_000_000), "万": Decimal(10_000)}.get(magnitude or "", Decimal(1))
    value = Decimal(number) * factor
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def split_clauses(text: str) -> list[tuple[int, str]]:
    """The clauses of a text (between ，；。), each with the sentence it belongs to.

    >>> split_clauses("甲，乙。丙；丁")
    [(0, '甲'), (0, '乙'), (1, '丙'), (1, '丁')]
    """
    out: list[tuple[int, str]] = []
    for sentence_index, sentence in enumerate(re.split(r"。", text)):
        for clause in re.split(r"[，,；;]", sentence):
            if clause.strip():
                out.append((sentence_index, clause.strip()))
    return out


def comparator_of(before: str, after: str) -> str:
    """≥, ≤, ≈ or = from the words around a number.

    >>> comparator_of("达到", "以上"), comparator_of("压缩至", "以内"), comparator_of("累计培育近", ""), comparator_of("达", "")
    ('≥', '≤', '≈', '=')
    """
    if before.endswith(("不超过", "不高于")):
        return "≤"  # not 超过 (≥)
    if after.startswith(AT_LEAST) or before.endswith(AT_LEAST):
        return "≥"
    if after.startswith(AT_MOST) or before.endswith(AT_MOST) or re.match(r"内(?!外|地|部|容)", after):
        return "≤"  # 10个工作日内完成: within
    if after.startswith(ABOUT) or before.endswith(ABOUT):
        return "≈"
    return "="


def measure_of(clause: str, start: int, end: int) -> str:
    """What a clause measures: the clause without its year, number and comparing words.

    >>> measure_of("2025年高技术产业实际使用外资规模达到40亿美元以上", 19, 27)
    '高技术产业实际使用外资规模'
    """
    text = clause[:start] + clause[end:]
    text = YEAR.sub("", text)
    text = re.sub(r"^(?:力争|争取|全年)", "", text.strip())
    for word in (*AT_LEAST, *AT_MOST, *ABOUT):
        text = text.replace(word, "")
    text = re.sub(r"(?:达到|达|提升至|提高到|提高至|增加至|压缩至|缩短至|控制在|降至)$", "", text.strip())
    text = re.sub(r"^累计|累计$", "", text.strip())
    return balance_quotes(re.sub(r"\s+", "", text))


def balance_quotes(text: str) -> str:
    """Drop quotation marks left without their partner by cutting a clause.

    >>> balance_quotes("秒报秒批一体化”政务服务事项数量新增")
    '秒报秒批一体化政务服务事项数量新增'
    >>> balance_quotes("实现“零跑动”政务服务事项覆盖范围")
    '实现“零跑动”政务服务事项覆盖范围'
    """
    if text.count("“") != text.count("”"):
        return text.replace("“", "").replace("”", "")
    return text


def find_targets(clause: str, year: int | None) -> list[TargetRecord]:
    """The targets of one clause.

    >>> [ (t.value, t.unit, t.comparator) for t in find_targets("累计推动不少于 300 家金融机构入驻前海深港国际金融城", 2023)]
    [(Decimal('300'), '家', '≥')]
    >>> find_targets("推动深圳放宽市场准入 24 条特别措施全部落地实施", None)
    []
    """
    targets: list[TargetRecord] = []
    printed = clause
    clause = simplified(clause)  # 項, 個, 萬 read as 项, 个, 万; the unit is kept as printed
    for match in QUANTITY.finditer(clause):
        number, magnitude, unit = match.group("num"), match.group("mag"), match.group("unit")
        unit_printed = printed[match.start("unit"): match.end("unit")] if unit else None
        before, after = clause[: match.start()], clause[match.end():]
        if not unit and not magnitude and re.match(r"^\s*日(?:以)?内", after) and \
                before.rstrip().endswith(("压缩至", "缩短至", "控制在", "减至")):
            unit, after = "日", after.lstrip()[1:]  # 压缩至20日内: days (日 after a number is otherwise a date)
        if not unit and not magnitude:
            continue  # a bare number: a hotline, a code, part of a name
        if before.endswith(("×", "*", "x")) or re.match(r"^\s*[×*]", after):
            continue  # 7×24小时: service hours, not a result
        if unit == "小时" and re.match(r"^\s*(?:在线|不打烊|无休|值守|全天候|不间断|自助|咨询|热线|服务|营业|运行)", after):
            continue  # 24小时在线: service hours, not a result
        if unit == "次" and "每" in before:
            continue  # 每半年举办1次: a frequency of meetings, not a result
        if unit == "个" and after.startswith("月"):
            continue  # 12个月: a term, not a count
        if before.endswith(("按", "按照", "减按", "不含", "计划", "规划", "的")) or \
                re.match(r"^\s*(?:及)?(?:以下|以上|以内)\s*(?:[（(][^（()）]*[)）])?\s*的", after) or \
                re.match(r"^\s*(?:但|的(?:部分|税率|费率|比例)|部分)", after) or before.endswith("前") or \
                re.match(r"^\s*(?:征收率|税率|费率)", after):
            continue  # a rate or threshold a rule applies (按20%的税率, 10万元以下的纳税人), not a result
        if unit is None and magnitude and re.match(r"^\s*(?:亩|人次)", after):
            continue
        if before.endswith(("第", "+", "由", "从", "现有", "对于超过")) or re.match(r"^\s*\+", after):
            continue  # an ordinal, a name, a baseline or a condition
        if before.count("“") > before.count("”"):
            continue  # inside quotation marks: part of a name (“144过境免签”)
        if YEAR.match(clause[match.start():]) or (
                unit != "日" and NOT_A_MEASURE.match(clause[match.start() + len(number):])):
            continue
        if unit == "条" and re.match(r"^\s*(?:特别)?措施", after):
            continue
        words_before = before.rstrip()
        comparator = comparator_of(words_before, after.lstrip())
        cumulative = "累计" in before
        targets.append(TargetRecord(
            value=expand(number, magnitude), unit=unit_printed or unit or "", comparator=comparator, year=year,
            source_text=printed, measure=measure_of(printed, match.start(), match.end()),
            cumulative=cumulative))
    for match in RANK.finditer(clause):
        value = match.group("cn")
        rank = int(value) if value.isdigit() else _CN_DIGITS.get(value, 0)
        targets.append(TargetRecord(
            value=Decimal(rank), unit="名", comparator="≤" if match.group("kind") == "前" else "=",
            year=year, source_text=printed,
            measure=measure_of(printed[: match.start("kind")], 0, 0).replace("位居", "").replace("进入", ""),
            cumulative=False))
    return targets


def extract_targets(text: str, default_year: int | None = None) -> tuple[TargetRecord, ...]:
    """Every target of a task's text, each tied to the last year named earlier in its
    sentence, else to ``default_year`` (an annual plan's year).

    >>> [(t.value, t.unit, t.comparator, t.year, t.measure) for t in extract_targets(
    ...     "加大力度。2025年高技术产业实际使用外资规模达到40亿美元以上。")]
    [(Decimal('4000000000'), '美元', '≥', 2025, '高技术产业实际使用外资规模')]
    """
    targets: list[TargetRecord] = []
    sentence_year: dict[int, int] = {}
    # a list of conditions (园区应符合以下条件：…面积5万平方米以上) states eligibility, not results
    text = CONDITIONS.split(text, maxsplit=1)[0]
    for sentence, clause in split_clauses(text):
        # a year inside 《…》 belongs to a title, not to the clause
        years = [int(m.group("year")) for m in YEAR.finditer(re.sub(r"《[^》]*》", "", clause))]
        quantities = find_targets(clause, None)
        if years:
            sentence_year[sentence] = years[-1]
        year = sentence_year.get(sentence, default_year)
        targets.extend(TargetRecord(t.value, t.unit, t.comparator, year, t.source_text,
                                    t.measure, t.cumulative) for t in quantities)
    return tuple(targets)


def extract_milestones(text: str) -> tuple[MilestoneRecord, ...]:
    """The years that date an action: a clause that starts with (到) 20xx 年 and states no
    target.

    >>> extract_milestones("完善机制，2023 年出台涉企补偿救济实施办法。2025 年整备工业用地约 15 平方公里。")
    (MilestoneRecord(year=2023, text='2023 年出台涉企补偿救济实施办法'),)
    """
    out: list[MilestoneRecord] = []
    for _, clause in split_clauses(text):
        match = YEAR.match(clause)
        if match and not find_targets(clause, None):
            out.append(MilestoneRecord(int(match.group("year")), clause))
    return tuple(out)
