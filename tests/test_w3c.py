"""W3C SPARQL 1.1 conformance through the HTTP endpoint.

Every query-evaluation, result-format and syntax test of ../shared/w3c-sparql11 runs twice:
in-process on pyoxigraph (the engine's own baseline: data in the default graph, graphData in
named graphs) and through `kb serve --data` over HTTP. The server holds every data file in a
named graph of its own (the file's IRI), and each request names its test's dataset with the
protocol's default-graph-uri / named-graph-uri, or leaves it to the query's FROM clauses.
Results are compared as the suite requires: bags of solutions, blank nodes matched by a
consistent mapping, order kept when the query has ORDER BY, graphs by isomorphism. The
endpoint must pass every test the engine passes in-process.
"""
from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Iterator
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from conftest import SHARED, Server
from rdflib.compare import isomorphic

from kb.store.engine import FILE_FORMATS, names_dataset

SUITE = SHARED / "w3c-sparql11"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
EVALUATION = {MF.QueryEvaluationTest, MF.CSVResultFormatTest}
SYNTAX = {MF.PositiveSyntaxTest11: True, MF.NegativeSyntaxTest11: False}
EMPTY = "urn:kb:w3c:empty"  # names no graph: an empty default graph / no named graphs
ACCEPT = {"srx": "application/sparql-results+json, application/n-triples;q=0.9",
          "srj": "application/sparql-results+json, application/n-triples;q=0.9",
          "tsv": "text/tab-separated-values", "csv": "text/csv"}
GRAPH_ACCEPT = "application/n-triples"
ORDERED = re.compile(r"ORDER\s+BY", re.IGNORECASE)

pytestmark = pytest.mark.skipif(not SUITE.is_dir(), reason=f"the W3C suite is not in {SUITE}")


@dataclass(frozen=True)
class Case:
    name: str
    kind: str  # "eval" or "syntax"
    query: Path
    data: tuple[Path, ...] = ()
    graph_data: tuple[Path, ...] = ()
    result: Path | None = None
    positive: bool = True

    @property
    def files(self) -> tuple[Path, ...]:
        return self.data + self.graph_data


def _path(node: rdflib.term.Node) -> Path:
    return Path(str(node).removeprefix("file://"))


def _manifests() -> Iterator[Path]:
    for top in ("manifest-sparql11-query.ttl", "manifest-sparql11-results.ttl"):
        graph = rdflib.Graph().parse(SUITE / top, format="turtle", publicID=(SUITE / top).as_uri())
        for manifest in graph.objects(None, MF.include):
            yield from (_path(m) for m in rdflib.collection.Collection(graph, manifest))


def load_suite() -> list[Case]:
    cases = []
    for manifest in _manifests():
        graph = rdflib.Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
        for entries in graph.objects(None, MF.entries):
            for test in rdflib.collection.Collection(graph, entries):
                case = _case(graph, test, f"{manifest.parent.name}/{graph.value(test, MF.name) or test}")
                if case is not None:
                    cases.append(case)
    return cases


def _case(graph: rdflib.Graph, test: rdflib.term.Node, name: str) -> Case | None:
    kind = graph.value(test, rdflib.RDF.type)
    action = graph.value(test, MF.action)
    if kind in SYNTAX:
        return Case(name, "syntax", _path(action), positive=SYNTAX[kind])
    if kind not in EVALUATION or graph.value(action, QT.serviceData) is not None:
        return None
    return Case(name, "eval", _path(graph.value(action, QT.query)),
                tuple(sorted(_path(d) for d in graph.objects(action, QT.data))),
                tuple(sorted(_path(d) for d in graph.objects(action, QT.graphData))),
                _path(graph.value(test, MF.result)))


CASES = load_suite() if SUITE.is_dir() else []


# ---- results, normalized for comparison ------------------------------------------------

@dataclass
class Outcome:
    boolean: bool | None = None
    variables: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    graph: rdflib.Graph | None = None
    csv_rows: list[list[str]] | None = None


def from_results(parsed) -> Outcome:
    if isinstance(parsed, ox.QueryBoolean):
        return Outcome(boolean=bool(parsed))
    names = [v.value for v in parsed.variables]
    return Outcome(variables=names, rows=[{n: s[n] for n in names if s[n] is not None} for s in parsed])


def from_graph(data: bytes | str, fmt: str, base: str | None = None) -> Outcome:
    return Outcome(graph=rdflib.Graph().parse(data=data, format=fmt, publicID=base))


def from_csv(text: str) -> Outcome:
    return Outcome(csv_rows=[row for row in csv.reader(io.StringIO(text, newline=""))])


def expected(case: Case) -> Outcome:
    ext = case.result.suffix[1:]
    if ext == "csv":
        return from_csv(case.result.read_text(encoding="utf-8"))
    if ext in ("srx", "srj", "tsv"):
        fmt = {"srx": ox.QueryResultsFormat.XML, "srj": ox.QueryResultsFormat.JSON, "tsv": ox.QueryResultsFormat.TSV}
        return from_results(ox.parse_query_results(path=str(case.result), format=fmt[ext]))
    rdf_format = {"ttl": "turtle", "nt": "nt", "rdf": "xml"}[ext]
    return from_graph(case.result.read_bytes(), rdf_format, case.result.as_uri())


XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + "integer": int, XSD + "decimal": Decimal, XSD + "double": float, XSD + "float": float}


def _value(term):
    """Numeric literals by value within their datatype ("1.0" and "1" as xsd:decimal are one value)."""
    if isinstance(term, ox.Literal) and term.datatype.value in NUMERIC:
        try:
            return term.datatype.value, NUMERIC[term.datatype.value](term.value)
        except (ValueError, ArithmeticError):
            return term
    return term


def _unify(a, b, mapping: dict) -> dict | None:
    """Extend a blank-node bijection (a's nodes to b's) so that term a equals term b."""
    if isinstance(a, ox.BlankNode) and isinstance(b, ox.BlankNode):
        if a.value in mapping:
            return mapping if mapping[a.value] == b.value else None
        if b.value in mapping.values():
            return None
        return {**mapping, a.value: b.value}
    if isinstance(a, ox.Triple) and isinstance(b, ox.Triple):
        for x, y in ((a.subject, b.subject), (a.predicate, b.predicate), (a.object, b.object)):
            mapping = _unify(x, y, mapping)
            if mapping is None:
                return None
        return mapping
    return mapping if _value(a) == _value(b) else None


def _unify_row(a: dict, b: dict, mapping: dict) -> dict | None:
    if a.keys() != b.keys():
        return None
    for name in a:
        mapping = _unify(a[name], b[name], mapping)
        if mapping is None:
            return None
    return mapping


def _match(expected_rows: list, actual_rows: list, mapping: dict, ordered: bool, budget: list[int]) -> bool:
    if not expected_rows:
        return not actual_rows
    budget[0] -= 1
    if budget[0] < 0:
        return False
    first, rest = expected_rows[0], expected_rows[1:]
    for i, row in enumerate(actual_rows[:1] if ordered else actual_rows):
        extended = _unify_row(first, row, mapping)
        if extended is not None and _match(rest, actual_rows[:i] + actual_rows[i + 1:], extended, ordered, budget):
            return True
    return False


def _has_bnode(row: dict) -> bool:
    return any(isinstance(t, (ox.BlankNode, ox.Triple)) for t in row.values())


def same_rows(want: list[dict], got: list[dict], ordered: bool) -> bool:
    if len(want) != len(got):
        return False
    if not ordered:  # the rows without blank nodes as plain bags, then the rest by search
        plain_want = Counter(frozenset((k, _value(v)) for k, v in r.items()) for r in want if not _has_bnode(r))
        plain_got = Counter(frozenset((k, _value(v)) for k, v in r.items()) for r in got if not _has_bnode(r))
        if plain_want != plain_got:
            return False
        want, got = [r for r in want if _has_bnode(r)], [r for r in got if _has_bnode(r)]
    return _match(want, got, {}, ordered, [100_000])


def _csv_terms(rows: list[list[str]]) -> list[dict]:
    """CSV cells as terms for matching: `_:x` cells are blank nodes, the rest plain strings."""
    return [{i: ox.BlankNode(c[2:]) if c.startswith("_:") else ox.Literal(c) for i, c in enumerate(r)} for r in rows]


def compare(case: Case, want: Outcome, got: Outcome) -> str | None:
    """None when `got` passes, else what differs."""
    ordered = bool(ORDERED.search(case.query.read_text(encoding="utf-8")))
    if want.csv_rows is not None:
        if got.csv_rows is None or want.csv_rows[:1] != got.csv_rows[:1]:
            return f"CSV header {got.csv_rows[:1] if got.csv_rows else None} != {want.csv_rows[:1]}"
        ok = same_rows(_csv_terms(want.csv_rows[1:]), _csv_terms(got.csv_rows[1:]), ordered)
        return None if ok else "CSV rows differ"
    if want.graph is not None:
        return None if got.graph is not None and isomorphic(want.graph, got.graph) else "graphs differ"
    if want.boolean is not None:
        return None if got.boolean == want.boolean else f"boolean {got.boolean} != {want.boolean}"
    if sorted(want.variables) != sorted(got.variables):
        return f"variables {got.variables} != {want.variables}"
    return None if same_rows(want.rows, got.rows, ordered) else f"{len(got.rows)} rows, {len(want.rows)} expected, differ"


# ---- the two runs ---------------------------------------------------------------------

def _load(store: ox.Store, path: Path, graph) -> None:
    store.load(path=str(path), format=FILE_FORMATS[path.suffix], base_iri=path.as_uri(), to_graph=graph)


def run_in_process(case: Case) -> str | None:
    """The engine alone, as the suite defines the dataset; None when the test passes."""
    text = case.query.read_text(encoding="utf-8")
    store = ox.Store()
    try:
        for path in case.data:
            _load(store, path, ox.DefaultGraph())
        for path in case.graph_data:
            _load(store, path, ox.NamedNode(path.as_uri()))
        result = store.query(text, base_iri=case.query.as_uri())
    except SyntaxError as exc:
        return None if case.kind == "syntax" and not case.positive else f"syntax error: {exc}"
    except (OSError, ValueError, RuntimeError) as exc:  # parsed, but cannot be evaluated
        if case.kind != "syntax":
            return f"evaluation error: {exc}"
        result = None
    if case.kind == "syntax":
        return None if case.positive else "a bad query was accepted"
    try:
        if case.result.suffix == ".csv":
            out = io.BytesIO()
            result.serialize(out, ox.QueryResultsFormat.CSV)
            got = from_csv(out.getvalue().decode("utf-8"))
        elif isinstance(result, ox.QueryTriples):
            got = from_graph(ox.serialize(result, format=ox.RdfFormat.N_TRIPLES), "nt")
        else:
            got = from_results(result)
    except (OSError, ValueError, RuntimeError, SyntaxError) as exc:
        return f"evaluation error: {exc}"
    return compare(case, expected(case), got)


def run_over_http(http: httpx.Client, case: Case) -> str | None:
    text = f"BASE <{case.query.as_uri()}>\n" + case.query.read_text(encoding="utf-8")
    params: list[tuple[str, str]] = [("query", text)]
    if case.kind == "eval" and not (names_dataset(text) and not case.data):
        params += [("default-graph-uri", p.as_uri()) for p in case.data] or [("default-graph-uri", EMPTY)]
        params += [("named-graph-uri", p.as_uri()) for p in case.graph_data] or [("named-graph-uri", EMPTY)]
    accept = ACCEPT.get(case.result.suffix[1:], GRAPH_ACCEPT) if case.kind == "eval" else "*/*"
    response = http.post("sparql", content=urlencode(params).encode(),
                         headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
    if case.kind == "syntax":  # a query that parses but cannot run (unknown function) is 400 too
        rejected = response.status_code == 400 and response.json()["message"].startswith("malformed query")
        if response.status_code not in (200, 400):
            return f"HTTP {response.status_code}: {response.text[:200]}"
        return None if rejected != case.positive else f"HTTP {response.status_code}: {response.text[:200]}"
    if response.status_code != 200:
        return f"HTTP {response.status_code}: {response.text[:300]}"
    media = response.headers["content-type"].split(";")[0]
    if media == "text/csv":
        got = from_csv(response.text)
    elif media == "application/n-triples":
        got = from_graph(response.content, "nt")
    else:
        fmt = {"text/tab-separated-values": ox.QueryResultsFormat.TSV}.get(media, ox.QueryResultsFormat.JSON)
        got = from_results(ox.parse_query_results(response.content, fmt))
    return compare(case, expected(case), got)


# ---- the tests ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def w3c_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One `kb serve --data` holding every data file of the suite, each in its own named graph."""
    store = ox.Store()
    for path in sorted({p for case in CASES for p in case.files}):
        _load(store, path, ox.NamedNode(path.as_uri()))
    dataset = tmp_path_factory.mktemp("w3c") / "suite.nq"
    store.dump(str(dataset), ox.RdfFormat.N_QUADS)
    with Server(["--data", str(dataset)]) as srv:
        yield srv


@pytest.fixture(scope="module")
def http(w3c_server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=w3c_server.url, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def outcomes(http: httpx.Client) -> dict[str, tuple[str | None, str | None]]:
    """Every case run both ways: name -> (in-process failure, HTTP failure), None meaning passed."""
    return {case.name: (run_in_process(case), run_over_http(http, case)) for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_w3c_case(case: Case, outcomes: dict[str, tuple[str | None, str | None]]) -> None:
    engine, endpoint = outcomes[case.name]
    if engine is not None:
        pytest.skip(f"the engine fails it in-process too: {engine}")
    assert endpoint is None, endpoint


def test_w3c_endpoint_passes_what_the_engine_passes(outcomes: dict[str, tuple[str | None, str | None]]) -> None:
    engine = {name for name, (failure, _) in outcomes.items() if failure is None}
    endpoint = {name for name, (_, failure) in outcomes.items() if failure is None}
    with pytest.MonkeyPatch.context():
        print(f"\nW3C SPARQL 1.1, {len(CASES)} tests (query evaluation, result formats, syntax): "
              f"in-process {len(engine)} passed; over HTTP {len(endpoint)} passed")
    assert len(CASES) > 200
    assert sorted(engine - endpoint) == []
