"""Every character a client receives has passed the rules: the answer shapes real servers send
(vLLM, Ollama, llama.cpp, Azure, OpenRouter, DeepSeek-style reasoning), every choice, logprobs,
structured output, held text, silence and slow rules; a scripted loopback upstream sends the
exact bytes, the real gateway answers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from conftest import GatewayFactory
from groundrail.testing.upstream import FakeUpstream

PII = "name: default\nstreaming: {mode}\nrules:\n  - {{name: pii, kind: pii, action: rewrite}}\n"
Gateway = Callable[..., Awaitable[str]]


@pytest.fixture
async def gateway_for(
    start_gateway: GatewayFactory, upstream: FakeUpstream, tmp_path: Path
) -> Gateway:
    """A gateway over one policy file written for the test; returns its base URL."""

    async def make(policy: str = PII.format(mode="sentence")) -> str:
        folder = tmp_path / f"p{len(list(tmp_path.iterdir()))}"
        folder.mkdir()
        (folder / "p.yaml").write_text(policy)
        return await start_gateway(upstream=upstream.url, policies=folder)

    return make


async def post(
    http: aiohttp.ClientSession, url: str, body: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    async with http.post(url, json=body) as response:
        return response.status, await response.json()


# --- 8: a policy must not stall or fool the gateway -------------------------------------------


async def test_a_backtracking_regex_neither_blocks_the_loop_nor_outlives_its_deadline(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    url = await gateway_for(
        "name: default\nrules:\n"
        "  - {name: slow, kind: regex, pattern: '(a|aa)+$', timeout_ms: 1500, on_error: flag}\n"
    )
    upstream.answer = "a" * 60 + "!"
    call = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
    answer = asyncio.create_task(post(http, url + "/v1/chat/completions", call))
    await asyncio.sleep(0.3)  # the rule is running now
    async with http.get(url + "/healthz") as health:
        assert health.status == 200
    assert not answer.done()  # the loop answered while the rule ran
    status, body = await answer
    assert status == 200
    [run] = body["groundrail"]["rules"]
    assert run["error"] == "took over its 1500.0 ms"
    assert body["groundrail"]["verdict"] == "flag"
    assert body["choices"][0]["message"]["content"] == upstream.answer
