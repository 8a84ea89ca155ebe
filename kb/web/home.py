"""The home page (counts, the most mentioned entities of each type, a search box), search by
Chinese name or part of one, browse lists per type, and the stylesheet."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

from kb.errors import ConfigError, NotFound
from kb.kinds import ENTITY_KINDS
from kb.web import caching, site
from kb.web import index as kb_index
from kb.web.conneg import negotiate

router = APIRouter()

STATIC = Path(__file__).parent / "static"
TOP = 12  # entities per type on the home page
BROWSE_SIZE = 200
MAX_QUERY = 50  # characters of a search


@router.get("/", include_in_schema=False)
def home(request: Request) -> Response:
    backend = request.app.state.backend
    tag = caching.etag(backend, "home")
    modified = caching.last_modified(backend)
    headers = caching.headers(tag, modified)
    if caching.not_modified(request, tag, modified):
        return Response(status_code=304, headers=headers)
    index = kb_index.of(request)
    top = {kind: index.top(kind, TOP) for kind in ENTITY_KINDS}
    return HTMLResponse(site.render(request, "home.html", counts=index.counts, top=top), headers=headers)


@router.get("/search", include_in_schema=False)
def search(request: Request, q: str = "") -> Response:
    """Entities whose name contains q; JSON for `Accept: application/json` or ?format=json."""
    if len(q) > MAX_QUERY:
        raise ConfigError(f"search text of {len(q)} characters is too long; use at most {MAX_QUERY}")
    fmt = negotiate(request.headers.get("accept"), {"html": "text/html", "json": "application/json"},
                    request.query_params.get("format"), default="html")
    hits = kb_index.of(request).search(q)
    if fmt == "json":
        base, root = request.app.state.settings.base, site.root_url(request)
        return JSONResponse({"query": q, "results": [  # url: where this server answers for the IRI
            {"iri": h.iri, "url": site.served_at(h.iri, base, root), "type": h.kind, "name": h.name,
             "names": list(h.names), "mentions": h.mentions, "note": h.note}
            for h in hits]}, headers={"Vary": "Accept"})
    return HTMLResponse(site.render(request, "search.html", q=q, hits=hits, title=f"搜索：{q}" if q else "搜索"),
                        headers={"Vary": "Accept"})


@router.get("/browse/{kind}", include_in_schema=False)
def browse(request: Request, kind: str, page: int = 1) -> Response:
    if kind not in ENTITY_KINDS:
        raise NotFound(f"no list of {kind!r}; lists exist for {', '.join(ENTITY_KINDS)}")
    entries = kb_index.of(request).by_kind(kind)
    pages = max(1, -(-len(entries) // BROWSE_SIZE))
    if not 1 <= page <= pages:
        raise ConfigError(f"page={page} is out of range; {kind} has pages 1 to {pages}")
    shown = entries[(page - 1) * BROWSE_SIZE: page * BROWSE_SIZE]
    return HTMLResponse(site.render(request, "browse.html", kind=kind, entries=shown, page=page, pages=pages,
                                total=len(entries), title=ENTITY_KINDS[kind].label))


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    """Browsers ask for it on every site; the pages name their icon (static/favicon.svg)."""
    return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})


@router.get("/static/{name}", include_in_schema=False)
def static(name: str) -> Response:
    path = STATIC / name
    if "/" in name or not path.is_file():
        raise NotFound(f"no static file {name!r}")
    return FileResponse(path, headers={"Cache-Control": "max-age=3600"})
