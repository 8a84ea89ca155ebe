"""Find the entities of one page: people and their posts, organizations, projects, places, events.

The rules read the page text with whitespace removed (column breaks split names), so every
entity printed anywhere on the page is found, then placed in the item that holds it.
"""
from __future__ import annotations

from bisect import bisect_left
from itertools import accumulate

from kb.config import Settings
from kb.model import Entity, Item, Mention, Page, Post
from kb.stages import events, lexicon, orgs, people, places, posts, projects
from kb.stages.text import Found, ItemIndex, Text

NAME = "kb.entities.v2"
_FACT_KINDS = {"containedIn": "place", "location": "place", "owner": "organization"}
_LINKS = "为到在对与和同"  # a word between a person and what the person does


def extract(page: Page, items: tuple[Item, ...], settings: Settings) -> tuple[
    tuple[Mention, ...], tuple[Entity, ...], tuple[Post, ...]
]:
    text = Text.of(page.text)
    found_places = places.find(text, settings)
    found_orgs = orgs.find(text, settings)
    bodies = lexicon.bodies(settings.city, settings.province)
    not_people = {f.name for f in (*found_places, *found_orgs)} | {settings.city_short, settings.province_short}
    found_posts, titled = posts.find(text, found_orgs, set(), bodies, settings.city_short)
    after_posts, after_people = posts.after_name(text, not_people)
    found_posts += after_posts
    found_people = _people(text, items, {f.name for f in (*titled, *after_people)}, not_people)
    found_projects = projects.find(text, found_places, found_orgs)
    named = _after_people([*found_orgs, *found_projects, *events.find(text)], found_people, text)
    found = [*found_people, *named, *_places_alone(found_places, [*found_people, *named])]
    index = ItemIndex(items)
    mentions = tuple(_mention(text, index, f) for f in found) if index else ()
    page_posts = _posts(text, index, found_posts)
    implied = [p.organization for p in found_posts if p.organization and p.organization.start == p.organization.end]
    implied += places.containers(found, settings)  # what the page's places lie in, though not printed
    return mentions, _entities(mentions, [*found, *implied], page_posts, items), page_posts


def _people(text: Text, items: tuple[Item, ...], titled: set[str], not_people: set[str]) -> list[Found]:
    """People: named with titles and cues first, then every occurrence of the names learned."""
    known = set(titled)
    bylines = {n for i in items for n in (*i.reporters, *i.photographers, *i.correspondents)}
    known.update(part for n in bylines for part in people.split_glued(n) if 2 <= len(part) <= 4)
    for rule in (people.cue_names, people.headline_names, people.listed):
        known.update(f.name for f in rule(text, known))
    known.update(f.name for f in people.tagged_names(text, known, not_people))
    known.update(f.name for f in people.listed(text, known))
    return people.learned(text, known - not_people)


def _after_people(named: list[Found], found_people: list[Found], text: Text) -> list[Found]:
    """A name read from a headline that opens with a person (丁同民为全市…培训班) starts after
    the person and the word that follows."""
    out = []
    ends = sorted(p.end for p in found_people)
    for f in named:
        k = bisect_left(ends, f.end - 2) - 1  # the last person ending before f.end - 2
        cut = ends[k] if k >= 0 and ends[k] > f.start else None
        if cut is not None and f.surface == text.text[f.start:f.end]:
            while cut < f.end and text.text[cut] in _LINKS:
                cut += 1
            surface = text.text[cut:f.end]
            f = Found(f.kind, f.name[len(f.name) - len(surface):] if f.name.endswith(surface) else surface,
                      surface, cut, f.end, f.subtype, f.facts)
        out.append(f)
    return out


def _places_alone(found_places: list[Found], others: list[Found]) -> list[Found]:
    """Places not read inside a person's name (韩国 in 韩国全) or overlapping a longer name of an
    organization, project or event (上海 in 睿众信息技术（上海）有限公司)."""
    spans = sorted((f.start, f.end, f.kind) for f in others)
    starts = [a for a, _, _ in spans]
    reach = list(accumulate((b for _, b, _ in spans), max))  # furthest end among spans so far
    same = {(a, b) for a, b, kind in spans if kind != "person"}

    def overlapped(p: Found) -> bool:
        k = bisect_left(starts, p.end) - 1
        if k < 0 or reach[k] <= p.start:
            return False
        if (p.start, p.end) not in same:
            return True
        return any(a < p.end and p.start < b and (kind == "person" or (a, b) != (p.start, p.end))
                   for a, b, kind in spans[:k + 1])

    return [p for p in found_places if not overlapped(p)]


def _mention(text: Text, index: ItemIndex, f: Found) -> Mention:
    start, end = text.page_span(f.start, f.end)
    return Mention(f.kind, f.name, f.surface, index.at(start).index, start, end)


def _posts(text: Text, index: ItemIndex, found: list[posts.PostFound]) -> tuple[Post, ...]:
    if not index:
        return ()
    out: dict[tuple, Post] = {}
    for p in found:
        start, end = text.page_span(p.start, p.end)
        item = index.at(start)
        org = p.organization.name if p.organization else None
        out.setdefault((p.person, p.title, org, start), Post(p.person, p.title, org, item.index, start, end, item.date))
    return tuple(out.values())


def _entities(mentions: tuple[Mention, ...], found: list[Found], page_posts: tuple[Post, ...],
              items: tuple[Item, ...]) -> tuple[Entity, ...]:
    """One Entity per (kind, name) on the page, with every name posts and bylines refer to."""
    table: dict[tuple[str, str], dict] = {}

    def add(kind: str, name: str, surface: str | None = None, item: int | None = None,
            subtype: str | None = None, facts: tuple[tuple[str, str], ...] = ()) -> dict:
        e = table.get((kind, name))
        if e is None:  # (not setdefault: that would build the empty record on every call)
            e = table[kind, name] = {"alts": set(), "items": set(), "subtype": None, "facts": {}}
        if surface and surface != name:
            e["alts"].add(surface)
        if item is not None:
            e["items"].add(item)
        e["subtype"] = e["subtype"] or subtype
        for key, value in facts:
            e["facts"].setdefault(key, value)
        return e

    for f in found:
        add(f.kind, f.name, f.surface, None, f.subtype, f.facts)
    for m in mentions:
        add(m.kind, m.name, m.surface, m.item)
    dates = {i.index: i.date for i in items}
    for (kind, name), e in table.items():
        if kind == "event":
            date = next((dates[i] for i in sorted(e["items"]) if dates.get(i)), None)
            if date:
                e["facts"].setdefault("date", date)
    for post in page_posts:
        add("person", post.person, item=post.item)
        if post.organization:
            add("organization", post.organization, item=post.item)
    for item in items:
        for name in (*item.reporters, *item.photographers, *item.correspondents):
            add("person", name, item=item.index)
    for (kind, name), e in list(table.items()):
        for key, value in e["facts"].items():
            if key in _FACT_KINDS:  # what a fact points to is an entity of the KB too
                add(_FACT_KINDS[key], value)
    return tuple(
        Entity(kind, name, tuple(sorted(e["alts"])), e["subtype"], tuple(sorted(e["items"])),
               tuple(sorted(e["facts"].items())))
        for (kind, name), e in sorted(table.items())
    )
