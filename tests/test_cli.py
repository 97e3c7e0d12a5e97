"""The command line, through click's CliRunner: exact outputs on a small page, acceptance checks on the seeds."""

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
PAGE = "本报讯（记者 王明）3月5日，全市工业经济运行调度会召开，市委常委、副市长赵刚出席会议并讲话。\n"


@pytest.fixture()
def small(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.txt").write_text(PAGE, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "pages", "--city", "聊城", "--quiet"])
    assert result.exit_code == 0, result.output
    return tmp_path


def run(*args, **kw):
    return CliRunner().invoke(main, list(args), **kw)


def test_build_writes_turtle_and_html_named_after_the_folder(small):
    assert (small / "graphs" / "pages.ttl").is_file() and (small / "graphs" / "pages.html").is_file()


def test_build_summary(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("p.txt").write_text(PAGE, encoding="utf-8")
    out = run("build", "p.txt", "--out", "g", "--city", "聊城").output
    assert re.fullmatch(
        r"files      1\narticles   1\nentities   \d+ \(.*Official 1.*\)\nrelations  \d+\n"
        r"triples    \d+\n"
        r"seconds    \d+\.\d\nwrote      g/p\.ttl\nwrote      g/p\.html\n", out)


@pytest.mark.parametrize("ending", [False, True])
def test_build_leaves_the_collector_off_only_in_a_process_that_ends_with_it(tmp_path, monkeypatch, ending):
    """``kg`` (kg.cli.run) exits right after the command: turning the collector back on after a build would only
    buy one collection of everything the build made. Called as a library (here, CliRunner), it is restored."""
    import gc

    import kg.cli

    monkeypatch.chdir(tmp_path)
    Path("p.txt").write_text(PAGE, encoding="utf-8")
    monkeypatch.setattr(kg.cli, "_PROCESS_ENDS", ending)
    assert gc.isenabled()
    try:
        assert run("build", "p.txt", "--out", "g", "--quiet", "--no-cache").exit_code == 0
        assert gc.isenabled() is not ending
    finally:
        gc.enable()


def test_lookup_card_exact(small):
    result = run("lookup", "赵刚")
    assert result.exit_code == 0
    assert result.output == (
        "赵刚  (Official)\n"
        "  id       kgid:person/赵刚\n"
        "  posts\n"
        "    副市长 — 聊城市人民政府  (--03-05)\n"
        "    常委 — 中共聊城市委员会  (--03-05)\n"
        "  relations\n"
        "    → attended        全市工业经济运行调度会  (Event)\n"
        "  articles\n"
        "    --03-05     (untitled)  [kgid:article/pages/a/1]\n"
        "                “本报讯（记者 王明）3月5日，全市工业经济运行调度会召开，"
        "市委常委、副市长赵刚出席会议并讲话。”\n"
    )


def test_lookup_shows_the_role_a_person_holds_where_they_work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("p.txt").write_text("本报讯 宏达精密机械有限公司总经理孟凡强说，订单已排到年底。\n", encoding="utf-8")
    assert run("build", "p.txt", "--out", "g", "--city", "潍坊", "--quiet").exit_code == 0
    person = run("lookup", "孟凡强", "--graph", "g/p.ttl").output.splitlines()
    assert "    → worksFor        宏达精密机械有限公司  (Enterprise)  as 总经理" in person
    firm = run("lookup", "宏达精密机械有限公司", "--graph", "g/p.ttl").output.splitlines()
    assert "    ← worksFor        孟凡强  (Person)  as 总经理" in firm


def test_lookup_by_alias_substring_and_failures(small):
    assert run("lookup", "市委").output.startswith("中共聊城市委员会  (Agency)")
    result = run("lookup", "不存在的名字")
    assert result.exit_code == 1 and result.output == "kg: no entity named '不存在的名字'\n"


def test_lookup_lists_candidates_when_ambiguous(small):
    result = run("lookup", "聊城")
    assert result.exit_code == 1
    assert result.output.splitlines()[0].endswith("entities match '聊城'; be more specific:")


def test_query_table_csv_json(small):
    q = "SELECT ?n WHERE { ?p a kg:Official ; skos:prefLabel ?n }"
    assert run("query", q).output == "n\n----\n赵刚\n(1 row)\n"
    assert run("query", q, "--format", "csv").output == "n\n赵刚\n"
    assert json.loads(run("query", q, "--format", "json").output) == [{"n": "赵刚"}]


def test_malformed_query_gives_position_and_exit_2(small):
    result = run("query", "SELECT ?x WHERE { ?x ?y }")
    assert result.exit_code == 2
    assert re.fullmatch(r"kg: query syntax error at line 1, column \d+: .*\n", result.output)


def test_stats(small):
    out = run("stats").output
    assert "  Official           1\n" in out and "  holdsPost          2\n" in out


def test_bad_inputs_are_reported_and_the_rest_is_built(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("good.txt").write_text(PAGE, encoding="utf-8")
    Path("empty.txt").write_bytes(b"")
    Path("binary.txt").write_bytes(bytes(range(256)) * 4)
    result = run("build", "good.txt", "empty.txt", "binary.txt", "missing.txt", "--out", "g", "--quiet")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("kg: ")]
    assert errors == ["kg: empty.txt: empty file", "kg: binary.txt: binary file (NUL bytes), not text",
                      "kg: missing.txt: no such file or folder"]
    assert Path("g/good.ttl").is_file()


def test_extract_follows_contract_1_on_the_seeds():
    paths = sorted(str(p) for p in (ROOT / "seeds").glob("*.txt"))
    result = run("extract", *paths, "--format", "jsonl")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 5
    for line, path in zip(lines, paths, strict=True):
        obj = json.loads(line)
        assert set(obj) == {"source", "articles", "entities", "relations"} and obj["source"] == path
        text = Path(path).read_text(encoding="utf-8")
        for a in obj["articles"]:
            assert set(a) == {"id", "headline", "date", "reporters", "start", "end"}
            assert 0 <= a["start"] < a["end"] <= len(text)
        for e in obj["entities"]:
            assert set(e) == {"id", "type", "name", "aliases", "mentions", "posts"}
            for m in e["mentions"]:
                assert text[m["start"]:m["end"]] == m["text"]
        for r in obj["relations"]:
            assert {"s", "p", "o", "evidence"} <= set(r)
            assert 0 <= r["evidence"]["start"] < r["evidence"]["end"] <= len(text)


def test_extract_from_jsonl_keeps_order_and_offsets(tmp_path):
    records = [{"id": "x", "text": "市委常委、副市长赵刚出席会议。"}, {"text": "临沂远航电子科技有限公司扩产。"}]
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n"
    result = run("extract", "--from-jsonl", "-", input=data)
    assert result.exit_code == 0
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [o["id"] for o in out] == ["x", 2]
    for o, r in zip(out, records, strict=True):
        assert set(o) == {"id", "entities", "relations"}
        for e in o["entities"]:
            for m in e["mentions"]:
                assert r["text"][m["start"]:m["end"]] == m["text"]
    types = {e["type"] for e in out[0]["entities"]}
    assert {"Official", "Position"} <= types
    assert [e["name"] for e in out[1]["entities"] if e["type"] == "Enterprise"] == ["临沂远航电子科技有限公司"]


def test_extract_from_jsonl_reports_bad_lines():
    result = run("extract", "--from-jsonl", "-", input='{"text": "市委"}\nnot json\n')
    assert result.exit_code == 1
    assert "kg: -:2: not a JSON object with a 'text' string" in result.output


def test_every_command_has_help_and_a_readme_section():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, command in main.commands.items():
        assert command.help and len(command.help) > 20, name
        assert re.search(rf"^### `kg {name}", readme, re.M), f"README has no section for kg {name}"
        assert run(name, "--help").exit_code == 0
