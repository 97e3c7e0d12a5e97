"""Every example query in ontology/queries/ runs on the seed graph and gives the answer a reader expects."""

from pathlib import Path

import pytest

from kg.store import run_query

QUERIES = Path(__file__).resolve().parent.parent / "ontology" / "queries"


def answer(graph, name: str) -> list[tuple[str, ...]]:
    _, rows = run_query(graph, (QUERIES / name).read_text(encoding="utf-8"))
    return [tuple(str(v) if v is not None else "" for v in row) for row in rows]


def test_every_query_has_a_comment_and_a_test():
    tested = {"posts_of_person.rq", "officials_of_agency.rq", "agencies_run_programmes.rq"}
    for path in QUERIES.glob("*.rq"):
        assert path.read_text(encoding="utf-8").startswith("# "), path.name
        assert path.name in tested, f"{path.name} has no test"


def test_posts_of_person(seed_graph):
    assert answer(seed_graph, "posts_of_person.rq") == [
        ("常委", "中共聊城市委员会", "2023-02-20"), ("常务副市长", "聊城市人民政府", "2023-02-20")]


def test_officials_of_agency_include_its_sections(seed_graph):
    rows = answer(seed_graph, "officials_of_agency.rq")
    assert ("解志超", "局长", "聊城市工业和信息化局") in rows
    assert ("解志超", "党组书记", "聊城市工业和信息化局") in rows
    assert ("朱玉金", "科长", "聊城市工业和信息化局绿色发展推进科") in rows


def test_agencies_run_programmes(seed_graph):
    rows = answer(seed_graph, "agencies_run_programmes.rq")
    assert ("聊城市工业和信息化局", "绿色问诊", "“绿色问诊”开良方") in rows
    assert all(body and programme for body, programme, _ in rows)


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.name)
def test_query_files_parse(path, seed_graph):
    names, _ = run_query(seed_graph, path.read_text(encoding="utf-8"))
    assert names
