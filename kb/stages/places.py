"""Places: names ending in a place suffix (…县, …镇, …村, …路, …游园), places known by name
(provinces, capitals, countries: places_known.txt), the home city and province; a chain printed
in a row (襄城县库庄镇) is split, each place contained in the one before it (库庄镇 ⊂ 襄城县)."""
from __future__ import annotations

import re
from functools import lru_cache

from kb.config import Settings
from kb.stages import lexicon
from kb.stages.text import Found, Text

NAME = "kb.places.v2"
_LEVELS = ("country", "province", "city", "county", "town", "village")
_CHAIN_LEVELS = "省市县区镇乡路"  # a chain of places splits after these
_MAX_PREFIX = 8
_NEVER_INSIDE = frozenset("我该全各本年到与和二三四五六七八九十两")
_UNSPLIT = frozenset({"area"})  # 襄城县产业集聚区 is one place, named with its county
_NAME_TAGS = frozenset({"ns", "nr", "nrt", "nrfg", "x", "j"})  # a one-word place is read so
_VAGUE_TAGS = frozenset({"m", "a", "ad", "d", "v", "vn", "r", "l", "i"})  # 一条社区, 老旧小区
_COMMON_TAGS = frozenset({"n", "v", "vn", "a", "ad", "d", "m", "r", "f", "t", "b", "l", "i", "s"})


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    return re.compile(lexicon.alternation(lexicon.suffix_table("places_suffixes.txt")))


@lru_cache(maxsize=1)
def known() -> dict[str, tuple[str, str]]:
    """Printed name -> (canonical short name, level), full and short forms alike."""
    table = {}
    for full, short, level in lexicon.rows("places_known.txt"):
        table[full] = table[short] = (short, level)
    return table


def place_suffix(name: str) -> str | None:
    """The place suffix a name ends with, if any."""
    m = _pattern().search(name)
    return m.group() if m and m.end() == len(name) else None


def find(text: Text, settings: Settings) -> list[Found]:
    found = sorted([*_suffixed(text, settings), *_known(text, settings)], key=lambda f: (f.start, -f.end))
    return _contain(_distinct(found), settings)


def _suffixed(text: Text, settings: Settings) -> list[Found]:
    table = lexicon.suffix_table("places_suffixes.txt")
    stop = _stop()
    generic = lexicon.wordset("places_stop.txt")
    out = []
    for m in _pattern().finditer(text.text):
        if _inside_word(text, m.start(), m.end()):
            continue
        start = _left(text, m.start(), stop)
        if table[m.group()] not in _UNSPLIT:
            start = _chain_start(text, start, m.start())
        name = text.text[start:m.end()]
        if m.start() - start < 2 or name in generic or _common(text, start, m.end(), m.start()):
            continue
        canonical, printed, level = _canonical(name, table[m.group()], settings)
        out.append(Found("place", canonical, printed, start, m.end(), level))
    return out


@lru_cache(maxsize=1)
def _stop() -> frozenset[str]:
    return lexicon.wordset("orgs_stop.txt") | lexicon.wordset("places_before.txt")


def _left(text: Text, pos: int, stop: frozenset[str]) -> int:
    """Start of the name whose suffix starts at pos: no verb, digit or year inside, and a
    level character printed in front (市城乡一体化示范区) left out."""
    start = text.left_chars(pos, stop, limit=_MAX_PREFIX, verbs=frozenset())
    for k in range(pos - 1, start - 1, -1):
        if text.text[k] in _NEVER_INSIDE or text.text[k].isdigit():
            start = k + 1
            break
    while pos - start > 2:  # 市区 in 市区清潩河游园: a leading ordinary word is no part of the name
        i = text.token_at(start)
        word, tag = text.tokens[i]
        if text.token_starts[i] != start or len(word) < 2 or tag not in _COMMON_TAGS or pos - start - len(word) < 2:
            break
        start += len(word)
    if text.text[start] in _CHAIN_LEVELS and pos - start >= 4:
        start += 1
    return start


def _canonical(name: str, level: str, settings: Settings) -> tuple[str, str, str]:
    """(name, as printed, level): provinces and the home city by their short names (河南, 许昌)."""
    if name in known():
        short, level = known()[name]
        return short, name, level
    if name == settings.city:
        return settings.city_short, name, level
    if name == settings.province:
        return settings.province_short, name, "province"
    return name, name, level


def _inside_word(text: Text, start: int, end: int) -> bool:
    """A suffix that runs on into a longer word (路线, 村民, 市场) is none."""
    return end not in text.ending_at


def _chain_start(text: Text, start: int, suffix: int) -> int:
    """In 建安区灵井镇, the town starts after 区: after the last level character that leaves a
    place of three or more characters before it and two characters before the suffix."""
    for k in range(suffix - 2, start + 2, -1):
        if text.text[k - 1] in _CHAIN_LEVELS:
            return k
    return start


def _common(text: Text, start: int, end: int, suffix: int) -> bool:
    """A common word, not a name: rjieba reads it as one ordinary word (病区), or the suffix as
    the end of an ordinary word (城市, 乡村, 返乡)."""
    i = text.token_at(start)
    word, tag = text.tokens[i]
    if text.token_starts[i] == start and len(word) >= end - start and tag not in _NAME_TAGS and end - suffix == 1 \
            and not (tag == "m" and text.text[suffix] in "路街"):  # 五一路 is a road named by a date
        return True  # 集成电路 is one ordinary word ending in 路
    j = text.token_at(suffix)
    word, tag = text.tokens[j]
    if text.token_starts[j] < suffix and (tag in _COMMON_TAGS or word in lexicon.wordset("places_stop.txt")):
        return True
    if start < text.token_starts[j] < suffix:
        return True  # a word across the name's middle and its suffix (科教|兴省) is no name
    k = text.token_at(start)
    word, tag = text.tokens[k]
    return text.token_starts[k] == start and start + len(word) == suffix and tag in _VAGUE_TAGS


def _known(text: Text, settings: Settings) -> list[Found]:
    """Known names and the home city and province, where rjieba reads them as whole words."""
    table = known()
    home = {settings.city_short: "city", settings.province_short: "province"}
    out = []
    for m in _known_pattern(settings.city_short, settings.province_short).finditer(text.text):
        i = text.token_at(m.start())
        word, tag = text.tokens[i]
        if text.token_starts[i] != m.start() or word != m.group() or tag == "f":
            continue
        short, level = (word, home[word]) if word in home else table[word]
        out.append(Found("place", short, word, m.start(), m.end(), level))
    return out


@lru_cache(maxsize=8)
def _known_pattern(*home: str) -> re.Pattern[str]:
    return re.compile(lexicon.alternation([*known(), *home]))


def _distinct(found: list[Found]) -> list[Found]:
    """Drop a second reading of one span, or a known name read again inside a longer one that
    starts at the same offset (许昌 in 许昌市)."""
    out: list[Found] = []
    for f in found:
        if out and out[-1].start == f.start and (f.end == out[-1].end or f.name == out[-1].name):
            continue
        out.append(f)
    return out


def _contain(found: list[Found], settings: Settings) -> list[Found]:
    """Record the place printed right before a smaller one as its container."""
    out = []
    for prev, f in zip([None, *found], found):
        parent = None
        if prev is not None and prev.end == f.start and _rank(prev) < _rank(f):
            parent = prev.name
        elif f.name == settings.city_short:
            parent = settings.province_short
        facts = (("containedIn", parent),) if parent else ()
        out.append(Found(f.kind, f.name, f.surface, f.start, f.end, f.subtype, facts))
    return out


def _rank(f: Found) -> int:
    return _LEVELS.index(f.subtype) if f.subtype in _LEVELS else len(_LEVELS)
