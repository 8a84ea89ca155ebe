"""Content negotiation: media-type tables and one function that picks from them.

An explicit `format` (URL suffix or ?format=) beats the Accept header.
"""
from __future__ import annotations

from typing import Mapping

from kb.errors import NotAcceptable

RESULTS_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
}
HTML = {"html": "text/html"}
ALIASES = {
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/x-turtle": "ttl",
    "text/n3": "ttl",  # Turtle is N3 (its subset): what N3 clients (SPARQLWrapper, rdflib) read
    "text/rdf+n3": "ttl",
    "text/plain": "nt",
    "application/xhtml+xml": "html",
}
# names that clients such as SPARQLWrapper put in format=, output=, results= (a graph's "xml" is
# RDF/XML, its "json" JSON-LD; SPARQLWrapper's returnFormat=N3 sends "n3")
FORMAT_NAMES = {"turtle": "ttl", "n3": "ttl", "ntriples": "nt", "n-triples": "nt", "json-ld": "jsonld",
                "rdfxml": "rdf", "rdf+xml": "rdf", "rdf/xml": "rdf", "sparql-results+json": "json",
                "sparql-results+xml": "xml"}
GRAPH_FALLBACKS = {"xml": "rdf", "json": "jsonld", "application/xml": "rdf", "application/json": "jsonld"}
FORMAT_PARAMS = ("format", "output", "results")  # the first given names the format


def named_format(params: Mapping[str, list[str]]) -> str | None:
    """The format a request names (`format=`, or `output=`/`results=` as SPARQLWrapper and other
    clients send besides or instead); it beats Accept."""
    for name in FORMAT_PARAMS:
        if params.get(name):
            return params[name][0]
    return None


def _parse_accept(accept: str) -> list[tuple[str, float, int]]:
    """(media range, q, position) for each range; at most 64 are read."""
    ranges = []
    for position, part in enumerate(accept.split(",")[:64]):
        fields = [f.strip() for f in part.split(";")]
        media, quality = fields[0].lower(), 1.0
        for param in fields[1:]:
            if param.startswith("q="):
                try:
                    quality = max(0.0, min(1.0, float(param[2:])))
                except ValueError:
                    quality = 0.0
        if media:
            ranges.append((media, quality, position))
    return ranges


def negotiate(accept: str | None, offers: dict[str, str], explicit: str | None = None,
              default: str | None = None) -> str:
    """Return the key of `offers` to answer with; raise NotAcceptable when none fits."""
    if explicit:
        key = explicit.lower()
        if key in GRAPH_FALLBACKS and "rdf" in offers and "xml" not in offers:
            key = GRAPH_FALLBACKS[key]
        key = FORMAT_NAMES.get(key, ALIASES.get(key, key))
        for name, media in offers.items():
            if key in (name, media):
                return name
        raise NotAcceptable(f"format {explicit!r} is not offered here; use one of {', '.join(offers)}")
    if not accept or not accept.strip():
        return default or next(iter(offers))
    ranges = _parse_accept(accept)
    order = [default] if default in offers else []
    order += [name for name in offers if name != default]
    best, best_q = None, 0.0
    for name in order:  # ties go to the server's preference: the default, then table order
        q = _quality(name, offers[name], ranges, offers)
        if q > best_q:
            best, best_q = name, q
    if best is None:
        raise NotAcceptable(f"none of the types in Accept: {accept[:200]!r} is offered; offered: "
                            + ", ".join(offers.values()))
    return best


def _quality(name: str, media: str, ranges: list[tuple[str, float, int]], offers: dict[str, str]) -> float:
    """The q of the most specific Accept range matching this offer (0 when none does)."""
    best_specificity, quality = -1, 0.0
    for pattern, q, _ in ranges:
        alias = ALIASES.get(pattern)
        if alias is not None and alias not in offers:  # application/xml for a graph: RDF/XML
            alias = GRAPH_FALLBACKS.get(alias, alias)
        if alias == name:
            pattern = media
        if _matches(pattern, media):
            specificity = 0 if pattern == "*/*" else (1 if pattern.endswith("/*") else 2)
            if specificity > best_specificity:
                best_specificity, quality = specificity, q
    return quality


def _matches(pattern: str, media: str) -> bool:
    if pattern == "*/*":
        return True
    if pattern.endswith("/*"):
        return media.startswith(pattern[:-1])
    return pattern == media
