"""kg.validate: a graph written as docs/rdf-layout.md says conforms; broken ones are reported readably."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib import namespace as ns
from rdflib.namespace import RDF, RDFS, SKOS

from kg.validate import ontology_dir, validate
from kg.vocab import ID_BASE, KG, ORG, PREDICATE_TERM, PROV, SCHEMA, bind_prefixes

KGID = Namespace(ID_BASE)
XSD_DATE = ns.XSD.date
XSD_GMONTHDAY = ns.XSD.gMonthDay
XSD_STRING = ns.XSD.string

SRC = KGID["source/000_x"]
ART = KGID["article/000_x/0"]
CAPTION = KGID["article/000_x/1"]
LIU = KGID["official/刘文强"]
GOV = KGID["agency/聊城市人民政府"]
BUREAU = KGID["agency/聊城市工业和信息化局"]
FIRM = KGID["enterprise/鲁西化工集团"]
WANG = KGID["person/王明"]
CITY = KGID["place/聊城市"]
PROJECT = KGID["project/高端化工新材料项目"]
REPORTER = KGID["journalist/张三"]
POST = KGID["post/ab12"]
POST2 = KGID["post/cd34"]
MENTION = KGID["mention/m1"]
FACT_POST = KGID["fact/f1"]
FACT_WORKS = KGID["fact/f2"]
FACT_INVEST = KGID["fact/f3"]


def zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def entity(g: Graph, node: URIRef, cls: URIRef, name: str, count: int = 1, *aliases: str) -> None:
    g.add((node, RDF.type, cls))
    g.add((node, SKOS.prefLabel, zh(name)))
    g.add((node, RDFS.label, zh(name)))
    for alias in aliases:
        g.add((node, SKOS.altLabel, zh(alias)))
    g.add((node, KG.mentionCount, Literal(count)))


def span(g: Graph, node: URIRef, start: int, end: int) -> None:
    g.add((node, KG.startOffset, Literal(start)))
    g.add((node, KG.endOffset, Literal(end)))


def assertion(g: Graph, fact: URIRef, s, p, o, rule: str, start: int, end: int, **attrs) -> None:
    """The direct triple and its reified assertion with evidence."""
    g.add((s, p, o))
    g.add((fact, RDF.type, KG.Assertion))
    g.add((fact, RDF.subject, s))
    g.add((fact, RDF.predicate, p))
    g.add((fact, RDF.object, o))
    g.add((fact, KG.inArticle, ART))
    g.add((fact, PROV.wasDerivedFrom, ART))
    g.add((fact, KG.evidenceText, zh("市委常委、常务副市长刘文强出席会议。")))
    g.add((fact, KG.rule, Literal(rule)))
    g.add((fact, KG.date, Literal("2024-05-01", datatype=XSD_DATE)))
    span(g, fact, start, end)
    for key, value in attrs.items():
        g.add((fact, KG[key], value))


def valid_graph() -> Graph:
    g = Graph()
    bind_prefixes(g)
    # source file and two articles (a story with a headline and a date, an untitled caption)
    g.add((SRC, RDF.type, KG.SourceFile))
    g.add((SRC, KG.path, Literal("seeds/000_x.txt")))
    g.add((SRC, KG.encoding, Literal("utf-8")))
    g.add((ART, RDF.type, KG.Article))
    g.add((ART, SCHEMA.headline, zh("聊城市召开工业经济运行调度会")))
    g.add((ART, SCHEMA.alternativeHeadline, zh("推动制造业高质量发展")))
    g.add((ART, SCHEMA.datePublished, Literal("2024-05-01", datatype=XSD_DATE)))
    g.add((ART, KG.sourceFile, SRC))
    g.add((ART, KG.articleKind, Literal("story")))
    span(g, ART, 0, 400)
    g.add((CAPTION, RDF.type, KG.Article))
    g.add((CAPTION, SCHEMA.datePublished, Literal("--05-01", datatype=XSD_GMONTHDAY)))
    g.add((CAPTION, KG.sourceFile, SRC))
    g.add((CAPTION, KG.articleKind, Literal("caption", datatype=XSD_STRING)))
    span(g, CAPTION, 400, 460)
    # entities
    entity(g, LIU, KG.Official, "刘文强", 3)
    entity(g, GOV, KG.Agency, "聊城市人民政府", 2, "市政府")
    entity(g, BUREAU, KG.Agency, "聊城市工业和信息化局", 1, "市工信局", "聊城工信局")
    entity(g, FIRM, KG.Enterprise, "鲁西化工集团", 1)
    entity(g, WANG, KG.Person, "王明", 1)
    entity(g, CITY, KG.Place, "聊城市", 4)
    entity(g, PROJECT, KG.Project, "高端化工新材料项目", 1)
    entity(g, REPORTER, KG.Journalist, "张三", 1)
    # byline
    g.add((ART, SCHEMA.author, REPORTER))
    g.add((ART, KG.reporter, REPORTER))
    g.add((REPORTER, KG.authored, ART))
    # posts: one in a resolved agency, one with only an organisation name
    g.add((POST, RDF.type, KG.Post))
    g.add((POST, KG.title, zh("常务副市长")))
    g.add((POST, SKOS.prefLabel, zh("聊城市人民政府 常务副市长")))
    g.add((POST, ORG.postIn, GOV))
    g.add((POST, ORG.heldBy, LIU))
    g.add((POST2, RDF.type, KG.Post))
    g.add((POST2, KG.title, zh("市委常委")))
    g.add((POST2, SKOS.prefLabel, zh("中共聊城市委 市委常委")))
    g.add((POST2, KG.orgName, zh("中共聊城市委")))
    g.add((POST2, ORG.heldBy, LIU))
    for post in (POST, POST2):
        g.add((LIU, ORG.holds, post))
    # a mention with its evidence
    g.add((MENTION, RDF.type, KG.Mention))
    g.add((MENTION, KG.mentionOf, LIU))
    g.add((MENTION, KG.inArticle, ART))
    g.add((MENTION, PROV.wasDerivedFrom, ART))
    g.add((MENTION, KG.surface, zh("刘文强")))
    g.add((MENTION, KG.evidenceText, zh("市委常委、常务副市长刘文强出席会议。")))
    g.add((MENTION, KG.mentionCount, Literal(2)))
    g.add((MENTION, KG.rule, Literal("person_title.v1")))
    span(g, MENTION, 40, 43)
    # relations: direct triples and reified assertions
    assertion(
        g,
        FACT_POST,
        LIU,
        KG.holdsPost,
        POST,
        "title_chain.v1",
        30,
        48,
        title=zh("常务副市长"),
        orgName=zh("聊城市人民政府"),
    )
    g.add((LIU, KG.holdsPost, POST2))  # the second post, stated directly only
    assertion(g, FACT_WORKS, WANG, KG.worksFor, FIRM, "role_of.v1", 100, 120, role=zh("总经理"))
    assertion(
        g,
        FACT_INVEST,
        FIRM,
        KG.invests,
        PROJECT,
        "invest.v1",
        130,
        160,
        amount=Literal(Decimal("12.5")),
        unit=zh("亿元"),
    )
    g.add((FIRM, KG.locatedIn, CITY))
    g.add((BUREAU, KG.partOf, GOV))
    return g


TITLE_MISSING = (
    'Post needs exactly one kg:title, the title as written, a language-tagged string such as "常务副市长"@zh '
    "(kg:title: missing)"
)


def problems_of(g: Graph) -> list[str]:
    conforms, problems = validate(g)
    assert conforms is (not problems), (conforms, problems)
    return problems


def lines_about(problems: list[str], node: str) -> list[str]:
    return [p for p in problems if p.startswith(node + ": ")]


# ----------------------------------------------------------------------------------------------------------


def test_ontology_files_are_found():
    assert (ontology_dir() / "kg.ttl").is_file()
    assert (ontology_dir() / "shapes.ttl").is_file()


def test_valid_graph_conforms():
    g = valid_graph()
    assert validate(g) == (True, [])


def test_validate_does_not_change_the_graph():
    g = valid_graph()
    g.remove((POST, KG.title, None))
    before = set(g)
    validate(g)
    assert set(g) == before  # in particular, the ontology is not mixed into the caller's graph


def test_post_without_title():
    g = valid_graph()
    g.remove((POST, KG.title, None))
    conforms, problems = validate(g)
    assert conforms is False
    assert problems == [f"kgid:post/ab12: {TITLE_MISSING}"]


def test_post_with_two_titles():
    g = valid_graph()
    g.add((POST, KG.title, zh("副市长")))
    assert problems_of(g) == [f"kgid:post/ab12: {TITLE_MISSING.replace('missing', '2 values')}"]


def test_post_without_organisation():
    g = valid_graph()
    g.remove((POST2, KG.orgName, None))
    assert problems_of(g) == [
        "kgid:post/cd34: Post names no organisation: it needs org:postIn (the organisation entity) or, "
        "when none was resolved, kg:orgName"
    ]


@pytest.mark.parametrize(("start", "end"), [(43, 43), (50, 43)])
def test_mention_with_start_not_before_end(start: int, end: int):
    g = valid_graph()
    g.remove((MENTION, KG.startOffset, None))
    g.remove((MENTION, KG.endOffset, None))
    span(g, MENTION, start, end)
    assert problems_of(g) == [
        "kgid:mention/m1: Mention's kg:startOffset must be smaller than its kg:endOffset, otherwise its span "
        f"is empty or reversed (kg:startOffset: not less than kg:endOffset, value {start})"
    ]


def test_mention_without_offsets():
    g = valid_graph()
    g.remove((MENTION, KG.startOffset, None))
    g.set((MENTION, KG.endOffset, Literal("43")))  # a string, not an integer
    problems = problems_of(g)
    assert problems == [
        "kgid:mention/m1: Mention needs exactly one kg:endOffset, an xsd:integer: where its text ends in the "
        'source file (kg:endOffset: wrong datatype, value "43")',
        "kgid:mention/m1: Mention needs exactly one kg:startOffset, an xsd:integer of at least 0: where its "
        "text starts in the source file (kg:startOffset: missing)",
    ]


def test_assertion_with_unknown_predicate():
    g = valid_graph()
    boss_of = URIRef(str(KG._NS) + "bossOf")
    g.remove((FACT_WORKS, RDF.predicate, None))
    g.add((FACT_WORKS, RDF.predicate, boss_of))
    g.add((WANG, boss_of, FIRM))  # the direct triple is there: only the predicate is wrong
    problems = problems_of(g)
    assert len(problems) == 1
    line = problems[0]
    assert line.startswith(
        "kgid:fact/f2: Assertion needs exactly one rdf:predicate, one of the 11 relation predicates: "
    )
    assert line.endswith("(rdf:predicate: not an allowed value, value kg:bossOf)")
    assert all(f"kg:{name}" in line for name in PREDICATE_TERM)


def test_several_problems_are_all_reported_one_line_each():
    g = valid_graph()
    g.remove((POST, KG.title, None))
    g.set((MENTION, KG.startOffset, Literal(60)))
    g.set((FACT_INVEST, RDF.predicate, URIRef(str(KG._NS) + "funds")))
    conforms, problems = validate(g)
    assert conforms is False
    assert {p.split(": ", 1)[0] for p in problems} == {"kgid:post/ab12", "kgid:mention/m1", "kgid:fact/f3"}
    assert problems == sorted(problems)
    assert all("\n" not in p and "http" not in p for p in problems)
    # the assertion now also lacks its direct triple (kg:funds), which is reported separately
    fact = lines_about(problems, "kgid:fact/f3")
    assert len(fact) == 2
    assert any("relation predicates" in p and "not an allowed value, value kg:funds" in p for p in fact)
    assert any("no matching direct triple" in p and "value kg:funds" in p for p in fact)


def test_assertion_without_direct_triple():
    g = valid_graph()
    g.remove((WANG, KG.worksFor, FIRM))
    assert problems_of(g) == [
        "kgid:fact/f2: Assertion has no matching direct triple: the graph must also state its rdf:subject, "
        "rdf:predicate and rdf:object as a plain triple (value kg:worksFor)"
    ]


def test_assertion_missing_evidence_and_rule():
    g = valid_graph()
    g.remove((FACT_POST, KG.evidenceText, None))
    g.remove((FACT_POST, KG.rule, None))
    g.remove((FACT_POST, KG.inArticle, None))
    problems = problems_of(g)
    assert len(problems) == 3
    assert all(p.startswith("kgid:fact/f1: Assertion needs exactly one ") for p in problems)
    paths = {re.search(r"\((\S+): missing\)$", p).group(1) for p in problems}
    assert paths == {"kg:evidenceText", "kg:rule", "kg:inArticle"}


def test_entity_label_rules():
    g = valid_graph()
    g.remove((CITY, SKOS.prefLabel, None))
    g.remove((CITY, RDFS.label, None))
    g.add((GOV, SKOS.prefLabel, zh("市政府")))  # a second preferred label
    g.set((FIRM, SKOS.prefLabel, Literal("鲁西化工集团")))  # untagged
    needs = (
        'Entity needs exactly one skos:prefLabel, its canonical name as a language-tagged string such as "聊城市"@zh;'
        " other names go in skos:altLabel"
    )
    repeat = "Entity's rdfs:label must repeat its skos:prefLabel exactly (rdfs:label: differs from skos:prefLabel"
    assert problems_of(g) == [
        f"kgid:agency/聊城市人民政府: {needs} (skos:prefLabel: 2 values)",
        f'kgid:agency/聊城市人民政府: {repeat}, value "市政府"@zh)',
        f'kgid:enterprise/鲁西化工集团: {needs} (skos:prefLabel: wrong datatype, value "鲁西化工集团")',
        f'kgid:enterprise/鲁西化工集团: {repeat}, value "鲁西化工集团")',
        f'kgid:enterprise/鲁西化工集团: {repeat}, value "鲁西化工集团"@zh)',
        f"kgid:place/聊城市: {needs} (skos:prefLabel: missing)",
    ]


@pytest.mark.parametrize(
    ("count", "failures"),
    [
        (Literal(0), ["less than 1, value 0"]),
        (Literal(-2), ["less than 1, value -2"]),
        (Literal("3"), ['cannot be compared with 1, value "3"', 'wrong datatype, value "3"']),
    ],
)
def test_mention_count_must_be_a_positive_integer(count: Literal, failures: list[str]):
    g = valid_graph()
    g.set((CITY, KG.mentionCount, count))
    needs = (
        "kg:mentionCount must be a single xsd:integer of at least 1: a node that is never mentioned should not "
        "be in the graph"
    )
    assert problems_of(g) == [f"kgid:place/聊城市: {needs} (kg:mentionCount: {f})" for f in failures]


def test_untitled_article_is_fine_but_two_headlines_are_not():
    g = valid_graph()
    g.remove((ART, SCHEMA.headline, None))
    assert validate(g) == (True, [])
    g.add((ART, SCHEMA.headline, zh("一")))
    g.add((ART, SCHEMA.headline, zh("二")))
    problems = problems_of(g)
    assert problems == [
        "kgid:article/000_x/0: Article's schema:headline must be a single language-tagged string (none for an "
        "untitled article); a sub-headline belongs in schema:alternativeHeadline (schema:headline: 2 values)"
    ]


@pytest.mark.parametrize(
    "date",
    [
        Literal("2024-05-01"),  # a plain string
        Literal("2024-05", datatype=ns.XSD.gYearMonth),  # a datatype the layout does not allow
        "ill-formed",
    ],
)
def test_article_date_must_be_a_date_or_month_day(date):
    if date == "ill-formed":
        date = Literal("2024/05/01", datatype=XSD_DATE)  # made here: rdflib logs a warning when it is built
    g = valid_graph()
    g.set((ART, SCHEMA.datePublished, date))
    problems = problems_of(g)
    assert len(problems) == 1
    assert problems[0].startswith("kgid:article/000_x/0: Article's schema:datePublished must be a single xsd:date")
    assert "(schema:datePublished: none of the allowed forms, value " in problems[0]


def test_article_needs_exactly_one_source_file():
    g = valid_graph()
    g.remove((CAPTION, KG.sourceFile, None))
    assert problems_of(g) == [
        "kgid:article/000_x/1: Article needs exactly one kg:sourceFile, the kg:SourceFile it is part of "
        "(kg:sourceFile: missing)"
    ]


def test_mention_must_point_to_an_entity_in_an_article():
    g = valid_graph()
    g.set((MENTION, KG.mentionOf, POST))  # a post is not an entity
    g.set((MENTION, KG.inArticle, SRC))  # a source file is not an article
    g.set((MENTION, PROV.wasDerivedFrom, ART))
    assert problems_of(g) == [
        "kgid:mention/m1: Mention needs exactly one kg:inArticle, the kg:Article it was found in "
        "(kg:inArticle: not a kg:Article, value kgid:source/000_x)",
        "kgid:mention/m1: Mention's kg:mentionOf must point to an entity typed with one of the ten kg entity "
        "classes (kg:Official, kg:Agency, …) and nothing else (kg:mentionOf/rdf:type: not an allowed value, "
        "value kg:Post)",
    ]


def test_relation_ranges_are_checked():
    g = valid_graph()
    g.add((GOV, KG.locatedIn, FIRM))  # an enterprise is not a place
    g.add((LIU, KG.holdsPost, GOV))  # an agency is not a post, and org:holds does not list it
    problems = problems_of(g)
    assert (
        "kgid:agency/聊城市人民政府: kg:locatedIn must point to a kg:Place (kg:locatedIn: not a kg:Place, "
        "value kgid:enterprise/鲁西化工集团)"
    ) in problems
    liu = lines_about(problems, "kgid:official/刘文强")
    assert any("(kg:holdsPost: not a kg:Post, value kgid:agency/聊城市人民政府)" in p for p in liu)
    assert any("(kg:holdsPost: differs from org:holds" in p for p in liu)


def test_iris_are_compacted_with_the_graphs_own_prefixes():
    g = valid_graph()
    g.bind("x", Namespace(ID_BASE + "post/"))
    g.remove((POST, KG.title, None))
    assert validate(g) == (False, [f"x:ab12: {TITLE_MISSING}"])


def test_unbound_project_namespaces_still_print_short():
    g = Graph(bind_namespaces="none")
    for triple in valid_graph():
        g.add(triple)
    g.remove((POST, KG.title, None))
    assert validate(g) == (False, [f"kgid:post/ab12: {TITLE_MISSING}"])


def test_mention_of_an_untyped_node():
    g = valid_graph()
    g.set((MENTION, KG.mentionOf, KGID["official/nobody"]))  # a typo'd IRI: nothing is said about it
    assert problems_of(g) == [
        "kgid:mention/m1: Mention's kg:mentionOf must point to an entity typed with one of the ten kg entity "
        "classes (kg:Official, kg:Agency, …) and nothing else (kg:mentionOf/rdf:type: missing)"
    ]


def test_shapes_file_works_as_written_with_plain_pyshacl():
    """What `pyshacl -s ontology/shapes.ttl` users get: the direct-triple check runs inside pySHACL too."""
    from pyshacl import validate as shacl_validate

    from kg.validate import shapes_graph

    g = valid_graph()
    assert shacl_validate(g, shacl_graph=shapes_graph(), inference="none")[0] is True
    g.remove((WANG, KG.worksFor, FIRM))
    conforms, report, _ = shacl_validate(g, shacl_graph=shapes_graph(), inference="none")
    assert conforms is False
    results = list(report.subjects(RDF.type, ns.SH.ValidationResult))
    assert [report.value(r, ns.SH.focusNode) for r in results] == [FACT_WORKS]
    assert report.value(results[0], ns.SH.sourceConstraintComponent) == ns.SH.SPARQLConstraintComponent


@pytest.mark.slow
def test_the_seed_graph_conforms(seed_graph):
    """The graph the pipeline builds from seeds/ follows the layout (conftest builds it once per session)."""
    assert validate(seed_graph) == (True, [])
