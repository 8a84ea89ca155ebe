"""`kb query`: SPARQL over the KB, over RDF files or against a remote endpoint, under the same
deadline as /sparql (KB_QUERY_TIMEOUT): a local query runs in a worker process of the storage
layer's pool (kb.store.pool), killed at the deadline; a remote answer is cut at it."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import anyio

from kb.config import Settings
from kb.errors import ConfigError
from kb.store.backend import open_backend
from kb.store.frames import Job
from kb.store.pool import Pool, run_to

if TYPE_CHECKING:
    from kb.store.client import RemoteClient

ACCEPT = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml, application/rdf+xml;q=0.9",
          "csv": "text/csv", "tsv": "text/tab-separated-values", "ttl": "text/turtle",
          "nt": "application/n-triples", "jsonld": "application/ld+json"}
DEFAULT_ACCEPT = "text/tab-separated-values, application/sparql-results+json;q=0.9, text/turtle;q=0.9"


def run_cli_query(query_or_file: str | None, settings: Settings, data: list[str] | None, endpoint: str | None,
                  fmt: str | None, out: BinaryIO) -> None:
    if query_or_file is None and data and len(data) > 1:  # `--data FILE ... QUERY`: the query came last
        data, query_or_file = data[:-1], data[-1]
    if not query_or_file:
        raise ConfigError("no query given: pass a SPARQL query or a file holding one")
    query = query_text(query_or_file)
    if endpoint:
        _ask_remote(endpoint, query, fmt, settings.query_timeout, out)
    else:
        _run_local(settings, data, query, fmt, out)


def _run_local(settings: Settings, data: list[str] | None, query: str, fmt: str | None, out: BinaryIO) -> None:
    """Over the KB or RDF files, in a worker process of a pool of one, killed at the deadline."""
    backend = open_backend(settings, data)
    pool = Pool(1, settings.query_timeout)
    try:
        run_to(out, pool, Job(query=query, store=str(backend.store_path()), version=backend.version(),
                              explicit=fmt, command_line=True))
    finally:
        pool.close()


def _ask_remote(endpoint: str, query: str, fmt: str | None, limit: float, out: BinaryIO) -> None:
    from kb.store.client import RemoteClient  # httpx: only for a remote store

    client = RemoteClient(endpoint)
    try:
        anyio.run(_relay, client, query, fmt, limit, out)
    finally:
        client.close()


async def _relay(client: RemoteClient, query: str, fmt: str | None, limit: float, out: BinaryIO) -> None:
    """The remote store's answer, as it comes, within the time limit."""
    _, chunks = await client.stream([("query", query)], ACCEPT.get(fmt or "", DEFAULT_ACCEPT), limit)
    async for chunk in chunks:
        out.write(chunk)


def query_text(query_or_file: str) -> str:
    """A query given inline, or the path of a file holding one."""
    if len(query_or_file) < 4096 and "\n" not in query_or_file and _is_file(query_or_file):
        return Path(query_or_file).read_text(encoding="utf-8")
    return query_or_file


def _is_file(name: str) -> bool:
    try:
        return Path(name).is_file()
    except (OSError, ValueError):  # too long a name, or a NUL: a query, not a file
        return False
