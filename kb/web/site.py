"""Where the site is served, apart from the KB's base IRI.

The KB mints its IRIs under its base (`https://example.org/xc/person/史根治`); the server may
answer at any address (`http://127.0.0.1:8080/`, or behind a proxy). A request path under the
served root names the IRI under the base (`/person/史根治` -> `{base}person/史根治`). Pages link
with paths relative to the page itself (`../organization/…`), so they work at any address and
under any proxy prefix; headers and descriptions that need absolute URLs name the address the
client used (Host, and a trusted proxy's X-Forwarded-* headers: kb.web.forwarded).
"""
from __future__ import annotations

from fastapi import Request
from jinja2 import pass_context
from jinja2.runtime import Context

from kb.kinds import ENTITY_KINDS


def root_url(request: Request) -> str:
    """The absolute URL of the served root as the client addressed it, ending in '/'."""
    return str(request.base_url)


def route_path(request: Request) -> str:
    """The request's path under the served root (a proxy's prefix removed), as sent: percent-encoded."""
    raw = request.scope.get("raw_path") or request.url.path.encode()
    prefix = request.scope.get("root_path", "").encode()
    if prefix and raw.startswith(prefix + b"/"):
        raw = raw[len(prefix):]
    return raw.decode("ascii", "replace")


def up(request: Request) -> str:
    """The relative path from the page requested to the served root: './', '../', '../../'…
    (counted on the path as sent: a %2F inside a name is no step for the browser either)."""
    depth = route_path(request).lstrip("/").count("/")
    return "../" * depth or "./"


def served_at(iri: str, base: str, root: str) -> str:
    """Where an IRI of the KB is served, under `root` (absolute, or relative from a page);
    an IRI outside the base is its own address."""
    return root + iri[len(base):] if iri.startswith(base) else iri


@pass_context
def href(context: Context, iri: str) -> str:
    """Jinja filter: the link to an IRI from the page being rendered."""
    return served_at(iri, context["base"], context["root"])


def render(request: Request, template: str, **data) -> str:
    """A page from a template, with what every page links with: the root (relative to the page
    requested) and the KB's base, and the kinds of entities (the site's navigation)."""
    state = request.app.state
    return state.templates.get_template(template).render(
        root=up(request), base=state.settings.base, kinds=ENTITY_KINDS, **data)
