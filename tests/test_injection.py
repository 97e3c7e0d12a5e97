"""Hostile names (markup, quotes, backslashes, SPARQL syntax, newlines) flow through every channel intact and
inert: lookup binds them as literals, Turtle round-trips them, the HTML page carries them escaped."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.namespace import SKOS

from kg.cli import main
from kg.export.html import _vis_assets, render_html
from kg.graph import build_graph, entity_iri
from kg.model import Article, Document, Evidence, Mention, Relation, Source
from kg.pipeline import serialize_turtle
from kg.resolve import resolve
from kg.store import card, find, load, run_query

# (type, name): every one must reach the graph exactly as written.
HOSTILE = [
    ("Enterprise", "<script>alert(1)</script>有限公司"),
    ("Programme", '"} ; DROP ALL #行动'),
    ("Programme", "“\\\"}; DROP ALL #”行动"),
    ("Enterprise", 'a\\b\\\\c\\"d\'e有限公司'),
    ("Organization", "第一行\n第二行协会"),
    ("Project", "'''x''' \"\"\"y\"\"\" 工程"),
    ("Event", "]]><!-- @@NODES@@ --></title></style>会议"),
    ("Enterprise", "\u2028分隔\u2029符&amp;有限公司"),
    ("Person", "${alert(1)}`x`"),
    ("Programme", "<img src=x onerror=alert(1)>"),
    ("Official", "王<b>明</b>"),
    ("Event", "@@EDGES@@ @@OPTIONS@@ @@FOCUS@@ @@PREDICATES@@ @@VIS_JS@@会议"),  # the page template's markers
]
TITLE = "副<i>市长</i>\\"
ORG = '"; DROP ALL; # 局'
HEADLINE = "</script><script>alert('headline')</script>"
SENTENCE = "</script><script>alert('evidence')</script>\u2028"
QUOTED_PAGE = (
    "本报讯（记者 王明）3月5日，市工信局启动“\"}; DROP ALL #”专项行动。市商务局开展“</script><b>x</b>”行动。"
    "市财政局实施“O'Neil\\”工程。市税务局开展“<!--x-->&amp;@@NODES@@”行动。\n"
)


def hostile_document() -> Document:
    """A page whose lines are the hostile names, with one mention per line and relations between them."""
    text = "\n".join(name for _, name in HOSTILE) + "\n" + TITLE + ORG + "\n"
    article = Article("p/1", "p.txt", 0, len(text), headline=HEADLINE, date="2023-03-05")
    mentions, pos = [], 0
    for typ, name in HOSTILE:
        mentions.append(Mention(typ, name, pos, pos + len(name), name, "test.v1", "p/1"))
        pos += len(name) + 1
    ev = Evidence("p/1", 0, len(HOSTILE[0][1]), SENTENCE)
    relations = [
        Relation(HOSTILE[0][1], "participatesIn", HOSTILE[1][1], ev, "test.v1", "Enterprise", "Programme"),
        Relation(HOSTILE[3][1], "participatesIn", HOSTILE[2][1], ev, "test.v1", "Enterprise", "Programme"),
        Relation("王<b>明</b>", "holdsPost", TITLE, ev, "test.v1", "Official", "",
                 (("org", ORG), ("org_type", "Agency"))),
    ]
    return Document(Source("p.txt", text, "utf-8"), [article], mentions, relations)


@pytest.fixture(scope="module")
def hostile():
    resolved = resolve([hostile_document()])
    graph = build_graph(resolved)
    return resolved, graph


def test_every_hostile_name_is_an_entity_as_written(hostile):
    resolved, _ = hostile
    names = {(e.type, e.name) for e in resolved.entities}
    assert set(HOSTILE) <= names
    official = next(e for e in resolved.entities if e.name == "王<b>明</b>")
    assert [(p.title, p.org) for p in official.posts] == [(TITLE, ORG)]


def test_turtle_round_trips_every_name(hostile, tmp_path):
    _, graph = hostile
    turtle = serialize_turtle(graph)
    back = Graph().parse(data=turtle.decode("utf-8"), format="turtle")
    assert len(back) == len(graph) and set(back) == set(graph)
    for typ, name in HOSTILE:
        assert (entity_iri(f"{_slug(typ)}/{name}"), SKOS.prefLabel, Literal(name, lang="zh")) in back
    path = tmp_path / "h.ttl"
    path.write_bytes(turtle)
    assert len(load(path)) == len(graph)  # and kg's own loader reads it


def test_kgs_own_turtle_writer_escapes_like_rdflib(hostile):
    """kg build writes its Turtle itself (kg.turtle: per-document blocks, merged): the same bytes as rdflib's
    serializer, so every hostile name is escaped exactly as rdflib escapes it."""
    from kg.graph import build_table
    from kg.pipeline import BuildReport, _graph
    from kg.turtle import Blocks, turtle_of_table

    resolved, graph = hostile
    expected = graph.serialize(format="turtle", encoding="utf-8")
    assert turtle_of_table(build_table(resolved)) == expected
    blocks, _ = _graph(resolved, jobs=1, cache_dir=None, report=BuildReport())
    assert isinstance(blocks, Blocks)  # the path kg build takes: fragments of blocks, merged
    assert serialize_turtle(blocks) == expected


def _slug(typ: str) -> str:
    from kg.resolve import TYPE_SLUG

    return TYPE_SLUG[typ]


def test_lookup_binds_names_as_literals(hostile):
    """SPARQL syntax in a name is a name: pasted into the query text, '"} ; DROP ALL #' would break it."""
    _, graph = hostile
    before = len(graph)
    for typ, name in HOSTILE:
        found = find(graph, name)
        assert found == [entity_iri(f"{_slug(typ)}/{name}")], name
        c = card(graph, found[0])
        assert (c.name, c.type) == (name, typ)
    assert find(graph, '"} ; DROP ALL #') == [entity_iri('programme/"} ; DROP ALL #行动')]  # a part of a name
    q = "SELECT ?e WHERE { ?e skos:prefLabel ?l FILTER(STR(?l) = ?q) }"
    for typ, name in HOSTILE:
        _, rows = run_query(graph, q, {"q": Literal(name)})
        assert [row[0] for row in rows] == [entity_iri(f"{_slug(typ)}/{name}")]
    assert len(graph) == before


def test_lookup_through_an_oxigraph_store(hostile, tmp_path):
    pytest.importorskip("pyoxigraph")
    from kg.oxistore import bulk_load
    from kg.store import open_store

    _, graph = hostile
    bulk_load(tmp_path / "s.oxi", serialize_turtle(graph))
    store = open_store(f"oxigraph:{tmp_path / 's.oxi'}")
    size = len(store)
    for typ, name in HOSTILE:
        assert find(store, name) == [entity_iri(f"{_slug(typ)}/{name}")], name
    assert find(store, '"} ; DROP ALL #') == [entity_iri('programme/"} ; DROP ALL #行动')]
    q = "SELECT ?e WHERE { ?e skos:prefLabel ?l FILTER(STR(?l) = ?q) }"
    _, rows = run_query(store, q, {"q": Literal(HOSTILE[1][1])})
    assert [row[0] for row in rows] == [entity_iri(f"programme/{HOSTILE[1][1]}")]
    assert len(store) == size


def test_query_output_carries_names_intact(hostile, tmp_path):
    """kg query's CSV quotes what needs quoting (quotes, newlines) and its JSON escapes it: every hostile name
    reads back exactly, one row each."""
    import csv
    import io

    _, graph = hostile
    path = tmp_path / "h.ttl"
    path.write_bytes(serialize_turtle(graph))
    q = "SELECT ?l WHERE { ?e a ?t ; skos:prefLabel ?l } ORDER BY ?l"
    runner = CliRunner()
    result = runner.invoke(main, ["query", q, "--graph", str(path), "--format", "csv"])
    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    assert rows[0] == ["l"] and all(len(row) == 1 for row in rows)
    assert {name for _, name in HOSTILE} <= {row[0] for row in rows[1:]}
    result = runner.invoke(main, ["query", q, "--graph", str(path), "--format", "json"])
    assert [r["l"] for r in json.loads(result.stdout)] == [row[0] for row in rows[1:]]


def _markup(page: str) -> str:
    """The page without vis-network's own script (which writes a "<script>" string of its own)."""
    js, _ = _vis_assets()
    assert page.count(js) == 1
    return page.replace(js, "")


def _script_value(page: str, var: str):
    m = re.search(rf"^  var {var} = (.*);$", page, re.M)
    assert m, var
    return json.loads(m.group(1))


def test_html_carries_names_escaped_and_intact(hostile):
    _, graph = hostile
    page = render_html(graph, title="<script>alert('title')</script> @@NODES@@")
    # markup appears only where the template puts it: two scripts, no comment, the title escaped
    assert _markup(page).count("<script") == 2 and _markup(page).count("</script") == 2
    assert "<!--" not in page and "\u2028" not in page and "\u2029" not in page
    # the page is filled in one pass: a marker in a name or the title is text, never filled in again
    assert "<title>&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt; @@NODES@@</title>" in page
    for _, name in HOSTILE + [(None, HEADLINE), (None, SENTENCE)]:
        if re.search(r"[<>&\u2028]", name):
            assert name not in page, name
    nodes = _script_value(page, "NODES")
    labels = {n["label"] for n in nodes}
    assert {name for _, name in HOSTILE} <= labels
    official = next(n for n in nodes if n["label"] == "王<b>明</b>")
    assert official["info"]["posts"][0][:2] == [TITLE, ORG]
    evidence = [ev for n in nodes for ev in n["info"]["evidence"]] + [e["evidence"] for e in
                                                                      _script_value(page, "EDGES")]
    assert any(ev and ev[1] == HEADLINE for ev in evidence)
    assert any(ev and ev[0] == SENTENCE.strip() for ev in evidence)


def test_a_page_with_hostile_quoted_programmes_through_the_cli(tmp_path, monkeypatch):
    """End to end: kg build on a real page, then lookup, query and the HTML page written next to the graph."""
    monkeypatch.chdir(tmp_path)
    Path("p.txt").write_text(QUOTED_PAGE, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["build", "p.txt", "--out", "g", "--city", "聊城", "--jobs", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    graph = load(Path("g/p.ttl"))
    programmes = {str(o) for s in graph.subjects(None, None) for o in graph.objects(s, SKOS.prefLabel)}
    expected = ["}; DROP ALL #", "</script><b>x</b>", "O'Neil\\", "<!--x-->&amp;@@NODES@@"]
    assert set(expected) <= programmes
    page = Path("g/p.html").read_text(encoding="utf-8")
    assert _markup(page).count("</script") == 2 and "<!--x-->" not in page and "<b>x</b>" not in page
    assert set(expected) <= {n["label"] for n in _script_value(page, "NODES")}
    for name in expected:
        result = runner.invoke(main, ["lookup", name, "--graph", "g/p.ttl"])
        assert result.exit_code == 0, (name, result.output)
        assert result.output.startswith(f"{name}  (Programme)\n")
    result = runner.invoke(main, ["lookup", "\"} ; DROP ALL #", "--graph", "g/p.ttl"])
    assert result.exit_code == 1 and result.stderr == "kg: no entity named '\"} ; DROP ALL #'\n"
    result = runner.invoke(main, ["query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--graph", "g/p.ttl",
                                  "--format", "csv"])
    assert result.output == f"n\n{len(graph)}\n"
    result = runner.invoke(main, ["viz", "</script><b>x</b>", "--graph", "g/p.ttl", "--out", "ego.html"])
    assert result.exit_code == 0, result.output
    ego = Path("ego.html").read_text(encoding="utf-8")
    assert _markup(ego).count("</script") == 2 and "<b>x</b>" not in ego
    assert "&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;" in ego  # the centre's name in the escaped title


# ---------------------------------------------------------------- offline: nothing reaches the network


class NetworkBlocked(AssertionError):
    pass


@pytest.fixture()
def no_network(monkeypatch):
    """Any socket, name lookup or connection raises NetworkBlocked."""
    import socket

    def refuse(*args, **kw):
        raise NetworkBlocked(f"network use: {args!r}")

    class Refused(socket.socket):
        def __init__(self, *args, **kw):
            refuse(*args)

    monkeypatch.setattr(socket, "socket", Refused)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "socketpair", "fromfd"):
        monkeypatch.setattr(socket, name, refuse)


def test_the_guard_catches_a_deliberate_network_call(no_network):
    import socket
    import urllib.request

    with pytest.raises(NetworkBlocked):
        urllib.request.urlopen("http://example.com/", timeout=5)
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("192.0.2.1", 80), timeout=5)
    with pytest.raises(NetworkBlocked):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)


def test_build_query_validate_and_html_work_offline(no_network, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    page = QUOTED_PAGE + "市委常委、副市长赵刚出席会议。临沂远航电子科技有限公司参加。\n"
    Path("p.txt").write_text(page, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["build", "p.txt", "--city", "聊城", "--jobs", "1", "--quiet"])
    assert result.exit_code == 0, (result.output, result.exception)
    for args in (["lookup", "赵刚"], ["stats"], ["validate"], ["viz", "赵刚"], ["export", "--out", "-"],
                 ["query", "SELECT ?n WHERE { ?o a kg:Official ; skos:prefLabel ?n }"]):
        result = runner.invoke(main, args)
        assert not isinstance(result.exception, NetworkBlocked), args
        assert result.exit_code == 0, (args, result.output)
    for page in (Path("graphs/p.html"), Path("graphs/p-赵刚.html")):
        html = page.read_text(encoding="utf-8")
        # nothing for a browser to fetch either: no remote script, style, image or font
        assert not re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|@import|url\(\s*["']?(?:https?:)?//""",
                              html, re.I)
