"""Invariants of entities.extract on every seed page: what other stages rely on."""
from __future__ import annotations

import re

import pytest

from kb.config import resolve
from kb.pipeline import extract

from conftest import SEEDS

SETTINGS = resolve({}, environ={})
PAGES = sorted(SEEDS.glob("*.txt"))


@pytest.fixture(scope="module", params=PAGES, ids=lambda p: p.stem)
def result(request):
    return extract(request.param, SETTINGS)


def test_entities_mentions_are_spans_of_the_page_text(result):
    text = result.page.text
    for m in result.mentions:
        assert re.sub(r"\s", "", text[m.start:m.end]) == m.surface, m
        assert 0 <= m.item < len(result.items)


def test_entities_every_name_posts_and_bylines_refer_to_is_an_entity(result):
    keys = {(e.kind, e.name) for e in result.entities}
    for post in result.posts:
        assert ("person", post.person) in keys
        assert post.organization is None or ("organization", post.organization) in keys
    for item in result.items:
        for name in (*item.reporters, *item.correspondents, *item.photographers):
            assert ("person", name) in keys


def test_entities_posts_carry_their_item_date(result):
    dates = {item.index: item.date for item in result.items}
    assert result.posts
    for post in result.posts:
        assert post.date == dates[post.item]


def test_entities_facts_point_to_entities_of_the_page(result):
    keys = {(e.kind, e.name) for e in result.entities}
    kinds = {"containedIn": "place", "location": "place", "owner": "organization"}
    for e in result.entities:
        for key, value in e.facts:
            if key in kinds:
                assert (kinds[key], value) in keys


EDGES = ["", "。", "市长", "市长王", "王", "“", "）市", "有限公司", "、、、", "副市长赵、", "本报记者",
         "（记者）", "“项目”", "我市", "习近平总书记", "市 长\n王", "北京市\n\n路"]


@pytest.mark.parametrize("source", EDGES)
def test_entities_edge_texts_give_valid_spans(source):
    from entities_helpers import run

    mentions, found, posts, page = run(source)
    keys = {(e.kind, e.name) for e in found}
    for m in mentions:
        assert 0 <= m.start < m.end <= len(page.text)
        assert (m.kind, m.name) in keys
    for p in posts:
        assert 0 <= p.start < p.end <= len(page.text)


WIRE = """南阳推进城市更新

新华社郑州5月3日电（记者王晓明）记者从南阳市获悉，市委书记张立新近日主持召开会议，市司法局、市委宣传部有关负责人参加会议。会议强调，要加快推进城市更新工作，切实提高群众满意度。市长李红梅表示，将认真落实会议精神。
"""


def test_entities_wire_copy_is_not_read_as_home_city_news(tmp_path):
    """新华社 copy about another city: its 市司法局 is not the home city's, nor is its 市长's office."""
    page = tmp_path / "wire.txt"
    page.write_text(WIRE, encoding="utf-8")
    result = extract(page, SETTINGS)
    assert [i.kind for i in result.items] == ["wire"]
    orgs = {e.name for e in result.entities if e.kind == "organization"}
    assert "市司法局" in orgs and not any(SETTINGS.city in name for name in orgs)
    assert {(p.person, p.title, p.organization) for p in result.posts} == {
        ("张立新", "市委书记", None), ("李红梅", "市长", None)}


def test_entities_home_city_news_expands_short_forms(tmp_path):
    page = tmp_path / "local.txt"
    page.write_text(WIRE.replace("新华社郑州5月3日电（记者王晓明）", "本报讯（记者王晓明）"), encoding="utf-8")
    result = extract(page, SETTINGS)
    orgs = {e.name for e in result.entities if e.kind == "organization"}
    assert f"{SETTINGS.city}司法局" in orgs
    assert ("李红梅", "市长", f"{SETTINGS.city}人民政府") in {(p.person, p.title, p.organization) for p in result.posts}
