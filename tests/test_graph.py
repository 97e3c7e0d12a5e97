"""The RDF graph: layout, evidence, stable IRIs (golden test with rdflib.compare.isomorphic)."""

from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SKOS

from kg.extract import extract_page
from kg.graph import build_graph, iri, iri_segment
from kg.model import Source
from kg.resolve import resolve
from kg.vocab import KG

PAGE = "本报讯（记者 王明）3月5日，全市工业经济运行调度会召开，市委常委、副市长赵刚出席会议并讲话。"


def graph_of(*pages: tuple[str, str]) -> Graph:
    docs = [extract_page(Source(name, text, "utf-8")) for name, text in pages]
    return build_graph(resolve(docs, city="聊城"))


def test_iri_segments_are_readable_and_safe():
    assert iri_segment("聊城市工业和信息化局") == "聊城市工业和信息化局"
    assert iri_segment("a b/<c>") == "a%20b%2F%3Cc%3E"


def test_every_fact_has_its_evidence_in_the_graph():
    g = graph_of(("p/a.txt", PAGE))
    official = iri("person", "赵刚")
    assert (official, RDF.type, KG.Official) in g
    facts = list(g.subjects(RDF.subject, official))
    assert facts
    for fact in facts:
        assert g.value(fact, KG.inArticle) == iri("article", "p", "a", "1")
        assert "赵刚" in str(g.value(fact, KG.evidenceText))
        assert str(g.value(fact, KG.rule)).endswith(".v1")


def test_same_input_same_graph_and_adding_a_page_renames_nothing():
    one = graph_of(("p/a.txt", PAGE))
    assert isomorphic(one, graph_of(("p/a.txt", PAGE)))
    two = graph_of(("p/a.txt", PAGE), ("p/b.txt", "本报讯（记者 李华）3月6日，市发改委召开会议。"))
    old_subjects = set(one.subjects())
    assert old_subjects <= set(two.subjects())


def test_golden_graph_of_a_small_page():
    g = graph_of(("p/a.txt", PAGE))
    post = next(g.objects(iri("person", "赵刚"), KG.holdsPost))
    expected = Graph()
    for triple in [(iri("person", "赵刚"), RDF.type, KG.Official),
                   (iri("person", "赵刚"), SKOS.prefLabel, Literal("赵刚", lang="zh"))]:
        expected.add(triple)
    sub = Graph()
    for triple in g.triples((iri("person", "赵刚"), None, None)):
        if triple[1] in (RDF.type, SKOS.prefLabel):
            sub.add(triple)
    assert isomorphic(sub, expected)
    titles = {str(g.value(p, KG.title)) for p in g.objects(iri("person", "赵刚"), KG.holdsPost)}
    assert titles == {"常委", "副市长"} and post is not None


def test_fast_literals_are_rdflibs_literals():
    """``_literal`` skips rdflib's constructor: every slot, the hash, equality and the Turtle label must still be
    rdflib's, for any string (lone surrogates, quotes, newlines, empty), with and without a language."""
    from kg.graph import _literal

    texts = ["聊城市", "", "a \"quoted\"\nline", "中文\ud800", "  spaced  ", "123", "2025-01-01", "true"]
    for text in texts:
        for fast, slow in ((_literal(text, "zh"), Literal(text, lang="zh")), (_literal(text), Literal(text))):
            assert type(fast) is Literal
            assert (str(fast), fast.language, fast.datatype, fast.value, fast.ill_typed) == \
                (str(slow), slow.language, slow.datatype, slow.value, slow.ill_typed)
            assert fast == slow and hash(fast) == hash(slow) and fast.n3() == slow.n3()
    assert _literal("x", "zh") != _literal("x")
    made = iri("person", "刘 文强", "a/b?c#d<>\"{}|\\^`")
    assert type(made) is URIRef and made == URIRef(str(made)) and hash(made) == hash(URIRef(str(made)))
    assert made.n3() == URIRef(str(made)).n3() and " " not in made and "<" not in made
