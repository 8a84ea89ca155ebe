"""Resolve entities across pages: one node per real-world entity, keyed by kind, full name and
qualifier (kb.identity: what a page states to tell apart namesakes, e.g. 张平 of 北京邮电大学,
市政府常务会议 of 2020-12-23; None for most entities).

Short forms were expanded to full names on each page (市司法局 -> 许昌市司法局), so one key per
(kind, full name) joins every page's mentions; kinds never merge (a place and an organization
may share a name). The result depends only on the set of pages, never on their order: names,
subtypes and facts are chosen by counts with ties broken by sorting, so IRIs (kind + name +
qualifier, each from one page alone) and descriptions stay the same on every rebuild and when
pages are added. A fact that has one value (an event's date) keeps the value most pages state,
and none when pages disagree evenly: one event never gets two start dates.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable

from kb.model import Entity

NAME = "kb.resolve.v4"
_SINGLE = frozenset({"date"})  # facts with one value per entity


Key = tuple[str, str, str]  # kind, name, qualifier ("" for none)


class Resolution:
    """The merge kept as counts, so that a page can be taken out again (kb add replacing a page)
    and an archive's merge updated page by page instead of redone over every page."""

    def __init__(self) -> None:
        # key -> [pages, alt name counts, subtype counts, fact counts]
        self._merged: dict[Key, list] = {}

    def add(self, entities: Iterable[Entity], sign: int = 1) -> None:
        """Count in one page's entities; sign -1 takes them out."""
        for entity in entities:
            key = (entity.kind, entity.name, entity.qualifier or "")
            merged = self._merged.setdefault(key, [0, Counter(), Counter(), Counter()])
            merged[0] += sign
            _count(merged[1], set(entity.alt_names), sign)
            _count(merged[2], [entity.subtype] if entity.subtype else [], sign)
            _count(merged[3], {tuple(f) for f in entity.facts}, sign)
            if merged[0] <= 0:
                del self._merged[key]

    def entities(self) -> tuple[Entity, ...]:
        return tuple(
            Entity(kind, name, tuple(sorted(set(alt) - {name})), _most_common(subtypes), (),
                   _facts(facts), qualifier or None)
            for (kind, name, qualifier), (_, alt, subtypes, facts) in sorted(self._merged.items())
        )

    def to_json(self) -> list:
        return [[*key, pages, list(alt.items()), list(subtypes.items()), [[*f, n] for f, n in facts.items()]]
                for key, (pages, alt, subtypes, facts) in self._merged.items()]

    @classmethod
    def from_json(cls, data: list) -> "Resolution":
        resolution = cls()
        for kind, name, qualifier, pages, alt, subtypes, facts in data:
            resolution._merged[(kind, name, qualifier)] = [
                pages, Counter(dict(alt)), Counter(dict(subtypes)), Counter({(k, v): n for k, v, n in facts})]
        return resolution


def _count(counts: Counter, values: Iterable, sign: int) -> None:
    for value in values:
        counts[value] += sign
        if counts[value] <= 0:
            del counts[value]


def _facts(counts: Counter) -> tuple[tuple[str, str], ...]:
    """Every fact, but of a single-valued one only the value stated by most pages (none on a tie)."""
    kept = [f for f in counts if f[0] not in _SINGLE]
    for key in _SINGLE:
        stated = sorted(((-n, f) for f, n in counts.items() if f[0] == key))
        if stated and (len(stated) == 1 or stated[0][0] < stated[1][0]):
            kept.append(stated[0][1])
    return tuple(sorted(kept))


def resolve(pages: Iterable[tuple[Entity, ...]]) -> tuple[Entity, ...]:
    """Merge the entities found on many pages into one Entity per (kind, name, qualifier)."""
    resolution = Resolution()
    for entities in pages:
        resolution.add(entities)
    return resolution.entities()


def _most_common(counts: Counter) -> str | None:
    """The value seen most often; ties go to the first in sort order, whatever the page order."""
    if not counts:
        return None
    return min(counts, key=lambda value: (-counts[value], value))
