"""The SPARQL 1.1 Protocol endpoint on the KB built from seeds/: requests through the in-process
app, SPARQLWrapper over the live server's socket. Results are parsed and compared, never matched as text."""
from __future__ import annotations

import csv
import io
import json

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from SPARQLWrapper import JSON, SPARQLWrapper, TURTLE

from kb.store import DataDir

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
PEOPLE = "SELECT ?p ?name WHERE { ?p a schema:Person ; schema:name ?name } ORDER BY ?p ?name"
GRAPH_QUERY = "CONSTRUCT { ?p a schema:Person ; schema:name ?name } WHERE { ?p a schema:Person ; schema:name ?name }"


def rows(response: httpx.Response) -> list[dict[str, str]]:
    """SPARQL JSON results as {var: N-Triples form of the term}."""
    assert response.status_code == 200, response.text
    parsed = ox.parse_query_results(response.content, ox.QueryResultsFormat.JSON)
    return [{v.value: str(s[v]) for v in parsed.variables if s[v] is not None} for s in parsed]


@pytest.fixture(scope="module")
def local(kb_data) -> ox.Store:
    """The same KB, opened in this process: what the endpoint must agree with."""
    return DataDir(kb_data).open_read()


def local_rows(store: ox.Store, query: str, **kwargs) -> list[dict[str, str]]:
    from kb.store.engine import execute

    result = execute(store, query, **kwargs)
    return [{v.value: str(s[v]) for v in result.variables if s[v] is not None} for s in result]


def test_sparql_three_ways_of_sending_a_query_agree(app: httpx.Client, local: ox.Store) -> None:
    expected = local_rows(local, PEOPLE)
    assert expected, "the seed KB has people"
    by_get = rows(app.get("sparql", params={"query": PEOPLE}))
    by_form = rows(app.post("sparql", data={"query": PEOPLE}))
    by_body = rows(app.post("sparql", content=PEOPLE.encode(),
                               headers={"Content-Type": "application/sparql-query; charset=utf-8"}))
    assert by_get == by_form == by_body == expected


def _parse_csv(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))


@pytest.mark.parametrize(("accept", "fmt"), [
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
])
def test_sparql_select_formats_hold_the_same_solutions(app: httpx.Client, local: ox.Store, accept: str,
                                                       fmt: ox.QueryResultsFormat) -> None:
    response = app.get("sparql", params={"query": PEOPLE}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    assert response.headers["vary"] == "Accept"
    parsed = ox.parse_query_results(response.content, fmt)
    got = [{v.value: str(s[v]) for v in parsed.variables if s[v] is not None} for s in parsed]
    assert got == local_rows(local, PEOPLE)


def test_sparql_csv_gives_plain_values(app: httpx.Client, local: ox.Store) -> None:
    response = app.get("sparql", params={"query": PEOPLE}, headers={"Accept": "text/csv"})
    assert response.headers["content-type"].startswith("text/csv")
    expected = [{"p": s["p"].value, "name": s["name"].value} for s in local.query(
        PEOPLE, prefixes={"schema": "http://schema.org/"}, use_default_graph_as_union=True)]
    assert _parse_csv(response.content) == expected


@pytest.mark.parametrize(("accept", "rdflib_format"), [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"),
    ("application/rdf+xml", "xml"), ("application/ld+json", "json-ld"),
])
def test_sparql_construct_formats_are_the_same_graph(app: httpx.Client, accept: str, rdflib_format: str) -> None:
    reference = app.get("sparql", params={"query": GRAPH_QUERY}, headers={"Accept": "application/n-triples"})
    expected = rdflib.Graph().parse(data=reference.text, format="nt")
    assert len(expected) > 0
    response = app.get("sparql", params={"query": GRAPH_QUERY}, headers={"Accept": accept})
    assert response.headers["content-type"].split(";")[0] == accept
    assert isomorphic(rdflib.Graph().parse(data=response.content, format=rdflib_format), expected)


@pytest.mark.parametrize(("fmt", "media"), [("csv", "text/csv"), ("xml", "application/sparql-results+xml"),
                                             ("tsv", "text/tab-separated-values")])
def test_sparql_format_parameter_beats_accept(app: httpx.Client, fmt: str, media: str) -> None:
    response = app.get("sparql", params={"query": "ASK {}", "format": fmt}, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media


def test_sparql_ask_answers_booleans(app: httpx.Client) -> None:
    yes = app.get("sparql", params={"query": "ASK { ?s a schema:Person }"})
    no = app.get("sparql", params={"query": "ASK { ?s a <urn:kb:test:Nothing> }"})
    assert (yes.json()["boolean"], no.json()["boolean"]) == (True, False)


@pytest.mark.parametrize(("query", "named"), [
    ("SELEC * WHERE { ?s ?p ?o }", "1:1"),
    ("SELECT * WHERE { ?s ?p ?o ", "1:27"),
    ("SELECT * WHERE { ?s nope:p ?o }", "Prefix not found"),
])
def test_sparql_malformed_query_is_400_with_the_parser_message(app: httpx.Client, query: str, named: str) -> None:
    response = app.get("sparql", params={"query": query})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "QueryError" and named in body["message"]


def test_sparql_refusals_have_the_right_status(app: httpx.Client) -> None:
    assert app.get("sparql", params={"query": "ASK {}"}, headers={"Accept": "image/png"}).status_code == 406
    assert app.post("sparql", content=b"ASK {}", headers={"Content-Type": "text/plain"}).status_code == 415
    assert app.get("sparql", params=[("query", "ASK {}"), ("query", "ASK {}")]).status_code == 400
    assert app.get("sparql", params={"query": "ASK {}", "format": "pdf"}).status_code == 406
    update = app.post("sparql", data={"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"})
    assert update.status_code == 403 and "update-token" in update.json()["message"]
    assert rows(app.get("sparql", params={"query": "SELECT * { <urn:a> ?p ?o }"})) == []


def test_sparql_cors_and_preflight(app: httpx.Client) -> None:
    origin = {"Origin": "https://example.org"}
    response = app.get("sparql", params={"query": "ASK {}"}, headers=origin)
    assert response.headers["access-control-allow-origin"] == "*"
    error = app.get("sparql", params={"query": "ASK {"}, headers=origin)
    assert error.status_code == 400 and error.headers["access-control-allow-origin"] == "*"
    preflight = app.options("sparql", headers={**origin, "Access-Control-Request-Method": "POST",
                                                  "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code in (200, 204)
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "content-type" in preflight.headers["access-control-allow-headers"].lower()


def test_sparql_head_has_the_headers_and_no_body(app: httpx.Client) -> None:
    response = app.head("sparql", params={"query": PEOPLE}, headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content == b""


def test_sparql_service_description(app: httpx.Client, base: str) -> None:
    response = app.get("sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    service = rdflib.URIRef(base + "sparql")
    assert (service, rdflib.RDF.type, SD.Service) in graph
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in graph
    formats = {str(o).rsplit("/", 1)[1] for o in graph.objects(service, SD.resultFormat)}
    assert {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
            "Turtle", "JSON-LD"} <= formats
    plain = app.get("sparql")  # no Accept at all: still the description, as Turtle
    assert isomorphic(rdflib.Graph().parse(data=plain.text, format="turtle"), graph)
    as_jsonld = app.get("sparql", headers={"Accept": "application/ld+json"})
    assert isomorphic(rdflib.Graph().parse(data=as_jsonld.text, format="json-ld"), graph)


def test_sparql_editor_for_browsers(app: httpx.Client) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = app.get("sparql", headers={"Accept": accept})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    prologue = json.loads(page.text.split("const prologue = ", 1)[1].split(";\n", 1)[0])
    assert "PREFIX schema: <http://schema.org/>" in prologue.splitlines()
    script = app.get("sparql/editor/yasgui.min.js")
    style = app.get("sparql/editor/yasgui.min.css")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert len(script.content) > 100_000 and "Yasgui" in script.text
    assert style.status_code == 200 and style.headers["content-type"].startswith("text/css")
    assert "/sparql/editor/yasgui.min.js" in page.text
    assert app.get("sparql/editor/../../pyproject.toml").status_code == 404
    assert app.get("sparql/editor/package.json").status_code == 404


def test_sparql_editor_offers_every_saved_query(app: httpx.Client) -> None:
    from html import unescape

    from kb.web.sparql import saved_queries

    page = unescape(app.get("sparql", headers={"Accept": "text/html"}).text)
    for saved in saved_queries():
        assert saved["text"] in page


def test_sparql_default_graph_is_the_union_of_page_graphs(app: httpx.Client, local: ox.Store) -> None:
    union = rows(app.get("sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}))
    distinct = local_rows(local, "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } }")
    assert union == distinct


def test_sparql_dataset_from_protocol_and_from_clauses(app: httpx.Client, local: ox.Store) -> None:
    graphs = [r["g"].strip("<>") for r in rows(app.get("sparql", params={
        "query": "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"}))]
    assert len(graphs) >= 2
    one = graphs[0]
    expected = local_rows(local, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{one}> {{ ?s ?p ?o }} }}")
    count = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    by_protocol = rows(app.get("sparql", params={"query": count, "default-graph-uri": one}))
    by_from = rows(app.get("sparql", params={"query": f"SELECT (COUNT(*) AS ?n) FROM <{one}> {{ ?s ?p ?o }}"}))
    assert by_protocol == by_from == expected
    named = rows(app.post("sparql", data={"query": "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }",
                                             "named-graph-uri": graphs[:2]}))
    assert sorted(r["g"] for r in named) == sorted(f"<{g}>" for g in graphs[:2])
    none = rows(app.get("sparql", params={"query": count, "default-graph-uri": "urn:kb:test:no-such-graph"}))
    assert none == [{"n": '"0"^^<http://www.w3.org/2001/XMLSchema#integer>'}]


def test_sparql_sparqlwrapper_client(server, local: ox.Store) -> None:
    client = SPARQLWrapper(server.url + "sparql")
    client.setQuery("PREFIX schema: <http://schema.org/>\n" + PEOPLE)
    client.setReturnFormat(JSON)
    bindings = client.queryAndConvert()["results"]["bindings"]
    assert [b["name"]["value"] for b in bindings] == [r["name"].split('"')[1] for r in local_rows(local, PEOPLE)]
    client.setQuery("PREFIX schema: <http://schema.org/>\n" + GRAPH_QUERY)
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.queryAndConvert(), format="turtle")
    assert len(graph) == len(list(local.query(GRAPH_QUERY, prefixes={"schema": "http://schema.org/"},
                                              use_default_graph_as_union=True)))


def test_sparql_error_shape_is_json_for_machines(app: httpx.Client) -> None:
    body = json.loads(app.get("sparql", params={"query": "ASK {"}).content)
    assert set(body) == {"error", "status", "message"} and body["status"] == 400


@pytest.mark.parametrize(("query", "names"), [
    ("SELECT * FROM <urn:g> { ?s ?p ?o }", True),
    ("select * from named <urn:g> { graph ?g { ?s ?p ?o } }", True),
    ("SELECT * { ?s ?p ?o }", False),
    ("SELECT * { ?s <http://example.org/FROM> ?o }", False),
    ("SELECT * { ?s ex:from ?o }", False),
    ("SELECT ?from { ?s ?p ?from }", False),
    ('SELECT * { ?s ?p "FROM <urn:g>" }', False),
    ("SELECT * # FROM <urn:g>\n{ ?s ?p ?o }", False),
    ('SELECT * { ?s ?p """a\nFROM b""" }', False),
    ("PREFIX : <urn:x#>\nSELECT *\nFROM :g\nWHERE { ?s ?p ?o }", True),
])
def test_sparql_dataset_clause_detection(query: str, names: bool) -> None:
    from kb.store.engine import names_dataset

    assert names_dataset(query) is names
