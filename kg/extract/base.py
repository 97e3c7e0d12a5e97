"""Shared records of the extractors: hits and facts in *flat* offsets (see ``kg.nlp.Flat``)."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from ..nlp import SentenceIndex, tokenizer

HAN = re.compile(r"[\u4e00-\u9fff]")
NAME_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9()·+]")


@dataclass(frozen=True, slots=True)
class Hit:
    type: str
    start: int
    end: int
    name: str
    rule: str
    attrs: tuple[tuple[str, str], ...] = ()

    def attr(self, key: str, default: str = "") -> str:
        for k, v in self.attrs:
            if k == key:
                return v
        return default


@dataclass(frozen=True, slots=True)
class Fact:
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

    def attr(self, key: str, default: str = "") -> str:
        for k, v in self.attrs:
            if k == key:
                return v
        return default


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


def drop_overlaps(hits: list[Hit]) -> list[Hit]:
    """Keep the longest of overlapping hits (earliest first on ties)."""
    chosen: list[Hit] = []
    taken: list[tuple[int, int]] = []
    for h in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if all(h.end <= s or h.start >= e for s, e in taken):
            chosen.append(h)
            taken.append((h.start, h.end))
    return sorted(chosen, key=lambda h: (h.start, h.end))
