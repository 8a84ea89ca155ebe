"""The harness's entity-page load alone, on an existing KB, without regenerating the archive:

    .venv/bin/python -m bench.load.pages bench/out/kb-1m [--seconds 30] [--workers N] [--formats jsonld,html]
                                         [--source DIR]

Serves the data dir with `kb serve`, then runs wrk (bench.measure.pages.wrk) over every entity
and article in shuffled order, each format in turn, and prints one JSON line per format with
requests/s, p50/p90/p99 and errors, and the load average before and after."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from bench import proc
from bench.measure import documents, pages


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.load.pages", description=__doc__.split("\n\n")[0])
    p.add_argument("data", type=Path, help="a kb data dir (bench/out/kb-1m)")
    p.add_argument("--seconds", type=int, default=30)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--workers", type=int, default=None, help="kb serve --workers (default: its own default)")
    p.add_argument("--formats", default="jsonld,html")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--settle", type=float, default=0, help="seconds to wait after start-up (every worker builds "
                                                            "its page index in the background)")
    p.add_argument("--source", type=Path, help="serve with the kb package of this checkout (e.g. `git archive` of an "
                                               "earlier commit), to compare before and after under the same load")
    args = p.parse_args()
    store = ox.Store.read_only(str(args.data / "current" / "store"))
    port = proc.free_port()
    base = f"http://127.0.0.1:{port}/"
    prefix = "http://127.0.0.1:8000/"  # the base the KB was built with
    paths = [proc.quote_path(i[len(prefix) - 1:]) for i in documents.every(store, args.seed) if i.startswith(prefix)]
    del store
    kb = proc.KB if args.source is None else [
        sys.executable, "-c", f"import sys; sys.path.insert(0, {str(args.source.resolve())!r}); "
                              "from kb.cli import main; sys.exit(main())"]
    command = [*kb, "serve", "--data-dir", str(args.data.resolve()), "--port", str(port)]
    if args.workers is not None:
        command += ["--workers", str(args.workers)]
    with proc.Server(command, port) as server:
        pages.checked(base, paths[-5:], "text/html")  # the page index is ready before the clock starts
        time.sleep(args.settle)
        for fmt in args.formats.split(","):
            load = os.getloadavg()[0]
            _, bad = pages.checked(base, paths[-20:], pages.ACCEPT[fmt])
            found = pages.wrk(server.url, paths, pages.ACCEPT[fmt], args.seconds, args.connections)
            print(json.dumps({"source": str(args.source or "."), "workers": args.workers, "format": fmt,
                              "paths": len(paths), "failed_before_load": len(bad),
                              "load_before": load, "load_after": os.getloadavg()[0], **found}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
