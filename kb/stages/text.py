"""The page text as the entity rules read it: whitespace removed (column breaks split words),
tagged once by rjieba, with a map back to Page.text offsets and to the page's items."""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import accumulate
from operator import itemgetter
from typing import NamedTuple, TypeVar

import rjieba

from kb.model import Item

T = TypeVar("T")
_RUN = re.compile(r"\S+")
_LINE_ENDS = "。！？；…摄"  # a line ending so ends its text: the next line starts anew
_BULLETS = "·●■◆▲•"  # a line starting so is a list entry
_SHORT_LINE = 15  # a printed line this short is a heading or a masthead line, not a column line
_INSIDE = "（）()·“”"  # punctuation that may sit inside a name
_NEVER_INSIDE = frozenset("的在由是对把将从被让给了")
_FUNCTION_TAGS = frozenset({"p", "c", "d", "r", "u", "uj", "ul", "ud", "ug", "uz", "uv", "y", "e", "o", "ad"})
_LEVELS = frozenset("省市县区")
PROPER_TAGS = frozenset({"ns", "nr", "nrt", "nrfg", "nz", "nt", "j", "eng", "m"})
_YEAR = re.compile(r"\d{2,4}年(度)?|\d+")
_COUNTED = tuple("个家批项件座")
_COUNT = re.compile(rf"(\d+|[一二两三四五六七八九十百千几多首各每]+)大?[{''.join(_COUNTED)}]")  # 32个, 一批: counts end a name
_OPENING, _CLOSING = "（(“", "）)”"


@dataclass
class Text:
    text: str  # Page.text without whitespace
    index: list[int]  # compact offset -> Page.text offset
    line_starts: frozenset[int] = frozenset()  # compact offsets that began a printed line
    after_short: frozenset[int] = frozenset()  # line starts after a short line (a heading) or a sentence end

    @classmethod
    def of(cls, page_text: str) -> "Text":
        parts: list[str] = []
        index: list[int] = []
        starts: set[int] = {0}
        short: set[int] = {0}
        prev_end, line_start = 0, 0
        for run in _RUN.finditer(page_text):
            if "\n" in page_text[prev_end:run.start()]:
                starts.add(len(index))
                if len(index) - line_start <= _SHORT_LINE or parts[-1][-1] in _LINE_ENDS or run.group()[0] in _BULLETS:
                    short.add(len(index))
                line_start = len(index)
            prev_end = run.end()
            parts.append(run.group())
            index.extend(range(run.start(), run.end()))
        return cls("".join(parts), index, frozenset(starts), frozenset(short))

    def boundary_before(self, pos: int) -> bool:
        """Whether a name may start at pos: a line start, or no CJK character before it."""
        return pos in self.line_starts or not "\u4e00" <= self.text[pos - 1] <= "\u9fff"

    def page_span(self, start: int, end: int) -> tuple[int, int]:
        """A compact [start, end) as a span of Page.text."""
        return self.index[start], self.index[end - 1] + 1

    @cached_property
    def tokens(self) -> list[tuple[str, str]]:
        return rjieba.tag(self.text)

    @cached_property
    def _token_ends(self) -> list[int]:
        return list(accumulate(map(len, map(itemgetter(0), self.tokens))))

    @cached_property
    def token_starts(self) -> list[int]:
        return [0, *self._token_ends[:-1]] if self.tokens else []

    @cached_property
    def ending_at(self) -> dict[int, int]:
        """Compact offset -> index of the token ending there (no entry: inside a token)."""
        return dict(zip(self._token_ends, range(len(self.tokens))))

    def tagged(self, tags: frozenset[str]) -> list[tuple[str, str, int]]:
        """(word, tag, start) of the tokens with one of these tags, in text order."""
        def pick() -> list[tuple[str, str, int]]:
            return [(word, tag, start) for (word, tag), start in zip(self.tokens, self.token_starts) if tag in tags]

        return self.memo(("tagged", tags), pick)

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """compute(), once per page: for what several rules read (lists, tagged words)."""
        cache = self.__dict__.setdefault("_memo", {})
        if key not in cache:
            cache[key] = compute()
        return cache[key]

    def token_at(self, pos: int) -> int:
        """Index of the token holding compact offset pos."""
        return bisect_right(self.token_starts, pos) - 1

    def left_chars(self, pos: int, stop: frozenset[str], limit: int = 25, verbs: frozenset[str] | None = None) -> int:
        """Walk characters left from pos to a punctuation mark, a stop word (as rjieba cuts it)
        or the end of a heading or sentence printed on the line before; opening quotes and
        brackets left without their closing one are dropped. Given verbs, any other word rjieba
        tags as a verb ends the name too (改造提升项目 keeps 改造, 察看项目 loses 察看)."""
        s, k, after_short, ending_at, lasts = self.text, pos, self.after_short, self.ending_at, _last_chars(stop)
        while k > 0 and pos - k < limit and k not in after_short:
            ch = s[k - 1]
            if not (ch.isalnum() or ch in _INSIDE) or ch in _NEVER_INSIDE:
                break
            if ch in lasts and (s[k - 2:k] in stop or s[k - 3:k] in stop or s[k - 4:k] in stop):
                break  # several-character stop words end names however rjieba cuts them
            if (i := ending_at.get(k)) is not None and self._function_word(i, stop, verbs):
                break
            if ch in _OPENING and _CLOSING[_OPENING.index(ch)] not in s[k:pos]:
                break
            k -= 1
        while k < pos and s[k] in _OPENING and _CLOSING[_OPENING.index(s[k])] not in s[k:pos]:
            k += 1
        while k < pos and (s[k] in _CLOSING or s[k] in _BULLETS):
            k += 1
        return k

    def name_start(self, pos: int, stop: frozenset[str], verbs: frozenset[str] | None = None,
                   join: bool = True) -> int:
        """Where a name ending in a suffix at pos starts (left_chars), reaching past 和 when the
        name is a government body's (住房和城乡建设局) or a place's work, and over 我市."""
        start = self.left_chars(pos, stop, verbs=verbs)
        if join and self.text[start - 1:start] == "和" and start > 1:
            before = self.left_chars(start - 1, stop, verbs=verbs)
            if self._placed(before):
                start = before
        if self.text[start - 2:start] == "我市":
            start -= 2
        return start

    def _placed(self, start: int) -> bool:
        i = self.token_at(start)
        return self.text[start] in _LEVELS or (self.token_starts[i] == start and self.tokens[i][1] == "ns")

    def proper(self, start: int, end: int, tags: frozenset[str] = PROPER_TAGS, letters: bool = True,
               generic: frozenset[str] = frozenset(), levels: bool = True) -> bool:
        """Whether [start, end) says which one (not 重点项目, 相关部门): it holds a place, a person's
        or a proper name, Latin letters or digits other than a year, or starts with a level
        (市, 省) standing for the home city or province."""
        if levels and (self.text[start] in _LEVELS or self.text[start:start + 2] == "我市"):
            return True
        i = self.token_at(start)
        while i < len(self.tokens) and self.token_starts[i] < end:
            word, tag = self.tokens[i]
            if word not in generic and not _YEAR.fullmatch(word) and \
                    (tag in tags or (letters and any(ch.isascii() and ch.isalnum() for ch in word))):
                return True
            i += 1
        return False

    def _function_word(self, i: int, stop: frozenset[str], verbs: frozenset[str] | None) -> bool:
        """Token i is a stop word or a function word (preposition, conjunction, adverb, pronoun,
        particle), or, given verbs, a verb not among them: no name runs across its end."""
        word, tag = self.tokens[i]
        if verbs is not None and tag == "v" and word not in verbs:
            return True
        if word in stop:
            return True
        if tag in _FUNCTION_TAGS and not (i > 0 and self.tokens[i - 1][1] == "m"):  # not 十九届, 第一期
            return True
        return word.endswith(_COUNTED) and _COUNT.fullmatch(word) is not None


@lru_cache(maxsize=32)
def _last_chars(stop: frozenset[str]) -> frozenset[str]:
    """The characters the stop words of two to four characters end with."""
    return frozenset(word[-1] for word in stop if 2 <= len(word) <= 4)


class ItemIndex:
    """Which item a Page.text offset belongs to: the last one starting at or before it that
    holds it, else the nearest one before it (text between items), else the first."""

    def __init__(self, items: tuple[Item, ...]) -> None:
        self.items = sorted(items, key=lambda i: (i.start, i.end))
        self.starts = [i.start for i in self.items]

    def __bool__(self) -> bool:
        return bool(self.items)

    def at(self, pos: int) -> Item:
        k = bisect_right(self.starts, pos) - 1
        if k < 0:
            return self.items[0]
        for item in reversed(self.items[max(0, k - 3):k + 1]):  # items rarely nest deeper
            if pos < item.end:
                return item
        return self.items[k]


class Found(NamedTuple):
    """One name found in the compact text: what kind, its full name, and how it was printed.
    (A NamedTuple, not a frozen dataclass: pages make hundreds, and this builds 2-3 times faster.)"""

    kind: str
    name: str
    surface: str
    start: int  # compact offsets
    end: int
    subtype: str | None = None
    facts: tuple[tuple[str, str], ...] = ()
