"""The graph and its outputs made per document: most of a graph is one document's (its articles, the mention nodes
of its articles, the assertions with their evidence), and that share depends only on the document and on what
resolution made of its names.

Each document's part (``kg.graph.DocPart``) becomes a ``Fragment``: its Turtle blocks (``kg.turtle.Blocks``) and
what the network view reads from it (assertions and mention evidence). Fragments are made in worker processes
when ``jobs`` > 1 and kept in the cache folder under a digest of everything they depend on (``DocPart.key`` and
the code that makes them), so a rebuild remakes only the fragments of changed documents, or of documents whose
names resolve differently. The shared part (entities, posts, honours, candidates) is made every time; the
Turtle file is merged from the blocks of all (``kg.turtle.write_turtle``): the bytes rdflib would write.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from rdflib import URIRef

from .graph import DocPart, doc_table
from .turtle import Blocks, Renderer

CODE_FILES = ("graph.py", "turtle.py", "vocab.py", "fragments.py", "export/network.py")


class Fragment(NamedTuple):
    blocks: Blocks
    facts: dict  # as kg.export.network._facts
    mentions: dict  # as kg.export.network.mention_rows
    triples: int

    def __reduce__(self):
        # the IRIs travel (to this process, to the cache) as plain strings, each once: unpickling a URIRef calls
        # rdflib's URIRef(), which checks the IRI again and takes ten times as long as a str
        iris = [iri for key in self.facts for iri in key] + list(self.mentions)
        if any(type(iri) is not URIRef for iri in iris):
            return Fragment, tuple(self)
        names: dict[URIRef, str] = {}
        name = lambda iri: names.setdefault(iri, str(iri))  # noqa: E731
        facts = [(name(s), name(p), name(o), rows) for (s, p, o), rows in self.facts.items()]
        mentions = [(name(entity), rows) for entity, rows in self.mentions.items()]
        return _fragment, (self.blocks, facts, mentions, self.triples)


def _fragment(blocks: Blocks, facts: list, mentions: list, triples: int) -> Fragment:
    iris: dict[str, URIRef] = {}

    def iri(text: str) -> URIRef:
        found = iris.get(text)
        if found is None:
            found = iris[text] = str.__new__(URIRef, text)  # checked when it was made
        return found

    return Fragment(blocks, {(iri(s), iri(p), iri(o)): rows for s, p, o, rows in facts},
                    {iri(entity): rows for entity, rows in mentions}, triples)


@lru_cache(maxsize=1)
def salt() -> str:
    """A digest of the code that makes fragments, and rdflib's version (its Turtle is what blocks copy)."""
    from importlib.metadata import version

    digest = hashlib.sha256(f"fragments-1 rdflib={version('rdflib')}".encode())
    root = resources.files("kg")
    for name in CODE_FILES:
        digest.update(name.encode())
        digest.update(root.joinpath(name).read_bytes())
    return digest.hexdigest()[:16]


_RENDERER: list[Renderer] = []


def _renderer() -> Renderer:
    if not _RENDERER:
        _RENDERER.append(Renderer())
    return _RENDERER[0]


def make_fragment(part: DocPart) -> Fragment | None:
    """The fragment of one document's part; None when its triples are not ones the fast Turtle path writes."""
    from .export.network import _facts, mention_rows

    table = doc_table(part)
    renderer = _renderer()
    if not renderer.fits(table.spo):
        return None
    facts = {key: rows for key, rows in _facts(table).items() if isinstance(key[2], URIRef)}  # the view looks up
    # assertions between entities and of posts only
    return Fragment(renderer.render(table.spo), facts, mention_rows(table), len(table))


def _terms_cache(cache_dir: Path):
    from .cache import BlobCache

    return BlobCache(Path(cache_dir) / "fragments", ".terms", "rendering"), \
        hashlib.sha256(f"terms {salt()}".encode()).hexdigest()


def load_terms(cache_dir: Path | None, warnings: list[str]) -> dict:
    """The Turtle labels of terms kept by the last build (``kg.turtle.Renderer.memo``), or {}."""
    if cache_dir is None:
        return {}
    cache, key = _terms_cache(cache_dir)
    found = cache.get(key)
    warnings += cache.warnings
    return found if isinstance(found, dict) else {}


def save_terms(cache_dir: Path | None, renderer: Renderer, warnings: list[str]) -> None:
    """Keep the labels of the terms this build rendered, when some were not kept already."""
    if cache_dir is None or not renderer.missed:
        return
    cache, key = _terms_cache(cache_dir)
    cache.put(key, renderer.used)
    warnings += cache.warnings


def make_fragments(parts: list[DocPart], *, jobs: int = 1, cache_dir: Path | None = None,
                   warnings: list[str] | None = None, renderer: Renderer | None = None,
                   meanwhile: Callable[[], object] | None = None) -> tuple[list[Fragment | None], int, object]:
    """The fragment of every part, in order (from the cache when there); how many were made (with ``renderer``,
    and its memo of labels, when given); and what ``meanwhile`` returned, which runs in this process while
    worker processes make the fragments (the shared part's work: this process would otherwise only wait).

    ``jobs - 1`` forked processes and this one (once ``meanwhile`` is done) share the parts in batches
    (``kg.forks.share``): each process digests its parts' keys, reads their cache entries (passed on as the
    checked bytes, unpickled here only) or makes the fragments and writes them to the cache. The children read
    the parts as they are in memory: only fragments and entries travel back."""
    from .cache import BlobCache
    from .engines import batches
    from .forks import share

    if renderer is not None:
        _RENDERER[:] = [renderer]  # forked workers inherit it too
    cache = BlobCache(Path(cache_dir) / "fragments", ".frag", "rendering") if cache_dir is not None else None
    cuts = batches(len(parts), jobs, shared=True)

    def work(k: int) -> tuple[list[tuple[str, bytes | Fragment | None]], object]:
        out: list[tuple[str, bytes | Fragment | None]] = []
        for i in cuts[k]:
            key = parts[i].key(salt()) if cache is not None else ""
            payload = cache.read(key) if cache is not None else None
            if payload is not None:
                out.append((key, payload))
                continue
            fragment = make_fragment(parts[i])
            if cache is not None and fragment is not None:
                cache.put(key, fragment)
            out.append((key, fragment))
        return out, cache.state() if cache is not None else None

    jobs = max(1, min(jobs, len(parts) // 4))  # a process is worth its start only for a few parts each
    done, aside = share(len(cuts), work, jobs, meanwhile=meanwhile)
    fragments: list[Fragment | None] = []
    made = 0
    for cut, (batch, state) in zip(cuts, done, strict=True):
        if cache is not None:
            cache.learn(state)
        for i, (key, found) in zip(cut, batch, strict=True):
            if isinstance(found, bytes):
                found = cache.load(key, found, _is_fragment)
                if found is None:  # reported: made again, here
                    found = make_fragment(parts[i])
                    made += 1
                    if found is not None:
                        cache.put(key, found)
            else:
                made += 1
            fragments.append(found)
    if cache is not None and warnings is not None:
        warnings += cache.warnings
    return fragments, made, aside


def _is_fragment(found) -> None:
    if not isinstance(found, Fragment):
        raise ValueError("not a fragment")
