"""Extraction speed of kg against plain jieba segmentation, on the same text in the same run.

The corpus is the five pages of ``seeds/`` repeated until it holds at least ~1 MB of UTF-8 text (``--repeat``).
Measured, each after its own load / warm-up (reported separately), best of ``--rounds`` interleaved rounds:

- ``jieba.lcut`` (default mode) chars/s, after ``jieba.initialize()``;
- ``rjieba.cut`` chars/s;
- kg extraction chars/s: ``kg.extract.extract_page(source)`` per page (sources read beforehand), after one
  warm-up page that loads the lexicons; and the ratio kg / jieba (target >= 0.5);
- kg per stage over the same corpus (copies of the pages under distinct paths, so articles do not collide):
  read, segment, extract, resolve, graph (the triples, as ``kg build`` makes them), serialise (Turtle).

    python bench/throughput.py            # table + bench/out/throughput.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # measure this checkout's kg

from kg import __version__ as KG_VERSION  # noqa: E402
from kg.extract import extract_document, extract_page  # noqa: E402
from kg.graph import build_table  # noqa: E402
from kg.read import read_source  # noqa: E402
from kg.resolve import resolve  # noqa: E402
from kg.segment import segment_page  # noqa: E402
from kg.turtle import turtle_of_table  # noqa: E402

SEEDS = ROOT / "seeds"
OUT = HERE / "out" / "throughput.json"
TARGET_BYTES = 1_000_000
TARGET_RATIO = 0.5


def version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine() -> dict:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        usable = os.cpu_count()
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": usable,
        "kg": KG_VERSION,
        "jieba": version("jieba"),
        "rjieba": version("rjieba"),
        "rdflib": version("rdflib"),
    }


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - started


def load_segmenters() -> dict:
    import jieba

    jieba.setLogLevel(60)
    _, jieba_load = timed(jieba.initialize)
    started = time.perf_counter()
    import rjieba

    rjieba.cut("预热一下分词器。")
    rjieba_load = time.perf_counter() - started  # ~0 when kg (which uses rjieba) ran first
    return {"jieba": jieba_load, "rjieba": rjieba_load}


def warm_kg(sources: list) -> dict:
    """The first ``extract_page`` call loads lexicons and the segmenter: timed apart, then the same page again."""
    _, warm = timed(extract_page, sources[0])
    _, again = timed(extract_page, sources[0])
    return {"warmup_page_s": warm, "same_page_again_s": again, "load_s_estimate": max(0.0, warm - again)}


def run_jieba(texts: list[str], repeat: int) -> float:
    import jieba

    started = time.perf_counter()
    for _ in range(repeat):
        for text in texts:
            jieba.lcut(text)
    return time.perf_counter() - started


def run_rjieba(texts: list[str], repeat: int) -> float:
    import rjieba

    started = time.perf_counter()
    for _ in range(repeat):
        for text in texts:
            rjieba.cut(text)
    return time.perf_counter() - started


def run_kg(sources: list, repeat: int) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        for src in sources:
            extract_page(src)
    return time.perf_counter() - started


def bench_stages(paths: list[Path], repeat: int) -> dict:
    """Each stage over the whole corpus: copies of the pages under rNN/ so every copy is its own source."""
    tmp = Path(tempfile.mkdtemp(prefix="kg-throughput-"))
    try:
        files = []
        for r in range(repeat):
            d = tmp / f"r{r:02d}"
            d.mkdir()
            for p in paths:
                shutil.copyfile(p, d / p.name)
                files.append(str(d / p.name))
        t = {}
        sources, t["read"] = timed(lambda: [read_source(f) for f in files])
        segmented, t["segment"] = timed(lambda: [segment_page(s) for s in sources])
        docs, t["extract"] = timed(lambda: [extract_document(s, paras, arts)
                                            for s, (paras, arts) in zip(sources, segmented, strict=True)])
        resolved, t["resolve"] = timed(resolve, docs)
        graph, t["graph"] = timed(build_table, resolved)  # what kg build makes (no rdflib store)
        data, t["serialise"] = timed(turtle_of_table, graph)  # rdflib's Turtle bytes, from per-subject blocks
        counts = {"files": len(files), "articles": sum(len(d.articles) for d in docs),
                  "mentions": sum(len(d.mentions) for d in docs), "entities": len(resolved.entities),
                  "relations": len(resolved.relations), "triples": len(graph),
                  "turtle_chars": len(data.decode("utf-8"))}
        return {"seconds": t, "counts": counts}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, help=f"times to repeat the pages (default: enough for {TARGET_BYTES:,} "
                                               "bytes of UTF-8 text)")
    ap.add_argument("--rounds", type=int, default=3, help="timed rounds, best kept (default: %(default)s)")
    ap.add_argument("--seeds", type=Path, default=SEEDS, help="folder of pages (default: %(default)s)")
    ap.add_argument("--out", type=Path, default=OUT, help="JSON results (default: %(default)s)")
    args = ap.parse_args(argv)

    paths = sorted(p for p in args.seeds.iterdir() if p.is_file() and p.suffix in (".txt", ".md"))
    if not paths:
        sys.exit(f"no pages in {args.seeds}")
    sources = [read_source(str(p)) for p in paths]
    texts = [s.text for s in sources]
    page_bytes = sum(len(t.encode("utf-8")) for t in texts)
    page_chars = sum(len(t) for t in texts)
    repeat = args.repeat or math.ceil(TARGET_BYTES / page_bytes)
    chars = page_chars * repeat
    info = machine()
    print(f"corpus: {len(paths)} pages x {repeat} = {chars:,} chars, {page_bytes * repeat:,} bytes UTF-8; "
          f"best of {args.rounds} rounds")
    print(f"machine: {info['platform']}, {info['cpu_count']} CPUs ({info['cpus_usable']} usable), "
          f"Python {info['python']}; kg {info['kg']}, jieba {info['jieba']}, rjieba {info['rjieba']}")

    # kg first, in a fresh process, so its warm-up pays for everything it loads (lexicons, rjieba's dictionary);
    # jieba.initialize() is then still cold (kg reads jieba's dict.txt itself but never initialises jieba)
    ext = warm_kg(sources)
    loads = load_segmenters()
    # interleaved rounds, best time of each: the ratio is then robust to other load on the machine
    times: dict[str, list[float]] = {"jieba": [], "rjieba": [], "kg": []}
    for _ in range(args.rounds):
        times["jieba"].append(run_jieba(texts, repeat))
        times["rjieba"].append(run_rjieba(texts, repeat))
        times["kg"].append(run_kg(sources, repeat))
    seg = {k: {"load_s": loads[k], "seconds": min(times[k]), "rounds_s": times[k]} for k in ("jieba", "rjieba")}
    ext.update({"seconds": min(times["kg"]), "rounds_s": times["kg"]})
    stages = bench_stages(paths, repeat)

    def rate(seconds: float) -> float:
        return chars / seconds if seconds else float("inf")

    jieba_rate = rate(seg["jieba"]["seconds"])
    rjieba_rate = rate(seg["rjieba"]["seconds"])
    kg_rate = rate(ext["seconds"])
    ratio = kg_rate / jieba_rate
    total = sum(stages["seconds"].values())

    print()
    print(f"{'what':<34} {'seconds':>8} {'chars/s':>11}  {'load s':>7}")
    print("-" * 64)
    print(f"{'jieba.lcut (default mode)':<34} {seg['jieba']['seconds']:>8.2f} {jieba_rate:>11,.0f}  "
          f"{seg['jieba']['load_s']:>7.2f}")
    print(f"{'rjieba.cut':<34} {seg['rjieba']['seconds']:>8.2f} {rjieba_rate:>11,.0f}  {seg['rjieba']['load_s']:>7.2f}"
          "  (loaded already by kg's warm-up)")
    print(f"{'kg extract_page':<34} {ext['seconds']:>8.2f} {kg_rate:>11,.0f}  {ext['load_s_estimate']:>7.2f}")
    print(f"  (kg warm-up page {ext['warmup_page_s']:.2f} s, same page again {ext['same_page_again_s']:.2f} s; "
          "load = the difference)")
    print()
    print(f"kg / jieba.lcut = {ratio:.2f}  (target >= {TARGET_RATIO}: {'PASS' if ratio >= TARGET_RATIO else 'FAIL'})")
    print(f"kg / rjieba.cut = {kg_rate / rjieba_rate:.3f}")
    print()
    print(f"kg stages over the same corpus, one round ({stages['counts']['files']} files, distinct paths):")
    print(f"  {'stage':<10} {'seconds':>8} {'share':>6} {'chars/s':>11}")
    for name, s in stages["seconds"].items():
        print(f"  {name:<10} {s:>8.2f} {100 * s / total:>5.1f}% {rate(s):>11,.0f}")
    print(f"  {'total':<10} {total:>8.2f} {100.0:>5.1f}% {rate(total):>11,.0f}")
    c = stages["counts"]
    print(f"  ({c['articles']} articles, {c['mentions']} mentions, {c['entities']} entities, {c['relations']} "
          f"relations, {c['triples']} triples, {c['turtle_chars']:,} chars of Turtle)")

    result = {
        "command": [sys.executable] + sys.argv if argv is None else ["bench/throughput.py"] + argv,
        "machine": info,
        "rounds": args.rounds,
        "corpus": {"pages": [p.name for p in paths], "repeat": repeat, "chars": chars,
                   "bytes_utf8": page_bytes * repeat},
        "jieba_lcut": {**seg["jieba"], "chars_per_s": jieba_rate},
        "rjieba_cut": {**seg["rjieba"], "chars_per_s": rjieba_rate},
        "kg_extract_page": {**ext, "chars_per_s": kg_rate},
        "ratio_kg_over_jieba": ratio,
        "ratio_target": TARGET_RATIO,
        "ratio_pass": ratio >= TARGET_RATIO,
        "ratio_kg_over_rjieba": kg_rate / rjieba_rate,
        "stages": {"seconds": stages["seconds"], "total_s": total,
                   "chars_per_s": {k: rate(v) for k, v in stages["seconds"].items()} | {"total": rate(total)},
                   "counts": stages["counts"]},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
