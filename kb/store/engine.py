"""SPARQL execution over a pyoxigraph store: the KB's dataset rules, its prefixes, RDF files loaded.

The default graph is the union of every graph (the KB keeps each page in its own graph),
unless the query names its dataset (FROM / FROM NAMED) or the caller passes one.
"""
from __future__ import annotations

import gzip
import re
import threading
from pathlib import Path
from typing import Callable, Iterable, TypeVar

import pyoxigraph as ox

from kb.errors import ConfigError, QueryError, QueryTimeout
from kb.vocab import PREFIXES

FILE_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE, ".turtle": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG, ".n3": ox.RdfFormat.N3,
    ".rdf": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML, ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD, ".json": ox.RdfFormat.JSON_LD,
}
# strings, IRIs and comments are skipped so that only a real FROM keyword or bracket counts
_SKIPPED = r"""'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|<[^<>"{}|^`\\\s]*>|\#[^\n]*"""
_TOKENS = re.compile(_SKIPPED + r"|(?<![\w:?$])(FROM)(?![\w:-])", re.IGNORECASE | re.DOTALL)
_BRACKETS = re.compile(_SKIPPED + r"|([{(\[])|([})\]])", re.DOTALL)
# pyoxigraph's parser recurses once per bracket and overflows its stack (the process dies) past
# a few thousand levels; real queries nest less than ten deep
MAX_NESTING = 128
# evaluation recurses along long operator chains (1 + 1 + ... ten thousand times): queries run on
# a thread with this much stack (address space only; pages are used as the recursion needs them)
BIG_STACK = 512 * 1024 * 1024
T = TypeVar("T")


def file_format(path: Path) -> ox.RdfFormat:
    suffixes = [s for s in path.suffixes if s != ".gz"]
    fmt = FILE_FORMATS.get(suffixes[-1].lower() if suffixes else "")
    if fmt is None:
        raise ConfigError(f"{path}: unknown RDF format; name the file with one of "
                          + ", ".join(sorted(FILE_FORMATS)) + " (optionally + .gz)")
    return fmt


def load_files(paths: Iterable[str | Path], store: ox.Store | None = None) -> ox.Store:
    """Load RDF files into `store` (default: a new in-memory one). Triples go to the default
    graph, quads (N-Quads, TriG) keep their graphs; the format comes from each file's name."""
    store = ox.Store() if store is None else store
    for path in map(Path, paths):
        fmt = file_format(path)
        try:
            if path.suffix == ".gz":
                with gzip.open(path, "rb") as data:
                    store.bulk_load(data, fmt, base_iri=path.resolve().as_uri())
            else:
                store.bulk_load(path=str(path), format=fmt, base_iri=path.resolve().as_uri())
        except (OSError, SyntaxError, ValueError) as exc:
            raise ConfigError(f"{path}: cannot load as {fmt.name}: {exc}") from None
    return store


def names_dataset(query: str) -> bool:
    """Whether the query has a FROM or FROM NAMED clause."""
    return any(m.group(1) for m in _TOKENS.finditer(query))


def check_nesting(query: str) -> None:
    """Refuse a query whose brackets nest deeper than MAX_NESTING, before the parser sees it."""
    depth = 0
    for match in _BRACKETS.finditer(query):
        if match.group(1):
            depth += 1
            if depth > MAX_NESTING:
                raise QueryError(f"the query nests brackets more than {MAX_NESTING} levels deep "
                                 f"(at character {match.start()}); flatten it")
        elif match.group(2):
            depth -= 1


def on_big_stack(function: Callable[..., T], *args) -> T:
    """Run `function(*args)` on a thread with BIG_STACK of stack; its exception is raised here."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = function(*args)
        except BaseException as exc:  # noqa: BLE001 -- handed over to the caller, whatever it is
            # without its frames: pyoxigraph's results must be dropped on the thread that made them
            exc.__traceback__ = exc.__context__ = exc.__cause__ = None
            outcome["error"] = exc

    previous = threading.stack_size(BIG_STACK)
    try:
        thread = threading.Thread(target=run, name="kb-query", daemon=True)
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def dataset_options(query: str, default_graphs: list[str] | None = None,
                    named_graphs: list[str] | None = None) -> dict:
    """pyoxigraph options for the query's dataset: the protocol's default-graph-uri and
    named-graph-uri win over FROM / FROM NAMED, which win over the union default graph."""
    if default_graphs or named_graphs:
        try:
            return {"default_graph": [ox.NamedNode(g) for g in default_graphs or []],
                    "named_graphs": [ox.NamedNode(g) for g in named_graphs or []]}
        except ValueError as exc:
            raise QueryError(f"bad graph IRI in default-graph-uri / named-graph-uri: {exc}") from None
    if names_dataset(query):
        return {}
    return {"use_default_graph_as_union": True}


def execute(store: ox.Store, query: str, default_graphs: list[str] | None = None,
            named_graphs: list[str] | None = None, **kwargs) -> ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean:
    """Run a query with the KB's prefixes predeclared and the dataset rules above."""
    check_nesting(query)
    options = {**dataset_options(query, default_graphs, named_graphs), **kwargs}
    try:
        return store.query(query, prefixes=PREFIXES, **options)
    except SyntaxError as exc:
        raise QueryError(f"malformed query: {exc}") from None
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryError(f"query failed: {exc}") from None


def query_timeout(limit: float) -> QueryTimeout:
    """What a query stopped at its deadline reports, wherever it ran."""
    return QueryTimeout(f"the query ran longer than the time limit of {limit:g} s and was stopped; "
                        "narrow it down or add a LIMIT")
