"""Choose the NER confidence threshold on a validation slice, never on the dev split.

Uses a model trained with ``bench/train_ner.py --validation --out DIR/ner.crfsuite`` (lines with index % 5 in
{2, 3, 4}); scores kg's whole extraction on the validation lines (index % 5 == 1) for each threshold with the
scorer of ``bench/cluener.py``, and counts the model's additions on the seed pages (what a reader checks
there). Prints a table and writes bench/out/ner_threshold.json.

    python bench/train_ner.py --validation --out /tmp/val/ner.crfsuite
    python bench/ner_threshold.py --model /tmp/val/ner.npz
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.extract import ner  # noqa: E402
from kg.jsonl import text_json  # noqa: E402


def _cluener():
    spec = importlib.util.spec_from_file_location("cluener_bench", ROOT / "bench" / "cluener.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, required=True, help="ner.npz of a model trained with --validation")
    ap.add_argument("--thresholds", default="0,0.3,0.5,0.6,0.7,0.8,0.9")
    args = ap.parse_args()
    cb = _cluener()
    records = [(i, r) for i, r in cb.load_split(cb.DEFAULT_DATA, "all", None) if i % 5 == 1]
    gold_s, gold_t = cb.gold_spans(records)
    texts = {i: r["text"] for i, r in records}
    validation_model = ner.Model.load(args.model)
    ner.model.cache_clear()
    ner.model = lambda: validation_model  # noqa: E731 - the validation model instead of the shipped one
    from kg.pipeline import extract_inputs

    results = []
    for threshold in [float(x) for x in args.thresholds.split(",")]:
        ner.MIN_CONFIDENCE = threshold
        outputs = [text_json(r["text"], i) for i, r in records]
        pred_s, pred_t, _ = cb.predicted(records, outputs)
        rows, _ = cb.score(gold_s, gold_t, pred_s, pred_t, texts)
        seeds = sum(1 for d in extract_inputs([str(ROOT / "seeds")]) for m in d.mentions
                    if m.rule == "crf_ner.v1" and m.type != "Position")
        margin = min(rows[row]["f1"] - target for row, _op, target in cb.TARGETS)
        results.append({"threshold": threshold, "f1": {k: round(v["f1"], 1) for k, v in rows.items()},
                        "worst_margin": round(margin, 1), "model_mentions_on_seeds": seeds})
        f1 = "  ".join(f"{cb.label(k)[:12]:>12} {v['f1']:5.1f}" for k, v in rows.items())
        print(f"threshold {threshold:.2f}  {f1}  worst margin {margin:+5.1f}  model mentions on seeds {seeds}")
    out = ROOT / "bench" / "out" / "ner_threshold.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
