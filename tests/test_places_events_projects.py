"""Places (with containment), projects (with facts) and events (with dates)."""
from __future__ import annotations

import pytest

from kb.stages import events
from kb.stages.rule import RuleContext
from kb.stages.text import Text
from entities_helpers import DEFAULT, entity, names, run

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
    ("全市重点项目建设推进会议在市行政服务中心召开。", {"全市重点项目建设推进会议"}),  # not …推进会
    ("退役赛马的交接仪式在人民大会堂举行。", set()),  # a hall, not 人民大会
    ("从下届悉尼奥运会起，淘汰赛改为五局三胜。", {"悉尼奥运会"}),  # which edition, from the writer
]


@pytest.mark.parametrize("text, expected", EVENTS)
def test_events_named_specifically(text, expected):
    assert names(text, "event") == expected


EVENT_DATES = [
    # (text, event, its start date): only a date the sentence states with a verb of holding
    ("12月23日，第三届中原数字经济峰会在许昌开幕。", "第三届中原数字经济峰会", "2021-12-23"),
    ("市政府常务会议于4月8日召开。", "市政府常务会议", "2021-04-08"),
    ("4月8日，市委书记王建国主持召开市委常委会会议，传达学习全省经济工作会议精神。",
     "市委常委会会议", "2021-04-08"),
    ("2020年12月23日，市委常委会会议召开。", "市委常委会会议", "2020-12-23"),  # the printed year wins
    ("市长王建国主持召开市政府常务会议。", "市政府常务会议", None),  # the item's date is not stated
    ("4月8日，市委常委会会议传达学习全省经济工作会议精神。", "全省经济工作会议", None),  # not held here
    ("4月9日，记者从市政府获悉，全市招商引资大会将于5月召开。", "全市招商引资大会", None),  # the day it was heard
    ("全市招商引资大会将于近日召开。", "全市招商引资大会", None),  # no date stated
    ("12月20日，市里部署工作。第三届中原数字经济峰会开幕。", "第三届中原数字经济峰会", None),  # another sentence
]


@pytest.mark.parametrize("text, name, expected", EVENT_DATES)
def test_events_start_date_only_when_the_sentence_states_it(text, name, expected):
    event = entity(text, "event", name)
    assert dict(event.facts).get("date") == expected


def test_events_stated_date_without_a_year_is_month_day():
    text = Text.of("12月23日，第三届中原数字经济峰会开幕。")
    (event,) = events.find(text, RuleContext(DEFAULT, year=None))
    assert event.facts == (("date", "--12-23"),)


FACTS = [
    ("华信电子有限公司投资建设的龙湖智能终端产业园项目位于襄城县。", "龙湖智能终端产业园项目",
     {"owner": "华信电子有限公司", "location": "襄城县"}),
    ("恒达年产14600吨甜蜜素项目开工。", "恒达年产14600吨甜蜜素项目", {"capacity": "年产14600吨"}),
]


@pytest.mark.parametrize("text, project, expected", FACTS)
def test_projects_owner_location_and_capacity(text, project, expected):
    assert dict(entity(text, "project", project).facts) == expected
