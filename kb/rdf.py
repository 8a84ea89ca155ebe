"""The one place where the data model becomes RDF (pyoxigraph quads).

Each page's facts (its items, mentions, posts, provenance) live in the page's named graph;
the description of each resolved entity (type, names) lives once in the entities graph.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterator

from pyoxigraph import Literal, NamedNode, Quad

import kb
from kb.iris import Minter
from kb.model import Entity, Item, PageResult
from kb.pipeline import stage_names
from kb.vocab import DCTERMS, ORG, PROV, RDF, SCHEMA, SKOS, XSD

ENTITY_CLASSES = {
    "person": SCHEMA.Person,
    "organization": SCHEMA.Organization,
    "project": SCHEMA.Project,
    "place": SCHEMA.Place,
    "event": SCHEMA.Event,
}


def zh(text: str) -> Literal:
    return Literal(text, language="zh")


def date_literal(value: str) -> Literal:
    """ISO dates are xsd:date; '--MM-DD' (year unknown) is xsd:gMonthDay."""
    return Literal(value, datatype=XSD.gMonthDay if value.startswith("--") else XSD.date)


def page_quads(result: PageResult, mint: Minter, extracted_at: datetime | None = None) -> Iterator[Quad]:
    """All quads of one page, in the page's named graph."""
    page = result.page
    graph = mint.graph(page.id)
    page_iri = mint.page(page.id)

    def q(s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> Quad:
        return Quad(s, p, o, graph)

    when = (extracted_at or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    yield q(page_iri, RDF.type, SCHEMA.CreativeWork)
    yield q(page_iri, SCHEMA.name, Literal(page.id))
    yield q(page_iri, DCTERMS.source, Literal(page.path.rsplit("/", 1)[-1]))
    yield q(page_iri, DCTERMS.identifier, Literal("sha256:" + page.sha256))
    yield q(graph, RDF.type, PROV.Entity)
    yield q(graph, PROV.wasDerivedFrom, page_iri)
    yield q(graph, PROV.generatedAtTime, Literal(when, datatype=XSD.dateTime))
    yield q(graph, PROV.wasAttributedTo, Literal(f"kb {kb.__version__} ({', '.join(stage_names())})"))
    for item in result.items:
        yield from (q(*t) for t in _item_triples(item, result, mint))
    for i, post in enumerate(result.posts):
        post_iri = mint.post(page.id, i)
        yield q(post_iri, RDF.type, ORG.Membership)
        yield q(post_iri, ORG.member, mint.entity("person", post.person))
        yield q(post_iri, ORG.role, mint.role(post.title))
        if post.organization:
            yield q(post_iri, ORG.organization, mint.entity("organization", post.organization))
        yield q(post_iri, PROV.wasDerivedFrom, mint.item(page.id, post.item))
        if post.date:
            yield q(post_iri, DCTERMS.date, date_literal(post.date))


def _item_triples(item: Item, result: PageResult, mint: Minter) -> Iterator[tuple]:
    iri = mint.item(result.page.id, item.index)
    yield iri, RDF.type, SCHEMA.Photograph if item.kind == "photo" else SCHEMA.NewsArticle
    yield iri, SCHEMA.isPartOf, mint.page(result.page.id)
    yield iri, SCHEMA.position, Literal(str(item.index + 1), datatype=XSD.integer)
    if item.headline:
        yield iri, SCHEMA.headline, zh(item.headline)
    for deck in item.decks:
        yield iri, SCHEMA.alternativeHeadline, zh(deck)
    if item.dateline:
        yield iri, SCHEMA.dateline, zh(item.dateline)
    if item.date:
        yield iri, DCTERMS.date, date_literal(item.date)
    yield iri, SCHEMA.text, zh(item.text)
    for name in (*item.reporters, *item.correspondents):
        yield iri, SCHEMA.author, mint.entity("person", name)
    for name in item.photographers:
        yield iri, SCHEMA.creator, mint.entity("person", name)
    for mention in {(m.kind, m.name) for m in result.mentions if m.item == item.index}:
        yield iri, SCHEMA.mentions, mint.entity(*mention)


def entity_quads(entities: tuple[Entity, ...], roles: set[str], mint: Minter) -> Iterator[Quad]:
    """The description of every resolved entity and role, in the entities graph."""
    graph = mint.entities_graph()
    for entity in entities:
        iri = mint.entity(entity.kind, entity.name)
        yield Quad(iri, RDF.type, ENTITY_CLASSES[entity.kind], graph)
        yield Quad(iri, SCHEMA.name, zh(entity.name), graph)
        for alt in entity.alt_names:
            yield Quad(iri, SCHEMA.alternateName, zh(alt), graph)
    for title in sorted(roles):
        iri = mint.role(title)
        yield Quad(iri, RDF.type, ORG.Role, graph)
        yield Quad(iri, SKOS.prefLabel, zh(title), graph)
