"""Write the whole KB as RDF: triples (ttl, nt, jsonld) or quads with named graphs (nq, trig).

Dumps are deterministic: two builds of the same pages give byte-identical files. Each graph is
written on its own in canonical order (its N-Triples lines sorted as bytes, rdf:type first, blank
nodes relabelled canonically) and the graphs follow one another sorted by name. No triple is in
two graphs (kb.rdf), so a triple format is the graphs' triples one after the other, each once.

A build compresses each page graph's share of every format once, in the extraction worker
(`graph_parts`), and assembles the dump files from the parts (kb.deflate): `kb add` recompresses
only the pages and graphs that changed.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import queue
import shutil
import threading
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO, Iterable, Mapping

import pyoxigraph as ox

from kb.config import Settings
from kb.deflate import GzipWriter, Part, compress
from kb.dump_jsonld import Compactor, context, nodes_json
from kb.store import DataDir
from kb.vocab import PREFIXES

MEDIA_TYPES = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "nq": "application/n-quads",
    "trig": "application/trig",
    "jsonld": "application/ld+json",
}
FORMATS = tuple(MEDIA_TYPES)
MANIFEST = "manifest.json"
PARTS_WAITING = 64  # graphs' parts queued per format's writer: bounded, so memory does not grow with the KB
Graph = ox.NamedNode | ox.DefaultGraph
_TYPE = b" <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
_TYPE_KEY = b" \x00 "  # sorts before any IRI; NUL is always escaped in N-Triples
_PREFIX_LINES = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in PREFIXES.items()).encode("utf-8")
_JSONLD_SEPARATOR = b",\n"


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


def canonical_lines(ntriples: bytes, graph: Graph) -> list[bytes]:
    """N-Triples text as sorted, distinct lines without the final ' .' (rdf:type first)."""
    lines = ntriples.replace(b" .\n", b"\n").splitlines()
    if not lines:
        return []
    if b"_:" in ntriples:
        lines = _relabel_blank_nodes(lines, graph)
    keyed = sorted(set(b"\n".join(lines).replace(_TYPE, _TYPE_KEY).split(b"\n")))  # a triple stated twice is one
    return b"\n".join(keyed).replace(_TYPE_KEY, _TYPE).split(b"\n")


def graph_text(graph: Graph, lines: list[bytes], fmt: str, base: str = "") -> bytes:
    """One graph's share of a dump in `fmt`, without the file's header and footer (`base`: the
    KB's, whose context JSON-LD is compacted with)."""
    if fmt in ("nt", "nq"):
        return _lines_text(graph, lines, fmt)
    return graph_texts(graph, lines, base)[fmt]


def graph_texts(graph: Graph, lines: list[bytes], base: str) -> dict[str, bytes]:
    """One graph's share of every dump format; JSON-LD compacted with the context of the KB under `base`."""
    if not lines:
        return dict.fromkeys(FORMATS, b"")
    nt = _lines_text(graph, lines, "nt")
    # lenient: kb's own canonical lines, not re-validated (twice as fast to parse)
    triples = list(ox.parse(nt, ox.RdfFormat.N_TRIPLES, lenient=True))  # quads in the default graph: as triples
    ttl = _without_prefixes(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES))
    return {"ttl": ttl, "nt": nt, "nq": _lines_text(graph, lines, "nq"), "trig": _in_graph(graph, ttl),
            "jsonld": _JSONLD_SEPARATOR.join(nodes_json(triples, _compactor(base)))}


def graph_parts(graph: Graph, lines: list[bytes], base: str) -> dict[str, Part]:
    """One graph's share of every dump, compressed."""
    return compressed(graph_texts(graph, lines, base), len(lines))


def compressed(texts: Mapping[str, bytes], statements: int) -> dict[str, Part]:
    """A graph's texts (`graph_texts`) compressed, each counting the graph's statements."""
    return {fmt: compress(text, statements) for fmt, text in texts.items()}


def _lines_text(graph: Graph, lines: list[bytes], fmt: str) -> bytes:
    if not lines:
        return b""
    if fmt == "nq" and not isinstance(graph, ox.DefaultGraph):
        end = f" {graph} .\n".encode("utf-8")
    else:
        end = b" .\n"
    return end.join(lines) + end


def _in_graph(graph: Graph, turtle: bytes) -> bytes:
    """TriG: the graph's Turtle (one triple block per subject, literals on one line) in its graph block."""
    if isinstance(graph, ox.DefaultGraph) or not turtle:
        return turtle
    return f"{graph} {{\n\t".encode("utf-8") + turtle[:-1].replace(b"\n", b"\n\t") + b"\n}\n"


def store_graph_lines(store: ox.Store, graph: Graph) -> list[bytes]:
    return canonical_lines(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph), graph)


def quad_lines(quads: Iterable[ox.Quad], graph: Graph) -> list[bytes]:
    """The canonical lines of quads that are all in `graph`."""
    return canonical_lines(ox.serialize((q.triple for q in quads), format=ox.RdfFormat.N_TRIPLES), graph)


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
            writer.add(compress(_header(fmt, base)))
            separator, empty = compress(_JSONLD_SEPARATOR), True
            while (part := parts_of.get()) is not None:
                if fmt == "jsonld" and part.size:  # JSON-LD: graphs' nodes joined by commas
                    if not empty:
                        writer.add(separator)
                    empty = False
                writer.add(part)
            writer.add(compress(_footer(fmt)))
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
    out.write(_header(fmt, base))
    count, empty = 0, True
    for graph in _graphs(store):
        lines = store_graph_lines(store, graph)
        if fmt == "jsonld" and lines and not empty:
            out.write(_JSONLD_SEPARATOR)
        empty = empty and not lines
        out.write(graph_text(graph, lines, fmt, base))
        count += len(lines)
    out.write(_footer(fmt))
    return count


def _graphs(store: ox.Store) -> list[Graph]:
    return [ox.DefaultGraph(), *sorted(store.named_graphs(), key=str)]


def _header(fmt: str, base: str) -> bytes:
    if fmt in ("ttl", "trig"):
        return _PREFIX_LINES
    if fmt == "jsonld":
        return b'{"@context": ' + json.dumps(context(base), ensure_ascii=False).encode("utf-8") + b',\n"@graph": [\n'
    return b""


def _footer(fmt: str) -> bytes:
    return b"\n]}\n" if fmt == "jsonld" else b""


def _without_prefixes(text: bytes) -> bytes:
    """A serializer's output without its @prefix lines: the file's header declares them once."""
    start = 0
    while text.startswith(b"@prefix ", start):
        start = text.index(b"\n", start) + 1
    return text[start:]


@cache
def _compactor(base: str) -> Compactor:
    return Compactor(context(base))


def _relabel_blank_nodes(lines: list[bytes], graph: Graph) -> list[bytes]:
    """Blank nodes get canonical labels (RDFC-1.0 on just the triples holding them: a blank
    node's canonical label depends only on those), tagged with their graph so that the blank
    nodes of two graphs never share a label in a file holding both."""
    keep, blank = [], ox.Dataset()
    for line in lines:
        triple = next(ox.parse(line + b" .", ox.RdfFormat.N_TRIPLES)).triple if b"_:" in line else None
        if triple is not None and _has_blank(triple):
            blank.add(ox.Quad(triple.subject, triple.predicate, triple.object))
        else:
            keep.append(line)
    blank.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    tag = hashlib.sha256(str(graph).encode("utf-8")).hexdigest()[:8]
    for quad in blank:
        s, o = (ox.BlankNode(f"g{tag}{t.value}") if isinstance(t, ox.BlankNode) else t
                for t in (quad.subject, quad.object))
        keep.append(str(ox.Triple(s, quad.predicate, o)).encode("utf-8"))
    return keep


def _has_blank(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)
