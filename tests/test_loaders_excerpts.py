"""The table, digest and target loaders on short excerpts of the real text (line numbers and
text as in the source files)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from plankg.graph.records import AgencyMention
from plankg.loaders import markdown_table, news_digest, tab_table
from plankg.loaders.prose_plan import Line, clean_lines
from plankg.loaders.targets import extract_milestones, extract_targets

# 002, lines 511-513: the page header repeated, then a row with <br> inside cells.
KEY_TASKS = [
    "| 序号 | 所属领域 | 重点任务 | 具体举措 | 牵头单位 | 责任单位 |",
    "|----|---|---|---|---|---|",
    "| <b>九、促进市场公平竞争</b> |  |  |  |  |  |",
    "| 92 | 提升促竞争<br>助创新服务<br>水平 | 搭建大湾区<br>数字版权产<br>业公共服<br>务平台     | 建成基于区块链技术的前海版权区块链服务网络和公共服务平台，启用版权保护公共服务，提高监管执法的有效性和精准度，提升版权保护水平。   | 市前海管理局、<br>市市场监管局                     | 市委网信办 |",
    "| 98 | 提升破产程序监管质量 | 完善个人破产管理人管理法规制度 | 建立完善个人破产管理人监督管理配套制度。 | 市破产事务管理<br>署 | 市中级人民法院 |",
]


def test_markdown_rows_with_br_inside_cells() -> None:
    sections, tasks = markdown_table.parse_rows(clean_lines(KEY_TASKS), "002")
    assert [(s.key, s.title) for s in sections] == [("9", "促进市场公平竞争"), ("9.1", "提升促竞争助创新服务水平"),
                                                   ("9.2", "提升破产程序监管质量")]
    first, second = tasks
    assert (first.number, first.title, first.section, first.source_line) == (92, "搭建大湾区数字版权产业公共服务平台", "9.1", 4)
    assert first.agencies == (AgencyMention("市前海管理局", "lead"), AgencyMention("市市场监管局", "lead"),
                              AgencyMention("市委网信办", "participating"))
    assert second.agencies[0] == AgencyMention("市破产事务管理署", "lead")


# 004, lines 544-556 (abridged measures): an item with a status deadline, then an item whose
# second row has an empty number.
PILOT = [
    "\t67*", "\t建立覆盖市场主体全生命周期的“信用+智慧”监管机制", "\t在市场主体全生命周期监管过程中全面归集市场主体行为及信用信息。",
    "\t市市场监管局", "\t各有关单位", "\t已落地，持续巩固提升", "",
    "\t68*", "\t建立健全重点领域全流程事前事中事后监管机制", "\t建立健全贯穿市场主体全生命周期的新型监管机制。",
    "\t市消防救援支队", "\t", "\t2022年6月底", "",
    "\t", "\t", "\t进一步改革完善食品安全监管体制机制。", "\t市市场监管局", "\t", "\t2022年12月底",
]


def test_tab_rows_grouped_into_items() -> None:
    _, blocks = tab_table.split_blocks(PILOT)
    _, tasks = tab_table.parse_blocks(blocks, "004")
    first, second = tasks
    assert (first.number, first.national_reform, first.deadline_text, first.deadline) == (67, True, "已落地，持续巩固提升", None)
    assert second.number == 68 and len(second.rows) == 2
    assert second.text == "建立健全贯穿市场主体全生命周期的新型监管机制。进一步改革完善食品安全监管体制机制。"
    assert [r.deadline_text for r in second.rows] == ["2022年6月底", "2022年12月底"]
    assert second.deadline_text is None  # two different deadlines: kept per row


# 003, lines 172-176 and 472: abbreviations and declared counts in the news text.
DIGEST = [
    "6月21日,《深圳市2024年优化市场化营商环境工作方案》(简称“市场化方案”)、《深圳市2024年优化法治化营商环境工作方案》(简称“法治化方案”)、《深圳市2024年优化国际化营商环境工作方案》(简称“国际化方案”)正式印发,提出105项主要任务,助力深圳提升市场化法治化国际化水平。其中,《市场化方案》围绕持续放宽市场准入门槛等5个方面,提出了44条重点任务;《法治化方案》从“立执司守”四方面谋篇布局,重点任务增加至31项;《国际化方案》从企业需求和个体感受两个维度,共包括6个方面30条主要任务。",
    "6月18日,深圳市口岸办发布《深圳口岸提升美誉度专项行动方案》(简称“行动方案”),从基础设施项目建设等5个方面提出15条具体举措。",
]


def test_digest_abbreviations_and_declared_counts() -> None:
    lines = [Line(174, DIGEST[0]), Line(472, DIGEST[1])]
    titles = news_digest.find_abbreviations(lines)
    assert titles["国际化方案"] == "深圳市2024年优化国际化营商环境工作方案"
    declared = {(d.plan_title, d.count) for d in news_digest.find_declared(lines, titles)}
    assert declared == {("深圳市2024年优化市场化营商环境工作方案", 44), ("深圳市2024年优化法治化营商环境工作方案", 31),
                        ("深圳市2024年优化国际化营商环境工作方案", 30), ("深圳口岸提升美誉度专项行动方案", 15)}


def test_targets_of_a_sentence() -> None:
    # 000, market task 16: "…到 2025 年累计新增首贷户不少于 5 万家。2025 年将普惠小微企业贷款占各项贷款比重提升至 18%。"
    targets = extract_targets("到 2025 年累计新增首贷户不少于 5 万家。2025 年将普惠小微企业贷款占各项贷款比重提升至 18%。")
    assert [(t.value, t.unit, t.comparator, t.year, t.cumulative) for t in targets] == [
        (Decimal(50000), "家", "≥", 2025, True), (Decimal(18), "%", "=", 2025, False)]
    # 000, market task 3: a count of policy items is not a target
    assert extract_targets("推动深圳放宽市场准入 24 条特别措施全部落地实施。") == ()
    # 003, port plan: a number inside a quoted name is not a target
    assert extract_targets("用好用足“144过境免签”和“港澳地区外籍人员组团入境广东144小时免签”政策。") == ()
    assert [m.year for m in extract_milestones("2023 年出台涉企补偿救济实施办法。")] == [2023]


def test_loaders_run_alone(corpus: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert tab_table.main([str(corpus / "004_bb859e5053b7b54d.txt")]) == 0
    assert "深圳市建设营商环境创新试点城市首批改革事项清单 (line 1): 200 tasks" in capsys.readouterr().out
