"""Places: China's administrative divisions from ``kg/data/divisions.tsv`` (MCA codes), found on word bounds.

``division.v1`` matches full names and short forms of provinces, prefectures and counties; ``town.v1`` matches
towns and streets (…镇, …乡, …街道) that the divisions file knows; ``village.v1`` villages, which it does not;
``country.v1`` the world's other countries by their standard Chinese names (``kg/data/countries.tsv``, CLDR).
Places inside organisation names are not separate mentions: the organisation is ``locatedIn`` them instead.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..resources import data_lines
from .base import FUNCTION_CHARS, HAN, Hit, Text
from .lexicon import Division, Gazetteer, Lexicon, word_tags

GLUE_OK = frozenset("在到赴从至于及与、对是和")  # what may stand right before a two-character place name
TOWN_RE = re.compile(r"[\u4e00-\u9fff]{1,5}?(?:镇|乡|街道)")


def find_places(t: Text, lex: Lexicon, inside: list[Hit]) -> list[Hit]:
    text = t.text
    starts, tokens = t.tokens()
    bounds = set(starts) | {len(text)}
    spans = [(h.start, h.end) for h in inside]

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in spans)

    hits = []
    for m in lex.place_re.finditer(text):
        s, e = m.span()
        if s not in bounds or not free(s, e):
            continue
        if e not in bounds and text[e:e + 1] not in "市县区省":
            continue
        divs = lex.place_names[m.group(0)]
        if not _proper(m.group(0), divs):
            continue
        if len(m.group(0)) == 2 and s > 0 and HAN.match(text[s - 1]) and text[s - 1] not in GLUE_OK:
            continue  # 产业|兴县: a two-character name glued to a word before it is part of a phrase
        hits.append(Hit("Place", s, e, m.group(0), "division.v1", (("codes", ",".join(d.code for d in divs)),)))
    taken = [(h.start, h.end) for h in hits]
    for m in _town_matches(text):
        if text[m.end():m.end() + 1] in ("村", "镇", "级"):
            continue  # 乡村, 乡镇
        for s in range(m.start(), m.end() - 1):
            if s not in bounds:
                continue
            name = text[s:m.end()]
            divs = [d for d in lex.place_names.get(name, ()) if d.level == "town"]
            if divs and free(s, m.end()) and all(m.end() <= a or s >= b for a, b in taken):
                hits.append(Hit("Place", s, m.end(), name, "town.v1", (("codes", ",".join(d.code for d in divs)),)))
                break
    hits += _countries(t, lex, [*spans, *((h.start, h.end) for h in hits)], bounds)
    return hits + _villages(t, [*spans, *((h.start, h.end) for h in hits)], hits)


def known_place(word: str, lex: Lexicon) -> bool:
    """A division name that stands for a place at the head of a longer name: three characters or more, or two
    that jieba knows as a place (a short form such as 青年 is also a common word)."""
    return word in lex.place_names and (len(word) > 2 or word_tags().get(word) == "ns")


TOWN_END = re.compile(r"镇|乡|街道")
HAN_BEFORE = re.compile(r"[\u4e00-\u9fff]{1,5}$")


def _town_matches(text: str):
    """``TOWN_RE.finditer(text)``, found from the town words back: a regex that opens on any Han character is
    tried at every position of the text, the town words are few."""
    pos = 0
    for e in TOWN_END.finditer(text):
        if e.start() < pos:
            continue
        run = HAN_BEFORE.search(text, max(pos, e.start() - 5), e.start())
        if run is None:
            continue
        m = TOWN_RE.match(text, run.start())
        if m is not None:
            pos = m.end()
            yield m


@lru_cache(maxsize=1)
def countries() -> tuple[dict[str, str], Gazetteer]:
    """Chinese name -> ISO code of every country and territory outside China, and their matcher."""
    table = {}
    for line in data_lines("countries.tsv"):
        code, name = line.split("\t")
        table[name] = code
    return table, Gazetteer(table)


def _countries(t: Text, lex: Lexicon, taken: list[tuple[int, int]], bounds: set[int]) -> list[Hit]:
    """``country.v1``: a country on jieba's word bounds, not inside another name, never a Chinese division of
    the same name (黑山县 is a county)."""
    table, gazetteer = countries()
    out = []
    for m in gazetteer.finditer(t.text):
        s, e = m.start(), m.end()
        if s not in bounds or e not in bounds or m.group(0) in lex.place_names or \
                any(s < b and a < e for a, b in taken):
            continue
        out.append(Hit("Place", s, e, m.group(0), "country.v1", (("country", table[m.group(0)]),)))
    return out


NOT_VILLAGES = frozenset(("驻村", "万村", "一村", "该村", "本村", "全村", "每村", "各村", "进村", "走村", "乡村",
                          "农村", "山村", "新村", "贫困村", "行政村", "自然村", "示范村", "重点村", "试点村", "美丽村"))
VILLAGE_LEFT_TAGS = (None, "nr", "ns", "f", "q", "ng", "nz")


def _villages(t: Text, taken: list[tuple[int, int]], towns: list[Hit]) -> list[Hit]:
    """``village.v1``: villages, which no divisions file lists: a word jieba does not know ending in 村 (任庄村,
    闫二村), or 村 after such a word (苏堂|村), with the surname or direction characters before it (秦|闫二村,
    西|邢庄村), never a common word (乡村, 贫困村, 驻村) and never across a town's name (范寨镇|西邢庄村)."""
    text = t.text
    starts, tokens = t.tokens()
    tags = word_tags()
    hits = []
    for i, tok in enumerate(tokens):
        if not tok.endswith("村") or tok in NOT_VILLAGES or not all(HAN.match(c) for c in tok):
            continue
        if tok == "村":
            if i == 0 or tags.get(tokens[i - 1]) is not None or not all(HAN.match(c) for c in tokens[i - 1]):
                continue
            first = i - 1
        elif tags.get(tok) is None:
            first = i
        else:
            continue
        end = starts[i] + len(tok)
        while first > 0 and end - starts[first - 1] <= 6:
            prev = tokens[first - 1]
            if len(prev) > 2 or not all(HAN.match(c) for c in prev) or prev in FUNCTION_CHARS or \
                    tags.get(prev) not in VILLAGE_LEFT_TAGS:
                break
            first -= 1
        start = starts[first]
        for town in towns:  # 范寨镇西|邢庄村: jieba glued the town's last character to the village
            if town.start <= start < town.end:
                start = town.end
        if end - start < 3 or any(s < end and start < e for s, e in taken):
            continue
        hits.append(Hit("Place", start, end, text[start:end], "village.v1"))
    return hits + _listed_villages(t, taken, hits)


def _listed_villages(t: Text, taken: list[tuple[int, int]], villages: list[Hit]) -> list[Hit]:
    """A village named by common words (纸坊村) right before another village in a list (纸坊村、苏堂村): items of
    one list are of one kind."""
    if not villages:
        return []
    text = t.text
    bounds = set(t.tokens()[0])
    out = []
    for h in villages:
        end = h.start - 1
        if end < 3 or text[end] != "、" or text[end - 1] != "村":
            continue
        for start in (end - 3, end - 4, end - 2):  # 纸坊村 first, then 王家庄村, 苏村
            name = text[start:end]
            if start >= 0 and start in bounds and all(HAN.match(c) for c in name) and name not in NOT_VILLAGES and \
                    (start == 0 or not HAN.match(text[start - 1]) or text[start - 1] in FUNCTION_CHARS) and \
                    not any(s < end and start < e for s, e in taken):
                out.append(Hit("Place", start, end, name, "village.v1"))
                break
    return out


def _proper(name: str, divs: tuple[Division, ...]) -> bool:
    """Short forms and two-character names that are also common words (振兴, 合作, 资源, 兴县) count only
    when jieba's dictionary knows them as place names."""
    full = any(d.name == name for d in divs)
    if full and len(name) > 2:
        return True
    tag = word_tags().get(name)
    return tag is None and not full or tag == "ns"
