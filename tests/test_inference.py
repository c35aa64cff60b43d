"""Our direct inference equals owlrl's OWL RL closure on the instance data of the real build."""

from __future__ import annotations

from pathlib import Path

import owlrl
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from plankg.graph.inference import Rules, infer
from plankg.graph.namespace import DATA, graph_iri
from plankg.graph.resources import ontology_graph

NOISE_CLASSES = {OWL.Thing, RDFS.Resource, OWL.Nothing}


def instance_triples(triples) -> set:  # type: ignore[no-untyped-def]
    """The triples about instance data, without owlrl's tautologies."""
    return {
        (s, p, o) for s, p, o in triples
        if isinstance(s, URIRef) and str(s).startswith(str(DATA))
        and p != OWL.sameAs and not (p == RDF.type and o in NOISE_CLASSES)
    }


def test_inference_equals_owlrl_closure(build_dir: Path) -> None:
    dataset = Dataset()
    dataset.parse(str(build_dir / "plankg.nq"), format="nquads")
    skip = {graph_iri("inferred"), graph_iri("ontology")}
    asserted = {t for g in dataset.graphs() if g.identifier not in skip for t in g}

    ours = asserted | infer(asserted, Rules.from_ontology(ontology_graph()))

    reference = Graph()
    for triple in asserted:
        reference.add(triple)
    for triple in ontology_graph():
        reference.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(reference)

    expected = instance_triples(reference)
    got = instance_triples(ours)
    assert got - expected == set(), "we infer what OWL RL does not"
    assert expected - got == set(), "OWL RL infers what we do not"


def test_dump_holds_the_inferred_graph(build_dir: Path) -> None:
    text = (build_dir / "plankg.nq").read_text(encoding="utf-8")
    inferred = f"<{graph_iri('inferred')}> ."
    assert any(line.endswith(inferred) and "#hasTask>" in line for line in text.splitlines())
