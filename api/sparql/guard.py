"""The SPARQL guard: which queries the public endpoint runs, and the exact text it runs.

Read-only and closed to the outside. The checker (rdflib) and the engine (pyoxigraph) must read
one and the same text the same way, or a query can mean one thing to the first and another to
the second (a comment that ends for one and not for the other hides a ``SERVICE``). So the text
is first put in a form both read alike, by :func:`normalize_query`:

- ``\\uXXXX`` and ``\\UXXXXXXXX`` escapes are decoded once, over the whole text, as SPARQL 1.1
  (§19.2) says; rdflib does this, pyoxigraph only inside strings and IRIs. A text whose decoding
  still holds an escape (``\\u005Cu0041``) is refused: a second decoding would change it again;
- line ends become ``\\n``: pyoxigraph ends a comment at a lone ``\\r``, rdflib does not;
- brackets nested deeper than :data:`MAX_NESTING` are refused by a linear scan (rdflib and
  pyoxigraph both recurse per level; pyoxigraph crashes its process at ~2,500 groups).

That text is parsed with rdflib and its parse tree is walked: any ``SERVICE`` (plain, ``SILENT``,
with a variable, however deeply nested), any ``FROM``/``FROM NAMED`` other than the build's own
graphs, and every update (``LOAD``, ``INSERT`` …) is rejected. The *normalized* text is what
the engine receives (:attr:`CheckedQuery.text`). No regular expression decides anything.

rdflib's parser is not thread-safe and its time grows with the query (a 98 KB ``1+1+…`` takes
minutes): :func:`check_query` is meant to run where it can be killed, in a query worker of
:mod:`plankg.api.sparql.workers`, inside the query's time budget. It raises the recursion limit of
the calling thread's interpreter; run it on a thread with a large stack (the workers do).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from plankg.graph.errors import QueryRejected, QueryTooLarge

__all__ = ["MAX_NESTING", "CheckedQuery", "QueryRejected", "check_query", "normalize_query"]

#: the deepest nesting of ``{ ( [`` a query may have (the real queries use < 10)
MAX_NESTING = 200
#: the recursion limit while rdflib parses: its grammar recurses per triple pattern (a flat
#: query of 9,000 patterns needs ~300,000 frames), so it runs on a thread with a large stack
PARSE_RECURSION_LIMIT = 400_000

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
#: what rdflib would still decode (it takes ``\u`` or ``\U`` with 4 or 8 digits, any case)
_LEFTOVER = re.compile(r"\\[uU][0-9A-Fa-f]")


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the guard: the normalized text the engine is to run, and its form
    (SelectQuery, AskQuery, ConstructQuery, DescribeQuery)."""

    text: str
    form: str
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]


def normalize_query(text: str) -> str:
    """The query as both the checker and the engine read it: escapes decoded once, line ends
    as ``\\n``, nesting bounded.

    Raises:
        QueryRejected: for an escape of a code point that is not a character, an escape
            that decodes to another escape, or nesting deeper than :data:`MAX_NESTING`.

    >>> normalize_query("SELECT * WHERE { SERVI\\\\u0043E <x:y> {} }")
    'SELECT * WHERE { SERVICE <x:y> {} }'
    >>> normalize_query("ASK { #\\r FILTER(false) }")
    'ASK { #\\n FILTER(false) }'
    >>> try:
    ...     normalize_query("ASK { # \\\\u005Cu000A }")
    ... except QueryRejected as exc:
    ...     print(type(exc).__name__, exc)
    QueryRejected a \\u escape decodes to another escape: write the character itself
    """

    def decode(match: re.Match[str]) -> str:
        point = int(match.group(1) or match.group(2), 16)
        if point > 0x10FFFF or 0xD800 <= point <= 0xDFFF:
            raise QueryRejected(f"{match.group(0)} is not a Unicode character")
        return chr(point)

    decoded = _ESCAPE.sub(decode, text)
    if _LEFTOVER.search(decoded):
        raise QueryRejected("a \\u escape decodes to another escape: write the character itself")
    decoded = decoded.replace("\r\n", "\n").replace("\r", "\n")
    if _nesting(decoded) > MAX_NESTING:
        raise QueryRejected("the query nests too deeply")
    return decoded


def _nesting(text: str) -> int:
    """The deepest nesting of brackets outside comments, strings and IRIs, in one pass (an
    approximate lexer: it bounds the parsers' recursion, it decides nothing else)."""
    depth = deepest = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "})]":
            depth = max(0, depth - 1)
        elif c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote) - 1
        elif c == "<":  # an IRI (no comment or string inside) when it closes before a space
            j = i + 1
            while j < n and text[j] not in "<>\"{}|^`\\ \t\n":
                j += 1
            if j < n and text[j] == ">":  # or `1<((1))>0`: its brackets count either way
                for b in text[i + 1:j]:
                    if b in "([":
                        depth += 1
                        deepest = max(deepest, depth)
                    elif b in ")]":
                        depth = max(0, depth - 1)
                i = j
        i += 1
    return deepest


def _walk(tree: object) -> list[str]:
    """The names of every node of a parse tree (iterative: flat queries are long)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    names: list[str] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            names.append(node.name)
            stack.extend(node.values())
        elif isinstance(node, list | tuple | ParseResults):
            stack.extend(node)
    return names


def _parse(text: str) -> tuple[Any, list[str]]:
    """The parse tree of a normalized query and the names of its nodes."""
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(max(limit, PARSE_RECURSION_LIMIT))
        try:
            parsed = parseQuery(text)
        except RecursionError:
            raise QueryRejected("the query is too long for the checker") from None
        except Exception as exc:  # pyparsing's ParseException and friends
            try:
                parseUpdate(text)
            except Exception:
                raise QueryRejected(f"syntax error: {exc}") from None
            raise QueryRejected("updates (INSERT, DELETE, LOAD, CLEAR …) are not allowed") from None
    finally:
        sys.setrecursionlimit(limit)
    return parsed, _walk(parsed)


def check_query(text: str, allowed_graphs: Iterable[str], max_bytes: int = 100_000) -> CheckedQuery:
    """Normalize, parse and check a query for the public endpoint. Not thread-safe (rdflib's
    parser is not): call it from one thread at a time per process.

    Args:
        text: the query, as received.
        allowed_graphs: IRIs that ``FROM``/``FROM NAMED`` may name (the build's graphs).
        max_bytes: the largest query accepted.

    Returns:
        The checked query; its ``text`` (normalized) is the text to give the engine.

    Raises:
        QueryTooLarge: the text is over ``max_bytes``.
        QueryRejected: a syntax error, an update, a SERVICE, a foreign
            dataset, an escape that does not decode to one character, or nesting too deep.

    >>> check_query("SELECT * WHERE { ?s ?p ?o }", []).form
    'SelectQuery'
    >>> try:
    ...     check_query("SELECT * WHERE { SERVI\\\\u0043E <http://127.0.0.1:9/> { ?s ?p ?o } }", [])
    ... except QueryRejected as exc:
    ...     print(type(exc).__name__, exc)
    QueryRejected SERVICE is not allowed: the endpoint does not query other endpoints
    """
    if len(text.encode("utf-8", errors="replace")) > max_bytes:
        raise QueryTooLarge(f"the query is larger than {max_bytes} bytes")
    normalized = normalize_query(text)
    parsed, names = _parse(normalized)
    if "ServiceGraphPattern" in names:
        raise QueryRejected("SERVICE is not allowed: the endpoint does not query other endpoints")
    allowed = set(allowed_graphs)
    default: list[str] = []
    named: list[str] = []
    clauses = parsed[1]["datasetClause"] if "datasetClause" in parsed[1] else []  # noqa: SIM401 - CompValue.get differs
    for clause in clauses:
        is_default = "default" in clause
        iri = str(clause["default"] if is_default else clause["named"])
        if iri not in allowed:
            raise QueryRejected(f"FROM <{iri}> is not one of this dataset's graphs")
        (default if is_default else named).append(iri)
    return CheckedQuery(normalized, parsed[1].name, tuple(default), tuple(named))
