"""Dump files assembled from separately compressed parts are ordinary gzip files."""
from __future__ import annotations

import gzip
import io
import subprocess
import zlib

import pytest

from kb.dumps.deflate import GzipWriter, compress

PIECES = [
    [b"hello\n"],
    [b"", b"one\n", b"", b"two\n"],
    ["中文 的 内容\n".encode() * 5000, b"x" * 70000, bytes(range(256)) * 300],
    [],
]


def _assembled(pieces: list[bytes]) -> bytes:
    out = io.BytesIO()
    writer = GzipWriter(out)
    for piece in pieces:
        writer.add(compress(piece, statements=1))
    writer.close()
    return out.getvalue()


@pytest.mark.parametrize("pieces", PIECES)
def test_deflate_parts_make_one_gzip_member(pieces):
    data = _assembled(pieces)
    whole = b"".join(pieces)
    assert gzip.decompress(data) == whole
    # one member: zlib reading a single gzip stream reaches its end with nothing left over
    reader = zlib.decompressobj(31)
    assert reader.decompress(data) == whole and reader.eof and reader.unused_data == b""


def test_deflate_gunzip_checks_the_combined_crc():
    data = _assembled(PIECES[2])
    result = subprocess.run(["gzip", "-t"], input=data, capture_output=True)
    assert result.returncode == 0, result.stderr
    broken = data[:-8] + bytes([data[-8] ^ 1]) + data[-7:]  # one bit of the CRC flipped
    assert subprocess.run(["gzip", "-t"], input=broken, capture_output=True).returncode != 0


def test_deflate_writer_counts_what_it_wrote():
    out = io.BytesIO()
    writer = GzipWriter(out)
    for piece in PIECES[1]:
        writer.add(compress(piece, statements=2))
    writer.close()
    assert (writer.bytes, writer.uncompressed_bytes) == (len(out.getvalue()), len(b"one\ntwo\n"))
    assert writer.statements == 4  # empty parts hold nothing
