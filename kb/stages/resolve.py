"""Resolve entities across pages: one node per real-world entity, keyed by kind, full name and
qualifier (kb.identity: what a page states to tell apart namesakes, e.g. 张平 of 北京邮电大学,
市政府常务会议 of 2020-12-23; None for most entities).

Short forms were expanded to full names on each page (市司法局 -> 许昌市司法局), so one key per
(kind, full name) joins every page's mentions; kinds never merge (a place and an organization
may share a name). The result depends only on the set of pages, never on their order: names,
subtypes and facts are chosen by counts with ties broken by sorting, so IRIs (kind + name +
qualifier, each from one page alone) and descriptions stay the same on every rebuild and when
pages are added.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from kb.model import Entity

NAME = "kb.resolve.v3"


@dataclass
class _Merged:
    alt_names: set[str] = field(default_factory=set)
    subtypes: Counter = field(default_factory=Counter)
    facts: set[tuple[str, str]] = field(default_factory=set)


def resolve(pages: Iterable[tuple[Entity, ...]]) -> tuple[Entity, ...]:
    """Merge the entities found on many pages into one Entity per (kind, name, qualifier)."""
    merged: dict[tuple[str, str, str], _Merged] = {}
    for entities in pages:
        for entity in entities:
            m = merged.setdefault((entity.kind, entity.name, entity.qualifier or ""), _Merged())
            m.alt_names.update(entity.alt_names)
            if entity.subtype:
                m.subtypes[entity.subtype] += 1
            m.facts.update(tuple(f) for f in entity.facts)
    return tuple(
        Entity(kind, name, tuple(sorted(m.alt_names - {name})), _most_common(m.subtypes), (),
               tuple(sorted(m.facts)), qualifier or None)
        for (kind, name, qualifier), m in sorted(merged.items())
    )


def _most_common(counts: Counter) -> str | None:
    """The value seen most often; ties go to the first in sort order, whatever the page order."""
    if not counts:
        return None
    return min(counts, key=lambda value: (-counts[value], value))
