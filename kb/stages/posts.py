"""Posts: titles printed with names (市委常委、常务副市长赵文峰; 副市长赵淑红、李海峰).

A chain of titles joined by 、 applies to every name of the list after it; a title may carry
the organization printed before it (北京邮电大学教授), else the body its level implies on the
home city's paper (市长 -> 市政府).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kb.stages import lexicon
from kb.stages.people import name_list
from kb.stages.text import Found, Text

NAME = "kb.posts.v1"
_DEPARTMENT = 4  # most characters of a department printed between an organization and a title
_LEVEL_CHARS = frozenset("省市县区镇乡")
_STOP = frozenset("的在和与是驻到对为了")


@dataclass(frozen=True)
class PostFound:
    person: str
    title: str
    organization: Found | None  # the organization as found (printed or implied)
    start: int  # compact span of title(s) + name
    end: int


@dataclass(frozen=True)
class _Title:
    title: str
    start: int
    end: int
    org: Found | None
    place: str = ""  # the place printed in front of a level title (建安 in 建安区委书记)


def find(text: Text, orgs: list[Found], known: set[str], bodies: dict[str, tuple[str, str]],
         home: str) -> tuple[list[PostFound], list[Found]]:
    """Posts and the people they name; home is the home city's short name (许昌)."""
    org_by_end = {o.end: o for o in orgs}
    posts: list[PostFound] = []
    people: list[Found] = []
    for chain in _chains(text, org_by_end):
        for a, b in name_list(text, chain[-1].end, known, default_long=True):
            name = text.text[a:b]
            people.append(Found("person", name, name, a, b))
            for t in chain:
                org = t.org or _implied(t, home, bodies)
                posts.append(PostFound(name, t.title, org, chain[0].start, b))
    return posts, people


def _chains(text: Text, org_by_end: dict[int, Found]) -> list[list[_Title]]:
    """Runs of titles separated by 、 (each possibly behind its organization)."""
    chains: list[list[_Title]] = []
    for m in lexicon.title_pattern().finditer(text.text):
        start, title = m.start(), m.group()
        start, place = _place_before(text, start, title)
        org, start, title = _org_before(text, org_by_end, start, place + title)
        item = _Title(title, start, m.end(), org, place)
        first = org.start if org else start
        if chains and (chains[-1][-1].end == first or (chains[-1][-1].end == first - 1 and text.text[first - 1] == "、")):
            chains[-1].append(item)
        else:
            chains.append([item])
    return chains


def _place_before(text: Text, start: int, title: str) -> tuple[int, str]:
    """The place name printed before a level title, joining it: 建安 + 区委书记 -> 建安区委书记."""
    if not start or title[0] not in _LEVEL_CHARS:
        return start, ""
    i = text.token_at(start - 1)
    word, tag = text.tokens[i]
    begin = text.token_starts[i]
    if text.token_starts[i] + len(word) != start or not 2 <= len(word) <= 3 or not word.isalpha():
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


def after_name(text: Text, exclude: set[str]) -> tuple[list[PostFound], list[Found]]:
    """Titles printed after a name rjieba tags as a person (习近平总书记)."""
    from kb.stages.people import PERSON_TAGS

    posts, people = [], []
    for m in _after_titles().finditer(text.text):
        i = text.token_at(m.start() - 1) if m.start() else -1
        if i < 0:
            continue
        word, tag = text.tokens[i]
        start = text.token_starts[i]
        if tag in PERSON_TAGS and start + len(word) == m.start() and 2 <= len(word) <= 3 and word not in exclude:
            people.append(Found("person", word, word, start, m.start()))
            posts.append(PostFound(word, m.group(), None, start, m.end()))
    return posts, people


@lru_cache(maxsize=1)
def _after_titles() -> re.Pattern[str]:
    return re.compile(lexicon.alternation(lexicon.words("posts_after.txt")))


def _implied(t: _Title, home: str, bodies: dict[str, tuple[str, str]]) -> Found | None:
    """The body a title belongs to on the home city's paper: 市长 and 许昌市长 -> 许昌市人民政府;
    none for another place's title (建安区委书记)."""
    if t.place not in ("", home):
        return None
    title = t.title[len(t.place):]
    for prefix, body in lexicon.implied_bodies():
        if title.startswith(prefix) and body in bodies:
            full, kind = bodies[body]
            return Found("organization", full, body, t.start, t.start, kind)
    return None
