"""Write the whole KB as RDF: triples (ttl, nt, jsonld) or quads with named graphs (nq, trig).

Dumps are deterministic: two builds of the same pages give byte-identical files. Every format is
derived from one canonical order: the N-Quads lines of the store, sorted by graph, subject,
predicate, object (bytes), rdf:type first, blank nodes relabelled canonically within each graph.
Triple formats are the union of the graphs, each triple once. The store writes the lines (in Rust);
Turtle, TriG and JSON-LD are streamed from them.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import multiprocessing
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

import pyoxigraph as ox

from kb.config import Settings
from kb.dump_jsonld import write_jsonld
from kb.store import DataDir
from kb.vocab import PREFIXES

MEDIA_TYPES = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "nq": "application/n-quads",
    "trig": "application/trig",
    "jsonld": "application/ld+json",
}
QUAD_FORMATS = ("nq", "trig")
MANIFEST = "manifest.json"
_TYPE = b" <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
_TYPE_KEY = b" \x00 "
GZIP_LEVEL = 6  # level 9 is ~3x slower for ~3% smaller files
_SHARED: "Canonical | None" = None  # what write_dumps' forked workers read (inherited, not pickled)


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


class Canonical:
    """The store's content in canonical order, as N-Quads and N-Triples lines (bytes, no final ' .')."""

    def __init__(self, store: ox.Store) -> None:
        quads: list[bytes] = []
        triples: set[bytes] = set()
        for graph in _graphs(store):
            lines = _graph_lines(store, graph)
            triples.update(lines)
            suffix = b"" if isinstance(graph, ox.DefaultGraph) else b" " + str(graph).encode("utf-8")
            quads.extend(line + suffix for line in _unkey(lines))
        self.quad_lines = quads
        self.triple_lines = _unkey(sorted(triples))

    def lines(self, fmt: str) -> list[bytes]:
        return self.quad_lines if fmt in QUAD_FORMATS else self.triple_lines


def dump(settings: Settings, fmt: str, out: BinaryIO) -> None:
    """`kb dump`: the current snapshot in one format, uncompressed."""
    write(DataDir(settings.data_dir).open_read(), fmt, out)


def write(store: ox.Store, fmt: str, out: BinaryIO) -> int:
    """Write `store` as `fmt` to `out`; return the number of triples or quads written."""
    return _write(Canonical(store), fmt, out)


def write_dumps(store: ox.Store, folder: Path) -> list[DumpFile]:
    """The downloadable dumps of a snapshot, gzipped, and their manifest (served under /dumps/).

    The formats are written in parallel by forked processes that share the canonical lines."""
    global _SHARED
    folder.mkdir(parents=True, exist_ok=True)
    _SHARED = Canonical(store)
    try:
        with multiprocessing.get_context("fork").Pool(min(len(MEDIA_TYPES), os.cpu_count() or 1)) as pool:
            files = pool.starmap(_dump_shared, [(fmt, folder / f"kb.{fmt}.gz") for fmt in MEDIA_TYPES])
    finally:
        _SHARED = None
    manifest = {"files": [asdict(f) for f in files]}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return files


def _dump_shared(fmt: str, path: Path) -> DumpFile:
    assert _SHARED is not None, "write_dumps forks after setting the shared lines"
    return _write_gzipped(_SHARED, fmt, path)


def read_manifest(folder: Path) -> list[DumpFile]:
    """The dumps listed in a dumps folder's manifest; [] when it has none."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    return [DumpFile(**entry) for entry in data["files"]]


def _write(canonical: Canonical, fmt: str, out: BinaryIO) -> int:
    lines = canonical.lines(fmt)
    if fmt in ("nt", "nq"):
        out.writelines(_with_dot(lines))
    elif fmt == "jsonld":
        write_jsonld(_parse(lines, ox.RdfFormat.N_TRIPLES), out)
    else:
        syntax = ox.RdfFormat.TURTLE if fmt == "ttl" else ox.RdfFormat.TRIG
        source = ox.RdfFormat.N_TRIPLES if fmt == "ttl" else ox.RdfFormat.N_QUADS
        ox.serialize(_parse(lines, source), out, syntax, prefixes=PREFIXES)
    return len(lines)


def _write_gzipped(canonical: Canonical, fmt: str, path: Path) -> DumpFile:
    with open(path, "wb") as raw:
        hashing = _HashingWriter(raw)
        # no file name and mtime 0 in the gzip header: the same content gives the same bytes
        with gzip.GzipFile(filename="", mode="wb", fileobj=hashing, compresslevel=GZIP_LEVEL, mtime=0) as gz:
            counting = _CountingWriter(gz)
            statements = _write(canonical, fmt, counting)
    return DumpFile(path.name, fmt, MEDIA_TYPES[fmt], "gzip", hashing.size, counting.size,
                    hashing.sha256.hexdigest(), statements)


def _graphs(store: ox.Store) -> list:
    named = sorted(store.named_graphs(), key=str)
    return [ox.DefaultGraph(), *named]


def _graph_lines(store: ox.Store, graph) -> list[bytes]:
    """One graph's triples as sorted N-Triples lines, dumped by the store itself (in Rust)."""
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
    # rdf:type sorts first (`a` leads in pretty Turtle); NUL is always escaped in N-Triples
    lines = data.replace(_TYPE, _TYPE_KEY).replace(b" .\n", b"\n").splitlines()
    if b"_:" in data:
        lines = _relabel_blank_nodes(lines)
    lines.sort()
    return lines


def _unkey(lines: list[bytes]) -> list[bytes]:
    return [line.replace(_TYPE_KEY, _TYPE) for line in lines]


def _relabel_blank_nodes(lines: list[bytes]) -> list[bytes]:
    """Blank nodes get canonical labels (RDFC-1.0 on just the triples holding them: a blank
    node's canonical label depends only on those), so the same content gives the same dump."""
    keep, blank = [], ox.Dataset()
    for line in lines:
        triple = next(ox.parse(line + b" .", ox.RdfFormat.N_TRIPLES)).triple if b"_:" in line else None
        if triple is not None and _has_blank(triple):
            blank.add(ox.Quad(triple.subject, triple.predicate, triple.object))
        else:
            keep.append(line)
    blank.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    keep.extend(str(quad.triple).encode("utf-8").replace(_TYPE, _TYPE_KEY) for quad in blank)
    return keep


def _has_blank(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def _with_dot(lines: list[bytes], chunk: int = 8192) -> Iterator[bytes]:
    """The lines as N-Triples/N-Quads text, in chunks: one write per line costs more than the gzip."""
    for start in range(0, len(lines), chunk):
        yield b" .\n".join(lines[start:start + chunk]) + b" .\n"


def _parse(lines: list[bytes], fmt: ox.RdfFormat) -> Iterator[ox.Quad]:
    """Parse the canonical lines back to terms (fast, in Rust), keeping their order."""
    return ox.parse(io.BufferedReader(_LinesReader(lines), 1 << 16), fmt)


class _LinesReader(io.RawIOBase):
    """A readable file over a list of lines, adding ' .\\n' to each: no second copy in memory."""

    def __init__(self, lines: list[bytes]) -> None:
        self._lines = iter(lines)
        self._rest = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        size = len(buffer)
        chunks, filled = [self._rest], len(self._rest)
        while filled < size:
            line = next(self._lines, None)
            if line is None:
                break
            chunks.append(line + b" .\n")
            filled += len(line) + 3
        data = b"".join(chunks)
        buffer[: min(size, len(data))] = data[:size]
        self._rest = data[size:]
        return min(size, len(data))


class _HashingWriter(io.RawIOBase):
    def __init__(self, out: BinaryIO) -> None:
        self._out, self.size, self.sha256 = out, 0, hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self._out.write(data)


class _CountingWriter(io.RawIOBase):
    def __init__(self, out: BinaryIO) -> None:
        self._out, self.size = out, 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.size += len(data)
        return self._out.write(data)
