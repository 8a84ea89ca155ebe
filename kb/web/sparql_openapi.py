"""The /sparql route's parameters and bodies as OpenAPI, so that the schema at /openapi.json
documents the SPARQL 1.1 Protocol and schemathesis can exercise it. Declarations only: the
route reads the raw request itself (repeated parameters, three request body types)."""
from __future__ import annotations

from typing import Any

from kb.web.conneg import GRAPH_TYPES, HTML, RESULTS_TYPES

_TEXT = {"type": "string"}
_IRIS = {"type": "array", "items": {"type": "string"}}
_FORMAT = {"type": "string", "description": "a result format, beats Accept: "
           + ", ".join([*RESULTS_TYPES, *GRAPH_TYPES, *HTML])}


def _param(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description,
            **({"style": "form", "explode": True} if schema.get("type") == "array" else {})}


_DATASET = [_param("default-graph-uri", _IRIS, "graphs making up the default graph"),
            _param("named-graph-uri", _IRIS, "graphs usable with GRAPH")]
_MEDIA = {media: {} for media in [*RESULTS_TYPES.values(), *GRAPH_TYPES.values(), *HTML.values()]}
_ERROR = {"application/json": {"schema": {"type": "object", "properties": {
    "error": _TEXT, "status": {"type": "integer"}, "message": _TEXT}}}}
_RESPONSES = {
    "200": {"description": "query results, a service description or the query editor", "content": _MEDIA},
    "204": {"description": "the update was applied"},
    "400": {"description": "a malformed query or request", "content": _ERROR},
    "403": {"description": "SPARQL Update without the server's token", "content": _ERROR},
    "406": {"description": "no offered format fits Accept or format=", "content": _ERROR},
    "413": {"description": "a query or update over the size limit", "content": _ERROR},
    "415": {"description": "a POST body that is not a SPARQL request", "content": _ERROR},
    "503": {"description": "the query hit the time limit, or the server is busy", "content": _ERROR},
}

GET_SPARQL: dict[str, Any] = {
    "parameters": [_param("query", _TEXT, "a SPARQL 1.1 query; without it, the service description"),
                   _param("format", _FORMAT, _FORMAT["description"]), *_DATASET],
    "responses": _RESPONSES,
}
POST_SPARQL: dict[str, Any] = {
    "parameters": [_param("format", _FORMAT, _FORMAT["description"]), *_DATASET],
    "requestBody": {"required": True, "content": {
        "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
            "query": _TEXT, "update": _TEXT, "format": _FORMAT, "default-graph-uri": _IRIS,
            "named-graph-uri": _IRIS}}},
        "application/sparql-query": {"schema": _TEXT},
        "application/sparql-update": {"schema": _TEXT},
    }},
    "responses": _RESPONSES,
}
