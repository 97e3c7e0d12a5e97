"""The OWL ontology (ontology/kg.ttl) declares every term of kg.vocab.KG, labelled and aligned."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SH

from kg.validate import ontology_dir
from kg.vocab import KG, ONTOLOGY_IRI, ORG, PREDICATE_TERM, PROV, SCHEMA, TYPE_CLASS

KG_NS = str(KG._NS)
TERMS = [KG[name] for name in KG.__annotations__]
CLASSES = [t for t in TERMS if t[len(KG_NS)].isupper()]
PROPERTIES = [t for t in TERMS if t[len(KG_NS)].islower()]
DECLARATION_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ontology_dir() / "kg.ttl", format="turtle")


def _labels(g: Graph, term: URIRef, prop=RDFS.label) -> dict[str | None, list[str]]:
    out: dict[str | None, list[str]] = {}
    for o in g.objects(term, prop):
        assert isinstance(o, Literal), f"{term} {prop} {o!r} is not a literal"
        out.setdefault(o.language, []).append(str(o))
    return out


def test_vocab_is_not_empty_and_split_sensibly():
    assert len(TERMS) == len(set(TERMS)) >= 40
    assert set(TYPE_CLASS.values()) <= set(CLASSES)
    assert set(PREDICATE_TERM.values()) <= set(PROPERTIES)


def test_ontology_header(onto: Graph):
    o = URIRef(ONTOLOGY_IRI)
    assert (o, RDF.type, OWL.Ontology) in onto
    assert {t.language for t in onto.objects(o, DCTERMS.title)} >= {"en", "zh"}
    assert any(d.language == "en" for d in onto.objects(o, DCTERMS.description))
    assert onto.value(o, OWL.versionInfo) is not None
    assert onto.value(o, DCTERMS.created) == Literal("2026-11-23", datatype=ns.XSD.date)
    assert onto.value(o, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")


@pytest.mark.parametrize("term", TERMS, ids=lambda t: t[len(KG_NS) :])
def test_every_term_is_declared_and_labelled(onto: Graph, term: URIRef):
    types = set(onto.objects(term, RDF.type))
    assert types & DECLARATION_TYPES, f"{term} has no owl:Class / owl:ObjectProperty / owl:DatatypeProperty type"
    if term in CLASSES:
        assert OWL.Class in types
    else:
        assert OWL.Class not in types
        assert len(types & {OWL.ObjectProperty, OWL.DatatypeProperty}) == 1, f"{term}: {types}"
    labels = _labels(onto, term)
    assert len(labels.get("zh", [])) == 1 and labels["zh"][0].strip(), f"{term}: zh label {labels}"
    assert len(labels.get("en", [])) == 1 and labels["en"][0].strip(), f"{term}: en label {labels}"
    comments = _labels(onto, term, RDFS.comment)
    assert len(comments.get("en", [])) == 1 and len(comments["en"][0]) > 15, f"{term}: en comment {comments}"


def test_no_undeclared_kg_terms_in_the_ontology(onto: Graph):
    """Every kg: IRI the ontology mentions is a KG term (a typo there would mint a new, undeclared term)."""
    used = {t for triple in onto for t in triple if isinstance(t, URIRef) and str(t).startswith(KG_NS)}
    assert used == set(TERMS)


def test_relation_predicates_are_object_properties(onto: Graph):
    for term in PREDICATE_TERM.values():
        assert (term, RDF.type, OWL.ObjectProperty) in onto, term


@pytest.mark.parametrize(
    "term",
    [KG.mentionOf, KG.inArticle, KG.sourceFile, KG.reporter, KG.correspondent, KG.photographer, KG.holdsPost],
)
def test_links_between_nodes_are_object_properties(onto: Graph, term: URIRef):
    assert (term, RDF.type, OWL.ObjectProperty) in onto


@pytest.mark.parametrize(
    "term",
    [
        KG.title,
        KG.orgName,
        KG.role,
        KG.amount,
        KG.unit,
        KG.date,
        KG.honour,
        KG.surface,
        KG.startOffset,
        KG.endOffset,
        KG.evidenceText,
        KG.mentionCount,
        KG.rule,
        KG.path,
        KG.encoding,
        KG.articleKind,
    ],
)
def test_attributes_are_datatype_properties(onto: Graph, term: URIRef):
    assert (term, RDF.type, OWL.DatatypeProperty) in onto


@pytest.mark.parametrize(
    "triple",
    [
        (KG.Post, RDFS.subClassOf, ORG.Post),
        (KG.holdsPost, RDFS.subPropertyOf, ORG.holds),
        (KG.partOf, RDFS.subPropertyOf, ORG.subOrganizationOf),
        (KG.Agency, RDFS.subClassOf, ORG.Organization),
        (KG.Agency, RDFS.subClassOf, SCHEMA.Organization),
        (KG.Enterprise, RDFS.subClassOf, ORG.Organization),
        (KG.Enterprise, RDFS.subClassOf, SCHEMA.Organization),
        (KG.Organization, RDFS.subClassOf, ORG.Organization),
        (KG.Organization, RDFS.subClassOf, SCHEMA.Organization),
        (KG.Official, RDFS.subClassOf, KG.Person),
        (KG.Journalist, RDFS.subClassOf, KG.Person),
        (KG.Person, RDFS.subClassOf, FOAF.Person),
        (KG.Person, RDFS.subClassOf, SCHEMA.Person),
        (KG.Article, RDFS.subClassOf, SCHEMA.NewsArticle),
        (KG.Event, RDFS.subClassOf, SCHEMA.Event),
        (KG.Place, RDFS.subClassOf, SCHEMA.Place),
        (KG.Assertion, RDFS.subClassOf, RDF.Statement),
        (KG.Assertion, RDFS.subClassOf, PROV.Entity),
        (KG.Mention, RDFS.subClassOf, PROV.Entity),
        (KG.SourceFile, RDFS.subClassOf, PROV.Entity),
        (KG.worksFor, RDFS.subPropertyOf, SCHEMA.worksFor),
        (KG.authored, OWL.inverseOf, SCHEMA.author),
    ],
    ids=lambda t: f"{t[0][len(KG_NS) :]}-{t[2].split('/')[-1]}",
)
def test_alignment(onto: Graph, triple):
    assert triple in onto


def test_schema_org_namespace_is_https():
    assert str(SCHEMA) == "https://schema.org/"


def test_alias_is_documented_as_json_only(onto: Graph):
    comment = str(onto.value(KG.aliasOf, RDFS.comment))
    assert "JSON" in comment and "altLabel" in comment


def test_shapes_use_only_declared_terms_and_all_predicates():
    shapes = Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")
    used = {t for triple in shapes for t in triple if isinstance(t, URIRef) and str(t).startswith(KG_NS)}
    assert used <= set(TERMS), used - set(TERMS)
    lists = [list(shapes.items(lst)) for lst in shapes.objects(None, SH["in"])]
    assert sorted(PREDICATE_TERM.values()) in [sorted(items) for items in lists]
