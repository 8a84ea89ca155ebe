"""Resolve entities across pages: one node per real-world entity, keyed by kind and full name.

Short forms were expanded to full names on each page (市司法局 -> 许昌市司法局), so one key per
(kind, full name) joins every page's mentions; kinds never merge (a place and an organization
may share a name). The result depends only on the set of pages, never on their order: names,
subtypes and facts are chosen by counts with ties broken by sorting, so IRIs (kind + name) and
descriptions stay the same on every rebuild and when pages are added.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from kb.model import Entity

NAME = "kb.resolve.v2"


@dataclass
class _Merged:
    alt_names: set[str] = field(default_factory=set)
    subtypes: Counter = field(default_factory=Counter)
    facts: set[tuple[str, str]] = field(default_factory=set)


def resolve(pages: Iterable[tuple[Entity, ...]]) -> tuple[Entity, ...]:
    """Merge the entities found on many pages into one Entity per (kind, name)."""
    merged: dict[tuple[str, str], _Merged] = {}
    for entities in pages:
        for entity in entities:
            m = merged.setdefault((entity.kind, entity.name), _Merged())
            m.alt_names.update(entity.alt_names)
            if entity.subtype:
                m.subtypes[entity.subtype] += 1
            m.facts.update(tuple(f) for f in entity.facts)
    return tuple(
        Entity(kind, name, tuple(sorted(m.alt_names - {name})), _most_common(m.subtypes), (), tuple(sorted(m.facts)))
        for (kind, name), m in sorted(merged.items())
    )


def _most_common(counts: Counter) -> str | None:
    """The value seen most often; ties go to the first in sort order, whatever the page order."""
    if not counts:
        return None
    return min(counts, key=lambda value: (-counts[value], value))
