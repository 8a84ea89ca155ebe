"""The KB on disk: immutable snapshots under data/, switched atomically by a symlink.

    data/current -> snapshots/<id>      the snapshot being served
    data/snapshots/<id>/store/          pyoxigraph store (named graphs per page + entities graph)
    data/snapshots/<id>/pages/<pid>.json  each page's extraction result (for incremental adds)
    data/snapshots/<id>/dumps/          the downloadable dumps

A build writes a new snapshot beside the current one and switches `current` with one
rename, so a crash mid-build never touches what is served. Readers open stores read-only.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import struct
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

from kb.errors import StoreError

KEEP = 2  # snapshots kept: the current one and the one a running server may still read
LOCK = ".lock"  # the writer's lock file, in the data dir
_FLOCK = "hhqqi"  # Linux's struct flock: type, whence, start, len, pid (F_GETLK names the holder)


class DataDir:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.link = self.root / "current"
        self.snapshots = self.root / "snapshots"

    def current(self) -> Path:
        """The snapshot being served; StoreError when there is none yet."""
        if not self.link.exists():
            raise StoreError(f"no KB in {self.root}: run `kb build` first (or pass --data-dir)")
        return self.link.resolve()

    def current_id(self) -> str | None:
        try:
            return os.readlink(self.link)
        except OSError:
            return None

    def new_snapshot(self) -> Path:
        self.snapshots.mkdir(parents=True, exist_ok=True)
        path = self.snapshots / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
        path.mkdir()
        return path

    def publish(self, snapshot: Path) -> None:
        """Atomically point `current` at `snapshot`, then prune old snapshots."""
        tmp = self.root / f".current-{os.getpid()}"
        if tmp.is_symlink():
            tmp.unlink()
        os.symlink(os.path.relpath(snapshot, self.root), tmp)
        os.replace(tmp, self.link)
        (self.root / ".built").touch()
        self._prune(keep=snapshot)

    def _prune(self, keep: Path) -> None:
        done = sorted(p for p in self.snapshots.iterdir() if (p / "COMPLETE").exists())
        for old in done[:-KEEP]:
            if old != keep:
                shutil.rmtree(old, ignore_errors=True)

    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        """One writer (kb build or add) at a time. A POSIX record lock, not flock: it belongs to
        this process alone (forked workers do not inherit it, as they do an flock on a shared
        file description) and the kernel drops it when the process dies, however it dies."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except (BlockingIOError, PermissionError):  # EAGAIN or EACCES: held by another process
                holder = _lock_holder(fd)
                raise StoreError(f"another kb build or add{f' (pid {holder})' if holder else ''} is writing "
                                 f"{self.root}; try again when it ends") from None
            yield
        finally:
            os.close(fd)  # also releases the lock: never open the lock file twice in one process

    def remove_leftovers(self) -> None:
        """What an interrupted writer left: its half-written snapshot, its half-made link.
        Only with the writer's lock held: then no other writer is making them."""
        for tmp in self.root.glob(".current-*"):
            tmp.unlink()
        served = self.current_id()
        for partial in self.snapshots.glob("*"):
            if not (partial / "COMPLETE").exists() and os.path.relpath(partial, self.root) != served:
                shutil.rmtree(partial)

    def open_read(self) -> ox.Store:
        return open_store_read_only(self.current() / "store")


def _lock_holder(fd: int) -> int | None:
    """The pid of the process holding a lock on the file (None if it ended meanwhile)."""
    query = struct.pack(_FLOCK, fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
    kind, _, _, _, pid = struct.unpack(_FLOCK, fcntl.fcntl(fd, fcntl.F_GETLK, query))
    return None if kind == fcntl.F_UNLCK else pid


def open_store_read_only(path: Path) -> ox.Store:
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise StoreError(f"cannot open the store at {path}: {exc}") from None
