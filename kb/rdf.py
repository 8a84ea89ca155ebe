"""The one place where the data model becomes RDF (pyoxigraph quads).

Each page's facts (its items, posts, mentions and their provenance) live in the page's named
graph; the description of each resolved entity (types, names, facts) and of each role lives
once in the entities graph, so the union of all graphs holds no triple twice.
The terms are the contract's (CONTRACT.md section 4) plus the project's own (ontology/kb.ttl).
"""
from __future__ import annotations

import json
import os
import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Mapping

import pyoxigraph as ox
from pyoxigraph import Literal, NamedNode, Quad

import kb
from kb import identity
from kb.errors import ConfigError
from kb.iris import Minter
from kb.kinds import ENTITY_KINDS, ITEM_CLASSES, SUBTYPES
from kb.model import Entity, Item, Mention, PageResult, Post
from kb.pipeline import stage_names
from kb.resources import ontology_text
from kb.stages.resolve import NAME as RESOLVE_STAGE
from kb.vocab import DCTERMS, OA, ONTOLOGY_PATH, ORG, PREFIXES, PROV, RDF, RDFS, SCHEMA, SKOS, XSD

if TYPE_CHECKING:
    from kb.corrected import EntityNote
    from kb.corrections import Correction

_BASE = re.compile(r"^@base <[^>]*> \.$", re.MULTILINE)

Triple = tuple[NamedNode, NamedNode, NamedNode | Literal]
Namer = Callable[[str, str], NamedNode]  # (kind, name as printed on the page) -> the entity's IRI


def zh(text: str) -> Literal:
    return Literal(text, language="zh")


def date_literal(value: str) -> Literal:
    """ISO dates are xsd:date; '--MM-DD' (year unknown) is xsd:gMonthDay."""
    return Literal(value, datatype=XSD.gMonthDay if value.startswith("--") else XSD.date)


def _integer(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.integer)


def source_time(path: str) -> datetime:
    """When a page's facts count as extracted, reproducibly: $SOURCE_DATE_EPOCH when set
    (reproducible-builds.org), else the page file's modification time."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return datetime.fromtimestamp(int(os.stat(path).st_mtime), timezone.utc)
    if not epoch.strip().isdigit():
        raise ConfigError(f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds since 1970-01-01")
    return datetime.fromtimestamp(int(epoch), timezone.utc)


def page_quads(result: PageResult, mint: Minter, extracted_at: datetime | None = None,
               skip_posts: frozenset[int] = frozenset(), corrected: Iterable[tuple[str, str]] = ()) -> Iterator[Quad]:
    """All quads of one page, in the page's named graph. An editor's corrections (kb.corrections)
    leave out the posts at positions `skip_posts`; `corrected`: (fact's IRI, correction id) pairs."""
    graph = mint.graph(result.page.id)
    when = extracted_at or source_time(result.page.path)
    name = page_namer(result, mint)
    parts = (
        _provenance(result, mint, when),
        *(_item(item, result, mint, name) for item in result.items),
        _posts(result, mint, name, skip_posts),
        _mentions(result, mint, name),
        ((NamedNode(iri), mint.kb.correctedBy, mint.correction(cid)) for iri, cid in corrected),
    )
    for triples in parts:
        for s, p, o in triples:
            yield Quad(s, p, o, graph)


def page_namer(result: PageResult, mint: Minter) -> Namer:
    """IRIs for the names on one page: qualified as its entities are (kb.identity), else plain."""
    qualifiers = {(e.kind, e.name): e.qualifier for e in result.entities}
    return lambda kind, name: mint.entity(kind, name, qualifiers.get((kind, name)))


def _provenance(result: PageResult, mint: Minter, when: datetime) -> Iterator[Triple]:
    """The page as a source document; its graph as a PROV entity made by one extraction."""
    page = result.page
    page_iri, graph, activity = mint.page(page.id), mint.graph(page.id), mint.extraction(page.id)
    agent = mint.software(kb.__version__)
    stamp = Literal(when.strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=XSD.dateTime)
    yield page_iri, RDF.type, mint.kb.Page
    yield page_iri, RDF.type, SCHEMA.CreativeWork
    yield page_iri, SCHEMA.name, Literal(page.id)
    yield page_iri, DCTERMS.source, Literal(os.path.basename(page.path))
    yield page_iri, mint.kb.sha256, Literal(page.sha256, datatype=XSD.hexBinary)
    yield graph, RDF.type, mint.kb.PageGraph
    yield graph, RDF.type, PROV.Entity
    yield graph, PROV.wasDerivedFrom, page_iri
    yield graph, PROV.wasGeneratedBy, activity
    yield graph, PROV.generatedAtTime, stamp
    yield graph, PROV.wasAttributedTo, agent
    yield activity, RDF.type, mint.kb.Extraction
    yield activity, RDF.type, PROV.Activity
    yield activity, PROV.used, page_iri
    yield activity, PROV.wasAssociatedWith, agent
    yield activity, PROV.endedAtTime, stamp
    for name in stage_names():
        yield activity, mint.kb.stage, Literal(name)


def _item(item: Item, result: PageResult, mint: Minter, name: Namer) -> Iterator[Triple]:
    iri = mint.item(result.page.id, item.index)
    yield iri, RDF.type, SCHEMA.Photograph if item.kind == "photo" else SCHEMA.NewsArticle
    yield iri, RDF.type, getattr(mint.kb, ITEM_CLASSES.get(item.kind, "OtherItem"))
    yield iri, RDF.type, mint.kb.Item  # stated, not inferred: one class for every item
    yield iri, SCHEMA.isPartOf, mint.page(result.page.id)
    yield iri, SCHEMA.position, _integer(item.index + 1)
    if item.headline:
        yield iri, SCHEMA.headline, zh(item.headline)
    for deck in item.decks:
        yield iri, SCHEMA.alternativeHeadline, zh(deck)
    if item.dateline:
        yield iri, SCHEMA.dateline, zh(item.dateline)
    if item.date:
        yield iri, DCTERMS.date, date_literal(item.date)
    yield iri, SCHEMA.text, zh(item.text)
    for person in (*item.reporters, *item.correspondents):
        yield iri, SCHEMA.author, name("person", person)
    for person in item.photographers:
        yield iri, SCHEMA.creator, name("person", person)
    byline = {("person", n) for n in (*item.reporters, *item.correspondents, *item.photographers)}
    for kind, named in sorted({(m.kind, m.name) for m in result.mentions if m.item == item.index} - byline):
        yield iri, SCHEMA.mentions, name(kind, named)  # its own byline's people are its authors, not mentions


def ordered_posts(posts: tuple[Post, ...]) -> list[Post]:
    """Posts without repeats, in page order: their position is their IRI's number."""
    return sorted(set(posts), key=lambda p: (p.start, p.end, p.person, p.title, p.organization or "", p.item))


def _posts(result: PageResult, mint: Minter, name: Namer, skip: frozenset[int]) -> Iterator[Triple]:
    page = result.page
    for i, post in enumerate(ordered_posts(result.posts)):
        if i in skip:  # rejected by an editor: the others keep their numbers
            continue
        iri = mint.post(page.id, i)
        yield iri, RDF.type, ORG.Membership
        yield iri, RDF.type, mint.kb.Post
        yield iri, ORG.member, name("person", post.person)
        yield iri, ORG.role, mint.role(post.held_role())
        if post.title != post.held_role():  # the title as printed: 许昌市委书记, 原市长
            yield iri, SKOS.altLabel, zh(post.title)
        if post.organization:
            yield iri, ORG.organization, mint.entity("organization", post.organization)
        yield iri, PROV.wasDerivedFrom, mint.item(page.id, post.item)
        if post.former:  # held before the item's date, not on it: no dcterms:date
            yield iri, mint.kb.former, Literal("true", datatype=XSD.boolean)
        elif post.date:
            yield iri, DCTERMS.date, date_literal(post.date)
        yield from _annotation(result, mint, iri, post.item, post.start, post.end)


def _mentions(result: PageResult, mint: Minter, name: Namer) -> Iterator[Triple]:
    """One annotation per mention with a span; bylines found without one are schema:author only."""
    seen = set()
    for m in sorted(result.mentions, key=_mention_key):
        key = (m.kind, m.name, m.start, m.end)
        if m.end > m.start and key not in seen:
            seen.add(key)
            yield from _annotation(result, mint, name(m.kind, m.name), m.item, m.start, m.end)


def _mention_key(m: Mention) -> tuple:
    return m.start, m.end, m.kind, m.name, m.item


def _annotation(result: PageResult, mint: Minter, body: NamedNode, item: int, start: int,
                end: int) -> Iterator[Triple]:
    """A Web Annotation: this span of the source file (in this item) identifies `body`.
    Two bodies found on the same span share the annotation."""
    page = result.page
    first, last = page.source_span(start, end)
    iri = mint.mention(page.id, first, last)
    target, selector = mint.mention_part(iri, "target"), mint.mention_part(iri, "selector")
    yield iri, RDF.type, OA.Annotation
    yield iri, RDF.type, mint.kb.Mention
    yield iri, OA.motivatedBy, OA.identifying
    yield iri, OA.hasBody, body
    yield iri, OA.hasTarget, target
    yield target, RDF.type, OA.SpecificResource
    yield target, OA.hasSource, mint.page(page.id)
    yield target, OA.hasScope, mint.item(page.id, item)
    yield target, OA.hasSelector, selector
    yield selector, RDF.type, OA.TextPositionSelector
    # xsd:integer, not oa's xsd:nonNegativeInteger: Oxigraph stores derived integer types as xsd:integer
    yield selector, OA.start, _integer(first)
    yield selector, OA.end, _integer(last)


def entity_quads(entities: tuple[Entity, ...], roles: set[str], mint: Minter,
                 notes: Mapping[str, EntityNote] | None = None) -> Iterator[Quad]:
    """The description of every resolved entity and role, in the entities graph; `notes`: what
    editors corrected (kb.corrected.apply_entities), by entity IRI."""
    graph = mint.entities_graph()
    for s, p, o in _resolution(mint):
        yield Quad(s, p, o, graph)
    for entity in entities:
        for s, p, o in _entity(entity, mint, notes or {}):
            yield Quad(s, p, o, graph)
    for s, p, o in _namesakes(entities, mint):
        yield Quad(s, p, o, graph)
    for title in sorted(roles):
        iri = mint.role(title)
        yield Quad(iri, RDF.type, ORG.Role, graph)
        yield Quad(iri, SKOS.prefLabel, zh(title), graph)


def _resolution(mint: Minter) -> Iterator[Triple]:
    """The entities graph as a PROV entity: made by resolving every page's entities."""
    graph, run, agent = mint.entities_graph(), mint.resolution(), mint.software(kb.__version__)
    yield graph, RDF.type, PROV.Entity
    yield graph, PROV.wasGeneratedBy, run
    yield graph, PROV.wasAttributedTo, agent
    yield run, RDF.type, mint.kb.Resolution
    yield run, RDF.type, PROV.Activity
    yield run, PROV.wasAssociatedWith, agent
    yield run, mint.kb.stage, Literal(identity.NAME)
    yield run, mint.kb.stage, Literal(RESOLVE_STAGE)


def _namesakes(entities: tuple[Entity, ...], mint: Minter) -> Iterator[Triple]:
    """A qualified entity (kb.identity) and the plain one of the same kind and name point to each
    other with rdfs:seeAlso: a hint for readers, never owl:sameAs, as the text set them apart."""
    plain = {(e.kind, e.name) for e in entities if e.qualifier is None}
    for e in entities:
        if e.qualifier is not None and (e.kind, e.name) in plain:
            qualified, named = mint.entity(e.kind, e.name, e.qualifier), mint.entity(e.kind, e.name)
            yield qualified, RDFS.seeAlso, named
            yield named, RDFS.seeAlso, qualified


def _entity(entity: Entity, mint: Minter, notes: Mapping[str, EntityNote]) -> Iterator[Triple]:
    iri = mint.entity(entity.kind, entity.name, entity.qualifier)
    note = notes.get(iri.value) if notes else None
    yield iri, RDF.type, ENTITY_KINDS[entity.kind].cls
    subtype = SUBTYPES.get(entity.subtype or "")
    for cls in subtype.classes if subtype else ():
        yield iri, RDF.type, getattr(mint.kb, cls) if isinstance(cls, str) else cls
    name = note.name if note and note.name else entity.name  # renamed by an editor: its IRI stays
    yield iri, SCHEMA.name, zh(name)
    if entity.qualifier:  # what tells it apart from its namesakes, for readers of its page
        yield iri, SCHEMA.disambiguatingDescription, zh(entity.qualifier)
    for alt in sorted({*entity.alt_names, entity.name} - {name}):
        yield iri, SCHEMA.alternateName, zh(alt)
    for cid in note.corrections if note else ():
        yield iri, mint.kb.correctedBy, mint.correction(cid)
    for key, value in sorted(set(entity.facts)):
        fact = fact_triple(entity, key, value, mint)
        if fact is not None:
            yield fact


def fact_triple(entity: Entity, key: str, value: str, mint: Minter) -> Triple | None:
    """One stated fact about an entity; None for a key the ontology has no term for yet."""
    iri = mint.entity(entity.kind, entity.name, entity.qualifier)
    match key:
        case "investment":  # in yuan, a number string
            return iri, mint.kb.investment, Literal(value, datatype=XSD.decimal)
        case "signed":
            return iri, mint.kb.signed, Literal(value, datatype=XSD.boolean)
        case "capacity":
            return iri, mint.kb.capacity, zh(value)
        case "containedIn":
            return iri, SCHEMA.containedInPlace, mint.entity("place", value)
        case "location":
            return iri, SCHEMA.location, mint.entity("place", value)
        case "owner":
            return iri, mint.kb.owner, mint.entity("organization", value)
        case "date":
            return iri, SCHEMA.startDate, date_literal(value)
    return None


def correction_quads(c: Correction, mint: Minter, describe_editor: bool) -> Iterator[Quad]:
    """An editor's correction (kb.corrections), in its own named graph (named by the correction's
    IRI): who, when, why, and what it says. A rejected IRI is a literal, so that nothing in the KB names it any more;
    a merged one is replaced by the survivor (dcterms:isReplacedBy: the server answers 301)."""
    iri, editor = mint.correction(c.id), mint.editor(c.by)
    triples = [
        (iri, RDF.type, mint.kb.Correction),
        (iri, DCTERMS.identifier, Literal(c.id)),
        (iri, mint.kb.operation, Literal(c.operation)),
        (iri, mint.kb.reason, Literal(c.reason)),
        (iri, PROV.wasAttributedTo, editor),
        (iri, PROV.generatedAtTime, Literal(c.when, datatype=XSD.dateTime)),
    ]
    if c.operation == "reject":
        triples.append((iri, mint.kb.rejects, Literal(mint.at(c.target).value, datatype=XSD.anyURI)))
    else:
        triples.append((iri, mint.kb.corrects, mint.at(c.target)))
    if c.operation == "merge":
        other = mint.at(c.value)
        triples += [(iri, mint.kb.mergedFrom, other), (other, DCTERMS.isReplacedBy, mint.at(c.target))]
    elif c.operation == "rename":
        triples.append((iri, mint.kb.newName, zh(c.value)))
    elif c.operation == "split":
        triples.append((iri, mint.kb.qualifier, zh(c.value)))
    elif c.operation == "add":  # as written: the fact itself is in the entities graph
        triples.append((iri, mint.kb.adds, Literal(c.value)))
    elif c.operation == "retype":
        prefix, local = c.value.split(":", 1)
        cls = getattr(mint.kb, local) if prefix == "kb" else NamedNode(PREFIXES[prefix] + local)
        triples.append((iri, mint.kb.newType, cls))
    if describe_editor:  # once, in the graph of the editor's first correction
        triples += [(editor, RDF.type, PROV.Person), (editor, RDFS.label, Literal(c.by))]
    return (Quad(s, p, o, iri) for s, p, o in triples)


def rebased(name: str, base: str) -> str:
    """A Turtle file of ontology/ with its @base set to the KB's base, so that its relative
    IRIs (<ontology>, kb: = <ontology#>) land under the configured base."""
    text = ontology_text(name)
    return _BASE.sub(lambda _: f"@base <{base}> .", text, count=1)


def jsonld_context(base: str) -> dict:
    """ontology/context.jsonld with its `kb:` prefix moved under `base` (the file holds the default)."""
    context = json.loads(ontology_text("context.jsonld"))
    context["@context"]["kb"] = base + ONTOLOGY_PATH + "#"
    return context


def ontology_quads(mint: Minter) -> list[Quad]:
    """ontology/kb.ttl under the KB's base, in its own graph named by the ontology's IRI."""
    graph = mint.ontology()
    try:
        triples = ox.parse(rebased("kb.ttl", mint.base), format=ox.RdfFormat.TURTLE)
        return [Quad(t.subject, t.predicate, t.object, graph) for t in triples]
    except SyntaxError as exc:
        raise ConfigError(f"cannot publish the ontology under base {mint.base!r}: {exc}") from None
