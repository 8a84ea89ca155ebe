"""Resolve entities across pages: one node per real-world entity, keyed by kind and full name."""
from __future__ import annotations

from typing import Iterable

from kb.model import Entity

NAME = "kb.resolve.v1"


def resolve(pages: Iterable[tuple[Entity, ...]]) -> tuple[Entity, ...]:
    """Merge the entities found on many pages into one Entity per (kind, name)."""
    merged: dict[tuple[str, str], tuple[set[str], str | None]] = {}
    for entities in pages:
        for entity in entities:
            alts, subtype = merged.setdefault((entity.kind, entity.name), (set(), entity.subtype))
            alts.update(entity.alt_names)
            if subtype is None and entity.subtype is not None:
                merged[(entity.kind, entity.name)] = (alts, entity.subtype)
    return tuple(
        Entity(kind, name, tuple(sorted(alts - {name})), subtype)
        for (kind, name), (alts, subtype) in sorted(merged.items())
    )
