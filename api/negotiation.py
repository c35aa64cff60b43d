"""Content negotiation: the format an Accept header prefers among those offered."""

from __future__ import annotations

from plankg.api.sparql.workers import FORMATS

__all__ = ["GRAPH_TYPES", "RESULT_TYPES", "negotiate"]

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
