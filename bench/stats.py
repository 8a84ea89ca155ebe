"""Small statistics over timings (nearest-rank percentiles, as load generators report them)."""
from __future__ import annotations

import math
import time
from typing import Callable


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def timings(call: Callable[[], object], budget: float, least: int = 5, most: int = 200) -> list[float]:
    """Seconds of each call: at least `least`, then more until `budget` seconds or `most` calls;
    a call so slow that `least` of them would take over three budgets stops the repeats early."""
    found: list[float] = []
    started = time.perf_counter()
    while len(found) < least or (len(found) < most and time.perf_counter() - started < budget):
        if found and time.perf_counter() - started > 3 * budget:
            break
        begin = time.perf_counter()
        call()
        found.append(time.perf_counter() - begin)
    return found


def summary_ms(seconds: list[float]) -> dict[str, float]:
    return {"median_ms": percentile(seconds, 50) * 1000, "p99_ms": percentile(seconds, 99) * 1000, "runs": len(seconds)}
