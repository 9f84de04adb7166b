"""Token budgets: counters per key and fixed time window, in the shared store."""

from __future__ import annotations

import hashlib
import time

from groundrail.cache.store import MemoryStore, Store


class Budgets:
    """Windows are fixed and aligned to the epoch, so every replica agrees where one starts;
    with Redis the counters are shared (an atomic increment with its expiry in one round trip),
    otherwise they live in this process."""

    def __init__(self, store: Store | None = None, prefix: str = "groundrail:") -> None:
        self._store = store or MemoryStore()
        self._prefix = prefix

    async def used(self, budget: str, key: str, window_seconds: int) -> int:
        return await self._store.get_int(self._key(budget, key, window_seconds))

    async def add(self, budget: str, key: str, window_seconds: int, tokens: int) -> int:
        return await self._store.incr(
            self._key(budget, key, window_seconds), tokens, window_seconds
        )

    def _key(self, budget: str, key: str, window_seconds: int) -> str:
        window = int(time.time() // window_seconds)
        who = hashlib.sha256(key.encode()).hexdigest()[:24]
        return f"{self._prefix}budget:{budget}:{window_seconds}:{who}:{window}"
