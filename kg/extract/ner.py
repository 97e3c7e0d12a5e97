"""``crf_ner.v1``: a character CRF for names, companies, government bodies, organisations, positions and places.

Rules read the grammar of official titles and organisation names very precisely, but many people in the news
carry no title and many companies no legal suffix. This model, trained by ``bench/train_ner.py`` (with
python-crfsuite) on the public CLUENER2020 train split and never on the text it is evaluated on, finds those.
Its features are the characters around a position, the jieba word it sits in with that word's dictionary tag,
and the generic lexicons (surnames, title words, organisation suffixes, divisions).

Decoding is done here with numpy from the exported weights (``ner.npz``): feature values are looked up per
template without building feature strings, and Viterbi runs over all sentences of an article at once. That is
several times faster than calling crfsuite per sentence and gives the same labels (a test checks it).
"""

from __future__ import annotations

from bisect import bisect_left
from functools import lru_cache
from itertools import accumulate

import numpy as np

from ..nlp import sentences, token_bounds, tokenizer
from ..resources import data_path
from .base import HAN, SITE_AFTER, Hit
from .lexicon import lexicon, word_tags
from .places import GLUE_OK

MODEL_FILE = "ner.crfsuite"  # written by training; the source of the exported weights
WEIGHTS_FILE = "ner.npz"  # what kg loads at run time
LABEL_TYPE = {"name": "Person", "company": "Enterprise", "government": "Agency", "organization": "Organization",
              "position": "Position", "address": "Place"}
TEMPLATES = ("c", "p1", "n1", "p2", "n2", "p1c", "cn1", "wt", "wpt", "pwt")
FLAGS = ("sur", "sT", "eT", "sX", "eX", "sG", "eG")
BATCH = 64  # sentences decoded together
RENORM = 8  # forward-backward: renormalise every this many positions
POSTERIOR = True  # decode by the most probable label per position (else Viterbi)
MIN_CONFIDENCE = 0.5  # the least probable label of a span; chosen on a validation slice (bench/ner_threshold.py)


@lru_cache(maxsize=1)
def _lexicon_res():
    """Title words, organisation suffixes and divisions as three matchers (leftmost-longest)."""
    lex = lexicon()
    return lex.surnames, (("T", lex.title_re), ("X", lex.org_suffix_re), ("G", lex.place_re))


@lru_cache(maxsize=1)
def _surname_codes() -> np.ndarray:
    """Code points of the one-character surnames (the ``sur`` flag)."""
    return np.array(sorted(ord(s) for s in _lexicon_res()[0] if len(s) == 1), dtype=np.int64)


@lru_cache(maxsize=64)
def _positions(k: int) -> tuple[str, ...]:
    """Position-in-word labels of a k-character word, with its length capped at 5: S1 | B2 E2 | B3 M3 E3 …"""
    c = min(k, 5)
    return (f"S{c}",) if k == 1 else (f"B{c}", *([f"M{c}"] * (k - 2)), f"E{c}")


def columns(text: str) -> tuple[dict[str, list[str]], list[list[str]]]:
    """Feature values of ``text`` (a normalised sentence) per template, and the flags of each character."""
    n = len(text)
    surnames, patterns = _lexicon_res()
    tags = word_tags()
    word_pos: list[str] = []
    word_tag: list[str] = []
    for tok in tokenizer()(text):
        k = len(tok)
        word_pos += _positions(k)
        word_tag += [tags.get(tok, "OOV")] * k
    flags: list[list[str]] = [["sur"] if c in surnames else [] for c in text]
    for kind, pattern in patterns:
        for m in pattern.finditer(text):
            if m.end() - m.start() >= 2:
                flags[m.start()].append("s" + kind)
                flags[m.end() - 1].append("e" + kind)
    chars = list(text)
    pad = ["^", "^", *chars, "$", "$"]
    p1, p2, n1, n2 = pad[1:n + 1], pad[0:n], pad[3:n + 3], pad[4:n + 4]
    cols = {
        "c": chars, "p1": p1, "n1": n1, "p2": p2, "n2": n2,
        "p1c": [a + b for a, b in zip(p1, chars, strict=True)],
        "cn1": [a + b for a, b in zip(chars, n1, strict=True)],
        "wt": word_tag,
        "wpt": [a + b for a, b in zip(word_pos, word_tag, strict=True)],
        "pwt": ["^", *word_tag[:-1]],
    }
    return cols, flags


def features(text: str) -> list[list[str]]:
    """One feature-string list per character: what crfsuite trains on (``bench/train_ner.py``)."""
    cols, flags = columns(text)
    named = [[f"{name}={v}" for v in cols[name]] for name in TEMPLATES]
    return [["b", *row, *flag] for row, flag in zip(zip(*named, strict=True), flags, strict=True)]


class Model:
    """CRF weights: per template a value -> row index, one weight row per feature, label transitions."""

    def __init__(self, labels: list[str], index: dict[str, dict[str, int]], weights: np.ndarray,
                 transitions: np.ndarray):
        self.labels = labels
        self.index = index
        self.weights = weights  # rows: features (last row all zero: unknown values), columns: labels
        self.transitions = transitions  # [from, to]
        self.zero = weights.shape[0] - 1
        self._fast = _fast_tables(index, self.zero)
        names = sorted({label[2:] for label in labels if label[:2] in ("B-", "I-")})
        self._label_name = names
        self._label_type = np.array([names.index(lab[2:]) if lab[:2] in ("B-", "I-") else -1 for lab in labels])
        self._inside = np.array([lab.startswith("I-") for lab in labels])
        self._tag_table, self._wt_rows, self._wpt_rows, self._pwt_rows, self._pwt_start = _word_tables(index,
                                                                                                     self.zero)
        tags = word_tags()
        self._word_tag_ids = dict(zip(tags, map(self._tag_table.__getitem__, tags.values()), strict=True))  # OOV: 0

    @classmethod
    def from_crfsuite(cls, path: str) -> Model:
        import pycrfsuite

        tagger = pycrfsuite.Tagger()
        tagger.open(path)
        info = tagger.info()
        labels = sorted(tagger.labels())
        col = {lab: i for i, lab in enumerate(labels)}
        index: dict[str, dict[str, int]] = {}
        rows: dict[str, int] = {}
        for attr, _label in info.state_features:
            if attr not in rows:
                rows[attr] = len(rows)
                name, _, value = attr.partition("=")
                index.setdefault(name, {})[value] = rows[attr]
        weights = np.zeros((len(rows) + 1, len(labels)))
        for (attr, label), w in info.state_features.items():
            weights[rows[attr], col[label]] = w
        trans = np.zeros((len(labels), len(labels)))
        for (a, b), w in info.transitions.items():
            trans[col[a], col[b]] = w
        return cls(labels, index, weights, trans)

    def save(self, path) -> None:
        keys, values, rows = [], [], []
        for name, table in sorted(self.index.items()):
            for value, row in sorted(table.items()):
                keys.append(name)
                values.append(value)
                rows.append(row)
        np.savez_compressed(path, labels=np.array(self.labels), keys=np.array(keys), values=np.array(values),
                            rows=np.array(rows, dtype=np.int32), weights=self.weights.astype(np.float32),
                            transitions=self.transitions.astype(np.float32))

    @classmethod
    def load(cls, path) -> Model:
        with np.load(path, allow_pickle=False) as z:
            index: dict[str, dict[str, int]] = {}
            for name, value, row in zip(z["keys"].tolist(), z["values"].tolist(), z["rows"].tolist(), strict=True):
                index.setdefault(name, {})[value] = row
            return cls(z["labels"].tolist(), index, z["weights"].astype(np.float64),
                       z["transitions"].astype(np.float64))

    def emissions(self, texts: list[str]) -> np.ndarray:
        """Scores [position, label] of all texts concatenated, the same sums as ``features`` would give.

        The batch is joined as ``^^ text $$^^ text … $$`` so the character templates of every position (p2 … n2,
        p1c, cn1 with their ``^``/``$`` padding) are slices of one array of code points, looked up with
        ``searchsorted`` instead of a dict lookup per character and template. Only the segmentation into words
        stays per text; the lexicon flags are one scan of the joined text (the separators end every match)."""
        zero, tables = self.zero, self._fast
        joined = "^^" + "$$^^".join(texts) + "$$"
        cps = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
        starts = np.cumsum([0] + [len(t) + 4 for t in texts[:-1]], dtype=np.int64) + 2
        lengths = np.array([len(t) for t in texts], dtype=np.int64)
        total = int(lengths.sum())
        pos = np.repeat(starts - np.cumsum(np.concatenate(([0], lengths[:-1]))), lengths) + np.arange(total)
        char_rows = _lookup(tables["chars"], cps)  # vocabulary index of each joined character
        bigram_rows = _lookup(tables["bigrams"], cps[:-1] * 0x110000 + cps[1:])  # of joined[i:i + 2]
        ids = np.empty((len(TEMPLATES), total), dtype=np.int32)
        for t, name in enumerate(TEMPLATES):
            shift = {"c": 0, "p1": -1, "n1": 1, "p2": -2, "n2": 2}.get(name)
            if shift is not None:
                ids[t] = tables[name][char_rows[pos + shift]]
            elif name in ("p1c", "cn1"):
                ids[t] = tables[name][bigram_rows[pos - (name == "p1c")]]
        word_rows = self._word_rows(texts)
        for name in ("wt", "wpt", "pwt"):
            ids[TEMPLATES.index(name)] = word_rows[name]
        scores = np.take(self.weights, ids[0], axis=0)  # template by template: no [template, position, label]
        for row in ids[1:]:
            scores += np.take(self.weights, row, axis=0)
        scores += self.weights[self.index.get("b", {}).get("", zero)]
        _, patterns = _lexicon_res()
        sur_row = self.index.get("sur", {}).get("")
        if sur_row is not None:
            scores[np.isin(cps[pos], _surname_codes())] += self.weights[sur_row]
        back = np.full(len(joined), -1, dtype=np.int64)
        back[pos] = np.arange(total)
        for kind, pattern in patterns:
            begins, ends = [], []
            for m in pattern.finditer(joined):
                if m.end() - m.start() >= 2:
                    begins.append(back[m.start()])
                    ends.append(back[m.end() - 1])
            for flag, where in (("s" + kind, begins), ("e" + kind, ends)):
                row = self.index.get(flag, {}).get("")
                if where and row is not None:
                    scores[where] += self.weights[row]  # leftmost-longest: one match per start, per end
        return scores

    def _word_rows(self, texts: list[str]) -> dict[str, np.ndarray]:
        """Weight rows of the word templates (jieba word tag, position in word + tag, previous character's tag):
        one dictionary lookup per word, the rest array operations over characters."""
        table = self._word_tag_ids
        cut = tokenizer()
        words: list[str] = []
        for text in texts:
            text_words = _BATCH_WORDS.get(text) or cut(text)
            _BATCH_WORDS[text] = text_words  # ``supported`` checks word bounds of the same texts: cut them once
            words += text_words
        if not words:
            empty = np.zeros(0, dtype=np.int32)
            return {"wt": empty, "wpt": empty, "pwt": empty}
        tag = np.array([table.get(w, 0) for w in words], dtype=np.int64)
        size = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        word_of = np.repeat(np.arange(len(words)), size)  # the word each character sits in
        at = np.arange(len(word_of)) - np.repeat(np.cumsum(size) - size, size)  # position in that word
        k = size[word_of]
        cap = np.minimum(k, 5)
        tg = tag[word_of]
        rows = self._wpt_rows  # [kind (S B M E), capped length, tag]
        kind = np.where(k == 1, 0, np.where(at == 0, 1, np.where(at == k - 1, 3, 2)))
        previous = np.concatenate(([-1], tg[:-1]))
        starts = np.zeros(len(tg), dtype=bool)  # the first character of each text
        char_starts = np.cumsum([0] + [len(t) for t in texts])[:-1]
        starts[char_starts[[len(t) > 0 for t in texts]]] = True
        pwt = np.where(starts, self._pwt_start, self._pwt_rows[previous])
        return {"wt": self._wt_rows[tg], "wpt": rows[kind, cap, tg], "pwt": pwt}

    def padded(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Emissions [text, position, label] of a batch, zero-padded, and the lengths."""
        lengths = np.array([len(t) for t in texts])
        em = np.zeros((len(texts), int(lengths.max()), len(self.labels)))
        flat = self.emissions(texts)
        offset = 0
        for b, n in enumerate(lengths):
            em[b, :n] = flat[offset:offset + n]
            offset += n
        return em, lengths

    def viterbi(self, em: np.ndarray, lengths: np.ndarray) -> list[list[str]]:
        """Best label path of every text of the batch: one numpy step per position, all texts together."""
        n_labels = len(self.labels)
        longest = em.shape[1]
        lengths_min = int(lengths.min())
        score = em[:, 0, :].copy()
        back = np.zeros(em.shape, dtype=np.int64)
        trans = self.transitions[None, :, :]
        stay = np.arange(n_labels)[None, :]
        for i in range(1, longest):
            cand = score[:, :, None] + trans  # [batch, from, to]
            best = cand.argmax(axis=1)
            new = cand.max(axis=1) + em[:, i, :]
            if lengths_min > i:
                score = new
                back[:, i, :] = best
            else:
                active = (i < lengths)[:, None]
                score = np.where(active, new, score)
                back[:, i, :] = np.where(active, best, stay)
        out = []
        for b, n in enumerate(lengths):
            if n == 0:
                out.append([])
                continue
            label = int(score[b].argmax())
            path = [label]
            for i in range(n - 1, 0, -1):
                label = int(back[b, i, label])
                path.append(label)
            out.append([self.labels[j] for j in reversed(path)])
        return out

    def marginals(self, em: np.ndarray, lengths: np.ndarray) -> list[np.ndarray]:
        """P(label at position | text) for every text of the batch: forward-backward in scaled probability
        space, one small matrix product per position. Scales cancel out, so the running products are only
        renormalised every ``RENORM`` steps: each step shrinks them by at most e^-(transition weight range),
        far from float64's limits over 8 steps. Time-major arrays keep every step's slice contiguous."""
        p_em = np.exp(em - em.max(axis=2, keepdims=True)).transpose(1, 0, 2).copy()  # [position, text, label]
        p_tr = np.exp(self.transitions - self.transitions.max())
        p_tr_t = p_tr.T.copy()
        longest = p_em.shape[0]
        alpha = np.empty_like(p_em)
        alpha[0] = p_em[0] / p_em[0].sum(axis=1, keepdims=True)
        for i in range(1, longest):
            a = alpha[i]
            np.matmul(alpha[i - 1], p_tr, out=a)
            a *= p_em[i]
            if i % RENORM == 0:
                a /= a.sum(axis=1, keepdims=True)
        beta = np.ones_like(p_em)
        ends = lengths - 1  # beta is 1 at each text's last position and beyond
        ascending = bool(np.all(np.diff(ends) >= 0))  # batches come sorted by length: finished texts first
        for i in range(longest - 2, -1, -1):
            b = beta[i]
            np.multiply(p_em[i + 1], beta[i + 1], out=b)
            np.matmul(b, p_tr_t, out=b)
            if i % RENORM == 0:
                b /= b.sum(axis=1, keepdims=True)
            if ascending:
                b[:int(np.searchsorted(ends, i, side="right"))] = 1.0
            else:
                b[i >= ends] = 1.0
        post = alpha * beta
        post /= post.sum(axis=2, keepdims=True)
        return [post[:n, k] for k, n in enumerate(lengths)]

    def decode(self, texts: list[str]) -> list[list[str]]:
        if not texts:
            return []
        return self.viterbi(*self.padded(texts))

    def analyse(self, texts: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Label indices and their probabilities per position, from one computation of the emissions. Labels are
        the most probable label of each position (posterior decoding): the probabilities are needed anyway for
        confidence, and this saves a Viterbi pass (bench/ner_threshold.py compares the two)."""
        if not texts:
            return []
        em, lengths = self.padded(texts)
        probs = self.marginals(em, lengths)
        if POSTERIOR:
            ids = [p.argmax(axis=1) for p in probs]
        else:
            col = {label: k for k, label in enumerate(self.labels)}
            ids = [np.array([col[x] for x in path], dtype=np.int64) for path in self.viterbi(em, lengths)]
        return [(i, p[np.arange(len(i)), i]) for i, p in zip(ids, probs, strict=True)]

    def spans(self, label_ids: np.ndarray, confidence: np.ndarray, first: np.ndarray):
        """(begin, end, label, confidence) of the B-/I- runs of a flat label sequence (``first`` marks where a new
        text starts: no run crosses it); confidence is the least probability inside the run. What ``spans`` does
        label by label, in a few array operations."""
        typ, inside = self._label_type[label_ids], self._inside[label_ids]
        member = typ >= 0
        before = np.concatenate(([-1], typ[:-1]))
        begins = member & (~inside | (before != typ) | first)
        cuts = np.flatnonzero(begins | ~member | first)
        if not len(cuts):
            return []
        least = np.minimum.reduceat(confidence, cuts)
        ends = np.append(cuts[1:], len(label_ids))
        keep = begins[cuts]
        return [(int(b), int(e), self._label_name[int(typ[b])], float(c))
                for b, e, c in zip(cuts[keep], ends[keep], least[keep], strict=True)]


def _fast_tables(index: dict[str, dict[str, int]], zero: int) -> dict[str, np.ndarray]:
    """Sorted code points (and code-point pairs) of every character (pair) the model knows, and per template
    the weight row of each: vocabulary index -> row, the last index standing for "unknown"."""
    chars = sorted({v for name in ("c", "p1", "n1", "p2", "n2") for v in index.get(name, {}) if len(v) == 1})
    pairs = sorted({v for name in ("p1c", "cn1") for v in index.get(name, {}) if len(v) == 2})
    out = {"chars": np.array([ord(c) for c in chars], dtype=np.int64),
           "bigrams": np.array([ord(a) * 0x110000 + ord(b) for a, b in pairs], dtype=np.int64)}
    for names, vocab in ((("c", "p1", "n1", "p2", "n2"), chars), (("p1c", "cn1"), pairs)):
        for name in names:
            table = index.get(name, {})
            out[name] = np.array([table.get(v, zero) for v in vocab] + [zero], dtype=np.int32)
    return out


def _word_tables(index: dict[str, dict[str, int]], zero: int):
    """jieba tag -> number (0: OOV), and the weight rows of the word templates by tag number: ``wt`` and ``pwt``
    [tag], ``wpt`` [S/B/M/E, capped word length, tag], and ``pwt`` of a text's first character (``^``)."""
    tag_names = ["OOV", *sorted(set(word_tags().values()) - {"OOV"})]
    table = {t: i for i, t in enumerate(tag_names)}
    wt, wpt, pwt = (index.get(name, {}) for name in ("wt", "wpt", "pwt"))
    wt_rows = np.array([wt.get(t, zero) for t in tag_names], dtype=np.int32)
    pwt_rows = np.array([pwt.get(t, zero) for t in tag_names] + [zero], dtype=np.int32)  # [-1]: unused
    wpt_rows = np.full((4, 6, len(tag_names)), zero, dtype=np.int32)
    for kind, letter in enumerate("SBME"):
        for cap in range(1, 6):
            for i, t in enumerate(tag_names):
                wpt_rows[kind, cap, i] = wpt.get(f"{letter}{cap}{t}", zero)
    return table, wt_rows, wpt_rows, pwt_rows, pwt.get("^", zero)


def _lookup(sorted_codes: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Index of each code in ``sorted_codes``, or ``len(sorted_codes)`` (unknown)."""
    at = np.searchsorted(sorted_codes, codes)
    at[at >= len(sorted_codes)] = 0
    found = sorted_codes[at] == codes if len(sorted_codes) else np.zeros(len(codes), dtype=bool)
    return np.where(found, at, len(sorted_codes))


@lru_cache(maxsize=1)
def model() -> Model | None:
    """The model, loaded once per process; ``None`` when the weights file is missing."""
    path = data_path(WEIGHTS_FILE)
    return Model.load(path) if path.is_file() else None


def spans(labels: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, label) of B-/I- runs."""
    out = []
    start, label = -1, ""
    for i, tag in enumerate([*labels, "O"]):
        if tag.startswith("B-") or tag == "O" or (tag.startswith("I-") and tag[2:] != label):
            if start >= 0:
                out.append((start, i, label))
            start, label = (i, tag[2:]) if tag != "O" else (-1, "")
    return out


def find_ner(text: str, limit: int = 256, page: bool = False) -> list[Hit]:
    """Model hits over one flat text (see ``find_ner_many``)."""
    return find_ner_many([text], limit, page)[0]


def find_ner_many(texts: list[str], limit: int = 256, page: bool = False,
                  words: list[tuple[list[int], list[str]]] | None = None) -> list[list[Hit]]:
    """Model hits over several flat texts, decoded sentence by sentence (long runs cut at ``limit`` characters)
    in batches of similar length, so a page's articles cost one pass.

    ``page``: the texts are newspaper articles, where the rules already read the government prose the model
    was not trained on; there a model-only name also needs grammatical support (``supported``).
    ``words``: jieba's (starts, words) of each text, when the caller has them: jieba cuts at every character
    that is not Han or alphanumeric, so a sentence's words are a slice of its text's words and need no new cut."""
    m = model()
    out: list[list[Hit]] = [[] for _ in texts]
    if m is None:
        return out
    pieces = []  # (text index, offset, chunk)
    for n, text in enumerate(texts):
        for s, e in sentences(text):
            for a in range(s, e, limit):
                chunk = text[a:min(e, a + limit)]
                if chunk.strip():
                    pieces.append((n, a, chunk))
                    if words is not None:
                        _slice_words(words[n], a, a + len(chunk), chunk)
    results: list = [None] * len(pieces)
    order = sorted(range(len(pieces)), key=lambda k: len(pieces[k][2]))
    for start in range(0, len(order), BATCH):  # similar lengths together: little padding
        batch = order[start:start + BATCH]
        for k, result in zip(batch, m.analyse([pieces[k][2] for k in batch]), strict=True):
            results[k] = result
    if not pieces:
        return out
    label_ids = np.concatenate([ids for ids, _ in results])
    confidence = np.concatenate([conf for _, conf in results])
    offsets = np.cumsum([0] + [len(chunk) for _, _, chunk in pieces])
    first = np.zeros(len(label_ids), dtype=bool)
    first[offsets[:-1]] = True
    for begin, end, label, conf in m.spans(label_ids, confidence, first):
        if conf < MIN_CONFIDENCE or label not in LABEL_TYPE:
            continue
        k = int(np.searchsorted(offsets, begin, side="right")) - 1
        n, a, chunk = pieces[k]
        i, j = begin - offsets[k], end - offsets[k]
        raw = chunk[i:j]
        name = raw.strip()
        if len(name) < 2:
            continue
        lead = len(raw) - len(raw.lstrip())
        hit = Hit(LABEL_TYPE[label], a + i + lead, a + i + lead + len(name), name, "crf_ner.v1",
                  (("confidence", f"{conf:.2f}"),))
        if plausible(hit, texts[n]) and (not page or supported(hit, chunk, i + lead)):
            out[n].append(hit)
    _BATCH_WORDS.clear()
    return out


# ---------------------------------------------------------------- plausibility of model hits

ORG_CHARS = "村镇县区市省局部委会司厂队组"
FUNCTION_CHARS = set("的了着过在从向把被对为与和及等说是也都就将于")
PLACE_ENDS = tuple("省市县区镇乡村屯街道路号巷里园") + ("街道", "开发区", "园区", "社区", "小区", "地区")
GENERIC_NOUN_ENDS = ("地区", "市场", "产业", "集群", "领域", "体系", "工作", "建设", "发展", "问题", "部门", "单位",
                     "企业", "行业", "机构", "组织", "队伍", "班子")


def _on_word_bounds(sentence: str, start: int, end: int) -> bool:
    bounds = _word_bounds(sentence)
    return start in bounds and end in bounds


_BATCH_WORDS: dict[str, list[str]] = {}  # jieba's words of the texts being decoded (``find_ner_many``)


def _slice_words(text_words: tuple[list[int], list[str]], begin: int, end: int, chunk: str) -> None:
    """Record the words of ``chunk`` (``text[begin:end]``) when both its ends are word bounds of the text."""
    starts, tokens = text_words
    i = bisect_left(starts, begin)
    j = bisect_left(starts, end)
    if i < len(starts) and starts[i] == begin and (j == len(starts) and starts[-1] + len(tokens[-1]) == end
                                                    or j < len(starts) and starts[j] == end):
        _BATCH_WORDS[chunk] = tokens[i:j]


@lru_cache(maxsize=64)
def _word_bounds(sentence: str) -> frozenset[int]:
    """``token_bounds``, cached: a sentence often has several model names, and the model cut it already."""
    words = _BATCH_WORDS.get(sentence)
    if words is None:
        return frozenset(token_bounds(sentence))
    return frozenset(accumulate(map(len, words), initial=0))


def plausible(h: Hit, text: str) -> bool:
    """Edge checks of a model hit: no particle at either end, no body's character ending a person's name, no
    generic noun ending a body or place (…地区, …市场). Stricter checks cost more recall on unseen text than
    they gain (bench/ner_threshold.py)."""
    name = h.name
    if name[-1] in FUNCTION_CHARS or name[0] in FUNCTION_CHARS or "、" in name or name[0] in ")）":
        return False
    if name.count("(") != name.count(")") or name.count("“") != name.count("”"):
        return False
    if h.type == "Person":
        return name[-1] not in ORG_CHARS
    if h.type in ("Agency", "Enterprise", "Organization") and text.startswith(SITE_AFTER, h.end) and \
            not name.endswith(("公司", "集团", "局", "委员会")):
        return False  # 某某陆港海关监管|作业场所: the name of a site, cut short
    return h.type == "Position" or not name.endswith(GENERIC_NOUN_ENDS)


PROPER = ("nr", "nrt", "nrfg", "ns", "nt", "nz", "j", "eng")
PAGE_CONFIDENCE = 0.75  # on pages the rules read the prose; a model-only name must be surer


ORGAN_ENDS = set("会委局办院署部厅")
GENERIC_PLACE_WORDS = ("乡村", "农村", "山村", "城乡", "城镇")


def supported(h: Hit, sentence: str | None = None, at: int = 0) -> bool:
    """Grammar that vouches for a model-only name on a page: a surname for a person; for a body, a suffix of two
    or more characters (or a one-character suffix after a place) or a name that opens with a proper or unknown
    word; for a place, a division name or a village/town name of proper words. Phrases of common words
    (新能源汽车, 监督格局, 美丽乡村) are the model's mistakes on government prose. With its ``sentence`` (the
    name at ``at``), the name must also begin and end on jieba's word boundaries there (张家二村|村民, not
    张家二村村|民; 工商联社|情民意 is no 联社)."""
    lex, tags, name = lexicon(), word_tags(), h.name
    if float(h.attr("confidence") or 1) < PAGE_CONFIDENCE:
        return False
    if sentence is not None and not _on_word_bounds(sentence, at, at + len(name)):
        return False
    toks = list(tokenizer()(name))
    tok_tags = [tags.get(tok) for tok in toks]
    if "“" in name or "”" in name or any(t is not None and t.startswith("v") and tok not in lex.org_suffix
                                         for t, tok in zip(tok_tags, toks, strict=True)):
        return False
    if h.type == "Person":
        return bool(lex.is_surname_at(name, 0)) and len(name) <= 4 and tags.get(name) in (None, "nr", "nrfg", "nrt")
    if h.type == "Position":
        return any(name[-k:] in lex.titles for k in range(1, len(name) + 1))
    proper = [t is None or t in PROPER for t in tok_tags]
    if h.type == "Place":
        if name.endswith(GENERIC_PLACE_WORDS):
            return False
        if len(name) == 2 and sentence is not None and at > 0 and HAN.match(sentence[at - 1]) and \
                sentence[at - 1] not in GLUE_OK:
            return False  # 产业|兴县: glued to the word before, part of a phrase
        if name in lex.place_names or tags.get(name) == "ns":
            return True
        return name.endswith(("村", "镇", "乡", "街道", "社区")) and len(toks) > 1 and all(proper[:-1])
    suffix = next((name[-k:] for k in range(len(name), 0, -1) if name[-k:] in lex.org_suffix), "")
    if not suffix and len(toks) == 1 and h.type in ("Agency", "Organization") and \
            not (tok_tags[0] in ("j", "nt") and name[-1] in ORGAN_ENDS):
        return False  # one dictionary word without a suffix: 丰衣足食, 公检法 (phrases); 银保监会 is a body
    if len(suffix) >= 2 and len(name) > len(suffix) + 1:
        return True
    if suffix and name[:-len(suffix)] and lex.place_names.get(name[:2]):
        return True
    return len(name) >= 3 and proper[0] and tok_tags[0] != "ns" or len(toks) > 1 and proper[0] and proper[1]
