"""`python -m bench.load`: build a KB, serve it, put the mixed load on it with wrk for a bounded
time while sampling the memory of the server and its query workers; print the numbers (and
write them to OUT/load.json). Exit status 1 when any request failed or memory kept growing."""
from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

import httpx

from bench.load import ROOT, check, requests, wrk, write_mix
from bench.load.memory import Sample, Sampler

KB = [sys.executable, "-m", "kb"]
GROWTH = 1.25  # memory at the end may exceed memory after warm-up by this factor (plus SLACK_MB)
SLACK_MB = 20.0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    p.add_argument("pages", nargs="*", type=Path, default=[ROOT / "seeds"], help="page files or folders (seeds/)")
    p.add_argument("--seconds", type=float, default=180, help="duration of the load (default 180)")
    p.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    p.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    p.add_argument("--entities", type=int, default=300, help="entities whose pages are in the mix (default 300)")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "load", help="work folder")
    return p


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(data: Path, port: int, log: Path) -> subprocess.Popen:
    url = f"http://127.0.0.1:{port}/"
    proc = subprocess.Popen([*KB, "serve", "--data-dir", str(data), "--port", str(port), "--base", url], cwd=ROOT,
                            stdout=log.open("w"), stderr=subprocess.STDOUT)
    for _ in range(600):
        if proc.poll() is not None:
            raise SystemExit(f"kb serve exited ({proc.returncode}): see {log}")
        try:
            httpx.get(url + "sparql", timeout=2, trust_env=False)
            return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"kb serve did not answer: see {log}")


def memory(samples: list[Sample], seconds: float) -> dict:
    """Server and workers' RSS (MB) after warm-up (10% into the run), at their peak and at the end."""
    warm = next((s for s in samples if s.seconds >= seconds / 10), samples[0])
    last = samples[-1]
    found = {"samples": len(samples), "workers_max": max(s.workers for s in samples)}
    for part in ("server_mb", "workers_mb"):
        found[part] = {"warm": getattr(warm, part), "peak": max(getattr(s, part) for s in samples),
                       "end": getattr(last, part)}
    total = [s.server_mb + s.workers_mb for s in samples]
    found["total_mb"] = {"warm": warm.server_mb + warm.workers_mb, "peak": max(total), "end": total[-1]}
    found["bounded"] = found["total_mb"]["end"] <= found["total_mb"]["warm"] * GROWTH + SLACK_MB
    return found


def main(argv: list[str] | None = None) -> int:
    opts = parser().parse_args(argv)
    opts.out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base, data = f"http://127.0.0.1:{port}/", opts.out / "data"
    subprocess.run([*KB, "build", *map(str, opts.pages), "--data-dir", str(data), "--base", base, "--quiet"],
                   cwd=ROOT, check=False)  # exit 1 only says that some page was skipped
    server = serve(data, port, opts.out / "server.log")
    try:
        mix = requests(base, opts.entities)
        if bad := check(base, mix):
            print(f"{len(bad)} requests of the mix fail before any load:", *bad[:20], sep="\n", file=sys.stderr)
            return 1
        sampler = Sampler(server.pid)
        sampler.start()
        summary = wrk(base, write_mix(mix, opts.out / "mix.tsv"), opts.seconds, opts.connections, opts.threads)
        samples = sampler.stop()
        alive = httpx.get(base + "sparql", params={"query": "ASK {}"}, timeout=30, trust_env=False).status_code
    finally:
        server.terminate()
        server.wait(30)
    result = {"mix": len(mix), "seconds": opts.seconds, "connections": opts.connections, "threads": opts.threads,
              "load": summary, "memory": memory(samples, opts.seconds), "answers_after": alive,
              "samples": [asdict(s) for s in samples]}
    (opts.out / "load.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "samples"}, indent=1))
    return 0 if summary["errors"] == 0 and result["memory"]["bounded"] and alive == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
