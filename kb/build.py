"""Build the KB from page files: extract every page (on all cores), resolve, map to RDF, store.

`build` makes a fresh snapshot; `add` copies the current one (hard links, cheap) and replaces
only the pages that changed. Either way the new snapshot is published in one atomic switch.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Iterator

import pyoxigraph as ox

from kb import identity, rdf, void
from kb.config import Settings
from kb.dump import write_dumps
from kb.errors import KbError, PageError
from kb.iris import Minter, reserved_page_id
from kb.model import Entity, PageResult
from kb.pipeline import extract
from kb.stages.resolve import resolve
from kb.store import DataDir, open_store_read_only

PAGE_SUFFIXES = (".txt",)
BUILT_WITH = ("base", "city", "province")  # settings a KB keeps: adds must mint IRIs as the build did


@dataclass
class BuildReport:
    pages: int = 0  # pages in the KB afterwards
    changed: int = 0  # pages (re)extracted by this run
    unchanged: int = 0  # pages given again with the same content (kb add)
    triples: int = 0
    skipped: list[PageError] = field(default_factory=list)


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


def _extract_safely(args: tuple[Path, Settings]) -> PageResult | PageError:
    path, settings = args
    try:
        return extract(path, settings)
    except PageError as exc:
        return exc
    except Exception as exc:  # a bug on one page must not stop the others
        return PageError(str(path), f"extraction failed: {type(exc).__name__}: {exc}")


def extract_all(files: list[Path], settings: Settings, progress: bool) -> Iterator[PageResult | PageError]:
    jobs = [(f, settings) for f in files]
    workers = min(os.cpu_count() or 1, max(1, len(files) // 4))
    bar = _progress(len(files), progress)
    if workers <= 1:
        yield from _tick(map(_extract_safely, jobs), bar)
        return
    with ProcessPoolExecutor(workers) as pool:
        yield from _tick(pool.map(_extract_safely, jobs, chunksize=4), bar)


def _tick(results: Iterable[PageResult | PageError], bar) -> Iterator[PageResult | PageError]:
    for result in results:
        if bar is not None:
            bar.set_postfix_str(result.page.id if isinstance(result, PageResult) else "skipped", refresh=False)
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
    with _locked(data):
        snapshot = data.new_snapshot()
        (snapshot / "pages").mkdir()
        store = ox.Store(str(snapshot / "store"))
        report = _ingest(store, snapshot, files, settings, progress, known={})
        return _complete(data, store, snapshot, settings, report)


def add(paths: Iterable[str | Path], settings: Settings, progress: bool = True) -> BuildReport:
    """Add or replace pages in the current KB; a page given again unchanged changes nothing."""
    files = _require_files(paths)
    data = DataDir(settings.data_dir)
    with _locked(data):
        current = data.current()
        settings = _as_built(settings, current)
        snapshot = data.new_snapshot()
        open_store_read_only(current / "store").backup(str(snapshot / "store"))
        shutil.copytree(current / "pages", snapshot / "pages", copy_function=os.link)
        store = ox.Store(str(snapshot / "store"))
        known = {p.stem: _read_cache(p)["sha256"] for p in (snapshot / "pages").glob("*.json")}
        report = _ingest(store, snapshot, files, settings, progress, known)
        if not report.changed:
            del store
            shutil.rmtree(snapshot)
            report.pages, report.triples = len(known), len(open_store_read_only(current / "store"))
            return report
        return _complete(data, store, snapshot, settings, report)


def _as_built(settings: Settings, snapshot: Path) -> Settings:
    """Pages added to a KB get its IRIs and home city, whatever the environment says now."""
    built = json.loads((snapshot / "COMPLETE").read_text(encoding="utf-8"))
    return replace(settings, **{k: built[k] for k in BUILT_WITH if k in built})


def _require_files(paths: Iterable[str | Path]) -> list[Path]:
    paths = list(paths)
    files = page_files(paths)
    if not files:
        raise KbError(f"no page files (*.txt) found in {', '.join(map(str, paths))}")
    return files


def _ingest(store: ox.Store, snapshot: Path, files: list[Path], settings: Settings, progress: bool,
            known: dict[str, str]) -> BuildReport:
    """Extract pages into the snapshot: each page's graph replaced, its cache written."""
    mint = Minter(settings.base)
    report = BuildReport()
    changed = _changed(files, settings, progress, known, report)
    if known:  # an add: a few pages, each replacing its graph
        for result in changed:
            store.clear_graph(mint.graph(result.page.id))
            store.extend(list(rdf.page_quads(result, mint)))
            _write_cache(snapshot, result)
    else:  # a build: one bulk load of every page (a load per page cost ~0.1 s and left many small files)
        store.bulk_extend(quad for result in changed
                          for quad in _cached(snapshot, result, rdf.page_quads(result, mint)))
    return report


def _changed(files: list[Path], settings: Settings, progress: bool, known: dict[str, str],
             report: BuildReport) -> Iterator[PageResult]:
    """The extracted pages that are new or changed, each counted or skipped (with the reason) in `report`."""
    seen: dict[str, str] = {}
    for result in extract_all(files, settings, progress):
        if isinstance(result, PageError):
            report.skipped.append(result)
            continue
        page = result.page
        if reason := reserved_page_id(page.id):
            report.skipped.append(PageError(page.path, reason))
            continue
        if page.id in seen:
            report.skipped.append(PageError(page.path, f"same page id {page.id!r} as {seen[page.id]}: rename one"))
            continue
        seen[page.id] = page.path
        if known.get(page.id) == page.sha256:
            report.unchanged += 1
            continue
        report.changed += 1
        yield identity.qualify(result, settings)  # same-named entities told apart, from this page


def _cached(snapshot: Path, result: PageResult, quads: Iterator[ox.Quad]) -> Iterator[ox.Quad]:
    """The page's quads, then its cache written: a page is cached once its quads are in."""
    yield from quads
    _write_cache(snapshot, result)


def _complete(data: DataDir, store: ox.Store, snapshot: Path, settings: Settings, report: BuildReport) -> BuildReport:
    """Resolve entities over every page of the snapshot, finish it, and publish it."""
    caches = [_read_cache(p) for p in sorted((snapshot / "pages").glob("*.json"))]
    mint = Minter(settings.base)
    store.clear_graph(mint.entities_graph())
    entities = resolve(tuple(_entity(e) for e in cache["entities"]) for cache in caches)
    roles = {title for cache in caches for title in cache["roles"]}
    store.bulk_extend(rdf.entity_quads(entities, roles, mint))
    _finish(store, snapshot, settings)
    report.pages, report.triples = len(caches), len(store)
    del store
    built = {"pages": report.pages, "triples": report.triples, **{k: getattr(settings, k) for k in BUILT_WITH}}
    (snapshot / "COMPLETE").write_text(json.dumps(built, ensure_ascii=False))
    data.publish(snapshot)
    return report


def _finish(store: ox.Store, snapshot: Path, settings: Settings) -> None:
    """What every new snapshot gets once its pages are in: the dataset description, the dumps."""
    rdf.publish_ontology(store, Minter(settings.base))
    void.add_description(store, settings)  # before the dumps, so that they carry it
    store.flush()
    store.optimize()  # page-by-page loading leaves many small files; merged, lookups are 3-10x faster
    write_dumps(store, snapshot / "dumps")
    void.write_description(store, snapshot, settings)  # with the dumps' sizes and checksums


def _write_cache(snapshot: Path, result: PageResult) -> None:
    """What later adds need of a page without re-extracting it: its checksum and entities."""
    cache = {
        "sha256": result.page.sha256,
        "path": result.page.path,
        "entities": [asdict(e) for e in result.entities],
        "roles": sorted({post.title for post in result.posts}),
    }
    path = snapshot / "pages" / f"{result.page.id}.json"
    # a new file renamed over the old: an add's cache files are hard links into the served snapshot
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(cache, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def _read_cache(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _entity(data: dict[str, Any]) -> Entity:
    return Entity(**{key: _tuples(value) for key, value in data.items()})


def _tuples(value: Any) -> Any:
    """JSON lists back into the model's tuples (nested too)."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


@contextmanager
def _locked(data: DataDir) -> Iterator[None]:
    """One writer at a time per data dir (builds and adds); readers never wait."""
    data.root.mkdir(parents=True, exist_ok=True)
    with open(data.root / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise KbError(f"another kb build or add is writing {data.root}; try again when it ends") from None
        yield
