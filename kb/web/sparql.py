"""The SPARQL 1.1 Protocol endpoint at /sparql.

Queries via GET ?query=, POST form or POST application/sparql-query; results by content
negotiation (or ?format=); a service description (Turtle) when there is no query; the HTML
editor for browsers. Queries run in worker processes (kb.store.pool) under a deadline that
really stops them, and stream back; over a remote store (kb.store.remote) they go to that store.
SPARQL Update only with the server's bearer token.
"""
from __future__ import annotations

import hmac
import logging
from typing import AsyncIterator
from urllib.parse import parse_qsl

import anyio
import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, Response, StreamingResponse

from kb.errors import Forbidden, KbError, NotFound, QueryError, TooLarge, UnsupportedMediaType
from kb.resources import EDITOR, query_files
from kb.results import GRAPH_FORMATS
from kb.store.frames import Job
from kb.store.pool import Run
from kb.store.remote import PROLOGUE, is_graph_query
from kb.vocab import PREFIXES
from kb.web import site
from kb.web.conneg import GRAPH_TYPES, HTML, RESULTS_TYPES, named_format, negotiate
from kb.web.sparql_openapi import GET_SPARQL, POST_SPARQL

router = APIRouter()
log = logging.getLogger("kb.sparql")

EDITOR_FILES = {"yasgui.min.js": "text/javascript", "yasgui.min.css": "text/css"}
WORKERS = 4  # queries running at once; more wait for a free worker (within their time limit)
WAITING = 64  # queries waiting for a worker, each on a thread; more wait for a thread, on none
WORKER_MEMORY_MB = 1024  # a query whose worker grows past this is stopped (an idle worker is ~50 MB)
MAX_BODY = 1024 * 1024  # bytes of a POSTed query, update or form: far beyond any real query
DRAIN = 64 * MAX_BODY  # an oversized body is read (and dropped) this far, so the client gets the 413
MAX_FIELDS = 1000
REQUEST_TYPES = ("application/x-www-form-urlencoded", "application/sparql-query", "application/sparql-update")
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
SD_RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                     "Turtle", "N-Triples", "RDF_XML", "JSON-LD")


@router.get("/sparql", openapi_extra=GET_SPARQL)
@router.post("/sparql", openapi_extra=POST_SPARQL)
async def sparql(request: Request) -> Response:
    """SPARQL 1.1 Protocol: query, update, service description or editor (CORS and HEAD: kb.web.readable)."""
    params = await _params(request)
    queries, updates = params.get("query", []), params.get("update", [])
    if queries and updates:
        raise QueryError("send either query or update, not both")
    if updates:
        return await _update(request, updates)
    if len(queries) > 1:
        raise QueryError(f"exactly one query parameter is allowed, got {len(queries)}")
    if not queries or _for_a_browser(request, params):
        return _describe_or_edit(request, params, queries[0] if queries else None)
    return await _query(request, queries[0], params)


def _for_a_browser(request: Request, params: dict[str, list[str]]) -> bool:
    """A person opening a query link: GET, no format named, and HTML preferred over every result
    format (a browser's Accept; `*/*` or an equal preference keeps the results)."""
    if request.method != "GET" or named_format(params):
        return False
    offers = {**RESULTS_TYPES, **GRAPH_TYPES, **HTML}
    return negotiate(request.headers.get("accept"), offers, default="json") == "html"


async def _params(request: Request) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    if request.method != "POST":
        return params
    media, _, rest = request.headers.get("content-type", "").partition(";")
    media = media.strip().lower()
    if media == "application/x-www-form-urlencoded":
        for key, value in _form(await _body(request)):
            params.setdefault(key, []).append(value)
    elif media in REQUEST_TYPES:
        key = "query" if media == "application/sparql-query" else "update"
        params.setdefault(key, []).append(_decode(await _body(request), rest))
    else:
        raise UnsupportedMediaType(f"Content-Type {media or '(none)'} is not a SPARQL request; send "
                                   + ", ".join(REQUEST_TYPES))
    return params


async def _body(request: Request) -> bytes:
    """The request body, refused (413) past MAX_BODY bytes so that no client can fill the memory."""
    body, size = bytearray(), 0
    async for chunk in request.stream():
        size += len(chunk)
        if size <= MAX_BODY:
            body += chunk
        elif size > DRAIN:
            break
    if size > MAX_BODY:
        raise TooLarge(f"the request body is over {MAX_BODY // 1024} KiB; a SPARQL query or update "
                       "must be smaller (move big data into the KB rather than into the query)")
    return bytes(body)


def _form(body: bytes) -> list[tuple[str, str]]:
    """The fields of an application/x-www-form-urlencoded body (UTF-8, as the protocol says)."""
    try:
        return parse_qsl(body.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict",
                         max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError as exc:
        raise QueryError(f"the form is not valid UTF-8 (after percent-decoding): {exc}") from None
    except ValueError:
        raise QueryError(f"the form has more than {MAX_FIELDS} fields") from None


def _decode(body: bytes, content_type_params: str) -> str:
    charset = "utf-8"
    for param in content_type_params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"') or charset
    try:
        return body.decode(charset)
    except (LookupError, UnicodeDecodeError) as exc:
        raise QueryError(f"the request body is not valid {charset}: {exc}") from None


async def _query(request: Request, query: str, params: dict[str, list[str]]) -> Response:
    settings, backend = request.app.state.settings, request.app.state.backend
    if not backend.local:
        return await _forward(request, query, params)
    version = backend.version()
    job = Job(query=query, store=_store_path(request, version), version=version,
              accept=request.headers.get("accept"), explicit=named_format(params),
              default_graphs=params.get("default-graph-uri", []), named_graphs=params.get("named-graph-uri", []),
              max_rows=settings.max_rows, in_memory=settings.query_in_memory)
    run = Run(request.app.state.sparql_pool, job)
    head = await run.start(request.app.state.sparql_threads)
    headers = {"Vary": "Accept"}
    if head.kind != "boolean":
        headers["X-KB-Row-Limit"] = str(settings.max_rows)
    if run.finished:  # the whole result came with the head: no stream, no more threads
        _log_cut(run)
        return Response(run.first, media_type=head.media, headers=headers)
    return StreamingResponse(_stream(run), media_type=head.media, headers=headers)


async def _stream(run: Run) -> AsyncIterator[bytes]:
    """The result as it comes from the worker; stops the worker if the client goes away.
    An error mid-stream (the time limit) aborts the response, so it cannot pass for complete."""
    try:
        async for chunk in run.chunks():
            yield chunk
    except KbError as exc:
        log.warning("result stream aborted: %s", exc)
        raise
    finally:
        run.abort()
    _log_cut(run)


async def _forward(request: Request, query: str, params: dict[str, list[str]]) -> StreamingResponse:
    """Ask the remote store in the negotiated format and stream its answer, within the time limit."""
    backend = request.app.state.backend
    graph = await anyio.to_thread.run_sync(is_graph_query, query)
    offers = GRAPH_TYPES if graph else RESULTS_TYPES
    fmt = negotiate(request.headers.get("accept"), offers, named_format(params), default="ttl" if graph else "json")
    fields = [("query", PROLOGUE + query), *(("default-graph-uri", g) for g in params.get("default-graph-uri", [])),
              *(("named-graph-uri", g) for g in params.get("named-graph-uri", []))]
    media, chunks = await backend.client.stream(fields, offers[fmt], backend.timeout)
    return StreamingResponse(chunks, media_type=media, headers={"Vary": "Accept"})


def _log_cut(run: Run) -> None:
    if run.truncated:
        log.info("result cut at %d rows (the row limit)", run.rows)


def _store_path(request: Request, version: str) -> str:
    """The store of the data at `version`: a version's path never changes, and finding it
    (resolving the snapshot link) cost more than a small query."""
    state = request.app.state
    known = state.sparql_store
    if known is None or known[0] != version:
        known = state.sparql_store = (version, str(state.backend.store_path()))
    return known[1]


def warm(app) -> None:
    """With --in-memory, start a query worker loading the current data now: the first query then
    waits for no load (or only for the rest of it)."""
    state = app.state
    if not state.settings.query_in_memory or not state.backend.local:
        return
    version = state.backend.version()
    state.sparql_pool.warm(Job(query="", store=str(state.backend.store_path()), version=version, in_memory=True))


async def _update(request: Request, updates: list[str]) -> Response:
    token = request.app.state.settings.update_token
    if not token:
        raise Forbidden("SPARQL Update is not allowed on this endpoint: it is read-only unless the server "
                        "is started with --update-token (or $KB_UPDATE_TOKEN)")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise Forbidden("SPARQL Update needs the header `Authorization: Bearer TOKEN` with the server's update token")
    if request.method != "POST":
        raise QueryError("SPARQL Update must be sent with POST (form field update= or application/sparql-update)")
    if len(updates) > 1:
        raise QueryError(f"exactly one update parameter is allowed, got {len(updates)}")
    await run_in_threadpool(request.app.state.backend.update, updates[0])
    return Response(status_code=204)


def _describe_or_edit(request: Request, params: dict[str, list[str]], query: str | None) -> Response:
    offers = {**HTML, **GRAPH_TYPES}
    fmt = "html" if query else negotiate(request.headers.get("accept"), offers, named_format(params), default="ttl")
    if fmt == "html":
        return HTMLResponse(_editor(request, query), headers={"Vary": "Accept"})
    endpoint = str(request.url.replace(query=""))
    body = ox.serialize(service_description(endpoint, bool(request.app.state.settings.update_token)),
                        format=GRAPH_FORMATS[fmt], prefixes={"sd": SD, "formats": FORMATS} if fmt == "ttl" else None)
    return Response(body, media_type=GRAPH_TYPES[fmt], headers={"Vary": "Accept"})


def service_description(endpoint: str, updates: bool) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of this endpoint."""
    sd, rdf_type = (lambda name: ox.NamedNode(SD + name)), ox.NamedNode(PREFIXES["rdf"] + "type")
    service, dataset, graph = ox.NamedNode(endpoint), ox.BlankNode(), ox.BlankNode()
    triples = [ox.Triple(service, rdf_type, sd("Service")), ox.Triple(service, sd("endpoint"), service),
               ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
               ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
               ox.Triple(service, sd("defaultDataset"), dataset), ox.Triple(dataset, rdf_type, sd("Dataset")),
               ox.Triple(dataset, sd("defaultGraph"), graph), ox.Triple(graph, rdf_type, sd("Graph"))]
    if updates:
        triples.append(ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Update")))
    triples += [ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS + f)) for f in SD_RESULT_FORMATS]
    return triples


def _editor(request: Request, query: str | None) -> str:
    """The query editor; with `query` (a shared link), holding that query and running it."""
    prologue = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
    settings = request.app.state.settings
    return site.render(request, "sparql.html", title="SPARQL", prologue=prologue, queries=saved_queries(),
                       query=query, yasgui=(EDITOR / "yasgui.min.js").is_file(), max_rows=settings.max_rows,
                       timeout=settings.query_timeout)


def saved_queries() -> list[dict[str, str]]:
    """The example queries of queries/*.rq: name, title (the first comment line) and text."""
    found = []
    for path in query_files():
        name = path.name.removesuffix(".rq")
        text = path.read_text(encoding="utf-8")
        first = text.lstrip().splitlines()[0] if text.strip() else ""
        title = first.lstrip("#").strip() if first.startswith("#") else name
        found.append({"name": name, "title": title, "text": text})
    return found


@router.get("/sparql/editor/{name}", include_in_schema=False)
async def editor_file(name: str) -> Response:
    """YASGUI's files, shipped in the package (kb.resources.EDITOR)."""
    if name not in EDITOR_FILES or not (EDITOR / name).is_file():
        raise NotFound(f"/sparql/editor/{name} does not exist; the editor's files are "
                       + ", ".join(EDITOR_FILES) + " (installed from npm by `make deps-serve`, before any wheel is built)")
    return FileResponse(EDITOR / name, media_type=EDITOR_FILES[name],
                        headers={"Cache-Control": "public, max-age=86400"})
