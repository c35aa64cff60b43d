"""The SPARQL guard: which queries the public endpoint runs.

Read-only and closed to the outside. A query is parsed with rdflib (which decodes ``\\u``
escapes first, so ``SERVI\\u0043E`` is seen as ``SERVICE``, and fails cleanly on deeply nested
groups that would crash pyoxigraph) and its parse tree is walked: any ``SERVICE`` (plain,
``SILENT``, with a variable, however deeply nested), any ``FROM``/``FROM NAMED`` other than the
build's own graphs, and every update (``LOAD``, ``INSERT`` …) is rejected. No regular expression
decides anything.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["CheckedQuery", "QueryRejected", "check_query"]


class QueryRejected(ValueError):
    """A query the endpoint will not run; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the guard, with its form (SELECT, ASK, CONSTRUCT, DESCRIBE)."""

    text: str
    form: str
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]


def _walk(node: object, names: list[str], depth: int = 0) -> None:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    if depth > 400:
        raise QueryRejected(400, "the query nests too deeply")
    if isinstance(node, CompValue):
        names.append(node.name)
        for value in node.values():
            _walk(value, names, depth + 1)
    elif isinstance(node, list | tuple | ParseResults):
        for value in node:
            _walk(value, names, depth + 1)


#: rdflib's SPARQL grammar (pyparsing) is not thread-safe: concurrent parses fail at random
#: ("Expected SelectQuery, found ' '"), and the recursion limit raised below is process-wide.
_PARSE_LOCK = threading.Lock()


def _parse(text: str) -> tuple[Any, list[str]]:
    """The parse tree of a query and the names of its nodes (call under ``_PARSE_LOCK``)."""
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(max(limit, 3000))
        try:
            parsed = parseQuery(text)
        except RecursionError:
            raise QueryRejected(400, "the query nests too deeply") from None
        except Exception as exc:  # pyparsing's ParseException and friends
            try:
                parseUpdate(text)
            except Exception:
                raise QueryRejected(400, f"syntax error: {exc}") from None
            raise QueryRejected(400, "updates (INSERT, DELETE, LOAD, CLEAR …) are not allowed") from None
        names: list[str] = []
        _walk(parsed, names)
    finally:
        sys.setrecursionlimit(limit)
    return parsed, names


def check_query(text: str, allowed_graphs: Iterable[str], max_bytes: int = 100_000) -> CheckedQuery:
    """Parse and check a query for the public endpoint.

    Args:
        text: the query.
        allowed_graphs: IRIs that ``FROM``/``FROM NAMED`` may name (the build's graphs).
        max_bytes: the largest query accepted.

    Raises:
        QueryRejected: 413 too large; 400 a syntax error, an update, a SERVICE, a foreign
            dataset, or nesting too deep.

    >>> check_query("SELECT * WHERE { ?s ?p ?o }", []).form
    'SelectQuery'
    >>> try:
    ...     check_query("SELECT * WHERE { SERVI\\u0043E <http://127.0.0.1:9/> { ?s ?p ?o } }", [])
    ... except QueryRejected as exc:
    ...     print(exc.status, exc)
    400 SERVICE is not allowed: the endpoint does not query other endpoints
    """
    if len(text.encode("utf-8")) > max_bytes:
        raise QueryRejected(413, f"the query is larger than {max_bytes} bytes")
    with _PARSE_LOCK:
        parsed, names = _parse(text)
    if "ServiceGraphPattern" in names:
        raise QueryRejected(400, "SERVICE is not allowed: the endpoint does not query other endpoints")
    allowed = set(allowed_graphs)
    default: list[str] = []
    named: list[str] = []
    clauses = parsed[1]["datasetClause"] if "datasetClause" in parsed[1] else []  # noqa: SIM401 - CompValue.get differs
    for clause in clauses:
        is_default = "default" in clause
        iri = str(clause["default"] if is_default else clause["named"])
        if iri not in allowed:
            raise QueryRejected(400, f"FROM <{iri}> is not one of this dataset's graphs")
        (default if is_default else named).append(iri)
    return CheckedQuery(text, parsed[1].name, tuple(default), tuple(named))
