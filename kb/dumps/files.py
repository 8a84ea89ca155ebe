"""Write the whole KB as RDF: triples (ttl, nt, jsonld) or quads with named graphs (nq, trig).

Dumps are deterministic: two builds of the same pages give byte-identical files. Each graph is
written on its own in canonical order (kb.dumps.graphs) and the graphs follow one another sorted
by name.

A build compresses each page graph's share of every format once, in the extraction worker
(kb.dumps.pages), and assembles the dump files from the parts (kb.dumps.deflate): `kb add`
recompresses only the pages and graphs that changed.
"""
from __future__ import annotations

import gzip
import json
import queue
import shutil
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO, Iterable, Mapping

import pyoxigraph as ox

from kb.config import Settings
from kb.dumps.deflate import GzipWriter, Part, compress
from kb.dumps.graphs import (FORMATS, JSONLD_SEPARATOR, MEDIA_TYPES, Graph, footer, graph_text, header,
                             store_graph_lines)
from kb.store import DataDir

MANIFEST = "manifest.json"
PARTS_WAITING = 64  # graphs' parts queued per format's writer: bounded, so memory does not grow with the KB


@dataclass(frozen=True)
class DumpFile:
    """One line of the manifest written next to the dumps (read by the VoID description)."""

    name: str  # the file in the dumps folder, e.g. kb.ttl.gz
    format: str  # ttl, nt, nq, trig, jsonld
    media_type: str  # of the uncompressed content
    encoding: str  # of the file: gzip
    bytes: int  # size of the file as stored (compressed)
    uncompressed_bytes: int
    sha256: str  # of the file as stored
    statements: int  # triples (ttl, nt, jsonld) or quads (nq, trig)


def write_dumps(folder: Path, graphs: Iterable[Mapping[str, Part]], base: str) -> list[DumpFile]:
    """The downloadable dumps (gzip) and their manifest, from every graph's parts in dump order
    (`base`: the KB's, for the JSON-LD dump's context).
    One thread per format: writing and hashing release the GIL, so the five files (1 GB at
    10,000 pages) are written side by side while this thread reads the next graphs' parts."""
    folder.mkdir(parents=True, exist_ok=True)
    queues = {fmt: queue.Queue(maxsize=PARTS_WAITING) for fmt in FORMATS}
    written: dict[str, DumpFile | BaseException] = {}
    threads = [threading.Thread(target=_write_dump, args=(folder, fmt, queues[fmt], written, base),
                                name=f"dump-{fmt}")
               for fmt in FORMATS]
    for thread in threads:
        thread.start()
    try:
        for parts in graphs:
            for fmt, parts_of in queues.items():
                _put(parts_of, parts[fmt], written, fmt)
    finally:
        for fmt, parts_of in queues.items():
            _put(parts_of, None, written, fmt)
        for thread in threads:
            thread.join()
    failed = [w for w in written.values() if isinstance(w, BaseException)]
    if failed:
        raise failed[0]
    files = [written[fmt] for fmt in FORMATS]
    (folder / MANIFEST).write_text(json.dumps({"files": [asdict(f) for f in files]}, indent=2) + "\n",
                                   encoding="utf-8")
    return files


def _put(parts_of: queue.Queue, part: Part | None, written: dict, fmt: str) -> None:
    """Hand a part to a format's writer, unless that writer has stopped (it would never take it)."""
    while fmt not in written:
        try:
            parts_of.put(part, timeout=0.1)
            return
        except queue.Full:
            continue


def _write_dump(folder: Path, fmt: str, parts_of: queue.Queue, written: dict, base: str) -> None:
    """One dump file from its parts as they come (None ends it); its manifest line, or the error."""
    try:
        with open(folder / f"kb.{fmt}.gz", "wb") as out:
            writer = GzipWriter(out)
            writer.add(compress(header(fmt, base)))
            separator, empty = compress(JSONLD_SEPARATOR), True
            while (part := parts_of.get()) is not None:
                if fmt == "jsonld" and part.size:  # JSON-LD: graphs' nodes joined by commas
                    if not empty:
                        writer.add(separator)
                    empty = False
                writer.add(part)
            writer.add(compress(footer(fmt)))
            writer.close()
        written[fmt] = DumpFile(f"kb.{fmt}.gz", fmt, MEDIA_TYPES[fmt], "gzip", writer.bytes,
                                writer.uncompressed_bytes, writer.sha256.hexdigest(), writer.statements)
    except BaseException as exc:  # noqa: BLE001 -- handed to write_dumps, which raises it
        written[fmt] = exc


def read_manifest(folder: Path) -> list[DumpFile]:
    """The dumps listed in a dumps folder's manifest; [] when it has none."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    return [DumpFile(**entry) for entry in data["files"]]


def dump(settings: Settings, fmt: str, out: BinaryIO) -> None:
    """`kb dump`: the current snapshot in one format, uncompressed: the build's file when it has one."""
    data = DataDir(settings.data_dir)
    written = data.current() / "dumps" / f"kb.{fmt}.gz"
    if written.exists():
        with gzip.open(written, "rb") as dumped:
            shutil.copyfileobj(dumped, out, 1 << 20)
    else:
        write(data.open_read(), fmt, out, settings.base)


def write(store: ox.Store, fmt: str, out: BinaryIO, base: str) -> int:
    """Write `store` (a KB under `base`) as `fmt` to `out`; return the number of triples or quads written."""
    out.write(header(fmt, base))
    count, empty = 0, True
    for graph in _graphs(store):
        lines = store_graph_lines(store, graph)
        if fmt == "jsonld" and lines and not empty:
            out.write(JSONLD_SEPARATOR)
        empty = empty and not lines
        out.write(graph_text(graph, lines, fmt, base))
        count += len(lines)
    out.write(footer(fmt))
    return count


def _graphs(store: ox.Store) -> list[Graph]:
    return [ox.DefaultGraph(), *sorted(store.named_graphs(), key=str)]