"""The KB in an external SPARQL 1.1 store (`kb serve --endpoint URL`), after `kb push`.

`RemoteStore` offers the few pyoxigraph Store methods the pages use (quads_for_pattern,
contains_named_graph, query), each answered by one SPARQL query over HTTP, so entity documents,
views and the page index work unchanged. `forward` passes /sparql queries to the store and
streams its answer back under our time limit; updates only go through `RemoteBackend.update`,
which the endpoint calls after checking our token.

Virtuoso's default dataset also holds its system graphs: lookups name the graph (GRAPH ?g) and
keep to the KB's graphs (IRIs under the base); the pages' own queries only match KB terms.
"""
from __future__ import annotations

import threading
import time
import urllib.parse
from functools import lru_cache
from typing import AsyncIterator, NoReturn

import anyio
import httpx
import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import StreamingResponse

from kb.config import Settings
from kb.errors import ConfigError, KbError, QueryError, QueryTimeout, StoreError
from kb.iris import Minter
from kb.query import execute
from kb.vocab import PREFIXES
from kb.web.backend import Backend
from kb.web.conneg import GRAPH_TYPES, RESULTS_TYPES, named_format, negotiate

TIMEOUT = 300.0  # seconds for the pages' own lookups (the index passes read KB-wide lists)
SUBJECTS = 4096  # nodes whose quads are kept between requests
VERSION_TTL = 30.0  # seconds between two looks at whether the store holds another push
RESULTS_XML = "application/sparql-results+xml"  # the results format every store writes the same way
FORM = "application/x-www-form-urlencoded"


def prologue(prefixes: dict[str, str]) -> str:
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items())


PROLOGUE = prologue(PREFIXES)  # the endpoint's predeclared prefixes, as on the embedded store
VERSION = """SELECT ?modified ?triples {
  GRAPH <%s> { ?d <http://purl.org/dc/terms/modified> ?modified ; <http://rdfs.org/ns/void#triples> ?triples }
} LIMIT 1"""


def connect(endpoint: str, settings: Settings, user: str | None = None, password: str | None = None) -> RemoteBackend:
    """The backend over the store at `endpoint`, checked: it answers and holds the KB."""
    if urllib.parse.urlsplit(endpoint).scheme not in ("http", "https"):
        raise ConfigError(f"--endpoint {endpoint!r} is not an http(s) URL of a SPARQL 1.1 endpoint")
    if (user is None) != (password is None):
        raise ConfigError("give both --user and --password, or neither")
    auth = _auth(endpoint, user, password)
    http = httpx.Client(auth=auth, timeout=TIMEOUT)
    if isinstance(auth, httpx.DigestAuth):
        http.get(endpoint)  # DigestAuth keeps the challenge and signs every later request up front
    backend = RemoteBackend(endpoint, settings.base, http, settings.query_timeout)
    backend.check()
    return backend


def _auth(endpoint: str, user: str | None, password: str | None) -> httpx.Auth | None:
    if user is None:
        return None
    try:
        challenge = httpx.get(endpoint, timeout=TIMEOUT).headers.get("www-authenticate", "")
    except httpx.HTTPError as exc:
        raise StoreError(f"{endpoint}: cannot reach the store: {exc}") from None
    return httpx.DigestAuth(user, password) if challenge.lower().startswith("digest") else httpx.BasicAuth(user, password)


class RemoteStore:
    """Store lookups as SPARQL SELECT/ASK over HTTP (results as SPARQL XML, parsed by pyoxigraph)."""

    def __init__(self, endpoint: str, http: httpx.Client, base: str) -> None:
        self.endpoint, self.http, self.base = endpoint, http, base
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
        text = prologue(prefixes or {}) + query
        try:
            response = self.http.post(self.endpoint, data={"query": text}, headers={"Accept": RESULTS_XML})
        except httpx.HTTPError as exc:
            raise StoreError(f"{self.endpoint}: cannot reach the store: {exc}") from None
        if not response.is_success:
            raise StoreError(_problem(self.endpoint, response))
        return ox.parse_query_results(response.content, format=ox.QueryResultsFormat.XML)

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


def _problem(endpoint: str, response: httpx.Response) -> str:
    detail = response.text[:300].strip().replace("\n", " ")
    return f"{endpoint}: the store answered HTTP {response.status_code}: {detail}"


class RemoteBackend(Backend):
    """The KB pushed into an external store: pages query it, /sparql forwards to it."""

    local = False

    def __init__(self, endpoint: str, base: str, http: httpx.Client, timeout: float) -> None:
        super().__init__()
        self.endpoint, self.timeout = endpoint, timeout
        self.remote = RemoteStore(endpoint, http, base)
        self.void_graph, self.dataset = Minter(base).void_graph(), Minter(base).dataset()
        self._version, self._checked = "", 0.0
        self._lock = threading.Lock()

    def store(self) -> RemoteStore:  # type: ignore[override]
        return self.remote

    def store_path(self) -> NoReturn:
        raise StoreError("the KB is in a remote store: there is no local store to open")

    def check(self) -> None:
        """Fail now, with a clear message, when the store is unreachable or holds no KB under the base."""
        if not self.remote.quads_for_pattern(None, None, None, self.void_graph):
            raise StoreError(f"{self.endpoint} holds no KB under {self.remote.base} (no graph {self.void_graph.value}): "
                             "run `kb push --endpoint ...` first, and give the --base the KB was built with")
        if not bool(self.remote.query(f"ASK {{ {self.dataset} ?p ?o }}")):
            raise StoreError(f"{self.endpoint}: queries do not see the named graphs; serve the store with the "
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
                response = self.remote.http.post(self.endpoint, data={"update": update})
            except httpx.HTTPError as exc:
                raise StoreError(f"{self.endpoint}: cannot reach the store: {exc}") from None
            finally:
                self._updates += 1
                self.remote.forget()
        if response.status_code in (400, 401, 403):
            raise QueryError(_problem(self.endpoint, response) + " (the store must accept updates at this URL)")
        if not response.is_success:
            raise StoreError(_problem(self.endpoint, response))


def is_graph_query(query: str) -> bool:
    """Whether the query is a CONSTRUCT/DESCRIBE; QueryError when it is not a query the embedded
    endpoint would take. Parsed by pyoxigraph over an empty store (SELECT and CONSTRUCT are lazy:
    nothing is evaluated; an ASK is, over no data)."""
    return isinstance(execute(ox.Store(), query), ox.QueryTriples)


async def forward(request: Request, query: str, params: dict[str, list[str]]) -> StreamingResponse:
    """Ask the store in the negotiated format and stream its answer, all within the time limit."""
    backend: RemoteBackend = request.app.state.backend
    graph = await anyio.to_thread.run_sync(is_graph_query, query)
    offers = GRAPH_TYPES if graph else RESULTS_TYPES
    fmt = negotiate(request.headers.get("accept"), offers, named_format(params),
                    default="ttl" if graph else "json")
    form = [("query", PROLOGUE + query), *(("default-graph-uri", g) for g in params.get("default-graph-uri", [])),
            *(("named-graph-uri", g) for g in params.get("named-graph-uri", []))]
    deadline = anyio.current_time() + backend.timeout
    response = await _send(_async_client(request, backend), backend, form, offers[fmt])
    media = response.headers.get("content-type", offers[fmt])
    return StreamingResponse(_relay(response, deadline, backend.timeout), media_type=media, headers={"Vary": "Accept"})


async def _send(http: httpx.AsyncClient, backend: RemoteBackend, form: list[tuple[str, str]],
                accept: str) -> httpx.Response:
    """The store's response, its head read within the time limit; its errors as ours (400 stays 400)."""
    upstream = http.build_request("POST", backend.endpoint, content=urllib.parse.urlencode(form).encode(),
                                  headers={"Accept": accept, "Content-Type": FORM})
    try:
        with anyio.fail_after(backend.timeout):
            response = await http.send(upstream, stream=True)
    except TimeoutError:
        raise _timeout(backend.timeout) from None
    except httpx.HTTPError as exc:
        raise StoreError(f"the KB's store ({backend.endpoint}) cannot be reached: {exc}") from None
    if not response.is_success:
        await response.aread()
        await response.aclose()
        error = QueryError if response.status_code == 400 else StoreError
        raise error(_problem(backend.endpoint, response))
    return response


async def _relay(response: httpx.Response, deadline: float, limit: float) -> AsyncIterator[bytes]:
    """The store's answer as it comes; past the time limit the response is cut (it aborts, so it
    cannot pass for complete). Each wait has its own deadline: no cancel scope spans a yield."""
    chunks = response.aiter_bytes()
    try:
        while True:
            try:
                with anyio.fail_after(max(0.0, deadline - anyio.current_time())):
                    chunk = await chunks.__anext__()
            except StopAsyncIteration:
                return
            except TimeoutError:
                raise _timeout(limit) from None
            yield chunk
    finally:
        await response.aclose()


def _timeout(limit: float) -> QueryTimeout:
    return QueryTimeout(f"the query ran longer than the time limit of {limit:g} s and was stopped; "
                        "narrow it down or add a LIMIT")


def _async_client(request: Request, backend: RemoteBackend) -> httpx.AsyncClient:
    state = request.app.state
    if getattr(state, "remote_http", None) is None:
        state.remote_http = httpx.AsyncClient(auth=backend.remote.http.auth, timeout=None)
    return state.remote_http

