"""Build the grounding engine from settings, once per process, and close it once."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

from groundrail.cache.pairs import PairCache
from groundrail.cache.store import Store
from groundrail.config import CacheSettings, GroundingSettings
from groundrail.grounding.batcher import BatchObserver, MicroBatcher
from groundrail.grounding.engine import EngineSettings, GroundingEngine
from groundrail.grounding.model import DEFAULT_MODEL, NLIModel


class GroundingRuntime:
    """The model, its one-thread executor (ONNX Runtime threads do the parallel work), the
    micro-batcher and the engine."""

    def __init__(self, engine: GroundingEngine, executor: ThreadPoolExecutor) -> None:
        self.engine = engine
        self._executor = executor
        self._closing = False

    def not_ready(self) -> str | None:
        """For /readyz: None while the model serves, else why not."""
        return "the grounding model is shutting down" if self._closing else None

    @classmethod
    async def open(
        cls,
        settings: GroundingSettings,
        observe: BatchObserver | None = None,
        store: Store | None = None,
        cache: CacheSettings | None = None,
    ) -> GroundingRuntime:
        """With a store, NLI results are cached in it (keyed by the model's hash)."""
        folder = settings.model or DEFAULT_MODEL
        threads = settings.threads or os.cpu_count() or 1
        model = await asyncio.to_thread(NLIModel, folder, threads)
        cache = cache or CacheSettings()
        pairs = (
            PairCache(store, model.id, cache.prefix, cache.nli_ttl_seconds)
            if store is not None
            else None
        )
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="groundrail-nli")
        batcher = MicroBatcher(
            model.predict,
            executor,
            max_batch=settings.max_batch,
            max_wait=settings.max_wait_ms / 1000,
            observe=observe,
        )
        engine = GroundingEngine(
            model,
            batcher,
            EngineSettings(
                top_k=settings.top_k,
                min_support=settings.min_support,
                early_exit=settings.early_exit,
            ),
            cache=pairs,
        )
        return cls(engine, executor)

    async def close(self) -> None:
        self._closing = True
        await self.engine.batcher.close()
        self._executor.shutdown(wait=True)
