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
