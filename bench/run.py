"""The benchmark run: generate the archive, then measure each capability against the references
in the same run, writing bench/RESULTS.md after every step (a run cut short still reports)."""
from __future__ import annotations

import json
import math
import os
import shutil
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox

from bench import machine, proc, report
from bench.corpus import generate, manifest, statistics
from bench.measure import (building, documents, dumps, pages, parameters, profiles, sparql, stages, tagging,
                           virtuoso)

PAGE_WORKERS = 2  # server processes for the entity pages: one per core
STEPS = ("tagging", "kb1m", "dumps", "sparql", "pages", "profile", "build", "add")


@dataclass(frozen=True)
class Options:
    pages: int
    triples: int
    seed: int
    out: Path
    results: Path
    duration: int
    reference_duration: int
    connections: int
    query_budget: float
    tag_chars: int
    virtuoso: bool
    rdflib: bool
    steps: tuple[str, ...]
    command: str


class Bench:
    def __init__(self, options: Options) -> None:
        self.o = options
        self.results: dict = self._earlier() or {}
        self.results.update({"meta": machine.describe(options.command), "options": _jsonable(options)})
        self.kb1m: Path = options.out / "kb-1m"
        self.server: proc.Server | None = None

    def _earlier(self) -> dict | None:
        """The results of an earlier run on the same archive and sizes: a run of some steps
        replaces those steps' results and keeps the others (each step records when it finished)."""
        path = self.o.out / "results.json"
        if not path.exists():
            return None
        earlier = json.loads(path.read_text())
        same = ("pages", "triples", "seed")
        if any(earlier.get("options", {}).get(k) != getattr(self.o, k) for k in same):
            return None
        return earlier

    def log(self, message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] bench: {message}", file=sys.stderr, flush=True)

    def save(self) -> None:
        self.results["meta"]["finished"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
        (self.o.out / "results.json").write_text(json.dumps(self.results, ensure_ascii=False, indent=2))
        self.o.results.write_text(report.render(self.results), encoding="utf-8")

    def run(self) -> None:
        self.o.out.mkdir(parents=True, exist_ok=True)
        self.log(f"generating {self.o.pages} pages (seed {self.o.seed})")
        self.corpus = generate(self.o.out / f"corpus-s{self.o.seed}-n{self.o.pages}", self.o.pages, self.o.seed)
        self.results["archive"] = statistics(manifest(self.corpus))
        try:
            for step in STEPS:
                if step in self.o.steps:
                    self.log(step)
                    started = time.perf_counter()
                    self._step(step)
                    self.results.setdefault("step_seconds", {})[step] = time.perf_counter() - started
                    self.results.setdefault("step_finished", {})[step] = time.strftime("%H:%M UTC", time.gmtime())
                    self.results.setdefault("step_load", {})[step] = os.getloadavg()[0]
                    self.save()
        finally:
            if self.server is not None:
                self.server.stop()
            self.save()
        self.log(f"done: {self.o.results}")

    def _step(self, step: str) -> None:
        """One step; when it fails, the failure is reported and the other steps still run."""
        self.results.setdefault("step_errors", {}).pop(step, None)
        try:
            getattr(self, "step_" + step)()
        except Exception as exc:  # noqa: BLE001  (whatever broke, the report says so)
            lines = traceback.format_exc().strip().splitlines()
            self.results["step_errors"][step] = f"{type(exc).__name__}: {exc} ({lines[-3].strip() if len(lines) > 2 else ''})"
            self.log(f"{step} failed: {exc}")

    def files(self, corpus: Path) -> list[Path]:
        return [corpus / r["date"][:4] / f"{r['id']}.txt" for r in manifest(corpus)]

    def step_tagging(self) -> None:
        files = self.files(self.corpus)
        self.results["tagging"] = tagging.measure(files, self.o.tag_chars)
        self.results["stages"] = stages.measure(files, self.o.tag_chars)

    def step_kb1m(self) -> None:
        """A KB of at least the wanted number of triples: size it from a pilot build."""
        pilot = building.build(self._corpus(50), self.o.out / "kb-pilot", timeout=1800)
        per_page = pilot.get("triples", 0) / 50 or 1000
        count = math.ceil(self.o.triples * 1.05 / per_page)
        for _ in range(3):
            shutil.rmtree(self.kb1m, ignore_errors=True)
            built = building.build(self._corpus(count), self.kb1m, timeout=7200)
            if not built["ok"] or built["triples"] >= self.o.triples:
                break
            count = math.ceil(count * self.o.triples / built["triples"] * 1.05)
        self.results["kb1m"] = built

    def _corpus(self, count: int) -> Path:
        return generate(self.o.out / f"corpus-s{self.o.seed}-n{count}", count, self.o.seed)

    def step_dumps(self) -> None:
        found = {"kb_triples": building.triples(self.kb1m), "kb_dump": dumps.dump_all(self.kb1m, self.o.out / "dumps"),
                 "native": dumps.native(self.kb1m, self.o.out / "dumps"), "from_store": dumps.from_store(self.kb1m),
                 "all_from_parts": dumps.all_from_parts(self.kb1m, self.o.out / "dumps"),
                 "build_phases": building.phases(self.kb1m), "build_time_dumps": dumps.build_time_dumps(self.kb1m)}
        nt = self.o.out / "dumps" / "kb.nt"
        if nt.exists() and nt.stat().st_size:
            found["loaders"] = dumps.loaders(nt, self.o.out, self.o.rdflib)
        self.results["dumps"] = found

    def _server(self) -> proc.Server:
        if self.server is None:
            self.server = proc.kb_server(self.kb1m)
        return self.server

    def step_sparql(self) -> None:
        store = ox.Store.read_only(str(self.kb1m / "current" / "store"))
        nq = self.o.out / "dumps" / "kb.nq"
        if not nq.exists() or nq.stat().st_mtime < (self.kb1m / "current").stat().st_mtime:
            proc.kb("dump", "--data-dir", self.kb1m, "--format", "nq", "-o", nq, timeout=3600)
        memory = ox.Store()
        memory.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
        queries = self._queries(store)
        engine = self._virtuoso(nq) if self.o.virtuoso else None
        try:
            with (httpx.Client(timeout=600, trust_env=False) as client,
                  proc.kb_server(self.kb1m, "--in-memory") as in_memory):
                loaded = {"first_answer_s": sparql.first_answer(in_memory.url),  # includes loading the copy
                          "workers_rss_mb_loaded": sparql.workers_rss_mb(in_memory.proc.pid)}
                found = sparql.measure(queries, store, memory, self._server().url, self.o.query_budget,
                                       engine.query(client) if engine else None, in_memory.url)
                loaded["workers_rss_mb_after"] = sparql.workers_rss_mb(in_memory.proc.pid)
                loaded["on_disk_workers_rss_mb_after"] = sparql.workers_rss_mb(self._server().proc.pid)
        finally:
            if engine is not None:
                engine.stop()
        self.results["sparql"] = {"kb_triples": len(store), "queries": found, "in_memory": loaded}

    def _queries(self, store: ox.Store) -> dict[str, str]:
        """Every query, its parameters set to the heaviest cases of this KB (see measure/parameters.py)."""
        found = parameters.values(store)
        self.results["parameters"] = found
        texts = {}
        for path in sparql.query_files():
            text = path.read_text(encoding="utf-8").replace("{name}", found.get("person", ""))
            texts[path.relative_to(proc.ROOT).as_posix()] = parameters.substitute(text, found)
        return texts

    def _virtuoso(self, nq: Path) -> virtuoso.Virtuoso | None:
        if not virtuoso.available():
            self.results["virtuoso"] = "not installed (bench/deps.sh installs it)"
            return None
        engine = virtuoso.Virtuoso(self.o.out / "virtuoso", nq.parent)
        self.results["virtuoso_load_s"] = engine.load(nq.name, "http://bench.invalid/default")
        return engine

    def step_pages(self) -> None:
        """wrk on every entity in shuffled order on `kb serve --workers 2`: with the page cache
        turned off (every page rendered), the same with `--in-memory` (pages read from a copy of the
        store in memory), and with the cache after a warm-up pass (steady state); then a hot set of
        a few hundred pages asked again and again."""
        store = ox.Store.read_only(str(self.kb1m / "current" / "store"))
        hot, top = documents.sample(store, 100)
        hot = ([top] if top else []) + hot
        found: dict = {"documents": documents.measure(store, hot[:200], budget=10), "workers": PAGE_WORKERS}
        prefix = _base()
        as_paths = lambda iris: [proc.quote_path(i[len(prefix) - 1:]) for i in iris if i.startswith(prefix)]  # noqa: E731
        every = as_paths(documents.every(store, self.o.seed))
        load = lambda url, paths, accept, seconds: pages.wrk(url, paths, accept, seconds, self.o.connections)  # noqa: E731
        for fmt, accept in pages.ACCEPT.items():
            with self._pages_server("--page-cache-mb", "0") as server:
                _, bad = pages.checked(server.url, every[-50:], accept)  # the end of the order: asked last, if at all
                found[fmt + "_cold"] = {"paths": len(every), "failed_before_load": bad[:10], "failed_count": len(bad),
                                        **load(server.url, every, accept, self.o.duration)}
            with self._pages_server("--page-cache-mb", "0", "--in-memory") as server:
                loaded = _logged(server, "pages read from memory", PAGE_WORKERS, timeout=300)
                found[fmt + "_memory"] = {"paths": len(every), "copies_loaded": loaded,
                                          **load(server.url, every, accept, self.o.duration)}
            with self._pages_server() as server:
                found[fmt + "_warmup"] = load(server.url, every, accept, self.o.reference_duration)
                found[fmt] = {"paths": len(every), **load(server.url, every, accept, self.o.duration)}
                found[fmt + "_hot"] = {"paths": len(hot), **load(server.url, as_paths(hot), accept,
                                                                  self.o.reference_duration)}
        found["fastapi_reference"] = pages.reference(self.o.reference_duration, self.o.connections)
        self.results["pages"] = found

    def _pages_server(self, *options: str) -> proc.Server:
        return proc.kb_server(self.kb1m, "--workers", str(PAGE_WORKERS), *options)

    def step_profile(self) -> None:
        """py-spy over a small build, one add into the query KB, and the server under load."""
        if not profiles.available():
            self.results["profiles"] = {"error": "py-spy is not installed (pip install -e '.[bench]')"}
            return
        if self.server is not None:
            self.server.stop()
            self.server = None
        folder = self.o.out / "profiles"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        small = self._corpus(60)
        found = {"kb build (60 pages)": profiles.command(folder / "build.txt", "build", small, "--data-dir",
                                                         folder / "kb", "--quiet")}
        queried = self._corpus(self.results.get("kb1m", {}).get("pages") or building.pages_in(self.kb1m))
        page = building.next_page(queried, self.o.seed, folder)
        page = page.rename(page.with_name(f"{page.stem}_p{int(time.time())}.txt"))  # new to the KB on every run
        found["kb add (one page into the query KB)"] = profiles.command(
            folder / "add.txt", "add", page, "--data-dir", self.kb1m, "--quiet")
        found["kb serve (JSON-LD entity pages under wrk)"] = profiles.server(
            folder / "serve.txt", self.kb1m, min(30, self.o.duration), self.o.connections)
        self.results["profiles"] = found

    def step_build(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
        data = self.o.out / f"kb-{self.o.pages}"
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(self.o.out / f"added-{self.o.pages}", ignore_errors=True)  # pages added to the old KB
        self.results["build"] = building.build(self.corpus, data, timeout=4 * 3600)

    def step_add(self) -> None:
        data = self.o.out / f"kb-{self.o.pages}"
        if not (data / "current").exists():
            self.results["add"] = {"ok": False, "error": f"no KB at {data}: run the build step first"}
            return
        self.results["add"] = building.add(self.corpus, data, self.o.out / f"added-{self.o.pages}", self.o.seed)


def _logged(server: proc.Server, line: str, count: int, timeout: float) -> int:
    """Wait until `count` lines of the server's log contain `line`; how many did."""
    deadline = time.monotonic() + timeout
    while True:
        seen = Path(server.log.name).read_text(encoding="utf-8", errors="replace").count(line)
        if seen >= count or time.monotonic() > deadline:
            return seen
        time.sleep(0.5)


def _base() -> str:
    from kb.config import resolve

    return resolve({}, environ={}).base


def _jsonable(options: Options) -> dict:
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in options.__dict__.items()}
