"""Graph stage: resolved entities and relations as RDF, following ``ontology/kg.ttl`` (see docs/rdf-layout.md).

Every fact is stated twice: as a plain triple for easy SPARQL (``?o kg:holdsPost ?post``) and as a
``kg:Assertion`` that carries its evidence (article, sentence, offsets, rule id). IRIs are built from names and
file paths only, so the same input gives the same IRIs and adding a page renames nothing.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from functools import lru_cache
from typing import NamedTuple

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF as _RDF
from rdflib.namespace import RDFS as _RDFS
from rdflib.namespace import SKOS as _SKOS
from rdflib.namespace import XSD as _XSD

from . import vocab
from .model import Article, Document, Entity, Mention, Relation, Resolved, source_key
from .vocab import ID_BASE, PREDICATE_TERM, TYPE_CLASS, bind_prefixes, looked_up

KG = looked_up(vocab.KG, " ".join(vocab.KG.__annotations__))
RDF = looked_up(_RDF, "type subject predicate object")
RDFS = looked_up(_RDFS, "label")
SKOS = looked_up(_SKOS, "Concept altLabel prefLabel")
XSD = looked_up(_XSD, "date decimal gMonthDay integer")
ORG = looked_up(vocab.ORG, "heldBy holds postIn")
PROV = looked_up(vocab.PROV, "wasDerivedFrom")
SCHEMA = looked_up(vocab.SCHEMA, "alternativeHeadline author datePublished headline startDate")

ZH = "zh"
EVIDENCE_RANK = {"crf_ner.v1": 1, "name_repeat.v1": 2}  # a rule's reading is better evidence than the model's
SENTENCE_STOP = "。!?;！？；"


@lru_cache(maxsize=1 << 16)
def iri_segment(text: str) -> str:
    """A readable IRI path segment: letters and digits of any script kept, everything else percent-encoded."""
    if text.isascii() and text.isalnum():  # ASCII letters and digits only (a hash): nothing to encode
        return text
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] in "LN" or ch in "-_.~":
            out.append(ch)
        else:
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
    return "".join(out) or "_"


def iri(*parts: str) -> URIRef:
    """The IRI of a kg node. Made without rdflib's validity check: ``iri_segment`` leaves only letters, digits
    and ``-_.~%`` in a segment, all valid in an IRI (and a build makes hundreds of thousands)."""
    return str.__new__(URIRef, ID_BASE + "/".join(iri_segment(p) for p in parts))


def entity_iri(entity_id: str) -> URIRef:
    slug, name = entity_id.split("/", 1)
    return iri(slug, name)


def article_iri(article_id: str) -> URIRef:
    return iri("article", *article_id.split("/"))


def source_iri(key: str) -> URIRef:
    return iri("source", *key.split("/"))


def _hash(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def _literal(text: str, lang: str | None = None) -> Literal:
    """``Literal(text, lang=lang)`` of a plain string without rdflib's checks and casts, which such a string
    passes untouched: a build makes hundreds of thousands. A test compares every slot with rdflib's own."""
    if text.__class__ is not str:
        return Literal(text, lang=lang)
    literal = str.__new__(Literal, text)
    literal._language, literal._datatype, literal._value, literal._ill_typed = lang, None, text, None
    return literal


@lru_cache(maxsize=1 << 16)
def _int(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


def _date(value: str) -> Literal:
    if value.startswith("--"):
        return Literal(value, datatype=XSD.gMonthDay)
    return Literal(value, datatype=XSD.date)


def evidence_sentence(text: str, start: int, end: int, limit: int = 160) -> str:
    """The sentence around a span of a page, with the page's line breaks removed."""
    left = max(text.rfind(c, 0, start) for c in SENTENCE_STOP)
    para = text.rfind("\n\n", 0, start)
    left = max(left, para, start - limit) + 1
    rights = [i for i in (text.find(c, end) for c in SENTENCE_STOP) if i >= 0]
    para_end = text.find("\n\n", end)
    right = min([*rights, para_end if para_end >= 0 else len(text), end + limit, len(text) - 1]) + 1
    sentence = re.sub(r"\s*\n\s*", "", text[left:right]).strip()
    return re.sub(r"^#+\s*", "", sentence)


class Table:
    """The triples of a graph by subject, predicate and object, in first-insertion order (as rdflib's memory
    store keeps them), without rdflib's store: several times cheaper to fill, and all the Turtle writer
    (``kg.turtle``) and the network view need. ``to_graph()`` gives the rdflib Graph with the same triples."""

    __slots__ = ("spo", "_by_predicate")

    def __init__(self):
        self.spo: dict = {}
        self._by_predicate: dict = {}  # predicate -> object -> subjects, made when first asked (read-only then)

    def add(self, triple) -> None:
        s, p, o = triple
        po = self.spo.get(s)
        if po is None:
            po = self.spo[s] = {}
        objects = po.get(p)
        if objects is None:
            po[p] = {o: None}
        else:
            objects[o] = None

    def __len__(self) -> int:
        return sum(len(objects) for po in self.spo.values() for objects in po.values())

    def triples(self):
        for s, po in self.spo.items():
            for p, objects in po.items():
                for o in objects:
                    yield s, p, o

    # the reading half of rdflib's Graph API that kg.export.network uses

    def _index(self, p) -> dict:
        found = self._by_predicate.get(p)
        if found is None:
            found = self._by_predicate[p] = {}
            for s, po in self.spo.items():
                for o in po.get(p, ()):
                    found.setdefault(o, []).append(s)
        return found

    def subjects(self, predicate, obj):
        return iter(self._index(predicate).get(obj, ()))

    def objects(self, subject, predicate):
        return iter(self.spo.get(subject, {}).get(predicate, ()))

    def value(self, subject, predicate):
        return next(self.objects(subject, predicate), None)

    def subject_objects(self, predicate):
        for o, subjects in self._index(predicate).items():
            for s in subjects:
                yield s, o

    def __contains__(self, triple) -> bool:
        s, p, o = triple
        return o in self.spo.get(s, {}).get(p, ())

    def to_graph(self) -> Graph:
        g = Graph()
        bind_prefixes(g)
        for triple in self.triples():
            g.add(triple)
        return g


def build_graph(resolved: Resolved) -> Graph:
    """The rdflib Graph of ``resolved`` (see ``build_table``)."""
    return build_table(resolved).to_graph()


def build_table(resolved: Resolved) -> Table:
    """Every triple of the graph (the same whether made whole or from ``split_table``'s parts)."""
    split = split_table(resolved)
    if split is None:
        return _whole_table(resolved)
    g, parts = split
    for part in parts:
        doc_table(part, g)
    return g


class DocPart(NamedTuple):
    """What one document's share of the graph is made of: its source and articles, the mention nodes of its
    articles and the assertions whose evidence is in them. Nothing else: entities, posts, honours and candidates
    (which gather what many documents say) are the graph's shared part."""

    doc: Document
    mentions: list  # (entity id, entity node, article id, number of mentions, the mention that is the evidence)
    facts: list  # (relation, subject node, predicate term, object term)

    def key(self, salt: str = "") -> str:
        """A digest of everything the part's triples depend on."""
        doc = self.doc
        mentions = [(e_id, art_id, n, m.start, m.end, m.rule, m.text) for e_id, _, art_id, n, m in self.mentions]
        facts = [(r.s, r.p, r.o, r.evidence.article, r.evidence.start, r.evidence.end, r.evidence.sentence, r.rule,
                  r.s_type, r.o_type, r.attrs, str(s), str(p), type(o).__name__, str(o))
                 for r, s, p, o in self.facts]
        articles = [(a.id, a.source, a.start, a.end, a.headline, a.subheadline, a.date, a.kind, a.year,
                     a.byline.reporters, a.byline.correspondents, a.byline.photographers) for a in doc.articles]
        # repr, not pickle: a pickle's bytes depend on which equal strings are one object (its memo), and that
        # differs between a Document just extracted and one read back from the cache
        payload = repr((salt, doc.source.path, doc.source.encoding, articles, mentions, facts))
        digest = hashlib.sha256(payload.encode("utf-8", "surrogatepass"))
        digest.update(doc.source.text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()


def split_table(resolved: Resolved, *, entities: bool = True) -> tuple[Table, list[DocPart]] | None:
    """The shared part's triples, and each document's part (``doc_table`` makes its triples). None when two
    documents share a source key or an article id (their triples would meet in one node): build it whole.
    Without ``entities`` the entities' own triples and the candidates are left for ``add_entities`` (which a
    parallel build runs while other processes make the documents' parts)."""
    where: dict[str, int] = {}
    keys: set[str] = set()
    for i, doc in enumerate(resolved.documents):
        key = source_key(doc.source.path)
        if key in keys:
            return None
        keys.add(key)
        for art in doc.articles:
            if art.id in where:
                return None
            where[art.id] = i
    g = Table()
    parts = [DocPart(doc, [], []) for doc in resolved.documents]
    names, by_name = _names(resolved)
    for e in resolved.entities:
        node = names[(e.type, e.name)]
        for art_id, n, first in _mention_groups(e):
            k = where.get(art_id)
            if k is None:  # an article no document has: no text for its evidence (as in the whole graph)
                _add_mention(g, e.id, node, art_id, n, first, "")
            else:
                parts[k].mentions.append((e.id, node, art_id, n, first))
    for r in resolved.relations:
        found = _add_relation(g, r, names, by_name)
        if found is None:
            continue
        k = where.get(r.evidence.article)
        if k is None:
            _add_fact(g, r, *found)
        else:
            parts[k].facts.append((r, *found))
    if entities:
        add_entities(g, resolved)
    return g, parts


def add_entities(g: Table, resolved: Resolved) -> None:
    """The entities' own triples (types, labels, aliases, counts) and the candidates, for ``split_table``."""
    names, _ = _names(resolved)
    for e in resolved.entities:
        _add_entity(g, e, names[(e.type, e.name)])
    _add_candidates(g, resolved)


def doc_table(part: DocPart, g: Table | None = None) -> Table:
    """The triples of one document's part (added to ``g`` when given)."""
    g = g if g is not None else Table()
    doc = part.doc
    _add_source(g, doc)
    for art in doc.articles:
        _add_article(g, art)
    text = doc.source.text
    for e_id, node, art_id, n, first in part.mentions:
        _add_mention(g, e_id, node, art_id, n, first, text)
    for r, s, prop, o in part.facts:
        _add_fact(g, r, s, prop, o)
    return g


def _names(resolved: Resolved) -> tuple[dict, dict]:
    names = {(e.type, e.name): entity_iri(e.id) for e in resolved.entities}
    by_name = {}
    for e in resolved.entities:
        by_name.setdefault(e.name, names[(e.type, e.name)])
    return names, by_name


def _whole_table(resolved: Resolved) -> Table:
    g = Table()
    texts = {doc.source.path: doc.source.text for doc in resolved.documents}
    article_source = {}
    for doc in resolved.documents:
        _add_source(g, doc)
        for art in doc.articles:
            article_source[art.id] = doc.source.path
            _add_article(g, art)
    names, by_name = _names(resolved)
    for e in resolved.entities:
        node = names[(e.type, e.name)]
        _add_entity(g, e, node)
        for art_id, n, first in _mention_groups(e):
            _add_mention(g, e.id, node, art_id, n, first, texts.get(article_source.get(art_id, ""), ""))
    for r in resolved.relations:
        found = _add_relation(g, r, names, by_name)
        if found is not None:
            _add_fact(g, r, *found)
    _add_candidates(g, resolved)
    return g


def _add_candidates(g: Table, resolved: Resolved) -> None:
    for c in resolved.candidates:
        a, b = entity_iri(c.a), entity_iri(c.b)
        node = iri("candidate", _hash(c.a, c.b))
        g.add((a, KG.suspectedSame, b))
        g.add((node, RDF.type, KG.MergeCandidate))
        g.add((node, KG.left, a))
        g.add((node, KG.right, b))
        g.add((node, KG.confidence, Literal(f"{c.confidence:.2f}", datatype=XSD.decimal)))
        g.add((node, KG.reason, _literal(c.reason)))


def _add_source(g: Table, doc: Document) -> None:
    node = source_iri(source_key(doc.source.path))
    g.add((node, RDF.type, KG.SourceFile))
    g.add((node, KG.path, _literal(doc.source.path)))
    g.add((node, KG.encoding, _literal(doc.source.encoding)))


def _add_article(g: Table, art: Article) -> None:
    node = article_iri(art.id)
    g.add((node, RDF.type, KG.Article))
    if art.headline:
        g.add((node, SCHEMA.headline, _literal(art.headline, ZH)))
    if art.subheadline:
        g.add((node, SCHEMA.alternativeHeadline, _literal(art.subheadline, ZH)))
    if art.date:
        g.add((node, SCHEMA.datePublished, _date(art.date)))
    g.add((node, KG.sourceFile, source_iri(art.id.rsplit("/", 1)[0])))
    g.add((node, KG.startOffset, _int(art.start)))
    g.add((node, KG.endOffset, _int(art.end)))
    g.add((node, KG.articleKind, _literal(art.kind)))
    for prop, names in ((KG.reporter, art.byline.reporters), (KG.correspondent, art.byline.correspondents),
                        (KG.photographer, art.byline.photographers)):
        for name in names:
            person = iri("journalist", name)
            g.add((node, prop, person))
            g.add((node, SCHEMA.author, person))


def _add_entity(g: Table, e: Entity, node: URIRef) -> None:
    g.add((node, RDF.type, TYPE_CLASS[e.type]))
    g.add((node, SKOS.prefLabel, _literal(e.name, ZH)))
    g.add((node, RDFS.label, _literal(e.name, ZH)))
    for alias in e.aliases:
        g.add((node, SKOS.altLabel, _literal(alias, ZH)))
    if e.mentions:
        g.add((node, KG.mentionCount, _int(len(e.mentions))))
    if e.type == "Project":
        stated = [m for m in e.mentions if m.attr("amount") or m.attr("capacity")]
        if stated:
            first = min(stated, key=lambda m: (m.article, m.start))
            if first.attr("amount"):
                g.add((node, KG.amount, Literal(first.attr("amount"), datatype=XSD.decimal)))
                g.add((node, KG.unit, _literal(first.attr("unit"), ZH)))
            if first.attr("capacity"):
                g.add((node, KG.capacity, _literal(first.attr("capacity"), ZH)))
    dates = sorted(m.attr("date") for m in e.mentions if m.attr("date"))
    if e.type == "Event" and dates:
        g.add((node, SCHEMA.startDate, _date(dates[0])))
    for post in e.posts:
        pnode = _post_iri(e.name, post.title, post.org)
        g.add((node, KG.holdsPost, pnode))
        g.add((node, ORG.holds, pnode))


def _mention_groups(e: Entity) -> list[tuple[str, int, Mention]]:
    """(article id, number of mentions, the mention that is the evidence) for each article naming ``e``."""
    per_article = defaultdict(list)
    for m in e.mentions:
        per_article[m.article].append(m)
    return [(art_id, len(ms), min(ms, key=lambda m: (EVIDENCE_RANK.get(m.rule, 0), m.start, m.end)))
            for art_id, ms in sorted(per_article.items())]  # the evidence: the reading that named it


def _add_mention(g: Table, e_id: str, node: URIRef, art_id: str, n: int, first: Mention, text: str) -> None:
    mnode = iri("mention", _hash(e_id, art_id))
    g.add((mnode, RDF.type, KG.Mention))
    g.add((mnode, KG.mentionOf, node))
    g.add((mnode, KG.inArticle, article_iri(art_id)))
    g.add((mnode, PROV.wasDerivedFrom, article_iri(art_id)))
    g.add((mnode, KG.surface, _literal(first.text, ZH)))
    g.add((mnode, KG.startOffset, _int(first.start)))
    g.add((mnode, KG.endOffset, _int(first.end)))
    g.add((mnode, KG.evidenceText, _literal(evidence_sentence(text, first.start, first.end), ZH)))
    g.add((mnode, KG.mentionCount, _int(n)))
    g.add((mnode, KG.rule, _literal(first.rule)))


def _post_iri(person: str, title: str, org: str) -> URIRef:
    return iri("post", _hash(person, title, org))


def _add_post(g: Table, person: URIRef, person_name: str, title: str, org: str, by_name) -> URIRef:
    pnode = _post_iri(person_name, title, org)
    g.add((pnode, RDF.type, KG.Post))
    g.add((pnode, KG.title, _literal(title, ZH)))
    g.add((pnode, SKOS.prefLabel, _literal(f"{org} {title}".strip(), ZH)))
    g.add((pnode, ORG.heldBy, person))
    org_node = by_name.get(org) if org else None
    if org_node is not None:
        g.add((pnode, ORG.postIn, org_node))
    else:
        g.add((pnode, KG.orgName, _literal(org or "(unknown)", ZH)))
    return pnode


def _add_relation(g: Table, r: Relation, names, by_name) -> tuple[URIRef, URIRef, URIRef | Literal] | None:
    """The direct triple of a relation and the nodes it points at (post, honour); (subject, predicate, object)
    for its assertion (``_add_fact``), or None when the relation is not drawn."""
    s = names.get((r.s_type, r.s))
    if s is None:
        return None
    prop = PREDICATE_TERM[r.p]
    if r.p == "holdsPost":
        o = _add_post(g, s, r.s, r.o, r.attr("org"), by_name)
    elif r.p == "authored":
        o = article_iri(r.o)
    elif r.p == "awarded":
        o = iri("honour", r.o)  # an honour or list is a concept of its own, named as written
        g.add((o, RDF.type, SKOS.Concept))
        g.add((o, SKOS.prefLabel, _literal(r.o, ZH)))
    elif r.o_type:
        o = names.get((r.o_type, r.o))
        if o is None:
            return None
    else:
        o = _literal(r.o, ZH)
    if not isinstance(o, Literal):
        g.add((s, prop, o))
    return s, prop, o


def _add_fact(g: Table, r: Relation, s: URIRef, prop: URIRef, o: URIRef | Literal) -> None:
    fact = iri("fact", _hash(r.s, r.p, r.o, r.evidence.article, str(r.evidence.start), r.rule,
                             repr(sorted(r.attrs))))
    art = article_iri(r.evidence.article)
    g.add((fact, RDF.type, KG.Assertion))
    g.add((fact, RDF.subject, s))
    g.add((fact, RDF.predicate, prop))
    g.add((fact, RDF.object, o))
    g.add((fact, KG.inArticle, art))
    g.add((fact, PROV.wasDerivedFrom, art))
    g.add((fact, KG.evidenceText, _literal(r.evidence.sentence or r.o, ZH)))
    g.add((fact, KG.startOffset, _int(r.evidence.start)))
    g.add((fact, KG.endOffset, _int(max(r.evidence.end, r.evidence.start + 1))))
    g.add((fact, KG.rule, _literal(r.rule)))
    if r.attr("date"):
        g.add((fact, KG.date, _date(r.attr("date"))))
    for key, term in (("role", KG.role), ("unit", KG.unit)):
        if r.attr(key):
            g.add((fact, term, _literal(r.attr(key), ZH)))
    if r.p == "holdsPost":
        g.add((fact, KG.title, _literal(r.o, ZH)))
        if r.attr("org"):
            g.add((fact, KG.orgName, _literal(r.attr("org"), ZH)))
    if r.attr("amount"):
        g.add((fact, KG.amount, Literal(r.attr("amount"), datatype=XSD.decimal)))
    if r.attr("capacity"):
        g.add((fact, KG.capacity, _literal(r.attr("capacity"), ZH)))
    if r.attr("former"):
        g.add((fact, KG.former, Literal(True)))
    if r.p == "awarded":
        g.add((fact, KG.honour, _literal(r.o, ZH)))
