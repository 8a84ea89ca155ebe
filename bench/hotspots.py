"""Hot spots from a py-spy raw profile (collapsed stacks, `a;b;c N`): the functions where the
samples were taken (self) and those on the stack (total), with their share of all samples.

    py-spy record --subprocesses --format raw -o prof.txt -- .venv/bin/kb build PAGES ...
    python -m bench.hotspots prof.txt
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

_LINE = re.compile(r":\d+\)$")
_FRAME = re.compile(r"^(?:process \d+:\"[^\"]*\"|thread \([^)]*\))$")


# leaves where a thread waits rather than works (idle pool threads, event-loop polls)
IDLE = ("Condition.wait (threading.py)", "select (selectors.py)", "Connection._recv (multiprocessing/connection.py)")


def frames(line: str) -> tuple[list[str], int]:
    stack, _, count = line.rstrip().rpartition(" ")
    names = [f for f in stack.split(";") if f and not _FRAME.match(f)]
    return names, int(count)


def hotspots(path: Path, top: int = 15) -> str:
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    samples = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        names, count = frames(line)
        names = [_LINE.sub(")", n) for n in names]  # one row per function, whatever the line
        if names and names[-1].endswith(IDLE):
            continue
        samples += count
        if names:
            own[names[-1]] += count
        for name in set(names):
            total[name] += count
    lines = [f"{samples} samples while working (waits left out)", "", "self:"]
    lines += [f"  {100 * n / samples:5.1f}%  {name}" for name, n in own.most_common(top)]
    lines += ["", "total (on the stack; frames under nearly every sample left out):"]
    shared = [(name, n) for name, n in total.most_common() if n < 0.95 * samples]
    lines += [f"  {100 * n / samples:5.1f}%  {name}" for name, n in shared[:top]]
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python -m bench.hotspots PROFILE.txt (py-spy record --format raw)")
    print(hotspots(Path(sys.argv[1])))
