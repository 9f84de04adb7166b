"""Grounding latency, model throughput and memory on this machine. A benchmark, not a test.

    python bench/grounding.py [--repeats 20] [--threads N]

Prints three tables: one check's latency (p50/p99) for answers of 1, 5 and 20 claims over
contexts of about 500, 2,000 and 8,000 model tokens; raw NLI pairs/s at batch sizes 1, 8, 32;
the process's peak RSS with the model loaded and after the runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import statistics
import time

from tokenizers import Tokenizer

from groundrail.config import GroundingSettings
from groundrail.grounding.model import Pair
from groundrail.grounding.runtime import GroundingRuntime
from groundrail.grounding.windows import Document

SUBJECTS = ["The council", "The company", "Our team", "The museum", "The river authority"]
VERBS = ["approved", "reported", "opened", "measured", "announced"]
OBJECTS = [
    "a budget of {n} million euros",
    "{n} new stations",
    "a gallery of {n} rooms",
    "a flow of {n} cubic metres",
    "{n} jobs in the region",
]


def sentence(rng: random.Random) -> str:
    obj = rng.choice(OBJECTS).format(n=rng.randint(2, 900))
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {obj} in {rng.randint(1990, 2025)}."


def context_of(tokens: int, rng: random.Random, runtime: GroundingRuntime) -> str:
    text = ""
    tokenizer = Tokenizer.from_str(runtime.engine.model.tokenizer.to_str())
    tokenizer.no_truncation()  # the model's copy cuts at its max length
    while len(tokenizer.encode(text, add_special_tokens=False).ids) < tokens:
        text += " ".join(sentence(rng) for _ in range(10)) + " "
    return text.strip()


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def main(repeats: int, threads: int) -> None:
    baseline = rss_mb()
    runtime = await GroundingRuntime.open(GroundingSettings(threads=threads, max_wait_ms=0))
    loaded = rss_mb()
    rng = random.Random(1)
    engine = runtime.engine
    print(f"model {engine.model.id}, {threads} ONNX threads, {os.cpu_count()} cores\n")
    print("| claims | context tokens | pairs | p50 ms | p99 ms |")
    print("|---:|---:|---:|---:|---:|")
    for tokens in (500, 2000, 8000):
        context = context_of(tokens, rng, runtime)
        docs = [Document("doc", context)]
        for claims in (1, 5, 20):
            answer = " ".join(sentence(rng) for _ in range(claims))
            await engine.check(docs, answer)  # warm
            times, pairs = [], 0.0
            for _ in range(repeats):
                started = time.perf_counter()
                result = await engine.check(docs, answer)
                times.append((time.perf_counter() - started) * 1000)
                pairs = result.timings["pairs"]
            print(
                f"| {claims} | {tokens} | {pairs:.0f} | {statistics.median(times):.1f} "
                f"| {pct(times, 0.99):.1f} |"
            )
    print("\n| batch size | pairs/s | tokens per pair |")
    print("|---:|---:|---:|")
    window = context_of(110, rng, runtime)
    for size in (1, 8, 32):
        batch = [Pair(window, sentence(rng)) for _ in range(size)]
        engine.model.predict(batch)
        started, done = time.perf_counter(), 0
        while time.perf_counter() - started < 3:
            engine.model.predict(batch)
            done += size
        width = len(engine.model.tokenizer.encode(batch[0].premise, batch[0].hypothesis).ids)
        print(f"| {size} | {done / (time.perf_counter() - started):.1f} | {width} |")
    print("\n| peak RSS | MB |")
    print("|---|---:|")
    print(f"| interpreter + imports | {baseline:.0f} |")
    print(f"| model loaded | {loaded:.0f} |")
    print(f"| after the runs | {rss_mb():.0f} |")
    await runtime.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    asyncio.run(main(args.repeats, args.threads))
