"""Where the web app gets its data: the KB's current snapshot (reopened when a build
switches it) or an in-memory store loaded from RDF files."""
from __future__ import annotations

import threading
from pathlib import Path

import pyoxigraph as ox

from kb.query import execute, load_files
from kb.store import DataDir


class Backend:
    def store(self) -> ox.Store:
        raise NotImplementedError

    def version(self) -> str:
        """Changes whenever the data changes (used for ETags)."""
        raise NotImplementedError

    def dumps_dir(self) -> Path | None:
        return None

    def query(self, query: str, **kwargs):
        return execute(self.store(), query, **kwargs)


class SnapshotBackend(Backend):
    """The KB in a data dir; follows `current` when a build or add switches it."""

    def __init__(self, data_dir: Path) -> None:
        self.data = DataDir(data_dir)
        self._lock = threading.Lock()
        self._id: str | None = None
        self._store: ox.Store | None = None

    def store(self) -> ox.Store:
        current = self.data.current_id()
        if current != self._id or self._store is None:
            with self._lock:
                if current != self._id or self._store is None:
                    self._store = self.data.open_read()
                    self._id = current
        return self._store

    def version(self) -> str:
        return self.data.current_id() or "none"

    def dumps_dir(self) -> Path | None:
        return self.data.current() / "dumps"


class FilesBackend(Backend):
    """Any RDF files, loaded once into memory."""

    def __init__(self, paths: list[str]) -> None:
        self._store = load_files(paths)
        self._version = str(abs(hash(tuple(paths))))

    def store(self) -> ox.Store:
        return self._store

    def version(self) -> str:
        return self._version
