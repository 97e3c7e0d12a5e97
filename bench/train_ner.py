"""Train kg's NER model (``kg/data/ner.crfsuite``) on the public CLUENER2020 train split.

Only the *tune* part is used (lines whose index % 5 != 0); the *dev* part (index % 5 == 0) is held out for
``bench/cluener.py``, so the model is never evaluated on text it was trained on. Reproducible: same data, same
features, same settings give the same model.

    python bench/train_ner.py [--data ../shared/bench/cluener/train.jsonl] [--iterations 150]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.extract.ner import LABEL_TYPE, MODEL_FILE, WEIGHTS_FILE, Model, features  # noqa: E402
from kg.read import normalise  # noqa: E402


def labels_of(text: str, label: dict) -> list[str]:
    tags = ["O"] * len(text)
    for typ, entities in label.items():
        if typ not in LABEL_TYPE:
            continue  # books, games, films and scenes are not kg types: fewer labels, faster tagging
        for spans in entities.values():
            for start, end in spans:  # CLUENER ends are inclusive
                if all(t == "O" for t in tags[start:end + 1]):
                    tags[start] = f"B-{typ}"
                    for i in range(start + 1, end + 1):
                        tags[i] = f"I-{typ}"
    return tags


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "bench" / "cluener" / "train.jsonl"))
    ap.add_argument("--iterations", type=int, default=150)
    ap.add_argument("--c1", type=float, default=0.15)
    ap.add_argument("--c2", type=float, default=0.02)
    ap.add_argument("--out", default=str(ROOT / "kg" / "data" / MODEL_FILE))
    ap.add_argument("--validation", action="store_true",
                    help="also hold out lines with index % 5 == 1 (to choose settings on them, not on dev)")
    args = ap.parse_args()

    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    started = time.perf_counter()
    lines = Path(args.data).read_text(encoding="utf-8").splitlines()
    used = 0
    for index, line in enumerate(lines):
        if index % 5 == 0 or (args.validation and index % 5 == 1):
            continue  # held out: the dev split of bench/cluener.py (and the validation slice)
        record = json.loads(line)
        text = normalise(record["text"])
        trainer.append(features(text), labels_of(text, record.get("label", {})))
        used += 1
    trainer.set_params({"c1": args.c1, "c2": args.c2, "max_iterations": args.iterations,
                        "feature.possible_transitions": True, "feature.minfreq": 2})
    trainer.train(args.out)
    weights = Path(args.out).with_name(WEIGHTS_FILE)
    Model.from_crfsuite(args.out).save(weights)  # what kg decodes with at run time
    sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in (Path(args.out), weights))
    print(f"trained on {used} tune lines in {time.perf_counter() - started:.0f} s -> {sizes}")


if __name__ == "__main__":
    main()
