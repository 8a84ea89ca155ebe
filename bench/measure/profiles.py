"""Where the time goes when a target is missed: py-spy samples of `kb build`, `kb add` and
`kb serve` under load, summarized by bench/hotspots.py into the report."""
from __future__ import annotations

import shutil
import signal
import sys
from pathlib import Path

import pyoxigraph as ox

from bench import proc
from bench.hotspots import hotspots
from bench.measure import documents, pages

def available() -> bool:
    return shutil.which("py-spy") is not None or (Path(sys.executable).parent / "py-spy").exists()


def _spy(output: Path, subprocesses: bool = True) -> list[str]:
    binary = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    return [binary, "record", "--format", "raw", "-r", "50", "-o", str(output),
            *(["--subprocesses"] if subprocesses else []), "--"]


def command(output: Path, *args: str | Path) -> str:
    """Profile one kb command to completion; the hot spots, or why there are none."""
    run = proc.run([*_spy(output), *proc.KB, *map(str, args)], timeout=3600)
    if not output.exists():
        return f"no profile: {run.summary()}"
    return hotspots(output, top=12)


def server(output: Path, data_dir: Path, seconds: int, connections: int) -> str:
    """Profile `kb serve` while wrk asks for entity pages (JSON-LD) for `seconds`."""
    port = proc.free_port()
    srv = proc.Server([*_spy(output, subprocesses=False), *proc.KB, "serve", "--data-dir", str(data_dir),
                       "--port", str(port)], port)
    try:
        store = ox.Store.read_only(str(Path(data_dir) / "current" / "store"))
        iris, _ = documents.sample(store, 50)
        prefix = _base()
        paths = [proc.quote_path(i[len(prefix) - 1:]) for i in iris if i.startswith(prefix)]
        pages.wrk(srv.url, paths, pages.ACCEPT["jsonld"], seconds, connections)
    finally:
        srv.proc.send_signal(signal.SIGINT)  # py-spy writes its profile and stops the server
        srv.proc.wait(60)
        srv.log.close()
    return hotspots(output, top=12) if output.exists() else "no profile written"


def _base() -> str:
    from kb.config import resolve

    return resolve({}, environ={}).base
