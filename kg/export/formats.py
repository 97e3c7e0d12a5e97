"""Exports of a built graph for other tools: TriG (named graph per article), JSON-LD, GraphML, CSV tables.

N-Quads come from ``kg.oxistore.nquads`` (sorted, for bulk loaders). Every writer here is deterministic:
the same graph gives the same bytes.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF

from ..vocab import ID_BASE, KG, bind_prefixes
from .network import network_view

FORMATS = ("ttl", "trig", "nq", "jsonld", "graphml", "csv")


def evidence_graphs(graph: Graph) -> Dataset:
    """The graph as a dataset: what is said about an assertion or a mention (its evidence) goes to the named
    graph of its article, everything else to the default graph (the layout of the N-Quads export)."""
    ds = Dataset()
    bind_prefixes(ds)
    article_of: dict = {}
    for node in set(graph.subjects(RDF.type, KG.Assertion)) | set(graph.subjects(RDF.type, KG.Mention)):
        art = graph.value(node, KG.inArticle)
        if art is not None:
            article_of[node] = art
    default = ds.default_context
    for s, p, o in graph:
        art = article_of.get(s)
        (ds.graph(URIRef(art)) if art is not None else default).add((s, p, o))
    return ds


def to_trig(graph: Graph) -> bytes:
    return evidence_graphs(graph).serialize(format="trig", encoding="utf-8")


def to_jsonld(graph: Graph) -> bytes:
    context = {"kg": str(KG._NS), "kgid": ID_BASE, "skos": "http://www.w3.org/2004/02/skos/core#",
               "schema": "https://schema.org/", "org": "http://www.w3.org/ns/org#",
               "prov": "http://www.w3.org/ns/prov#"}
    return graph.serialize(format="json-ld", context=context, sort_keys=True, indent=1, encoding="utf-8")


def to_graphml(graph: Graph) -> bytes:
    """Entities and their relations (the network of the HTML view) for Gephi or networkx."""
    import networkx as nx

    view = network_view(graph)
    out = nx.MultiDiGraph()
    for node in sorted(view.nodes, key=str):
        attrs = view.nodes[node]
        out.add_node(str(node), label=attrs.get("label", ""), type=attrs.get("type", ""),
                     aliases="、".join(attrs.get("aliases", ())), mentions=int(attrs.get("mentions") or 0))
    for u, v, attrs in sorted(view.edges(data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2].get("predicate")))):
        out.add_edge(str(u), str(v), predicate=str(attrs.get("predicate", "")))
    buf = io.BytesIO()
    nx.write_graphml(out, buf, encoding="utf-8")
    return buf.getvalue()


def to_csv(graph: Graph) -> tuple[bytes, bytes]:
    """``nodes.csv`` (id, type, name, aliases, mentions) and ``edges.csv`` (source, predicate, target) for
    spreadsheets and Neo4j's CSV import."""
    view = network_view(graph)
    nodes = io.StringIO()
    w = csv.writer(nodes, lineterminator="\n")
    w.writerow(["id", "type", "name", "aliases", "mentions"])
    for node in sorted(view.nodes, key=str):
        a = view.nodes[node]
        w.writerow([str(node), a.get("type", ""), a.get("label", ""), "|".join(a.get("aliases", ())),
                    int(a.get("mentions") or 0)])
    edges = io.StringIO()
    w = csv.writer(edges, lineterminator="\n")
    w.writerow(["source", "predicate", "target"])
    rows = sorted((str(u), str(d.get("predicate", "")), str(v)) for u, v, d in view.edges(data=True))
    w.writerows(rows)
    return nodes.getvalue().encode("utf-8"), edges.getvalue().encode("utf-8")


def csv_paths(out: Path) -> tuple[Path, Path]:
    """Where the two CSV tables of ``out`` go: OUT-nodes.csv and OUT-edges.csv."""
    stem = out.with_suffix("")
    return stem.with_name(stem.name + "-nodes.csv"), stem.with_name(stem.name + "-edges.csv")
