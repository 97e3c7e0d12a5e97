"""Incremental builds: the extraction cache serves unchanged files, and anything extraction depends on
(content, path, date, extractor version and code, data files) invalidates what it must."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg.extract
import kg.resources
from kg.cache import ExtractCache
from kg.cli import main
from kg.pipeline import build

PAGE = "本报讯（记者 {reporter}）3月{day}日，全市工业经济运行调度会召开，市委常委、副市长{name}出席会议并讲话。\n"
NAMES = ["赵刚", "钱立新", "孙广平", "李国栋"]


@pytest.fixture()
def corpus(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("pages").mkdir()
    for i, name in enumerate(NAMES):
        Path(f"pages/p{i}.txt").write_text(PAGE.format(reporter="王明", day=i + 1, name=name), encoding="utf-8")
    return tmp_path


def run_build(out="out", cache="cache", **kw):
    report, _, _ = build(["pages"], out_dir=Path(out), name="pages", city="聊城",
                         cache_dir=Path(cache) if cache else None, **kw)
    return report


def ttl(out="out") -> bytes:
    return Path(out, "pages.ttl").read_bytes()


def entries(cache="cache") -> list[Path]:
    return sorted(Path(cache).rglob("*.pkl"))


def test_second_build_reads_everything_from_the_cache(corpus):
    first = run_build()
    assert (first.extracted, first.cached) == (4, 0)
    assert len(entries()) == 4
    before = ttl()
    second = run_build()
    assert (second.extracted, second.cached) == (0, 4)
    assert ttl() == before
    run_build(out="plain", cache=None)
    assert ttl("plain") == before  # cached Documents give the same graph as no cache at all
    assert not list(Path("cache").rglob("*.tmp"))  # atomic writes leave no temp files


def test_adding_or_changing_one_file_extracts_only_that_file(corpus):
    run_build()
    Path("pages/p9.txt").write_text(PAGE.format(reporter="王明", day=9, name="郑明远"), encoding="utf-8")
    report = run_build()
    assert (report.extracted, report.cached) == (1, 4)
    Path("pages/p0.txt").write_text(PAGE.format(reporter="王明", day=1, name="吴海涛"), encoding="utf-8")
    report = run_build()
    assert (report.extracted, report.cached) == (1, 4)
    run_build(out="plain", cache=None)
    assert ttl() == ttl("plain")


def test_moved_file_is_extracted_again(corpus):
    """Article ids are made from the path, so the same text under another name is another entry."""
    run_build()
    os.rename("pages/p3.txt", "pages/p7.txt")
    report = run_build()
    assert (report.extracted, report.cached) == (1, 3)


@pytest.mark.parametrize("change", ["version", "lexicon", "date"])
def test_extractor_version_lexicon_and_date_invalidate_every_entry(corpus, monkeypatch, change):
    run_build()
    kw = {}
    if change == "version":
        monkeypatch.setattr(kg.extract, "EXTRACTOR_VERSION", kg.extract.EXTRACTOR_VERSION + ".test")
    elif change == "lexicon":
        monkeypatch.setattr(kg.resources, "data_hash", lambda: "0" * 16)
    else:
        kw["date"] = "2023-03-01"
    report = run_build(**kw)
    assert (report.extracted, report.cached) == (4, 0)
    assert run_build(**kw).cached == 4  # and the new entries are served next time


def test_corrupt_entries_are_reported_and_rebuilt(corpus):
    run_build()
    before = ttl()
    damaged = entries()
    damaged[0].write_bytes(b"not a cache entry")
    damaged[1].write_bytes(damaged[1].read_bytes()[:-7])  # truncated
    data = bytearray(damaged[2].read_bytes())
    data[-3] ^= 0xFF  # one flipped bit inside the pickle
    damaged[2].write_bytes(bytes(data))
    report = run_build()
    assert (report.extracted, report.cached) == (3, 1)
    assert len(report.warnings) == 3
    assert all("corrupt" in w and "extracting again" in w and "\n" not in w for w in report.warnings)
    assert ttl() == before
    assert run_build().cached == 4  # rewritten


def test_a_parallel_rebuild_extracts_new_files_while_it_reads_the_cache(corpus, monkeypatch):
    """With --jobs 2 the new page is extracted by a forked child while this process reads the cached ones; a
    damaged entry found on the way is extracted after; every file is reported once; the graph is the same."""
    import kg.engines

    run_build()
    Path("pages/p9.txt").write_text(PAGE.format(reporter="王明", day=9, name="郑明远"), encoding="utf-8")
    entries()[0].write_bytes(b"damaged")
    real = kg.engines.extract_batch

    def noted(sources, date=None):
        with open(corpus / "extracted-by", "a", encoding="utf-8") as f:
            f.writelines(f"{os.getpid()} {s.path}\n" for s in sources)
        return real(sources, date)

    monkeypatch.setattr(kg.engines, "extract_batch", noted)
    reading = ExtractCache.get

    def slow_read(self, key, source):  # as reading hundreds of entries is: the child starts meanwhile
        import time

        time.sleep(0.2)
        return reading(self, key, source)

    monkeypatch.setattr(ExtractCache, "get", slow_read)
    seen: list[str] = []
    report = run_build(jobs=2, on_file=seen.append)
    assert (report.extracted, report.cached) == (2, 3)
    assert len(report.warnings) == 1 and "corrupt" in report.warnings[0]
    assert sorted(seen) == sorted(str(p) for p in Path("pages").iterdir())
    lines = (corpus / "extracted-by").read_text().splitlines()
    by = {path: pid for pid, path in (line.split(" ", 1) for line in lines)}
    assert len(by) == 2 and "pages/p9.txt" in by  # the new page and the damaged one, once each
    assert by["pages/p9.txt"] != str(os.getpid())  # the new page: in a child, beside the cache reading
    run_build(out="plain", cache=None)
    assert ttl() == ttl("plain")


def test_entry_of_another_file_is_not_served(corpus):
    run_build()
    cache = ExtractCache("cache")
    from kg.read import read_source

    a, b = read_source("pages/p0.txt"), read_source("pages/p1.txt")
    cache.path(cache.key(a)).write_bytes(cache.path(cache.key(b)).read_bytes())
    assert cache.get(cache.key(a), a) is None
    assert "another file" in cache.warnings[0]


@pytest.mark.parametrize("jobs", [1, 2])
def test_unwritable_cache_folder_is_one_warning_not_a_crash(corpus, jobs):
    """With two processes both meet the folder (each writes what it extracts): still one line."""
    Path("cache").write_text("a file where the cache folder should be", encoding="utf-8")
    report = run_build(jobs=jobs)
    assert report.extracted == 4 and Path("out/pages.ttl").is_file()
    assert len(report.warnings) == 1 and "cannot be written" in report.warnings[0]


def test_cli_cache_summary_warning_and_no_cache(corpus):
    runner = CliRunner()
    args = ["build", "pages", "--city", "聊城", "--jobs", "1"]
    assert runner.invoke(main, args).exit_code == 0
    assert len(list(Path("graphs/.kg-cache").rglob("*.pkl"))) == 4  # the default cache folder: OUT/.kg-cache
    out = runner.invoke(main, args).output
    assert "cached     4 (extracted 0)\n" in out
    out = runner.invoke(main, [*args, "--no-cache"]).output
    assert "cached" not in out
    next(Path("graphs/.kg-cache").rglob("*.pkl")).write_bytes(b"garbage")
    result = runner.invoke(main, [*args, "--cache-dir", "graphs/.kg-cache"])
    assert result.exit_code == 0
    warnings = [line for line in result.output.splitlines() if line.startswith("kg: warning: cache entry")]
    assert len(warnings) == 1 and "cached     3 (extracted 1)" in result.output


def test_a_changed_byte_that_still_unpickles_is_caught_by_the_checksum(corpus):
    """A damaged entry can still be a valid pickle of a Document for the right file (here the name a mention
    was read as, 赵刚, turned into 赵钢): only the checksum tells, and the entry is not served."""
    run_build()
    before = ttl()
    cache = ExtractCache("cache")
    from kg.read import read_source

    source = read_source("pages/p0.txt")
    entry = cache.path(cache.key(source))
    data = entry.read_bytes()
    name = "赵刚".encode()
    after_text = data.index(name) + len(name)  # the first one is in the page's text: leave it
    entry.write_bytes(data[:after_text] + data[after_text:].replace(name, "赵钢".encode(), 1))
    report = run_build()
    assert (report.extracted, report.cached) == (1, 3)
    assert report.warnings == [f"cache entry {entry} is corrupt (checksum mismatch); extracting again"]
    assert ttl() == before


def test_an_entry_whose_classes_are_gone_is_extracted_again(corpus):
    """An intact entry (right checksum) that no longer unpickles, e.g. a record class renamed since: one warning,
    the file extracted again, never a crash."""
    import hashlib

    from kg.cache import MAGIC

    run_build()
    before = ttl()
    entry = entries()[0]
    payload = b"ckg.model\nGone\n."  # a pickle of the class kg.model.Gone
    entry.write_bytes(MAGIC + hashlib.sha256(payload).digest() + payload)
    report = run_build()
    assert (report.extracted, report.cached) == (1, 3)
    assert len(report.warnings) == 1
    assert report.warnings[0].startswith(f"cache entry {entry} is corrupt (Can't get attribute 'Gone' on ")
    assert report.warnings[0].endswith("); extracting again")
    assert ttl() == before


def test_unreadable_cache_is_one_warning_and_every_file_is_extracted(corpus, monkeypatch):
    run_build()
    before = ttl()
    real = Path.read_bytes

    def read_bytes(self):
        if self.suffix == ".pkl":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    report = run_build()
    assert (report.extracted, report.cached) == (4, 0)
    assert report.warnings == ["cache folder cache unreadable (Permission denied); extracting every file"]
    assert ttl() == before


def test_an_interrupted_cache_write_leaves_no_temp_file(tmp_path, monkeypatch):
    from kg.cache import BlobCache

    cache = BlobCache(tmp_path / "c")

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cache.put("0" * 64, {"a": 1})
    assert [p.name for p in (tmp_path / "c").rglob("*") if p.is_file()] == []
