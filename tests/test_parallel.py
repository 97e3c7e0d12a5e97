"""Parallel builds: a process pool gives the same Documents in the same order, and byte-identical Turtle."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.engines import EngineError, batches, default_jobs, extract_sources
from kg.pipeline import build
from kg.read import read_source

ROOT = Path(__file__).resolve().parent.parent
PAGE = "本报讯（记者 {reporter}）3月{day}日，全市工业经济运行调度会召开，市委常委、副市长{name}出席会议并讲话。\n"
NAMES = ["赵刚", "钱立新", "孙广平", "李国栋", "周建华", "吴海涛", "郑明远"]


def write_pages(folder: Path, n: int = len(NAMES)) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"p{i:02d}.txt"
        path.write_text(PAGE.format(reporter="王明", day=i + 1, name=NAMES[i % len(NAMES)]), encoding="utf-8")
        paths.append(path)
    return paths


def test_batches_cover_every_file_once_in_order():
    for n in (0, 1, 5, 17, 100, 1000):
        for jobs in (1, 2, 8):
            flat = [i for part in batches(n, jobs) for i in part]
            assert flat == list(range(n))
            assert all(1 <= len(part) <= 16 for part in batches(n, jobs))
    assert len(batches(100, 2)) >= 8  # several batches per worker, so one slow file does not stall the others


def test_pool_returns_documents_in_input_order(tmp_path):
    sources = [read_source(str(p)) for p in write_pages(tmp_path / "pages")]
    done = []
    one = extract_sources(sources, jobs=1)
    pooled = extract_sources(sources, jobs=3, on_done=lambda s: done.append(s.path))
    assert [d.source.path for d in pooled] == [s.path for s in sources]
    assert pooled == one
    assert sorted(done) == sorted(s.path for s in sources)  # progress sees every file once


def test_where_processes_cannot_be_forked_a_pool_extracts(tmp_path, monkeypatch):
    """macOS and Windows start processes fresh: a pool of workers (each loading the models) does the work, with
    the same Documents in the same order, and the cache is written here."""
    import multiprocessing

    from kg.cache import ExtractCache

    sources = [read_source(str(p)) for p in write_pages(tmp_path / "pages", 4)]
    one = extract_sources(sources, jobs=1)
    real = multiprocessing.get_context
    monkeypatch.setattr(multiprocessing, "get_context", lambda method=None: real(method or "spawn"))
    cache = ExtractCache(tmp_path / "cache")
    keys = [cache.key(s) for s in sources]
    ran = []
    assert extract_sources(sources, jobs=2, cache=cache, keys=keys, meanwhile=lambda: ran.append(1)) == one
    assert ran == [1] and all(cache.get(k, s) == d for k, s, d in zip(keys, sources, one, strict=True))


def test_more_jobs_than_files_and_no_files(tmp_path):
    sources = [read_source(str(p)) for p in write_pages(tmp_path / "pages", 2)]
    assert extract_sources(sources, jobs=16) == extract_sources(sources, jobs=1)
    assert extract_sources([], jobs=4) == []
    assert default_jobs() >= 1


def test_unknown_engine_is_one_line_error():
    with pytest.raises(EngineError, match="unknown engine 'spark'"):
        extract_sources([], engine="spark")


def test_parallel_seed_build_is_byte_identical(seed_build, tmp_path, monkeypatch):
    """The seeds built by two workers give the same Turtle as the one-process build of the fixture."""
    monkeypatch.chdir(ROOT)
    report, _, _ = build(["seeds/"], out_dir=tmp_path, name="seeds", jobs=2)
    assert report.extracted == 5 and report.cached == 0
    assert (tmp_path / "seeds.ttl").read_bytes() == (seed_build[3] / "seeds.ttl").read_bytes()


def test_cli_jobs_option_gives_identical_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_pages(Path("pages"))
    runner = CliRunner()
    for jobs in ("1", "3"):
        result = runner.invoke(main, ["build", "pages", "--out", f"out{jobs}", "--jobs", jobs, "--no-cache",
                                      "--city", "聊城", "--quiet"])
        assert result.exit_code == 0, result.output
    assert Path("out1/pages.ttl").read_bytes() == Path("out3/pages.ttl").read_bytes()
    assert not Path("out1/.kg-cache").exists()  # --no-cache writes no cache either
    result = runner.invoke(main, ["build", "pages", "--jobs", "0"])
    assert result.exit_code == 2


def test_read_errors_keep_their_order_with_a_pool(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_pages(Path("pages"), 3)
    Path("empty.txt").write_bytes(b"")
    result = CliRunner().invoke(main, ["build", "pages", "empty.txt", "missing.txt", "--out", "g", "--jobs", "2",
                                       "--quiet"])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("kg: ")]
    assert errors == ["kg: empty.txt: empty file", "kg: missing.txt: no such file or folder"]
    assert os.path.isfile("g/pages.ttl")


# ---------------------------------------------------------------- the memoised Turtle writer

def test_memoised_turtle_is_rdflibs_on_the_seed_graph(seed_graph):
    from kg.pipeline import serialize_turtle

    assert serialize_turtle(seed_graph) == seed_graph.serialize(format="turtle", encoding="utf-8")


NAMESPACES = ["http://example.org/ns/", "http://example.org/other#", "https://w3id.org/kgcn/id/person/",
              "https://w3id.org/kgcn/ontology#", "urn:x:"]


def _terms():
    from hypothesis import strategies as st
    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import XSD

    local = st.text(alphabet="ab刘文_.-1%(", min_size=0, max_size=4)
    iri = st.builds(lambda ns, name: URIRef(ns + name), st.sampled_from(NAMESPACES), local)
    literal = st.one_of(
        st.builds(Literal, st.text(alphabet='ab"\\\n刘 ', max_size=5)),
        st.builds(lambda t: Literal(t, lang="zh"), st.text(alphabet="ab刘", max_size=3)),
        st.builds(lambda n: Literal(n, datatype=XSD.integer), st.integers(-5, 5)),
        st.builds(lambda d: Literal(d, datatype=XSD.decimal), st.sampled_from(["1.0", "5.3", "64.0", "2"])),
        st.builds(lambda d: Literal(d, datatype=XSD.date), st.sampled_from(["2023-02-20", "2024-01-01"])),
    )
    bnode = st.sampled_from([BNode("b1"), BNode("b2")])
    return iri, literal, bnode


def test_memoised_turtle_is_rdflibs_on_any_graph():
    """Generated prefixes (a predicate in an unbound namespace), subjects in that namespace met first, local
    names that cannot be prefixed names, blank nodes, typed literals: the same bytes as rdflib's writer."""
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from rdflib import Graph

    from kg.pipeline import serialize_turtle
    from kg.vocab import bind_prefixes

    iri, literal, bnode = _terms()
    triple = st.tuples(st.one_of(iri, bnode), iri, st.one_of(iri, literal, bnode))

    @settings(max_examples=150, deadline=None)
    @given(st.lists(triple, max_size=12), st.booleans())
    def check(triples, bound):
        graphs = [Graph(), Graph()]  # each writer may bind prefixes (ns1…) in its graph: one fresh graph each
        for g in graphs:
            if bound:
                bind_prefixes(g)
            for t in triples:
                g.add(t)
        assert serialize_turtle(graphs[0]) == graphs[1].serialize(format="turtle", encoding="utf-8")

    check()
