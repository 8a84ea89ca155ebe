"""Write the whole KB as RDF: triples (ttl, nt, jsonld) or quads with named graphs (nq, trig)."""
from __future__ import annotations

import gzip
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kb.config import Settings
from kb.store import DataDir
from kb.vocab import PREFIXES

FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}
QUAD_FORMATS = {"nq", "trig"}


def dump(settings: Settings, fmt: str, out: BinaryIO) -> None:
    store = DataDir(settings.data_dir).open_read()
    write(store, fmt, out)


def write(store: ox.Store, fmt: str, out: BinaryIO) -> None:
    prefixes = PREFIXES if fmt in ("ttl", "trig") else None
    if fmt in QUAD_FORMATS:
        ox.serialize(store, out, FORMATS[fmt], prefixes=prefixes)
    else:
        ox.serialize((quad.triple for quad in store), out, FORMATS[fmt], prefixes=prefixes)


def write_dumps(store: ox.Store, folder: Path) -> None:
    """The downloadable dumps of a snapshot, gzipped (served under /dumps/)."""
    folder.mkdir(parents=True, exist_ok=True)
    for fmt in ("ttl", "nq"):
        with gzip.open(folder / f"kb.{fmt}.gz", "wb") as out:
            write(store, fmt, out)
