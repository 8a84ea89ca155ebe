"""A snapshot's catalog: what it knows of its pages without reading them again.

For each page its checksum and where its share of each dump is; for all pages together the
merge of their entities (kb.stages.resolve.Resolution), their roles and the tally the VoID
description counts from. Kept as counts, so `kb add` updates it page by page: a replaced page is
taken out with what its own file (pages/<id>.json) says, the new one counted in. Reading 10,000
page files and merging them again took most of an add's minute at that size.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kb.dumps.description import Tally
from kb.errors import KbError
from kb.model import Entity
from kb.stages.resolve import Resolution

FILE_NAME = "catalog.json"


@dataclass
class Catalog:
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)  # page id -> sha256, dump parts
    resolution: Resolution = field(default_factory=Resolution)
    roles: dict[str, int] = field(default_factory=dict)  # title -> pages naming it
    tally: Tally = field(default_factory=Tally)
    corrected: dict[str, list[str]] = field(default_factory=dict)  # correction id -> pages it changed (kb.corrections)

    def add_page(self, page_id: str, cache: dict[str, Any], sign: int = 1) -> None:
        """Count one page's file in (sign -1: out, before it is replaced)."""
        if sign > 0:
            self.pages[page_id] = {"sha256": cache["sha256"], "parts": cache["parts"]}
        else:
            del self.pages[page_id]
        self.resolution.add((_entity(e) for e in cache["entities"]), sign)
        for title in cache["roles"]:
            self.roles[title] = self.roles.get(title, 0) + sign
            if self.roles[title] <= 0:
                del self.roles[title]
        self.tally.add(Tally(**cache["tally"]), sign)
        for cid in cache.get("corrected", ()):
            pages = set(self.corrected.pop(cid, ()))
            pages.add(page_id) if sign > 0 else pages.discard(page_id)
            if pages:
                self.corrected[cid] = sorted(pages)

    def save(self, folder: Path) -> None:
        data = {"pages": self.pages, "resolution": self.resolution.to_json(), "roles": self.roles,
                "tally": asdict(self.tally), "corrected": self.corrected}
        tmp = folder / (FILE_NAME + ".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, folder / FILE_NAME)

    @classmethod
    def load(cls, folder: Path) -> "Catalog":
        try:
            data = json.loads((folder / FILE_NAME).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise KbError(f"{folder} was made by an older kb (no {FILE_NAME}): run `kb build` on its pages again") from None
        return cls(data["pages"], Resolution.from_json(data["resolution"]), data["roles"], Tally(**data["tally"]),
                   data.get("corrected", {}))


def _entity(data: dict[str, Any]) -> Entity:
    return Entity(**{key: _tuples(value) for key, value in data.items()})


def _tuples(value: Any) -> Any:
    """JSON lists back into the model's tuples (nested too)."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value
