"""The ``kg`` command line: options in, pipeline / store / export called, results out.

Exit status: 0 success, 1 when an input failed or nothing matched, 2 for usage errors (bad options, bad query).
Errors go to stderr, one line each.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from . import __version__

NEWLINE = b"\n"
DATE_HELP = "Date of the pages (YYYY-MM-DD) when they do not say their year."


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"kg: {message}", err=True)
    sys.exit(code)


def _graph_option(f):
    return click.option("--graph", "graph_path", type=click.Path(path_type=Path),
                        help="Turtle graph to read (default: the newest in graphs/).")(f)


def _store_option(f):
    return click.option("--store", "store_spec", metavar="oxigraph:PATH",
                        help="Read a persistent Oxigraph store (made by kg build --store) instead of --graph.")(f)


def _store_path(spec: str) -> Path:
    backend, sep, where = spec.partition(":")
    if backend != "oxigraph" or not sep or not where:
        _fail(f"--store {spec!r}: expected oxigraph:PATH", 2)
    return Path(where)


def _open_graph(graph_path, store_spec):
    """The Turtle graph (rdflib) or, with --store, the Oxigraph store: both answer kg.store's functions."""
    from .store import StoreError, load, open_store

    if graph_path and store_spec:
        _fail("give --graph FILE or --store oxigraph:PATH, not both", 2)
    if store_spec:
        _store_path(store_spec)
    try:
        return open_store(store_spec) if store_spec else load(graph_path)
    except StoreError as exc:
        _fail(str(exc))


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """Build and query knowledge graphs of Chinese government news pages."""


_PROCESS_ENDS = False  # set by ``run``: the process exits as soon as the command returns


def run() -> None:
    """The ``kg`` command: ``main``, then, its output flushed, an immediate exit. A build or a loaded graph holds
    hundreds of megabytes of objects that the interpreter would free one by one on the way out (0.3 s after a
    100× build) for a process that is ending anyway."""
    global _PROCESS_ENDS
    _PROCESS_ENDS = True
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code
    if code is None:
        code = 0
    elif not isinstance(code, int):
        click.echo(code, err=True)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # a reader that went away (kg query | head): nothing more to tell it
            pass
        except (OSError, ValueError):  # a full disk, a closed stream: the output is not all there
            code = code or 1
    os._exit(code)


@main.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("graphs"), show_default=True,
              help="Folder for NAME.ttl and NAME.html.")
@click.option("--name", help="Base name of the outputs (default: the name of the first source folder).")
@click.option("--encoding", help="Force an input encoding (default: detected per file).")
@click.option("--glob", "glob_pattern", help="File pattern inside folders (default: *.txt and *.md).")
@click.option("--date", help=DATE_HELP)
@click.option("--city", help="The paper's city, for 市/县 prefixes (default: the city the pages name most).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
@click.option("--jobs", "-j", type=click.IntRange(min=1),
              help="Processes for extraction and the graph (default: all cores; 1 = this process only).")
@click.option("--no-cache", is_flag=True, help="Extract every file again, ignoring the extraction cache.")
@click.option("--cache-dir", type=click.Path(path_type=Path),
              help="Extraction cache folder (default: OUT/.kg-cache).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where extraction runs: local processes, or a Dask cluster.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Dask scheduler address (tcp://host:8786); default: a local cluster of --jobs workers.")
@click.option("--store", "store_spec", metavar="oxigraph:PATH",
              help="Also bulk-load the graph into a persistent Oxigraph store at PATH (replaced).")
@click.option("--judgements", "judgements_file", type=click.Path(path_type=Path),
              help="Reviewed resolution decisions (name A, name B, same|not-same, note; tab-separated).")
def build(sources, out_dir, name, encoding, glob_pattern, date, city, quiet, jobs, no_cache, cache_dir, engine,
          scheduler, store_spec, judgements_file):
    """Build a graph from news pages: writes OUT/NAME.ttl (Turtle) and OUT/NAME.html (network view).

    SOURCES are files, folders (searched recursively) or - for standard input. Extraction runs in --jobs
    processes (or on Dask) and is cached per file in OUT/.kg-cache, so a rebuild extracts only what changed.
    """
    from .engines import EngineError, default_jobs
    from .pipeline import build as run_build
    from .pipeline import count_inputs
    from .store import StoreError

    if _PROCESS_ENDS:
        # the pipeline pauses the collector during the build and would turn it back on, for a first collection
        # that walks every object the build made (0.1 s at 100×) in a process about to exit
        gc.disable()
    _check_date(date)
    judgements = _judgements(judgements_file)
    if scheduler and engine != "dask":
        _fail("--scheduler needs --engine dask", 2)
    store_path = _store_path(store_spec) if store_spec else None
    cache_dir = None if no_cache else (cache_dir or out_dir / ".kg-cache")
    name = name or _default_name(sources[0])
    total = count_inputs(sources, glob_pattern)
    progress = None
    if not quiet and sys.stderr.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        progress = Progress(TextColumn("reading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            TextColumn("{task.description}"), transient=True, console=_stderr_console())
        task = progress.add_task("", total=total)
        progress.start()

    def tick(path: str) -> None:
        if progress is not None:
            progress.update(task, advance=1, description=Path(path).name)

    try:
        with _sigterm_unwinds():
            report, _resolved, _graph = run_build(list(sources), out_dir=out_dir, name=name, encoding=encoding,
                                                  glob=glob_pattern, date=date, city=city, on_file=tick,
                                                  jobs=jobs or default_jobs(), cache_dir=cache_dir, engine=engine,
                                                  scheduler=scheduler, store=store_path, judgements=judgements,
                                                  rdf_graph=False)
    except (EngineError, StoreError) as exc:
        _fail(str(exc))
    except ValueError as exc:
        _fail(str(exc), 2)
    except OSError as exc:
        _fail(f"{exc.filename or out_dir}: cannot write output ({exc.strerror})")
    finally:
        if progress is not None:
            progress.stop()
    for line in report.warnings:
        click.echo(f"kg: warning: {line}", err=True)
    if not report.outputs:  # each input's problem on its line, the last one saying that nothing was written
        for line in report.errors[:-1]:
            click.echo(f"kg: {line}", err=True)
        _fail(f"{report.errors[-1]}; nothing written" if report.errors else "no input could be read; nothing written")
    for line in report.errors:
        click.echo(f"kg: {line}", err=True)
    if not quiet:
        click.echo(_summary(report))
    if report.errors:
        sys.exit(1)


def _judgements(path: Path | None) -> list:
    if path is None:
        return []
    from .judgements import JudgementError, read_judgements

    try:
        return read_judgements(path)
    except JudgementError as exc:
        _fail(str(exc), 2)


@contextmanager
def _sigterm_unwinds():
    """A kill (SIGTERM) unwinds like Ctrl-C, so the temp files of outputs are removed; exit status 143."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, _frame):
        raise SystemExit(128 + signum)

    before = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


def _default_name(source: str) -> str:
    if source == "-":
        return "stdin"
    p = Path(source)
    return (p.resolve().name if p.is_dir() else p.stem) or "graph"


def _check_date(date: str | None) -> None:
    if date is None:
        return
    import datetime

    try:
        datetime.date.fromisoformat(date)
    except ValueError:
        _fail(f"--date {date!r}: expected YYYY-MM-DD", 2)


def _summary(report) -> str:
    types = ", ".join(f"{t} {n}" for t, n in sorted(report.entities.items(), key=lambda kv: (-kv[1], kv[0])))
    lines = [
        f"files      {report.files}",
        *([f"cached     {report.cached} (extracted {report.extracted})"] if report.cached else []),
        f"articles   {report.articles}",
        f"entities   {sum(report.entities.values())} ({types})",
        f"relations  {report.relations}",
        f"triples    {report.triples}",
        f"seconds    {report.seconds:.1f}",
    ]
    lines += [f"wrote      {p}" for p in report.outputs]
    return "\n".join(lines)


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--from-jsonl", "from_jsonl", help="Read JSON lines with a 'text' field from FILE (or - for stdin).")
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True,
              help="Output format: one JSON object per input.")
@click.option("--encoding", help="Force an input encoding (default: detected per file).")
@click.option("--date", help=DATE_HELP)
@click.option("--city", help="The paper's city, for 市/县 prefixes.")
def extract(paths, from_jsonl, fmt, encoding, date, city):
    """Print what kg reads in each input, as JSON lines (entities, mentions with offsets, relations)."""
    from .jsonl import document_json, text_json

    _check_date(date)
    if from_jsonl:
        if paths:
            _fail("give PATHS or --from-jsonl, not both", 2)
        failed = False
        stream = sys.stdin if from_jsonl == "-" else _open_text(from_jsonl)
        for n, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                text = record["text"]
                if not isinstance(text, str):
                    raise TypeError
            except (ValueError, KeyError, TypeError):
                click.echo(f"kg: {from_jsonl}:{n}: not a JSON object with a 'text' string", err=True)
                failed = True
                continue
            try:  # JSON may spell a lone surrogate ("\ud800"): not text, and nothing could print it
                json.dumps(record, ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError:
                click.echo(f"kg: {from_jsonl}:{n}: not Unicode text (a lone surrogate \\u{ord(_lone(record)):04x})",
                           err=True)
                failed = True
                continue
            click.echo(json.dumps(text_json(text, record.get("id", n)), ensure_ascii=False))
        sys.exit(1 if failed else 0)
    if not paths:
        _fail("give one or more PATHS, or --from-jsonl FILE", 2)
    from .pipeline import extract_inputs
    from .resolve import resolve

    errors: list[str] = []
    docs = extract_inputs(paths, encoding=encoding, date=date, errors=errors)
    try:
        resolved = resolve(docs, city=city)
    except ValueError as exc:
        _fail(str(exc), 2)
    for doc in docs:
        click.echo(json.dumps(document_json(doc, resolved), ensure_ascii=False))
    for line in errors:
        click.echo(f"kg: {line}", err=True)
    sys.exit(1 if errors else 0)


def _lone(record) -> str:
    """The first lone surrogate in a decoded JSON record."""
    text = json.dumps(record, ensure_ascii=False)
    return next(ch for ch in text if "\ud800" <= ch <= "\udfff")


def _open_text(path: str):
    try:
        return open(path, encoding="utf-8")
    except OSError as exc:
        _fail(f"{path}: {exc.strerror}")


@main.command()
@click.argument("name")
@_graph_option
@_store_option
def lookup(name, graph_path, store_spec):
    """Show the card of an entity found by its name, an alias, or a unique part of either."""
    from .store import card

    graph = _open_graph(graph_path, store_spec)
    click.echo(_render_card(card(graph, _find_one(graph, name))))


def _find_one(graph, name: str):
    """The one entity NAME finds; otherwise exit 1 after saying none, or listing the candidates."""
    from .store import card, find, label

    found = find(graph, name)
    if not found:
        _fail(f"no entity named {name!r}")
    if len(found) > 1:
        click.echo(f"{len(found)} entities match {name!r}; be more specific:")
        for node in found:
            click.echo(f"  {label(graph, node)}  ({card(graph, node).type})")
        sys.exit(1)
    return found[0]


def _render_card(c) -> str:
    lines = [f"{c.name}  ({c.type})", f"  id       {c.iri}"]
    if c.aliases:
        lines.append(f"  aliases  {'、'.join(c.aliases)}")
    if c.posts:
        lines.append("  posts")
        lines += [f"    {title} — {org}" + (f"  ({date})" if date else "") for title, org, date in c.posts]
    if c.relations:
        lines.append("  relations")
        lines += [f"    {d} {pred:<15} {other}  ({typ})" + (f"  as {role}" if role else "")
                  for d, pred, other, typ, role in c.relations]
    if c.articles:
        lines.append("  articles")
        for date, headline, art, evidence in c.articles:
            lines.append(f"    {date or '(no date)':<10}  {headline or '(untitled)'}  [{art}]")
            lines.append(f"                “{evidence}”")
    return "\n".join(lines)


@main.command()
@click.argument("query", required=False)
@click.option("--file", "query_file", type=click.Path(path_type=Path), help="Read the SPARQL query from a file.")
@_graph_option
@_store_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def query(query, query_file, graph_path, store_spec, fmt):
    """Run a SPARQL query over a graph (kg:, kgid:, org:, schema:, prov:, skos: prefixes are predefined)."""
    from .store import QueryError, run_query, short

    if bool(query) == bool(query_file):
        _fail("give a QUERY or --file Q.rq (one of them)", 2)
    if query_file:
        try:
            query = query_file.read_text(encoding="utf-8")
        except OSError as exc:
            _fail(f"{query_file}: {exc.strerror}", 2)
    graph = _open_graph(graph_path, store_spec)
    try:
        names, rows = run_query(graph, query)
    except QueryError as exc:
        _fail(str(exc), 2)
    cells = [[short(graph, v) for v in row] for row in rows]
    if fmt == "json":
        click.echo(json.dumps([dict(zip(names, row, strict=False)) for row in cells], ensure_ascii=False,
                              indent=1))
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(cells)
        click.echo(buf.getvalue(), nl=False)
    else:
        click.echo(_table(names, cells))


def _table(names: list[str], rows: list[list[str]]) -> str:
    widths = [max([width(n)] + [width(r[i]) for r in rows]) for i, n in enumerate(names)]

    def fmt_row(row):
        return "  ".join(cell + " " * (w - width(cell)) for cell, w in zip(row, widths, strict=False)).rstrip()

    out = [fmt_row(names), "  ".join("-" * w for w in widths)]
    out += [fmt_row(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def width(text: str) -> int:
    """Terminal columns of a string: CJK characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@main.command()
@_graph_option
@_store_option
def stats(graph_path, store_spec):
    """Count entities by type and facts by predicate."""
    from .store import stats as graph_stats

    graph = _open_graph(graph_path, store_spec)
    types, preds, triples = graph_stats(graph)
    lines = ["entities"] + [f"  {name:<14}{n:>6}" for name, n in types]
    lines += ["facts"] + [f"  {name:<14}{n:>6}" for name, n in preds]
    lines.append(f"triples         {triples:>6}")
    click.echo("\n".join(lines))


@main.command()
@click.argument("graph_file", required=False, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["ttl", "trig", "nq", "jsonld", "graphml", "csv"]), default="nq",
              show_default=True,
              help="nq/trig: each article's evidence in a named graph (the article IRI); ttl; jsonld; graphml "
                   "(entities and relations, for Gephi/networkx); csv (OUT-nodes.csv and OUT-edges.csv).")
@click.option("--out", "out_file", type=click.Path(path_type=Path),
              help="File to write (default: GRAPH_FILE with the format's suffix; - for standard output).")
def export(graph_file, fmt, out_file):
    """Export a graph for other tools: server triple stores (Jena Fuseki/TDB2, QLever bulk-load the sorted
    N-Quads or TriG), JSON-LD, GraphML for Gephi and networkx, CSV node and edge tables for spreadsheets and
    Neo4j import.

    GRAPH_FILE is a Turtle graph (default: the newest in graphs/). In N-Quads and TriG, statements about an
    assertion or a mention go to the named graph of their article; all others to the default graph.
    """
    from .export import formats
    from .oxistore import nquads
    from .pipeline import write_atomic
    from .store import StoreError, default_graph, load

    try:
        path = graph_file or default_graph()
        if not Path(path).is_file():
            raise StoreError(f"{path}: no such graph file")
        if fmt == "nq":
            data = nquads(path)
        else:
            graph = load(Path(path))
            writers = {"ttl": lambda: graph.serialize(format="turtle", encoding="utf-8"),
                       "trig": lambda: formats.to_trig(graph), "jsonld": lambda: formats.to_jsonld(graph),
                       "graphml": lambda: formats.to_graphml(graph), "csv": lambda: formats.to_csv(graph)}
            data = writers[fmt]()
    except StoreError as exc:
        _fail(str(exc))
    if fmt == "csv":
        target = out_file if out_file and str(out_file) != "-" else Path(path)
        nodes_path, edges_path = formats.csv_paths(Path(target))
        for file, part in ((nodes_path, data[0]), (edges_path, data[1])):
            try:
                write_atomic(file, part)
            except OSError as exc:
                _fail(f"{file}: cannot write ({exc.strerror})")
        click.echo(f"wrote {nodes_path}  ({data[0].count(NEWLINE) - 1} nodes)")
        click.echo(f"wrote {edges_path}  ({data[1].count(NEWLINE) - 1} edges)")
        return
    if str(out_file) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    out_file = out_file or Path(path).with_suffix(f".{fmt}")
    try:
        write_atomic(out_file, data)
    except OSError as exc:
        _fail(f"{out_file}: cannot write ({exc.strerror})")
    if fmt == "nq":
        click.echo(f"wrote {out_file}  ({data.count(NEWLINE)} quads)")
    else:
        click.echo(f"wrote {out_file}")


@main.command()
@_graph_option
def validate(graph_path):
    """Check a graph against the SHACL shapes of ontology/shapes.ttl."""
    from .store import StoreError, load
    from .validate import validate as run_validate

    try:
        graph = load(graph_path)
    except StoreError as exc:
        _fail(str(exc))
    ok, problems = run_validate(graph)
    for line in problems:
        click.echo(line)
    if not ok:
        _fail(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found")
    click.echo("conforms")


@main.command()
@click.argument("name", required=False)
@click.option("--hops", type=click.IntRange(min=0), default=None,
              help="Relations to follow from NAME, in either direction (default: 1).")
@click.option("--types", "types_text", metavar="T,T", help="Only entities of these types (e.g. Official,Agency).")
@_graph_option
@click.option("--out", "out_file", type=click.Path(path_type=Path),
              help="HTML file to write (default: next to the graph, named after NAME or the types).")
def viz(name, hops, types_text, graph_path, out_file):
    """Write the interactive HTML network of a graph (self-contained, works offline).

    With NAME (found like 'kg lookup' finds it), only the entities within --hops relations of it.
    """
    import re

    from .export.html import render_html
    from .export.network import ego_view, network_view, only_types, parse_types
    from .pipeline import write_atomic
    from .store import StoreError, default_graph, label, load

    try:
        types = parse_types(types_text)
    except ValueError as exc:
        _fail(str(exc), 2)
    if hops is not None and not name:
        _fail("--hops needs a NAME to start from", 2)
    try:
        path = graph_path or default_graph()
        graph = load(path)
    except StoreError as exc:
        _fail(str(exc))
    title, stem, focus = Path(path).stem, Path(path).stem, None
    view = network_view(graph)
    if name:
        node = _find_one(graph, name)
        focus, hops = str(node), 1 if hops is None else hops
        view = ego_view(view, focus, hops, types)
        title += f" · {label(graph, node)}（{hops} 跳）"
        stem += "-" + re.sub(r'[\\/:*?"<>|\s]+', "_", label(graph, node))
    elif types:
        view = only_types(view, types)
        stem += "-" + "+".join(types)
    if types:
        title += " · " + "、".join(types)
    out_file = out_file or Path(path).with_name(f"{stem}.html")
    try:
        write_atomic(out_file, render_html(view, title=title, focus=focus).encode("utf-8"))
    except OSError as exc:
        _fail(f"{exc.filename or out_file}: cannot write output ({exc.strerror})")
    click.echo(f"wrote {out_file}  ({view.number_of_nodes()} entities, {view.number_of_edges()} relations)")


@main.command()
@_graph_option
def candidates(graph_path):
    """List the merges resolution was unsure about, with evidence for each side, for a person to judge.

    Copy a line into a judgements file (same or not-same) and rebuild with --judgements FILE.
    """
    from .store import StoreError, load, merge_candidates

    try:
        graph = load(graph_path)
    except StoreError as exc:
        _fail(str(exc))
    found = merge_candidates(graph)
    if not found:
        click.echo("no merge candidates")
        return
    for n, c in enumerate(found, 1):
        click.echo(f"{n}. {c['a']} ≈ {c['b']}  ({c['type']}, confidence {c['confidence']})")
        click.echo(f"   why: {c['reason']}")
        for side in ("a", "b"):
            for date, headline, evidence in c[f"{side}_evidence"][:2]:
                click.echo(f"   {c[side]}: {date or '(no date)'} {headline or '(untitled)'} — “{evidence}”")
        click.echo(f"   judge: {c['a']}\t{c['b']}\tsame|not-same")
