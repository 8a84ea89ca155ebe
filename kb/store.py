"""The KB on disk: immutable snapshots under data/, switched atomically by a symlink.

    data/current -> snapshots/<id>      the snapshot being served
    data/snapshots/<id>/store/          pyoxigraph store (named graphs per page + entities graph)
    data/snapshots/<id>/pages/<pid>.json  each page's extraction result (for incremental adds)
    data/snapshots/<id>/dumps/          the downloadable dumps

A build writes a new snapshot beside the current one and switches `current` with one
rename, so a crash mid-build never touches what is served. Readers open stores read-only.
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pyoxigraph as ox

from kb.errors import StoreError

KEEP = 2  # snapshots kept: the current one and the one a running server may still read


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
        for partial in self.snapshots.iterdir():  # left by a killed build
            if not (partial / "COMPLETE").exists() and partial != keep and _stale(partial):
                shutil.rmtree(partial, ignore_errors=True)

    def open_read(self) -> ox.Store:
        return open_store_read_only(self.current() / "store")


def _stale(path: Path, seconds: float = 3600) -> bool:
    return time.time() - path.stat().st_mtime > seconds


def open_store_read_only(path: Path) -> ox.Store:
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise StoreError(f"cannot open the store at {path}: {exc}") from None
