"""A plain network view of a kg RDF graph: entities as nodes, direct relation triples as edges.

Read only from the RDF layout (docs/rdf-layout.md), so any graph we write, or load back from Turtle, can be
drawn. Everything is sorted, so the same triples give the same view whatever order they were inserted in.
"""

from __future__ import annotations

from typing import NamedTuple

import networkx as nx
from rdflib import Graph, Literal, URIRef

from kg.graph import KG, ORG, RDF, RDFS, SCHEMA, SKOS  # the terms looked up once, for the loops over a graph
from kg.vocab import CLASS_TYPE, PREDICATE_TERM, TYPE_CLASS

MAX_EVIDENCE = 3

_TERM_PREDICATE = {term: name for name, term in PREDICATE_TERM.items()}


class Post(NamedTuple):
    """A post held by an official: its title, the organisation's name and the date it was read ("" when unknown).

    The date is the earliest kg:date of the post's holdsPost assertions, else the earliest publication date of
    the articles those assertions come from.
    """

    title: str
    org: str
    date: str = ""


class Evidence(NamedTuple):
    """One sentence naming an entity, with where it was read."""

    sentence: str
    headline: str
    date: str


def _values(graph: Graph, subject, predicate) -> list[str]:
    """All literal values, sorted: a stable pick when the data holds more than one."""
    return sorted({str(o) for o in graph.objects(subject, predicate) if isinstance(o, Literal)})


def _first(graph: Graph, subject, predicate, default: str = "") -> str:
    values = _values(graph, subject, predicate)
    return values[0] if values else default


def _int(graph: Graph, subject, predicate) -> int | None:
    for o in sorted(graph.objects(subject, predicate), key=str):
        try:
            return int(o.toPython()) if isinstance(o, Literal) else None
        except (TypeError, ValueError):
            continue
    return None


def _label(graph: Graph, iri: URIRef) -> str:
    """The canonical name; the IRI's last segment only if the graph forgot the label."""
    return _first(graph, iri, SKOS.prefLabel) or _first(graph, iri, RDFS.label) or str(iri).rsplit("/", 1)[-1]


def _entity_types(graph: Graph) -> dict[URIRef, str]:
    """Entity IRI -> type name; with several types the first in the contract's order wins."""
    order = {name: i for i, name in enumerate(TYPE_CLASS)}
    types: dict[URIRef, str] = {}
    for cls, name in CLASS_TYPE.items():
        for s in graph.subjects(RDF.type, cls):
            if isinstance(s, URIRef) and (s not in types or order[name] < order[types[s]]):
                types[s] = name
    return types


def _date_key(value: str) -> tuple[bool, str]:
    """Full dates sort before month-day dates (xsd:gMonthDay, "--02-20"), then by value."""
    return value.startswith("--"), value


def _earliest(values) -> str:
    return min((str(v) for v in values if isinstance(v, Literal) and str(v)), key=_date_key, default="")


class _Fact(NamedTuple):
    article: str
    offset: int
    evidence: Evidence
    date: str


def _facts(graph: Graph) -> dict[tuple, list[_Fact]]:
    """Every kg:Assertion, keyed by (subject, predicate term, object), with its evidence and date."""
    out: dict[tuple, list[_Fact]] = {}
    for fact in graph.subjects(RDF.type, KG.Assertion):
        s, p, o = (graph.value(fact, term) for term in (RDF.subject, RDF.predicate, RDF.object))
        if s is None or p is None or o is None:
            continue
        article = min(graph.objects(fact, KG.inArticle), key=str, default=None)
        headline = _first(graph, article, SCHEMA.headline) if article is not None else ""
        published = _earliest(graph.objects(article, SCHEMA.datePublished)) if article is not None else ""
        offset = _int(graph, fact, KG.startOffset)
        evidence = Evidence(_first(graph, fact, KG.evidenceText), headline, published)
        date = _earliest(graph.objects(fact, KG.date)) or published
        row = _Fact(str(article or ""), -1 if offset is None else offset, evidence, date)
        out.setdefault((s, p, o), []).append(row)
    for rows in out.values():
        rows.sort()
    return out


def _posts(graph: Graph, official: URIRef, entities: dict[URIRef, str],
           facts: dict[tuple, list[_Fact]]) -> list[tuple[Post, URIRef | None, Evidence | None]]:
    """The official's posts, each with the org entity it is in (None when only kg:orgName is known) and the
    evidence of its first assertion."""
    found: dict[tuple[Post, URIRef | None], list[_Fact]] = {}
    for post in set(graph.objects(official, KG.holdsPost)) | set(graph.objects(official, ORG.holds)):
        if (post, RDF.type, KG.Post) not in graph:
            continue
        title = _first(graph, post, KG.title) or _first(graph, post, SKOS.prefLabel)
        rows = facts.get((official, KG.holdsPost, post), [])
        date = min((row.date for row in rows if row.date), key=_date_key, default="")
        orgs = sorted(o for o in graph.objects(post, ORG.postIn) if o in entities)
        keys = [(Post(title, _label(graph, org), date), org) for org in orgs]
        for key in keys or [(Post(title, _first(graph, post, KG.orgName), date), None)]:
            found.setdefault(key, []).extend(rows)
    out = []
    for (post, org), rows in sorted(found.items(), key=lambda item: (item[0][0], str(item[0][1] or ""))):
        first = min((row for row in rows if row.evidence.sentence), default=None)
        out.append((post, org, first.evidence if first else None))
    return out


def mention_rows(graph) -> dict[URIRef, list]:
    """Entity -> one row per kg:Mention of it: (article IRI, offset, Evidence), or None without a sentence."""
    out: dict[URIRef, list] = {}
    for m in graph.subjects(RDF.type, KG.Mention):
        entities = list(graph.objects(m, KG.mentionOf))
        if not entities:
            continue
        sentence = _first(graph, m, KG.evidenceText)
        row = None
        if sentence:
            article = min(graph.objects(m, KG.inArticle), key=str, default=None)
            headline = _first(graph, article, SCHEMA.headline) if article is not None else ""
            date = _first(graph, article, SCHEMA.datePublished) if article is not None else ""
            offset = _int(graph, m, KG.startOffset)
            row = (str(article or ""), -1 if offset is None else offset, Evidence(sentence, headline, date))
        for entity in entities:
            out.setdefault(entity, []).append(row)
    return out


def _evidence(rows: list) -> tuple[int, list[Evidence]]:
    """Number of kg:Mention nodes and the first evidence items, by article IRI then offset."""
    seen: list[Evidence] = []
    for *_, ev in sorted(row for row in rows if row is not None):
        if ev not in seen:
            seen.append(ev)
        if len(seen) == MAX_EVIDENCE:
            break
    return len(rows), seen


def network_view(graph, facts: dict | None = None, mentions: dict | None = None) -> nx.MultiDiGraph:
    """Entities and the relations between them, ready to draw.

    Nodes are keyed by entity IRI (str) with attributes ``type``, ``label``, ``aliases`` (sorted tuple),
    ``posts`` (tuple of Post), ``mentions`` (int) and ``evidence`` (tuple of at most 3 Evidence).
    Edges carry ``predicate`` (the English name), ``title`` (the post title of holdsPost, else "") and
    ``evidence`` (the Evidence of the relation's first kg:Assertion, by article IRI then offset, or None).
    A holdsPost triple points at a kg:Post, so it is drawn as official -> the post's org:postIn entity;
    a post without an org entity stays only in the official's ``posts``.

    ``graph`` is an rdflib Graph or a ``kg.graph.Table``; ``facts`` (as ``_facts``) and ``mentions`` (as
    ``mention_rows``) are given when the assertions and mention nodes are not in it (kept per document).
    """
    entities = _entity_types(graph)
    facts = _facts(graph) if facts is None else facts
    rows_of = mention_rows(graph) if mentions is None else mentions
    view = nx.MultiDiGraph()
    edges: dict[tuple[str, str, str, str], Evidence | None] = {}
    for iri in sorted(entities):
        label = _label(graph, iri)
        posts = _posts(graph, iri, entities, facts)
        count, evidence = _evidence(rows_of.get(iri, ()))
        mentions = _int(graph, iri, KG.mentionCount)
        view.add_node(
            str(iri),
            type=entities[iri],
            label=label,
            aliases=tuple(a for a in _values(graph, iri, SKOS.altLabel) if a != label),
            posts=tuple(post for post, _, _ in posts),
            mentions=mentions if mentions is not None else count,
            evidence=tuple(evidence),
        )
        for post, org, ev in posts:
            if org is not None:
                key = (str(iri), str(org), "holdsPost", post.title)
                if edges.get(key) is None:
                    edges[key] = ev
    for term, name in _TERM_PREDICATE.items():
        if name == "holdsPost":
            continue
        for s, o in graph.subject_objects(term):
            if s in entities and o in entities:
                rows = [row for row in facts.get((s, term, o), []) if row.evidence.sentence]
                edges[(str(s), str(o), name, "")] = rows[0].evidence if rows else None
    for (s, o, name, title), ev in sorted(edges.items(), key=lambda item: item[0]):
        view.add_edge(s, o, key=f"{name}|{title}", predicate=name, title=title, evidence=ev)
    return view


def parse_types(text: str | None) -> tuple[str, ...]:
    """"official, Agency" -> ("Official", "Agency") in the contract's order; ValueError names an unknown one."""
    if not text:
        return ()
    known = {name.lower(): name for name in TYPE_CLASS}
    wanted = set()
    for part in text.replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if part.lower() not in known:
            raise ValueError(f"unknown type {part!r} (types: {', '.join(TYPE_CLASS)})")
        wanted.add(known[part.lower()])
    return tuple(name for name in TYPE_CLASS if name in wanted)


def only_types(view: nx.MultiDiGraph, types: tuple[str, ...], keep: str | None = None) -> nx.MultiDiGraph:
    """The view restricted to entities of ``types`` (all when empty), always keeping the node ``keep``."""
    if not types:
        return view
    wanted = set(types)
    return view.subgraph(n for n, t in view.nodes(data="type") if t in wanted or n == keep).copy()


def ego_view(view: nx.MultiDiGraph, centre: str, hops: int = 1, types: tuple[str, ...] = ()) -> nx.MultiDiGraph:
    """The entities within ``hops`` relations of ``centre`` (either direction), and the relations among them.

    With ``types``, only entities of those types (and the centre) are kept, and paths run through them only.
    """
    kept = only_types(view, types, keep=centre)
    reach = nx.single_source_shortest_path_length(kept.to_undirected(as_view=True), centre, cutoff=max(hops, 0))
    return kept.subgraph(reach).copy()
