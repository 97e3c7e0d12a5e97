"""The generic lexicons of ``kg/data`` compiled into matchers, loaded once per process.

Nothing here names a person, enterprise, agency or programme: only title words, organisation suffixes,
standard department names and abbreviation rules, China's administrative divisions, and cue words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..resources import data_lines


def _alternation(words) -> str:
    """A regex matching any of ``words``, longest first, shaped as a trie so the engine branches on the next
    character instead of trying thousands of alternatives (6,000 divisions: 0.3 → 20 M chars/s)."""
    trie: dict = {}
    for w in set(words):
        if not w:
            continue
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_pattern(trie) or "(?!)"


def _trie_pattern(node: dict) -> str:
    ends = "" in node
    branches = [re.escape(ch) + _trie_pattern(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:
        return ("(?:" + body + ")?") if len(branches) > 1 or len(body) > 1 else body + "?"
    return body


class Gazetteer:
    """Leftmost-longest, non-overlapping matching of a large word list with dictionary lookups: for thousands
    of words this beats one big regex alternation (which sre tries branch by branch) by far."""

    def __init__(self, words):
        self.words = frozenset(w for w in words if w)
        lengths: dict[str, set[int]] = {}
        for w in self.words:
            lengths.setdefault(w[0], set()).add(len(w))
        self.lengths = {ch: sorted(ls, reverse=True) for ch, ls in lengths.items()}
        self.first = re.compile("[" + "".join(re.escape(ch) for ch in sorted(self.lengths)) + "]")
        self.heads = frozenset(w[:2] for w in self.words)  # a word's first two characters (or its one)

    def finditer(self, text: str):
        n = len(text)
        lengths, words, heads = self.lengths, self.words, self.heads
        pos = 0
        for m in self.first.finditer(text):  # only where some word could start
            i = m.start()
            if i < pos or (text[i:i + 2] not in heads and text[i] not in heads):
                continue  # most first characters are not followed by a word's second one
            for k in lengths[text[i]]:
                if i + k <= n and text[i:i + k] in words:
                    yield _Match(text, i, i + k)
                    pos = i + k
                    break


class _Match:
    """The part of ``re.Match`` the extractors use."""

    __slots__ = ("_text", "_start", "_end")

    def __init__(self, text: str, start: int, end: int):
        self._text, self._start, self._end = text, start, end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def span(self) -> tuple[int, int]:
        return self._start, self._end

    def group(self, index: int = 0) -> str:
        return self._text[self._start:self._end]


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    short: str
    level: str
    parent: str


@dataclass(frozen=True)
class Lexicon:
    surnames: frozenset[str]
    titles: dict[str, tuple[str, str]]  # title -> (kind, default organ)
    title_re: re.Pattern
    org_suffix: dict[str, str]  # suffix -> type
    org_suffix_re: re.Pattern
    departments: dict[str, tuple[str, str]]  # written form -> (full core, type)
    department_re: re.Pattern
    abbreviations: tuple[tuple[str, str], ...]
    bodies: dict[str, tuple[str, str]]  # organ word -> (canonical pattern, type)
    name_cues: tuple[str, ...]
    not_names: frozenset[str]
    programme_triggers: tuple[str, ...]
    programme_trigger_re: re.Pattern
    event_suffix_re: re.Pattern
    document_words: tuple[str, ...]
    person_roles_re: re.Pattern
    divisions: dict[str, Division]  # by code
    place_names: dict[str, tuple[Division, ...]]  # full name or short form -> divisions
    place_re: Gazetteer  # province / prefecture / county names and their short forms
    stop_words: frozenset[str]

    def is_surname_at(self, text: str, i: int) -> int:
        """Length of the surname starting at ``text[i]`` (2 for compound surnames), or 0."""
        if text[i:i + 2] in self.surnames:
            return 2
        return 1 if text[i:i + 1] in self.surnames else 0


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    surnames = frozenset(w for line in data_lines("surnames.txt") for w in line.split())
    titles: dict[str, tuple[str, str]] = {}
    for line in data_lines("titles.tsv"):
        cols = line.split("\t")
        titles[cols[0]] = (cols[1] if len(cols) > 1 else "public", cols[2] if len(cols) > 2 else "")
    org_suffix = {}
    for line in data_lines("org_suffixes.tsv"):
        suffix, typ = line.split("\t")
        org_suffix[suffix] = typ
    departments: dict[str, tuple[str, str]] = {}
    for line in data_lines("departments.tsv"):
        cols = line.split("\t")
        full, shorts, typ = cols[0], cols[1] if len(cols) > 1 else "", cols[2] if len(cols) > 2 else "Agency"
        departments.setdefault(full, (full, typ))
        for short in filter(None, shorts.split(",")):
            departments.setdefault(short, (full, typ))
    abbreviations = tuple(tuple(line.split("\t")) for line in data_lines("abbreviations.tsv"))
    bodies = {}
    for line in data_lines("bodies.tsv"):
        written, pattern, typ = line.split("\t")
        bodies[written] = (pattern, typ)
    triggers = tuple(data_lines("programme_triggers.txt"))
    divisions: dict[str, Division] = {}
    place_names: dict[str, list[Division]] = {}
    for line in data_lines("divisions.tsv")[1:]:
        code, name, short, level, parent = (line.split("\t") + [""] * 5)[:5]
        d = Division(code, name, short, level, parent)
        divisions[code] = d
        place_names.setdefault(name, []).append(d)
        if short != name and (level != "town" or len(short) >= 2):
            place_names.setdefault(short, []).append(d)
    upper = [n for n, ds in place_names.items() if any(d.level != "town" for d in ds) and len(n) >= 2]
    return Lexicon(
        surnames=surnames,
        titles=titles,
        title_re=re.compile(_alternation(titles)),
        org_suffix=org_suffix,
        org_suffix_re=re.compile(_alternation(org_suffix)),
        departments=departments,
        department_re=re.compile(_alternation(departments)),
        abbreviations=abbreviations,
        bodies=bodies,
        name_cues=tuple(sorted(data_lines("name_cues.txt"), key=len, reverse=True)),
        not_names=frozenset(data_lines("not_names.txt")),
        programme_triggers=triggers,
        programme_trigger_re=re.compile(_alternation(triggers)),
        event_suffix_re=re.compile(_alternation(data_lines("event_suffixes.txt"))),
        document_words=tuple(data_lines("document_words.txt")),
        person_roles_re=re.compile(_alternation(data_lines("person_roles.txt"))),
        divisions=divisions,
        place_names={k: tuple(v) for k, v in place_names.items()},
        place_re=Gazetteer(upper),
        stop_words=frozenset(data_lines("stop_words.txt")),
    )


@lru_cache(maxsize=1)
def word_tags() -> dict[str, str]:
    """Part-of-speech tags of jieba's dictionary words: a dict lookup, far cheaper than ``jieba.posseg``. The
    file is found without importing jieba (0.09 s, for pkg_resources), which rjieba makes unneeded."""
    from importlib.util import find_spec
    from pathlib import Path

    spec = find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("kg needs jieba's dictionary: pip install jieba")
    text = (Path(spec.submodule_search_locations[0]) / "dict.txt").read_text(encoding="utf-8")
    fields = text.split()
    words, counts, tags = fields[0::3], fields[1::3], fields[2::3]
    lines = text.count("\n") + (not text.endswith("\n"))
    if len(fields) == 3 * lines and all(map(str.isdigit, counts)):
        return dict(zip(words, tags, strict=True))  # every line "word count tag": 3× faster than line by line
    out: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3:
            out[parts[0]] = parts[2]
    return out
