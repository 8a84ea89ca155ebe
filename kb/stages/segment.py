"""Segment a normalized page into items (first version: blocks, leads, captions, headlines)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from kb.model import Item, Page

NAME = "kb.segment.v1"

_BLOCK = re.compile(r"[^\n]+(?:\n[^\n]+)*")
_LEAD = re.compile(r"^(本报讯|新华社\S{0,8}电)")
_BYLINE = re.compile(r"^本报讯（记者([^）]+)）")
_PHOTO = re.compile(r"本报记者(\S{2,4})摄$")
_DATELINE = re.compile(r"(\d{1,2})月(\d{1,2})日")
_NAME_SPLIT = re.compile(r"[\s、，]+")


@dataclass
class _Draft:
    kind: str
    start: int
    end: int
    body: list[tuple[int, int]]
    titles: list[tuple[int, int]]


def segment(page: Page) -> tuple[Item, ...]:
    drafts: list[_Draft] = []
    current: _Draft | None = None
    for match in _BLOCK.finditer(page.text):
        block = match.group().strip()
        start, end = match.span()
        if _PHOTO.search(block):
            drafts.append(_Draft("photo", start, end, [(start, end)], []))
            current = None
        elif _LEAD.match(block):
            kind = "wire" if block.startswith("新华社") else "news"
            current = _Draft(kind, start, end, [(start, end)], [])
            drafts.append(current)
        elif current is not None and _is_title(block):
            current.titles.extend(_lines(match))
            current.end = end
        elif current is not None and not current.titles:
            current.body.append((start, end))
            current.end = end
    return tuple(_item(page, i, d) for i, d in enumerate(drafts))


def _is_title(block: str) -> bool:
    return len(block) <= 60 and "。" not in block


def _item(page: Page, index: int, draft: _Draft) -> Item:
    body_start, body_end = draft.body[0][0], draft.body[-1][1]
    text = page.text[body_start:body_end]
    reporters: tuple[str, ...] = ()
    photographers: tuple[str, ...] = ()
    if (m := _BYLINE.match(text)) is not None:
        reporters = tuple(n for n in _NAME_SPLIT.split(m.group(1)) if n)
    if draft.kind == "photo" and (m := _PHOTO.search(text)) is not None:
        photographers = (m.group(1),)
    dateline = m.group() if (m := _DATELINE.search(text[:40])) else None
    date = f"--{int(m.group(1)):02d}-{int(m.group(2)):02d}" if dateline and m else None
    if date and page.year:
        date = f"{page.year}{date[1:]}"
    titles = tuple(page.text[a:b] for a, b in draft.titles)
    headline = titles[0] if titles else None
    return Item(
        index=index, kind=draft.kind, headline=headline, decks=titles[1:],
        reporters=reporters, correspondents=(), photographers=photographers,
        dateline=dateline, date=date, text=text, start=draft.start, end=draft.end,
        body_start=body_start, body_end=body_end, title_spans=tuple(draft.titles),
    )


def _lines(block: re.Match[str]) -> list[tuple[int, int]]:
    return [(block.start() + m.start(), block.start() + m.end()) for m in re.finditer(r"[^\n]+", block.group())]
