"""Places on invented text (the divisions named are real): known places without a suffix,
containment from the divisions' hierarchy (and never a guess between namesakes), countries and
world places, regions, and the left edge of a name (no preposition or conjunction glued on,
共和国 whole)."""
from __future__ import annotations

import pytest

from kb.config import resolve
from kb.stages import divisions

from entities_helpers import DEFAULT, run

HEBEI = resolve({}, environ={"KB_CITY": "石家庄市", "KB_PROVINCE": "河北省"})


def mentioned(text: str, settings=DEFAULT) -> set[str]:
    """The places the text names (not the containers the KB adds for them)."""
    return {m.name for m in run(text, settings)[0] if m.kind == "place"}


def containment(text: str, settings=DEFAULT) -> dict[str, str | None]:
    """Every place entity of the page -> what it lies in (None: not stated)."""
    return {e.name: dict(e.facts).get("containedIn") for e in run(text, settings)[1] if e.kind == "place"}


KNOWN_WITHOUT_SUFFIX = [
    ("河南与湖北签署合作协议。", {"河南", "湖北"}),  # provinces by their short forms
    ("他从郑州出发，途经洛阳、开封。", {"郑州", "洛阳", "开封"}),  # prefecture cities by theirs
    ("代表团到郏县和叶县考察。", {"郏县", "叶县"}),  # counties by their full names, two characters too
    ("牧民来自鄂托克旗。", {"鄂托克旗"}),  # a banner: no suffix rule knows 旗
    ("许昌市禹州市是钧瓷之都。", {"许昌", "禹州市"}),  # a county-level city keeps its full name
    ("实现世界大同的理想。", set()),  # 大同 the word, not the city
    ("这里日照时间较长。", set()),  # 日照 the sunshine
    ("确保社会长治久安。", set()),
]


@pytest.mark.parametrize("text, expected", KNOWN_WITHOUT_SUFFIX)
def test_places_known_divisions_found_without_suffix(text, expected):
    assert mentioned(text) == expected


HIERARCHY = [
    ("他到禹州市调研。", "禹州市", "许昌"),  # a county in its city
    ("他到库庄镇调研。", "库庄镇", "襄城县"),  # a town in its county, though no county is printed
    ("他到郑州市参会。", "郑州", "河南"),  # a city in its province
    ("他来自河南省。", "河南", "中国"),  # a province in the country
    ("他在纽约访问。", "纽约", "美国"),  # a world city in its country
    ("西许村的村民。", "西许村", "张桥镇"),  # a village of the home city in its town
    ("灵井镇东湖村的村民。", "东湖村", "灵井镇"),  # a place the data lacks: the printed chain
    # rjieba glues a town's suffix to the village's first character (大周|镇白|南村, 石象|镇白|南村)
    ("市农业局驻禹州市大周镇白南村第一书记走访农户。", "白南村", "大周镇"),
    ("市农业局驻禹州市石象镇白南村第一书记走访农户。", "石象镇", "禹州市"),
]


@pytest.mark.parametrize("text, place, parent", HIERARCHY)
def test_places_contained_in_division_above(text, place, parent):
    assert containment(text)[place] == parent


def test_places_every_container_is_stated_up_to_the_country():
    """The KB states containment for every place it has: the containers the page does not print
    are entities of the page (never mentions), each in the one above."""
    assert mentioned("他到库庄镇调研。") == {"库庄镇"}
    assert containment("他到库庄镇调研。") == {"库庄镇": "襄城县", "襄城县": "许昌", "许昌": "河南", "河南": "中国",
                                               "中国": None}


NAMESAKES = [
    ("他在朝阳区工作。", DEFAULT, "朝阳区", None),  # Beijing's or Changchun's: not guessed
    ("他在长春市朝阳区工作。", DEFAULT, "朝阳区", "长春"),  # the printed chain decides
    ("他在北京市朝阳区工作。", DEFAULT, "朝阳区", "北京"),
    ("东城区开展活动。", DEFAULT, "东城区", None),  # one in the data, but a local paper's may be its own
    ("北京东城区，东城区开展活动。", DEFAULT, "东城区", "北京"),  # a chain elsewhere on the page decides
    ("新华区开展活动。", DEFAULT, "新华区", "平顶山"),  # the one in the home province
    ("新华区开展活动。", HEBEI, "新华区", "石家庄"),  # two in 河北: the one in the home city
    ("城关镇开展活动。", HEBEI, "城关镇", None),  # many, none in the home city or province
    ("霍庄村的村民。", DEFAULT, "霍庄村", None),  # two in the home city
    ("灵井镇霍庄村的村民。", DEFAULT, "霍庄村", "灵井镇"),
    ("魏都区孙庄社区的居民。", DEFAULT, "孙庄社区", "七里店街道"),  # three: the one in 魏都区, in its town
]


@pytest.mark.parametrize("text, settings, place, parent", NAMESAKES)
def test_places_namesakes_resolved_only_by_chain_or_home(text, settings, place, parent):
    assert containment(text, settings)[place] == parent


WORLD = [
    ("庆祝中华人民共和国成立73周年。", {"中国"}),  # not cut at 和
    ("白俄罗斯共和国总统访华。", {"白俄罗斯", "中国"}),  # 华 of 访华 is China
    ("美利坚合众国和朝鲜民主主义人民共和国。", {"美国", "朝鲜"}),
    ("他到过伦敦、巴黎和东京。", {"伦敦", "巴黎", "东京"}),
    ("产品销往东南亚和欧美。", {"东南亚", "欧美"}),
    ("长三角、珠三角和粤港澳大湾区协同发展。", {"长三角", "珠三角", "粤港澳大湾区"}),
    ("亚太地区经济复苏，中原城市群加快建设。", {"亚太", "中原城市群"}),
    ("中东地区局势紧张。", {"中东"}),
    ("周围地区和部分地区。", set()),  # 地区 after a word that says no which
    ("中非合作论坛召开。", set()),  # 中非 is China and Africa here
    ("家住米兰小区。", {"米兰小区"}),  # an estate named for Milan is not Milan
]


@pytest.mark.parametrize("text, expected", WORLD)
def test_places_countries_cities_and_regions(text, expected):
    assert mentioned(text) == expected


def test_places_republic_not_cut_at_he():
    names = {e.name for e in run("庆祝中华人民共和国成立，白俄罗斯共和国代表出席。")[1]}
    assert not any(name.startswith(("和", "国")) or name.endswith("共") for name in names)


GLUE = [
    ("要求各村及王庄村做好准备。", {"王庄村"}),
    ("乡亲们和王庄村的群众一起。", {"王庄村"}),
    ("他说，在汝南县的群众都很满意。", {"汝南县"}),
    ("他说，经王岗镇的群众都很满意。", {"王岗镇"}),  # rjieba reads 经王|岗|镇
    ("车队沿柳河村一路向东。", {"柳河村"}),
    ("他并与李楼村的干部座谈。", {"李楼村"}),
    ("和平街道组织活动。", {"和平街道"}),  # names that start with such a character keep it
    ("他到将官池镇调研。", {"将官池镇"}),
]


@pytest.mark.parametrize("text, expected", GLUE)
def test_places_no_preposition_or_conjunction_glued_on(text, expected):
    assert mentioned(text) == expected


def test_divisions_hierarchy_from_the_package_data():
    (town,) = divisions.lookup("库庄镇")
    assert (town.level, town.above) == ("town", ("襄城县", "许昌", "河南", "中国"))
    assert [d.name for d in divisions.lookup("许昌市")] == ["许昌"]
    assert len(divisions.lookup("朝阳区")) == 2
    assert [d.above[0] for d in divisions.villages("许昌市")["白南村"]] == ["花石镇"]
