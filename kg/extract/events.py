"""Named events (meetings, forums, ceremonies, drills) and investment projects.

- ``event_suffix.v1``: a clause ending in an event word (…会议, …研讨会, …签约仪式, …演练); the name starts after the
  last launching verb or date of the clause (在…召开了 / 6月24日,).
- ``project.v1``: a clause ending in 项目 whose core is specific (年产5万吨锂电材料项目, not 重点项目), with the
  amount of an investment stated next to it (总投资28.5亿元).
"""

from __future__ import annotations

import re

from .base import FUNCTION_CHARS, HAN, Hit, Text, clean_name
from .lexicon import Lexicon

CLAUSE_STOP = re.compile(r"[,。;:!?、\n()]|——")
EVENT_LEAD = re.compile(
    r"^.*(?:召开了?|举行了?|举办了?|开展了?|进行了?|组织开展了?|出席|参加了?|主持|传达了?|承办了?|主办了?|协办了?|"
    r"在|于|的|是|了|由|将|和|与|从|通过|"
    r"图为|\d+月\d+日(?:上午|下午)?)")
LEAD_VERBS = re.compile(
    r"^.*(?:召开了?|举行了?|举办了?|开展了?|组织开展了?|出席|参加了?|主持|传达了?|在|于|的|是|了|由|将|和|与|从|通过|"
    r"图为|启动实施|启动|实施|建设|推进|推动|助推|坚持|树立|查处|破解|强化|实行|促成|列入|为|等|个|类|签约|落地|投产|"
    r"竣工|完成|总投资[\d.]+[万亿]?元|投资[\d.]+[万亿]?元|\d+月\d+日(?:上午|下午)?)")
DATE_PREFIX = re.compile(r"^(?:\d{4}年)?(?:\d{1,2}月\d{1,2}日)?(?:上午|下午|晚)?")
ORG_IN_NAME = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|集团)")
CAPACITY_RE = re.compile(r"年产(?:能)?\s*([\d.]+)\s*(万吨|吨|万台|台|万辆|辆|万千瓦|千瓦|万千瓦时|亿千瓦时|万平方米|"
                         r"平方米|万件|件|万套|套|万只|只|万头|头|万片|片|万米|米)")
AMOUNT_RE = re.compile(r"(?:总投资|投资|投资额|计划投资)\s*(?:约|达|超)?\s*([\d.]+)\s*(万元|亿元|亿|万)")
GENERIC_PROJECT = ("重点", "重大", "民生", "招商", "技改", "产业", "建设", "实施类", "市级", "省级", "签约",
                   "该", "此", "这个", "一批", "合作", "好", "大")


def _clause_name(text: str, end: int, max_len: int = 40, lead: re.Pattern | None = None) -> int:
    """Start of the name that ends at ``end``: after the last clause break and launching verb before it."""
    start = max(0, end - max_len)
    window = text[start:end]
    cuts = [m.end() for m in CLAUSE_STOP.finditer(window)]
    if cuts:
        start += cuts[-1]
        window = text[start:end]
    lm = (lead or LEAD_VERBS).match(window)
    if lm and lm.end() < len(window):
        cut = lm.end()
        # never cut inside quotes: “学习贯彻党的精神”系列新闻发布会
        opened = window.rfind("“", 0, cut)
        if opened > window.rfind("”", 0, cut):
            cut = opened
        start += cut
    window = text[start:end]
    if window.count("”") > window.count("“"):
        start += window.rfind("”") + 1  # an unmatched closing quote: the name starts after it
    return start


def find_events(t: Text, lex: Lexicon, taken: list[Hit]) -> list[Hit]:
    text = t.text
    hits = []
    bounds = set(t.tokens()[0])
    for m in lex.event_suffix_re.finditer(text):
        if m.end() < len(text) and m.end() not in bounds:
            continue  # 会议|室
        start = _series_before(text, _clause_name(text, m.end(), lead=EVENT_LEAD), lex)
        if text[start:m.end()].count("“") > text[start:m.end()].count("”"):
            start = text.rindex("“", start, m.end()) + 1  # 新一期“书记大讲堂”: the name is inside the quotes
        while start < m.end() and text[start] in " \"":
            start += 1  # the name starts after a stray quote or space: its offsets must too
        span = text[start:m.end()]
        if span.count("“") != span.count("”") and span.startswith("“"):
            start += 1
        name = clean_name(text[start:m.end()])
        if len(name) - len(m.group(0)) < 3 or "等" in name[-len(m.group(0)) - 2:] or "相关" in name or \
                re.match(r"等[\u4e00-\u9fff]{0,4}(?:会议|活动|会)", text[m.end():m.end() + 7]):
            continue  # too short, or a kind of event (调度会等会议, “一对一”调度会等会议, 相关演练), not a named event
        if any(h.start <= start < h.end for h in taken):
            continue
        hits.append(Hit("Event", start, m.end(), name, "event_suffix.v1", _date_near(t, start)))
    return _longest(hits)


SERIES_GAP = re.compile(r"(?:\d{4}年?)?(?:——|—|·)$")
INSET_RE = re.compile(r"\([\u4e00-\u9fff]{2,6}\)$")


def _series_before(text: str, start: int, lex: Lexicon) -> int:
    """Where an event's name really starts when the clause break before it is part of the name: a series and
    its edition before a dash (某某论坛2023——某某研讨会) or a place in brackets (2023某市(上海)招商项目签约仪式)."""
    while True:
        gap = SERIES_GAP.search(text, max(0, start - 7), start)
        inset = INSET_RE.search(text, max(0, start - 8), start) if not gap else None
        if gap:
            first = _clause_name(text, gap.start(), lead=EVENT_LEAD)
            series = text[first:gap.start()]
            if len(series) < 3 or not lex.event_suffix_re.search(series):
                return start
            start = first
        elif inset:
            first = _clause_name(text, inset.start(), lead=EVENT_LEAD)
            if first >= inset.start():
                return start
            start = first
        else:
            return start


DATE_RE = re.compile(r"(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def _date_near(t: Text, pos: int) -> tuple[tuple[str, str], ...]:
    """The month and day written in the event's own sentence (the nearest before it, else after it)."""
    s, e = t.sentences.around(pos)
    dates = list(DATE_RE.finditer(t.text, s, e))
    if not dates:
        return ()
    before = [m for m in dates if m.start() < pos]
    m = before[-1] if before else dates[0]
    return (("month", m.group(1)), ("day", m.group(2)))


def find_projects(t: Text, lex: Lexicon, orgs: list[Hit]) -> list[Hit]:
    from .orgs import _generic

    text = t.text
    hits = []
    starts, tokens = t.tokens()
    for m in re.finditer("项目", text):
        start = _clause_name(text, m.end(), 36)
        if start not in set(starts):  # a one-character lead inside a word (中|和能源) cuts no name
            start = starts[t.token_index(start)]
        start = _glued_lead(t, start)
        for o in orgs:  # 华新科技有限公司智能装备产业园项目: the owner is not part of the project's name
            if o.start <= start < o.end or (start <= o.start and o.end <= m.start()):
                start = max(start, o.end)
        owners = list(ORG_IN_NAME.finditer(text, start, m.start()))
        if owners:
            start = owners[-1].end()  # the owner's name (…有限公司年产…项目) is not part of the project's name
        start = _trim_lead(t, start, m.start())
        core = text[start:m.start()]
        # named by its owner (某某有限公司曲轴项目) or its amount (总投资28亿元新能源汽车改造项目): specific
        # even in common words
        owned = bool(owners) or any(o.end == start for o in orgs) or \
            re.search(r"投资\s*[\d.]+\s*[万亿]元的?$", text[max(0, start - 16):start]) is not None
        if len(core) < (3 if owned else 4) or core.startswith(GENERIC_PROJECT):
            continue
        if not owned and (core.endswith(GENERIC_PROJECT_END) or _generic(t, start, m.start())):
            continue
        if re.search(r"\d+个|等\d|^\d|[“”]", core):
            continue
        attrs: tuple[tuple[str, str], ...] = ()
        s0, e0 = t.sentences.around(m.start())
        am = AMOUNT_RE.search(text, s0, e0)
        if not owned and len(core) <= 4 and not am and not CAPACITY_RE.search(text, s0, e0):
            continue  # 修路、建光伏发电项目、种树: a short name with no owner, amount or size is a kind of work
        if am:
            unit = am.group(2) if am.group(2).endswith("元") else am.group(2) + "元"
            attrs = (("amount", am.group(1)), ("unit", unit))
        cm = CAPACITY_RE.search(text, start, m.end()) or CAPACITY_RE.search(text, s0, e0)
        if cm:
            attrs += (("capacity", clean_name(cm.group(1) + cm.group(2))),)
        hits.append(Hit("Project", start, m.end(), clean_name(text[start:m.end()]), "project.v1", attrs))
    return _longest(hits)


LEAD_VERB_WORDS = ("建", "建设", "实施", "推进", "启动", "开工", "签约", "投资", "建成", "新建", "扩建", "开展", "上马",
                   "建立", "探索", "组织", "打造", "开展一系列", "一系列")
GENERIC_PROJECT_END = ("重点", "重大", "民生", "市级", "省级", "专项债券", "特色经营", "签约", "建设", "招商", "合作",
                       "产业", "各类", "年产", "改造")


GLUE_CONJ = ("和", "与", "及")


def _glued_lead(t: Text, start: int) -> int:
    """的|中|和|能源: a name cut after 和 when 和 is a character of a name jieba did not know (one character
    before it, itself after a function word or punctuation)."""
    starts, tokens = t.tokens()
    k = t.token_index(start - 1) if start > 0 else -1
    if k < 2 or tokens[k] not in GLUE_CONJ or starts[k] + 1 != start:
        return start
    first, before = tokens[k - 1], tokens[k - 2]
    if len(first) == 1 and HAN.match(first) and first not in FUNCTION_CHARS and (
            before in FUNCTION_CHARS or not HAN.match(before[-1])):
        return starts[k - 1]
    return start


def _trim_lead(t: Text, start: int, end: int) -> int:
    """Drop leading verbs, adverbs and years (新建|储能电站项目, 2024年|重大民生项目)."""
    from .lexicon import word_tags

    tags = word_tags()
    starts, tokens = t.tokens()
    i = t.token_index(start)
    while i < len(tokens) and starts[i] < end:
        tok = t.text[max(start, starts[i]):starts[i] + len(tokens[i])]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if len(tok) == 1 and nxt in GLUE_CONJ:
            break  # 中|和|能源 (restored by ``_glued_lead``): a character of a name, not a lead word
        if tags.get(tok, "n")[:1] in ("d", "p", "c", "r", "m", "t", "u") or tok in LEAD_VERB_WORDS or \
                re.fullmatch(r"\d+年?", tok):
            start = starts[i] + len(tokens[i])
            i += 1
        else:
            break
    return start


def _longest(hits: list[Hit]) -> list[Hit]:
    from .base import drop_overlaps

    return drop_overlaps(hits)
