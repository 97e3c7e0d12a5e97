"""Every way a command can fail says so on ONE line of stderr, ``kg: …``, with the documented exit status
(0 ok, 1 an input failed or nothing matched, 2 usage or a bad query), and never a Python traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

PAGE = "本报讯（记者 王明）3月5日，全市工业经济运行调度会召开，市委常委、副市长赵刚出席会议并讲话。\n"


def kg(*args: str, **kw):
    return CliRunner().invoke(main, list(args), **kw)


def fails(result, code: int, line: str) -> None:
    """Exit ``code``, exactly ``line`` on stderr, no traceback anywhere."""
    assert result.exit_code == code, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert result.stderr == line + "\n", result.stderr
    assert "Traceback" not in result.output


def kg_process(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The real command (the `kg` script's entry point) in its own process: what a user sees on the terminal,
    logging included."""
    return subprocess.run([sys.executable, "-c", "from kg.cli import run; run()", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture()
def here(tmp_path, monkeypatch):
    """A folder with a page, the same page in GB18030, a plain file, and a graph built from the page."""
    monkeypatch.chdir(tmp_path)
    Path("a.txt").write_text(PAGE, encoding="utf-8")
    Path("gb.txt").write_bytes(PAGE.encode("gb18030"))
    result = kg("build", "a.txt", "--out", "g", "--city", "聊城", "--jobs", "1", "--quiet")
    assert result.exit_code == 0, result.output
    return tmp_path


def test_missing_input_file(here):
    fails(kg("build", "nope.txt", "--out", "g2", "--jobs", "1"), 1,
          "kg: nope.txt: no such file or folder; nothing written")
    assert not Path("g2").exists()


def test_missing_input_among_good_ones_builds_the_rest(here):
    result = kg("build", "a.txt", "nope.txt", "--out", "g2", "--jobs", "1", "--quiet")
    fails(result, 1, "kg: nope.txt: no such file or folder")
    assert Path("g2/a.ttl").is_file()


def test_wrong_forced_encoding(here):
    fails(kg("build", "gb.txt", "--encoding", "utf-8", "--out", "g2", "--jobs", "1"), 1,
          "kg: gb.txt: not valid utf-8 at byte 0; nothing written")
    fails(kg("extract", "gb.txt", "--encoding", "utf-8"), 1, "kg: gb.txt: not valid utf-8 at byte 0")


def test_malformed_sparql(here):
    fails(kg("query", "SELECT ?x WHERE { ?x", "--graph", "g/a.ttl"), 2,
          "kg: query syntax error at line 1, column 19: Expected SelectQuery")


def test_malformed_sparql_on_an_oxigraph_store(here):
    pytest.importorskip("pyoxigraph")
    assert kg("build", "a.txt", "--out", "g", "--jobs", "1", "--quiet", "--store", "oxigraph:s.oxi").exit_code == 0
    result = kg("query", "SELECT ?x WHERE { ?x", "--store", "oxigraph:s.oxi")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert result.stderr.startswith("kg: query syntax error at line 1, column 21: expected one of ")
    fails(kg("lookup", "不存在的名字", "--store", "oxigraph:s.oxi"), 1, "kg: no entity named '不存在的名字'")


def test_query_file_missing(here):
    fails(kg("query", "--file", "nope.rq", "--graph", "g/a.ttl"), 2, "kg: nope.rq: No such file or directory")


def test_unknown_entity(here):
    fails(kg("lookup", "不存在的名字", "--graph", "g/a.ttl"), 1, "kg: no entity named '不存在的名字'")
    fails(kg("viz", "不存在的名字", "--graph", "g/a.ttl"), 1, "kg: no entity named '不存在的名字'")


def test_no_graph_built_yet(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fails(kg("stats"), 1, "kg: graphs/: no graph found; run 'kg build SOURCES' first or pass --graph FILE")


def test_graph_file_missing(here):
    fails(kg("stats", "--graph", "nope.ttl"), 1, "kg: nope.ttl: no such graph file")


def test_out_folder_under_a_regular_file(here):
    """Tests run as root, so a read-only folder would still be written: a path under a file cannot be."""
    fails(kg("build", "a.txt", "--out", "a.txt/sub", "--jobs", "1", "--quiet"), 1,
          "kg: a.txt/sub: cannot write output (Not a directory)")


def test_viz_out_under_a_regular_file_names_the_output_not_a_temp_file(here):
    fails(kg("viz", "--graph", "g/a.ttl", "--out", "a.txt/x.html"), 1,
          "kg: a.txt/x.html: cannot write output (Not a directory)")
    assert sorted(p.name for p in Path("g").iterdir()) == [".kg-cache", "a.html", "a.ttl"]


def test_export_out_under_a_regular_file(here):
    fails(kg("export", "g/a.ttl", "--out", "a.txt/x.nq"), 1, "kg: a.txt/x.nq: cannot write (Not a directory)")


def test_graph_file_that_is_not_turtle(here):
    fails(kg("lookup", "赵刚", "--graph", "a.txt"), 1,
          "kg: a.txt: not a readable Turtle graph (at line 1: Bad syntax (expected directive or statement))")
    Path("bin.ttl").write_bytes(bytes(range(256)))
    fails(kg("stats", "--graph", "bin.ttl"), 1, "kg: bin.ttl: not a readable Turtle graph ('utf-8' codec can't "
                                                 "decode byte 0x80 in position 128: invalid start byte)")


def test_html_page_given_as_graph_is_one_line_in_a_real_process(here):
    """rdflib warns through logging about each odd IRI it meets in HTML; only the real stderr shows that."""
    done = kg_process("stats", "--graph", "g/a.html", cwd=here)
    assert done.returncode == 1
    assert done.stderr == ("kg: g/a.html: not a readable Turtle graph (at line 4: Bad syntax (expected '.' or '}' "
                           "or ']' at end of statement))\n")


def test_missing_file_in_a_real_process(here):
    done = kg_process("build", "nope.txt", "--out", "g2", cwd=here)
    assert (done.returncode, done.stdout, done.stderr) == (1, "", "kg: nope.txt: no such file or folder; "
                                                                  "nothing written\n")


def test_store_that_is_not_a_store(here):
    fails(kg("stats", "--store", "oxigraph:a.txt"), 1,
          "kg: a.txt: no Oxigraph store here; build one with 'kg build SOURCES --store oxigraph:a.txt'")


def test_corrupt_store(here):
    pytest.importorskip("pyoxigraph")
    Path("bad.oxi").mkdir()
    Path("bad.oxi/CURRENT").write_text("garbage", encoding="utf-8")
    fails(kg("lookup", "赵刚", "--store", "oxigraph:bad.oxi"), 1,
          "kg: bad.oxi: not a readable Oxigraph store (Corruption: CURRENT file does not end with newline)")


def test_store_option_without_backend(here):
    fails(kg("stats", "--store", "bad.oxi"), 2, "kg: --store 'bad.oxi': expected oxigraph:PATH")


def test_corrupt_cache_entry_is_one_warning_and_the_build_goes_on(here):
    entries = sorted(Path("g/.kg-cache").rglob("*.pkl"))
    assert len(entries) == 1
    before = Path("g/a.ttl").read_bytes()
    entries[0].write_bytes(b"KGC1" + b"\0" * 32 + b"garbage")
    result = kg("build", "a.txt", "--out", "g", "--city", "聊城", "--jobs", "1", "--quiet")
    assert result.exit_code == 0
    assert result.stderr == f"kg: warning: cache entry {entries[0]} is corrupt (checksum mismatch); extracting again\n"
    assert Path("g/a.ttl").read_bytes() == before


def test_bad_date(here):
    fails(kg("build", "a.txt", "--date", "2023-13-01"), 2, "kg: --date '2023-13-01': expected YYYY-MM-DD")


def test_unknown_city(here):
    fails(kg("build", "a.txt", "--out", "g2", "--city", "不存在之城", "--jobs", "1", "--quiet"), 2,
          "kg: unknown city '不存在之城': not a division of China")


def test_jsonl_record_with_a_lone_surrogate(here):
    lines = [json.dumps({"text": "\ud800市委常委、副市长赵刚出席。"}), json.dumps({"text": "市委"})]
    result = kg("extract", "--from-jsonl", "-", input="\n".join(lines) + "\n")
    fails(result, 1, "kg: -:1: not Unicode text (a lone surrogate \\ud800)")
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [2]


def test_jsonl_file_missing(here):
    fails(kg("extract", "--from-jsonl", "nope.jsonl"), 1, "kg: nope.jsonl: No such file or directory")


def test_store_path_that_is_a_regular_file(here):
    fails(kg("build", "a.txt", "--out", "g", "--jobs", "1", "--quiet", "--store", "oxigraph:a.txt"), 1,
          "kg: a.txt: exists and is not an Oxigraph store; refusing to replace it")
    assert Path("a.txt").read_text(encoding="utf-8") == PAGE


def test_export_of_a_file_that_is_not_turtle(here):
    result = kg("export", "a.txt", "--out", "x.nq")
    assert result.exit_code == 1 and not Path("x.nq").exists()
    assert result.stderr.startswith("kg: a.txt: not a readable Turtle graph (") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


GRAPH_READERS = [["stats"], ["lookup", "赵刚"], ["query", "SELECT * WHERE { ?s ?p ?o }"], ["validate"],
                 ["candidates"], ["viz"], ["viz", "赵刚"]]


@pytest.mark.parametrize("command", GRAPH_READERS + [["export", "--format", "ttl"]], ids=" ".join)
def test_every_command_that_reads_a_graph_says_so_on_one_line(here, command):
    """Each command has its own handler around loading the graph: a missing file and a file that is not
    Turtle are one line and exit 1 in every one of them."""
    def args(graph: str) -> list[str]:
        return [*command, graph] if command[0] == "export" else [*command, "--graph", graph]

    fails(kg(*args("nope.ttl")), 1, "kg: nope.ttl: no such graph file")
    fails(kg(*args("a.txt")), 1,
          "kg: a.txt: not a readable Turtle graph (at line 1: Bad syntax (expected directive or statement))")


def test_the_kg_script_flushes_its_output_and_keeps_exit_codes(tmp_path):
    """``kg.cli.run`` ends the process at once (no freeing of a build's objects): what was written to the pipes
    still arrives, and the exit codes are click's."""
    from kg import __version__

    assert 'kg = "kg.cli:run"' in (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    done = kg_process("--version", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"kg, version {__version__}\n", "")
    done = kg_process("build", "missing.txt", "--quiet", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == "kg: missing.txt: no such file or folder; nothing written\n"
    done = kg_process("build", "--bogus", cwd=tmp_path)
    assert done.returncode == 2 and "No such option '--bogus'" in done.stderr
