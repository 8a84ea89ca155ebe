"""A kb build or add killed with SIGKILL, its process alone (what the OOM killer, a CI time limit
or a container stop does), at three moments: extraction, the store's load, the dumps. Nothing of
it may stay alive, and the next run on the same data dir must succeed, clean up the half-written
snapshot and give the dumps of a clean build.

Each moment is hit exactly, not after a guessed sleep: the test puts a FIFO where kb will next
read or write (a page file; the new snapshot's entities.nt; one of its dump files) and kills kb
once it has opened it, so it is stuck right there until the kill."""
from __future__ import annotations

import fcntl
import os
import select
import shutil
import signal
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from conftest import KB, ROOT, SEEDS, run_kb

SEED_FILES = sorted(SEEDS.glob("*.txt"))
PAGES, ADDED = 24, 8  # 8 pages give an add its 2 extraction workers too
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}  # dumps comparable byte for byte
WAIT = 120  # seconds kb may take to reach a moment on a busy machine
DUMPS = ("kb.nq.gz", "kb.ttl.gz", "kb.nt.gz", "kb.trig.gz", "kb.jsonld.gz")


def _page(i: int) -> Path:
    return SEED_FILES[i % len(SEED_FILES)]


def _pages(folder: Path, numbers: range) -> Path:
    folder.mkdir()
    for i in numbers:
        shutil.copy(_page(i), folder / f"p{i:03d}.txt")
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Clean builds: of the first pages (what the adds start from) and of all pages (what every
    run after a kill must give), and the page folders."""
    root = tmp_path_factory.mktemp("kill")
    made = {"first": _pages(root / "first", range(PAGES - ADDED)),
            "added": _pages(root / "added", range(PAGES - ADDED, PAGES)), "all": _pages(root / "all", range(PAGES))}
    for name in ("first", "all"):
        made[f"{name}-data"] = root / f"{name}-data"
        run_kb("build", made[name], "--data-dir", made[f"{name}-data"], "--quiet", env=ENV)
    return made


def _descendants(pid: int) -> set[int]:
    """Every live process started by `pid`, and by those, read from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = entry.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return {p for p in found if _alive(p)}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has ended; only its parent's wait is missing


def _wait_for(what: str, ready, proc: subprocess.Popen, log: Path):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if (got := ready()) is not None:
            return got
        if proc.poll() is not None:
            raise AssertionError(f"kb ended ({proc.returncode}) before {what}: {log.read_text()}")
        time.sleep(0.01)
    raise AssertionError(f"kb did not reach {what} within {WAIT} s")


def _new_snapshot(data: Path, before: set[str]) -> Path | None:
    made = set(os.listdir(data / "snapshots")) - before if (data / "snapshots").exists() else set()
    return data / "snapshots" / made.pop() if made else None


@contextmanager
def _read_trap(path: Path) -> Iterator[int]:
    """A FIFO kb will write to: its read end, never read, with the smallest pipe buffer (one page),
    so that kb's write blocks and kb stays at that moment."""
    os.mkfifo(path)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 4096)
        yield fd
    finally:
        os.close(fd)


def _written(fd: int) -> bool | None:
    return True if select.select([fd], [], [], 0)[0] else None


def _opened_for_reading(fifo: Path) -> int | None:
    """The FIFO's write end once kb has opened it for reading (opening it fails until then)."""
    try:
        return os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        return None


def _kill_alone(proc: subprocess.Popen) -> None:
    """SIGKILL kb, not its workers; then nothing it started may be alive within a few seconds."""
    workers = _descendants(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 5
    while (left := {p for p in workers if _alive(p)}) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in left:  # not to leave them running after the test
        os.kill(pid, signal.SIGKILL)
    assert not left, f"processes of the killed kb still alive 5 s later: {sorted(left)}"


def _start(command: list, data: Path, tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    log = tmp_path / "kb.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([*KB, *map(str, command), "--data-dir", str(data), "--quiet"], cwd=ROOT,
                                stdout=out, stderr=out, env=ENV)
    return proc, log


def _kill_during_extraction(command: list, data: Path, pages: Path, tmp_path: Path) -> None:
    """A page file replaced by a FIFO: the worker extracting it blocks reading it."""
    page = sorted(pages.iterdir())[len(list(pages.iterdir())) // 2]
    page.unlink()
    os.mkfifo(page)
    proc, log = _start(command, data, tmp_path)
    try:
        writer = _wait_for("the extraction of a page", lambda: _opened_for_reading(page), proc, log)
        try:
            assert _descendants(proc.pid), "no extraction workers were running"
            _kill_alone(proc)
        finally:
            os.close(writer)
    finally:
        proc.kill()
        page.unlink()
        shutil.copy(_page(int(page.stem[1:])), page)  # the next run gets the same pages as the clean build


def _kill_at(name: str, command: list, data: Path, tmp_path: Path) -> None:
    """kb stuck writing `name` (relative to its new snapshot), then killed."""
    before = set(os.listdir(data / "snapshots")) if (data / "snapshots").exists() else set()
    proc, log = _start(command, data, tmp_path)
    try:
        snapshot = _wait_for("a new snapshot", lambda: _new_snapshot(data, before), proc, log)
        (snapshot / name).parent.mkdir(exist_ok=True)
        with _read_trap(snapshot / name) as fd:
            _wait_for(name, lambda: _written(fd), proc, log)
            _kill_alone(proc)
    finally:
        proc.kill()


# where kb is stuck when killed: a page file (a worker extracting it, the pages before it in the
# store); entities.nt (every page loaded, the entities graph, flush and optimize to come); a dump file
MOMENTS = {"extraction": None, "store": "entities.nt", "dumps": "dumps/kb.nq.gz"}


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("command", ["build", "add"])
def test_kill_leaves_nothing_running_and_the_next_run_recovers(built, tmp_path, command, moment):
    data, pages = tmp_path / "data", tmp_path / "pages"
    if command == "build":
        shutil.copytree(built["all"], pages)
        served, before = None, set()
    else:
        shutil.copytree(built["first-data"], data, symlinks=True)
        shutil.copytree(built["added"], pages)
        served, before = os.readlink(data / "current"), set(os.listdir(data / "snapshots"))
    run = [command, pages]
    if MOMENTS[moment] is None:
        _kill_during_extraction(run, data, pages, tmp_path)
    else:
        _kill_at(MOMENTS[moment], run, data, tmp_path)
    if served:  # the KB being served is as it was
        assert os.readlink(data / "current") == served
    else:
        assert not (data / "current").exists()
    half_written = set(os.listdir(data / "snapshots")) - before
    assert len(half_written) == 1
    run_kb(*run, "--data-dir", data, "--quiet", env=ENV)  # not refused: the lock went with the dead writer
    assert half_written.isdisjoint(os.listdir(data / "snapshots"))
    for name in DUMPS:
        clean = built["all-data"] / "current" / "dumps" / name
        assert (data / "current" / "dumps" / name).read_bytes() == clean.read_bytes(), name
