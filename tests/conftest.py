"""Shared fixtures: a KB built once per session from the seed pages, a live server on a free
loopback port (the real `kb serve` in a subprocess), and an HTTP client."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
KB = [sys.executable, "-m", "kb"]

sys.path.insert(0, str(ROOT))  # bench/ is a folder of the repository, not an installed package
from bench.load.memory import children as child_pids  # noqa: E402  (a server's live query workers)


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
    def __init__(self, args: list[str], port: int, kb: list[str] = KB, cwd: Path = ROOT) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}/"
        # the log goes to a file: a pipe nobody reads would block the server once full
        self.log = tempfile.NamedTemporaryFile("w+", prefix=f"kb-serve-{port}-", suffix=".log", delete=False)
        self.proc = subprocess.Popen([*kb, "serve", "--port", str(port), *args], cwd=cwd,
                                     stdout=self.log, stderr=subprocess.STDOUT, text=True)
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

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        os.unlink(self.log.name)


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
    srv = Server(["--data-dir", str(kb_data), "--base", base], port)
    yield srv
    srv.stop()


@pytest.fixture()
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


@pytest.fixture(scope="session", autouse=True)
def _no_proxy() -> None:
    os.environ["NO_PROXY"] = "127.0.0.1,localhost"


