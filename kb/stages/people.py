"""People: full names after titles and cue words (and before them: 王建国同志, 李红梅大使), lists
of names, printed with separators or glued together after a cue (张三李四王五), transliterated
foreign names (安东尼奥·古特雷斯; 总统拜登), names learned on the page reused for bare mentions,
and rjieba's person tag as a weak signal checked against surnames. A function word is no
surname (但明确, 由张三) unless rjieba reads the whole as a person."""
from __future__ import annotations

import re
from functools import lru_cache

from kb.stages import lexicon
from kb.stages.lexicon import CJK
from kb.stages.rule import RuleContext
from kb.stages.text import Found, Text

NAME = "kb.people.v3"
_CJK = re.compile(f"[{CJK}]")
_CJK_ONLY = re.compile(f"[{CJK}]+")
# single characters that, printed right after a two-character name, are not part of it
_ENDERS = frozenset("说在和与等的是对向将把就也都还又从同为到作称讲赴了谈")
PERSON_TAGS = frozenset({"nr", "nrfg", "nrt"})
# rjieba tags that rule a word out as a name after a title (the stronger context); after a cue
# word any tag but a person's or an unknown word's does
_NOT_NAME_TAGS = frozenset({"l", "i", "d", "v", "vn", "a", "ad", "c", "p", "r", "m", "f", "t"})
_FUNCTION_TAGS = frozenset({"c", "p", "d", "u", "uj", "r", "v"})
_LIST = re.compile(f"[{CJK}]{{2,4}}(?:、[{CJK}]{{2,4}})+")
_GLUED = (4, 12)  # characters of a run of names printed without separators after a cue
_FOREIGN = (2, 12)  # characters of a transliterated name, each part of a dotted one at least 2
_DOT = "·"
_LONGEST_HAN = 4  # characters of the longest Chinese name (compound surname + two)
_RUN_FOLLOWED = 3  # a transliterated run this long needs no word after it that follows names
# ways to cut a run of glued names, in the order tried: two names before three, longer names first
_GLUED_SIZES = ((3, 3), (2, 3), (3, 2), (2, 2), (3, 3, 3), (2, 2, 2), (3, 3, 2), (3, 2, 3), (2, 3, 3),
                (3, 2, 2), (2, 3, 2), (2, 2, 3), (3, 3, 3, 3), (2, 2, 2, 2))


def name_at(text: Text, pos: int, known: frozenset[str] = frozenset(),
            default_long: bool = False) -> int | None:
    """End of a full name starting at pos (surname + one or two characters), or None."""
    single, compound = lexicon.surnames()
    s = text.text
    foreign = foreign_at(text, pos, dotted_only=not default_long)
    if foreign is not None and (_DOT in s[pos:foreign] or foreign - pos > _LONGEST_HAN):
        return foreign  # 普里马科夫, not 普里马
    i = text.token_at(pos) if pos < len(s) else -1
    if default_long and i >= 0 and text.token_starts[i] == pos and _foreign_token(*text.tokens[i]):
        return pos + len(text.tokens[i][0])  # rjieba's foreign person: 国务卿|奥尔布赖特
    if _function_start(text, pos, strict=not default_long):
        return None
    if s[pos:pos + 2] in compound:
        lengths = (pos + 3, pos + 4)
    elif pos < len(s) and s[pos] in single:
        lengths = (pos + 2, pos + 3)
    else:
        return foreign
    if lengths[0] > len(s) or not _is_cjk(s[pos:lengths[0]]):
        return None
    end = _choose(text, pos, lengths, known, default_long)
    if end is None or s[pos:end] in lexicon.wordset("people_stop.txt") or \
            _common_word(text, pos, end, known, strict=not default_long):
        return foreign
    return end


def foreign_at(text: Text, pos: int, dotted_only: bool = False) -> int | None:
    """End of a transliterated name at pos (安东尼奥·古特雷斯, 拜登) that a word which may follow a
    name follows, or None; with dotted_only, only a name with a · inside (parts of 2+ characters)."""
    s, chars = text.text, lexicon.wordset("people_foreign.txt")
    low, high = _FOREIGN
    end, part, parts = pos, 0, 1
    while end < len(s) and end - pos < high and (s[end] in chars or (s[end] == _DOT and part >= low)):
        if s[end] == _DOT:
            part, parts = -1, parts + 1
        end, part = end + 1, part + 1
    if part < low or end - pos < low or (dotted_only and parts < 2):
        return None
    return end if end - pos >= _RUN_FOLLOWED or _ends_name(text, end) else None


def _foreign_token(word: str, tag: str) -> bool:
    """A word rjieba reads as a foreign person: tagged so (nrt), or a person of transliteration
    characters longer than Chinese names are (伊丽莎白), not 陈思远作."""
    if tag == "nrt":
        return len(word) >= 2
    return tag in PERSON_TAGS and len(word) >= _LONGEST_HAN and all(c in lexicon.wordset("people_foreign.txt") for c in word)


def _function_start(text: Text, pos: int, strict: bool = True) -> bool:
    """A candidate starting with a function word (但明确, 由张三) that rjieba does not read as a
    person starting there; not strict (after a title, where a name is expected), any character
    rjieba reads as a function word of its own (总统和江泽民, 总统曾声明; but 副市长于海波)."""
    if pos >= len(text.text):
        return False
    if not strict:
        return _lone_function_word(text, pos)
    if text.text[pos] not in lexicon.wordset("people_function.txt"):
        return False
    i = text.token_at(pos)
    return text.token_starts[i] != pos or text.tokens[i][1] not in PERSON_TAGS


def _lone_function_word(text: Text, pos: int) -> bool:
    """rjieba reads the character at pos as a word of its own that starts no name: 总统|曾|声明,
    特使|来|南亚 (surnames, but not here; 书记|于|爱波 is one, the given name read as a person's)."""
    i = text.token_at(pos)
    word, tag = text.tokens[i]
    if text.token_starts[i] != pos or len(word) != 1 or tag not in _FUNCTION_TAGS:
        return False
    after = text.tokens[i + 1] if i + 1 < len(text.tokens) else ("", "")
    return not (after[1] in PERSON_TAGS and len(after[0]) <= 2)


def _person_tokens(text: Text, start: int, end: int) -> bool:
    """Whether rjieba reads [start, end) as a person: every word it cuts there is a person's or a
    single character, and none runs past it (张三李四|王五 yes; 李中|文报道 and 党员 no)."""
    i = text.token_at(start)
    while i < len(text.tokens) and text.token_starts[i] < end:
        word, tag = text.tokens[i]
        if tag not in PERSON_TAGS or text.token_starts[i] + len(word) > end:
            return False
        i += 1
    return True


def _choose(text: Text, pos: int, lengths: tuple[int, int], known: frozenset[str],
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
    after_long, after_short = ends.match(s, long), ends.match(s, short)
    if after_long and not (after_short and len(after_short.group()) > len(after_long.group())):
        return long  # 王建国为…; but 张三|认为 rather than 张三认|为
    if after_short:
        return short
    i = text.token_at(pos)
    word, tag = text.tokens[i]
    if text.token_starts[i] == pos and tag in PERSON_TAGS and pos + len(word) >= lengths[0]:
        return min(pos + len(word), long)
    return long if default_long else None


def _common_word(text: Text, pos: int, end: int, known: frozenset[str], strict: bool) -> bool:
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
    if ordinary and 2 <= len(word) < end - pos and end not in text.ending_at:
        return True  # a word, then part of the next one: 秘书长|呼吁|中东地区
    return len(word) >= end - pos and ordinary and (strict or tag in _NOT_NAME_TAGS)


def _is_cjk(s: str) -> bool:
    return _CJK_ONLY.fullmatch(s) is not None


def name_list(text: Text, pos: int, known: frozenset[str], default_long: bool = False) -> list[tuple[int, int]]:
    """Names at pos separated by 、 (副市长赵淑红、李海峰、董留民): their spans."""
    spans: list[tuple[int, int]] = []
    titles = lexicon.title_pattern()
    while (end := name_at(text, pos, known, default_long)) is not None:
        spans.append((pos, end))
        if text.text[end:end + 1] != "、" or titles.match(text.text, end + 1):
            break
        pos = end + 1
    return spans


def cue_names(text: Text, context: RuleContext) -> list[Found]:
    """Names after cue words that are not posts (记者, 市民, 市领导...), also glued together
    (获奖者有张三李四王五); names before cue words (王建国同志); dotted foreign names anywhere."""
    found = []
    for m in _cues().finditer(text.text):
        spans = name_list(text, m.end(), context.people)
        if len(spans) <= 1 and not (spans and _ends_name(text, spans[0][1])):  # 张三李|四王五: glued
            spans = _glued(text, m.end()) or spans
        found.extend(Found("person", text.text[a:b], text.text[a:b], a, b) for a, b in spans)
    found.extend(_before_cues(text))
    found.extend(_dotted(text))
    return found


def _ends_name(text: Text, pos: int) -> bool:
    """Whether what is printed at pos may follow a name: punctuation, the end, 说, 强调..."""
    m = lexicon.after_pattern().match(text.text, pos)
    return m is not None and (bool(m.group()) or pos == len(text.text))


def _glued(text: Text, pos: int) -> list[tuple[int, int]]:
    """Names printed with no separator between them after a cue, up to punctuation: 张三李四王五."""
    run = _CJK_ONLY.match(text.text, pos)
    low, high = _GLUED
    if run is None or not low <= len(run.group()) <= high:
        return []
    parts = split_glued(run.group())
    spans, start = [], pos
    for part in parts:
        spans.append((start, start + len(part)))
        start += len(part)
    if len(parts) < 2 or not _person_tokens(text, pos, start) or \
            any(text.text[a:b] in lexicon.wordset("people_stop.txt") for a, b in spans):
        return []
    return spans


def _before_cues(text: Text) -> list[Found]:
    """A name read back from a word printed after it: 王建国同志, 李红梅大使, 向李明同志 (not 向李明)."""
    single, compound = lexicon.surnames()
    found = []
    for m in _cues_after().finditer(text.text):
        end = m.start()
        for size in (4, 3, 2):
            pos = end - size
            head = text.text[pos:pos + 2] if size == 4 else text.text[pos:pos + 1]
            if pos < 0 or head not in (compound if size == 4 else single) or not _is_cjk(text.text[pos:end]):
                continue
            i = text.token_at(pos)
            if text.token_starts[i] != pos or _function_start(text, pos) or \
                    text.text[pos:end] in lexicon.wordset("people_stop.txt") or not _person_tokens(text, pos, end):
                continue
            found.append(Found("person", text.text[pos:end], text.text[pos:end], pos, end))
            break
    return found


def _dotted(text: Text) -> list[Found]:
    """Transliterated names with a · inside, wherever printed: 安东尼奥·古特雷斯."""
    found = []
    chars = lexicon.wordset("people_foreign.txt")
    for dot in re.finditer(_DOT, text.text):
        pos = dot.start()
        while pos > 0 and text.text[pos - 1] in chars and dot.start() - pos < _FOREIGN[1]:
            pos -= 1
        end = foreign_at(text, pos, dotted_only=True) if pos < dot.start() else None
        if end is not None and end > dot.end():
            found.append(Found("person", text.text[pos:end], text.text[pos:end], pos, end))
    return found


@lru_cache(maxsize=1)
def _cues_after() -> re.Pattern[str]:
    return re.compile(lexicon.alternation(lexicon.words("people_cues_after.txt")))


@lru_cache(maxsize=1)
def _cues() -> re.Pattern[str]:
    return re.compile(lexicon.alternation(lexicon.words("people_cues.txt")))


def listed(text: Text, context: RuleContext) -> list[Found]:
    """Lists joined by 、 with two or more members known as names or read by rjieba as people
    (王某、李某、张某): every member is a name."""
    known = context.people
    found = []
    lists = text.memo("people.lists", lambda: [(start, members, _offsets(start, members))
                                               for start, members in _lists(text.text)])
    for start, members, offsets in lists:
        if sum(_person_like(text, pos, member, known) for pos, member in offsets) < 2:
            continue
        pos = start
        for k, member in enumerate(members):
            # the list may start inside a word: 出席的有|王建国、李红梅
            at = _first_member(text, pos, member, known) if k == 0 else pos
            end = name_at(text, at, known, default_long=True)
            if end is not None and end <= pos + len(member):
                found.append(Found("person", text.text[at:end], text.text[at:end], at, end))
            pos += len(member) + 1
    return found


def _first_member(text: Text, pos: int, member: str, known: frozenset[str]) -> int:
    """Where the name of a list's first member starts: the member itself, else a name ending
    where the member ends (有王建国 -> 王建国)."""
    end = pos + len(member)
    if name_at(text, pos, known, default_long=True) == end:
        return pos
    for start in range(pos + 1, end - 1):
        if name_at(text, start, known, default_long=True) == end:
            return start
    return pos


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


def _person_like(text: Text, pos: int, member: str, known: frozenset[str]) -> bool:
    """A list member known as a name, or one rjieba reads as a person."""
    i = text.token_at(pos)
    return member in known or (text.token_starts[i] == pos and text.tokens[i][1] in PERSON_TAGS)


def tagged_names(text: Text, context: RuleContext) -> list[Found]:
    """rjieba person tags, kept when a surname starts them, a line or a clause starts with them
    and a word that may follow a name (说, 强调, 出席...) follows them; none that is no person's
    (context.not_people)."""
    single, compound = lexicon.surnames()
    stop = lexicon.wordset("people_stop.txt")
    ends = lexicon.after_pattern()
    found = []
    for word, tag, start in text.tagged(PERSON_TAGS):
        if not 2 <= len(word) <= 3 or word in stop or word in context.not_people:
            continue
        if not (word[0] in single or word[:2] in compound) or not _is_cjk(word):
            continue
        end = start + len(word)
        follow = ends.match(text.text, end)
        if follow and follow.group() and _CJK.match(follow.group()) and (start == 0 or text.boundary_before(start)):
            found.append(Found("person", word, word, start, end))
    return found


def headline_names(text: Text, context: RuleContext) -> list[Found]:
    """Names that open a printed line and are followed by a word that follows names (楚雷到…调研)."""
    found = []
    ends = lexicon.after_pattern()
    for pos in sorted(text.line_starts):
        if _function_start(text, pos) and pos + 1 < len(text.text) and not _lone_function_word(text, pos + 1):
            pos += 1  # 但张三认为: the name after the word (not 在|那|最为)
        end = name_at(text, pos, context.people)
        if end is not None and (m := ends.match(text.text, end)) and m.group() and _CJK.match(m.group()):
            found.append(Found("person", text.text[pos:end], text.text[pos:end], pos, end))
    return found


def split_glued(run: str) -> list[str]:
    """石冠兵高伟山 -> [石冠兵, 高伟山]: two to four names printed with no separator."""
    single, _ = lexicon.surnames()
    for sizes in _GLUED_SIZES:
        if sum(sizes) == len(run):
            parts = [run[sum(sizes[:k]):sum(sizes[:k + 1])] for k in range(len(sizes))]
            if all(p[0] in single for p in parts):
                return parts
    return [run]


def learned(text: Text, context: RuleContext) -> list[Found]:
    """Every occurrence on the page of the names found by the stronger rules (context.people),
    but for those that are no person's (context.not_people)."""
    s = text.text
    longest: dict[int, int] = {}  # start -> end of the longest name there
    for name in context.people - context.not_people:
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
