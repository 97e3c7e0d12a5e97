"""Issue 3: every seed page splits into the articles a careful reader sees; re-encoded pages read the same;
bad inputs are reported on one line and never stop the other files."""

from pathlib import Path

import pytest

from kg.model import Source
from kg.pipeline import extract_inputs
from kg.read import MAX_BYTES, read_source
from kg.segment import segment

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

# (kind, headline, sub-headline, reporters, correspondents, date), in page order, as a reader sees them.
# 003: the 今日导读 entries printed under the photo are no articles; 004: the first title is printed on two
# lines ("“十四五”以来聊城" / "淘汰落后产能企业165家"); datelines only where a sentence opens with a date.
EXPECTED = {
    "000_86fc442ea4b7cf66.txt": [
        ('commentary', '用绿色低碳绘就高质量发展底色', '', ('张颖',), (), None),
        ('story', '“莘情政企直通车”开进商会', '', ('苑莘',), (), '2023-07-07'),
        ('story', '当好桥梁纽带 服务高质量发展', '市工商联', ('张颖',), (), None),
        ('story', '我市两家企业获评中国棉纺织行业优良发展型企业', '', ('尹腾淑',), (), '2023-07-10'),
        ('story', '聊城企业家门口直接报关“出海”', '全省首班“海铁联运”出口专列开行', ('吕晓磊', '马永伟'), ('程源',), '2023-07-09'),
        ('story', '茌平区推行企业“集群注册”登记模式', '', (), ('尉鲁杰',), None),
        ('caption', '', '', ('夏旭光',), ('赫鹏',), None),
    ],
    "001_afca7ecd8f3a5fce.txt": [
        ('story', '“绿色问诊”开良方', '——我市在全省率先开展工业绿色诊断服务', ('尹腾淑',), (), None),
        ('story', '全市统战部长会议召开', '', ('林金彦',), (), '2023-02-20'),
        ('story', '刘文强带队督导调研重大民生项目建设情况', '', ('赵宗锋',), (), '2023-02-20'),
        ('story', '聊城打造县域智慧金融平台雁阵集群', '', ('尹腾淑',), (), '2023-02-18'),
        ('story', '高唐县十二大新突破推动蝶变崛起', '', ('夏旭光',), (), '2023-02-17'),
        ('story', '高新区发起招商引资新春攻势', '', ('曹天伟',), (), None),
        ('story', '', '', (), (), '2023-02-16'),
        ('story', '赵美涛:八年驻村情 一颗为民心', '', ('岳耀军',), (), None),
    ],
    "002_08d67456162df1b8.txt": [
        ('story', '我市扎实开展化工行业安全生产整治提升专项行动', '', ('林金彦',), (), '2023-06-24'),
        ('story', '山东省第四届“两红两传”学术研讨会在我市举办', '', ('朱海波',), (), '2023-06-24'),
        ('story', '聊城打造优质企业“热带雨林”', '', ('赵宏磊',), (), None),
        ('caption', '', '', ('郝川',), ('赵寰',), '2023-06-21'),
        ('story', '当好营商环境“护航人”', '推行“123”工作法，茌平区纪委监委——', (), ('方丽',), None),
        ('story', '前5个月我市进出口同比增长16.4%', '', (), ('李阳',), None),
        ('story', '筑牢高质量发展“压舱石”', '——我市以现代化产业体系塑造发展新动能', ('赵宏磊',), (), None),
        ('story', '全市学习贯彻习近平总书记文化传承发展座谈会重要讲话精神专题会议召开', '', ('李政哲',), (), '2023-06-25'),
        ('story', '我市部署推进乡村文化振兴暨移风易俗工作', '', ('苑莘',), (), '2023-06-25'),
    ],
    "003_abbdf8093c94500e.txt": [
        ('story', '聊城智慧金融服务平台注册用户突破 17 万', '', ('尹腾淑',), (), '2022-12-19'),
        ('story', '要素跟着项目走 服务围着产业转', '我市打造要素保障“聊城样板”', ('张琪',), (), '2022-12-22'),
        ('story', '莘县14个省重点项目提前完成年度投资计划', '', ('王军豪',), (), '2022-12-20'),
        ('caption', '漂浮电站 绿色低碳', '', ('张振祥', '张士新', '马灵欣'), (), '2022-12-21'),
        ('story', '劈波斩浪稳驭舟', '——我市推进经济社会高质量发展述评（上）', ('曹天伟',), (), None),
        ('story', '驱动创新链 壮大产业链', '高新区', ('林晨',), ('贾明鑫',), '2022-12-20'),
    ],
    "004_d5c89314d73c2274.txt": [
        ('story', '“十四五”以来聊城淘汰落后产能企业165家', '', ('薛良诚',), ('李绍远',), '2025-06-18'),
        ('story', '前5个月全市外贸 进出口总值同比增长40.5%', '', ('孙亚飞',), (), '2025-06-17'),
        ('story', '筑牢防汛“安全堤” 打好汛期“主动仗”', '', ('高田',), (), None),
        ('story', '聊城开发区支持企业经营范围“自主公示”', '', ('孙亚飞',), ('常文欣',), '2025-06-16'),
        ('story', '聆听工匠故事 弘扬劳模精神', '', ('高田',), (), '2025-06-19'),
        ('story', '涉企执法“课堂抽查”,局长现场作答', '', ('胡磊', '薛良诚'), (), '2025-06-19'),
        ('story', '葡萄“串”起富民链', '', ('高田',), ('赵玉国', '王昕'), '2025-06-20'),
        ('story', '金融赋能,助力“三夏”生产', '', ('薛良诚',), ('司学兵',), None),
        ('story', '东昌府区推动志愿服务与基层治理深度融合', '', ('高田',), ('张晓明', '周家伟'), '2025-06-19'),
        ('story', '阳谷激励科技人才“向阳而来”', '', ('孙亚飞',), ('刘逸飞', '马彩霞'), '2025-06-17'),
    ],
}


def _row(a):
    return (a.kind, a.headline, a.subheadline, a.byline.reporters, a.byline.correspondents, a.date)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_page_articles(name):
    arts = segment(read_source(str(SEEDS / name)))
    assert [_row(a) for a in arts] == EXPECTED[name]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig"])
def test_reencoded_seeds_give_identical_articles_and_offsets(tmp_path, encoding):
    for name in sorted(EXPECTED):
        original = read_source(str(SEEDS / name))
        path = tmp_path / name
        path.write_bytes(original.text.encode(encoding))
        again = read_source(str(path))
        assert again.text == original.text
        ours = [(_row(a), a.start, a.end) for a in segment(again)]
        theirs = [(_row(a), a.start, a.end) for a in segment(original)]
        assert ours == theirs
        for a in segment(again):
            assert again.text[a.start:a.end].strip()


def test_photo_captions_are_articles_with_photographers():
    arts = segment(read_source(str(SEEDS / "002_08d67456162df1b8.txt")))
    caption = [a for a in arts if a.kind == "caption"][0]
    assert caption.byline.photographers == ("郝川", "赵寰")


def test_page_furniture_is_no_article():
    page = "今 日 导 读\n\n时政动态\n\n本报讯（记者 王明）3月5日，全市会议召开。\n\n全市会议召开\n"
    arts = segment(Source("p.txt", page, "utf-8"))
    assert [a.headline for a in arts] == ["全市会议召开"]
    assert page[arts[0].start:].startswith("本报讯")


def test_a_page_without_any_marker_is_one_article():
    page = "城市的夜晚很安静。\n\n人们在公园散步，孩子们在玩耍。\n"
    arts = segment(Source("p.txt", page, "utf-8"))
    assert len(arts) == 1 and (arts[0].start, arts[0].end) == (0, len(page.rstrip("\n")))


def test_year_from_date_option_and_partial_dates():
    page = "本报讯（记者 王明）3月5日，全市会议召开。\n"
    assert segment(Source("p.txt", page, "utf-8"), date="2021-03-06")[0].date == "2021-03-06"
    assert segment(Source("p.txt", page, "utf-8"))[0].date == "--03-05"
    assert segment(Source("2019-03-06-page.txt", page, "utf-8"))[0].date == "2019-03-05"


def test_bad_inputs_each_one_line_and_the_rest_processed(tmp_path):
    (tmp_path / "a_good.txt").write_text("本报讯（记者 王明）3月5日，全市会议召开。\n", encoding="utf-8")
    (tmp_path / "b_empty.txt").write_bytes(b"")
    (tmp_path / "c_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    (tmp_path / "d_undecodable.txt").write_bytes(bytes(range(0x80, 0x100)) * 20)
    big = tmp_path / "e_big.txt"
    with open(big, "wb") as f:  # a sparse 200 MB file: never read into memory
        f.truncate(200 * 1024 * 1024)
    errors: list[str] = []
    docs = extract_inputs([str(tmp_path)], errors=errors)
    assert [Path(d.source.path).name for d in docs] == ["a_good.txt"]
    assert [e.split(": ", 1)[0] for e in errors] == [str(tmp_path / n) for n in
                                                     ("b_empty.txt", "c_binary.txt", "d_undecodable.txt", "e_big.txt")]
    assert all("\n" not in e for e in errors)
    assert "too large" in errors[3] and str(MAX_BYTES // 2**20) in errors[3]


def test_a_folder_with_thousands_of_files(tmp_path):
    for i in range(2000):
        (tmp_path / f"{i:04d}.txt").write_text(f"第{i}页。\n", encoding="utf-8")
    from kg.read import iter_inputs

    paths = list(iter_inputs([str(tmp_path)]))
    assert len(paths) == 2000 and paths == sorted(paths)


def test_other_extensions_with_glob_and_stdin(tmp_path, monkeypatch):
    import io

    (tmp_path / "page.html.txt").write_text("x", encoding="utf-8")
    (tmp_path / "page.news").write_text("本报讯（记者 王明）3月5日，全市会议召开。", encoding="utf-8")
    docs = extract_inputs([str(tmp_path)], glob="*.news")
    assert [Path(d.source.path).name for d in docs] == ["page.news"]
    data = "本报讯（记者 王明）3月5日，全市会议召开。".encode("gb18030")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    source = read_source("-")
    assert source.encoding == "gb18030" and source.text.startswith("本报讯")
