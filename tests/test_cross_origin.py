"""A page on another origin calls the service from Chromium with ``fetch()``: a GET of
``/sparql`` (a simple request) and a POST of a query as ``application/sparql-query`` (which
the browser sends only after a CORS preflight), both read by the page's script."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.browser import launch, require_chromium

playwright = require_chromium()

QUERY = ("PREFIX dcterms: <http://purl.org/dc/terms/> SELECT ?title WHERE { "
         "<https://w3id.org/plankg/id/plan/sz-market-2024> dcterms:title ?title }")
#: what the README shows a page elsewhere running
SCRIPT = """async ([service, query]) => {
  const get = await fetch(service + "/sparql?query=" + encodeURIComponent(query),
                          {headers: {Accept: "application/sparql-results+json"}});
  const post = await fetch(service + "/sparql", {method: "POST", body: query,
      headers: {"Content-Type": "application/sparql-query", Accept: "application/sparql-results+json"}});
  return {get: get.status, post: post.status, rows: get.headers.get("x-result-rows"),
          title: (await get.json()).results.bindings[0].title.value,
          posted: (await post.json()).results.bindings[0].title.value};
}"""


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A static site on another port of 127.0.0.1: another origin than the service's."""
    folder: Path = tmp_path_factory.mktemp("elsewhere")
    (folder / "index.html").write_text("<!doctype html><title>elsewhere</title><p>another site", encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_page_elsewhere_fetches_sparql(live_server: str, elsewhere: str) -> None:
    for browser in launch(playwright):
        page = browser.new_page()
        page.goto(elsewhere + "/index.html")
        answer = page.evaluate(SCRIPT, [live_server, QUERY])
        page.close()
    assert answer == {"get": 200, "post": 200, "rows": "1", "title": "深圳市2024年优化市场化营商环境工作方案",
                      "posted": "深圳市2024年优化市场化营商环境工作方案"}
