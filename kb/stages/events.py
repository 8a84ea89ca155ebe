"""Events: named meetings, summits, congresses and courses (…峰会, …会议, …培训班), dated by
the item that reports them when it has a date."""
from __future__ import annotations

import re
from functools import lru_cache

from kb.stages import lexicon
from kb.stages.text import Found, Text

NAME = "kb.events.v1"
_QUALIFIER = re.compile(r"（第[^（）]{1,5}）")  # 培训班（第一期）
_LONG = 6  # a long name is a specific one (抗击新冠肺炎疫情表彰大会)
_ORDINAL = re.compile(r"第|届|次|\d")  # 第三届, 十九届五中全会, 市八次党代会


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    return re.compile(lexicon.alternation(lexicon.words("events_suffixes.txt")))


@lru_cache(maxsize=1)
def _stop() -> frozenset[str]:
    scopes = lexicon.wordset("events_openers.txt")
    return (lexicon.wordset("orgs_stop.txt") - scopes) | lexicon.wordset("events_before.txt")


def find(text: Text) -> list[Found]:
    generic = lexicon.wordset("events_generic.txt")
    out = []
    for m in _pattern().finditer(text.text):
        start = text.name_start(m.start(), _stop(), join=False)
        end = q.end() if (q := _QUALIFIER.match(text.text, m.end())) else m.end()
        name = text.text[start:end]
        if name in generic or m.start() - start < 2 or not _specific(text, start, m.start()) or \
                _not_after().match(text.text, end):
            continue
        out.append(Found("event", name, name, start, end))
    return out


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
