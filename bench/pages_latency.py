"""Latency of dereferenceable pages at scale, over HTTP against the real `kb serve`.

    .venv/bin/python -m bench.pages_latency [--triples 1000000] [--requests 200]

Builds the KB from seeds/, then copies its pages (new page ids, dates shifted a day per copy)
until the store holds about --triples triples. Entities are shared across copies, so the most
mentioned ones are named in thousands of articles: the worst case for entity pages. Prints
p50/p99 per kind of page and format, cold (first request for an IRI: rendered) and warm
(repeats: served from the page cache until the data changes).
"""
from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
import pyoxigraph as ox

from kb.store import DataDir

ROOT = Path(__file__).resolve().parents[1]
DATE = re.compile(r'"(\d{4}-\d\d-\d\d)"\^\^')


def build_seeds(data: Path, base: str) -> None:
    subprocess.run([sys.executable, "-m", "kb", "build", str(ROOT / "seeds"), "--data-dir", str(data),
                    "--base", base, "--quiet"], cwd=ROOT)  # a skipped seed page is no reason to stop
    DataDir(data).current()  # ... but no KB at all is


def scale(data: Path, triples: int) -> int:
    """Replace the current snapshot by one with the seed pages copied until ~`triples`."""
    source = DataDir(data).open_read()
    nquads = ox.serialize(source, format=ox.RdfFormat.N_QUADS).decode()
    del source
    pages = sorted(set(re.findall(r"/page/([^>/]+)>", nquads)))
    per_copy, shared = [], []
    for line in nquads.splitlines():
        (per_copy if any(p in line for p in pages) else shared).append(line)
    copies = max(1, (triples - len(shared)) // max(1, len(per_copy)))
    snapshot = DataDir(data).new_snapshot()
    store = ox.Store(str(snapshot / "store"))
    store.bulk_extend(ox.parse("\n".join(shared), format=ox.RdfFormat.N_QUADS))
    for i in range(copies):
        text = "\n".join(per_copy)
        for page in pages:
            text = text.replace(page, f"{page}c{i}")
        text = DATE.sub(lambda m: f'"{date.fromisoformat(m.group(1)) + timedelta(days=i)}"^^', text)
        store.bulk_extend(ox.parse(text, format=ox.RdfFormat.N_QUADS))
    store.flush()
    count = len(store)
    del store
    (snapshot / "COMPLETE").write_text(json.dumps({"triples": count}))
    DataDir(data).publish(snapshot)
    return count


def targets(store: ox.Store, sample: int) -> dict[str, list[str]]:
    def iris(query: str) -> list[str]:
        return [row[0].value for row in store.query(query, use_default_graph_as_union=True)]

    top = iris("SELECT ?e { ?a <http://schema.org/mentions> ?e } GROUP BY ?e ORDER BY DESC(COUNT(*)) LIMIT 1")
    people = iris("SELECT ?e { ?e a <http://schema.org/Person> }")
    articles = iris("SELECT ?e { ?e a <http://schema.org/NewsArticle> } LIMIT 5000")
    orgs = iris("SELECT ?e { ?e a <http://schema.org/Organization> }")
    rng = random.Random(7)
    return {"most mentioned": top, "person": rng.sample(people, min(sample, len(people))),
            "organization": rng.sample(orgs, min(sample, len(orgs))),
            "article": rng.sample(articles, min(sample, len(articles)))}


def measure(iris: list[str], accept: str, repeats: int) -> tuple[list[float], list[float]]:
    """Milliseconds per request: the first request for each IRI (cold: rendered), then
    `repeats` more requests over the same IRIs (warm: served from the page cache)."""
    cold, warm = [], []
    with httpx.Client(timeout=60) as client:
        for i in range(len(iris) + repeats):
            start = time.perf_counter()
            response = client.get(iris[i % len(iris)], headers={"Accept": accept})
            (cold if i < len(iris) else warm).append((time.perf_counter() - start) * 1000)
            response.raise_for_status()
    return cold, warm


def _summary(times: list[float]) -> str:
    times = sorted(times)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    return f"n {len(times):4}  p50 {statistics.median(times):7.1f} ms  p99 {p99:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--port", type=int, default=8799)
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}/"
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        build_seeds(data, base)
        start = time.perf_counter()
        count = scale(data, args.triples)
        print(f"store: {count} triples (made in {time.perf_counter() - start:.0f} s)")
        picks = targets(DataDir(data).open_read(), 100)
        server = subprocess.Popen([sys.executable, "-m", "kb", "serve", "--data-dir", str(data), "--base", base,
                                   "--port", str(args.port)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            _wait(base)
            start = time.perf_counter()
            httpx.get(base, timeout=600).raise_for_status()  # the per-version index is built here
            print(f"first request (builds the page index): {time.perf_counter() - start:.1f} s")
            for accept in ("text/html", "application/ld+json", "text/turtle"):
                for kind, iris in picks.items():
                    cold, warm = measure(iris, accept, args.requests)
                    print(f"{accept:20} {kind:15} cold {_summary(cold)} | warm {_summary(warm)}")
        finally:
            server.terminate()
            server.wait(10)


def _wait(base: str) -> None:
    for _ in range(600):
        try:
            httpx.get(base + "static/kb.css", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("kb serve did not start")


if __name__ == "__main__":
    main()
