"""`kb push` into real external stores: OpenLink Virtuoso (Debian's virtuoso-opensource) and the
Oxigraph server (PyPI), each started on free loopback ports in a private folder, once per session.
After a push, every query of queries/ gives the same answers from the store, asked through
SPARQLWrapper, as from the embedded store."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Iterator

import httpx
import pyoxigraph as ox
import pytest
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from conftest import ROOT, free_port, run_kb
from kb.store import DataDir
from kb.store.engine import execute

QUERIES = sorted((ROOT / "queries").glob("*.rq"))
VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short",
                             "nonNegativeInteger", "positiveInteger", "unsignedInt")}


@dataclass
class Store:
    name: str
    query_url: str  # where SPARQLWrapper asks
    push_urls: dict[str, str]  # protocol -> URL given to `kb push --endpoint`
    credentials: tuple[str, ...]  # --user/--password arguments
    proc: subprocess.Popen

    def stop(self) -> None:
        self.proc.terminate()  # SIGTERM: both servers shut down cleanly
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _wait(store: Store, seconds: float = 90) -> Store:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if store.proc.poll() is not None:
            raise RuntimeError(f"{store.name} exited ({store.proc.returncode})")
        try:
            if httpx.get(store.query_url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return store
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    store.stop()
    raise RuntimeError(f"{store.name} did not answer within {seconds} s")


def _virtuoso_ini(folder: Path, sql_port: int, http_port: int) -> Path:
    """Debian's ini with the database in `folder` and our own ports."""
    text = VIRTUOSO_INI.read_text()
    text = text.replace("/var/lib/virtuoso-opensource-7/db", str(folder))
    lines = []
    for line in text.splitlines():
        key = line.split("=")[0].strip()
        if key == "ServerPort":
            line = f"ServerPort = {http_port if _section(lines) == '[HTTPServer]' else sql_port}"
        elif key == "DirsAllowed":
            line = f"DirsAllowed = ., {folder}"
        lines.append(line)
    ini = folder / "virtuoso.ini"
    ini.write_text("\n".join(lines) + "\n")
    return ini


def _section(lines: list[str]) -> str:
    return next((line.strip() for line in reversed(lines) if line.strip().startswith("[")), "")


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    binary = shutil.which("virtuoso-t")
    if binary is None or not VIRTUOSO_INI.exists():
        pytest.fail("Virtuoso is not installed: run `make test` (deps/test/virtuoso.sh installs it)")
    folder = tmp_path_factory.mktemp("virtuoso")
    http_port = free_port()
    ini = _virtuoso_ini(folder, free_port(), http_port)
    proc = subprocess.Popen([binary, "+configfile", str(ini), "+foreground"], cwd=folder,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http_port}"
    store = _wait(Store("virtuoso", f"{base}/sparql",
                        {"graph-store": f"{base}/sparql-graph-crud-auth", "update": f"{base}/sparql-auth"},
                        ("--user", "dba", "--password", "dba"), proc))
    yield store
    store.stop()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    binary = Path(sys.executable).parent / "oxigraph"
    if not binary.exists():
        pytest.fail("the oxigraph server is not installed: run `make test` (test extras)")
    port = free_port()
    folder = tmp_path_factory.mktemp("oxigraph")
    # queries see the union of the named graphs, as on the embedded store and on Virtuoso
    proc = subprocess.Popen([str(binary), "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}",
                             "--union-default-graph"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    store = _wait(Store("oxigraph", f"{base}/query",
                        {"graph-store": f"{base}/store", "update": f"{base}/update"}, (), proc))
    yield store
    store.stop()


def _term(binding: dict | None) -> tuple:
    """One value of a SPARQL JSON result, compared by meaning (Virtuoso writes 'typed-literal',
    numbers in its own lexical form)."""
    if binding is None:
        return ("unbound",)
    if binding["type"] == "uri":
        return ("iri", binding["value"])
    if binding["type"] == "bnode":
        return ("bnode",)
    datatype = binding.get("datatype", XSD + "string")
    if datatype in NUMERIC:
        return ("number", Decimal(binding["value"]))
    if "xml:lang" in binding:
        return ("literal", binding["value"], binding["xml:lang"].lower())
    return ("literal", binding["value"], datatype)


def _answers(results: dict) -> Counter:
    names = results["head"]["vars"]
    return Counter(tuple(_term(row.get(n)) for n in names) for row in results["results"]["bindings"])


def _embedded(kb_data: Path, query: str) -> Counter:
    result = execute(DataDir(kb_data).open_read(), query)
    return _answers(json.loads(result.serialize(format=ox.QueryResultsFormat.JSON)))


def _remote(url: str, query: str) -> Counter:
    client = SPARQLWrapper(url)
    client.setQuery(query)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    return _answers(client.queryAndConvert())


def _push(kb_data: Path, store: Store, protocol: str) -> int:
    result = run_kb("push", "--endpoint", store.push_urls[protocol], "--data-dir", kb_data, *store.credentials)
    return int(result.stderr.split("pushed ")[1].split()[0])


def _graph_count(url: str, graph: str) -> int:
    results = SPARQLWrapper(url)
    results.setQuery(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    results.setReturnFormat(JSON)
    return int(results.queryAndConvert()["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="session", params=[("virtuoso", "graph-store"), ("virtuoso", "update"),
                                          ("oxigraph", "graph-store"), ("oxigraph", "update")],
                ids=lambda p: "-".join(p))
def pushed(request, kb_data: Path) -> tuple[Store, int]:
    name, protocol = request.param
    store = request.getfixturevalue("virtuoso" if name == "virtuoso" else "oxigraph_server")
    return store, _push(kb_data, store, protocol)


def test_push_copies_every_named_graph(pushed, kb_data):
    store, count = pushed
    local = DataDir(kb_data).open_read()
    assert count == len(local) > 0
    for graph in local.named_graphs():  # only our graphs: Virtuoso also holds its own
        expected = sum(1 for _ in local.quads_for_pattern(None, None, None, graph))
        assert _graph_count(store.query_url, graph.value) == expected, graph.value


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_push_queries_answer_the_same_as_the_embedded_store(pushed, kb_data, path):
    store, _ = pushed
    query = path.read_text(encoding="utf-8")
    expected = _embedded(kb_data, query)
    assert expected, f"{path.name} has no answer on the seed KB"
    assert _remote(store.query_url, query) == expected


def test_push_twice_replaces_rather_than_duplicates(virtuoso, kb_data):
    _push(kb_data, virtuoso, "graph-store")
    _push(kb_data, virtuoso, "graph-store")
    local = DataDir(kb_data).open_read()
    graph = sorted(local.named_graphs(), key=str)[0]
    expected = sum(1 for _ in local.quads_for_pattern(None, None, None, graph))
    assert _graph_count(virtuoso.query_url, graph.value) == expected


@pytest.mark.parametrize(("args", "message"), [
    (("--endpoint", "ftp://example.org/sparql"), "is not an http(s) URL"),
    (("--endpoint", "http://127.0.0.1:9/sparql"), "cannot reach the store"),
    (("--endpoint", "http://127.0.0.1:9/sparql", "--user", "dba"), "give both --user and --password"),
])
def test_push_bad_endpoint_is_one_clear_line(kb_data, args, message):
    result = run_kb("push", *args, "--data-dir", kb_data, check=False)
    assert result.returncode != 0
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_push_without_credentials_is_refused_with_advice(virtuoso, kb_data):
    result = run_kb("push", "--endpoint", virtuoso.push_urls["graph-store"], "--data-dir", kb_data, check=False)
    assert result.returncode != 0 and "--user and" in result.stderr
