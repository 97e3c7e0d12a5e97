"""Read stage: find input files, decode them whatever their encoding, normalise text for matching.

Decoding keeps the file's characters one-for-one (a UTF-8 BOM is dropped), and normalisation never changes
the length of the text, so an offset found in the normalised text is an offset into the decoded file.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from .model import Source

TEXT_SUFFIXES = (".txt", ".md")
MAX_BYTES = 64 * 1024 * 1024  # larger inputs are refused with a message instead of exhausting memory
STDIN = "-"


class ReadError(Exception):
    """A problem with one input; the message is one line naming the file."""

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def iter_inputs(inputs: Iterable[str], glob: str | None = None) -> Iterator[str | ReadError]:
    """Expand files and folders (recursively, sorted) into paths; a missing path becomes a ReadError."""
    for raw in inputs:
        if raw == STDIN:
            yield STDIN
            continue
        path = Path(raw)
        if path.is_dir():
            pattern = glob or "*"
            found = sorted(
                p for p in path.rglob(pattern)
                if p.is_file() and (glob or p.suffix.lower() in TEXT_SUFFIXES) and not _hidden(p, path)
            )
            if not found:
                yield ReadError(raw, "folder holds no .txt or .md files")
            yield from (str(p) for p in found)
        elif path.is_file():
            yield str(path)
        elif path.exists():
            yield ReadError(raw, "not a regular file")
        else:
            yield ReadError(raw, "no such file or folder")


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def read_source(path: str, encoding: str | None = None) -> Source:
    """Read and decode one file (or stdin for ``-``)."""
    try:
        if path == STDIN:
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            size = Path(path).stat().st_size
            if size > MAX_BYTES:
                raise ReadError(path, f"file too large ({size / 1e6:.0f} MB; the limit is "
                                      f"{MAX_BYTES // 2**20} MiB): split it into pages")
            data = Path(path).read_bytes()
    except OSError as exc:
        raise ReadError(path, exc.strerror or str(exc)) from None
    if len(data) > MAX_BYTES:
        raise ReadError(path, f"input too large (over {MAX_BYTES // 2**20} MiB): split it into pages")
    text, used = decode(data, path, encoding)
    return Source(path=path, text=text, encoding=used)


def decode(data: bytes, path: str = "<bytes>", encoding: str | None = None) -> tuple[str, str]:
    """Decode bytes: forced encoding, else BOM, else strict UTF-8, else a charset detector.

    Raises ReadError for empty, binary or undecodable input, so a bad file is reported, never guessed at.
    """
    if not data.strip():
        raise ReadError(path, "empty file")
    if encoding:
        try:
            return data.decode(encoding), encoding.lower()
        except LookupError:
            raise ReadError(path, f"unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as exc:
            raise ReadError(path, f"not valid {encoding} at byte {exc.start}") from None
    if data.startswith(b"\xef\xbb\xbf"):
        return _checked(data, "utf-8-sig", path), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _checked(data, "utf-16", path), "utf-16"
    if b"\x00" in data[:4096]:
        raise ReadError(path, "binary file (NUL bytes), not text")
    try:
        return _checked(data, "utf-8", path), "utf-8"
    except ReadError:
        pass
    guess = _detect(data)
    if guess is None:
        raise ReadError(path, "cannot decode: not UTF-8, GB18030, UTF-16 or Big5 text")
    return _checked(data, guess, path), guess


def _detect(data: bytes) -> str | None:
    """Pick the encoding with charset-normalizer, preferring GB18030 (a superset of GBK/GB2312)."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000], cp_isolation=["gb18030", "big5", "utf_16", "utf_8"]).best()
    if best is None:
        return None
    name = best.encoding.replace("_", "-").lower()
    return {"gb2312": "gb18030", "gbk": "gb18030", "utf-16-le": "utf-16-le", "utf-16-be": "utf-16-be"}.get(
        name, name)


# Unicode's control characters (category Cc: C0, DEL and C1) other than \n \r \t \f
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _checked(data: bytes, encoding: str, path: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ReadError(path, f"not valid {encoding} at byte {exc.start}") from None
    controls = len(_CONTROLS.findall(text, 0, 100_000))
    if controls > max(8, len(text[:100_000]) // 100):
        raise ReadError(path, "binary file (control characters), not text")
    return text


# Full-width ASCII (U+FF01..U+FF5E) maps one-to-one onto ASCII; ideographic and no-break spaces onto a space.
_NORMALISE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_NORMALISE.update({0x3000: 0x20, 0x00A0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20, 0x200B: 0x20,
                   0xFEFF: 0x20, 0x0D: 0x20, 0x09: 0x20, 0x0C: 0x20, 0x0B: 0x20})
_NORMALISE.update({cp: 0x20 for cp in range(0x00, 0x20) if cp != 0x0A})
_NORMALISE.update({cp: 0x20 for cp in range(0x7F, 0xA0)})


def normalise(text: str) -> str:
    """Length-preserving normalisation for matching: full-width letters/digits/punctuation to ASCII.

    Chinese punctuation without an ASCII twin (。、“”《》) is kept. ``len(normalise(t)) == len(t)`` always.
    A page is mapped as one array of code points (``str.translate`` looks each character up in a dict: ten
    times slower on a page); short texts take the plain way.
    """
    if len(text) < 256:
        return text.translate(_NORMALISE)
    import numpy as np

    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    low = codes < 0x10000
    mapped = np.where(low, _normalise_table()[np.where(low, codes, 0)], codes)
    return mapped.astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")


@lru_cache(maxsize=1)
def _normalise_table():
    import numpy as np

    table = np.arange(0x10000, dtype=np.uint32)
    for cp, to in _NORMALISE.items():
        table[cp] = to
    return table
