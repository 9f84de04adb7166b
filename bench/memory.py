"""The gateway's resident memory: idle with the model loaded, then after N grounding checks.
A benchmark, not a test.

    python bench/memory.py [--checks 300] [--threads 2]

Starts `groundrail serve` (the built-in default policy, no Redis) on a free loopback port, reads
its RSS from /proc once /readyz answers, sends N `POST /v1/groundrail/check` requests one after
another, each with a new context of a new length (about 100 to 2,000 words) and an answer of
1 to 20 claims (so ONNX Runtime sees new batch shapes and no verdict comes from the cache), and
reads the RSS again, after the checks and after 5 s idle. Prints a table; docs/deployment.md
quotes it.
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

WORDS = [
    "council",
    "museum",
    "river",
    "budget",
    "bridge",
    "station",
    "library",
    "harbour",
    "festival",
    "school",
    "market",
    "tower",
    "garden",
    "archive",
    "railway",
    "hospital",
    "theatre",
    "stadium",
    "factory",
    "airport",
]


def rss_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a process, in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    kb = [int(fields[name].split()[0]) for name in ("VmRSS", "VmHWM")]
    return kb[0] / 1024, kb[1] / 1024


def document(rng: random.Random, words: int) -> str:
    sentences = []
    while sum(len(s.split()) for s in sentences) < words:
        n = rng.randint(1, 9999)
        sentences.append(
            f"The {rng.choice(WORDS)} of district {n} was opened in {rng.randint(1800, 2024)} "
            f"and serves {rng.randint(2, 90000)} people near the {rng.choice(WORDS)}."
        )
    return " ".join(sentences)


def post(url: str, body: dict[str, object]) -> None:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=300) as response:
        response.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=300, help="checks to send (default 300)")
    parser.add_argument("--threads", type=int, default=2, help="grounding.threads (default 2)")
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    folder = Path(tempfile.mkdtemp(prefix="groundrail-memory-"))
    config = folder / "groundrail.yaml"
    config.write_text(f"grounding: {{threads: {args.threads}}}\naudit: {{sink: none}}\n")
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "groundrail", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--config", str(config), "--log-level", "warning"]
    proc = subprocess.Popen(command, cwd=folder)  # no ./policies there: the built-in default
    try:
        for _ in range(600):
            try:
                with urllib.request.urlopen(base + "/readyz", timeout=2):
                    break
            except OSError:
                time.sleep(0.2)
        time.sleep(2)
        idle, _ = rss_mb(proc.pid)
        rng = random.Random(13)
        started = time.perf_counter()
        for n in range(args.checks):
            context = document(rng, rng.randint(100, 2000))
            answer = document(rng, 20 * rng.randint(1, 20))  # 1 to 20 claims
            post(base + "/v1/groundrail/check", {"context": [context], "answer": f"{n}. {answer}"})
        seconds = time.perf_counter() - started
        after, peak = rss_mb(proc.pid)
        time.sleep(5)
        rested, _ = rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    print(f"| RSS of `groundrail serve` (grounding.threads {args.threads}) | MB |")
    print("|---|---:|")
    print(f"| idle, model loaded | {idle:.0f} |")
    print(f"| after {args.checks} checks ({seconds:.0f} s) | {after:.0f} |")
    print(f"| 5 s later | {rested:.0f} |")
    print(f"| peak | {peak:.0f} |")


if __name__ == "__main__":
    main()
