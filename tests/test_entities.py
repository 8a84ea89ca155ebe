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
