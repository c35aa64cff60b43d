"""The SHACL Core constraints of ``shapes/`` compiled to set-based SPARQL, run on pyoxigraph.

pySHACL is the reference semantics (``validate_graph(..., reference=True)``) but evaluates
every constraint focus node by focus node in pure Python: ~9 s on the real corpus' 14k
triples with its defaults, minutes at a million. Here each (shape, constraint) becomes one
query over all focus nodes at once, so validation grows with the data, not with data × shapes
× nodes. Only the constraint components the shapes use are compiled — class, datatype,
nodeKind, pattern, languageIn, in, minLength, minInclusive, minCount, maxCount, or (of class
or datatype alternatives), qualifiedValueShape with languageIn — on class targets and IRI
paths; :func:`compile_shapes` raises :class:`UnsupportedShape` for anything else, so a new
shape cannot be skipped silently. ``tests/test_validate_engines.py`` shows both engines report
the same results on the real build and on every violating example of the shape tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from plankg.graph.errors import GraphError

__all__ = ["CoreCheck", "UnsupportedShape", "compile_shapes"]

#: the components handled (others make compile_shapes raise)
VALUE_COMPONENTS = {SH["class"], SH.datatype, SH.nodeKind, SH.pattern, SH.languageIn, SH["in"], SH.minLength,
                    SH.minInclusive, SH["or"]}
COUNT_COMPONENTS = {SH.minCount, SH.maxCount}
IGNORED = {RDF.type, SH.path, SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group,
           URIRef("http://www.w3.org/2000/01/rdf-schema#comment"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
           SH.targetClass, SH.property, SH.sparql, SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount,
           SH.flags}


class UnsupportedShape(GraphError, ValueError):
    """A shape uses a feature this compiler does not handle (use the reference engine)."""


@dataclass(frozen=True)
class CoreCheck:
    """One compiled constraint: a SELECT of ``?this`` (and ``?value`` where the results carry a
    value node) for every violation."""

    shape: str
    component: str
    severity: str
    path: str | None
    message: str
    query: str


def _term(node: object) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    raise UnsupportedShape(f"cannot write {node!r} into a query")


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _value_filter(component: URIRef, argument: object, shapes: Graph) -> str:
    """A SPARQL expression that is true when ``?value`` violates the component."""
    if component == SH["class"]:
        return f"NOT EXISTS {{ ?value rdf:type/rdfs:subClassOf* {_term(argument)} }}"
    if component == SH.datatype:
        return f"(!isLiteral(?value) || DATATYPE(?value) != {_term(argument)})"
    if component == SH.nodeKind:
        test = {SH.IRI: "isIRI(?value)", SH.Literal: "isLiteral(?value)", SH.BlankNode: "isBlank(?value)",
                SH.BlankNodeOrIRI: "(isBlank(?value) || isIRI(?value))", SH.IRIOrLiteral: "(isIRI(?value) || isLiteral(?value))",
                SH.BlankNodeOrLiteral: "(isBlank(?value) || isLiteral(?value))"}.get(argument)  # type: ignore[call-overload]
        if test is None:
            raise UnsupportedShape(f"sh:nodeKind {argument}")
        return f"!{test}"
    if component == SH.pattern:
        return f"(isBlank(?value) || !REGEX(STR(?value), {_string(str(argument))}))"
    if component == SH.languageIn:
        tags = [str(t) for t in Collection(shapes, argument)]  # type: ignore[arg-type]
        matches = " || ".join(f"langMatches(LANG(?value), {_string(tag)})" for tag in tags)
        return f"(!isLiteral(?value) || !({matches or 'false'}))"
    if component == SH["in"]:
        members = ", ".join(_term(m) for m in Collection(shapes, argument))  # type: ignore[arg-type]
        return f"(?value NOT IN ({members}))"
    if component == SH.minLength:
        return f"(isBlank(?value) || STRLEN(STR(?value)) < {int(argument)})"  # type: ignore[call-overload]
    if component == SH.minInclusive:
        # a value that cannot be compared (a string "1") violates it too, as in SHACL
        return f"!COALESCE(?value >= {_term(argument)}, false)"
    if component == SH["or"]:
        alternatives = []
        for member in Collection(shapes, argument):  # type: ignore[arg-type]
            tests = [(p, o) for p, o in shapes.predicate_objects(member) if p not in IGNORED]
            if not tests or any(p not in (SH["class"], SH.datatype) for p, _ in tests):
                raise UnsupportedShape("sh:or of shapes other than sh:class / sh:datatype ones")
            alternatives.append(" || ".join(_value_filter(p, o, shapes) for p, o in tests))  # type: ignore[arg-type]
        return " && ".join(f"({a})" for a in alternatives)
    raise UnsupportedShape(f"constraint component {component}")


def compile_shapes(shapes: Graph) -> list[CoreCheck]:
    """The core constraints of every node shape with class targets, as SPARQL checks.

    Raises:
        UnsupportedShape: a shape uses a target, path or component not handled here.
    """
    checks: list[CoreCheck] = []
    for shape in sorted(set(shapes.subjects(SH.targetClass, None)), key=str):
        targets = " ".join(_term(t) for t in sorted(shapes.objects(shape, SH.targetClass), key=str))
        focus = f"?this rdf:type/rdfs:subClassOf* ?target . VALUES ?target {{ {targets} }}"
        severity = str(shapes.value(shape, SH.severity, default=SH.Violation)).rsplit("#", 1)[-1]
        message = str(shapes.value(shape, SH.message) or "")
        for predicate, argument in sorted(shapes.predicate_objects(shape), key=str):
            if predicate in VALUE_COMPONENTS:
                test = _value_filter(predicate, argument, shapes).replace("?value", "?this")  # type: ignore[arg-type]
                checks.append(CoreCheck(str(shape), predicate.n3(), severity, None, message,
                                        f"SELECT DISTINCT ?this (?this AS ?value) WHERE {{ {focus} FILTER({test}) }}"))
            elif predicate not in IGNORED:
                raise UnsupportedShape(f"{shape}: {predicate}")
        for prop in sorted(shapes.objects(shape, SH.property), key=str):
            checks.extend(_property_checks(shapes, prop, focus))
    return checks


def _property_checks(shapes: Graph, prop: Any, focus: str) -> list[CoreCheck]:
    path = shapes.value(prop, SH.path)
    if not isinstance(path, URIRef):
        raise UnsupportedShape(f"{prop}: only IRI paths are compiled, not {path!r}")
    severity = str(shapes.value(prop, SH.severity, default=SH.Violation)).rsplit("#", 1)[-1]
    message = str(shapes.value(prop, SH.message) or "")
    name = str(prop) if not isinstance(prop, BNode) else f"[{path}]"
    out = []
    for predicate, argument in sorted(shapes.predicate_objects(prop), key=str):
        if predicate in VALUE_COMPONENTS:
            test = _value_filter(predicate, argument, shapes)  # type: ignore[arg-type]
            query = f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this <{path}> ?value . FILTER({test}) }}"
        elif predicate in COUNT_COMPONENTS:
            op = "<" if predicate == SH.minCount else ">"
            query = (f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this <{path}> ?value }} }} "
                     f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) {op} {int(argument)})")  # type: ignore[call-overload]
        elif predicate in (SH.qualifiedMinCount, SH.qualifiedMaxCount):
            qualified = shapes.value(prop, SH.qualifiedValueShape)
            tests = [(p, o) for p, o in shapes.predicate_objects(qualified) if p not in IGNORED]
            if not tests or any(p not in VALUE_COMPONENTS or p == SH["or"] for p, _ in tests):
                raise UnsupportedShape(f"{prop}: sh:qualifiedValueShape beyond simple components")
            conforms = " && ".join(f"!({_value_filter(p, o, shapes)})" for p, o in tests)  # type: ignore[arg-type]
            op = "<" if predicate == SH.qualifiedMinCount else ">"
            query = (f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this <{path}> ?value . FILTER({conforms}) }} }} "
                     f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) {op} {int(argument)})")  # type: ignore[call-overload]
        elif predicate in IGNORED:
            continue
        else:
            raise UnsupportedShape(f"{prop}: {predicate}")
        out.append(CoreCheck(name, predicate.n3(), severity, str(path), message, query))
    return out
