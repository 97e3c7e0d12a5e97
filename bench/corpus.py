"""A synthetic corpus for the benchmarks: copies of the seed pages with people and enterprises renamed per copy.

Copy ``k`` of every seed page replaces each person name kg finds (officials, other people, journalists) by the
same surname with a generated given name, and the brand of each enterprise by a generated one, so that copies add
new entities instead of collapsing onto the seed ones. Everything is deterministic: the same ``copies`` gives the
same files, byte for byte.

    python bench/corpus.py 10 /tmp/corpus10     # writes /tmp/corpus10/c000/…, c001/…, …
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GIVEN = ("伟芳敏静丽强磊军洋勇艳杰涛明超秀霞平刚英华玉萍红玲芬燕彬鹏辉斌宇浩凯健俊帆帅旭宁龙林欢阳建亮成佳"
         "雪琳晨瑞博文颖倩雯婷嘉欣悦晗钰涵睿哲诚铭昊翔泽楠朗毅")
BRAND = "恒瑞宏泰鼎盛华茂嘉禾永锦德润信达丰源金鹏天翼宇航汇通隆安富元康乐佳和盈远正方凯旋新峰"
PERSON_TYPES = ("Official", "Person", "Journalist")


def seed_names() -> tuple[list[str], list[str], list[str]]:
    """Person names, enterprise names and place names kg finds in the seed pages."""
    from kg.pipeline import extract_inputs
    from kg.resolve import resolve

    resolved = resolve(extract_inputs([str(SEEDS)]))
    people = sorted({e.name for e in resolved.entities if e.type in PERSON_TYPES and 2 <= len(e.name) <= 4})
    firms = sorted({e.name for e in resolved.entities if e.type == "Enterprise" and len(e.name) >= 4})
    places = sorted({n for e in resolved.entities if e.type == "Place" for n in [e.name, *e.aliases]}, key=len,
                    reverse=True)
    return people, firms, places


def _code(n: int, alphabet: str, width: int) -> str:
    out = []
    for _ in range(width):
        n, r = divmod(n, len(alphabet))
        out.append(alphabet[r])
    return "".join(out)


def renaming(copy: int, people: list[str], firms: list[str], places: list[str]) -> dict[str, str]:
    """The names of copy ``copy``: copy 0 keeps the seed names; each later copy gets new, distinct ones."""
    if copy == 0:
        return {}
    mapping = {}
    for i, name in enumerate(people):
        mapping[name] = name[0] + _code(copy * len(people) + i, GIVEN, 2)
    for i, name in enumerate(firms):
        start = next((len(p) for p in places if name.startswith(p) and len(name) - len(p) >= 4), 0)
        mapping[name] = name[:start] + _code(copy * len(firms) + i, BRAND, 2) + name[start + 2:]
    return mapping


def rename(text: str, mapping: dict[str, str]) -> str:
    if not mapping:
        return text
    pattern = re.compile("|".join(re.escape(n) for n in sorted(mapping, key=len, reverse=True)))
    return pattern.sub(lambda m: mapping[m.group(0)], text)


def make_corpus(copies: int, out: Path, first: int = 0) -> list[Path]:
    """Write copies ``first .. copies-1`` of the seed pages under ``out/cNNN/``; return the files written."""
    people, firms, places = seed_names()
    pages = sorted(SEEDS.glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in pages]
    written = []
    for k in range(first, copies):
        mapping = renaming(k, people, firms, places)
        folder = out / f"c{k:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        for page, text in zip(pages, texts, strict=True):
            target = folder / page.name
            target.write_text(rename(text, mapping), encoding="utf-8")
            written.append(target)
    return written


if __name__ == "__main__":
    make_corpus(int(sys.argv[1]), Path(sys.argv[2]))
