"""Grounding latency, model throughput and memory on this machine. A benchmark, not a test.

    python bench/grounding.py [--repeats 20] [--threads N] [--against REV]

Prints one cold check's latency (p50/p99; every repeat a new answer, no cache) for answers of
1, 5 and 20 claims over contexts of about 500, 2,000 and 8,000 model tokens, each with answers
copied from the context (`grounded`) and answers not in it (`invented`); checks per second
with 8 checks in flight (5 claims over 2,000 tokens, the micro-batcher merging their pairs);
raw NLI pairs/s at batch sizes 1, 8, 32; the process's peak RSS with the model loaded and
after the runs. With `--against REV` the same runs first measure the build at git revision
REV (its code and its packaged model, unpacked to a temporary folder) and then this tree's,
one after the other in this command, and every table shows both side by side.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

from tokenizers import Tokenizer

from groundrail.config import GroundingSettings
from groundrail.grounding.model import Pair
from groundrail.grounding.runtime import GroundingRuntime
from groundrail.grounding.windows import Document

SUBJECTS = ["The council", "The company", "Our team", "The museum", "The river authority"]
VERBS = ["approved", "reported", "opened", "measured", "announced"]
KINDS = ("grounded", "invented")
IN_FLIGHT = 8
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


async def measure(repeats: int, threads: int) -> dict[str, object]:
    """Latency rows, NLI throughput by batch size and peak RSS of this build."""
    baseline = rss_mb()
    runtime = await GroundingRuntime.open(GroundingSettings(threads=threads, max_wait_ms=0))
    loaded = rss_mb()
    rng = random.Random(1)
    engine = runtime.engine
    rows = []
    for tokens in (500, 2000, 8000):
        context = context_of(tokens, rng, runtime)
        docs = [Document("doc", context)]
        facts = sentences_of(context)
        for claims in (1, 5, 20):
            for kind in KINDS:
                answers = [answer_of(kind, claims, facts, rng) for _ in range(repeats + 1)]
                await engine.check(docs, answers[0])  # warm
                times, pairs = [], []
                for answer in answers[1:]:
                    started = time.perf_counter()
                    result = await engine.check(docs, answer)
                    times.append((time.perf_counter() - started) * 1000)
                    pairs.append(result.timings["pairs"])
                rows.append(
                    {
                        "claims": claims,
                        "tokens": tokens,
                        "kind": kind,
                        "pairs": statistics.mean(pairs),
                        "p50": statistics.median(times),
                        "p99": pct(times, 0.99),
                    }
                )
    # 8 checks in flight (half grounded, half invented answers of 5 claims over 2,000 tokens):
    # the micro-batcher merges their pairs; checks per second over `repeats` rounds
    context = context_of(2000, rng, runtime)
    docs = [Document("doc", context)]
    facts = sentences_of(context)
    started = time.perf_counter()
    for _ in range(repeats):
        answers = [answer_of(KINDS[i % 2], 5, facts, rng) for i in range(IN_FLIGHT)]
        await asyncio.gather(*(engine.check(docs, a) for a in answers))
    concurrent = repeats * IN_FLIGHT / (time.perf_counter() - started)
    throughput = {}
    window = context_of(110, rng, runtime)
    for size in (1, 8, 32):
        batch = [Pair(window, sentence(rng)) for _ in range(size)]
        engine.model.predict(batch)
        started, done = time.perf_counter(), 0
        while time.perf_counter() - started < 3:
            engine.model.predict(batch)
            done += size
        throughput[str(size)] = done / (time.perf_counter() - started)
    width = len(engine.model.tokenizer.encode(window, sentence(rng)).ids)
    await runtime.close()
    return {
        "model": engine.model.id,
        "rows": rows,
        "checks_per_s_in_flight": concurrent,
        "pairs_per_s": throughput,
        "tokens_per_pair": width,
        "rss_mb": {"imports": baseline, "model loaded": loaded, "after the runs": rss_mb()},
    }


def sentences_of(context: str) -> list[str]:
    """The generated context's sentences (`sentence` ends each with a period, no other)."""
    return [s.strip() + "." for s in context.split(".") if s.strip()]


def answer_of(kind: str, claims: int, facts: list[str], rng: random.Random) -> str:
    """An answer of `claims` sentences: copied from the context (`grounded`, what most real
    answers are) or written from the same templates but not in it (`invented`)."""
    if kind == "grounded":
        return " ".join(rng.choice(facts) for _ in range(claims))
    return " ".join(sentence(rng) for _ in range(claims))


def show(run: dict[str, Any]) -> None:
    print(f"model {run['model']}, {run['threads']} ONNX threads, {os.cpu_count()} cores\n")
    print("| claims | context tokens | answer | pairs | p50 ms | p99 ms |")
    print("|---:|---:|---|---:|---:|---:|")
    for r in run["rows"]:
        print(
            f"| {r['claims']} | {r['tokens']} | {r['kind']} | {r['pairs']:.1f} | {r['p50']:.1f} "
            f"| {r['p99']:.1f} |"
        )
    rate = run["checks_per_s_in_flight"]
    print(f"\n{IN_FLIGHT} checks in flight (5 claims, 2,000 tokens): {rate:.2f} checks/s")
    print(f"\n| batch size | pairs/s ({run['tokens_per_pair']} tokens per pair) |")
    print("|---:|---:|")
    for size, rate in run["pairs_per_s"].items():
        print(f"| {size} | {rate:.1f} |")
    print("\n| peak RSS | MB |")
    print("|---|---:|")
    for stage, mb in run["rss_mb"].items():
        print(f"| {stage} | {mb:.0f} |")


def compare(rev: str, repeats: int, threads: int) -> None:
    """Build REV and this tree, measured one after the other in this command, side by side."""
    root = Path(__file__).resolve().parent.parent
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "-C", str(root), "archive", rev, "src"], check=True, capture_output=True
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        for src in (Path(tmp) / "src", root / "src"):
            env = {**os.environ, "PYTHONPATH": str(src)}
            command = [sys.executable, __file__, "--json", "--repeats", str(repeats)]
            command += ["--threads", str(threads)]
            out = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    before, after = results
    print(f"before: {rev} ({before['model']}); after: this tree ({after['model']})")
    print(f"{threads} ONNX threads, {os.cpu_count()} cores, {repeats} cold checks per row\n")
    print(
        "| claims | context tokens | answer | pairs before | pairs after | p50 ms before "
        "| p50 ms after | p99 ms before | p99 ms after | p50 after / before |"
    )
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for b, a in zip(before["rows"], after["rows"], strict=True):
        print(
            f"| {a['claims']} | {a['tokens']} | {a['kind']} | {b['pairs']:.1f} | {a['pairs']:.1f} "
            f"| {b['p50']:.1f} | {a['p50']:.1f} | {b['p99']:.1f} | {a['p99']:.1f} "
            f"| {a['p50'] / b['p50']:.2f} |"
        )
    b_rate, a_rate = before["checks_per_s_in_flight"], after["checks_per_s_in_flight"]
    print(
        f"\n{IN_FLIGHT} checks in flight (5 claims, 2,000 tokens): {b_rate:.2f} checks/s before, "
        f"{a_rate:.2f} after ({a_rate / b_rate:.2f}x)"
    )
    print("\n| batch size | pairs/s before | pairs/s after | after / before |")
    print("|---:|---:|---:|---:|")
    for size, rate in after["pairs_per_s"].items():
        old = before["pairs_per_s"][size]
        print(f"| {size} | {old:.1f} | {rate:.1f} | {rate / old:.2f} |")
    print("\n| peak RSS | MB before | MB after |")
    print("|---|---:|---:|")
    for stage, mb in after["rss_mb"].items():
        print(f"| {stage} | {before['rss_mb'][stage]:.0f} | {mb:.0f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--against", metavar="REV", help="also measure git revision REV")
    parser.add_argument("--json", action="store_true", help="one JSON line (for --against)")
    args = parser.parse_args()
    if args.against:
        compare(args.against, args.repeats, args.threads)
    else:
        run = asyncio.run(measure(args.repeats, args.threads))
        if args.json:
            print(json.dumps(run))
        else:
            show({**run, "threads": args.threads})
