"""The HTML network export: offline, readable Chinese, escaped, deterministic, atomic."""

from __future__ import annotations

import json
import random
import re
from html.parser import HTMLParser

import pytest
from rdflib import RDF, RDFS, SKOS, Graph, Literal, Namespace
from rdflib import namespace as ns

from kg.export import html as html_export
from kg.export.html import render_html, write_html
from kg.export.network import Evidence, Post, network_view
from kg.vocab import KG, ORG, PROV, SCHEMA

ID = Namespace("https://w3id.org/kgcn/id/")
HOSTILE = "<img src=x onerror=alert(1)>"
BREAKOUT = "</script><script>alert(2)</script>"

OFFICIAL = ID["official/刘文强"]
AGENCY = ID["agency/聊城市人民政府"]
PLACE = ID["place/聊城市"]
ENTERPRISE = ID["enterprise/evil"]
ORGANIZATION = ID["organization/evil"]
POST_GOV = ID["post/p1"]
POST_LOOSE = ID["post/p2"]
ART1 = ID["article/000_a/1"]
ART2 = ID["article/001_b/1"]


def zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def integer(n: int) -> Literal:
    return Literal(n, datatype=ns.XSD.integer)


def entity(iri, cls, name, count, *aliases):
    yield (iri, RDF.type, cls)
    yield (iri, SKOS.prefLabel, zh(name))
    yield (iri, RDFS.label, zh(name))
    yield (iri, KG.mentionCount, integer(count))
    for alias in aliases:
        yield (iri, SKOS.altLabel, zh(alias))


def mention(key, of, article, offset, sentence):
    m = ID[f"mention/{key}"]
    yield from [
        (m, RDF.type, KG.Mention),
        (m, KG.mentionOf, of),
        (m, KG.inArticle, article),
        (m, PROV.wasDerivedFrom, article),
        (m, KG.surface, zh("x")),
        (m, KG.startOffset, integer(offset)),
        (m, KG.endOffset, integer(offset + 3)),
        (m, KG.evidenceText, zh(sentence)),
        (m, KG.mentionCount, integer(1)),
    ]


def fact(key, s, p, o, article, sentence, date=None):
    f = ID[f"fact/{key}"]
    yield from [
        (f, RDF.type, KG.Assertion),
        (f, RDF.subject, s),
        (f, RDF.predicate, p),
        (f, RDF.object, o),
        (f, KG.inArticle, article),
        (f, PROV.wasDerivedFrom, article),
        (f, KG.evidenceText, zh(sentence)),
        (f, KG.startOffset, integer(0)),
        (f, KG.endOffset, integer(5)),
        (f, KG.rule, Literal("test.v1")),
    ]
    if date:
        yield (f, KG.date, Literal(date, datatype=ns.XSD.date))


def triples() -> list[tuple]:
    out = []
    out += entity(OFFICIAL, KG.Official, "刘文强", 5, "刘市长")
    out += entity(AGENCY, KG.Agency, "聊城市人民政府", 3)
    out += entity(PLACE, KG.Place, "聊城市", 40)
    out += entity(ENTERPRISE, KG.Enterprise, HOSTILE, 1)
    out += entity(ORGANIZATION, KG.Organization, BREAKOUT, 1)
    out += [
        (POST_GOV, RDF.type, KG.Post),
        (POST_GOV, KG.title, zh("常务副市长")),
        (POST_GOV, SKOS.prefLabel, zh("聊城市人民政府 常务副市长")),
        (POST_GOV, ORG.postIn, AGENCY),
        (POST_GOV, ORG.heldBy, OFFICIAL),
        (OFFICIAL, KG.holdsPost, POST_GOV),
        (OFFICIAL, ORG.holds, POST_GOV),
        (POST_LOOSE, RDF.type, KG.Post),
        (POST_LOOSE, KG.title, zh("党组成员")),
        (POST_LOOSE, KG.orgName, zh("市委某委员会")),
        (OFFICIAL, KG.holdsPost, POST_LOOSE),
        (AGENCY, KG.locatedIn, PLACE),
        (ENTERPRISE, KG.invests, PLACE),
        (ORGANIZATION, KG.partOf, ENTERPRISE),
    ]
    articles = ((ART1, "聊城召开工作会议", "2023-05-01"), (ART2, "项目建设推进会", "2023-06-02"))
    for art, headline, date in articles:
        out += [
            (art, RDF.type, KG.Article),
            (art, SCHEMA.headline, zh(headline)),
            (art, SCHEMA.datePublished, Literal(date, datatype=ns.XSD.date)),
        ]
    out += fact("f1", OFFICIAL, KG.holdsPost, POST_GOV, ART2, "常务副市长刘文强出席推进会。", date="2023-02-20")
    out += fact("f2", OFFICIAL, KG.holdsPost, POST_LOOSE, ART1, "党组成员刘文强。")  # no kg:date: the article's
    out += fact("f3", AGENCY, KG.locatedIn, PLACE, ART2, f"聊城市人民政府位于聊城市。{HOSTILE}")
    out += mention("m4", OFFICIAL, ART2, 5, "刘文强出席推进会。")
    out += mention("m2", OFFICIAL, ART1, 90, "刘文强强调，要抓好落实。")
    out += mention("m1", OFFICIAL, ART1, 10, "常务副市长刘文强主持会议。")
    out += mention("m3", OFFICIAL, ART2, 99, "第四句不应出现。")
    out += mention("m5", ENTERPRISE, ART1, 3, f"{HOSTILE}投资\u2028聊城。{BREAKOUT}")
    return out


def build(order: str = "as_is") -> Graph:
    rows = triples()
    if order == "reversed":
        rows = rows[::-1]
    elif order == "shuffled":
        random.Random(7).shuffle(rows)
    g = Graph()
    for row in rows:
        g.add(row)
    return g


class Tags(HTMLParser):
    """Start tags and script bodies, split the way an HTML parser (and a browser) splits them."""

    def __init__(self):
        super().__init__()
        self.seen: list[str] = []
        self.scripts: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        self.seen.append(tag)
        if tag == "script":
            self.scripts.append("")
            self.in_script = True

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script:
            self.scripts[-1] += data


def embedded(page: str, name: str):
    """Decode one JSON blob the page embeds (var NAME = ...;)."""
    match = re.search(rf"var {name} = (.*?);\n", page)
    assert match, name
    return json.loads(match.group(1))


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(build(), title="聊城 <测试>")


def test_network_view_follows_the_layout():
    view = network_view(build())
    assert sorted(view.nodes) == sorted(map(str, [OFFICIAL, AGENCY, PLACE, ENTERPRISE, ORGANIZATION]))
    official = view.nodes[str(OFFICIAL)]
    assert official["type"] == "Official" and official["label"] == "刘文强"
    assert official["aliases"] == ("刘市长",)
    assert official["mentions"] == 5
    # dates: the assertion's kg:date, else the date of the article the assertion was read in
    assert official["posts"] == (
        Post("党组成员", "市委某委员会", "2023-05-01"),
        Post("常务副市长", "聊城市人民政府", "2023-02-20"),
    )
    # first three by article IRI then offset; the fourth never shows
    assert official["evidence"] == (
        Evidence("常务副市长刘文强主持会议。", "聊城召开工作会议", "2023-05-01"),
        Evidence("刘文强强调，要抓好落实。", "聊城召开工作会议", "2023-05-01"),
        Evidence("刘文强出席推进会。", "项目建设推进会", "2023-06-02"),
    )
    edges = sorted((s, o, d["predicate"], d["title"], d["evidence"]) for s, o, d in view.edges(data=True))
    assert edges == sorted(
        [
            # drawn to the post's org, not the post; evidence from the relation's kg:Assertion
            (str(OFFICIAL), str(AGENCY), "holdsPost", "常务副市长",
             Evidence("常务副市长刘文强出席推进会。", "项目建设推进会", "2023-06-02")),
            (str(AGENCY), str(PLACE), "locatedIn", "",
             Evidence(f"聊城市人民政府位于聊城市。{HOSTILE}", "项目建设推进会", "2023-06-02")),
            (str(ENTERPRISE), str(PLACE), "invests", "", None),
            (str(ORGANIZATION), str(ENTERPRISE), "partOf", "", None),
        ]
    )


def test_page_is_offline(page):
    assert '<meta charset="utf-8">' in page
    for attr in re.findall(r"""\b(?:src|href|action)\s*=\s*["']?([^"'\s>]*)""", page, flags=re.I):
        assert not re.match(r"(?:https?:)?//", attr), attr
    assert not re.search(r"<link\b", page, flags=re.I)
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, flags=re.I)
    assert "sourceMappingURL" not in page
    assert not re.search(r"@import|url\(\s*['\"]?(?:https?:)?//", page)
    # vis-network itself is inlined from the copy shipped with pyvis
    vis_js = (html_export.VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8")
    assert "vis-network" in page and vis_js[-5000:-200] in page
    assert "https://w3id.org" not in page  # graph IRIs are not in the page


def test_chinese_is_literal_utf8(page):
    assert "刘文强" in page and "聊城市人民政府" in page and "常务副市长" in page
    assert "\\u5218" not in page  # 刘 not escaped
    assert "Noto Sans CJK SC" in page and "Microsoft YaHei" in page
    assert "<title>聊城 &lt;测试&gt;</title>" in page


def test_hostile_names_stay_text(page):
    assert HOSTILE not in page
    assert "<img" not in page
    assert "alert(2)" not in page.split("<script>")[0]  # nothing before the scripts either
    # parsed as a browser would: only our own tags, two scripts, and the data script holds all its data
    tags = Tags()
    tags.feed(page)
    assert "img" not in tags.seen and tags.seen.count("script") == 2
    assert tags.scripts[1].lstrip().startswith("(function ()") and tags.scripts[1].rstrip().endswith("})();")
    assert "\u2028" not in page and "\u2029" not in page
    # ... and the data still says exactly what the graph said
    labels = {n["label"] for n in embedded(page, "NODES")}
    assert HOSTILE in labels and BREAKOUT in labels
    tips = [n["title"] for n in embedded(page, "NODES") if n["label"] == HOSTILE]
    assert f"{HOSTILE}投资 聊城。{BREAKOUT}" in tips[0]


def test_deterministic_whatever_the_insertion_order(page):
    assert render_html(build(), title="聊城 <测试>") == page
    assert render_html(build("reversed"), title="聊城 <测试>") == page
    assert render_html(build("shuffled"), title="聊城 <测试>") == page


def test_legend_lists_the_types_present(page):
    present = ["Official", "Agency", "Enterprise", "Organization", "Place"]  # in the contract's order
    assert re.findall(r'data-type="(\w+)"', page) == present
    assert {n["kgType"] for n in embedded(page, "NODES")} == set(present)
    legend = re.search(r'<div id="legend">(.*?)</div>', page, re.S).group(1)
    assert "政府机关" in legend and "官员" in legend
    assert "Event" not in legend and "Journalist" not in legend


def test_tooltips_show_posts_and_evidence(page):
    node = next(n for n in embedded(page, "NODES") if n["label"] == "刘文强")
    tip = node["title"]
    assert "类型: 官员 (Official)" in tip and "别名: 刘市长" in tip
    assert "聊城市人民政府 常务副市长（2023-02-20）" in tip
    assert "市委某委员会 党组成员（2023-05-01）" in tip  # the post without an org entity lives only here
    assert "常务副市长刘文强主持会议。" in tip and "《聊城召开工作会议》 2023-05-01" in tip
    assert "第四句不应出现" not in tip
    assert "提及: 5 次" in tip


def test_side_panel_data_and_code(page):
    """Clicking a node opens a panel built from structured data with textContent, never parsed as markup."""
    node = next(n for n in embedded(page, "NODES") if n["label"] == "刘文强")
    assert node["info"] == {
        "type": "官员 Official",
        "mentions": 5,
        "posts": [["党组成员", "市委某委员会", "2023-05-01"], ["常务副市长", "聊城市人民政府", "2023-02-20"]],
        "evidence": [
            ["常务副市长刘文强主持会议。", "聊城召开工作会议", "2023-05-01"],
            ["刘文强强调，要抓好落实。", "聊城召开工作会议", "2023-05-01"],
            ["刘文强出席推进会。", "项目建设推进会", "2023-06-02"],
        ],
    }
    script = Tags()
    script.feed(page)
    code = script.scripts[1]
    assert 'network.on("click"' in code and "show(p.nodes[0])" in code and 'id="panel"' in page
    assert "textContent" in code
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in code, sink
    assert embedded(page, "FOCUS") is None


def test_edges_carry_evidence_and_family_styles(page):
    ids = {n["label"]: n["id"] for n in embedded(page, "NODES")}
    edges = {(e["from"], e["to"]): e for e in embedded(page, "EDGES")}
    located = edges[(ids["聊城市人民政府"], ids["聊城市"])]
    assert located["evidence"] == [f"聊城市人民政府位于聊城市。{HOSTILE}", "项目建设推进会", "2023-06-02"]
    assert located["title"].startswith("locatedIn (位于)\n「聊城市人民政府位于聊城市。")
    assert "—— 《项目建设推进会》 2023-06-02" in located["title"]
    part_of = edges[(ids[BREAKOUT], ids[HOSTILE])]
    post = edges[(ids["刘文强"], ids["聊城市人民政府"])]
    invests = edges[(ids[HOSTILE], ids["聊城市"])]
    assert located["dashes"] and part_of["dashes"]  # structure is dashed
    assert post["dashes"] is False and invests["dashes"] is False
    assert located["color"]["color"] == part_of["color"]["color"]  # one colour per family
    assert len({post["color"]["color"], invests["color"]["color"], located["color"]["color"]}) == 3
    assert invests["evidence"] is None and invests["title"] == "invests (投资)"
    # the relations legend shows the predicates drawn, with the same colour and dashes
    legend = re.search(r'<ul id="predicates">(.*?)</ul>', page, re.S).group(1)
    assert re.findall(r'class="en">(\w+)<', legend) == ["holdsPost", "invests", "partOf", "locatedIn"]
    assert f'stroke="{located["color"]["color"]}" stroke-width="2" stroke-dasharray' in legend


def test_focus_node_is_marked_and_opened():
    page = render_html(build(), title="t", focus=str(OFFICIAL))
    nodes = {n["label"]: n for n in embedded(page, "NODES")}
    assert embedded(page, "FOCUS") == nodes["刘文强"]["id"]
    assert nodes["刘文强"]["borderWidth"] > nodes["聊城市"].get("borderWidth", 1)
    assert not nodes["聊城市"].get("kgFocus")
    assert "if (FOCUS !== null) { network.selectNodes([FOCUS]); show(FOCUS); }" in page


def test_nodes_and_edges_are_styled(page):
    nodes = {n["label"]: n for n in embedded(page, "NODES")}
    assert nodes["聊城市"]["size"] > nodes["刘文强"]["size"] > nodes[HOSTILE]["size"]
    assert nodes["刘文强"]["shape"] != nodes["聊城市人民政府"]["shape"]
    assert nodes["刘文强"]["color"] != nodes["聊城市人民政府"]["color"]
    ids = {n["label"]: n["id"] for n in embedded(page, "NODES")}
    edges = {(e["from"], e["to"]): e for e in embedded(page, "EDGES")}
    located = edges[(ids["聊城市人民政府"], ids["聊城市"])]
    assert located["label"] == "位于" and "locatedIn" in located["title"]
    post = edges[(ids["刘文强"], ids["聊城市人民政府"])]
    assert post["label"] == "常务副市长" and "holdsPost" in post["title"] and "任职" in post["title"]
    assert len(edges) == 4


def test_layout_is_seeded_and_physics_stops(page):
    options = embedded(page, "OPTIONS")
    assert options["layout"]["randomSeed"] == html_export.RANDOM_SEED
    assert options["physics"]["stabilization"]["enabled"] is True
    assert options["nodes"]["font"]["face"] == html_export.FONT_STACK  # canvas labels use the CJK stack
    assert '"Noto Sans CJK SC", "Source Han Sans SC"' in html_export.FONT_STACK
    assert re.search(r'"stabilizationIterationsDone".*?setOptions\(\{physics: false\}\)', page, re.S)


def test_small_graphs_settle_in_the_browser_large_ones_come_laid_out(page):
    small_nodes = embedded(page, "NODES")
    assert all("x" not in n and "y" not in n for n in small_nodes)
    assert embedded(page, "OPTIONS")["physics"]["enabled"] is True

    big = large_graph(html_export.LARGE_GRAPH + 1)
    large = render_html(big, title="big")
    options = embedded(large, "OPTIONS")
    assert options["physics"]["enabled"] is False and options["edges"]["smooth"]["enabled"] is False
    # no hover highlight (each one redraws everything); tooltips still show
    assert options["interaction"]["hideEdgesOnDrag"] and options["interaction"]["hover"] is False
    assert options["interaction"]["tooltipDelay"] == 150
    assert options["nodes"]["font"]["face"] == html_export.FONT_STACK  # the rest of the options still apply
    edges = embedded(large, "EDGES")
    assert len(edges) == html_export.LARGE_GRAPH and not any(e["dashes"] for e in edges)  # solid: drawn faster
    assert "位于" in large and "stroke-dasharray" not in large  # ... and the legend says so
    nodes = embedded(large, "NODES")
    assert len(nodes) == html_export.LARGE_GRAPH + 1
    points = {(n["x"], n["y"]) for n in nodes}
    assert len(points) == len(nodes)  # every node placed, no two on the same spot
    # the page declares itself ready without waiting for a stabilisation that never comes
    assert "if (OPTIONS.physics.enabled === false || NODES.length === 0)" in large
    assert render_html(big, title="big") == large  # the layout is deterministic


def large_graph(n: int) -> Graph:
    """``n`` places, each (but the first) located in an earlier one: a tree, every node named."""
    g = Graph()
    for i in range(n):
        iri = ID[f"place/p{i}"]
        for row in entity(iri, KG.Place, f"地{i}", 1 + i % 5):
            g.add(row)
        if i:
            g.add((iri, KG.locatedIn, ID[f"place/p{(i - 1) // 3}"]))
    return g


def test_search_and_filter_controls(page):
    assert 'id="search"' in page and "network.focus(" in page and "selectNodes(" in page
    assert 'type="checkbox"' in page and "applyFilter" in page


def test_empty_graph_renders():
    page = render_html(Graph())
    assert embedded(page, "NODES") == [] and "data-type=" not in page


def test_write_html_writes_the_page(tmp_path):
    target = tmp_path / "graph.html"
    assert write_html(build(), target, title="t") == target
    assert target.read_bytes() == render_html(build(), title="t").encode("utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["graph.html"]


def test_write_html_leaves_old_file_when_rendering_fails(tmp_path, monkeypatch):
    target = tmp_path / "graph.html"
    target.write_text("old page", encoding="utf-8")

    def boom(*args, **kwargs):
        raise RuntimeError("render failed")

    monkeypatch.setattr(html_export, "render_html", boom)
    with pytest.raises(RuntimeError):
        write_html(build(), target)
    assert target.read_text(encoding="utf-8") == "old page"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.html"]


def test_write_html_leaves_old_file_when_replace_fails(tmp_path, monkeypatch):
    target = tmp_path / "graph.html"
    target.write_text("old page", encoding="utf-8")

    def refuse(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(html_export.os, "replace", refuse)
    with pytest.raises(OSError):
        write_html(build(), target)
    assert target.read_text(encoding="utf-8") == "old page"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.html"]  # temp file cleaned up
