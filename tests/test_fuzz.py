"""Property-based tests: hostile and broken text never crashes a stage, and every offset points at its text.

Inputs mix arbitrary Unicode (any script, control characters, lone quotes and brackets) with the words the
rules react to (title chains, 本报讯, 有限公司, dates, markdown headings), and long runs of one of them.

CI runs a bounded number of examples per test (``FUZZ_EXAMPLES`` below, no deadline). For a long run::

    HYPOTHESIS_PROFILE=long python -m pytest -q tests/test_fuzz.py        # 100,000 examples per test
    KG_FUZZ_EXAMPLES=20000 python -m pytest -q tests/test_fuzz.py -k decode  # any number, some tests
    python -m pytest -q tests/test_fuzz.py --hypothesis-seed=12345         # replay one seed

Failing examples are kept in ``.hypothesis/`` and replayed first on the next run.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rdflib import Graph

from kg.extract import extract_page
from kg.extract.base import Hit, SpanIndex, drop_overlaps
from kg.graph import build_graph
from kg.jsonl import text_json
from kg.model import Source
from kg.pipeline import serialize_turtle
from kg.read import ReadError, decode, normalise
from kg.resolve import resolve
from kg.segment import lines_of, reflow, segment_page

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
FUZZ_EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES") or (100_000 if LONG else 0)) or None


def fuzz(examples: int):
    """Per-test settings: ``examples`` in CI, FUZZ_EXAMPLES for a long run; never a deadline (no timing)."""
    return settings(max_examples=FUZZ_EXAMPLES or examples, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


# The words the rules react to, and the characters that break naive code.
FRAGMENTS = [
    "市委常委", "、", "常务副市长", "副市长", "市长", "党组书记", "局长", "刘文强", "王明", "赵刚", "韩立新",
    "本报讯", "本报聊城讯", "记者", "通讯员", "（", "）", "(", ")", "“", "”", "《", "》", "「", "」", "‘", "’",
    "有限公司", "股份有限公司", "集团", "华新科技", "市工信局", "县委", "统战部", "聊城市", "东昌府区", "茌平区",
    "专项行动", "工程", "项目", "会议", "出席会议并讲话", "带队调研", "以下简称", "3月5日", "2023年", "12月31日",
    "。", "，", ",", "；", "！", "？", "……", "——", ":", "：", "■", "□", "●", "# ", "## ", "### ",
    "\n", "\n\n", "\r\n", "\r", "\t", " ", "\u3000", "\xa0", "\u200b", "\ufeff", "\u2028", "\u2029", "\x85",
    "\x00", "\x0b", "\x0c", "\x1b", "\x7f", "ＡＢＣ１２３", "！", "（下转2版）", "今日导读", "<script>", "\\", '"',
    "'", "&amp;", "}", "{", "#", "@@NODES@@", "e\u0301", "ﾊﾝｶｸ", "𠀀𠀁", "😀", "مرحبا", "שלום", "Ελλάδα", "\u202e",
]
ADVERSARIAL_UNITS = ["副市长", "有限公司", "市委常委、", "本报讯（记者", "“", "《", "（", "、", "■", "# ", "\n",
                     "市委常委", "记者 王明 ", "3月5日，", "以下简称“", "——"]


def pages() -> st.SearchStrategy[str]:
    """Page-like text: fragments and arbitrary Unicode (no surrogates: a decoded file cannot hold them)."""
    piece = st.one_of(st.sampled_from(FRAGMENTS), st.sampled_from(FRAGMENTS), st.text(max_size=6))
    mixed = st.lists(piece, max_size=80).map("".join)
    runs = st.builds(lambda a, unit, n, b: a + unit * n + b, st.text(max_size=10),
                     st.sampled_from(ADVERSARIAL_UNITS), st.integers(1, 400), mixed)
    return st.one_of(mixed, mixed, runs, st.text(max_size=200))


TITLE_RUNS = ["副市长" * 3000, "有限公司" * 3000, "、".join(["市委常委"] * 2000), "“" * 3000 + "市长王明",
              "《" * 2000, "（" * 2000 + "记者", "本报讯（记者" * 1000]


def _letters(text: str) -> str:
    """Text as the rules read it: normalised, layout (spaces, column breaks) removed."""
    return re.sub(r"\s", "", normalise(text))


def check_document(source: Source, doc) -> None:
    """Every offset of an extracted document lies inside the text and points at what it claims: the text at a
    mention's offsets is its name (up to layout), not merely the text its own offsets cut out."""
    text = source.text
    ids = {a.id for a in doc.articles}
    assert len(ids) == len(doc.articles)
    for a in doc.articles:
        assert 0 <= a.start < a.end <= len(text), a
    for m in doc.mentions:
        assert 0 <= m.start < m.end <= len(text), m
        assert text[m.start:m.end] == m.text, m
        assert m.name and m.article in ids, m
        surface, name = _letters(m.text), _letters(m.name)
        # a quoted name read with its trigger word: “123”工作法 is the programme 123工作法
        assert surface == name or (m.rule == "quoted_trigger.v1" and name.startswith(surface)), m
    for r in doc.relations:
        ev = r.evidence
        assert 0 <= ev.start <= ev.end <= len(text), r
        assert ev.article in ids, r


# ---------------------------------------------------------------- read


@fuzz(300)
@given(st.binary(max_size=400))
def test_decode_never_fails_but_with_a_read_error(data):
    try:
        text, used = decode(data, "x.txt")
    except ReadError as exc:
        assert str(exc).startswith("x.txt: ") and "\n" not in str(exc)
        return
    assert used and isinstance(text, str)


@fuzz(300)
@given(st.text(min_size=1), st.sampled_from([None, "utf-8", "gb18030", "utf-16", "big5", "latin-1", "nope", "rot13"]))
def test_decode_keeps_utf8_text_one_for_one(text, forced):
    data = text.encode("utf-8")
    try:
        decoded, _ = decode(data, "x.txt", forced)
    except ReadError:
        return  # empty, binary-looking, or not valid in the forced encoding: reported, never guessed at
    if forced is None and not text.startswith("\ufeff"):
        assert decoded == text
    if forced is None:
        assert decode(b"\xef\xbb\xbf" + data, "x.txt")[0] == text  # a BOM is dropped, nothing else


@fuzz(300)
@given(st.text())
def test_normalise_keeps_length_and_is_idempotent(text):
    norm = normalise(text)
    assert len(norm) == len(text)
    assert normalise(norm) == norm
    assert not any(ch < " " and ch != "\n" for ch in norm)  # control characters matched as spaces


def test_normalise_maps_every_character_to_one_character():
    """Random text rarely holds the few characters the table maps (U+200B, U+FEFF, full-width forms…): every
    character of the Basic Multilingual Plane and a sample of the others, each to exactly one character."""
    chars = [chr(c) for c in [*range(0xD800), *range(0xE000, 0x10000), *range(0x10000, 0x110000, 97)]]
    changed = [ch for ch in chars if len(normalise(ch)) != 1]
    assert changed == []
    assert len(normalise("".join(chars))) == len(chars)


# ---------------------------------------------------------------- segment


@fuzz(300)
@given(pages())
@example("\n".join(TITLE_RUNS))
def test_lines_and_paragraphs_index_the_text(text):
    norm = normalise(text)
    for line in lines_of(text):
        assert 0 <= line.start <= line.end <= len(text)
        assert norm[line.start:line.end].strip() == line.text
    for para in reflow(text):
        assert 0 <= para.start <= para.end <= len(text)
        assert all(a.end <= b.start for a, b in zip(para.lines, para.lines[1:], strict=False))


@fuzz(200)
@given(pages(), st.sampled_from(["p.txt", "2023-02-20.txt", "-", "a/b/c/d.md", "../x"]))
def test_articles_are_non_empty_spans_of_the_text(text, path):
    source = Source(path, text, "utf-8")
    paras, articles = segment_page(source)
    assert len({a.id for a in articles}) == len(articles)
    for a in articles:
        assert 0 <= a.start < a.end <= len(text), a
        assert a.date is None or len(a.date) in (7, 10)


# ---------------------------------------------------------------- extract and resolve


@fuzz(100)
@given(pages())
@example(TITLE_RUNS[0])
@example(TITLE_RUNS[1])
@example(TITLE_RUNS[2])
@example("本报讯（记者 王明）3月5日，“全市工作会议召开，《市委常委、常务副市长刘文强（出席")
@example("市委常委、" * 50 + "\n" + "有限公司" * 50 + "\n" + "（" * 50)
# a name in a heading after its marks, a title across a column break, zero-width and full-width characters
@example("## 市委常委、副市长赵刚出席全市工业经济运行调度会\n本报讯（记者 王明）3月5日，全市工业经济运行调度会召开，"
         "市委常委、副\n市长赵刚出席会议并讲话。聊城华新科技\n有限公司参加。\n")
@example("\u200b\ufeff\u3000市委常委、副市长赵刚出席会议。ＡＢＣ１２３有限公司参加“\u200b专项行动”。\n")
def test_extract_page_offsets_point_at_their_mentions(text):
    source = Source("p.txt", text, "utf-8")
    check_document(source, extract_page(source))


@fuzz(100)
@given(pages())
@example("、".join(["市委常委"] * 2000))
@example("市委常委、常务副市长韩立新带队调研华新科技有限公司。")
def test_text_json_offsets_and_output(text):
    out = text_json(text, "id")
    json.dumps(out, ensure_ascii=False)
    for e in out["entities"]:
        assert e["name"], e
        for m in e["mentions"]:
            assert 0 <= m["start"] < m["end"] <= len(text)
            assert text[m["start"]:m["end"]] == m["text"], m
    for r in out["relations"]:
        assert 0 <= r["evidence"]["start"] <= r["evidence"]["end"] <= len(text), r


@fuzz(60)
@given(st.lists(pages(), min_size=1, max_size=3), st.sampled_from([None, "聊城", "潍坊市"]))
def test_resolve_keeps_offsets_and_the_graph_round_trips(texts, city):
    sources = [Source(f"p{i}.txt", text, "utf-8") for i, text in enumerate(texts)]
    docs = [extract_page(s) for s in sources]
    resolved = resolve(docs, city=city)
    by_article = {a.id: s.text for s, d in zip(sources, docs, strict=True) for a in d.articles}
    for e in resolved.entities:
        assert e.name and e.id.endswith("/" + e.name)
        for m in e.mentions:
            assert by_article[m.article][m.start:m.end] == m.text
    for r in resolved.relations:
        text = by_article[r.evidence.article]
        assert 0 <= r.evidence.start <= r.evidence.end <= len(text), r
    graph = build_graph(resolved)
    turtle = serialize_turtle(graph)
    back = Graph().parse(data=turtle.decode("utf-8"), format="turtle")
    assert len(back) == len(graph)


# ---------------------------------------------------------------- the interval helpers (exact, not quadratic)


def _reference_drop_overlaps(hits):
    chosen, taken = [], []
    for h in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if all(h.end <= s or h.start >= e for s, e in taken):
            chosen.append(h)
            taken.append((h.start, h.end))
    return sorted(chosen, key=lambda h: (h.start, h.end))


def _reference_add_model_hits(model, named, places, positions):
    taken = [(h.start, h.end) for h in named + places]

    def free(h, spans):
        return all(h.end <= s or h.start >= e for s, e in spans)

    for h in model:
        if h.type == "Position":
            inside = [p for p in positions if h.start <= p.start and p.end <= h.end]
            if free(h, taken) and free(h, [(p.start, p.end) for p in positions if p not in inside]):
                positions = [p for p in positions if p not in inside] + [h]
        elif h.type == "Place":
            if free(h, taken + [(p.start, p.end) for p in positions]):
                places.append(h)
                taken.append((h.start, h.end))
        elif free(h, taken + [(p.start, p.end) for p in positions]):
            named.append(h)
            taken.append((h.start, h.end))
    return named, places, positions


def hits(types=("Agency", "Place", "Position", "Official")):
    def make(t, start, length, n):
        return Hit(t, start, start + length, f"n{n}", "r")

    one = st.builds(make, st.sampled_from(types), st.integers(0, 40), st.integers(0, 8), st.integers(0, 3))
    return st.lists(one, max_size=25)


@fuzz(300)
@given(hits())
def test_drop_overlaps_matches_the_pairwise_definition(found):
    assert drop_overlaps(found) == _reference_drop_overlaps(found)


@fuzz(300)
@given(hits(("Agency", "Place", "Position")), hits(("Agency",)), hits(("Place",)), hits(("Position",)))
def test_model_hits_fill_gaps_as_the_pairwise_definition(model, named, places, positions):
    from kg.extract import _add_model_hits

    named, places = drop_overlaps(named), drop_overlaps(places)
    expected = _reference_add_model_hits(model, list(named), list(places), list(positions))
    assert _add_model_hits(model, list(named), list(places), list(positions)) == expected


def test_span_index_finds_what_overlaps():
    index = SpanIndex([Hit("P", 2, 5, "a", "r"), Hit("P", 10, 30, "b", "r")])
    assert not index.free(Hit("X", 4, 6, "x", "r")) and not index.free(Hit("X", 29, 31, "x", "r"))
    assert index.free(Hit("X", 5, 10, "x", "r")) and index.free(Hit("X", 30, 40, "x", "r"))
    assert not index.free(Hit("X", 3, 3, "x", "r")) and index.free(Hit("X", 2, 2, "x", "r"))
    inside = index.within(Hit("X", 0, 6, "x", "r"))
    assert [h.name for _, h in inside] == ["a"]
    index.remove(inside)
    assert index.free(Hit("X", 4, 6, "x", "r")) and [h.name for h in index.hits()] == ["b"]


# ---------------------------------------------------------------- long adversarial lines


@contextmanager
def within(seconds: int, what: str):
    """Fail with TimeoutError after ``seconds`` instead of hanging: a backtracking regex or a quadratic loop
    on these lines would run for hours. (SIGALRM interrupts a running regex too.)"""
    def stop(*_):
        raise TimeoutError(f"{what}: not done after {seconds} s")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _extract_seconds(text: str) -> float:
    source = Source("p.txt", text, "utf-8")
    started = time.perf_counter()
    doc = extract_page(source)
    resolve([doc])
    seconds = time.perf_counter() - started
    check_document(source, doc)
    return seconds


@pytest.mark.slow
def test_one_megabyte_line_of_openers_without_closings_finishes():
    """1 MB of 本报讯（记者 and “《（ that never close: bounded time, and about ten times the time of 100 kB
    (a backtracking regex or a pairwise loop would take a hundred times longer or never finish)."""
    unit = "本报讯（记者“《（"
    extract_page(Source("w.txt", "本报讯 3月5日，会议召开。", "utf-8"))  # load models outside the timing
    with within(120, "1 MB line of openers"):
        small = _extract_seconds(unit * (100_000 // len(unit)))
        big = _extract_seconds(unit * (1_000_000 // len(unit)))
    assert big < 60, big
    assert big < 30 * max(small, 0.05), (small, big)


@pytest.mark.slow
def test_a_long_title_chain_grows_linearly():
    """市委常委、 repeated makes two hits per five characters: overlap checks between all pairs of hits made
    200,000 characters take 280 s (it was quadratic); now ten times the text takes about ten times the time."""
    extract_page(Source("w.txt", "本报讯 3月5日，会议召开。", "utf-8"))
    with within(120, "title chain"):
        small = _extract_seconds("市委常委、" * 3_000)  # 15,000 characters
        big = _extract_seconds("市委常委、" * 30_000)  # 150,000 characters: 140 s when it was quadratic
    assert big < 60, big
    assert big < 30 * max(small, 0.05), (small, big)


# ---------------------------------------------------------------- credit regexes: same language, no blow-up

_ROLE = "|".join(re.escape(r) for r in sorted(
    ("本报记者", "本报通讯员", "特约记者", "见习记者", "实习记者", "实习生", "记者", "通讯员", "摄影", "文/图",
     "图/文", "文图", "摄"), key=len, reverse=True))
_NAME = r"[\u4e00-\u9fff·]{2,4}"
# The patterns as first written (exponential on long inputs), to check the rewrite on short ones.
_OLD_CREDIT = rf"^\s*(?:(?:{_ROLE})\s*)?{_NAME}(?:\s+(?:(?:{_ROLE})\s*)?{_NAME})*\s*(?:报道)?\s*$"
_OLD_INLINE = rf"[■□]\s*((?:(?:{_ROLE})\s*)?{_NAME}(?:\s+(?:(?:{_ROLE})\s*)?{_NAME})*)\s*$"
_OLD_PAREN = r"^\s*\S*?讯\s*[(（]\s*((?:(?:" + _ROLE + r")|[\u4e00-\u9fff·\s])+?)\s*[)）]"
CREDIT_PIECES = ["记者", "本报记者", "本报通讯员", "通讯员", "摄影", "摄", "文/图", "文图", "实习生", "王", "明",
                 "王明", "欧阳修", "报道", "报", "道", "·", " ", " ", "  ", "\t", "■", "□", "x", ")", "（", "讯",
                 "本报讯(", "\n"]


@fuzz(500)
@given(st.lists(st.sampled_from(CREDIT_PIECES), max_size=10).map("".join))
def test_credit_patterns_read_as_the_original_ones(text):
    from kg.segment import BYLINE_PAREN_RE, CREDIT_BODY_RE, INLINE_CREDIT_RE

    assert bool(CREDIT_BODY_RE.match(text)) == bool(re.match(_OLD_CREDIT, text))
    new, old = INLINE_CREDIT_RE.search(text), re.search(_OLD_INLINE, text)
    assert (new and new.span(), new and new.group(1)) == (old and old.span(), old and old.group(1))
    new, old = BYLINE_PAREN_RE.search(text), re.search(_OLD_PAREN, text)
    assert (new and new.group(1)) == (old and old.group(1))


@pytest.mark.parametrize("line", [
    "■" + "摄影王明 " * 2000 + "x",  # took 35 s at 16 repetitions
    "记者 王明 " * 2000 + "。",
    "□本报记者 " + "记者" * 2000,
    "本报讯(" + "记者" * 2000,  # no closing bracket
    "本报讯（" + "记者 " * 2000,
])
def test_credit_lines_do_not_backtrack(line):
    """Each of these lines took minutes or more (backtracking over every reading of role words as names);
    they are read like any other line now. ``within`` bounds a regression to a clear failure."""
    with within(60, "credit regex backtracking"):
        check_document(Source("p.txt", line, "utf-8"), extract_page(Source("p.txt", line, "utf-8")))
