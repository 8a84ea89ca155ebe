"""Readable, deterministic IRIs under the configured base: the same name gives the same IRI.

Every IRI is a function of stable keys only (kind + full name, page id + position or source
offsets, a title), never of build order or counters, so an entity keeps its IRI on every
rebuild, in any page order, and when pages are added. Nothing a user may link to is a blank node.

    {base}person/史根治  organization/…  project/…  place/…  event/…   resolved entities
    {base}person/张平~北京邮电大学  event/市政府常务会议/2020-12-23   same names told apart (kb.identity)
    {base}page/<page>  article/<page>/<n>  post/<page>/<n>  mention/<page>/<start>-<end>
    {base}role/<title>  graph/<page>  graph/entities  extraction/<page>  resolution  software/kb/<version>
    {base}ontology (terms: ontology#Term)  dataset  graph/void  dumps/<file>  sparql
    {base}correction/<id> (the correction and its graph)  editor/<name>              kb.corrections
"""
from __future__ import annotations

import re
from urllib.parse import quote

from pyoxigraph import NamedNode

from kb.kinds import ENTITY_KINDS
from kb.vocab import ONTOLOGY_PATH, Namespace, kb_namespace

# characters RFC 3987 forbids in an IRI path segment, plus '/', '?' and '#'
_UNSAFE = " \"<>\\^`{|}%/?#"
_NEEDS_QUOTING = re.compile("[" + re.escape(_UNSAFE) + "\x00-\x1f]")
QUALIFIER_SEPARATOR = "~"  # unreserved in IRIs (never encoded), not a character of Chinese names
# page ids that would make a page's graph IRI clash with the KB's own graphs, or a path step
RESERVED_PAGE_IDS = frozenset({"entities", "void", ".", ".."})


def segment(value: str) -> str:
    """One path segment: Chinese stays readable, only unsafe characters are percent-encoded."""
    if not _NEEDS_QUOTING.search(value):  # nearly every segment: no per-character work
        return value
    return "".join(quote(ch, safe="") if ch in _UNSAFE or ord(ch) < 0x20 else ch for ch in value)


def reserved_page_id(page_id: str) -> str | None:
    """Why a page id cannot be used (its IRIs would clash with the KB's own), or None."""
    if page_id in RESERVED_PAGE_IDS:
        return f"page id {page_id!r} is reserved: graph/{page_id} would clash with the KB's own IRIs; rename the file"
    return None


class Minter:
    def __init__(self, base: str) -> None:
        self.base = base
        self.kb: Namespace = kb_namespace(base)

    def _iri(self, *parts: str) -> NamedNode:
        return NamedNode(self.base + "/".join(segment(p) for p in parts))

    def entity(self, kind: str, name: str, qualifier: str | None = None) -> NamedNode:
        """kind/name; with a qualifier (kb.identity): event/<name>/<date>, else kind/<name>~<qualifier>."""
        path = ENTITY_KINDS[kind].path
        if qualifier is None:
            return self._iri(path, name)
        if kind == "event":
            return self._iri(path, name, qualifier)
        return self._iri(path, name + QUALIFIER_SEPARATOR + qualifier)

    def page(self, page_id: str) -> NamedNode:
        return self._iri("page", page_id)

    def item(self, page_id: str, index: int) -> NamedNode:
        return self._iri("article", page_id, str(index + 1))

    def post(self, page_id: str, index: int) -> NamedNode:
        return self._iri("post", page_id, str(index + 1))

    def mention(self, page_id: str, start: int, end: int) -> NamedNode:
        """A mention, keyed by its [start, end) character span in the page's source file."""
        return self._iri("mention", page_id, f"{start}-{end}")

    def mention_part(self, mention: NamedNode, part: str) -> NamedNode:
        """The target or selector of a mention: fragments of the mention's own document."""
        return NamedNode(f"{mention.value}#{part}")

    def at(self, path: str) -> NamedNode:
        """An IRI the KB minted, from its path under the base (or the whole IRI)."""
        return NamedNode(path if "://" in path else self.base + path)

    def correction(self, correction_id: str) -> NamedNode:
        """An editor's correction (kb.corrections), and the named graph that holds it."""
        return self._iri("correction", correction_id)

    def editor(self, name: str) -> NamedNode:
        return self._iri("editor", name)

    def role(self, title: str) -> NamedNode:
        return self._iri("role", title)

    def graph(self, page_id: str) -> NamedNode:
        return self._iri("graph", page_id)

    def entities_graph(self) -> NamedNode:
        return self._iri("graph", "entities")

    def void_graph(self) -> NamedNode:
        return self._iri("graph", "void")

    def extraction(self, page_id: str) -> NamedNode:
        return self._iri("extraction", page_id)

    def resolution(self) -> NamedNode:
        return self._iri("resolution")

    def software(self, version: str) -> NamedNode:
        return self._iri("software", "kb", version)

    def ontology(self) -> NamedNode:
        return self._iri(ONTOLOGY_PATH)

    def dataset(self) -> NamedNode:
        return self._iri("dataset")

    def dump(self, name: str) -> NamedNode:
        return self._iri("dumps", name)

    def sparql(self) -> NamedNode:
        return self._iri("sparql")


def to_uri(iri: str) -> str:
    """IRI -> URI (RFC 3987 section 3.1): percent-encode non-ASCII, for HTTP headers."""
    return quote(iri, safe=":/?#[]@!$&'()*+,;=%~")
