"""Where the KB's data is: one interface, `Backend`, and its implementations.

    SnapshotBackend  the KB's current snapshot on disk (reopened when a build switches it)
    MemoryBackend    the same, pages read from an in-memory copy (`kb serve --in-memory`)
    FilesBackend     RDF files (`--data FILE ...`) loaded into a temporary on-disk store
    RemoteBackend    an external SPARQL 1.1 store the KB was pushed into (`--endpoint URL`, kb.store.remote)

The local data is always an on-disk pyoxigraph store, so that query worker processes
(kb.store.pool) can open it read-only beside the server; `store_path()` and `version()` tell
them which store to open and when to reopen it.
"""
from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
import weakref
from abc import ABC, abstractmethod
from pathlib import Path

import pyoxigraph as ox

from kb.config import Settings
from kb.errors import QueryError, StoreError
from kb.store.engine import execute, load_files
from kb.store.memory import load_in_memory
from kb.store.snapshots import DataDir

log = logging.getLogger("uvicorn.error")


class Backend(ABC):
    local = True  # lookups are in this process (a remote store's are HTTP requests: kept off the event loop)

    def __init__(self) -> None:
        self._updates = 0
        self._write_lock = threading.Lock()

    @abstractmethod
    def store(self) -> ox.Store:
        """A store to read from in this process (entity pages' small bounded lookups)."""

    @abstractmethod
    def store_path(self) -> Path:
        """The on-disk store the query workers open read-only."""

    @abstractmethod
    def version(self) -> str:
        """Changes whenever the data changes (used for ETags and to reopen stores)."""

    def dumps_dir(self) -> Path | None:
        return None

    def description(self) -> list[ox.Triple] | None:
        """The stored VoID description, when the data lives where it cannot be described here."""
        return None

    def query(self, query: str, **kwargs):
        """Run a query in this process (no time limit: for the app's own bounded queries)."""
        return execute(self.store(), query, **kwargs)

    def update(self, update: str) -> None:
        """Run a SPARQL Update against the store (the endpoint checks the token first)."""
        with self._write_lock:
            writer = self._writer()
            try:
                writer.update(update)
                writer.flush()
            except SyntaxError as exc:
                raise QueryError(f"malformed update: {exc}") from None
            except (OSError, ValueError, RuntimeError) as exc:
                raise QueryError(f"update failed: {exc}") from None
            finally:
                self._updates += 1  # readers reopen and see what was flushed

    def _writer(self) -> ox.Store:
        raise NotImplementedError


def open_backend(settings: Settings, data_files: list[str] | None = None, endpoint: str | None = None,
                 user: str | None = None, password: str | None = None, in_memory: bool = False) -> Backend:
    """The backend the command line asks for, checked now: a KB is there, the files load, the store
    answers. `in_memory`: the KB's pages read from an in-memory copy (MemoryBackend)."""
    if endpoint:
        from kb.store.remote import connect  # httpx: only for a remote store

        return connect(endpoint, settings, user, password)
    if data_files:
        return FilesBackend(data_files)
    backend = (MemoryBackend if in_memory else SnapshotBackend)(settings.data_dir)
    backend.store()  # fail now, with a clear message, when there is no KB
    return backend


class SnapshotBackend(Backend):
    """The KB in a data dir; follows `current` when a build or add switches it."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self.data = DataDir(data_dir)
        self._lock = threading.Lock()
        self._version: str | None = None
        self._store: ox.Store | None = None

    def store(self) -> ox.Store:
        version = self.version()
        if version != self._version or self._store is None:
            with self._lock:
                if version != self._version or self._store is None:
                    self._store = self.data.open_read()
                    self._version = version
                    self._opened(version)
        return self._store

    def _opened(self, version: str) -> None:
        """Called when a version's store was opened."""

    def store_path(self) -> Path:
        return self.data.current() / "store"

    def version(self) -> str:
        current = self.data.current_id() or "none"
        return f"{current}+{self._updates}" if self._updates else current

    def dumps_dir(self) -> Path | None:
        return self.data.current() / "dumps"

    def _writer(self) -> ox.Store:
        """The current snapshot's store, opened for writing just for this update."""
        return ox.Store(str(self.store_path()))


class MemoryBackend(SnapshotBackend):
    """The KB in a data dir, pages read from an in-memory copy of the store (lookups 3-10x faster),
    loaded in the background for each version while the on-disk store answers."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir)
        self._copy: tuple[str, ox.Store] | None = None  # (version, its in-memory copy) once loaded
        self._copying: str | None = None  # the version being loaded

    def store(self) -> ox.Store:
        copy = self._copy
        if copy is not None and copy[0] == self.version():
            return copy[1]
        return super().store()

    def in_memory(self) -> bool:
        """Whether pages are read from an in-memory copy of the current version now."""
        return self._copy is not None and self._copy[0] == self.version()

    def _opened(self, version: str) -> None:
        if self._copying != version:
            self._copying = version
            threading.Thread(target=self._load_copy, args=(version, self.store_path()), daemon=True).start()

    def _load_copy(self, version: str, path: Path) -> None:
        started = time.perf_counter()
        try:
            copy = load_in_memory(path)
        except StoreError as exc:
            log.warning("pages stay on the on-disk store: %s", exc)
            return
        if self.version() == version:  # not switched meanwhile: the copy is of the data served
            self._copy = (version, copy)
            log.info("pages read from memory: %d quads of %s loaded in %.1f s", len(copy), path.parent.name,
                     time.perf_counter() - started)


class FilesBackend(Backend):
    """Any RDF files, loaded once into a temporary store (removed when the process exits)."""

    def __init__(self, paths: list[str]) -> None:
        super().__init__()
        self._dir = Path(tempfile.mkdtemp(prefix="kb-files-"))
        weakref.finalize(self, shutil.rmtree, self._dir, True)
        self._path = self._dir / "store"
        self._rw = ox.Store(str(self._path))
        load_files(paths, self._rw)
        self._rw.flush()
        self._files = str(abs(hash(tuple(paths))))

    def store(self) -> ox.Store:
        return self._rw

    def store_path(self) -> Path:
        return self._path

    def version(self) -> str:
        return f"{self._files}+{self._updates}"

    def _writer(self) -> ox.Store:
        return self._rw
