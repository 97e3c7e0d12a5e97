"""Access to the data files in ``kg/data`` (lexicons, divisions): read once, cached by the callers."""

from __future__ import annotations

from importlib import resources


def data_text(name: str) -> str:
    return resources.files("kg").joinpath("data", name).read_text(encoding="utf-8")


def data_lines(name: str) -> list[str]:
    """Non-empty lines of a lexicon file; ``#`` starts a comment line."""
    out = []
    for line in data_text(name).splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def data_hash() -> str:
    """A digest of every data file, so caches know when a lexicon changed."""
    import hashlib

    digest = hashlib.sha256()
    root = resources.files("kg").joinpath("data")
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.is_file() and not entry.name.endswith(".py"):
            digest.update(entry.name.encode())
            digest.update(entry.read_bytes())
    return digest.hexdigest()[:16]


def data_path(name: str):
    """A data file as a filesystem path (for libraries that open files themselves)."""
    from pathlib import Path

    return Path(str(resources.files("kg").joinpath("data", name)))
