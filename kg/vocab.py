"""Project vocabulary as typed namespace terms: a typo (``KG.holdPost``) raises instead of minting a new IRI.

Every term here is declared in ``ontology/kg.ttl``; a test keeps the two in step.
"""

from __future__ import annotations

from types import SimpleNamespace

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

ONTOLOGY_IRI = "https://w3id.org/kgcn/ontology"
ID_BASE = "https://w3id.org/kgcn/id/"

ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")


def looked_up(namespace, names: str) -> SimpleNamespace:
    """The terms a namespace gives, looked up once, for hot loops: rdflib's namespaces make a term at every
    attribute access. A name not asked for still raises (AttributeError)."""
    return SimpleNamespace(**{name: namespace[name] for name in names.split()})


class KG(DefinedNamespace):
    """kg: classes and properties (https://w3id.org/kgcn/ontology#)."""

    _NS = Namespace(ONTOLOGY_IRI + "#")
    _fail = True

    # classes: the entity types of DESIGN.md
    Official: URIRef
    Person: URIRef
    Journalist: URIRef
    Agency: URIRef
    Enterprise: URIRef
    Organization: URIRef
    Programme: URIRef
    Place: URIRef
    Project: URIRef
    Event: URIRef
    # classes: the record keeping
    Article: URIRef  # a news article (schema:NewsArticle)
    SourceFile: URIRef  # an input file
    Post: URIRef  # a post held by an official (org:Post)
    Mention: URIRef  # where an entity is named in an article, with the evidence sentence
    Assertion: URIRef  # one extracted relation with its evidence (an rdf:Statement)
    MergeCandidate: URIRef  # two entities suspected to be one, left for a person to judge

    # relation predicates of DESIGN.md (object properties between entities)
    holdsPost: URIRef
    worksFor: URIRef
    runs: URIRef
    participatesIn: URIRef
    attended: URIRef
    locatedIn: URIRef
    invests: URIRef
    partOf: URIRef
    aliasOf: URIRef
    authored: URIRef
    awarded: URIRef

    # attributes
    title: URIRef  # the title of a post, as written (常务副市长)
    orgName: URIRef  # the organisation of a post or role when no entity node was resolved for it
    role: URIRef  # the role in worksFor (总经理)
    amount: URIRef  # an amount of money in invests
    unit: URIRef  # its unit (亿元)
    date: URIRef  # the date a fact was observed (the article's date)
    honour: URIRef  # the honour or list of awarded
    capacity: URIRef  # a project's stated capacity (年产120万吨)
    former: URIRef  # a post read as former (原…)
    suspectedSame: URIRef  # entity -> entity resolution suspects is the same (not merged)
    left: URIRef
    right: URIRef
    confidence: URIRef
    reason: URIRef

    # record keeping
    mentionOf: URIRef
    inArticle: URIRef
    surface: URIRef
    startOffset: URIRef
    endOffset: URIRef
    evidenceText: URIRef
    mentionCount: URIRef
    rule: URIRef  # id of the rule or model that produced a fact (title_chain.v1)
    sourceFile: URIRef
    path: URIRef
    encoding: URIRef
    reporter: URIRef
    correspondent: URIRef
    photographer: URIRef
    articleKind: URIRef


# Entity type name -> class term, in the contract's order.
TYPE_CLASS = {
    "Official": KG.Official,
    "Person": KG.Person,
    "Journalist": KG.Journalist,
    "Agency": KG.Agency,
    "Enterprise": KG.Enterprise,
    "Organization": KG.Organization,
    "Programme": KG.Programme,
    "Place": KG.Place,
    "Project": KG.Project,
    "Event": KG.Event,
}
CLASS_TYPE = {v: k for k, v in TYPE_CLASS.items()}

PREDICATE_TERM = {
    "holdsPost": KG.holdsPost,
    "worksFor": KG.worksFor,
    "runs": KG.runs,
    "participatesIn": KG.participatesIn,
    "attended": KG.attended,
    "locatedIn": KG.locatedIn,
    "invests": KG.invests,
    "partOf": KG.partOf,
    "aliasOf": KG.aliasOf,
    "authored": KG.authored,
    "awarded": KG.awarded,
}


def bind_prefixes(graph) -> None:
    """The prefixes every graph we write uses, so Turtle stays short and readable."""
    from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

    graph.bind("kg", KG._NS, override=True)
    graph.bind("kgid", Namespace(ID_BASE), override=True)
    graph.bind("org", ORG, override=True)
    graph.bind("schema", SCHEMA, override=True)
    graph.bind("prov", PROV, override=True)
    graph.bind("skos", SKOS, override=True)
    graph.bind("rdfs", RDFS, override=True)
    graph.bind("rdf", RDF, override=True)
    graph.bind("owl", OWL, override=True)
    graph.bind("xsd", XSD, override=True)
