"""`kb dump` in every format (time, size), the dumps written at build time, and the reference
loaders over the same N-Triples: rdflib, pyoxigraph in memory, pyoxigraph on disk (bulk_load)."""
from __future__ import annotations

import gc
import shutil
import time
from pathlib import Path

import pyoxigraph as ox

from bench import proc

FORMATS = ("ttl", "nt", "nq", "trig", "jsonld")


def dump_all(data_dir: Path, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    found = {}
    for fmt in FORMATS:
        target = out / f"kb.{fmt}"
        run = proc.kb("dump", "--data-dir", data_dir, "--format", fmt, "-o", target, timeout=1800)
        found[fmt] = {"seconds": run.seconds, "bytes": target.stat().st_size if target.exists() else 0,
                      "peak_pss_mb": run.peak_pss_mb, "ok": run.ok}
        if not run.ok:
            found[fmt]["error"] = run.summary()
    return found


def native(data_dir: Path, out: Path) -> dict[str, float]:
    """Seconds for pyoxigraph itself to serialize the same store in each format (the floor)."""
    store = ox.Store.read_only(str(Path(data_dir) / "current" / "store"))
    formats = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
               "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD}
    found = {}
    for fmt, rdf_format in formats.items():
        target = out / f"native.{fmt}"
        started = time.perf_counter()
        with open(target, "wb") as sink:
            if rdf_format.supports_datasets:
                ox.serialize(store, sink, rdf_format)
            else:
                ox.serialize((quad.triple for quad in store), sink, rdf_format)
        found[fmt] = time.perf_counter() - started
        target.unlink()
    return found


def build_time_dumps(data_dir: Path) -> dict[str, int]:
    folder = Path(data_dir) / "current" / "dumps"
    return {p.name: p.stat().st_size for p in sorted(folder.glob("*"))} if folder.is_dir() else {}


def loaders(nt: Path, workdir: Path, with_rdflib: bool) -> dict:
    """Seconds to load the same N-Triples file with each reference loader."""
    found = {}
    started = time.perf_counter()
    memory = ox.Store()
    memory.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    found["pyoxigraph in memory (bulk_load)"] = time.perf_counter() - started
    del memory
    disk = workdir / "oxigraph-load"
    shutil.rmtree(disk, ignore_errors=True)
    started = time.perf_counter()
    store = ox.Store(str(disk))
    store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    found["pyoxigraph on disk (bulk_load)"] = time.perf_counter() - started
    del store
    shutil.rmtree(disk, ignore_errors=True)
    if with_rdflib:
        import rdflib

        started = time.perf_counter()
        rdflib.Graph().parse(str(nt), format="nt")
        found["rdflib (parse into memory)"] = time.perf_counter() - started
        gc.collect()
    return found
