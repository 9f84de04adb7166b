"""The NLI result cache: one entry per (model, context window, claim), shared by replicas.

Keys are sha256 digests under a prefix, so an entry of another model can never be served: its
hash is in the key. A user's correction is stored under a key without the model hash (a fact
about a window and a claim outlives the model) and wins over the model's own result.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Literal

import numpy as np
import orjson

from groundrail.cache.store import Store
from groundrail.grounding.model import Pair
from groundrail.observe import metrics

Override = Literal["supported", "unsupported"]
_BLANKS = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _BLANKS.sub(" ", text).strip().lower()


class PairCache:
    def __init__(self, store: Store, model_hash: str, prefix: str, ttl: float | None) -> None:
        self.store = store
        self._model = model_hash
        self._prefix = prefix
        self._ttl = ttl

    def key(self, pair: Pair) -> str:
        return self._prefix + "nli:" + _digest(self._model, pair)

    def override_key(self, pair: Pair) -> str:
        return self._prefix + "fix:" + _digest("", pair)

    async def lookup(
        self, pairs: Sequence[Pair]
    ) -> tuple[list[np.ndarray | None], list[Override | None]]:
        """Cached probabilities and corrections of every pair, in one round trip."""
        keys = [self.key(p) for p in pairs] + [self.override_key(p) for p in pairs]
        values = await self.store.get_many(keys)
        probs = [
            np.asarray(orjson.loads(v), dtype=np.float32) if v is not None else None
            for v in values[: len(pairs)]
        ]
        overrides: list[Override | None] = [
            "supported" if v == b"supported" else "unsupported" if v == b"unsupported" else None
            for v in values[len(pairs) :]
        ]
        hits = sum(p is not None for p in probs)
        metrics.CACHE_LOOKUPS.labels(self.store.layer, "hit").inc(hits)
        metrics.CACHE_LOOKUPS.labels(self.store.layer, "miss").inc(len(pairs) - hits)
        return probs, overrides

    async def save(self, pairs: Sequence[Pair], probs: np.ndarray) -> None:
        await self.store.set_many(
            {
                self.key(p): orjson.dumps(row.round(5).tolist())
                for p, row in zip(pairs, probs, strict=True)
            },
            self._ttl,
        )

    async def correct(self, pairs: Sequence[Pair], label: Override) -> None:
        await self.store.set_many({self.override_key(p): label.encode() for p in pairs}, None)


def _digest(model: str, pair: Pair) -> str:
    text = "\0".join((model, normalise(pair.premise), normalise(pair.hypothesis)))
    return hashlib.sha256(text.encode()).hexdigest()
