"""Programmes, campaigns, platforms, brands, mechanisms and policy documents.

- ``quoted_trigger.v1``: a quoted name followed (within a few characters) by a trigger word: “双推双评”工作要求,
  “惠企”品牌, “春风助企”行动; a quoted name that itself ends in a trigger (“河长制”, “六大攻坚行动”).
  A quoted phrase with no trigger (“金融血液”) is a figure of speech, not a programme.
- ``quoted_repeat.v1``: a quoted name the article quotes again and again, though with no trigger.
- ``numbered_slogan.v1``: a quoted numbered formula (“一户一档”, “三查三改”) with no trigger, or one numeral
  counting the list before it (新区、园区、景区“三区共建”).
- ``numbered_formula.v1``: an unquoted formula that repeats its numeral (双推双评, 一户一档).
- ``named_initiative.v1``: an unquoted initiative after a launching verb: 开展企业能效诊断行动, 实施人才强企工程.
- ``document.v1``: a 《》 title ending in a document word (方案, 细则, 意见 …).
- ``slogan.v1``: a numbered slogan spelled out on the page (“两创一强” ↔ 创新创业、强基础).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..resources import data_lines
from .base import Hit, Text
from .lexicon import Lexicon, word_tags

QUOTE_RE = re.compile(r"[“‘\"]([^“”‘’\"\n]{2,24})[”’\"]")
TITLE_RE = re.compile(r"《([^《》\n]{2,60})》")
LAUNCH_RE = re.compile(
    r"(?:组织开展了?|开展了?|实施|推行|启动|推进|深化|出台|建立|打造|创建|探索|组织|参与了?|加入了?)")
NUMERALS = "一二三四五六七八九十两"
GENERIC_TRIGGERS = ("行动", "活动", "服务", "工作")
SELF_TRIGGER_RE = re.compile(
    r"(?:行动|工程|计划|机制|制度|模式|平台|品牌|战略|工作法|长制|责任制|提质年|突破年)$")
WEAK_TRIGGERS = ("服务", "工作", "要求", "清单", "理念", "体系", "专栏", "栏目", "载体", "系统", "活动")
PUNCT_ONLY = re.compile(r"^[\W\d_]+$")


def find_programmes(t: Text, lex: Lexicon) -> list[Hit]:
    text = t.text
    hits: list[Hit] = []
    for m in QUOTE_RE.finditer(text):
        inner = m.group(1).strip()
        after = text[m.end():m.end() + 8]
        trig, gap = None, 0
        for gap in range(0, 5):
            tm = lex.programme_trigger_re.match(after, gap)
            if tm and (not re.search(r"[,。;、:!?\s的“”]", after[:gap]) or after[:gap] == "的" and len(inner) >= 4
                       and tm.group(0) in ("工作要求", "要求", "工作部署")):
                trig = tm.group(0)
                break
        if trig is None and not SELF_TRIGGER_RE.search(inner):
            continue
        if trig and (trig in WEAK_TRIGGERS or len(inner) <= 2 or PUNCT_ONLY.match(inner)) and (
                gap > 0 and after[:gap] != "的" or trig in WEAK_TRIGGERS and len(inner) < 4):
            continue  # “给力”的服务, “负面”台账清单, “一对一”服务: a weak or distant trigger needs a real name
        if PUNCT_ONLY.match(inner) and trig not in ("工作法", "机制", "模式", "品牌", "平台", "工程", "行动"):
            continue
        if lex.event_suffix_re.search(inner + (trig or "")) and not trig:
            continue
        name = inner
        if PUNCT_ONLY.match(inner) or len(inner) < 2:
            name = inner + (trig or "")  # “456”工作法 -> 456工作法
        hits.append(Hit("Programme", m.start(1), m.end(1), name, "quoted_trigger.v1", (("trigger", trig or ""),)))
    hits += _quoted_repeats(t, hits)
    hits += _numbered(t, hits)
    hits += _unquoted_formulas(t, hits)
    for m in TITLE_RE.finditer(text):
        inner = m.group(1)
        if inner.rstrip(")）").endswith(lex.document_words) or re.search(r"(方案|办法|细则|意见|措施)", inner):
            hits.append(Hit("Programme", m.start(1), m.end(1), inner, "document.v1", (("kind", "document"),)))
    hits += _named_initiatives(t, lex, hits)
    hits += _slogans(t, lex, hits)
    return hits


def _quoted_repeats(t: Text, found: list[Hit]) -> list[Hit]:
    """``quoted_repeat.v1``: a quoted name with no trigger that the article quotes again and again (“某某直通车”
    five times, never without quotes) is the article's subject, a programme or brand. Figures of speech
    (“组合拳”, “热带雨林”) are short or dictionary words, and a verb phrase (“规范涉企执法”) also stands
    unquoted: neither counts."""
    text, tags = t.text, word_tags()
    tokens = t.tokens()[1]
    named = {h.name for h in found}
    quoted: dict[str, list[re.Match]] = {}
    for m in QUOTE_RE.finditer(text):
        quoted.setdefault(m.group(1).strip(), []).append(m)
    out = []
    for inner, ms in quoted.items():
        if len(ms) < 2 or len(inner) < 4 or inner in named or PUNCT_ONLY.match(inner) or inner in tags:
            continue
        if text.count(inner) > len(ms):
            continue  # also written without quotes: a description (规范涉企执法), not a name
        if inner.endswith(praise_words()) or any(text[:m.start()].endswith(figure_cues()) for m in ms) or \
                any(text[:m.start()].endswith(tuple(c + "一" + q for c in figure_cues() for q in "次个场道"))
                    for m in ms):
            continue  # 打造“某地样板”, 堪称一次“课堂抽查”: praise and figures of speech
        first = t.token_index(ms[0].start(1))
        if tags.get(tokens[first], "").startswith(("v", "d", "p")) or re.search(r"[,。;:!?]", inner):
            continue
        out += [Hit("Programme", m.start(1), m.start(1) + len(inner), inner, "quoted_repeat.v1") for m in ms
                if text[m.start(1):m.start(1) + len(inner)] == inner]
    return out


NUMERAL_RE = re.compile(r"[一二三四五六七八九十两双百千万]+")
NUMBERED_RE = re.compile(r"^(?:[一二三四五六七八九十两双百千万]+[\u4e00-\u9fff]{1,4}[、·]?)+$")


def _numbered(t: Text, found: list[Hit]) -> list[Hit]:
    """``numbered_slogan.v1``: a quoted numbered formula (“一户一档”, “三查三改”, “双公示、一承诺”) is how
    Chinese policy names its programmes and rules, with or without a trigger after it. Dictionary words
    (“一对一”, “三农”) and two characters (“三夏”) are not."""
    tags = word_tags()
    taken = {(h.start, h.end) for h in found}
    out = []
    for m in QUOTE_RE.finditer(t.text):
        inner = m.group(1)
        if len(inner) < 3 or inner in tags or not NUMBERED_RE.match(inner) or (m.start(1), m.end(1)) in taken:
            continue
        if len(NUMERAL_RE.findall(inner)) < 2 and not re.match(r"双|[一二三四五六七八九十两]个", inner) and \
                not _enumerated(t.text, m.start(), inner):
            continue  # one numeral is often a description (“三好学生”): 一户一档, 双公示, 两个确保
        out.append(Hit("Programme", m.start(1), m.end(1), inner, "numbered_slogan.v1"))
    return out


def _enumerated(text: str, quote: int, inner: str) -> bool:
    """A one-numeral formula right after the list it counts: 新区、园区、景区“三区共建” (three items, each
    with 城) names the programme the list spells out."""
    n, key = _num(inner[0]), inner[1:2]
    if n < 2 or not key:
        return False
    clause = re.split(r"[,。;:!?\n“”]", text[max(0, quote - 80):quote])[-1]
    items = clause.split("、")
    return len(items) == n and all(key in item for item in items)


FORMULA_RE = re.compile(r"([一二三四五六七八九十两双])([\u4e00-\u9fff])\1([\u4e00-\u9fff])")


def _unquoted_formulas(t: Text, found: list[Hit]) -> list[Hit]:
    """``numbered_formula.v1``: a formula that repeats its numeral (双推双评, 一户一档) names a programme even
    unquoted, unless it is a dictionary word (一心一意, 一模一样) or inside another name."""
    tags = word_tags()
    out = []
    for m in FORMULA_RE.finditer(t.text):
        if m.group(0) in tags or m.group(2) in NUMERALS or m.group(3) in NUMERALS:
            continue
        if any(h.start <= m.start() and m.end() <= h.end or m.start() < h.end and h.start < m.end() for h in found):
            continue
        if t.text[m.start() - 1:m.start()] in "“‘\"" and t.text[m.end():m.end() + 1] in "”’\"":
            continue  # quoted: the quote rules judged it
        out.append(Hit("Programme", m.start(), m.end(), m.group(0), "numbered_formula.v1"))
    return out


@lru_cache(maxsize=1)
def figure_cues() -> tuple[str, ...]:
    return tuple(data_lines("figure_cues.txt"))


@lru_cache(maxsize=1)
def praise_words() -> tuple[str, ...]:
    return tuple(data_lines("praise_words.txt"))


INITIATIVE_RE = re.compile(r"([\u4e00-\u9fff]{3,12}?)(服务平台|行动计划|行动|工程|计划|改革|服务|活动)")


def _named_initiatives(t: Text, lex: Lexicon, taken: list[Hit]) -> list[Hit]:
    from .orgs import _generic

    text = t.text
    out = []
    for lm in LAUNCH_RE.finditer(text):
        m = INITIATIVE_RE.match(text, lm.end())
        if not m or any(h.start <= m.start() < h.end for h in taken):
            continue
        core, trig = m.group(1), m.group(2)
        from .events import _trim_lead

        cstart = _trim_lead(t, m.start(1), m.end(1))
        if cstart != m.start(1):
            core = text[cstart:m.end(1)]
            m = INITIATIVE_RE.match(text, cstart) or m
        if "“" in core or len(core) < 4 or len(core) <= 4 and _generic(t, m.start(1), m.end(1)):
            continue
        if trig in ("服务", "活动") and len(core) < 5:
            continue
        name = core if trig in GENERIC_TRIGGERS else core + trig
        out.append(Hit("Programme", m.start(), m.end(1) if name == core else m.end(), name, "named_initiative.v1",
                       (("trigger", trig),)))
    return out


def _slogans(t: Text, lex: Lexicon, programmes: list[Hit]) -> list[Hit]:
    """A numbered slogan (两创一强: 2×创, 1×强) whose spelled-out form stands on the same page."""
    text = t.text
    out = []
    seen = set()
    for h in programmes:
        pattern = slogan_pattern(h.name)
        if pattern is None or h.name in seen:
            continue
        seen.add(h.name)
        for sm in pattern.finditer(text):
            end = sm.end()
            while end < len(text) and text[end] not in "”\"’、,。;: \n":
                end += 1
            out.append(Hit("Programme", sm.start(), end, text[sm.start():end], "slogan.v1",
                           (("alias_of", h.name),)))
    return out


@lru_cache(maxsize=1024)
def slogan_pattern(name: str) -> re.Pattern | None:
    """The spelled-out form of a numbered slogan (两创一强 -> 创…创…、强…), or None."""
    m = re.fullmatch(rf"([{NUMERALS}])(\w)([{NUMERALS}])(\w)", name)
    if not m:
        return None
    n1, a, n2, b = _num(m.group(1)), m.group(2), _num(m.group(3)), m.group(4)
    if not n1 or not n2:
        return None
    part_a = rf"(?:{re.escape(a)}[\u4e00-\u9fff]{{1,3}}?){{{n1}}}"
    part_b = rf"(?:{re.escape(b)}[\u4e00-\u9fff]{{1,3}}?){{{n2}}}"
    return re.compile(rf"{part_a}[、,\s]?{part_b}(?![\u4e00-\u9fff]*{re.escape(b)})")


def _num(ch: str) -> int:
    return {"两": 2}.get(ch, NUMERALS.index(ch) + 1 if ch in NUMERALS[:10] else 0)
