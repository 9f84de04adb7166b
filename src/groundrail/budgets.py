"""Token budgets: counters per key and fixed time window, in process."""

from __future__ import annotations

import time


class Budgets:
    """Counts tokens per (budget, key, window). Windows are fixed and aligned to the epoch, so
    every replica agrees on where one starts; old windows are dropped as time moves on."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str, int], int] = {}

    def used(self, budget: str, key: str, window_seconds: int) -> int:
        return self._counts.get((budget, key, self._window(window_seconds)), 0)

    def add(self, budget: str, key: str, window_seconds: int, tokens: int) -> int:
        window = self._window(window_seconds)
        slot = (budget, key, window)
        self._counts[slot] = self._counts.get(slot, 0) + tokens
        self._forget_before(budget, window)
        return self._counts[slot]

    def _forget_before(self, budget: str, window: int) -> None:
        for slot in [s for s in self._counts if s[0] == budget and s[2] < window]:
            del self._counts[slot]

    @staticmethod
    def _window(seconds: int) -> int:
        return int(time.time() // seconds)
