"""Run the web app with uvicorn."""
from __future__ import annotations

from kb.config import Settings
from kb.web.app import create_app
from kb.web.backend import FilesBackend, SnapshotBackend


def serve(settings: Settings, data_files: list[str] | None = None) -> None:
    import uvicorn

    backend = FilesBackend(data_files) if data_files else SnapshotBackend(settings.data_dir)
    if not data_files:
        backend.store()  # fail now, with a clear message, when there is no KB
    app = create_app(settings, backend)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")
