"""The KB's JSON-LD: its one context, and one compactor for the entity pages and the dumps.

The compactor reads a context like ontology/context.jsonld (prefixes, plain terms, terms with
@type (@id or a datatype) or @language, @container @set) and refuses anything else at
construction (Unsupported; the pages then keep pyld). It never runs a full JSON-LD compaction:
pyld takes 2-7 ms a page, and its from_rdf/compact are quadratic on a whole KB.

It writes node objects in one of two styles, each kept byte for byte as published:
- pages (the default): what pyld's JSON-LD 1.1 compaction with the context gives (term selection,
  compact IRIs everywhere, a single @type as a string); tests/test_jsonld.py compares both, parsed,
  on every page of the seed KB.
- dumps (`Compactor(context, dump=True)`): IRIs in full, @type always an array, and every value of a
  predicate under the predicate's term, as an explicit value object when it does not fit the term's
  coercion, so that the dump expands back to exactly the triples given. Streamed, subject by subject,
  with a plan per predicate and kind of value (a dump repeats both a lot).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import BinaryIO, Iterable, Iterator

import pyoxigraph as ox

from kb.resources import ontology_text
from kb.vocab import RDF_TYPE, XSD_STRING, kb_namespace

GEN_DELIM = re.compile(r".*[:/?#\[\]@]$")
TERM_KEYS = {"@id", "@type", "@language", "@container"}
CONTAINERS = ("@set", "@none")  # term selection order for every non-list value


class Unsupported(ValueError):
    """The context uses a feature this compactor does not implement."""


@dataclass(frozen=True)
class Term:
    name: str
    iri: str
    type: str | None = None  # '@id' or a datatype IRI
    language: str | None = None
    is_set: bool = False
    prefix: bool = False  # usable as the prefix of a compact IRI
    plain: bool = False  # a string in the context (a prefix or a class), not an object


@lru_cache(maxsize=8)
def context(base: str) -> dict:
    """The KB's one JSON-LD context (the value of "@context"), for the pages, the dumps and VoID:
    ontology/context.jsonld with its `kb:` prefix under the KB's base (the file holds the default
    base's), so a triple compacts the same way whatever the base. Cached: never modify it."""
    found = json.loads(ontology_text("context.jsonld"))["@context"]
    return {**found, "kb": kb_namespace(base).iri}


class Compactor:
    def __init__(self, context: dict, dump: bool = False) -> None:
        """`context`: a context document ({"@context": {...}}); `dump`: the dumps' style."""
        local = context["@context"]
        if not isinstance(local, dict) or set(k for k in local if k.startswith("@")) - {"@version"}:
            raise Unsupported("only a single context object without @vocab, @base or @language is supported")
        self._raw, self._dump = local, dump
        self.terms = {name: self._term(name, value) for name, value in local.items() if not name.startswith("@")}
        self._prefixes = sorted((t for t in self.terms.values() if t.prefix), key=lambda t: (len(t.name), t.name))
        # IRI -> container -> (type-or-language key -> term), the shortest term first, as pyld's inverse context
        self._inverse: dict[str, dict[str, dict[tuple[str, str], Term]]] = {}
        for term in sorted(self.terms.values(), key=lambda t: (len(t.name), t.name)):
            entry = self._inverse.setdefault(term.iri, {}).setdefault("@set" if term.is_set else "@none", {})
            for key in _keys(term):
                entry.setdefault(key, term)
        # node IRIs (most match no prefix) are checked at once; vocabulary IRIs (bounded) are cached
        self._prefixed = re.compile("|".join(re.escape(t.iri) for t in self._prefixes) or "(?!)")
        self._vocab: dict[str, str] = {}
        self._curies: dict[str, str] = {}  # predicates no term fits
        self._plans: dict[tuple[str, object], tuple[str, bool, bool]] = {}  # the dumps' (key, plain, is_set)
        self._key_and_value = self._dump_property if dump else self._property

    def _expand(self, value: str) -> str:
        prefix, colon, suffix = value.partition(":")
        if colon and not suffix.startswith("//") and isinstance(self._raw.get(prefix), str):
            return self._expand(self._raw[prefix]) + suffix
        return value

    def _term(self, name: str, value: object) -> Term:
        plain = isinstance(value, str)
        if plain:
            value = {"@id": value}
        if not isinstance(value, dict) or set(value) - TERM_KEYS or value.get("@container", "@set") != "@set":
            raise Unsupported(f"term {name!r}: only @id, @type, @language and @container @set are supported")
        iri = self._expand(value.get("@id", name))
        kind = value.get("@type")
        if kind is not None and kind != "@id":
            if kind.startswith("@"):
                raise Unsupported(f"term {name!r}: @type {kind} is not supported")
            kind = self._expand(kind)
        if "@language" in value and (value["@language"] is None or kind is not None):
            raise Unsupported(f"term {name!r}: a null @language, or @language with @type, is not supported")
        simple = set(value) == {"@id"}
        return Term(name, iri, kind, value.get("@language"), "@container" in value,
                    simple and ":" not in name and bool(GEN_DELIM.match(iri)), plain)

    def _select(self, iri: str, key: tuple[str, str], fallback: tuple[str, str]) -> Term | None:
        """JSON-LD 1.1 term selection for one value: by container, then by preferred type/language."""
        containers = self._inverse.get(iri)
        if not containers:
            return None
        for container in CONTAINERS:
            entry = containers.get(container)
            if entry:
                found = entry.get(key) or entry.get(fallback)
                if found:
                    return found
        return None

    def iri(self, iri: str, vocab: bool) -> str:
        """IRI compaction: a term (vocab only), else the shortest compact IRI, else the IRI."""
        if not vocab:
            return self._curie(iri) if self._prefixed.match(iri) else iri
        cached = self._vocab.get(iri)
        if cached is None:
            term = self._select(iri, ("@type", "@id"), ("@type", "@none"))
            cached = self._vocab[iri] = term.name if term else self._curie(iri)
        return cached

    def _curie(self, iri: str) -> str:
        best = None
        for term in self._prefixes:
            if iri != term.iri and iri.startswith(term.iri):
                curie = f"{term.name}:{iri[len(term.iri):]}"
                if curie not in self.terms and (best is None or (len(curie), curie) < (len(best), best)):
                    best = curie
        return best or iri

    def node(self, subject: ox.NamedNode | ox.BlankNode, triples: Iterable[ox.Triple]) -> dict:
        """The compacted node object of `subject` from its triples (values in the order given)."""
        node: dict = {"@id": self._id(subject)}
        types: list[str] = []
        for t in triples:
            if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode):
                types.append(self.iri(t.object.value, vocab=True))
                continue
            add_value(node, *self._key_and_value(t.predicate.value, t.object))
        if types:
            node["@type"] = types[0] if len(types) == 1 and not self._dump else types
        return node

    def _id(self, node: ox.Term) -> str:
        if isinstance(node, ox.BlankNode):
            return "_:" + node.value
        return node.value if self._dump else self.iri(node.value, vocab=False)

    def _property(self, predicate: str, obj: ox.Term) -> tuple[str, object, bool]:
        """(key, compacted value, whether the key's values are always an array)."""
        if isinstance(obj, ox.Literal):
            language, datatype = obj.language, obj.datatype.value
            key = (("@language", language) if language else
                   ("@language", "@null") if datatype == XSD_STRING else ("@type", datatype))
        else:
            key = ("@type", "@id")
        term = self._select(predicate, key, (key[0], "@none"))
        if term is None:
            return self._property_curie(predicate), self._value(obj, None), False  # no term fits the value
        return term.name, self._value(obj, term), term.is_set

    def _property_curie(self, predicate: str) -> str:
        cached = self._curies.get(predicate)
        if cached is None:
            cached = self._curies[predicate] = self._curie(predicate)
        return cached

    def _value(self, obj: ox.Term, term: Term | None) -> object:
        """JSON-LD value compaction against the selected term (None: no term definition)."""
        if not isinstance(obj, ox.Literal):
            ref = self._id(obj)
            return ref if term is not None and term.type == "@id" else {"@id": ref}
        language, datatype = obj.language, obj.datatype.value
        if term is not None and ((language and language == term.language) or datatype == term.type):
            return obj.value
        if language:
            return {"@language": language, "@value": obj.value}
        if datatype == XSD_STRING:
            return obj.value
        return {"@type": self.iri(datatype, vocab=True), "@value": obj.value}

    def _dump_property(self, predicate: str, obj: ox.Term) -> tuple[str, object, bool]:
        """The dumps' (key, value, is_set): the predicate's term (the first by name that fits the
        value, else the first), the value plain only where it fits the term's coercion."""
        kind = _kind(obj)
        plan = self._plans.get((predicate, kind))
        if plan is None:
            terms = sorted((t for t in self.terms.values() if t.iri == predicate and not t.plain),
                           key=lambda t: t.name)
            fits = [t for t in terms if _fits(t, obj)]
            if fits or terms:
                term = (fits or terms)[0]
                plan = term.name, bool(fits), term.is_set
            else:
                plan = self._curie(predicate), False, False
            self._plans[(predicate, kind)] = plan
        key, plain, is_set = plan
        return key, obj.value if plain else self._value_object(obj), is_set

    def _value_object(self, obj: ox.Term) -> dict:
        if not isinstance(obj, ox.Literal):
            return {"@id": self._id(obj)}
        if obj.language:
            return {"@value": obj.value, "@language": obj.language}
        if obj.datatype.value != XSD_STRING:
            return {"@value": obj.value, "@type": self._curie(obj.datatype.value)}
        return {"@value": obj.value}


def _keys(term: Term) -> list[tuple[str, str]]:
    """The type-or-language keys under which a term is preferred (pyld's inverse context)."""
    if term.type is not None:
        return [("@type", term.type)]
    if term.language is not None:
        return [("@language", term.language)]
    return [("@language", "@none"), ("@type", "@none")]


def _kind(obj: ox.Term) -> object:
    """What decides how a dump writes a value: an IRI, a blank node, or a literal's language and datatype."""
    if isinstance(obj, ox.NamedNode):
        return "@id"
    if isinstance(obj, ox.BlankNode):
        return "_:"
    return obj.language, obj.datatype.value


def _fits(term: Term, obj: ox.Term) -> bool:
    """Whether the term's coercion writes the value as a plain string (the dumps' rule)."""
    if isinstance(obj, ox.NamedNode):
        return term.type == "@id"
    if not isinstance(obj, ox.Literal) or term.type == "@id":
        return False
    if term.language is not None:
        return obj.language == term.language
    if term.type is not None:
        return obj.datatype.value == term.type
    return obj.language is None and obj.datatype.value == XSD_STRING


def add_value(node: dict, key: str, value: object, is_set: bool) -> None:
    """Another value under `key`: a list once there are two, or always for a @set term."""
    if key not in node:
        node[key] = [value] if is_set else value
    elif isinstance(node[key], list):
        node[key].append(value)
    else:
        node[key] = [node[key], value]


def _by_subject(triples: Iterable[ox.Triple | ox.Quad]) -> Iterator[tuple[ox.Term, list]]:
    """Triples grouped by subject, in order of first appearance (a sorted document's are grouped)."""
    grouped: dict[ox.Term, list] = {}
    for t in triples:
        grouped.setdefault(t.subject, []).append(t)
    return iter(grouped.items())


def nodes(compactor: Compactor, triples: Iterable[ox.Triple]) -> list[dict]:
    """Node objects, one per subject in order of first appearance."""
    return [compactor.node(subject, ts) for subject, ts in _by_subject(triples)]


def nodes_json(triples: Iterable[ox.Triple | ox.Quad], compactor: Compactor) -> list[bytes]:
    """One JSON object per subject, as UTF-8 with sorted keys: the same bytes every time."""
    return [json.dumps(node, ensure_ascii=False, sort_keys=True).encode("utf-8") for node in nodes(compactor, triples)]


def write_jsonld(triples: Iterable[ox.Triple | ox.Quad], out: BinaryIO, base: str) -> None:
    """Write triples (the graph of a quad is ignored) as {"@context": ..., "@graph": [nodes]} in the
    dumps' style, with the context of the KB under `base`."""
    compactor = Compactor({"@context": context(base)}, dump=True)
    out.write(b'{"@context": ' + json.dumps(context(base), ensure_ascii=False).encode("utf-8") + b',\n"@graph": [\n')
    out.write(b",\n".join(nodes_json(triples, compactor)))
    out.write(b"\n]}\n")
