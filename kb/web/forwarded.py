"""Behind a reverse proxy: the address the client used, from the proxy's X-Forwarded-* headers.

uvicorn's ProxyHeadersMiddleware applies X-Forwarded-Proto and X-Forwarded-For from trusted
peers; this adds X-Forwarded-Host (the Host the client sent the proxy) and X-Forwarded-Prefix
(the path the proxy serves the site under: `/xc` when https://example.org/xc/ is proxied to
http://127.0.0.1:8000/), so that Link headers, the service description and VoID name
https://example.org/xc/… . Peers are trusted as uvicorn trusts them (`forwarded_allow_ips`:
addresses or networks, comma-separated, or `*`); anyone else's X-Forwarded-* is ignored.
"""
from __future__ import annotations

import ipaddress
import re
from urllib.parse import unquote

from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

HOST = re.compile(r"[A-Za-z0-9.-]+(:\d{1,5})?|\[[0-9A-Fa-f:.]+\](:\d{1,5})?")
PREFIX = re.compile(r"(/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*/?")


def behind_proxies(app: ASGIApp, trusted: str) -> ASGIApp:
    """The app with the X-Forwarded-* headers of trusted peers applied (this module's outside:
    it must see the peer's own address, which uvicorn's middleware replaces by the client's)."""
    return ForwardedHostAndPrefix(ProxyHeadersMiddleware(app, trusted), trusted)


class ForwardedHostAndPrefix:
    def __init__(self, app: ASGIApp, trusted: str) -> None:
        self.app = app
        self.trusted = Peers(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] == "http" and client and client[0] in self.trusted:
            scope = _forwarded(scope)
        await self.app(scope, receive, send)


class Peers:
    """Addresses and networks, or `*` for any peer."""

    def __init__(self, spec: str) -> None:
        items = [item.strip() for item in spec.split(",") if item.strip()]
        self.anyone = "*" in items
        self.networks = [ipaddress.ip_network(item, strict=False) for item in items if item != "*"]

    def __contains__(self, host: str) -> bool:
        if self.anyone:
            return True
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self.networks)


def _first(scope: Scope, name: bytes) -> str | None:
    """The first (client-side) value of a header a chain of proxies may have appended to."""
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1").split(",")[0].strip()
    return None


def _forwarded(scope: Scope) -> Scope:
    scope = dict(scope)
    host = _first(scope, b"x-forwarded-host")
    if host and HOST.fullmatch(host):
        scope["headers"] = [(k, v) for k, v in scope["headers"] if k != b"host"] + [(b"host", host.encode())]
    prefix = _first(scope, b"x-forwarded-prefix")
    if prefix and PREFIX.fullmatch(prefix) and prefix.strip("/"):
        prefix = "/" + prefix.strip("/")
        raw = scope.get("raw_path") or scope["path"].encode()
        scope["root_path"] = unquote(prefix)
        scope["path"] = scope["root_path"] + scope["path"]
        scope["raw_path"] = prefix.encode() + raw
    return scope
