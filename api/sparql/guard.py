"""The SPARQL guard: which queries the public endpoint runs, and the exact text it runs.

Read-only and closed to the outside, at a cost linear in the query's length (no parser, no
lock: tens of microseconds for a one-line query, and each text is checked once, then cached).
The checker and the engine (pyoxigraph) must read one and the same text the same way, or a
query can mean one thing to the first and another to the second (a comment that ends for one
and not for the other hides a ``SERVICE``). So the text is first put in a form both read alike,
by :func:`normalize_query`:

- ``\\uXXXX`` and ``\\UXXXXXXXX`` escapes are decoded once, over the whole text, as SPARQL 1.1
  (§19.2) says; pyoxigraph decodes them only inside strings and IRIs. A text whose decoding
  still holds an escape (``\\u005Cu0041``) is refused: a second decoding would change it again;
- line ends become ``\\n``: pyoxigraph ends a comment at a lone ``\\r``.

That text is cut into the tokens of the SPARQL 1.1 grammar (§19.8: IRIs, strings, comments,
prefixed names, variables, numbers, keywords, punctuation) by one left-to-right scan, and:

- any ``SERVICE`` keyword (plain, ``SILENT``, with a variable, however deeply nested) is refused;
- every update keyword (``LOAD``, ``INSERT``, ``DELETE``, ``CLEAR`` …) and a second operation
  after ``;`` are refused; the query must be one SELECT, ASK, CONSTRUCT or DESCRIBE;
- every ``FROM``/``FROM NAMED`` must name one of the build's graphs by an absolute IRI (or a
  prefixed name whose prefix is declared absolute);
- brackets deeper than :data:`MAX_NESTING`, or unbalanced, are refused (pyoxigraph recurses per
  level and crashes its process at ~2,500 groups), and so is a chain of more than
  :data:`MAX_OPERATORS` operators in one bracket (``1+1+…``: the engine recurses per operator
  too, in time quadratic in the chain), the latter as over the time budget (503);
- a character outside the grammar, a string not closed, a prefixed name with a ``\\`` escape,
  or a comment holding another line-separating character are refused (where the checker and
  the engine might cut the text differently, the query is refused, not guessed);
- the one place where SPARQL's lexing depends on the grammar: ``<`` right after a value inside
  parentheses is a comparison to the engine in an expression (``FILTER(?a<2)``) and an IRI in a
  list (``VALUES (?a ?b) { (<x> <y>) }``). There the text up to the next ``>`` is accepted as an
  IRI only if, read as code, it could hide nothing: no ``#`` (a comment), no quote (a string),
  no bracket and no SERVICE in it; otherwise the query is refused with a hint.

The *normalized* text is what the engine receives (:attr:`CheckedQuery.text`). The query
workers also run without network access (:func:`plankg.api.sparql.workers.forbid_network`),
so a future checker bug is not an SSRF.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from plankg.graph.errors import QueryRejected, QueryTimeout, QueryTooLarge

__all__ = ["MAX_NESTING", "CheckedQuery", "QueryRejected", "check_query", "normalize_query"]

#: the deepest nesting of ``{ ( [`` a query may have (the real queries use < 10)
MAX_NESTING = 200
#: the most operators (``+ - * / | || && = < …``) one bracket level may chain: pyoxigraph
#: recurses per operator and its time grows with the square of the chain (10,000 ``1+1+…``
#: take ~2.5 s and overflow an 8 MiB stack); a query past it would only run out its budget
MAX_OPERATORS = 2_000
#: the predeclared prefixes the engine is given (``plankg.graph.store.PREFIXES``), for FROM
_PREDECLARED: dict[str, str] = {}

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
#: what a second decoding would still decode (``\u`` or ``\U`` and a hex digit, any case)
_LEFTOVER = re.compile(r"\\[uU][0-9A-Fa-f]")

_PN_CHARS_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
                  "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_ECHAR = r"""\\[tbnrf"'\\]"""
_PLX = r"%[0-9A-Fa-f]{2}"
#: one token of SPARQL 1.1 (§19.8) at a position; the order of the alternatives matters
_TOKEN = re.compile(rf"""
 (?P<ws>[ \t\n]++)
|(?P<comment>\#[^\n]*+)
|(?P<iri><[^<>"{{}}|^`\\\x00-\x20]*+>)
|(?P<string>'''(?:(?:'|'')?+(?:[^'\\]|{_ECHAR}))*+'''
           |\"\"\"(?:(?:"|"")?+(?:[^"\\]|{_ECHAR}))*+\"\"\"
           |'(?:[^'\\\n\r]|{_ECHAR})*+'
           |"(?:[^"\\\n\r]|{_ECHAR})*+")
|(?P<var>[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*+)
|(?P<bnode>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)
|(?P<pname>(?:[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)?:
           (?:(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?)?)
|(?P<word>[A-Za-z_][A-Za-z0-9_]*+)
|(?P<number>[0-9]++(?:\.[0-9]*+)?[eE][+-]?[0-9]++|[0-9]*+\.[0-9]++(?:[eE][+-]?[0-9]++)?|[0-9]++)
|(?P<lang>@[a-zA-Z]++(?:-[a-zA-Z0-9]++)*+)
|(?P<punct>\^\^|&&|\|\||!=|<=|>=|<<|>>|[{{}}()\[\];,.*/+\-!=<>^|?])
""", re.VERBOSE)

_FORMS = {"SELECT": "SelectQuery", "ASK": "AskQuery", "CONSTRUCT": "ConstructQuery", "DESCRIBE": "DescribeQuery"}
_UPDATES = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH",
                      "USING", "DATA", "INTO"})
#: tokens after which ``<`` may be a comparison (a value ends there)
_VALUE_KINDS = frozenset({"var", "number", "string", "lang", "iri", "pname", "bnode", "word"})
_OPEN, _CLOSE = "{([", "})]"
_OPERATORS = frozenset({"+", "-", "*", "/", "|", "||", "&&", "=", "!=", "<", ">", "<=", ">=", "^", "!"})
#: characters that end a line for some reader: a comment holding one is refused
_LINE_BREAKS = re.compile("[\x0b\x0c\x85\u2028\u2029]")
#: what the IRI-or-comparison text may not hold (see the module's doc)
_UNSAFE_IN_AMBIGUOUS = re.compile(r"[#'()\[\]]")
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


class ExpressionTooLong(QueryTimeout):
    """An expression or path chains more than :data:`MAX_OPERATORS` operators: answered as a
    query over its time budget (503), at once, without taking a query worker."""


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
    as ``\\n``.

    Raises:
        QueryRejected: for an escape of a code point that is not a character, or an escape
            that decodes to another escape.

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

    decoded = _ESCAPE.sub(decode, text) if "\\" in text else text
    if "\\" in decoded and _LEFTOVER.search(decoded):
        raise QueryRejected("a \\u escape decodes to another escape: write the character itself")
    return decoded.replace("\r\n", "\n").replace("\r", "\n")


def _is_keyword(value: str, keyword: str) -> bool:
    """``value`` spells ``keyword`` in any case (``upper`` also folds ſ and ı, which some
    case-insensitive comparisons would take for S and I)."""
    return len(value) <= len(keyword) + 2 and value.upper() == keyword


def _scan(text: str, allowed: frozenset[str]) -> tuple[str, list[str], list[str]]:
    """One pass over a normalized query: its form and FROM / FROM NAMED graphs, or QueryRejected."""
    tokens: list[tuple[str, str]] = []  # (kind, value), without white space and comments
    stack: list[str] = []  # the open brackets, each as "{", "[", "(" (expression) or "d" (data)
    values_braces: set[int] = set()  # stack depths of the { } of a VALUES block
    deepest = depth = 0
    operators = [0]  # per open bracket (and the top level): the operators chained in it
    position, end = 0, len(text)
    match_token = _TOKEN.match
    while position < end:
        match = match_token(text, position)
        if match is None:
            raise QueryRejected(f"syntax error at character {position + 1}: {text[position:position + 20]!r}")
        kind = match.lastgroup
        assert kind is not None
        value = match.group()
        position = match.end()
        if kind == "ws":
            continue
        if kind == "comment":
            if _LINE_BREAKS.search(value):
                raise QueryRejected("a comment holds a line-separating character other than a line end")
            continue
        if kind == "iri" and stack and stack[-1] == "(" and tokens \
                and (tokens[-1][0] in _VALUE_KINDS or tokens[-1][1] in (")", "]")):
            # a comparison to the engine in an expression: harmless only if, read as code, it hides nothing
            inner = value[1:-1]
            if _UNSAFE_IN_AMBIGUOUS.search(inner) or "SERVICE" in inner.upper():
                raise QueryRejected("'<' after a value in parentheses reads as a comparison or as an IRI: put a "
                                    "space after a comparison's '<', or write the IRI with a prefix")
        elif kind == "punct":
            if value in _OPEN:
                if value == "(":
                    # "d": a VALUES block's list, where '<' is only ever an IRI; "(": maybe an expression
                    previous = tokens[-1] if tokens else ("", "")
                    data = ((stack and stack[-1] == "d") or len(stack) in values_braces
                            or (previous[0] == "word" and previous[1].upper() == "VALUES"))
                    stack.append("d" if data else "(")
                else:
                    if value == "{" and (_after_values_vars(tokens) or (
                            len(tokens) >= 2 and tokens[-1][0] == "var" and tokens[-2][0] == "word"
                            and tokens[-2][1].upper() == "VALUES")):
                        values_braces.add(len(stack) + 1)
                    stack.append(value)
                operators.append(0)
                depth += 1
                if depth > deepest:
                    deepest = depth
                    if deepest > MAX_NESTING:
                        raise QueryRejected("the query nests too deeply")
            elif value in _CLOSE:
                if not stack or _CLOSE.index(value) != _OPEN.index(stack[-1] if stack[-1] != "d" else "("):
                    raise QueryRejected(f"syntax error: unbalanced {value!r} at character {position}")
                values_braces.discard(len(stack))
                stack.pop()
                operators.pop()
                depth -= 1
            elif value == ";" and not stack:
                raise QueryRejected("give one query: updates (INSERT, DELETE, LOAD, CLEAR …) are not allowed")
            elif value in _OPERATORS:
                operators[-1] += 1
                if operators[-1] > MAX_OPERATORS:
                    raise ExpressionTooLong(f"an expression or path chains more than {MAX_OPERATORS} operators: "
                                            "the engine's time grows with the square of that, past the time budget")
        elif kind == "word":
            upper = value.upper()
            if upper == "SERVICE":
                raise QueryRejected("SERVICE is not allowed: the endpoint does not query other endpoints")
            if upper in _UPDATES:
                raise QueryRejected("updates (INSERT, DELETE, LOAD, CLEAR …) are not allowed")
        elif kind == "pname" and "\\" in value:
            raise QueryRejected("write a prefixed name without '\\' escapes")
        tokens.append((kind, value))
    if stack:
        raise QueryRejected("syntax error: a bracket is not closed")
    return _form_and_dataset(tokens, allowed)


def _after_values_vars(tokens: list[tuple[str, str]]) -> bool:
    """The tokens end with ``VALUES ( ?a ?b … )`` (the next ``{`` opens its rows)."""
    if not tokens or tokens[-1][1] != ")":
        return False
    i = len(tokens) - 2
    while i >= 0 and tokens[i][0] == "var":
        i -= 1
    return i >= 1 and tokens[i][1] == "(" and tokens[i - 1][0] == "word" and tokens[i - 1][1].upper() == "VALUES"


def _form_and_dataset(tokens: list[tuple[str, str]], allowed: frozenset[str]) -> tuple[str, list[str], list[str]]:
    prefixes = dict(_PREDECLARED)
    declared: dict[str, int] = {}
    i = 0
    while i < len(tokens) and tokens[i][0] == "word" and tokens[i][1].upper() in ("PREFIX", "BASE"):
        if tokens[i][1].upper() == "PREFIX" and i + 2 < len(tokens) and tokens[i + 1][0] == "pname" \
                and tokens[i + 2][0] == "iri":
            name = tokens[i + 1][1][:-1]
            prefixes[name] = tokens[i + 2][1][1:-1]
            declared[name] = declared.get(name, 0) + 1
            i += 3
        elif tokens[i][1].upper() == "BASE" and i + 1 < len(tokens) and tokens[i + 1][0] == "iri":
            i += 2
        else:
            raise QueryRejected("syntax error in the prologue (PREFIX name: <iri>, BASE <iri>)")
    if i >= len(tokens) or tokens[i][0] != "word" or tokens[i][1].upper() not in _FORMS:
        raise QueryRejected("syntax error: a query is SELECT, ASK, CONSTRUCT or DESCRIBE (after its prologue)")
    form = _FORMS[tokens[i][1].upper()]
    default: list[str] = []
    named: list[str] = []
    for j in range(i, len(tokens)):
        kind, value = tokens[j]
        if kind != "word" or value.upper() != "FROM":
            continue
        k = j + 1
        is_named = k < len(tokens) and tokens[k][0] == "word" and tokens[k][1].upper() == "NAMED"
        k += is_named
        if k >= len(tokens) or tokens[k][0] not in ("iri", "pname"):
            raise QueryRejected("syntax error: FROM names a graph by its IRI")
        target_kind, target = tokens[k]
        if target_kind == "iri":
            iri = target[1:-1]
        else:
            prefix, _, local = target.partition(":")
            if prefix not in prefixes or declared.get(prefix, 0) > 1:
                raise QueryRejected(f"FROM {target}: write the graph's full IRI")
            iri = prefixes[prefix] + local
        if not _ABSOLUTE.match(iri) or iri not in allowed:
            raise QueryRejected(f"FROM <{iri}> is not one of this dataset's graphs")
        (named if is_named else default).append(iri)
    return form, default, named


@lru_cache(maxsize=4096)
def _check(text: str, allowed: frozenset[str], max_bytes: int) -> CheckedQuery:
    if len(text) > max_bytes or len(text.encode("utf-8", errors="replace")) > max_bytes:
        raise QueryTooLarge(f"the query is larger than {max_bytes} bytes")
    normalized = normalize_query(text)
    form, default, named = _scan(normalized, allowed)
    return CheckedQuery(normalized, form, tuple(default), tuple(named))


def check_query(text: str, allowed_graphs: Iterable[str], max_bytes: int = 100_000) -> CheckedQuery:
    """Normalize and check a query for the public endpoint, in time linear in its length.
    Thread-safe; a text checked once is answered from a cache.

    Args:
        text: the query, as received.
        allowed_graphs: IRIs that ``FROM``/``FROM NAMED`` may name (the build's graphs).
        max_bytes: the largest query accepted.

    Returns:
        The checked query; its ``text`` (normalized) is the text to give the engine.

    Raises:
        QueryTooLarge: the text is over ``max_bytes``.
        QueryRejected: a syntax error the checker sees, an update, a SERVICE, a foreign
            dataset, an escape that does not decode to one character, or nesting too deep.

    >>> check_query("SELECT * WHERE { ?s ?p ?o }", []).form
    'SelectQuery'
    >>> try:
    ...     check_query("SELECT * WHERE { SERVI\\\\u0043E <http://127.0.0.1:9/> { ?s ?p ?o } }", [])
    ... except QueryRejected as exc:
    ...     print(type(exc).__name__, exc)
    QueryRejected SERVICE is not allowed: the endpoint does not query other endpoints
    """
    allowed = allowed_graphs if isinstance(allowed_graphs, frozenset) else frozenset(allowed_graphs)
    return _check(text, allowed, max_bytes)


def _walk(tree: object) -> list[str]:
    """The names of every node of an rdflib parse tree (iterative). Not used by the guard; kept
    for the tests that compare rdflib's and pyoxigraph's reading of a text."""
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


def _predeclare() -> None:
    from plankg.graph.store import PREFIXES

    _PREDECLARED.update(PREFIXES)


_predeclare()
