"""Read a page file: detect its encoding, refuse what is not the text of a newspaper page.

Encodings: UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark, else
GB18030 (a superset of GBK and GB2312).  Strict UTF-8 is tried first: GBK text is practically
never valid UTF-8, while any byte string decodes as something in GB18030, so binary data is
refused before decoding (NUL bytes, control characters) and after (too few Chinese characters).
"""
from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from kb.errors import PageError

NAME = "kb.read.v2"
MAX_BYTES = 50 * 1024 * 1024
MIN_HAN = 20  # a newspaper page prints at least this many Chinese characters
_CONTROL = re.compile(rb"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ENOUGH_HAN = re.compile(rf"(?:[^\u3400-\u9fff]*[\u3400-\u9fff]){{{MIN_HAN}}}")
_UTF16 = {codecs.BOM_UTF16_LE: "utf-16", codecs.BOM_UTF16_BE: "utf-16"}


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
    source, encoding = decode(str(path), data)
    if not _ENOUGH_HAN.match(source, 0, 200_000):
        raise PageError(str(path), f"not a newspaper page (fewer than {MIN_HAN} Chinese characters)")
    return RawPage(path.stem, str(path), source, hashlib.sha256(data).hexdigest(), encoding)


def decode(path: str, data: bytes) -> tuple[str, str]:
    """(text, encoding name) of a page file's bytes; PageError when they are not text."""
    if not data.strip():
        raise PageError(path, "empty file")
    if data[:2] in _UTF16:
        return _strict(path, data, "utf-16"), "utf-16"
    if b"\x00" in data or len(_CONTROL.findall(data[:65536])) > 8:
        raise PageError(path, "binary file (control bytes), not page text")
    if data.startswith(codecs.BOM_UTF8):
        return _strict(path, data, "utf-8-sig"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _strict(path, data, "gb18030"), "gb18030"


def _strict(path: str, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise PageError(path, f"not valid {encoding.upper()} text (bad bytes at offset {exc.start}); "
                              "page files must be UTF-8 or GB18030/GBK") from None
