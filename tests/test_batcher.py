"""The micro-batcher merges concurrent requests into one model call."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from groundrail.grounding.batcher import MicroBatcher
from groundrail.grounding.model import Pair


class RecordingModel:
    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.gate = threading.Event()
        self.gate.set()

    def predict(self, pairs: Sequence[Pair]) -> np.ndarray:
        self.gate.wait(5)
        self.batches.append([p.hypothesis for p in pairs])
        # each row says which pair it was, so results can be traced back to requests
        return np.array([[float(p.hypothesis.split("-")[1]), 0, 0] for p in pairs])


def pairs(name: str, n: int) -> list[Pair]:
    return [Pair("premise", f"{name}-{i}") for i in range(n)]


@pytest.fixture
def executor() -> ThreadPoolExecutor:
    with ThreadPoolExecutor(1) as pool:
        yield pool


async def test_concurrent_requests_share_one_batch(executor: ThreadPoolExecutor) -> None:
    model = RecordingModel()
    batcher = MicroBatcher(model.predict, executor, max_batch=64, max_wait=0.05)
    results = await asyncio.gather(
        batcher.score(pairs("a", 3)), batcher.score(pairs("b", 2)), batcher.score(pairs("c", 4))
    )
    await batcher.close()
    assert model.batches == [["a-0", "a-1", "a-2", "b-0", "b-1", "c-0", "c-1", "c-2", "c-3"]]
    assert [r[:, 0].tolist() for r in results] == [[0, 1, 2], [0, 1], [0, 1, 2, 3]]


async def test_max_batch_splits_between_requests(executor: ThreadPoolExecutor) -> None:
    model = RecordingModel()
    model.gate.clear()  # hold the first call so the rest queue up behind it
    batcher = MicroBatcher(model.predict, executor, max_batch=4, max_wait=0)
    first = asyncio.create_task(batcher.score(pairs("a", 1)))
    await asyncio.sleep(0.05)
    rest = [asyncio.create_task(batcher.score(pairs(n, 2))) for n in "bcd"]
    rest.append(asyncio.create_task(batcher.score(pairs("e", 6))))
    await asyncio.sleep(0.05)
    model.gate.set()
    await asyncio.gather(first, *rest)
    await batcher.close()
    assert [len(b) for b in model.batches] == [1, 4, 2, 6]  # b+c, d, e alone (over the cap)
    assert model.batches[1] == ["b-0", "b-1", "c-0", "c-1"]


async def test_a_failing_batch_fails_its_requests_only(executor: ThreadPoolExecutor) -> None:
    calls = 0

    def flaky(batch: Sequence[Pair]) -> np.ndarray:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("onnx exploded")
        return np.zeros((len(batch), 3))

    batcher = MicroBatcher(flaky, executor, max_wait=0)
    with pytest.raises(RuntimeError, match="onnx exploded"):
        await batcher.score(pairs("a", 2))
    assert (await batcher.score(pairs("b", 2))).shape == (2, 3)
    await batcher.close()
