"""A few seconds of the mixed load of bench/load/ (wrk: SPARQL queries and entity pages) on the
live server: every request answers, and the server still has at most its pool of workers."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import httpx
import pytest
from conftest import ROOT, Server, child_pids

from kb.web.sparql import WORKERS

sys.path.insert(0, str(ROOT))  # bench/ is a folder of the repository, not an installed package
from bench.load import PAGE_TYPES, check, requests, wrk, write_mix  # noqa: E402


@pytest.fixture(scope="module")
def mix(server: Server) -> list[tuple[str, str, str, str, str]]:
    return requests(server.url, pages=60)


def test_load_smoke_mix_has_queries_and_pages_that_all_answer(server: Server, mix: list) -> None:
    pages = [m for m in mix if m[2] in PAGE_TYPES]
    queries = [m for m in mix if m[1].startswith("/sparql")]
    assert len(pages) + len(queries) == len(mix) and len(pages) >= 3 * 30
    assert {m[0] for m in queries} == {"GET", "POST"}
    assert 0.2 < len(queries) / len(mix) < 0.6
    assert check(server.url, mix) == []


def test_load_smoke_no_errors(server: Server, mix: list, tmp_path: Path) -> None:
    if shutil.which("wrk") is None:
        pytest.fail("wrk is not installed: `make test` installs it (deps/test/wrk.sh)")
    summary = wrk(server.url, write_mix(mix, tmp_path / "mix.tsv"), seconds=4, connections=8)
    assert summary["requests"] > 50
    assert summary["errors"] == 0, summary
    assert len(child_pids(server.proc.pid)) <= WORKERS
    assert httpx.get(server.url + "sparql", params={"query": "ASK {}"}).status_code == 200
