"""Guarded streaming latency: time to first token and total time, per mode, vs direct.

    python bench/streaming.py [--runs 5] [--tokens-per-second 50]

The fake upstream streams a 10-sentence grounded answer word by word at the given rate; the
gateway runs the default grounding + PII policy in each streaming mode. Printed per mode:
time to first text (TTFT), the time the first sentence finished arriving upstream, the gap
between the two (the cost of checking it), and the total time; medians over the runs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp
import orjson

from groundrail.config import Settings
from groundrail.server.app import create_app
from groundrail.testing.server import RunningApp
from groundrail.testing.upstream import FakeUpstream

FACTS = [
    "The museum opened in {y}.",
    "It holds {n} paintings in {r} rooms.",
    "Its director since {y} is Marie Laurent.",
    "The east wing was rebuilt in {y}.",
    "About {n} thousand people visit it each year.",
]


def corpus() -> tuple[str, str]:
    sentences = [FACTS[i % 5].format(y=1900 + 7 * i, n=120 + 13 * i, r=10 + i) for i in range(10)]
    return " ".join(sentences), " ".join(sentences)


POLICY = (
    "name: default\nstreaming: {mode}\nrules:\n"
    "  - {{name: grounded, kind: grounding, on_unsupported: rewrite}}\n"
    "  - {{name: pii, kind: pii, action: rewrite}}\n"
)


async def one(http: aiohttp.ClientSession, url: str, context: str) -> tuple[float, float]:
    body = {
        "model": "m",
        "stream": True,
        "messages": [{"role": "user", "content": "Tell me about the museum."}],
        "groundrail": {"context": [context]},
    }
    started = time.perf_counter()
    first = None
    async with http.post(url + "/v1/chat/completions", json=body) as response:
        async for line in response.content:
            if first is None and line.startswith(b"data: {"):
                choices = orjson.loads(line[6:]).get("choices") or [{}]
                if (choices[0].get("delta") or {}).get("content"):
                    first = time.perf_counter() - started
    return (first or 0.0) * 1000, (time.perf_counter() - started) * 1000


async def main(runs: int, rate: float) -> None:
    context, answer = corpus()
    upstream = FakeUpstream(answer)
    upstream.chunk_delay = 1 / rate
    await upstream.start()
    first_sentence_words = len(answer.split(". ")[0].split(" "))
    first_sentence_ms = first_sentence_words / rate * 1000
    gateways = {}
    with tempfile.TemporaryDirectory() as tmp:
        for mode in ("sentence", "buffer", "observe"):
            folder = Path(tmp) / mode
            folder.mkdir()
            (folder / "p.yaml").write_text(POLICY.format(mode=mode))
            settings = Settings.model_validate(
                {"upstream": upstream.url, "policies": folder, "audit": {"sink": "none"}}
            )
            app = RunningApp(create_app(settings))
            gateways[mode] = (app, await app.start())
        async with aiohttp.ClientSession() as http:
            rows = []
            targets = [("direct", upstream.url.removesuffix("/v1"))]
            targets += [(m, u) for m, (_, u) in gateways.items()]
            for name, url in targets:
                await one(http, url, context)  # warm
                samples = [await one(http, url, context) for _ in range(runs)]
                ttft = statistics.median(s[0] for s in samples)
                total = statistics.median(s[1] for s in samples)
                rows.append((name, ttft, total))
        for app, _ in gateways.values():
            await app.stop()
    await upstream.stop()
    direct_total = rows[0][2]
    print(
        f"answer: 10 sentences, {len(answer.split())} words at {rate:.0f} tokens/s; "
        f"the first sentence is complete upstream at {first_sentence_ms:.0f} ms\n"
    )
    print("| mode | TTFT ms | TTFT - first sentence complete ms | total ms | total - direct ms |")
    print("|---|---:|---:|---:|---:|")
    for name, ttft, total in rows:
        print(
            f"| {name} | {ttft:.0f} | {ttft - first_sentence_ms:+.0f} | {total:.0f} "
            f"| {total - direct_total:+.0f} |"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tokens-per-second", type=float, default=50)
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.tokens_per_second))
