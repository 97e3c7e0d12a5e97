"""Does kg's extraction generalise? Precision / recall / F1 per type on CLUENER2020 (train split, held out).

Runs kg's real CLI contract (``kg extract --from-jsonl FILE``, one process for all lines) over a deterministic part
of CLUENER2020's train split and scores the entities it prints against the gold labels:

- ``dev``  = lines whose 0-based index % 5 == 0 (20 %): the held-out evaluation part (default);
- ``tune`` = the other 80 %: the only part developers may look at or fit on (``--split tune --errors 30``);
- ``all``  = every line.

Two metrics: exact span (line, start, end, type) and by surface text (line, text, type), micro P/R/F1 per type,
plus a pooled organisation row (company ∪ government ∪ organization, type-agnostic within organisations).

    python bench/cluener.py                      # dev split, table + bench/out/cluener.json
    python bench/cluener.py --split tune --errors 30
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_DATA = ROOT / ".." / "shared" / "bench" / "cluener" / "train.jsonl"
OUT = HERE / "out" / "cluener.json"

# ours -> CLUENER; other kg types (Programme, Event, Project, ...) have no CLUENER counterpart and are not scored
TYPE_MAP = {
    "Person": "name", "Official": "name", "Journalist": "name",
    "Enterprise": "company",
    "Agency": "government",
    "Organization": "organization",
    "Position": "position",
    "Place": "address",
}
TYPES = ["name", "company", "government", "organization", "position", "address"]
ORG_TYPES = ("company", "government", "organization")
ORGS = "orgs"  # pooled row key
ORGS_LABEL = "company ∪ government ∪ organization"
ROWS = TYPES + [ORGS]

# Reference numbers quoted in the issue: measured on a held-out CLUENER split, span-exact F1 %.
# Tools: name and orgs-pooled only. Published models: CLUENER test set, per type.
PEERS = {
    "LAC 2.1.2": {"name": 68.4, ORGS: 54.6},
    "THULAC 0.2.2": {"name": 59.2, ORGS: 5.0},
    "Jiagu 0.2.3": {"name": 39.0, ORGS: 24.6},
    "jieba posseg (nr, nt)": {"name": 35.6, ORGS: 17.8},
    "BiLSTM+CRF (CLUENER test)": {"name": 74.0, "position": 70.2, "company": 72.3, "government": 77.3,
                                  "organization": 76.0},
    "BERT-base (CLUENER test)": {"name": 88.8, "position": 78.9, "company": 81.4, "government": 87.0,
                                 "organization": 79.4},
}
PEERS_NOTE = "measured on a held-out CLUENER split, span-exact F1 %"
PEER_SHORT = {"LAC 2.1.2": "LAC", "THULAC 0.2.2": "THULAC", "Jiagu 0.2.3": "Jiagu", "jieba posseg (nr, nt)": "jieba",
              "BiLSTM+CRF (CLUENER test)": "BiLSTM", "BERT-base (CLUENER test)": "BERT"}

# Acceptance targets on span-exact F1 %: (row, comparison, threshold)
TARGETS = [("name", ">", 68.4), (ORGS, ">", 54.6), ("company", ">=", 60.0), ("government", ">=", 60.0),
           ("position", ">=", 60.0)]


# ---------------------------------------------------------------- data


def load_split(path: Path, split: str, limit: int | None) -> list[tuple[int, dict]]:
    """(0-based line index in the file, record) of the chosen split, in file order."""
    out = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if not line.strip():
                continue
            if split == "dev" and i % 5 != 0 or split == "tune" and i % 5 == 0:
                continue
            out.append((i, json.loads(line)))
            if limit is not None and len(out) >= limit:
                break
    return out


def gold_spans(records: list[tuple[int, dict]]) -> tuple[set, set]:
    """Exact spans (line, start, end_exclusive, type) and texts (line, text, type) of the scored types."""
    spans, texts = set(), set()
    for line, rec in records:
        for typ, ents in (rec.get("label") or {}).items():
            if typ not in TYPES:
                continue
            for text, offsets in ents.items():
                texts.add((line, text, typ))
                for start, end in offsets:
                    assert rec["text"][start:end + 1] == text, (line, text, start, end)
                    spans.add((line, start, end + 1, typ))
    return spans, texts


# ---------------------------------------------------------------- kg


def kg_command() -> list[str]:
    """kg's CLI, imported from this checkout (cwd = repo root puts it first on sys.path)."""
    return [sys.executable, "-c", "from kg.cli import run; run()"]


def kg_version() -> str:
    out = subprocess.run(kg_command() + ["--version"], cwd=ROOT, capture_output=True, text=True)
    return out.stdout.strip() or out.stderr.strip()


def run_kg(records: list[tuple[int, dict]]) -> tuple[list[dict], float, str]:
    """Run ``kg extract --from-jsonl`` once over all records; returns outputs (by record order), seconds, stderr."""
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".jsonl", delete=False) as f:
        for line, rec in records:
            f.write(json.dumps({"id": line, "text": rec["text"]}, ensure_ascii=False) + "\n")
        tmp = f.name
    try:
        started = time.perf_counter()
        proc = subprocess.run(kg_command() + ["extract", "--from-jsonl", tmp], cwd=ROOT, capture_output=True,
                              text=True, encoding="utf-8")
        seconds = time.perf_counter() - started
    finally:
        os.unlink(tmp)
    outputs = [json.loads(x) for x in proc.stdout.splitlines() if x.strip()]
    if proc.returncode != 0 or len(outputs) != len(records):
        sys.exit(f"kg extract failed (exit {proc.returncode}, {len(outputs)} outputs for {len(records)} lines):\n"
                 f"{proc.stderr[-3000:]}")
    for (line, _), out in zip(records, outputs, strict=True):
        if out.get("id") != line:
            sys.exit(f"kg extract output out of order: expected id {line}, got {out.get('id')!r}")
    return outputs, seconds, proc.stderr


def predicted(records: list[tuple[int, dict]], outputs: list[dict]) -> tuple[set, set, dict]:
    """Predicted spans (line, start, end, type) and texts (line, text, type), plus notes on the output format."""
    spans, texts = set(), set()
    notes = {"types": Counter(), "unscored_types": Counter(), "entities_without_mentions": Counter(),
             "mention_text_mismatch": [], "name_differs_from_mention": 0, "same_span_two_types": 0}
    for (line, rec), out in zip(records, outputs, strict=True):
        text = rec["text"]
        typed_spans = defaultdict(set)
        for e in out.get("entities", []):
            notes["types"][e["type"]] += 1
            typ = TYPE_MAP.get(e["type"])
            if typ is None:
                notes["unscored_types"][e["type"]] += 1
                continue
            if not e.get("mentions"):
                notes["entities_without_mentions"][e["type"]] += 1
            for m in e.get("mentions", []):
                s, t = m["start"], m["end"]
                if text[s:t] != m["text"] and len(notes["mention_text_mismatch"]) < 20:
                    notes["mention_text_mismatch"].append({"line": line, "start": s, "end": t, "text": m["text"],
                                                           "source": text[s:t]})
                if m["text"] != e["name"]:
                    notes["name_differs_from_mention"] += 1
                spans.add((line, s, t, typ))
                texts.add((line, text[s:t], typ))
                typed_spans[(s, t)].add(typ)
        notes["same_span_two_types"] += sum(1 for v in typed_spans.values() if len(v) > 1)
    return spans, texts, notes


# ---------------------------------------------------------------- scoring


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = 100.0 * tp / n_pred if n_pred else 0.0
    r = 100.0 * tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def pooled(spans: set) -> set:
    """Organisation spans with the type replaced by the pooled key (type-agnostic within organisations)."""
    return {(ln, s, e, ORGS) for ln, s, e, t in spans if t in ORG_TYPES}


def score(gold_s: set, gold_t: set, pred_s: set, pred_t: set, texts: dict[int, str]) -> tuple[dict, dict]:
    """Per-row numbers and the spans behind them (for --errors)."""
    gold_s = gold_s | pooled(gold_s)
    pred_s = pred_s | pooled(pred_s)
    gold_t = gold_t | {(ln, x, ORGS) for ln, x, t in gold_t if t in ORG_TYPES}
    pred_t = pred_t | {(ln, x, ORGS) for ln, x, t in pred_t if t in ORG_TYPES}
    rows, detail = {}, {}
    for row in ROWS:
        g = {x for x in gold_s if x[3] == row}
        p = {x for x in pred_s if x[3] == row}
        tp = g & p
        # the gold may list only the first occurrence of a repeated string: a predicted span whose text is a gold
        # text of the same type (pooled: any org type) on the same line is neither a hit nor a false positive
        gold_text_here = {(ln, x) for ln, x, t in gold_t if t == row}
        ignored = {x for x in p - g if (x[0], texts[x[0]][x[1]:x[2]]) in gold_text_here}
        fp = p - g - ignored
        fn = g - p
        n_pred = len(tp) + len(fp)
        ps, rs, fs = prf(len(tp), n_pred, len(g))
        gt = {x for x in gold_t if x[2] == row}
        pt = {x for x in pred_t if x[2] == row}
        pt_, rt_, ft_ = prf(len(gt & pt), len(pt), len(gt))
        rows[row] = {
            "gold": len(g), "predicted": n_pred, "tp": len(tp), "ignored_repeat": len(ignored),
            "fp": len(fp), "fn": len(fn), "p": ps, "r": rs, "f1": fs,
            "text": {"gold": len(gt), "predicted": len(pt), "tp": len(gt & pt), "p": pt_, "r": rt_, "f1": ft_},
        }
        detail[row] = {"fp": fp, "fn": fn}
    # micro over the six types (not the pooled row)
    tot = {k: sum(rows[t][k] for t in TYPES) for k in ("gold", "predicted", "tp")}
    ps, rs, fs = prf(tot["tp"], tot["predicted"], tot["gold"])
    ttot = {k: sum(rows[t]["text"][k] for t in TYPES) for k in ("gold", "predicted", "tp")}
    pt_, rt_, ft_ = prf(ttot["tp"], ttot["predicted"], ttot["gold"])
    rows["all"] = {**tot, "p": ps, "r": rs, "f1": fs, "text": {**ttot, "p": pt_, "r": rt_, "f1": ft_}}
    return rows, detail


def check_targets(rows: dict) -> list[dict]:
    out = []
    for row, op, threshold in TARGETS:
        f1 = rows[row]["f1"]
        ok = f1 > threshold if op == ">" else f1 >= threshold
        out.append({"row": row, "target": f"{op} {threshold}", "f1": round(f1, 1), "pass": ok})
    return out


# ---------------------------------------------------------------- output


def label(row: str) -> str:
    return ORGS_LABEL if row == ORGS else row


def render(rows: dict, targets: list[dict]) -> str:
    peers = list(PEERS)
    w = len(ORGS_LABEL)
    head = (f"{'type':<{w}}  {'gold':>5} {'pred':>5} {'TP':>5} {'P':>5} {'R':>5} {'F1':>5}  {'F1txt':>5}  |"
            + "".join(f" {PEER_SHORT[x]:>6}" for x in peers))
    lines = [head, "-" * len(head)]
    for row in ROWS + ["all"]:
        r = rows[row]
        refs = "".join(f" {PEERS[x][row]:>6.1f}" if row in PEERS[x] else f" {'':>6}" for x in peers)
        lines.append(f"{label(row) if row != 'all' else 'all six types (micro)':<{w}}  {r['gold']:>5} "
                     f"{r['predicted']:>5} {r['tp']:>5} {r['p']:>5.1f} {r['r']:>5.1f} {r['f1']:>5.1f}  "
                     f"{r['text']['f1']:>5.1f}  |{refs}")
    lines.append("")
    lines.append("P, R, F1: exact span (line, start, end, type), micro, %. F1txt: by (line, surface text, type).")
    lines.append("Exact span: a predicted span that misses the gold spans but whose text equals a gold entity of the")
    lines.append("same type on the same line (CLUENER sometimes marks only the first occurrence) is counted neither")
    lines.append("TP nor FP (pred excludes them; 'ignored' in the JSON). Orgs pooled: a predicted Enterprise/Agency/")
    lines.append("Organization span is correct if it matches a gold company, government or organization span.")
    lines.append("")
    lines.append(f"Peers ({PEERS_NOTE}):")
    for name in peers:
        vals = ", ".join(f"{label(k)} {v:.1f}" for k, v in PEERS[name].items())
        lines.append(f"  {PEER_SHORT[name]:<7} {name}: {vals}")
    lines.append("")
    lines.append("Acceptance targets (span-exact F1 %):")
    for t in targets:
        lines.append(f"  {label(t['row']):<{w}} {t['target']:>7}   kg {t['f1']:>5.1f}   "
                     f"{'PASS' if t['pass'] else 'FAIL'}")
    return "\n".join(lines)


def context(text: str, s: int, e: int, pad: int = 12) -> str:
    return f"{text[max(0, s - pad):s]}[{text[s:e]}]{text[e:e + pad]}"


def render_errors(detail: dict, n: int, texts: dict[int, str], gold_s: set, pred_s: set) -> str:
    rng = random.Random(0)
    by_line_gold, by_line_pred = defaultdict(list), defaultdict(list)
    for ln, s, e, t in gold_s:
        by_line_gold[ln].append((s, e, t))
    for ln, s, e, t in pred_s:
        by_line_pred[ln].append((s, e, t))

    def overlapping(table, ln, s, e):
        hits = sorted(x for x in table[ln] if x[0] < e and s < x[1])
        return ", ".join(f"{texts[ln][a:b]}/{t}" for a, b, t in hits) or "-"

    out = []
    for row in ROWS:
        for kind, other, other_name in (("fp", by_line_gold, "gold here"), ("fn", by_line_pred, "kg here")):
            items = sorted(detail[row][kind])
            sample = sorted(rng.sample(items, min(n, len(items))))
            title = "false positives" if kind == "fp" else "false negatives"
            out.append(f"\n== {label(row)}: {title} ({len(sample)} of {len(items)})")
            for ln, s, e, _ in sample:
                other_rows = overlapping(other, ln, s, e)
                out.append(f"  line {ln:>5}  {texts[ln][s:e]:<14} {context(texts[ln], s, e)}   ({other_name}: "
                           f"{other_rows})")
    return "\n".join(out)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="CLUENER2020 train.jsonl (default: %(default)s)")
    ap.add_argument("--split", choices=["dev", "tune", "all"], default="dev",
                    help="dev = lines with index %% 5 == 0 (held out; default), tune = the other 80%%, all")
    ap.add_argument("--limit", type=int, help="only the first N lines of the split")
    ap.add_argument("--errors", type=int, default=0, metavar="N",
                    help="print N sample false positives and false negatives per type")
    ap.add_argument("--out", type=Path, default=OUT, help="JSON results (default: %(default)s)")
    args = ap.parse_args(argv)

    data = args.data.resolve()
    if not Path(data).is_file():
        sys.exit(f"cluener.py: {data}: no CLUENER2020 train.jsonl there (give its path with --data)")
    records = load_split(data, args.split, args.limit)
    print(f"split {args.split}: {len(records)} lines of {data}"
          + (f" (first {args.limit})" if args.limit else ""))
    if args.split == "dev" and args.errors:
        print("note: --errors on the dev split; developers should only look at --split tune")
    version = kg_version()
    outputs, seconds, stderr = run_kg(records)
    chars = sum(len(rec["text"]) for _, rec in records)
    print(f"{version}: kg extract --from-jsonl took {seconds:.1f} s ({chars / seconds:,.0f} chars/s incl. start-up)")
    if stderr.strip():
        print(f"kg stderr: {stderr.strip()[:500]}")

    texts = {ln: rec["text"] for ln, rec in records}
    gold_s, gold_t = gold_spans(records)
    pred_s, pred_t, notes = predicted(records, outputs)
    rows, detail = score(gold_s, gold_t, pred_s, pred_t, texts)
    targets = check_targets(rows)
    print()
    print(render(rows, targets))

    print()
    print("kg output:", ", ".join(f"{t} {n}" for t, n in notes["types"].most_common()) or "no entities")
    if notes["unscored_types"]:
        print("  not scored (no CLUENER type):", ", ".join(f"{t} {n}" for t, n in notes["unscored_types"].items()))
    if notes["entities_without_mentions"]:
        print("  entities with no mentions (nothing to score):",
              ", ".join(f"{t} {n}" for t, n in notes["entities_without_mentions"].items()))
    if notes["mention_text_mismatch"]:
        print(f"  mentions whose text != input[start:end]: {len(notes['mention_text_mismatch'])} (first 20 kept)")
    if notes["same_span_two_types"]:
        print(f"  spans predicted with two CLUENER types on one line: {notes['same_span_two_types']}")

    if args.errors:
        print(render_errors(detail, args.errors, texts, gold_s, pred_s))

    result = {
        "command": [sys.executable] + sys.argv if argv is None else ["bench/cluener.py"] + argv,
        "kg_version": version,
        "split": args.split,
        "split_rule": "dev: 0-based line index % 5 == 0; tune: the rest",
        "limit": args.limit,
        "lines": len(records),
        "chars": chars,
        "data": str(data),
        "data_sha256": sha256(data),
        "seconds": round(seconds, 2),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "type_map": TYPE_MAP,
        "metric_notes": [
            "exact: (line, start, end_exclusive, type) tuples, micro P/R/F1 %",
            "text: (line, surface text, type) sets, micro P/R/F1 %",
            "exact: a predicted span not in gold whose text equals a gold text of the same type on the same line is "
            "counted neither TP nor FP (ignored_repeat); CLUENER sometimes marks only the first occurrence",
            "orgs: company, government and organization pooled, type-agnostic within organisations",
        ],
        "results": {label(k): v for k, v in rows.items()},
        "targets": [{**t, "row": label(t["row"])} for t in targets],
        "peers": {"note": PEERS_NOTE, "f1": {n: {label(k): v for k, v in d.items()} for n, d in PEERS.items()}},
        "kg_output_notes": {
            "entity_types": dict(notes["types"]),
            "unscored_types": dict(notes["unscored_types"]),
            "entities_without_mentions": dict(notes["entities_without_mentions"]),
            "mention_text_mismatch": notes["mention_text_mismatch"],
            "mentions_whose_text_differs_from_entity_name": notes["name_differs_from_mention"],
            "spans_with_two_cluener_types": notes["same_span_two_types"],
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
