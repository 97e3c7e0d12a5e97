"""Shared records of the extractors: hits and facts in *flat* offsets (see ``kg.nlp.Flat``)."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from ..model import Attributed
from ..nlp import SentenceIndex, tokenizer

HAN = re.compile(r"[\u4e00-\u9fff]")
# a customs-supervised site, not a customs office (某某陆港海关|监管作业场所)
FACILITY_AFTER = ("监管作业场所", "监管场所", "监管区", "特殊监管区域")
# words naming a site, not a body: a name with no suffix right before them (某某陆港海关监管|作业场所,
# 某某高新技术|产业示范园) modifies the site and is no organisation of its own
SITE_AFTER = (*FACILITY_AFTER, "作业场所", "产业示范园", "示范园", "产业园区")
# particles, prepositions, pronouns and numerals: a one-character word that never belongs to a name
FUNCTION_CHARS = frozenset("的了着过在和与及等对为从向把被将于是也都就到由让给并或而之以其"
                           "这那该本各每一二三四五六七八九十几")
NAME_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9()·+]")


@dataclass(frozen=True, slots=True)
class Hit(Attributed):
    type: str
    start: int
    end: int
    name: str
    rule: str
    attrs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Fact(Attributed):
    """A relation between names (or a name and a literal) with the flat span of its evidence."""

    s: str
    s_type: str
    p: str
    o: str
    o_type: str
    start: int
    end: int
    rule: str
    attrs: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True)
class Text:
    """One article's flat text with lazily computed sentences and jieba tokens."""

    text: str
    _sentences: SentenceIndex | None = None
    _token_starts: list[int] = field(default_factory=list)
    _tokens: list[str] = field(default_factory=list)

    @property
    def sentences(self) -> SentenceIndex:
        if self._sentences is None:
            self._sentences = SentenceIndex(self.text)
        return self._sentences

    def tokens(self) -> tuple[list[int], list[str]]:
        if not self._tokens:
            pos = 0
            for tok in tokenizer()(self.text):
                self._token_starts.append(pos)
                self._tokens.append(tok)
                pos += len(tok)
        return self._token_starts, self._tokens

    def token_index(self, pos: int) -> int:
        """Index of the token that contains ``text[pos]``."""
        starts, _ = self.tokens()
        return bisect_right(starts, pos) - 1


def clean_name(text: str) -> str:
    """A name as a reader writes it: layout spaces between Chinese characters and digits removed."""
    return re.sub(r"\s+", lambda m: " " if _ascii_pair(text, m) else "", text.strip())


def _ascii_pair(text: str, m: re.Match) -> bool:
    before, after = text[m.start() - 1:m.start()], text[m.end():m.end() + 1]
    return before.isascii() and before.isalpha() and after.isascii() and after.isalpha()


class SpanIndex:
    """Hits found by their start, to ask which overlap a span without comparing every pair (a page can hold
    thousands). ``free(h)`` is True when no hit shares a character with ``h`` (an empty span overlaps a hit
    around it); a question looks only at the starts within reach of the longest hit. Keeps insertion order."""

    def __init__(self, hits: list[Hit] = ()):
        self._at: dict[int, list[tuple[int, Hit]]] = {}
        self._hits: dict[int, Hit] = {}
        self._longest = 0
        self._next = 0
        for h in hits:
            self.add(h)

    def add(self, h: Hit) -> None:
        key = self._next = self._next + 1
        self._at.setdefault(h.start, []).append((key, h))
        self._hits[key] = h
        self._longest = max(self._longest, h.end - h.start)

    def remove(self, entries: list[tuple[int, Hit]]) -> None:
        for key, h in entries:
            self._at[h.start] = [e for e in self._at[h.start] if e[0] != key]
            del self._hits[key]

    def within(self, h: Hit) -> list[tuple[int, Hit]]:
        """The (key, hit) entries of the hits inside ``h``."""
        return [e for s in range(h.start, h.end + 1) for e in self._at.get(s, ()) if e[1].end <= h.end]

    def free(self, h: Hit, but: list[tuple[int, Hit]] = ()) -> bool:
        skip = {key for key, _ in but}
        return not any(key not in skip and p.start < h.end and h.start < p.end
                       for s in range(h.start - self._longest, h.end) for key, p in self._at.get(s, ()))

    def hits(self) -> list[Hit]:
        return list(self._hits.values())


def drop_overlaps(hits: list[Hit]) -> list[Hit]:
    """Keep the longest of overlapping hits (earliest first on ties).

    Chosen spans mark their characters (``used``; ``opens`` where one starts), so a page of thousands of hits
    costs the length of the hits, not every pair of them (a line of 市委常委、 repeated was quadratic)."""
    chosen: list[Hit] = []
    size = max((h.end for h in hits), default=0) + 1
    used, opens = bytearray(size), bytearray(size)
    for h in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if h.start < h.end:
            free = used.find(1, h.start, h.end) < 0
        else:  # empty spans come last: one overlaps a chosen span that starts before it and covers it
            free = not used[h.start] or bool(opens[h.start])
        if free:
            chosen.append(h)
            if h.start < h.end:
                used[h.start:h.end] = b"\x01" * (h.end - h.start)
                opens[h.start] = 1
    return sorted(chosen, key=lambda h: (h.start, h.end))
