"""The ontology and shapes: every contract term declared, the namespace module in step,
the committed Turtle canonical, the version stamped."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

import plankg
from plankg.graph.namespace import PK
from plankg.graph.resources import ontology_graph
from tests.helpers import REPO

NS = "https://w3id.org/plankg/def#"

CONTRACT_CLASSES = {"Plan", "Section", "Task", "Agency", "AgencyGroup", "District", "Indicator",
                    "Target", "SourceDocument"}
CONTRACT_PROPERTIES = {
    "inPlan", "hasTask", "inSection", "taskNumber", "text", "responsibleAgency", "leadAgency",
    "participatingAgency", "deadline", "deadlineText", "nationalReform", "responsibleOfficial",
    "hasTarget", "value", "unit", "comparator", "targetYear", "indicator", "sourceText",
    "mentionsPlace", "jurisdiction", "replacedBy", "includesAgency", "divisionCode", "implements",
    "elaborates", "realizedBy", "relatedTask", "declaredTaskCount", "periodStart", "periodEnd",
    "sourceLine", "parentSection",
}


def declared_terms(graph: Graph) -> set[str]:
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
    return {str(s)[len(NS):] for kind in kinds for s in graph.subjects(RDF.type, kind)
            if str(s).startswith(NS)}


def test_every_contract_term_is_declared() -> None:
    terms = declared_terms(ontology_graph())
    assert terms >= CONTRACT_CLASSES | CONTRACT_PROPERTIES


def test_namespace_module_equals_the_ontology() -> None:
    module_terms = {name for name in PK.__annotations__ if not name.startswith("_")}
    assert module_terms == declared_terms(ontology_graph())


def test_every_term_has_labels_in_two_languages_and_a_comment() -> None:
    graph = ontology_graph()
    for term in declared_terms(graph):
        node = URIRef(NS + term)
        languages = {label.language for label in graph.objects(node, RDFS.label)}  # type: ignore[attr-defined]
        assert {"zh", "en"} <= languages, term
        assert graph.value(node, RDFS.comment) is not None, term


def test_alignment_and_axioms() -> None:
    graph = ontology_graph()
    assert (PK.leadAgency, RDFS.subPropertyOf, PK.responsibleAgency) in graph
    assert (PK.participatingAgency, RDFS.subPropertyOf, PK.responsibleAgency) in graph
    assert (PK.inPlan, OWL.inverseOf, PK.hasTask) in graph
    assert (PK.relatedTask, RDF.type, OWL.SymmetricProperty) in graph
    assert (PK.Agency, RDFS.subClassOf, URIRef("http://www.w3.org/ns/org#Organization")) in graph
    assert (PK.Plan, RDFS.subClassOf, URIRef("http://www.w3.org/ns/prov#Plan")) in graph


def test_version_info_equals_package_version() -> None:
    graph = ontology_graph()
    versions = {str(v) for v in graph.objects(None, OWL.versionInfo)}
    assert versions == {plankg.__version__}
    shapes = Graph().parse(REPO / "shapes" / "plankg-shapes.ttl")
    assert {str(v) for v in shapes.objects(None, OWL.versionInfo)} == {plankg.__version__}


def test_committed_turtle_is_canonical() -> None:
    for path in [REPO / "ontology" / "plankg.ttl", REPO / "shapes" / "plankg-shapes.ttl"]:
        text = path.read_text(encoding="utf-8")
        again = Graph().parse(data=text, format="turtle").serialize(format="turtle")
        assert text == again, f"{path} is not canonical: run python tools/canonical_ttl.py {path}"
