"""Reviewable resolution: judgements files, merge candidates, programme variants."""

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.extract import extract_page
from kg.judgements import JudgementError, read_judgements
from kg.model import Judgement, Source
from kg.resolve import resolve

PAGES = [
    ("a.txt", "本报讯（记者 王明）3月5日，全市会议召开。市委常委、宣传部部长周海明出席并讲话。"),
    ("b.txt", "本报讯（记者 李华）4月6日，全市大会召开。市委常委、宣传部部长周海朋出席会议。"),
]


def docs():
    return [extract_page(Source(name, text, "utf-8")) for name, text in PAGES]


def test_names_one_character_apart_with_the_same_posts_are_candidates_not_merged():
    r = resolve(docs(), city="潍坊")
    people = {e.name for e in r.entities if e.type == "Official"}
    assert {"周海明", "周海朋"} <= people
    [c] = r.candidates
    assert {c.a_name, c.b_name} == {"周海明", "周海朋"} and 0.5 < c.confidence <= 0.95
    assert "宣传部" in c.reason


def test_judged_same_merges_and_judged_not_same_silences_the_candidate():
    same = resolve(docs(), city="潍坊", judgements=[Judgement("周海明", "周海朋", True)])
    [person] = [e for e in same.entities if e.type == "Official"]
    assert person.name == "周海明" and person.aliases == ["周海朋"] and not same.candidates
    apart = resolve(docs(), city="潍坊", judgements=[Judgement("周海明", "周海朋", False)])
    assert len([e for e in apart.entities if e.type == "Official"]) == 2 and not apart.candidates


def test_no_chain_of_automatic_merges_joins_people():
    third = ("c.txt", "本报讯（记者 王明）5月7日，市委常委、宣传部部长周海鹏出席会议。")
    r = resolve(docs() + [extract_page(Source(*third, "utf-8"))], city="潍坊")
    assert len([e for e in r.entities if e.type == "Official"]) == 3  # candidates only, never merged


def test_judgements_file_format(tmp_path):
    good = tmp_path / "resolve.tsv"
    good.write_text("# reviewed\n周海明\t周海朋\tsame\tOCR slip\n甲公司\t乙公司\tnot-same\n", encoding="utf-8")
    assert read_judgements(good) == [Judgement("周海明", "周海朋", True, "OCR slip"),
                                     Judgement("甲公司", "乙公司", False, "")]
    bad = tmp_path / "bad.tsv"
    bad.write_text("周海明 周海朋 same\n", encoding="utf-8")
    with pytest.raises(JudgementError, match=r"bad.tsv:1: expected"):
        read_judgements(bad)


def test_candidates_command_and_judgements_survive_rebuilds(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pages").mkdir()
    for name, text in PAGES:
        (tmp_path / "pages" / name).write_text(text, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["build", "pages", "--city", "潍坊", "-q", "--jobs", "1"]).exit_code == 0
    out = runner.invoke(main, ["candidates"]).output
    assert out.startswith("1. 周海明 ≈ 周海朋  (Official, confidence ") or out.startswith("1. 周海朋 ≈ 周海明")
    assert "judge: " in out and "\tsame|not-same" in out
    (tmp_path / "resolve.tsv").write_text("周海明\t周海朋\tsame\n", encoding="utf-8")
    for _ in range(2):
        result = runner.invoke(main, ["build", "pages", "--city", "潍坊", "-q", "--jobs", "1",
                                      "--judgements", "resolve.tsv"])
        assert result.exit_code == 0
        assert runner.invoke(main, ["candidates"]).output == "no merge candidates\n"
        assert runner.invoke(main, ["lookup", "周海朋"]).output.startswith("周海明  (Official)")


def test_programme_written_without_its_field_word_is_one_programme():
    page = ("本报讯（记者 王明）我市在全省率先开展企业能效诊断行动。开展能效诊断以来，"
            "共梳理诊断建议100条。能效诊断得到企业好评。")
    r = resolve([extract_page(Source("p.txt", page, "utf-8"))], city="潍坊")
    programmes = [e for e in r.entities if e.type == "Programme"]
    assert [(e.name, e.aliases) for e in programmes] == [("企业能效诊断", ["能效诊断"])]
