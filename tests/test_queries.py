"""Every example query in ontology/queries/ runs on the seed graph and gives the answer a reader expects.

Facts asserted here can be checked on the pages in seeds/. Where the extraction is still being improved, a test
asserts rows that must be there plus a property of every row, rather than the whole answer. A question the seeds
cannot answer yet (kg:participatesIn) is also run on a small graph written here in the layout of docs/rdf-layout.md.
"""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SKOS

from kg.store import run_query
from kg.vocab import KG

QUERIES = Path(__file__).resolve().parent.parent / "ontology" / "queries"

ALL_QUERIES = {
    "posts_of_person.rq",
    "officials_of_agency.rq",
    "agencies_run_programmes.rq",
    "enterprises_in_programme.rq",
    "enterprises_of_county.rq",
    "attendees_of_event.rq",
    "official_timeline.rq",
    "most_mentioned_programmes.rq",
    "project_investments.rq",
    "evidence_for_fact.rq",
    "aliases_of_entity.rq",
    "articles_by_journalist.rq",
}


def query_text(name: str, values: str | None = None) -> str:
    """The query in the file; ``values`` replaces the body of its first VALUES line, as a user would."""
    text = (QUERIES / name).read_text(encoding="utf-8")
    if values is not None:
        text, n = re.subn(r"^(\s*VALUES (?:\([^)]*\)|\?\w+)) \{[^}]*\}", lambda m: f"{m.group(1)} {{ {values} }}",
                          text, count=1, flags=re.MULTILINE)
        assert n == 1, f"{name} has no VALUES clause"
    return text


def answer(graph, name: str, values: str | None = None) -> list[tuple[str, ...]]:
    _, rows = run_query(graph, query_text(name, values))
    return [tuple(str(v) if v is not None else "" for v in row) for row in rows]


def types_of(graph, name: str) -> set[str]:
    """Local names of the kg: types of the entities whose canonical name is ``name``."""
    return {str(t).rsplit("#", 1)[-1] for s in graph.subjects(SKOS.prefLabel, Literal(name, lang="zh"))
            for t in graph.objects(s, RDF.type) if str(t).startswith(str(KG))}


def mini_graph(turtle: str) -> Graph:
    prefixes = """@prefix kg: <https://w3id.org/kgcn/ontology#> . @prefix t: <https://w3id.org/kgcn/id/test/> .
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix schema: <https://schema.org/> .
    @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
    """
    return Graph().parse(data=prefixes + turtle, format="turtle")


def test_every_query_has_a_comment_and_a_test():
    assert {path.name for path in QUERIES.glob("*.rq")} == ALL_QUERIES
    for name in sorted(ALL_QUERIES):
        lines = (QUERIES / name).read_text(encoding="utf-8").splitlines()
        comment = " ".join(line for line in lines if line.startswith("# "))
        body = "\n".join(line for line in lines if not line.startswith("#"))
        assert lines[0].startswith("# "), name
        # the comment says how to change the parameter, or that there is none
        assert ("VALUES" in comment) if "VALUES" in body else ("No parameter" in comment), name



def test_every_query_orders_its_rows_completely():
    # rows that tie on the ORDER BY keys come out in whatever order the engine finds them (rdflib and Oxigraph
    # differ): the keys cover every column, or every GROUP BY key
    for name in sorted(ALL_QUERIES):
        text = (QUERIES / name).read_text(encoding="utf-8")
        select = re.search(r"^SELECT (?:DISTINCT )?(.*)$", text, flags=re.MULTILINE).group(1)
        columns = set(re.findall(r"\?\w+", re.sub(r"\(.*? AS (\?\w+)\)", r"\1", select)))
        group = re.search(r"^GROUP BY (.*)$", text, flags=re.MULTILINE)
        keys = set(re.findall(r"\?\w+", group.group(1))) if group else columns
        order = set(re.findall(r"\?\w+", re.findall(r"^ORDER BY (.*)$", text, flags=re.MULTILINE)[-1]))
        assert keys <= order, (name, keys - order)

# queries whose parameter is a name matched as the label itself (the index finds it) rather than by comparing strings
LABEL_PARAMETERS = {"posts_of_person.rq", "officials_of_agency.rq", "enterprises_in_programme.rq",
                    "enterprises_of_county.rq", "official_timeline.rq", "evidence_for_fact.rq", "aliases_of_entity.rq",
                    "articles_by_journalist.rq"}


def test_name_parameters_are_label_literals(seed_graph):
    for name in sorted(LABEL_PARAMETERS):
        text = query_text(name)
        values = re.search(r"^\s*VALUES [^{]*\{([^}]*)\}", text, flags=re.MULTILINE).group(1)
        assert '"@zh' in values or values.strip() == "UNDEF", name  # the tag kg writes on every label
        comment = " ".join(line for line in text.splitlines() if line.startswith("# "))
        assert "@zh" in comment, name  # and the comment says to keep it
    # without the tag the name is another literal, which no label equals
    assert answer(seed_graph, "posts_of_person.rq", '"刘文强"') == []
    assert answer(seed_graph, "posts_of_person.rq", '"刘文强"@zh') == answer(seed_graph, "posts_of_person.rq")


# 1. posts of a person


def test_posts_of_person(seed_graph):
    assert answer(seed_graph, "posts_of_person.rq") == [
        ("常委", "中共聊城市委员会", "2023-02-20"), ("常务副市长", "聊城市人民政府", "2023-02-20")]


# 2. officials of an agency


def test_officials_of_agency_include_its_sections(seed_graph):
    rows = answer(seed_graph, "officials_of_agency.rq")
    assert ("解志超", "局长", "聊城市工业和信息化局") in rows
    assert ("解志超", "党组书记", "聊城市工业和信息化局") in rows
    assert ("朱玉金", "科长", "聊城市工业和信息化局绿色发展推进科") in rows


# 3. which agencies run which programmes


def test_agencies_run_programmes(seed_graph):
    rows = answer(seed_graph, "agencies_run_programmes.rq")
    assert ("聊城市工业和信息化局", "绿色问诊", "1") in rows
    assert all(body and programme and int(n) >= 1 for body, programme, n in rows)


def test_agencies_run_programmes_count_the_statements_of_each_pair():
    graph = mini_graph("""
    t:agency-甲 a kg:Agency ; skos:prefLabel "甲局"@zh ; kg:runs t:programme-1, t:programme-2 .
    t:agency-乙 a kg:Agency ; skos:prefLabel "乙局"@zh ; kg:runs t:project-1 .
    t:programme-1 a kg:Programme ; skos:prefLabel "一号行动"@zh .
    t:programme-2 a kg:Programme ; skos:prefLabel "二号行动"@zh .
    t:project-1 a kg:Project ; skos:prefLabel "一号项目"@zh .
    t:fact-1 a kg:Assertion ; rdf:subject t:agency-甲 ; rdf:predicate kg:runs ; rdf:object t:programme-1 .
    t:fact-2 a kg:Assertion ; rdf:subject t:agency-甲 ; rdf:predicate kg:runs ; rdf:object t:programme-1 .
    t:fact-3 a kg:Assertion ; rdf:subject t:agency-甲 ; rdf:predicate kg:runs ; rdf:object t:programme-2 .
    t:fact-4 a kg:Assertion ; rdf:subject t:agency-甲 ; rdf:predicate kg:participatesIn ; rdf:object t:programme-2 .
    t:fact-5 a kg:Assertion ; rdf:subject t:agency-乙 ; rdf:predicate kg:runs ; rdf:object t:project-1 .
    """)
    # a project is not a programme; an assertion of another predicate is not counted
    assert answer(graph, "agencies_run_programmes.rq") == [("甲局", "一号行动", "2"), ("甲局", "二号行动", "1")]


# 4. enterprises taking part in a programme

PARTICIPATION = """
t:enterprise-骏程 a kg:Enterprise ; skos:prefLabel "山东骏程金属科技有限公司"@zh ;
    kg:participatesIn t:programme-诊断 .
t:organization-园区 a kg:Organization ; skos:prefLabel "阳谷经济开发区"@zh ; kg:participatesIn t:programme-诊断 .
t:agency-工信局 a kg:Agency ; skos:prefLabel "聊城市工业和信息化局"@zh ; kg:participatesIn t:programme-诊断 .
t:enterprise-鲁西 a kg:Enterprise ; skos:prefLabel "鲁西集团"@zh ; kg:participatesIn t:event-签约 .
t:programme-诊断 a kg:Programme ; skos:prefLabel "工业绿色诊断"@zh .
t:event-签约 a kg:Event ; skos:prefLabel "重点招商项目签约仪式"@zh .
t:fact-1 a kg:Assertion ; rdf:subject t:enterprise-骏程 ; rdf:predicate kg:participatesIn ;
    rdf:object t:programme-诊断 ; kg:inArticle t:article-a1 .
t:article-a1 a kg:Article ; schema:headline "“绿色问诊”开良方"@zh .
t:enterprise-鲁西 kg:participatesIn t:place-阳谷 .
t:place-阳谷 a kg:Place ; skos:prefLabel "阳谷县"@zh .
"""


def test_enterprises_in_programme_lists_enterprises_and_organisations_only():
    graph = mini_graph(PARTICIPATION)
    assert answer(graph, "enterprises_in_programme.rq") == [
        ("山东骏程金属科技有限公司", "Enterprise", "工业绿色诊断", "“绿色问诊”开良方"),
        ("阳谷经济开发区", "Organization", "工业绿色诊断", ""),
        ("鲁西集团", "Enterprise", "重点招商项目签约仪式", ""),
    ]
    assert answer(graph, "enterprises_in_programme.rq", '"重点招商项目签约仪式"@zh') == [
        ("鲁西集团", "Enterprise", "重点招商项目签约仪式", "")]


def test_enterprises_in_programme_on_the_seeds(seed_graph):
    # the seeds give no kg:participatesIn yet (山东骏程 took part in 工业绿色诊断, seeds/001): every row found must
    # still be an enterprise or organisation taking part in a programme or event
    for participant, kind, programme, _ in answer(seed_graph, "enterprises_in_programme.rq"):
        assert kind in types_of(seed_graph, participant) & {"Enterprise", "Organization"}, participant
        assert types_of(seed_graph, programme) & {"Programme", "Event"}, programme


# 5. enterprises of a county


@pytest.mark.parametrize("county, enterprise, place", [
    ("莘县", "莘县诚义食品有限公司", "莘县"),
    ("临清市", "临清市成信经贸有限公司", "临清市"),
    ("东阿", "东阿农商银行", "东阿县"),  # an alias of the county
])
def test_enterprises_of_county(seed_graph, county, enterprise, place):
    rows = answer(seed_graph, "enterprises_of_county.rq", f'"{county}"@zh')
    assert (enterprise, place) in {row[:2] for row in rows}
    assert all("Enterprise" in types_of(seed_graph, row[0]) for row in rows)


def test_enterprises_of_county_default_leaves_out_agencies_and_other_places(seed_graph):
    rows = answer(seed_graph, "enterprises_of_county.rq")
    assert ("莘县诚义食品有限公司", "莘县", "莘县14个省重点项目提前完成年度投资计划") in rows
    names = {row[0] for row in rows}
    assert "莘县行政审批服务局" not in names  # an agency in 莘县
    assert "临清市成信经贸有限公司" not in names and "聊城中通轻型客车有限公司" not in names


def test_enterprises_of_county_follow_places_inside_the_county():
    graph = mini_graph("""
    t:place-莘县 a kg:Place ; skos:prefLabel "莘县"@zh .
    t:place-张鲁 a kg:Place ; skos:prefLabel "张鲁回族镇"@zh ; kg:partOf t:place-莘县 .
    t:place-临清 a kg:Place ; skos:prefLabel "临清市"@zh .
    t:enterprise-a a kg:Enterprise ; skos:prefLabel "莘县甲食品有限公司"@zh ; kg:locatedIn t:place-张鲁 .
    t:enterprise-b a kg:Enterprise ; skos:prefLabel "临清市乙经贸有限公司"@zh ; kg:locatedIn t:place-临清 .
    t:agency-c a kg:Agency ; skos:prefLabel "莘县行政审批服务局"@zh ; kg:locatedIn t:place-莘县 .
    """)
    assert answer(graph, "enterprises_of_county.rq") == [("莘县甲食品有限公司", "张鲁回族镇", "")]


def test_enterprises_of_county_give_the_articles_of_the_located_in_assertions():
    # 甲: said in a headlined article, in an article without headline, and by an assertion of another predicate;
    # 乙: only in an article without headline
    graph = mini_graph("""
    t:place-莘县 a kg:Place ; skos:prefLabel "莘县"@zh .
    t:enterprise-a a kg:Enterprise ; skos:prefLabel "莘县甲食品有限公司"@zh ; kg:locatedIn t:place-莘县 .
    t:enterprise-b a kg:Enterprise ; skos:prefLabel "莘县乙纺织有限公司"@zh ; kg:locatedIn t:place-莘县 .
    t:fact-1 a kg:Assertion ; rdf:subject t:enterprise-a ; rdf:predicate kg:locatedIn ; rdf:object t:place-莘县 ;
        kg:inArticle t:article-1 .
    t:fact-2 a kg:Assertion ; rdf:subject t:enterprise-a ; rdf:predicate kg:locatedIn ; rdf:object t:place-莘县 ;
        kg:inArticle t:article-2 .
    t:fact-3 a kg:Assertion ; rdf:subject t:enterprise-a ; rdf:predicate kg:participatesIn ; rdf:object t:place-莘县 ;
        kg:inArticle t:article-3 .
    t:fact-4 a kg:Assertion ; rdf:subject t:enterprise-b ; rdf:predicate kg:locatedIn ; rdf:object t:place-莘县 ;
        kg:inArticle t:article-2 .
    t:article-1 a kg:Article ; schema:headline "甲公司落户莘县"@zh .
    t:article-2 a kg:Article .
    t:article-3 a kg:Article ; schema:headline "甲公司参加展会"@zh .
    t:place-张鲁 a kg:Place ; skos:prefLabel "张鲁回族镇"@zh ; kg:partOf t:place-莘县 .
    t:enterprise-a kg:locatedIn t:place-张鲁 .
    t:fact-5 a kg:Assertion ; rdf:subject t:enterprise-a ; rdf:predicate kg:locatedIn ; rdf:object t:place-张鲁 ;
        kg:inArticle t:article-4 .
    t:article-4 a kg:Article ; schema:headline "甲公司在张鲁建厂"@zh .
    """)
    # each place with the article of its own assertion
    assert answer(graph, "enterprises_of_county.rq") == [
        ("莘县乙纺织有限公司", "莘县", ""), ("莘县甲食品有限公司", "张鲁回族镇", "甲公司在张鲁建厂"),
        ("莘县甲食品有限公司", "莘县", "甲公司落户莘县")]


# 6. who attended an event


def test_attendees_of_event(seed_graph):
    rows = answer(seed_graph, "attendees_of_event.rq")
    assert [row[:4] for row in rows if row[0] == "刘文强"] == [
        ("刘文强", "全市化工行业安全生产整治提升专项行动工作专班全体会议", "2023-06-24",
         "我市扎实开展化工行业安全生产整治提升专项行动")]
    assert "刘文强出席会议" in rows[0][4]
    assert all("化工行业安全生产整治提升专项行动工作专班全体会议" in event for _, event, *_ in rows)


def test_attendees_of_event_by_part_of_its_name(seed_graph):
    rows = answer(seed_graph, "attendees_of_event.rq", '"统战部长会议"')
    assert ("柳庆庆", "全市统战部长会议", "2023-02-20", "全市统战部长会议召开") in {row[:4] for row in rows}
    assert all("统战部长会议" in event for _, event, *_ in rows)
    everyone = answer(seed_graph, "attendees_of_event.rq", "UNDEF")
    assert {event for who, event, *_ in everyone if who == "柳庆发"} >= {
        "全市乡村文化振兴暨移风易俗工作现场推进会", "全市学习贯彻习近平总书记文化传承发展座谈会重要讲话精神专题会议"}
    assert all(types_of(seed_graph, event) == {"Event"} for _, event, *_ in everyone)


# 7. timeline of an official's appearances


def test_official_timeline(seed_graph):
    rows = answer(seed_graph, "official_timeline.rq")
    assert [row[:2] for row in rows] == [
        ("2023-02-20", "刘文强带队督导调研重大民生项目建设情况"),
        ("2023-06-24", "我市扎实开展化工行业安全生产整治提升专项行动")]
    assert all("刘文强" in evidence for *_, evidence in rows)


def test_official_timeline_is_in_date_order(seed_graph):
    rows = answer(seed_graph, "official_timeline.rq", '"柳庆发"@zh')
    assert {headline for _, headline, *_ in rows} >= {
        "我市部署推进乡村文化振兴暨移风易俗工作", "全市学习贯彻习近平总书记文化传承发展座谈会重要讲话精神专题会议召开"}
    dates = [date for date, *_ in rows if date]
    assert dates == sorted(dates) and "2023-06-25" in dates


# 8. most-mentioned programmes


def test_most_mentioned_programmes(seed_graph):
    rows = answer(seed_graph, "most_mentioned_programmes.rq")
    assert len(rows) == 10  # the seeds have far more than ten programmes
    assert ("三提三敢", "7", "7") in rows  # named seven times (once spelled out), in seven articles
    counts = [int(mentions) for _, mentions, _ in rows]
    assert counts == sorted(counts, reverse=True)
    assert all(types_of(seed_graph, programme) == {"Programme"} for programme, *_ in rows)
    shown = {programme for programme, *_ in rows}
    others = [int(n) for p in seed_graph.subjects(RDF.type, KG.Programme)
              if str(seed_graph.value(p, SKOS.prefLabel)) not in shown
              for n in seed_graph.objects(p, KG.mentionCount)]
    assert max(others) <= min(counts)  # really the top ten


def programmes_graph(mentions: dict[str, list[int]]) -> Graph:
    """Programmes named ``sum(per_article)`` times in all, ``per_article[i]`` times in article i."""
    lines = []
    for i, (name, per_article) in enumerate(mentions.items()):
        lines.append(f't:programme-{i} a kg:Programme ; skos:prefLabel "{name}"@zh ;'
                     f" kg:mentionCount {sum(per_article)} .")
        for j, n in enumerate(per_article):
            lines.append(f"t:mention-{i}-{j} a kg:Mention ; kg:mentionOf t:programme-{i} ; kg:inArticle t:article-{j} ;"
                         f" kg:mentionCount {n} .")
    return mini_graph("\n".join(lines))


def test_most_mentioned_programmes_break_ties_at_the_tenth_place_by_articles():
    # the tenth-highest count is 2, shared by 甲 (one article) and 乙, 丙 (two articles each): 乙 and 丙 rank first
    mentions = {"一": [9], "二": [8], "三": [7], "四": [3, 3], "五": [5], "六": [4], "七": [3], "八": [2, 1],
                "甲": [2], "乙": [1, 1], "丙": [1, 1], "丁": [1]}
    rows = answer(programmes_graph(mentions), "most_mentioned_programmes.rq")
    assert rows == [("一", "9", "1"), ("二", "8", "1"), ("三", "7", "1"), ("四", "6", "2"), ("五", "5", "1"),
                    ("六", "4", "1"), ("八", "3", "2"), ("七", "3", "1"), ("丙", "2", "2"), ("乙", "2", "2")]
    # fewer than ten programmes: all of them
    assert answer(programmes_graph({"一": [1], "二": [2, 1]}), "most_mentioned_programmes.rq") == [
        ("二", "3", "2"), ("一", "1", "1")]


# 9. projects with investment amounts


def test_project_investments(seed_graph):
    rows = answer(seed_graph, "project_investments.rq")
    by_project = {row[0]: row for row in rows}
    # 鲁西集团 … 年产 120 万吨双酚 A 项目，总投资64亿元 (seeds/003): the amount is read with the investor
    project, investor, amount, unit, capacity = by_project["年产120万吨双酚A项目"]
    assert (investor, Decimal(amount), unit, capacity) == ("鲁西集团", Decimal(64), "亿元", "120万吨")
    # 投资5.3亿元的年产400万千瓦机器人电缆…项目 (seeds/001)
    assert any("机器人电缆" in p and Decimal(a) == Decimal("5.3") and u == "亿元" for p, _, a, u, _ in rows if a)
    assert "凌云安置区项目" not in by_project  # no amount, no capacity
    for project, _, amount, unit, capacity in rows:
        assert types_of(seed_graph, project) == {"Project"}
        assert amount or capacity
        if amount:
            assert Decimal(amount) > 0 and unit


def test_project_investments_take_the_amount_of_the_invests_assertion_of_that_project():
    graph = mini_graph("""
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    t:enterprise-甲 a kg:Enterprise ; skos:prefLabel "甲集团"@zh ; kg:invests t:project-1, t:project-2 .
    t:enterprise-乙 a kg:Enterprise ; skos:prefLabel "乙公司"@zh ; kg:invests t:project-4 .
    t:project-1 a kg:Project ; skos:prefLabel "一号项目"@zh .
    t:project-2 a kg:Project ; skos:prefLabel "二号项目"@zh .
    t:project-3 a kg:Project ; skos:prefLabel "三号项目"@zh ; kg:amount "3.5"^^xsd:decimal ; kg:unit "亿元"@zh .
    t:project-4 a kg:Project ; skos:prefLabel "四号项目"@zh .
    t:fact-1 a kg:Assertion ; rdf:subject t:enterprise-甲 ; rdf:predicate kg:invests ; rdf:object t:project-1 ;
        kg:amount "64"^^xsd:decimal ; kg:unit "亿元"@zh ; kg:capacity "120万吨"@zh .
    t:fact-2 a kg:Assertion ; rdf:subject t:enterprise-甲 ; rdf:predicate kg:invests ; rdf:object t:project-2 ;
        kg:amount "5.3"^^xsd:decimal ; kg:unit "亿元"@zh .
    t:fact-3 a kg:Assertion ; rdf:subject t:enterprise-乙 ; rdf:predicate kg:runs ; rdf:object t:project-4 ;
        kg:amount "9"^^xsd:decimal ; kg:unit "亿元"@zh .
    """)
    rows = [(p, i, Decimal(a), u, c) for p, i, a, u, c in answer(graph, "project_investments.rq")]
    # 四号项目: its only amount is on an assertion that is not kg:invests
    assert rows == [("一号项目", "甲集团", Decimal(64), "亿元", "120万吨"),
                    ("三号项目", "", Decimal("3.5"), "亿元", ""), ("二号项目", "甲集团", Decimal("5.3"), "亿元", "")]


# 10. evidence for a fact


def test_evidence_for_fact(seed_graph):
    rows = answer(seed_graph, "evidence_for_fact.rq")
    assert {row[0] for row in rows} == {str(KG.holdsPost)}
    found = {(obj, headline, date, rule) for _, obj, headline, date, _, rule in rows}
    assert ("聊城市人民政府 常务副市长", "刘文强带队督导调研重大民生项目建设情况", "2023-02-20",
            "title_chain.v1") in found
    assert ("中共聊城市委员会 常委", "我市扎实开展化工行业安全生产整治提升专项行动", "2023-06-24",
            "title_chain.v1") in found
    assert all("常务副市长刘文强" in evidence for *_, evidence, _ in rows)


def test_evidence_for_other_facts(seed_graph):
    runs = answer(seed_graph, "evidence_for_fact.rq", '("聊城市工业和信息化局"@zh kg:runs)')
    assert ("绿色问诊", "“绿色问诊”开良方") in {row[1:3] for row in runs}
    invests = answer(seed_graph, "evidence_for_fact.rq", '("鲁西集团"@zh kg:invests)')
    assert any(obj == "年产120万吨双酚A项目" and "总投资64亿元" in evidence and date == "2022-12-20"
               for _, obj, _, date, evidence, _ in invests)
    assert {row[0] for row in invests} == {str(KG.invests)}
    everything = answer(seed_graph, "evidence_for_fact.rq", '("刘文强"@zh UNDEF)')
    assert {row[0] for row in everything} == {str(KG.holdsPost), str(KG.attended)}


def test_evidence_for_fact_dates_by_the_fact_when_the_article_has_no_date():
    graph = mini_graph("""
    t:official-刘 a kg:Official ; skos:prefLabel "刘文强"@zh ; kg:holdsPost t:post-1 .
    t:post-1 a kg:Post ; skos:prefLabel "聊城市人民政府 常务副市长"@zh .
    t:fact-1 a kg:Assertion ; rdf:subject t:official-刘 ; rdf:predicate kg:holdsPost ; rdf:object t:post-1 ;
        kg:inArticle t:article-1 ; kg:evidenceText "常务副市长刘文强出席"@zh ; kg:rule "title_chain.v1" ;
        kg:date "2023-02-20"^^<http://www.w3.org/2001/XMLSchema#date> .
    t:article-1 a kg:Article ; schema:headline "无日期的报道"@zh .
    """)
    assert answer(graph, "evidence_for_fact.rq") == [
        (str(KG.holdsPost), "聊城市人民政府 常务副市长", "无日期的报道", "2023-02-20", "常务副市长刘文强出席",
         "title_chain.v1")]


# 11. aliases of an entity


def test_aliases_of_entity(seed_graph):
    rows = answer(seed_graph, "aliases_of_entity.rq")
    assert ("聊城市工业和信息化局", "Agency", "市工信局") in rows
    assert ("聊城市工业和信息化局", "Agency", "聊城市工信局") in rows
    assert {row[0] for row in rows} == {"聊城市工业和信息化局"}
    assert answer(seed_graph, "aliases_of_entity.rq", '"聊城市工业和信息化局"@zh') == rows
    by_alias = answer(seed_graph, "aliases_of_entity.rq", '"山东骏程"@zh')
    assert ("山东骏程金属科技有限公司", "Enterprise", "山东骏程") in by_alias
    assert answer(seed_graph, "aliases_of_entity.rq", '"无此机构"@zh') == []


# 12. articles by a journalist


def test_articles_by_journalist(seed_graph):
    rows = answer(seed_graph, "articles_by_journalist.rq")
    dated = {(date, headline) for date, headline, *_ in rows}
    assert ("2023-02-18", "聊城打造县域智慧金融平台雁阵集群") in dated
    assert ("2023-07-10", "我市两家企业获评中国棉纺织行业优良发展型企业") in dated
    headlines = {headline for _, headline, *_ in rows}
    assert "“绿色问诊”开良方" in headlines
    assert "刘文强带队督导调研重大民生项目建设情况" not in headlines  # 赵宗锋's
    assert all(role in {"reporter", "correspondent", "photographer"} for *_, role in rows)
    dates = [date for date, *_ in rows if date]
    assert dates == sorted(dates)


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.name)
def test_query_files_parse(path, seed_graph):
    names, _ = run_query(seed_graph, path.read_text(encoding="utf-8"))
    assert names
