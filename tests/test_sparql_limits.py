"""Safety of the public endpoint, on a server of plain RDF files (`kb serve --data`): the time
limit really stops a query while others are served, the row cap, SPARQL Update only with the
bearer token, and every RDF syntax loads."""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Iterator

import httpx
import pyoxigraph as ox
import pytest
from conftest import Server

from kb.web.sparql import WORKERS

TOKEN = "s3cret-token"
TIMEOUT = 2.0
MAX_ROWS = 50
# every syntax `--data` reads, each stating one fact of its own
FILES = {
    "a.ttl": "@prefix ex: <http://example.org/> . ex:ttl ex:in ex:default . ex:n ex:v 1, 2, 3 .",
    "b.nt": "<http://example.org/nt> <http://example.org/in> <http://example.org/default> .",
    "c.nq": "<http://example.org/nq> <http://example.org/in> <http://example.org/g-nq> <http://example.org/g-nq> .",
    "d.trig": "@prefix ex: <http://example.org/> . ex:g-trig { ex:trig ex:in ex:g-trig }",
    "e.rdf": ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
              '<rdf:Description rdf:about="http://example.org/rdfxml"><ex:in rdf:resource="http://example.org/default"/>'
              "</rdf:Description></rdf:RDF>"),
    "f.jsonld": '{"@id": "http://example.org/jsonld", "http://example.org/in": {"@id": "http://example.org/default"}}',
}
# a cross product of the 9 triples with itself 12 times: far more than TIMEOUT of work
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(12)) + " }"
MANY = "SELECT ?i WHERE { VALUES ?a { 0 1 2 3 4 5 6 7 8 9 } VALUES ?b { 0 1 2 3 4 5 6 7 8 9 } BIND(?a * 10 + ?b AS ?i) }"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("rdf")
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in FILES]


@pytest.fixture(scope="module")
def limited(files: list[Path]) -> Iterator[Server]:
    """A server with a short time limit, a small row cap and an update token."""
    with Server(["--data", *map(str, files), "--update-token", TOKEN],
                env={"KB_QUERY_TIMEOUT": str(TIMEOUT), "KB_MAX_ROWS": str(MAX_ROWS)}) as srv:
        yield srv


@pytest.fixture()
def http(limited: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=limited.url, timeout=30) as c:
        yield c


def select(http: httpx.Client, query: str, **params: str) -> list[dict[str, str]]:
    response = http.get("sparql", params={"query": query, **params})
    assert response.status_code == 200, response.text
    parsed = ox.parse_query_results(response.content, ox.QueryResultsFormat.JSON)
    return [{v.value: s[v].value for v in parsed.variables if s[v] is not None} for s in parsed]


def test_sparql_limits_every_rdf_syntax_loads(http: httpx.Client) -> None:
    found = select(http, "SELECT ?s ?g WHERE { { ?s <http://example.org/in> ?x } UNION "
                         "{ GRAPH ?g { ?s <http://example.org/in> ?x } } }")
    subjects = {r["s"].rsplit("/", 1)[1] for r in found}
    assert subjects == {"ttl", "nt", "nq", "trig", "rdfxml", "jsonld"}
    graphs = {r["s"].rsplit("/", 1)[1]: r["g"] for r in found if "g" in r}
    assert graphs == {"nq": "http://example.org/g-nq", "trig": "http://example.org/g-trig"}


def test_sparql_limits_slow_query_is_stopped_and_others_are_served(http: httpx.Client, limited: Server) -> None:
    outcome: dict[str, httpx.Response] = {}
    slow = threading.Thread(target=lambda: outcome.setdefault("slow", http.get("sparql", params={"query": SLOW})))
    slow.start()
    answered = [select(http, "SELECT ?o { <http://example.org/n> <http://example.org/v> ?o } ORDER BY ?o")
                for _ in range(5)]
    slow.join(60)
    assert not slow.is_alive()
    assert answered == [[{"o": "1"}, {"o": "2"}, {"o": "3"}]] * 5
    response = outcome["slow"]
    assert response.status_code == 503
    assert "time limit" in response.json()["message"] and f"{TIMEOUT:g} s" in response.json()["message"]
    assert len(select(http, "SELECT ?s { ?s ?p ?o } LIMIT 1")) == 1  # still serving after the kill


def test_sparql_limits_a_stopped_query_kills_its_worker(http: httpx.Client, limited: Server) -> None:
    assert select(http, "SELECT ?s { ?s ?p ?o } LIMIT 1")  # a worker is up
    outcome: dict[str, httpx.Response] = {}
    slow = threading.Thread(target=lambda: outcome.setdefault("slow", http.get("sparql", params={"query": SLOW})))
    slow.start()
    time.sleep(TIMEOUT / 2)
    during = set(limited.children())
    slow.join(60)
    after = set(limited.children())
    assert outcome["slow"].status_code == 503
    assert len(during - after) == 1, (during, after)  # the one running the query, and only it
    assert len(after) <= WORKERS


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "text/csv", "text/tab-separated-values",
                                    "application/sparql-results+xml"])
def test_sparql_limits_rows_are_capped(http: httpx.Client, accept: str) -> None:
    response = http.get("sparql", params={"query": MANY}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["x-kb-row-limit"] == str(MAX_ROWS)
    if accept == "text/csv":
        assert len(response.text.strip().splitlines()) == 1 + MAX_ROWS
        return
    fmt = {"application/sparql-results+json": ox.QueryResultsFormat.JSON, "text/tab-separated-values":
           ox.QueryResultsFormat.TSV, "application/sparql-results+xml": ox.QueryResultsFormat.XML}[accept]
    assert len(list(ox.parse_query_results(response.content, fmt))) == MAX_ROWS


def test_sparql_limits_construct_is_capped_too(http: httpx.Client) -> None:
    query = MANY.replace("SELECT ?i WHERE", "CONSTRUCT { <http://example.org/x> <http://example.org/i> ?i } WHERE")
    response = http.get("sparql", params={"query": query}, headers={"Accept": "application/n-triples"})
    assert len(list(ox.parse(response.content, ox.RdfFormat.N_TRIPLES))) == MAX_ROWS


def test_sparql_limits_update_needs_the_token(http: httpx.Client) -> None:
    insert = "INSERT DATA { <http://example.org/new> <http://example.org/in> <http://example.org/default> }"
    ask = "SELECT ?s { ?s <http://example.org/in> <http://example.org/default> . FILTER(?s = <http://example.org/new>) }"
    assert http.post("sparql", data={"update": insert}).status_code == 403
    wrong = http.post("sparql", data={"update": insert}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403 and "Bearer" in wrong.json()["message"]
    assert http.get("sparql", params={"update": insert},
                    headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 400
    assert select(http, ask) == []
    done = http.post("sparql", content=insert.encode(), headers={
        "Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})
    assert done.status_code == 204
    assert select(http, ask) == [{"s": "http://example.org/new"}]
    bad = http.post("sparql", data={"update": "INSERT DATA { oops"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert bad.status_code == 400 and "malformed update" in bad.json()["message"]


def test_sparql_limits_service_description_states_update(http: httpx.Client) -> None:
    import rdflib

    graph = rdflib.Graph().parse(data=http.get("sparql").text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert set(graph.objects(None, sd.supportedLanguage)) == {sd.SPARQL11Query, sd.SPARQL11Update}
