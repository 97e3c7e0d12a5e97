"""Text views the extractors share: reflowed article text with a map back to file offsets, sentences, tokens.

Extractors match on ``Flat.text`` (column breaks removed, full-width forms normalised) and report spans
through ``Flat.span`` so every mention points into the original file.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from .segment import Para


@dataclass(frozen=True, slots=True)
class Flat:
    text: str
    offsets: tuple[int, ...]  # offsets[i] = index in the source text of text[i]
    source_text: str

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Source offsets of ``text[start:end]`` (end exclusive)."""
        return self.offsets[start], self.offsets[end - 1] + 1

    def surface(self, start: int, end: int) -> str:
        s, e = self.span(start, end)
        return self.source_text[s:e]


def flatten(source_text: str, paras: list[Para]) -> Flat:
    """Join the lines of each paragraph (dropping column breaks); paragraphs are separated by ``\\n``."""
    chars: list[str] = []
    offsets: list[int] = []
    for para in paras:
        if offsets:  # not ``chars``: a heading of marks only (``## ``) adds no character
            chars.append("\n")
            offsets.append(offsets[-1] + 1 if offsets[-1] + 1 < para.start else para.start - 1)
        for k, line in enumerate(para.lines):
            skip = 0
            if k == 0 and para.kind == "heading":  # "## 标题": the marks are layout, not text
                skip = len(line.text) - len(line.text.lstrip("#").lstrip())
            chars.append(line.text[skip:])
            offsets.extend(range(line.start + skip, line.end))
    return Flat("".join(chars), tuple(offsets), source_text)


SENTENCE_END = re.compile(r"[。!?;\n]+[”’]?")


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a flat text: split after 。！？； and paragraph breaks."""
    out = []
    start = 0
    for m in SENTENCE_END.finditer(text):
        if m.end() > start and text[start:m.start()].strip():
            out.append((start, m.end() if text[m.end() - 1] != "\n" else m.start()))
        start = m.end()
    if text[start:].strip():
        out.append((start, len(text)))
    return out


class SentenceIndex:
    """Find the sentence around an offset in O(log n)."""

    def __init__(self, text: str):
        self.text = text
        self.spans = sentences(text)
        self.starts = [s for s, _ in self.spans]

    def around(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.starts, pos) - 1
        if i < 0:
            return (0, min(len(self.text), 1))
        return self.spans[i]


@lru_cache(maxsize=1)
def tokenizer():
    """jieba's segmenter, loaded once per process (rjieba when installed: same output, much faster)."""
    try:
        import rjieba

        return lambda text: rjieba.cut(text)
    except ImportError:  # pragma: no cover - depends on the environment
        import jieba

        jieba.setLogLevel(60)
        jieba.initialize()
        return lambda text: jieba.lcut(text)


def token_bounds(text: str) -> set[int]:
    """Offsets where jieba puts a word boundary in ``text``."""
    bounds = {0}
    pos = 0
    for tok in tokenizer()(text):
        pos += len(tok)
        bounds.add(pos)
    return bounds
