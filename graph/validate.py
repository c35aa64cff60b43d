"""SHACL validation of a build against the shapes in ``shapes/``, with pyshacl.

The data graph is given already closed under inference (:mod:`plankg.graph.inference`), so
pyshacl runs without its own inference.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from plankg.graph.namespace import PK
from plankg.graph.resources import shapes_graph

__all__ = ["Finding", "ValidationResult", "validate_graph"]


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


def validate_graph(data: Graph) -> ValidationResult:
    """Validate ``data`` (the union of a build's graphs) against the shapes.

    ``conforms`` is False only when there is a finding of severity Violation; warnings (a
    plan whose source is cut off) are reported but do not fail.
    """
    import pyshacl  # heavy: imported only when validating

    _, report, _ = pyshacl.validate(
        data, shacl_graph=shapes_graph(), inference="none", advanced=True,
        allow_warnings=True, abort_on_first=False,
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
    findings.sort(key=lambda f: (f.severity, f.focus, f.path or "", f.message))
    conforms = not any(f.severity == "Violation" for f in findings)
    return ValidationResult(conforms, tuple(findings))
