"""One self-contained, offline HTML page showing a kg graph as an interactive network.

pyvis builds the node/edge records and the vis-network options; the page itself is our own template because
pyvis 0.3.2's pages link Bootstrap/vis from CDNs, escape Chinese as ``\\uXXXX`` and lay out randomly. Here the
vis-network script shipped inside pyvis is inlined, data is embedded as JSON that cannot close its <script>,
tooltips are plain text (vis-network 9 shows string titles with innerText, never as markup), and the
output is byte-identical for the same graph.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import tempfile
from pathlib import Path

import pyvis
from pyvis.edge import Edge
from pyvis.network import Network
from pyvis.node import Node
from rdflib import Graph

from kg.export.network import network_view
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

PREDICATE_ZH = {
    "holdsPost": "任职",
    "worksFor": "就职于",
    "runs": "主办/负责",
    "participatesIn": "参与",
    "attended": "出席",
    "locatedIn": "位于",
    "invests": "投资",
    "partOf": "隶属",
    "aliasOf": "别名",
    "authored": "撰写",
    "awarded": "获评",
}

OPTIONS = {
    "layout": {"randomSeed": RANDOM_SEED},
    "physics": {
        "enabled": True,
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 120, "avoidOverlap": 0.4},
        "stabilization": {"enabled": True, "iterations": 600, "updateInterval": 25, "fit": True},
    },
    "nodes": {"font": {"face": FONT_STACK, "size": 14}, "borderWidth": 1},
    "edges": {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
        "color": {"color": "#9aa5b1", "highlight": "#333333", "hover": "#333333"},
        "font": {"face": FONT_STACK, "size": 10, "align": "middle", "color": "#555555"},
        "smooth": {"enabled": True, "type": "continuous"},
    },
    "interaction": {"hover": True, "tooltipDelay": 150},
}

MAX_SENTENCE = 160


def _node_size(mentions: int) -> float:
    """Grows with the log of mentions, so a few very frequent names do not swamp the picture."""
    return round(min(12 + 6 * math.log2(1 + max(mentions, 0)), 48), 2)


def _clip(text: str, limit: int = MAX_SENTENCE) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _tooltip(attrs: dict) -> str:
    """Plain-text tooltip (shown by vis-network with innerText, so names cannot become markup)."""
    zh = TYPE_STYLE[attrs["type"]][0]
    lines = [attrs["label"], f"类型: {zh} ({attrs['type']})"]
    if attrs["aliases"]:
        lines.append("别名: " + "、".join(attrs["aliases"]))
    if attrs["posts"]:
        lines.append("职务:")
        lines.extend("  · " + " ".join(filter(None, (post.org, post.title))) for post in attrs["posts"])
    lines.append(f"提及: {attrs['mentions']} 次")
    if attrs["evidence"]:
        lines.append("证据:")
        for ev in attrs["evidence"]:
            lines.append(f"  「{_clip(ev.sentence)}」")
            source = " ".join(part for part in (f"《{ev.headline}》" if ev.headline else "", ev.date) if part)
            if source:
                lines.append(f"    —— {source}")
    return "\n".join(lines)


def build_network(graph: Graph) -> Network:
    """The pyvis network (directed: pyvis's undirected add_edge is quadratic) with our options.

    Records are appended through pyvis's own Node/Edge classes instead of add_node/add_edge, whose
    membership checks scan lists and make large graphs quadratic. Node ids are their rank in IRI order,
    so the page carries no IRIs and ids do not depend on insertion order.
    """
    view = network_view(graph)
    net = Network(directed=True, height="100%", width="100%", cdn_resources="in_line")
    ids = {iri: i for i, iri in enumerate(sorted(view.nodes))}
    for iri in sorted(view.nodes):
        attrs = view.nodes[iri]
        zh, colour, shape, _ = TYPE_STYLE[attrs["type"]]
        node = Node(
            ids[iri],
            shape,
            label=attrs["label"],
            color=colour,
            size=_node_size(attrs["mentions"]),
            title=_tooltip(attrs),
            kgType=attrs["type"],
            aliases=list(attrs["aliases"]),
        )
        net.nodes.append(node.options)
        net.node_ids.append(ids[iri])
        net.node_map[ids[iri]] = node.options
    rows = sorted((ids[s], ids[o], data["predicate"], data["title"]) for s, o, data in view.edges(data=True))
    for s, o, predicate, post_title in rows:
        zh = PREDICATE_ZH.get(predicate, predicate)
        hover = f"{predicate} ({zh})" + (f": {post_title}" if post_title else "")
        edge = Edge(s, o, directed=True, label=post_title or zh, title=hover, predicate=predicate)
        net.edges.append(edge.options)
    # not net.set_options(): pyvis strips every space from the JSON, mangling the font names
    net.options = json.loads(json.dumps(OPTIONS))
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


def render_html(graph: Graph, title: str = "kg") -> str:
    """The whole page as a string; the same graph always gives the same bytes."""
    net = build_network(graph)
    nodes, edges, _, _, _, options = net.get_network_data()
    js, css = _vis_assets()
    parts = {
        "TITLE": html.escape(title),
        "FONTS": FONT_STACK,
        "VIS_CSS": css,
        "VIS_JS": js,
        "LEGEND": _legend(nodes),
        "NODES": _script_json(nodes),
        "EDGES": _script_json(edges),
        "OPTIONS": _script_json(json.loads(options)),
        "PREDICATES": "".join(
            f'<li>{html.escape(zh)} <span class="en">{name}</span></li>' for name, zh in PREDICATE_ZH.items()
        ),
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
main { flex: 1; display: flex; min-height: 0; }
#mynetwork { flex: 1; position: relative; min-width: 0; }
aside { width: 210px; overflow: auto; border-left: 1px solid #ddd; padding: 8px 10px; font-size: 14px; }
aside h2 { font-size: 14px; margin: 6px 0; }
aside ul { list-style: none; padding: 0; margin: 0; }
label.kind { display: block; margin: 3px 0; cursor: pointer; }
.glyph { display: inline-block; width: 1.1em; text-align: center; }
.en, .count { color: #888; font-size: 12px; }
div.vis-tooltip { font-family: @@FONTS@@; white-space: pre-wrap; max-width: 440px; font-size: 13px;
  line-height: 1.5; }
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
<aside>
<h2>类型 Types</h2>
<div id="legend">
@@LEGEND@@
</div>
<h2>关系 Relations</h2>
<ul>@@PREDICATES@@</ul>
</aside>
</main>
<script>@@VIS_JS@@</script>
<script>
(function () {
  "use strict";
  var NODES = @@NODES@@;
  var EDGES = @@EDGES@@;
  var OPTIONS = @@OPTIONS@@;
  var nodes = new vis.DataSet(NODES);
  var edges = new vis.DataSet(EDGES);
  var network = new vis.Network(document.getElementById("mynetwork"), {nodes: nodes, edges: edges}, OPTIONS);
  var status = document.getElementById("status");
  var summary = NODES.length + " 个实体 · " + EDGES.length + " 条关系";
  if (NODES.length === 0) { status.textContent = summary; }
  network.on("stabilizationProgress", function (p) {
    status.textContent = "布局计算中 " + Math.round(100 * p.iterations / p.total) + "%";
  });
  network.on("stabilizationIterationsDone", function () {
    network.setOptions({physics: false});
    status.textContent = summary;
  });

  var boxes = document.querySelectorAll("#legend input[data-type]");
  function applyFilter() {
    var shown = {};
    for (var i = 0; i < boxes.length; i++) { shown[boxes[i].getAttribute("data-type")] = boxes[i].checked; }
    nodes.update(NODES.map(function (n) { return {id: n.id, hidden: !shown[n.kgType]}; }));
  }
  for (var i = 0; i < boxes.length; i++) { boxes[i].addEventListener("change", applyFilter); }

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
