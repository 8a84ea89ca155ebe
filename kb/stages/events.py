"""Events: named meetings, summits, congresses and courses (…峰会, …会议, …培训班), with the date
they took place when the sentence naming them states it (12月23日，…峰会开幕; …会议于4月8日召开):
never the date of the item that mentions them."""
from __future__ import annotations

import re
from functools import lru_cache

from kb.stages import lexicon
from kb.stages.rule import RuleContext
from kb.stages.text import Found, Text

NAME = "kb.events.v3"
_QUALIFIER = re.compile(r"（第[^（）]{1,5}）")  # 培训班（第一期）
_LONG = 6  # a long name is a specific one (抗击新冠肺炎疫情表彰大会)
_ORDINAL = re.compile(r"第|届|次|\d")  # 第三届, 十九届五中全会, 市八次党代会
_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日")
_SENTENCE_ENDS = frozenset("。！？；")
_SENTENCE_REACH = 80  # characters before an event searched for the start of its sentence
_GAP = re.compile(r"[^。！？；，,]{0,16}?")  # between an event and the verb that holds it: 于4月8日在许昌
_TIME_WORDS = re.compile(r"[将于年月日]")  # a time other than a full date (将于下月, 于近日): none stated


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    return re.compile(lexicon.alternation(lexicon.words("events_suffixes.txt")))


@lru_cache(maxsize=1)
def _stop() -> frozenset[str]:
    scopes = lexicon.wordset("events_openers.txt")
    return (lexicon.wordset("orgs_stop.txt") - scopes) | lexicon.wordset("events_before.txt")


def find(text: Text, context: RuleContext) -> list[Found]:
    """Named events; the page's year completes a stated month and day."""
    generic = lexicon.wordset("events_generic.txt")
    out = []
    for m in _pattern().finditer(text.text):
        start = text.name_start(m.start(), _stop(), join=False)
        end = m.end() + 1 if m.group().endswith("会") and text.text.startswith("议", m.end()) else m.end()  # 推进会议
        end = q.end() if (q := _QUALIFIER.match(text.text, end)) else end
        name = text.text[start:end]
        if name in generic or m.start() - start < 2 or not _specific(text, start, m.start()) or \
                _not_after().match(text.text, end):
            continue
        date = stated_date(text, start, end, context.year)
        out.append(Found("event", name, name, start, end, facts=(("date", date),) if date else ()))
    return out


def stated_date(text: Text, start: int, end: int, year: int | None) -> str | None:
    """The date the sentence naming the event at [start, end) gives it with a verb of holding:
    after it (…会议于4月8日召开) or before it (4月8日，…召开…会议; 12月23日，…峰会开幕). ISO, or
    --MM-DD when neither the text nor the page gives the year."""
    s = text.text
    after = _held_after().match(s, end)
    if after is None and not _held_before().search(s, max(0, start - 4), start):
        return None
    if after is not None:
        gap = s[end:after.end()]
        if m := _DATE.search(gap):
            return _iso(m, year)
        if _TIME_WORDS.search(gap):
            return None
    begin = _sentence_start(text, start)
    dates = list(_DATE.finditer(s, begin, start))
    if not dates or _hearsay().search(s, dates[-1].end(), start):
        return None
    return _iso(dates[-1], year)


def _sentence_start(text: Text, pos: int) -> int:
    """Where the sentence holding pos starts: after 。！？； or at a line after a heading."""
    for k in range(pos - 1, max(0, pos - _SENTENCE_REACH) - 1, -1):
        if text.text[k] in _SENTENCE_ENDS:
            return k + 1
        if k in text.after_short:
            return k
    return max(0, pos - _SENTENCE_REACH)


def _iso(m: re.Match[str], year: int | None) -> str | None:
    month, day = int(m.group(2)), int(m.group(3))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    printed = m.group(1) or (str(year) if year else "-")
    return f"{printed}-{month:02d}-{day:02d}"


@lru_cache(maxsize=1)
def _held_after() -> re.Pattern[str]:
    return re.compile(f"{_GAP.pattern}(?:{lexicon.alternation(lexicon.words('events_held.txt'))})")


@lru_cache(maxsize=1)
def _held_before() -> re.Pattern[str]:
    return re.compile(f"(?:{lexicon.alternation(lexicon.words('events_held.txt'))})$")


@lru_cache(maxsize=1)
def _hearsay() -> re.Pattern[str]:
    return re.compile(lexicon.alternation(lexicon.words("events_hearsay.txt")))


@lru_cache(maxsize=1)
def _not_after() -> re.Pattern[str]:
    """What follows an institution, not an event: 人民代表大会制度, 代表大会代表."""
    return re.compile(lexicon.alternation(lexicon.words("events_not_after.txt")))


@lru_cache(maxsize=1)
def _openers() -> tuple[str, ...]:
    return tuple(lexicon.wordset("events_openers.txt"))


def _specific(text: Text, start: int, end: int) -> bool:
    """A name that says which meeting: a proper name, an ordinal, or the body or scope holding it."""
    prefix = text.text[start:end]
    if _ORDINAL.search(prefix) or prefix.startswith(_openers()):
        return True
    return end - start >= _LONG or text.proper(start, end, letters=True)
