"""How long `kb correct` takes on a large KB, beside `kb add` of one page into the same KB.

    python -m bench.measure.corrections DATA_DIR PAGE [PAGE2]

Times `kb add PAGE` (a page the KB does not hold), then one `kb correct` of each kind on targets
taken from the KB (organizations and people named on a few pages, a post), then `kb add PAGE2`
again with the corrections in place. Prints one JSON line per step: seconds, the pages mapped
again, and the phases kb recorded (COMPLETE). It changes the KB in DATA_DIR: use a copy.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

KB = [sys.executable, "-m", "kb"]
FEW_PAGES = """SELECT ?e (COUNT(DISTINCT ?g) AS ?pages) {
  GRAPH ?g { ?a <http://schema.org/mentions> ?e } ?e a <http://schema.org/%s> }
GROUP BY ?e HAVING (COUNT(DISTINCT ?g) >= 2 && COUNT(DISTINCT ?g) <= 5) ORDER BY ?e LIMIT 4"""
A_POST = "SELECT ?p { ?p a <http://www.w3.org/ns/org#Membership> } ORDER BY ?p LIMIT 1"


def _targets(data: Path) -> list[tuple[str, ...]]:
    store = ox.Store.read_only(str(data / "current" / "store"))
    orgs = [row["e"].value for row in store.query(FEW_PAGES % "Organization", use_default_graph_as_union=True)]
    people = [row["e"].value for row in store.query(FEW_PAGES % "Person", use_default_graph_as_union=True)]
    post = next(iter(store.query(A_POST, use_default_graph_as_union=True)))["p"].value
    return [("merge", people[0], people[1]), ("reject", orgs[0]), ("rename", orgs[1], "改过的名字"),
            ("retype", orgs[2], "schema:Organization"), ("reject", post)]


def _run(data: Path, *args: str) -> dict:
    started = time.perf_counter()
    result = subprocess.run([*KB, *args, "--data-dir", str(data)], capture_output=True, text=True)
    seconds = round(time.perf_counter() - started, 2)
    if result.returncode not in (0, 2):
        raise SystemExit(f"kb {' '.join(args)} failed: {result.stderr}")
    again = re.search(r"(\d+) mapped again", result.stderr)
    phases = json.loads((data / "current" / "COMPLETE").read_text(encoding="utf-8"))["seconds"]
    return {"step": " ".join(args[:2]), "seconds": seconds, "mapped_again": int(again.group(1)) if again else 0,
            "phases": phases}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("pages", type=Path, nargs="+")
    args = parser.parse_args()
    print(json.dumps(_run(args.data, "add", str(args.pages[0]), "--quiet"), ensure_ascii=False), flush=True)
    for target in _targets(args.data):
        step = _run(args.data, "correct", *target, "--reason", "bench", "--by", "bench")
        print(json.dumps(step, ensure_ascii=False), flush=True)
    for page in args.pages[1:]:
        print(json.dumps(_run(args.data, "add", str(page), "--quiet"), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
