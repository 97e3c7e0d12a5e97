"""Programmes, campaigns, platforms, brands, mechanisms and policy documents.

- ``quoted_trigger.v1``: a quoted name followed (within a few characters) by a trigger word: “双推双评”工作要求,
  “惠企”品牌, “春风助企”行动; a quoted name that itself ends in a trigger (“河长制”, “六大攻坚行动”).
  A quoted phrase with no trigger (“金融血液”) is a figure of speech, not a programme.
- ``quoted_repeat.v1``: a quoted name the article quotes again and again, though with no trigger.
- ``numbered_slogan.v1``: a quoted numbered formula (“一户一档”, “三查三改”) with no trigger, or one numeral
  counting the list before it (新区、园区、景区“三区共建”).
- ``numbered_formula.v1``: an unquoted formula that repeats its numeral (双推双评, 一户一档).
- ``named_initiative.v1``: an unquoted initiative after a launching verb: 开展企业能效诊断行动, 实施人才强企工程.
- ``policy_package.v1``: a numbered package of measures (某某促就业15条, 国家12条稳外贸政策).
- ``placed_platform.v1``: an unquoted platform, system or hotline named after its place (某市智慧金融服务平台).
- ``document.v1``: a 《》 title ending in a document word (方案, 细则, 意见 …).
- ``slogan.v1``: a numbered slogan spelled out on the page (“两创一强” ↔ 创新创业、强基础).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..resources import data_lines
from .base import HAN, Hit, Text
from .lexicon import Lexicon, word_tags
from .orgs import STOP_TAGS
from .places import known_place

QUOTE_RE = re.compile(r"[“‘\"]([^“”‘’\"\n]{2,24})[”’\"]")
NESTED_RE = re.compile(r"“([^“”‘’\n]{0,12}‘[^“”‘’\n]{1,6}’[^“”‘’\n]{0,12})”")  # “纪企‘廉’动”: a pun in quotes
TITLE_RE = re.compile(r"《([^《》\n]{2,60})》")
LAUNCH_RE = re.compile(
    r"(?:组织开展了?|开展了?|实施|推行|启动|推进|深化|出台|建立|打造|创建|探索|组织|参与了?|加入了?|建设|部署)")
NUMERALS = "一二三四五六七八九十两"
GENERIC_TRIGGERS = ("行动", "活动", "服务", "工作")
SELF_TRIGGER_RE = re.compile(
    r"(?:行动|工程|计划|机制|制度|模式|平台|品牌|战略|工作法|长制|责任制|提质年|突破年|行动月|活动月|宣传月|服务月|"
    r"清单|热线|[\u4e00-\u9fff]{2}贷)$")  # “某某贷”: a bank's loan product
WEAK_TRIGGERS = ("服务", "工作", "要求", "清单", "理念", "体系", "专栏", "栏目", "载体", "系统", "活动")
LETTER_SPACE = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")
TRAILING_BRACKETS = re.compile(r"(?:\([^()]*\))+$")
PUNCT_ONLY = re.compile(r"^[\W\d_]+$")
PUNCT_TRIGGERS = ("工作法", "机制", "模式", "品牌", "平台", "工程", "行动", "清单", "热线", "系统")
NUMBER_WORD_RE = re.compile(r"^[一二三四五六七八九十两双]+[\u4e00-\u9fff]{1,2}$")
PROBLEM_VERB_RE = re.compile(r"(?:整治|治理|纠治|整顿|破解|打击)$")


def find_programmes(t: Text, lex: Lexicon) -> list[Hit]:
    text = t.text
    hits: list[Hit] = []
    quotes = sorted([*QUOTE_RE.finditer(text), *NESTED_RE.finditer(text)], key=lambda q: q.start())
    for m in quotes:
        inner = m.group(1).strip()
        after = text[m.end():m.end() + 10]
        trig, gap = None, 0
        for gap in range(0, 7):
            tm = lex.programme_trigger_re.match(after, gap)
            if tm and gap > 4 and not _noun_gap(t, m.end(), m.end() + gap):
                continue  # “鲁某某”涉企行政检查平台: a long gap only of nouns
            if tm and PUNCT_ONLY.match(inner) and tm.group(0) not in PUNCT_TRIGGERS:
                continue  # “12345”政务服务热线: a number is named by the head word, not by 服务 on the way
            if tm and (not re.search(r"[,。;、:!?\s的“”]", after[:gap]) or after[:gap] == "的" and len(inner) >= 4
                       and tm.group(0) in ("工作要求", "要求", "工作部署")) or tm and after[:gap] == "等" and \
                    len(inner) >= 4:  # “甲”“乙”等活动: the last of a list of them
                trig = tm.group(0)
                break
        if trig is None and not SELF_TRIGGER_RE.search(inner):
            continue
        formula = NUMBER_WORD_RE.match(inner) and inner not in word_tags()  # “双碳”工作, “四争”行动
        noun_gap = gap > 0 and (len(inner) >= 4 or formula) and (
            _noun_gap(t, m.end(), m.end() + gap) or after[:gap] == "等")  # “…”公益服务活动, “…”等活动
        if trig and (trig in WEAK_TRIGGERS or len(inner) <= 2 or PUNCT_ONLY.match(inner)) and (
                gap > 0 and after[:gap] != "的" and not noun_gap and not PUNCT_ONLY.match(inner)
                or trig in WEAK_TRIGGERS and len(inner) < 4 and not formula and not PUNCT_ONLY.match(inner)):
            continue  # “给力”的服务, “负面”台账清单, “一对一”服务: a weak or distant trigger needs a real name
        if PUNCT_ONLY.match(inner) and trig not in PUNCT_TRIGGERS:
            continue
        if len(inner) <= 2 and inner in word_tags() and not formula:
            continue  # “负面”台账: a dictionary word is a description, not a name
        if lex.event_suffix_re.search(inner + (trig or "")) and not trig:
            continue
        name, begin = inner, m.start(1)
        if (PUNCT_ONLY.match(inner) or len(inner) < 2) and trig != "品牌":
            name = inner + after[:gap] + (trig or "")  # “456”工作法 -> 456工作法, “12345”政务服务热线; “2046”品牌
        elif trig and (verb := PROBLEM_VERB_RE.search(text, max(0, m.start() - 4), m.start())):
            begin = verb.start()  # 整治“重复检查、多头执法”攻坚行动: the quote names the problems, not the campaign
            name = text[begin:m.end()] + after[:gap] + trig
        hits.append(Hit("Programme", begin, m.end(1) if begin == m.start(1) else m.end() + gap + len(trig or ""),
                        name, "quoted_trigger.v1", (("trigger", trig or ""),)))
    hits += _quoted_repeats(t, hits)
    hits += _numbered(t, hits)
    hits += _unquoted_formulas(t, hits)
    hits += _coordinated(t, hits)
    for m in TITLE_RE.finditer(text):
        inner = LETTER_SPACE.sub("", m.group(1))  # 《某市评 价 指 标 体 系》: a justified column spaces letters out
        bare = TRAILING_BRACKETS.sub("", inner)  # …指标体系(2022)(试行)
        if bare.endswith(lex.document_words) or re.search(r"(方案|办法|细则|意见|措施)", inner):
            hits.append(Hit("Programme", m.start(1), m.end(1), inner, "document.v1", (("kind", "document"),)))
    hits += _named_initiatives(t, lex, hits)
    hits += _packages(t, hits)
    hits += _placed_platforms(t, lex, hits)
    hits += _slogans(t, lex, hits)
    return hits


def _noun_gap(t: Text, start: int, end: int) -> bool:
    """Words between a quoted name and its trigger that qualify the trigger, on jieba's word bounds
    (“…”公益服务活动, “…”访谈专栏, “…”招才引智活动): no function word, no verb that takes the quote as its
    object (“…”开展活动)."""
    starts, tokens = t.tokens()
    tags = word_tags()
    i = t.token_index(start)
    if starts[i] != start:
        return False
    while i < len(tokens) and starts[i] < end:
        tag = tags.get(tokens[i], "n")
        if starts[i] + len(tokens[i]) > end or not HAN.match(tokens[i]) or tag in STOP_TAGS or \
                tag.startswith(("ad", "p", "c", "u", "d", "r")) or LAUNCH_RE.fullmatch(tokens[i]) or \
                tokens[i] in PLATFORM_VERBS:
            return False
        i += 1
    return True


def _coordinated(t: Text, found: list[Hit]) -> list[Hit]:
    """``quoted_list.v1``: short quoted names written side by side with a quoted programme (全面启动“四比”
    “八大攻坚行动”, 实施“红黄绿”通报、“双承诺”): items of one list, of one kind."""
    text = t.text
    by_start = {h.start: h for h in found}
    by_end = {h.end: h for h in found}
    quotes = list(QUOTE_RE.finditer(text))
    out = []
    for k, m in enumerate(quotes):
        if m.start(1) in by_start or len(m.group(1)) > 16 or m.group(1) in word_tags():
            continue
        nxt = quotes[k + 1] if k + 1 < len(quotes) else None
        prv = quotes[k - 1] if k > 0 else None
        beside = nxt is not None and nxt.start(1) in by_start and re.fullmatch(r"、?", text[m.end():nxt.start()]) \
            or prv is not None and prv.end(1) in by_end and re.fullmatch(r"、?", text[prv.end():m.start()])
        if beside:
            out.append(Hit("Programme", m.start(1), m.end(1), m.group(1).strip(), "quoted_list.v1"))
    return out


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
        if inner.endswith(praise_words()) or any(text[:m.start()].endswith(figure_cues()) for m in ms):
            continue  # 打造“某地样板”, 堪称一次“课堂抽查”: praise and figures of speech
        first = t.token_index(ms[0].start(1))
        if tags.get(tokens[first], "").startswith(("v", "d", "p")) or re.search(r"[,。;:!?]", inner):
            continue
        out += [Hit("Programme", m.start(1), m.start(1) + len(inner), inner, "quoted_repeat.v1") for m in ms
                if text[m.start(1):m.start(1) + len(inner)] == inner]
    return out


NUMERAL_RE = re.compile(r"[一二三四五六七八九十两双百千万]+")
NUMBERED_RE = re.compile(r"^(?:[一二三四五六七八九十两双百千万]+[\u4e00-\u9fff]{1,4}[、·]?)+$")


# one numeral that counts what the name lists (“两个确保”, “十大工程”, “八强产业”, “双公示”) or a sum of parts
# (“家校社+N”) is a formula too
COUNTED_RE = re.compile(r"^(?:双|[一二三四五六七八九十两]+(?:个|大|强|项|条|张|级))[\u4e00-\u9fff]{1,6}$")
PLUS_RE = re.compile(r"^(?=.*[\u4e00-\u9fff])(?:[\u4e00-\u9fffA-Za-z0-9]+\+N|"
                     r"[\u4e00-\u9fffA-Za-z0-9]+(?:\+[\u4e00-\u9fffA-Za-z0-9]+){2,})$")  # not 执法+服务: a way


def _numbered(t: Text, found: list[Hit]) -> list[Hit]:
    """``numbered_slogan.v1``: a quoted numbered formula (“一户一档”, “三查三改”, “双公示、一承诺”, “两个确保”,
    “十大工程”, “家校社+N”) is how Chinese policy names its programmes and rules, with or without a trigger after
    it. Dictionary words (“一对一”, “三农”) and two characters (“三夏”) are not."""
    tags = word_tags()
    taken = {(h.start, h.end) for h in found}
    out = []
    for m in QUOTE_RE.finditer(t.text):
        inner = m.group(1)
        if len(inner) < 3 or inner in tags or (m.start(1), m.end(1)) in taken:
            continue
        counted = COUNTED_RE.match(inner) or PLUS_RE.match(inner)
        if not counted and not (NUMBERED_RE.match(inner) and (len(NUMERAL_RE.findall(inner)) >= 2
                                                              or _enumerated(t.text, m.start(), inner))):
            continue  # one numeral is often a description (“三好学生”): 一户一档, 双公示, 两个确保
        out.append(Hit("Programme", m.start(1), m.end(1), inner, "numbered_slogan.v1"))
    return out


def _enumerated(text: str, quote: int, inner: str) -> bool:
    """A one-numeral formula right after the list it counts: 新区、园区、景区“三区共建” (three items, each
    with 区) names the programme the list spells out."""
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
    """The cues, alone and with a measure (堪称, 堪称一次, 好比一场)."""
    cues = data_lines("figure_cues.txt")
    return (*cues, *(c + "一" + q for c in cues for q in "次个场道"))


@lru_cache(maxsize=1)
def praise_words() -> tuple[str, ...]:
    return tuple(data_lines("praise_words.txt"))


INITIATIVE_RE = re.compile(r"([\u4e00-\u9fff]{3,12}?)(服务平台|行动计划|行动|工程|计划|改革|服务|活动)")
CAMPAIGN_RE = re.compile(r"([\u4e00-\u9fff]{3,16}?)(专项行动|攻坚行动|集中行动)")  # named in full, trigger and all
# a pilot zone a government builds is a policy programme, not a place: 建设某某生态保护先行区
ZONE_RE = re.compile(r"([\u4e00-\u9fff]{4,16}?)(先行区|示范区|试验区|先行示范区)(?!管委会|管理委员会|党工委|工委)")
THEME_RE = re.compile(r"([\u4e00-\u9fff]{4,30}?)(主题教育|专题教育|教育实践活动|集中教育)")  # long, but one name


TERM_RE = re.compile(r"[一二三四五六七八九十百千两\d]+(?:年|天|日|个月)")
COUNTED_THINGS = ("建议", "意见", "线索", "问题", "生产线", "举措", "经验", "道路", "河流", "线路", "信息", "措施")
POLICY_VERBS = re.compile(r"(?:出台|制定|执行|落实|印发|推出|实施|兑现)了?")
# numbered policy packages: 某某促就业15条, 国家12条稳外贸政策, 8条配套措施
PACKAGE_COUNT_RE = re.compile(r"(\d{1,3})\s?条(?=[、,。;:!?)”等\s]|$)")  # the count first: a Han-led regex is slow
HAN_RUN_END = re.compile(r"[\u4e00-\u9fff]{3,12}\s?$")
PACKAGE_BEFORE_RE = re.compile(
    r"(?:(国家|省|市|县)\s?)?(\d{1,3})\s?条((?![等的])[\u4e00-\u9fff]{2,12}?(?:政策|措施))")
PACKAGE_QUOTED_RE = re.compile(
    r"(国家|省|市|县)?“([^“”\n]{2,8})”([\u4e00-\u9fff]{0,8}?)\s?(?:\d+批)?\s?\d+项(政策|措施)")


def _packages(t: Text, taken: list[Hit]) -> list[Hit]:
    """``policy_package.v1``: a numbered package of policy measures, named by its count (稳就业促增收15条,
    国家12条稳外贸政策); the name starts after the verb or separator before it (制定出台|…, 、|…)."""
    text = t.text
    out: list[Hit] = []
    if "条" not in text and "项" not in text:
        return out  # most articles: no count to look at
    for m in PACKAGE_COUNT_RE.finditer(text):
        run = HAN_RUN_END.search(text, max(0, m.start() - 13), m.start())
        if run is None:
            continue
        head = run.group(0).rstrip()
        start = run.start() + max((v.end() for v in POLICY_VERBS.finditer(head)), default=0)
        core = text[start:run.start() + len(head)]
        if len(core) < 3 or any(h.start < m.end() and start < h.end for h in taken + out):
            continue
        if core.endswith(COUNTED_THINGS):
            continue  # 诊断建议113条, 问题线索10条: a count of things, not a package
        out.append(Hit("Programme", start, m.end(), f"{core}{m.group(1)}条", "policy_package.v1"))
    for m in PACKAGE_BEFORE_RE.finditer(text):
        if any(h.start < m.end() and m.start() < h.end for h in taken + out):
            continue
        name = f"{m.group(1) or ''}{m.group(2)}条{m.group(3)}"
        out.append(Hit("Programme", m.start(), m.end(), name, "policy_package.v1"))
    for m in PACKAGE_QUOTED_RE.finditer(text):  # 省“稳中求进”高质量发展4批284项政策: named by its quoted slogan
        if any(h.start < m.end() and m.start() < h.end for h in taken + out):
            continue
        name = f"{m.group(1) or ''}“{m.group(2)}”{m.group(3)}{m.group(4)}"
        out.append(Hit("Programme", m.start(), m.end(), name, "policy_package.v1"))
    return out


def _named_initiatives(t: Text, lex: Lexicon, taken: list[Hit]) -> list[Hit]:
    from .orgs import _generic

    text = t.text
    out = []
    for lm in LAUNCH_RE.finditer(text):
        m = CAMPAIGN_RE.match(text, lm.end()) or INITIATIVE_RE.match(text, lm.end()) or \
            THEME_RE.match(text, lm.end()) or ZONE_RE.match(text, lm.end())
        if not m or any(h.start <= m.start() < h.end for h in taken):
            continue
        core, trig = m.group(1), m.group(2)
        from .events import _trim_lead

        cstart = _trim_lead(t, m.start(1), m.end(1))
        if cstart != m.start(1):
            core = text[cstart:m.end(1)]
            m = INITIATIVE_RE.match(text, cstart) or m
        if "“" in core or len(core) < 4 or len(core) <= 4 and _generic(t, m.start(1), m.end(1)) or \
                core.startswith(SCOPE_WORDS):
            continue  # 打造县域智慧金融服务平台: a kind of platform for every county, not one platform
        if trig in ("服务", "活动") and len(core) < 5:
            continue
        # 开展企业能效诊断行动 names 企业能效诊断; a campaign with a term (三年攻坚突破行动) keeps 行动
        name = core if trig in GENERIC_TRIGGERS and not TERM_RE.search(core) else core + trig
        out.append(Hit("Programme", m.start(), m.end(1) if name == core else m.end(), name, "named_initiative.v1",
                       (("trigger", trig),)))
    return out


SCOPE_WORDS = ("县域", "市域", "全域", "区域", "镇域", "各级", "基层")
PLATFORM_RE = re.compile(r"(?:平台|系统|热线)")
NATIONAL = ("全国", "国家", "全省", "全市")
# verbs whose object is the platform (…搭建|平台), not a verb that qualifies it (共享|平台)
PLATFORM_VERBS = ("搭建", "依托", "通过", "利用", "用好", "借助", "建好", "构建", "登录", "入驻")


def _placed_platforms(t: Text, lex: Lexicon, taken: list[Hit]) -> list[Hit]:
    """``placed_platform.v1``: a platform, system or hotline named after its place (某市智慧金融服务平台,
    某县企业信用信息公示系统, 全国某某信息共享平台): a division name, or 全国/国家, then nouns only, then the head.
    A 系统 needs a long core: 某省教育系统 is a sector, not a system."""
    text = t.text
    starts, tokens = t.tokens()
    bounds = set(starts)
    tags = word_tags()
    out = []
    for m in PLATFORM_RE.finditer(text):
        if m.start() not in bounds or any(h.start <= m.start() < h.end for h in taken + out):
            continue
        for length in range(2, 17):
            begin = m.start() - length
            if begin < 0 or begin not in bounds:
                continue
            place = next((begin + n for n in range(6, 1, -1) if _placed_head(text[begin:begin + n], lex)), None)
            if place is None or place - begin < 2 or m.start() - place < 2:
                continue
            core = text[place:m.start()]
            if m.group(0) == "系统" and len(core) < 6:
                break
            i, ok = t.token_index(place), starts[t.token_index(place)] == place
            while ok and i < len(tokens) and starts[i] < m.start():
                tag = tags.get(tokens[i], "n")
                last = starts[i] + len(tokens[i]) == m.start() and tokens[i] not in PLATFORM_VERBS and \
                    not LAUNCH_RE.fullmatch(tokens[i])  # 共享|平台, 公示|系统: a verb may qualify the head
                ok = HAN.match(tokens[i]) is not None and tag not in STOP_TAGS and \
                    not (tag.startswith("v") and tag != "vn" and not (last and i > t.token_index(place))) and \
                    not tokens[i].startswith(SCOPE_WORDS)
                i += 1
            if ok:
                out.append(Hit("Programme", begin, m.end(), text[begin:m.end()], "placed_platform.v1",
                               (("trigger", m.group(0)),)))
            break  # the nearest place decides
    return out


def _placed_head(word: str, lex: Lexicon) -> bool:
    """A place or the nation opening a platform's name (潍坊, 全国; not 青年, a short form that is a word)."""
    return word in NATIONAL or known_place(word, lex)


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
