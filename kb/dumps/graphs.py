"""One graph's share of every dump: its canonical N-Triples lines, and those lines as Turtle,
N-Triples, N-Quads, TriG and JSON-LD (compacted with the KB's context, kb.jsonld), each compressed
on its own (kb.dumps.deflate) so that the files are assembled from the parts (kb.dumps.files).

Canonical order: a graph's N-Triples lines sorted as bytes, rdf:type first, blank nodes relabelled
canonically. No triple is in two graphs (kb.rdf), so a triple format is the graphs' triples one
after the other, each once.
"""
from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Iterable, Mapping

import pyoxigraph as ox

from kb.dumps.deflate import Part, compress
from kb.jsonld import Compactor, context, nodes_json
from kb.vocab import PREFIXES

MEDIA_TYPES = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "nq": "application/n-quads",
    "trig": "application/trig",
    "jsonld": "application/ld+json",
}
FORMATS = tuple(MEDIA_TYPES)
Graph = ox.NamedNode | ox.DefaultGraph
JSONLD_SEPARATOR = b",\n"  # between two graphs' nodes in the JSON-LD file
_TYPE = b" <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
_TYPE_KEY = b" \x00 "  # sorts before any IRI; NUL is always escaped in N-Triples
_PREFIX_LINES = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in PREFIXES.items()).encode("utf-8")


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
            "jsonld": JSONLD_SEPARATOR.join(nodes_json(triples, _compactor(base)))}


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


def header(fmt: str, base: str) -> bytes:
    if fmt in ("ttl", "trig"):
        return _PREFIX_LINES
    if fmt == "jsonld":
        return b'{"@context": ' + json.dumps(context(base), ensure_ascii=False).encode("utf-8") + b',\n"@graph": [\n'
    return b""


def footer(fmt: str) -> bytes:
    return b"\n]}\n" if fmt == "jsonld" else b""


def _without_prefixes(text: bytes) -> bytes:
    """A serializer's output without its @prefix lines: the file's header declares them once."""
    start = 0
    while text.startswith(b"@prefix ", start):
        start = text.index(b"\n", start) + 1
    return text[start:]


@cache
def _compactor(base: str) -> Compactor:
    return Compactor({"@context": context(base)}, dump=True)


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
