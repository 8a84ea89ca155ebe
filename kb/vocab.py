"""Namespaces: the contract's (schema.org over http, ORG, PROV, SKOS) and the project's own."""
from __future__ import annotations

from pyoxigraph import NamedNode

PREFIXES = {
    "schema": "http://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "dcterms": "http://purl.org/dc/terms/",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "oa": "http://www.w3.org/ns/oa#",
}


class Namespace:
    """Terms of one namespace as pyoxigraph NamedNodes; unknown names are an error."""

    def __init__(self, iri: str, terms: str) -> None:
        self.iri = iri
        self._terms = {t: NamedNode(iri + t) for t in terms.split()}

    def __getattr__(self, name: str) -> NamedNode:
        try:
            return self._terms[name]
        except KeyError:
            raise AttributeError(f"{name} is not a term of {self.iri}") from None


RDF = Namespace(PREFIXES["rdf"], "type")
RDFS = Namespace(PREFIXES["rdfs"], "label comment seeAlso")
XSD = Namespace(PREFIXES["xsd"], "date gMonthDay integer decimal string dateTime")
SCHEMA = Namespace(
    PREFIXES["schema"],
    "NewsArticle Photograph Person Organization Project Place Event CreativeWork "
    "headline alternativeHeadline dateline text author creator contributor mentions name alternateName "
    "startDate datePublished isPartOf position containedInPlace location funder sponsor "
    "description identifier url",
)
ORG = Namespace(PREFIXES["org"], "Membership Role member role organization memberDuring")
PROV = Namespace(PREFIXES["prov"], "Entity Activity wasDerivedFrom wasGeneratedBy generatedAtTime used wasAttributedTo")
SKOS = Namespace(PREFIXES["skos"], "prefLabel altLabel")
DCTERMS = Namespace(PREFIXES["dcterms"], "source date identifier")
