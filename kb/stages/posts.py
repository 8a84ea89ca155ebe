"""Posts: titles printed with names (市委常委、常务副市长赵文峰; 副市长赵淑红、李海峰).

A chain of titles joined by 、 applies to every name of the list after it; a title may carry
the organization printed before it (北京邮电大学教授), else the body its level implies on the
home city's paper (市长 -> 市政府). A title keeps the body printed in front of it when that is
no organization found (监事会主席, 文联党组书记); the home place in front of a level title is not
part of the role (许昌市委书记 is the role 市委书记); a title marked as no longer held (原市长,
时任市委书记, 前副市长) is a former post.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kb.stages import lexicon
from kb.stages.people import name_list
from kb.stages.rule import RuleContext
from kb.stages.text import Found, Text

NAME = "kb.posts.v2"
_DEPARTMENT = 4  # most characters of a department printed between an organization and a title
_LEVEL_CHARS = frozenset("省市县区镇乡")
_STOP = frozenset("的在和与是驻到对为了")
_NOUN_TAGS = frozenset({"n", "nt", "nz", "j"})  # rjieba tags of a body printed before a title (监事会)
_UNIT_WORD = (2, 5)  # characters of such a body
_PLACE_TAGS = frozenset({"ns", "nt", "nz", "j"})  # a bare 前 marks a former post after these (美国前总统)


@dataclass(frozen=True)
class PostFound:
    person: str
    title: str
    organization: Found | None  # the organization as found (printed or implied)
    start: int  # compact span of title(s) + name
    end: int
    role: str | None = None  # the role, when not the title as printed (kb.model.Post.role)
    former: bool = False


@dataclass(frozen=True)
class _Title:
    title: str
    start: int
    end: int
    org: Found | None
    place: str = ""  # the place printed in front of a level title (建安 in 建安区委书记)
    role: str = ""  # the title without the home place and the mark of a former post
    former: bool = False


def find(text: Text, context: RuleContext) -> list[PostFound]:
    """Posts printed with titles before names, each naming its person; a title's organization is
    one found (context.orgs) printed before it, else the home body its level implies."""
    org_by_end = {o.end: o for o in context.orgs}
    bodies = lexicon.bodies(context.settings.city, context.settings.province)
    posts: list[PostFound] = []
    for chain in _chains(text, org_by_end, context.home):
        for a, b in name_list(text, chain[-1].end, context.people, default_long=True):
            name = text.text[a:b]
            for t in chain:
                org = t.org or _implied(t, context.home, bodies)
                role = t.role if t.role != t.title else None
                posts.append(PostFound(name, t.title, org, chain[0].start, b, role, t.former))
    return posts


def _chains(text: Text, org_by_end: dict[int, Found], home: tuple[str, ...]) -> list[list[_Title]]:
    """Runs of titles separated by 、 (each possibly behind its organization); a mark of a former
    post holds for its title and the titles after it in the run (原市委常委、副市长)."""
    chains: list[list[_Title]] = []
    for m in lexicon.title_pattern().finditer(text.text):
        start, title = m.start(), m.group()
        start, place = _place_before(text, start, title)
        org, start, title = _org_before(text, org_by_end, start, place + title)
        if org is None and not place:
            start, title = _body_before(text, start, m.end(), title)
        first = org.start if org else start
        joined = chains and (chains[-1][-1].end == first or (chains[-1][-1].end == first - 1 and text.text[first - 1] == "、"))
        former = m.group().startswith("原") or _former_before(text, first) or bool(joined and chains[-1][-1].former)
        role = title[len(place):] if place in home else title
        if m.group().startswith("原"):  # 原 in front of the matched title, behind any department
            role = role[:len(role) - len(m.group())] + m.group()[1:]
        item = _Title(title, start, m.end(), org, place, role, former)
        if joined:
            chains[-1].append(item)
        else:
            chains.append([item])
    return chains


def _body_before(text: Text, start: int, end: int, title: str) -> tuple[int, str]:
    """A body printed in front of a title and found as no organization joins the title:
    监事会 + 主席, 文联 + 党组书记 (and the level before it: 市文联党组书记), 团市委 + 书记
    (rjieba reads 团市委 as one word, of which the title 市委书记 took the end)."""
    i = text.token_at(start)
    if text.token_starts[i] < start:  # the title starts inside a word
        word, tag = text.tokens[i]
        begin = text.token_starts[i]
        if begin + len(word) < end and _unit(word, tag):
            return begin, text.text[begin:start] + title
        return start, title
    i = text.ending_at.get(start)
    if i is None or not _unit(*text.tokens[i]):
        return start, title
    begin = text.token_starts[i]
    if begin and text.text[begin - 1] in _LEVEL_CHARS and text.boundary_before(begin - 1):
        begin -= 1
    return begin, text.text[begin:start] + title


def _unit(word: str, tag: str) -> bool:
    low, high = _UNIT_WORD
    return tag in _NOUN_TAGS and low <= len(word) <= high and word[-1] in _units()


@lru_cache(maxsize=1)
def _units() -> frozenset[str]:
    return frozenset("".join(lexicon.words("posts_units.txt")))


def _former_before(text: Text, pos: int) -> bool:
    """A mark printed before a title that says the post is no longer held: 时任, 原任, 前任; a
    bare 前 only at the start of a clause or after a place (美国前总统), not 会前, 节前."""
    for mark in _former_marks():
        if pos >= len(mark) and text.text.startswith(mark, pos - len(mark)):
            if len(mark) > 1:
                return True
            at = pos - 1
            i = text.ending_at.get(at)
            if at == 0 or text.boundary_before(at) or (i is not None and text.tokens[i][1] in _PLACE_TAGS):
                return True
    return False


@lru_cache(maxsize=1)
def _former_marks() -> tuple[str, ...]:
    return tuple(sorted(lexicon.words("posts_former.txt"), key=len, reverse=True))


def _place_before(text: Text, start: int, title: str) -> tuple[int, str]:
    """The place name printed before a level title, joining it: 建安 + 区委书记 -> 建安区委书记."""
    if not start or title[0] not in _LEVEL_CHARS:
        return start, ""
    i = text.token_at(start - 1)
    word, tag = text.tokens[i]
    begin = text.token_starts[i]
    if begin + len(word) > start and tag in ("ns", "nz", "nt"):  # rjieba read 河南省委 + 书记
        word = text.text[begin:start]
    if begin + len(word) != start or not 2 <= len(word) <= 3 or not word.isalpha() or \
            word in _former_marks():  # 时任 + 市委书记
        return start, ""
    if tag in ("ns", "nz") or text.boundary_before(begin):  # 建安区委书记; “魏都区委书记 opening a clause
        return begin, word
    return start, ""


def _org_before(text: Text, org_by_end: dict[int, Found], start: int, title: str) -> tuple[Found | None, int, str]:
    """The organization printed before a title, a department between them joining the title
    (襄城县人民医院 + 手术室护士长)."""
    for gap in range(0, _DEPARTMENT + 1):
        org = org_by_end.get(start - gap)
        if org is not None:
            between = text.text[start - gap:start]
            if gap == 0 or (between.isalnum() and not any(ch in _STOP for ch in between)):
                return org, start - gap, between + title
    return None, start, title


def after_name(text: Text, context: RuleContext) -> list[PostFound]:
    """Titles printed after a name rjieba tags as a person (习近平总书记), unless the name is no
    person's (context.not_people)."""
    from kb.stages.people import PERSON_TAGS

    posts = []
    for m in _after_titles().finditer(text.text):
        i = text.token_at(m.start() - 1) if m.start() else -1
        if i < 0:
            continue
        word, tag = text.tokens[i]
        start = text.token_starts[i]
        if len(word) == 2 and i and text.tokens[i - 1][0] in lexicon.surnames()[0]:  # 李|红梅 + 教授
            word, start = text.tokens[i - 1][0] + word, start - 1
        if tag in PERSON_TAGS and start + len(word) == m.start() and 2 <= len(word) <= 3 and \
                word not in context.not_people:
            posts.append(PostFound(word, m.group(), None, start, m.end()))
    return posts


@lru_cache(maxsize=1)
def _after_titles() -> re.Pattern[str]:
    return re.compile(lexicon.alternation(lexicon.words("posts_after.txt")))


def _implied(t: _Title, home: tuple[str, ...], bodies: dict[str, tuple[str, str]]) -> Found | None:
    """The body a title belongs to on the home city's paper: 市长 and 许昌市长 -> 许昌市人民政府;
    none for another place's title (建安区委书记)."""
    if t.place not in ("", *home):
        return None
    for prefix, body in lexicon.implied_bodies():
        if t.role.startswith(prefix) and body in bodies:
            full, kind = bodies[body]
            return Found("organization", full, body, t.start, t.start, kind)
    return None
