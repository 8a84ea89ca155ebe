"""Resolution across pages: one entity per (kind, full name, qualifier), whatever the page order."""
from __future__ import annotations

import itertools

import pytest

from kb.config import resolve as settings_of
from kb.model import Entity
from kb.stages.resolve import resolve
from entities_helpers import run

PAGE_A = (Entity("organization", "许昌市司法局", ("市司法局",), "government"),
          Entity("person", "王建国"),
          Entity("place", "库庄镇", (), "town", (), (("containedIn", "襄城县"),)))
PAGE_B = (Entity("organization", "许昌市司法局", (), None),
          Entity("place", "王建国"),  # same name, other kind: never merged
          Entity("event", "市政府常务会议", (), None, (), (("date", "2021-04-08"),)))
PAGE_C = (Entity("organization", "许昌市司法局", ("许昌司法局",), "other"),
          Entity("organization", "许昌市司法局", (), "government"),
          Entity("event", "市政府常务会议", (), None, (), (("date", "2021-05-06"),)))


def test_resolve_one_entity_per_kind_and_name():
    merged = {(e.kind, e.name): e for e in resolve([PAGE_A, PAGE_B, PAGE_C])}
    assert set(merged) == {("organization", "许昌市司法局"), ("person", "王建国"), ("place", "库庄镇"),
                           ("place", "王建国"), ("event", "市政府常务会议")}
    org = merged[("organization", "许昌市司法局")]
    assert org.alt_names == ("市司法局", "许昌司法局")
    assert org.subtype == "government"  # the subtype seen most often
    assert merged[("event", "市政府常务会议")].facts == ()  # two pages, two dates: none


def _event(date: str) -> tuple[Entity, ...]:
    return (Entity("event", "第三届中原数字经济峰会", facts=(("date", date), ("location", "许昌市"))),)


START_DATES = [
    # (dates stated by the pages, the one start date kept): never two dates for one event
    (["2020-12-23"], (("date", "2020-12-23"),)),
    (["2020-12-23", "2020-12-23", "2020-12-24"], (("date", "2020-12-23"),)),  # most pages
    (["2020-12-23", "2020-12-24"], ()),  # pages disagree evenly: none
]


@pytest.mark.parametrize("dates, expected", START_DATES)
def test_resolve_one_start_date_per_event(dates, expected):
    for order in itertools.permutations(dates):
        (event,) = resolve([_event(d) for d in order])
        assert event.facts == (*expected, ("location", "许昌市"))  # other facts all kept


def test_resolve_does_not_depend_on_page_order():
    results = {resolve(order) for order in itertools.permutations([PAGE_A, PAGE_B, PAGE_C])}
    assert len(results) == 1


def test_resolve_short_forms_on_two_pages_meet_in_one_entity():
    settings = settings_of({}, environ={})
    first = run("这是市司法局的工作安排。", settings)[1]
    second = run("许昌市司法局召开会议。", settings)[1]
    orgs = [e for e in resolve([first, second]) if e.kind == "organization"]
    assert [(e.name, e.alt_names) for e in orgs] == [("许昌市司法局", ("市司法局",))]


def test_resolve_qualified_namesakes_stay_apart():
    pages = [(Entity("person", "张平", qualifier="北京邮电大学"), Entity("event", "市政府常务会议", qualifier="2021-04-08")),
             (Entity("person", "张平"), Entity("event", "市政府常务会议", qualifier="2021-05-06")),
             (Entity("person", "张平", ("张教授",), qualifier="北京邮电大学"),)]
    merged = {(e.kind, e.name, e.qualifier): e for e in resolve(pages)}
    assert set(merged) == {("person", "张平", "北京邮电大学"), ("person", "张平", None),
                           ("event", "市政府常务会议", "2021-04-08"), ("event", "市政府常务会议", "2021-05-06")}
    assert merged[("person", "张平", "北京邮电大学")].alt_names == ("张教授",)
    assert len({resolve(order) for order in itertools.permutations(pages)}) == 1
