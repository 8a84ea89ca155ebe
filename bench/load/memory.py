"""Resident memory of a server and its query workers, sampled from /proc while the load runs."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path


def children(pid: int) -> list[int]:
    """Live child processes of `pid` (e.g. a server's query workers), read from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@dataclass
class Sample:
    seconds: float
    server_mb: float
    workers_mb: float
    workers: int


class Sampler(threading.Thread):
    """Samples every `interval` seconds until stopped."""

    def __init__(self, pid: int, interval: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.samples: list[Sample] = []
        self._stop_event = threading.Event()

    def run(self) -> None:
        start = time.monotonic()
        while not self._stop_event.is_set():
            workers = children(self.pid)
            self.samples.append(Sample(time.monotonic() - start, rss_mb(self.pid),
                                       sum(map(rss_mb, workers)), len(workers)))
            self._stop_event.wait(self.interval)

    def stop(self) -> list[Sample]:
        self._stop_event.set()
        self.join()
        return self.samples
