"""Resolution on the seed pages and on small made-up pages."""

from kg.extract import extract_page
from kg.model import Source
from kg.resolve import resolve


def entity(resolved, name):
    found = [e for e in resolved.entities if e.name == name or name in e.aliases]
    assert len(found) == 1, (name, [e.name for e in found])
    return found[0]


def test_agency_abbreviations_resolve_to_one_full_name(seed_resolved):
    e = entity(seed_resolved, "市工信局")
    assert e.name == "聊城市工业和信息化局" and e.type == "Agency"
    assert {"市工信局", "聊城市工信局"} <= set(e.aliases)


def test_party_and_government_organs_of_the_papers_city(seed_resolved):
    assert entity(seed_resolved, "市委").name == "中共聊城市委员会"
    assert entity(seed_resolved, "市政府").name == "聊城市人民政府"
    assert entity(seed_resolved, "市政协").name == "政协聊城市委员会"


def test_county_context_of_an_article(seed_resolved):
    assert entity(seed_resolved, "县工信局").name == "莘县工业和信息化局"
    assert entity(seed_resolved, "县工商联").name == "莘县工商业联合会"


def test_enterprise_short_names_declared_on_the_page(seed_resolved):
    assert entity(seed_resolved, "山东骏程").name == "山东骏程金属科技有限公司"
    assert entity(seed_resolved, "华泰化工").name == "山东阳谷华泰化工股份有限公司"
    assert entity(seed_resolved, "鲁西聚碳酸酯有限公司").name == "聊城鲁西聚碳酸酯有限公司"


def test_one_official_across_pages_with_all_posts(seed_resolved):
    e = entity(seed_resolved, "刘文强")
    assert e.type == "Official"
    assert {(p.title, p.org) for p in e.posts} == {("常务副市长", "聊城市人民政府"), ("常委", "中共聊城市委员会")}
    assert len({m.source_key() for m in e.mentions}) == 2


def test_city_override_and_unknown_city():
    import pytest

    page = Source("p.txt", "本报讯（记者 王明）3月5日，市工信局召开会议。", "utf-8")
    doc = extract_page(page)
    assert entity(resolve([doc], city="潍坊"), "市工信局").name == "潍坊市工业和信息化局"
    with pytest.raises(ValueError, match="unknown city"):
        resolve([doc], city="不存在市")


def test_short_names_the_page_gives_resolve_to_the_full_name(seed_resolved):
    assert entity(seed_resolved, "中通客车").name == "中通客车股份有限公司"
    assert entity(seed_resolved, "森盛食品").name == "森盛(山东)食品有限公司"


def test_short_name_rule_on_a_made_up_page():
    text = "本报讯（记者 王明）潍坊华丰纺织(山东)有限公司扩产。华丰纺织负责人说，订单充足。华丰也在招工。"
    page = Source("p.txt", text, "utf-8")
    r = resolve([extract_page(page)], city="潍坊")
    company = entity(r, "华丰纺织")
    assert company.name == "潍坊华丰纺织(山东)有限公司"
    assert "华丰" not in company.aliases  # a two-character brand alone is never matched


def test_short_forms_of_far_districts_are_not_places():
    text = ("本报讯（记者 王明）聊城市茌平区召开会议。茌平，这座城市正在发展。"
            "他获得“泰山产业领军人才”称号，凌云安置区项目完工。")
    r = resolve([extract_page(Source("p.txt", text, "utf-8"))])
    places = {e.name for e in r.entities if e.type == "Place"}
    assert "茌平区" in places and "泰山区" not in places and "凌云县" not in places


def test_a_numbered_slogan_and_its_spelled_out_form_are_one_programme():
    one = Source("a.txt", "本报讯（记者 王明）落实市委“两创一强”工作要求，全市上下干劲十足。", "utf-8")
    two = Source("b.txt", "本报讯（记者 王明）按照市委“创新创业、强基础”的工作要求，推进项目建设。", "utf-8")
    r = resolve([extract_page(one), extract_page(two)], city="潍坊")
    programmes = [e for e in r.entities if e.type == "Programme"]
    assert [(e.name, sorted(set(e.aliases) - {e.name})) for e in programmes] == [("两创一强", ["创新创业、强基础"])]


def test_a_bare_zone_is_the_papers_own_zone():
    page = Source("p.txt", "本报讯（记者 王明）3月5日，高新区召开会议。", "utf-8")
    assert entity(resolve([extract_page(page)], city="潍坊"), "高新区").name == "潍坊高新区"


def test_central_leaders_and_bodies_resolve_to_full_names():
    text = "本报讯（记者 王明）3月5日，国务院总理刘建国主持会议，各地学习张建华总书记讲话精神。"
    r = resolve([extract_page(Source("p.txt", text, "utf-8"))], city="潍坊")
    assert {e.name: [(p.title, p.org) for p in e.posts] for e in r.entities if e.type == "Official"} == {
        "刘建国": [("总理", "中华人民共和国国务院")], "张建华": [("总书记", "中国共产党中央委员会")]}


def test_an_enterprise_without_its_legal_suffix_is_its_one_full_name():
    text = ("本报讯（记者 王明）潍坊华源电缆有限公司投资5亿元扩产。带队走访华源电缆、恒通光电科技(苏州)、"
            "上海诚丰新能源科技等龙头企业。")
    r = resolve([extract_page(Source("p.txt", text, "utf-8"))], city="潍坊")
    assert entity(r, "华源电缆").name == "潍坊华源电缆有限公司"
