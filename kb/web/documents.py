"""An IRI's document: its own triples, the labels and types of what it links to, and one page
of the incoming links (articles that mention it, posts it holds); serialized per format.

Gathered with index lookups, not a query: every step is bounded by the entity's own triples
plus one page of incoming links, so the cost does not grow with how often it is mentioned.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping
from itertools import chain, islice

import pyoxigraph as ox
from pyld import jsonld

from kb import jsonld as kb_jsonld
from kb.errors import ConfigError
from kb.web.index import Label
from kb.vocab import ORG, PREFIXES, RDF, RDFS, SCHEMA, SKOS, VOID

CONTEXT_URL = "urn:kb:context"
PAGE_SIZE = 50
LABELS = (SCHEMA.name, SCHEMA.headline, SKOS.prefLabel, RDFS.label)
# the incoming links that matter, most telling first: posts held, bylines, mentions, parts,
# what was derived from it, the terms an ontology defines. Not rdf:type (a class's instances)
# nor the per-occurrence mention annotations: those are for SPARQL.
INCOMING = tuple(ox.NamedNode(PREFIXES[p] + local) for p, local in (
    ("org", "member"), ("schema", "author"), ("schema", "creator"), ("schema", "mentions"),
    ("org", "organization"), ("org", "role"), ("schema", "isPartOf"), ("prov", "wasDerivedFrom"),
    ("prov", "used"), ("schema", "location"), ("schema", "containedInPlace"), ("rdfs", "isDefinedBy"),
    ("rdfs", "subClassOf"), ("rdfs", "subPropertyOf")))
PROFILES = {
    "expanded": "http://www.w3.org/ns/json-ld#expanded",
    "compacted": "http://www.w3.org/ns/json-ld#compacted",
    "framed": "http://www.w3.org/ns/json-ld#framed",
}


@dataclass(frozen=True)
class Document:
    iri: str
    triples: list[ox.Triple]
    page: int
    has_next: bool


def exists(store: ox.Store, iri: str) -> bool:
    """Whether the KB says anything of `iri` (a path that cannot be an IRI: no)."""
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return False
    return (_any(store.quads_for_pattern(node, None, None, None))
            or _any(store.quads_for_pattern(None, None, node, None)) or store.contains_named_graph(node))


def _any(quads) -> bool:
    return next(iter(quads), None) is not None


def gather(store: ox.Store, iri: str, page: int = 1, size: int = PAGE_SIZE,
           labels: Mapping[str, Label] | None = None, linked: bool = True) -> Document:
    """The document of `iri` with page `page` (1-based) of its incoming links (INCOMING).
    `labels` (the served Index's) describes linked nodes without store lookups; `linked=False`
    leaves them undescribed (the description of the IRI alone)."""
    node = ox.NamedNode(iri)
    triples = {_triple(q) for q in store.quads_for_pattern(node, None, None, None)}
    linking = chain.from_iterable(store.quads_for_pattern(None, p, node, None) for p in INCOMING)
    incoming = [_triple(q) for q in islice(linking, (page - 1) * size, page * size + 1)]
    has_next = len(incoming) > size
    incoming = incoming[:size]
    triples.update(incoming)
    posts = [t.subject for t in incoming if t.predicate == ORG.member]
    for post in posts:  # a post's own statements make it readable: role, organization, date, source
        triples.update(_triple(q) for q in store.quads_for_pattern(post, None, None, None))
    _add_hash_nodes(store, iri, triples)
    if store.contains_named_graph(node):
        triples.update(_graph_description(store, node))
    if not linked:
        return Document(iri, sorted(triples, key=str), page, has_next)
    others = {t.object for t in triples if isinstance(t.object, ox.NamedNode) and t.predicate != RDF.type}
    others |= {t.subject for t in incoming}
    others -= {node, *posts}  # already described in full
    labels = labels or {}
    for other in others:
        known = labels.get(other.value)
        triples.update(known.triples(other) if known else _labels(store, other))
    return Document(iri, sorted(triples, key=str), page, has_next)


def _labels(store: ox.Store, node: ox.NamedNode) -> list[ox.Triple]:
    """Its types and its first kind of label (nodes have one kind: a name, a headline...).
    One lookup of all its triples: cheaper than one per predicate (a post has six or so)."""
    own = [q.triple for q in store.quads_for_pattern(node, None, None, None)]
    found = [t for t in own if t.predicate == RDF.type]
    for predicate in LABELS:
        labels = [t for t in own if t.predicate == predicate]
        if labels:
            return found + labels
    return found


def _graph_description(store: ox.Store, graph: ox.NamedNode) -> list[ox.Triple]:
    """A named graph is a VoID dataset of so many triples (its content is for SPARQL and dumps)."""
    count = store.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
    n = next(iter(count))["n"]
    return [ox.Triple(graph, RDF.type, VOID.Dataset), ox.Triple(graph, VOID.triples, n)]


def _add_hash_nodes(store: ox.Store, iri: str, triples: set[ox.Triple]) -> None:
    """Hash IRIs (iri#selector, ontology#Term) belong to the document of the IRI before the '#':
    add their whole descriptions, following links between them."""
    prefix = iri + "#"
    done: set[ox.NamedNode] = set()
    while True:
        todo = {n for t in triples for n in (t.subject, t.object)
                if isinstance(n, ox.NamedNode) and n.value.startswith(prefix) and n not in done}
        if not todo:
            return
        for node in todo:
            triples.update(_triple(q) for q in store.quads_for_pattern(node, None, None, None))
        done |= todo


def _triple(quad: ox.Quad) -> ox.Triple:
    return quad.triple  # a twentieth of the cost of building a new Triple from its terms


def profile_of(value: str | None) -> str:
    """'expanded', 'compacted' or 'framed' from a short name or a JSON-LD profile IRI."""
    if not value:
        return "compacted"
    for name, iri in PROFILES.items():
        if value in (name, iri):
            return name
    raise ConfigError(f"JSON-LD profile {value!r} is not offered; use one of {', '.join(PROFILES.values())}")


def context(base: str) -> dict:
    """The context document of the KB under `base` (the dumps' too)."""
    return _context_document(base)


@lru_cache(maxsize=8)
def _context_document(base: str) -> dict:
    return {"@context": kb_jsonld.context(base)}


def _loader(url: str, options: dict | None = None) -> dict:
    """pyld document loader that never touches the network: only our own context resolves,
    as the context of the base named in the URL (CONTEXT_URL + base)."""
    if url.startswith(CONTEXT_URL + ":"):
        return {"contextUrl": None, "documentUrl": url, "document": context(url[len(CONTEXT_URL) + 1:])}
    raise jsonld.JsonLdError(f"remote document {url} is not loaded (offline)", "loading document failed")


OPTIONS = {"documentLoader": _loader}
COMPACT = {**OPTIONS, "skipExpansion": True}  # pyoxigraph's output is already expanded: a third faster


def context_url(base: str) -> str:
    """What pyld is given for our context (resolved by _loader, offline)."""
    return f"{CONTEXT_URL}:{base}"


def to_jsonld(doc: Document, profile: str = "compacted", use_pyld: bool = False, *, base: str) -> dict | list:
    """Expanded: as serialized. Compacted (default): with the KB's context under `base`, the IRI's
    own node at the top (so "@id" is the IRI) and every other node under "@included". Framed: pyld
    frames the document around the IRI, embedding what it links to; the rest goes under "@included".
    Compacted documents come from kb.jsonld unless `use_pyld` (the reference)."""
    fast = None if use_pyld else _compactor(base)
    if fast is not None and profile == "compacted":  # pyld's document (tests/test_jsonld.py), 50x faster
        return _compacted(doc, kb_jsonld.nodes(fast, doc.triples), base)
    expanded = _types_as_keyword(json.loads(ox.serialize(doc.triples, format=ox.RdfFormat.JSON_LD)))
    if profile == "expanded":
        return expanded
    if profile == "framed":
        frame = {"@context": context_url(base), "@id": doc.iri, "@embed": "@once"}
        top = jsonld.frame(expanded, frame, options={**OPTIONS, "omitGraph": True})
        nodes = kb_jsonld.nodes(fast, doc.triples) if fast else _graph(jsonld.compact(
            expanded, context_url(base), options=COMPACT))
        embedded = {n.get("@id") for n in _nodes(top)}
        return _with_included(top, [n for n in nodes if n.get("@id") not in embedded], base)
    return _compacted(doc, _graph(jsonld.compact(expanded, context_url(base), options=COMPACT)), base)


def _compacted(doc: Document, nodes: list[dict], base: str) -> dict:
    top = next((n for n in nodes if n.get("@id") == doc.iri), {"@id": doc.iri})
    return _with_included(top, [n for n in nodes if n is not top], base)


@lru_cache(maxsize=8)
def _compactor(base: str) -> kb_jsonld.Compactor | None:
    try:
        return kb_jsonld.Compactor(context(base))
    except kb_jsonld.Unsupported:
        return None  # a context beyond what the fast path implements: pyld does it all


def _graph(compacted: dict) -> list[dict]:
    """The node objects of a compacted document (one node comes back without @graph)."""
    return compacted.get("@graph") or [{k: v for k, v in compacted.items() if k != "@context"}]


def _nodes(node: object) -> list[dict]:
    """Every node object nested in a framed document."""
    if isinstance(node, list):
        return [n for value in node for n in _nodes(value)]
    if not isinstance(node, dict):
        return []
    found = [node] if "@id" in node else []
    return found + [n for value in node.values() for n in _nodes(value)]


_encode = json.JSONEncoder(ensure_ascii=False).encode


def dumps(document: dict | list, base: str) -> str:
    """The JSON text of a document from to_jsonld(); our inline context, the same in every
    document (~5 KB), is encoded once rather than on every page."""
    if not isinstance(document, dict) or document.get("@context") is not kb_jsonld.context(base):
        return _encode(document)
    rest = _encode({k: v for k, v in document.items() if k != "@context"})
    return '{"@context": ' + _encoded_context(base) + (", " + rest[1:] if rest != "{}" else "}")


@lru_cache(maxsize=8)
def _encoded_context(base: str) -> str:
    return _encode(kb_jsonld.context(base))


def _with_included(top: dict, others: list[dict], base: str) -> dict:
    """Clients get the context itself inline, so they never fetch anything to read a page."""
    top = {k: v for k, v in top.items() if k != "@context"}
    document = {"@context": kb_jsonld.context(base), **top}
    if others:
        document["@included"] = others
    return document


def _types_as_keyword(nodes: list[dict]) -> list[dict]:
    """pyoxigraph writes rdf:type as a property; JSON-LD readers expect @type."""
    for node in nodes:
        types = node.pop(RDF.type.value, None)
        if types:
            node["@type"] = [t["@id"] for t in types]
    return nodes


def to_rdf(doc: Document, fmt: ox.RdfFormat) -> bytes:
    prefixes = PREFIXES if fmt == ox.RdfFormat.TURTLE else None
    return ox.serialize(doc.triples, format=fmt, prefixes=prefixes)
