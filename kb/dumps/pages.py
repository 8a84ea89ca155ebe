"""A page graph's share of the KB, made where the page is mapped (a build's worker): its quads for
the store, its tally for the description, and its part of every dump, compressed once. A snapshot
keeps the parts of each page in one file (pages/<id>.parts, indexed in pages/<id>.json), so that
the dumps are assembled from them and `kb add` compresses only the pages that changed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import pyoxigraph as ox

from kb.dumps.deflate import Part
from kb.dumps.description import Tally
from kb.dumps.graphs import compressed, graph_texts, quad_lines

Index = dict[str, list[int]]  # format -> [offset, length, crc, size, statements] of its part in the file


@dataclass(frozen=True)
class PageDump:
    nquads: bytes  # the graph, for the store
    tally: Tally
    parts: dict[str, Part]


def page_dump(quads: Iterable[ox.Quad], graph: ox.NamedNode, base: str) -> PageDump:
    """The share of one page's graph (`quads`, all in `graph`) in a KB under `base`."""
    lines = quad_lines(quads, graph)
    texts = graph_texts(graph, lines, base)
    return PageDump(texts["nq"], Tally.of_lines(lines), compressed(texts, len(lines)))


def pack(parts: dict[str, Part]) -> tuple[bytes, Index]:
    """A page's parts as one file's bytes, and where each is in it."""
    offset, index = 0, {}
    for fmt, part in parts.items():
        index[fmt] = [offset, len(part.data), part.crc, part.size, part.statements]
        offset += len(part.data)
    return b"".join(part.data for part in parts.values()), index


def unpack(data: bytes, index: Index) -> dict[str, Part]:
    """The parts `pack` wrote."""
    return {fmt: Part(data[start:start + length], crc, size, statements)
            for fmt, (start, length, crc, size, statements) in index.items()}
