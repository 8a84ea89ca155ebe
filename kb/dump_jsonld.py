"""A streaming JSON-LD writer for the dumps: one node object per subject, compacted with the KB's
context (ontology/context.jsonld under the KB's base) by a cheap term lookup, never by a full JSON-LD compaction
(pyld's from_rdf/compact are quadratic on a whole KB).

A value uses a context term only when it matches the term's coercion (@type, @language);
any other value is written under its compact IRI as an explicit value object, so the file
expands back to exactly the triples given.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import BinaryIO, Iterable, Iterator

import pyoxigraph as ox

from kb.resources import ontology_text
from kb.vocab import kb_namespace

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class Term:
    name: str
    coerce_type: str | None  # "@id" or a datatype IRI
    language: str | None
    is_set: bool


class Compactor:
    """Term and prefix lookups read from a JSON-LD context (the subset our context uses)."""

    def __init__(self, context: dict) -> None:
        self.prefixes: list[tuple[str, str]] = []
        self.terms: dict[str, list[Term]] = {}
        self.classes: dict[str, str] = {}  # class IRI -> its name; memoizes compact_iri for the others
        self._plans: dict[tuple[str, object], tuple[str, bool, bool]] = {}
        raw = {k: v for k, v in context.items() if not k.startswith("@")}
        for name, value in raw.items():
            if isinstance(value, str) and value.endswith(("/", "#")):
                self.prefixes.append((value, name))
        self.prefixes.sort(key=lambda p: -len(p[0]))  # longest namespace wins
        for name, value in sorted(raw.items()):
            if isinstance(value, str) and not value.endswith(("/", "#")):
                self.classes[self.expand(value)] = name
            elif isinstance(value, dict) and "@id" in value and value.get("@container", "@set") == "@set":
                self._add_term(name, value)

    def _add_term(self, name: str, value: dict) -> None:
        coerce = value.get("@type")
        term = Term(name, coerce if coerce in (None, "@id") else self.expand(coerce),
                    value.get("@language"), value.get("@container") == "@set")
        self.terms.setdefault(self.expand(value["@id"]), []).append(term)

    def expand(self, value: str) -> str:
        prefix, sep, local = value.partition(":")
        for namespace, name in self.prefixes:
            if sep and name == prefix:
                return namespace + local
        return value

    def compact_iri(self, iri: str) -> str:
        for namespace, name in self.prefixes:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{name}:{iri[len(namespace):]}"
        return iri

    def class_name(self, iri: str) -> str:
        name = self.classes.get(iri)
        if name is None:
            name = self.classes[iri] = self.compact_iri(iri)
        return name

    def key_and_value(self, predicate: str, obj) -> tuple[str, object, bool]:
        """(key, JSON value, is_set) for one object of `predicate`."""
        kind = _kind(obj)
        plan = self._plans.get((predicate, kind))
        if plan is None:  # decided once per predicate and kind of value: dumps repeat both a lot
            plan = self._plans[(predicate, kind)] = self._plan(predicate, obj)
        key, plain, is_set = plan
        return key, obj.value if plain else self.value_object(obj), is_set

    def _plan(self, predicate: str, obj) -> tuple[str, bool, bool]:
        """(key, whether the plain value is enough, is_set)."""
        terms = self.terms.get(predicate, ())
        for term in terms:
            if _matches(term, obj):
                return term.name, True, term.is_set
        if terms:  # a value object is read as written, whatever the term's coercion
            return terms[0].name, False, terms[0].is_set
        return self.compact_iri(predicate), False, False

    def value_object(self, obj) -> dict:
        if isinstance(obj, ox.NamedNode):
            return {"@id": obj.value}
        if isinstance(obj, ox.BlankNode):
            return {"@id": f"_:{obj.value}"}
        if obj.language:
            return {"@value": obj.value, "@language": obj.language}
        if obj.datatype.value != XSD_STRING:
            return {"@value": obj.value, "@type": self.compact_iri(obj.datatype.value)}
        return {"@value": obj.value}


def _kind(obj) -> object:
    """What decides how a value is written: an IRI, a blank node, or a literal's language and datatype."""
    if isinstance(obj, ox.NamedNode):
        return "@id"
    if isinstance(obj, ox.BlankNode):
        return "_:"
    return obj.language, obj.datatype.value


def _matches(term: Term, obj) -> bool:
    if isinstance(obj, ox.NamedNode):
        return term.coerce_type == "@id"
    if not isinstance(obj, ox.Literal) or term.coerce_type == "@id":
        return False
    if term.language is not None:
        return obj.language == term.language
    if term.coerce_type is not None:
        return obj.datatype.value == term.coerce_type
    return obj.language is None and obj.datatype.value == XSD_STRING


@lru_cache(maxsize=8)
def context(base: str) -> dict:
    """The KB's one JSON-LD context (the value of "@context"), for the pages, the dumps and VoID:
    ontology/context.jsonld with its `kb:` prefix under the KB's base (the file holds the default
    base's), so a triple compacts the same way whatever the base. Cached: never modify it."""
    found = json.loads(ontology_text("context.jsonld"))["@context"]
    return {**found, "kb": kb_namespace(base).iri}


def write_jsonld(triples: Iterable[ox.Triple | ox.Quad], out: BinaryIO, base: str) -> None:
    """Write triples (grouped by subject: sorted input; the graph of a quad is ignored) as
    {"@context": ..., "@graph": [nodes]}, with the context of the KB under `base`."""
    compactor = Compactor(context(base))
    out.write(b'{"@context": ' + json.dumps(context(base), ensure_ascii=False).encode("utf-8") + b',\n"@graph": [\n')
    out.write(b",\n".join(nodes_json(triples, compactor)))
    out.write(b"\n]}\n")


def nodes_json(triples: Iterable[ox.Triple | ox.Quad], compactor: Compactor) -> list[bytes]:
    """One JSON object per subject (sorted input), as UTF-8 with sorted keys: the same bytes every time."""
    return [json.dumps(node, ensure_ascii=False, sort_keys=True).encode("utf-8") for node in _nodes(triples, compactor)]


def _nodes(triples: Iterable[ox.Triple | ox.Quad], compactor: Compactor) -> Iterator[dict]:
    subject, node = None, {}
    for triple in triples:
        if triple.subject != subject:
            if node:
                yield node
            subject = triple.subject
            node = {"@id": _node_id(subject)}
        _add(node, triple, compactor)
    if node:
        yield node


def _node_id(term) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def _add(node: dict, triple: ox.Triple | ox.Quad, compactor: Compactor) -> None:
    if triple.predicate.value == RDF_TYPE and isinstance(triple.object, ox.NamedNode):
        node.setdefault("@type", []).append(compactor.class_name(triple.object.value))
        return
    add_value(node, *compactor.key_and_value(triple.predicate.value, triple.object))


def add_value(node: dict, key: str, value: object, is_set: bool) -> None:
    """Another value under `key`: a list once there are two, or always for a @set term."""
    if key not in node:
        node[key] = [value] if is_set else value
    elif isinstance(node[key], list):
        node[key].append(value)
    else:
        node[key] = [node[key], value]
