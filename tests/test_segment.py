"""Article splitting on hand-made pages of each layout, and on the seed pages."""

from kg.model import Source
from kg.read import read_source
from kg.segment import page_year, parse_credit, reflow, resolve_date, segment

COLUMNS = """本报讯（记者 王明 通讯员 李华） 3 月
5 日，全市工业经济运行调度会召开，市
委常委、副市长赵刚出席会议并讲话。

会议强调，要抓项目、稳运行，确保一
季度实现开门红。

全市工业经济运行
调度会召开

■ 本报记者 孙丽

“今年我们的订单排到了六月。”3月4
日，某某公司负责人介绍说。

企业订单排到六月
"""

HEADLINE_FIRST = """前两月全市外贸增长

□记者 周平 通讯员 吴敏 报道

本报讯 2月28日,记者从海关获悉,前两月全市进出口增长12%。

春耕备耕忙

□本报记者 郑强

3月1日,农民正在田间忙碌。
"""

MARKDOWN = """# 全市召开优化营商环境大会

## ——部署今年重点任务

■ 本报记者 钱进

1月9日,全市优化营商环境大会召开。

## 我市新增高新技术企业50家

本报讯(记者 孙丽)1月8日,记者从市科技局获悉,去年我市新增高新技术企业50家。
"""


def _page(text: str, name: str = "p.txt") -> Source:
    return Source(name, text, "utf-8")


def test_column_layout_headline_after_body():
    arts = segment(_page(COLUMNS), date="2024-03-06")
    assert [a.headline for a in arts] == ["全市工业经济运行调度会召开", "企业订单排到六月"]
    assert arts[0].byline.reporters == ("王明",) and arts[0].byline.correspondents == ("李华",)
    assert arts[1].byline.reporters == ("孙丽",)
    assert arts[0].date == "2024-03-06"


def test_column_reflow_joins_broken_words():
    paras = reflow(COLUMNS)
    joined = [p.text for p in paras if p.kind == "lead"][0]
    assert "市委常委、副市长赵刚出席会议并讲话。" in joined


def test_a_full_width_line_alone_between_blank_lines_continues():
    text = ("本报讯 全市汽车产业链条不断延伸,零部件\n配套企业发展势头良好,产业发展稳定。\n\n"
            "——在下游,以华昱汽车、宏达\n\n管业为主的行业企业,依托龙头企业\n需求,着力发展配套零部件。\n\n"
            "产业链协同发展\n\n")
    texts = [p.text for p in reflow(text)]
    assert "——在下游,以华昱汽车、宏达管业为主的行业企业,依托龙头企业需求,着力发展配套零部件。" in texts
    assert "产业链协同发展" in texts  # a short headline line still stands alone


def test_headline_first_layout():
    arts = segment(_page(HEADLINE_FIRST, "2024-03-02.txt"))
    assert [a.headline for a in arts] == ["前两月全市外贸增长", "春耕备耕忙"]
    assert arts[0].byline.correspondents == ("吴敏",)
    assert [a.date for a in arts] == ["2024-02-28", "2024-03-01"]


def test_markdown_layout_with_subheadline():
    arts = segment(_page(MARKDOWN))
    assert [(a.headline, a.subheadline) for a in arts] == [
        ("全市召开优化营商环境大会", "——部署今年重点任务"), ("我市新增高新技术企业50家", "")]
    assert [a.byline.reporters for a in arts] == [("钱进",), ("孙丽",)]
    assert [a.date for a in arts] == ["--01-09", "--01-08"]  # no year on the page: never invented


def test_article_offsets_index_the_source():
    source = _page(COLUMNS)
    for art in segment(source):
        assert 0 <= art.start < art.end <= len(source.text)
    assert source.text[segment(source)[0].start:].startswith("本报讯")


def test_credit_parsing():
    b = parse_credit("文/图 记者 吕明 马永 通讯员 程远")
    assert b.reporters == ("吕明", "马永") and b.photographers == ("吕明", "马永") and b.correspondents == ("程远",)
    assert parse_credit("□记者 高山 报道").reporters == ("高山",)


def test_dates_and_years():
    assert resolve_date(7, 7, 2023) == "2023-07-07"
    assert resolve_date(7, 7, None) == "--07-07"
    assert resolve_date(13, 1, 2023) is None
    assert page_year("2022年以来……2023年前5个月") == 2023
    assert page_year("无年份", "pages/2021-05-04.txt") == 2021


SEED_HEADLINES = {
    "000_86fc442ea4b7cf66.txt": ["用绿色低碳绘就高质量发展底色", "“莘情政企直通车”开进商会",
                                 "当好桥梁纽带 服务高质量发展",
                                 "我市两家企业获评中国棉纺织行业优良发展型企业", "聊城企业家门口直接报关“出海”",
                                 "茌平区推行企业“集群注册”登记模式"],
    "001_afca7ecd8f3a5fce.txt": ["“绿色问诊”开良方", "全市统战部长会议召开", "刘文强带队督导调研重大民生项目建设情况",
                                 "聊城打造县域智慧金融平台雁阵集群", "高唐县十二大新突破推动蝶变崛起",
                                 "高新区发起招商引资新春攻势"],
    "002_08d67456162df1b8.txt": ["我市扎实开展化工行业安全生产整治提升专项行动",
                                 "山东省第四届“两红两传”学术研讨会在我市举办", "聊城打造优质企业“热带雨林”",
                                 "当好营商环境“护航人”", "前5个月我市进出口同比增长16.4%", "筑牢高质量发展“压舱石”",
                                 "全市学习贯彻习近平总书记文化传承发展座谈会重要讲话精神专题会议召开",
                                 "我市部署推进乡村文化振兴暨移风易俗工作"],
    "004_d5c89314d73c2274.txt": ["筑牢防汛“安全堤” 打好汛期“主动仗”", "聊城开发区支持企业经营范围“自主公示”",
                                 "聆听工匠故事 弘扬劳模精神", "涉企执法“课堂抽查”,局长现场作答", "葡萄“串”起富民链",
                                 "金融赋能,助力“三夏”生产", "东昌府区推动志愿服务与基层治理深度融合",
                                 "阳谷激励科技人才“向阳而来”"],
}


def test_seed_pages_keep_their_story_headlines():
    """Every story headline a reader sees on these pages is found (issue 3 checks the full lists)."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parent.parent / "seeds"
    for name, expected in SEED_HEADLINES.items():
        heads = [a.headline for a in segment(read_source(str(root / name)))]
        missing = [h for h in expected if h not in heads]
        assert not missing, (name, missing)
