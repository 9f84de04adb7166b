"""The micro-batcher: pairs of concurrent requests share one model call."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor

import numpy as np

from groundrail.grounding.model import Pair
from groundrail.observe import metrics

Predict = Callable[[Sequence[Pair]], np.ndarray]
BatchObserver = Callable[[list[int], float], None]  # request sizes of one batch, seconds


class MicroBatcher:
    """Queue pairs from any number of requests; one owned task drains the queue in batches of
    at most `max_batch` pairs (a larger request runs alone), waiting up to `max_wait` seconds
    for company, and runs each batch on the inference executor."""

    def __init__(
        self,
        predict: Predict,
        executor: Executor,
        max_batch: int = 64,
        max_wait: float = 0.002,
        observe: BatchObserver | None = None,
    ) -> None:
        self._predict = predict
        self._executor = executor
        self._max_batch = max_batch
        self._max_wait = max_wait
        self._observe = observe
        self._queue: list[tuple[list[Pair], asyncio.Future[np.ndarray]]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def queued(self) -> int:
        return sum(len(pairs) for pairs, _ in self._queue)

    async def score(self, pairs: Sequence[Pair]) -> np.ndarray:
        if not pairs:
            return self._predict([])
        if self._task is None:
            self._task = asyncio.create_task(self._drain(), name="groundrail-batcher")
        future: asyncio.Future[np.ndarray] = asyncio.get_running_loop().create_future()
        self._queue.append((list(pairs), future))
        metrics.NLI_QUEUE.inc(len(pairs))
        self._wake.set()
        return await future

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        for _, future in self._queue:
            future.cancel()
        self._queue.clear()

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            if self._max_wait and self.queued < self._max_batch:
                await asyncio.sleep(self._max_wait)
            batch = self._take()
            metrics.NLI_QUEUE.dec(sum(len(p) for p, _ in batch))
            if not self._queue:
                self._wake.clear()
            live = [(pairs, f) for pairs, f in batch if not f.cancelled()]
            if not live:
                continue
            flat = [pair for pairs, _ in live for pair in pairs]
            started = time.perf_counter()
            try:
                probs = await loop.run_in_executor(self._executor, self._predict, flat)
            except Exception as exc:  # every waiter hears of it; the batcher lives on
                for _, future in live:
                    if not future.done():
                        future.set_exception(exc)
                continue
            seconds = time.perf_counter() - started
            metrics.NLI_BATCH.observe(len(flat))
            metrics.NLI_SECONDS.observe(seconds)
            if self._observe is not None:
                self._observe([len(p) for p, _ in live], seconds)
            offset = 0
            for pairs, future in live:
                if not future.done():
                    future.set_result(probs[offset : offset + len(pairs)])
                offset += len(pairs)

    def _take(self) -> list[tuple[list[Pair], asyncio.Future[np.ndarray]]]:
        taken: list[tuple[list[Pair], asyncio.Future[np.ndarray]]] = []
        size = 0
        while self._queue and (not taken or size + len(self._queue[0][0]) <= self._max_batch):
            pairs, future = self._queue.pop(0)
            taken.append((pairs, future))
            size += len(pairs)
        return taken
