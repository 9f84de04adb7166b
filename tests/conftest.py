from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from openai import AsyncOpenAI
from tokenizers import Tokenizer

from groundrail.config import Settings
from groundrail.grounding.batcher import MicroBatcher
from groundrail.grounding.engine import GroundingEngine
from groundrail.grounding.lexical import BM25
from groundrail.grounding.model import DEFAULT_MODEL, NLIModel
from groundrail.grounding.windows import Document, Unit, make_units, token_offsets
from groundrail.server.app import create_app
from groundrail.testing.server import RunningApp
from groundrail.testing.upstream import FakeUpstream

GatewayFactory = Callable[..., Awaitable[str]]


@pytest.fixture
async def upstream() -> AsyncIterator[FakeUpstream]:
    fake = FakeUpstream()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def apps() -> dict[str, web.Application]:
    """The running gateways of a test, by base URL (to look inside: the model's call count)."""
    return {}


@pytest.fixture
async def start_gateway(apps: dict[str, web.Application]) -> AsyncIterator[GatewayFactory]:
    """Start a real gateway on a loopback port; returns its base URL (without /v1)."""
    running: list[RunningApp] = []

    async def start(**settings: Any) -> str:
        settings.setdefault("policies", None)  # the built-in default, not ./policies
        app = create_app(Settings.model_validate(settings))
        server = RunningApp(app)
        running.append(server)
        url = await server.start()
        apps[url] = app
        return url

    yield start
    for server in running:
        await server.stop()


REDIS_MISSING = (
    "redis-server is not on the PATH, and the Redis tests start their own: install it "
    "(apt-get install redis-server, brew install redis, or dnf install redis)"
)


class RedisServer:
    """A redis-server of the test suite's own, on a free loopback port; stop/start keep the
    port, so a test can kill Redis under a running gateway and bring it back."""

    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail(REDIS_MISSING, pytrace=False)
        self._proc = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            self._proc = None


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def gateway(start_gateway: GatewayFactory, upstream: FakeUpstream) -> str:
    return await start_gateway(upstream=upstream.url, retry={"backoff_base": 0.01})


@pytest.fixture
async def client(gateway: str) -> AsyncIterator[AsyncOpenAI]:
    sdk = AsyncOpenAI(base_url=gateway + "/v1", api_key="sk-test", max_retries=0)
    yield sdk
    await sdk.close()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def sentences(text: str) -> tuple[list[Unit], BM25]:
    """The context's sentence units and their BM25 index, as the engine makes them."""
    tokenizer = Tokenizer.from_file(str(DEFAULT_MODEL / "tokenizer.json"))
    doc = Document("a", text)
    units = make_units([doc], token_offsets(tokenizer, [doc.text]), 128)
    return units, BM25([u.text for u in units])


def local_engine(model: NLIModel | None = None) -> GroundingEngine:
    """The engine on the packaged model (or `model`), without a gateway: one-thread batcher."""
    model = model or NLIModel()
    return GroundingEngine(model, MicroBatcher(model.predict, ThreadPoolExecutor(1)))


async def read_records(path: Path, count: int) -> list[dict]:
    """The audit records a file sink has written, once there are `count` of them (it writes
    in the background)."""
    for _ in range(100):
        if path.exists():
            lines = path.read_text().splitlines()
            if len(lines) >= count:
                return [json.loads(line) for line in lines]
        await asyncio.sleep(0.05)
    raise AssertionError(f"{path} never had {count} records")
