"""One self-contained, offline HTML page showing a kg graph as an interactive network.

pyvis builds the node/edge records and the vis-network options; the page itself is our own template because
pyvis 0.3.2's pages link Bootstrap/vis from CDNs, escape Chinese as ``\\uXXXX`` and lay out randomly. Here the
vis-network script shipped inside pyvis is inlined, data is embedded as JSON that cannot close its <script>,
tooltips are plain text (vis-network 9 shows string titles with innerText, never as markup), the side panel
opened by a click is built with textContent only, and the output is byte-identical for the same graph. Small
graphs settle with vis-network's physics, then freeze; past LARGE_GRAPH nodes the positions are computed here
(kg.export.layout) and the page draws them at once. The page sets ``window.kgReady`` when the network is on
screen and takes input (the browser test and bench/viz_bench.py wait for it).
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import tempfile
from pathlib import Path

import networkx as nx
import pyvis
from pyvis.edge import Edge
from pyvis.network import Network
from pyvis.node import Node
from rdflib import Graph

from kg.export.layout import layout
from kg.export.network import Evidence, Post, network_view
from kg.vocab import TYPE_CLASS

FONT_STACK = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
    '"WenQuanYi Zen Hei", sans-serif'
)
RANDOM_SEED = 20240601
VIS_DIR = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"

# type -> (zh name, colour, vis shape, legend glyph). Shapes that honour `size`, so size can show mentions.
TYPE_STYLE = {
    "Official": ("官员", "#d62728", "star", "★"),
    "Person": ("人物", "#ff7f0e", "dot", "●"),
    "Journalist": ("记者", "#8c564b", "triangleDown", "▼"),
    "Agency": ("政府机关", "#1f77b4", "square", "■"),
    "Enterprise": ("企业", "#2ca02c", "diamond", "◆"),
    "Organization": ("组织", "#17becf", "hexagon", "⬢"),
    "Programme": ("计划", "#9467bd", "triangle", "▲"),
    "Place": ("地点", "#7f7f7f", "dot", "●"),
    "Project": ("项目", "#bcbd22", "square", "■"),
    "Event": ("活动", "#e377c2", "diamond", "◆"),
}
assert set(TYPE_STYLE) == set(TYPE_CLASS)

# predicate -> (zh name, colour, dashed). One colour per family: posts and jobs, activities, money and honours,
# structure (dashed: where a thing is or what it belongs to, not something it does), authorship.
PREDICATE_STYLE = {
    "holdsPost": ("任职", "#c0392b", False),
    "worksFor": ("就职于", "#c0392b", False),
    "runs": ("主办/负责", "#2f6db5", False),
    "participatesIn": ("参与", "#2f6db5", False),
    "attended": ("出席", "#2f6db5", False),
    "invests": ("投资", "#2e8b57", False),
    "awarded": ("获评", "#2e8b57", False),
    "partOf": ("隶属", "#8a8a8a", True),
    "locatedIn": ("位于", "#8a8a8a", True),
    "aliasOf": ("别名", "#8a8a8a", True),
    "authored": ("撰写", "#8c564b", False),
}
PREDICATE_ZH = {name: style[0] for name, style in PREDICATE_STYLE.items()}
DASHES = [6, 4]

OPTIONS = {
    "layout": {"randomSeed": RANDOM_SEED, "improvedLayout": False},
    "physics": {
        "enabled": True,
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 120, "avoidOverlap": 0.4},
        "stabilization": {"enabled": True, "iterations": 600, "updateInterval": 25, "fit": True},
    },
    "nodes": {"font": {"face": FONT_STACK, "size": 14}, "borderWidth": 1},
    "edges": {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
        "color": {"color": "#9aa5b1", "highlight": "#333333", "hover": "#333333", "inherit": False},
        "font": {"face": FONT_STACK, "size": 10, "align": "middle", "color": "#555555"},
        "smooth": {"enabled": True, "type": "continuous"},
    },
    "interaction": {"hover": True, "tooltipDelay": 150},
}
# Beyond LARGE_GRAPH nodes the browser's physics takes minutes (1,000 nodes: about 100 s to settle); the layout is
# computed here instead, physics stays off, and edges are drawn straight, solid, and hidden while dragging
# or zooming.
LARGE_OPTIONS = {
    "physics": {"enabled": False},
    "edges": {"smooth": {"enabled": False}},
    "interaction": {"hideEdgesOnDrag": True, "hideEdgesOnZoom": True, "hover": False},
}

MAX_SENTENCE = 160
LARGE_GRAPH = 800


def _node_size(mentions: int) -> float:
    """Grows with the log of mentions, so a few very frequent names do not swamp the picture."""
    return round(min(12 + 6 * math.log2(1 + max(mentions, 0)), 48), 2)


def _clip(text: str, limit: int = MAX_SENTENCE) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _post_line(post: Post) -> str:
    return " ".join(filter(None, (post.org, post.title))) + (f"（{post.date}）" if post.date else "")


def _source(ev: Evidence) -> str:
    return " ".join(part for part in (f"《{ev.headline}》" if ev.headline else "", ev.date) if part)


def _tooltip(attrs: dict) -> str:
    """Plain-text tooltip (shown by vis-network with innerText, so names cannot become markup)."""
    zh = TYPE_STYLE[attrs["type"]][0]
    lines = [attrs["label"], f"类型: {zh} ({attrs['type']})"]
    if attrs["aliases"]:
        lines.append("别名: " + "、".join(attrs["aliases"]))
    if attrs["posts"]:
        lines.append("职务:")
        lines.extend("  · " + _post_line(post) for post in attrs["posts"])
    lines.append(f"提及: {attrs['mentions']} 次")
    if attrs["evidence"]:
        lines.append("证据:")
        for ev in attrs["evidence"]:
            lines.append(f"  「{_clip(ev.sentence)}」")
            if _source(ev):
                lines.append(f"    —— {_source(ev)}")
    lines.append("（点击查看详情）")
    return "\n".join(lines)


def _edge_tooltip(predicate: str, post_title: str, ev: Evidence | None) -> str:
    """English predicate on hover (the Chinese one is the edge's label), then the evidence sentence."""
    zh = PREDICATE_ZH.get(predicate, predicate)
    lines = [f"{predicate} ({zh})" + (f": {post_title}" if post_title else "")]
    if ev is not None:
        lines.append(f"「{_clip(ev.sentence)}」")
        if _source(ev):
            lines.append(f"—— {_source(ev)}")
    return "\n".join(lines)


def _evidence_record(ev: Evidence | None) -> list[str] | None:
    return None if ev is None else [_clip(ev.sentence), ev.headline, ev.date]


def build_network(view: Graph | nx.MultiDiGraph, focus: str | None = None) -> Network:
    """The pyvis network (directed: pyvis's undirected add_edge is quadratic) with our options.

    ``view`` is an RDF graph or a view made by kg.export.network; ``focus`` is the IRI of a node to emphasise.
    Records are appended through pyvis's own Node/Edge classes instead of add_node/add_edge, whose
    membership checks scan lists and make large graphs quadratic. Node ids are their rank in IRI order,
    so the page carries no IRIs and ids do not depend on insertion order. Past LARGE_GRAPH nodes every node
    carries x/y from kg.export.layout and physics is off.
    """
    if not isinstance(view, nx.MultiDiGraph):  # an RDF graph, or a kg.graph.Table
        view = network_view(view)
    net = Network(directed=True, height="100%", width="100%", cdn_resources="in_line")
    order = sorted(view.nodes)
    ids = {iri: i for i, iri in enumerate(order)}
    rows = sorted((ids[s], ids[o], data["predicate"], data["title"], data.get("evidence"))
                  for s, o, data in view.edges(data=True))
    positions = {}
    if len(order) > LARGE_GRAPH:
        # by type, then most mentioned, then name: isolated nodes fill their grid in this order
        rank = {name: i for i, name in enumerate(TYPE_STYLE)}
        by_weight = sorted(order, key=lambda iri: (rank[view.nodes[iri]["type"]], -view.nodes[iri]["mentions"],
                                                   view.nodes[iri]["label"], iri))
        positions = layout([ids[iri] for iri in by_weight], [(s, o) for s, o, *_ in rows])
    for iri in order:
        attrs = view.nodes[iri]
        zh, colour, shape, _ = TYPE_STYLE[attrs["type"]]
        extra: dict = {"color": colour}
        if ids[iri] in positions:
            extra["x"], extra["y"] = positions[ids[iri]]
        if iri == focus:
            ring = {"background": colour, "border": "#111111"}
            extra.update(color=dict(ring, highlight=ring, hover=ring), borderWidth=4, kgFocus=True)
        node = Node(
            ids[iri],
            shape,
            label=attrs["label"],
            size=_node_size(attrs["mentions"]),
            title=_tooltip(attrs),
            kgType=attrs["type"],
            aliases=list(attrs["aliases"]),
            info={
                "type": f"{zh} {attrs['type']}",
                "mentions": attrs["mentions"],
                "posts": [[post.title, post.org, post.date] for post in attrs["posts"]],
                "evidence": [_evidence_record(ev) for ev in attrs["evidence"]],
            },
            **extra,
        )
        net.nodes.append(node.options)
        net.node_ids.append(ids[iri])
        net.node_map[ids[iri]] = node.options
    for s, o, predicate, post_title, ev in rows:
        zh, colour, dashed = PREDICATE_STYLE.get(predicate, (predicate, "#9aa5b1", False))
        # dashed lines cost about half of a large graph's drawing time: there the colour alone tells the family
        edge = Edge(s, o, directed=True, label=post_title or zh, title=_edge_tooltip(predicate, post_title, ev),
                    predicate=predicate, color={"color": colour, "highlight": "#222222", "hover": "#222222"},
                    dashes=DASHES if dashed and not positions else False, evidence=_evidence_record(ev))
        net.edges.append(edge.options)
    options = json.loads(json.dumps(OPTIONS))
    if positions:
        for key, value in LARGE_OPTIONS.items():
            options[key].update(value)
    # not net.set_options(): pyvis strips every space from the JSON, mangling the font names
    net.options = options
    return net


def _script_json(value) -> str:
    """JSON safe inside <script>: no '<', '>' or '&' (so no '</script>' or '<!--'), no raw U+2028/2029."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def _vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS from the pyvis package, minus the source-map hint a browser would fetch."""
    js = (VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8")
    css = (VIS_DIR / "vis-network.css").read_text(encoding="utf-8")
    js = re.sub(r"^//# sourceMappingURL=.*$", "", js, flags=re.M).replace("</script", "<\\/script")
    css = re.sub(r"/\*# sourceMappingURL=.*?\*/", "", css).replace("</style", "<\\/style")
    return js, css


def _legend(nodes: list[dict]) -> str:
    """Legend and type filter in one: a checkbox per type present, with its colour, glyph and count."""
    counts: dict[str, int] = {}
    for node in nodes:
        counts[node["kgType"]] = counts.get(node["kgType"], 0) + 1
    items = []
    for name, (zh, colour, _, glyph) in TYPE_STYLE.items():
        if name in counts:
            items.append(
                f'<label class="kind"><input type="checkbox" checked data-type="{html.escape(name)}"> '
                f'<span class="glyph" style="color:{colour}">{glyph}</span> {html.escape(zh)} '
                f'<span class="en">{html.escape(name)}</span> '
                f'<span class="count">{counts[name]}</span></label>'
            )
    return "\n".join(items) or '<p class="empty">（空图）</p>'


def _relations_legend(edges: list[dict]) -> str:
    """A line sample (colour, dashes) with the Chinese and English name of each predicate drawn."""
    drawn = {}
    for edge in edges:
        drawn.setdefault(edge["predicate"], edge)
    items = []
    for name, (zh, colour, _) in PREDICATE_STYLE.items():
        if name in drawn:
            dash = ' stroke-dasharray="6,4"' if drawn[name]["dashes"] else ""
            items.append(
                f'<li><svg class="line" width="28" height="8" aria-hidden="true"><line x1="0" y1="4" x2="28" y2="4" '
                f'stroke="{colour}" stroke-width="2"{dash}/></svg> {html.escape(zh)} <span class="en">{name}</span>'
                f"</li>"
            )
    return "".join(items)


def render_html(graph: Graph | nx.MultiDiGraph, title: str = "kg", focus: str | None = None) -> str:
    """The whole page as a string; the same graph always gives the same bytes.

    ``graph`` is an RDF graph or a view from kg.export.network (e.g. an ego network); ``focus`` is the IRI of
    the node to select and describe when the page opens.
    """
    net = build_network(graph, focus=focus)
    nodes, edges, _, _, _, options = net.get_network_data()
    js, css = _vis_assets()
    focus_id = next((node["id"] for node in nodes if node.get("kgFocus")), None)
    parts = {
        "TITLE": html.escape(title),
        "FONTS": FONT_STACK,
        "VIS_CSS": css,
        "VIS_JS": js,
        "LEGEND": _legend(nodes),
        "NODES": _script_json(nodes),
        "EDGES": _script_json(edges),
        "OPTIONS": _script_json(json.loads(options)),
        "FOCUS": _script_json(focus_id),
        "PREDICATES": _relations_legend(edges),
    }
    # One pass, so text substituted in is never scanned for markers again.
    return re.sub(r"@@([A-Z_]+)@@", lambda m: parts[m.group(1)], _TEMPLATE)


def write_html(graph: Graph, path: str | os.PathLike, title: str = "kg") -> Path:
    """Render, then replace ``path`` atomically: readers see the old page or the new one, never half."""
    page = render_html(graph, title).encode("utf-8")  # may raise: nothing on disk has been touched yet
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(page)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:  # make the rename itself durable; not possible on every platform
        dir_fd = os.open(target.parent, os.O_RDONLY)
    except OSError:
        return target
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
    return target


_TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@@TITLE@@</title>
<style>@@VIS_CSS@@</style>
<style>
html, body { height: 100%; margin: 0; }
body { font-family: @@FONTS@@; color: #222; display: flex; flex-direction: column; }
header { display: flex; align-items: center; gap: 12px; padding: 6px 12px; border-bottom: 1px solid #ddd; }
header h1 { font-size: 18px; margin: 0; font-weight: 600; }
header input, header button { font-family: inherit; font-size: 14px; }
#search { width: 18em; }
#status { color: #666; font-size: 13px; }
main { flex: 1; display: flex; min-height: 0; position: relative; }
#mynetwork { flex: 1; position: relative; min-width: 0; }
aside { width: 210px; overflow: auto; border-left: 1px solid #ddd; padding: 8px 10px; font-size: 14px; }
aside h2 { font-size: 14px; margin: 6px 0; }
aside ul { list-style: none; padding: 0; margin: 0; }
label.kind { display: block; margin: 3px 0; cursor: pointer; }
.glyph { display: inline-block; width: 1.1em; text-align: center; }
svg.line { vertical-align: middle; }
.en, .count { color: #888; font-size: 12px; }
div.vis-tooltip { font-family: @@FONTS@@; white-space: pre-wrap; max-width: 440px; font-size: 13px;
  line-height: 1.5; }
#panel { position: absolute; top: 8px; left: 8px; width: 340px; max-height: calc(100% - 16px); overflow: auto;
  background: #fff; border: 1px solid #ccc; border-radius: 4px; box-shadow: 0 2px 8px rgba(0, 0, 0, .15);
  padding: 8px 12px; font-size: 13px; line-height: 1.5; z-index: 5; }
#panel h2 { font-size: 17px; margin: 0 24px 2px 0; }
#panel h3 { font-size: 13px; margin: 10px 0 2px; color: #555; }
#panel p, #panel ul { margin: 0; }
#panel ul { padding-left: 1.2em; }
#panel .meta { color: #666; }
#panel blockquote { margin: 4px 0 6px; padding-left: 8px; border-left: 3px solid #ddd; }
#panel cite { display: block; color: #777; font-style: normal; font-size: 12px; }
#panel button.jump { font: inherit; border: 0; padding: 0; background: none; color: #1f5fa8; cursor: pointer;
  text-decoration: underline; }
#close { position: absolute; top: 4px; right: 6px; border: 0; background: none; font-size: 18px; cursor: pointer; }
</style>
</head>
<body>
<header>
<h1>@@TITLE@@</h1>
<input id="search" type="search" list="names" autocomplete="off"
  placeholder="搜索名称或别名 / search name or alias">
<datalist id="names"></datalist>
<button id="go" type="button">定位</button>
<span id="status">布局计算中…</span>
</header>
<main>
<div id="mynetwork"></div>
<section id="panel" hidden>
<button id="close" type="button" title="关闭 close">×</button>
<div id="panel-body"></div>
</section>
<aside>
<h2>类型 Types</h2>
<div id="legend">
@@LEGEND@@
</div>
<h2>关系 Relations</h2>
<ul id="predicates">@@PREDICATES@@</ul>
</aside>
</main>
<script>@@VIS_JS@@</script>
<script>
(function () {
  "use strict";
  var NODES = @@NODES@@;
  var EDGES = @@EDGES@@;
  var OPTIONS = @@OPTIONS@@;
  var FOCUS = @@FOCUS@@;
  var nodes = new vis.DataSet(NODES);
  var edges = new vis.DataSet(EDGES);
  var network = new vis.Network(document.getElementById("mynetwork"), {nodes: nodes, edges: edges}, OPTIONS);
  window.kgNetwork = network;
  window.kgNodes = nodes;
  var status = document.getElementById("status");
  var panel = document.getElementById("panel");
  var summary = NODES.length + " 个实体 · " + EDGES.length + " 条关系";
  var byId = {};
  var links = {};
  NODES.forEach(function (n) { byId[n.id] = n; });
  EDGES.forEach(function (e) {
    (links[e.from] = links[e.from] || []).push({edge: e, other: e.to, out: true});
    (links[e.to] = links[e.to] || []).push({edge: e, other: e.from, out: false});
  });

  // kgReady: the network is laid out, drawn, on screen (a frame has passed) and the page takes input again.
  function ready() {
    network.once("afterDrawing", function () {
      status.textContent = summary;
      if (FOCUS !== null) { network.selectNodes([FOCUS]); show(FOCUS); }
      requestAnimationFrame(function () {
        setTimeout(function () {
          window.kgReadyAt = performance.now();
          window.kgReady = true;
        }, 0);
      });
    });
    network.redraw();
  }
  if (OPTIONS.physics.enabled === false || NODES.length === 0) {
    network.fit();
    ready();
  } else {
    network.on("stabilizationProgress", function (p) {
      status.textContent = "布局计算中 " + Math.round(100 * p.iterations / p.total) + "%";
    });
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: false});
      ready();
    });
  }

  var boxes = document.querySelectorAll("#legend input[data-type]");
  function applyFilter() {
    var shown = {};
    for (var i = 0; i < boxes.length; i++) { shown[boxes[i].getAttribute("data-type")] = boxes[i].checked; }
    nodes.update(NODES.map(function (n) { return {id: n.id, hidden: !shown[n.kgType]}; }));
  }
  for (var i = 0; i < boxes.length; i++) { boxes[i].addEventListener("change", applyFilter); }

  // The side panel: built with textContent only, so no name or sentence can become markup.
  function add(parent, tag, text, cls) {
    var el = document.createElement(tag);
    if (text !== undefined && text !== null) { el.textContent = text; }
    if (cls) { el.className = cls; }
    parent.appendChild(el);
    return el;
  }
  function evidence(parent, ev) {
    var quote = add(parent, "blockquote", "「" + ev[0] + "」");
    var source = [ev[1] ? "《" + ev[1] + "》" : "", ev[2]].filter(Boolean).join(" ");
    if (source) { add(quote, "cite", "—— " + source); }
  }
  function show(id) {
    var n = byId[id];
    if (!n) { return; }
    var body = document.getElementById("panel-body");
    body.textContent = "";
    add(body, "h2", n.label);
    add(body, "p", n.info.type + " · 提及 " + n.info.mentions + " 次", "meta");
    if (n.aliases.length) {
      add(body, "h3", "别名 Aliases");
      add(body, "p", n.aliases.join("、"));
    }
    if (n.info.posts.length) {
      add(body, "h3", "职务 Posts");
      var posts = add(body, "ul");
      n.info.posts.forEach(function (p) {
        add(posts, "li", [p[1], p[0]].filter(Boolean).join(" ") + (p[2] ? "（" + p[2] + "）" : ""));
      });
    }
    var rel = links[id] || [];
    if (rel.length) {
      add(body, "h3", "关系 Relations (" + rel.length + ")");
      var list = add(body, "ul");
      rel.forEach(function (r) {
        var li = add(list, "li");
        add(li, "span", (r.out ? "→ " : "← ") + r.edge.label + " ").title = r.edge.predicate;
        var link = add(li, "button", byId[r.other].label, "jump");
        link.type = "button";
        link.addEventListener("click", function () { jump(r.other); });
        if (r.edge.evidence) { evidence(li, r.edge.evidence); }
      });
    }
    if (n.info.evidence.length) {
      add(body, "h3", "证据 Evidence");
      n.info.evidence.forEach(function (ev) { evidence(body, ev); });
    }
    panel.hidden = false;
  }
  function hide() { panel.hidden = true; }
  document.getElementById("close").addEventListener("click", hide);
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") { hide(); } });
  network.on("click", function (p) {
    if (p.nodes.length) { show(p.nodes[0]); } else if (!p.edges.length) { hide(); }
  });

  function jump(id) {
    var node = nodes.get(id);
    if (node.hidden) {
      for (var i = 0; i < boxes.length; i++) {
        if (boxes[i].getAttribute("data-type") === node.kgType) { boxes[i].checked = true; }
      }
      applyFilter();
    }
    network.selectNodes([id]);
    network.focus(id, {scale: 1.3, animation: {duration: 400}});
    status.textContent = node.label;
    show(id);
  }

  var names = [];
  var datalist = document.getElementById("names");
  NODES.forEach(function (n) {
    [n.label].concat(n.aliases).forEach(function (name) {
      names.push({key: name.toLowerCase(), id: n.id});
      var option = document.createElement("option");
      option.value = name;
      datalist.appendChild(option);
    });
  });
  function find(query) {
    var q = query.trim().toLowerCase();
    if (!q) { return null; }
    for (var i = 0; i < names.length; i++) { if (names[i].key === q) { return names[i].id; } }
    for (var j = 0; j < names.length; j++) { if (names[j].key.indexOf(q) >= 0) { return names[j].id; } }
    return null;
  }
  function search() {
    var input = document.getElementById("search");
    var id = find(input.value);
    if (id === null) { status.textContent = "未找到: " + input.value; return; }
    jump(id);
  }
  document.getElementById("go").addEventListener("click", search);
  document.getElementById("search").addEventListener("keydown", function (e) {
    if (e.key === "Enter") { search(); }
  });
})();
</script>
</body>
</html>
"""
