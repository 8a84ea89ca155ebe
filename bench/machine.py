"""What the numbers were measured on: machine, load, versions, the exact command."""
from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from importlib import metadata

from bench import proc

PACKAGES = ("kb", "pyoxigraph", "rjieba", "jieba", "rdflib", "pyld", "fastapi", "uvicorn", "httpx", "psutil")


def _cpu() -> str:
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(command: list[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "not installed"
    lines = (out.stdout + out.stderr).strip().splitlines()
    return next((line.strip() for line in lines if "ersion" in line or line.startswith("wrk")), "unknown")


def _git() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=proc.ROOT, capture_output=True,
                              text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=proc.ROOT, capture_output=True,
                               text=True).stdout.strip().splitlines()
    except OSError:
        return "unknown"
    return f"{head}" + (f" with {len(dirty)} uncommitted changes in the working tree" if dirty else "")


def describe(command: str) -> dict:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    versions["python"] = platform.python_version()
    versions["wrk"] = _version(["wrk", "-v"])
    versions["virtuoso"] = _version(["virtuoso-t", "-?"])
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "command": command,
        "machine": f"{_cpu()}, {os.cpu_count()} cores, {memory:.0f} GiB, {platform.system()} {platform.release()}",
        "load_average_at_start": os.getloadavg(),
        "git": _git(),
        "versions": versions,
        "executable": sys.executable,
    }
