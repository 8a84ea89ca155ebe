"""Random draws that grow like a real archive: a Pitman-Yor process reuses what was already
drawn in proportion to how often (a few names on many pages), and keeps inventing new ones at a
rate that slows with size (Heaps' law), so distinct entities grow sublinearly with pages."""
from __future__ import annotations

import random
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


class Stream(Generic[T]):
    def __init__(self, rng: random.Random, make: Callable[[], T], theta: float, discount: float) -> None:
        if not (0 <= discount < 1 and theta > -discount):
            raise ValueError(f"Pitman-Yor needs 0 <= discount < 1 and theta > -discount, got {theta}, {discount}")
        self.rng, self.make, self.theta, self.discount = rng, make, theta, discount
        self.items: list[T] = []
        self.counts: list[int] = []
        self._draws: list[int] = []  # one entry per draw: sampling it uniformly is sampling by count

    def draw(self) -> T:
        n, k = len(self._draws), len(self.items)
        if n == 0 or self.rng.random() * (n + self.theta) < self.theta + self.discount * k:
            index = k
            self.items.append(self.make())
            self.counts.append(0)
        else:
            index = self._reuse(n)
        self.counts[index] += 1
        self._draws.append(index)
        return self.items[index]

    def _reuse(self, n: int) -> int:
        """An earlier item with probability proportional to (count - discount), by rejection."""
        while True:
            index = self._draws[self.rng.randrange(n)]
            count = self.counts[index]
            if self.rng.random() * count < count - self.discount:
                return index


def zipf_weights(n: int, exponent: float = 1.0) -> list[float]:
    return [1.0 / (rank ** exponent) for rank in range(1, n + 1)]
