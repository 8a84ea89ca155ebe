"""Run the web app with uvicorn: one process, or `--workers N` processes sharing the port."""
from __future__ import annotations

import json
import logging
import os
import socket
import threading
from dataclasses import asdict, replace
from pathlib import Path

from kb.config import Settings
from kb.errors import ConfigError, StoreError
from kb.store import DataDir
from kb.store.backend import open_backend
from kb.web.app import create_app
from kb.web.forwarded import behind_proxies
from kb.web.sparql import warm

WORKER_SETTINGS = "KB_SERVE_WORKER_SETTINGS"  # how the supervisor hands its settings to the workers


def warm_index(app) -> None:
    """Prepare the lists pages need while the server starts, not on the first request."""
    threading.Thread(target=app.state.kb_index.get, args=(app.state.backend,), daemon=True).start()
    warm(app)  # with --in-memory, a query worker loads the data meanwhile


def serve(settings: Settings, data_files: list[str] | None = None, endpoint: str | None = None,
          user: str | None = None, password: str | None = None, workers: int = 1,
          base_given: bool = False) -> None:
    """`base_given`: whether settings.base was asked for (--base, $KB_BASE) rather than the default."""
    import uvicorn

    if (user or password) and not endpoint:
        raise ConfigError("--user and --password are for the store of --endpoint; give --endpoint URL too")
    if not (data_files or endpoint):
        settings = with_built_base(settings, base_given)
    _check_in_memory(settings, endpoint)
    if workers > 1:
        return _serve_workers(settings, workers, data_files, endpoint)
    if workers < 1:
        raise ConfigError(f"--workers {workers}: give 1 or more processes")
    app = create_app(settings, open_backend(settings, data_files, endpoint, user, password, settings.query_in_memory))
    warm_index(app)
    # h11, whatever else is installed: httptools accepts megabyte headers that h11 refuses
    uvicorn.run(behind_proxies(app, settings.forwarded_allow_ips), host=settings.host, port=settings.port,
                log_level="info", http="h11", access_log=settings.access_log, proxy_headers=False)


def with_built_base(settings: Settings, base_given: bool) -> Settings:
    """The settings with the base the KB in the data dir was built with: its IRIs are under it,
    wherever it is served. A --base that says otherwise is refused, not silently served as 404s."""
    built = _built_with(settings.data_dir).get("base")
    if built is None or built == settings.base:
        return settings
    if base_given:
        raise ConfigError(f"the base {settings.base} (--base or $KB_BASE) contradicts the KB in {settings.data_dir}, "
                          f"built with --base {built}; serve it without --base (its IRIs are under {built} "
                          "wherever it is served), or rebuild it with the base you want")
    return replace(settings, base=built)


def _built_with(data_dir: Path) -> dict:
    """What the current snapshot records of its build (COMPLETE); {} when there is no KB yet
    (serving then fails with its own message)."""
    try:
        return json.loads((DataDir(data_dir).current() / "COMPLETE").read_text(encoding="utf-8"))
    except (StoreError, OSError, ValueError):
        return {}


def _check_in_memory(settings: Settings, endpoint: str | None) -> None:
    if settings.query_in_memory and settings.update_token:
        raise ConfigError("--in-memory with an update token: updates go to the on-disk store and the query "
                          "workers' in-memory copies would not see them; serve without --in-memory to accept updates")
    if settings.query_in_memory and endpoint:
        raise ConfigError("--in-memory copies the KB's own store; with --endpoint URL the external store answers")


def _serve_workers(settings: Settings, workers: int, data_files: list[str] | None, endpoint: str | None) -> None:
    """uvicorn's supervisor: `workers` fresh processes (spawned, not forked: a store's threads do
    not survive a fork) accept on one socket; each opens the data dir and keeps its own page
    index and query workers, and follows `current` on its own when a build switches it."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    if data_files or endpoint:
        raise ConfigError("--workers N serves a KB's data dir; serve --data FILE or --endpoint URL with one worker")
    if settings.update_token:
        raise ConfigError("--workers N with an update token: an update made through one worker would not be "
                          "seen by the others' page caches; serve with --workers 1 to accept updates")
    DataDir(settings.data_dir).current()  # fail now, with a clear message, when there is no KB
    os.environ[WORKER_SETTINGS] = json.dumps(asdict(settings), default=str)
    config = uvicorn.Config("kb.web.server:worker_app", factory=True, workers=workers, host=settings.host,
                            port=settings.port, log_level="info", http="h11", access_log=settings.access_log,
                            proxy_headers=False)
    Multiprocess(config, sockets=[_listening(settings.host, settings.port)]).run()


def _listening(host: str, port: int) -> socket.socket:
    """The socket the workers share. uvicorn's own (Config.bind_socket) has protocol 0, and asyncio
    turns Nagle's algorithm off only for IPPROTO_TCP sockets: every response then waited ~40 ms
    for a delayed ACK (measured: 362 req/s at 44 ms each, against 3,000+ req/s with one process)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.set_inheritable(True)
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    logging.getLogger("uvicorn.error").info("Uvicorn running on http://%s:%d (Press CTRL+C to quit)", shown, port)
    return sock


def worker_app():
    """The app of one of the `--workers N` processes (uvicorn calls this factory in each)."""
    try:
        fields = json.loads(os.environ[WORKER_SETTINGS])
    except KeyError:
        raise ConfigError(f"worker_app is started by `kb serve --workers N` (no {WORKER_SETTINGS})") from None
    settings = Settings(**{**fields, "data_dir": Path(fields["data_dir"])})
    app = create_app(settings, open_backend(settings, in_memory=settings.query_in_memory))
    warm_index(app)
    return behind_proxies(app, settings.forwarded_allow_ips)
