"""IRIs dereferenced as outside clients do it: pyld's own HTTP document loader (requests)
and rdflib's Graph().parse(iri), each with its own Accept header and redirects."""
from __future__ import annotations

import httpx
import pytest
import rdflib
from pyld import jsonld
from rdflib import URIRef

from kb.iris import to_uri

KINDS = {
    "person": "SELECT ?x { ?x a schema:Person } LIMIT 1",
    "organization": "SELECT ?x { ?x a schema:Organization } LIMIT 1",
    "article": "SELECT ?x { ?x a schema:NewsArticle } LIMIT 1",
    "post": "SELECT ?x { ?x a org:Membership } LIMIT 1",
}


@pytest.fixture(scope="module", params=sorted(KINDS))
def iri(request, server) -> str:
    query = "PREFIX schema: <http://schema.org/> PREFIX org: <http://www.w3.org/ns/org#> " + KINDS[request.param]
    response = httpx.get(server.url + "sparql", params={"query": query},
                         headers={"Accept": "application/sparql-results+json"})
    return response.json()["results"]["bindings"][0]["x"]["value"]


def test_pages_clients_pyld_loader_expands_the_iri(iri):
    loader = jsonld.requests_document_loader(timeout=30)
    expanded = jsonld.expand(to_uri(iri), {"documentLoader": loader})
    assert [node["@id"] for node in expanded] == [iri]
    assert expanded[0]["@type"]


def test_pages_clients_pyld_follows_the_jsonld_alternate_of_html(iri):
    """A client that gets HTML finds the JSON-LD through the Link header (JSON-LD 1.1, 9.1)."""
    loader = jsonld.requests_document_loader(timeout=30)
    remote = loader(to_uri(iri), {"headers": {"Accept": "text/html"}})
    assert remote["contentType"].startswith("application/ld+json")
    assert remote["documentUrl"].endswith(".jsonld")
    assert remote["document"]["@id"] == iri


def test_pages_clients_pyld_compacts_with_the_served_context(iri):
    loader = jsonld.requests_document_loader(timeout=30)
    remote = loader(to_uri(iri), {})
    options = {"documentLoader": loader, "base": ""}  # absolute IRIs, not relative to the URL
    compacted = jsonld.compact(to_uri(iri), remote["document"]["@context"], options)
    assert compacted["@id"] == iri


@pytest.mark.parametrize("target", ["iri", "uri"])
def test_pages_clients_rdflib_parses_the_iri(iri, target):
    graph = rdflib.Graph().parse(iri if target == "iri" else to_uri(iri))
    assert len(set(graph.predicate_objects(URIRef(iri)))) > 1
    assert (URIRef(iri), rdflib.RDF.type, None) in graph


@pytest.mark.parametrize("fmt", ["turtle", "json-ld", "nt", "xml"])
def test_pages_clients_rdflib_asks_for_a_format(iri, fmt):
    graph = rdflib.Graph().parse(to_uri(iri), format=fmt)
    assert (URIRef(iri), rdflib.RDF.type, None) in graph
