"""The web interface: HTML pages over the same store as the API, in Chinese and English.

Pages are Jinja2 templates (``api/templates``, autoescaped) filled from
:mod:`plankg.api.web.views`; interface text comes from the message catalogue
``api/messages.json``; labels come from the graph (``@zh``, with ``@en`` beside them). The
front-end libraries (YASGUI, Chart.js) are npm dependencies (``package.json``) served from the
installed ``node_modules`` folder by this app, never from a CDN. The language is in the URL
(``?lang=en``; Chinese is the default).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.exceptions import HTTPException as StarletteHTTPException

from plankg.api.cache import request_store
from plankg.api.deps import (
    AgencyFilter,
    ModeFilter,
    PageLangQuery,
    PageQuery,
    PageYearFilter,
    PlanFilter,
    RoleFilter,
    SearchText,
)
from plankg.api.web import views
from plankg.graph.search import search_tasks, search_terms
from plankg.graph.store import GraphStore

__all__ = ["ASSETS", "LANGUAGES", "highlight", "install_docs", "install_web", "render_resource_page",
           "render_vocabulary"]

LANGUAGES = ("zh", "en")
#: results a search page, rows an index page
SEARCH_PAGE, BROWSE_PAGE = 20, 50
#: URL prefix → folder inside node_modules (see package.json)
ASSETS = {"yasgui": "@zazuko/yasgui/build", "chartjs": "chart.js/dist", "swagger-ui": "swagger-ui-dist",
          "redoc": "redoc/bundles"}


@cache
def messages() -> dict[str, dict[str, str]]:
    """The interface text: key → {language → text}."""
    text = (resources.files("plankg.api") / "messages.json").read_text(encoding="utf-8")
    catalogue: dict[str, dict[str, str]] = json.loads(text)
    return catalogue


@cache
def templates() -> Environment:
    """The Jinja2 environment of the page templates (autoescaping on)."""
    folder = Path(str(resources.files("plankg.api") / "templates"))
    env = Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["local"] = views.local_id
    env.filters["local_term"] = lambda iri: str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return env


def highlight(text: str, query: str, width: int = 80, phrase: bool = False) -> Markup:
    """An escaped excerpt of ``text`` around the first hit of ``query``'s bigrams, hits marked.

    >>> str(highlight("建立前海公平竞争委员会。", "公平竞争"))
    '建立前海<mark>公平竞争</mark>委员会。'
    >>> str(highlight("a<b>", "b"))
    'a&lt;<mark>b</mark>&gt;'
    """
    terms = sorted(set(search_terms(query, phrase)), key=len, reverse=True)
    first = min((i for i in (text.find(t) for t in terms) if i >= 0), default=0)
    start = max(0, first - width // 2)
    excerpt = text[start: start + width]
    marked: list[str] = []
    position = 0
    # mark runs of overlapping bigram hits as one span
    spans: list[list[int]] = []
    for i in range(len(excerpt)):
        for t in terms:
            if excerpt.startswith(t, i):
                if spans and spans[-1][1] >= i:
                    spans[-1][1] = max(spans[-1][1], i + len(t))
                else:
                    spans.append([i, i + len(t)])
                break
    for begin, end in spans:
        marked.append(str(escape(excerpt[position:begin])))
        marked.append(f"<mark>{escape(excerpt[begin:end])}</mark>")
        position = end
    marked.append(str(escape(excerpt[position:])))
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return Markup(prefix + "".join(marked) + suffix)


class Page:
    """What every template gets: the language, the message lookup and a URL helper."""

    def __init__(self, request: Request, lang: str) -> None:
        self.request = request
        self.lang = lang if lang in LANGUAGES else "zh"
        self.other = "en" if self.lang == "zh" else "zh"

    def t(self, key: str, **values: Any) -> str:
        """The interface text for ``key`` in the page's language."""
        entry = messages().get(key)
        if entry is None:
            return key
        text = entry.get(self.lang) or entry["zh"]
        return text.format(**values) if values else text

    def url(self, path: str, **params: Any) -> str:
        """A site URL carrying the page's language (and the given query parameters)."""
        query = {k: v for k, v in params.items() if v not in (None, "")}
        if self.lang != "zh":
            query["lang"] = self.lang
        return path + ("?" + urlencode(query) if query else "")

    def switch(self) -> str:
        """This page in the other language."""
        params = dict(self.request.query_params)
        params.pop("lang", None)
        if self.other != "zh":
            params["lang"] = self.other
        return self.request.url.path + ("?" + urlencode(params) if params else "")

    def label(self, zh: str, en: str | None) -> str:
        """A graph label in the page's language: the @en label in English when there is one."""
        return en if self.lang == "en" and en else zh

    def id_path(self, iri: str) -> str:
        """The site path of an instance IRI (``/id/...``)."""
        return self.url("/id/" + iri.split("/id/", 1)[-1])


def render(template: str, page: Page, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a page template to an HTML response."""
    body = templates().get_template(template).render(page=page, t=page.t, **context)
    return HTMLResponse(body, status_code=status, headers={"Vary": "Accept", "Content-Language": page.lang})


def prefers_html(request: Request) -> bool:
    """Whether the client asks for HTML before JSON (a browser does; curl's */* does not)."""
    accept = request.headers.get("accept", "")
    html, json_at = accept.find("text/html"), accept.find("application/json")
    return html >= 0 and (json_at < 0 or html < json_at)


def source_lines(sources_dir: Path, file: str, start: int, stop: int | None, limit: int = 12) -> list[tuple[int, str]]:
    """Lines ``start``..``stop - 1`` (1-based, at most ``limit``) of a source file, as printed."""
    path = sources_dir / file
    if not path.is_file() or start < 1:
        return []
    lines = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
    end = min(stop - 1 if stop else start + limit - 1, start + limit - 1, len(lines))
    return [(n, lines[n - 1]) for n in range(start, end + 1)]


def render_resource_page(request: Request, store: GraphStore, base: str, path: str, lang: str,
                         sources_dir: Path) -> HTMLResponse | None:
    """The HTML page of a plan, task, agency, district or indicator IRI; None for other kinds."""
    page = Page(request, lang)
    iri = base + path
    parts = path.split("/")
    data: dict[str, Any] | None
    if len(parts) == 2 and parts[0] == "plan":
        params = request.query_params
        due = params.get("due") or ""
        data = views.plan_page(store, iri, params.get("section") or None, params.get("agency") or None,
                                params.get("deadline") or None, due if re.fullmatch(r"\d{4}-\d{2}", due) else None)
        return None if data is None else render("plan.html", page, plan=data, filters=params)
    if len(parts) == 4 and parts[0] == "plan" and parts[2] == "task":
        data = views.task_page(store, iri)
        if data is None:
            return None
        for entry in data["provenance"]:
            entry["lines"] = source_lines(sources_dir, entry["file"], entry["line"], entry["next"])
        return render("task.html", page, task=data)
    if len(parts) == 2 and parts[0] in ENTITY_PAGES:
        view, template, name = ENTITY_PAGES[parts[0]]
        data = view(store, iri)
        return None if data is None else render(template, page, 200, **{name: data})
    return None


#: the pages of one resource by the first segment of its path: its view, template and the name
#: the template knows it by
ENTITY_PAGES: dict[str, tuple[Callable[[GraphStore, str], dict[str, Any] | None], str, str]] = {
    "agency": (views.agency_page, "agency.html", "agency"),
    "district": (views.district_page, "district.html", "district"),
    "jurisdiction": (views.jurisdiction_page, "jurisdiction.html", "place"),
    "indicator": (views.indicator_page, "indicator.html", "indicator"),
}


def render_vocabulary(request: Request, terms: list[dict[str, str]], lang: str) -> HTMLResponse:
    """The vocabulary page: each term of ``pk:`` with its kind, label and comment, anchored by
    its local name (``/def#Task``)."""
    return render("vocabulary.html", Page(request, lang), terms=terms)


def render_statements(request: Request, iri: str, rows: list[tuple[Markup, Markup, Markup]], lang: str) -> HTMLResponse:
    """The generic page of any other resource: its statements as a table."""
    return render("resource.html", Page(request, lang), iri=iri, rows=rows)


def install_web(app: FastAPI, assets_dir: Path | None, examples: Callable[[], list[dict[str, str]]]) -> None:
    """Add the pages (home, search, SPARQL editor) and the static files to ``app``.

    The resource pages are rendered by the ``/id/`` route through :func:`render_resource_page`.
    ``assets_dir`` is the ``node_modules`` folder holding the front-end libraries; when it is
    missing the pages still work, without the editor and the charts. ``examples`` gives the
    example queries the editor offers.
    """
    static = Path(str(resources.files("plankg.api") / "static"))
    app.mount("/static", StaticFiles(directory=static), name="static")
    available = set()
    for name, folder in ASSETS.items():
        if assets_dir is not None and (assets_dir / folder).is_dir():
            app.mount(f"/assets/{name}", StaticFiles(directory=assets_dir / folder), name=f"assets-{name}")
            available.add(name)
    app.state.assets = available

    @app.exception_handler(StarletteHTTPException)
    async def not_found_page(request: Request, exc: StarletteHTTPException) -> Response:
        # a browser that follows a dead link gets a page; API clients keep the JSON error
        if exc.status_code == 404 and prefers_html(request):
            lang = request.query_params.get("lang", "zh")
            return render("error.html", Page(request, lang), status=404, message=str(exc.detail))
        return await http_exception_handler(request, exc)

    store_of = request_store

    @app.get("/", response_class=HTMLResponse, summary="Home page: what the dataset holds, plans on a timeline")
    def home(request: Request, lang: PageLangQuery = "zh") -> HTMLResponse:
        overview = views.dataset_overview(store_of(request))
        return render("home.html", Page(request, lang), overview=overview)

    @app.get("/find", response_class=HTMLResponse, summary="Search page: agencies, plans, districts and indicators "
             "by name, and tasks by full text (highlighted), with filters, the true total and paging")
    def find(request: Request, q: SearchText = "", lang: PageLangQuery = "zh", plan: PlanFilter = "",
             year: PageYearFilter = "", agency: AgencyFilter = "", role: RoleFilter = "", mode: ModeFilter = "words",
             page_number: PageQuery = 1) -> HTMLResponse:
        query = " ".join(q.split())[:100]
        store = store_of(request)  # once: a rebuild may swap the store between two reads
        keep = views.task_filter(store, plan or None, int(year) if year else None, agency or None, role or None)
        hits = [h for h in search_tasks(store, query, 100_000, phrase=mode == "phrase")
                if keep is None or h["task"] in keep] if query else []
        total = len(hits)
        pages = max(1, -(-total // SEARCH_PAGE))
        hits = hits[(page_number - 1) * SEARCH_PAGE: page_number * SEARCH_PAGE]
        titles = {p["id"]: p for p in views.dataset_overview(store)["plans"]}
        for hit in hits:
            hit["snippet"] = highlight(hit["text"], query, phrase=mode == "phrase")
            hit["titleMarked"] = highlight(hit["title"], query, 200, phrase=mode == "phrase")
            hit["planTitle"] = titles.get(hit["plan"], {}).get("title", hit["plan"])
            hit["planEn"] = titles.get(hit["plan"], {}).get("en", "")
        names = views.name_hits(store, query) if query else {}
        filters = {"plan": plan, "year": year, "agency": agency, "role": role, "mode": mode}
        return render("search.html", Page(request, lang), q=query, hits=hits, total=total, names=names,
                      filters=filters, page_number=page_number, pages=pages, plans=list(titles.values()),
                      agencies=views.browse(store, "agencies"), first=(page_number - 1) * SEARCH_PAGE + 1)

    @app.get("/browse/{kind}", response_class=HTMLResponse, summary="Index pages: every agency, district and "
             "jurisdiction, indicator or plan, paged, with the true total")
    def browse(request: Request, kind: Annotated[Literal["agencies", "districts", "indicators", "plans"], PathParam(
                   description="what to list: agencies, districts (with jurisdictions), indicators or plans")],
               lang: PageLangQuery = "zh", page_number: PageQuery = 1) -> HTMLResponse:
        rows = views.browse(store_of(request), kind)
        pages = max(1, -(-len(rows) // BROWSE_PAGE))
        shown = rows[(page_number - 1) * BROWSE_PAGE: page_number * BROWSE_PAGE]
        return render("browse.html", Page(request, lang), kind=kind, rows=shown, total=len(rows),
                      page_number=page_number, pages=pages, first=(page_number - 1) * BROWSE_PAGE + 1)

    @app.get("/editor", response_class=HTMLResponse, summary="SPARQL editor (YASGUI) with the example queries")
    def editor(request: Request, query: Annotated[str, Query(description="a SPARQL query to open in the editor")] = "",
               lang: PageLangQuery = "zh") -> HTMLResponse:
        return render("editor.html", Page(request, lang), examples=examples(), query=query[:100_000],
                      available="yasgui" in app.state.assets)


def install_docs(app: FastAPI) -> None:
    """``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) from this host's ``/assets`` (npm packages
    ``swagger-ui-dist`` and ``redoc``), started by a script file, not inline, so that the
    Content-Security-Policy holds; without the packages, a page that points at
    ``/openapi.json``."""

    def page(title: str, asset: str, head: str, body: str) -> HTMLResponse:
        if asset not in app.state.assets:
            body = (f"<h1>{title}</h1><p>The interactive documentation needs the front-end libraries "
                    "(<code>npm ci</code>). The OpenAPI document is at <a href=\"/openapi.json\">/openapi.json</a>.</p>")
            head = '<link rel="stylesheet" href="/static/plankg.css">'
        return HTMLResponse(f"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                            f"<title>{title} · plankg</title>{head}</head><body>{body}</body></html>")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return page("plankg API", "swagger-ui", '<link rel="stylesheet" href="/assets/swagger-ui/swagger-ui.css">'
                    '<link rel="stylesheet" href="/static/docs.css">',
                    '<div id="swagger-ui"></div><script src="/assets/swagger-ui/swagger-ui-bundle.js"></script>'
                    '<script src="/static/docs.js"></script>')

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return page("plankg API", "redoc", "",
                    '<redoc spec-url="/openapi.json"></redoc><script src="/static/redoc-offline.js"></script>'
                    '<script src="/assets/redoc/redoc.standalone.js"></script>')
