"""The pipeline: read → segment → extract → resolve → graph → export. The only module that knows the order.

A bad input file becomes a one-line error and the other files go on; outputs are written atomically (a temp
file renamed over the target), so a failed or interrupted build leaves the previous graph as it was.

Large corpora: extraction (per file) is shared with forked processes or runs on a Dask cluster (``kg.engines``)
and is cached per file (``kg.cache``); results are merged in input order, so the Turtle is byte-identical whatever the
number of workers, the engine or the cache state. Resolution runs here; each document's share of the graph is
made in forked processes too (``kg.fragments``), and in this process once it has made the shared part, and the HTML
page is drawn in a forked process while the Turtle is serialised (``beside``). The garbage collector is paused.
"""

from __future__ import annotations

import gc
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph

from .engines import signals_held
from .forks import beside
from .graph import Table, add_entities, build_table, split_table
from .model import Document, Resolved, Source
from .read import ReadError, iter_inputs, read_source
from .resolve import resolve
from .turtle import Blocks, Renderer, merge, namespaces, serialize_graph, turtle_of_table, write_turtle

if TYPE_CHECKING:
    import networkx as nx


@dataclass
class BuildReport:
    files: int = 0
    articles: int = 0
    entities: Counter = field(default_factory=Counter)
    relations: int = 0
    triples: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    cached: int = 0  # files whose Document came from the cache
    extracted: int = 0  # files extracted in this build
    warnings: list[str] = field(default_factory=list)  # cache problems: reported, never fatal
    fragments: int = 0  # documents whose share of the graph was made in this build (not from the cache)
    cache_usable: bool = True  # False once the cache folder failed (the graph's fragments then skip it too)


def extract_inputs(inputs: Iterable[str], *, encoding: str | None = None, glob: str | None = None,
                   date: str | None = None, on_file: Callable[[str], None] | None = None,
                   errors: list[str] | None = None, jobs: int = 1, cache_dir: Path | None = None,
                   engine: str = "local", scheduler: str | None = None,
                   report: BuildReport | None = None) -> list[Document]:
    """Read, segment and extract every input, in input order; errors are collected as one line each, never raised.

    ``jobs`` worker processes (or a Dask ``engine``) extract the files not found in the cache in ``cache_dir``
    (no cache when None); the counts of cached and extracted files and cache warnings go to ``report``.
    """
    with gc_paused(engine != "dask"):  # a Dask client lives on asyncio, whose objects do make cycles
        return _extract_inputs(inputs, encoding=encoding, glob=glob, date=date, on_file=on_file, errors=errors,
                               jobs=jobs, cache_dir=cache_dir, engine=engine, scheduler=scheduler, report=report)


def _extract_inputs(inputs, *, encoding, glob, date, on_file, errors, jobs, cache_dir, engine, scheduler,
                    report) -> list[Document]:
    from .engines import extract_sources

    errors = errors if errors is not None else []
    report = report if report is not None else BuildReport()
    cache = None
    if cache_dir is not None:
        from .cache import ExtractCache

        cache = ExtractCache(cache_dir)
    sources: list[Source] = []
    for item in iter_inputs(inputs, glob):
        if isinstance(item, ReadError):
            errors.append(str(item))
            continue
        try:
            sources.append(read_source(item, encoding))
        except ReadError as exc:
            errors.append(str(exc))
            if on_file:
                on_file(item)
    docs: list[Document | None] = [None] * len(sources)
    keys = [cache.key(source, date) for source in sources] if cache is not None else []
    absent: list[int] = []
    kept: list[int] = []  # indices of the sources with a cache entry (read while the absent ones are extracted)
    for i in range(len(sources)):
        (kept if cache is not None and cache.has(keys[i]) else absent).append(i)

    def load_kept() -> None:
        for i in kept:
            docs[i] = cache.get(keys[i], sources[i])
            if docs[i] is not None and on_file:
                on_file(sources[i].path)
        if absent:  # resolution needs the lexicon: loaded while the new files are extracted elsewhere
            from .extract.lexicon import lexicon

            lexicon()

    done = (lambda s: on_file(s.path)) if on_file else None
    # new pages are written to the cache by the processes that extract them
    fresh = extract_sources([sources[i] for i in absent], date=date, jobs=jobs, engine=engine, scheduler=scheduler,
                            on_done=done, meanwhile=load_kept if kept else None, cache=cache,
                            keys=[keys[i] for i in absent] if cache is not None else [])
    damaged = [i for i in kept if docs[i] is None]  # reported by the cache: extracted again
    fresh += extract_sources([sources[i] for i in damaged], date=date, jobs=jobs, engine=engine,
                             scheduler=scheduler, on_done=done, cache=cache,
                             keys=[keys[i] for i in damaged]) if damaged else []
    missing = absent + damaged
    for i, doc in zip(missing, fresh, strict=True):
        docs[i] = doc
    report.cached += len(sources) - len(missing)
    report.extracted += len(missing)
    if cache is not None:
        report.warnings += cache.warnings
        report.cache_usable = cache._readable and cache._writable
    return docs  # type: ignore[return-value]


def count_inputs(inputs: Iterable[str], glob: str | None = None) -> int:
    return sum(1 for item in iter_inputs(inputs, glob) if not isinstance(item, ReadError))


def build(inputs: list[str], *, out_dir: Path, name: str, encoding: str | None = None, glob: str | None = None,
          date: str | None = None, city: str | None = None,
          on_file: Callable[[str], None] | None = None, jobs: int = 1, cache_dir: Path | None = None,
          engine: str = "local", scheduler: str | None = None,
          store: Path | None = None, judgements: list | None = None,
          rdf_graph: bool = True) -> tuple[BuildReport, Resolved, Graph | None]:
    """Build OUT/NAME.ttl and OUT/NAME.html (and the Oxigraph store at ``store`` when given). The rdflib Graph
    of the result is made only for callers that ask for it (``rdf_graph``; None otherwise)."""
    started = time.perf_counter()
    report = BuildReport()
    docs = extract_inputs(inputs, encoding=encoding, glob=glob, date=date, on_file=on_file, errors=report.errors,
                          jobs=jobs, cache_dir=cache_dir, engine=engine, scheduler=scheduler, report=report)
    with gc_paused():
        return _build(docs, report, started, out_dir=out_dir, name=name, city=city, jobs=jobs, cache_dir=cache_dir,
                      store=store, judgements=judgements, rdf_graph=rdf_graph)


def _build(docs: list[Document], report: BuildReport, started: float, *, out_dir, name, city, jobs, cache_dir,
           store, judgements, rdf_graph) -> tuple[BuildReport, Resolved, Graph | None]:
    resolved = resolve(docs, city=city, judgements=judgements)
    graph, view = _graph(resolved, jobs=jobs, cache_dir=cache_dir, report=report)
    report.files = len(docs)
    report.articles = sum(len(d.articles) for d in docs)
    report.entities = Counter(e.type for e in resolved.entities)
    report.relations = len(resolved.relations)
    if docs:
        from .export.html import render_html

        out_dir.mkdir(parents=True, exist_ok=True)
        ttl = out_dir / f"{name}.ttl"
        html = out_dir / f"{name}.html"

        # the page is drawn and written to its temp file (by a forked process) while the Turtle is made and
        # written to its own; both are renamed into place together or neither is: never a new graph beside an
        # old page
        with staged() as outputs:
            ttl_tmp, html_tmp = outputs.reserve(ttl), outputs.reserve(html)

            def draw_page() -> None:
                fill(html_tmp, render_html(view, title=name).encode("utf-8"), html)

            with beside(draw_page, parallel=jobs > 1) as drawing:
                turtle = serialize_turtle(graph)
                fill(ttl_tmp, turtle, ttl)
                drawing.result()
            outputs.commit()
        report.outputs = [ttl, html]
        if store is not None:
            load_oxigraph(store, turtle)
            report.outputs.append(store)
    report.seconds = time.perf_counter() - started
    if rdf_graph:
        graph = graph if isinstance(graph, Table) else build_table(resolved)
        return report, resolved, graph.to_graph()
    return report, resolved, None


def _graph(resolved: Resolved, *, jobs: int, cache_dir: Path | None,
           report: BuildReport) -> tuple[Table | Blocks, Table | nx.MultiDiGraph]:
    """The graph stage: the graph as Turtle blocks (or a Table) and what the HTML page is drawn from.

    Each document's part of the graph is a fragment (``kg.fragments``), made in ``jobs`` processes and cached
    beside the extraction cache; the shared part is made here. When the parts do not fit that (two files with
    one source key), the graph is made whole."""
    from .export.network import _facts, mention_rows, network_view
    from .fragments import load_terms, make_fragments, save_terms

    split = split_table(resolved, entities=False)
    if split is not None:
        shared, parts = split
        cache_dir = cache_dir if report.cache_usable else None
        renderer = Renderer(load_terms(cache_dir, report.warnings))

        def shared_work():
            from .export import html  # noqa: F401 - imported while the workers run, for the page drawn later

            add_entities(shared, resolved)
            fits = renderer.fits(shared.spo)
            return (renderer.render(shared.spo) if fits else None), _facts(shared), mention_rows(shared)

        fragments, report.fragments, (shared_blocks, facts, mentions) = make_fragments(
            parts, jobs=jobs, cache_dir=cache_dir, warnings=report.warnings, renderer=renderer,
            meanwhile=shared_work)
        if all(f is not None for f in fragments) and shared_blocks is not None:
            blocks = merge([shared_blocks, *(f.blocks for f in fragments)])
            save_terms(cache_dir, renderer, report.warnings)
            if blocks is not None:
                for f in fragments:
                    for key, rows in f.facts.items():
                        facts.setdefault(key, []).extend(rows)
                    for key, rows in f.mentions.items():
                        mentions.setdefault(key, []).extend(rows)
                for rows in facts.values():
                    rows.sort()
                report.triples = len(shared) + sum(f.triples for f in fragments)
                return blocks, network_view(shared, facts=facts, mentions=mentions)
    table = build_table(resolved)
    report.triples = len(table)
    return table, table


@contextmanager
def gc_paused(pause: bool = True):
    """The cyclic garbage collector off for a build (when ``pause``). A build's objects live until it ends and
    make no reference cycles to reclaim (none in 500 extracted pages, measured), yet each full collection walks
    all of them: a tenth of a 100× build; in forked workers the walk also copies every page of memory it
    touches."""
    was = gc.isenabled()
    if pause:
        gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def serialize_turtle(graph: Graph | Table | Blocks) -> bytes:
    """rdflib's Turtle (sorted, byte-stable whatever the insertion order) of an rdflib Graph, a Table, or the
    Turtle blocks of a graph's subjects."""
    if isinstance(graph, Blocks):
        return write_turtle(graph, namespaces())
    if isinstance(graph, Table):
        return turtle_of_table(graph)
    return serialize_graph(graph)


def load_oxigraph(path: Path, turtle: bytes) -> None:
    """Bulk-load a graph into a fresh Oxigraph store at ``path`` (built beside it, then swapped in)."""
    from .oxistore import bulk_load

    bulk_load(Path(path), turtle)


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temp file beside ``path`` and rename it over the target: readers see old or new, never half."""
    write_all_atomic([(Path(path), data)])


def write_all_atomic(files: list[tuple[Path, bytes]]) -> None:
    """Write each file to a temp file beside it, then rename them all over their targets with SIGINT and SIGTERM
    held: an error or an interruption leaves every old file and no temp file, or every new file."""
    with staged() as outputs:
        for path, data in files:
            outputs.write(path, data)
        outputs.commit()


class Staged:
    """Outputs written one by one to temp files beside their targets (while other work goes on), then renamed
    over them all at once by ``commit``."""

    def __init__(self):
        self.paths: list[Path] = []
        self.temps: list[str] = []

    def reserve(self, path: Path) -> str:
        """A new temp file beside ``path``, for ``fill`` (here or in a forked process) before the commit."""
        tmp = _new_temp(Path(path), self.temps)
        self.paths.append(Path(path))
        return tmp

    def write(self, path: Path, data: bytes) -> None:
        fill(self.reserve(path), data, path)

    def commit(self) -> None:
        with signals_held():
            for path, tmp in zip(self.paths, self.temps, strict=True):
                try:
                    os.replace(tmp, path)
                except OSError as exc:
                    raise OSError(exc.errno, exc.strerror, str(path)) from None


@contextmanager
def staged():
    """A ``Staged`` set of outputs: an error or an interruption before or during its commit leaves every old file
    and no temp file, or (once committed) every new file."""
    outputs = Staged()
    try:
        yield outputs
    except BaseException:
        for tmp in outputs.temps:
            Path(tmp).unlink(missing_ok=True)
        raise


def _new_temp(path: Path, temps: list[str]) -> str:
    """A new empty temp file beside ``path``, listed in ``temps`` before anything can interrupt; its name."""
    try:
        with signals_held():
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            temps.append(tmp)
        try:
            if hasattr(os, "fchmod"):  # mkstemp makes 0600; an output is as readable as any file
                os.fchmod(fd, 0o666 & ~_umask())
        finally:
            os.close(fd)
    except OSError as exc:  # name the output, not a temp file the user never asked for
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    return tmp


def fill(tmp: str, data: bytes, path: Path) -> None:
    """Write ``data`` into the temp file ``tmp`` of the output ``path``, on disk before it is renamed."""
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
