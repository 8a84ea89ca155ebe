"""`kb serve --in-memory`: the query workers answer from an in-memory copy of the store, with the
same answers as on disk, following snapshot switches, and still under the memory limit."""
from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Iterator

import anyio
import httpx
import pyoxigraph as ox
import pytest
from conftest import ROOT, SEEDS, Server, run_kb, serve_refused

from kb.config import resolve
from kb.errors import ConfigError
from kb.store.backend import MemoryBackend
from kb.store.frames import Job
from kb.store.pool import Pool, Run
from kb.web import documents
from kb.web.sparql import WORKER_MEMORY_MB, WORKERS

QUERIES = sorted((ROOT / "queries").glob("*.rq"))
JSON = {"Accept": "application/sparql-results+json"}
QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"  # every pair of triples, sorted


@pytest.fixture(scope="module")
def memory_server(kb_data: Path, base: str) -> Iterator[Server]:
    with Server(["--data-dir", str(kb_data), "--base", base, "--in-memory"]) as srv:
        yield srv


def solutions(response: httpx.Response) -> list[tuple]:
    """The rows of a JSON result as sorted tuples, blank nodes' labels left out (they are per store)."""
    assert response.status_code == 200, response.text
    data = response.json()
    if "boolean" in data:
        return [(data["boolean"],)]
    cell = lambda t: (t["type"], "" if t["type"] == "bnode" else t["value"], t.get("datatype"), t.get("xml:lang"))  # noqa: E731
    return sorted(tuple(sorted((k, cell(v)) for k, v in row.items())) for row in data["results"]["bindings"])


def ask(url: str, query: str) -> list[tuple]:
    return solutions(httpx.post(url + "sparql", content=query.encode(), timeout=60,
                                headers={**JSON, "Content-Type": "application/sparql-query"}))


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_in_memory_answers_as_on_disk(server: Server, memory_server: Server, path: Path) -> None:
    query = path.read_text(encoding="utf-8")
    assert ask(memory_server.url, query) == ask(server.url, query)


def _sample_iris(kb_data: Path) -> list[str]:
    store = ox.Store.read_only(str(kb_data / "current" / "store"))
    query = """SELECT ?x WHERE { VALUES ?t { <http://schema.org/Person> <http://schema.org/NewsArticle>
        <http://schema.org/Organization> } ?x a ?t } ORDER BY ?x LIMIT 30"""
    return [row[0].value for row in store.query(query, use_default_graph_as_union=True)]


def test_in_memory_pages_read_from_a_copy_of_the_store(kb_data: Path) -> None:
    """The backend answers from disk at once, then from its in-memory copy: the same documents."""
    backend = MemoryBackend(kb_data)
    disk = backend.store()
    deadline = time.monotonic() + 60
    while not backend.in_memory() and time.monotonic() < deadline:
        time.sleep(0.05)
    memory = backend.store()
    assert backend.in_memory() and memory is not disk and len(memory) == len(disk) > 0
    for iri in _sample_iris(kb_data):
        assert documents.gather(memory, iri) == documents.gather(disk, iri)


def test_in_memory_serves_the_same_pages(server: Server, memory_server: Server, kb_data: Path) -> None:
    with httpx.Client(timeout=30) as client:
        for iri in _sample_iris(kb_data):
            path = iri[len(server.url):]
            for accept in ("application/ld+json", "text/html"):
                pages = [client.get(srv.url + path, headers={"Accept": accept}) for srv in (server, memory_server)]
                assert [p.status_code for p in pages] == [200, 200]
                assert pages[0].content == pages[1].content


def test_in_memory_copy_holds_every_quad(memory_server: Server, kb_data: Path) -> None:
    [[(_, (_, count, _, _))]] = ask(memory_server.url, QUADS)
    assert int(count) == len(ox.Store.read_only(str(kb_data / "current" / "store"))) > 0


def test_in_memory_follows_a_snapshot_switch(kb_data: Path, base: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(kb_data, data, symlinks=True)
    with Server(["--data-dir", str(data), "--base", base, "--in-memory"]) as srv:
        before = ask(srv.url, QUADS)
        run_kb("build", sorted(SEEDS.glob("*.txt"))[0], "--data-dir", data, "--base", base, "--quiet")
        [[(_, (_, count, _, _))]] = after = ask(srv.url, QUADS)
        assert after != before
        assert int(count) == len(ox.Store.read_only(str(data / "current" / "store")))


def test_in_memory_a_memory_hungry_query_is_still_stopped(memory_server: Server) -> None:
    response = httpx.get(memory_server.url + "sparql", params={"query": HUNGRY}, headers=JSON, timeout=120)
    assert response.status_code == 400, response.text
    assert f"more than {WORKER_MEMORY_MB} MB of memory" in response.json()["message"]
    assert len(memory_server.children()) <= WORKERS
    assert ask(memory_server.url, QUADS)[0][0][1][1] != "0"  # still answering


async def _answer(pool: Pool, job: Job) -> bytes:
    run = Run(pool, job)
    await run.start(anyio.CapacityLimiter(1))
    return b"".join([chunk async for chunk in run.chunks()])


def _worker_pid(pool: Pool) -> int:
    worker = pool.idle()
    assert worker is not None, "the worker was not given back to the pool"
    pool.release(worker)
    return worker.proc.pid


def test_in_memory_limit_counts_what_a_query_adds_above_the_copy(kb_data: Path) -> None:
    """With a limit under the worker's loaded size, a worker holding the copy is neither stopped
    nor recycled by ordinary queries: only what a query adds counts."""
    store = str((kb_data / "current").resolve() / "store")
    job = Job(query=QUADS, store=store, version="v1", in_memory=True, accept="application/sparql-results+json")
    probe = Pool(1, 60)
    anyio.run(_answer, probe, job)
    loaded = probe.idle()
    size = loaded.base_mb
    loaded.kill()
    assert size > 0 and loaded.loaded == (store, "v1")
    pool = Pool(1, 60, memory_mb=size)  # on disk, a worker this big would be recycled after each query
    try:
        first = anyio.run(_answer, pool, job)
        pid = _worker_pid(pool)
        assert anyio.run(_answer, pool, job) == first and _worker_pid(pool) == pid
    finally:
        if (worker := pool.idle()) is not None:
            worker.kill()


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("true", True), ("yes", True), ("0", False),
                                                 ("false", False), ("", False)])
def test_in_memory_setting_from_the_environment(value: str, expected: bool) -> None:
    assert resolve({}, environ={"KB_QUERY_IN_MEMORY": value}).query_in_memory is expected


def test_in_memory_setting_refuses_a_bad_value() -> None:
    with pytest.raises(ConfigError, match="KB_QUERY_IN_MEMORY='maybe'"):
        resolve({}, environ={"KB_QUERY_IN_MEMORY": "maybe"})


def test_in_memory_with_an_update_token_is_refused(kb_data: Path) -> None:
    result = serve_refused("--data-dir", kb_data, "--in-memory", "--update-token", "t")
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert "--in-memory" in line and "update token" in line
