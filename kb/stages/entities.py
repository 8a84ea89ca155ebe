"""Find people, posts and organizations in a page's items (first version)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import rjieba

from kb.config import Settings
from kb.model import Entity, Item, Mention, Page, Post

NAME = "kb.entities.v1"
DATA = Path(__file__).parent / "data"


@lru_cache(maxsize=1)
def _titles() -> tuple[str, ...]:
    lines = (DATA / "titles.txt").read_text(encoding="utf-8").splitlines()
    return tuple(sorted((t for t in lines if t and not t.startswith("#")), key=len, reverse=True))


@lru_cache(maxsize=1)
def _post_pattern() -> re.Pattern[str]:
    titles = "|".join(map(re.escape, _titles()))
    return re.compile(rf"({titles})([\u4e00-\u9fff]{{2,3}}?)(?=[，、。；（\s]|$)")


_ORG = re.compile(r"[\u4e00-\u9fff（）]{2,20}?(?:有限公司|集团|大学|研究院|医院|研究所)")


def extract(page: Page, items: tuple[Item, ...], settings: Settings) -> tuple[
    tuple[Mention, ...], tuple[Entity, ...], tuple[Post, ...]
]:
    mentions: list[Mention] = []
    posts: list[Post] = []
    for item in items:
        for start, end in ((item.body_start, item.body_end), *item.title_spans):
            text = page.text[start:end]
            for m in _post_pattern().finditer(text):
                a, b = start + m.start(2), start + m.end(2)
                mentions.append(Mention("person", m.group(2), m.group(2), item.index, a, b))
                posts.append(Post(m.group(2), m.group(1), None, item.index, start + m.start(), b, item.date))
            pos = 0
            for word, tag in rjieba.tag(text):
                if tag == "nr" and 2 <= len(word) <= 3:
                    mentions.append(Mention("person", word, word, item.index, start + pos, start + pos + len(word)))
                pos += len(word)
            for m in _ORG.finditer(text):
                mentions.append(Mention("organization", m.group(), m.group(), item.index, start + m.start(), start + m.end()))
        for name in (*item.reporters, *item.photographers, *item.correspondents):
            mentions.append(Mention("person", name, name, item.index, item.body_start, item.body_start))
    return tuple(mentions), _entities(mentions), tuple(posts)


def _entities(mentions: list[Mention]) -> tuple[Entity, ...]:
    found: dict[tuple[str, str], set[int]] = {}
    for m in mentions:
        found.setdefault((m.kind, m.name), set()).add(m.item)
    return tuple(Entity(kind, name, items=tuple(sorted(items))) for (kind, name), items in sorted(found.items()))
