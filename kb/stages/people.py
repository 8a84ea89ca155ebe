"""People: full names after titles and cue words, lists of names, names learned on the page
reused for bare mentions, and rjieba's person tag as a weak signal checked against surnames."""
from __future__ import annotations

import re
from functools import lru_cache

from kb.stages import lexicon
from kb.stages.lexicon import CJK
from kb.stages.text import Found, Text

NAME = "kb.people.v1"
_CJK = re.compile(f"[{CJK}]")
_CJK_ONLY = re.compile(f"[{CJK}]+")
# single characters that, printed right after a two-character name, are not part of it
_ENDERS = frozenset("说在和与等的是对向将把就也都还又从同为到作称讲赴了谈")
PERSON_TAGS = frozenset({"nr", "nrfg", "nrt"})
# rjieba tags that rule a word out as a name after a title (the stronger context); after a cue
# word any tag but a person's or an unknown word's does
_NOT_NAME_TAGS = frozenset({"l", "i", "d", "v", "vn", "a", "ad", "c", "p", "r", "m", "f", "t"})
_LIST = re.compile(f"[{CJK}]{{2,4}}(?:、[{CJK}]{{2,4}})+")


def name_at(text: Text, pos: int, known: set[str] | frozenset[str] = frozenset(),
            default_long: bool = False) -> int | None:
    """End of a full name starting at pos (surname + one or two characters), or None."""
    single, compound = lexicon.surnames()
    s = text.text
    if s[pos:pos + 2] in compound:
        lengths = (pos + 3, pos + 4)
    elif pos < len(s) and s[pos] in single:
        lengths = (pos + 2, pos + 3)
    else:
        return None
    if lengths[0] > len(s) or not _is_cjk(s[pos:lengths[0]]):
        return None
    end = _choose(text, pos, lengths, known, default_long)
    if end is None or s[pos:end] in lexicon.wordset("people_stop.txt") or \
            _common_word(text, pos, end, known, strict=not default_long):
        return None
    return end


def _choose(text: Text, pos: int, lengths: tuple[int, int], known: set[str] | frozenset[str],
            default_long: bool) -> int | None:
    s, (short, long) = text.text, lengths
    if s[pos:long] in known:
        return long
    if s[pos:short] in known:
        return short
    if long > len(s) or not _is_cjk(s[short:long]):
        return short
    ends = lexicon.after_pattern()
    if s[short] in _ENDERS and ends.match(s, short + 1):
        return short
    if ends.match(s, long):
        return long
    if ends.match(s, short):
        return short
    i = text.token_at(pos)
    word, tag = text.tokens[i]
    if text.token_starts[i] == pos and tag in PERSON_TAGS and pos + len(word) >= lengths[0]:
        return min(pos + len(word), long)
    return long if default_long else None


def _common_word(text: Text, pos: int, end: int, known: set[str] | frozenset[str], strict: bool) -> bool:
    """An ordinary word (干部, 满意, 全力) that rjieba reads as one word and not a name, or a
    candidate that starts inside a word (党员干部)."""
    if text.text[pos:end] in known:
        return False
    i = text.token_at(pos)
    word, tag = text.tokens[i]
    start = text.token_starts[i]
    ordinary = tag not in PERSON_TAGS and tag not in ("x", "p")  # rjieba cuts 王自|合为 into a "preposition"
    if start < pos or (strict and len(word) >= 2 and ordinary):
        return tag not in PERSON_TAGS and len(word) >= 2
    return len(word) >= end - pos and ordinary and (strict or tag in _NOT_NAME_TAGS)


def _is_cjk(s: str) -> bool:
    return _CJK_ONLY.fullmatch(s) is not None


def name_list(text: Text, pos: int, known: set[str] | frozenset[str], default_long: bool = False) -> list[tuple[int, int]]:
    """Names at pos separated by 、 (副市长赵淑红、李海峰、董留民): their spans."""
    spans: list[tuple[int, int]] = []
    titles = lexicon.title_pattern()
    while (end := name_at(text, pos, known, default_long)) is not None:
        spans.append((pos, end))
        if text.text[end:end + 1] != "、" or titles.match(text.text, end + 1):
            break
        pos = end + 1
    return spans


def cue_names(text: Text, known: set[str]) -> list[Found]:
    """Names after cue words that are not posts: 记者, 市民, 市领导..."""
    found = []
    for m in _cues().finditer(text.text):
        for a, b in name_list(text, m.end(), known):
            found.append(Found("person", text.text[a:b], text.text[a:b], a, b))
    return found


@lru_cache(maxsize=1)
def _cues() -> re.Pattern[str]:
    return re.compile(lexicon.alternation(lexicon.words("people_cues.txt")))


def listed(text: Text, known: set[str]) -> list[Found]:
    """Lists joined by 、 with two or more members known as names or read by rjieba as people
    (王某、李某、张某): every member is a name."""
    found = []
    lists = text.memo("people.lists", lambda: [(start, members, _offsets(start, members))
                                               for start, members in _lists(text.text)])
    for start, members, offsets in lists:
        if sum(_person_like(text, pos, member, known) for pos, member in offsets) < 2:
            continue
        pos = start
        for member in members:
            end = name_at(text, pos, known, default_long=True)
            if end is not None and end <= pos + len(member):
                found.append(Found("person", text.text[pos:end], text.text[pos:end], pos, end))
            pos += len(member) + 1
    return found


def _lists(s: str) -> list[tuple[int, list[str]]]:
    """(start, members) of each _LIST match, as _LIST.finditer finds them, trying only the offsets
    a list can start at: two to four characters before a 、 (scanning every offset is slow)."""
    out: list[tuple[int, list[str]]] = []
    reach = tried = 0
    comma = s.find("、")
    while comma >= 0:
        for pos in range(max(reach, tried, comma - 4), comma - 1):
            tried = pos + 1
            if m := _LIST.match(s, pos):
                out.append((pos, m.group().split("、")))
                reach = m.end()
                break
        comma = s.find("、", max(comma + 1, reach))
    return out


def _offsets(start: int, members: list[str]) -> list[tuple[int, str]]:
    out = []
    for member in members:
        out.append((start, member))
        start += len(member) + 1
    return out


def _person_like(text: Text, pos: int, member: str, known: set[str]) -> bool:
    """A list member known as a name, or one rjieba reads as a person."""
    i = text.token_at(pos)
    return member in known or (text.token_starts[i] == pos and text.tokens[i][1] in PERSON_TAGS)


def tagged_names(text: Text, known: set[str], exclude: set[str]) -> list[Found]:
    """rjieba person tags, kept when a surname starts them, a line or a clause starts with them
    and a word that may follow a name (说, 强调, 出席...) follows them."""
    single, compound = lexicon.surnames()
    stop = lexicon.wordset("people_stop.txt")
    ends = lexicon.after_pattern()
    found = []
    for word, tag, start in text.tagged(PERSON_TAGS):
        if not 2 <= len(word) <= 3 or word in stop or word in exclude:
            continue
        if not (word[0] in single or word[:2] in compound) or not _is_cjk(word):
            continue
        end = start + len(word)
        follow = ends.match(text.text, end)
        if follow and follow.group() and _CJK.match(follow.group()) and (start == 0 or text.boundary_before(start)):
            found.append(Found("person", word, word, start, end))
    return found


def headline_names(text: Text, known: set[str]) -> list[Found]:
    """Names that open a printed line and are followed by a word that follows names (楚雷到…调研)."""
    found = []
    ends = lexicon.after_pattern()
    for pos in sorted(text.line_starts):
        end = name_at(text, pos, known)
        if end is not None and (m := ends.match(text.text, end)) and m.group() and _CJK.match(m.group()):
            found.append(Found("person", text.text[pos:end], text.text[pos:end], pos, end))
    return found


def split_glued(run: str) -> list[str]:
    """石冠兵高伟山 -> [石冠兵, 高伟山]: two or three names printed with no separator."""
    single, _ = lexicon.surnames()
    for sizes in ((3, 3), (2, 3), (3, 2), (2, 2), (3, 3, 3)):
        if sum(sizes) == len(run):
            parts = [run[sum(sizes[:k]):sum(sizes[:k + 1])] for k in range(len(sizes))]
            if all(p[0] in single for p in parts):
                return parts
    return [run]


def learned(text: Text, names: set[str]) -> list[Found]:
    """Every occurrence on the page of the names found by the stronger rules."""
    s = text.text
    longest: dict[int, int] = {}  # start -> end of the longest name there
    for name in names:
        pos = s.find(name) if name else -1
        while pos >= 0:
            longest[pos] = max(longest.get(pos, 0), pos + len(name))
            pos = s.find(name, pos + 1)
    found, reach = [], 0
    for start in sorted(longest):  # left to right, longest first, no overlaps: as one regex would
        if start >= reach:
            reach = longest[start]
            found.append(Found("person", s[start:reach], s[start:reach], start, reach))
    return found
