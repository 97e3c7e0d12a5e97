"""The pipeline: read → segment → extract → resolve → graph → export. The only module that knows the order.

A bad input file becomes a one-line error and the other files go on; outputs are written atomically (a temp
file renamed over the target), so a failed or interrupted build leaves the previous graph as it was.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from .extract import extract_page
from .graph import build_graph
from .model import Document, Resolved
from .read import ReadError, iter_inputs, read_source
from .resolve import resolve


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


def extract_inputs(inputs: Iterable[str], *, encoding: str | None = None, glob: str | None = None,
                   date: str | None = None, on_file: Callable[[str], None] | None = None,
                   errors: list[str] | None = None) -> list[Document]:
    """Read, segment and extract every input; errors are collected as one line each, never raised."""
    errors = errors if errors is not None else []
    docs = []
    for item in iter_inputs(inputs, glob):
        if isinstance(item, ReadError):
            errors.append(str(item))
            continue
        try:
            source = read_source(item, encoding)
            docs.append(extract_page(source, date=date))
        except ReadError as exc:
            errors.append(str(exc))
        finally:
            if on_file:
                on_file(item)
    return docs


def count_inputs(inputs: Iterable[str], glob: str | None = None) -> int:
    return sum(1 for item in iter_inputs(inputs, glob) if not isinstance(item, ReadError))


def build(inputs: list[str], *, out_dir: Path, name: str, encoding: str | None = None, glob: str | None = None,
          date: str | None = None, city: str | None = None,
          on_file: Callable[[str], None] | None = None) -> tuple[BuildReport, Resolved, Graph]:
    started = time.perf_counter()
    report = BuildReport()
    docs = extract_inputs(inputs, encoding=encoding, glob=glob, date=date, on_file=on_file, errors=report.errors)
    resolved = resolve(docs, city=city)
    graph = build_graph(resolved)
    report.files = len(docs)
    report.articles = sum(len(d.articles) for d in docs)
    report.entities = Counter(e.type for e in resolved.entities)
    report.relations = len(resolved.relations)
    report.triples = len(graph)
    if docs:
        from .export.html import render_html

        out_dir.mkdir(parents=True, exist_ok=True)
        ttl = out_dir / f"{name}.ttl"
        html = out_dir / f"{name}.html"
        write_atomic(ttl, serialize_turtle(graph))
        write_atomic(html, render_html(graph, title=name).encode("utf-8"))
        report.outputs = [ttl, html]
    report.seconds = time.perf_counter() - started
    return report, resolved, graph


def serialize_turtle(graph: Graph) -> bytes:
    """rdflib's Turtle is sorted and byte-stable whatever the insertion order."""
    return graph.serialize(format="turtle", encoding="utf-8")


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temp file beside ``path`` and rename it over the target: readers see old or new, never half."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
