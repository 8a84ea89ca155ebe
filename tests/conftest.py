"""Shared fixtures: a KB built once per session from the seed pages, a live server on a free
loopback port (the real `kb serve` in a subprocess, started by `Server`, the one way tests start
one), an HTTP client over its socket, and an in-process client on the same app and store."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Iterator

import httpx
import pytest

with warnings.catch_warnings():  # starlette would rather have httpx2 under its TestClient; httpx works the same
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

from kb.config import resolve
from kb.web.app import create_app
from kb.store.backend import SnapshotBackend

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
KB = [sys.executable, "-m", "kb"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_kb(*args: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([*KB, *map(str, args)], capture_output=True, text=True, cwd=ROOT, **kwargs)
    if check and result.returncode != 0:
        raise AssertionError(f"kb {' '.join(map(str, args))} failed ({result.returncode}): {result.stderr}")
    return result


class Server:
    """`kb serve ARGS` in a subprocess on loopback (`port`, else a free one), ready once /sparql
    answers; its output goes to a log file shown if it exits early. `env` adds variables to the
    server's environment. A context manager: leaving it stops the server."""

    def __init__(self, args: list[str], port: int | None = None, env: dict[str, str] | None = None,
                 kb: list[str] = KB, cwd: Path = ROOT) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        # the log goes to a file: a pipe nobody reads would block the server once full
        self.log = tempfile.NamedTemporaryFile("w+", prefix=f"kb-serve-{self.port}-", suffix=".log", delete=False)
        self.proc = subprocess.Popen([*kb, "serve", "--port", str(self.port), *args], cwd=cwd,
                                     env={**os.environ, **(env or {})}, stdout=self.log, stderr=subprocess.STDOUT,
                                     text=True)
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"kb serve exited: {Path(self.log.name).read_text()}")
            try:
                httpx.get(self.url + "sparql", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("kb serve did not answer within 60 s")

    def children(self) -> list[int]:
        """The server's live child processes (its query workers, or --workers' processes)."""
        found = []
        for listed in Path(f"/proc/{self.proc.pid}/task").glob("*/children"):
            for pid in listed.read_text().split():
                try:
                    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
                except OSError:
                    continue  # gone meanwhile
                if state != "Z":
                    found.append(int(pid))
        return found

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        os.unlink(self.log.name)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_refused(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`kb serve ARGS` that is expected to refuse to start: its exit status and stderr."""
    return run_kb("serve", "--port", free_port(), *args, check=False, env={**os.environ, **(env or {})}, timeout=60)


@pytest.fixture(scope="session")
def port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def base(port: int) -> str:
    return f"http://127.0.0.1:{port}/"


@pytest.fixture(scope="session")
def kb_data(tmp_path_factory: pytest.TempPathFactory, base: str) -> Path:
    """The KB built from every seed page, with IRIs under the live server's base."""
    data = tmp_path_factory.mktemp("kb") / "data"
    run_kb("build", SEEDS, "--data-dir", data, "--base", base, "--quiet")
    return data


@pytest.fixture(scope="session")
def server(kb_data: Path, port: int, base: str) -> Iterator[Server]:
    with Server(["--data-dir", str(kb_data), "--base", base], port) as srv:
        yield srv


@pytest.fixture()
def client(server: Server) -> Iterator[httpx.Client]:
    """A client of the live server, over its socket."""
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


@pytest.fixture(scope="session")
def app(kb_data: Path, base: str) -> Iterator[TestClient]:
    """A client of the same app as the live server's, called in-process (no socket, no subprocess):
    for the plain request/response tests. The one place tests build the app."""
    settings = resolve({"data_dir": kb_data, "base": base}, environ={})  # as `kb serve` with no KB_* set
    with TestClient(create_app(settings, SnapshotBackend(kb_data)), base_url=base, follow_redirects=False) as c:
        yield c


@pytest.fixture(scope="session", autouse=True)
def _no_proxy() -> None:
    os.environ["NO_PROXY"] = "127.0.0.1,localhost"


