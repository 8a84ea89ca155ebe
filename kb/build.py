"""Build the KB from page files: extract every page (on all cores), resolve, map to RDF, store."""
from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox

from kb import rdf
from kb.config import Settings
from kb.dump import write_dumps
from kb.errors import KbError, PageError
from kb.iris import Minter
from kb.model import Entity, PageResult
from kb.pipeline import extract
from kb.stages.resolve import resolve
from kb.store import DataDir

PAGE_SUFFIXES = (".txt",)


@dataclass
class BuildReport:
    pages: int = 0
    triples: int = 0
    skipped: list[PageError] = field(default_factory=list)


def page_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders into their page files (sorted); files are taken as given."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in PAGE_SUFFIXES and p.is_file()))
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
        results: Iterable[PageResult | PageError] = map(_extract_safely, jobs)
        yield from _tick(results, bar)
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
    files = page_files(paths)
    if not files:
        raise KbError(f"no page files (*.txt) found in {', '.join(map(str, paths))}")
    data = DataDir(settings.data_dir)
    snapshot = data.new_snapshot()
    report = BuildReport()
    mint = Minter(settings.base)
    (snapshot / "pages").mkdir()
    store = ox.Store(str(snapshot / "store"))
    found: list[tuple[Entity, ...]] = []
    roles: set[str] = set()
    for result in extract_all(files, settings, progress):
        if isinstance(result, PageError):
            report.skipped.append(result)
            continue
        found.append(result.entities)
        roles.update(post.title for post in result.posts)
        _write_page_cache(snapshot, result)
        store.bulk_extend(rdf.page_quads(result, mint))
    store.bulk_extend(rdf.entity_quads(resolve(found), roles, mint))
    report.pages = len(found)
    _finish(store, snapshot, settings)
    report.triples = len(store)
    del store
    (snapshot / "COMPLETE").write_text(json.dumps({"pages": report.pages, "triples": report.triples}))
    data.publish(snapshot)
    return report


def _finish(store: ox.Store, snapshot: Path, settings: Settings) -> None:
    """What every new snapshot gets once its pages are in: the dataset description, the dumps."""
    store.flush()
    write_dumps(store, snapshot / "dumps")


def _write_page_cache(snapshot: Path, result: PageResult) -> None:
    path = snapshot / "pages" / f"{result.page.id}.json"
    path.write_text(json.dumps(result.to_json(), ensure_ascii=False), encoding="utf-8")
