"""The whole pipeline, end to end: seeds -> KB on disk -> live server -> real clients."""
from __future__ import annotations

import json

import httpx
import rdflib
from SPARQLWrapper import JSON, SPARQLWrapper

from conftest import run_kb


def _count(endpoint: str, cls: str) -> int:
    client = SPARQLWrapper(endpoint)
    client.setQuery(f"PREFIX schema: <http://schema.org/> SELECT (COUNT(DISTINCT ?x) AS ?n) {{ ?x a schema:{cls} }}")
    client.setReturnFormat(JSON)
    return int(client.queryAndConvert()["results"]["bindings"][0]["n"]["value"])


def test_end_to_end_sparql_counts_articles_and_people(server):
    assert _count(server.url + "sparql", "NewsArticle") > 0
    assert _count(server.url + "sparql", "Person") > 0


def test_end_to_end_person_iri_dereferences_as_jsonld(server):
    client = SPARQLWrapper(server.url + "sparql")
    client.setQuery("PREFIX schema: <http://schema.org/> SELECT ?p { ?p a schema:Person } LIMIT 1")
    client.setReturnFormat(JSON)
    person = client.queryAndConvert()["results"]["bindings"][0]["p"]["value"]
    response = httpx.get(person, headers={"Accept": "application/ld+json"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    assert json.loads(response.text)["@id"] == person


def test_end_to_end_dump_parses_back_to_store_size(kb_data, tmp_path):
    out = tmp_path / "kb.ttl"
    run_kb("dump", "--data-dir", kb_data, "--format", "ttl", "-o", out)
    graph = rdflib.Graph().parse(out, format="turtle")
    counted = run_kb("query", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "--data-dir", kb_data, "--format", "json")
    stored = int(json.loads(counted.stdout)["results"]["bindings"][0]["n"]["value"])
    assert len(graph) == stored > 0
