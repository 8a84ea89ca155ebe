"""What the query pool (kb.store.pool) and its worker processes (kb.store.worker) say to each other.

Frames on the worker's stdout: 4-byte length, 1-byte kind, payload.
    H  head (JSON: media type, kind of result)  -- sent with the first data, or not at all
    D  a chunk of the serialized result
    E  error (JSON: error class, message)
    F  finished (JSON: rows written, truncated)
    L  loaded (JSON: store, version, rss_mb, seconds)  -- in-memory mode, after a version's copy is loaded
Requests on its stdin: the same framing, payload JSON (see `Job`): kind Q a query, kind O only
open (load) the job's store, so that a worker started ahead of its first query loads meanwhile.
"""
from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass, field
from typing import BinaryIO

from kb.errors import KbError

HEADER = struct.Struct(">IB")
PAGE = os.sysconf("SC_PAGE_SIZE")
FIRST_CHUNK = 64 * 1024  # buffered before the response starts, so small results get a real status
CHUNK = 256 * 1024


@dataclass(frozen=True)
class Job:
    query: str
    store: str  # path of the on-disk store
    version: str  # changes when the data changes: the worker then reopens the store
    accept: str | None = None
    explicit: str | None = None  # a format named by the request, or by `kb query --format`
    command_line: bool = False  # for `kb query`: TSV or Turtle unless `explicit`, its --format checked
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    max_rows: int | None = None
    in_memory: bool = False  # answer from an in-memory copy of the store (loaded once per version)


@dataclass(frozen=True)
class Head:
    media: str
    kind: str  # solutions, boolean or graph


def frame(kind: bytes, payload: bytes) -> bytes:
    return HEADER.pack(len(payload), kind[0]) + payload


def write_frame(out: BinaryIO, kind: bytes, payload: bytes) -> None:
    out.write(frame(kind, payload))


def resident_mb(pid: int | str = "self") -> float:
    """Resident memory of a process (this one by default); 0 when unknown."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * PAGE / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def error_to_json(exc: KbError) -> bytes:
    return json.dumps({"error": type(exc).__name__, "message": str(exc)}).encode()


def error_from_json(payload: bytes) -> KbError:
    """The worker's error as the same KbError subclass (errors cross the pipe by name)."""
    import kb.errors

    data = json.loads(payload)
    cls = getattr(kb.errors, data["error"], KbError)
    if not (isinstance(cls, type) and issubclass(cls, KbError)):
        cls = KbError
    return cls(data["message"])
