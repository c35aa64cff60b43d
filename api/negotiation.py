"""Content negotiation: the format an Accept header prefers among those offered."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

from starlette.responses import Response

from plankg.api.sparql.workers import FORMATS

__all__ = ["CSV_CONTENT", "FORMAT_PATTERN", "GRAPH_TYPES", "RESULT_TYPES", "TABLE_TYPES", "csv_cell", "csv_response",
           "negotiate", "wants_csv"]

RESULT_TYPES = {"json": FORMATS["json"], "xml": FORMATS["xml"], "csv": FORMATS["csv"], "tsv": FORMATS["tsv"]}
GRAPH_TYPES = {"turtle": FORMATS["turtle"], "ntriples": FORMATS["ntriples"], "jsonld": FORMATS["jsonld"],
               "rdfxml": FORMATS["rdfxml"]}
ALIASES = {"application/json": "json", "text/xml": "xml", "application/xml": "xml",
           "text/plain": "ntriples", "application/x-turtle": "turtle"}


def negotiate(accept: str | None, offered: dict[str, str]) -> str | None:
    """The offered format the Accept header prefers (q-values honoured), the first offered one
    for a missing or ``*/*`` header, None when nothing fits.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULT_TYPES)
    'xml'
    >>> negotiate("image/png", RESULT_TYPES) is None
    True
    >>> negotiate(None, GRAPH_TYPES)
    'turtle'
    """
    if not accept:
        return next(iter(offered))
    by_type = {media: name for name, media in offered.items()}
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        q = 1.0
        for field in fields[1:]:
            if field.startswith("q="):
                try:
                    q = float(field[2:])
                except ValueError:
                    q = 0.0
        if q <= 0:
            continue
        if media in ("*/*", "application/*", "text/*"):
            for name, offered_media in offered.items():
                if media == "*/*" or offered_media.startswith(media[:-1]):
                    choices.append((q - 0.001, position, name))
                    break
        elif media in by_type:
            choices.append((q, position, by_type[media]))
        elif media in ALIASES and ALIASES[media] in offered:
            choices.append((q - 0.0005, position, ALIASES[media]))
    if not choices:
        return None
    return sorted(choices, key=lambda c: (-c[0], c[1]))[0][2]


#: the REST lists a table can be downloaded of: JSON (the default) or CSV
TABLE_TYPES = {"json": "application/json", "csv": "text/csv"}
#: a cell a spreadsheet would run as a formula starts with one of these (OWASP "CSV injection")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: the ``format`` query parameter of the table routes, and its OpenAPI answer
FORMAT_PATTERN = "^(json|csv)$"
CSV_CONTENT = {"text/csv": {"schema": {"type": "string"},
                            "example": "\ufefftask,number,title\r\nhttps://w3id.org/plankg/id/plan/p/task/1,1,…\r\n"}}


def wants_csv(accept: str | None, fmt: str | None) -> bool:
    """Whether a table route answers CSV: ``?format=csv``, or an Accept header that prefers
    ``text/csv`` to JSON (``?format=json`` wins over the header).

    >>> wants_csv("text/csv", None), wants_csv("text/csv;q=0.5, application/json", None)
    (True, False)
    >>> wants_csv(None, "csv"), wants_csv("text/csv", "json")
    (True, False)
    """
    if fmt:
        return fmt == "csv"
    return negotiate(accept, TABLE_TYPES) == "csv"


def csv_cell(value: object) -> str:
    """A value as a CSV cell: None empty; text a spreadsheet would run as a formula is
    prefixed with ``'`` (numbers are left alone).

    >>> [csv_cell(v) for v in (None, 3, -1.5, "=HYPERLINK(1)", "-x", "市场监管局")]
    ['', '3', '-1.5', "'=HYPERLINK(1)", "'-x", '市场监管局']
    """
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(rows: Sequence[Mapping[str, object]], columns: list[str], filename: str) -> Response:
    """A table as CSV for a spreadsheet: UTF-8 with a byte-order mark (Excel on a Chinese
    Windows reads it as UTF-8), CRLF rows (RFC 4180), a header row, formulas escaped, and a
    file name to save it under."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(column)) for column in columns])
    return Response(("\ufeff" + out.getvalue()).encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Vary": "Accept"})
