"""A few seconds of the mixed load of bench/load/ (wrk: SPARQL queries and entity pages), run as
its command `python -m bench.load` on a KB of the seed pages: every request of the mix answers,
nothing fails under load, and the server keeps at most its pool of query workers."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS

from kb.web.sparql import WORKERS

PAGE_TYPES = ("application/ld+json", "text/html", "text/turtle")


@pytest.fixture(scope="module")
def load(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The command's work folder: mix.tsv (the requests) and load.json (what the load measured)."""
    if shutil.which("wrk") is None:
        pytest.fail("wrk is not installed: `make test` installs it (deps/test/wrk.sh)")
    out = tmp_path_factory.mktemp("load")
    done = subprocess.run([sys.executable, "-m", "bench.load", str(SEEDS), "--seconds", "4", "--connections", "8",
                           "--entities", "60", "--out", str(out)], capture_output=True, text=True, cwd=ROOT, timeout=600)
    # exit 1 may also mean memory grew in these few seconds (a bench verdict, not one of these checks)
    assert (out / "load.json").exists(), f"bench.load failed ({done.returncode}): {done.stderr[-2000:]}"
    return out


def test_load_smoke_mix_has_queries_and_pages_that_all_answer(load: Path) -> None:
    mix = [line.split("\t") for line in (load / "mix.tsv").read_text(encoding="utf-8").splitlines()]
    pages = [m for m in mix if m[2] in PAGE_TYPES]
    queries = [m for m in mix if m[1].startswith("/sparql")]
    assert len(pages) + len(queries) == len(mix) and len(pages) >= 3 * 30
    assert {m[0] for m in queries} == {"GET", "POST"}
    assert 0.2 < len(queries) / len(mix) < 0.6
    # bench.load sends every request of the mix once and stops before any load if one fails
    assert json.loads((load / "load.json").read_text())["mix"] == len(mix)


def test_load_smoke_no_errors(load: Path) -> None:
    result = json.loads((load / "load.json").read_text())
    assert result["load"]["requests"] > 50
    assert result["load"]["errors"] == 0, result["load"]
    assert result["memory"]["workers_max"] <= WORKERS
    assert result["answers_after"] == 200
