"""Ego networks (kg.export.network.ego_view) and the ``kg viz [NAME] [--hops N] [--types T,T]`` command."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, SKOS, Graph, Literal, Namespace

from kg.cli import main
from kg.export.html import render_html
from kg.export.network import ego_view, network_view, only_types, parse_types
from kg.vocab import KG, ORG

ID = Namespace("https://w3id.org/kgcn/id/")
ZHANG3, ZHANG4 = ID["official/张三"], ID["official/张四"]
GOV, NDRC = ID["agency/某市人民政府"], ID["agency/某市发展和改革委员会"]
CITY, FIRM, CLUB = ID["place/某市"], ID["enterprise/华星公司"], ID["organization/星光协会"]


def graph() -> Graph:
    """张三 -post-> 政府 -locatedIn-> 某市 <-locatedIn- 华星公司 <-partOf- 星光协会;
    发改委 -partOf-> 政府; 张四 -post-> 发改委."""
    g = Graph()
    for iri, cls, name in [(ZHANG3, KG.Official, "张三"), (ZHANG4, KG.Official, "张四"),
                           (GOV, KG.Agency, "某市人民政府"), (NDRC, KG.Agency, "某市发展和改革委员会"),
                           (CITY, KG.Place, "某市"), (FIRM, KG.Enterprise, "华星公司"),
                           (CLUB, KG.Organization, "星光协会")]:
        g.add((iri, RDF.type, cls))
        g.add((iri, SKOS.prefLabel, Literal(name, lang="zh")))
        g.add((iri, RDFS.label, Literal(name, lang="zh")))
    g.add((NDRC, SKOS.altLabel, Literal("市发改委", lang="zh")))
    for key, official, body, title in [("p3", ZHANG3, GOV, "副市长"), ("p4", ZHANG4, NDRC, "主任")]:
        post = ID[f"post/{key}"]
        g.add((post, RDF.type, KG.Post))
        g.add((post, KG.title, Literal(title, lang="zh")))
        g.add((post, ORG.postIn, body))
        g.add((official, KG.holdsPost, post))
    g.add((GOV, KG.locatedIn, CITY))
    g.add((FIRM, KG.locatedIn, CITY))
    g.add((CLUB, KG.partOf, FIRM))
    g.add((NDRC, KG.partOf, GOV))
    return g


def names(view) -> set[str]:
    return {view.nodes[n]["label"] for n in view.nodes}


@pytest.fixture(scope="module")
def view():
    return network_view(graph())


@pytest.mark.parametrize(
    ("hops", "expected"),
    [
        (0, {"张三"}),
        (1, {"张三", "某市人民政府"}),
        (2, {"张三", "某市人民政府", "某市", "某市发展和改革委员会"}),  # both directions: 发改委 -partOf-> 政府
        (3, {"张三", "某市人民政府", "某市", "某市发展和改革委员会", "华星公司", "张四"}),
    ],
)
def test_ego_view_follows_relations_both_ways(view, hops, expected):
    ego = ego_view(view, str(ZHANG3), hops)
    assert names(ego) == expected
    # relations among the kept entities come along, with their attributes
    for s, o, data in ego.edges(data=True):
        assert view.has_edge(s, o, key=f"{data['predicate']}|{data['title']}")
    assert ego.number_of_edges() == sum(1 for s, o in view.edges() if s in ego and o in ego)


def test_ego_view_with_types_walks_through_those_types_only(view):
    ego = ego_view(view, str(ZHANG3), 3, ("Official", "Agency"))
    assert names(ego) == {"张三", "某市人民政府", "某市发展和改革委员会", "张四"}
    # the centre stays even when its own type is filtered out
    assert names(ego_view(view, str(FIRM), 5, ("Place",))) == {"华星公司", "某市"}


def test_only_types_and_parse_types(view):
    assert names(only_types(view, ("Official",))) == {"张三", "张四"}
    assert only_types(view, ()) is view
    assert parse_types("agency, official，PLACE") == ("Official", "Agency", "Place")
    assert parse_types(None) == () and parse_types(" , ") == ()
    with pytest.raises(ValueError, match="unknown type 'Agencies'"):
        parse_types("Agencies")


@pytest.fixture()
def ttl(tmp_path):
    path = tmp_path / "g.ttl"
    graph().serialize(path, format="turtle", encoding="utf-8")
    return path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def embedded(page: str, name: str):
    return json.loads(re.search(rf"var {name} = (.*?);\n", page).group(1))


def test_viz_name_writes_the_ego_network_next_to_the_graph(ttl):
    result = run("viz", "市发改委", "--graph", ttl)  # an alias finds it, as in kg lookup
    assert result.exit_code == 0, result.output
    out = ttl.with_name("g-某市发展和改革委员会.html")
    assert result.output == f"wrote {out}  (3 entities, 2 relations)\n"
    page = out.read_text(encoding="utf-8")
    nodes = {n["label"]: n for n in embedded(page, "NODES")}
    assert set(nodes) == {"某市发展和改革委员会", "某市人民政府", "张四"}
    assert embedded(page, "FOCUS") == nodes["某市发展和改革委员会"]["id"]
    assert "<title>g · 某市发展和改革委员会（1 跳）</title>" in page


def test_viz_hops_types_and_out(ttl, tmp_path):
    out = tmp_path / "sub" / "ego.html"
    out.parent.mkdir()
    result = run("viz", "张三", "--hops", 3, "--types", "official,agency", "--out", out, "--graph", ttl)
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {out}  (4 entities, 3 relations)\n"
    labels = {n["label"] for n in embedded(out.read_text(encoding="utf-8"), "NODES")}
    assert labels == {"张三", "某市人民政府", "某市发展和改革委员会", "张四"}


def test_viz_without_name_is_the_whole_graph(ttl):
    result = run("viz", "--graph", ttl)
    assert result.exit_code == 0
    assert ttl.with_suffix(".html").read_bytes() == render_html(graph(), title="g").encode("utf-8")
    assert result.output == f"wrote {ttl.with_suffix('.html')}  (7 entities, 6 relations)\n"
    result = run("viz", "--types", "Place,Enterprise", "--graph", ttl)
    assert result.exit_code == 0
    labels = {n["label"] for n in embedded(ttl.with_name("g-Enterprise+Place.html").read_text("utf-8"), "NODES")}
    assert labels == {"华星公司", "某市"}


@pytest.mark.parametrize("name", ["张", "不存在"])
def test_viz_no_or_many_matches_answer_like_lookup(ttl, name):
    viz, lookup = run("viz", name, "--graph", ttl), run("lookup", name, "--graph", ttl)
    assert viz.exit_code == lookup.exit_code == 1
    assert (viz.stdout, viz.stderr) == (lookup.stdout, lookup.stderr)
    if name == "不存在":
        assert viz.stderr == "kg: no entity named '不存在'\n" and viz.stdout == ""
    else:
        assert viz.stdout == "2 entities match '张'; be more specific:\n  张三  (Official)\n  张四  (Official)\n"
    assert sorted(p.name for p in ttl.parent.iterdir()) == ["g.ttl"]  # nothing written


def test_viz_usage_errors(ttl):
    result = run("viz", "--types", "Officials", "--graph", ttl)
    assert result.exit_code == 2 and result.stderr.startswith("kg: unknown type 'Officials' (types: Official,")
    result = run("viz", "--hops", 2, "--graph", ttl)
    assert result.exit_code == 2 and result.stderr == "kg: --hops needs a NAME to start from\n"
    assert run("viz", "张三", "--hops", -1, "--graph", ttl).exit_code == 2
    result = run("viz", "--graph", ttl.with_name("missing.ttl"))
    assert result.exit_code == 1 and "no such graph file" in result.stderr
