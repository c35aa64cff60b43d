"""The dataset as linked data: its VoID and DCAT description, the JSON-LD context of every
document, and the compact JSON-LD and prefixed Turtle the service answers with.

The description is built per request from the served build (its counts, graphs and period) and
the address the client used (absolute URLs of the endpoint and the dumps); every IRI in it is an
IRI, never a string. The JSON-LD ``@context`` is this module's :data:`CONTEXT`, served at
``/context.jsonld`` and written inline into each document, so no processor fetches anything
from elsewhere (nor from here) to read one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from plankg.graph.registry import code_list
from plankg.graph.store import PREFIXES, named_query

__all__ = ["CC0", "CONTEXT", "DESCRIPTION_TYPES", "LICENCE_NOTE", "NS", "compact_jsonld", "dataset_description",
           "licence_triples", "serialize"]

CC0 = "https://creativecommons.org/publicdomain/zero/1.0/"
LICENCE_NOTE = {"zh": "数据以 CC0 1.0 公共领域贡献发布", "en": "Data released under CC0 1.0 (public domain dedication)"}
NS = {**PREFIXES, "void": "http://rdfs.org/ns/void#", "dcat": "http://www.w3.org/ns/dcat#",
      "foaf": "http://xmlns.com/foaf/0.1/", "vcard": "http://www.w3.org/2006/vcard/ns#",
      "sd": "http://www.w3.org/ns/sparql-service-description#"}
#: the JSON-LD context: the prefixes, and short names for the terms every document uses
CONTEXT: dict[str, Any] = {**NS, "title": {"@id": "dcterms:title"}, "label": {"@id": "rdfs:label"},
                           "prefLabel": {"@id": "skos:prefLabel"}, "altLabel": {"@id": "skos:altLabel"},
                           "comment": {"@id": "rdfs:comment"}, "license": {"@id": "dcterms:license", "@type": "@id"},
                           "inDataset": {"@id": "void:inDataset", "@type": "@id"}}
#: the formats of the dataset description: compact JSON-LD for ``*/*`` (what it always answered),
#: Turtle, N-Triples and RDF/XML by Accept; ``application/json`` is JSON-LD too
DESCRIPTION_TYPES = {"json": "application/json", "jsonld": "application/ld+json", "turtle": "text/turtle",
                     "ntriples": "application/n-triples", "rdfxml": "application/rdf+xml"}
_RDF_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML}
#: Turtle's prefixes (``id:`` is left out: local names like ``plan/sz-market-2024`` hold slashes)
TURTLE_PREFIXES = {k: v for k, v in {**PREFIXES, "void": "http://rdfs.org/ns/void#", "dcat": "http://www.w3.org/ns/dcat#",
                                     "foaf": "http://xmlns.com/foaf/0.1/", "vcard": "http://www.w3.org/2006/vcard/ns#",
                                     "sd": "http://www.w3.org/ns/sparql-service-description#"}.items() if k != "id"}
_TERMS = {value["@id"]: key for key, value in CONTEXT.items() if isinstance(value, dict)}
XSD = NS["xsd"]


def _curie(iri: str) -> str:
    """An IRI as a short name, a prefixed name, or itself."""
    for prefix, namespace in NS.items():
        if iri.startswith(namespace) and iri != namespace:
            local = iri[len(namespace):]
            if local.replace("_", "").replace("-", "").isalnum():
                curie = f"{prefix}:{local}"
                return _TERMS.get(curie, curie)
    return iri


def _value(term: Any) -> Any:
    if isinstance(term, ox.NamedNode):
        return {"@id": term.value}
    if isinstance(term, ox.BlankNode):
        return {"@id": f"_:{term.value}"}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == XSD + "string":
        return term.value
    if term.datatype.value == XSD + "integer" and term.value.lstrip("-").isdigit() and len(term.value) < 16:
        return int(term.value)  # a JSON number is an xsd:integer
    return {"@value": term.value, "@type": _curie(term.datatype.value)}


def compact_jsonld(triples: Iterable[Any], root: str | None = None) -> dict[str, Any]:
    """Triples as compact JSON-LD: the context inline, one node per subject in ``@graph``,
    predicates by short or prefixed name, types in ``@type``; with ``root``, that node is the
    document and the nodes it leads to are embedded where first referenced."""
    nodes: dict[str, dict[str, Any]] = {}
    for t in sorted(triples, key=str):
        subject = t.subject.value if isinstance(t.subject, ox.NamedNode) else f"_:{t.subject.value}"
        node = nodes.setdefault(subject, {"@id": subject})
        if t.predicate.value == NS["rdf"] + "type" and isinstance(t.object, ox.NamedNode):
            node.setdefault("@type", []).append(_curie(t.object.value))
            continue
        key = _curie(t.predicate.value)
        value = _value(t.object)
        if key in ("license", "inDataset") and isinstance(value, dict):
            value = value["@id"]
        node.setdefault(key, []).append(value)
    for node in nodes.values():
        node.update({k: v[0] for k, v in node.items() if isinstance(v, list) and len(v) == 1})
    if root in nodes:
        tree = _embed(nodes[root], nodes, {root})
        if len(tree) == 1:
            return {"@context": CONTEXT, **tree[0]}
    return {"@context": CONTEXT, "@graph": list(nodes.values())}


def _embed(top: dict[str, Any], nodes: dict[str, dict[str, Any]], seen: set[str]) -> list[dict[str, Any]]:
    """``top`` with every node it references embedded once (depth first); the nodes it does not
    reach after it."""
    def visit(value: Any) -> Any:
        if isinstance(value, list):
            return [visit(v) for v in value]
        if isinstance(value, dict) and set(value) == {"@id"} and value["@id"] in nodes and value["@id"] not in seen:
            seen.add(value["@id"])
            node = nodes[value["@id"]]
            return {k: (v if k in ("@id", "@type") else visit(v)) for k, v in node.items()}
        return value

    tree = {k: (v if k in ("@id", "@type") else visit(v)) for k, v in top.items()}
    return [tree] + [node for key, node in nodes.items() if key not in seen]


def serialize(triples: list[Any], fmt: str, root: str | None = None) -> bytes:
    """Triples in one of :data:`DESCRIPTION_TYPES` (Turtle with prefixes, grouped by subject;
    JSON-LD compact, as a tree from ``root`` when given)."""
    if fmt in ("jsonld", "json"):
        return json.dumps(compact_jsonld(triples, root), ensure_ascii=False, indent=1).encode("utf-8")
    ordered = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    if fmt == "turtle":
        return ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=TURTLE_PREFIXES) or b""
    return ox.serialize(ordered, format=_RDF_FORMATS[fmt]) or b""


def _n(local: str) -> ox.NamedNode:
    prefix, name = local.split(":", 1)
    return ox.NamedNode(NS[prefix] + name)


def _lit(value: str, lang: str | None = None, datatype: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(value, language=lang)
    return ox.Literal(value, datatype=_n(datatype)) if datatype else ox.Literal(value)


def licence_triples(base: str, subject: str) -> list[ox.Triple]:
    """What every resource document says of its licence: the resource is in the dataset, whose
    licence is CC0."""
    dataset = ox.NamedNode(base + "dataset")
    return [ox.Triple(ox.NamedNode(subject), _n("void:inDataset"), dataset),
            ox.Triple(dataset, _n("dcterms:license"), ox.NamedNode(CC0))]


def _rows(store: Any, name: str) -> list[tuple[str, ...]]:
    return [tuple(row) for row in store.select(named_query(name)).rows]


#: what the description says in words, in Chinese and English
TITLE = {"zh": "深圳营商环境改革方案知识图谱", "en": "plankg: Shenzhen business-environment plans"}
DESCRIPTION = {"zh": "深圳市及国务院优化营商环境方案的任务、责任单位、目标、期限与来源行号，以 RDF 知识图谱发布。",
               "en": "The tasks, responsible agencies, targets, deadlines and source lines of Shenzhen's and the "
                     "State Council's business-environment plans, as an RDF knowledge graph."}
KEYWORDS = [("营商环境", "zh"), ("深圳", "zh"), ("改革任务", "zh"), ("business environment", "en"),
            ("Shenzhen", "en"), ("government plans", "en"), ("knowledge graph", "en")]
LANGUAGES = ["http://publications.europa.eu/resource/authority/language/ZHO",
             "http://publications.europa.eu/resource/authority/language/ENG"]
SHENZHEN = ["https://sws.geonames.org/1795565/", "http://publications.europa.eu/resource/authority/place/CHN_SZX"]
THEME = "http://publications.europa.eu/resource/authority/data-theme/GOVE"
MEDIA = "http://www.iana.org/assignments/media-types/"
#: the dumps: path, media type, EU file type, title
DUMPS = [("dumps/plankg.nq", "application/n-quads", "NQUADS", "N-Quads: every named graph"),
         ("dumps/plankg.ttl", "text/turtle", "RDF_TURTLE", "Turtle: the merged graph"),
         ("dumps/plankg.jsonld", "application/ld+json", "JSON_LD", "JSON-LD: the merged graph")]


def dataset_description(store: Any, base: str, service: str, dump_size: int | None) -> list[ox.Triple]:
    """The VoID and DCAT(-AP) description of the served build.

    Args:
        store: the build.
        base: the base of instance IRIs (the dataset is ``{base}dataset``).
        service: the service's absolute address, with a final ``/``.
        dump_size: the N-Quads dump's size in bytes, if known.
    """
    ds = ox.NamedNode(base + "dataset")
    built = (_rows(store, "data_period") or [("", "", "")])[0][2][:10]  # reproducible, like the dump
    out = [ox.Triple(ds, _n("rdf:type"), _n(c)) for c in ("void:Dataset", "dcat:Dataset")]
    add = out.append
    for lang in ("zh", "en"):
        add(ox.Triple(ds, _n("dcterms:title"), _lit(TITLE[lang], lang)))
        add(ox.Triple(ds, _n("dcterms:description"), _lit(DESCRIPTION[lang], lang)))
    for word, lang in KEYWORDS:
        add(ox.Triple(ds, _n("dcat:keyword"), _lit(word, lang)))
    for p, iris in (("dcterms:language", LANGUAGES), ("dcterms:spatial", SHENZHEN), ("dcat:theme", [THEME]),
                    ("dcterms:license", [CC0]), ("dcat:landingPage", [service]), ("foaf:homepage", [service])):
        out += [ox.Triple(ds, _n(p), ox.NamedNode(iri)) for iri in iris]
    add(ox.Triple(ds, _n("dcterms:spatial"), ox.NamedNode(base + "jurisdiction/440300")))
    for p in ("dcterms:issued", "dcterms:modified"):
        if built:
            add(ox.Triple(ds, _n(p), _lit(built, datatype="xsd:date")))
    out += _publisher(ds, service) + _temporal(ds, store) + _void(ds, store, base, service)
    out += _distributions(ds, service, dump_size) + _endpoint(ds, service)
    return out


def _publisher(ds: ox.NamedNode, service: str) -> list[ox.Triple]:
    publisher, contact = ox.BlankNode("publisher"), ox.BlankNode("contact")
    return [ox.Triple(ds, _n("dcterms:publisher"), publisher),
            ox.Triple(publisher, _n("rdf:type"), _n("foaf:Organization")),
            ox.Triple(publisher, _n("foaf:name"), _lit("plankg project", "en")),
            ox.Triple(publisher, _n("foaf:homepage"), ox.NamedNode(service)),
            ox.Triple(ds, _n("dcat:contactPoint"), contact),
            ox.Triple(contact, _n("rdf:type"), _n("vcard:Organization")),
            ox.Triple(contact, _n("vcard:fn"), _lit("plankg maintainers", "en")),
            ox.Triple(contact, _n("vcard:hasURL"), ox.NamedNode(service))]


def _temporal(ds: ox.NamedNode, store: Any) -> list[ox.Triple]:
    """The years the plans' periods cover, as a period of dates."""
    first, last, _ = (_rows(store, "data_period") or [("", "", "")])[0]
    if not (first and last):
        return []
    period = ox.BlankNode("period")
    return [ox.Triple(ds, _n("dcterms:temporal"), period),
            ox.Triple(period, _n("rdf:type"), _n("dcterms:PeriodOfTime")),
            ox.Triple(period, _n("dcat:startDate"), _lit(f"{first[:4]}-01-01", datatype="xsd:date")),
            ox.Triple(period, _n("dcat:endDate"), _lit(f"{last[:4]}-12-31", datatype="xsd:date"))]


def _void(ds: ox.NamedNode, store: Any, base: str, service: str) -> list[ox.Triple]:
    """VoID: size, endpoint, dump, URI space, vocabularies, example resources, one subset per
    named graph with its size."""
    counts = _rows(store, "graph_triple_counts")
    total = store.select(named_query("triple_count")).rows[0][0]
    out = [ox.Triple(ds, _n("void:triples"), _lit(str(total), datatype="xsd:integer")),
           ox.Triple(ds, _n("void:sparqlEndpoint"), ox.NamedNode(service + "sparql")),
           ox.Triple(ds, _n("void:dataDump"), ox.NamedNode(service + DUMPS[0][0])),
           ox.Triple(ds, _n("void:uriSpace"), _lit(base)),
           ox.Triple(ds, _n("void:feature"), ox.NamedNode("http://www.w3.org/ns/formats/N-Quads"))]
    used = {iri for (iri,) in _rows(store, "vocabularies_used")}
    for namespace in sorted({ns for ns in NS.values() if any(term.startswith(ns) for term in used)}):
        out.append(ox.Triple(ds, _n("void:vocabulary"), ox.NamedNode(namespace)))
    for example in ("plan/sz-market-2024", "agency/sz-amr"):
        out.append(ox.Triple(ds, _n("void:exampleResource"), ox.NamedNode(base + example)))
    out += _linkset(ds, store)
    for graph, size in counts:
        subset = ox.NamedNode(graph)
        out += [ox.Triple(ds, _n("void:subset"), subset), ox.Triple(subset, _n("rdf:type"), _n("void:Dataset")),
                ox.Triple(subset, _n("void:triples"), _lit(size, datatype="xsd:integer")),
                ox.Triple(subset, _n("sd:name"), subset)]
    return out


def _linkset(ds: ox.NamedNode, store: Any) -> list[ox.Triple]:
    """The links out to the GB/T 2260 code list (``pk:divisionCodeEntry``) as a VoID linkset."""
    links = store.select(named_query("division_code_links")).rows[0][0]
    gb2260 = code_list("gb2260")
    linkset, target = ox.NamedNode(ds.value + "#links-gb2260"), ox.NamedNode(gb2260.iri("").split("?", 1)[0])
    return [ox.Triple(ds, _n("void:subset"), linkset), ox.Triple(linkset, _n("rdf:type"), _n("void:Linkset")),
            ox.Triple(linkset, _n("void:linkPredicate"), _n("pk:divisionCodeEntry")),
            ox.Triple(linkset, _n("void:subjectsTarget"), ds), ox.Triple(linkset, _n("void:objectsTarget"), target),
            ox.Triple(linkset, _n("void:triples"), _lit(str(links), datatype="xsd:integer")),
            ox.Triple(target, _n("rdf:type"), _n("void:Dataset")),
            ox.Triple(target, _n("dcterms:title"), _lit("GB/T 2260 行政区划代码", "zh")),
            ox.Triple(target, _n("dcterms:publisher"), _lit(gb2260.publisher, "zh")),
            ox.Triple(target, _n("dcterms:source"), _lit(gb2260.source, "en"))]


def _distributions(ds: ox.NamedNode, service: str, dump_size: int | None) -> list[ox.Triple]:
    """A dcat:Distribution per dump: download URL, media type, file type, size, licence."""
    out = []
    for path, media, filetype, title in DUMPS:
        dist = ox.NamedNode(service + path)
        out += [ox.Triple(ds, _n("dcat:distribution"), dist),
                ox.Triple(dist, _n("rdf:type"), _n("dcat:Distribution")),
                ox.Triple(dist, _n("dcterms:title"), _lit(title, "en")),
                ox.Triple(dist, _n("dcat:accessURL"), dist), ox.Triple(dist, _n("dcat:downloadURL"), dist),
                ox.Triple(dist, _n("dcat:mediaType"), ox.NamedNode(MEDIA + media)),
                ox.Triple(dist, _n("dcterms:format"), ox.NamedNode(
                    "http://publications.europa.eu/resource/authority/file-type/" + filetype)),
                ox.Triple(dist, _n("dcterms:license"), ox.NamedNode(CC0))]
        if path.endswith(".nq") and dump_size is not None:
            out.append(ox.Triple(dist, _n("dcat:byteSize"), _lit(str(dump_size), datatype="xsd:nonNegativeInteger")))
    return out


def _endpoint(ds: ox.NamedNode, service: str) -> list[ox.Triple]:
    """The SPARQL endpoint as a dcat:DataService, and a distribution that reaches it."""
    endpoint, dist = ox.NamedNode(service + "sparql"), ox.BlankNode("sparql-distribution")
    protocol = ox.NamedNode("https://www.w3.org/TR/sparql11-protocol/")
    return [ox.Triple(endpoint, _n("rdf:type"), _n("dcat:DataService")),
            ox.Triple(endpoint, _n("rdf:type"), _n("sd:Service")),
            ox.Triple(endpoint, _n("dcterms:title"), _lit("SPARQL 1.1 endpoint", "en")),
            ox.Triple(endpoint, _n("dcat:endpointURL"), endpoint),
            ox.Triple(endpoint, _n("dcat:endpointDescription"), endpoint),
            ox.Triple(endpoint, _n("dcat:servesDataset"), ds),
            ox.Triple(endpoint, _n("dcterms:conformsTo"), protocol),
            ox.Triple(endpoint, _n("dcterms:license"), ox.NamedNode(CC0)),
            ox.Triple(ds, _n("dcat:distribution"), dist),
            ox.Triple(dist, _n("rdf:type"), _n("dcat:Distribution")),
            ox.Triple(dist, _n("dcterms:title"), _lit("SPARQL endpoint", "en")),
            ox.Triple(dist, _n("dcat:accessURL"), endpoint), ox.Triple(dist, _n("dcat:accessService"), endpoint),
            ox.Triple(dist, _n("dcat:mediaType"), ox.NamedNode(MEDIA + "application/sparql-results+json")),
            ox.Triple(dist, _n("dcterms:license"), ox.NamedNode(CC0))]
