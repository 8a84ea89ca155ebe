"""Entity pages under load: wrk on loopback, a fixed number of connections for a fixed time,
cycling through a sample of the KB's entities; and the same load on a bare FastAPI app as the
reference for what the framework itself can do."""
from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from bench import proc

ACCEPT = {"jsonld": "application/ld+json", "html": "text/html"}
# each wrk thread starts at its own share of the paths, so threads never ask for the same page
_LUA = """
paths = {%s}
accept = "%s"
local started = 0
function setup(thread)
  thread:set("id", started)
  started = started + 1
end
function init(args)
  counter = id * math.floor(#paths / %d)
end
function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], {["Accept"] = accept})
end
"""
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def checked(base_url: str, paths: list[str], accept: str) -> tuple[list[str], list[str]]:
    """The paths that answer 200 before the load starts, and a note for each one that does not."""
    good, bad = [], []
    with httpx.Client(base_url=base_url, timeout=60, trust_env=False) as client:
        for path in paths:
            response = client.get(path, headers={"Accept": accept})
            if response.status_code == 200:
                good.append(path)
            else:
                bad.append(f"{path}: {response.status_code}")
    return good, bad


def wrk(url: str, paths: list[str], accept: str, seconds: int, connections: int, threads: int = 2) -> dict:
    """Run wrk; requests/s, latency percentiles (ms) and every kind of error it counted."""
    lua = _LUA % (", ".join(f'"{p}"' for p in paths), accept, threads)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
               "-s", script.name, url]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120).stdout
    Path(script.name).unlink()
    return {**parse(out), "command": " ".join(command[:-3] + [url]), "connections": connections, "seconds": seconds}


def parse(out: str) -> dict:
    found: dict = {"requests": 0, "errors": 0}
    if m := re.search(r"(\d+) requests in", out):
        found["requests"] = int(m.group(1))
    if m := re.search(r"Requests/sec:\s*([\d.]+)", out):
        found["requests_per_s"] = float(m.group(1))
    for pct in ("50", "90", "99"):
        if m := re.search(rf"^\s*{pct}(?:\.000)?%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M):
            found[f"p{pct}_ms"] = float(m.group(1)) * _UNITS[m.group(2)]
    if m := re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out):
        found["errors"] += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        found["errors"] += sum(map(int, m.groups()))
    return found


def reference(seconds: int, connections: int) -> dict:
    """The bare FastAPI app (bench/hello.py) on uvicorn: a 2 KB dict, and the same bytes."""
    port = proc.free_port()
    command = [sys.executable, "-m", "uvicorn", "bench.hello:app", "--port", str(port), "--log-level", "warning"]
    with proc.Server(command, port, probe="bytes") as server:
        return {kind: wrk(server.url + kind, ["/" + kind], "application/json", seconds, connections)
                for kind in ("dict", "bytes")}
