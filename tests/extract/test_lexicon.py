from importlib.util import find_spec
from pathlib import Path
from types import SimpleNamespace

from kg.extract.lexicon import word_tags


def line_by_line(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 3:
            out[parts[0]] = parts[2]
    return out


def test_word_tags_are_jiebas_dictionary_read_line_by_line():
    path = Path(find_spec("jieba").submodule_search_locations[0]) / "dict.txt"
    tags = word_tags()
    assert tags == line_by_line(path) and list(tags) == list(line_by_line(path))
    assert tags["北京"] == "ns"


def test_word_tags_of_an_irregular_dictionary_keep_only_whole_lines(tmp_path, monkeypatch):
    import importlib.util

    # a line of two fields and one of four make as many fields as three lines of three: not to be paired up
    (tmp_path / "dict.txt").write_text("甲乙 3 n\n丙 5\n丁 7 v x\n", encoding="utf-8")
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name: SimpleNamespace(submodule_search_locations=[str(tmp_path)]))
    assert word_tags.__wrapped__() == {"甲乙": "n"}
    (tmp_path / "dict.txt").write_text("甲乙 3 n\n\n戊己 2 ns\n庚 1 a", encoding="utf-8")  # a blank line, no last \n
    assert word_tags.__wrapped__() == {"甲乙": "n", "戊己": "ns", "庚": "a"}
