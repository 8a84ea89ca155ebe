"""Compacted JSON-LD straight from a document's triples: the node objects pyld's compaction with
our own context gives, without pyld (2-7 ms a page) on the hot path of every entity page.

It implements the parts of JSON-LD 1.1 compaction (IRI compaction, term selection, value
compaction) that a context like ontology/context.jsonld uses: prefixes, plain terms, terms with
@type (@id or a datatype) or @language, @container @set. A context using anything else is
refused at construction (Unsupported), and documents.py then keeps pyld. tests/test_jsonld_fast.py
compares both, parsed, on every page of the seed KB.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

import pyoxigraph as ox

from kb.dump_jsonld import add_value

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
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


class Compactor:
    def __init__(self, context: dict) -> None:
        local = context["@context"]
        if not isinstance(local, dict) or set(k for k in local if k.startswith("@")) - {"@version"}:
            raise Unsupported("only a single context object without @vocab, @base or @language is supported")
        self._raw = local
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

    def _expand(self, value: str) -> str:
        prefix, colon, suffix = value.partition(":")
        if colon and not suffix.startswith("//") and isinstance(self._raw.get(prefix), str):
            return self._expand(self._raw[prefix]) + suffix
        return value

    def _term(self, name: str, value: object) -> Term:
        if isinstance(value, str):
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
                    simple and ":" not in name and bool(GEN_DELIM.match(iri)))

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
            if t.predicate.value == RDF_TYPE and not isinstance(t.object, ox.Literal):
                types.append(self.iri(t.object.value, vocab=True))
                continue
            key, value, is_set = self._property(t.predicate.value, t.object)
            add_value(node, key, value, is_set)
        if types:
            node["@type"] = types[0] if len(types) == 1 else types
        return node

    def _id(self, node: ox.NamedNode | ox.BlankNode) -> str:
        return "_:" + node.value if isinstance(node, ox.BlankNode) else self.iri(node.value, vocab=False)

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


def _keys(term: Term) -> list[tuple[str, str]]:
    """The type-or-language keys under which a term is preferred (pyld's inverse context)."""
    if term.type is not None:
        return [("@type", term.type)]
    if term.language is not None:
        return [("@language", term.language)]
    return [("@language", "@none"), ("@type", "@none")]




def nodes(compactor: Compactor, triples: list[ox.Triple]) -> list[dict]:
    """Node objects, one per subject in order of first appearance (triples grouped by subject,
    as a sorted document's are)."""
    grouped: dict[ox.Term, list[ox.Triple]] = {}
    for t in triples:
        grouped.setdefault(t.subject, []).append(t)
    return [compactor.node(subject, ts) for subject, ts in grouped.items()]
