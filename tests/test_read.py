from pathlib import Path

import pytest

from kg.read import ReadError, decode, iter_inputs, normalise, read_source

PAGE = "本报讯（记者 张颖）７月７日，市工信局召开会议。\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_decode_detects_encoding(encoding):
    text, used = decode((PAGE * 20).encode(encoding))
    assert text == PAGE * 20
    assert used in (encoding, "utf-8", "gb18030", "utf-16")


def test_big5_is_detected():
    page = "本報訊（記者 張穎）市政府召開會議，討論經濟發展與民生工作。\n" * 20
    text, used = decode(page.encode("big5"))
    assert text == page and used == "big5"


def test_forced_encoding_and_its_errors():
    assert decode(PAGE.encode("gb18030"), encoding="gb18030")[0] == PAGE
    with pytest.raises(ReadError, match="not valid utf-8"):
        decode(PAGE.encode("gb18030"), "x.txt", encoding="utf-8")
    with pytest.raises(ReadError, match="unknown encoding"):
        decode(b"abc", "x.txt", encoding="no-such-codec")


@pytest.mark.parametrize("data,problem", [(b"", "empty file"), (b"  \n\n", "empty file"),
                                          (bytes(range(256)) * 8, "binary file")])
def test_bad_bytes_give_one_line_errors(data, problem):
    with pytest.raises(ReadError) as err:
        decode(data, "bad.txt")
    assert str(err.value).startswith("bad.txt: ") and problem in str(err.value)
    assert "\n" not in str(err.value)


def test_normalise_keeps_length_and_offsets():
    text = "７月７日（记者）ＡＢＣ　市委，。、“”《》\x07"
    norm = normalise(text)
    assert len(norm) == len(text)
    assert norm.startswith("7月7日(记者)ABC 市委,。、“”《》")


def test_iter_inputs_expands_folders_and_reports_missing(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.md").write_text("x", encoding="utf-8")
    (tmp_path / "1.txt").write_text("x", encoding="utf-8")
    (tmp_path / "skip.pdf").write_bytes(b"%PDF")
    (tmp_path / ".hidden.txt").write_text("x", encoding="utf-8")
    out = list(iter_inputs([str(tmp_path), str(tmp_path / "missing.txt")]))
    assert [Path(p).name for p in out[:2]] == ["1.txt", "2.md"]
    assert isinstance(out[2], ReadError) and "no such file" in str(out[2])


def test_read_source_of_a_gb18030_file(tmp_path):
    path = tmp_path / "page.txt"
    path.write_bytes(PAGE.encode("gb18030") * 10)
    source = read_source(str(path))
    assert source.text == PAGE * 10 and source.encoding == "gb18030"
