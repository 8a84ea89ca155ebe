"""Tell apart same-named entities from what one page itself states (the per-page half of resolution).

A qualifier is computed from one page only, so an IRI minted from it never changes when other
pages arrive, and it is the same in any page order:

- person: the first organization of the name's posts on the page that is clearly elsewhere (it
  names another province, city or country, or is a national body: identity_national.txt), when
  none of them is the home city's or province's (Settings.city, Settings.province):
  北京邮电大学教授张平 -> person/张平~北京邮电大学, while 市长张平 stays person/张平. A name
  with a home post, with posts only at bodies of unclear place (a county hospital, a company),
  or with no post stays plain: never a guess, since a split is as wrong as a merge.
- event: the date of a recurring kind of meeting (identity_recurring.txt) whose name states no
  edition (identity_editions.txt), when the page states one full date for it (kb.stages.events:
  12月23日，…召开市政府常务会议): event/市政府常务会议/2020-12-23. Never the date of the item that
  names it: a meeting recalled in passing (传达市政府常务会议精神) is not that day's meeting.

Every mention, post and byline of a qualified name on the page uses the qualified IRI
(kb.rdf looks the qualifier up on the page's entities).
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from kb.config import Settings
from kb.iris import QUALIFIER_SEPARATOR
from kb.model import Entity, PageResult, Post
from kb.stages.lexicon import alternation, rows, words
from kb.stages.places import known

NAME = "kb.identity.v3"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PLACE_LEVELS = {"province", "city", "country", "locality"}
_ASIDE = re.compile(r"[（(][^）)]*[）)]")


def qualify(result: PageResult, settings: Settings) -> PageResult:
    """The page's result with a qualifier on each entity that its own text tells apart."""
    found = {**person_qualifiers(result.posts, home_names(settings)),
             **event_qualifiers(result.entities)}
    entities = tuple(e if (q := found.get((e.kind, e.name))) == e.qualifier else replace(e, qualifier=q)
                     for e in result.entities)  # (replace() is slow, and most entities need no qualifier)
    return replace(result, entities=entities)


def home_names(settings: Settings) -> tuple[str, ...]:
    """Names whose presence marks an organization as the home city's or province's own body."""
    return tuple(sorted({settings.city, settings.city_short, settings.province, settings.province_short}))


def is_home(organization: str, home: tuple[str, ...]) -> bool:
    """许昌市人民政府, 中共许昌市委员会, 河南省工信厅 are home bodies; 北京邮电大学 is not."""
    return any(name in organization for name in home)


def is_elsewhere(organization: str, home: tuple[str, ...]) -> bool:
    """北京邮电大学, 中国工程院, 睿众信息技术（上海）有限公司 are clearly not home bodies;
    襄城县人民医院 may be (a county of the home city): unclear, so not elsewhere."""
    if is_home(organization, home):
        return False
    return _elsewhere(home).search(organization) is not None


@lru_cache(maxsize=8)
def _elsewhere(home: tuple[str, ...]) -> re.Pattern[str]:
    """The marks of elsewhere, less those inside a home name (河南 in 河南省), as one pattern."""
    return re.compile(alternation(mark for mark in _elsewhere_marks() if not any(mark in h for h in home)))


def person_qualifiers(posts: tuple[Post, ...], home: tuple[str, ...]) -> dict[tuple[str, str], str]:
    by_person: dict[str, list[str]] = {}
    for post in sorted(set(posts), key=lambda p: (p.start, p.end, p.title, p.organization or "")):
        if post.organization:
            by_person.setdefault(post.person, []).append(post.organization)
    found = {}
    for person, orgs in by_person.items():
        elsewhere = [org for org in orgs if is_elsewhere(org, home)]
        if elsewhere and QUALIFIER_SEPARATOR not in person and not any(is_home(org, home) for org in orgs):
            found[("person", person)] = elsewhere[0]
    return found


def event_qualifiers(entities: tuple[Entity, ...]) -> dict[tuple[str, str], str]:
    found = {}
    for entity in entities:
        if entity.kind == "event" and is_recurring(entity.name):
            date = event_date(entity)
            if date is not None:
                found[("event", entity.name)] = date
    return found


def is_recurring(name: str) -> bool:
    """A meeting held again and again under this name (市政府常务会议), not one edition (第三次…)."""
    plain = _ASIDE.sub("", name)
    return plain.endswith(_recurring()) and not _editions().search(name)


def event_date(entity: Entity) -> str | None:
    """The one full date the page states for the event, if it states one."""
    stated = {value for key, value in entity.facts if key == "date"}
    full = {d for d in stated if _ISO_DATE.match(d)}
    return full.pop() if len(full) == 1 and len(stated) == 1 else None


@lru_cache(maxsize=1)
def _elsewhere_marks() -> tuple[str, ...]:
    """Provinces, cities and countries (full and short names, kb.stages.places) and the marks of a
    national body."""
    places = {name for name, (_, level) in known().items() if level in _PLACE_LEVELS}
    return tuple(sorted(places | set(words("identity_national.txt"))))


@lru_cache(maxsize=1)
def _recurring() -> tuple[str, ...]:
    return words("identity_recurring.txt")


@lru_cache(maxsize=1)
def _editions() -> re.Pattern[str]:
    return re.compile("|".join(row[0] for row in rows("identity_editions.txt")))
