"""Organizations: names ending in an organization suffix (…有限公司, …大学, …局, …委员会), their
left edge at punctuation or a stop word; names rjieba tags as organizations; local short forms
expanded with the home city or province (市司法局 -> 许昌市司法局); bodies named by their level
alone (市委, 市政府) when used as bodies, not inside a title."""
from __future__ import annotations

import re
from functools import lru_cache

from kb.config import Settings
from kb.stages import lexicon, places
from kb.stages.rule import RuleContext
from kb.stages.text import Found, Text

NAME = "kb.orgs.v2"
# after a body's short form, characters that make it part of a title or of a longer name
_BODY_CONTINUES = re.compile("[书副常秘办会委员主党组宣统政纪监工机大领部督扩]")
_COUNT = re.compile(r"(?=[等两二三四五六七八九十\d])等?(?:[两二三四五六七八九十]|\d+)家(?:企业|公司|单位)")
_COUNTED = re.compile("家(?:企业|公司|单位)")  # what every _COUNT ends with: found far faster
_LISTED = re.compile(r"(?:[\u4e00-\u9fffA-Za-z0-9]{2,12}、)+[\u4e00-\u9fffA-Za-z0-9]{2,12}$")
_LIST_REACH = 80  # characters before a count that a list of names may take
_MIN_PREFIX = 2  # characters a name needs before its suffix
# no one organization: bodies at so many levels (三级人大), a count of works (三十多部), most of a region (华北大部)
_NO_ONE_BODY = re.compile(r"[两二三四五六七八九多各]级|(?:[一二三四五六七八九十百千两几多余\d]|大)部$")


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    suffix = lexicon.alternation(lexicon.suffix_table("orgs_suffixes.txt"))
    return re.compile(f"(?:{suffix})(?:{suffix})*")  # not (?:…)+: a pattern opening with a repeat scans slowly


def find(text: Text, context: RuleContext) -> list[Found]:
    settings = context.settings
    return [*_suffixed(text, settings), *_bodies(text, settings), *_counted(text)]


def _suffixed(text: Text, settings: Settings) -> list[Found]:
    table = lexicon.suffix_table("orgs_suffixes.txt")
    stop = lexicon.wordset("orgs_stop.txt")
    found: list[Found] = []
    for m in _pattern().finditer(text.text):
        if m.end() not in text.ending_at:  # a suffix inside a longer word (局面) is none
            continue
        start = _after_complete(text, text.name_start(m.start(), stop), m.start())
        surface = text.text[start:m.end()]
        if m.start() - start < _MIN_PREFIX or _not_org(surface) or not text.proper(start, m.start()):
            continue
        kind = table[next(surface[-n:] for n in _suffix_lengths() if surface[-n:] in table)]
        found.append(Found("organization", expand(surface, settings), surface, start, m.end(), kind))
    return found


@lru_cache(maxsize=1)
def _suffix_lengths() -> tuple[int, ...]:
    """The lengths of the suffixes, longest first: the longest suffix a name ends with names its kind."""
    return tuple(sorted({len(s) for s in lexicon.suffix_table("orgs_suffixes.txt")}, reverse=True))


def _after_complete(text: Text, start: int, suffix: int) -> int:
    """甲市政府和乙省政府 are two: a name reached past 和 starts after it when what precedes 和
    is an organization's whole name already."""
    k = text.text.rfind("和", start, suffix)
    return k + 1 if k > start and _ending().search(text.text, start, k) else start


@lru_cache(maxsize=1)
def _ending() -> re.Pattern[str]:
    return re.compile(f"(?:{lexicon.alternation(lexicon.suffix_table('orgs_suffixes.txt'))})$")


def _not_org(surface: str) -> bool:
    """Generic names, words that only end like one, endings left to other rules (市人大常委会,
    党委书记)."""
    return generic(surface) or _left_to_others().search(surface) is not None


def generic(surface: str) -> bool:
    """A name that names no particular organization (相关部门), bodies at several levels (县乡两级
    政府, 三级人大), or a word that only ends like one (布局, 干部; 三十多部 works, 华北大部)."""
    return surface in lexicon.wordset("orgs_generic.txt") or _NO_ONE_BODY.search(surface) is not None \
        or _not_endings().search(surface) is not None


@lru_cache(maxsize=1)
def _not_endings() -> re.Pattern[str]:
    return re.compile(f"(?:{lexicon.alternation(lexicon.words('orgs_not.txt'))})$")


@lru_cache(maxsize=1)
def _left_to_others() -> re.Pattern[str]:
    return re.compile(f"(?:{lexicon.alternation(lexicon.words('orgs_not_suffixed.txt'))})$")


def _counted(text: Text) -> list[Found]:
    """Names listed before a count of companies (甲科技、乙电子两家企业): companies."""
    out: list[Found] = []
    if _COUNTED.search(text.text) is None:  # half the pages count no companies
        return out
    for count in _COUNT.finditer(text.text):
        listed = _LISTED.search(text.text, max(0, count.start() - _LIST_REACH), count.start())
        if listed is None:
            continue
        pos = listed.start()
        for member in listed.group().split("、"):
            start = pos + len(member) - len(re.split("[的在是和与由]", member)[-1])
            name = text.text[start:pos + len(member)]
            if len(name) >= 2 and name not in places.known():
                out.append(Found("organization", name, name, start, pos + len(member), "company"))
            pos += len(member) + 1
    return out


def expand(surface: str, settings: Settings) -> str:
    """Local short forms to full names: 市司法局 -> 许昌市司法局, 省工信厅 -> 河南省工信厅, and a
    body named with its city (许昌市政府) to the body's full name (许昌市人民政府)."""
    bodies = lexicon.bodies(settings.city, settings.province)
    for home in (settings.city, settings.province):
        if surface.startswith(home) and (short := home[-1] + surface[len(home):]) in bodies:
            return bodies[short][0]
    for prefix, home in (("我市", settings.city), ("市", settings.city), ("省", settings.province)):
        if surface.startswith(prefix) and not surface.startswith(("市场", "省市")):
            return home + surface[len(prefix):]
    return surface


def _bodies(text: Text, settings: Settings) -> list[Found]:
    table = lexicon.bodies(settings.city, settings.province)
    found = []
    for m in _bodies_pattern(settings.city, settings.province).finditer(text.text):
        if _BODY_CONTINUES.match(text.text, m.end()):
            continue
        full, kind = table[m.group()]
        found.append(Found("organization", full, m.group(), m.start(), m.end(), kind))
    return found


@lru_cache(maxsize=8)
def _bodies_pattern(city: str, province: str) -> re.Pattern[str]:
    return re.compile(lexicon.alternation(lexicon.bodies(city, province)))
