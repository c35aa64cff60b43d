"""Inference: the entailments our vocabulary needs, computed directly.

owlrl's OWL RL closure is the reference semantics, but it is slow and noisy (every resource
``owl:sameAs`` itself, ``owl:Thing`` types, literals typed by their datatype). Our ontology uses
only a handful of constructs, so we apply exactly their rules until nothing changes:

- ``rdfs:subPropertyOf`` (pk:leadAgency → pk:responsibleAgency), transitively;
- ``owl:inverseOf`` (pk:inPlan ↔ pk:hasTask) and ``owl:SymmetricProperty`` (pk:relatedTask);
- ``rdfs:domain`` and ``rdfs:range`` (classes only, IRI objects only);
- ``rdfs:subClassOf`` (pk:Agency → org:Organization), transitively.

``tests/test_inference.py`` shows that on the real corpus this equals owlrl's closure restricted
to the instance data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

__all__ = ["Rules", "infer"]

Triple = tuple[URIRef, URIRef, URIRef | Literal]


def _closure(pairs: Iterable[tuple[URIRef, URIRef]]) -> dict[URIRef, set[URIRef]]:
    direct: dict[URIRef, set[URIRef]] = defaultdict(set)
    for sub, sup in pairs:
        direct[sub].add(sup)
    closed: dict[URIRef, set[URIRef]] = {}
    for start in list(direct):
        seen: set[URIRef] = set()
        stack = list(direct[start])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(direct.get(node, ()))
        closed[start] = seen
    return closed


@dataclass(frozen=True)
class Rules:
    """The rule tables read off an ontology."""

    super_properties: dict[URIRef, set[URIRef]]
    super_classes: dict[URIRef, set[URIRef]]
    inverses: dict[URIRef, set[URIRef]]
    domains: dict[URIRef, set[URIRef]]
    ranges: dict[URIRef, set[URIRef]]

    @classmethod
    def from_ontology(cls, ontology: Graph) -> Rules:
        """Read the rule tables from an ontology graph."""
        inverses: dict[URIRef, set[URIRef]] = defaultdict(set)
        for p, q in ontology.subject_objects(OWL.inverseOf):
            inverses[p].add(q)  # type: ignore[index,arg-type]
            inverses[q].add(p)  # type: ignore[index,arg-type]
        for p in ontology.subjects(RDF.type, OWL.SymmetricProperty):
            inverses[p].add(p)  # type: ignore[index,arg-type]
        domains: dict[URIRef, set[URIRef]] = defaultdict(set)
        for p, c in ontology.subject_objects(RDFS.domain):
            domains[p].add(c)  # type: ignore[index,arg-type]
        ranges: dict[URIRef, set[URIRef]] = defaultdict(set)
        datatypes = {RDFS.Literal, RDF.langString, RDF.PlainLiteral}
        for p, c in ontology.subject_objects(RDFS.range):
            if c not in datatypes and not str(c).startswith(str(XSD)):
                ranges[p].add(c)  # type: ignore[index,arg-type]
        return cls(
            super_properties=_closure(ontology.subject_objects(RDFS.subPropertyOf)),  # type: ignore[arg-type]
            super_classes=_closure(ontology.subject_objects(RDFS.subClassOf)),  # type: ignore[arg-type]
            inverses=dict(inverses),
            domains=dict(domains),
            ranges=dict(ranges),
        )


def infer(asserted: Iterable[Triple], rules: Rules) -> set[Triple]:
    """The triples entailed by ``asserted`` under ``rules`` that are not asserted.

    Pure: ``asserted`` is not changed. Linear in the number of triples: each rule is applied
    once per new triple until no new triple appears.
    """
    known: set[Triple] = set(asserted)
    pending = list(known)
    new: set[Triple] = set()
    rdf_type = RDF.type  # looked up once: a namespace attribute is a new URIRef at each lookup
    type_iri = str(rdf_type)
    # a class's super classes by its IRI as a plain string (a URIRef equals a URIRef of the same text)
    super_classes = {str(c): supers for c, supers in rules.super_classes.items() if type(c) is URIRef}
    # the rules of each predicate object, found once per object (a data set's triples share a
    # few hundred predicate objects; comparing rdflib terms runs Python code at every call);
    # the objects stay alive in ``known``, so their ids are not reused meanwhile
    by_predicate: dict[int, tuple[bool, set[URIRef], set[URIRef], set[URIRef], set[URIRef]]] = {}

    def emit(triple: Triple) -> None:
        if triple not in known:
            known.add(triple)
            new.add(triple)
            pending.append(triple)

    while pending:
        s, p, o = pending.pop()
        found = by_predicate.get(id(p))
        if found is None:
            found = by_predicate[id(p)] = (type(p) is type(rdf_type) and str(p) == type_iri,
                                           rules.super_properties.get(p, set()), rules.inverses.get(p, set()),
                                           rules.ranges.get(p, set()), rules.domains.get(p, set()))
        is_type, supers, inverses, ranges, domains = found
        if is_type:
            classes = (super_classes.get(str(o), ()) if type(o) is URIRef
                       else rules.super_classes.get(o, ()) if isinstance(o, URIRef) else ())
            for c in classes:
                emit((s, rdf_type, c))
            continue
        for q in supers:
            emit((s, q, o))
        if isinstance(o, URIRef):
            for q in inverses:
                emit((o, q, s))
            for c in ranges:
                emit((o, rdf_type, c))
        for c in domains:
            emit((s, rdf_type, c))
    return new
