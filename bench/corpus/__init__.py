"""A synthetic archive of 许昌日报 pages, built from the seed pages' structure: ten pages a day,
reports led by a city leadership whose posts change hands yearly, bylines from a staff of
reporters, and companies, bodies, places, projects and events drawn so that a few recur on
many pages while new ones keep appearing. Deterministic: the same seed gives the same bytes,
and the first N pages of a longer archive are the N-page archive."""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date as Date, timedelta
from pathlib import Path
from typing import Iterator

from bench.corpus.filler import clauses
from bench.corpus.page import Writer
from bench.corpus.world import World

ROOT = Path(__file__).resolve().parents[2]
PAGES_PER_DAY = 10
MANIFEST = "manifest.jsonl"


@dataclass(frozen=True)
class GeneratedPage:
    path: Path
    text: str
    record: dict  # what the page really holds: its items and every entity it names


def pages(count: int, seed: int = 1, start: Date = Date(2004, 1, 1),
          seeds: Path = ROOT / "seeds") -> Iterator[tuple[str, str, dict]]:
    """(relative path, text, truth) of each page, in publication order."""
    rng = random.Random(seed)
    pool = clauses(seeds)
    world = World(rng, start.year)
    for index in range(count):
        day = start + timedelta(days=index // PAGES_PER_DAY)
        if day.year != world.year:
            world.new_year(day.year)
        number = index % PAGES_PER_DAY + 1
        writer = Writer(world, rng, pool, day, number)
        text = writer.page()
        page_id = f"{day:%Y%m%d}_{number:02d}"
        record = {"id": page_id, "date": day.isoformat(), "page": number, "chars": len(text),
                  "items": writer.items, **writer.truth.as_json()}
        yield f"{day:%Y}/{page_id}.txt", text, record


def generate(out: Path, count: int, seed: int = 1) -> Path:
    """Write `count` pages under `out` (one folder per year) and a manifest of what they hold.
    An archive already there with the same seed and size is kept as it is."""
    out = Path(out)
    stamp = out / "corpus.json"
    wanted = {"seed": seed, "pages": count, "generator": 2}
    if stamp.exists() and json.loads(stamp.read_text()) == wanted:
        return out
    out.mkdir(parents=True, exist_ok=True)
    with open(out / MANIFEST, "w", encoding="utf-8") as manifest:
        for relative, text, record in pages(count, seed):
            path = out / relative
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            manifest.write(json.dumps(record, ensure_ascii=False) + "\n")
    stamp.write_text(json.dumps(wanted))
    return out


def manifest(out: Path) -> list[dict]:
    with open(Path(out) / MANIFEST, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def statistics(records: list[dict]) -> dict:
    """How the archive's entities grow: distinct names after a tenth, half and all of the pages,
    and how concentrated mentions are (the share of pages naming the most-named one)."""
    kinds = ("people", "organizations", "projects", "places", "events")
    marks = sorted({max(1, len(records) // 10), max(1, len(records) // 2), len(records)})
    found: dict = {"pages": len(records), "chars": sum(r["chars"] for r in records), "growth": {}, "top_share": {}}
    for kind in kinds:
        seen: dict[str, int] = {}
        growth = []
        for index, record in enumerate(records, 1):
            for name in record[kind]:
                seen[name] = seen.get(name, 0) + 1
            if index in marks:
                growth.append(len(seen))
        found["growth"][kind] = dict(zip(map(str, marks), growth))
        found["top_share"][kind] = max(seen.values(), default=0) / len(records)
    return found
