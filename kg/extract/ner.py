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
BATCH = 64  # sentences decoded together
POSTERIOR = True  # decode by the most probable label per position (else Viterbi)
MIN_CONFIDENCE = 0.5  # the least probable label of a span; chosen on a validation slice (bench/ner_threshold.py)


@lru_cache(maxsize=1)
def _lexicon_res():
    """Title words, organisation suffixes and divisions as three matchers (leftmost-longest)."""
    lex = lexicon()
    return lex.surnames, (("T", lex.title_re), ("X", lex.org_suffix_re), ("G", lex.place_re))


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
        self._tables = [index.get(name, {}) for name in TEMPLATES]
        self._weights32 = weights.astype(np.float32)

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
        """Scores [position, label] of all texts concatenated: one gather over the template columns for the
        whole batch, then each lexicon flag added where it is set (flags are rare)."""
        zero = self.zero
        values: list[list[str]] = [[] for _ in TEMPLATES]
        flagged: dict[str, list[int]] = {f: [] for f in FLAGS}
        offset = 0
        for text in texts:
            cols, flags = columns(text)
            for t, name in enumerate(TEMPLATES):
                values[t] += cols[name]
            for i, fl in enumerate(flags):
                for f in fl:
                    flagged[f].append(offset + i)
            offset += len(text)
        ids = np.array([list(map(table.get, vals, repeat(zero, offset)))
                        for table, vals in zip(self._tables, values, strict=True)], dtype=np.int32)
        scores = self._weights32[ids].sum(axis=0, dtype=np.float64)
        scores += self.weights[self.index.get("b", {}).get("", zero)]
        for f, positions in flagged.items():
            row = self.index.get(f, {}).get("")
            if positions and row is not None:
                scores[positions] += self.weights[row]  # one flag of a kind per position: no repeats
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
        """P(label at position | text) for every text of the batch: forward-backward in scaled probability
        space (one small matrix product per position; each step renormalised, which cancels out)."""
        longest = em.shape[1]
        p_em = np.exp(em - em.max(axis=2, keepdims=True))
        p_tr = np.exp(self.transitions - self.transitions.max())
        alpha = np.empty_like(p_em)
        alpha[:, 0] = p_em[:, 0] / p_em[:, 0].sum(axis=1, keepdims=True)
        for i in range(1, longest):
            a = (alpha[:, i - 1] @ p_tr) * p_em[:, i]
            alpha[:, i] = a / a.sum(axis=1, keepdims=True)
        beta = np.ones_like(p_em)
        for i in range(longest - 2, -1, -1):
            b = (p_em[:, i + 1] * beta[:, i + 1]) @ p_tr.T
            b /= b.sum(axis=1, keepdims=True)
            beta[:, i] = np.where((i + 1 < lengths)[:, None], b, 1.0)
        post = alpha * beta
        post /= post.sum(axis=2, keepdims=True)
        return [post[b, :n] for b, n in enumerate(lengths)]

    def decode(self, texts: list[str]) -> list[list[str]]:
        if not texts:
            return []
        return self.viterbi(*self.padded(texts))

    def analyse(self, texts: list[str]) -> list[tuple[list[str], np.ndarray]]:
        """Labels and their per-position probabilities, from one computation of the emissions. Labels are the
        most probable label of each position (posterior decoding): the probabilities are needed anyway for
        confidence, and this saves a Viterbi pass (bench/ner_threshold.py compares the two)."""
        if not texts:
            return []
        em, lengths = self.padded(texts)
        probs = self.marginals(em, lengths)
        if POSTERIOR:
            labels = [[self.labels[k] for k in p.argmax(axis=1)] for p in probs]
        else:
            labels = self.viterbi(em, lengths)
        return list(zip(labels, probs, strict=True))


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


def find_ner_many(texts: list[str], limit: int = 256, page: bool = False) -> list[list[Hit]]:
    """Model hits over several flat texts, decoded sentence by sentence (long runs cut at ``limit`` characters)
    in batches of similar length, so a page's articles cost one pass.

    ``page``: the texts are newspaper articles, where the rules already read the government prose the model
    was not trained on; there a model-only name also needs grammatical support (``supported``)."""
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
    index = {label: k for k, label in enumerate(m.labels)}
    results: list = [None] * len(pieces)
    order = sorted(range(len(pieces)), key=lambda k: len(pieces[k][2]))
    for start in range(0, len(order), BATCH):  # similar lengths together: little padding
        batch = order[start:start + BATCH]
        for k, result in zip(batch, m.analyse([pieces[k][2] for k in batch]), strict=True):
            results[k] = result
    for (n, a, chunk), (labels, probs) in zip(pieces, results, strict=True):
        for i, j, label in spans(labels):
            typ = LABEL_TYPE.get(label)
            raw = chunk[i:j]
            name = raw.strip()
            if not typ or len(name) < 2:
                continue
            confidence = min(probs[k, index[labels[k]]] for k in range(i, j))
            if confidence < MIN_CONFIDENCE:
                continue
            lead = len(raw) - len(raw.lstrip())
            hit = Hit(typ, a + i + lead, a + i + lead + len(name), name, "crf_ner.v1",
                      (("confidence", f"{confidence:.2f}"),))
            if plausible(hit, texts[n]) and (not page or supported(hit)):
                out[n].append(hit)
    return out


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
    if name[-1] in FUNCTION_CHARS or name[0] in FUNCTION_CHARS or "、" in name or name[0] in ")）":
        return False
    if name.count("(") != name.count(")") or name.count("“") != name.count("”"):
        return False
    if h.type == "Person":
        return name[-1] not in ORG_CHARS
    return h.type == "Position" or not name.endswith(GENERIC_NOUN_ENDS)


PROPER = ("nr", "nrt", "nrfg", "ns", "nt", "nz", "j", "eng")
PAGE_CONFIDENCE = 0.75  # on pages the rules read the prose; a model-only name must be surer


def supported(h: Hit) -> bool:
    """Grammar that vouches for a model-only name on a page: a surname for a person; for a body, a suffix of two
    or more characters (or a one-character suffix after a place) or a name that opens with a proper or unknown
    word; for a place, a division name or a village/town name of proper words. Phrases of common words
    (新能源汽车, 监督格局, 美丽乡村) are the model's mistakes on government prose."""
    lex, tags, name = lexicon(), word_tags(), h.name
    if float(h.attr("confidence") or 1) < PAGE_CONFIDENCE:
        return False
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
