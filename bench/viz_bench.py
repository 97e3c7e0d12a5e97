"""How long the HTML network of a 5,000-entity graph takes to become usable in a browser.

    python bench/viz_bench.py [--nodes 5000] [--runs 3] [--seed 7]

Builds a synthetic graph in kg's RDF layout (docs/rdf-layout.md: entities with labels, aliases, mention counts,
mentions with evidence sentences and articles, officials' posts with dated assertions, relations), renders it with
kg.export.html, opens the page in headless Chromium (Debian's chromium + chromedriver, driven by selenium) and
measures open-to-stable: from navigation start to the moment the page sets ``window.kgReady`` (the network is
drawn, on screen, and takes input), then how long a search takes until the selected node is drawn. Prints a table
and writes bench/out/viz.json. Needs /usr/bin/chromium, /usr/bin/chromedriver and ``pip install selenium``.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.export.html import LARGE_GRAPH, render_html  # noqa: E402
from kg.vocab import KG, ORG, PREDICATE_TERM, PROV, SCHEMA, TYPE_CLASS  # noqa: E402

ID = Namespace("https://w3id.org/kgcn/id/")
OUT = ROOT / "bench" / "out"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
         "--disable-sync --no-first-run --disable-quic --window-size=1400,900").split()

# share of each type among 5,000 entities, roughly as in the seed pages
MIX = {"Official": 0.08, "Person": 0.04, "Journalist": 0.10, "Agency": 0.19, "Enterprise": 0.12,
       "Organization": 0.07, "Programme": 0.20, "Place": 0.06, "Project": 0.05, "Event": 0.09}
SYLLABLES = "安宝昌德东方丰福广海和华嘉建江金锦康乐利林隆明宁平启庆瑞山盛顺泰天通文祥新兴鑫阳怡永裕源远振正志中"
SUFFIX = {"Official": "", "Person": "", "Journalist": "", "Agency": "局", "Enterprise": "有限公司",
          "Organization": "协会", "Programme": "行动", "Place": "镇", "Project": "项目", "Event": "推进会"}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
TITLES = ("局长", "副局长", "主任", "副主任", "书记", "副书记", "县长", "副县长", "科长")


def zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def synthetic_graph(n: int = 5000, seed: int = 7) -> Graph:
    """``n`` entities with mentions, evidence, posts and relations, in kg's RDF layout; same seed, same graph."""
    rng = random.Random(seed)
    g = Graph()
    names: dict[str, list] = {t: [] for t in MIX}
    used: set[str] = set()
    types = [t for t, share in MIX.items() for _ in range(round(share * n))][:n]
    while len(types) < n:
        types.append("Programme")
    for i, kind in enumerate(types):
        while True:
            if kind in ("Official", "Person", "Journalist"):
                name = rng.choice(SURNAMES) + "".join(rng.choices(SYLLABLES, k=rng.choice((1, 2))))
            else:
                name = "".join(rng.choices(SYLLABLES, k=rng.choice((2, 3, 4)))) + SUFFIX[kind]
            if name not in used:
                used.add(name)
                break
        iri = ID[f"{kind.lower()}/{name}"]
        names[kind].append(iri)
        count = max(1, int(rng.paretovariate(1.3)))
        g.add((iri, RDF.type, TYPE_CLASS[kind]))
        g.add((iri, SKOS.prefLabel, zh(name)))
        g.add((iri, RDFS.label, zh(name)))
        g.add((iri, KG.mentionCount, Literal(count, datatype=XSD.integer)))
        if kind in ("Agency", "Enterprise") and rng.random() < 0.3:
            g.add((iri, SKOS.altLabel, zh(name[:2] + SUFFIX[kind])))
        for k in range(min(count, 3)):
            article = ID[f"article/synthetic_{rng.randrange(n // 2):05d}/{rng.randrange(1, 6)}"]
            g.add((article, RDF.type, KG.Article))
            g.add((article, SCHEMA.headline, zh(f"{name[:2]}召开第{k + 1}次工作会议")))
            g.add((article, SCHEMA.datePublished, Literal(f"2023-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
                                                          datatype=XSD.date)))
            m = ID[f"mention/{i}_{k}"]
            g.add((m, RDF.type, KG.Mention))
            g.add((m, KG.mentionOf, iri))
            g.add((m, KG.inArticle, article))
            g.add((m, PROV.wasDerivedFrom, article))
            g.add((m, KG.surface, zh(name)))
            g.add((m, KG.startOffset, Literal(10 * k, datatype=XSD.integer)))
            g.add((m, KG.endOffset, Literal(10 * k + len(name), datatype=XSD.integer)))
            g.add((m, KG.evidenceText, zh(f"会议指出，{name}要抓好第{k + 1}项重点工作，确保取得实效。")))
            g.add((m, KG.mentionCount, Literal(1, datatype=XSD.integer)))

    def pick(kind: str):
        """Zipf-like: a few bodies and places get most relations, as in real papers."""
        pool = names[kind]
        return pool[min(int(rng.paretovariate(0.8)) - 1, len(pool) - 1)] if rng.random() < 0.5 else rng.choice(pool)

    fact_no = 0

    def fact(s, predicate: str, o, **extra):
        nonlocal fact_no
        fact_no += 1
        f = ID[f"fact/{fact_no}"]
        article = ID[f"article/synthetic_{rng.randrange(n // 2):05d}/1"]
        g.add((f, RDF.type, KG.Assertion))
        g.add((f, RDF.subject, s))
        g.add((f, RDF.predicate, PREDICATE_TERM[predicate]))
        g.add((f, RDF.object, o))
        g.add((f, KG.inArticle, article))
        g.add((f, PROV.wasDerivedFrom, article))
        g.add((f, KG.evidenceText, zh("会议要求，各有关单位要密切配合，形成工作合力。")))
        g.add((f, KG.startOffset, Literal(0, datatype=XSD.integer)))
        g.add((f, KG.endOffset, Literal(20, datatype=XSD.integer)))
        g.add((f, KG.rule, Literal("synthetic.v1")))
        for key, value in extra.items():
            g.add((f, KG[key], value))

    def relate(s, predicate: str, o) -> None:
        g.add((s, PREDICATE_TERM[predicate], o))
        fact(s, predicate, o)

    for k, official in enumerate(names["Official"]):
        for j in range(rng.choice((1, 1, 2, 3))):
            agency = pick("Agency")
            title = rng.choice(TITLES)
            post = ID[f"post/{k}_{j}"]
            g.add((post, RDF.type, KG.Post))
            g.add((post, KG.title, zh(title)))
            g.add((post, SKOS.prefLabel, zh(f"{agency.split('/')[-1]} {title}")))
            g.add((post, ORG.postIn, agency))
            g.add((post, ORG.heldBy, official))
            g.add((official, KG.holdsPost, post))
            g.add((official, ORG.holds, post))
            fact(official, "holdsPost", post, title=zh(title),
                 date=Literal(f"2023-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}", datatype=XSD.date))
        if rng.random() < 0.5:
            relate(official, "attended", pick("Event"))
    for person in names["Person"]:
        if rng.random() < 0.6:
            relate(person, "worksFor", pick("Enterprise"))
    for agency in names["Agency"]:
        relate(agency, "locatedIn", pick("Place"))
        if rng.random() < 0.3:
            relate(agency, "partOf", pick("Agency"))
    for enterprise in names["Enterprise"]:
        relate(enterprise, "locatedIn", pick("Place"))
        if rng.random() < 0.3:
            relate(enterprise, "invests", pick("Project"))
        if rng.random() < 0.2:
            relate(enterprise, "participatesIn", pick("Programme"))
    for organization in names["Organization"]:
        if rng.random() < 0.7:
            relate(organization, "partOf", pick("Agency"))
    for programme in names["Programme"]:
        if rng.random() < 0.6:
            relate(pick("Agency"), "runs", programme)
    for project in names["Project"]:
        relate(project, "locatedIn", pick("Place"))
    for event in names["Event"]:
        if rng.random() < 0.5:
            relate(pick("Agency"), "runs", event)
    for place in names["Place"]:
        if rng.random() < 0.5:
            relate(place, "locatedIn", pick("Place"))
    return g


def driver(user_data_dir: str):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={user_data_dir}")
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def open_page(page: Path, timeout: float = 120.0) -> dict:
    """One fresh browser: navigation start -> kgReady (ms, measured by the page), then a search."""
    with tempfile.TemporaryDirectory(prefix="kg-bench-chromium-") as profile:
        browser = driver(profile)
        try:
            browser.set_page_load_timeout(timeout)
            browser.set_script_timeout(timeout)
            wall = time.perf_counter()
            browser.get(page.as_uri())
            while not browser.execute_script("return window.kgReady === true"):
                if time.perf_counter() - wall > timeout:
                    raise TimeoutError(f"page not ready after {timeout:.0f} s")
                time.sleep(0.05)
            wall = time.perf_counter() - wall
            ready = browser.execute_script("return window.kgReadyAt")
            loaded = browser.execute_script(
                "var t = performance.getEntriesByType('navigation')[0]; return t ? t.domContentLoadedEventEnd : null")
            name = browser.execute_script("return window.kgNodes.get(window.kgNodes.getIds()[0]).label")
            # search: from the click on 定位 to the next frame drawn with the node selected (measured in the page)
            search_ms, selected = browser.execute_async_script(
                "var done = arguments[arguments.length - 1], net = window.kgNetwork;"
                "var box = document.getElementById('search'); box.value = arguments[0];"
                "var t0 = performance.now();"
                "net.once('afterDrawing', function () { done([performance.now() - t0, net.getSelectedNodes()]); });"
                "document.getElementById('go').click();", name)
            if len(selected) != 1:
                raise RuntimeError(f"search for {name!r} selected {selected}")
            return {"ready_ms": round(ready, 1), "dom_ms": round(loaded or 0, 1), "wall_s": round(wall, 2),
                    "search_ms": round(search_ms, 1)}
        finally:
            browser.quit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    for tool in (CHROMIUM, CHROMEDRIVER):
        if not Path(tool).exists():
            print(f"viz_bench: {tool} missing: apt-get install chromium chromium-driver fonts-wqy-zenhei",
                  file=sys.stderr)
            return 2

    started = time.perf_counter()
    graph = synthetic_graph(args.nodes, args.seed)
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    page = render_html(graph, title=f"synthetic {args.nodes}")
    render_s = time.perf_counter() - started
    nodes = page.count('"kgType"')
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / f"viz_{args.nodes}.html"
    target.write_bytes(page.encode("utf-8"))

    runs = [open_page(target) for _ in range(args.runs)]
    ready = [r["ready_ms"] for r in runs]
    result = {
        "nodes": nodes,
        "edges": page.count('"predicate"'),
        "precomputed_layout": nodes > LARGE_GRAPH,
        "page_bytes": len(page.encode("utf-8")),
        "graph_triples": len(graph),
        "build_graph_s": round(build_s, 2),
        "render_html_s": round(render_s, 2),
        "open_to_stable_ms": {"median": round(statistics.median(ready), 1), "min": min(ready), "max": max(ready)},
        "runs": runs,
        "chromium": CHROMIUM,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    (OUT / "viz.json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    rows = [
        ("entities (nodes)", f"{result['nodes']:,}"),
        ("relations (edges)", f"{result['edges']:,}"),
        ("layout", "precomputed in Python, physics off" if result["precomputed_layout"] else "physics in browser"),
        ("page size", f"{result['page_bytes'] / 1e6:.1f} MB"),
        ("render_html", f"{render_s:.2f} s"),
        ("open-to-stable (median)", f"{result['open_to_stable_ms']['median'] / 1000:.2f} s"),
        ("open-to-stable (min–max)", f"{min(ready) / 1000:.2f}–{max(ready) / 1000:.2f} s"),
        ("search → node drawn selected (median)", f"{statistics.median(r['search_ms'] for r in runs):.0f} ms"),
    ]
    width = max(len(k) for k, _ in rows)
    print(f"{'measure':<{width}}  value\n{'-' * width}  -----")
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    print(f"wrote {OUT / 'viz.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
