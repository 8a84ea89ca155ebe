"""The deadline that really stops a query: queries run in a small pool of worker processes.

pyoxigraph has no query timeout and a thread cannot be killed, so each query runs in a
worker process (kb.store.worker) that opens the store read-only and writes the serialized
result back in frames (kb.store.frames); when the deadline passes the pool kills the worker and
starts a fresh one. The SPARQL endpoint and `kb query` both run their queries here.

In-memory mode (`Job.in_memory`) each worker holds a copy of the store: the memory limit then
counts what a query adds above the worker's size once loaded (reported in the L frame), and is
not applied while it loads.
"""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from typing import AsyncIterator, BinaryIO

import anyio

from kb.errors import KbError, QueryError, QueryTimeout, StoreError
from kb.store.engine import query_timeout
from kb.store.frames import HEADER, Head, Job, error_from_json, resident_mb, write_frame

WATCH = 0.2  # seconds between two looks of the watchdog at the running queries' time and memory
READ = 1024 * 1024  # bytes asked of the pipe at once: a small result's frames come in one read


class Worker:
    """One worker process; used by one query at a time."""

    def __init__(self, preload: Job | None = None) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "kb.store.worker"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, bufsize=0)
        self._buffer = bytearray()  # read from the pipe, not yet taken as frames
        self.wanted: tuple[str, str] | None = None  # the in-memory copy asked of the worker
        self.loaded: tuple[str, str] | None = None  # the in-memory copy it reported loaded
        self.base_mb = 0.0  # its resident memory once loaded: what a query adds is counted above it
        if preload is not None:
            self._expect(preload)
            write_frame(self.proc.stdin, b"O", json.dumps(asdict(preload)).encode())

    def send(self, job: Job) -> None:
        self._expect(job)
        write_frame(self.proc.stdin, b"Q", json.dumps(asdict(job)).encode())

    def _expect(self, job: Job) -> None:
        self.wanted = (job.store, job.version) if job.in_memory else None

    @property
    def loading(self) -> bool:
        return self.wanted is not None and self.wanted != self.loaded

    def query_mb(self) -> float:
        """Memory the running query holds: the worker's above its loaded copy (0 while it loads)."""
        return 0.0 if self.loading else self.rss_mb() - self.base_mb

    async def read(self, deadline: float) -> tuple[bytes, bytes]:
        """The next frame (kind, payload); TimeoutError at the deadline, EOFError if the worker died.
        Waits on the event loop: a thread to wait on cost more than a small query."""
        while True:
            while (frame := self._frame()) is None:
                with anyio.fail_after(max(0.0, deadline - time.monotonic())):
                    await anyio.wait_readable(self.proc.stdout.fileno())
                chunk = os.read(self.proc.stdout.fileno(), READ)  # readable: does not block
                if not chunk:
                    raise EOFError
                self._buffer += chunk
            if frame[0] != b"L":
                return frame
            self._loaded(json.loads(frame[1]))

    def _loaded(self, report: dict) -> None:
        self.loaded, self.base_mb = (report["store"], report["version"]), report["rss_mb"]

    def ready(self) -> bool:
        """Whether more output is there to read without waiting."""
        return bool(self._buffer) or bool(select.select([self.proc.stdout.fileno()], [], [], 0)[0])

    def _frame(self) -> tuple[bytes, bytes] | None:
        if len(self._buffer) < HEADER.size:
            return None
        size, kind = HEADER.unpack_from(self._buffer)
        end = HEADER.size + size
        if len(self._buffer) < end:
            return None
        payload = bytes(self._buffer[HEADER.size:end])
        del self._buffer[:end]
        return bytes([kind]), payload

    def alive(self) -> bool:
        return self.proc.poll() is None

    def rss_mb(self) -> float:
        """Resident memory of the worker (0 when unknown)."""
        return resident_mb(self.proc.pid)

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
    that makes its worker hold more than `memory_mb` is stopped. One watchdog thread looks at
    every running query (a thread per query cost more than a small query itself)."""

    def __init__(self, size: int, timeout: float, memory_mb: float | None = None) -> None:
        self.size, self.timeout, self.memory_mb = size, timeout, memory_mb
        self._idle: list[Worker] = []
        self._busy = 0
        self._cond = threading.Condition()
        self._running: set[Run] = set()
        self._watchdog: threading.Thread | None = None

    def acquire(self, deadline: float) -> Worker:
        with self._cond:
            while not self._idle and self._busy >= self.size:
                if not self._cond.wait(max(0.0, deadline - time.monotonic())):
                    raise self._busy_error()
            if time.monotonic() >= deadline:  # too late to run: leave the worker to a query that can use it
                self._cond.notify()
                raise self._busy_error()
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

    def _busy_error(self) -> QueryTimeout:
        return QueryTimeout(f"the server is busy: no query worker was free within {self.timeout:g} s; "
                            "try again later")

    def idle(self) -> Worker | None:
        """An idle worker, taken without waiting and without starting one; None when there is none."""
        with self._cond:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive():
                    self._busy += 1
                    return worker
                worker.kill()  # died while idle: reap it and close its pipes
        return None

    def release(self, worker: Worker | None) -> None:
        """Give a worker back (None when it was killed)."""
        with self._cond:
            self._busy -= 1
            if worker is not None and self.memory_mb and worker.query_mb() > self.memory_mb / 2:
                worker.kill()  # a big query left it big: a fresh worker starts small again
                worker = None
            if worker is not None:
                self._idle.append(worker)
            self._cond.notify()

    def warm(self, job: Job) -> None:
        """Start a worker that loads `job`'s store now, ahead of the first query (in-memory mode)."""
        with self._cond:
            if self._idle or self._busy:
                return
            try:
                self._idle.append(Worker(preload=job))
            except OSError:
                return  # the first query starts a worker and reports what is wrong

    def close(self) -> None:
        """Stop the idle workers (a running query's worker ends with its run)."""
        with self._cond:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()

    def watch(self, run: Run) -> None:
        with self._cond:
            self._running.add(run)
            if self._watchdog is None:
                self._watchdog = threading.Thread(target=self._watch, name="kb-query-watchdog", daemon=True)
                self._watchdog.start()

    def unwatch(self, run: Run) -> None:
        with self._cond:
            self._running.discard(run)

    def _watch(self) -> None:
        """Every WATCH seconds while queries run, each is checked against its limits."""
        while True:
            time.sleep(WATCH)
            with self._cond:
                if not self._running:
                    self._watchdog = None
                    return
                running = list(self._running)
            for run in running:
                run.check()


class Run:
    """One query on one worker: `await start()` waits for the head (or the error), then `chunks()`
    yields the serialized result. When the whole result came with the head, `finished` is true
    after `start()` and `first` is all of it. Both wait on the event loop; only waiting for a
    free worker (or starting one) takes a thread, from `starting`.

    The time limit covers the whole run, streaming included, and the pool's watchdog enforces it
    (and the memory limit) even when nobody reads: a client that stops reading its result cannot
    hold a worker past the limit."""

    def __init__(self, pool: Pool, job: Job) -> None:
        self.pool, self.job = pool, job
        self.deadline = time.monotonic() + pool.timeout
        self.worker: Worker | None = None
        self.first: bytes = b""
        self.finished = False
        self.rows, self.truncated = 0, False
        self._next_chunk: bytes | None = None  # read ahead by start() when the result goes on
        self._lock = threading.Lock()
        self._stopped: KbError | None = None  # why the watchdog stopped the worker

    async def start(self, starting: anyio.CapacityLimiter) -> Head:
        try:
            if (worker := self.pool.idle()) is not None:
                self._take(worker)
            else:  # wait for a free worker (or start one) on a thread, off the event loop
                await anyio.to_thread.run_sync(lambda: self._take(self.pool.acquire(self.deadline)),
                                               limiter=starting)
            return await self._head()
        except BaseException:  # an error, or the client went away: free the worker
            self.abort()
            raise

    def _take(self, worker: Worker) -> None:
        self.worker = worker
        self.pool.watch(self)

    async def _head(self) -> Head:
        try:
            self.worker.send(self.job)  # a small write to an idle worker's pipe
        except OSError:
            self._end(kill=True)
            raise StoreError("the query worker stopped unexpectedly; try again") from None
        kind, payload = await self._next()
        if kind != b"H":
            self._unexpected(kind, payload)
        head = Head(**json.loads(payload))
        kind, payload = await self._next()
        if kind != b"D":
            self._unexpected(kind, payload)
        self.first = payload
        if self.worker.ready():  # a small result comes whole: no need to stream it
            kind, payload = await self._next()
            if kind == b"D":
                self._next_chunk = payload
            else:
                self._finish(kind, payload)
        return head

    async def chunks(self) -> AsyncIterator[bytes]:
        yield self.first
        if self._next_chunk is not None:
            yield self._next_chunk
        while not self.finished:
            kind, payload = await self._next()
            if kind == b"D":
                yield payload
            else:
                self._finish(kind, payload)

    def _finish(self, kind: bytes, payload: bytes) -> None:
        if kind != b"F":
            self._unexpected(kind, payload)
        done = json.loads(payload)
        self.rows, self.truncated = done["rows"], done["truncated"]
        self.finished = True
        self._end(kill=False)

    def abort(self) -> None:
        """Stop the query wherever it is (client gone, or an error mid-stream)."""
        if self.worker is not None:
            self._end(kill=True)

    def check(self) -> None:
        """Past the deadline or the memory limit, stop the worker and give its place in the pool
        to others now; whoever reads the result then meets the end of the worker's output and
        reports why."""
        with self._lock:
            if self.worker is None or self._stopped is not None:
                return
            if time.monotonic() >= self.deadline:
                self._stopped = query_timeout(self.pool.timeout)
            elif self.pool.memory_mb and self.worker.query_mb() > self.pool.memory_mb:
                self._stopped = QueryError(f"the query needed more than {self.pool.memory_mb:g} MB of memory "
                                           "and was stopped; narrow it down or add a LIMIT")
            else:
                return
            self.worker.stop()
        self.pool.unwatch(self)
        self.pool.release(None)

    async def _next(self) -> tuple[bytes, bytes]:
        try:
            return await self.worker.read(self.deadline)
        except TimeoutError:
            self._end(kill=True)
            raise query_timeout(self.pool.timeout) from None
        except (EOFError, OSError):
            if self._stopped is not None:
                self._end(kill=True)
                raise self._stopped from None
            crashed = await anyio.to_thread.run_sync(self.worker.crashed)  # waits for its exit status
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
        self.pool.unwatch(self)
        if worker is None:
            return
        if kill or released:
            worker.kill()
        if not released:
            self.pool.release(None if kill else worker)


def run_to(out: BinaryIO, pool: Pool, job: Job) -> None:
    """Run one query under the pool's deadline, its result written to `out` as it comes (`kb query`)."""
    anyio.run(_write_run, Run(pool, job), out)


async def _write_run(run: Run, out: BinaryIO) -> None:
    await run.start(anyio.CapacityLimiter(1))
    try:
        async for chunk in run.chunks():
            out.write(chunk)
    finally:
        run.abort()
