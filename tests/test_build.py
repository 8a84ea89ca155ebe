"""Builds and adds: bad pages are named and skipped, adds are incremental and idempotent,
and a build killed at any moment leaves the KB being served intact."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import KB, ROOT, SEEDS, run_kb

SEED_FILES = sorted(SEEDS.glob("*.txt"))


def _count(data: Path, where: str = "?s ?p ?o") -> int:
    out = run_kb("query", f"SELECT (COUNT(*) AS ?n) {{ {where} }}", "--data-dir", data, "--format", "json")
    return int(json.loads(out.stdout)["results"]["bindings"][0]["n"]["value"])


def _pages(data: Path) -> set[str]:
    out = run_kb("query", "SELECT ?src { GRAPH ?g { ?page <http://purl.org/dc/terms/source> ?src } }",
                 "--data-dir", data, "--format", "json")
    return {b["src"]["value"] for b in json.loads(out.stdout)["results"]["bindings"]}


def _bad_pages(folder: Path) -> dict[str, str]:
    """Broken inputs, each with a word its error message must contain."""
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "latin.txt").write_text("Just some English words, no Chinese at all.\n" * 50)
    (folder / "noarticle.txt").write_text("●项目名称：城东污水处理厂扩建工程\n●建设地点：城东新区滨河路以南\n",
                                          encoding="utf-8")  # a fact card alone: no article
    (folder / "dangling.txt").symlink_to(folder / "does-not-exist.txt")
    return {"empty.txt": "empty", "binary.txt": "binary", "latin.txt": "not a newspaper page",
            "noarticle.txt": "no article", "dangling.txt": "unreadable"}


def test_build_skips_bad_pages_by_name_and_keeps_good_ones(tmp_path):
    pages = tmp_path / "pages"
    expected = _bad_pages(pages)
    shutil.copy(SEED_FILES[0], pages / "good-utf8.txt")
    gbk = SEED_FILES[1].read_text(encoding="utf-8").encode("gb18030")
    (pages / "good-gbk.txt").write_bytes(gbk)
    data = tmp_path / "data"
    result = run_kb("build", pages, "--data-dir", data, "--quiet", check=False)
    assert result.returncode == 2, result.stderr  # something was skipped
    lines = [line for line in result.stderr.splitlines() if "skipped" in line]
    for name, reason in expected.items():
        assert any(name in line and reason in line for line in lines), (name, result.stderr)
    assert _pages(data) == {"good-utf8.txt", "good-gbk.txt"}


def test_build_add_is_incremental_and_idempotent(tmp_path):
    data = tmp_path / "data"
    run_kb("build", SEED_FILES[0], SEED_FILES[1], "--data-dir", data, "--quiet")
    before = os.readlink(data / "current")
    run_kb("add", SEED_FILES[2], "--data-dir", data, "--quiet")
    assert _pages(data) == {p.name for p in SEED_FILES[:3]}
    after_add = os.readlink(data / "current")
    triples = _count(data)
    assert after_add != before

    again = run_kb("add", SEED_FILES[2], "--data-dir", data, "--quiet")
    assert "1 unchanged" in again.stderr
    assert os.readlink(data / "current") == after_add  # nothing changed, nothing switched
    assert _count(data) == triples


def test_build_add_replaces_exactly_the_changed_page(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    for seed in SEED_FILES[:2]:
        shutil.copy(seed, pages / seed.name)
    data = tmp_path / "data"
    run_kb("build", pages, "--data-dir", data, "--quiet")
    other = SEED_FILES[1].name
    other_before = _count(data, f'GRAPH ?g {{ ?page <http://purl.org/dc/terms/source> "{other}" }} GRAPH ?g {{ ?s ?p ?o }}')

    changed = pages / SEED_FILES[0].name
    changed.write_text(SEED_FILES[0].read_text(encoding="utf-8")[: 3000], encoding="utf-8")
    before = (data / "current").resolve()
    cached = (before / "pages" / f"{changed.stem}.json").read_bytes()
    run_kb("add", changed, "--data-dir", data, "--quiet")
    assert (before / "pages" / f"{changed.stem}.json").read_bytes() == cached  # the old snapshot untouched
    sums = run_kb("query", "SELECT ?id { ?page <http://127.0.0.1:8000/ontology#sha256> ?id }",
                  "--data-dir", data, "--format", "json")
    ids = {b["id"]["value"].lower() for b in json.loads(sums.stdout)["results"]["bindings"]}
    assert hashlib.sha256(changed.read_bytes()).hexdigest() in ids
    assert len(ids) == 2  # the old version of the page is gone
    assert _count(data, f'GRAPH ?g {{ ?page <http://purl.org/dc/terms/source> "{other}" }} GRAPH ?g {{ ?s ?p ?o }}') == other_before


def test_build_add_replacing_a_page_gives_what_a_build_with_it_gives(tmp_path):
    """kb add takes the old page out of the catalog (entities merged, roles, counts) and counts
    the new one in: the store, description and dumps are those of a build of the same pages."""
    pages = tmp_path / "pages"
    pages.mkdir()
    for seed in SEED_FILES[:3]:
        shutil.copy(seed, pages / seed.name)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    added, built = tmp_path / "added", tmp_path / "built"
    run_kb("build", pages, "--data-dir", added, "--quiet", env=env)
    changed = pages / SEED_FILES[0].name
    changed.write_text(SEED_FILES[0].read_text(encoding="utf-8")[:3000], encoding="utf-8")  # loses entities
    run_kb("add", changed, "--data-dir", added, "--quiet", env=env)
    run_kb("build", pages, "--data-dir", built, "--quiet", env=env)
    for data in (added, built):
        assert (data / "current" / "catalog.json").exists()
    stores = [set(ox.Store.read_only(str(d / "current" / "store"))) for d in (added, built)]
    assert stores[0] == stores[1] and stores[0]
    for name in ("kb.nq.gz", "kb.ttl.gz", "kb.jsonld.gz"):
        assert (added / "current" / "dumps" / name).read_bytes() == (built / "current" / "dumps" / name).read_bytes()


def test_build_killed_midway_leaves_the_served_kb_intact(tmp_path):
    data = tmp_path / "data"
    run_kb("build", SEED_FILES[0], "--data-dir", data, "--quiet")
    served = os.readlink(data / "current")
    triples = _count(data)
    many = tmp_path / "many"
    many.mkdir()
    for i in range(60):
        shutil.copy(SEED_FILES[i % len(SEED_FILES)], many / f"p{i:03d}.txt")
    proc = subprocess.Popen([*KB, "build", str(many), "--data-dir", str(data), "--quiet"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    snapshots = data / "snapshots"
    deadline = time.monotonic() + 60
    while len(list(snapshots.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)  # let it write part of the new store
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert os.readlink(data / "current") == served
    assert _count(data) == triples
    run_kb("build", SEED_FILES[1], "--data-dir", data, "--quiet")  # the next build still works
    assert _pages(data) == {SEED_FILES[1].name}


def test_build_refuses_a_second_writer(tmp_path):
    import fcntl

    data = tmp_path / "data"
    data.mkdir()
    with open(data / ".lock", "w") as lock:
        fcntl.lockf(lock, fcntl.LOCK_EX)  # as a writer holds it: this process is the writer
        result = run_kb("build", SEED_FILES[0], "--data-dir", data, "--quiet", check=False)
    assert result.returncode == 1
    assert f"another kb build or add (pid {os.getpid()}) is writing {data}" in result.stderr
    run_kb("build", SEED_FILES[0], "--data-dir", data, "--quiet")  # the lock went with its holder


@pytest.mark.parametrize("args", [["query", "ASK {}"], ["dump"]])
def test_build_missing_kb_is_a_one_line_error(tmp_path, args):
    result = run_kb(*args, "--data-dir", tmp_path / "nothing", check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("kb: no KB in") and result.stderr.count("\n") == 1


def test_build_add_keeps_the_base_and_city_the_kb_was_built_with(tmp_path):
    data = tmp_path / "data"
    base = "https://example.org/xuchang/"
    run_kb("build", SEED_FILES[0], "--data-dir", data, "--base", base, "--quiet")
    run_kb("add", SEED_FILES[1], "--data-dir", data, "--quiet", env={**os.environ, "KB_BASE": "http://elsewhere/"})
    out = run_kb("query", "SELECT DISTINCT ?s { ?s a <http://schema.org/Person> }", "--data-dir", data,
                 "--format", "json")
    people = [b["s"]["value"] for b in json.loads(out.stdout)["results"]["bindings"]]
    assert people and all(p.startswith(base + "person/") for p in people)


def test_settle_freezes_the_loaded_data_and_loses_no_write_at_exit(tmp_path):
    """pipeline.settle (run by each build worker after its first page) hides what the stages
    loaded from the garbage collector and makes its young collections rarer; a file opened before
    and left open is still written at exit."""
    out = tmp_path / "out.txt"
    script = f"""
import gc
from kb.config import resolve
from kb.pipeline import YOUNG, extract, settle
def extract_all():
    extract({str(SEED_FILES[0])!r}, resolve({{}}))
    settle()

log = open({str(out)!r}, "w")
log.write("all of it")
extract_all()
assert gc.get_freeze_count() > 10_000, gc.get_freeze_count()
assert gc.get_threshold()[0] == YOUNG, gc.get_threshold()
"""
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT)
    assert out.read_text() == "all of it"
