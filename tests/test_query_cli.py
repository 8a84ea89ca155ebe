"""`kb query` through the real command line: over RDF files, over the KB, against a live endpoint."""
from __future__ import annotations

import csv
import io
import json
import os
import time
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox
import pytest
import rdflib
from conftest import Server, free_port, run_kb

DATA = """@prefix ex: <http://example.org/> .
ex:alice ex:name "Alice" ; ex:age 30 ; ex:knows ex:bob .
ex:bob ex:name "Bob"@en ; ex:age 25 .
"""
QUADS = "<http://example.org/carol> <http://example.org/name> \"Carol\" <http://example.org/g> .\n"
NAMES = "SELECT ?s ?name WHERE { ?s <http://example.org/name> ?name } ORDER BY ?name"
GRAPH = "CONSTRUCT { ?s <http://example.org/label> ?name } WHERE { ?s <http://example.org/name> ?name }"
# the KB joined with itself four times: days of counting, were it not stopped
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
EXPECTED = [("http://example.org/alice", "Alice"), ("http://example.org/bob", "Bob"), ("http://example.org/carol", "Carol")]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("query")
    (folder / "people.ttl").write_text(DATA, encoding="utf-8")
    (folder / "more.nq").write_text(QUADS, encoding="utf-8")
    return [folder / "people.ttl", folder / "more.nq"]


@pytest.fixture(scope="module")
def endpoint(files: list[Path]) -> Iterator[str]:
    with Server(["--data", *map(str, files)]) as srv:
        yield srv.url + "sparql"


def names_from_json(text: str) -> list[tuple[str, str]]:
    bindings = json.loads(text)["results"]["bindings"]
    return [(b["s"]["value"], b["name"]["value"]) for b in bindings]


def test_query_cli_default_format_is_tsv(files: list[Path]) -> None:
    out = run_kb("query", "--data", *files, NAMES).stdout
    parsed = ox.parse_query_results(out.encode(), ox.QueryResultsFormat.TSV)
    assert [(s["s"].value, s["name"].value) for s in parsed] == EXPECTED


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_query_cli_select_formats(files: list[Path], fmt: str) -> None:
    out = run_kb("query", NAMES, "--data", *files, "--format", fmt).stdout
    if fmt == "csv":
        got = [(r["s"], r["name"]) for r in csv.DictReader(io.StringIO(out, newline=""))]
    else:
        parsed = ox.parse_query_results(out.encode(), ox.QueryResultsFormat.from_extension(fmt))
        got = [(s["s"].value, s["name"].value) for s in parsed]
    assert got == EXPECTED


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"),
                                                     ("xml", "xml"), (None, "turtle")])
def test_query_cli_construct_formats(files: list[Path], fmt: str | None, rdflib_format: str) -> None:
    args = ["--format", fmt] if fmt else []
    out = run_kb("query", GRAPH, "--data", *files, *args).stdout
    graph = rdflib.Graph().parse(data=out, format=rdflib_format)
    label = rdflib.URIRef("http://example.org/label")
    assert sorted((str(s), str(o)) for s, o in graph.subject_objects(label)) == EXPECTED


def test_query_cli_reads_the_query_from_a_file(files: list[Path], tmp_path: Path) -> None:
    query = tmp_path / "names.rq"
    query.write_text("# people by name\n" + NAMES + "\n", encoding="utf-8")
    out = run_kb("query", query, "--data", *files, "--format", "json").stdout
    assert names_from_json(out) == EXPECTED


def test_query_cli_over_the_kb(kb_data: Path) -> None:
    out = run_kb("query", "--data-dir", kb_data, "--format", "json",
                 "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a schema:Person }").stdout
    count = int(json.loads(out)["results"]["bindings"][0]["n"]["value"])
    store = ox.Store.read_only(str(kb_data / "current" / "store"))
    expected = len({q.subject for q in store.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode("http://schema.org/Person"))})
    assert count == expected > 0


@pytest.mark.parametrize(("args", "message"), [
    (["SELECT * WHERE { ?s ?p }"], "malformed query"),
    (["--format", "ttl", "SELECT * { ?s ?p ?o }"], "--format ttl is for CONSTRUCT"),
    (["--format", "csv", "CONSTRUCT WHERE { ?s ?p ?o }"], "--format csv is for SELECT"),
])
def test_query_cli_bad_queries_fail_with_one_line(files: list[Path], args: list[str], message: str) -> None:
    result = run_kb("query", "--data", *files, *args, check=False)
    assert result.returncode == 1 and result.stdout == ""
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_query_cli_stops_a_runaway_query_at_the_time_limit(kb_data: Path) -> None:
    """The same deadline as /sparql: the worker running the query is killed, the command says why."""
    env = {**os.environ, "KB_QUERY_TIMEOUT": "1.5"}
    result = run_kb("query", "--data-dir", kb_data, RUNAWAY, check=False, env=env, timeout=120)
    assert result.returncode == 1 and result.stdout == ""
    assert "ran longer than the time limit of 1.5 s" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_query_cli_cuts_a_remote_answer_at_the_time_limit(kb_data: Path) -> None:
    """--endpoint: the store's answer is awaited no longer than the time limit either."""
    # the server's own limit is longer than the command's
    with Server(["--data-dir", str(kb_data)], env={"KB_QUERY_TIMEOUT": "8"}) as srv:
        env = {**os.environ, "KB_QUERY_TIMEOUT": "1.5"}
        result = run_kb("query", RUNAWAY, "--endpoint", srv.url + "sparql", check=False, env=env, timeout=120)
        deadline = time.monotonic() + 60  # the server stops its worker at its own limit: wait for it
        while srv.children() and time.monotonic() < deadline:
            time.sleep(0.2)
    assert result.returncode == 1 and result.stdout == ""
    assert "ran longer than the time limit of 1.5 s" in result.stderr


def test_query_cli_bad_files_are_named(tmp_path: Path) -> None:
    unknown = tmp_path / "data.xyz"
    unknown.write_text("x", encoding="utf-8")
    broken = tmp_path / "broken.ttl"
    broken.write_text("<http://a> <http://b> .", encoding="utf-8")
    for path, message in [(unknown, "unknown RDF format"), (broken, "cannot load as"),
                          (tmp_path / "missing.ttl", "missing.ttl")]:
        result = run_kb("query", "ASK {}", "--data", path, check=False)
        assert result.returncode == 1 and message in result.stderr and str(path.name) in result.stderr


def test_query_cli_against_an_endpoint(endpoint: str) -> None:
    out = run_kb("query", NAMES, "--endpoint", endpoint, "--format", "json").stdout
    assert names_from_json(out) == EXPECTED
    tsv = run_kb("query", NAMES, "--endpoint", endpoint).stdout
    parsed = ox.parse_query_results(tsv.encode(), ox.QueryResultsFormat.TSV)
    assert [(s["s"].value, s["name"].value) for s in parsed] == EXPECTED
    turtle = run_kb("query", GRAPH, "--endpoint", endpoint, "--format", "ttl").stdout
    assert len(rdflib.Graph().parse(data=turtle, format="turtle")) == len(EXPECTED)


def test_query_cli_endpoint_errors_are_reported(endpoint: str) -> None:
    bad = run_kb("query", "SELECT * { ?s ", "--endpoint", endpoint, check=False)
    assert bad.returncode == 1 and "malformed query" in bad.stderr
    gone = run_kb("query", "ASK {}", "--endpoint", f"http://127.0.0.1:{free_port()}/sparql", check=False)
    assert gone.returncode == 1 and "cannot reach" in gone.stderr
