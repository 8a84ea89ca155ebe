"""/dumps/: the dumps written at build time, gzipped, and their listing.

    /dumps/             the listing (manifest): HTML for browsers, JSON otherwise
    /dumps/manifest.json  the manifest as written by the build
    /dumps/kb.ttl.gz    the file as stored: a download (application/gzip)
    /dumps/kb.ttl       the same bytes as text/turtle with Content-Encoding: gzip
                        (decompressed on the fly for a client that does not accept gzip)

ETags are the files' SHA-256 from the manifest: strong, the same for the same data.
"""
from __future__ import annotations

import gzip
from dataclasses import asdict
from pathlib import Path
from typing import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse

from kb.dumps.files import MANIFEST, DumpFile, read_manifest
from kb.errors import NotFound
from kb.web import caching, site
from kb.web.conneg import HTML, negotiate
from kb.web.readable import HEAD

router = APIRouter()

LISTING = {**HTML, "json": "application/json"}
CHUNK = 1 << 16


def _dumps(request: Request) -> tuple[Path, list[DumpFile]]:
    folder = request.app.state.backend.dumps_dir()
    files = read_manifest(folder) if folder is not None else []
    if not files:
        raise NotFound("this server has no dumps: they are written by `kb build` (not served with --data; with "
                       "--endpoint the data is in that store: dump it there, or query it at /sparql)")
    return folder, files


@router.get("/dumps", include_in_schema=False)
@router.get("/dumps/")
async def listing(request: Request) -> Response:
    folder, files = _dumps(request)
    fmt = negotiate(request.headers.get("accept"), LISTING, request.query_params.get("format"), default="json")
    headers = {"Vary": "Accept"}
    if fmt == "json":
        root = site.root_url(request)
        return JSONResponse({"files": [_describe(f, root) for f in files]}, headers=headers)
    return HTMLResponse(site.render(request, "dumps.html", title="数据下载", files=files), headers=headers)


def _describe(file: DumpFile, root: str) -> dict:
    """A manifest line with the URLs of the file, as stored and decoded, where the client found them."""
    return {**asdict(file), "url": f"{root}dumps/{file.name}", "decoded_url": f"{root}dumps/{_plain_name(file)}"}


def _plain_name(file: DumpFile) -> str:
    return file.name.removesuffix(".gz")


@router.get("/dumps/manifest.json")
async def manifest(request: Request) -> Response:
    """The manifest as the build wrote it: each file's size, uncompressed size, SHA-256 and statements."""
    folder, _ = _dumps(request)
    return FileResponse(folder / MANIFEST, media_type="application/json", headers={"Cache-Control": "no-cache"})


@router.get("/dumps/{name}")
async def download(name: str, request: Request) -> Response:
    folder, files = _dumps(request)
    by_name = {f.name: f for f in files} | {_plain_name(f): f for f in files}
    file = by_name.get(name)
    if file is None:
        raise NotFound(f"no dump named {name!r}; available: {', '.join(sorted(by_name))}")
    path = folder / file.name
    as_stored = name == file.name or caching.accepts_gzip(request.headers.get("accept-encoding", ""))
    tag = f'"{file.sha256}"' if as_stored else f'"{file.sha256}-identity"'
    headers = {"ETag": tag, "Vary": "Accept-Encoding", "Cache-Control": "no-cache"}
    if _tags(request.headers.get("if-none-match", "")) & {tag, "*"}:
        return Response(status_code=304, headers=headers)
    if name == file.name:
        return FileResponse(path, media_type="application/gzip", filename=file.name, headers=headers)
    if as_stored:
        headers["Content-Encoding"] = "gzip"
        return FileResponse(path, media_type=file.media_type, headers=headers)
    headers["Content-Length"] = str(file.uncompressed_bytes)
    body = iter(()) if request.scope.get(HEAD) else _decompressed(path)
    return StreamingResponse(body, media_type=file.media_type, headers=headers)


def _tags(if_none_match: str) -> set[str]:
    return {t.strip().removeprefix("W/") for t in if_none_match.split(",") if t.strip()}


def _decompressed(path: Path) -> Iterator[bytes]:
    with gzip.open(path, "rb") as data:
        while chunk := data.read(CHUNK):
            yield chunk
