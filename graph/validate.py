"""SHACL validation of a build against the shapes in ``shapes/``, with pyshacl.

The data graph is given already closed under inference (:mod:`plankg.graph.inference`), so
pyshacl runs without its own inference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from plankg.graph.namespace import PK
from plankg.graph.resources import shapes_graph

__all__ = [
    "Finding",
    "SparqlConstraint",
    "ValidationResult",
    "set_based",
    "split_shapes",
    "validate_graph",
]


@dataclass(frozen=True)
class Finding:
    """One result of a SHACL report."""

    severity: str
    focus: str
    path: str | None
    message: str
    value: str | None
    source_line: int | None

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


def run_sparql_constraints(data: Graph, constraints: list[SparqlConstraint]) -> list[Finding]:
    """Run each SPARQL constraint once, set-based, on pyoxigraph (the reference semantics are
    pyshacl's per-focus-node evaluation; ``tests/test_validate.py`` shows they agree)."""
    import pyoxigraph as ox

    store = ox.Store()
    store.load(data.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    findings = []
    for constraint in constraints:
        solutions = store.query(set_based(constraint), prefixes={"pk": str(PK)})
        has_value = "value" in [v.value for v in solutions.variables]  # type: ignore[union-attr]
        for row in solutions:  # type: ignore[union-attr]
            value = row["value"].value if has_value and row["value"] is not None else None
            focus = row["this"].value
            message = constraint.message.replace("{?value}", value or "")
            line = data.value(URIRef(focus), PK.sourceLine)
            findings.append(Finding(constraint.severity, focus, None, message, value,
                                    int(line) if isinstance(line, Literal) else None))
    return findings


def validate_graph(data: Graph, reference: bool = False) -> ValidationResult:
    """Validate ``data`` (the union of a build's graphs) against the shapes.

    ``conforms`` is False only when there is a finding of severity Violation; warnings (a
    plan whose source is cut off) are reported but do not fail. The core constraints run in
    pyshacl; the SPARQL-based ones run once each over all focus nodes on pyoxigraph, unless
    ``reference`` asks for pyshacl's own (per-focus-node, slow) evaluation of them.
    """
    import pyshacl  # heavy: imported only when validating

    core, constraints = split_shapes(shapes_graph())
    _, report, _ = pyshacl.validate(
        data, shacl_graph=shapes_graph() if reference else core, inference="none",
        advanced=True, allow_warnings=True, abort_on_first=False,
    )
    findings = []
    for result in report.subjects(SH.resultSeverity, None):
        severity = str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        value = report.value(result, SH.value)
        line = data.value(focus, PK.sourceLine) if isinstance(focus, URIRef) else None
        findings.append(Finding(
            severity=severity, focus=str(focus), path=str(path) if path is not None else None,
            message=str(message) if message is not None else "constraint not met",
            value=str(value) if value is not None else None,
            source_line=int(line) if isinstance(line, Literal) else None,
        ))
    if not reference:
        findings.extend(run_sparql_constraints(data, constraints))
    findings.sort(key=lambda f: (f.severity, f.focus, f.path or "", f.message))
    conforms = not any(f.severity == "Violation" for f in findings)
    return ValidationResult(conforms, tuple(findings))
