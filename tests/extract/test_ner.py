"""The NER model: exported weights decode exactly like crfsuite; spans and hits are well formed."""

from pathlib import Path

import pytest

from kg.extract.ner import find_ner, find_ner_many, model, spans
from kg.read import normalise

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

SENTENCES = [
    "华新科技有限公司总经理周立新介绍，公司今年在潍坊市寒亭区新建两条生产线。",
    "记者从省人力资源和社会保障厅获悉，全省技工院校招生规模扩大。",
    "北京时间昨晚，皇家马德里队在主场击败对手，门将库尔图瓦表现出色。",
    "",
    "a",
]


def test_numpy_decoder_matches_crfsuite():
    pycrfsuite = pytest.importorskip("pycrfsuite")
    from pathlib import Path

    from kg.extract.ner import MODEL_FILE, features
    from kg.resources import data_path

    path = data_path(MODEL_FILE)
    if not Path(path).is_file():
        pytest.skip("the crfsuite model is not in this install")
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    texts = [normalise(s) for s in SENTENCES if s]
    assert model().decode(texts) == [tagger.tag(features(t)) for t in texts]


def test_batch_decoding_equals_one_by_one():
    texts = [normalise(s) for s in SENTENCES]
    assert model().decode(texts) == [model().decode([t])[0] if t else [] for t in texts]


def test_a_long_run_is_decoded_in_bounded_pieces(monkeypatch):
    """A line without a sentence end (a 1 MB one in the fuzz tests) is cut into pieces of at most 256 characters,
    so the decoder's memory and time per piece stay bounded whatever the line; every character is decoded once
    and the hits still point into the text."""
    m = model()
    if m is None:
        pytest.skip("no NER weights in this install")
    pieces: list[int] = []
    real = m.analyse

    def analyse(texts):
        pieces.extend(len(t) for t in texts)
        return real(texts)

    monkeypatch.setattr(m, "analyse", analyse)
    text = normalise("市委常委、副市长赵刚出席华新科技有限公司，" * 500)  # 10,500 characters, one sentence
    hits = find_ner_many([text, text[:300]], page=True)
    assert max(pieces) == 256 and sum(pieces) == len(text) + 300
    assert hits[0] and all(text[h.start:h.end] == h.name for h in hits[0])


def test_words_given_by_the_caller_change_nothing(monkeypatch):
    """The article's words are sliced for each sentence instead of cutting it again: the same hits; a chunk
    cut mid-word (the 256-character limit) is cut on its own."""
    from kg.extract import ner
    from kg.extract.base import Text

    texts = [normalise("记者从华新科技有限公司获悉，村民王建国说，新产品已投产。市委常委、副市长赵刚出席。"),
             normalise("潍坊市工业和信息化局党组书记、局长李明表示" * 20)]
    plain = find_ner_many(texts, page=True)
    ner._word_bounds.cache_clear()
    cuts = []
    real = ner.tokenizer()
    monkeypatch.setattr(ner, "tokenizer", lambda: lambda text: cuts.append(text) or real(text))
    given = find_ner_many(texts, page=True, words=[Text(t).tokens() for t in texts])
    assert given == plain and plain[0]
    sentences_of_first = {texts[0][s:e] for s, e in ner.sentences(texts[0])}
    assert len(sentences_of_first) == 2 and not sentences_of_first & set(cuts)
    assert texts[1][256:] in cuts or texts[1][:256] in cuts  # 256 characters cut mid-word: cut on its own


def test_spans_from_labels():
    assert spans(["B-name", "I-name", "O", "B-company", "I-company", "I-name", "B-name"]) == [
        (0, 2, "name"), (3, 5, "company"), (5, 6, "name"), (6, 7, "name")]


def test_model_finds_untitled_people_and_companies():
    text = normalise("记者从华新科技有限公司获悉，村民王建国说，新产品已投产。")
    found = {(h.type, h.name) for h in find_ner(text)}
    assert ("Enterprise", "华新科技有限公司") in found
    assert ("Person", "王建国") in found
    for h in find_ner(text):
        assert text[h.start:h.end] == h.name and h.rule == "crf_ner.v1"


def _reference_emissions(texts):
    """Scores summed from the feature strings crfsuite sees: what the array path of ``emissions`` must equal."""
    import numpy as np

    from kg.extract.ner import features

    m = model()
    rows = []
    for text in texts:
        for feats in features(text):
            score = np.zeros(len(m.labels))
            for feat in feats:
                name, _, value = feat.partition("=")
                row = m.index.get(name, {}).get(value)
                if row is not None:
                    score += m.weights[row]
            rows.append(score)
    return np.array(rows).reshape(-1, len(m.labels))


def test_array_emissions_equal_the_feature_strings():
    import numpy as np

    from kg.nlp import sentences
    from kg.read import read_source

    texts = [normalise(s) for s in SENTENCES if s] + ["^$^^$$", "欧阳张三说", "ab"]
    for page in sorted(SEEDS.iterdir())[:2]:
        text = read_source(str(page)).text
        texts += [text[s:e][:256] for s, e in sentences(text)][:150]
    for start in range(0, len(texts), 64):
        batch = texts[start:start + 64]
        assert np.allclose(model().emissions(batch), _reference_emissions(batch), atol=1e-4)


def test_array_spans_equal_label_by_label_spans():
    import random

    import numpy as np

    m = model()
    rng = random.Random(7)
    for _ in range(200):
        pieces = [[rng.choice(m.labels) for _ in range(rng.randint(1, 12))] for _ in range(rng.randint(1, 4))]
        flat = [label for piece in pieces for label in piece]
        ids = np.array([m.labels.index(label) for label in flat])
        conf = np.array([rng.random() for _ in flat])
        first = np.zeros(len(flat), dtype=bool)
        expected, offset = [], 0
        for piece in pieces:
            first[offset] = True
            for i, j, label in spans(piece):
                expected.append((offset + i, offset + j, label, float(conf[offset + i:offset + j].min())))
            offset += len(piece)
        assert m.spans(ids, conf, first) == expected


def test_model_only_names_on_pages_need_word_bounds_and_grammar():
    from kg.extract.base import Hit
    from kg.extract.ner import supported

    def hit(typ, sentence, name):
        at = sentence.index(name)
        return supported(Hit(typ, at, at + len(name), name, "crf_ner.v1", (("confidence", "0.90"),)), sentence, at)

    assert not hit("Place", "他是秦家二村村民。", "秦家二村村")  # ends inside 村民
    assert not hit("Place", "坚持产业兴县、制造业强县", "兴县")  # glued to the word before
    assert not hit("Place", "在美丽乡村建设上大步前进", "美丽乡村")
    assert not hit("Organization", "出台了就业、安居乐业等配套办法", "安居乐业")
    assert not hit("Organization", "打造全国工商联社情民意信息基地", "全国工商联社")
    assert hit("Agency", "经证监会批准上市", "证监会")
    assert hit("Person", "村民王建国说", "王建国")
