"""The Oxigraph store answers query, lookup and stats exactly as the Turtle file does; names are bound safely."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from kg.cli import main
from kg.oxistore import bind, bulk_load, nquads, open_store
from kg.store import QueryError, StoreError, card, find, load, run_query, short, stats
from kg.vocab import KG, bind_prefixes

ROOT = Path(__file__).resolve().parent.parent
PAGE = "本报讯（记者 王明）3月5日，全市工业经济运行调度会召开，市委常委、副市长赵刚出席会议并讲话。\n"
QUERIES = sorted((ROOT / "ontology" / "queries").glob("*.rq"))
HOSTILE = 'x"} UNION { ?e ?p ?o } #\\\n\' SELECT * WHERE { FILTER(true) }\r\t"""'


@pytest.fixture(scope="module")
def both(seed_build, tmp_path_factory):
    """(rdflib graph parsed from seeds.ttl, the same graph in an Oxigraph store, the Turtle path, store path)."""
    ttl = seed_build[3] / "seeds.ttl"
    store = tmp_path_factory.mktemp("oxi") / "seeds.oxi"
    bulk_load(store, ttl.read_bytes())
    return load(ttl), open_store(store), ttl, store


def cells(graph, rows):
    return [[short(graph, v) for v in row] for row in rows]


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.name)
def test_example_queries_agree(both, path):
    rdf, oxi, _, _ = both
    text = path.read_text(encoding="utf-8")
    names_r, rows_r = run_query(rdf, text)
    names_o, rows_o = run_query(oxi, text)
    assert names_r == names_o
    assert cells(rdf, rows_r) == cells(oxi, rows_o)  # all of them ORDER BY, so the order agrees too
    assert rows_r  # a real answer, not two empty ones


def test_typed_terms_agree(both):
    rdf, oxi, _, _ = both
    q = ("SELECT ?a ?start ?date ?kind WHERE { ?a a kg:Article ; kg:startOffset ?start ; kg:articleKind ?kind "
         "OPTIONAL { ?a schema:datePublished ?date } } ORDER BY ?a")
    assert run_query(rdf, q) == run_query(oxi, q)  # the same rdflib terms: datatypes, languages, unbound cells
    assert run_query(rdf, "ASK { ?s a kg:Official }") == run_query(oxi, "ASK { ?s a kg:Official }")
    construct = "CONSTRUCT { ?s kg:title ?t } WHERE { ?s kg:title ?t }"
    assert run_query(rdf, construct) == run_query(oxi, construct)


def test_stats_agree(both):
    rdf, oxi, _, _ = both
    assert stats(rdf) == stats(oxi)


def test_lookup_finds_and_cards_agree(both):
    rdf, oxi, _, _ = both
    _, rows = run_query(rdf, "SELECT DISTINCT ?n WHERE { ?e a ?t ; skos:prefLabel ?n . FILTER(?t != kg:Post) } "
                             "ORDER BY ?n")
    names = [str(r[0]) for r in rows]
    assert len(names) > 100
    sample = names[::29] + ["市工信局", "聊城", "不存在的名字"]  # exact names, aliases, parts, no match
    for name in sample:
        found = find(rdf, name)
        assert find(oxi, name) == found, name
        for node in found[:3]:
            assert card(oxi, node) == card(rdf, node), node


def test_hostile_names_are_literals(both, tmp_path):
    rdf, oxi, _, _ = both
    assert find(oxi, HOSTILE) == [] == find(rdf, HOSTILE)
    g = Graph()
    bind_prefixes(g)
    node = URIRef("https://w3id.org/kgcn/id/person/hostile")
    g.add((node, RDF.type, KG.Official))
    g.add((node, SKOS.prefLabel, Literal(HOSTILE, lang="zh")))
    g.add((URIRef("https://w3id.org/kgcn/id/person/other"), RDF.type, KG.Official))
    g.add((URIRef("https://w3id.org/kgcn/id/person/other"), SKOS.prefLabel, Literal("无关", lang="zh")))
    bulk_load(tmp_path / "h.oxi", g.serialize(format="turtle", encoding="utf-8"))
    hostile = open_store(tmp_path / "h.oxi")
    assert find(hostile, HOSTILE) == [node] == find(g, HOSTILE)
    assert card(hostile, node).name == HOSTILE
    for part in ('"}', "\\", "\\\n'", "SELECT", "UNION { ?e ?p ?o }"):
        assert find(hostile, part) == [node]  # a part of the name, found as text: never as syntax


def test_bound_values_are_escaped_by_pyoxigraph():
    text = bind("SELECT ?e WHERE { ?e ?p ?q }", {"q": Literal(HOSTILE)})
    assert text.count("\n") == 0 and '\\"' in text and "\\\\" in text and "\\n" in text


def test_query_errors(both):
    _, oxi, _, _ = both
    with pytest.raises(QueryError, match=r"query syntax error at line 2, column \d+"):
        run_query(oxi, "SELECT ?x\nWHERE { ?x ?y }}")
    result = CliRunner().invoke(main, ["query", "SELEC ?x", "--store", f"oxigraph:{both[3]}"])
    assert result.exit_code == 2 and result.output.count("\n") == 1


def test_cli_store_matches_graph(both, monkeypatch):
    rdf, _, ttl, store = both
    monkeypatch.setattr("kg.store.load", lambda path: rdf)  # parsed once (by the fixture), not per command
    runner = CliRunner()
    spec = f"oxigraph:{store}"
    for args in (["stats"], ["lookup", "市工信局"], ["lookup", "工信"], ["lookup", "不存在的名字"],
                 *(["query", "--file", str(q)] for q in QUERIES),
                 ["query", "SELECT ?t (COUNT(*) AS ?n) WHERE { ?s a ?t } GROUP BY ?t ORDER BY ?t", "--format", "csv"]):
        by_file = runner.invoke(main, [*args, "--graph", str(ttl)])
        by_store = runner.invoke(main, [*args, "--store", spec])
        assert (by_store.exit_code, by_store.output) == (by_file.exit_code, by_file.output), args
    both_given = runner.invoke(main, ["stats", "--graph", str(ttl), "--store", spec])
    assert both_given.exit_code == 2
    missing = runner.invoke(main, ["stats", "--store", f"oxigraph:{store.parent / 'nope'}"])
    assert missing.exit_code == 1 and "no Oxigraph store" in missing.output
    assert runner.invoke(main, ["stats", "--store", "sqlite:x.db"]).exit_code == 2


def test_build_store_is_replaced_not_appended(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("p.txt").write_text(PAGE, encoding="utf-8")
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(main, ["build", "p.txt", "--out", "g", "--store", "oxigraph:g/p.oxi", "--quiet"])
        assert result.exit_code == 0, result.output
    assert len(open_store("g/p.oxi")) == len(load(Path("g/p.ttl")))
    assert sorted(p.name for p in Path("g").iterdir() if p.name.startswith(".p.oxi")) == []  # no leftovers
    assert runner.invoke(main, ["build", "p.txt", "--store", "p.oxi"]).exit_code == 2
    Path("notastore").mkdir()
    Path("notastore/mine.txt").write_text("keep me", encoding="utf-8")
    result = runner.invoke(main, ["build", "p.txt", "--store", "oxigraph:notastore", "--quiet"])
    assert result.exit_code == 1 and "refusing" in result.output
    assert Path("notastore/mine.txt").read_text(encoding="utf-8") == "keep me"
    with pytest.raises(StoreError):
        open_store("notastore")


def test_export_nquads(both, tmp_path):
    rdf, _, ttl, _ = both
    data = nquads(ttl)
    assert data == nquads(ttl)  # deterministic
    lines = data.decode("utf-8").splitlines()
    assert len(lines) == len(rdf) and lines == sorted(lines)
    quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    triples = ox.parse(path=str(ttl), format=ox.RdfFormat.TURTLE)
    assert {(q.subject, q.predicate, q.object) for q in quads} == {(t.subject, t.predicate, t.object) for t in triples}
    articles = {URIRef(a) for a in rdf.subjects(RDF.type, KG.Article)}
    named = {q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)}
    assert named and {URIRef(q.graph_name.value) for q in named} <= articles
    for q in named:
        s, g = URIRef(q.subject.value), URIRef(q.graph_name.value)
        assert (s, KG.inArticle, g) in rdf
        assert (s, RDF.type, KG.Assertion) in rdf or (s, RDF.type, KG.Mention) in rdf
    evidence = set(rdf.subjects(RDF.type, KG.Assertion)) | set(rdf.subjects(RDF.type, KG.Mention))
    assert all(URIRef(q.subject.value) not in evidence for q in quads if q not in named)
    result = CliRunner().invoke(main, ["export", str(ttl), "--format", "nq", "--out", str(tmp_path / "g.nq")])
    assert result.exit_code == 0 and (tmp_path / "g.nq").read_bytes() == data
    assert CliRunner().invoke(main, ["export", str(tmp_path / "none.ttl")]).exit_code == 1
