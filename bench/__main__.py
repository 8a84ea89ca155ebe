"""`python -m bench` (what `make bench` runs): see bench/README.md."""
from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from bench.run import STEPS, Bench, Options

ROOT = Path(__file__).resolve().parents[1]
SMALL = {"pages": 200, "triples": 100_000, "duration": 5, "reference_duration": 3, "query_budget": 1.0,
         "tag_chars": 50_000}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description="Measure kb against the limits of its parts.")
    p.add_argument("--pages", type=int, default=10_000, help="pages of the archive built and added to (default 10,000)")
    p.add_argument("--triples", type=int, default=1_000_000, help="least triples of the KB queried, served, dumped")
    p.add_argument("--seed", type=int, default=1, help="seed of the generated archive")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="work folder (git-ignored)")
    p.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md", help="the report written")
    p.add_argument("--duration", type=int, default=120, help="seconds of load per entity-page format")
    p.add_argument("--reference-duration", type=int, default=30, help="seconds of load on the bare FastAPI app")
    p.add_argument("--connections", type=int, default=16, help="concurrent connections of the load generator")
    p.add_argument("--query-budget", type=float, default=5.0, help="seconds of repeats per query and engine")
    p.add_argument("--tag-chars", type=int, default=1_000_000, help="characters the reference taggers read")
    p.add_argument("--no-virtuoso", action="store_true", help="skip the Virtuoso reference")
    p.add_argument("--no-rdflib", action="store_true", help="skip the rdflib loading reference")
    p.add_argument("--steps", default=",".join(STEPS), help=f"comma-separated subset of {','.join(STEPS)}")
    p.add_argument("--render", action="store_true", help="only rewrite the report from OUT/results.json")
    p.add_argument("--small", action="store_true", help="a quick check of the harness (minutes): "
                   + ", ".join(f"{k}={v}" for k, v in SMALL.items()))
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parser().parse_args(argv)
    if args.small:
        for key, value in SMALL.items():
            if getattr(args, key) == parser().get_default(key):
                setattr(args, key, value)
    for name in ("pages", "triples", "duration", "reference_duration", "connections", "tag_chars"):
        if getattr(args, name) < 1:
            parser().error(f"--{name.replace('_', '-')} must be at least 1, not {getattr(args, name)}")
    if args.render:
        from bench import report

        results = json.loads((args.out / "results.json").read_text(encoding="utf-8"))
        args.results.write_text(report.render(results), encoding="utf-8")
        return 0
    steps = tuple(s.strip() for s in args.steps.split(",") if s.strip())
    unknown = set(steps) - set(STEPS)
    if unknown:
        parser().error(f"unknown step(s) {', '.join(sorted(unknown))}; choose from {', '.join(STEPS)}")
    options = Options(args.pages, args.triples, args.seed, args.out, args.results, args.duration,
                      args.reference_duration, args.connections, args.query_budget, args.tag_chars,
                      not args.no_virtuoso, not args.no_rdflib, steps, "python -m bench " + shlex.join(argv))
    Bench(options).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
