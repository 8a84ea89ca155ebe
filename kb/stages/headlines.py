"""Pick an item's headline among its title lines; the others are decks (kickers, subheadlines).

A block of two or more title lines of about the same length is one headline wrapped over lines
(`南水北调中线工程` / `年度调水创新高`); lines of unequal length are separate titles
(`中国·许昌第三届5G泛在峰会开幕` / `张平宋灵恩史根治等出席`).  A kicker (`——访…`, `…时强调`)
or a bullet (`·…`) is always a deck; the headline is the first other title.
"""
from __future__ import annotations

import re
from typing import Callable, Sequence

from kb.stages.paragraphs import words

_DECK = re.compile(rf"^(?:——|[·•])|(?:{'|'.join(words('kickers'))})$")
_BALANCE = 2  # at most this many characters between the lines of one wrapped headline

Span = tuple[int, int]


def split_titles(text: str, blocks: Sequence[Sequence[Span]], wrapped: bool = False,
                 deck: Callable[[Span], bool] = lambda span: False,
                 ) -> tuple[str | None, tuple[str, ...], tuple[Span, ...]]:
    """(headline, decks, spans of headline then decks) from title lines grouped by block.
    `wrapped`: every block is one title over several lines, the first the headline (teasers);
    `deck`: the caller's own
    test for a line that can only be a deck.  Once the headline is found, later blocks are decks
    line by line."""
    main: Span | None = None
    decks: list[Span] = []
    for block in blocks:
        for span in _titles_of(text, block, wrapped, main is not None):
            if main is None and (wrapped or not _DECK.search(_flat(text, span)) and not deck(span)):
                main = span
            else:
                decks.append(span)
    spans = ([main] if main else []) + decks
    return (_flat(text, main) if main else None), tuple(_flat(text, s) for s in decks), tuple(spans)


def _titles_of(text: str, block: Sequence[Span], wrapped: bool, found: bool) -> list[Span]:
    """One span for a block that is a single title wrapped over lines, else one per line."""
    lengths = [b - a for a, b in block]
    if len(block) > 1 and not found and (wrapped or max(lengths) - min(lengths) <= _BALANCE) \
            and not any(_DECK.search(text[a:b]) for a, b in block[1:]):
        return [(block[0][0], block[-1][1])]
    return list(block)


def _flat(text: str, span: Span) -> str:
    return text[span[0]:span[1]].replace("\n", "")
