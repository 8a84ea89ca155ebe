"""`kb serve --endpoint URL`: the seed KB pushed into real Virtuoso and Oxigraph servers (the
session fixtures of test_push), served by a real `kb serve` over HTTP; its answers must be the
embedded KB server's answers."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import httpx
import pyoxigraph as ox
import pytest
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from conftest import Server, serve_refused
from kb.store import DataDir
from test_push import QUERIES, Store, _answers, _embedded, _push, oxigraph_server, virtuoso  # noqa: F401

SCHEMA = "http://schema.org/"
PROTOCOL = "graph-store"  # how the KB gets in is test_push's business


@pytest.fixture(scope="module", params=["virtuoso", "oxigraph"])
def remote(request, kb_data: Path, base: str) -> Iterator[tuple[Server, Store]]:
    """The KB pushed into the store, and `kb serve --endpoint` over it (IRIs under the KB's base)."""
    store: Store = request.getfixturevalue("virtuoso" if request.param == "virtuoso" else "oxigraph_server")
    _push(kb_data, store, PROTOCOL)
    with Server(["--endpoint", store.query_url, "--base", base]) as srv:
        yield srv, store


@pytest.fixture()
def http(remote) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=remote[0].url, timeout=30) as c:
        yield c


def _ask(url: str, query: str):
    client = SPARQLWrapper(url)
    client.setQuery(query)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    return client.queryAndConvert()


def _local(iri: str, base: str, server_url: str) -> str:
    """The IRI's path on the server under test (the KB's IRIs name the embedded server's port)."""
    return server_url + iri[len(base):]


def _person(kb_data: Path) -> str:
    store = DataDir(kb_data).open_read()
    people = sorted(q.subject.value for q in store.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(SCHEMA + "Person"), None))
    return people[0]


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_remote_sparql_answers_the_queries_like_the_embedded_kb(remote, kb_data, path):
    query = path.read_text(encoding="utf-8")
    expected = _embedded(kb_data, query)
    assert expected, f"{path.name} has no answer on the seed KB"
    assert _answers(_ask(remote[0].url + "sparql", query)) == expected


def test_remote_sparql_knows_the_kb_prefixes_and_counts_only_the_kb(remote, kb_data):
    query = "SELECT (COUNT(DISTINCT ?p) AS ?n) { ?p a schema:Person }"  # schema: predeclared, as embedded
    expected = _embedded(kb_data, query)
    assert _answers(_ask(remote[0].url + "sparql", query)) == expected


@pytest.mark.parametrize("media", ["text/turtle", "application/n-triples"])
def test_remote_sparql_construct_gives_the_embedded_graph(http, client, media):
    query = "CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:Person ; schema:name ?n }"
    fmt = ox.RdfFormat.from_media_type(media)
    answers = [c.post("sparql", data={"query": query}, headers={"Accept": media})
               for c in (http, client)]
    assert [a.headers["content-type"].split(";")[0] for a in answers] == [media, media]
    mine, theirs = (set(ox.parse(a.content, fmt)) for a in answers)
    assert mine and mine == theirs


def test_remote_person_dereferences_as_the_embedded_server_does(remote, http, client, kb_data, base):
    person = _person(kb_data)
    path = person[len(base):]
    doc = http.get(path, headers={"Accept": "application/ld+json"})
    assert doc.status_code == 200 and doc.headers["content-type"].startswith("application/ld+json")
    parsed = doc.json()
    assert parsed["@id"] == person
    assert parsed == client.get(path, headers={"Accept": "application/ld+json"}).json()
    turtle = http.get(path, headers={"Accept": "text/turtle"})
    mine = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(turtle.content, ox.RdfFormat.TURTLE))
    theirs = client.get(path, headers={"Accept": "text/turtle"}).content
    assert set(mine) == {ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(theirs, ox.RdfFormat.TURTLE)}


def test_remote_person_page_is_html_with_the_name(http, kb_data, base):
    person = _person(kb_data)
    page = http.get(person[len(base):], headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    name = next(DataDir(kb_data).open_read().quads_for_pattern(ox.NamedNode(person), ox.NamedNode(SCHEMA + "name"),
                                                                None, None)).object.value
    assert f"<title>{name}" in page.text


def test_remote_unknown_iri_is_404(http):
    assert http.get("person/没有这个人", headers={"Accept": "application/ld+json"}).status_code == 404


def _hits(c: httpx.Client, text: str) -> list[dict]:
    """Search hits; short names as a set (their order is the store's order of results); not the
    url, which names the server asked."""
    found = c.get("search", params={"q": text, "format": "json"}).json()["results"]
    return [{**{k: v for k, v in hit.items() if k != "url"}, "names": sorted(hit["names"])} for hit in found]


def test_remote_home_and_search_match_the_embedded_server(http, client):
    assert http.get("/").status_code == 200
    found = _hits(http, "许昌")
    assert found and found == _hits(client, "许昌")


def test_remote_void_is_the_pushed_description(remote, http, client):
    mine, stored = (set(ox.parse(c.get(".well-known/void", headers={"Accept": "application/n-triples"}).content,
                                 ox.RdfFormat.N_TRIPLES)) for c in (http, client))
    endpoint = ox.NamedNode("http://rdfs.org/ns/void#sparqlEndpoint")
    assert {t.object.value for t in mine if t.predicate == endpoint} == {remote[0].url + "sparql"}  # where it is
    addresses = {endpoint, ox.NamedNode("http://www.w3.org/ns/dcat#endpointURL")}
    same = {t for t in mine if t.predicate not in addresses}
    assert same and same <= stored  # the embedded server adds the dump files; the store holds the rest


def test_remote_updates_are_refused_and_reach_nothing(remote, http):
    server, store = remote
    count = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    before = _answers(_ask(store.query_url, count))
    update = "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
    assert http.post("sparql", data={"update": update}).status_code == 403
    assert http.post("sparql", content=update, headers={"Content-Type": "application/sparql-update"}).status_code == 403
    sneaked = http.post("sparql", data={"query": update})
    assert sneaked.status_code == 400 and sneaked.json()["error"] == "QueryError"
    assert _answers(_ask(store.query_url, count)) == before


def test_remote_bad_query_is_400_and_dumps_point_to_the_store(http):
    bad = http.get("sparql", params={"query": "SELECT ?x WHERE {"})
    assert bad.status_code == 400 and bad.json()["error"] == "QueryError"
    dumps = http.get("dumps/")
    assert dumps.status_code == 404 and "--endpoint" in dumps.json()["message"]


@pytest.mark.parametrize(("args", "message"), [
    (("--endpoint", "ftp://example.org/sparql"), "is not an http(s) URL"),
    (("--endpoint", "http://127.0.0.1:9/sparql"), "cannot reach the store"),
    (("--endpoint", "http://127.0.0.1:9/sparql", "--user", "dba"), "give both --user and --password"),
])
def test_remote_bad_endpoint_is_one_clear_line(args, message):
    result = serve_refused(*args)
    assert result.returncode != 0
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_remote_endpoint_excludes_data_dir(kb_data):
    result = serve_refused("--endpoint", "http://127.0.0.1:9/sparql", "--data-dir", kb_data)
    assert result.returncode == 2 and "not allowed with argument" in result.stderr


def test_remote_store_without_the_kb_is_refused(oxigraph_server):  # noqa: F811
    result = serve_refused("--endpoint", oxigraph_server.query_url, "--base", "http://example.org/none/")
    assert result.returncode != 0 and "holds no KB under http://example.org/none/" in result.stderr


def test_remote_update_with_token_reaches_the_store_through_its_login(virtuoso, kb_data, base):  # noqa: F811
    """Queries and updates through Virtuoso's Digest-protected endpoint, with our token only."""
    _push(kb_data, virtuoso, "graph-store")
    triple = "GRAPH <urn:x-kb:test-remote> { <urn:x-kb:a> <urn:x-kb:b> 'c' }"
    ask = f"ASK {{ {triple} }}"
    with Server(["--endpoint", virtuoso.push_urls["update"], *virtuoso.credentials, "--base", base,
                 "--update-token", "s3cret"]) as srv:
        with httpx.Client(base_url=srv.url, timeout=30) as http:
            assert http.post("sparql", data={"update": f"INSERT DATA {{ {triple} }}"}).status_code == 403
            assert _ask(virtuoso.query_url, ask)["boolean"] is False
            auth = {"Authorization": "Bearer s3cret"}
            assert http.post("sparql", data={"update": f"INSERT DATA {{ {triple} }}"}, headers=auth).status_code == 204
            assert _ask(srv.url + "sparql", ask)["boolean"] is True
            assert http.post("sparql", data={"update": f"DELETE DATA {{ {triple} }}"}, headers=auth).status_code == 204
            assert _ask(virtuoso.query_url, ask)["boolean"] is False


def test_remote_query_past_the_time_limit_is_stopped(oxigraph_server, kb_data, base):  # noqa: F811
    _push(kb_data, oxigraph_server, "graph-store")
    with Server(["--endpoint", oxigraph_server.query_url, "--base", base], env={"KB_QUERY_TIMEOUT": "0.2"}) as srv:
        with httpx.Client(base_url=srv.url, timeout=30) as http:
            slow = http.post("sparql", data={"query": "SELECT (COUNT(*) AS ?n) { ?a a ?c . ?d a ?f }"})
            assert slow.status_code == 503 and slow.json()["error"] == "QueryTimeout"
            assert http.get("sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True
