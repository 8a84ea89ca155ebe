"""`python -m bench.corpus OUT --pages N --seed S`: write a synthetic archive (see bench/README.md)."""
from __future__ import annotations

import argparse
from pathlib import Path

from bench.corpus import generate, manifest


def main() -> int:
    p = argparse.ArgumentParser(prog="python -m bench.corpus", description="Write a synthetic 许昌日报 archive.")
    p.add_argument("out", type=Path, help="folder to write into")
    p.add_argument("--pages", type=int, default=1000, help="how many pages (ten a day)")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    if args.pages < 1:
        p.error(f"--pages must be at least 1, not {args.pages}")
    out = generate(args.out, args.pages, args.seed)
    records = manifest(out)
    chars = sum(r["chars"] for r in records)
    print(f"{len(records)} pages, {chars:,} characters, {records[0]['date']} to {records[-1]['date']} in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
