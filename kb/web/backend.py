"""Where the web app gets its data: the KB's current snapshot (reopened when a build
switches it) or RDF files loaded into a temporary on-disk store (or, in kb.web.remote, an
external SPARQL store the KB was pushed into).

Either way the data is an on-disk pyoxigraph store, so that the SPARQL endpoint's worker
processes (kb.web.pool) can open it read-only beside the server; `store_path()` and
`version()` tell them which store to open and when to reopen it.
"""
from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
import weakref
from pathlib import Path

import pyoxigraph as ox

from kb.errors import QueryError, StoreError
from kb.query import execute, load_files
from kb.store import DataDir
from kb.web.memstore import load_in_memory

log = logging.getLogger("uvicorn.error")


class Backend:
    local = True  # lookups are in this process (a remote store's are HTTP requests: kept off the event loop)

    def __init__(self) -> None:
        self._updates = 0
        self._write_lock = threading.Lock()

    def store(self) -> ox.Store:
        """A store to read from in this process (entity pages' small bounded lookups)."""
        raise NotImplementedError

    def store_path(self) -> Path:
        """The on-disk store the query workers open read-only."""
        raise NotImplementedError

    def version(self) -> str:
        """Changes whenever the data changes (used for ETags and to reopen stores)."""
        raise NotImplementedError

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


class SnapshotBackend(Backend):
    """The KB in a data dir; follows `current` when a build or add switches it. `in_memory`:
    pages read from an in-memory copy of the store (lookups 3-10x faster), loaded in the
    background for each version while the on-disk store answers."""

    def __init__(self, data_dir: Path, in_memory: bool = False) -> None:
        super().__init__()
        self.data = DataDir(data_dir)
        self._lock = threading.Lock()
        self._version: str | None = None
        self._store: ox.Store | None = None
        self._in_memory = in_memory
        self._copy: tuple[str, ox.Store] | None = None  # (version, its in-memory copy) once loaded
        self._copying: str | None = None  # the version being loaded

    def store(self) -> ox.Store:
        version = self.version()
        copy = self._copy
        if copy is not None and copy[0] == version:
            return copy[1]
        if version != self._version or self._store is None:
            with self._lock:
                if version != self._version or self._store is None:
                    self._store = self.data.open_read()
                    self._version = version
                    if self._in_memory:
                        self._copy_behind(version)
        return self._store

    def in_memory(self) -> bool:
        """Whether pages are read from an in-memory copy of the current version now."""
        return self._copy is not None and self._copy[0] == self.version()

    def _copy_behind(self, version: str) -> None:
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


class FilesBackend(Backend):
    """Any RDF files, loaded once into a temporary store (removed when the server exits)."""

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
