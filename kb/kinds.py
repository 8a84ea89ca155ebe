"""The kinds of thing the KB names, in one table each: the entity kinds (what the stages write in
Entity.kind and Mention.kind, the first segment of their IRIs, their schema.org class, what the
site calls them), the subtypes of an entity (Entity.subtype) with their more specific classes,
and the kinds of item on a page (Item.kind) with the ontology's class for each.
kb.iris mints with it, kb.rdf types with it, the site (kb.web) lists, browses and labels by it."""
from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import NamedNode

from kb.vocab import SCHEMA


@dataclass(frozen=True)
class Kind:
    name: str  # as the stages write it: Entity.kind, Mention.kind
    path: str  # the first segment of its IRIs: {base}person/史根治
    cls: NamedNode  # the schema.org class every entity of the kind has
    label: str  # what the site calls it (navigation, headings, lists)


ENTITY_KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("person", "person", SCHEMA.Person, "人物"),
    Kind("organization", "organization", SCHEMA.Organization, "机构"),
    Kind("project", "project", SCHEMA.Project, "项目"),
    Kind("place", "place", SCHEMA.Place, "地点"),
    Kind("event", "event", SCHEMA.Event, "事件"),
)}
BY_PATH = {kind.path: kind for kind in ENTITY_KINDS.values()}  # an IRI's first segment -> its kind
BY_CLASS = {kind.cls.value: kind for kind in ENTITY_KINDS.values()}  # a class IRI -> its kind


@dataclass(frozen=True)
class Subtype:
    kind: str  # the entity kind it refines
    classes: tuple[NamedNode | str, ...]  # schema.org's when it has one, else the ontology's (by name)


# Entity.subtype -> its kind and more specific classes (an editor's retype names the last one)
SUBTYPES: dict[str, Subtype] = {
    "company": Subtype("organization", (SCHEMA.Corporation,)),
    "government": Subtype("organization", (SCHEMA.GovernmentOrganization,)),
    "education": Subtype("organization", (SCHEMA.EducationalOrganization,)),
    "medical": Subtype("organization", (SCHEMA.MedicalOrganization,)),
    "research": Subtype("organization", (SCHEMA.ResearchOrganization,)),
    "media": Subtype("organization", (SCHEMA.NewsMediaOrganization,)),
    "party": Subtype("organization", ("PartyOrgan",)),
    "province": Subtype("place", (SCHEMA.AdministrativeArea, "Province")),
    "city": Subtype("place", (SCHEMA.AdministrativeArea, "City")),
    "county": Subtype("place", (SCHEMA.AdministrativeArea, "County")),
    "town": Subtype("place", (SCHEMA.AdministrativeArea, "Town")),
    "village": Subtype("place", (SCHEMA.AdministrativeArea, "Village")),
    "intergovernmental": Subtype("organization", ("IntergovernmentalOrganization",)),
}
# Item.kind -> the ontology's class for it (the contract's schema.org class is always stated too)
ITEM_CLASSES = {"news": "Report", "wire": "WireCopy", "feature": "Feature", "photo": "PhotoItem",
                "teaser": "Teaser", "other": "OtherItem"}
