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


@pytest.mark.parametrize("source", [
    "5G AI\n\n12345 67890\n",
    "●项目名称：城东污水处理厂扩建工程\n●建设地点：城东新区滨河路以南\n",  # a fact card alone
    "Hello world. This is plain English text, no Chinese at all.\n",
])
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
    ("□本报记者周立新", "byline"),
    ("■记者马晓东通讯员冯雪", "byline"),
    ("本报记者李明华实习生赵小雨", "byline"),
    ("文/图本报记者周立新", "byline"),
    ("记者马晓东报道", "byline"),
    ("本报全媒体记者马晓东", "byline"),
    ("（记者马晓东）", "byline"),
    ("（记者马晓东摄）", "photo"),
    ("本版照片由受访者提供", "note"),
    ("本版摄影：孙建国", "note"),
    ("图为志愿者在河畔植树。", "caption"),
    ("责任编辑：王小明", "meta"),
    ("责任编辑王小明", "meta"),
    ("来源：许昌日报", "meta"),
    ("2019-05-14 08:30", "meta"),
    ("（完）", "meta"),
    ("（上接第一版）一步一个脚印，走出了新路子。", "resumed"),
    ("记者从市卫健委获悉，今年全市将新建社区卫生服务中心。", "body"),
    ("史根治主持召开市委常委会会议", "title"),
    ("许昌人关心的，才是头条", "title"),
    ("习近平:我们要大力弘扬伟大抗疫精神,使之转化为强大力量", "title"),
    ("会议指出，要坚持稳中求进工作总基调，抓好各项工作", "body"),
    ("会议还研究了其他事项。", "body"),
    ("5G AI", "body"),
])
def test_segment_classifies_paragraphs(text, kind):
    assert paragraphs.classify(text) == kind


# a column page: a feature, three captions printed after it above a note crediting the page's
# photos, then the feature's titles and byline; a report; a photo with its own credit
COLUMN_FEATURE_WITH_CAPTIONS = """\
 春日的清晨，走进鄢陵县陈化店镇
的花木基地，一排排温室大棚整齐
排列，工人们正忙着分拣、打包、装
车，一派繁忙景象。

近年来，该镇依托花木产业优势，
大力发展设施农业，带动周边群众
在家门口就业增收。

产业链条越拉越长

“过去种花靠天吃饭，现在有了
智能大棚，一年能多收两茬。”花农
赵德华一边修剪枝条一边说。

如今，全镇花木种植面积已达三
万余亩，年产值突破十亿元，成为远
近闻名的花木强镇。

工人在温室大棚内分拣花卉。

花农赵德华在修剪枝条。

满载花木的货车驶出基地。
本版图片均由孙建国摄

“花海经济”带富一方
——鄢陵县陈化店镇发展花木产业见闻

本报记者 周立新

 本报讯（记者 马晓东 通讯员 冯雪）3 月
12 日，我市召开春季植树造林工作推进
会，安排部署全年国土绿化工作。

会议要求，各县（市、区）要压实责任，
确保完成年度造林任务。

我市部署春季植树造林工作

图为志愿者在清潩河畔植树。本报记者 钱云 摄
"""

# the same stories one paragraph per line, titles before their text, web-style bylines
LINES_FEATURE_WITH_CAPTIONS = """\
“花海经济”带富一方
——鄢陵县陈化店镇发展花木产业见闻
□本报记者 周立新
春日的清晨，走进鄢陵县陈化店镇的花木基地，一排排温室大棚整齐排列，工人们正忙着分拣、打包、装车，一派繁忙景象。
近年来，该镇依托花木产业优势，大力发展设施农业，带动周边群众在家门口就业增收。
产业链条越拉越长
“过去种花靠天吃饭，现在有了智能大棚，一年能多收两茬。”花农赵德华一边修剪枝条一边说。
如今，全镇花木种植面积已达三万余亩，年产值突破十亿元，成为远近闻名的花木强镇。
工人在温室大棚内分拣花卉。
花农赵德华在修剪枝条。
满载花木的货车驶出基地。
本版图片均由孙建国摄
我市部署春季植树造林工作
■记者 马晓东 通讯员 冯雪
3月12日，我市召开春季植树造林工作推进会，安排部署全年国土绿化工作。
会议要求，各县（市、区）要压实责任，确保完成年度造林任务。
图为志愿者在清潩河畔植树。本报记者 钱云 摄
"""

_CAPTIONED = [
    ("photo", None, "工人在温室大棚内", (), (), ("孙建国",)),
    ("photo", None, "花农赵德华在修剪", (), (), ("孙建国",)),
    ("photo", None, "满载花木的货车驶", (), (), ("孙建国",)),
]


@pytest.mark.parametrize("source, report_kind", [(COLUMN_FEATURE_WITH_CAPTIONS, "news"),
                                                 (LINES_FEATURE_WITH_CAPTIONS, "feature")],
                         ids=["columns", "paragraph_lines"])
def test_segment_captions_after_a_feature_are_photos_the_page_note_credits(source, report_kind):
    """The captions leave the feature's text (its subhead and its last, longer paragraph stay),
    each a photo by whom `本版图片均由X摄` names; the next report keeps its titles and byline."""
    items = items_of(source)
    feature, report = items[0], items[4]
    assert [summary(i) for i in items] == [
        ("feature", "“花海经济”带富一方", "春日的清晨，走进", ("周立新",), (), ()),
        *_CAPTIONED,
        (report_kind, "我市部署春季植树造林工作", report.text[:8], ("马晓东",), ("冯雪",), ()),
        ("photo", None, "图为志愿者在清潩", (), (), ("钱云",)),
    ]
    assert feature.decks == ("——鄢陵县陈化店镇发展花木产业见闻",)
    assert "产业链条越拉越长" in feature.text and feature.text.endswith("成为远近闻名的花木强镇。")
    assert report.text.endswith("确保完成年度造林任务。")


# one paragraph per line in a PDF's reading order with no report lead to vote on the order:
# the page opens with text and ends with a title, so titles come after their text
LINES_TITLES_AFTER_NO_LEADS = """\
春日的清晨，走进鄢陵县陈化店镇的花木基地，一排排温室大棚整齐排列。
近年来，该镇依托花木产业优势，大力发展设施农业，带动群众增收。
工人在温室大棚内分拣花卉。
满载花木的货车驶出基地。
本版图片均由孙建国摄
“花海经济”带富一方
本报记者 周立新
（上接第一版）走进城东社区的老年食堂，饭菜香气扑鼻，老人们有说有笑。
据介绍，该食堂由社区和爱心企业共同运营，每天为一百多位老人提供午餐。
社区食堂让老人吃得舒心
"""


def test_segment_paragraph_lines_without_leads_take_the_order_from_the_page_edges():
    items = items_of(LINES_TITLES_AFTER_NO_LEADS)
    assert [summary(i)[:4] for i in items] == [
        ("feature", "“花海经济”带富一方", "春日的清晨，走进", ("周立新",)),
        ("photo", None, "工人在温室大棚内", ()),
        ("photo", None, "满载花木的货车驶", ()),
        ("other", "社区食堂让老人吃得舒心", "（上接第一版）走", ()),
    ]


@pytest.mark.parametrize("note, names", [
    ("本版图片均由孙建国摄", ("孙建国",)),
    ("本版照片由孙建国 钱云提供", ("孙建国", "钱云")),
    ("本版图片除署名外均由本报记者钱云摄", ("钱云",)),
    ("本版摄影：欧阳明远", ("欧阳明远",)),
    ("本版摄影 孙建国 钱云", ("孙建国", "钱云")),
    ("本版照片由受访者提供", ()),
    ("本版图片由市文化广电和旅游局提供", ()),
])
def test_segment_page_note_credits_photos_printed_without_credit(note, names):
    source = ("本报讯（记者 马晓东）3月12日，我市召开春季植树造林工作推进会，安排部署全年国土绿化工作。\n"
              f"图为志愿者在清潩河畔植树。\n{note}\n")
    items = items_of(source)
    assert [(i.kind, i.photographers) for i in items] == [("news", ()), ("photo", names)]


@pytest.mark.parametrize("byline, reporters, correspondents, photographers", [
    ("□本报记者 周立新", ("周立新",), (), ()),
    ("■记者 马晓东 通讯员 冯雪", ("马晓东",), ("冯雪",), ()),
    ("本报记者 李明华 实习生 赵小雨", ("李明华",), ("赵小雨",), ()),
    ("文/图 本报记者 周立新", ("周立新",), (), ("周立新",)),
    ("本报记者 周立新 文/图", ("周立新",), (), ("周立新",)),
    ("记者 马晓东 报道", ("马晓东",), (), ()),
    ("本报记者 马晓东 摄影报道", ("马晓东",), (), ("马晓东",)),
    ("本报全媒体记者 马晓东 钱云", ("马晓东", "钱云"), (), ()),
])
def test_segment_web_style_bylines(byline, reporters, correspondents, photographers):
    source = (f"社区食堂让老人吃得舒心\n{byline}\n"
              "清晨七点，城东社区的老年食堂已经飘出饭菜香。\n据介绍，该食堂每天为一百多位老人提供午餐。\n")
    (item,) = items_of(source)
    assert (item.reporters, item.correspondents, item.photographers) == (reporters, correspondents, photographers)


BODY = ("清晨七点，城东社区的老年食堂已经飘出饭菜香。\n"
        "“一顿饭只要五块钱，荤素搭配，比自己做还方便。”今年七十六岁的王大爷说。\n")
MORE = "据介绍，该食堂由社区和爱心企业共同运营，目前每天为一百多位老人提供午餐。\n"
WRAPPED = ("社区食堂让老人吃得舒心\n\n清晨七点，城东社区的老年食堂已经飘出饭菜香，前来就餐\n的老人陆续走进食堂，"
           "一顿饭只要五块钱，荤素搭配，比\n自己做还方便。\n\n据介绍，该食堂由社区和爱心企业共同运营，目前每天为\n"
           "一百多位老人提供午餐。\n")
WIRE = "新华社北京１月１日电　国务院新闻办公室今天发表白皮书，全面介绍社会保障事业的发展成就。\n"


@pytest.mark.parametrize("source, kind, headline, reporters, end", [
    ("社区食堂让老人吃得舒心\n" + BODY + MORE, "feature", "社区食堂让老人吃得舒心", (), "提供午餐。"),
    (BODY + MORE, "feature", None, (), "提供午餐。"),  # paragraphs only
    (BODY + "价格实惠\n" + MORE + "下一步\n社区还将开设送餐上门服务。\n", "feature", None, (), "送餐上门服务。"),
    ("社区食堂让老人吃得舒心\n——城东社区老年食堂见闻\n□本报记者 李明华\n" + BODY + "服务贴心\n" + MORE,
     "feature", "社区食堂让老人吃得舒心", ("李明华",), "提供午餐。"),
    (WRAPPED, "feature", "社区食堂让老人吃得舒心", (), "提供午餐。"),  # lines wrapped like columns
    ("本报讯（记者 李明华）" + BODY + MORE, "news", None, ("李明华",), "提供午餐。"),
    (WIRE, "wire", None, (), "发展成就。"),
    ("记者从市卫健委获悉，今年全市将新建社区卫生服务中心十二个。\n", "feature", None, (), "十二个。"),
    (BODY + MORE + "（记者 李明华）\n", "feature", None, ("李明华",), "提供午餐。"),  # the byline closing the text
    ("社区食堂让老人吃得舒心\n来源：许昌日报\n2019-05-14 08:30\n" + BODY + MORE + "（完）\n责任编辑：王小明\n",
     "feature", "社区食堂让老人吃得舒心", (), "提供午餐。"),  # copied from a web page
    ("●" + BODY + MORE, "feature", None, (), "提供午餐。"),  # a bulleted paragraph: body, not a fact label
], ids=["headline", "paragraphs", "subheads", "byline", "wrapped", "lead", "wire", "one_sentence", "closing_byline",
        "web_page", "bulleted"])
def test_segment_plain_article_text_is_one_item(source, kind, headline, reporters, end):
    (item,) = items_of(source)
    assert (item.kind, item.headline, item.reporters) == (kind, headline, reporters)
    assert item.text.endswith(end) and (headline is None or headline not in item.text)


# column text with no note: captions printed on one line, wider than the columns, before the titles
COLUMN_WIDE_CAPTIONS = """\
 春日的清晨，走进鄢陵县陈化店镇
的花木基地，一排排温室大棚整齐
排列，工人们正忙着分拣、打包、装
车，一派繁忙景象。

如今，全镇花木种植面积已达三
万余亩，年产值突破十亿元，成为远
近闻名的花木强镇。

工人们在陈化店镇的温室大棚内分拣刚刚采摘的鲜切花卉。

满载花木的货车从基地出发驶往全国各地的花卉市场。

“花海经济”带富一方

本报记者 周立新
"""

# one paragraph per line, the note printed above the captions it credits
LINES_NOTE_ABOVE_CAPTIONS = """\
“花海经济”带富一方
□本报记者 周立新
春日的清晨，走进鄢陵县陈化店镇的花木基地，一排排温室大棚整齐排列，一派繁忙景象。
如今，全镇花木种植面积已达三万余亩，年产值突破十亿元，成为远近闻名的花木强镇。
本版图片均由孙建国摄
工人在温室大棚内分拣花卉。
满载花木的货车驶出基地。
我市部署春季植树造林工作
■记者 马晓东
3月12日，我市召开春季植树造林工作推进会，安排部署全年国土绿化工作。
"""


@pytest.mark.parametrize("source, photographers", [(COLUMN_WIDE_CAPTIONS, ()), (LINES_NOTE_ABOVE_CAPTIONS, ("孙建国",))],
                         ids=["wide_lines_in_columns", "note_above"])
def test_segment_captions_found_by_where_they_stand(source, photographers):
    items = items_of(source)
    assert [summary(i)[:4] for i in items][:3] == [
        ("feature", "“花海经济”带富一方", "春日的清晨，走进", ("周立新",)),
        ("photo", None, items[1].text[:8], ()),
        ("photo", None, items[2].text[:8], ()),
    ]
    assert items[0].text.endswith("花木强镇。") and items[1].text.endswith("花卉。")
    assert [i.photographers for i in items[1:3]] == [photographers] * 2
