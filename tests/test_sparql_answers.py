"""How the endpoint hands results over: a small result comes whole (with its length, no stream),
a big one streams; both say the same as the KB in this process. And the row writers of
kb.results agree with pyoxigraph's own serializers on every kind of term."""
from __future__ import annotations

import csv
import io

import httpx
import pyoxigraph as ox
import pytest

from kb import results
from kb.store import DataDir
from kb.store.frames import FIRST_CHUNK

SMALL = "SELECT ?p ?name WHERE { ?p a schema:Person ; schema:name ?name } ORDER BY ?p LIMIT 3"
BIG = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
# every kind of term a solution can hold: IRI, blank node, language-tagged, typed and plain literals,
# a quoted triple, and an unbound variable
TERMS = """SELECT ?iri ?bnode ?lang ?typed ?plain ?triple ?unbound WHERE {
  BIND(<http://example.org/a?b=c&d> AS ?iri) BIND(BNODE() AS ?bnode) BIND("许昌 \\"日报\\"\\n<&>"@zh AS ?lang)
  BIND("2020-12-23"^^xsd:date AS ?typed) BIND("tab\\there" AS ?plain)
  BIND(<<( <http://example.org/s> <http://example.org/p> 1 )>> AS ?triple) }"""


@pytest.fixture(scope="module")
def local(kb_data) -> ox.Store:
    return DataDir(kb_data).open_read()


def _post(client: httpx.Client, query: str) -> httpx.Response:
    return client.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query",
                                                                   "Accept": "application/sparql-results+json"})


def _solutions(payload: bytes, fmt: ox.QueryResultsFormat = ox.QueryResultsFormat.JSON) -> list[tuple]:
    parsed = ox.parse_query_results(payload, fmt)
    return [tuple(None if term is None else str(term) for term in row) for row in parsed]


def _local(store: ox.Store, query: str) -> list[tuple]:
    from kb.store.engine import execute

    return [tuple(None if term is None else str(term) for term in row) for row in execute(store, query)]


@pytest.mark.parametrize(("query", "whole"), [(SMALL, True), ("ASK { ?s a schema:Person }", True), (BIG, False)])
def test_sparql_answers_small_whole_big_streamed(client: httpx.Client, local: ox.Store, query: str,
                                                 whole: bool) -> None:
    response = _post(client, query)
    assert response.status_code == 200, response.text
    assert ("content-length" in response.headers) is whole
    assert (response.headers.get("transfer-encoding") == "chunked") is not whole
    if query.startswith("ASK"):
        assert response.json()["boolean"] is True
        return
    if not whole:
        assert len(response.content) > FIRST_CHUNK  # big enough to have been streamed
    assert _solutions(response.content) == _local(local, query)


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_results_writers_agree_with_pyoxigraph(fmt: str) -> None:
    store = ox.Store()
    ours = io.BytesIO()
    rows, truncated = results.write(store.query(TERMS, prefixes={"xsd": "http://www.w3.org/2001/XMLSchema#"}),
                                    fmt, ours)
    theirs = store.query(TERMS, prefixes={"xsd": "http://www.w3.org/2001/XMLSchema#"}).serialize(
        format=results.RESULT_FORMATS[fmt])
    assert (rows, truncated) == (1, False)
    if fmt == "csv":  # CSV loses term kinds, and no spec says how a triple reads in it: compare the other cells
        cells = [[row[:1] + row[2:5] + row[6:] for row in csv.reader(io.StringIO(text))]
                 for text in (ours.getvalue().decode(), theirs.decode())]
        assert cells[0] == cells[1] and len(cells[0]) == 2
        return
    parsed = _solutions(ours.getvalue(), results.RESULT_FORMATS[fmt])
    expected = _solutions(theirs, results.RESULT_FORMATS[fmt])
    blank = 1  # blank node labels are the writer's own: compare all the rest
    assert [row[:blank] + row[blank + 1:] for row in parsed] == [row[:blank] + row[blank + 1:] for row in expected]
    assert parsed[0][blank].startswith("_:") and parsed[0][-1] is None
