"""Run the web app with uvicorn."""
from __future__ import annotations

import threading

from kb.config import Settings
from kb.errors import ConfigError
from kb.web import remote
from kb.web.app import create_app
from kb.web.backend import FilesBackend, SnapshotBackend
from kb.web.index import PerVersion


def warm_index(app) -> None:
    """Prepare the lists pages need while the server starts, not on the first request."""
    app.state.kb_index = PerVersion()
    threading.Thread(target=app.state.kb_index.get, args=(app.state.backend,), daemon=True).start()


def serve(settings: Settings, data_files: list[str] | None = None, endpoint: str | None = None,
          user: str | None = None, password: str | None = None) -> None:
    import uvicorn

    if (user or password) and not endpoint:
        raise ConfigError("--user and --password are for the store of --endpoint; give --endpoint URL too")
    if endpoint:
        backend = remote.connect(endpoint, settings, user, password)  # fails now if unreachable or empty
    elif data_files:
        backend = FilesBackend(data_files)
    else:
        backend = SnapshotBackend(settings.data_dir)
        backend.store()  # fail now, with a clear message, when there is no KB
    app = create_app(settings, backend)
    warm_index(app)
    # h11, whatever else is installed: httptools accepts megabyte headers that h11 refuses
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info", http="h11")
