"""Run SPARQL over the KB, over RDF files, or against a remote endpoint; serialize results."""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Iterable

import pyoxigraph as ox

from kb.config import Settings
from kb.errors import ConfigError, KbError, QueryError
from kb.store import DataDir
from kb.vocab import PREFIXES

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}
FILE_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG, ".rdf": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML, ".jsonld": ox.RdfFormat.JSON_LD, ".json": ox.RdfFormat.JSON_LD,
}


def query_text(query_or_file: str) -> str:
    """A query given inline, or the path of a file holding one."""
    path = Path(query_or_file)
    if len(query_or_file) < 4096 and "\n" not in query_or_file and path.is_file():
        return path.read_text(encoding="utf-8")
    return query_or_file


def load_files(paths: Iterable[str | Path]) -> ox.Store:
    """An in-memory store holding the given RDF files (format from each file's extension)."""
    store = ox.Store()
    for path in map(Path, paths):
        suffixes = [s for s in path.suffixes if s != ".gz"]
        fmt = FILE_FORMATS.get(suffixes[-1].lower() if suffixes else "")
        if fmt is None:
            raise ConfigError(f"{path}: unknown RDF format; use one of {', '.join(sorted(FILE_FORMATS))}")
        try:
            if path.suffix == ".gz":
                import gzip

                with gzip.open(path, "rb") as data:
                    store.bulk_load(data, fmt, base_iri=path.resolve().as_uri())
            else:
                store.bulk_load(path=str(path), format=fmt, base_iri=path.resolve().as_uri())
        except (OSError, SyntaxError, ValueError) as exc:
            raise ConfigError(f"{path}: cannot load: {exc}") from None
    return store


def execute(store: ox.Store, query: str, **kwargs) -> ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean:
    """Run a query; the default graph is the union of all graphs unless a dataset is given."""
    if "default_graph" not in kwargs:
        kwargs.setdefault("use_default_graph_as_union", True)
    try:
        return store.query(query, prefixes=PREFIXES, **kwargs)
    except SyntaxError as exc:
        raise QueryError(f"malformed query: {exc}") from None
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryError(f"query failed: {exc}") from None


def serialize(result, fmt: str | None, out: BinaryIO) -> None:
    if isinstance(result, ox.QueryTriples):
        fmt = fmt or "ttl"
        if fmt not in GRAPH_FORMATS:
            raise ConfigError(f"--format {fmt} is for SELECT/ASK results; CONSTRUCT gives ttl, nt, jsonld or xml")
        ox.serialize(result, out, GRAPH_FORMATS[fmt], prefixes=PREFIXES if fmt == "ttl" else None)
        return
    fmt = fmt or "tsv"
    if fmt not in RESULT_FORMATS:
        raise ConfigError(f"--format {fmt} is for CONSTRUCT results; SELECT/ASK give json, xml, csv or tsv")
    result.serialize(out, RESULT_FORMATS[fmt])


def run_cli_query(query_or_file: str, settings: Settings, data: list[str] | None, endpoint: str | None,
                  fmt: str | None, out: BinaryIO) -> None:
    query = query_text(query_or_file)
    if endpoint:
        out.write(remote_query(endpoint, query, fmt))
        return
    store = load_files(data) if data else DataDir(settings.data_dir).open_read()
    serialize(execute(store, query), fmt, out)


def remote_query(endpoint: str, query: str, fmt: str | None) -> bytes:
    """Ask a remote SPARQL endpoint through SPARQLWrapper; return its answer as bytes."""
    from SPARQLWrapper import SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setMethod("POST")
    accept = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
              "csv": "text/csv", "tsv": "text/tab-separated-values", "ttl": "text/turtle",
              "nt": "application/n-triples", "jsonld": "application/ld+json"}
    client.addCustomHttpHeader("Accept", accept.get(fmt or "", "application/sparql-results+json,text/turtle"))
    try:
        response = client.query().response
        return response.read()
    except (SPARQLWrapperException, OSError) as exc:
        raise KbError(f"{endpoint}: {exc}") from None
