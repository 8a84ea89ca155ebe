"""What every path answers, whichever router serves it: HEAD wherever GET works, and CORS, so that
a browser app on another site can read entity documents, search, VoID, the dumps and /sparql.

One ASGI middleware rather than a line per route: a route added later gets both for free.
Writes are not opened by CORS: SPARQL Update still needs the server's token (kb.web.sparql).
"""
from __future__ import annotations

from starlette._utils import get_route_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEAD = "kb.head"  # set in the scope of a HEAD request answered as a GET: a route may skip making the body
ALLOW_ORIGIN = (b"access-control-allow-origin", b"*")
EXPOSE = (b"access-control-expose-headers",
          b"Content-Type, Content-Length, Content-Encoding, ETag, Last-Modified, Link, Location, Vary, X-KB-Row-Limit")
READ = "GET, HEAD, OPTIONS"
QUERY = "GET, HEAD, POST, OPTIONS"  # /sparql: queries by POST are reads too (updates need the token)
ALLOW_HEADERS = "Accept, Content-Type, Authorization, If-None-Match, If-Modified-Since"


class Readable:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope["method"] == "OPTIONS":
            return await _options(scope, send)
        if scope["method"] == "HEAD":  # uvicorn keeps its own scope's HEAD and sends no body
            scope = {**scope, "method": "GET", HEAD: True}

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0] not in (ALLOW_ORIGIN[0], EXPOSE[0])]
                message = {**message, "headers": [*headers, ALLOW_ORIGIN, EXPOSE]}
            await send(message)

        await self.app(scope, receive, send_with_cors)


async def _options(scope: Scope, send: Send) -> None:
    """A CORS preflight, or a plain OPTIONS: what may be done here (no route needs to know)."""
    methods = QUERY if get_route_path(scope) == "/sparql" else READ
    headers = [ALLOW_ORIGIN, EXPOSE, (b"allow", methods.encode()),
               (b"access-control-allow-methods", methods.encode()),
               (b"access-control-allow-headers", ALLOW_HEADERS.encode()),
               (b"access-control-max-age", b"86400"), (b"content-length", b"0")]
    await send({"type": "http.response.start", "status": 204, "headers": headers})
    await send({"type": "http.response.body", "body": b""})
