"""Segmentation into items: small synthetic pages in the layouts the paper comes in."""
from __future__ import annotations

import pytest

from kb.model import Item, Page
from kb.stages import bylines, dates, normalize, paragraphs, segment

from conftest import SEEDS


def page_of(source: str, page_id: str = "test") -> Page:
    text, offsets = normalize.normalize(source)
    year, evidence = dates.infer_year(page_id, text)
    return Page(page_id, page_id + ".txt", source, text, offsets, "0" * 64, "utf-8", year, evidence)


def items_of(source: str, page_id: str = "test") -> tuple[Item, ...]:
    return segment.segment(page_of(source, page_id))


def summary(item: Item) -> tuple:
    return (item.kind, item.headline, item.text[:8], item.reporters, item.correspondents,
            item.photographers)


# text extracted from page columns: titles printed after their body
COLUMNS = """\
 本报讯（记者 石冠兵 高伟山）12
月 23 日，中国·许昌第三届 5G 泛在峰
会开幕，业界专家嘉宾齐聚许昌，共同
研讨 5G 赋能产业高质量发展的新思
维、新趋势、新路径。

副市长赵淑红主持开幕式，市长史根治
致辞并宣布峰会开幕。（下转第二版）

中国·许昌第三届 5G 泛在峰会开幕
张平宋灵恩史根治等出席

·工业互联网等领域 7个项目成功签约

本报讯（记者 杨红卫 通讯员 李明）12 月 23
日，市政协主席刘保新到襄城县库庄
镇开展主题活动，听取代表依法履职、
联系群众、生产生活等情况。

刘保新在库庄镇调研时强调

牢固树立代表意识和履职意识

图为峰会开幕式现场。本报记者 牛书培 摄

11 月 1 日，市民在市区清潩河游园拍照
游玩，市民文明素养不断提升，城市面
貌焕然一新，游人如织。

本报记者 乔利峰 摄

新华社北京 11 月 1 日电 记者 11
月 1 日从中国南水北调集团有限公司
了解到，南水北调中线工程年度调水
创历史新高，生态环境持续改善。

南水北调中线工程
年度调水创新高
 赵文峰出席全市优化营商环境工作推进会

王自合为全市宣传思想文化系统增强
“四力”培训班作首场辅导报告
 我市学生有序入学我市学生有序入学 本报记者本报记者 乔利峰乔利峰 摄摄 医生全力救治 资料图片
"""


def test_segment_column_text_with_titles_after_bodies():
    items = items_of(COLUMNS)
    assert [summary(i) for i in items] == [
        ("news", "中国·许昌第三届5G泛在峰会开幕", "本报讯（记者石冠", ("石冠兵", "高伟山"), (), ()),
        ("news", "牢固树立代表意识和履职意识", "本报讯（记者杨红", ("杨红卫",), ("李明",), ()),
        ("photo", None, "图为峰会开幕式现", (), (), ("牛书培",)),
        ("photo", None, "11月1日，市民", (), (), ("乔利峰",)),
        ("wire", "南水北调中线工程年度调水创新高", "新华社北京11月", (), (), ()),
        ("teaser", "赵文峰出席全市优化营商环境工作推进会", "", (), (), ()),
        ("teaser", "王自合为全市宣传思想文化系统增强“四力”培训班作首场辅导报告", "", (), (), ()),
        ("photo", None, "我市学生有序入学", (), (), ("乔利峰",)),
        ("photo", None, "医生全力救治", (), (), ()),
    ]
    first, second = items[0], items[1]
    assert first.decks == ("张平宋灵恩史根治等出席", "·工业互联网等领域7个项目成功签约")
    assert first.continuations == ("下转第二版",)
    assert first.text.endswith("宣布峰会开幕。")
    assert second.decks == ("刘保新在库庄镇调研时强调",)
    assert (first.dateline, first.date) == ("12月23日", "--12-23")


# one paragraph per line, half-width punctuation: titles printed before their body
PARAGRAPHS = """\
史根治主持召开市委常委会会议
研究部署近期重点工作
(记者 石冠兵)5月14日上午,市委书记史根治主持召开市委常委会会议,传达学习有关会议精神。
会议指出,要坚持稳中求进工作总基调,抓好各项工作。
刘涛到建安区调研
本报记者 王利辉
5月14日,市长刘涛到建安区调研,察看项目建设情况。
他强调,要加快项目建设,2022年底前全部投产。
图为调研现场。本报记者 乔利峰 摄
"""


def test_segment_paragraph_lines_with_titles_before_bodies():
    items = items_of(PARAGRAPHS, "xcrb_2022-05-15_01")
    assert [summary(i) for i in items] == [
        ("news", "史根治主持召开市委常委会会议", "(记者石冠兵)5", ("石冠兵",), (), ()),
        ("feature", "刘涛到建安区调研", "5月14日,市长", ("王利辉",), (), ()),
        ("photo", None, "图为调研现场。", (), (), ("乔利峰",)),
    ]
    assert items[0].decks == ("研究部署近期重点工作",)
    assert items[0].date == "2022-05-14"
    assert items[1].text.endswith("全部投产。")


# one paragraph per line in a PDF's reading order: titles still printed after their body
PARAGRAPHS_TITLES_AFTER = """\
本报讯（记者 石冠兵）5月14日，市委书记史根治主持召开市委常委会会议，研究部署近期重点工作。
会议指出，要坚持稳中求进工作总基调，抓好各项工作。
史根治主持召开市委常委会会议
本报讯（记者 王利辉）5月14日，市长刘涛到建安区调研，察看项目建设情况。
他强调，要加快项目建设，确保按期投产。
刘涛到建安区调研项目建设
本报讯（记者 高伟山）5月15日，市人大常委会主任王堃到鄢陵县调研花木产业发展情况。
王堃调研花木产业
图为调研现场。本报记者 乔利峰 摄
丁同民陪同省村（社区）“两委”换届
工作指导组调研
习近平：我们要在全社会大力弘扬伟大抗疫精神，使之转化为全面建设社会主义现代化国家的强大力量
"""


def test_segment_paragraph_lines_with_titles_after_bodies():
    """Titles share words with the opening of the body they head: that tells their order; a
    wrapped title ends where a longer line follows its short last line."""
    items = items_of(PARAGRAPHS_TITLES_AFTER)
    assert [summary(i)[:3] for i in items] == [
        ("news", "史根治主持召开市委常委会会议", "本报讯（记者石冠"),
        ("news", "刘涛到建安区调研项目建设", "本报讯（记者王利"),
        ("news", "王堃调研花木产业", "本报讯（记者高伟"),
        ("photo", None, "图为调研现场。"),
        ("teaser", "丁同民陪同省村（社区）“两委”换届工作指导组调研", ""),
        ("teaser", "习近平：我们要在全社会大力弘扬伟大抗疫精神，使之转化为全面建设社会主义现代化国家的强大力量", ""),
    ]


@pytest.mark.parametrize("source", [COLUMNS, PARAGRAPHS, PARAGRAPHS_TITLES_AFTER, *(p.read_text(encoding="utf-8") for p in
                                                            sorted(SEEDS.glob("*.txt")))])
def test_segment_items_keep_the_model_invariants(source):
    page = page_of(source)
    items = segment.segment(page)
    assert items and [i.index for i in items] == list(range(len(items)))
    for item in items:
        assert item.text == page.text[item.body_start:item.body_end]
        assert item.start <= item.body_start <= item.body_end <= item.end
        titles = [page.text[a:b].replace("\n", "") for a, b in item.title_spans]
        assert titles == ([item.headline] if item.headline else []) + list(item.decks)
        assert item.kind in ("news", "wire", "feature", "photo", "teaser", "other")


@pytest.mark.parametrize("printed, names", [
    ("石冠兵 高伟山", ["石冠兵", "高伟山"]),
    ("王 利 辉 高 伟 山 李 新 付 家\n宝", ["王利辉", "高伟山", "李新", "付家宝"]),
    ("王利辉高伟山", ["王利辉", "高伟山"]),
    ("乔利峰乔利峰", ["乔利峰"]),
    ("欧阳明远、张辉", ["欧阳明远", "张辉"]),
    ("李平安高明华", ["李平安", "高明华"]),  # also 李平|安高|明华 by surnames: names of three win
    ("端木清张辉", ["端木清", "张辉"]),  # compound surnames come from the one surname list
])
def test_segment_byline_names_split(printed, names):
    assert bylines.split_names(printed) == names


def test_segment_masthead_box_at_the_top_of_a_column_page():
    source = (" 有趣有料又靠谱\n\n“许昌日报”\n微信公众平台\n\n微信公众平台矩阵\n\n"
              "本报讯（记者 高伟山）4 月 8 日，市\n委书记史根治主持召开市委常委会会\n"
              "议，研究我市项目推进和疫情防控等\n工作，部署下一步重点任务。\n\n史根治主持召开市委常委会会议\n")
    items = items_of(source)
    assert [(i.kind, i.headline) for i in items] == [
        ("other", "微信公众平台矩阵"), ("news", "史根治主持召开市委常委会会议")]


# one paragraph per line with blank lines between: wire copy with a byline, a photo, bulleted teasers
SPACED = """\
南水北调中线工程年度调水创新高

新华社北京11月1日电（记者 张三 李四）南水北调中线工程10月31日结束年度调水任务。

据了解,今年调水量创历史新高,生态环境持续改善。

图为调水现场。新华社记者 王五 通讯员 赵六 摄

·我市召开安全生产会议
·刘涛调研项目建设
"""


def test_segment_spaced_paragraphs_wire_photo_and_teaser_list():
    items = items_of(SPACED)
    assert [summary(i) for i in items] == [
        ("wire", "南水北调中线工程年度调水创新高", "新华社北京11月", ("张三", "李四"), (), ()),
        ("photo", None, "图为调水现场。", (), (), ("王五", "赵六")),
        ("teaser", "·我市召开安全生产会议", "", (), (), ()),
        ("teaser", "·刘涛调研项目建设", "", (), (), ()),
    ]
    assert items[0].text.endswith("生态环境持续改善。") and items[0].dateline == "11月1日"


@pytest.mark.parametrize("source", ["天气晴朗，温度适宜。" * 3, "5G AI\n\n12345 67890\n"])
def test_segment_finds_no_article_in_text_that_is_not_a_page(source):
    assert items_of(source) == ()


@pytest.mark.parametrize("text, kind", [
    ("本报讯（记者石冠兵）12月23日，峰会开幕。", "lead"),
    ("许昌日报讯（记者张三）5月14日，市长调研。", "lead"),
    ("(记者石冠兵)5月14日上午,市委书记主持会议。", "lead"),
    ("新华社北京11月1日电记者从集团了解到。", "lead"),
    ("据新华社北京5月14日电国务院召开常务会议。", "lead"),
    ("图为峰会开幕式现场。本报记者牛书培摄", "photo"),
    ("图为调研现场。（李四摄）", "photo"),
    ("习近平会见外宾。（新华社发）", "photo"),
    ("医生全力对患者进行救治资料图片", "photo"),
    ("本报记者张辉", "byline"),
    ("（下转第六版）", "cont"),
    ("本版图片均由姚伟涛摄", "note"),
    ("●项目地址", "fact"),
    ("·许昌市5G创新应用开放实验室揭牌", "bullet"),
    ("担当——非常时刻彰显力量", "subhead"),
    ("史根治主持召开市委常委会会议", "title"),
    ("许昌人关心的，才是头条", "title"),
    ("习近平:我们要大力弘扬伟大抗疫精神,使之转化为强大力量", "title"),
    ("会议指出，要坚持稳中求进工作总基调，抓好各项工作", "body"),
    ("会议还研究了其他事项。", "body"),
    ("5G AI", "body"),
])
def test_segment_classifies_paragraphs(text, kind):
    assert paragraphs.classify(text) == kind
