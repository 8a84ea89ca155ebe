"""Readable, deterministic IRIs under the configured base: the same name gives the same IRI."""
from __future__ import annotations

from urllib.parse import quote

from pyoxigraph import NamedNode

# characters RFC 3987 forbids in an IRI path segment, plus '/', '?' and '#'
_UNSAFE = " \"<>\\^`{|}%/?#"
KIND_PATHS = {
    "person": "person",
    "organization": "organization",
    "project": "project",
    "place": "place",
    "event": "event",
}


def segment(value: str) -> str:
    """One path segment: Chinese stays readable, only unsafe characters are percent-encoded."""
    return "".join(quote(ch, safe="") if ch in _UNSAFE or ord(ch) < 0x20 else ch for ch in value)


class Minter:
    def __init__(self, base: str) -> None:
        self.base = base

    def _iri(self, *parts: str) -> NamedNode:
        return NamedNode(self.base + "/".join(segment(p) for p in parts))

    def entity(self, kind: str, name: str) -> NamedNode:
        return self._iri(KIND_PATHS[kind], name)

    def page(self, page_id: str) -> NamedNode:
        return self._iri("page", page_id)

    def item(self, page_id: str, index: int) -> NamedNode:
        return self._iri("article", page_id, str(index + 1))

    def post(self, page_id: str, index: int) -> NamedNode:
        return self._iri("post", page_id, str(index + 1))

    def role(self, title: str) -> NamedNode:
        return self._iri("role", title)

    def graph(self, page_id: str) -> NamedNode:
        return self._iri("graph", page_id)

    def entities_graph(self) -> NamedNode:
        return self._iri("graph", "entities")

    def dataset(self) -> NamedNode:
        return self._iri("dataset")


def to_uri(iri: str) -> str:
    """IRI -> URI (RFC 3987 section 3.1): percent-encode non-ASCII, for HTTP headers."""
    return quote(iri, safe=":/?#[]@!$&'()*+,;=%~")
