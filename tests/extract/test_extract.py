"""Extractors on small texts written for the tests (not seed sentences): each rule does its job."""

import random

import pytest

from kg.extract import extract_page, extract_text
from kg.extract.base import Text
from kg.extract.lexicon import lexicon
from kg.extract.places import TOWN_RE, _town_matches
from kg.extract.relations import find_relations
from kg.model import Source
from kg.read import normalise


def hits(text: str):
    found, facts = extract_text(Text(normalise(text)), lexicon())
    return found, facts


def names(text: str, typ: str) -> list[str]:
    return [h.name for h in hits(text)[0] if h.type == typ]


def test_title_chain_gives_each_post_its_organisation():
    found, facts = hits("会上，市委常委、组织部部长、统战部部长郑海波出席并讲话。")
    assert [h.name for h in found if h.type == "Official"] == ["郑海波"]
    posts = {(f.o, f.attr("org")) for f in facts if f.p == "holdsPost"}
    assert posts == {("常委", "市委"), ("部长", "市委组织部"), ("部长", "市委统战部")}


def test_title_chain_inherits_the_body_and_government_heads_get_the_government():
    _, facts = hits("市商务局党组书记、局长冯晓东介绍，市委常委、常务副市长韩立新带队调研。")
    posts = {(f.s, f.o, f.attr("org")) for f in facts if f.p == "holdsPost"}
    assert ("冯晓东", "党组书记", "市商务局") in posts and ("冯晓东", "局长", "市商务局") in posts
    assert ("韩立新", "常务副市长", "市政府") in posts


def test_list_of_officials_after_one_title():
    assert names("副市长马兰、陈建国出席活动。", "Official") == ["马兰", "陈建国"]


def test_enterprise_roles_are_people_who_work_for_the_enterprise():
    found, facts = hits("宏达精密机械有限公司总经理孟凡强说，订单已排到年底。")
    assert names("宏达精密机械有限公司总经理孟凡强说，订单已排到年底。", "Person") == ["孟凡强"]
    assert [(f.s, f.p, f.o, f.attr("role")) for f in facts if f.p == "worksFor"] == [
        ("孟凡强", "worksFor", "宏达精密机械有限公司", "总经理")]


def test_anonymised_people_are_not_named():
    assert names("村民王先生说，今年收成好。", "Person") == []


@pytest.mark.parametrize("text,expected", [
    ("在临沂远航电子科技有限公司车间里，工人正忙。", ["临沂远航电子科技有限公司"]),
    ("记者走访了金禾农业专业合作社。", ["金禾农业专业合作社"]),
    ("华宇控股集团与当地签约。", ["华宇控股集团"]),
])
def test_enterprise_boundaries(text, expected):
    assert names(text, "Enterprise") == expected


def test_agency_grammar_and_its_abbreviations():
    found = names("市发改委、潍坊市人力资源和社会保障局和县市场监管局联合发文。", "Agency")
    assert found == ["市发改委", "潍坊市人力资源和社会保障局", "县市场监管局"]


def test_organ_by_level_and_not_a_title():
    found = names("落实市委部署，市政协副主席到会。全市统战部长会议召开。", "Agency")
    assert found == ["市委", "市政协"]


def test_alias_statement():
    found, _ = hits("山东宏图新材料股份有限公司(以下简称“宏图新材”)今年扩产。宏图新材负责人说。")
    alias = [h for h in found if h.rule == "alias.v1"]
    assert [(h.name, h.attr("alias_of")) for h in alias] == [("宏图新材", "山东宏图新材料股份有限公司")]


def test_programmes_need_a_trigger_not_just_quotes():
    text = "全面落实“双招双引”工作要求，启动“春风助企”行动，为企业注入“金融活水”。"
    assert names(text, "Programme") == ["双招双引", "春风助企"]


def test_policy_documents_and_named_initiatives():
    text = "市里出台了《关于支持民营经济发展的若干措施》，并在全省率先开展企业能效诊断行动。"
    assert names(text, "Programme") == ["关于支持民营经济发展的若干措施", "企业能效诊断"]


def test_slogan_spelled_out_is_tied_to_its_number_form():
    text = "贯彻“两创一强”工作要求，做到“创新创业、强基础”。"
    found, _ = hits(text)
    spelled = [h for h in found if h.rule == "slogan.v1"]
    assert spelled and spelled[0].attr("alias_of") == "两创一强"


def test_places_from_the_divisions_file():
    assert names("在济宁市任城区和曲阜，以及兖州区。", "Place") == ["济宁市", "任城区", "曲阜", "兖州区"]


def test_common_words_that_are_also_county_names_are_not_places():
    assert names("推动乡村振兴，加强合作，节约资源。", "Place") == []


def test_events_and_projects():
    text = "3月2日，全市重点项目建设推进会召开。华新集团投资12亿元的年产5万吨锂电材料项目开工。"
    found, _ = hits(text)
    assert [h.name for h in found if h.type == "Event"] == ["全市重点项目建设推进会"]
    project = [h for h in found if h.type == "Project"]
    assert [(h.name, h.attr("amount"), h.attr("unit")) for h in project] == [("年产5万吨锂电材料项目", "12", "亿元")]


def test_every_hit_carries_a_rule_id():
    found, facts = hits("市委常委、副市长李明出席全市工作会议。")
    assert found and all(h.rule.endswith(".v1") for h in found)
    assert facts and all(f.rule.endswith(".v1") for f in facts)


def test_gazetteer_is_leftmost_longest_and_stays_inside_the_text():
    import re

    from kg.extract.lexicon import Gazetteer, _alternation

    words = ["北京", "北京市海淀区", "海淀", "市", "京市"]
    gaz = Gazetteer(words)
    regex = re.compile(_alternation(words))
    for text in ["发自北京", "北京市海淀区中关村", "京市北京市海", "北"]:
        assert [m.span() for m in gaz.finditer(text)] == [m.span() for m in regex.finditer(text)]
        assert all(m.end() <= len(text) for m in gaz.finditer(text))


def test_titles_after_a_name_and_former_posts():
    found, facts = hits("座谈会上，周海明，潍坊市商务局副局长，介绍了情况。原县委书记孙建华也到场。")
    assert ("周海明", "副局长", "潍坊市商务局") in {(f.s, f.o, f.attr("org")) for f in facts if f.p == "holdsPost"}
    former = [f for f in facts if f.s == "孙建华"]
    assert former and all(f.attr("former") == "true" for f in former)


def test_project_capacity_and_amount():
    found, _ = hits("华新集团投资12亿元建设年产5万吨锂电材料项目。")
    project = [h for h in found if h.type == "Project"][0]
    assert (project.attr("amount"), project.attr("unit"), project.attr("capacity")) == ("12", "亿元", "5万吨")


def test_a_post_taken_after_the_name_makes_an_official():
    found, facts = hits("发展形不成合力。孙立平担任第一书记后，重新选配了村两委班子。")
    assert [(h.type, h.name, h.rule) for h in found if h.type == "Official"] == [
        ("Official", "孙立平", "took_post.v1")]
    assert [(f.s, f.p, f.o) for f in facts] == [("孙立平", "holdsPost", "第一书记")]
    _, facts = hits("会议决定，王建国任潍坊市委书记。")
    assert {(f.s, f.o, f.attr("org")) for f in facts if f.p == "holdsPost"} == {("王建国", "书记", "潍坊市委")}
    assert names("他担任主任以来，走遍了全村。", "Official") == []


def test_a_title_word_is_not_a_surname_and_a_given_name():
    assert names("平台组建金融专家顾问团，为企业提供服务。", "Person") == []
    assert names("法律顾问周明远介绍了案情。", "Person") == ["周明远"]


def test_kinds_of_bodies_and_unnamed_units_are_not_organisations():
    def rule_orgs(text):
        return [h.name for h in hits(text)[0] if h.rule in ("org_suffix.v1", "department.v1", "organ.v1")]

    assert rule_orgs("该县已建成国家级工程技术研究中心、省重点实验室等平台。村党支部办公室设在民房里。") == []
    assert rule_orgs("县(市、区)党委宣传部作了交流发言。") == []
    assert names("市委宣传部和市农业科学研究院联合发布。", "Agency") == ["市委宣传部"]


def test_research_centres_of_companies_are_organisations():
    assert names("他曾就职于普利司通(日本)研发中心。", "Organization") == ["普利司通(日本)研发中心"]


def test_an_event_name_starts_after_the_verb_of_its_clause():
    assert names("图为市消防救援支队进行防洪抢险相关演练。", "Event") == []
    assert names("昨天，市应急管理局组织开展了全市森林防火实战演练。", "Event") == ["全市森林防火实战演练"]


def rule_names(text: str, typ: str) -> list[str]:
    return [h.name for h in hits(text)[0] if h.type == typ and h.rule != "crf_ner.v1"]


def test_enterprise_names_jieba_cut_into_characters_or_brackets():
    assert rule_names("浙江天顺线缆有限公司投资5亿元建设新厂。", "Enterprise") == ["浙江天顺线缆有限公司"]
    assert rule_names("现场,华鹏源智能装备(集团)有限公司、潍坊新奥燃气有限公司参展。", "Enterprise") == [
        "华鹏源智能装备(集团)有限公司", "潍坊新奥燃气有限公司"]
    assert rule_names("工程现场，国网潍坊供电公司员工冒着高温抢修。", "Enterprise") == ["国网潍坊供电公司"]


def test_development_zones_are_agencies_and_a_bare_zone_is_the_papers_own():
    assert rule_names("潍坊开发区支持企业发展，鲁东经济开发区指标提升。", "Agency") == ["潍坊开发区", "鲁东经济开发区"]
    assert rule_names("在高新区华新集团，生产线满负荷运转。", "Agency") == ["高新区"]


def test_a_quoted_name_the_article_repeats_is_a_programme():
    text = "“政企早餐会”开进商会。本次“政企早餐会”由县工商联发起。下一期“政企早餐会”将在5月举行。"
    assert set(rule_names(text, "Programme")) == {"政企早餐会"}
    assert rule_names("为县域经济注入了“金融血液”。", "Programme") == []  # once: a figure of speech
    assert rule_names("打出“组合拳”，再打“组合拳”。", "Programme") == []  # a dictionary word


def test_an_idea_is_not_a_programme():
    assert rule_names("牢固树立“项目至上”理念。", "Programme") == []


def test_a_person_who_says_what_they_are():
    assert rule_names("他说了很多。周国栋是西王村村民,身有残疾。", "Person") == ["周国栋"]


def test_a_chain_goes_on_past_a_quoted_organ():
    _, facts = hits("据潍城区委社会工作部部长、“两新”工委书记孟庆华介绍，")
    assert {(f.o, f.attr("org")) for f in facts if f.p == "holdsPost"} == {
        ("部长", "潍城区委社会工作部"), ("书记", "潍城区委“两新”工委")}


def test_central_bodies_by_name_or_press_short_form():
    found = [(h.name, h.attr("alias_of")) for h in hits("项目通过国家发改委审核，在科技部评估中获优秀。")[0]
             if h.rule == "central_body.v1"]
    assert found == [("国家发改委", "国家发展和改革委员会"), ("科技部", "科学技术部")]
    assert [h.name for h in hits("市商务局会同财政部门研究。")[0] if h.rule == "central_body.v1"] == []


def test_a_customs_supervised_site_is_not_a_customs_office():
    assert rule_names("货物从东港国际陆港海关监管作业场所出发，济南海关提供支持。", "Agency") == ["济南海关"]


def test_another_states_ministry_is_not_a_central_body():
    assert [h.name for h in hits("据印度国防部消息，演习将持续三天。")[0] if h.rule == "central_body.v1"] == []
    assert [h.name for h in hits("美国国防部发表声明。")[0] if h.rule == "central_body.v1"] == []


def test_villages_no_divisions_file_lists():
    text = "他先后来到定远镇秦闫三村、贾镇张榆树头村和范寨镇西邢庄村担任第一书记，带领村民修路。"
    assert [n for n in rule_names(text, "Place") if n.endswith("村")] == ["秦闫三村", "张榆树头村", "西邢庄村"]
    assert rule_names(text, "Person") == []  # 村民|修路 is no villager named 修路
    assert [n for n in rule_names("推进乡村振兴，贫困村全部脱贫，他驻村八年。", "Place")] == []


def test_names_in_a_list_of_enterprises():
    text = "三和集团、银河纸业、华信经贸等越来越多的企业落户园区。"
    assert rule_names(text, "Enterprise") == ["三和集团", "银河纸业", "华信经贸"]  # 银河 (a word) + 纸业: a brand
    assert rule_names("纺织、化工、机械等传统企业加快转型。", "Enterprise") == []
    assert rule_names("这家公司、那家集团等企业都来了。", "Enterprise") == []


def test_leaders_of_an_industry_are_enterprises():
    text = "汽车零部件方面，形成了以恒达汽车和光明电器为龙头、以华昱、春风等为骨干的产业集群。"
    # 春风 is a common word, a company only beside one that is surely a name (华昱): one list, one kind
    assert rule_names(text, "Enterprise") == ["恒达汽车", "光明电器", "华昱", "春风"]
    assert rule_names("以山东、江苏为龙头，以汽车和化工为主导。", "Enterprise") == []
    assert rule_names("以华昱汽车、宏达管业为主的行业企业发展壮大。", "Enterprise") == ["华昱汽车", "宏达管业"]


def test_units_of_a_university_or_hospital_keep_their_parent():
    assert rule_names("复旦大学可持续发展研究中心提出建议。", "Organization") == ["复旦大学可持续发展研究中心"]
    assert rule_names("走访上海瑞金医院济南医院、大外环等项目。", "Organization") == ["上海瑞金医院济南医院"]
    assert rule_names("鲁能集团潍坊鲁能化工有限公司投产。", "Enterprise") == ["鲁能集团", "潍坊鲁能化工有限公司"]


def test_a_quoted_brand_is_part_of_an_organisation_name():
    assert rule_names("“蓝马甲”志愿服务协会的志愿者们每天在路口值守。", "Organization") == ["“蓝马甲”志愿服务协会"]
    assert "潍城区纪委监委" in rule_names("惩治“苍蝇”潍城区纪委监委出重拳。", "Agency")
    assert rule_names("建设村“两委”办公室。", "Agency") == []


def test_model_names_cut_before_a_site_are_dropped():
    found, _ = hits("2022年11月，华北国际陆港海关监管作业场所启用。")
    assert [h.name for h in found if h.type in ("Enterprise", "Agency", "Organization")] == []


def test_a_spelled_out_count_names_its_formula():
    text = "统筹抓好制造新城、文化名城、宜居公园城市“三城共建”,聚力科技人才工作。他是“三好学生”。"
    assert rule_names(text, "Programme") == ["三城共建"]


def test_an_unquoted_formula_that_repeats_its_numeral():
    assert rule_names("搭建银企合作、双招双引等平台，推行一企一策。", "Programme") == ["双招双引", "一企一策"]
    assert rule_names("他一心一意为群众办事，一五一十说清楚。", "Programme") == []


def test_praise_and_figures_of_speech_are_not_programmes():
    text = "形成了要素保障的“潍坊样板”。打造“潍坊样板”。现场提问，堪称一次“随堂考试”。“随堂考试”效果好。"
    assert rule_names(text, "Programme") == []


def test_an_event_series_before_a_dash_is_part_of_the_event():
    text = "在6月30日举行的齐鲁经济论坛2024——黄河流域生态保护研讨会上，专家展开交流。"
    assert names(text, "Event") == ["齐鲁经济论坛2024——黄河流域生态保护研讨会"]
    text = "在2024潍坊(深圳)重点招商项目签约仪式上成功签约。"
    assert names(text, "Event") == ["2024潍坊(深圳)重点招商项目签约仪式"]


def test_numbered_formulas_are_programmes():
    text = "推行“一企一策”“四不两直”，落实“双随机、一公开”，围绕“两个健康”主题。他是“五保户”，“两头熟”。"
    assert rule_names(text, "Programme") == ["一企一策", "四不两直", "双随机、一公开", "两个健康"]


def test_a_long_list_of_enterprises_opened_by_a_verb():
    text = "带队走访浙江天顺线缆、恒通光电科技(苏州)、上海诚丰新能源科技等电子信息制造领域龙头企业。"
    assert rule_names(text, "Enterprise") == ["浙江天顺线缆", "恒通光电科技(苏州)", "上海诚丰新能源科技"]


def test_a_county_agriculture_committee():
    assert rule_names("他协调潍城区农委投资6万元修路。", "Agency") == ["潍城区农委"]


def test_an_award_goes_to_who_its_own_clause_names():
    found, _ = hits("在协会公布的“2024年优秀民营企业”名单中，我市华昱纺织有限公司上榜。")
    t = Text(normalise("在协会公布的“2024年优秀民营企业”名单中，我市华昱纺织有限公司上榜。"))
    facts = find_relations(t, lexicon(), found)
    assert [(f.s, f.o) for f in facts if f.p == "awarded"] == [("华昱纺织有限公司", "2024年优秀民营企业")]
    text = "华昱纺织有限公司获得建设用地指标90亩，形成了“指标等项目”的局面。"
    found, _ = hits(text)
    assert [f for f in find_relations(Text(normalise(text)), lexicon(), found) if f.p == "awarded"] == []
    text = "县里建成华昱纺织研究院等平台，培育“泰山英才”12人，被评为“全省人才强县”。"
    found, _ = hits(text)
    assert [f for f in find_relations(Text(normalise(text)), lexicon(), found) if f.p == "awarded"] == []


def test_platforms_named_after_their_place():
    text = "潍坊市智慧金融服务平台上线，企业可通过全国信用信息共享平台查询。着力打造县域智慧金融服务平台。"
    assert rule_names(text, "Programme") == ["潍坊市智慧金融服务平台", "全国信用信息共享平台"]
    assert rule_names("寿光市教育系统开展培训，寿光市依托活动平台。", "Programme") == []


def test_quoted_programmes_of_many_shapes():
    text = ("落实“双碳”工作，坚持“两个毫不动摇”，培育壮大“八强产业”，推行“家校社+N”，"
            "实施“红黄绿”通报、“双报告”，开展“清风护企·助力发展”公益服务活动，"
            "依托“齐执法”涉企行政检查平台，设立“12345”政务服务热线，制定“免罚轻罚清单”。")
    assert rule_names(text, "Programme") == [
        "双碳", "两个毫不动摇", "八强产业", "家校社+N", "红黄绿", "双报告", "清风护企·助力发展", "齐执法",
        "12345政务服务热线", "免罚轻罚清单"]
    assert rule_names("以“执法+服务”的方式，他是“三好学生”。", "Programme") == []


def test_a_campaign_against_quoted_problems_is_named_with_its_verb():
    text = "全市开展整治“重复检查、多头执法”攻坚行动。"
    assert rule_names(text, "Programme") == ["整治“重复检查、多头执法”攻坚行动"]


def test_projects_named_by_their_owner_or_amount_may_use_common_words():
    text = "华昱智能科技有限公司气动产业园项目开工，总投资28.5亿元新能源汽车升级改造项目在建，村里建设重点项目。"
    assert rule_names(text, "Project") == ["气动产业园项目", "新能源汽车升级改造项目"]


def test_a_level_word_anchors_a_body_only_when_it_stands_alone():
    assert rule_names("他先后到市民服务中心、口袋公园查看进度。", "Agency") == []
    assert rule_names("市人民调解委员会调解纠纷。", "Organization") == ["市人民调解委员会"]


def test_foreign_countries_are_places():
    text = "产品主要出口至欧盟、英国、日本、坦桑尼亚等市场，米其林轮胎(日本)研发中心也来了。"
    assert rule_names(text, "Place") == ["英国", "日本", "坦桑尼亚"]  # not inside the centre
    found, _ = hits(text)
    assert next(h for h in found if h.name == "日本").attr("country") == "JP"


def test_a_letter_spaced_policy_title_is_one_document():
    text = "市司法局出台《潍坊市法治化营商环 境 工 作 评 价 指 标 体 系(2022)(试行)》,科学化搭建评价体系。"
    assert rule_names(text, "Programme") == ["潍坊市法治化营商环境工作评价指标体系(2022)(试行)"]


def test_quoted_activities_in_a_list_and_with_puns():
    text = "开展“青春有为,奋斗有我”“戏曲进乡村”等活动，开展“纪企‘清’风 护企同行”廉洁教育活动。"
    assert rule_names(text, "Programme") == ["青春有为,奋斗有我", "戏曲进乡村", "纪企‘清’风 护企同行"]


def test_a_theme_education_campaign_is_one_long_name():
    text = "在全党深入开展学习贯彻新时代党的创新理论主题教育之际，召开座谈会。"
    assert rule_names(text, "Programme") == ["学习贯彻新时代党的创新理论主题教育"]


def test_kinds_of_meetings_and_bodies_are_not_named_ones():
    assert names("召开攻坚会、“一对一”调度会等会议，研究政策。", "Event") == []
    assert rule_names("引导市直属商会加强资源整合。", "Organization") == []


def test_a_body_in_a_list_of_ranks_is_a_kind():
    text = "已建成国家级工程技术研究中心、省制造业创新中心、省重点实验室等平台44家。"
    assert rule_names(text, "Organization") == []
    assert rule_names("市环保协会、市书法家协会联合开展活动。", "Organization") == ["市环保协会", "市书法家协会"]


def test_a_ledger_is_named_but_a_dictionary_word_is_not():
    text = "建立“红绿黄”台账，建立“负面”台账清单。"
    assert rule_names(text, "Programme") == ["红绿黄"]


def test_a_project_whose_owner_jieba_cut_into_characters():
    text = "投资165亿元的中和能源绿电储能新材料项目签约落地。"
    assert rule_names(text, "Project") == ["中和能源绿电储能新材料项目"]
    assert rule_names("推进道路和桥梁改造项目建设。", "Project") == []  # 道路和…: two words, no glued name


def test_a_brand_named_by_a_number():
    assert rule_names("升级“4012”品牌，推广“456”工作法。", "Programme") == ["4012", "456工作法"]


def test_pilot_zones_loan_products_and_chambers_elsewhere():
    text = "今年是山东省建设黄河流域生态保护先行区的开局之年，该行将80万元“惠农好贷”打到了他的账户上。"
    assert rule_names(text, "Programme") == ["黄河流域生态保护先行区", "惠农好贷"]
    assert rule_names("开展异地山东、潍坊商会走访交流活动。", "Organization") == []
    assert rule_names("建设高新技术产业示范区管委会大楼。", "Programme") == []


def test_numbered_policy_packages():
    text = ("制定出台稳就业促增收15条、工业发展12条等一系列政策包，严格执行国家12条稳外贸政策及 19 条接续政策、"
            "省“稳中求进”高质量发展3批120项政策。共梳理出诊断建议113条，问题线索10条。")
    assert rule_names(text, "Programme") == ["稳就业促增收15条", "工业发展12条", "国家12条稳外贸政策",
                                             "19条接续政策", "省“稳中求进”高质量发展政策"]


def test_a_campaign_with_a_term_keeps_its_trigger():
    text = "大力实施工业强县三年突破行动，并开展企业能效诊断行动。"
    assert names(text, "Programme") == ["工业强县三年突破行动", "企业能效诊断"]


def test_a_short_project_with_no_owner_amount_or_size_is_a_kind_of_work():
    assert rule_names("他带领村民修路、建风力发电项目、种树。", "Project") == []
    assert rule_names("总投资2亿元的风力发电项目开工。", "Project") == ["风力发电项目"]


def test_a_campaign_that_a_meeting_deploys():
    text = "会议安排部署全市危化品运输安全整治提升专项行动和专班运行工作。"
    assert rule_names(text, "Programme") == ["全市危化品运输安全整治提升专项行动"]


def test_towns_found_from_their_town_word_as_by_the_plain_regex():
    rng = random.Random(7)
    alphabet = "镇乡街道村一二三王李,。 \n聊城市县区"
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert [m.span() for m in _town_matches(text)] == [m.span() for m in TOWN_RE.finditer(text)], text


def test_a_village_of_common_words_beside_another_village():
    text = "参会人员观摩了纸坊村、秦闫三村乡村文化振兴成果。"
    assert [n for n in rule_names(text, "Place") if n.endswith("村")] == ["纸坊村", "秦闫三村"]
    assert [n for n in rule_names("推进乡村、贫困村、秦闫三村建设。", "Place") if n.endswith("村")] == ["秦闫三村"]


def test_an_association_whose_name_holds_a_verbal_noun_and_a_hosted_event():
    text = "获得2025年度中国产学研合作促进会科技创新奖。承办潍坊市暨奎文区2025年国际社工日主题活动,弘扬志愿精神。"
    assert rule_names(text, "Organization") == ["中国产学研合作促进会"]
    assert names(text, "Event") == ["潍坊市暨奎文区2025年国际社工日主题活动"]
    assert rule_names("双方加强合作促进会员企业发展。", "Organization") == []


def test_a_heading_of_marks_only_is_no_text():
    """``## `` alone on a line made flatten index an empty offset list (found by a random page)."""
    text = "## \n\n市委常委、副市长王明出席会议。"
    doc = extract_page(Source("f.txt", text, "utf-8"))
    assert [(m.name, text[m.start:m.end]) for m in doc.mentions if m.type == "Official"] == [("王明", "王明")]
