"""Queries run in a small pool of worker processes, so that they can really be stopped.

pyoxigraph has no query timeout and a thread cannot be killed, so each query runs in a
worker process that opens the store read-only. The worker writes the serialized result back
in frames; when the deadline passes the server kills the worker and starts a fresh one.

Frames on the worker's stdout: 4-byte length, 1-byte kind, payload.
    H  head (JSON: media type, kind of result)  -- sent with the first data, or not at all
    D  a chunk of the serialized result
    E  error (JSON: error class, message)
    F  finished (JSON: rows written, truncated)
Requests on its stdin: the same framing, kind Q, payload JSON (see `Job`).
"""
from __future__ import annotations

import json
import os
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import BinaryIO, Iterator

from kb.errors import KbError, QueryError, QueryTimeout, StoreError

HEADER = struct.Struct(">IB")
WATCH = 0.2  # seconds between two looks of the watchdog at a running query's time and memory
PAGE = os.sysconf("SC_PAGE_SIZE")
FIRST_CHUNK = 64 * 1024  # buffered before the response starts, so small results get a real status
CHUNK = 256 * 1024


@dataclass(frozen=True)
class Job:
    query: str
    store: str  # path of the on-disk store
    version: str  # changes when the data changes: the worker then reopens the store
    accept: str | None = None
    explicit: str | None = None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    max_rows: int | None = None


@dataclass(frozen=True)
class Head:
    media: str
    kind: str  # solutions, boolean or graph


def write_frame(out: BinaryIO, kind: bytes, payload: bytes) -> None:
    out.write(HEADER.pack(len(payload), kind[0]) + payload)


def _read_exact(fd: int, size: int, deadline: float) -> bytes:
    data = bytearray()
    while len(data) < size:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            raise TimeoutError
        chunk = os.read(fd, size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return bytes(data)


class Worker:
    """One worker process; used by one query at a time."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "kb.web.worker"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, bufsize=0)

    def send(self, job: Job) -> None:
        write_frame(self.proc.stdin, b"Q", json.dumps(asdict(job)).encode())

    def read(self, deadline: float) -> tuple[bytes, bytes]:
        """The next frame (kind, payload); TimeoutError at the deadline, EOFError if the worker died."""
        fd = self.proc.stdout.fileno()
        size, kind = HEADER.unpack(_read_exact(fd, HEADER.size, deadline))
        return bytes([kind]), _read_exact(fd, size, deadline)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def rss_mb(self) -> float:
        """Resident memory of the worker (0 when unknown)."""
        try:
            with open(f"/proc/{self.proc.pid}/statm", "rb") as statm:
                return int(statm.read().split()[1]) * PAGE / 2**20
        except (OSError, ValueError, IndexError):
            return 0.0

    def crashed(self) -> bool:
        """Whether the worker died of a stack overflow or a bad access (not killed from outside)."""
        try:
            code = self.proc.wait(1)
        except subprocess.TimeoutExpired:
            return False
        return code in (-signal.SIGSEGV, -signal.SIGBUS, -signal.SIGABRT)

    def stop(self) -> None:
        """Kill the process only: safe while another thread reads its pipe (it then meets the end)."""
        self.proc.kill()

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()
        self.proc.stdin.close()
        self.proc.stdout.close()


class Pool:
    """At most `size` workers, started on demand and reused; a killed one is replaced. A query
    that makes its worker hold more than `memory_mb` is stopped."""

    def __init__(self, size: int, timeout: float, memory_mb: float | None = None) -> None:
        self.size, self.timeout, self.memory_mb = size, timeout, memory_mb
        self._idle: list[Worker] = []
        self._busy = 0
        self._cond = threading.Condition()

    def acquire(self, deadline: float) -> Worker:
        with self._cond:
            while not self._idle and self._busy >= self.size:
                if not self._cond.wait(max(0.0, deadline - time.monotonic())):
                    raise QueryTimeout(f"the server is busy: no query worker was free within "
                                       f"{self.timeout:g} s; try again later")
            self._busy += 1
            while self._idle:
                worker = self._idle.pop()
                if worker.alive():
                    return worker
                worker.kill()  # died while idle: reap it and close its pipes
        try:
            return Worker()
        except OSError as exc:
            self.release(None)
            raise StoreError(f"cannot start a query worker: {exc}") from None

    def release(self, worker: Worker | None) -> None:
        """Give a worker back (None when it was killed)."""
        with self._cond:
            self._busy -= 1
            if worker is not None and self.memory_mb and worker.rss_mb() > self.memory_mb / 2:
                worker.kill()  # a big query left it big: a fresh worker starts small again
                worker = None
            if worker is not None:
                self._idle.append(worker)
            self._cond.notify()


class Run:
    """One query on one worker: `start()` waits for the head (or the error), then `chunks()`
    yields the serialized result. Both are blocking: call them from a thread.

    The time limit covers the whole run, streaming included, and a watchdog enforces it (and the
    memory limit) even when nobody reads: a client that stops reading its result cannot hold a
    worker past the limit."""

    def __init__(self, pool: Pool, job: Job) -> None:
        self.pool, self.job = pool, job
        self.deadline = time.monotonic() + pool.timeout
        self.worker: Worker | None = None
        self.first: bytes = b""
        self.rows, self.truncated = 0, False
        self._lock = threading.Lock()
        self._stopped: KbError | None = None  # why the watchdog stopped the worker
        self._ended = threading.Event()

    def start(self) -> Head:
        self.worker = self.pool.acquire(self.deadline)
        threading.Thread(target=self._watch, name="kb-query-watchdog", daemon=True).start()
        try:
            self.worker.send(self.job)
        except OSError:
            self._end(kill=True)
            raise StoreError("the query worker stopped unexpectedly; try again") from None
        kind, payload = self._next()
        if kind != b"H":
            self._unexpected(kind, payload)
        head = Head(**json.loads(payload))
        kind, payload = self._next()
        if kind != b"D":
            self._unexpected(kind, payload)
        self.first = payload
        return head

    def chunks(self) -> Iterator[bytes]:
        yield self.first
        while True:
            kind, payload = self._next()
            if kind == b"D":
                yield payload
            elif kind == b"F":
                done = json.loads(payload)
                self.rows, self.truncated = done["rows"], done["truncated"]
                self._end(kill=False)
                return
            else:
                self._unexpected(kind, payload)

    def abort(self) -> None:
        """Stop the query wherever it is (client gone, or an error mid-stream)."""
        if self.worker is not None:
            self._end(kill=True)

    def _watch(self) -> None:
        """Until the run ends: past the deadline or the memory limit, stop the worker and give
        its place in the pool to others now; whoever reads the result then meets the end of
        the worker's output and reports why."""
        while not self._ended.wait(min(WATCH, max(0.0, self.deadline - time.monotonic()))):
            with self._lock:
                if self.worker is None:
                    return
                if time.monotonic() >= self.deadline:
                    self._stopped = self._timeout()
                elif self.pool.memory_mb and self.worker.rss_mb() > self.pool.memory_mb:
                    self._stopped = QueryError(f"the query needed more than {self.pool.memory_mb:g} MB of memory "
                                               "and was stopped; narrow it down or add a LIMIT")
                else:
                    continue
                self.worker.stop()
            self.pool.release(None)
            return

    def _timeout(self) -> QueryTimeout:
        return QueryTimeout(f"the query ran longer than the time limit of {self.pool.timeout:g} s "
                            "and was stopped; narrow it down or add a LIMIT")

    def _next(self) -> tuple[bytes, bytes]:
        try:
            return self.worker.read(self.deadline)
        except TimeoutError:
            self._end(kill=True)
            raise self._timeout() from None
        except (EOFError, OSError):
            if self._stopped is not None:
                self._end(kill=True)
                raise self._stopped from None
            crashed = self.worker.crashed()
            self._end(kill=True)
            if crashed:  # the same query would crash it again: the query is at fault, not the server
                raise QueryError("the query crashed the query engine (its expressions or paths nest too "
                                 "deep?); simplify it") from None
            raise StoreError("the query worker stopped unexpectedly (out of memory?); try again") from None

    def _unexpected(self, kind: bytes, payload: bytes) -> None:
        if kind == b"E":
            self._end(kill=False)
            raise error_from_json(payload)
        self._end(kill=True)
        raise StoreError(f"the query worker answered out of order ({kind!r})")

    def _end(self, kill: bool) -> None:
        with self._lock:
            worker, self.worker = self.worker, None
            released = self._stopped is not None  # by the watchdog, which stopped the worker too
        self._ended.set()
        if worker is None:
            return
        if kill or released:
            worker.kill()
        if not released:
            self.pool.release(None if kill else worker)


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
