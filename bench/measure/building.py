"""`kb build` of a generated archive (throughput on every core, peak memory of the process tree)
and `kb add` of one more page into the built KB."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pyoxigraph as ox

from bench import proc
from bench.corpus import manifest, pages


def triples(data_dir: Path) -> int:
    """Quads in the KB's current store (every graph), read the way `kb serve` reads it."""
    return len(ox.Store.read_only(str(Path(data_dir) / "current" / "store")))


def build(corpus: Path, data_dir: Path, timeout: float) -> dict:
    records = manifest(corpus)
    chars = sum(r["chars"] for r in records)
    size = sum(p.stat().st_size for p in Path(corpus).rglob("*.txt"))
    run = proc.kb("build", corpus, "--data-dir", data_dir, "--quiet", timeout=timeout)
    found = {"pages": len(records), "chars": chars, "bytes": size, "seconds": run.seconds,
             "chars_per_s": chars / run.seconds, "pages_per_s": len(records) / run.seconds,
             "peak_pss_mb": run.peak_pss_mb, "peak_rss_mb": run.peak_rss_mb, "cores": os.cpu_count(),
             "command": " ".join(map(str, run.command[2:])), "ok": run.ok}
    if not run.ok:
        found["error"] = run.summary()
        return found
    found["triples"] = triples(data_dir)
    found["disk_mb"] = disk_mb(data_dir)
    found["phases"] = phases(data_dir)
    return found


def phases(data_dir: Path) -> dict[str, float]:
    """Wall seconds of each phase of the last build or add, as kb recorded them (COMPLETE)."""
    complete = Path(data_dir) / "current" / "COMPLETE"
    return json.loads(complete.read_text(encoding="utf-8")).get("seconds", {}) if complete.exists() else {}


def disk_mb(folder: Path) -> float:
    """Bytes on disk under `folder` (every snapshot kept), in MB."""
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file() and not p.is_symlink()) / 2**20


def pages_in(data_dir: Path) -> int:
    """How many pages the KB holds, from the cache it keeps of each (kb/store.py's layout)."""
    return len(list((Path(data_dir) / "current" / "pages").glob("*.json")))


def next_page(corpus: Path, seed: int, workdir: Path, ahead: int = 1) -> Path:
    """The page `ahead` places after the archive's last, written into `workdir`."""
    for relative, text, _ in pages(len(manifest(corpus)) + ahead, seed):
        pass  # the archive is generated in order: the last one is the one wanted
    page = workdir / Path(relative).name
    page.write_text(text, encoding="utf-8")
    return page


def add(corpus: Path, data_dir: Path, added: Path, seed: int) -> dict:
    """`kb add` of a page the KB does not hold (new), of a different text under the same name (a
    replacement), and of that same file again (unchanged: nothing to do). `added` keeps the pages
    added to this KB so far, so that a new page is new on every run."""
    records = manifest(corpus)
    before = triples(data_dir)
    added.mkdir(parents=True, exist_ok=True)
    texts = [next_page(corpus, seed, added, ahead).read_text(encoding="utf-8") for ahead in (1, 2)]
    for leftover in set(added.glob("*.txt")) - set(added.glob("*_x*.txt")):
        leftover.unlink()
    number = 1 + len(list(added.glob("*.txt")))
    page = added / f"{records[-1]['id']}_x{number}.txt"  # a page id that no run has added yet
    page.write_text(texts[0], encoding="utf-8")
    runs = {"new page": proc.kb("add", page, "--data-dir", data_dir, "--quiet", timeout=7200)}
    phased = {"new page": phases(data_dir)}
    page.write_text(texts[1], encoding="utf-8")
    runs["changed page (replacement)"] = proc.kb("add", page, "--data-dir", data_dir, "--quiet", timeout=7200)
    phased["changed page (replacement)"] = phases(data_dir)
    runs["unchanged page (no-op)"] = proc.kb("add", page, "--data-dir", data_dir, "--quiet", timeout=7200)
    found = {"kb_pages": len(records), "kb_triples": before, "seconds": {k: r.seconds for k, r in runs.items()},
             "peak_pss_mb": max(r.peak_pss_mb for r in runs.values()), "ok": all(r.ok for r in runs.values()),
             "command": " ".join(map(str, runs["new page"].command[2:])), "phases": phased}
    if not found["ok"]:
        found["error"] = next(r.summary() for r in runs.values() if not r.ok)
    else:
        found["triples_after"] = triples(data_dir)
    return found
