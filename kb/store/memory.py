"""An in-memory copy of an on-disk store, for `kb serve --in-memory`: each query worker and
each server process (its pages, kb.store.backend.MemoryBackend) loads one.

pyoxigraph answers the same queries 4-10x faster from its in-memory store than from RocksDB.
The fast way in is the snapshot's own N-Quads dump (dumps/kb.nq.gz, written by the build from
the same quads): measured on 1M quads, ~3 s to parse against ~9 s to dump the store and parse
that. The copy is checked by its count of quads; without a dump, or when it does not match (the
store was updated after its dumps were written), the store itself is dumped.
"""
from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import pyoxigraph as ox

from kb.errors import StoreError
from kb.store.snapshots import open_store_read_only

DUMP = Path("dumps") / "kb.nq.gz"  # beside the store, in the snapshot


def load_in_memory(path: Path) -> ox.Store:
    """The quads of the on-disk store at `path` in a new in-memory store."""
    disk = open_store_read_only(path)
    expected = len(disk)
    dump = path.parent / DUMP
    if dump.is_file():
        memory = _from_dump(dump)
        if memory is not None and len(memory) == expected:
            return memory
    return _from_store(disk, path)


def _from_dump(dump: Path) -> ox.Store | None:
    memory = ox.Store()
    try:
        with gzip.open(dump) as source:
            memory.load(input=source, format=ox.RdfFormat.N_QUADS, lenient=True)  # written by kb: valid
    except (OSError, EOFError, zlib.error, SyntaxError, ValueError):
        return None  # a damaged dump: the store itself is the truth
    return memory


def _from_store(disk: ox.Store, path: Path) -> ox.Store:
    memory = ox.Store()
    try:
        memory.bulk_load(input=disk.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS, lenient=True)
    except (OSError, SyntaxError, ValueError) as exc:
        raise StoreError(f"cannot copy the store at {path} into memory: {exc}") from None
    return memory
