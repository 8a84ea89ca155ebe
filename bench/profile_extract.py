"""CPU time of kb.pipeline.extract per stage, over page files repeated N times.

    python -m bench.profile_extract [PAGES...] [--repeat N] [--rounds R] [--against DIR] [--profile]

Times by time.process_time (the machine is shared: wall time says more about the neighbours),
and prints chars/s per stage (characters of the page text over the stage's CPU time) and for
the whole of extract.  The entity stage is split by rule module (places, orgs, posts, people,
projects, events) by timing their public functions in place; rjieba's one tagging pass per page
is shown apart.  Each round times whole extract calls, then the stages; the least time of the
rounds is kept (the load of other processes only ever adds).  --against DIR measures the kb of
another checkout (PYTHONPATH=DIR) in turn with this one, round by round, and prints both.
--profile runs cProfile around the instrumented passes and prints the top functions.
"""
from __future__ import annotations

import argparse
import cProfile
import importlib
import importlib.util
import json
import os
import pstats
import subprocess
import sys
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
if importlib.util.find_spec("kb.stages.recognize"):  # the statistical recognizer (not in older versions --against)
    RULES["recognize"] = (importlib.import_module("kb.stages.recognize"), ("find",))


class Clock:
    """CPU seconds per label; nested timers charge only their own time to the outer label."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self.stack: list[str] = []
        self.mark = time.process_time()

    def _switch(self) -> None:
        """Charge the time since the last switch to the label on top of the stack."""
        now = time.process_time()
        if self.stack:
            self.spent[self.stack[-1]] += now - self.mark
        self.mark = now

    def timed(self, label: str, fn: Callable, *args, **kwargs):
        self._switch()
        self.stack.append(label)
        try:
            return fn(*args, **kwargs)
        finally:
            self._switch()
            self.stack.pop()

    def wrap(self, label: str, fn: Callable) -> Callable:
        return lambda *args, **kwargs: self.timed(label, fn, *args, **kwargs)


def _instrument(clock: Clock) -> Callable[[], None]:
    """Time the entity rule modules and rjieba where entities.py calls them; returns the undo."""
    originals = [(module, name, getattr(module, name)) for module, names in RULES.values() for name in names]
    originals.append((text.rjieba, "tag", text.rjieba.tag))
    for label, (module, names) in RULES.items():
        for name in names:
            setattr(module, name, clock.wrap(f"entities.{label}", getattr(module, name)))
    text.rjieba.tag = clock.wrap("entities.rjieba", text.rjieba.tag)

    def undo() -> None:
        for module, name, fn in originals:
            setattr(module, name, fn)

    return undo


def extract(path: Path, settings, clock: Clock):
    """kb.pipeline.extract, stage by stage under the clock (same calls, same order)."""
    raw = clock.timed("read", read.read_page, path)
    norm, offsets = clock.timed("normalize", normalize.normalize, raw.source)
    year, evidence = clock.timed("dates", dates.infer_year, raw.id, norm)
    page = pipeline.Page(raw.id, raw.path, raw.source, norm, offsets, raw.sha256, raw.encoding, year, evidence)
    items = clock.timed("segment", segment.segment, page)
    clock.timed("entities", entities.extract, page, items, settings)
    return len(norm)


def measure(paths: list[Path], repeat: int, rounds: int, profiler: cProfile.Profile | None = None) -> dict[str, float]:
    """Least CPU seconds over the rounds: of whole extract calls ("whole") and of each stage
    (instrumented, in a second pass); "chars" is the page text read per round."""
    settings = resolve({})
    for path in paths:  # warm up: data files, compiled patterns, rjieba's dictionary
        pipeline.extract(path, settings)
    if hasattr(pipeline, "settle"):  # as the build's workers do (not in older versions --against)
        pipeline.settle()
    clock = Clock()
    best: dict[str, float] = {}
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(repeat):
            for path in paths:
                pipeline.extract(path, settings)
        spent = {"whole": time.process_time() - start}
        clock.spent.clear()
        undo = _instrument(clock)
        if profiler:
            profiler.enable()
        chars = sum(extract(path, settings, clock) for _ in range(repeat) for path in paths)
        if profiler:
            profiler.disable()
        undo()
        spent.update(clock.spent)
        best = {label: min(seconds, best.get(label, seconds)) for label, seconds in spent.items()}
    return {**best, "chars": chars}


def _worker(paths: list[Path], repeat: int) -> None:
    """--worker: one round of measure() per line read, its result printed as a JSON line."""
    for _ in sys.stdin:
        print(json.dumps(measure(paths, repeat, 1)), flush=True)


def against(paths: list[Path], repeat: int, rounds: int, other: Path) -> tuple[dict[str, float], dict[str, float]]:
    """measure() of this tree's kb and of the kb in `other` (a checkout), round by round in turn
    in two worker processes, so that both see the same load on a shared machine."""
    here = Path(__file__).resolve().parent.parent
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "--repeat", str(repeat), *map(str, paths)]
    workers = [subprocess.Popen(cmd, env={**os.environ, "PYTHONPATH": str(tree)}, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True) for tree in (here, other)]
    best: list[dict[str, float]] = [{}, {}]
    for _ in range(rounds):
        for worker, found in zip(workers, best):
            worker.stdin.write("go\n")
            worker.stdin.flush()
            for label, seconds in json.loads(worker.stdout.readline()).items():
                found[label] = min(seconds, found.get(label, seconds))
    for worker in workers:
        worker.stdin.close()
        worker.wait()
    return best[0], best[1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", type=Path, help="page files (default: seeds/*.txt)")
    parser.add_argument("--repeat", type=int, default=10, help="passes over the pages per round (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the least time of each is kept (default 3)")
    parser.add_argument("--against", type=Path, help="another checkout of kb to compare with, round by round")
    parser.add_argument("--profile", action="store_true", help="also print cProfile's top functions")
    parser.add_argument("--top", type=int, default=30, help="functions --profile prints (default 30)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.pages] or sorted(SEEDS.glob("*.txt"))
    if args.worker:
        return _worker(paths, args.repeat)
    pages = args.repeat * len(paths)
    if args.against:
        after, before = against(paths, args.repeat, args.rounds, args.against.resolve())
        print(f"{pages} pages a round, {after['chars']:,.0f} chars; least CPU time of {args.rounds} rounds; "
              f"chars/s of {args.against} (before) and of this tree (after)")
        for label in sorted(before, key=lambda k: -before[k] if k != "chars" else 0):
            if label != "chars":
                print(f"  {label:20} {after['chars'] / before[label]:12,.0f} {after['chars'] / after[label]:12,.0f}"
                      f"  x{before[label] / after[label]:.2f}")
        return
    profiler = cProfile.Profile() if args.profile else None
    _report(measure(paths, args.repeat, args.rounds, profiler), pages)
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.top)


def _report(best: dict[str, float], pages: int) -> None:
    chars, whole = best.pop("chars"), best.pop("whole")
    print(f"{pages} pages a round, {chars:,.0f} chars of page text; least CPU time (process_time) of the rounds")
    print(f"  {'extract (whole calls)':24} {whole:8.3f} s  {chars / whole:12,.0f} chars/s  {1000 * whole / pages:6.1f} ms/page")
    for label, seconds in sorted(best.items(), key=lambda kv: -kv[1]):
        print(f"  {label:24} {seconds:8.3f} s  {chars / seconds:12,.0f} chars/s  {100 * seconds / sum(best.values()):5.1f}%")


if __name__ == "__main__":
    main()
