"""The prose-plan loader on short excerpts of the real text of 000 (line numbers as in the file)."""

from __future__ import annotations

from pathlib import Path

from plankg.graph.records import AgencyMention
from plankg.loaders import prose_plan
from plankg.loaders.prose_plan import Line, clean_lines, parse_plan_lines

# 000, lines 226-232: the international plan's task 12, its agency list broken across lines
# with a blank line between, a full-width "（" and a half-width ")".
EXCERPT_BROKEN_AGENCIES = [
    "12.加强城市宣传推介和综合营销。实施国际传播行动计划，全域全民构建国际传播大格局。"
    "加强城市对外门户平台建设，运营好 EyeShenzhen 多语种网站。（牵头单位：市委宣传部；参加单",
    "",
    "位：市委外办、市商务局、市文化广电旅游体育局、市港澳办)",
]

# 000, lines 44-46: market task 3, its sentence broken in the middle of a word.
EXCERPT_BROKEN_SENTENCE = [
    "3. 落实市场准入制度。推动深圳放宽市场准入 24 条特别措施全部落地实施。支持跨国",
    "",
    "企业在前海深港现代服务业合作区设立财资中心，为企业海外经营活动提供服务。"
    "（责任单位：市发展改革委、人民银行深圳市中心支行、市前海管理局、市司法局）",
]


def parse(lines: list[str], first_line: int = 1):  # type: ignore[no-untyped-def]
    numbered = clean_lines(["" for _ in range(first_line - 1)] + lines)
    plan = parse_plan_lines(Line(0, "深圳市优化国际化营商环境工作方案（2023—2025年）"), numbered, "000")
    return plan.tasks


def test_agency_list_broken_across_lines() -> None:
    (task,) = parse(EXCERPT_BROKEN_AGENCIES, first_line=230)
    assert task.number == 12
    assert task.source_line == 230
    assert task.title == "加强城市宣传推介和综合营销"
    assert task.agencies == (
        AgencyMention("市委宣传部", "lead"),
        AgencyMention("市委外办", "participating"),
        AgencyMention("市商务局", "participating"),
        AgencyMention("市文化广电旅游体育局", "participating"),
        AgencyMention("市港澳办", "participating"),
    )
    assert task.text.endswith("运营好 EyeShenzhen 多语种网站。")


def test_sentence_broken_across_lines_is_joined() -> None:
    (task,) = parse(EXCERPT_BROKEN_SENTENCE, first_line=44)
    assert "支持跨国企业在前海深港现代服务业合作区设立财资中心" in task.text
    assert "责任单位" not in task.text
    assert [a.name for a in task.agencies] == ["市发展改革委", "人民银行深圳市中心支行",
                                               "市前海管理局", "市司法局"]
    assert {a.role for a in task.agencies} == {"responsible"}


def test_trailing_deng_is_dropped_and_flagged() -> None:
    # 000, line 114: legal task 1 ends its list with 市前海管理局等.
    (task,) = parse(["1.加强重点领域、新兴领域制度建设。开展创业投资等领域立法。"
                     "（责任单位：市人大常委会法工委、市司法局、市交通运输局、市前海管理局等）"])
    assert task.agencies[-1] == AgencyMention("市前海管理局", "responsible")
    assert task.agencies_open


def test_lead_and_participating_with_comma_separator() -> None:
    # 000, line 136: legal task 5 separates the roles with "，".
    (task,) = parse(["5.实施“综合查一次”制度。制定年度行政检查计划。"
                     "（牵头单位：市市场监管局、市司法局，参加单位：各相关行政执法单位、各区）"])
    assert [(a.name, a.role) for a in task.agencies] == [
        ("市市场监管局", "lead"), ("市司法局", "lead"),
        ("各相关行政执法单位", "participating"), ("各区", "participating")]


def test_sections_and_headings() -> None:
    lines = ["一、总体要求", "以习近平新时代中国特色社会主义思想为指导。", "二、主要任务",
             "（一）加强市场主体产权保护", "1. 依法平等保护各类市场主体合法权益。（责任单位：市商务局）",
             "(五) 提升要素保障服务水平", "2.加大土地要素支撑力度。(责任单位：市规划和自然资源局)",
             "三、保障措施", "(一)加强组织领导。各级党委和政府要把……摆上重要议事日程。"]
    tasks = parse(lines)
    assert [(t.number, t.section) for t in tasks] == [(1, "2.1"), (2, "2.5")]


def test_declared_counts_of_the_news_summary(corpus: Path) -> None:
    record = prose_plan.load(corpus / "000_35404b1995788393.txt")
    declared = {d.plan_title: (d.count, d.line) for d in record.declared_counts}
    assert declared == {
        "深圳市优化市场化营商环境工作方案（2023—2025年）": (23, 12),
        "深圳市优化法治化营商环境工作方案（2023—2025年）": (20, 16),
        # the paragraph starts on line 20 and is broken before its count on line 22
        "深圳市优化国际化营商环境工作方案（2023—2025年）": (12, 20),
    }
