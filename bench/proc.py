"""Running kb the way a user does (its command line, its server) while measuring wall time and
the peak memory of the whole process tree (workers included)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
KB = [sys.executable, "-m", "kb"]


def quote_path(path: str) -> str:
    """An IRI's path as a URI path (non-ASCII percent-encoded), as a load generator sends it."""
    return quote(path, safe="/:@!$&'()*+,;=-._~%")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Run:
    command: list[str]
    seconds: float
    returncode: int
    stderr: str
    peak_pss_mb: float  # proportional set size summed over the tree: shared pages counted once
    peak_rss_mb: float  # resident set size summed over the tree: shared pages counted per process

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def summary(self) -> str:
        tail = self.stderr.strip().splitlines()[-3:]
        return f"exit {self.returncode}: {' | '.join(tail)}"


class PeakMemory(threading.Thread):
    """Samples a process and its descendants every `interval` seconds until stopped."""

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.root, self.interval = psutil.Process(pid), interval
        self.pss = self.rss = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self._sample()
            self._stop_event.wait(self.interval)

    def _sample(self) -> None:
        pss = rss = 0
        try:
            tree = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return
        for proc in tree:
            try:
                info = proc.memory_full_info()
                pss, rss = pss + getattr(info, "pss", info.rss), rss + info.rss
            except psutil.Error:
                continue
        self.pss, self.rss = max(self.pss, pss), max(self.rss, rss)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def run(command: list[str], timeout: float | None = None, **kwargs) -> Run:
    """Run to completion, measuring time and the tree's peak memory."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **kwargs)
    sampler = PeakMemory(proc.pid)
    sampler.start()
    try:
        _, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, stderr = proc.communicate()
        stderr += f"\n(killed after {timeout} s)"
    seconds = time.perf_counter() - start
    sampler.stop()
    return Run(command, seconds, proc.returncode, stderr, sampler.pss / 2**20, sampler.rss / 2**20)


def kb(*args: str | Path, timeout: float | None = None) -> Run:
    return run([*KB, *map(str, args)], timeout=timeout)


class Server:
    """A server subprocess on a loopback port, ready once `probe` answers."""

    def __init__(self, command: list[str], port: int, probe: str = "sparql", wait: float = 180) -> None:
        self.port, self.url = port, f"http://127.0.0.1:{port}/"
        logs = ROOT / "bench" / "out" / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        self.log = open(logs / f"server-{port}.log", "w")
        self.proc = subprocess.Popen(command, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
                                     env={**os.environ, "NO_PROXY": "127.0.0.1,localhost"})
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{' '.join(command)} exited with {self.proc.returncode}: see {self.log.name}")
            try:
                httpx.get(self.url + probe, timeout=2)
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{' '.join(command)} did not answer within {wait} s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def kb_server(data_dir: Path, *options: str) -> Server:
    """`kb serve` of a data dir on a free loopback port, with these options."""
    port = free_port()
    return Server([*KB, "serve", "--data-dir", str(data_dir), "--port", str(port), *options], port)
