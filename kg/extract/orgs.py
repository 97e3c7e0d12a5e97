"""Agencies, enterprises and organisations, by the grammar of Chinese organisation names.

Three rules, most specific first:
- ``department.v1``: a standard government or Party department, with its place and level
  (潍坊市工业和信息化局, 市工信局, 县委统战部);
- ``organ.v1``: a Party committee, government, congress or CPPCC named by its level (市委, 寿光市政府, 市政协);
- ``org_suffix.v1``: any name ending in an organisation suffix (…有限公司, …集团, …商会, …海关), its left edge
  found on jieba's tokens: it stops at punctuation, function words and verbs, or starts at a place name.
``alias.v1`` reads ``(以下简称X)`` after a name.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..resources import data_lines
from .base import FACILITY_AFTER, FUNCTION_CHARS, HAN, Hit, SpanIndex, Text, drop_overlaps
from .lexicon import Lexicon, word_tags

LEVELS = "省市县区镇乡"
ORGANS = ("人大常委会", "人民政府", "纪委监委", "政府", "政协", "人大", "纪委", "委")
ORGAN_RE = re.compile(r"(?:人大常委会|人民政府|纪委监委|政府|政协|人大|纪委|委)")
ALIAS_RE = re.compile(r"\s*[(（]\s*(?:以下简称|以下称|下称|简称)\s*[“\"']?([^”\"')）]{2,16}?)[”\"']?\s*[)）]")
SUBUNIT_RE = re.compile(r"[\u4e00-\u9fff]{2,10}?(?:科|处|股|室|中心|大队|中队)")
ZONE_WORDS = ("高新区", "开发区", "经济开发区", "工业园", "产业园", "园区", "新区")
SINGLE_SUFFIX_NEEDS_PLACE = 2  # suffixes shorter than this must start at a place or level word
PREPOSITIONS = "从在由对向把被为与和及到于据经"
DETERMINERS = ("该", "本", "这", "此", "各", "每", "其", "我")
LEVEL_LIST_BEFORE = re.compile(r"[省市县区乡镇]\([省市县区乡镇、]+\)$")  # 县(市、区)党委宣传部: each county's
# 国家级…中心, 省重点实验室: a rank; 市直属商会, 县属企业: a class of bodies under a level
DESIGNATION = re.compile(r"^(?:国家|省|市|县|区)?级|^(?:国家|省|市|县|区)(?:重点|直属|所属|下属|属)")
ORGAN_WORDS = re.compile(r"^(?:党委|党总支|党支部|支部|党组|党工委|团委|村委|居委)+$")  # 党支部|办公室 of no one


def place_ending_at(text: str, end: int, lex: Lexicon, towns: bool = True) -> int:
    """Start of the longest place name that ends at ``end`` (0-length: returns ``end``)."""
    for length in range(min(9, end), 1, -1):
        cand = text[end - length:end]
        divs = lex.place_names.get(cand)
        if divs and (towns or any(d.level != "town" for d in divs)):
            if length == 2 and cand[0] in PREPOSITIONS and end > 2 and HAN.match(text[end - 3]):
                continue  # 保障局和|县市场监管局: 和 joins two names here, it is not 和县
            return end - length
    return end


def _prefix_start(text: str, pos: int, lex: Lexicon) -> int:
    """Extend an organ or department leftwards over ``[place][level][委|政府]``."""
    start = pos
    for organ in ("委", "政府"):
        if text[start - len(organ):start] == organ and start - len(organ) > 0:
            before = start - len(organ)
            p = place_ending_at(text, before, lex, towns=False)
            if p < before:
                return p
            if text[before - 1] in LEVELS:
                return before - 1
    p = place_ending_at(text, start, lex, towns=False)
    if p < start:
        return p
    if start > 0 and text[start - 1] in LEVELS:
        return start - 1
    return start


def find_departments(t: Text, lex: Lexicon) -> list[Hit]:
    text = t.text
    hits = []
    for m in lex.department_re.finditer(text):
        written = m.group(0)
        if written.endswith(("部", "局")) and text[m.end():m.end() + 1] == "长":
            continue  # 统战部长: a title, not the department
        start = _prefix_start(text, m.start(), lex)
        if start == m.start() and len(written) < 3:
            continue
        if start == m.start() and m.start() > 0 and HAN.match(text[m.start() - 1]) and \
                text[m.start() - 1] not in "、和与及":
            # inside a longer word we do not know: 宣传部 in 党委宣传部 is fine (prefix found), 某某局 is not
            if text[m.start() - 2:m.start()] not in ("党组", "党委"):
                continue
        if LEVEL_LIST_BEFORE.search(text, max(0, start - 16), start):
            continue
        full, typ = lex.departments[written]
        hits.append(Hit(typ, start, m.end(), text[start:m.end()], "department.v1", (("core", full),)))
    return hits


def find_organs(t: Text, lex: Lexicon) -> list[Hit]:
    text = t.text
    bounds = set(t.tokens()[0])
    hits = []
    for m in ORGAN_RE.finditer(text):
        s = m.start()
        if s == 0:
            continue
        organ = m.group(0)
        if organ == "委" and text[m.end():m.end() + 1] in ("员", "托"):
            continue  # 委员, 委托: checked before the place lookup, which is the costly part
        start = place_ending_at(text, s, lex, towns=False)
        if start == s:
            if text[s - 1] in "省市县区" and (s - 1 in bounds or text[s - 2:s - 1] in ("全", "")):
                start = s - 1
            else:
                m2 = re.search(r"[\u4e00-\u9fff]{1,6}(?:镇|乡|街道)$", text[max(0, s - 8):s])
                if m2 and organ in ("政府", "人民政府", "党委", "委"):
                    start = s - len(m2.group(0))
                else:
                    continue
        hits.append(Hit("Agency", start, m.end(), text[start:m.end()], "organ.v1", (("organ", organ),)))
    return hits


STOP_TAGS = ("p", "c", "d", "r", "u", "m", "q", "t", "f", "ad", "y", "e", "o", "uj", "ul", "zg", "mq")
NOUNISH_TAGS = ("n", "vn", "nz", "ns", "nt", "nr", "nrt", "j", "b", "an", "ng", "nrfg", "a")
VERB_TAGS = ("v", "vd", "vg", "vi", "vq")
PROPER_TAGS = ("nr", "ns", "nt", "nz", "j", "nrt", "nrfg", "eng")
BARE_ZONES = ("高新区", "开发区", "经开区")
PARTY_ORGANS = ("党工委", "工委", "党委", "党组", "党支部", "党总支", "支部")
PARENT_SUFFIXES = ("集团", "公司", "大学", "医院", "银行")
# a university's research centre, a hospital's branch: the sub-unit's name keeps its parent in front
# (某某大学可持续发展研究中心, 北京某某医院潍坊医院); a company's subsidiary does not (某某集团|某某有限公司)
ACADEMIC_PARENTS = ("大学", "学院", "医院", "研究院", "科学院")
ACADEMIC_UNITS = ("研究中心", "研究院", "研究所", "实验室", "医院", "分院", "学院", "中心", "研究基地")


@lru_cache(maxsize=1)
def org_verbs() -> frozenset[str]:
    return frozenset(data_lines("org_verbs.txt"))


def _left_edge(t: Text, suffix_start: int, lex: Lexicon) -> int:
    """Walk jieba tokens leftwards from a suffix to where the name begins.

    A name is made of nouns, names and unknown words; it stops at punctuation, function words, numbers and
    time words, at a verb unless the verb sits between nouns (警务协助协会, 投资促进局), at a zone word
    (高新区华新集团 -> 华新集团) and at the suffix of a parent organisation (华新集团|潍坊华新…有限公司).
    """
    text = t.text
    starts, tokens = t.tokens()
    i = t.token_index(suffix_start - 1) if suffix_start > 0 else -1
    edge = suffix_start
    closes: list[int] = []  # positions of closing brackets still waiting for their opening one
    tags = word_tags()
    while i >= 0 and suffix_start - starts[i] <= 24:
        piece = text[starts[i]:edge]
        if not piece or not all(HAN.match(c) or c.isalnum() or c in "()·" for c in piece):
            break
        if piece in lex.stop_words and not (edge == suffix_start and tags.get(piece) == "vn" and i > 0 and
                                            tags.get(tokens[i - 1], "") in ("n", "nz", "j", "nt")):
            break  # 与…合作 stops a name; 产学研|合作|促进会: a noun before, the suffix right after, it is inside
        if piece in DETERMINERS or piece in FUNCTION_CHARS:
            break
        if tags.get(piece) in STOP_TAGS and not (len(piece) == 1 and _in_single_run(tokens, i)):
            break  # 天 of 江苏|天|源|电缆 is no time word: jieba cut an unknown name into characters
        if len(piece) > 1 and piece[0] in PREPOSITIONS and tags.get(piece) is None:
            edge = starts[i] + 1  # jieba glued a preposition to an unknown name: 从华北|国际陆港海关
            break
        if piece.isdigit():
            break
        if (tags.get(piece) in VERB_TAGS or tags.get(piece) in ("l", "i")) and piece not in org_verbs():
            # a verb inside a name sits between nouns (经纬方达|节能|技术, 山东|征信|公司)
            before = tokens[i - 1] if i > 0 else ""
            if not (before and all(HAN.match(c) for c in before) and before not in lex.stop_words
                    and tags.get(before, "n") in NOUNISH_TAGS):
                break
        if edge < suffix_start and (piece in ZONE_WORDS or piece.endswith(ZONE_WORDS)):
            break
        if edge < suffix_start and piece.endswith(PARENT_SUFFIXES) and not closes:
            break  # …(集团)有限公司: a parent's suffix in brackets is part of the name
        for k in range(len(piece) - 1, -1, -1):  # brackets inside the name must pair up
            if piece[k] == ")":
                closes.append(starts[i] + k)
            elif piece[k] == "(":
                if not closes:
                    closes.append(-1)  # an opening bracket with no closing one after it: (以下 …
                    break
                closes.pop()
        if closes and closes[-1] == -1:
            break
        edge = starts[i]
        i -= 1
    unmatched = [c for c in closes if c >= 0 and c >= edge]
    if unmatched:
        edge = max(unmatched) + 1  # 王明)潍坊…公司: a bracket closed before the name began is not part of it
    while edge < suffix_start and text[edge] in "全该本各":
        edge += 1
    return edge


def _academic_parent(t: Text, suffix_start: int, suffix: str, lex: Lexicon) -> int | None:
    """Start of a university or hospital whose unit this is (某某大学|可持续发展研究中心, 北京某某医院|潍坊医院):
    the parent ends on a word boundary at most twelve characters before the suffix, with only Han characters
    that are no function words between; the unit's own words may be verbs (可持续发展), which ``_left_edge``
    would stop at."""
    if not suffix.endswith(ACADEMIC_UNITS):
        return None
    text = t.text
    for k in range(suffix_start, max(0, suffix_start - 12) - 1, -1):
        between = text[k:suffix_start]
        if between and (not HAN.match(between[0]) or between[0] in FUNCTION_CHARS):
            return None
        if _at_bound(t, k) and text[:k].endswith(ACADEMIC_PARENTS):
            parent = next(p for p in ACADEMIC_PARENTS if text[:k].endswith(p))
            start = _left_edge(t, k - len(parent), lex)
            return start if start < k - len(parent) else None
    return None


ELSEWHERE = re.compile(r"(?:异地|各地|外地|驻外)(?:[\u4e00-\u9fff]{2,6}、)*$")


def _beside_designation(text: str, start: int, end: int) -> bool:
    """A name in a list of ranks (国家级工程技术研究中心、省制造业创新中心、省重点实验室): one of the kinds."""
    before = re.split(r"[,。;:!?]", text[max(0, start - 20):start])[-1].split("、")
    after = re.split(r"[,。;:!?]", text[end:end + 20])[0].split("、")
    neighbours = ([before[-2]] if len(before) > 1 and before[-1] == "" else []) + \
        ([after[1]] if len(after) > 1 and after[0] == "" else [])
    return any(DESIGNATION.match(n) for n in neighbours)


def _quoted_brand(t: Text, edge: int, lex: Lexicon) -> int:
    """A quoted brand right before the name is part of it: “蓝马甲”志愿服务协会, “两新”工委. Not a quoted phrase
    before a place-named body (惩治“蝇贪”|某某区纪委) or after a level word (村“两委”办公室: every village's)."""
    text = t.text
    if text[edge - 1:edge] != "”":
        return edge
    opened = text.rfind("“", max(0, edge - 12), edge - 1)
    if opened < 0 or not all(HAN.match(c) for c in text[opened + 1:edge - 1]):
        return edge
    if text[opened - 1:opened] in ("村", "居", "镇", "乡", "该", "本") or any(
            text[edge:edge + n] in lex.place_names for n in range(2, 7)):
        return edge
    return opened


def _at_bound(t: Text, pos: int) -> bool:
    """A jieba word starts at ``pos`` (a bisect, not a scan of the word list)."""
    return pos < len(t.text) and t.tokens()[0][t.token_index(pos)] == pos


def _in_single_run(tokens: list[str], i: int) -> bool:
    """Token ``i`` is one character next to another one-character token: pieces of a word jieba did not know."""
    return any(0 <= j < len(tokens) and len(tokens[j]) == 1 and tokens[j] not in FUNCTION_CHARS
               and HAN.match(tokens[j]) for j in (i - 1, i + 1))


def _generic(t: Text, start: int, end: int) -> bool:
    """A core made only of common words (劳务, 当地, 综合性) names a kind of body, not one body."""
    starts, tokens = t.tokens()
    i = t.token_index(start)
    tags = word_tags()
    while i < len(tokens) and starts[i] < end:
        piece = t.text[max(starts[i], start):min(starts[i] + len(tokens[i]), end)]
        tag = tags.get(piece)  # a piece of a longer word (市民|服务 of 服务中心) by its own tag
        if tag is None or tag in PROPER_TAGS:
            return False
        i += 1
    return True


def _ends_on_token(t: Text, start: int, end: int, lex: Lexicon) -> bool:
    """The suffix ends a jieba word, or a shorter suffix of it begins one (供电|公司员工 cut as 公司员工): not
    工作|协调 (作协)."""
    starts, tokens = t.tokens()
    i = t.token_index(end - 1)
    return starts[i] + len(tokens[i]) == end or start <= starts[i] and t.text[starts[i]:end] in lex.org_suffix


def find_suffixed(t: Text, lex: Lexicon) -> list[Hit]:
    text = t.text
    hits = []
    for m in lex.org_suffix_re.finditer(text):
        suffix = m.group(0)
        nxt = text[m.end():m.end() + 1]
        if len(suffix) == 1 and nxt in "长面势部限内外":
            continue
        if suffix in ("公司", "集团", "银行") and nxt == "长":
            continue
        if text.startswith(FACILITY_AFTER, m.end()):
            continue  # …陆港海关监管作业场所: a customs-supervised site, not a customs office
        if not _ends_on_token(t, m.start(), m.end(), lex):
            continue
        start = _academic_parent(t, m.start(), suffix, lex)
        start = _left_edge(t, m.start(), lex) if start is None else start
        if start < m.start() or suffix not in PARTY_ORGANS:  # “两新”工委 alone: the title chain names its committee
            start = _quoted_brand(t, start, lex)
        core = text[start:m.start()]
        if not core and suffix in BARE_ZONES and (m.start() == 0 or not HAN.match(text[m.start() - 1])
                                                  or text[m.start() - 1] in "在到和与及、"):
            hits.append(Hit("Agency", m.start(), m.end(), suffix, "org_suffix.v1", (("suffix", suffix),)))
            continue  # 高新区 alone: the paper's own zone (resolution names it)
        if len(core) < 2 or not HAN.search(core):
            continue
        anchored = place_ending_at(text, start + min(len(core), 9), lex, towns=False) <= start or \
            core[0] in LEVELS and _at_bound(t, start + 1)  # 市|环保协会, not 市民|服务中心
        if len(suffix) < SINGLE_SUFFIX_NEEDS_PLACE and not anchored:
            continue
        if not anchored and len(core) <= 4 and _generic(t, start, m.start()):
            continue
        if core in lex.place_names and ELSEWHERE.search(text, max(0, start - 30), start):
            continue  # 开展异地山东、潍坊商会走访: the chambers of a place's people elsewhere, a kind
        if DESIGNATION.match(core) or ORGAN_WORDS.match(core) or \
                LEVEL_LIST_BEFORE.search(text, max(0, start - 16), start) or \
                core[0] in LEVELS and _beside_designation(text, start, m.end()):
            continue  # a kind of body or the body of a unit left unnamed, not one named body
        typ = lex.org_suffix[suffix]
        hits.append(Hit(typ, start, m.end(), text[start:m.end()], "org_suffix.v1", (("suffix", suffix),)))
    return hits


@lru_cache(maxsize=1)
def central_bodies() -> tuple[dict[str, tuple[str, str]], re.Pattern]:
    """Written form -> (full name, type) of the central bodies in ``central_bodies.tsv``, and their matcher."""
    from .lexicon import _alternation

    table: dict[str, tuple[str, str]] = {}
    for line in data_lines("central_bodies.tsv"):
        full, shorts, typ = (line.split("\t") + ["", ""])[:3]
        for written in [full, *filter(None, shorts.split(","))]:
            table[written] = (full, typ)
    return table, re.compile(_alternation(table))


@lru_cache(maxsize=1)
def central_posts() -> dict[str, str]:
    """Post -> the central body it heads (总理 -> 中华人民共和国国务院), from ``central_bodies.tsv``."""
    posts: dict[str, str] = {}
    for line in data_lines("central_bodies.tsv"):
        cols = line.split("\t")
        for title in filter(None, (cols[3] if len(cols) > 3 else "").split(",")):
            posts[title] = cols[0]
    return posts


def find_central(t: Text, lex: Lexicon) -> list[Hit]:
    """``central_body.v1``: the ministries, commissions and people's organisations of the central state, by
    name or press short form (教育部, 国家卫健委, 全国妇联); never a local body (市商务局) or 财政部门."""
    table, pattern = central_bodies()
    text = t.text
    starts, tokens = t.tokens()
    bounds = set(starts) | {len(text)}
    tags = word_tags()
    hits = []
    for m in pattern.finditer(text):
        s, e = m.span()
        if text[e:e + 1] in ("门", "长") or s > 0 and text[s - 1] in LEVELS or s not in bounds:
            continue  # 财政部门, 国防部长, 印度国防部 (one word)
        before = tokens[t.token_index(s - 1)] if s > 0 else ""
        if tags.get(before) == "ns" or before.endswith("国"):
            continue  # 美国国防部: another state's ministry
        full, typ = table[m.group(0)]
        attrs = (("alias_of", full),) if full != m.group(0) else ()
        hits.append(Hit(typ, s, e, m.group(0), "central_body.v1", attrs))
    return hits


LIST_END = re.compile(r"等(?:[\u4e00-\u9fff\d]{0,24}?)(?:企业|公司|巨头|厂商)")
LEADER_LIST = re.compile(r"以([^,。;:!?“”《》\n]{2,40}?)等?为"
                         r"(?:龙头|代表|引领|主导|骨干|主(?=的?[\u4e00-\u9fff]{0,6}企业))")
ITEM_SEP = re.compile(r"、|和|与|及")


@lru_cache(maxsize=1)
def industry_words() -> frozenset[str]:
    return frozenset(data_lines("industry_words.txt"))


def find_listed(t: Text, lex: Lexicon, found: list[Hit]) -> list[Hit]:
    """``enterprise_list.v1``: the names of a list of enterprises are enterprises when they look like names: a
    word jieba does not know or a proper noun in them, or a brand before an industry word (某某纸业), no verb, at
    most twelve characters. Two lists say their items are enterprises: one ending in 等…企业 (四海集团、金河纸业、
    华信经贸等越来越多的企业) and one of leaders (以某某汽车和某某电器为龙头)."""
    text = t.text
    taken = SpanIndex(found)
    out = []
    for m in LIST_END.finditer(text):
        items, end = [], m.start()
        while True:
            cut = max(text.rfind(c, max(0, end - 24), end) for c in "、,。;:!?“”《》\n")
            begin = cut + 1
            items.append((begin, end))
            if cut < 0 or text[cut] != "、" or len(items) >= 8:
                break
            end = cut
        if len(items) >= 2:  # one name before 等 is no list
            out += _list_items(t, lex, items, taken)
    for m in LEADER_LIST.finditer(text):
        items, begin = [], m.start(1)
        for sep in ITEM_SEP.finditer(text, m.start(1), m.end(1)):
            items.append((begin, sep.start()))
            begin = sep.end()
        items.append((begin, m.end(1)))
        out += _list_items(t, lex, items, taken, glued_start=m.start(1))
    return out


def _list_items(t: Text, lex: Lexicon, items: list[tuple[int, int]], taken: SpanIndex,
                glued_start: int = -1) -> list[Hit]:
    """The items of one list that look like enterprise names (``glued_start``: jieba may glue the word that
    opens the list to the first name, 以|中通 cut as 以中通)."""
    text = t.text
    starts, tokens = t.tokens()
    tags = word_tags()
    out = []
    common = []  # short names made of common words: companies only beside a name that is one (以中通、时风为龙头)
    for begin, end in items:
        i = t.token_index(begin)
        while i < len(tokens) and starts[i] < end:
            if tags.get(tokens[i], "").startswith(("v", "p", "d")):
                begin = starts[i] + len(tokens[i])  # 带队走访|浙江天顺线缆: the verb that opens the list
            i += 1
        name = text[begin:end]
        if not 2 <= len(name) <= 12 or not all(HAN.match(c) or c in "()" for c in name):
            continue
        if not taken.free(Hit("", begin, end, "", "")):
            continue
        i, k = t.token_index(begin), t.token_index(end - 1)
        if starts[i] != begin and begin != glued_start or starts[k] + len(tokens[k]) != end:
            continue
        toks = [text[max(begin, starts[j]):starts[j] + len(tokens[j])] for j in range(i, k + 1)]
        if any(tags.get(x, "").startswith(("v", "r")) for x in toks) or name[0] in "这那该本各每其此":
            continue
        if name in tags and tags[name] not in ("nz", "nt", "nrt", "nr"):
            if len(toks) == 1 and len(name) <= 4 and tags[name].startswith("n") and tags[name] != "ns" and \
                    name not in lex.stop_words:
                common.append(Hit("Enterprise", begin, end, name, "enterprise_list.v1"))
            continue
        brand = toks[-1] in industry_words() and len(name) - len(toks[-1]) >= 2
        if len(toks) == 1 and tags.get(toks[0]) == "ns":
            continue  # a place (以山东、江苏为龙头), not a company
        if not brand and not any(tags.get(x) is None or tags.get(x) in PROPER_TAGS for x in toks) and \
                lex.org_suffix.get(toks[-1]) != "Enterprise":
            continue
        out.append(Hit("Enterprise", begin, end, name, "enterprise_list.v1"))
        taken.add(out[-1])
    if out and len(common) < len(out) + 1:  # the list is of companies: its one-word items are too
        out = sorted(out + common, key=lambda h: h.start)
        for h in common:
            taken.add(h)
    return out


def find_orgs(t: Text, lex: Lexicon) -> list[Hit]:
    """All organisation mentions of one article, longest match winning, plus (以下简称X) aliases."""
    hits = drop_overlaps(find_departments(t, lex) + find_organs(t, lex) + find_suffixed(t, lex)
                         + find_central(t, lex))
    hits = sorted(hits + find_listed(t, lex, hits), key=lambda h: (h.start, h.end))
    out = []
    for h in hits:
        out.append(h)
        m = ALIAS_RE.match(t.text, h.end)
        if m:
            alias = m.group(1).strip()
            out.append(Hit(h.type, m.start(1), m.start(1) + len(alias), alias, "alias.v1", (("alias_of", h.name),)))
    return out
