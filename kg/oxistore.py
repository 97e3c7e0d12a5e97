"""The Oxigraph backend of ``kg.store``: a persistent on-disk store for graphs too big to parse at every command.

``kg build --store oxigraph:PATH`` bulk-loads the built graph into PATH; ``kg query|lookup|stats --store
oxigraph:PATH`` open it read-only in milliseconds instead of parsing the Turtle file. ``OxiGraph`` answers the
few rdflib ``Graph`` calls that ``kg.store`` makes (objects, value, membership…) from the store, so entity
cards are computed by the very same code for both backends; SPARQL and counts run in Oxigraph itself.

Terms go in and out as rdflib terms. Bound values (a user's name) become pyoxigraph terms and are written into
a ``VALUES`` block with pyoxigraph's own N-Triples serialisation (quotes, backslashes and newlines escaped),
never pasted as raw text. Oxigraph stores numbers by value, so they come back in canonical form (an integer
written ``007`` reads ``7``; a decimal keeps the ``.0`` rdflib writes); kg writes canonical numbers anyway.
"""

from __future__ import annotations

import gc
import os
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from .store import PREFIXES, QueryError, StoreError
from .vocab import CLASS_TYPE, KG, PREDICATE_TERM, bind_prefixes

SCHEME = "oxigraph"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
PREFIX_MAP = dict(re.findall(r"PREFIX (\w+): <([^>]+)>", PREFIXES))
DEFAULT = ox.DefaultGraph()


# ---------------------------------------------------------------- terms

def to_ox(term):
    """An rdflib term as a pyoxigraph term (None stays None: a wildcard in patterns)."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def from_ox(term):
    """A pyoxigraph term as the rdflib term that parsing the Turtle file would give."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype in (XSD_STRING, LANG_STRING):
            return Literal(term.value)
        value = term.value
        if datatype == XSD_DECIMAL and value.lstrip("+-").isdigit():
            # Oxigraph keeps numbers in canonical form ("64"); rdflib's Turtle writes and reads back "64.0"
            value += ".0"
        return Literal(value, datatype=URIRef(datatype))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise TypeError(f"unsupported term in store: {term!r}")


# ---------------------------------------------------------------- the store

class OxiGraph:
    """A read-only Oxigraph store seen through the part of rdflib's ``Graph`` API that ``kg.store`` uses."""

    backend = SCHEME

    def __init__(self, store: ox.Store, path: Path):
        self.store = store
        self.path = path
        names = Graph()
        bind_prefixes(names)
        self.namespace_manager = names.namespace_manager

    def triples(self, pattern):
        s, p, o = (to_ox(t) for t in pattern)
        for q in self.store.quads_for_pattern(s, p, o, DEFAULT):
            yield from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)

    def objects(self, subject=None, predicate=None):
        for _, _, o in self.triples((subject, predicate, None)):
            yield o

    def subjects(self, predicate=None, object=None):  # noqa: A002 - rdflib's signature
        for s, _, _ in self.triples((None, predicate, object)):
            yield s

    def predicate_objects(self, subject=None):
        for _, p, o in self.triples((subject, None, None)):
            yield p, o

    def subject_predicates(self, object=None):  # noqa: A002 - rdflib's signature
        for s, p, _ in self.triples((None, None, object)):
            yield s, p

    def value(self, subject=None, predicate=RDF.value, object=None, default=None):  # noqa: A002
        for s, _, o in self.triples((subject, predicate, object)):
            return o if object is None else s
        return default

    def __contains__(self, triple) -> bool:
        return next(iter(self.triples(triple)), None) is not None

    def __iter__(self):
        return self.triples((None, None, None))

    def __len__(self) -> int:
        return len(self.store)


def open_store(path: Path | str) -> OxiGraph:
    """Open the store at ``path`` read-only (many readers may share it)."""
    path = Path(path)
    if not (path / "CURRENT").is_file():
        raise StoreError(f"{path}: no Oxigraph store here; build one with 'kg build SOURCES --store {SCHEME}:{path}'")
    try:
        return OxiGraph(ox.Store.read_only(str(path)), path)
    except (OSError, RuntimeError) as exc:  # RocksDB reports a damaged store as RuntimeError("Corruption: …")
        raise StoreError(f"{path}: not a readable Oxigraph store ({' '.join(str(exc).split())[:160]})") from None


def bulk_load(path: Path, turtle: bytes) -> None:
    """Replace the store at ``path`` by one holding exactly ``turtle``: loaded beside it, then swapped in."""
    path = Path(path)
    if path.exists() and not (path.is_dir() and ((path / "CURRENT").is_file() or not any(path.iterdir()))):
        raise StoreError(f"{path}: exists and is not an Oxigraph store; refusing to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.loading-{os.getpid()}"
    old = path.parent / f".{path.name}.old-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        store = ox.Store(str(tmp))
        store.bulk_load(input=turtle, format=ox.RdfFormat.TURTLE)
        store.flush()
        del store
        gc.collect()  # closes the database before it is renamed
        if path.exists():
            os.replace(path, old)
        os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------- SPARQL

def _values_block(bindings: dict) -> str:
    """``VALUES (?a ?b) { (t1 t2) }`` with each term serialised (and escaped) by pyoxigraph."""
    names = sorted(bindings)
    terms = []
    for name in names:
        term = to_ox(bindings[name])
        if isinstance(term, ox.BlankNode):
            raise QueryError(f"cannot bind ?{name} to a blank node")
        terms.append(str(term))
    return "VALUES (" + " ".join(f"?{n}" for n in names) + ") { (" + " ".join(terms) + ") }"


WHERE_OPEN = re.compile(r"\bWHERE\s*\{", re.I)


def bind(query: str, bindings: dict | None) -> str:
    """``query`` with ``bindings`` as a VALUES block opening its WHERE clause (kg's own queries only)."""
    if not bindings:
        return query
    m = WHERE_OPEN.search(query)
    at = m.end() if m else query.index("{") + 1
    return query[:at] + " " + _values_block(bindings) + " " + query[at:]


SYNTAX = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


def run_query(graph: OxiGraph, query: str, bindings: dict | None = None) -> tuple[list[str], list[list]]:
    """Like ``kg.store.run_query``: column names and rows of rdflib terms (CONSTRUCT rows sorted)."""
    text = bind(query, bindings)
    try:
        result = graph.store.query(text, prefixes=PREFIX_MAP)
    except SyntaxError as exc:
        msg = str(exc)
        m = SYNTAX.match(msg)
        if m:
            detail = " ".join(m.group(3).split())[:160]
            raise QueryError(f"query syntax error at line {m.group(1)}, column {m.group(2)}: {detail}") from None
        raise QueryError(f"query error: {' '.join(msg.split())[:200]}") from None
    except Exception as exc:
        raise QueryError(f"query failed: {' '.join(str(exc).split())[:200]}") from None
    if isinstance(result, ox.QueryBoolean):
        return ["ask"], [[Literal(bool(result))]]
    term = _memo_from_ox()
    if isinstance(result, ox.QueryTriples):
        rows = [[term(t.subject), term(t.predicate), term(t.object)] for t in result]
        return ["s", "p", "o"], sorted(rows, key=lambda r: [str(x) for x in r])
    names = [v.value for v in result.variables]
    width = range(len(names))
    return names, [[term(solution[i]) for i in width] for solution in result]


def _memo_from_ox():
    """``from_ox`` for the terms of one result, each converted once: listings repeat their labels and units on
    many rows, and making an rdflib term costs more than the store's reading of it (a sixth of a listing)."""
    memo: dict = {None: None}

    def term(value):
        found = memo.get(value, memo)
        if found is memo:
            found = memo[value] = from_ox(value)
        return found

    return term


LABEL_PREDICATES = (ox.NamedNode(str(SKOS.prefLabel)), ox.NamedNode(str(SKOS.altLabel)))
LABELS_CONTAINING = """SELECT DISTINCT ?e WHERE {
  { ?e skos:prefLabel ?l } UNION { ?e skos:altLabel ?l }
  FILTER(CONTAINS(STR(?l), ?q))
}"""


def find(graph: OxiGraph, name: str) -> list[URIRef]:
    """Like ``kg.store.find``, with the index: an exact name is looked up as the label literals kg writes
    (``"name"@zh``, or plain), not by comparing every label; a part of a name still reads every label, and the
    entity-type test runs on the few candidates instead of joining every typed node."""
    from .store import _entity_type

    name = name.strip()
    exact = {q.subject for value in (ox.Literal(name, language="zh"), ox.Literal(name))
             for pred in LABEL_PREDICATES for q in graph.store.quads_for_pattern(None, pred, value, DEFAULT)}
    candidates = [from_ox(e) for e in exact]
    for attempt in (0, 1):
        if attempt:
            _, rows = run_query(graph, LABELS_CONTAINING, {"q": Literal(name)})
            candidates = [row[0] for row in rows]
        found = sorted({e for e in candidates if (e, RDF.type, KG.Mention) not in graph})
        found = [e for e in found if _entity_type(graph, e)]
        if found:
            return found
    return []


TYPE_COUNTS = "SELECT ?t (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?t } GROUP BY ?t"
FACT_COUNTS = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?f rdf:predicate ?p } GROUP BY ?p"


def stats(graph: OxiGraph) -> tuple[list[tuple[str, int]], list[tuple[str, int]], int]:
    """Like ``kg.store.stats``, counted by Oxigraph."""
    _, rows = run_query(graph, TYPE_COUNTS)
    per_type = {t: int(n) for t, n in rows}
    types = [(name, per_type[cls]) for cls, name in sorted(CLASS_TYPE.items(), key=lambda kv: kv[1])
             if per_type.get(cls)]
    types += [(name, per_type.get(cls, 0)) for cls, name in ((KG.Article, "Article"), (KG.Post, "Post"))]
    _, rows = run_query(graph, FACT_COUNTS)
    per_pred = {p: int(n) for p, n in rows}
    preds = [(name, per_pred[term]) for name, term in PREDICATE_TERM.items() if per_pred.get(term)]
    return types, preds, len(graph)


# ---------------------------------------------------------------- N-Quads for server triple stores

def nquads(turtle_path: Path | str) -> bytes:
    """The graph as sorted N-Quads: the statements about an assertion or a mention (its evidence) go to the named
    graph of its article (the article IRI); everything else stays in the default graph."""
    kg_type = ox.NamedNode(str(RDF.type))
    evidence_types = {ox.NamedNode(str(KG.Assertion)), ox.NamedNode(str(KG.Mention))}
    in_article = ox.NamedNode(str(KG.inArticle))
    try:
        triples = list(ox.parse(path=str(turtle_path), format=ox.RdfFormat.TURTLE))
    except (OSError, SyntaxError) as exc:
        raise StoreError(f"{turtle_path}: not a readable Turtle graph ({' '.join(str(exc).split())[:160]})") from None
    evidence = {t.subject for t in triples if t.predicate == kg_type and t.object in evidence_types}
    article = {t.subject: t.object for t in triples if t.predicate == in_article and t.subject in evidence}
    quads = [ox.Quad(t.subject, t.predicate, t.object, article.get(t.subject, DEFAULT)) for t in triples]
    lines = ox.serialize(quads, format=ox.RdfFormat.N_QUADS).splitlines(keepends=True)
    return b"".join(sorted(lines))
