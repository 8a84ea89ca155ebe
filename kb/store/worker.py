"""A query worker process (see kb.store.pool): reads jobs on stdin, answers in frames on stdout."""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kb import results
from kb.errors import ConfigError, KbError, QueryError
from kb.store.engine import execute, on_big_stack
from kb.store.frames import CHUNK, FIRST_CHUNK, HEADER, Job, error_to_json, frame, resident_mb, write_frame
from kb.store.memory import load_in_memory
from kb.store.snapshots import open_store_read_only
from kb.web.conneg import GRAPH_TYPES, RESULTS_TYPES, negotiate


class FrameWriter:
    """A file-like object for the serializers: sends the result in D frames, the head with the
    first one; holds back FIRST_CHUNK bytes so that a small result is complete before it starts,
    and then goes in one write with its end (the server answers it without streaming)."""

    def __init__(self, out: BinaryIO, head: dict) -> None:
        self.out, self.head = out, head
        self.buffer = bytearray()
        self.started = False

    def write(self, data: bytes) -> int:
        self.buffer += data
        if len(self.buffer) >= (CHUNK if self.started else FIRST_CHUNK):
            self.out.write(self._frames())
            self.out.flush()
        return len(data)

    def flush(self) -> None:
        """Nothing: a serializer's flush at its end must not send a small result apart from its
        end (frames go when a chunk is full, and in `finish`)."""

    def finish(self, rows: int, truncated: bool) -> None:
        """The rest of the result and the F frame, in one write."""
        done = json.dumps({"rows": rows, "truncated": truncated}).encode()
        self.out.write(self._frames() + frame(b"F", done))
        self.out.flush()

    def _frames(self) -> bytes:
        frames = b""
        if not self.started:
            frames = frame(b"H", json.dumps(self.head).encode())
            self.started = True
        if self.buffer or frames:  # the head always comes with a D frame, even an empty one
            frames += frame(b"D", bytes(self.buffer))
            self.buffer.clear()
        return frames


class JobRunner:
    """The worker's store (reopened when the job's version changes) and the jobs run over it."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.key: tuple[str, str] | None = None
        self.store: ox.Store | None = None

    def open(self, job: Job) -> ox.Store:
        if self.key != (job.store, job.version) or self.store is None:
            self.store = None  # let go of the old snapshot (or its copy) first
            self.store = self._load(job) if job.in_memory else open_store_read_only(job.store)
            self.key = (job.store, job.version)
        return self.store

    def _load(self, job: Job) -> ox.Store:
        """The store's in-memory copy; the L frame tells the pool how big the worker is with it."""
        started = time.perf_counter()
        store = load_in_memory(Path(job.store))
        report = {"store": job.store, "version": job.version, "rss_mb": resident_mb(),
                  "seconds": round(time.perf_counter() - started, 3)}
        write_frame(self.out, b"L", json.dumps(report).encode())
        self.out.flush()
        return store

    def preload(self, job: Job) -> None:
        """Load ahead of the first query; a failure is reported by that query, which tries again."""
        try:
            self.open(job)
        except KbError as exc:
            print(f"kb query worker: {exc}", file=sys.stderr)

    def run(self, job: Job, again: bool = True) -> None:
        writer = None
        try:
            result = execute(self.open(job), job.query, job.default_graphs, job.named_graphs)
            fmt, media = choose_format(job, result)
            kind = "graph" if isinstance(result, ox.QueryTriples) else \
                "boolean" if isinstance(result, ox.QueryBoolean) else "solutions"
            writer = FrameWriter(self.out, {"media": media, "kind": kind})
            writer.finish(*results.write(result, fmt, writer, job.max_rows))
        except KbError as exc:
            write_frame(self.out, b"E", error_to_json(exc))
        except OSError as exc:
            if again and (writer is None or not writer.started):
                # a read-only store opened before the writer compacted may name files gone since:
                # open it anew (it then sees the files that are there) and run the query again
                self.store = None
                return self.run(job, again=False)
            write_frame(self.out, b"E", error_to_json(QueryError(f"query failed: {exc}")))
        except (ValueError, RuntimeError, SyntaxError, TypeError) as exc:  # raised mid-evaluation
            write_frame(self.out, b"E", error_to_json(QueryError(f"query failed: {exc}")))
        self.out.flush()


def choose_format(job: Job, result) -> tuple[str, str]:
    """The result's format and media type: negotiated as the SPARQL Protocol says, or for `kb query`
    its --format, checked against the kind of result (TSV or Turtle when none is named)."""
    graph = isinstance(result, ox.QueryTriples)
    if not job.command_line:
        offers = GRAPH_TYPES if graph else RESULTS_TYPES
        fmt = negotiate(job.accept, offers, job.explicit, default="ttl" if graph else "json")
        return fmt, offers[fmt]
    fmt = job.explicit or ("ttl" if graph else "tsv")
    if graph and fmt not in results.GRAPH_FORMATS:
        raise ConfigError(f"--format {fmt} is for SELECT/ASK results; CONSTRUCT/DESCRIBE give "
                          + ", ".join(results.GRAPH_FORMATS))
    if not graph and fmt not in results.RESULT_FORMATS:
        raise ConfigError(f"--format {fmt} is for CONSTRUCT/DESCRIBE results; SELECT/ASK give "
                          + ", ".join(results.RESULT_FORMATS))
    return fmt, ""


def _read_job(source: BinaryIO) -> tuple[bytes, Job] | None:
    header = source.read(HEADER.size)
    if len(header) < HEADER.size:
        return None  # the server closed the pipe: exit
    size, kind = HEADER.unpack(header)
    return bytes([kind]), Job(**json.loads(source.read(size)))


def main() -> None:
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints must not corrupt the frames
    on_big_stack(_serve, JobRunner(out), sys.stdin.buffer)


def _serve(worker: JobRunner, source: BinaryIO) -> None:
    while (request := _read_job(source)) is not None:
        kind, job = request
        if kind == b"O":
            worker.preload(job)
        else:
            worker.run(job)


if __name__ == "__main__":
    main()
