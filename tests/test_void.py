"""The VoID/DCAT description: at /.well-known/void (built KB and --data files) and inside the
dumps; its numbers checked against the store and the dump files themselves."""
from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib import RDF, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from conftest import Server, free_port, run_kb

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SCHEMA = "http://schema.org/"


@pytest.fixture(scope="module")
def description(app) -> rdflib.Graph:
    response = app.get(".well-known/void")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    return rdflib.Graph().parse(data=response.text, format="turtle")


def _store(kb_data: Path) -> ox.Store:
    return ox.Store.read_only(str(kb_data / "current" / "store"))


def _count(store: ox.Store, query: str) -> int:
    return int(next(iter(store.query(query)))["n"].value)


def test_void_counts_every_triple_of_the_dumps(description, kb_data, base, app):
    """void:triples, the manifest, the store and COUNT(*) at the endpoint: one number (the
    description's own triples included: it is in the KB and its dumps)."""
    stored = _count(_store(kb_data), "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
    manifest = app.get("dumps/manifest.json").json()["files"]
    at_endpoint = app.get("sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"},
                          headers={"Accept": "application/sparql-results+json"}).json()
    assert description.value(URIRef(base + "dataset"), VOID.triples).toPython() == stored > 0
    assert {f["statements"] for f in manifest} == {stored}
    assert int(at_endpoint["results"]["bindings"][0]["n"]["value"]) == stored


@pytest.mark.parametrize("cls", ["Person", "Organization", "NewsArticle"])
def test_void_counts_entities_per_class(description, kb_data, base, cls):
    dataset = URIRef(base + "dataset")
    parts = {description.value(p, VOID["class"]): description.value(p, VOID.entities)
             for p in description.objects(dataset, VOID.classPartition)}
    expected = _count(_store(kb_data), f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ GRAPH ?g {{ ?s a <{SCHEMA}{cls}> }} }}")
    assert parts[URIRef(SCHEMA + cls)].toPython() == expected > 0


def test_void_names_endpoint_license_dates_and_vocabularies(description, base):
    dataset = URIRef(base + "dataset")
    assert (dataset, RDF.type, VOID.Dataset) in description and (dataset, RDF.type, DCAT.Dataset) in description
    assert description.value(dataset, VOID.sparqlEndpoint) == URIRef(base + "sparql")
    assert description.value(dataset, DCTERMS.license) is not None
    assert description.value(dataset, DCTERMS.created).datatype == URIRef("http://www.w3.org/2001/XMLSchema#dateTime")
    assert URIRef(base + "ontology") in set(description.objects(dataset, VOID.vocabulary))
    assert description.value(dataset, VOID.uriSpace) == Literal(base)


def test_void_dumps_have_their_true_sizes_and_checksums(description, kb_data, base, app):
    dataset = URIRef(base + "dataset")
    dumps = sorted(description.objects(dataset, DCAT.distribution))
    assert len(dumps) >= 2
    for dump in dumps:
        name = str(dump).removeprefix(base + "dumps/")
        local = kb_data / "current" / "dumps" / name
        checksum = description.value(description.value(dump, SPDX.checksum), SPDX.checksumValue)
        assert description.value(dump, DCAT.byteSize).toPython() == local.stat().st_size
        assert str(checksum) == hashlib.sha256(local.read_bytes()).hexdigest()
        served = app.get(str(description.value(dump, DCAT.downloadURL)), headers={"Accept-Encoding": "identity"})
        assert served.status_code == 200


def test_void_jsonld_says_the_same_as_turtle(description, app):
    response = app.get(".well-known/void", headers={"Accept": "application/ld+json"})
    assert response.headers["content-type"].startswith("application/ld+json")
    assert response.headers["vary"] == "Accept"
    assert isomorphic(rdflib.Graph().parse(data=response.text, format="json-ld"), description)


def test_void_is_inside_the_dumps(kb_data, base):
    with gzip.open(kb_data / "current" / "dumps" / "kb.nq.gz") as dump:
        dataset = rdflib.Dataset().parse(dump, format="nquads")
    graph = dataset.graph(URIRef(base + "graph/void"))
    assert (URIRef(base + "dataset"), RDF.type, VOID.Dataset) in graph
    assert graph.value(URIRef(base + "dataset"), VOID.triples) is not None


def test_void_over_rdf_files_describes_what_was_loaded(kb_data, tmp_path):
    """`kb serve --data FILE`: no build, no dumps; the description is computed from the files."""
    data = tmp_path / "kb.nt"
    run_kb("dump", "--data-dir", kb_data, "--format", "nt", "-o", data)
    port = free_port()
    with Server(["--data", str(data), "--base", f"http://127.0.0.1:{port}/"], port) as server:
        response = httpx.get(server.url + ".well-known/void", params={"format": "nt"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/n-triples")
    graph = rdflib.Graph().parse(data=response.text, format="nt")
    loaded = rdflib.Graph().parse(data, format="nt")
    dataset = URIRef(f"http://127.0.0.1:{port}/dataset")
    assert graph.value(dataset, VOID.triples).toPython() == len(loaded)
    people = {graph.value(p, VOID.entities) for p in graph.objects(dataset, VOID.classPartition)
              if graph.value(p, VOID["class"]) == URIRef(SCHEMA + "Person")}
    assert people == {Literal(len(set(loaded.subjects(RDF.type, URIRef(SCHEMA + "Person")))))}


def test_void_build_tallies_agree_with_sparql_over_the_store(kb_data, base):
    """A build counts from per-graph tallies; `kb serve --data` counts by SPARQL: the same description."""
    from kb.dumps import description as void
    from kb.config import resolve

    store = _store(kb_data)
    graph = ox.NamedNode(base + "graph/void")
    built = {q.triple for q in store.quads_for_pattern(None, None, None, graph)}
    rest = ox.Store()
    rest.extend(q for q in store if q.graph_name != graph)
    settings = resolve({"data_dir": kb_data, "base": base})
    counted = set(void.describe(rest, settings))
    size = {t for t in built if t.predicate.value == str(VOID.triples)}
    assert counted - {t for t in counted if t.predicate.value == str(VOID.triples)} == built - size and len(built) > 50
    assert [int(t.object.value) for t in size] == [len(rest) + len(built)]
