"""/.well-known/void: the VoID and DCAT description of the dataset (RFC 8615 well-known path,
VoID section 7.2), as Turtle by default, or N-Triples, JSON-LD, RDF/XML by content negotiation.

A built KB serves the file written at build time (it lists the dumps with sizes and checksums);
a server over RDF files (--data) describes what it loaded, once per data version.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pyld import jsonld

from kb.config import Settings
from kb.dumps import description as void
from kb.jsonld import context
from kb.vocab import DCAT, RDF_TYPE, VOID, prefixes
from kb.web import site
from kb.store.backend import Backend
from kb.web.conneg import GRAPH_TYPES, negotiate

router = APIRouter()

FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "rdf": ox.RdfFormat.RDF_XML}
ADDRESSES = (VOID.sparqlEndpoint, VOID.dataDump, DCAT.endpointURL, DCAT.downloadURL)  # where to go, not what it is


@router.get("/.well-known/void")
async def description(request: Request) -> Response:
    """The dataset's VoID/DCAT description."""
    fmt = negotiate(request.headers.get("accept"), GRAPH_TYPES, request.query_params.get("format"), default="ttl")
    backend, settings = request.app.state.backend, request.app.state.settings
    body = await run_in_threadpool(_render, backend, settings, fmt, site.root_url(request))
    return Response(body, media_type=GRAPH_TYPES[fmt], headers={"Vary": "Accept"})


def _render(backend: Backend, settings: Settings, fmt: str, root: str) -> bytes:
    triples = _served(_triples(backend, settings, backend.version()), settings.base, root)
    if fmt == "jsonld":
        return json.dumps(_jsonld(triples, settings.base), ensure_ascii=False).encode("utf-8")
    return ox.serialize(triples, format=FORMATS[fmt], prefixes=prefixes(settings.base) if fmt == "ttl" else None)


@lru_cache(maxsize=4)
def _triples(backend: Backend, settings: Settings, version: str) -> list[ox.Triple]:
    """The description for one version of the data (the version is the cache key)."""
    folder: Path | None = backend.dumps_dir()
    written = folder.parent / void.FILE_NAME if folder is not None else None
    if written is not None and written.is_file():
        return list(ox.parse(path=str(written), format=ox.RdfFormat.TURTLE))
    stored = backend.description()  # a remote store: the description pushed with the KB
    return stored if stored is not None else void.describe(backend.store(), settings)


def _served(triples: list[ox.Triple], base: str, root: str) -> list[ox.Triple]:
    """The description with the endpoint's and the dumps' URLs where the client found this server
    (the dataset, the dumps and the endpoint keep their IRIs under the KB's base)."""
    if root == base:
        return triples
    return [ox.Triple(t.subject, t.predicate, ox.NamedNode(site.served_at(t.object.value, base, root)))
            if t.predicate in ADDRESSES and isinstance(t.object, ox.NamedNode) else t for t in triples]


def _jsonld(triples: list[ox.Triple], base: str) -> dict:
    """Compact JSON-LD with the KB's context, as the pages and the dump (inline: nothing is fetched)."""
    nodes = json.loads(ox.serialize(triples, format=ox.RdfFormat.JSON_LD))
    for node in nodes:
        types = node.pop(RDF_TYPE, None)
        if types:
            node["@type"] = [t["@id"] for t in types]
    return jsonld.compact(nodes, {"@context": context(base)})
