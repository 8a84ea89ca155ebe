"""Places (with containment), projects (with facts) and events (with dates)."""
from __future__ import annotations

import pytest

from entities_helpers import entity, names, run

PLACES = [
    ("他到襄城县库庄镇调研。", {"襄城县", "库庄镇"}),
    ("市民在市区龙湖公园散步。", {"龙湖公园"}),
    ("河南省和湖北省开展合作。", {"河南", "湖北"}),  # provinces by their short names
    ("要提升城市品质，建设美丽乡村。", set()),  # common words ending like places
]


@pytest.mark.parametrize("text, expected", PLACES)
def test_places_found_and_named_canonically(text, expected):
    assert {m.name for m in run(text)[0] if m.kind == "place"} == expected


def test_places_chain_gives_containment():
    place = entity("他到襄城县库庄镇调研。", "place", "库庄镇")
    assert ("containedIn", "襄城县") in place.facts


PROJECTS = [
    ("峰会现场，“许昌智能制造示范基地建设项目”成功签约。", {"许昌智能制造示范基地建设项目"}),
    ("要谋划一批重大项目、重点产业项目。", set()),  # generic phrases
    ("龙湖新区综合管廊工程进展顺利。", {"龙湖新区综合管廊工程"}),
]


@pytest.mark.parametrize("text, expected", PROJECTS)
def test_projects_named_not_generic(text, expected):
    assert names(text, "project") == expected


def test_projects_investment_in_yuan_and_signing():
    project = entity("“许昌智能制造示范基地建设项目”总投资36.3亿元，现场签约。", "project", "许昌智能制造示范基地建设项目")
    assert dict(project.facts) == {"investment": "3630000000", "signed": "true"}


EVENTS = [
    ("市长王建国主持召开市政府常务会议。", {"市政府常务会议"}),
    ("学习贯彻党的十九届六中全会精神。", {"十九届六中全会"}),
    ("会议强调，这次会议十分重要。", set()),
]


@pytest.mark.parametrize("text, expected", EVENTS)
def test_events_named_specifically(text, expected):
    assert names(text, "event") == expected


def test_events_dated_by_their_item():
    event = entity("市长王建国主持召开市政府常务会议。", "event", "市政府常务会议")
    assert ("date", "2021-04-08") in event.facts


FACTS = [
    ("华信电子有限公司投资建设的龙湖智能终端产业园项目位于襄城县。", "龙湖智能终端产业园项目",
     {"owner": "华信电子有限公司", "location": "襄城县"}),
    ("恒达年产14600吨甜蜜素项目开工。", "恒达年产14600吨甜蜜素项目", {"capacity": "年产14600吨"}),
]


@pytest.mark.parametrize("text, project, expected", FACTS)
def test_projects_owner_location_and_capacity(text, project, expected):
    assert dict(entity(text, "project", project).facts) == expected
