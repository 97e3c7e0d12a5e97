"""Programmes, campaigns, platforms, brands, mechanisms and policy documents.

- ``quoted_trigger.v1``: a quoted name followed (within a few characters) by a trigger word: “双招双引”工作要求,
  “惠企”品牌, “春风助企”行动; a quoted name that itself ends in a trigger (“河长制”, “六大攻坚行动”).
  A quoted phrase with no trigger (“金融血液”) is a figure of speech, not a programme.
- ``named_initiative.v1``: an unquoted initiative after a launching verb: 开展企业能效诊断行动, 实施人才强企工程.
- ``document.v1``: a 《》 title ending in a document word (方案, 细则, 意见 …).
- ``slogan.v1``: a numbered slogan spelled out on the page (“两创一强” ↔ 创新创业、强基础).
"""

from __future__ import annotations

import re

from .base import Hit, Text
from .lexicon import Lexicon

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
    for m in TITLE_RE.finditer(text):
        inner = m.group(1)
        if inner.rstrip(")）").endswith(lex.document_words) or re.search(r"(方案|办法|细则|意见|措施)", inner):
            hits.append(Hit("Programme", m.start(1), m.end(1), inner, "document.v1", (("kind", "document"),)))
    hits += _named_initiatives(t, lex, hits)
    hits += _slogans(t, lex, hits)
    return hits


INITIATIVE_RE = re.compile(r"([\u4e00-\u9fff]{3,12}?)(行动|工程|计划|改革|服务|活动)")


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
        m = re.fullmatch(rf"([{NUMERALS}])(\w)([{NUMERALS}])(\w)", h.name)
        if not m or h.name in seen:
            continue
        seen.add(h.name)
        n1, a, n2, b = _num(m.group(1)), m.group(2), _num(m.group(3)), m.group(4)
        if not n1 or not n2:
            continue
        part_a = rf"(?:{re.escape(a)}[\u4e00-\u9fff]{{1,3}}?){{{n1}}}"
        part_b = rf"(?:{re.escape(b)}[\u4e00-\u9fff]{{1,3}}?){{{n2}}}"
        for sm in re.finditer(rf"{part_a}[、,\s]?{part_b}(?![\u4e00-\u9fff]*{re.escape(b)})", text):
            end = sm.end()
            while end < len(text) and text[end] not in "”\"’、,。;: \n":
                end += 1
            out.append(Hit("Programme", sm.start(), end, text[sm.start():end], "slogan.v1",
                           (("alias_of", h.name),)))
    return out


def _num(ch: str) -> int:
    return {"两": 2}.get(ch, NUMERALS.index(ch) + 1 if ch in NUMERALS[:10] else 0)
