"""Places: names ending in a place suffix (…县, …镇, …村, …路, …游园); places known by name
(kb.stages.divisions: China's divisions, the world's countries and cities; places_regions.txt), the
home city and province; and what each lies in (schema:containedInPlace): from the divisions' data
(禹州市 ⊂ 许昌 ⊂ 河南 ⊂ 中国), else from a chain printed in a row (霍庄村 ⊂ 灵井镇 in 灵井镇霍庄村)."""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from kb.config import Settings
from kb.stages import divisions, lexicon
from kb.stages.divisions import Division
from kb.stages.rule import RuleContext
from kb.stages.text import Found, Text

NAME = "kb.places.v4"
_LEVELS = ("country", "province", "city", "county", "town", "village")
_CHAIN_LEVELS = "省市县区旗镇乡路"  # a chain of places splits after these
_MAX_PREFIX = 8
_MAX_TOKENS = 8  # a name known by name spans at most this many of rjieba's words
_NEVER_INSIDE = frozenset("我该全各本年到与二三四五六七八九十两")
_UNSPLIT = frozenset({"area"})  # 襄城县产业集聚区 is one place, named with its county
_NAME_TAGS = frozenset({"ns", "nr", "nrt", "nrfg", "x", "j"})  # a one-word place is read so
_VAGUE_TAGS = frozenset({"m", "a", "ad", "d", "v", "vn", "r", "l", "i"})  # 一条社区, 老旧小区
_COMMON_TAGS = frozenset({"n", "v", "vn", "a", "ad", "d", "m", "r", "f", "t", "b", "l", "i", "s"})
# a word read so is no place named alone (开封 the verb, 大同 the adverb, 马里 the measure word)
_NOT_NAME_TAGS = frozenset({"v", "vd", "vn", "d", "a", "ad", "an", "c", "p", "q", "m", "r", "f", "t",
                            "u", "uj", "ul", "uz", "zg", "y", "e", "o"})
_GLUE_TAGS = frozenset({"p", "c"})
_FOREIGN = frozenset({"country", "locality", "region"})
AREA = "地区"  # a word after a place's name (亚太地区, 中东地区: the place is 亚太, 中东)
_NAMED_AFTER = frozenset({"landmark", "area"})  # levels of places_suffixes.txt that take their division's name


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    return re.compile(lexicon.alternation(lexicon.suffix_table("places_suffixes.txt")))


@lru_cache(maxsize=1)
def known() -> dict[str, tuple[str, str]]:
    """Printed name -> (canonical name, level) of every place known by name: China's divisions
    down to the county and the world's countries and cities (kb.stages.divisions), and regions."""
    table = {}
    for printed, candidates in divisions.index().items():
        named = [d for d in candidates if d.level != "town"]
        if named:
            table[printed] = (named[0].name, named[0].level)
    for row in lexicon.rows("places_regions.txt"):
        table[row[0]] = (row[-1], "region")
    return table


@lru_cache(maxsize=8)
def _names(*home: str) -> tuple[frozenset[str], dict[str, int], np.ndarray]:
    """(names read as places by name alone, their first two characters -> the longest's length,
    those first two characters as sorted numbers, for _opening)."""
    ambiguous = lexicon.wordset("places_ambiguous.txt") | lexicon.wordset("places_stop.txt")
    names = frozenset(n for n in (*known(), *home) if len(n) >= 2 and n not in ambiguous)
    longest: dict[str, int] = {}
    for n in names:
        longest[n[:2]] = max(len(n), longest.get(n[:2], 0))
    return names, longest, np.array(sorted(ord(a) << 21 | ord(b) for a, b in longest), np.int64)


def place_suffix(name: str) -> str | None:
    """The place suffix a name ends with, if any."""
    m = _pattern().search(name)
    return m.group() if m and m.end() == len(name) else None


class _Home(NamedTuple):
    """The paper's home city and province (Settings), by full and short names."""
    city: str  # 许昌市
    province: str  # 河南省
    short: tuple[str, str]  # (许昌, 河南): nearest first, as divisions.pick takes them

    @classmethod
    def of(cls, settings: Settings) -> "_Home":
        return cls(settings.city, settings.province, (settings.city_short, settings.province_short))


def find(text: Text, context: RuleContext) -> list[Found]:
    home = _Home.of(context.settings)
    named = _named(text, home)
    found = sorted([*_suffixed(text, home, sorted(f.end for f in named)), *named], key=lambda f: (f.start, -f.end))
    return _contain(_distinct(found), home)


def spanning(name: str, context: RuleContext) -> list[Found]:
    """What find reads as the whole of name (印度 of 印度政府). Only a known name or a name ending
    in a place suffix after two characters or more can be one: for any other, find does not run."""
    if name not in _names(*context.home)[0] and \
            not any(m.end() == len(name) and m.start() >= 2 for m in _pattern().finditer(name)):
        return []
    return [p for p in find(Text.of(name), context) if (p.start, p.end) == (0, len(name))]


def _suffixed(text: Text, home: _Home, named_ends: list[int]) -> list[Found]:
    """Names ending in a suffix; one starts after a place known by name printed before it in a row
    (鄂尔多斯市鄂托克旗|乌兰镇), and a known division is taken however rjieba cut it (将官|池镇)."""
    table = lexicon.suffix_table("places_suffixes.txt")
    stop = _stop()
    generic = lexicon.wordset("places_stop.txt")
    glue = _glue()
    out = []
    for m in _pattern().finditer(text.text):
        inside = _inside_word(text, m.start(), m.end())
        if inside and text.text[m.end() - 1] not in _division_ends():
            continue  # no division ends here either (_division_before): known before walking left
        start = _after_division(text, _left(text, m.start(), stop))
        if inside and not _division_before(text, start, m.end()):
            continue
        if table[m.group()] not in _UNSPLIT:
            start = _chain_start(text, start, m.start())
            k = bisect_right(named_ends, m.start() - 2) - 1  # the last known name ending in the prefix
            start = max(start, named_ends[k]) if k >= 0 else start
        if text.text[start - 1:start] in glue and divisions.lookup(text.text[start - 1:m.end()]):
            start -= 1  # a division whose name starts with a function word (将官池镇)
        start = _unglue(text, start, m.start(), m.end())
        name = text.text[start:m.end()]
        if m.start() - start < 2 or name in generic or not _which(text, start, m, name):
            continue
        end = m.start() if m.group() == AREA and name[:-len(AREA)] in known() else m.end()
        canonical, printed, level = _canonical(text.text[start:end], table[m.group()], home)
        out.append(Found("place", canonical, printed, start, end, level))
    return out


def _which(text: Text, start: int, m: re.Match[str], name: str) -> bool:
    """Whether a suffixed name names one place: not a common word, and for a suffix marked
    "proper", a proper name before it (周围地区 names none); a known division always does."""
    if divisions.lookup(name) or (text.token_starts[text.token_at(start)] != start
                                  and _division_before(text, max(0, start - _MAX_PREFIX), start)):
        return True  # a known division, or a place rjieba glued to one (花石|镇白|南村)
    if m.group() in _proper_suffixes() and not text.proper(start, m.start()):
        return False
    return not _common(text, start, m.end(), m.start())


@lru_cache(maxsize=1)
def _proper_suffixes() -> frozenset[str]:
    return frozenset(row[0] for row in lexicon.rows("places_suffixes.txt") if row[2:] == ["proper"])


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


def _unglue(text: Text, start: int, suffix: int, end: int) -> int:
    """Start of the name without a preposition or conjunction rjieba read into it (经王|岗|镇,
    及|王庄村): one that also starts names (和平街道) only when the rest is a known division or
    rjieba reads it as a word of its own, and never off a known division (将官池镇)."""
    glue = _glue()
    while True:
        word = next((w for w in (text.text[start:start + 2], text.text[start]) if w in glue), None)
        if word is None or suffix - start - len(word) < 2 or divisions.lookup(text.text[start:end]):
            break
        i = text.token_at(start)
        alone = text.token_starts[i] == start and text.tokens[i][0] == word and text.tokens[i][1] in _GLUE_TAGS
        if glue[word] and not alone and not divisions.lookup(text.text[start + len(word):end]):
            break
        start += len(word)
    return start


@lru_cache(maxsize=1)
def _glue() -> dict[str, bool]:
    """Glue word -> whether it also starts real names."""
    return {row[0]: row[-1] == "name" for row in lexicon.rows("places_glue.txt")}


def _canonical(name: str, level: str, home: _Home) -> tuple[str, str, str]:
    """(name, as printed, level): the home city and province by their short names (许昌, 河南),
    known places by their canonical names and levels (郑州市 -> 郑州, 禹州市 is a county)."""
    city, province = home.short
    if name == city or name == home.city:
        return city, name, "city"
    if name == province or name == home.province:
        return province, name, "province"
    if name in known():
        canonical, level = known()[name]
        return canonical, name, level
    return name, name, level


def _after_division(text: Text, start: int) -> int:
    """A name's start moved back past the end of a known division that rjieba glued to the
    name's first character (花石|镇白|南村: 白南村 starts after 花石镇)."""
    if start == 0:
        return start
    word_start = text.token_starts[text.token_at(start - 1)]
    for k in range(start - 1, word_start, -1):
        if _division_before(text, max(0, k - _MAX_PREFIX), k):
            return k
    return start


def _division_before(text: Text, start: int, end: int) -> bool:
    """Whether a known division ends at end, however rjieba cut the text (花石|镇白|南村)."""
    return text.text[end - 1:end] in _division_ends() and \
        any(divisions.lookup(text.text[k:end]) for k in range(start, end - 2))


@lru_cache(maxsize=1)
def _division_ends() -> frozenset[str]:
    """The characters a division's name ends with (镇, 县, 旗…): what to check before looking one up."""
    return frozenset(name[-1] for name in divisions.index())


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


def _named(text: Text, home: _Home) -> list[Found]:
    """Places known by name (and the home city and province) printed as whole words: the longest
    name starting at a word start, tried where a name opens with the word's first two characters."""
    names, firsts, pairs = _names(*home.short)
    s, tokens, starts = text.text, text.tokens, text.token_starts
    out = []
    for i in _opening(text, pairs):
        start = end = starts[i]
        longest, hit = firsts[s[start:start + 2]], None
        for j in range(i, min(i + _MAX_TOKENS, len(tokens))):
            end += len(tokens[j][0])
            if end - start > longest:
                break
            if s[start:end] in names:
                hit = (j, end)
        if hit is not None and _whole(text, i, *hit, home):
            canonical, name, level = _canonical(s[start:hit[1]], "", home)
            out.append(Found("place", canonical, name, start, hit[1], level))
    return out


def _opening(text: Text, pairs: np.ndarray) -> list[int]:
    """The indexes of the words whose first two characters open a known name (pairs: the first
    character's code shifted past any code point, plus the second's), found for all words at once."""
    codes = np.zeros(len(text.text) + 1, np.int64)  # 0 after the last: a last word of one character pairs with none
    codes[:-1] = np.frombuffer(text.text.encode("utf-32-le"), np.uint32)
    starts = np.array(text.token_starts, np.int64)
    keys = codes[starts] << 21 | codes[starts + 1]
    found = pairs.take(np.searchsorted(pairs, keys), mode="clip") == keys
    return np.flatnonzero(found).tolist()


def _whole(text: Text, first: int, last: int, end: int, home: _Home) -> bool:
    """Whether a known name read from words first..last is meant as a place: one word of a name's
    kind, or several making three characters or more (粤港澳大湾区). A prefecture city's short form
    read as an ordinary noun (日照, 长治) is taken only in the home province."""
    name = text.text[text.token_starts[first]:end]
    if last > first:
        return len(name) >= 3
    tag = text.tokens[first][1]
    if tag in _NOT_NAME_TAGS or (tag == "n" and known().get(name, ("", ""))[1] == "city"):
        return _at_home(name, home.short)
    return True


def _at_home(name: str, home: tuple[str, str]) -> bool:
    return name in home or any(d.name in home or home[1] in d.above for d in divisions.lookup(name))


def _distinct(found: list[Found]) -> list[Found]:
    """Drop a second reading of one span, or a known name read again inside a longer one that
    starts at the same offset (许昌 in 许昌市), or a foreign one that names it (米兰 in 米兰小区)."""
    out: list[Found] = []
    for f in found:
        if out and out[-1].start == f.start and (f.end == out[-1].end or f.name == out[-1].name
                                                 or f.subtype in _FOREIGN):
            continue
        out.append(f)
    return out


def _contain(found: list[Found], home: _Home) -> list[Found]:
    """Each place with the place it lies in, and its level, from the division it names: the one
    inside the place printed right before it (襄城县库庄镇), else the one a chain printed elsewhere
    on the page implies, else the home city's or province's (divisions.pick). A place the divisions
    do not know lies in the place printed right before it, when that is a larger one."""
    before = [p if p is not None and p.end == f.start and _rank(p) < _rank(f) else None
              for p, f in zip([None, *found], found)]
    chosen = [divisions.pick(_candidates(f, home), p.name, home.short) if p else None for f, p in zip(found, before)]
    implied: dict[str, str] = {}  # canonical name -> what it lies in, from the divisions chains named
    for d in filter(None, chosen):
        for name, parent in zip((d.name, *d.above), d.above):
            implied.setdefault(name, parent)
    out = []
    for f, p, d in zip(found, before, chosen):
        if p is None and f.name not in implied:
            d = divisions.pick(_candidates(f, home), None, home.short)
        parent = d.parent if d else p.name if p else implied.get(f.name) or _named_after(f)
        if parent is None and f.name == home.short[0]:
            parent = home.short[1]
        facts = (("containedIn", parent),) if parent else ()
        out.append(Found(f.kind, f.name, f.surface, f.start, f.end, d.level if d else f.subtype, facts))
    return out


def _named_after(f: Found) -> str | None:
    """The division a landmark or area is named with lies in it (许昌东站 ⊂ 许昌, 襄城县产业集聚区
    ⊂ 襄城县); a road is not (北京路 is no road of Beijing's)."""
    if f.subtype not in _NAMED_AFTER:
        return None
    for k in range(len(f.surface) - 2, 1, -1):
        canonical, level = known().get(f.surface[:k], ("", "region"))
        if level not in _FOREIGN:
            return canonical
    return None


def containers(found: list[Found], settings: Settings) -> list[Found]:
    """The places that those found lie in but that the page does not print (库庄镇 ⊂ 襄城县 ⊂ 许昌
    ⊂ 河南 ⊂ 中国), each with what it lies in: the KB states containment for every place it has.
    Zero-width (start == end): entities of the page, never mentions."""
    have = {f.name for f in found if f.kind == "place"}
    todo = [(value, f.start) for f in found for key, value in f.facts if key in ("containedIn", "location")]
    out = []
    while todo:
        name, at = todo.pop()
        if name in have:
            continue
        have.add(name)
        candidates = divisions.lookup(name)
        d = divisions.pick(candidates, None, _Home.of(settings).short) or (candidates[0] if len(candidates) == 1 else None)
        facts = (("containedIn", d.parent),) if d and d.parent else ()
        out.append(Found("place", name, name, at, at, d.level if d else None, facts))
        todo.extend((value, at) for _, value in facts)
    return out


def _candidates(f: Found, home: _Home) -> tuple[Division, ...]:
    """The divisions a place may be; villages only among the home city's."""
    if f.subtype == "village":
        return divisions.villages(home.city).get(f.surface, ())
    return divisions.lookup(f.surface) or divisions.lookup(f.name)


def _rank(f: Found) -> int:
    return _LEVELS.index(f.subtype) if f.subtype in _LEVELS else len(_LEVELS)
