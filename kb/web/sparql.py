"""The SPARQL 1.1 Protocol endpoint at /sparql (first version: queries, conneg, read-only)."""
from __future__ import annotations

import io

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from kb.errors import Forbidden, QueryError, UnsupportedMediaType
from kb.query import GRAPH_FORMATS, RESULT_FORMATS
from kb.web.conneg import GRAPH_TYPES, RESULTS_TYPES, negotiate

router = APIRouter()

RDF_FORMATS = {"ttl": "ttl", "nt": "nt", "jsonld": "jsonld", "rdf": "xml"}


async def _params(request: Request) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    if request.method == "POST":
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/x-www-form-urlencoded":
            for key, value in (await request.form()).multi_items():
                params.setdefault(key, []).append(str(value))
        elif ctype == "application/sparql-query":
            params.setdefault("query", []).append((await request.body()).decode("utf-8"))
        elif ctype == "application/sparql-update":
            params.setdefault("update", []).append((await request.body()).decode("utf-8"))
        else:
            raise UnsupportedMediaType(
                f"Content-Type {ctype or '(none)'} is not a SPARQL request; send "
                "application/x-www-form-urlencoded, application/sparql-query or application/sparql-update")
    return params


@router.api_route("/sparql", methods=["GET", "POST"])
async def sparql(request: Request) -> Response:
    params = await _params(request)
    if "update" in params:
        raise Forbidden("SPARQL Update is not allowed on this endpoint (start the server with --update-token)")
    queries = params.get("query", [])
    if not queries:
        return Response("kb SPARQL endpoint: send ?query=", media_type="text/plain")
    if len(queries) > 1:
        raise QueryError("exactly one query parameter is allowed")
    backend = request.app.state.backend
    explicit = (params.get("format") or [None])[0]
    result = await run_in_threadpool(backend.query, queries[0])
    accept = request.headers.get("accept")
    out = io.BytesIO()
    if isinstance(result, ox.QueryTriples):
        fmt = negotiate(accept, GRAPH_TYPES, explicit, default="ttl")
        await run_in_threadpool(ox.serialize, result, out, GRAPH_FORMATS[RDF_FORMATS[fmt]])
        media = GRAPH_TYPES[fmt]
    else:
        fmt = negotiate(accept, RESULTS_TYPES, explicit, default="json")
        await run_in_threadpool(result.serialize, out, RESULT_FORMATS[fmt])
        media = RESULTS_TYPES[fmt]
    return Response(out.getvalue(), media_type=media, headers={"Vary": "Accept"})
