"""Build the KB from page files: extract -> map -> load -> resolve -> publish.

- extract and map, on all cores: each page through kb.pipeline, an editor's corrections applied,
  mapped to RDF (kb.rdf) with its share of every dump (kb.dumps.pages);
- load, in the main process as the pages come: their graphs into the store, their files into the
  snapshot, the catalog (kb.catalog) counting them;
- resolve: the entities graph over every page, and each correction's graph;
- publish: the description (kb.dumps.description), the dumps (kb.dumps.files), one atomic switch.

`build` makes a fresh snapshot; `add` copies the current one (hard links, cheap) and replaces only
the pages that changed.
"""
from __future__ import annotations

import ctypes
import io
import json
import multiprocessing
import os
import shutil
import signal
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Iterator

import pyoxigraph as ox

from kb import corrected, corrections, rdf
from kb.catalog import Catalog
from kb.config import Settings
from kb.dumps.deflate import Part
from kb.dumps.description import Tally, describe_tally, subjects_typed, write_description
from kb.dumps.files import DumpFile, write_dumps
from kb.dumps.graphs import graph_parts, graph_text, quad_lines, store_graph_lines
from kb.dumps.pages import PageDump, pack, page_dump, unpack
from kb.errors import KbError, PageError
from kb.iris import Minter, reserved_page_id
from kb.model import PageResult
from kb.pipeline import extract, settle
from kb.store import DataDir, open_store_read_only
from kb.vocab import SCHEMA

PAGE_SUFFIXES = (".txt",)
ENTITY_LINES = "entities.nt"  # the entities graph of a snapshot, as canonical N-Triples lines
BUILT_WITH = ("base", "city", "province")  # settings a KB keeps: adds must mint IRIs as the build did
IN_FLIGHT = 16  # pages per worker extracted ahead of the store's load (their results wait in memory)
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies
Parts = dict[str, Part]  # a graph's share of every dump


@dataclass
class BuildReport:
    pages: int = 0  # pages in the KB afterwards
    changed: int = 0  # pages (re)extracted by this run
    unchanged: int = 0  # pages given again with the same content (kb add)
    recorrected: int = 0  # pages mapped again because the corrections that concern them changed
    stale: list[corrections.Correction] = field(default_factory=list)  # corrections that matched nothing
    triples: int = 0
    skipped: list[PageError] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of each phase (kept in COMPLETE)

    @contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.seconds[phase] = round(time.perf_counter() - started, 3)


def page_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders into their page files (sorted); files are taken as given."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            # not only regular files: a dangling link or unreadable entry is reported, not skipped silently
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in PAGE_SUFFIXES and not p.is_dir()))
        else:
            files.append(path)
    return files


@dataclass(frozen=True)
class Prepared:
    """One page extracted and mapped to RDF in a worker: what a snapshot keeps of it."""

    id: str
    path: str
    sha256: str
    cache: dict[str, Any] | None  # None: the KB already has this page with the same content
    dump: PageDump | None = None  # its graph for the store, its tally and its share of every dump


@dataclass
class _Run:
    """One writer's new snapshot and what it is made with."""

    data: DataDir
    path: Path  # the snapshot's folder
    store: ox.Store
    settings: Settings
    catalog: Catalog
    report: BuildReport
    previous: Path | None = None  # the snapshot an add started from (None for a build)

    def __post_init__(self) -> None:
        self.mint = Minter(self.settings.base)

    def close(self) -> None:
        """Let go of the store, before its snapshot is published or removed."""
        del self.store


_JOB: tuple[Settings, dict[str, str], Minter] | None = None  # each worker's settings and the KB's page checksums


def _start_worker(settings: Settings, known: dict[str, str], parent: int | None = None) -> None:
    global _JOB
    if parent is not None:
        _die_with(parent)
    _JOB = settings, known, Minter(settings.base)


def _die_with(parent: int) -> None:
    """A worker ends when the kb process that forked it dies, whatever kills it: after a SIGKILL of
    kb alone (OOM killer, CI time limit) it would wait on the pool's pipes for good."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # kb died before the signal was asked for: nobody will send it
        os._exit(1)


def _prepare(path: Path) -> Prepared | PageError:
    """Extract, resolve namesakes and map one page, on a worker: the build's parallel part."""
    assert _JOB is not None, "_start_worker runs first"
    settings, known, mint = _JOB
    try:
        result = extract(path, settings)
        settle()
        if known.get(result.page.id) == result.page.sha256:
            return Prepared(result.page.id, result.page.path, result.page.sha256, None)
        return _mapped(result, mint, corrections.plan_for(settings))
    except PageError as exc:
        return exc
    except Exception as exc:  # a bug on one page must not stop the others
        return PageError(str(path), f"extraction failed: {type(exc).__name__}: {exc}")


def _mapped(result: PageResult, mint: Minter, plan: corrections.Plan) -> Prepared:
    fixed = corrected.apply_page(result, plan, mint)  # an editor's rejects and merges, before mapping
    page = result.page
    quads = rdf.page_quads(fixed.result, mint, skip_posts=fixed.dropped_posts, corrected=fixed.notes)
    dumped = page_dump(quads, mint.graph(page.id), mint.base)
    cache = {
        "sha256": page.sha256,
        "path": page.path,
        "entities": [asdict(e) for e in fixed.entities],
        "roles": fixed.roles,
        "tally": asdict(dumped.tally),
        "corrected": list(fixed.matched),
    }
    return Prepared(page.id, page.path, page.sha256, cache, dumped)


def extract_all(files: list[Path], settings: Settings, known: dict[str, str],
                progress: bool) -> Iterator[Prepared | PageError]:
    workers = min(os.cpu_count() or 1, max(1, len(files) // 4))
    bar = _progress(len(files), progress)
    if workers <= 1:
        _start_worker(settings, known)
        yield from _tick(map(_prepare, files), bar)
        return
    # fork, whatever the default: a worker's parent is then kb itself (its death signal follows kb),
    # and the pool forks its workers from this thread, which outlives them
    with ProcessPoolExecutor(workers, multiprocessing.get_context("fork"), initializer=_start_worker,
                             initargs=(settings, known, os.getpid())) as pool:
        yield from _tick(_in_order(pool, files, IN_FLIGHT * workers), bar)


def _in_order(pool: ProcessPoolExecutor, files: list[Path], window: int) -> Iterator[Prepared | PageError]:
    """pool.map, with at most `window` pages extracted ahead of the one the store takes next:
    pool.map submits every page at once, and when the workers outrun the store's load their
    results pile up in memory (1.26 -> 1.64 GB at 10,000 pages once the load got faster)."""
    pending: deque[Future] = deque()
    for path in files:
        pending.append(pool.submit(_prepare, path))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _tick(results: Iterable[Prepared | PageError], bar) -> Iterator[Prepared | PageError]:
    for result in results:
        if bar is not None:
            bar.set_postfix_str(result.id if isinstance(result, Prepared) else "skipped", refresh=False)
            bar.update()
        yield result
    if bar is not None:
        bar.close()


def _progress(total: int, enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="page", desc="extracting", leave=True)


def build(paths: Iterable[str | Path], settings: Settings, progress: bool = True) -> BuildReport:
    """(Re)build the KB from pages into a new snapshot, then switch to it."""
    files = _require_files(paths)
    data = DataDir(settings.data_dir)
    if data.current_id():  # a rebuild applies the corrections file the KB was made with, unless given another
        settings = corrections.remembered(settings, data.current())
    corrections.plan_for(settings)  # a malformed corrections file stops the build here, naming the line
    with _locked(data):
        snapshot = data.new_snapshot()
        (snapshot / "pages").mkdir()
        run = _Run(data, snapshot, ox.Store(str(snapshot / "store")), settings, Catalog(), BuildReport())
        _load(run, files, progress)
        return _complete(run)


def add(paths: Iterable[str | Path], settings: Settings, progress: bool = True) -> BuildReport:
    """Add or replace pages in the current KB; a page given again unchanged changes nothing."""
    return update(_require_files(paths), settings, progress)


def update(files: list[Path], settings: Settings, progress: bool = True) -> BuildReport:
    """Add or replace pages (none: `kb correct`) in the current KB, and apply what changed in the
    corrections file since the KB was made, mapping again only the pages those changes concern."""
    data = DataDir(settings.data_dir)
    with _locked(data):
        current = data.current()
        settings = _as_built(settings, current)
        plan = corrections.plan_for(settings)
        edits = corrections.changed(corrections.applied(current)[0], plan.corrections)
        snapshot, report = data.new_snapshot(), BuildReport()
        with report.timed("copy"):  # hard links: the served snapshot stays as it is
            open_store_read_only(current / "store").backup(str(snapshot / "store"))
            shutil.copytree(current / "pages", snapshot / "pages", copy_function=os.link)
            catalog = Catalog.load(current)
        run = _Run(data, snapshot, ox.Store(str(snapshot / "store")), settings, catalog, report, previous=current)
        touched = corrections.touched_pages(edits, run.store, run.mint, catalog.pages, catalog.corrected)
        report.recorrected = len(touched)
        again = _page_files(snapshot, touched - {Path(f).stem for f in files})
        _load(run, [*files, *again], progress, force=touched)
        if not report.changed and not edits:
            return _unchanged(run)
        return _complete(run)


def _unchanged(run: _Run) -> BuildReport:
    """An add that changes nothing: its snapshot goes, the current one stays."""
    run.close()
    shutil.rmtree(run.path)
    run.report.pages = len(run.catalog.pages)
    run.report.triples = json.loads((run.previous / "COMPLETE").read_text(encoding="utf-8"))["triples"]
    return run.report


def _page_files(snapshot: Path, pages: set[str]) -> list[Path]:
    """The files of pages of the KB, to map them again (the corrections that concern them changed)."""
    files = []
    for page in sorted(pages):
        path = Path(json.loads((snapshot / "pages" / f"{page}.json").read_text(encoding="utf-8"))["path"])
        if not path.is_file():
            raise KbError(f"cannot apply the corrections to page {page}: its file {path} is gone; "
                          f"kb add it again, or kb build")
        files.append(path)
    return files


def _as_built(settings: Settings, snapshot: Path) -> Settings:
    """Pages added to a KB get its IRIs, home city and corrections file, whatever the environment says now."""
    built = json.loads((snapshot / "COMPLETE").read_text(encoding="utf-8"))
    return corrections.remembered(replace(settings, **{k: built[k] for k in BUILT_WITH if k in built}), snapshot)


def _require_files(paths: Iterable[str | Path]) -> list[Path]:
    paths = list(paths)
    files = page_files(paths)
    if not files:
        raise KbError(f"no page files (*.txt) found in {', '.join(map(str, paths))}")
    return files


def _load(run: _Run, files: list[Path], progress: bool, force: set[str] = frozenset()) -> None:
    """Extract and map pages, and load them into the snapshot: each page's graph replaced, its
    files written, the catalog counting it. `force`: pages mapped again even if unchanged."""
    known = {page: entry["sha256"] for page, entry in run.catalog.pages.items() if page not in force}
    changed = _changed(files, run.settings, progress, known, run.report)
    # lenient: the quads are kb's own, serialized from terms whose IRIs were checked when made;
    # re-validating every IRI was a quarter of the load's parsing
    with run.report.timed("pages"):
        if known:  # an add: a few pages, each replacing its graph
            for page in changed:
                run.store.clear_graph(run.mint.graph(page.id))
                run.store.load(page.dump.nquads, format=ox.RdfFormat.N_QUADS, lenient=True)
                _save(run, page)
        else:  # a build: one bulk load of every page, parsed by the store (a load per page cost ~0.1 s)
            run.store.bulk_load(io.BufferedReader(_Chunks(_saved(run, changed)), 1 << 20),
                                format=ox.RdfFormat.N_QUADS, lenient=True)


def _changed(files: list[Path], settings: Settings, progress: bool, known: dict[str, str],
             report: BuildReport) -> Iterator[Prepared]:
    """The prepared pages that are new or changed, each counted or skipped (with the reason) in `report`."""
    seen: dict[str, str] = {}
    for page in extract_all(files, settings, known, progress):
        if isinstance(page, PageError):
            report.skipped.append(page)
            continue
        if reason := reserved_page_id(page.id):
            report.skipped.append(PageError(page.path, reason))
            continue
        if page.id in seen:
            report.skipped.append(PageError(page.path, f"same page id {page.id!r} as {seen[page.id]}: rename one"))
            continue
        seen[page.id] = page.path
        if page.cache is None:
            report.unchanged += 1
            continue
        report.changed += 1
        yield page


def _saved(run: _Run, pages: Iterable[Prepared]) -> Iterator[bytes]:
    """Each page's quads, once its files are in the snapshot."""
    for page in pages:
        _save(run, page)
        yield page.dump.nquads


def _complete(run: _Run) -> BuildReport:
    """Resolve entities over every page of the snapshot, describe it, write its dumps, publish it."""
    with run.report.timed("entities"):
        graphs, tally, entity_lines = _resolve(run)
    with run.report.timed("description"):
        described = _describe(run, graphs, tally, entity_lines)
    with run.report.timed("store"):
        run.store.flush()
        if run.previous is None:  # a bulk load leaves many small files; merged, lookups are 3-10x faster
            run.store.optimize()  # (not after an add: its few writes do not need a whole archive's store rewritten)
    with run.report.timed("dumps"):
        files = write_dumps(run.path / "dumps", _parts_in_order(run, graphs), run.settings.base)
        write_description(described, run.path, run.settings)  # with the dumps' sizes and checksums
    return _publish(run, files)


def _resolve(run: _Run) -> tuple[dict[ox.NamedNode, Parts | str], Tally, list[bytes]]:
    """The graphs beside the pages' in the store: the entities (over every page), the ontology and
    each correction. Returns every graph's dump parts (a page's: its id; its parts are in its file),
    the tally of them all, and the entities graph's lines."""
    mint, store, catalog = run.mint, run.store, run.catalog
    catalog.save(run.path)
    tally = Tally(**asdict(catalog.tally))  # the pages' tally, plus the graphs below
    graphs: dict[ox.NamedNode, Parts | str] = {mint.graph(page): page for page in catalog.pages}
    plan = corrections.plan_for(run.settings)
    entities, notes, matched = corrected.apply_entities(catalog.resolution.entities(), plan, mint, catalog.corrected)
    entity_lines = quad_lines(rdf.entity_quads(entities, set(catalog.roles), mint, notes), mint.entities_graph())
    (run.path / ENTITY_LINES).write_bytes(b"\n".join(entity_lines))  # what the next add compares with
    stored = _previous_lines(store, mint.entities_graph(), run.previous)
    for graph, lines, old in ((mint.entities_graph(), entity_lines, stored),
                              (mint.ontology(), quad_lines(rdf.ontology_quads(mint), mint.ontology()),
                               store_graph_lines(store, mint.ontology()))):
        graphs[graph] = _replace_graph(store, graph, lines, old, mint.base)
        tally.add(Tally.of_lines(lines))
    graphs.update(_correction_graphs(store, plan, mint, tally))
    run.report.stale = [c for c in plan.corrections if c.id not in matched and c.id not in catalog.corrected]
    corrections.save_applied(run.path, plan, run.report.stale, run.settings)
    return graphs, tally, entity_lines


def _describe(run: _Run, graphs: dict[ox.NamedNode, Parts | str], tally: Tally,
              entity_lines: list[bytes]) -> list[ox.Triple]:
    """The description of the data, also in its own graph: in the store and the dumps, so that they carry it."""
    graph = run.mint.void_graph()
    described = describe_tally(tally, subjects_typed(entity_lines, SCHEMA.Person), run.settings)
    lines = quad_lines((ox.Quad(t.subject, t.predicate, t.object, graph) for t in described), graph)
    graphs[graph] = _replace_graph(run.store, graph, lines, store_graph_lines(run.store, graph), run.settings.base)
    return described


def _parts_in_order(run: _Run, graphs: dict[ox.NamedNode, Parts | str]) -> Iterator[Parts]:
    """Every graph's dump parts, in the dumps' order (by graph name); a page's read from its file."""
    for graph in sorted(graphs, key=str):
        parts = graphs[graph]
        yield parts if isinstance(parts, dict) else _page_parts(run, parts)


def _publish(run: _Run, files: list[DumpFile]) -> BuildReport:
    report = run.report
    report.pages, report.triples = len(run.catalog.pages), {f.format: f.statements for f in files}["nq"]
    run.close()
    built = {"pages": report.pages, "triples": report.triples,
             **{k: getattr(run.settings, k) for k in BUILT_WITH}, "seconds": report.seconds}
    (run.path / "COMPLETE").write_text(json.dumps(built, ensure_ascii=False))
    run.data.publish(run.path)
    return report


def _correction_graphs(store: ox.Store, plan: corrections.Plan, mint: Minter,
                       tally: Tally) -> dict[ox.NamedNode, Parts]:
    """Each correction in its own graph; the graphs of corrections no longer in the file are cleared."""
    wanted, editors, parts = {mint.correction(c.id) for c in plan.corrections}, set(), {}
    for graph in set(store.named_graphs()) - wanted:
        if graph.value.startswith(mint.correction("").value):
            store.remove_graph(graph)
    for c in plan.corrections:
        graph = mint.correction(c.id)
        lines = quad_lines(rdf.correction_quads(c, mint, c.by not in editors), graph)
        editors.add(c.by)
        parts[graph] = _replace_graph(store, graph, lines, store_graph_lines(store, graph), mint.base)
        tally.add(Tally.of_lines(lines))
    return parts


def _previous_lines(store: ox.Store, graph: ox.NamedNode, previous: Path | None) -> list[bytes]:
    """The lines the graph held in the snapshot an add started from: its file if it kept one
    (reading it is ~50x faster than dumping the graph from the store: ~6 s at 10,000 pages)."""
    if previous is None:
        return []
    if (previous / ENTITY_LINES).exists():
        return (previous / ENTITY_LINES).read_bytes().split(b"\n")
    return store_graph_lines(store, graph)


def _replace_graph(store: ox.Store, graph: ox.NamedNode, lines: list[bytes], stored: list[bytes],
                   base: str) -> Parts:
    """Make one graph of the store hold `lines` (canonical) instead of `stored`, writing only the
    difference (after an add, the entities graph differs in a few triples); its dump parts."""
    wanted, old = set(lines), set(stored) - {b""}
    gone = graph_text(graph, sorted(old - wanted), "nq")
    for quad in ox.parse(gone, format=ox.RdfFormat.N_QUADS, lenient=True) if gone else ():
        store.remove(quad)
    added = graph_text(graph, sorted(wanted - old), "nq")
    if old:  # an add: a few triples, in one transaction
        store.load(added, format=ox.RdfFormat.N_QUADS, lenient=True)
    else:  # a new graph, perhaps a large one
        store.bulk_load(added, format=ox.RdfFormat.N_QUADS, lenient=True)
    return graph_parts(graph, lines, base)


def _save(run: _Run, page: Prepared) -> None:
    """What later builds and adds need of a page without re-extracting it: its checksum, entities
    and dump parts; the catalog counts it (and no longer the page it replaces). New files are
    renamed over the old: an add's files are hard links into the served snapshot."""
    folder, catalog = run.path / "pages", run.catalog
    if page.id in catalog.pages:
        catalog.add_page(page.id, json.loads((folder / f"{page.id}.json").read_text(encoding="utf-8")), sign=-1)
    data, index = pack(page.dump.parts)
    _replace_file(folder / f"{page.id}.parts", data)
    cache = {**page.cache, "parts": index}
    _replace_file(folder / f"{page.id}.json", json.dumps(cache, ensure_ascii=False).encode("utf-8"))
    catalog.add_page(page.id, cache)


def _replace_file(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _page_parts(run: _Run, page: str) -> Parts:
    return unpack((run.path / "pages" / f"{page}.parts").read_bytes(), run.catalog.pages[page]["parts"])


class _Chunks(io.RawIOBase):
    """A readable file over an iterator of byte strings (for the store's bulk loader)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks, self._rest = chunks, b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._rest:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._rest = chunk
        size = min(len(buffer), len(self._rest))
        buffer[:size] = self._rest[:size]
        self._rest = self._rest[size:]
        return size


@contextmanager
def _locked(data: DataDir) -> Iterator[None]:
    """One writer at a time per data dir (builds and adds); readers never wait. An interrupted
    writer's leftovers go first."""
    with data.writer_lock():
        data.remove_leftovers()
        yield
