"""kg.validate: a graph written as docs/rdf-layout.md says conforms; broken ones are reported readably."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib import namespace as ns
from rdflib.namespace import RDF, RDFS, SKOS

from kg.validate import ontology_dir, validate
from kg.vocab import ID_BASE, KG, ORG, PROV, SCHEMA, bind_prefixes

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
    assert problems == ["kgid:post/ab12: Post has no kg:title (kg:title)"]


def test_post_without_organisation():
    g = valid_graph()
    g.remove((POST2, KG.orgName, None))
    problems = problems_of(g)
    assert len(problems) == 1
    assert problems[0].startswith("kgid:post/cd34: Post names no organisation")
    assert "org:postIn" in problems[0] and "kg:orgName" in problems[0]


@pytest.mark.parametrize(("start", "end"), [(43, 43), (50, 43)])
def test_mention_with_start_not_before_end(start: int, end: int):
    g = valid_graph()
    g.remove((MENTION, KG.startOffset, None))
    g.remove((MENTION, KG.endOffset, None))
    span(g, MENTION, start, end)
    problems = problems_of(g)
    assert problems == [
        f"kgid:mention/m1: kg:startOffset must be smaller than kg:endOffset, otherwise the span is empty or "
        f"reversed (kg:startOffset, value {start})"
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
    assert line.startswith("kgid:fact/f2: Assertion's rdf:predicate is not one of the 11 relation predicates")
    assert line.endswith("(rdf:predicate, value kg:bossOf)")
    assert "kg:holdsPost" in line and "kg:awarded" in line


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
    assert any("not one of the 11 relation predicates" in p for p in fact)
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
    assert all(p.startswith("kgid:fact/f1: Assertion has no ") for p in problems)
    paths = {re.search(r"\((\S+)\)$", p).group(1) for p in problems}
    assert paths == {"kg:evidenceText", "kg:rule", "kg:inArticle"}


def test_entity_label_rules():
    g = valid_graph()
    g.remove((CITY, SKOS.prefLabel, None))
    g.remove((CITY, RDFS.label, None))
    g.add((GOV, SKOS.prefLabel, zh("市政府")))  # a second preferred label
    g.set((FIRM, SKOS.prefLabel, Literal("鲁西化工集团")))  # untagged
    problems = problems_of(g)
    assert (
        "kgid:place/聊城市: Entity has no skos:prefLabel giving its canonical name (skos:prefLabel)"
        in problems
    )
    assert any(
        p.startswith("kgid:agency/聊城市人民政府: Entity has more than one skos:prefLabel") for p in problems
    )
    assert any(
        p.startswith("kgid:enterprise/鲁西化工集团: Entity's skos:prefLabel must be a language-tagged string")
        and p.endswith('(skos:prefLabel, value "鲁西化工集团")')
        for p in problems
    )


@pytest.mark.parametrize("count", [Literal(0), Literal(-2), Literal("3")])
def test_mention_count_must_be_a_positive_integer(count: Literal):
    g = valid_graph()
    g.set((CITY, KG.mentionCount, count))
    problems = problems_of(g)
    assert problems and all(p.startswith("kgid:place/聊城市: kg:mentionCount must be") for p in problems)


def test_untitled_article_is_fine_but_two_headlines_are_not():
    g = valid_graph()
    g.remove((ART, SCHEMA.headline, None))
    assert validate(g) == (True, [])
    g.add((ART, SCHEMA.headline, zh("一")))
    g.add((ART, SCHEMA.headline, zh("二")))
    problems = problems_of(g)
    assert problems == [
        "kgid:article/000_x/0: Article has more than one schema:headline; a sub-headline belongs in "
        "schema:alternativeHeadline (schema:headline)"
    ]


@pytest.mark.parametrize(
    "date",
    [
        Literal("2024-05-01"),  # a plain string
        Literal("2024/05/01", datatype=XSD_DATE),  # ill-formed
        Literal("2024-05", datatype=ns.XSD.gYearMonth),  # a datatype the layout does not allow
    ],
)
def test_article_date_must_be_a_date_or_month_day(date: Literal):
    g = valid_graph()
    g.set((ART, SCHEMA.datePublished, date))
    problems = problems_of(g)
    assert len(problems) == 1
    assert problems[0].startswith("kgid:article/000_x/0: Article's schema:datePublished must be an xsd:date")


def test_article_needs_exactly_one_source_file():
    g = valid_graph()
    g.remove((CAPTION, KG.sourceFile, None))
    assert problems_of(g) == [
        "kgid:article/000_x/1: Article has no kg:sourceFile saying which file it is part of (kg:sourceFile)"
    ]


def test_mention_must_point_to_an_entity_in_an_article():
    g = valid_graph()
    g.set((MENTION, KG.mentionOf, POST))  # a post is not an entity
    g.set((MENTION, KG.inArticle, SRC))  # a source file is not an article
    problems = problems_of(g)
    assert len(problems) == 2
    assert any(
        p.startswith(
            "kgid:mention/m1: Mention's kg:mentionOf must point to an entity typed with one of the ten"
        )
        and p.endswith("(kg:mentionOf/rdf:type, value kg:Post)")
        for p in problems
    )
    assert any("kg:inArticle must point to a kg:Article" in p for p in problems)


def test_iris_are_compacted_with_the_graphs_own_prefixes():
    g = valid_graph()
    g.bind("x", Namespace(ID_BASE + "post/"))
    g.remove((POST, KG.title, None))
    assert validate(g) == (False, ["x:ab12: Post has no kg:title (kg:title)"])


def test_unbound_project_namespaces_still_print_short():
    g = Graph(bind_namespaces="none")
    for triple in valid_graph():
        g.add(triple)
    g.remove((POST, KG.title, None))
    assert validate(g) == (False, ["kgid:post/ab12: Post has no kg:title (kg:title)"])
