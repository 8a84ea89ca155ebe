"""The web app, built by a factory: nothing is read from the environment at import time, and its
state (the data's backend, the query pool, the page index) is all made here."""
from __future__ import annotations

from pathlib import Path

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from kb import __version__
from kb.config import Settings
from kb.errors import BadRequest, KbError
from kb.store.backend import Backend
from kb.store.pool import Pool
from kb.web import dumps, entities, home, site, sparql, void
from kb.web.index import PerVersion
from kb.web.readable import Readable

TEMPLATES = Path(__file__).parent / "templates"


def create_app(settings: Settings, backend: Backend) -> FastAPI:
    app = FastAPI(title="kb", version=__version__, docs_url="/api", redoc_url=None)
    app.state.settings = settings
    app.state.backend = backend
    app.state.kb_index = PerVersion()
    app.state.sparql_pool = Pool(sparql.WORKERS, settings.query_timeout, sparql.WORKER_MEMORY_MB)
    # threads for queries waiting for a worker, apart from those that serve the pages: a flood
    # of queries waiting for a worker must not starve the rest of the site
    app.state.sparql_threads = anyio.CapacityLimiter(sparql.WAITING)
    app.state.sparql_store = None  # (version, path of its store): finding it cost more than a small query
    # auto_reload off: a stat of the template file on every page was ~18% of an HTML page's time
    app.state.templates = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(),
                                      auto_reload=False)
    app.state.templates.filters["href"] = site.href
    app.add_middleware(Readable)
    app.add_exception_handler(KbError, _error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.include_router(sparql.router)
    app.include_router(home.router)
    app.include_router(dumps.router)
    app.include_router(void.router)
    app.include_router(entities.router)  # last: it answers every other path
    return app


async def _invalid(request: Request, exc: RequestValidationError) -> Response:
    """FastAPI's parameter checks answer in the same shape as every other error."""
    problems = "; ".join(f"{'.'.join(map(str, e['loc'][1:])) or e['loc'][0]}: {e['msg']}" for e in exc.errors())
    return await _error(request, BadRequest(f"bad request parameter: {problems}"))


async def _error(request: Request, exc: KbError) -> Response:
    """One error shape: JSON for machines, a short HTML page for browsers."""
    status = exc.http_status
    if "text/html" in request.headers.get("accept", ""):
        page = site.render(request, "error.html", status=status, message=str(exc))
        return HTMLResponse(page, status_code=status)
    return JSONResponse({"error": type(exc).__name__, "status": status, "message": str(exc)}, status_code=status)
