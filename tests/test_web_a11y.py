"""Accessibility in a real browser: axe-core (an npm devDependency, ``node_modules/axe-core``)
injected into Debian's Chromium, driven by Playwright, on every page type of the web interface,
in both languages; no critical or serious violation is allowed. The editor is checked with a
result table shown, and its keyboard way out is tried.

The tests share the browser set-up of :mod:`tests.test_web_browser` (same flags, every request
must stay on the service)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.browser import REPO, SHOTS, launch, require_chromium

playwright = require_chromium()

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
if not AXE.exists():
    pytest.skip("axe-core is not installed (npm ci)", allow_module_level=True)

# one page of every type (home, plan, task, agency, district, jurisdiction, indicator, search,
# browse, editor, docs, vocabulary, resource, error)
PAGES = [
    "/", "/id/plan/sz-market-2024", "/id/plan/sz-pilot-batch1/task/2", "/id/plan/sz-intl-2023-2025/task/7",
    "/id/agency/sz-amr", "/id/district/qianhai", "/id/jurisdiction/440300", "/id/indicator/hightech-fdi",
    "/find", "/find?q=企业", "/find?q=市场监管局", "/browse/agencies", "/browse/plans", "/browse/districts",
    "/browse/indicators", "/editor", "/def", "/id/plan/does-not-exist",
]
DOCS = ["/docs", "/redoc"]
BLOCKING = {"critical", "serious"}


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    yield from launch(playwright)


@pytest.fixture()
def page(browser: object, live_server: str) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    # axe-core as an init script: the pages' Content-Security-Policy (no inline script) stays
    # in force, as it is for everyone, and would refuse an injected <script> tag
    context.add_init_script(path=str(AXE))
    tab = context.new_page()
    seen: list[str] = []
    tab.on("request", lambda r: seen.append(r.url))
    tab.base = live_server
    yield tab
    foreign = [url for url in seen if not url.startswith((live_server, "data:", "blob:"))]
    context.close()
    assert not foreign, f"requests to other hosts: {foreign}"


def axe_violations(page, context: str | None = None) -> list[dict]:
    """Runs axe-core (WCAG 2.x A/AA and best practices) on the page as it is now."""
    result = page.evaluate("async (ctx) => await axe.run(ctx || document, {resultTypes: ['violations']})", context)
    return result["violations"]


def describe(violations: list[dict]) -> str:
    return json.dumps([{"id": v["id"], "impact": v["impact"], "help": v["help"],
                        "nodes": [(n["target"], n.get("failureSummary", "")[-160:]) for n in v["nodes"]][:6]} for v in violations], ensure_ascii=False, indent=1)


def blocking(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_serious_violation(page, path: str, lang: str) -> None:
    url = page.base + path + ("" if lang == "zh" else ("&" if "?" in path else "?") + "lang=en")
    page.goto(url)
    page.wait_for_load_state("load")
    if path == "/editor":
        page.wait_for_selector(".yasqe .CodeMirror", timeout=10_000)
    found = blocking(axe_violations(page))
    assert not found, describe(found)


def test_editor_with_results_has_no_serious_violation(page) -> None:
    page.goto(page.base + "/editor")
    page.locator("button.example[data-name=lead-agencies-intl-plan]").click()
    page.wait_for_selector(".yasr table tbody tr", timeout=15_000)
    found = blocking(axe_violations(page))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "editor_results.png"), full_page=True)
    assert not found, describe(found)


@pytest.mark.parametrize("path", DOCS)
def test_docs_have_no_serious_violation(page, path: str) -> None:
    page.goto(page.base + path)
    page.wait_for_selector(".swagger-ui .opblock" if path == "/docs" else "redoc .api-content h1", timeout=20_000)
    found = blocking(axe_violations(page))
    assert not found, describe(found)


def test_editor_plain_values_readable_errors_and_way_out(page) -> None:
    page.goto(page.base + "/editor?lang=en")
    page.wait_for_selector(".yasqe .CodeMirror", timeout=10_000)
    # the hint says how to leave the editor by keyboard
    assert "Esc" in page.locator("#editor-keys").inner_text()
    # plain values: numbers without their datatype, names without language tags
    page.locator("button.example[data-name=lead-agencies-intl-plan]").click()
    page.wait_for_selector(".yasr table tbody tr", timeout=15_000)
    table = page.locator(".yasr table tbody").inner_text()
    assert "市商务局" in table and "^^" not in table and "XMLSchema" not in table
    # Tab types into the query; Esc then Tab leaves the editor
    field = page.locator(".yasqe .CodeMirror textarea")
    assert field.get_attribute("aria-label")
    page.locator(".yasqe .CodeMirror").click()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.CodeMirror') !== null")
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.CodeMirror') === null")
    # a syntax error: a sentence with the line and column, not raw JSON
    page.locator(".yasqe .CodeMirror").click()
    page.evaluate("document.querySelector('.CodeMirror').CodeMirror.setValue('SELECT * WHERE { ?s ?p }')")
    page.locator("#run").click()
    error = page.locator(".sparql-error")
    error.wait_for(timeout=15_000)
    text = error.inner_text()
    assert "line 1, column 25" in text and '{"detail"' not in text
    error.locator("button.goto-error").click()
    cursor = page.evaluate("(() => { const c = document.querySelector('.CodeMirror').CodeMirror.getCursor(); return [c.line, c.ch]; })()")
    assert cursor == [0, 24]
    found = blocking(axe_violations(page))
    assert not found, describe(found)
