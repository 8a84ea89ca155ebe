"""Every IRI the KB mints dereferences here: HTML for browsers, RDF by content negotiation,
or an explicit suffix (…/史根治.jsonld, .ttl, .nt, .rdf)."""
from __future__ import annotations

import json

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from kb.errors import NotFound
from kb.iris import to_uri
from kb.web import documents
from kb.web.conneg import GRAPH_TYPES, HTML, negotiate

router = APIRouter()

OFFERS = {**HTML, **GRAPH_TYPES}
RDF_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "rdf": ox.RdfFormat.RDF_XML}


def _split_suffix(path: str) -> tuple[str, str | None]:
    for suffix in OFFERS:
        if path.endswith("." + suffix):
            return path[: -len(suffix) - 1], suffix
    return path, None


@router.get("/{path:path}", include_in_schema=False)
async def entity(path: str, request: Request) -> Response:
    path, suffix = _split_suffix(path)
    settings = request.app.state.settings
    iri = settings.base + path
    store = request.app.state.backend.store()
    fmt = negotiate(request.headers.get("accept"), OFFERS, suffix or request.query_params.get("format"),
                    default="html")
    if not await run_in_threadpool(documents.exists, store, iri):
        raise NotFound(f"{iri} is not an IRI of this KB")
    triples = await run_in_threadpool(documents.document, store, iri)
    headers = {"Vary": "Accept", "Link": f'<{to_uri(iri)}>; rel="canonical"'}
    if fmt == "jsonld":
        body = json.dumps(await run_in_threadpool(documents.to_jsonld, triples, iri), ensure_ascii=False)
        return Response(body, media_type=GRAPH_TYPES["jsonld"], headers=headers)
    if fmt in RDF_FORMATS:
        body = await run_in_threadpool(documents.to_rdf, triples, RDF_FORMATS[fmt])
        return Response(body, media_type=GRAPH_TYPES[fmt], headers=headers)
    templates = request.app.state.templates
    return HTMLResponse(templates.get_template("entity.html").render(iri=iri, triples=triples), headers=headers)
