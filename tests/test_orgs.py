"""Organizations: suffix names, local short forms expanded with the configured city, bodies."""
from __future__ import annotations

import pytest

from kb.config import resolve
from entities_helpers import entity, names

ORGS = [
    # (text, expected organizations)
    ("由北京工业大学、华信电子有限公司共同主办。", {"北京工业大学", "华信电子有限公司"}),
    ("这是市司法局的工作安排。", {"许昌市司法局"}),
    ("市委、市政府高度重视。", {"中共许昌市委员会", "许昌市人民政府"}),
    ("要优化产业布局，顾全大局。", set()),  # words that only end like an organization
    ("相关部门要加强协调。", set()),
    ("在许昌市住房和城乡建设局指导下开展。", {"许昌市住房和城乡建设局"}),
    ("我市的星云智控、远航数据两家企业发布了新产品。", {"星云智控", "远航数据"}),
    ("预计华北地区大部、广西大部将有小到中雨。", set()),  # most of a region
    ("多年来，他共创作三十多部连环画集。", set()),  # a count of works
    ("县、乡三级人大换届选举工作顺利完成。", set()),  # bodies at several levels
]


@pytest.mark.parametrize("text, expected", ORGS)
def test_orgs_found_by_suffix_and_short_form(text, expected):
    assert names(text, "organization") == expected


def test_orgs_short_form_kept_as_alternate_name():
    org = entity("这是市司法局的工作安排。", "organization", "许昌市司法局")
    assert org.alt_names == ("市司法局",)
    assert org.subtype == "government"


def test_orgs_home_city_is_configuration():
    settings = resolve({"city": "洛阳市", "province": "河南省"}, environ={})
    assert names("这是市司法局的工作安排。", "organization", settings) == {"洛阳市司法局"}


def test_orgs_body_named_with_its_city_is_the_body():
    assert names("许昌市政府和河南省政府签署协议。", "organization") == {"许昌市人民政府", "河南省人民政府"}
