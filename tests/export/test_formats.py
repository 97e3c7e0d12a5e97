"""kg export: every format reads back to the same graph (or network), deterministically."""

import csv
import io
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from kg.cli import main
from kg.vocab import CLASS_TYPE, KG

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def exported(tmp_path_factory, seed_build):
    out = tmp_path_factory.mktemp("export")
    ttl = seed_build[3] / "seeds.ttl"
    runner = CliRunner()
    for fmt in ("ttl", "trig", "nq", "jsonld", "graphml", "csv"):
        result = runner.invoke(main, ["export", str(ttl), "--format", fmt, "--out", str(out / f"seeds.{fmt}")])
        assert result.exit_code == 0, result.output
    return ttl, out


def test_rdf_formats_hold_the_same_triples(exported):
    ttl, out = exported
    original = Graph().parse(ttl)
    assert isomorphic(Graph().parse(out / "seeds.ttl"), original)
    assert isomorphic(Graph().parse(out / "seeds.jsonld", format="json-ld"), original)
    for fmt, parser in (("trig", "trig"), ("nq", "nquads")):
        ds = Dataset()
        ds.parse(out / f"seeds.{fmt}", format=parser)
        union = Graph()
        for s, p, o, _g in ds.quads((None, None, None, None)):
            union.add((s, p, o))
        assert isomorphic(union, original), fmt


def test_evidence_goes_to_the_named_graph_of_its_article(exported):
    _, out = exported
    ds = Dataset()
    ds.parse(out / "seeds.trig", format="trig")
    named = [g for g in ds.graphs() if g.identifier != ds.default_context.identifier and len(g)]
    assert named
    for g in named:
        for node in g.subjects(RDF.type, KG.Assertion):
            assert g.value(node, KG.inArticle) == g.identifier


def test_graphml_and_csv_list_every_entity(exported):
    ttl, out = exported
    original = Graph().parse(ttl)
    entities = {str(s) for cls in CLASS_TYPE for s in original.subjects(RDF.type, cls)}
    network = nx.read_graphml(out / "seeds.graphml")
    assert set(network.nodes) == entities
    with open(out / "seeds-nodes.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {r["id"] for r in rows} == entities and set(rows[0]) == {"id", "type", "name", "aliases", "mentions"}
    with open(out / "seeds-edges.csv", encoding="utf-8") as f:
        edges = list(csv.DictReader(f))
    assert edges and all(e["source"] in entities and e["target"] in entities for e in edges)
    assert network.number_of_edges() == len(edges)


def test_exports_are_deterministic(exported, tmp_path):
    ttl, out = exported
    for fmt in ("trig", "jsonld", "graphml"):
        again = tmp_path / f"again.{fmt}"
        CliRunner().invoke(main, ["export", str(ttl), "--format", fmt, "--out", str(again)])
        assert again.read_bytes() == (out / f"seeds.{fmt}").read_bytes(), fmt


def test_export_of_a_missing_graph_is_one_line():
    result = CliRunner().invoke(main, ["export", "no/such.ttl", "--format", "trig"])
    assert result.exit_code == 1 and result.output == "kg: no/such.ttl: no such graph file\n"
    assert io.StringIO(result.output).read().count("\n") == 1
