"""Shared helpers for the entity tests: a page of one item made from a text, run through
the real normalizer and entities.extract (no segmenter, so these tests pin entities alone)."""
from __future__ import annotations

from kb.config import Settings, resolve
from kb.model import Entity, Item, Mention, Page, Post
from kb.stages import entities, normalize

DEFAULT = resolve({}, environ={})


def page_of(source: str, page_id: str = "test") -> Page:
    text, offsets = normalize.normalize(source)
    return Page(page_id, page_id + ".txt", source, text, offsets, "0" * 64, "utf-8", 2021, None)


def one_item(page: Page, date: str | None = "2021-04-08", reporters: tuple[str, ...] = ()) -> Item:
    return Item(index=0, kind="news", headline=None, decks=(), reporters=reporters, correspondents=(),
                photographers=(), dateline=None, date=date, text=page.text, start=0, end=len(page.text),
                body_start=0, body_end=len(page.text))


def run(source: str, settings: Settings = DEFAULT, **item) -> tuple[tuple[Mention, ...], tuple[Entity, ...], tuple[Post, ...], Page]:
    page = page_of(source)
    mentions, found, posts = entities.extract(page, (one_item(page, **item),), settings)
    return mentions, found, posts, page


def names(source: str, kind: str, settings: Settings = DEFAULT) -> set[str]:
    return {e.name for e in run(source, settings)[1] if e.kind == kind}


def entity(source: str, kind: str, name: str, settings: Settings = DEFAULT) -> Entity:
    return next(e for e in run(source, settings)[1] if e.kind == kind and e.name == name)
