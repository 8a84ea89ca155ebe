"""Run the web app with uvicorn."""
from __future__ import annotations

import threading

from kb.config import Settings
from kb.web.app import create_app
from kb.web.backend import FilesBackend, SnapshotBackend
from kb.web.index import PerVersion


def warm_index(app) -> None:
    """Prepare the lists pages need while the server starts, not on the first request."""
    app.state.kb_index = PerVersion()
    threading.Thread(target=app.state.kb_index.get, args=(app.state.backend,), daemon=True).start()


def serve(settings: Settings, data_files: list[str] | None = None) -> None:
    import uvicorn

    backend = FilesBackend(data_files) if data_files else SnapshotBackend(settings.data_dir)
    if not data_files:
        backend.store()  # fail now, with a clear message, when there is no KB
    app = create_app(settings, backend)
    warm_index(app)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")
