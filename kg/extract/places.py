"""Places: China's administrative divisions from ``kg/data/divisions.tsv`` (MCA codes), found on word bounds.

``division.v1`` matches full names and short forms of provinces, prefectures and counties; ``town.v1`` matches
towns and streets (…镇, …乡, …街道) that the divisions file knows. Places inside organisation names are not
separate mentions: the organisation is ``locatedIn`` them instead.
"""

from __future__ import annotations

import re

from .base import HAN, Hit, Text
from .lexicon import Division, Lexicon, word_tags

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
        if len(m.group(0)) == 2 and s > 0 and HAN.match(text[s - 1]) and text[s - 1] not in "在到赴从至于及与、对是和":
            continue  # 产业|兴县: a two-character name glued to a word before it is part of a phrase
        hits.append(Hit("Place", s, e, m.group(0), "division.v1", (("codes", ",".join(d.code for d in divs)),)))
    taken = [(h.start, h.end) for h in hits]
    for m in TOWN_RE.finditer(text):
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
    return hits


def _proper(name: str, divs: tuple[Division, ...]) -> bool:
    """Short forms and two-character names that are also common words (振兴, 合作, 资源, 兴县) count only
    when jieba's dictionary knows them as place names."""
    full = any(d.name == name for d in divs)
    if full and len(name) > 2:
        return True
    tag = word_tags().get(name)
    return tag is None and not full or tag == "ns"
