"""A plain network view of a kg RDF graph: entities as nodes, direct relation triples as edges.

Read only from the RDF layout (docs/rdf-layout.md), so any graph we write, or load back from Turtle, can be
drawn. Everything is sorted, so the same triples give the same view whatever order they were inserted in.
"""

from __future__ import annotations

from typing import NamedTuple

import networkx as nx
from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef

from kg.vocab import CLASS_TYPE, KG, ORG, PREDICATE_TERM, SCHEMA, TYPE_CLASS

MAX_EVIDENCE = 3

_TERM_PREDICATE = {term: name for name, term in PREDICATE_TERM.items()}


class Post(NamedTuple):
    """A post held by an official: its title and the organisation's name ("" when unknown)."""

    title: str
    org: str


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


def _posts(graph: Graph, official: URIRef, entities: dict[URIRef, str]) -> list[tuple[Post, URIRef | None]]:
    """The official's posts, each with the org entity it is in (None when only kg:orgName is known)."""
    out = set()
    for post in set(graph.objects(official, KG.holdsPost)) | set(graph.objects(official, ORG.holds)):
        if (post, RDF.type, KG.Post) not in graph:
            continue
        title = _first(graph, post, KG.title) or _first(graph, post, SKOS.prefLabel)
        orgs = sorted(o for o in graph.objects(post, ORG.postIn) if o in entities)
        if orgs:
            out.update((Post(title, _label(graph, org)), org) for org in orgs)
        else:
            out.add((Post(title, _first(graph, post, KG.orgName)), None))
    return sorted(out, key=lambda item: (item[0], str(item[1] or "")))


def _evidence(graph: Graph, entity: URIRef) -> tuple[int, list[Evidence]]:
    """Number of kg:Mention nodes and the first evidence items, by article IRI then offset."""
    rows = []
    mentions = [m for m in graph.subjects(KG.mentionOf, entity) if (m, RDF.type, KG.Mention) in graph]
    for m in mentions:
        sentence = _first(graph, m, KG.evidenceText)
        if not sentence:
            continue
        article = min(graph.objects(m, KG.inArticle), key=str, default=None)
        headline = _first(graph, article, SCHEMA.headline) if article is not None else ""
        date = _first(graph, article, SCHEMA.datePublished) if article is not None else ""
        offset = _int(graph, m, KG.startOffset)
        offset = -1 if offset is None else offset
        rows.append((str(article or ""), offset, Evidence(sentence, headline, date)))
    rows.sort()
    seen: list[Evidence] = []
    for *_, ev in rows:
        if ev not in seen:
            seen.append(ev)
        if len(seen) == MAX_EVIDENCE:
            break
    return len(mentions), seen


def network_view(graph: Graph) -> nx.MultiDiGraph:
    """Entities and the relations between them, ready to draw.

    Nodes are keyed by entity IRI (str) with attributes ``type``, ``label``, ``aliases`` (sorted tuple),
    ``posts`` (tuple of Post), ``mentions`` (int) and ``evidence`` (tuple of at most 3 Evidence).
    Edges carry ``predicate`` (the English name) and ``title`` (the post title of holdsPost, else "").
    A holdsPost triple points at a kg:Post, so it is drawn as official -> the post's org:postIn entity;
    a post without an org entity stays only in the official's ``posts``.
    """
    entities = _entity_types(graph)
    view = nx.MultiDiGraph()
    edges = set()
    for iri in sorted(entities):
        label = _label(graph, iri)
        posts = _posts(graph, iri, entities)
        count, evidence = _evidence(graph, iri)
        mentions = _int(graph, iri, KG.mentionCount)
        view.add_node(
            str(iri),
            type=entities[iri],
            label=label,
            aliases=tuple(a for a in _values(graph, iri, SKOS.altLabel) if a != label),
            posts=tuple(post for post, _ in posts),
            mentions=mentions if mentions is not None else count,
            evidence=tuple(evidence),
        )
        edges.update((str(iri), str(org), "holdsPost", post.title) for post, org in posts if org is not None)
    for term, name in _TERM_PREDICATE.items():
        if name == "holdsPost":
            continue
        for s, o in graph.subject_objects(term):
            if s in entities and o in entities:
                edges.add((str(s), str(o), name, ""))
    for s, o, name, title in sorted(edges):
        view.add_edge(s, o, key=f"{name}|{title}", predicate=name, title=title)
    return view
