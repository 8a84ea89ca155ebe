"""Find the entities of one page: people and their posts, organizations, projects, places, events.

The rules read the page text with whitespace removed (column breaks split names), so every
entity printed anywhere on the page is found, then placed in the item that holds it.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import replace
from itertools import accumulate

from kb.config import Settings
from kb.model import Entity, Item, Mention, Page, Post
from kb.stages import events, lexicon, orgs, people, places, posts, projects, recognize
from kb.stages.rule import RuleContext
from kb.stages.text import Found, ItemIndex, Text

# the rules and the recognizer this stage runs, with their versioned names (recorded in provenance)
RULES = (people, posts, orgs, places, projects, events, recognize)

NAME = "kb.entities.v4"
_FACT_KINDS = {"containedIn": "place", "location": "place", "owner": "organization"}
_LINKS = "为到在对与和同"  # a word between a person and what the person does
_GOVERNMENT = ("人民政府", "政府")  # what a place's government is called after its name
_RELATIVE = re.compile("自治[区州]|[省市县区州乡镇村]")  # what opens a body's short form (市委, 县妇联)


def extract(page: Page, items: tuple[Item, ...], settings: Settings) -> tuple[
    tuple[Mention, ...], tuple[Entity, ...], tuple[Post, ...]
]:
    text = Text.of(page.text)
    index = ItemIndex(items)
    context = RuleContext(settings, page.year)
    rule_orgs = orgs.find(text, context)
    home = _home_reports(text, index, settings)
    statistical = recognize.find(text, home)
    kept, model = _reconcile([*places.find(text, context), *rule_orgs], [f for f in statistical if f.kind != "person"])
    found_places, found_orgs = _of_kind("place", kept, model), _of_kind("organization", kept, model)
    not_people = {f.name for f in (*found_places, *found_orgs)} | set(context.home)
    # titles belong to the rules' own organizations; projects' owners may be any organization kept
    context = replace(context, orgs=tuple(rule_orgs), not_people=frozenset(not_people))
    model_people = _model_people(statistical, found_orgs, found_places)
    found_posts = _read_on(text, [*posts.find(text, context), *posts.after_name(text, context)], model_people)
    found_people = _people(text, items, replace(context, people=frozenset(p.person for p in found_posts)),
                           {f.name for f in model_people}, home)
    context = replace(context, orgs=tuple(found_orgs), places=tuple(found_places))
    found_projects, found_events = projects.find(text, context), events.find(text, context)
    model = _outside_names(model, _spans(found_people, found_projects, found_events), _spans(found_posts))
    named = _after_people([*_of_kind("organization", kept, model), *found_projects, *found_events],
                          found_people, text)
    found = [*found_people, *named, *_places_alone(_of_kind("place", kept, model), [*found_people, *named]),
             *_governed(named, context)]
    found = [f._replace(name=f.surface) if f.kind == "organization" and _in_wire(text, index, f) else f
             for f in found]
    found_posts = [p if not (_implied(p) and _in_wire(text, index, p)) else replace(p, organization=None)
                   for p in found_posts]
    mentions = tuple(_mention(text, index, f) for f in found) if index else ()
    page_posts = _posts(text, index, found_posts)
    implied = [p.organization for p in found_posts if _implied(p)]
    implied += places.containers(found, settings)  # what the page's places lie in, though not printed
    return mentions, _entities(mentions, [*found, *implied], page_posts, items), page_posts


def _in_wire(text: Text, index: ItemIndex, f: Found | posts.PostFound) -> bool:
    """Whether f is printed in wire copy (新华社…电): news from elsewhere, where 市委 or 市长 is not
    the home city's, so short forms stay as printed and titles imply no home-city body."""
    return bool(index) and index.at(text.page_span(f.start, f.end)[0]).kind == "wire"


def _implied(p: posts.PostFound) -> bool:
    """The post's organization is implied by its title (市长 -> the city government), not printed."""
    return p.organization is not None and p.organization.start == p.organization.end


def _people(text: Text, items: tuple[Item, ...], context: RuleContext, model: set[str],
            home: list[tuple[int, int]]) -> list[Found]:
    """People: named with titles (context.people) and cues first, each rule knowing the names
    read before it, then the model's names (unless one the rules read lies inside: 张三 of 张三李四
    says where a name ends), then every occurrence of the names learned. Where the model reads
    (outside the home reports), a name only rjieba tags a person's (师生, 白宫) is one when the
    model reads it too."""
    known = set(context.people)
    bylines = {n for i in items for n in (*i.reporters, *i.photographers, *i.correspondents)}
    known.update(part for n in bylines for part in people.split_glued(n) if 2 <= len(part) <= 4)
    tried: set[tuple] = set()  # (rule, the names it was given): given the same names, it finds the same
    for rule in (people.cue_names, people.headline_names, people.listed, people.tagged_names, people.listed):
        names = frozenset(known)
        if (rule, names) in tried:
            continue  # listed again, when tagged_names found no one new
        tried.add((rule, names))
        found = rule(text, replace(context, people=names))
        if rule is people.tagged_names:  # where the model reads, rjieba's tag alone makes no person
            found = [f for f in found if f.name in model or any(a <= f.start and f.end <= b for a, b in home)]
        known.update(f.name for f in found)
    names = known | model  # a name inside another says where that one ends (张三 of 张三李四)
    known.update(m for m in model if not any(k in m for k in names - {m}))
    return people.learned(text, replace(context, people=frozenset(known)))


def _read_on(text: Text, found: list[posts.PostFound], model: list[Found]) -> list[posts.PostFound]:
    """Posts whose person the rule after a title cut short, where the model reads on from the same
    start by one character (汪明 of 县委书记汪明新) or a dotted part (阿尤布 of 外长阿尤布·汗): the
    model's name is the person's."""
    by_start = {m.start: m for m in model}
    out = []
    for p in found:
        start = p.end - len(p.person) if text.text.endswith(p.person, 0, p.end) else p.start
        m, end = by_start.get(start), start + len(p.person)
        if m is not None and m.end > end and (m.end - end == 1 or m.surface[len(p.person)] == "·"):
            p = replace(p, person=m.name)
        out.append(p)
    return out


def _home_reports(text: Text, index: ItemIndex, settings: Settings) -> list[tuple[int, int]]:
    """The compact spans of the reports on the home city (those that name it, or 我市): the rules
    were made for what such reports print, and the model adds there mostly generic words."""
    home = [i for i in index.items if i.kind != "wire" and (settings.city_short in i.text or "我市" in i.text)]
    return sorted((bisect_left(text.index, i.start), bisect_left(text.index, i.end)) for i in home)


def _reconcile(rule: list[Found], model: list[Found]) -> tuple[list[Found], list[Found]]:
    """The rules' organizations and places against the model's, where they overlap: where the
    rules read better (_rules_read_better) their name stays; elsewhere the model's boundaries win,
    since a suffix marks where a name ends, not where it starts (持有日兴证券公司 -> 日兴证券公司),
    and a place may begin a longer name (香港马会)."""
    model = sorted(model, key=lambda f: f.start)
    starts = [f.start for f in model]
    inside = Counter(i for r in rule for i in _overlapping(model, starts, r)
                     if model[i].start <= r.start and r.end <= model[i].end)
    dropped: set[int] = set()
    kept = []
    for r in rule:
        overlapping = _overlapping(model, starts, r)
        if not overlapping or any(_rules_read_better(r, model[i], inside[i], len(overlapping) == 1) for i in overlapping):
            kept.append(r)
            dropped.update(overlapping)
    return kept, [f for i, f in enumerate(model) if i not in dropped]


def _rules_read_better(r: Found, m: Found, inside: int, alone: bool) -> bool:
    """Whether the rules' name r is read better than the model's m, which overlaps it: the same
    span (r has the full name and facts); a short form the rules expanded (市司法局), unless m prints
    a longer name before it (抚顺市纪委); two of the rules' names m ran together; a one-character
    short form m cut out (京 of 京津冀); r's suffix past the end of m, the one name m reads there
    (米兰小区, but not 北京市 + 怀柔县民政局); a glue word m took on (经王岗镇)."""
    if (m.start, m.end) == (r.start, r.end) or inside > 1 or m.end - m.start == 1:
        return True
    if r.name != r.surface and r.name.endswith(r.surface):  # expanded, not a place's canonical name (河南省 -> 河南)
        return m.start >= r.start
    if alone and m.start == r.start and m.end < r.end:
        return r.surface[m.end - r.start:] != places.AREA  # but 南亚|地区: a common word after a name
    return m.end == r.end and m.start == r.start - 1 and m.surface[0] in lexicon.wordset("places_glue.txt")


def _overlapping(model: list[Found], starts: list[int], f: Found) -> list[int]:
    """Indexes of the model's names overlapping f (they are sorted and never overlap each other)."""
    out, i = [], bisect_left(starts, f.end) - 1
    while i >= 0 and model[i].end > f.start:
        out.append(i)
        i -= 1
    return out


def _of_kind(kind: str, *groups: list[Found]) -> list[Found]:
    return [f for group in groups for f in group if f.kind == kind]


def _spans(*groups) -> list[tuple[int, int]]:
    return [(f.start, f.end) for group in groups for f in group]


def _unclaimed(model: list[Found], claimed: list[tuple[int, int]]) -> list[Found]:
    """The model's names that overlap no span the rules read: where both read a name, the
    rules' reading (with its full name, its kind and its facts) is kept."""
    covered = bytearray(max((end for _, end in claimed), default=0))
    for start, end in claimed:
        covered[start:end] = b"\x01" * (end - start)
    return [f for f in model if not any(covered[f.start:f.end])]


def _model_people(statistical: list[Found], found_orgs: list[Found], found_places: list[Found]) -> list[Found]:
    """The model's people outside the organizations; a place inside one of them is no claim on it
    (罗马 of 罗马里奥: _places_alone drops the place), but a place it overlaps otherwise is."""
    people = _unclaimed([f for f in statistical if f.kind == "person"], _spans(found_orgs))
    return [p for p in people
            if not any(f.start < p.end and p.start < f.end and not (p.start <= f.start and f.end < p.end)
                       for f in found_places)]


def _outside_names(model: list[Found], names: list[tuple[int, int]], titles: list[tuple[int, int]]) -> list[Found]:
    """The model's names outside the rules' people, projects and events; inside a title, only a
    body named in full is one (铁道部 of 铁道部部长, not 市委 of 市委书记)."""
    model = _unclaimed(model, names)
    return [*_unclaimed([f for f in model if not _named_in_full(f)], titles), *(f for f in model if _named_in_full(f))]


def _named_in_full(f: Found) -> bool:
    """An organization named by itself, not by its level alone (市委, 县妇联, 自治区党委: a body of
    whichever city, county or region the text is about)."""
    return f.kind == "organization" and _RELATIVE.match(f.surface) is None


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


def _governed(named: list[Found], context: RuleContext) -> list[Found]:
    """The places whose governments are named (印度 of 印度政府, 乌鲁木齐市 of 乌鲁木齐市政府): the
    page speaks of the place too, though its name is printed inside the organization's."""
    out = []
    for f in named:
        word = next((w for w in _GOVERNMENT if f.surface.endswith(w)), None)
        if f.kind != "organization" or word is None or len(f.surface) == len(word):
            continue
        head = f.surface[:-len(word)]
        out += [p._replace(start=f.start, end=f.start + len(head)) for p in places.spanning(head, context)]
    return out


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
        out.setdefault((p.person, p.title, org, start),
                       Post(p.person, p.title, org, item.index, start, end, item.date, p.role, p.former))
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
        subtype = lexicon.org_subtype(f.name, f.subtype) if f.kind == "organization" else f.subtype
        add(f.kind, f.name, f.surface, None, subtype, f.facts)
    for m in mentions:
        add(m.kind, m.name, m.surface, m.item)
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
