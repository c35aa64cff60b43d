"""/docs (Swagger UI) and /redoc (ReDoc) in Debian's Chromium: both render the service's OpenAPI
document from assets served by the service itself, and no request leaves the service (the
workplace is offline; README: "no CDN"). The pages keep the service's Content-Security-Policy."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser import SHOTS, launch, require_chromium

playwright = require_chromium()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    yield from launch(playwright)


@pytest.fixture()
def visit(browser: object, live_server: str) -> Iterator[object]:
    """Opens a path; records every request, and fails on any to another host or any failed one."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    tab = context.new_page()
    seen: list[str] = []
    failed: list[str] = []
    tab.on("request", lambda r: seen.append(r.url))
    tab.on("requestfailed", lambda r: failed.append(r.url))

    def go(path: str) -> object:
        tab.goto(live_server + path)
        return tab

    yield go
    foreign = [url for url in seen if not url.startswith((live_server, "data:", "blob:"))]
    context.close()
    assert seen
    assert not foreign, f"requests to other hosts: {foreign}"
    assert not [url for url in failed if url.startswith(live_server)], f"failed requests: {failed}"


def test_swagger_ui_renders_offline(visit) -> None:
    page = visit("/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("plankg")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/sparql" in [p.strip() for p in paths]
    # an operation opens and shows its documented parameters
    page.locator(".opblock-summary-path", has_text="/agencies").first.click()
    page.wait_for_selector(".opblock.is-open .parameters", timeout=10_000)
    assert page.locator(".opblock.is-open .parameter__name").count() > 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "docs.png"))


def test_redoc_renders_offline(visit) -> None:
    page = visit("/redoc")
    page.wait_for_selector("redoc .api-content h1", timeout=20_000)
    assert page.locator("redoc .api-content h1").first.inner_text().startswith("plankg")
    assert page.locator("redoc [role=menuitem]").count() > 5
    assert page.locator("img[src*='cdn.redoc.ly']").count() == 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "redoc.png"))
