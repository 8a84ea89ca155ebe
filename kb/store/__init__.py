"""The storage layer: where the KB's data is and how queries run over it.

    snapshots  the KB on disk: immutable snapshots, the atomic switch, the writer's lock
    backend    one interface over the data (snapshot on disk, in memory, RDF files, a remote store)
    engine     SPARQL over a pyoxigraph store (the dataset rules, the KB's prefixes, RDF files loaded)
    memory     an in-memory copy of an on-disk store
    pool       the deadline that really stops a query: killable worker processes (worker, frames)
    client     the one client for external SPARQL 1.1 stores; remote: the KB in one

Importing kb.store itself loads only the snapshots (the build needs no more).
"""
from kb.store.snapshots import DataDir, open_store_read_only

__all__ = ["DataDir", "open_store_read_only"]
