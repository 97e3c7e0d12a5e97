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

from functools import lru_cache
from itertools import repeat

import numpy as np

from ..nlp import sentences, tokenizer
from ..resources import data_path
from .base import Hit
from .lexicon import lexicon, word_tags

MODEL_FILE = "ner.crfsuite"  # written by training; the source of the exported weights
WEIGHTS_FILE = "ner.npz"  # what kg loads at run time
LABEL_TYPE = {"name": "Person", "company": "Enterprise", "government": "Agency", "organization": "Organization",
              "position": "Position", "address": "Place"}
TEMPLATES = ("c", "p1", "n1", "p2", "n2", "p1c", "cn1", "wt", "wpt", "pwt")
FLAGS = ("sur", "sT", "eT", "sX", "eX", "sG", "eG")
MIN_CONFIDENCE = 0.5  # the least probable label of a span; chosen on a validation slice (bench/ner_threshold.py)


@lru_cache(maxsize=1)
def _lexicon_res():
    """Title words, organisation suffixes and divisions as three matchers (leftmost-longest)."""
    lex = lexicon()
    return lex.surnames, (("T", lex.title_re), ("X", lex.org_suffix_re), ("G", lex.place_re))


def columns(text: str) -> tuple[dict[str, list[str]], list[list[str]]]:
    """Feature values of ``text`` (a normalised sentence) per template, and the flags of each character."""
    n = len(text)
    surnames, patterns = _lexicon_res()
    tags = word_tags()
    word_pos: list[str] = []
    word_tag: list[str] = []
    for tok in tokenizer()(text):
        k = len(tok)
        tag = tags.get(tok, "OOV")
        word_pos += [f"S{min(k, 5)}"] if k == 1 else [f"B{min(k, 5)}", *([f"M{min(k, 5)}"] * (k - 2)),
                                                      f"E{min(k, 5)}"]
        word_tag += [tag] * k
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
        self._tables = [index.get(name, {}) for name in TEMPLATES]

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
        """Scores [position, label] of all texts concatenated: one gather per template for the whole batch."""
        zero = self.zero
        per_template: list[list[int]] = [[] for _ in TEMPLATES]
        flag_rows = {k: self.index.get(k, {}).get("", zero) for k in FLAGS}
        flag_pos: list[int] = []
        flag_ids: list[int] = []
        offset = 0
        for text in texts:
            cols, flags = columns(text)
            n = len(text)
            for t, name in enumerate(TEMPLATES):
                per_template[t] += map(self._tables[t].get, cols[name], repeat(zero, n))
            for i, fl in enumerate(flags):
                for f in fl:
                    flag_pos.append(offset + i)
                    flag_ids.append(flag_rows.get(f, zero))
            offset += len(text)
        ids = np.array(per_template, dtype=np.int64)
        scores = self.weights[ids].sum(axis=0) + self.weights[self.index.get("b", {}).get("", zero)]
        if flag_pos:
            np.add.at(scores, np.array(flag_pos), self.weights[np.array(flag_ids)])
        return scores

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
        """P(label at position | text) for every text of the batch, by forward-backward."""
        trans = self.transitions
        longest = em.shape[1]
        alpha = np.zeros_like(em)
        alpha[:, 0] = em[:, 0]
        for i in range(1, longest):
            alpha[:, i] = _logsumexp(alpha[:, i - 1, :, None] + trans[None], axis=1) + em[:, i]
        beta = np.zeros_like(em)
        for i in range(longest - 2, -1, -1):
            step = _logsumexp(trans[None] + (em[:, i + 1] + beta[:, i + 1])[:, None, :], axis=2)
            beta[:, i] = np.where((i + 1 < lengths)[:, None], step, 0.0)
        out = []
        for b, n in enumerate(lengths):
            if n == 0:
                out.append(np.zeros((0, len(self.labels))))
                continue
            log_z = _logsumexp(alpha[b, n - 1][None], axis=1)[0]
            out.append(np.exp(alpha[b, :n] + beta[b, :n] - log_z))
        return out

    def decode(self, texts: list[str]) -> list[list[str]]:
        if not texts:
            return []
        return self.viterbi(*self.padded(texts))

    def analyse(self, texts: list[str]) -> list[tuple[list[str], np.ndarray]]:
        """Labels and their per-position probabilities, from one computation of the emissions."""
        if not texts:
            return []
        em, lengths = self.padded(texts)
        return list(zip(self.viterbi(em, lengths), self.marginals(em, lengths), strict=True))


def _logsumexp(x: np.ndarray, axis: int) -> np.ndarray:
    top = x.max(axis=axis, keepdims=True)
    return (top + np.log(np.exp(x - top).sum(axis=axis, keepdims=True))).squeeze(axis)


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
    """Model hits over a flat text, decoded sentence by sentence (long runs cut at ``limit`` characters).

    ``page``: the text is part of a newspaper page, where the rules already read the government prose the model
    was not trained on; there a model-only name also needs grammatical support (``supported``)."""
    m = model()
    if m is None:
        return []
    pieces = []
    for s, e in sentences(text):
        for a in range(s, e, limit):
            chunk = text[a:min(e, a + limit)]
            if chunk.strip():
                pieces.append((a, chunk))
    hits = []
    index = {label: k for k, label in enumerate(m.labels)}
    for (a, chunk), (labels, probs) in zip(pieces, m.analyse([c for _, c in pieces]), strict=True):
        for i, j, label in spans(labels):
            typ = LABEL_TYPE.get(label)
            raw = chunk[i:j]
            name = raw.strip()
            confidence = min(probs[k, index[labels[k]]] for k in range(i, j))
            if typ and len(name) >= 2 and confidence >= MIN_CONFIDENCE:
                lead = len(raw) - len(raw.lstrip())
                hit = Hit(typ, a + i + lead, a + i + lead + len(name), name, "crf_ner.v1",
                          (("confidence", f"{confidence:.2f}"),))
                if plausible(hit, text) and (not page or supported(hit)):
                    hits.append(hit)
    return hits


# ---------------------------------------------------------------- plausibility of model hits

ORG_CHARS = "村镇县区市省局部委会司厂队组"
FUNCTION_CHARS = set("的了着过在从向把被对为与和及等说是也都就将于")
PLACE_ENDS = tuple("省市县区镇乡村屯街道路号巷里园") + ("街道", "开发区", "园区", "社区", "小区", "地区")
GENERIC_NOUN_ENDS = ("地区", "市场", "产业", "集群", "领域", "体系", "工作", "建设", "发展", "问题", "部门", "单位",
                     "企业", "行业", "机构", "组织", "队伍", "班子")


def plausible(h: Hit, text: str) -> bool:
    """Edge checks of a model hit: no particle at either end, no body's character ending a person's name, no
    generic noun ending a body or place (…地区, …市场). Stricter checks cost more recall on unseen text than
    they gain (bench/ner_threshold.py)."""
    name = h.name
    if name[-1] in FUNCTION_CHARS or name[0] in FUNCTION_CHARS:
        return False
    if h.type == "Person":
        return name[-1] not in ORG_CHARS
    return h.type == "Position" or not name.endswith(GENERIC_NOUN_ENDS)


PROPER = ("nr", "nrt", "nrfg", "ns", "nt", "nz", "j", "eng")


def supported(h: Hit) -> bool:
    """Grammar that vouches for a model-only name on a page: a surname for a person; for a body, a suffix of two
    or more characters (or a one-character suffix after a place) or a name that opens with a proper or unknown
    word; for a place, a division name or a village/town name of proper words. Phrases of common words
    (新能源汽车, 监督格局, 美丽乡村) are the model's mistakes on government prose."""
    lex, tags, name = lexicon(), word_tags(), h.name
    toks = list(tokenizer()(name))
    tok_tags = [tags.get(tok) for tok in toks]
    if "“" in name or "”" in name or any(t is not None and t.startswith("v") and tok not in lex.org_suffix
                                         for t, tok in zip(tok_tags, toks, strict=True)):
        return False
    if h.type == "Person":
        return bool(lex.is_surname_at(name, 0)) and len(name) <= 4 and tags.get(name) in (None, "nr", "nrfg", "nrt")
    if h.type == "Position":
        return any(name.endswith(title) for title in lex.titles)
    proper = [t is None or t in PROPER for t in tok_tags]
    if h.type == "Place":
        if name in lex.place_names or tags.get(name) == "ns":
            return True
        return name.endswith(("村", "镇", "乡", "街道", "社区")) and len(toks) > 1 and all(proper[:-1])
    suffix = next((sfx for sfx in sorted(lex.org_suffix, key=len, reverse=True) if name.endswith(sfx)), "")
    if len(suffix) >= 2 and len(name) > len(suffix) + 1:
        return True
    if suffix and name[:-len(suffix)] and lex.place_names.get(name[:2]):
        return True
    return len(name) >= 3 and proper[0] and tok_tags[0] != "ns" or len(toks) > 1 and proper[0] and proper[1]
