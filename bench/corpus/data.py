"""The generator's vocabulary, read from the data files beside it."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


def _lines(name: str) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=None)
def sections(name: str) -> dict[str, list[str]]:
    """A file of `[section]` headers followed by lines; lines before any header go under ''."""
    found: dict[str, list[str]] = {"": []}
    current = ""
    for line in _lines(name):
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            found[current] = []
        else:
            found[current].append(line)
    return found


def weighted(lines: list[str]) -> tuple[list[str], list[float]]:
    """Lines of `value weight` (weight defaults to 1) -> values, weights."""
    values, weights = [], []
    for line in lines:
        value, _, weight = line.rpartition(" ")
        if not value or not weight.replace(".", "").isdigit():
            value, weight = line, "1"
        values.append(value)
        weights.append(float(weight))
    return values, weights


def chars(name: str, section: str = "") -> list[str]:
    """Every distinct character listed (space-separated) in a section, in file order."""
    seen = dict.fromkeys(ch for line in sections(name)[section] for ch in line.split())
    return list(seen)
