"""The KB in an external SPARQL 1.1 store (`kb serve --endpoint URL`), after `kb push`.

`RemoteStore` offers the few pyoxigraph Store methods the pages use (quads_for_pattern,
contains_named_graph, query), each answered by one SPARQL query over HTTP, so entity documents,
views and the page index work unchanged. /sparql queries go to the store through the client
(kb.store.client) under our time limit; updates only go through `RemoteBackend.update`, which
the endpoint calls after checking our token.

Virtuoso's default dataset also holds its system graphs: lookups name the graph (GRAPH ?g) and
keep to the KB's graphs (IRIs under the base); the pages' own queries only match KB terms.
"""
from __future__ import annotations

import threading
import time
from functools import lru_cache
from typing import NoReturn

import pyoxigraph as ox

from kb.config import Settings
from kb.errors import KbError, QueryError, StoreError
from kb.iris import Minter
from kb.store.backend import Backend
from kb.store.client import RemoteClient
from kb.store.engine import execute
from kb.vocab import PREFIXES

SUBJECTS = 4096  # nodes whose quads are kept between requests
VERSION_TTL = 30.0  # seconds between two looks at whether the store holds another push


def prologue(prefixes: dict[str, str]) -> str:
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items())


PROLOGUE = prologue(PREFIXES)  # the endpoint's predeclared prefixes, as on the embedded store
VERSION = """SELECT ?modified ?triples {
  GRAPH <%s> { ?d <http://purl.org/dc/terms/modified> ?modified ; <http://rdfs.org/ns/void#triples> ?triples }
} LIMIT 1"""


def connect(endpoint: str, settings: Settings, user: str | None = None, password: str | None = None) -> RemoteBackend:
    """The backend over the store at `endpoint`, checked: it answers and holds the KB."""
    backend = RemoteBackend(RemoteClient(endpoint, user, password), settings.base, settings.query_timeout)
    backend.check()
    return backend


class RemoteStore:
    """Store lookups as SPARQL SELECT/ASK over HTTP (results as SPARQL XML, parsed by pyoxigraph)."""

    def __init__(self, client: RemoteClient, base: str) -> None:
        self.client, self.base = client, base
        # a page asks several questions about each node it shows (type, name, headline...):
        # one query fetches all of a node's quads, kept until the data changes
        self._about = lru_cache(maxsize=SUBJECTS)(self._subject_quads)

    def forget(self) -> None:
        """Drop what was fetched (the data in the store changed)."""
        self._about.cache_clear()

    def query(self, query: str, prefixes: dict[str, str] | None = None,
              use_default_graph_as_union: bool = True) -> ox.QuerySolutions | ox.QueryBoolean:
        """A SELECT or ASK over the store's default dataset: the union of its graphs (as
        `RemoteBackend.check` makes sure), whatever `use_default_graph_as_union` says."""
        return self.client.select(prologue(prefixes or {}) + query)

    def quads_for_pattern(self, subject: ox.NamedNode | None, predicate: ox.NamedNode | None,
                          object: ox.Term | None, graph: ox.NamedNode | None = None) -> list[ox.Quad]:
        """The KB's quads matching the pattern (None: any), in the KB's named graphs."""
        if subject is not None and graph is None:
            return [q for q in self._about(subject)
                    if (predicate is None or q.predicate == predicate) and (object is None or q.object == object)]
        return self._match(subject, predicate, object, graph)

    def _subject_quads(self, subject: ox.NamedNode) -> tuple[ox.Quad, ...]:
        return tuple(self._match(subject, None, None, None))

    def _match(self, subject: ox.NamedNode | None, predicate: ox.NamedNode | None,
               object: ox.Term | None, graph: ox.NamedNode | None) -> list[ox.Quad]:
        terms = {"s": subject, "p": predicate, "o": object, "g": graph}
        pattern = " ".join(_sparql(terms[v], v) for v in "spo")
        where = f"GRAPH {_sparql(graph, 'g')} {{ {pattern} }}"
        if graph is None:
            where += f" FILTER(STRSTARTS(STR(?g), {_string(self.base)}))"
        found = self.query(f"SELECT * {{ {where} }}")
        return [ox.Quad(*(terms[v] or row[v] for v in "spog")) for row in found]

    def contains_named_graph(self, graph: ox.NamedNode) -> bool:
        return bool(self.query(f"ASK {{ GRAPH {graph} {{ ?s ?p ?o }} }}"))


def _sparql(term: ox.Term | None, variable: str) -> str:
    if isinstance(term, ox.BlankNode):
        raise QueryError("the KB's store is remote: blank nodes cannot be looked up")
    return f"?{variable}" if term is None else str(term)


def _string(text: str) -> str:
    return str(ox.Literal(text))


class RemoteBackend(Backend):
    """The KB pushed into an external store: pages query it, /sparql forwards to it."""

    local = False

    def __init__(self, client: RemoteClient, base: str, timeout: float) -> None:
        super().__init__()
        self.client, self.timeout = client, timeout
        self.remote = RemoteStore(client, base)
        self.void_graph, self.dataset = Minter(base).void_graph(), Minter(base).dataset()
        self._version, self._checked = "", 0.0
        self._lock = threading.Lock()

    def store(self) -> RemoteStore:  # type: ignore[override]
        return self.remote

    def store_path(self) -> NoReturn:
        raise StoreError("the KB is in a remote store: there is no local store to open")

    def check(self) -> None:
        """Fail now, with a clear message, when the store is unreachable or holds no KB under the base."""
        endpoint = self.client.endpoint
        if not self.remote.quads_for_pattern(None, None, None, self.void_graph):
            raise StoreError(f"{endpoint} holds no KB under {self.remote.base} (no graph {self.void_graph.value}): "
                             "run `kb push --endpoint ...` first, and give the --base the KB was built with")
        if not bool(self.remote.query(f"ASK {{ {self.dataset} ?p ?o }}")):
            raise StoreError(f"{endpoint}: queries do not see the named graphs; serve the store with the "
                             "union of its graphs as default graph (oxigraph: --union-default-graph)")

    def version(self) -> str:
        """The pushed KB's date and size (from its VoID graph), looked at every VERSION_TTL seconds."""
        if time.monotonic() - self._checked > VERSION_TTL:
            with self._lock:
                if time.monotonic() - self._checked > VERSION_TTL:
                    version = self._read_version() or self._version
                    if version != self._version:
                        self.remote.forget()
                    self._version, self._checked = version, time.monotonic()
        return f"{self._version}+{self._updates}" if self._updates else self._version

    def _read_version(self) -> str | None:
        try:
            rows = list(self.remote.query(VERSION % self.void_graph.value))
        except KbError:
            return None  # keep serving what we know; the lookups report the store's trouble
        return f"remote:{rows[0]['modified'].value}:{rows[0]['triples'].value}" if rows else "remote:none"

    def description(self) -> list[ox.Triple]:
        """The VoID description pushed with the KB (its own graph)."""
        return [q.triple for q in self.remote.quads_for_pattern(None, None, None, self.void_graph)]

    def update(self, update: str) -> None:
        """Forward a SPARQL Update (the endpoint has checked our token) to the store."""
        with self._write_lock:
            try:
                self.client.update(update)
            finally:
                self._updates += 1
                self.remote.forget()


def is_graph_query(query: str) -> bool:
    """Whether the query is a CONSTRUCT/DESCRIBE; QueryError when it is not a query the embedded
    endpoint would take. Parsed by pyoxigraph over an empty store (SELECT and CONSTRUCT are lazy:
    nothing is evaluated; an ASK is, over no data)."""
    return isinstance(execute(ox.Store(), query), ox.QueryTriples)
