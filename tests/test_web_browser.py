"""The web interface in a real browser: Debian's Chromium, headless, driven by Playwright,
against ``plankg serve`` on the test build. Each test writes a screenshot of its page to
``build/screenshots/`` and asserts that the page asked no host but the service itself.

The facts checked were read in the sources: item 89 of the 2023 key task list (002, line 507)
is 设立前海公平竞争委员会, led by 市前海管理局 and 市市场监管局 with 市委编办 taking part; in the
international plan (001) 市市场监管局 leads one task (12) and takes part in three (2, 3, 10);
the high-tech foreign-capital target is 30亿美元 for 2023 (001 annex) and 40亿美元以上 for 2025.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import SHOTS, launch, require_chromium

playwright = require_chromium()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    yield from launch(playwright)


@pytest.fixture()
def page(browser: object, live_server: str, request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh page with a record of every request it makes; checks, after the test, that all
    went to the service, and writes the screenshot."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)  # type: ignore[attr-defined]
    tab = context.new_page()
    seen: list[str] = []
    tab.on("request", lambda r: seen.append(r.url))
    tab.base = live_server
    yield tab
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"{request.node.name.removeprefix('test_')}.png"), full_page=True)
    foreign = [url for url in seen if not url.startswith((live_server, "data:", "blob:"))]
    context.close()
    assert seen, "the page made no request at all"
    assert not foreign, f"requests to other hosts: {foreign}"


def test_search_then_open_task(page) -> None:
    page.goto(page.base + "/")
    page.get_by_label("检索任务全文").first.fill("公平竞争委员会")
    page.keyboard.press("Enter")
    page.wait_for_url("**/find?q=*")
    first = page.locator("ol.hits a.hit").first
    assert "公平竞争委员会" in first.inner_text()
    assert page.locator("ol.hits mark").count() > 0  # the hits are highlighted
    first.click()
    page.wait_for_url("**/id/plan/sz-keytasks-2023/task/89")
    assert page.locator("h1").inner_text().endswith("设立前海公平竞争委员会")
    units = page.locator("#h-units + .units, section[aria-labelledby=h-units] .units")
    lead = units.filter(has_text="牵头").inner_text()
    assert "市前海管理局" in lead and "市市场监管局" in lead
    assert "市委编办" in units.filter(has_text="参加").inner_text()
    # provenance: the line as printed in the source
    assert "002_5a9a178f36e254ae.txt 第 507 行" in page.locator("section[aria-labelledby=h-prov] h3").inner_text()
    assert "设立议事协调机构性质的前海公平竞争委员会" in page.locator("pre.source").inner_text()


def test_agency_page_counts_per_plan(page) -> None:
    page.goto(page.base + "/id/agency/sz-amr")
    assert page.locator("h1").inner_text() == "市市场监管局"
    row = page.locator("#counts tr[data-plan=sz-intl-2023-2025]")
    cells = row.locator("td").all_inner_texts()
    assert cells == ["1", "3", "", "4"]  # lead, participating, responsible, total
    page.wait_for_selector("#agency-chart[data-rendered=true]")
    assert page.locator("#plan-sz-intl-2023-2025 + ul.resp li").count() == 4
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "agency_page_top.png"))  # the README's picture (docs/agency-page.png)


def test_switch_to_english(page) -> None:
    page.goto(page.base + "/id/agency/sz-amr")
    page.get_by_role("link", name="切换到英文").click()
    page.wait_for_url("**/id/agency/sz-amr?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("p.en").inner_text() == "Shenzhen Administration for Market Regulation"
    assert page.get_by_role("heading", name="Tasks per plan").count() == 1
    assert page.get_by_role("link", name="Home").first.get_attribute("href") == "/?lang=en"
    page.wait_for_selector("#agency-chart[data-rendered=true]")


def test_editor_example_query_and_csv(page) -> None:
    page.goto(page.base + "/editor")
    page.locator("button.example[data-name=lead-agencies-intl-plan]").click()
    page.wait_for_selector(".yasr table tbody tr")
    assert "市商务局" in page.locator(".yasr table").inner_text()
    with page.expect_download() as info:
        page.locator("#csv").click()
    raw = Path(info.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, so Excel opens the Chinese correctly
    text = raw.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {"agency": "市商务局", "tasks": "3"}.items() <= rows[0].items()
    share = page.locator("#share").get_attribute("href")
    assert share.startswith("/editor?query=") and "leadAgency" in share


def test_indicator_chart(page) -> None:
    page.goto(page.base + "/id/indicator/hightech-fdi")
    page.wait_for_selector("#indicator-chart[data-rendered=true]")
    rows = page.locator("#trajectory tbody tr")
    # the values as the sources print them, the normalised number beside them
    assert rows.nth(0).locator("td .printed").nth(0).inner_text() == "= 30亿美元"
    assert rows.nth(1).locator("td .printed").nth(0).inner_text() == "≥ 40亿美元"
    assert "3,000,000,000" in rows.nth(0).locator("td .normalised").inner_text()
    assert [rows.nth(i).locator("td").first.inner_text() for i in range(2)] == ["2023", "2025"]


def test_home_timeline_and_keyboard(page) -> None:
    page.goto(page.base + "/")
    assert page.locator(".plan-card:not(.continues)").count() == 12
    pilot = page.locator(".timeline .year").filter(has=page.locator("h3", has_text="2022"))
    assert "200" in pilot.locator(".plan-card").inner_text()  # the 2022 pilot list: 200 items
    port = page.locator(".plan-card:not(.continues)").filter(has_text="深圳口岸提升美誉度专项行动方案")
    assert "9" in port.inner_text() and "15" in port.inner_text()  # 9 present of the 15 it declares
    page.keyboard.press("Tab")  # the first stop is the skip link, and it leads to the main landmark
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.locator("header").count() == 1 and page.locator("footer").count() == 1


def test_plan_page_filter_by_agency(page) -> None:
    # 003, lines 188-284: 深圳市税务局 is the responsible unit of tasks 3, 21, 40, 41 and 42
    page.goto(page.base + "/id/plan/sz-market-2024")
    assert "已载入 44 项任务" in page.locator("#task-count").inner_text()
    assert "原文声明 44 项" in page.locator("#task-count").inner_text()
    page.get_by_label("单位").select_option("sz-tax")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**agency=sz-tax*")
    numbers = [cell.split("*")[0] for cell in page.locator("table.tasks tbody tr:not(.section-row) td:first-child").all_inner_texts()]
    assert numbers == ["3", "21", "40", "41", "42"]
    assert "优化身份被冒用经营主体税务解绑流程" in page.locator("table.tasks").inner_text()


def test_plan_page_contents_and_due_by_filter(page) -> None:
    """A long plan has a table of contents leading to its sections; the "due by" filter offers
    the months of the plan's deadline dates and keeps the tasks due then or before."""
    page.goto(page.base + "/id/plan/sz-pilot-batch1")
    toc = page.locator("nav.toc a")
    assert toc.count() >= 10 and toc.first.inner_text() == "健全透明规范的市场主体准入退出机制"
    toc.first.click()
    page.wait_for_url("**#s-*")
    anchor = page.url.rsplit("#", 1)[1]
    assert page.locator(f"tr#{anchor}").inner_text().strip() == "健全透明规范的市场主体准入退出机制"
    page.get_by_label("到期不晚于").select_option("2022-06")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**due=2022-06*")
    # 73 items have a deadline date in or before June 2022 (counted by SPARQL over pk:deadline)
    assert "显示 73 项" in page.locator("form.filters .showing").inner_text()


def test_district_page(page) -> None:
    page.goto(page.base + "/id/district/qianhai?lang=en")
    assert page.locator("h1").inner_text() == "前海深港现代服务业合作区"
    assert page.locator("p.en").inner_text() == "Qianhai Shenzhen-Hong Kong Modern Service Industry Cooperation Zone"
    assert "前海合作区" in page.locator("dl.facts").inner_text()
    assert page.locator("a[href='/id/plan/sz-keytasks-2023/task/89?lang=en']").count() == 1


def test_phone_layout(page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/", "/id/agency/sz-amr", "/id/plan/sz-pilot-batch1"):
        page.goto(page.base + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path


def test_task_page_units_in_printed_order(page) -> None:
    # 004, line 18: pilot item 2 prints 市市场监管局 first, then 人民银行深圳市中心支行 (both lead),
    # then 市人力资源保障局 and 市住房建设局
    page.goto(page.base + "/id/plan/sz-pilot-batch1/task/2")
    names = page.locator("section[aria-labelledby=h-units] .units a").all_inner_texts()
    assert names == ["市市场监管局", "人民银行深圳市中心支行", "市人力资源保障局", "市住房建设局"]
    assert page.locator("section[aria-labelledby=h-units] .units").first.locator(".badge").inner_text() == "牵头"


def test_task_page_related_measures_once(page) -> None:
    # task 7 of the international plan: its annex items 19-21 (2023 task list) carry it out;
    # each related task appears once, with one relation named in words and its score
    page.goto(page.base + "/id/plan/sz-intl-2023-2025/task/7")
    links = page.locator("section[aria-labelledby=h-lineage] ol.related > li")
    hrefs = [links.nth(i).locator("a").first.get_attribute("href") for i in range(links.count())]
    assert hrefs and len(hrefs) == len(set(hrefs))
    annex = links.filter(has=page.locator("a[href='/id/plan/sz-intl-tasks-2023/task/21']"))
    assert annex.count() == 1
    assert annex.locator(".badge.relation").inner_text() == "由其落实"
    assert annex.locator(".score").inner_text() == "0.94"
    # the plan named by its title, not its slug
    assert "深圳市优化国际化营商环境任务清单（2023年）" in annex.locator(".plan").inner_text()
    assert "sz-intl-tasks-2023" not in links.all_inner_texts()[0]
    # 001, line 61: 2025年高技术产业实际使用外资规模达到40亿美元以上
    target = page.locator("section[aria-labelledby=h-targets] table tbody tr").first
    assert target.locator(".printed").inner_text() == "≥ 40亿美元"
    assert "4000000000" not in target.inner_text()


def test_task_page_milestones_taken_up(page) -> None:
    # market plan 2023-2025 task 20: 2024年实行区域评估结果“一单尽列、免费公开”, taken up by
    # task 33 of the 2024 market plan
    page.goto(page.base + "/id/plan/sz-market-2023-2025/task/20")
    milestones = page.locator("section[aria-labelledby=h-milestones] ol.milestones > li")
    assert milestones.count() == 2
    second = milestones.filter(has_text="2024年实行区域评估结果")
    assert second.locator("a[href='/id/plan/sz-market-2024/task/33']").count() == 1
    assert "深圳市2024年优化市场化营商环境工作方案" in second.inner_text()


def test_plan_page_issuer_and_provenance(page) -> None:
    page.goto(page.base + "/id/plan/sz-intl-2023-2025")
    facts = page.locator("dl.facts")
    assert "深办发〔2023〕12号" in facts.inner_text()
    assert "2023-08-05" in facts.inner_text()
    assert "中共深圳市委办公厅" in facts.locator(".publishers").inner_text()
    assert facts.locator("a[href='/id/jurisdiction/440300']").inner_text() == "深圳市"
    sources = facts.locator("ul.sources li")
    assert sources.count() == 2 and "001_560f08f7727a2982.txt" in sources.all_inner_texts()[1]
    assert facts.locator("a[href^='http://www.sz.gov.cn/']").count() == 1


def test_search_finds_the_agency_and_pages_the_true_total(page) -> None:
    page.goto(page.base + "/find?q=市场监管局")
    agency = page.locator("ul.name-hits-agencies li").filter(has_text="市市场监管局")
    assert agency.locator("a[href='/id/agency/sz-amr']").count() == 1
    assert "164" in agency.inner_text()  # its full responsibility list, as on its page
    page.goto(page.base + "/find?q=企业")
    assert "共 284 项任务" in page.locator("#result-count").inner_text()
    assert page.locator("ol.hits > li").count() == 20
    page.locator("nav.pager a[rel=next]").click()
    page.wait_for_url("**page=2*")
    assert "显示第 21–40 项" in page.locator("#result-count").inner_text()
    page.goto(page.base + "/find?q=企业&plan=sz-market-2024")
    plans = {t.split(" · ")[0].strip() for t in page.locator("ol.hits .meta").all_inner_texts()}
    assert plans == {"深圳市2024年优化市场化营商环境工作方案"}
    # a words search finds the words apart; the phrase search only the text as printed
    page.goto(page.base + "/find?q=公平竞争 审查")
    words = page.locator("#result-count").inner_text()
    page.select_option("select[name=mode]", "phrase")
    page.locator("form.search.big button[type=submit]").click()
    page.wait_for_url("**mode=phrase*")
    assert "共 0 项任务" in page.locator("#result-count").inner_text() and "共 0 项任务" not in words


def test_index_pages(page) -> None:
    page.goto(page.base + "/browse/agencies")
    assert "共 103 项" in page.locator("#browse-total").inner_text()
    assert page.locator("table.browse tr[data-id=sz-amr] td.count").inner_text() == "164"
    page.goto(page.base + "/browse/districts")
    assert page.locator("table.browse tr[data-id='440300']").count() == 1  # 深圳市, a jurisdiction
    page.goto(page.base + "/browse/plans")
    assert page.locator("table.browse tbody tr").count() == 12
    page.goto(page.base + "/browse/indicators?page=2")
    assert page.locator("nav.pager a[rel=prev]").count() == 1


def test_task_page_cite_box(page) -> None:
    """The task page says how to cite it: IRI, plan with its 文号, source file and line (001 line
    59 prints item 7 of the international plan, 更大力度吸引和利用外资)."""
    page.goto(page.base + "/id/plan/sz-intl-2023-2025/task/7")
    cite = page.locator("section.cite")
    assert "深办发〔2023〕12号" in cite.inner_text() and "001_560f08f7727a2982.txt" in cite.inner_text()
    text = page.get_by_label("引用格式（可复制）").input_value()
    assert text.startswith("深圳市优化国际化营商环境工作方案（2023—2025年）（深办发〔2023〕12号，2023-08-05），第7项：更大力度吸引和利用外资。")
    assert "第59行" in text and text.endswith("https://w3id.org/plankg/id/plan/sz-intl-2023-2025/task/7，CC0 1.0。")
