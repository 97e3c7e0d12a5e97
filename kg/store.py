"""Store: load a graph and answer questions over it (SPARQL, entity cards, counts).

Names given by users are always bound as literals (``initBindings``), never pasted into query text, so a
name full of SPARQL syntax is just a name.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from .vocab import CLASS_TYPE, ID_BASE, KG, PREDICATE_TERM, SCHEMA, bind_prefixes

PREFIXES = """PREFIX kg: <https://w3id.org/kgcn/ontology#>
PREFIX kgid: <https://w3id.org/kgcn/id/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


class StoreError(Exception):
    """A graph that cannot be found or read; the message is one line naming the file."""


class QueryError(Exception):
    """A malformed query; the message says where the parser stopped."""


def default_graph(folder: Path = Path("graphs")) -> Path:
    """The most recently written ``.ttl`` in ``graphs/``."""
    candidates = sorted(folder.glob("*.ttl"), key=lambda p: (p.stat().st_mtime, p.name)) if folder.is_dir() else []
    if not candidates:
        raise StoreError(f"{folder}/: no graph found; run 'kg build SOURCES' first or pass --graph FILE")
    return candidates[-1]


def open_store(spec: str):
    """A persistent store named ``BACKEND:PATH`` (``oxigraph:graphs/big.oxi``): answers the same functions."""
    backend, sep, where = spec.partition(":")
    if backend != "oxigraph" or not sep or not where:
        raise StoreError(f"--store {spec!r}: expected oxigraph:PATH")
    from .oxistore import open_store as open_oxigraph

    return open_oxigraph(Path(where))


def load(path: Path | None) -> Graph:
    path = Path(path) if path else default_graph()
    if not path.is_file():
        raise StoreError(f"{path}: no such graph file")
    g = Graph()
    rdflib_log = logging.getLogger("rdflib")
    level = rdflib_log.level
    rdflib_log.setLevel(logging.ERROR)  # not a warning per odd IRI of a file that is not Turtle at all
    try:
        g.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many kinds; all mean the same to a user
        detail = " ".join(str(exc).split(" at ^ in:")[0].replace(" of <>", "").split())[:160]  # not the bytes
        raise StoreError(f"{path}: not a readable Turtle graph ({detail})") from None
    finally:
        rdflib_log.setLevel(level)
    bind_prefixes(g)
    return g


def run_query(graph: Graph, query: str, bindings: dict | None = None) -> tuple[list[str], list[list]]:
    """Run a SPARQL SELECT/ASK/CONSTRUCT; return column names and rows of rdflib terms."""
    if getattr(graph, "backend", None) == "oxigraph":
        from .oxistore import run_query as oxigraph_query

        return oxigraph_query(graph, query, bindings)
    from pyparsing import ParseException
    from rdflib.plugins.sparql import prepareQuery

    text = query if "PREFIX kg:" in query else PREFIXES + query
    try:
        prepared = prepareQuery(text)
    except ParseException as exc:
        line = exc.lineno - (0 if "PREFIX kg:" in query else PREFIXES.count("\n"))
        raise QueryError(f"query syntax error at line {line}, column {exc.col}: {exc.msg}") from None
    except Exception as exc:
        raise QueryError(f"query error: {' '.join(str(exc).split())[:200]}") from None
    try:
        result = graph.query(prepared, initBindings=bindings or {})
    except Exception as exc:
        raise QueryError(f"query failed: {' '.join(str(exc).split())[:200]}") from None
    if result.type == "ASK":
        return ["ask"], [[Literal(bool(result.askAnswer))]]
    if result.type == "CONSTRUCT" or result.type == "DESCRIBE":
        return ["s", "p", "o"], sorted([list(t) for t in result.graph], key=lambda r: [str(x) for x in r])
    names = [str(v) for v in result.vars]
    return names, [list(row) for row in result]


def short(graph: Graph, term) -> str:
    """A term as a reader wants it: literals as text, IRIs compacted with the graph's prefixes."""
    if term is None:
        return ""
    if isinstance(term, Literal):
        return str(term)
    if isinstance(term, URIRef):
        if term.startswith(ID_BASE):
            return "kgid:" + unquote(term[len(ID_BASE):])
        try:
            return graph.namespace_manager.normalizeUri(term)
        except Exception:
            return str(term)
    return str(term)


# ---------------------------------------------------------------- lookup

FIND_EXACT = """SELECT DISTINCT ?e WHERE {
  { ?e skos:prefLabel ?l } UNION { ?e skos:altLabel ?l }
  FILTER(STR(?l) = ?q)
  ?e a ?t . FILTER(?t != kg:Post)
}"""
FIND_PART = """SELECT DISTINCT ?e WHERE {
  { ?e skos:prefLabel ?l } UNION { ?e skos:altLabel ?l }
  FILTER(CONTAINS(STR(?l), ?q))
  ?e a ?t . FILTER(?t != kg:Post)
}"""


def find(graph: Graph, name: str) -> list[URIRef]:
    """Entities whose name or alias is ``name``; else whose name or alias contains it."""
    if getattr(graph, "backend", None) == "oxigraph":
        from .oxistore import find as oxigraph_find

        return oxigraph_find(graph, name)
    name = name.strip()
    for query in (FIND_EXACT, FIND_PART):
        _, rows = run_query(graph, query, {"q": Literal(name)})
        found = sorted({row[0] for row in rows if (row[0], RDF.type, KG.Mention) not in graph})
        found = [e for e in found if _entity_type(graph, e)]
        if found:
            return found
    return []


def _entity_type(graph: Graph, node) -> str:
    types = sorted(CLASS_TYPE[t] for t in graph.objects(node, RDF.type) if t in CLASS_TYPE)
    return types[0] if types else ""


def label(graph: Graph, node) -> str:
    value = graph.value(node, SKOS.prefLabel)
    return str(value) if value is not None else short(graph, node)


@dataclass
class Card:
    iri: str
    type: str
    name: str
    aliases: list[str] = field(default_factory=list)
    posts: list[tuple[str, str, str]] = field(default_factory=list)  # (title, org, date)
    # (direction, predicate, other, type, role): the role a person holds where they work (总经理), else ""
    relations: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    articles: list[tuple[str, str, str, str]] = field(default_factory=list)  # (date, headline, article, evidence)


POSTS_Q = """SELECT ?title ?org ?orgName (MIN(?d) AS ?date) WHERE {
  ?e kg:holdsPost ?p . ?p kg:title ?title .
  OPTIONAL { ?p org:postIn ?o . ?o skos:prefLabel ?org }
  OPTIONAL { ?p kg:orgName ?orgName }
  OPTIONAL { ?f rdf:object ?p ; kg:date ?d }
} GROUP BY ?title ?org ?orgName"""
ROLES_OUT_Q = """SELECT ?o ?role WHERE {
  ?f rdf:subject ?e ; rdf:predicate kg:worksFor ; rdf:object ?o ; kg:role ?role }"""
ROLES_IN_Q = """SELECT ?s ?role WHERE {
  ?f rdf:object ?e ; rdf:predicate kg:worksFor ; rdf:subject ?s ; kg:role ?role }"""
ARTICLES_Q = """SELECT ?a ?date ?headline ?ev WHERE {
  ?m kg:mentionOf ?e ; kg:inArticle ?a ; kg:evidenceText ?ev .
  OPTIONAL { ?a schema:datePublished ?date }
  OPTIONAL { ?a schema:headline ?headline }
}"""


def card(graph: Graph, node: URIRef) -> Card:
    c = Card(short(graph, node), _entity_type(graph, node), label(graph, node))
    c.aliases = sorted(str(a) for a in graph.objects(node, SKOS.altLabel))
    _, rows = run_query(graph, POSTS_Q, {"e": node})
    for title, org, org_name, date in rows:
        c.posts.append((str(title), str(org or org_name or ""), str(date or "")))
    c.posts.sort(key=lambda p: (p[2], p[0], p[1]))
    preds = {v: k for k, v in PREDICATE_TERM.items()}
    roles: dict[tuple, set[str]] = {}
    for o, role in run_query(graph, ROLES_OUT_Q, {"e": node})[1]:  # from the subject or object: index lookups
        roles.setdefault((node, o), set()).add(str(role))
    for s, role in run_query(graph, ROLES_IN_Q, {"e": node})[1]:
        roles.setdefault((s, node), set()).add(str(role))

    def role_of(s, p, o) -> str:
        return "、".join(sorted(roles.get((s, o), ()))) if p == KG.worksFor else ""

    for p, o in graph.predicate_objects(node):
        if p in preds and p != KG.holdsPost and isinstance(o, URIRef):
            c.relations.append(("→", preds[p], label(graph, o) if _entity_type(graph, o) else _headline(graph, o),
                                _entity_type(graph, o) or "Article", role_of(node, p, o)))
    for s, p in graph.subject_predicates(node):
        if p in preds and _entity_type(graph, s):
            c.relations.append(("←", preds[p], label(graph, s), _entity_type(graph, s), role_of(s, p, node)))
    c.relations = sorted(set(c.relations), key=lambda r: (r[1], r[0], r[2], r[4]))
    _, rows = run_query(graph, ARTICLES_Q, {"e": node})
    for art, date, headline, ev in rows:
        c.articles.append((str(date or ""), str(headline or ""), short(graph, art), str(ev)))
    c.articles.sort()
    return c


def _headline(graph: Graph, node) -> str:
    h = graph.value(node, SCHEMA.headline)
    return str(h) if h is not None else short(graph, node)


def stats(graph: Graph) -> tuple[list[tuple[str, int]], list[tuple[str, int]], int]:
    """Entities per type and facts per predicate, plus the number of triples."""
    if getattr(graph, "backend", None) == "oxigraph":
        from .oxistore import stats as oxigraph_stats

        return oxigraph_stats(graph)
    types = []
    for cls, name in sorted(CLASS_TYPE.items(), key=lambda kv: kv[1]):
        n = len(set(graph.subjects(RDF.type, cls)))
        if n:
            types.append((name, n))
    for cls, name in ((KG.Article, "Article"), (KG.Post, "Post")):
        types.append((name, len(set(graph.subjects(RDF.type, cls)))))
    preds = []
    for name, term in PREDICATE_TERM.items():
        n = sum(1 for _ in graph.subjects(RDF.predicate, term))
        if n:
            preds.append((name, n))
    return types, preds, len(graph)


CANDIDATES_Q = """SELECT ?c ?a ?b ?conf ?reason WHERE {
  ?c a kg:MergeCandidate ; kg:left ?a ; kg:right ?b ; kg:confidence ?conf ; kg:reason ?reason .
}"""


def merge_candidates(graph: Graph) -> list[dict]:
    """Merge candidates of a graph, most confident first, with each side's articles and evidence."""
    _, rows = run_query(graph, CANDIDATES_Q)
    out = []
    for _c, a, b, conf, reason in rows:
        ca, cb = card(graph, a), card(graph, b)
        out.append({"a": ca.name, "b": cb.name, "type": ca.type, "confidence": str(conf), "reason": str(reason),
                    "a_evidence": [(d, h, ev) for d, h, _art, ev in ca.articles],
                    "b_evidence": [(d, h, ev) for d, h, _art, ev in cb.articles]})
    return sorted(out, key=lambda c: (-float(c["confidence"]), c["a"], c["b"]))

