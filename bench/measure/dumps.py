"""`kb dump` in every format (time, size), the dumps written at build time, and the reference
loaders over the same N-Triples: rdflib, pyoxigraph in memory, pyoxigraph on disk (bulk_load)."""
from __future__ import annotations

import gc
import json
import multiprocessing
import os
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


def from_store(data_dir: Path) -> dict[str, float]:
    """Seconds for kb to write each format from the store alone, as for a KB with no build parts
    (`kb.dumps.files.write`: canonical order, one core, uncompressed, to /dev/null)."""
    from kb.dumps.files import write

    store = ox.Store.read_only(str(Path(data_dir) / "current" / "store"))
    base = _built_base(data_dir)
    found = {}
    for fmt in FORMATS:
        started = time.perf_counter()
        with open(os.devnull, "wb") as sink:
            write(store, fmt, sink, base)
        found[fmt] = time.perf_counter() - started
    return found


def _built_base(data_dir: Path) -> str:
    """The base the KB was built with (its JSON-LD context follows it)."""
    return json.loads((Path(data_dir) / "current" / "COMPLETE").read_text(encoding="utf-8"))["base"]


def all_from_parts(data_dir: Path, out: Path) -> dict:
    """All five dumps the way a build makes them (every graph's parts compressed on every core,
    then the files assembled), fed from the store's graphs instead of from extraction."""
    from kb.dumps.files import write_dumps

    path = str(Path(data_dir) / "current" / "store")
    graphs = [str(g) for g in sorted(ox.Store.read_only(path).named_graphs(), key=str)]
    started = time.perf_counter()
    base = _built_base(data_dir)
    with multiprocessing.get_context("fork").Pool(os.cpu_count(), initializer=_open_store,
                                                  initargs=(path, base)) as pool:
        parts = pool.map(_graph_parts, graphs, chunksize=8)
    compressed = time.perf_counter() - started
    files = write_dumps(out / "assembled", parts, base)
    return {"seconds": time.perf_counter() - started, "compressing": compressed, "cores": os.cpu_count(),
            "graphs": len(graphs), "bytes": {f.name: f.bytes for f in files}}


_STORE: ox.Store | None = None
_BASE = ""


def _open_store(path: str, base: str) -> None:
    global _STORE, _BASE
    _STORE, _BASE = ox.Store.read_only(path), base


def _graph_parts(graph: str) -> dict:
    from kb.dumps.graphs import graph_parts, store_graph_lines

    node = ox.NamedNode(graph[1:-1])
    return graph_parts(node, store_graph_lines(_STORE, node), _BASE)


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
