"""The JSON lines contract of ``kg extract`` (DESIGN.md, contract 1): documents and single texts as dicts."""

from __future__ import annotations

from collections import defaultdict

from .extract import extract_document
from .model import Article, Document, Resolved, Source
from .resolve import resolve
from .segment import reflow


def document_json(doc: Document, resolved: Resolved) -> dict:
    """One input file: its articles, the entities named in it (canonical name, aliases, mentions, posts) and
    the relations read in it. Offsets are ``str`` indices into the file's decoded text, end exclusive."""
    articles = {a.id for a in doc.articles}
    entities = []
    for e in resolved.entities:
        ms = [m for m in e.mentions if m.article in articles]
        if not ms:
            continue
        surfaces = sorted({m.name for m in ms} - {e.name})
        entities.append({
            "id": e.id, "type": e.type, "name": e.name, "aliases": surfaces,
            "mentions": [{"text": m.text, "start": m.start, "end": m.end} for m in ms],
            "posts": [{"title": p.title, "org": p.org} for p in e.posts if p.article in articles],
        })
    relations = [_relation_json(r) for r in resolved.relations if r.evidence.article in articles]
    return {
        "source": doc.source.path,
        "articles": [_article_json(a) for a in doc.articles],
        "entities": entities,
        "relations": relations,
    }


def _article_json(a: Article) -> dict:
    return {"id": a.id, "headline": a.headline, "date": a.date, "reporters": list(a.byline.reporters),
            "start": a.start, "end": a.end}


def _relation_json(r) -> dict:
    out = {"s": r.s, "p": r.p, "o": r.o}
    out.update({k: v for k, v in r.attrs})
    out["evidence"] = {"start": r.evidence.start, "end": r.evidence.end}
    return out


def text_json(text: str, record_id) -> dict:
    """One ``--from-jsonl`` record: the whole text is one article; ``Position`` spans are included."""
    source = Source(path="-", text=text, encoding="utf-8")
    paras = reflow(text)
    article = Article(id="stdin/1", source="-", start=0, end=len(text))
    doc = extract_document(source, paras, [article] if text.strip() else [], page=False)
    resolved = resolve([doc])
    by_entity = defaultdict(list)
    entities = []
    for e in resolved.entities:
        entities.append({
            "id": e.id, "type": e.type, "name": e.name, "aliases": e.aliases,
            "mentions": [{"text": m.text, "start": m.start, "end": m.end} for m in e.mentions],
            "posts": [{"title": p.title, "org": p.org} for p in e.posts],
        })
    for m in doc.mentions:
        if m.type == "Position":
            by_entity[m.name].append(m)
    for name, ms in sorted(by_entity.items()):
        entities.append({"id": f"position/{name}", "type": "Position", "name": name, "aliases": [],
                         "mentions": [{"text": m.text, "start": m.start, "end": m.end} for m in ms], "posts": []})
    return {"id": record_id, "entities": entities, "relations": [_relation_json(r) for r in resolved.relations]}
