"""Corrections applied (kb.corrections has the file and the plan), where the data model still
holds the facts, deterministically:

- `apply_page`: each page's result before it is mapped to RDF (in kb.build's workers): rejected
  mentions, posts and entities dropped, merged names rewritten to the surviving entity's, split
  mentions pointed at their namesake. A rejected post is only marked, so that the page's other
  posts keep their numbers (kb.rdf leaves it out).
- `apply_entities`: the resolved entities before the entities graph is mapped: renames, retypes,
  added facts, and what pages no longer say about rejected and merged entities.

Both note which corrections changed what, for kb:correctedBy and for reporting stale ones.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable

import pyoxigraph as ox

from kb import rdf
from kb.corrections import FACT_KINDS, Plan, entity_key
from kb.iris import QUALIFIER_SEPARATOR, Minter
from kb.model import Entity, Item, Mention, PageResult, Post

# --- applied to one page, before it is mapped ------------------------------------------------------

@dataclass(frozen=True)
class PageFix:
    """A page's result with the corrections made, and what they did."""

    result: PageResult
    dropped_posts: frozenset[int] = frozenset()  # positions (kb.rdf.ordered_posts) of rejected posts
    notes: tuple[tuple[str, str], ...] = ()  # (IRI of a fact the corrections changed, correction id)
    matched: tuple[str, ...] = ()  # the corrections that changed this page
    namesakes: tuple[Entity, ...] = ()  # entities split off: counted, but not named by kb.rdf.page_namer

    @property
    def entities(self) -> tuple[Entity, ...]:
        """What the page contributes to resolution (kb.catalog)."""
        return self.result.entities + self.namesakes

    @property
    def roles(self) -> list[str]:
        posts = rdf.ordered_posts(self.result.posts)
        return sorted({p.held_role() for i, p in enumerate(posts) if i not in self.dropped_posts})


Fate = tuple[str, str | None, str | None]  # (correction id, the surviving name or None if rejected, its qualifier)


class _PageFixer:
    """Makes one page's rejects, merges and splits, part by part, noting the facts changed and by what."""

    def __init__(self, result: PageResult, plan: Plan, mint: Minter) -> None:
        self.page, self.plan, self.mint = result.page, plan, mint
        self.named = rdf.page_namer(result, mint)
        self.notes: set[tuple[str, str]] = set()
        self.matched: set[str] = set()
        self.namesakes: dict[tuple, Entity] = {}
        mentions = mint.base + "mention/"
        self.spans = bool(plan.split) or any(iri.startswith(mentions) for iri in plan.rejected)

    def fate(self, kind: str, name: str, named: bool = True) -> Fate | None:
        """What the corrections make of the entity a name on the page stands for (`named`: as the
        page names it, qualified; else plain, as facts and posts' organizations name it)."""
        if (kind, name) not in self.plan.names:  # nearly every name: no IRI to mint (~1.6 -> 0.3 ms a page)
            return None
        iri = self.named(kind, name) if named else self.mint.entity(kind, name)
        if cid := self.plan.rejected.get(iri.value):
            return cid, None, None
        if iri.value in self.plan.merged:
            path, cid = self.plan.merged[iri.value]
            if survivor_rejected := self.plan.rejected.get(self.mint.at(path).value):
                return survivor_rejected, None, None
            _, name, qualifier = entity_key(path)
            return cid, name, qualifier
        return None

    def note(self, iri: ox.NamedNode, cid: str) -> None:
        self.notes.add((iri.value, cid))
        self.matched.add(cid)

    def item(self, item: Item) -> Item:
        changed = {}
        for role in ("reporters", "correspondents", "photographers"):
            names = []
            for name in getattr(item, role):
                fate = self.fate("person", name)
                if fate is not None:
                    self.note(self.mint.item(self.page.id, item.index), fate[0])
                names.append(name if fate is None else fate[1])
            if (kept := tuple(dict.fromkeys(n for n in names if n is not None))) != getattr(item, role):
                changed[role] = kept
        return replace(item, **changed) if changed else item

    def mentions(self, mentions: tuple[Mention, ...]) -> tuple[Mention, ...]:
        kept = []
        for m in mentions:
            span = self.span(m) if self.spans else None  # minted only when some correction names a mention
            if span is not None and (cid := self.plan.rejected.get(span.value)):
                self.note(self.mint.item(self.page.id, m.item), cid)
                continue
            if span is not None and span.value in self.plan.split and m.kind != "event":  # events: by date
                kept.append(self.split(m, span))
                continue
            fate = self.fate(m.kind, m.name)
            if fate is None:
                kept.append(m)
                continue
            self.note(self.mint.item(self.page.id, m.item), fate[0])
            if fate[1] is not None:
                kept.append(replace(m, name=fate[1]))
                if (span := span or self.span(m)) is not None:
                    self.note(span, fate[0])
        return tuple(kept)

    def span(self, m: Mention) -> ox.NamedNode | None:
        """The mention's IRI (kb.rdf's annotation of it), if it has a span."""
        return self.mint.mention(self.page.id, *self.page.source_span(m.start, m.end)) if m.end > m.start else None

    def split(self, m: Mention, span: ox.NamedNode) -> Mention:
        """The mention, naming a namesake: `name~qualifier` is the namesake's IRI (kb.iris), while
        the page's other mentions of the name keep theirs."""
        qualifier, cid = self.plan.split[span.value]
        self.note(span, cid)
        self.note(self.mint.item(self.page.id, m.item), cid)
        namesake = Entity(m.kind, m.name, items=(m.item,), qualifier=qualifier)
        key = (m.kind, m.name, qualifier)
        self.namesakes[key] = combined(self.namesakes[key], namesake) if key in self.namesakes else namesake
        return replace(m, name=m.name + QUALIFIER_SEPARATOR + qualifier)

    def posts(self, posts: tuple[Post, ...]) -> tuple[tuple[Post, ...], frozenset[int]]:
        """Posts in kb.rdf's order, so that each keeps its number; rejected ones are only marked."""
        kept, dropped = [], set()
        for i, post in enumerate(rdf.ordered_posts(posts)):
            iri = self.mint.post(self.page.id, i)
            person = self.fate("person", post.person)
            cid = self.plan.rejected.get(iri.value) or (person[0] if person and person[1] is None else None)
            if cid:
                dropped.add(i)
                self.note(self.mint.item(self.page.id, post.item), cid)
            elif person is not None:
                post = replace(post, person=person[1])
                self.note(iri, person[0])
            org = self.fate("organization", post.organization, named=False) if post.organization else None
            if org is not None and not cid:
                post = replace(post, organization=org[1])
                self.note(iri, org[0])
            kept.append(post)
        return tuple(kept), frozenset(dropped)

    def entities(self, entities: tuple[Entity, ...]) -> tuple[Entity, ...]:
        found: dict[tuple, Entity] = {}
        for e in entities:
            fate = self.fate(e.kind, e.name)
            if fate is not None:
                self.matched.add(fate[0])
                if fate[1] is None:
                    continue
                e = replace(e, name=fate[1], qualifier=fate[2], alt_names=(*e.alt_names, e.name))
            if (facts := self.facts(e.facts)) != e.facts:
                e = replace(e, facts=facts)
            key = (e.kind, e.name, e.qualifier)
            found[key] = combined(found[key], e) if key in found else e
        return tuple(found.values())

    def facts(self, facts: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        kept = []
        for key, value in facts:
            fate = self.fate(FACT_KINDS[key], value, named=False) if key in FACT_KINDS else None
            if fate is not None:
                self.matched.add(fate[0])
            if fate is None or fate[1] is not None:
                kept.append((key, value if fate is None else fate[1]))
        return tuple(kept)


def apply_page(result: PageResult, plan: Plan, mint: Minter) -> PageFix:
    """The page's result with the rejects and merges made (renames and retypes are the entities')."""
    if not plan.changes_pages():
        return PageFix(result)
    fixer = _PageFixer(result, plan, mint)
    posts, dropped = fixer.posts(result.posts)
    fixed = replace(result, items=tuple(fixer.item(i) for i in result.items), posts=posts,
                    mentions=fixer.mentions(result.mentions), entities=fixer.entities(result.entities))
    # an entity whose every mention on the page was rejected is no longer found on it
    gone = _named(result, frozenset()) - _named(fixed, dropped)
    fixed = replace(fixed, entities=tuple(e for e in fixed.entities if (e.kind, e.name) not in gone))
    return PageFix(fixed, dropped, tuple(sorted(fixer.notes)), tuple(sorted(fixer.matched)),
                   tuple(fixer.namesakes.values()))


def _named(result: PageResult, dropped: frozenset[int]) -> set[tuple[str, str]]:
    """(kind, name) of everything the page's mentions, bylines and posts name."""
    named = {(m.kind, m.name) for m in result.mentions}
    named |= {("person", n) for i in result.items for n in (*i.reporters, *i.correspondents, *i.photographers)}
    for i, post in enumerate(rdf.ordered_posts(result.posts)):
        if i not in dropped:
            named |= {("person", post.person)} | ({("organization", post.organization)} if post.organization else set())
    return named


def combined(a: Entity, b: Entity) -> Entity:
    """Two descriptions of one entity as one (`a` first)."""
    return replace(a, alt_names=tuple(dict.fromkeys((*a.alt_names, *b.alt_names))), subtype=a.subtype or b.subtype,
                   items=tuple(sorted({*a.items, *b.items})), facts=tuple(dict.fromkeys((*a.facts, *b.facts))))


# --- applied to the resolved entities, before the entities graph is mapped -------------------------

@dataclass(frozen=True)
class EntityNote:
    """What kb.rdf states beyond an entity's model: a corrected name, the corrections that changed it."""

    name: str | None = None
    corrections: tuple[str, ...] = ()


def apply_entities(entities: tuple[Entity, ...], plan: Plan, mint: Minter, on_pages: Iterable[str]
                   ) -> tuple[tuple[Entity, ...], dict[str, EntityNote], set[str]]:
    """The resolved entities corrected, notes for their mapping, and the corrections that matched
    here. `on_pages`: the corrections that matched on pages (a merge there made the survivor)."""
    matched: set[str] = set()
    kept: dict[tuple, Entity] = {}  # by (kind, name, qualifier): minting every IRI cost ~0.5 s at 60,000
    moved = []
    for e in entities:
        iri = plan.named.get((e.kind, e.name, e.qualifier))  # None: no correction names it
        if iri in plan.rejected:
            matched.add(plan.rejected[iri])
        elif iri in plan.merged:  # kept from pages by a fact alone: merged here
            moved.append((plan.merged[iri], e))
        else:
            kept[(e.kind, e.name, e.qualifier)] = e
    for (path, cid), e in moved:
        matched.add(cid)
        if mint.at(path).value in plan.rejected:  # merged into what an editor rejected: gone with it
            continue
        key = entity_key(path)
        e = replace(e, name=key[1], qualifier=key[2], alt_names=(*e.alt_names, e.name))
        kept[key] = combined(kept[key], e) if key in kept else e
    found = matched | set(on_pages)
    merged_into: dict[str, set[str]] = {}
    for path, cid in plan.merged.values():
        if cid in found:
            merged_into.setdefault(mint.at(path).value, set()).add(cid)
    notes = {}
    for key, e in kept.items():
        iri = plan.named.get(key)
        if iri is None:
            continue
        ids = merged_into.get(iri, set())
        if iri in plan.retyped:
            subtype, cid = plan.retyped[iri]
            kept[key] = replace(e, subtype=subtype)
            ids.add(cid)
        name, cid = plan.renamed.get(iri, (None, None))
        if cid:
            ids.add(cid)
        for fact, value, cid in plan.added.get(iri, ()):
            e = kept[key]
            kept[key] = replace(e, alt_names=(*e.alt_names, value)) if fact == "alternateName" else replace(
                e, facts=(*e.facts, (fact, value)))
            ids.add(cid)
        if ids:
            notes[iri] = EntityNote(name, tuple(sorted(ids)))
    matched |= {cid for note in notes.values() for cid in note.corrections}
    ordered = tuple(sorted(kept.values(), key=lambda e: (e.kind, e.name, e.qualifier or "")))
    return ordered, notes, matched
