"""An entity's document: its own triples, the labels and types of what it links to, and
the incoming links that matter, gathered with one CONSTRUCT; serialized per format."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from pyld import jsonld

from kb.vocab import PREFIXES

CONTEXT_PATH = Path(__file__).resolve().parents[2] / "ontology" / "context.jsonld"
CONTEXT_URL = "urn:kb:context"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

DOCUMENT_QUERY = """
CONSTRUCT {
  ?s ?p ?o .
  ?o a ?otype ; schema:name ?oname ; schema:headline ?ohead ; skos:prefLabel ?olabel .
  ?in ?ip ?s .
  ?in a ?intype ; schema:headline ?inhead ; schema:name ?inname .
} WHERE {
  BIND(%(s)s AS ?s)
  { %(s)s ?p ?o .
    OPTIONAL { ?o a ?otype }
    OPTIONAL { ?o schema:name ?oname }
    OPTIONAL { ?o schema:headline ?ohead }
    OPTIONAL { ?o skos:prefLabel ?olabel } }
  UNION
  { { SELECT ?in ?ip WHERE { ?in ?ip %(s)s } LIMIT 500 }
    OPTIONAL { ?in a ?intype }
    OPTIONAL { ?in schema:headline ?inhead }
    OPTIONAL { ?in schema:name ?inname } }
}
"""


def document(store: ox.Store, iri: str) -> list[ox.Triple]:
    subject = ox.NamedNode(iri)  # validates the IRI before it goes into the query text
    result = store.query(DOCUMENT_QUERY % {"s": subject}, prefixes=PREFIXES, use_default_graph_as_union=True)
    return sorted(set(result), key=str)


def exists(store: ox.Store, iri: str) -> bool:
    node = ox.NamedNode(iri)
    return any(True for _ in store.quads_for_pattern(node, None, None, None)) or any(
        True for _ in store.quads_for_pattern(None, None, node, None))


@lru_cache(maxsize=1)
def context() -> dict:
    return json.loads(CONTEXT_PATH.read_text(encoding="utf-8"))


def _loader(url: str, options: dict | None = None) -> dict:
    """pyld document loader that never touches the network: only our own context resolves."""
    if url == CONTEXT_URL:
        return {"contextUrl": None, "documentUrl": url, "document": context()}
    raise jsonld.JsonLdError(f"remote document {url} is not loaded (offline)", "loading document failed")


def to_jsonld(triples: list[ox.Triple], iri: str) -> dict:
    """JSON-LD framed around `iri`: serialized by pyoxigraph, framed and compacted by pyld
    with our local context; what does not hang off the entity goes under @included."""
    expanded = _types_as_keyword(json.loads(ox.serialize(triples, format=ox.RdfFormat.JSON_LD)))
    frame = {"@context": CONTEXT_URL, "@id": iri, "@embed": "@once"}
    framed = jsonld.frame(expanded, frame, options={"documentLoader": _loader, "omitGraph": True})
    compacted = jsonld.compact(expanded, CONTEXT_URL, options={"documentLoader": _loader})
    framed["@context"] = context()["@context"]
    linked = {n.get("@id") for n in _nodes(framed)}
    framed["@included"] = [n for n in compacted.get("@graph", []) if n.get("@id") not in linked]
    return framed


def _types_as_keyword(nodes: list[dict]) -> list[dict]:
    """pyoxigraph writes rdf:type as a property; JSON-LD readers expect @type."""
    for node in nodes:
        types = node.pop(RDF_TYPE, None)
        if types:
            node["@type"] = [t["@id"] for t in types]
    return nodes


def _nodes(node: object) -> list[dict]:
    """Every node object nested in a framed document."""
    found: list[dict] = []
    if isinstance(node, dict):
        if "@id" in node:
            found.append(node)
        for value in node.values():
            found.extend(_nodes(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_nodes(value))
    return found


def to_rdf(triples: list[ox.Triple], fmt: ox.RdfFormat) -> bytes:
    prefixes = PREFIXES if fmt == ox.RdfFormat.TURTLE else None
    return ox.serialize(triples, format=fmt, prefixes=prefixes)
