"""The plain data model passed through every stage (no rdflib here).

Offsets: ``Page.text`` is the normalized text of the page; ``Page.offsets[i]`` is the
index in ``Page.source`` (the decoded file) of normalized character ``i``, plus one final
entry for the end.  Items, mentions and posts carry offsets into ``Page.text``;
``Page.source_span`` turns them into source offsets.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Page:
    """One page file, decoded and normalized."""

    id: str  # stable identifier: the file name without extension
    path: str
    source: str  # the decoded file text, as printed
    text: str  # normalized text
    offsets: tuple[int, ...]  # normalized index -> source index (len(text) + 1 entries)
    sha256: str  # of the file's bytes
    encoding: str
    year: int | None = None  # publication year inferred from the page, if any
    year_evidence: str | None = None

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalized [start, end) span to the source file's characters."""
        if end <= start:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], self.offsets[end - 1] + 1


@dataclass(frozen=True)
class Item:
    """One thing a reader sees on the page: a report, wire copy, feature, photo, teaser..."""

    index: int  # position on the page, from 0
    kind: str  # news, wire, feature, photo, teaser or other (kb.kinds.ITEM_CLASSES)
    headline: str | None
    decks: tuple[str, ...]  # kickers and subheadlines
    reporters: tuple[str, ...]
    correspondents: tuple[str, ...]
    photographers: tuple[str, ...]
    dateline: str | None  # as printed, e.g. "12 月 23 日" normalized to "12月23日"
    date: str | None  # ISO "2020-12-23", or "--12-23" when the year is unknown
    text: str  # the body (a photo: its caption): Page.text[body_start:body_end]
    start: int  # span of the whole item in Page.text
    end: int
    body_start: int = 0  # span of the body in Page.text
    body_end: int = 0
    title_spans: tuple[tuple[int, int], ...] = ()  # headline and decks in Page.text
    continuations: tuple[str, ...] = ()  # "下转第六版", "上接第一版"


@dataclass(frozen=True)
class Mention:
    """A name found in an item's text."""

    kind: str  # person, organization, project, place or event (kb.kinds.ENTITY_KINDS)
    name: str  # canonical name (full form) on this page
    surface: str  # as printed (normalized)
    item: int  # Item.index
    start: int  # span in Page.text
    end: int


@dataclass(frozen=True)
class Entity:
    """One entity as seen on one page (resolution across pages happens later)."""

    kind: str  # as Mention.kind
    name: str
    alt_names: tuple[str, ...] = ()  # short forms as printed
    subtype: str | None = None  # company, government, city... (kb.kinds.SUBTYPES)
    items: tuple[int, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()  # (key, value): investment, location, owner, date...
    qualifier: str | None = None  # tells same-named entities apart (kb.identity): an organization, a date


@dataclass(frozen=True)
class Post:
    """A title printed with a person's name: becomes an org:Membership."""

    person: str
    title: str
    organization: str | None
    item: int
    start: int  # span of the title + name in Page.text
    end: int
    date: str | None = None  # the stating item's date
    role: str | None = None  # the role held, when not the title as printed: 市委书记 for 许昌市委书记, 市长 for 原市长
    former: bool = False  # printed as no longer held (原, 前, 时任): not a post held on the item's date

    def held_role(self) -> str:
        """The title naming the post's role (org:role)."""
        return self.role or self.title


@dataclass(frozen=True)
class PageResult:
    page: Page
    items: tuple[Item, ...]
    mentions: tuple[Mention, ...] = ()
    entities: tuple[Entity, ...] = ()
    posts: tuple[Post, ...] = ()

    def to_json(self, with_source: bool = False) -> dict[str, Any]:
        data = asdict(self)
        page = data["page"]
        del page["offsets"]
        if not with_source:
            del page["source"]
        return data
