"""Posts: titles printed with names become memberships with the stating item's date."""
from __future__ import annotations

import pytest

from kb.config import resolve
from entities_helpers import run

POSTS = [
    # (text, expected (person, title, organization) triples)
    ("市长王建国主持会议。", {("王建国", "市长", "许昌市人民政府")}),
    ("市委常委、常务副市长孙立新出席。", {("孙立新", "市委常委", "中共许昌市委员会"),
                                          ("孙立新", "常务副市长", "许昌市人民政府")}),
    ("副市长李红梅、张志强出席。", {("李红梅", "副市长", "许昌市人民政府"), ("张志强", "副市长", "许昌市人民政府")}),
    ("北京工业大学教授陈思远作报告。", {("陈思远", "教授", "北京工业大学")}),
    ("河南华信电子有限公司董事长吴国栋介绍。", {("吴国栋", "董事长", "河南华信电子有限公司")}),
    ("省交通运输厅副厅长梁志刚讲话。", {("梁志刚", "副厅长", "河南省交通运输厅")}),
    ("学习习近平总书记重要讲话精神。", {("习近平", "总书记", None)}),
]


@pytest.mark.parametrize("text, expected", POSTS)
def test_posts_split_titles_and_attach_organizations(text, expected):
    _, _, posts, _ = run(text)
    assert {(p.person, p.title, p.organization) for p in posts} == expected


def test_posts_carry_the_item_date_and_span_the_title_and_name():
    _, _, posts, page = run("市长王建国主持会议。", date="2022-03-01")
    (post,) = posts
    assert post.date == "2022-03-01"
    assert page.text[post.start:post.end] == "市长王建国"


def test_posts_every_person_and_organization_named_is_an_entity():
    _, found, posts, _ = run("市委常委、常务副市长孙立新，北京工业大学教授陈思远出席。")
    keys = {(e.kind, e.name) for e in found}
    for post in posts:
        assert ("person", post.person) in keys
        if post.organization:
            assert ("organization", post.organization) in keys


def test_posts_implied_body_follows_the_configured_city():
    settings = resolve({"city": "洛阳市", "province": "河南省"}, environ={})
    _, _, posts, _ = run("市长王建国主持会议。", settings)
    assert {p.organization for p in posts} == {"洛阳市人民政府"}


def test_posts_implied_body_is_an_organization_of_its_type():
    _, found, _, _ = run("市委书记王建国主持会议。")
    (org,) = [e for e in found if e.kind == "organization"]
    assert (org.name, org.subtype) == ("中共许昌市委员会", "party")


FORMER = [
    # (text, expected (person, title as printed, role, former, organization))
    ("原市长王建国出席会议。", {("王建国", "原市长", "市长", True, "许昌市人民政府")}),
    ("时任市委书记李红梅主持。", {("李红梅", "市委书记", "市委书记", True, "中共许昌市委员会")}),
    ("前副市长张志强发言。", {("张志强", "副市长", "副市长", True, "许昌市人民政府")}),
    ("美国前总统拜登说。", {("拜登", "总统", "总统", True, None)}),  # a bare 前 after a place
    ("北京工业大学原副校长陈思远作报告。", {("陈思远", "原副校长", "副校长", True, "北京工业大学")}),
    ("原市委常委、副市长孙立新出席。", {("孙立新", "原市委常委", "市委常委", True, "中共许昌市委员会"),
                                        ("孙立新", "副市长", "副市长", True, "许昌市人民政府")}),  # 原 holds for the run
    ("会前，市长王建国看望代表。", {("王建国", "市长", "市长", False, "许昌市人民政府")}),  # a time word, no mark
    ("市长王建国主持会议。", {("王建国", "市长", "市长", False, "许昌市人民政府")}),
]


@pytest.mark.parametrize("text, expected", FORMER)
def test_posts_printed_as_no_longer_held_are_former(text, expected):
    _, _, posts, _ = run(text)
    assert {(p.person, p.title, p.held_role(), p.former, p.organization) for p in posts} == expected


ROLES = [
    # (text, expected (title as printed, role)): the home place is no part of the role
    ("许昌市委书记王建国主持会议。", {("许昌市委书记", "市委书记")}),
    ("市委书记王建国主持会议。", {("市委书记", "市委书记")}),
    ("许昌市长张志强出席。", {("许昌市长", "市长")}),
    ("河南省委书记王建国调研。", {("河南省委书记", "省委书记")}),  # the home province too
    ("建安区委书记李红梅汇报。", {("建安区委书记", "建安区委书记")}),  # another place's post stays whole
]


@pytest.mark.parametrize("text, expected", ROLES)
def test_posts_home_place_titles_hold_the_same_role(text, expected):
    _, _, posts, _ = run(text)
    assert {(p.title, p.held_role()) for p in posts} == expected


BODIES = [
    # (text, expected (title, organization)): the body in front of a title is never dropped
    ("市财政局党组书记王建国讲话。", {("党组书记", "许昌市财政局")}),  # an organization found: kept as such
    ("公司监事会主席李红梅讲话。", {("监事会主席", None)}),  # else it stays in the title
    ("市文联党组书记王建国讲话。", {("市文联党组书记", None)}),
    ("团市委书记张志强讲话。", {("团市委书记", None)}),  # not the 市委书记 of the city's party committee
    ("市委副书记、市长刘明出席。", {("市委副书记", "中共许昌市委员会"), ("市长", "许昌市人民政府")}),
]


@pytest.mark.parametrize("text, expected", BODIES)
def test_posts_titles_keep_their_body(text, expected):
    _, _, posts, _ = run(text)
    assert {(p.title, p.organization) for p in posts} == expected
