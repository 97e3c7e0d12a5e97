"""The graph made per document (kg.fragments, kg.turtle): the same bytes as rdflib's Turtle of the whole graph and
as the page drawn from it, fresh or from the cache, and whole again when two files would share nodes."""

from __future__ import annotations

import time
from pathlib import Path

from rdflib.namespace import SKOS

from kg.export.html import render_html
from kg.graph import build_graph, build_table, split_table
from kg.pipeline import build, extract_inputs
from kg.resolve import resolve
from kg.turtle import serialize_graph, turtle_of_table

ROOT = Path(__file__).resolve().parent.parent
PAGE = "本报讯（记者 {reporter}）3月{day}日，全市工业经济运行调度会召开，市委常委、副市长{name}出席会议并讲话。\n"


def test_blocks_are_rdflibs_turtle_on_the_seeds(seed_resolved):
    graph = build_graph(seed_resolved)
    assert turtle_of_table(build_table(seed_resolved)) == graph.serialize(format="turtle", encoding="utf-8")
    assert serialize_graph(graph) == graph.serialize(format="turtle", encoding="utf-8")


def test_the_whole_graph_and_the_graph_of_parts_are_one(seed_resolved):
    """The table made whole (files sharing a source key) has the triples of the shared part and the parts."""
    from kg.graph import _whole_table

    assert set(_whole_table(seed_resolved).triples()) == set(build_table(seed_resolved).triples())


def test_entities_added_later_give_the_same_shared_part(seed_resolved):
    """A parallel build adds the entities' triples while the children make the parts: the same triples."""
    from kg.graph import add_entities

    whole, parts = split_table(seed_resolved)
    later, parts_later = split_table(seed_resolved, entities=False)
    assert len(later) < len(whole)
    add_entities(later, seed_resolved)
    assert set(later.triples()) == set(whole.triples())
    assert [p.key() for p in parts_later] == [p.key() for p in parts]


def test_fragments_give_the_committed_seed_graph_fresh_and_cached(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    for jobs in (1, 2, 2):  # the second two-worker build reads every fragment from the cache
        report, _, _ = build(["seeds/"], out_dir=tmp_path, name="seeds", jobs=jobs, cache_dir=tmp_path / "cache",
                             rdf_graph=False)
        assert (tmp_path / "seeds.ttl").read_bytes() == (ROOT / "graphs/seeds.ttl").read_bytes()
        assert (tmp_path / "seeds.html").read_bytes() == (ROOT / "graphs/seeds.html").read_bytes()
    assert report.fragments == 0 and report.cached == 5


def test_fragments_made_from_fresh_documents_serve_the_next_build(tmp_path, monkeypatch):
    """A fragment's key is the same whether its Document was just extracted or read back from the cache."""
    monkeypatch.chdir(ROOT)
    reports = [build(["seeds/"], out_dir=tmp_path, name="seeds", cache_dir=tmp_path / "cache", rdf_graph=False)[0]
               for _ in range(2)]
    assert [(r.extracted, r.fragments) for r in reports] == [(5, 5), (0, 0)]
    assert len(list((tmp_path / "cache" / "fragments").glob("*/*.terms"))) == 1  # the labels the second one used
    assert (tmp_path / "seeds.ttl").read_bytes() == (ROOT / "graphs/seeds.ttl").read_bytes()


def test_page_from_fragments_is_the_page_of_the_graph(seed_build):
    report, resolved, graph, out = seed_build
    assert (out / "seeds.html").read_text(encoding="utf-8") == render_html(graph, title="seeds")


def test_a_new_page_remakes_only_its_fragment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("pages").mkdir()
    names = ["赵刚", "钱立新", "孙广平", "李国栋"]
    for i, name in enumerate(names):
        Path(f"pages/p{i}.txt").write_text(PAGE.format(reporter="王明", day=i + 1, name=name), encoding="utf-8")

    def run(cache):
        report, _, _ = build(["pages"], out_dir=Path("out"), name="pages", city="聊城", cache_dir=cache,
                             rdf_graph=False)
        return report, Path("out/pages.ttl").read_bytes(), Path("out/pages.html").read_bytes()

    assert run(Path("cache"))[0].fragments == 4
    Path("pages/p9.txt").write_text(PAGE.format(reporter="王明", day=9, name="郑明远"), encoding="utf-8")
    report, ttl, page = run(Path("cache"))
    assert (report.extracted, report.fragments) == (1, 1)
    assert (ttl, page) == run(None)[1:]


def test_files_sharing_a_source_key_are_built_whole(tmp_path, monkeypatch):
    """d1/a/b/p.txt and d2/a/b/p.txt have one source key (the last three parts): their articles are one node."""
    monkeypatch.chdir(tmp_path)
    for folder, name in (("d1", "赵刚"), ("d2", "钱立新")):
        Path(folder, "a", "b").mkdir(parents=True)
        Path(folder, "a", "b", "p.txt").write_text(PAGE.format(reporter="王明", day=1, name=name), encoding="utf-8")
    resolved = resolve(extract_inputs(["d1", "d2"]), city="聊城")
    assert split_table(resolved) is None
    report, _, graph = build(["d1", "d2"], out_dir=Path("out"), name="g", city="聊城")
    labels = {str(o) for o in graph.objects(None, SKOS.prefLabel)}
    assert {"赵刚", "钱立新", "王明"} <= labels  # the entities' own triples, as in a graph made of parts
    assert Path("out/g.ttl").read_bytes() == graph.serialize(format="turtle", encoding="utf-8")
    assert Path("out/g.html").read_text(encoding="utf-8") == render_html(graph, title="g")


def _parts(tmp_path: Path, n: int = 24):
    folder = tmp_path / "pages"
    folder.mkdir()
    names = ["赵刚", "钱立新", "孙广平", "李国栋", "周建华", "吴海涛"]
    for i in range(n):
        (folder / f"p{i:02d}.txt").write_text(
            PAGE.format(reporter="王明", day=i % 28 + 1, name=names[i % len(names)]), encoding="utf-8")
    shared, parts = split_table(resolve(extract_inputs([str(folder)], jobs=1)))
    return parts


def test_fragments_made_by_several_processes_are_the_ones_made_by_one(tmp_path):
    """Children take batches from the front while this process takes them from the back: every part is made
    once, in its place, whatever number of processes."""
    from kg.fragments import make_fragments

    parts = _parts(tmp_path)
    one, made, _ = make_fragments(parts, jobs=1)
    assert made == len(parts) == 24
    for jobs in (2, 3):
        # this process is busy for a while first (as with the shared part), so the children do take batches
        many, made, aside = make_fragments(parts, jobs=jobs, meanwhile=lambda: time.sleep(0.3) or "shared part")
        assert made == 24 and aside == "shared part"
        assert [(f.blocks.text, f.blocks.refs, f.facts, f.mentions) for f in many] == \
            [(f.blocks.text, f.blocks.refs, f.facts, f.mentions) for f in one]


def test_fragments_are_cached_and_read_back_by_every_process(tmp_path):
    """Each process writes the fragments it makes and reads entries for its own parts; a damaged entry is
    reported once (from whichever process met it) and made again."""
    from kg.fragments import make_fragments

    parts = _parts(tmp_path)
    one, _, _ = make_fragments(parts, jobs=1)
    cache = tmp_path / "cache"
    for damaged in (0, 1):
        warnings: list[str] = []
        many, made, _ = make_fragments(parts, jobs=2, cache_dir=cache, warnings=warnings,
                                       meanwhile=lambda: time.sleep(0.3))
        assert made == (24 if damaged == 0 else 1)
        assert len(warnings) == damaged and all("corrupt" in w for w in warnings)
        assert [(f.blocks.text, f.facts, f.mentions) for f in many] == [(f.blocks.text, f.facts, f.mentions)
                                                                          for f in one]
        entries = sorted(cache.rglob("*.frag"))
        assert len(entries) == 24
        entries[0].write_bytes(entries[0].read_bytes()[:-5])  # truncated: the next round reads it damaged


def test_a_fragment_pickles_to_the_same_fragment(tmp_path):
    """Fragments travel and are cached with their IRIs as strings: they come back as equal URIRefs."""
    import pickle

    from rdflib import Literal, URIRef

    from kg.fragments import Fragment, make_fragment

    fragment = next(f for f in map(make_fragment, _parts(tmp_path)) if f.facts)
    back = pickle.loads(pickle.dumps(fragment, protocol=pickle.HIGHEST_PROTOCOL))
    assert (back.facts, back.mentions, back.triples, back.blocks.text) == \
        (fragment.facts, fragment.mentions, fragment.triples, fragment.blocks.text)
    keys = [iri for key in back.facts for iri in key] + list(back.mentions)
    assert keys and all(type(iri) is URIRef for iri in keys)
    odd = fragment._replace(facts={(URIRef("urn:s"), URIRef("urn:p"), Literal("x")): []})  # not the fast form
    assert pickle.loads(pickle.dumps(odd)).facts == odd.facts
    assert isinstance(pickle.loads(pickle.dumps(odd)), Fragment)


def test_a_fragment_that_fails_in_a_child_fails_the_build(tmp_path, monkeypatch):
    import os

    import pytest

    import kg.fragments

    parts = _parts(tmp_path)
    parent = os.getpid()
    real = kg.fragments.make_fragment

    def fails_in_a_child(part):
        if os.getpid() != parent:
            raise ValueError(f"no fragment for {part.doc.source.path}")
        return real(part)

    monkeypatch.setattr(kg.fragments, "make_fragment", fails_in_a_child)
    with pytest.raises(ValueError, match="no fragment for") as exc:
        kg.fragments.make_fragments(parts, jobs=2, meanwhile=lambda: time.sleep(0.3))  # the child starts first
    assert "in a forked process" in "".join(exc.value.__notes__)
