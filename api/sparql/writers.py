"""The SPARQL result writers: SELECT and ASK results as SPARQL JSON, XML, CSV and TSV, and
graphs (CONSTRUCT, DESCRIBE) as Turtle, N-Triples, JSON-LD and RDF/XML, each capped in rows and
bytes with an explicit truncation flag. Used by the query workers (pyoxigraph results) and by the
remote pool (a remote store's SPARQL JSON turned into the same terms), so both answer alike.

CSV is for spreadsheets: it begins with a UTF-8 byte-order mark (so a spreadsheet reads 中文 as
UTF-8), and a cell a spreadsheet would run as a formula (first character ``=``, ``+``, ``-``,
``@``, tab or carriage return) gets a leading apostrophe (OWASP's advice). TSV keeps the terms'
N-Triples form, as SPARQL 1.1 specifies.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["BOM", "FORMATS", "GRAPH_FORMATS", "RESULT_FORMATS", "QueryResult", "safe_cell", "write_ask",
           "write_graph", "write_select"]

#: Result formats: name → media type.
FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
RESULT_FORMATS = ("json", "xml", "csv", "tsv")
GRAPH_FORMATS = ("turtle", "ntriples", "jsonld", "rdfxml")
#: the byte-order mark a CSV answer begins with
BOM = "\ufeff".encode()


@dataclass(frozen=True)
class QueryResult:
    """A serialized result; ``truncated`` says a cap cut it, ``limit`` which ("rows", "bytes");
    ``text`` the normalized query (check-only workers); ``seconds`` the worker's time on it."""

    body: bytes
    media_type: str
    truncated: bool
    rows: int
    limit: str = ""
    text: str = ""
    seconds: float = 0.0


def safe_cell(value: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula.

    >>> safe_cell("=cmd|' /C calc'!A0"), safe_cell("-5"), safe_cell("市司法局")
    ("'=cmd|' /C calc'!A0", "'-5", '市司法局')
    """
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _term_json(term: Any) -> dict[str, str]:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


class _Capped:
    """Pieces of a body, kept while they fit in ``max_bytes`` (and ``max_rows`` rows)."""

    def __init__(self, max_rows: int, max_bytes: int, reserve: int) -> None:
        self.max_rows = max_rows
        self.budget = max_bytes - reserve
        self.pieces: list[bytes] = []
        self.size = 0
        self.limit = ""

    def add(self, piece: bytes) -> bool:
        """Keep one row; False (and nothing kept) once a cap is reached."""
        if len(self.pieces) >= self.max_rows:
            self.limit = "rows"
            return False
        if self.size + len(piece) > self.budget:
            self.limit = "bytes"
            return False
        self.pieces.append(piece)
        self.size += len(piece)
        return True


def _json_row(variables: list[str], row: list[Any]) -> bytes:
    return json.dumps({v: _term_json(t) for v, t in zip(variables, row, strict=True) if t is not None},
                      ensure_ascii=False).encode("utf-8")


def _xml_row(variables: list[str], row: list[Any]) -> bytes:
    out = ["<result>"]
    for v, t in zip(variables, row, strict=True):
        if t is None:
            continue
        j = _term_json(t)
        if j["type"] == "uri":
            inner = f"<uri>{_xml_escape(j['value'])}</uri>"
        elif j["type"] == "bnode":
            inner = f"<bnode>{_xml_escape(j['value'])}</bnode>"
        else:
            attrs = (f' xml:lang="{j["xml:lang"]}"' if "xml:lang" in j else
                     f' datatype="{j["datatype"]}"' if "datatype" in j else "")
            inner = f"<literal{attrs}>{_xml_escape(j['value'])}</literal>"
        out.append(f'<binding name="{v}">{inner}</binding>')
    out.append("</result>\n")
    return "".join(out).encode("utf-8")


def _csv_row(values: list[str]) -> bytes:
    import csv

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue().encode("utf-8")


def write_select(variables: list[str], solutions: Any, fmt: str, max_rows: int, max_bytes: int) -> tuple[bytes, int, str]:
    """A SELECT result serialized row by row until ``max_rows`` rows or ``max_bytes`` bytes:
    the body, the rows kept, and the cap that cut it ("" for none)."""
    capped = _Capped(max_rows, max_bytes, reserve=512 + 64 * len(variables))
    for solution in solutions:
        row = [solution[v] for v in variables]
        if fmt == "json":
            piece = _json_row(variables, row)
        elif fmt == "xml":
            piece = _xml_row(variables, row)
        elif fmt == "csv":
            piece = _csv_row(["" if t is None else safe_cell(t.value) for t in row])
        else:
            piece = ("\t".join("" if t is None else str(t) for t in row) + "\n").encode("utf-8")
        if not capped.add(piece):
            break
    truncated = bool(capped.limit)
    if fmt == "json":
        head = json.dumps({"vars": variables}, ensure_ascii=False)
        tail = ', "truncated": true}' if truncated else "}"
        body = (f'{{"head": {head}, "results": {{"bindings": [').encode() + b", ".join(capped.pieces) + \
            b"]}" + tail.encode()
    elif fmt == "xml":
        head = "".join(f'<variable name="{v}"/>' for v in variables)
        if truncated:
            head += '<link href="urn:plankg:truncated"/>'
        body = (f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>{head}'
                "</head>\n<results>\n").encode() + b"".join(capped.pieces) + b"</results>\n</sparql>\n"
    elif fmt == "csv":
        body = BOM + _csv_row(variables) + b"".join(capped.pieces)
    else:
        body = ("\t".join(f"?{v}" for v in variables) + "\n").encode() + b"".join(capped.pieces)
    return body, len(capped.pieces), capped.limit


def write_ask(value: bool, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                f"<boolean>{str(value).lower()}</boolean></sparql>\n").encode()
    return f"{str(value).lower()}\n".encode()


def write_graph(source: Iterable[Any], fmt: str, max_rows: int, max_bytes: int) -> QueryResult:
    """Triples serialized in ``fmt`` (a name of :data:`GRAPH_FORMATS`) within the caps."""
    import pyoxigraph as ox

    # N-Triples size per triple; JSON-LD and RDF/XML spell a triple out at most ~3 times longer
    weight = 1 if fmt in ("turtle", "ntriples") else 3
    capped = _Capped(max_rows, max_bytes, reserve=1024)
    triples: list[Any] = []
    for triple in source:
        if not capped.add(b"") or capped.size + weight * (len(str(triple)) + 3) > capped.budget:
            capped.limit = capped.limit or "bytes"
            break
        capped.size += weight * (len(str(triple)) + 3)
        triples.append(triple)
    rdf_format = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
                  "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}[fmt]
    body = ox.serialize(triples, format=rdf_format) or b""
    while len(body) > max_bytes and triples:  # the estimate was short: cut in proportion
        triples = triples[: int(len(triples) * max_bytes / len(body) * 0.9)]
        capped.limit = "bytes"
        body = ox.serialize(triples, format=rdf_format) or b""
    return QueryResult(body, FORMATS[fmt], bool(capped.limit), len(triples), capped.limit)
