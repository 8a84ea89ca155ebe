"""Every IRI the KB mints dereferences here: HTML for browsers, RDF by content negotiation,
or an explicit suffix (…/史根治.jsonld, .ttl, .nt, .rdf, .html) or ?format=.

JSON-LD takes a profile (expanded, compacted, framed) from the Accept header's `profile`
parameter or from ?profile=. Incoming links are paged with ?page=N (Link: rel="next").
"""
from __future__ import annotations

from urllib.parse import unquote

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from kb.errors import ConfigError, NotFound
from kb.iris import segment, to_uri
from kb.vocab import DCTERMS, PROV, kb_namespace
from kb.web import caching, documents, site, views
from kb.web import index as kb_index
from kb.web.conneg import GRAPH_TYPES, HTML, negotiate

router = APIRouter()

OFFERS = {**HTML, **GRAPH_TYPES, "json": "application/json"}  # json: the JSON-LD, for plain JSON clients
MEDIA = {**OFFERS, "html": "text/html; charset=utf-8"}
JSON = ("jsonld", "json")
RDF_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "rdf": ox.RdfFormat.RDF_XML}
MAX_PAGE = 10_000
OPERATIONS = {"reject": "剔除", "merge": "合并", "rename": "改名", "retype": "改类", "split": "拆分", "add": "补充"}


def _path(request: Request) -> str:
    """The IRI path as minted: the raw path (under the served root) decoded segment by segment,
    then re-encoded the way kb.iris does, so a %2F inside a name stays part of that name."""
    return "/".join(segment(unquote(part)) for part in site.route_path(request).lstrip("/").split("/"))


def _split_suffix(path: str) -> tuple[str, str | None]:
    for suffix in OFFERS:
        if path.endswith("." + suffix):
            return path[: -len(suffix) - 1], suffix
    return path, None


def _accept_profile(accept: str | None) -> str | None:
    """The profile parameter of an application/ld+json range in Accept, if any."""
    for part in (accept or "").split(","):
        media, *params = [p.strip() for p in part.split(";")]
        if media.lower() == "application/ld+json":
            for param in params:
                if param.startswith("profile="):
                    return param[len("profile="):].strip('"').split()[0]
    return None


def _page(request: Request) -> int:
    value = request.query_params.get("page", "1")
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise ConfigError(f"page={value!r} is not a page number; use 1 to {MAX_PAGE}")
    return int(value)


def _links(request: Request, iri: str, fmt: str, page: int, has_next: bool) -> str:
    """The Link header, naming the address the client used (the IRI itself when served at its base)."""
    uri = to_uri(site.served_at(iri, request.app.state.settings.base, site.root_url(request)))
    links = [f'<{uri}>; rel="canonical"']
    if fmt not in JSON:  # JSON-LD 1.1 section 9.1; one alternate only: pyld's loader fails on several
        links.append(f'<{uri}.jsonld>; rel="alternate"; type="{GRAPH_TYPES["jsonld"]}"')
    if has_next:
        links.append(f'<{uri}{"." + fmt if fmt != "html" else ""}?page={page + 1}>; rel="next"')
    return ", ".join(links)


@router.get("/{path:path}", include_in_schema=False)
async def entity(path: str, request: Request) -> Response:
    """Rendered on the event loop: a page is a few bounded index lookups (under a millisecond),
    and a hop to a worker thread cost more than the page (GIL handoffs between 16+ threads
    under load). Only while the first page index is being built (seconds), for the 404 page's
    search of similar names (a scan of every entity), and when the store is remote (every
    lookup is an HTTP request), does it go to a worker thread."""
    try:
        if kb_index.ready(request) and request.app.state.backend.local:
            return _entity(path, request)
        return await run_in_threadpool(_entity, path, request)
    except _Missing as missing:
        return await run_in_threadpool(_not_found_page, request, missing.iri)
    except _Moved as moved:  # merged into another by an editor (kb correct merge)
        suffix = _split_suffix(_path(request))[1]
        served = site.served_at(moved.iri, request.app.state.settings.base, site.root_url(request))
        location = to_uri(served) + (f".{suffix}" if suffix else "")
        return Response(status_code=301, headers={"Location": location, "Vary": "Accept"})


class _Missing(Exception):
    """A browser asked for an IRI the KB does not have: it gets the 404 page (_not_found_page)."""

    def __init__(self, iri: str) -> None:
        super().__init__(iri)
        self.iri = iri


class _Moved(Exception):
    """An IRI an editor merged into another: it answers 301 with the survivor's IRI."""

    def __init__(self, iri: str) -> None:
        super().__init__(iri)
        self.iri = iri


def _entity(path: str, request: Request) -> Response:
    path, suffix = _split_suffix(_path(request))
    accept = request.headers.get("accept")
    iri = request.app.state.settings.base + path
    fmt = negotiate(accept, OFFERS, suffix or request.query_params.get("format"), default="html")
    profile = documents.profile_of(request.query_params.get("profile") or _accept_profile(accept))
    page = _page(request)
    backend = request.app.state.backend
    version = backend.version()  # read once: each read is a syscall, and a thread switch under load
    key = (version, iri, fmt, profile if fmt in JSON else None, page)
    gzipped = caching.accepts_gzip(request.headers.get("accept-encoding", ""))
    tag = caching.etag_of(*key, gzipped)  # an encoding is a representation of its own (RFC 9110 8.8.3)
    modified = caching.last_modified(backend, version)
    headers = caching.headers(tag, modified, vary="Accept, Accept-Encoding")
    if caching.not_modified(request, tag, modified):
        return Response(status_code=304, headers=headers)
    media = f'{MEDIA[fmt]}; profile="{documents.PROFILES[profile]}"' if fmt in JSON else MEDIA[fmt]
    found = caching.bodies(request).get(key)
    if found is None:
        found = _rendered(request, backend.store(), iri, fmt, profile, page, version)
        if kb_index.fresh(request, version):  # a page drawn while the index catches up is not kept
            caching.bodies(request).put(key, found)
    headers["Link"] = _links(request, iri, fmt, page, found.has_next)
    return caching.send(found, gzipped, media, headers)


def _rendered(request: Request, store: ox.Store, iri: str, fmt: str, profile: str, page: int,
              version: str) -> caching.CachedPage:
    if survivor := _replaced_by(store, iri):
        raise _Moved(survivor)
    if not documents.exists(store, iri):
        raise NotFound(f"{iri} is not an IRI of this KB") if fmt != "html" else _Missing(iri)
    body, has_next = _render(request, store, kb_index.of(request, version), iri, fmt, profile, page)
    return caching.CachedPage.of(body, has_next)


def _replaced_by(store: ox.Store, iri: str) -> str | None:
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return None
    return next((q.object.value for q in store.quads_for_pattern(node, DCTERMS.isReplacedBy, None, None)), None)


def _corrections(store: ox.Store, iri: str, base: str) -> list[dict]:
    """Who corrected this IRI's facts, when and why (kb correct), oldest first."""
    kb = kb_namespace(base)
    rows = []
    for quad in store.quads_for_pattern(ox.NamedNode(iri), kb.correctedBy, None, None):
        said = {q.predicate: q.object for q in store.quads_for_pattern(quad.object, None, None, quad.object)}
        editor = said.get(PROV.wasAttributedTo)
        rows.append({"iri": quad.object.value, "by": views.label(store, editor) if editor else "",
                     "when": said[PROV.generatedAtTime].value[:10] if PROV.generatedAtTime in said else "",
                     "operation": OPERATIONS.get(said[kb.operation].value, "") if kb.operation in said else "",
                     "reason": said[kb.reason].value if kb.reason in said else ""})
    return sorted(rows, key=lambda row: (row["when"], row["iri"]))


def _render(request: Request, store: ox.Store, index: kb_index.Index, iri: str, fmt: str, profile: str,
            page: int) -> tuple[bytes, bool]:
    """The body in `fmt`, and whether there is a next page of incoming links."""
    if fmt == "html":
        return _html(request, store, index, iri, page)
    doc = documents.gather(store, iri, page, labels=index.labels)
    if fmt in JSON:
        base = request.app.state.settings.base
        return documents.dumps(documents.to_jsonld(doc, profile, base=base), base).encode(), doc.has_next
    return documents.to_rdf(doc, RDF_FORMATS[fmt]), doc.has_next


def _html(request: Request, store: ox.Store, index: kb_index.Index, iri: str, page: int) -> tuple[bytes, bool]:
    """The page for readers; it embeds the IRI's own description as JSON-LD (what it links to
    and what links to it are on the page itself, and in the full document at .jsonld)."""
    own = documents.gather(store, iri, size=0, linked=False)
    view = views.view(store, index, iri, page, lambda: documents.gather(store, iri, page, labels=index.labels))
    base = request.app.state.settings.base
    embedded = documents.dumps(documents.to_jsonld(own, base=base), base).replace("</", "<\\/")
    data = {"page": page, "has_next": False, **view.data}
    here = site.served_at(iri, base, site.up(request))
    html = site.render(request, view.template, iri=iri, here=here, title=view.title, jsonld=embedded,
                       corrections=_corrections(store, iri, base), **data)
    return html.encode(), bool(data["has_next"])


def _not_found_page(request: Request, iri: str) -> Response:
    """A page that says what was asked for and offers entities with similar names."""
    index = kb_index.of(request)
    name = iri.rstrip("/").rsplit("/", 1)[-1]
    similar = index.search(name, limit=10) or index.search(name[:2], limit=10)
    page = site.render(request, "not_found.html", iri=iri, name=name, similar=similar, title="404")
    return HTMLResponse(page, status_code=404, headers={"Vary": "Accept"})
