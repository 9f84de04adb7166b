"""The verdict cache: the same check cold (model), warm from Redis, warm in process.

    python bench/cache.py [--redis-url redis://127.0.0.1:6379/15] [--repeats 50]

Starts its own redis-server on a free loopback port unless --redis-url is given. Each round
checks a 5-claim answer against a ~500-token context with a fresh context word (so the cold
run really runs the model), then repeats that exact check against the warm cache. Prints
p50/p99 per layer and the ratio cold / warm.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import socket
import statistics
import subprocess
import time

from groundrail.cache.store import MemoryStore, RedisStore, Store
from groundrail.config import GroundingSettings
from groundrail.grounding.runtime import GroundingRuntime
from groundrail.grounding.windows import Document

CONTEXT = (
    "The museum opened in {n}. It holds 3{n} paintings in 40 rooms. Its director since 2015 "
    "is Marie Laurent. The east wing was rebuilt in 1998 after a fire. About 800 thousand "
    "people visit it each year, most of them in summer. "
) * 6
ANSWER = (
    "The museum opened in {n}. It holds 3{n} paintings. Marie Laurent has been its director "
    "since 2015. The east wing was rebuilt in 1998. It was designed by Gustave Eiffel."
)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(store: Store, repeats: int) -> tuple[list[float], list[float]]:
    runtime = await GroundingRuntime.open(GroundingSettings(max_wait_ms=0), store=store)
    cold, warm = [], []
    try:
        for n in range(repeats + 2):
            docs = [Document("d", CONTEXT.format(n=1800 + n))]
            answer = ANSWER.format(n=1800 + n)
            started = time.perf_counter()
            first = await runtime.engine.check(docs, answer)
            middle = time.perf_counter()
            second = await runtime.engine.check(docs, answer)
            done = time.perf_counter()
            assert (first.cache, second.cache) == ("miss", "hit"), (first.cache, second.cache)
            if n >= 2:  # the first rounds warm the interpreter and ONNX Runtime
                cold.append((middle - started) * 1000)
                warm.append((done - middle) * 1000)
    finally:
        await runtime.close()
    return cold, warm


def own_redis() -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    binary = shutil.which("redis-server") or "redis-server"
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    return server, f"redis://127.0.0.1:{port}/0"


async def main(url: str, repeats: int) -> None:
    redis_cold, redis_warm = await measure(RedisStore(url, timeout=0.05), repeats)
    memory_cold, memory_warm = await measure(MemoryStore(), repeats)
    print("5 claims over ~500 tokens of context, one check at a time\n")
    print("| layer | p50 ms | p99 ms | cold p50 / this p50 |")
    print("|---|---:|---:|---:|")
    cold = statistics.median(redis_cold + memory_cold)
    rows = [
        ("cold (model)", redis_cold + memory_cold),
        ("warm, Redis", redis_warm),
        ("warm, in process", memory_warm),
    ]
    for name, values in rows:
        p50 = statistics.median(values)
        print(f"| {name} | {p50:.2f} | {pct(values, 0.99):.2f} | {cold / p50:.1f}x |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url")
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args()
    server, url = (None, args.redis_url) if args.redis_url else own_redis()
    try:
        asyncio.run(main(url, args.repeats))
    finally:
        if server is not None:
            server.terminate()
