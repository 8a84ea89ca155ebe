"""ETag and Last-Modified from the data's version, the 304 answer to revalidation, and the
cache of rendered pages.

A page changes only when the data does (a build or add switches the snapshot), so the
validators come from the backend's version, not from the body: a 304 costs no query.
"""
from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache

from fastapi import Request
from fastapi.responses import Response
from isal import igzip

_first_seen: dict[str, float] = {}  # version -> when this process first saw it (data without a snapshot)
_completed: dict[str, float | None] = {}  # version -> when its snapshot was completed (one stat per version)


def etag(backend, *parts: object) -> str:
    """Weak: equal for the same data and representation, not promised byte for byte."""
    return etag_of(backend.version(), *parts)


def etag_of(version: str, *parts: object) -> str:
    """etag() for a version already read (a request reads it once: each read is a syscall)."""
    digest = hashlib.sha256("\x1f".join(map(str, (version, *parts))).encode()).hexdigest()
    return f'W/"{digest[:20]}"'


def last_modified(backend, version: str | None = None) -> datetime:
    """When the served snapshot was completed; for plain RDF files, when the server loaded them.
    Looked up once per version: resolving the snapshot on every request cost ~40% of server CPU."""
    version = version or backend.version()
    if version not in _completed:
        _completed[version] = _completed_at(backend)
    stamp = _completed[version]
    if stamp is None:
        stamp = _first_seen.setdefault(version, time.time())
    return datetime.fromtimestamp(int(stamp), tz=timezone.utc)


def _completed_at(backend) -> float | None:
    try:
        dumps = backend.dumps_dir()
        return dumps.parent.stat().st_mtime if dumps is not None else None
    except OSError:
        return None


def headers(tag: str, modified: datetime, vary: str = "Accept") -> dict[str, str]:
    return {"ETag": tag, "Last-Modified": _http_date(modified), "Vary": vary, "Cache-Control": "no-cache"}


@lru_cache(maxsize=16)
def _http_date(moment: datetime) -> str:
    return format_datetime(moment, usegmt=True)


def not_modified(request: Request, tag: str, modified: datetime) -> bool:
    """RFC 9110 13.2.2: If-None-Match decides when present; else If-Modified-Since."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        wanted = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in wanted or tag.removeprefix("W/") in wanted
    since = request.headers.get("if-modified-since")
    if since is None:
        return False
    try:
        return modified <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False  # an unreadable date is ignored, as the RFC says


@dataclass(frozen=True)
class CachedPage:
    """A rendered page as kept and sent: gzipped once (~5x smaller, so a cache holds ~5x more
    pages; sent as is to clients that accept gzip), and whether a next page follows (its Link
    header names the address each client used, so it is made per request)."""

    gzipped: bytes
    has_next: bool

    @classmethod
    def of(cls, body: bytes, has_next: bool) -> CachedPage:
        return cls(igzip.compress(body, compresslevel=1, mtime=0), has_next)

    @property
    def size(self) -> int:
        return len(self.gzipped)


class Bodies:
    """Rendered pages of the current version, least recently used dropped beyond a byte budget.
    Pages are pure functions of (data version, IRI, representation), so a repeat costs no lookup."""

    def __init__(self, budget: int) -> None:
        self._budget = budget
        self._size = 0
        self._items: OrderedDict[tuple, CachedPage] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> CachedPage | None:
        with self._lock:
            page = self._items.get(key)
            if page is not None:
                self._items.move_to_end(key)
            return page

    def put(self, key: tuple, page: CachedPage) -> None:
        if page.size > self._budget // 16:
            return  # one huge page must not flush everything else
        with self._lock:
            if key in self._items:
                return
            self._items[key] = page
            self._size += page.size
            while self._size > self._budget:
                _, old = self._items.popitem(last=False)
                self._size -= old.size


def bodies(request: Request) -> Bodies:
    state = request.app.state
    if not hasattr(state, "page_bodies"):
        state.page_bodies = Bodies(state.settings.page_cache_mb * 2**20)
    return state.page_bodies


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header allows gzip (RFC 9110 12.5.3: q=0 refuses it)."""
    for part in accept_encoding.lower().split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip() in ("gzip", "x-gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def send(page: CachedPage, gzipped: bool, media: str, headers: dict[str, str]) -> Response:
    """The page as the client takes it: the kept gzip bytes, or decompressed (~10 us for 8 KB)."""
    if gzipped:
        return Response(page.gzipped, media_type=media, headers={**headers, "Content-Encoding": "gzip"})
    return Response(igzip.decompress(page.gzipped), media_type=media, headers=headers)
