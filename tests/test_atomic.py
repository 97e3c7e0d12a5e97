"""All-or-nothing outputs: a build that fails or is interrupted leaves the previous NAME.ttl and NAME.html
byte-identical and no temp file behind; a temp file a SIGKILL leaves is never taken for a graph."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from rdflib import Graph

import kg.oxistore
import kg.pipeline
from kg.cli import main
from kg.pipeline import build
from kg.store import default_graph

ROOT = Path(__file__).resolve().parent.parent
PAGE = "本报讯（记者 王明）3月5日，全市工业经济运行调度会召开，市委常委、副市长{name}出席会议并讲话。\n"


def outputs(folder: Path, name: str = "pages") -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.tmp"))


@pytest.fixture()
def previous(tmp_path, monkeypatch):
    """pages/ with one page, built into out/pages.{ttl,html}; then a second page is added."""
    monkeypatch.chdir(tmp_path)
    Path("pages").mkdir()
    Path("pages/a.txt").write_text(PAGE.format(name="赵刚"), encoding="utf-8")
    build(["pages"], out_dir=Path("out"), name="pages")
    before = outputs(Path("out"))
    assert set(before) == {"pages.ttl", "pages.html"}
    Path("pages/b.txt").write_text(PAGE.format(name="钱立新"), encoding="utf-8")
    return before


def rebuild() -> None:
    build(["pages"], out_dir=Path("out"), name="pages")


def test_a_rebuild_replaces_both(previous):
    rebuild()
    after = outputs(Path("out"))
    assert after["pages.ttl"] != previous["pages.ttl"] and after["pages.html"] != previous["pages.html"]
    assert temps(Path("out")) == []


def test_crash_while_building_the_graph(previous, monkeypatch):
    def crash(resolved, **options):
        raise RuntimeError("simulated crash")

    monkeypatch.setattr(kg.pipeline, "split_table", crash)
    with pytest.raises(RuntimeError):
        rebuild()
    assert outputs(Path("out")) == previous and temps(Path("out")) == []


def test_crash_in_the_html_renderer_after_the_turtle_was_rendered(previous, monkeypatch):
    """The Turtle is serialised first: it must not replace the old graph while the old page stays."""
    import kg.export.html

    rendered = []
    real = kg.pipeline.serialize_turtle

    def serialize(graph):
        rendered.append(True)
        return real(graph)

    def crash(*args, **kw):
        assert rendered  # the Turtle was rendered before the page
        raise RuntimeError("simulated crash")

    monkeypatch.setattr(kg.pipeline, "serialize_turtle", serialize)
    monkeypatch.setattr(kg.export.html, "render_html", crash)
    with pytest.raises(RuntimeError):
        rebuild()
    assert outputs(Path("out")) == previous and temps(Path("out")) == []


def test_crash_while_writing_the_second_file(previous, monkeypatch):
    """The Turtle's temp file is written, the page's fails (disk full): both old files stay, no temp file."""
    real = os.fsync
    calls = []

    def fsync(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OSError) as exc:
        rebuild()
    assert exc.value.filename == str(Path("out/pages.html"))  # the output is named, not its temp file
    assert outputs(Path("out")) == previous and temps(Path("out")) == []


@pytest.mark.parametrize("when", ["fsync", "between"])
def test_interrupt_while_writing_leaves_no_temp_file(previous, monkeypatch, when):
    """Ctrl-C while the first temp file is synced, or just after it is written: both old files stay and the
    temp files (both made before either is written) are removed."""
    seen = []

    def interrupt():
        os.kill(os.getpid(), signal.SIGINT)  # KeyboardInterrupt at the next bytecode
        time.sleep(1)
        raise AssertionError("not interrupted")

    if when == "fsync":
        def fsync(fd):
            seen.extend(p.name for p in Path("out").glob(".pages.*.tmp"))
            interrupt()

        monkeypatch.setattr(os, "fsync", fsync)
    else:
        real = kg.pipeline.fill

        def write_then_interrupt(tmp, data, path):
            real(tmp, data, path)
            seen.extend(p.name for p in Path("out").glob(".pages.*.tmp"))
            interrupt()

        monkeypatch.setattr(kg.pipeline, "fill", write_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        rebuild()
    assert sorted(name.split(".")[2] for name in seen) == ["html", "ttl"]  # there were temp files, and they are gone
    assert outputs(Path("out")) == previous and temps(Path("out")) == []


def test_a_signal_during_the_renames_waits_until_both_are_done(previous, monkeypatch):
    """SIGINT/SIGTERM are held while the temp files are renamed: never a new graph beside an old page."""
    real = os.replace
    done = []

    def replace_then_signal(src, dst):
        real(src, dst)
        done.append(Path(dst).name)
        if len(done) == 1:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)  # an unheld signal would raise KeyboardInterrupt here
        return None

    monkeypatch.setattr(os, "replace", replace_then_signal)
    with pytest.raises(KeyboardInterrupt):
        rebuild()
    assert done == ["pages.ttl", "pages.html"]
    after = outputs(Path("out"))
    assert after["pages.ttl"] != previous["pages.ttl"] and after["pages.html"] != previous["pages.html"]
    assert temps(Path("out")) == []


def test_interrupt_just_after_a_temp_file_is_created(previous, monkeypatch):
    """Ctrl-C between creating a temp file and recording its name: the name is recorded first (the signal is
    held), so the temp file is still removed."""
    real = tempfile.mkstemp
    made = []

    def mkstemp(*args, **kw):
        fd, name = real(*args, **kw)
        made.append(name)
        if len(made) == 1:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)  # an unheld signal raises KeyboardInterrupt here, before kg has the name
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    with pytest.raises(KeyboardInterrupt):
        rebuild()
    assert len(made) == 1 and Path(made[0]).name.startswith(".pages.ttl.")
    assert outputs(Path("out")) == previous and temps(Path("out")) == []


def test_sigterm_while_writing_unwinds_and_exits_143(previous, monkeypatch):
    """kg build turns SIGTERM into an unwinding exit (status 143), so the temp files are removed like on
    Ctrl-C. Without kg's handler the process would just die; a stand-in handler marks that case here."""
    class DiedUncleanly(Exception):
        pass

    def die(signum, frame):
        raise DiedUncleanly

    real = kg.pipeline.fill

    def write_then_terminate(tmp, data, path):
        real(tmp, data, path)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(1)
        raise AssertionError("SIGTERM did not stop the build")

    monkeypatch.setattr(kg.pipeline, "fill", write_then_terminate)
    before = signal.signal(signal.SIGTERM, die)
    try:
        result = CliRunner().invoke(main, ["build", "pages", "--out", "out", "--name", "pages", "--quiet",
                                           "--jobs", "1", "--no-cache"])
    finally:
        signal.signal(signal.SIGTERM, before)
    assert not isinstance(result.exception, DiedUncleanly)
    assert result.exit_code == 143 and result.output == ""
    assert outputs(Path("out")) == previous and temps(Path("out")) == []


def kg_limited(cwd: Path, max_file_size: int, *args: str) -> subprocess.CompletedProcess:
    """``kg ARGS`` in a process that cannot write a file past ``max_file_size`` bytes (EFBIG: a disk that fills
    up during a write), whatever way kg writes its files."""
    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_size, resource.RLIM_INFINITY))

    return subprocess.run([sys.executable, "-c", "from kg.cli import run; run()", *args], cwd=cwd,
                          preexec_fn=limit, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(("limit", "failed"), [(4096, "pages.ttl"), (100_000, "pages.html")])
def test_a_write_that_fails_half_way_never_leaves_half_a_file(previous, limit, failed):
    """The new Turtle (about 10 kB) or the new page (about 700 kB) cannot be written in full: both old files
    stay byte for byte, with no temp file, and the one error line names the output."""
    done = kg_limited(Path.cwd(), limit, "build", "pages", "--out", "out", "--name", "pages", "--quiet",
                      "--jobs", "1", "--no-cache")
    assert outputs(Path("out")) == previous and temps(Path("out")) == []
    assert (done.returncode, done.stdout, done.stderr) == (1, "", f"kg: out/{failed}: cannot write output "
                                                                  "(File too large)\n")


def test_a_temp_file_left_by_sigkill_is_never_taken_for_a_graph(previous):
    """SIGKILL cannot be cleaned up after: its temp file is hidden and ends in .tmp, so neither the default
    graph nor the input walk picks it up."""
    from kg.read import iter_inputs

    Path("graphs").mkdir()
    shutil.copy("out/pages.ttl", "graphs/pages.ttl")
    made = kg.pipeline.Staged()
    kg.pipeline.fill(made.reserve(Path("graphs/pages.ttl")), b"half a graph @prefix", Path("graphs/pages.ttl"))
    stray = Path(made.temps[0])  # then SIGKILL
    assert stray.parent.samefile("graphs") and stray.read_bytes() == b"half a graph @prefix"
    later = time.time() + 60
    os.utime(stray, (later, later))  # newer than the real graph
    assert default_graph() == Path("graphs/pages.ttl")
    kg.pipeline.fill(made.reserve(Path("pages/a.txt")), b"half a page", Path("pages/a.txt"))  # among the inputs
    assert [p for p in iter_inputs(["pages"])] == ["pages/a.txt", "pages/b.txt"]


# ---------------------------------------------------------------- a real process, killed


def corpus(folder: Path, copies: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(copies):
        for seed in sorted((ROOT / "seeds").glob("*.txt")):
            shutil.copy(seed, folder / f"{seed.stem}_{i}.txt")


def start_build(cwd: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "from kg.cli import run; run()", "build", "pages", "--out",
                             "out", "--name", "big", "--quiet", *extra], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def big_template(tmp_path_factory):
    """A graph built from the five seed pages, then thirty-five more pages to build over it."""
    root = tmp_path_factory.mktemp("big")
    corpus(root / "pages", 1)
    done = subprocess.run([sys.executable, "-c", "from kg.cli import run; run()", "build", "pages", "--out", "out",
                           "--name", "big", "--quiet", "--jobs", "1", "--no-cache"], cwd=root, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    corpus(root / "pages", 8)
    return root


@pytest.fixture()
def big(big_template, tmp_path):
    shutil.copytree(big_template, tmp_path / "b")
    return tmp_path / "b", outputs(tmp_path / "b" / "out")


def wait_until_caught(proc, sig, timeout: float = 120) -> None:
    """Wait until the process catches ``sig`` (Linux: the SigCgt mask of /proc/PID/status), so a signal sent
    next meets kg's handler and not the interpreter still importing."""
    deadline = time.time() + timeout
    status = Path(f"/proc/{proc.pid}/status")
    while time.time() < deadline and proc.poll() is None:
        try:
            caught = next(int(line.split()[1], 16) for line in status.read_text().splitlines()
                          if line.startswith("SigCgt:"))
        except (OSError, StopIteration):
            caught = 0
        if caught >> (int(sig) - 1) & 1:
            return
        time.sleep(0.05)
    raise AssertionError(f"kg never installed a handler for {sig!r}")


@pytest.mark.slow
@pytest.mark.parametrize(("sig", "status", "jobs"), [(signal.SIGTERM, 143, "2"), (signal.SIGINT, 1, "1")])
def test_killed_mid_build(big, sig, status, jobs):
    cwd, before = big
    proc = start_build(cwd, "--jobs", jobs, "--no-cache")
    wait_until_caught(proc, sig)  # kg's handler is installed: the imports are done (a busy machine is slow)
    time.sleep(1)  # extraction under way
    assert proc.poll() is None, proc.communicate()
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == status, err
    assert "Traceback" not in err
    assert outputs(cwd / "out") == before and temps(cwd / "out") == []


@pytest.mark.slow
def test_killed_while_writing(big):
    """Signal the build the moment its first temp file appears: old pair or new pair, never a mix, no temp.
    (Where the signal lands depends on timing; each outcome is checked.)"""
    cwd, before = big
    for page in sorted((cwd / "pages").glob("*.txt"))[10:]:
        page.unlink()
    proc = start_build(cwd, "--jobs", "2", "--no-cache")
    out = cwd / "out"
    deadline = time.time() + 240
    while proc.poll() is None and time.time() < deadline:
        if any(name.startswith(".big.") for name in os.listdir(out)):
            proc.send_signal(signal.SIGTERM)
            break
        time.sleep(0.0005)
    _, err = proc.communicate(timeout=120)
    assert "Traceback" not in err
    after = outputs(out)
    assert temps(out) == []
    unchanged = [after[k] == before[k] for k in ("big.ttl", "big.html")]
    assert unchanged in ([True, True], [False, False]), proc.returncode
    if unchanged == [False, False]:  # finished first, or the signal came during the renames (held till done)
        assert len(Graph().parse(data=after["big.ttl"].decode("utf-8"), format="turtle")) > 0
        assert after["big.html"].endswith(b"</html>\n")
    else:
        assert proc.returncode == 143


# ---------------------------------------------------------------- the Oxigraph store and the cache


def _store_contents(path: Path) -> set:
    store = kg.oxistore.open_store(path)
    try:
        return set(store)
    finally:
        del store


@pytest.fixture()
def loaded_store(tmp_path):
    """A store holding a small graph, and its triples."""
    path = tmp_path / "s.oxi"
    graph = Graph().parse(data=PAGE_TTL, format="turtle")
    kg.oxistore.bulk_load(path, kg.pipeline.serialize_turtle(graph))
    contents = _store_contents(path)
    assert len(contents) == len(graph) == 2
    return path, contents


PAGE_TTL = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/kgcn/id/official/赵刚> skos:prefLabel "赵刚"@zh ; skos:altLabel "赵副市长"@zh .
"""


def test_a_store_load_that_fails_leaves_the_previous_store(loaded_store):
    """The new store is loaded beside the old one and swapped in only when complete."""
    path, before = loaded_store
    bad = PAGE_TTL.replace("赵刚", "钱立新").encode("utf-8") + b"\nthis is not turtle\n"
    with pytest.raises(SyntaxError):
        kg.oxistore.bulk_load(path, bad)
    assert _store_contents(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["s.oxi"]  # no half-loaded store beside it


def test_an_interrupted_store_load_leaves_the_previous_store(loaded_store, monkeypatch):
    """Ctrl-C after the new store is loaded but before it is swapped in: the old store stays, the new one goes."""
    path, before = loaded_store

    def interrupt():
        raise KeyboardInterrupt

    monkeypatch.setattr(kg.oxistore, "gc", SimpleNamespace(collect=interrupt))
    with pytest.raises(KeyboardInterrupt):
        kg.oxistore.bulk_load(path, PAGE_TTL.replace("赵刚", "钱立新").encode("utf-8"))
    monkeypatch.undo()
    assert _store_contents(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["s.oxi"]


def test_a_cache_entry_that_cannot_be_written_in_full_is_never_left_half_written(previous):
    """An entry (about 1.7 kB) cut off by a full disk leaves no entry and no temp file in the cache: the next
    build extracts that file again without a word, instead of meeting half an entry."""
    assert kg_limited(Path.cwd(), 100_000, "build", "pages/a.txt", "--out", "out", "--name", "pages", "--quiet",
                      "--jobs", "1").returncode == 1  # cached a.txt; the page could not be written
    cache = Path("out/.kg-cache")
    assert len(list(cache.rglob("*.pkl"))) == 1
    done = kg_limited(Path.cwd(), 1024, "build", "pages", "--out", "out", "--name", "pages", "--quiet",
                      "--jobs", "1")
    assert len(list(cache.rglob("*.pkl"))) == 1 and list(cache.rglob("*.tmp")) == []
    assert (done.returncode, done.stderr) == (1, "kg: out/pages.ttl: cannot write output (File too large)\n")
    assert outputs(Path("out")) == previous
    result = CliRunner().invoke(main, ["build", "pages", "--out", "out", "--name", "pages", "--jobs", "1"])
    assert result.exit_code == 0 and result.stderr == ""
    assert "cached     1 (extracted 1)" in result.stdout
    assert len(list(cache.rglob("*.pkl"))) == 2
