"""CPU time of kb.pipeline.extract per stage, over page files repeated N times.

    python -m bench.profile_extract [PAGES...] [--repeat N] [--profile] [--top K]

Times by time.process_time (the machine is shared: wall time says more about the neighbours),
and prints chars/s per stage (characters of the page text over the stage's CPU time) and for
the whole of extract.  The entity stage is split by rule module (places, orgs, posts, people,
projects, events) by timing their public functions in place; rjieba's one tagging pass per page
is shown apart.  --profile runs cProfile around the whole loop and prints the top functions.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from kb import pipeline
from kb.config import resolve
from kb.stages import dates, entities, events, normalize, orgs, people, places, posts, projects, read
from kb.stages import segment, text

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
# entity rule modules and the public functions timed in place, as "entities.<module>"
RULES = {"places": (places, ("find",)), "orgs": (orgs, ("find",)), "posts": (posts, ("find", "after_name")),
         "people": (people, ("cue_names", "headline_names", "listed", "tagged_names", "learned")),
         "projects": (projects, ("find",)), "events": (events, ("find",))}


class Clock:
    """CPU seconds per label; nested timers charge only their own time to the outer label."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self.stack: list[str] = []
        self.mark = time.process_time()

    def _switch(self, label: str | None) -> None:
        now = time.process_time()
        if self.stack:
            self.spent[self.stack[-1]] += now - self.mark
        self.mark = now

    def timed(self, label: str, fn: Callable, *args, **kwargs):
        self._switch(label)
        self.stack.append(label)
        try:
            return fn(*args, **kwargs)
        finally:
            self._switch(None)
            self.stack.pop()

    def wrap(self, label: str, fn: Callable) -> Callable:
        return lambda *args, **kwargs: self.timed(label, fn, *args, **kwargs)


def _instrument(clock: Clock) -> None:
    """Time the entity rule modules and rjieba where entities.py calls them."""
    for label, (module, names) in RULES.items():
        for name in names:
            setattr(module, name, clock.wrap(f"entities.{label}", getattr(module, name)))
    text.rjieba.tag = clock.wrap("entities.rjieba", text.rjieba.tag)


def extract(path: Path, settings, clock: Clock):
    """kb.pipeline.extract, stage by stage under the clock (same calls, same order)."""
    raw = clock.timed("read", read.read_page, path)
    norm, offsets = clock.timed("normalize", normalize.normalize, raw.source)
    year, evidence = clock.timed("dates", dates.infer_year, raw.id, norm)
    page = pipeline.Page(raw.id, raw.path, raw.source, norm, offsets, raw.sha256, raw.encoding, year, evidence)
    items = clock.timed("segment", segment.segment, page)
    clock.timed("entities", entities.extract, page, items, settings)
    return len(norm)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", type=Path, help="page files (default: seeds/*.txt)")
    parser.add_argument("--repeat", type=int, default=10, help="passes over the pages (default 10)")
    parser.add_argument("--profile", action="store_true", help="also print cProfile's top functions")
    parser.add_argument("--top", type=int, default=30, help="functions --profile prints (default 30)")
    args = parser.parse_args(argv)
    paths = args.pages or sorted(SEEDS.glob("*.txt"))
    settings = resolve({})
    for path in paths:  # warm up: data files, compiled patterns, rjieba's dictionary
        pipeline.extract(path, settings)
    whole = time.process_time()
    for _ in range(args.repeat):
        for path in paths:
            pipeline.extract(path, settings)
    whole = time.process_time() - whole
    clock = Clock()
    _instrument(clock)
    profiler = cProfile.Profile() if args.profile else None
    chars = 0
    if profiler:
        profiler.enable()
    for _ in range(args.repeat):
        chars += sum(extract(path, settings, clock) for path in paths)
    if profiler:
        profiler.disable()
    _report(clock.spent, chars, whole, args.repeat * len(paths))
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.top)


def _report(spent: dict[str, float], chars: int, whole: float, pages: int) -> None:
    print(f"{pages} pages, {chars:,} chars of page text; CPU time (process_time)")
    print(f"  {'extract (uninstrumented)':28} {whole:8.3f} s  {chars / whole:12,.0f} chars/s"
          f"  {1000 * whole / pages:6.1f} ms/page")
    for label, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        rate = chars / seconds if seconds else float("inf")
        print(f"  {label:28} {seconds:8.3f} s  {rate:12,.0f} chars/s  {100 * seconds / sum(spent.values()):5.1f}%")


if __name__ == "__main__":
    main()
