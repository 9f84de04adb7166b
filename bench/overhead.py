"""Gateway overhead: the same load at the upstream alone, through groundrail and through LiteLLM.

    python bench/overhead.py [--requests 2000] [--concurrency 1,32] [--modes non-streaming]

Every process on 127.0.0.1, none sharing an event loop with another (closed loop: the load
generator, the upstream and the proxies share this machine's cores):

* the upstream: groundrail's FakeUpstream (bench/fake_upstream.py), a scripted
  OpenAI-compatible server with no model behind it, so it answers at once;
* groundrail twice, ``python -m groundrail serve --log-level warning``: with the shipped
  policies (policies/, whose `default` a plain chat gets) and with a policy without rules;
  every other setting its default (the audit log goes to the gateway's stdout, /dev/null);
* LiteLLM's proxy, one worker, from PyPI into a venv of its own (.bench/litellm-venv, made on
  the first run; --litellm-venv elsewhere, --no-litellm to leave it out);
* this script, the load generator: one aiohttp ClientSession.

For each mode (chat completions, non-streaming and streaming, whose whole SSE body is read),
each concurrency and each arm in turn, it sends warm-up requests and then --requests timed
ones from `concurrency` workers. It prints every run, then the issue's table: added p50 at 1 in
flight and requests/s at 32 in flight per arm, measured in this one run, and whether the
targets hold (the shipped default policy adds <= 1 ms p50 at 1 in flight and serves >= 20x
LiteLLM's requests/s at 32 in flight).

It stops by itself: --time-limit bounds the whole run (default 900 s), --request-timeout each
request, and the child processes are ended on exit, error or signal (and, on Linux, by the
kernel if this process is killed outright).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import math
import os
import platform
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, NoReturn

import aiohttp
import orjson

HOST = "127.0.0.1"
HERE = Path(__file__).resolve().parent
REPO = HERE.parent
MODES = {"non-streaming": False, "streaming": True}
# The arms, in the order they run and are reported; "upstream" is the baseline.
ARMS = {
    "default": "groundrail, shipped default policy, a plain chat",
    "no-rules": "groundrail, a policy without rules",
    "litellm": "LiteLLM proxy (1 worker)",
    "upstream": "the upstream alone",
}
LITELLM = "litellm[proxy]==1.108.7"
# The targets, for the shipped default policy on a plain chat.
TARGET_ADDED_P50_MS = 1.0  # at 1 in flight
TARGET_TIMES_LITELLM = 20.0  # requests/s at 32 in flight
STREAM_END = b"data: [DONE]\n\n"


class BenchError(Exception):
    """The benchmark could not run (a child failed to start, a request failed)."""


@dataclass(slots=True)
class Run:
    mode: str
    concurrency: int
    target: str
    seconds: float
    latencies_ms: list[float]
    errors: list[str] = field(default_factory=list)

    @property
    def requests_per_s(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds > 0 else 0.0

    @property
    def p50(self) -> float:
        return percentile(self.latencies_ms, 50)

    @property
    def p99(self) -> float:
        return percentile(self.latencies_ms, 99)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile, interpolated between the closest ranks; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# --- child processes --------------------------------------------------------------------------


def _die_with_parent() -> None:
    """preexec_fn: on Linux, have the kernel SIGTERM the child when this process dies."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _child_env() -> dict[str, str]:
    """This environment without GROUNDRAIL_* settings, so only the flags configure the gateway."""
    return {k: v for k, v in os.environ.items() if not k.startswith("GROUNDRAIL_")}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class Children:
    """The upstream and gateway processes; `close()` ends every one still running."""

    def __init__(self) -> None:
        self._procs: list[tuple[str, subprocess.Popen[bytes], IO[bytes]]] = []

    def spawn(
        self,
        name: str,
        argv: list[str],
        stdout: int | None = None,
        env: dict[str, str] | None = None,
    ) -> subprocess.Popen[bytes]:
        log = tempfile.TemporaryFile()  # noqa: SIM115 - outlives this call; close() closes it
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,  # the fake upstream exits when this pipe closes
            stdout=stdout if stdout is not None else subprocess.DEVNULL,
            stderr=log,
            env={**_child_env(), **(env or {})},
            preexec_fn=_die_with_parent,  # safe: both start before any thread does
        )
        self._procs.append((name, proc, log))
        return proc

    def stderr_tail(self, proc: subprocess.Popen[bytes], limit: int = 2000) -> str:
        for _, p, log in self._procs:
            if p is proc:
                log.seek(0)
                return log.read().decode(errors="replace")[-limit:]
        return ""

    def close(self) -> None:
        for _, proc, _ in reversed(self._procs):
            if proc.poll() is None:
                proc.terminate()
        for _, proc, log in reversed(self._procs):
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
            if proc.stdin is not None:
                with contextlib.suppress(OSError):
                    proc.stdin.close()
            if proc.stdout is not None:
                proc.stdout.close()
            log.close()
        self._procs.clear()


def start_upstream(children: Children, timeout: float) -> str:
    """Start bench/fake_upstream.py; return the base URL (…/v1) it prints once it listens."""
    argv = [sys.executable, str(HERE / "fake_upstream.py")]
    proc = children.spawn("upstream", argv, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    line = proc.stdout.readline().decode().strip() if ready else ""
    if not line.startswith(f"http://{HOST}:"):
        proc.terminate()
        proc.wait(timeout=5)
        raise BenchError(f"the fake upstream did not start:\n{children.stderr_tail(proc)}")
    return line


def start_gateway(
    children: Children, upstream: str, policies: Path | None
) -> tuple[str, subprocess.Popen[bytes]]:
    """`python -m groundrail serve` on a free loopback port, with the shipped policies or (None)
    a policy without rules; returns its base URL and process."""
    port = _free_port()
    if policies is None:
        policies = Path(tempfile.mkdtemp(prefix="groundrail-bench-"))
        (policies / "default.yaml").write_text("name: default\nrules: []\n")
    argv = [sys.executable, "-m", "groundrail", "serve", "--host", HOST, "--port", str(port)]
    argv += ["--upstream", upstream, "--log-level", "warning", "--policies", str(policies)]
    return f"http://{HOST}:{port}", children.spawn("gateway", argv)


def litellm_binary(venv: Path) -> Path:
    """LiteLLM's proxy, installed from PyPI into a venv of its own on first use."""
    binary = venv / "bin" / "litellm"
    if not binary.exists():
        print(f"installing {LITELLM} into {venv} (once)", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "pip"), "install", "--quiet", LITELLM]
        subprocess.run(pip, check=True)
    return binary


def start_litellm(
    children: Children, upstream: str, binary: Path
) -> tuple[str, subprocess.Popen[bytes]]:
    """LiteLLM's proxy, one worker, routing gpt-4o-mini to the fake upstream; no master key
    (as groundrail runs without gateway keys) and no network calls of its own."""
    port = _free_port()
    folder = Path(tempfile.mkdtemp(prefix="litellm-bench-"))
    config = folder / "config.yaml"
    config.write_text(
        "model_list:\n"
        "  - model_name: gpt-4o-mini\n"
        "    litellm_params:\n"
        "      model: openai/gpt-4o-mini\n"
        f"      api_base: {upstream}\n"
        "      api_key: sk-bench\n"
        "litellm_settings:\n"
        "  telemetry: false\n"
        "general_settings:\n"
        "  dangerously_permit_weak_or_unset_master_key: true\n"
    )
    argv = [str(binary), "--config", str(config), "--host", HOST, "--port", str(port)]
    argv += ["--num_workers", "1"]
    env = {"LITELLM_LOCAL_MODEL_COST_MAP": "True"}  # its bundled model prices, not a download
    return f"http://{HOST}:{port}", children.spawn("litellm", argv, env=env)


async def wait_healthy(
    session: aiohttp.ClientSession,
    url: str,
    proc: subprocess.Popen[bytes],
    children: Children,
) -> None:
    """Poll `url` until it answers 200; the caller bounds the wait."""
    while True:
        if proc.poll() is not None:
            raise BenchError(f"{url} exited with {proc.returncode}:\n{children.stderr_tail(proc)}")
        with contextlib.suppress(aiohttp.ClientError, TimeoutError):
            async with session.get(url, timeout=aiohttp.ClientTimeout(1)) as r:
                if r.status == 200:
                    return
        await asyncio.sleep(0.1)


# --- load -------------------------------------------------------------------------------------


def request_body(stream: bool) -> bytes:
    return orjson.dumps(
        {
            "model": "gpt-4o-mini",
            "messages": [{"role": "user", "content": "What is the capital of France?"}],
            "stream": stream,
        }
    )


HEADERS = {"Authorization": "Bearer sk-bench", "Content-Type": "application/json"}


async def one_request(session: aiohttp.ClientSession, url: str, body: bytes, stream: bool) -> None:
    """POST one chat completion and read its whole body; raise BenchError if it is not right."""
    async with session.post(url, data=body, headers=HEADERS) as response:
        data = await response.read()
    if response.status != 200:
        raise BenchError(f"HTTP {response.status}: {data[:200]!r}")
    if stream and not data.endswith(STREAM_END):
        raise BenchError(f"stream did not end with [DONE]: {data[-200:]!r}")


async def drive(
    session: aiohttp.ClientSession,
    url: str,
    stream: bool,
    requests: int,
    concurrency: int,
    latencies_ms: list[float],
    errors: list[str],
) -> float:
    """`requests` requests from `concurrency` workers; returns the wall time in seconds."""
    body = request_body(stream)
    remaining = requests

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            started = time.perf_counter()
            try:
                await one_request(session, url, body, stream)
            except (BenchError, aiohttp.ClientError, TimeoutError) as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
                continue
            latencies_ms.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(min(concurrency, requests))))
    return time.perf_counter() - started


async def measure(
    session: aiohttp.ClientSession,
    url: str,
    mode: str,
    concurrency: int,
    target: str,
    requests: int,
    warmup: int,
) -> Run:
    stream = MODES[mode]
    warm_errors: list[str] = []
    # Warm-up: at least one request per worker, so every connection is open before timing.
    await drive(session, url, stream, max(warmup, concurrency), concurrency, [], warm_errors)
    if warm_errors:
        raise BenchError(f"{mode} {target} warm-up failed: {warm_errors[0]}")
    run = Run(mode, concurrency, target, 0.0, [])
    run.seconds = await drive(
        session, url, stream, requests, concurrency, run.latencies_ms, run.errors
    )
    return run


async def bench(
    args: argparse.Namespace,
    children: Children,
    runs: list[Run],
    upstream: str,
    proxies: dict[str, tuple[str, subprocess.Popen[bytes], str]],
) -> None:
    """`proxies`: arm -> (base URL, process, health path)."""
    connector = aiohttp.TCPConnector(limit=0, limit_per_host=0)
    timeout = aiohttp.ClientTimeout(total=args.request_timeout)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        for arm, (url, proc, health) in proxies.items():
            try:
                async with asyncio.timeout(args.start_timeout):
                    await wait_healthy(session, url + health, proc, children)
            except TimeoutError:
                raise BenchError(f"{arm} was not healthy in {args.start_timeout:g} s") from None
        urls = {arm: url + "/v1/chat/completions" for arm, (url, _, _) in proxies.items()}
        urls["upstream"] = upstream + "/chat/completions"
        for mode in args.modes:
            for concurrency in args.concurrency:
                for arm in (a for a in ARMS if a in urls):
                    run = await measure(
                        session, urls[arm], mode, concurrency, arm, args.requests, args.warmup
                    )
                    runs.append(run)
                    print(
                        f"  {mode:>13} c={concurrency:<4} {arm:<8} "
                        f"{run.requests_per_s:8.0f} req/s  p50 {run.p50:7.2f} ms  "
                        f"p99 {run.p99:7.2f} ms  errors {len(run.errors)}",
                        file=sys.stderr,
                        flush=True,
                    )


# --- report -----------------------------------------------------------------------------------


def _ms(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.2f}"


def _signed_ms(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:+.2f}"


def added(runs: Sequence[Run]) -> Iterator[tuple[Run, Run]]:
    """(the upstream alone, an arm) for every mode and concurrency that has both."""
    by_key = {(r.mode, r.concurrency, r.target): r for r in runs}
    for r in runs:
        base = by_key.get((r.mode, r.concurrency, "upstream"))
        if r.target != "upstream" and base is not None:
            yield base, r


def summary(runs: Sequence[Run], mode: str) -> list[str]:
    """The issue's table: added p50 at 1 in flight, requests/s at 32, per arm; the targets."""
    by_key = {(r.concurrency, r.target): r for r in runs if r.mode == mode}
    lines = [
        f"{mode}, a plain chat:",
        "",
        "| | added p50 at 1 in flight | requests/s at 32 in flight |",
        "|---|---|---|",
    ]
    base = by_key.get((1, "upstream"))
    for arm, label in ARMS.items():
        one, many = by_key.get((1, arm)), by_key.get((32, arm))
        if one is None and many is None:
            continue
        p50 = (
            "—"
            if arm == "upstream" or one is None or base is None
            else f"{one.p50 - base.p50:+.2f} ms"
        )
        rps = f"{many.requests_per_s:,.0f}" if many is not None else "n/a"
        lines.append(f"| {label} | {p50} | {rps} |")
    checks = []
    ours, theirs = by_key.get((1, "default")), by_key.get((32, "default"))
    if ours is not None and base is not None:
        extra = ours.p50 - base.p50
        ok = extra <= TARGET_ADDED_P50_MS
        checks.append(
            f"added p50 at 1 in flight {extra:+.2f} ms (<= {TARGET_ADDED_P50_MS:g} ms: "
            f"{'met' if ok else 'NOT met'})"
        )
    litellm = by_key.get((32, "litellm"))
    if theirs is not None and litellm is not None and litellm.requests_per_s:
        times = theirs.requests_per_s / litellm.requests_per_s
        ok = times >= TARGET_TIMES_LITELLM
        checks.append(
            f"requests/s at 32 in flight {times:.1f}x LiteLLM's (>= {TARGET_TIMES_LITELLM:g}x: "
            f"{'met' if ok else 'NOT met'})"
        )
    if checks:
        lines += ["", "Shipped default policy: " + "; ".join(checks) + "."]
    return lines


def report(args: argparse.Namespace, runs: Sequence[Run], started: datetime) -> str:
    lines = [
        f"Date: {started:%Y-%m-%d %H:%M} UTC; {os.cpu_count()} CPUs; "
        f"load average at start {args.load_at_start}; Python {platform.python_version()}, "
        f"aiohttp {aiohttp.__version__}; {args.requests} requests per run after "
        f"max({args.warmup}, concurrency) warm-up requests.",
        "",
        "| mode | concurrency | arm | requests/s | p50 ms | p99 ms | added p50 ms | added p99 ms |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    extra = {id(arm): (arm.p50 - base.p50, arm.p99 - base.p99) for base, arm in added(runs)}
    for r in runs:
        p50, p99 = extra.get(id(r), (math.nan, math.nan))
        lines.append(
            f"| {r.mode} | {r.concurrency} | {r.target} | {r.requests_per_s:.0f} "
            f"| {_ms(r.p50)} | {_ms(r.p99)} | {_signed_ms(p50)} | {_signed_ms(p99)} |"
        )
    for mode in args.modes:
        lines += ["", *summary(runs, mode)]
    failed = [(r, e) for r in runs for e in r.errors[:1]]
    total_errors = sum(len(r.errors) for r in runs)
    lines += ["", f"Failed requests: {total_errors}."]
    for r, first in failed:
        lines.append(f"- {r.mode} c={r.concurrency} {r.target}: {len(r.errors)}, first: {first}")
    return "\n".join(lines)


# --- entry ------------------------------------------------------------------------------------


def _positive_ints(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of integers: {text}") from exc
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError(f"need integers >= 1: {text}")
    return values


def _modes(text: str) -> list[str]:
    values = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [v for v in values if v not in MODES]
    if not values or unknown:
        raise argparse.ArgumentTypeError(f"modes are {', '.join(MODES)}; got {text}")
    return values


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Measure the latency and throughput groundrail adds in front of an upstream."
    )
    parser.add_argument("--requests", type=int, default=2000, help="timed requests per run")
    parser.add_argument("--concurrency", type=_positive_ints, default=[1, 32], help="default 1,32")
    parser.add_argument(
        "--modes", type=_modes, default=["non-streaming"], help="non-streaming (default),streaming"
    )
    parser.add_argument(
        "--warmup", type=int, default=20, help="warm-up requests per run (at least concurrency)"
    )
    parser.add_argument(
        "--litellm-venv",
        type=Path,
        default=REPO / ".bench" / "litellm-venv",
        help="where LiteLLM is (installed there from PyPI if it is not)",
    )
    parser.add_argument("--no-litellm", action="store_true", help="leave the LiteLLM arm out")
    parser.add_argument("--time-limit", type=float, default=900.0, help="seconds for everything")
    parser.add_argument("--request-timeout", type=float, default=30.0, help="seconds per request")
    parser.add_argument(
        "--start-timeout", type=float, default=180.0, help="seconds to start up (LiteLLM is slow)"
    )
    args = parser.parse_args(argv)
    if args.requests < 1 or args.warmup < 0:
        parser.error("--requests must be >= 1 and --warmup >= 0")
    return args


def _exit_on_sigterm(signum: int, frame: object) -> NoReturn:
    raise SystemExit(128 + signum)  # unwinds through the `finally` that ends the children


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    args.load_at_start = " ".join(f"{x:.2f}" for x in os.getloadavg())
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    started = datetime.now(UTC)
    children = Children()
    runs: list[Run] = []
    status = 0
    try:
        upstream = start_upstream(children, args.start_timeout)
        proxies = {
            "default": (*start_gateway(children, upstream, REPO / "policies"), "/healthz"),
            "no-rules": (*start_gateway(children, upstream, None), "/healthz"),
        }
        if not args.no_litellm:
            binary = litellm_binary(args.litellm_venv)
            proxies["litellm"] = (
                *start_litellm(children, upstream, binary),
                "/health/liveliness",
            )

        async def bounded() -> None:
            async with asyncio.timeout(args.time_limit):
                await bench(args, children, runs, upstream, proxies)

        asyncio.run(bounded())
    except TimeoutError:
        print(f"stopped: --time-limit of {args.time_limit:g} s reached", file=sys.stderr)
        status = 1
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        status = 1
    finally:
        children.close()
    if runs:
        print(report(args, runs, started))
    if any(r.errors for r in runs):
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
