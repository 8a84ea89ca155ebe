"""`kb build` of a generated archive (throughput on every core, peak memory of the process tree)
and `kb add` of one more page into the built KB."""
from __future__ import annotations

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
    return found


def next_page(corpus: Path, seed: int, workdir: Path) -> Path:
    """The page that would follow the archive, written into `workdir`."""
    for relative, text, _ in pages(len(manifest(corpus)) + 1, seed):
        pass  # the archive is generated in order: the last one is the next page
    page = workdir / Path(relative).name
    page.write_text(text, encoding="utf-8")
    return page


def add(corpus: Path, data_dir: Path, workdir: Path, seed: int, repeats: int = 3) -> dict:
    """The archive's next page, added to the KB; then added again (a replacement), `repeats` times."""
    records = manifest(corpus)
    page = next_page(corpus, seed, workdir)
    before = triples(data_dir)
    runs = [proc.kb("add", page, "--data-dir", data_dir, "--quiet", timeout=3600) for _ in range(repeats)]
    found = {"kb_pages": len(records), "kb_triples": before, "seconds": [r.seconds for r in runs],
             "peak_pss_mb": max(r.peak_pss_mb for r in runs), "ok": all(r.ok for r in runs),
             "command": " ".join(map(str, runs[0].command[2:]))}
    if not found["ok"]:
        found["error"] = next(r.summary() for r in runs if not r.ok)
    else:
        found["triples_after"] = triples(data_dir)
    return found
