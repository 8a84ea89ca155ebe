"""Captions printed without their credit, found by where they stand (kb.stages.paragraphs tells
a caption by its credit or a cue like `图为`; these have neither).

- Next to a note crediting the page's photos (`本版图片均由X摄`): the one-sentence paragraphs just
  above it, else just below it when a title or the page's end follows them.
- In column text, before an item's titles: sentences printed on one line much wider than the
  columns (a caption spans its photo; running text wraps at the column's width).
A caption is one short sentence; in text with one paragraph per line, where a short last paragraph
of an article looks the same, it has at most one comma, after a date (`4月8日，…`).
"""
from __future__ import annotations

import re
from statistics import median

from kb.model import Page
from kb.stages.paragraphs import CAPTION_MAX, Para

_ONE_CLAUSE = re.compile(r"(?:\d{1,2}月\d{1,2}日[上下]?午?[，,])?[^，,]+")
WIDE = 1.5  # a one-line caption is this many times wider than a column line, at least
_FOLLOWS = frozenset({"title", "byline", "bullet", "photo", "caption", "note"})  # what may follow captions


def mark(page: Page, paras: list[Para]) -> None:
    """Set the kind of such caption paragraphs to "caption"."""
    layout = _Layout(page, paras)
    for i, para in enumerate(paras):
        if para.kind == "note":
            run = _run(paras, range(i - 1, -1, -1), layout) or _run(paras, range(i + 1, len(paras)), layout)
            if run and (run[-1] < i or run[-1] + 1 == len(paras) or paras[run[-1] + 1].kind in _FOLLOWS):
                _set(paras, run)
        elif para.kind == "title" and i and _sentence(paras[i - 1]) and layout.column():
            _set(paras, _run(paras, range(i - 1, -1, -1), layout, wide=True))


def _set(paras: list[Para], run: list[int]) -> None:
    for k in run:
        paras[k].kind = "caption"


def _run(paras: list[Para], order: range, layout: "_Layout", wide: bool = False) -> list[int]:
    """Indexes of the caption-like paragraphs met in `order`, up to the first that is not one."""
    run = []
    for k in order:
        if not (_sentence(paras[k]) and layout.fits(paras[k], wide)):
            break
        run.append(k)
    return run


def _sentence(para: Para) -> bool:
    text = para.text
    return para.kind == "body" and len(text) <= CAPTION_MAX and text.endswith("。") and \
        not any(mark in text[:-1] for mark in "。！？")


class _Layout:
    """What the page's lines tell, worked out only when a caption is in question."""

    def __init__(self, page: Page, paras: list[Para]) -> None:
        self.page, self.paras = page, paras
        self._column: bool | None = None
        self._width: float | None = None

    def lines(self, para: Para) -> list[str]:
        src_start, src_end = self.page.source_span(para.start, para.end)
        lines = ("".join(line.split()) for line in self.page.source[src_start:src_end].split("\n"))
        return [line for line in lines if line]

    def column(self) -> bool:
        """At least half the body paragraphs are wrapped over several lines."""
        if self._column is None:
            source, offsets = self.page.source, self.page.offsets
            body = [source.find("\n", offsets[p.start], offsets[p.end - 1]) >= 0 for p in self.paras if p.kind == "body"]
            self._column = any(body) and sum(body) >= len(body) / 2
        return self._column

    def width(self) -> float:
        """The median width of the lines of wrapped body paragraphs (a column's width)."""
        if self._width is None:
            widths = [len(line) for p in self.paras if p.kind == "body" for line in self.lines(p)[:-1]]
            self._width = median(widths) if widths else 0.0
        return self._width

    def fits(self, para: Para, wide: bool) -> bool:
        """Printed as a caption is in this layout: on one line (wider than the columns, when
        `wide`) in column text; with one clause, in text with one paragraph per line."""
        if not self.column():
            return not wide and _ONE_CLAUSE.fullmatch(para.text) is not None
        lines = self.lines(para)
        return len(lines) == 1 and (not wide or len(lines[0]) >= WIDE * self.width())
