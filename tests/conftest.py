from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from openai import AsyncOpenAI

from groundrail.config import Settings
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
async def start_gateway() -> AsyncIterator[GatewayFactory]:
    """Start a real gateway on a loopback port; returns its base URL (without /v1)."""
    running: list[RunningApp] = []

    async def start(**settings: Any) -> str:
        settings.setdefault("policies", None)  # the built-in default, not ./policies
        app = RunningApp(create_app(Settings.model_validate(settings)))
        running.append(app)
        return await app.start()

    yield start
    for app in running:
        await app.stop()


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
