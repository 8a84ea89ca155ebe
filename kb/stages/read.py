"""Read a page file: detect its encoding, refuse what is not the text of a newspaper page."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from kb.errors import PageError

NAME = "kb.read.v1"
MAX_BYTES = 50 * 1024 * 1024
ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass(frozen=True)
class RawPage:
    id: str
    path: str
    source: str
    sha256: str
    encoding: str


def read_page(path: str | Path) -> RawPage:
    """Decode one page file, raising PageError with the reason when it cannot be used."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PageError(str(path), f"unreadable ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise PageError(str(path), f"too large ({len(data)} bytes, at most {MAX_BYTES})")
    if not data.strip():
        raise PageError(str(path), "empty file")
    if b"\x00" in data:
        raise PageError(str(path), "binary file (contains NUL bytes), not page text")
    source, encoding = _decode(str(path), data)
    if _cjk_count(source) < 20:
        raise PageError(str(path), "not a newspaper page (fewer than 20 Chinese characters)")
    return RawPage(path.stem, str(path), source, hashlib.sha256(data).hexdigest(), encoding)


def _decode(path: str, data: bytes) -> tuple[str, str]:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding.replace("-sig", "")
        except UnicodeDecodeError:
            continue
    raise PageError(path, "not valid UTF-8 or GB18030 text")


def _cjk_count(text: str) -> int:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
