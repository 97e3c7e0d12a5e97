"""Extraction cache: the ``Document`` of each input file, kept on disk so a rebuild only extracts what changed.

An entry's key is a digest of everything extraction depends on:

- the file: its path as given (article ids are made from it), the encoding used and the decoded text;
- the options that change extraction (``--date``);
- the extractor: ``kg.extract.EXTRACTOR_VERSION``, a digest of the extraction code (so an edited rule never
  serves stale results) and the versions of the tokenizers;
- the data files: ``kg.resources.data_hash()`` (a changed lexicon invalidates every entry).

Entries live in ``FOLDER/ab/abcdef….pkl`` (a checksummed pickle of the ``Document``). Writes are atomic (a temp
file renamed over the target). A corrupt or unreadable entry is reported on one line and re-extracted, never a
crash; a cache folder that cannot be written is reported once and the build goes on without it. The cache is
yours alone: entries are pickles, so do not point ``--cache-dir`` at a folder others can write.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .model import Document, Source

MAGIC = b"KGC1"  # format of an entry: MAGIC, 32-byte sha256 of the payload, payload (pickle)
FORMAT = "1"
CODE_FILES = ("extract", "segment.py", "nlp.py", "read.py", "model.py", "resources.py")


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of the modules extraction runs (``kg/extract/``, segmenting, tokenizing, the records)."""
    digest = hashlib.sha256()
    root = resources.files("kg")
    for name in CODE_FILES:
        entry = root.joinpath(name)
        files = sorted((e for e in entry.iterdir() if e.name.endswith(".py")), key=lambda e: e.name) \
            if entry.is_dir() else [entry]
        for f in files:
            digest.update(f"{name}/{f.name}".encode())
            digest.update(f.read_bytes())
    for dist in ("rjieba", "jieba"):
        digest.update(f"{dist}={_version(dist)}".encode())
    return digest.hexdigest()[:16]


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "-"


def salt() -> str:
    """What every key shares: cache format, extractor version, code digest and data-files digest."""
    from . import extract
    from .resources import data_hash

    return "\x1f".join([FORMAT, extract.EXTRACTOR_VERSION, code_digest(), data_hash()])


def entry_key(source: Source, date: str | None, salt_value: str) -> str:
    digest = hashlib.sha256()
    for part in (salt_value, source.path, source.encoding, date or ""):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x1f")
    digest.update(source.text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class BlobCache:
    """Pickled objects by key in ``folder`` (checksummed, written atomically); ``warnings`` collects one line per
    problem met. A damaged entry reads as absent; a folder that cannot be read or written is reported once."""

    def __init__(self, folder: Path | str, suffix: str = ".pkl", redo: str = "extracting"):
        self.folder = Path(folder)
        self.suffix = suffix
        self.redo = redo  # what a damaged entry costs, for the warning
        self.warnings: list[str] = []
        self._writable = True
        self._readable = True

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}{self.suffix}"

    def state(self) -> tuple[list[str], bool, bool]:
        """What this process met in the folder, for ``learn`` in another (entries are written by the worker
        processes that made them)."""
        return list(self.warnings), self._readable, self._writable

    def learn(self, state: tuple[list[str], bool, bool]) -> None:
        """Take in a worker's ``state``: its warnings (each once) and a folder it found unusable."""
        warnings, readable, writable = state
        self.warnings += [w for w in warnings if w not in self.warnings]
        self._readable = self._readable and readable
        self._writable = self._writable and writable

    def has(self, key: str) -> bool:
        """Whether an entry is there (it may still prove damaged when read)."""
        return self._readable and self.path(key).is_file()

    def get(self, key: str, check=None):
        """The object under ``key``, or None when absent or damaged (or when ``check(obj)`` raises)."""
        payload = self.read(key)
        return None if payload is None else self.load(key, payload, check)

    def read(self, key: str) -> bytes | None:
        """The pickle under ``key`` whose checksum holds, or None (``load`` makes it the object)."""
        if not self._readable:
            return None
        path = self.path(key)
        try:
            data = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            self._readable = False  # one line for the whole folder, not one per file
            self.warnings.append(f"cache folder {self.folder} unreadable ({exc.strerror}); {self.redo} every file")
            return None
        if data[:4] != MAGIC or hashlib.sha256(data[36:]).digest() != data[4:36]:
            self._damaged(key, ValueError("checksum mismatch"))
            return None
        return data[36:]

    def load(self, key: str, payload: bytes, check=None):
        """The object of a ``read`` payload, or None when it does not unpickle or ``check(obj)`` raises."""
        try:
            found = pickle.loads(payload)
            if check is not None:
                check(found)
        except Exception as exc:  # any damage means the same: ignore the entry, make it again, overwrite it
            self._damaged(key, exc)
            return None
        return found

    def _damaged(self, key: str, exc: Exception) -> None:
        reason = " ".join(str(exc).split())[:80] or type(exc).__name__
        self.warnings.append(f"cache entry {self.path(key)} is corrupt ({reason}); {self.redo} again")

    def put(self, key: str, value) -> None:
        if not self._writable:
            return
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        path = self.path(key)
        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "wb") as f:
                f.write(MAGIC + hashlib.sha256(payload).digest() + payload)
            os.replace(tmp, path)
        except OSError as exc:
            if tmp:
                Path(tmp).unlink(missing_ok=True)
            self._writable = False
            self.warnings.append(f"cache folder {self.folder} cannot be written ({exc.strerror}); "
                                 "building without it")
        except BaseException:  # Ctrl-C mid-write: no stray temp file left to pile up
            if tmp:
                Path(tmp).unlink(missing_ok=True)
            raise


class ExtractCache(BlobCache):
    """Documents by key in ``folder``; ``warnings`` collects one line per problem met."""

    def __init__(self, folder: Path | str):
        super().__init__(folder)
        self.salt = salt()

    def key(self, source: Source, date: str | None = None) -> str:
        return entry_key(source, date, self.salt)

    def get(self, key: str, source: Source) -> Document | None:  # type: ignore[override]
        """The cached Document of ``source``, or None when absent; a bad entry is reported and ignored."""

        def check(doc) -> None:
            if not isinstance(doc, Document) or doc.source != source:
                raise ValueError("entry is for another file")

        return super().get(key, check)
