"""SHACL validation of a build against the shapes in ``shapes/``.

The data is given already closed under inference (:mod:`plankg.graph.inference`). By default
every constraint runs set-based on pyoxigraph; pyshacl, with the shapes as written, is the
reference engine (``reference=True``), and a test shows both report the same results.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import IO, Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from plankg.graph.namespace import PK
from plankg.graph.resources import shapes_graph
from plankg.graph.shacl_sparql import CoreCheck, compile_shapes

__all__ = [
    "Finding",
    "SparqlConstraint",
    "ValidationResult",
    "ntriples_store",
    "set_based",
    "split_shapes",
    "validate_graph",
    "validate_store",
]


@dataclass(frozen=True)
class Finding:
    """One result of a SHACL report.

    ``shape`` is the shape whose constraint fired (``sh:sourceShape``): a named property shape
    (``pks:TaskInPlan``) or, for a constraint written inline, the node shape holding it
    (``pks:UnitMentionShape``). ``component`` is its ``sh:sourceConstraintComponent``
    (``sh:MinCountConstraintComponent``).
    """

    severity: str
    focus: str
    path: str | None
    message: str
    value: str | None
    source_line: int | None
    shape: str | None = None
    component: str | None = None

    def describe(self) -> str:
        """One readable line: severity, focus node (with its source line), path and message."""
        where = f" (source line {self.source_line})" if self.source_line else ""
        path = f" {self.path}" if self.path else ""
        value = f" [value: {self.value}]" if self.value else ""
        return f"{self.severity}: <{self.focus}>{where}{path}: {self.message}{value}"


@dataclass(frozen=True)
class ValidationResult:
    """The outcome of validating a graph."""

    conforms: bool
    findings: tuple[Finding, ...]

    @property
    def violations(self) -> list[Finding]:
        """The findings of severity Violation."""
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        """The findings of severity Warning or Info."""
        return [f for f in self.findings if f.severity != "Violation"]


@dataclass(frozen=True)
class SparqlConstraint:
    """A SHACL-SPARQL constraint of the shapes, to be run once over all focus nodes."""

    shape: str
    targets: tuple[str, ...]
    select: str
    message: str
    severity: str


def split_shapes(shapes: Graph) -> tuple[Graph, list[SparqlConstraint]]:
    """The shapes without their SPARQL constraints, and those constraints."""
    core = Graph()
    for triple in shapes:
        core.add(triple)
    constraints = []
    for shape, constraint in shapes.subject_objects(SH.sparql):
        targets = tuple(sorted(str(t) for t in shapes.objects(shape, SH.targetClass)))
        severity = shapes.value(shape, SH.severity, default=SH.Violation)
        constraints.append(SparqlConstraint(
            shape=str(shape), targets=targets,
            select=str(shapes.value(constraint, SH.select)),
            message=str(shapes.value(constraint, SH.message) or "SPARQL constraint not met"),
            severity=str(severity).rsplit("#", 1)[-1]))
        core.remove((shape, SH.sparql, constraint))
    constraints.sort(key=lambda c: (c.shape, c.select))
    return core, constraints


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def set_based(constraint: SparqlConstraint) -> str:
    """The constraint's SELECT over every focus node at once: ``$this`` becomes a variable
    bound by the shape's target classes.

    >>> c = SparqlConstraint("s", ("https://w3id.org/plankg/def#Plan",),
    ...     "SELECT $this ?value WHERE { $this pk:x ?value }", "m", "Violation")
    >>> set_based(c)
    'SELECT ?this ?value WHERE { ?this a ?targetClass . VALUES ?targetClass { <https://w3id.org/plankg/def#Plan> } ?this pk:x ?value }'
    """
    query = constraint.select.replace("$this", "?this")
    targets = " ".join(f"<{t}>" for t in constraint.targets)
    match = _WHERE.search(query)
    assert match is not None, constraint.shape
    return (f"{query[: match.end()]} ?this a ?targetClass . VALUES ?targetClass {{ {targets} }}"
            f"{query[match.end():]}")


def oxigraph_store(triples: Iterable[tuple[Any, Any, Any]]) -> Any:
    """A pyoxigraph store holding rdflib triples (terms converted once each)."""
    import pyoxigraph as ox

    cache: dict[Any, Any] = {}

    def term(node: Any) -> Any:
        converted = cache.get(node)
        if converted is None:
            if isinstance(node, URIRef):
                converted = ox.NamedNode(str(node))
            elif isinstance(node, BNode):
                converted = ox.BlankNode(str(node))
            elif node.language:
                converted = ox.Literal(str(node), language=node.language)
            else:
                converted = ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype or XSD.string)))
            cache[node] = converted
        return converted

    store = ox.Store()
    store.bulk_extend(ox.Quad(term(s), term(p), term(o), ox.DefaultGraph()) for s, p, o in triples)
    return store


_PREFIXES = {"pk": str(PK), "rdf": str(RDF), "rdfs": str(RDFS), "xsd": str(XSD)}


def _source_lines(store: Any) -> dict[str, int]:
    return {row["s"].value: int(row["l"].value) for row in store.query(
        "SELECT ?s ?l WHERE { ?s pk:sourceLine ?l }", prefixes=_PREFIXES)}


def run_sparql_constraints(store: Any, constraints: list[SparqlConstraint], lines: dict[str, int]) -> list[Finding]:
    """Run each SPARQL constraint once, set-based, on pyoxigraph (the reference semantics are
    pyshacl's per-focus-node evaluation; ``tests/test_validate_engines.py`` shows they agree)."""
    findings = []
    for constraint in constraints:
        solutions = store.query(set_based(constraint), prefixes={"pk": str(PK)})
        has_value = "value" in [v.value for v in solutions.variables]
        for row in solutions:
            value = row["value"].value if has_value and row["value"] is not None else None
            focus = row["this"].value
            message = constraint.message.replace("{?value}", value or "")
            findings.append(Finding(constraint.severity, focus, None, message, value, lines.get(focus),
                                    constraint.shape, str(SH.SPARQLConstraintComponent)))
    return findings


#: Threads that run the compiled checks: pyoxigraph evaluates a query without holding the GIL
#: for most of it, so two cores validate about 1.4× faster (10× corpus: 1.8 → 1.3 s).
CHECK_THREADS = 2


def run_core_checks(store: Any, checks: list[CoreCheck], lines: dict[str, int]) -> list[Finding]:
    """Run the compiled core constraints (:mod:`plankg.graph.shacl_sparql`), over
    :data:`CHECK_THREADS` threads; the findings come back in the checks' order."""
    if len(checks) < 2 or CHECK_THREADS < 2:
        return _run_checks(store, checks, lines)
    results: list[list[Finding]] = [[] for _ in checks]
    queue = list(enumerate(checks))
    guard = threading.Lock()

    failures: list[BaseException] = []

    def work() -> None:
        while True:
            with guard:
                if not queue or failures:
                    return
                index, check = queue.pop()
            try:
                results[index] = _run_checks(store, [check], lines)
            except BaseException as exc:  # re-raised below: a failed check must not pass silently
                with guard:
                    failures.append(exc)
    threads = [threading.Thread(target=work) for _ in range(min(CHECK_THREADS, len(checks)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return [finding for found in results for finding in found]


def _run_checks(store: Any, checks: list[CoreCheck], lines: dict[str, int]) -> list[Finding]:
    findings = []
    for check in checks:
        solutions = store.query(check.query, prefixes=_PREFIXES)
        has_value = "value" in [v.value for v in solutions.variables]
        for row in solutions:
            focus = row["this"].value
            value = row["value"].value if has_value and row["value"] is not None else None
            message = check.message or f"{check.component} not met" + (f" on {check.path}" if check.path else "")
            findings.append(Finding(check.severity, focus, check.path, message, value, lines.get(focus),
                                    check.shape, _component(check.component)))
    return findings


def validate_graph(data: Graph | Iterable[tuple[Any, Any, Any]] | bytes, reference: bool = False) -> ValidationResult:
    """Validate ``data`` (the union of a build's graphs: a Graph, its triples, or N-Triples
    bytes) against the shapes.

    ``conforms`` is False only when there is a finding of severity Violation; warnings (a
    plan whose source is cut off) are reported but do not fail. By default every constraint
    runs set-based on pyoxigraph: the core ones compiled to SPARQL
    (:mod:`plankg.graph.shacl_sparql`), the SPARQL-based ones once over all focus nodes.
    ``reference`` asks for pyshacl's own evaluation instead (slow; the reference semantics).
    """
    shapes = shapes_graph()
    if isinstance(data, bytes):
        if reference:
            return _validate_with_pyshacl(Graph().parse(data=data, format="nt"), shapes)
        store = ntriples_store(data)
    elif reference:
        return _validate_with_pyshacl(data if isinstance(data, Graph) else _graph_of(data), shapes)
    else:
        store = oxigraph_store(data)
    return validate_store(store)


def ntriples_store(data: bytes | IO[bytes]) -> Any:
    """A pyoxigraph store holding N-Triples, given whole or as a binary file (a triple given
    twice is held once)."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(input=data, format=ox.RdfFormat.N_TRIPLES)
    return store


def validate_store(store: Any) -> ValidationResult:
    """Validate the default graph of a pyoxigraph store (see :func:`validate_graph`); the caller
    may have let the text it was loaded from go, so a build does not hold both."""
    _, constraints = split_shapes(shapes_graph())
    lines = _source_lines(store)
    findings = run_core_checks(store, _compiled(), lines) + run_sparql_constraints(store, constraints, lines)
    findings.sort(key=lambda f: (f.severity, f.focus, f.path or "", f.message))
    conforms = not any(f.severity == "Violation" for f in findings)
    return ValidationResult(conforms, tuple(findings))


@cache
def _compiled() -> list[CoreCheck]:
    """The compiled core checks, each naming the shape reported as ``sh:sourceShape``: an
    inline (blank) property shape is reported as the node shape holding it, so the checks
    are compiled one node shape at a time."""
    core, _ = split_shapes(shapes_graph())
    checks = []
    for node_shape in sorted(set(core.subjects(SH.targetClass, None)), key=str):
        alone = Graph()
        for triple in core:
            if triple[1] != SH.targetClass or triple[0] == node_shape:
                alone.add(triple)
        checks += [dataclasses.replace(check, shape=str(node_shape)) if check.shape.startswith("[") else check
                   for check in compile_shapes(alone)]
    return checks


def _component(parameter: str) -> str:
    """The constraint component of a parameter written as N3 (``<…#minCount>`` →
    ``…#MinCountConstraintComponent``)."""
    name = parameter.strip("<>").rsplit("#", 1)[-1]
    return str(SH[f"{name[0].upper()}{name[1:]}ConstraintComponent"])


def _source_shape(shape: Any, shapes: Graph) -> str | None:
    """The shape a pySHACL result names, an inline property shape as the node shape holding it."""
    if isinstance(shape, BNode):
        holder = shapes.value(None, SH.property, shape)
        return str(holder) if holder is not None else None
    return str(shape) if shape is not None else None


def _graph_of(triples: Iterable[tuple[Any, Any, Any]]) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph


def _validate_with_pyshacl(data: Graph, shapes: Graph) -> ValidationResult:
    import pyshacl  # heavy: imported only for the reference engine

    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                    allow_warnings=True, abort_on_first=False)
    findings = []
    for result in report.subjects(SH.resultSeverity, None):
        severity = str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        value = report.value(result, SH.value)
        line = data.value(focus, PK.sourceLine) if isinstance(focus, URIRef) else None
        component = report.value(result, SH.sourceConstraintComponent)
        findings.append(Finding(
            severity=severity, focus=str(focus), path=str(path) if path is not None else None,
            message=str(message) if message is not None else "constraint not met",
            value=str(value) if value is not None else None,
            source_line=int(line) if isinstance(line, Literal) else None,
            shape=_source_shape(report.value(result, SH.sourceShape), shapes),
            component=str(component) if component is not None else None,
        ))
    findings.sort(key=lambda f: (f.severity, f.focus, f.path or "", f.message))
    conforms = not any(f.severity == "Violation" for f in findings)
    return ValidationResult(conforms, tuple(findings))
