"""Retries, Retry-After, fallback, timeouts and routing, against real loopback servers."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
import openai
import pytest
from openai import AsyncOpenAI

from conftest import GatewayFactory
from groundrail.testing.upstream import Failure, FakeUpstream

CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "q"}]}


def dead_url() -> str:
    """A loopback port nobody listens on: connections are refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


async def test_429_is_retried_after_retry_after(
    client: AsyncOpenAI, upstream: FakeUpstream
) -> None:
    upstream.failures = [Failure(status=429, headers={"Retry-After": "0.2"})]
    loop = asyncio.get_running_loop()
    started = loop.time()
    done = await client.chat.completions.create(**CHAT)  # type: ignore[call-overload]
    assert done.choices[0].message.content
    assert len(upstream.requests) == 2
    assert loop.time() - started >= 0.2  # it waited as told, not its own 10 ms backoff


async def test_post_that_reached_the_model_is_not_retried(
    client: AsyncOpenAI, upstream: FakeUpstream
) -> None:
    upstream.failures = [Failure(status=500)]
    with pytest.raises(openai.InternalServerError):
        await client.chat.completions.create(**CHAT)  # type: ignore[call-overload]
    assert len(upstream.requests) == 1


async def test_dropped_connection_retried_only_when_allowed(
    start_gateway: GatewayFactory, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    strict = await start_gateway(upstream=upstream.url, retry={"backoff_base": 0.01})
    upstream.failures = [Failure(drop=True)]
    async with http.post(strict + "/v1/chat/completions", json=CHAT) as response:
        assert response.status == 502
        assert (await response.json())["error"]["code"] == "upstream_unavailable"
    assert len(upstream.requests) == 1

    lenient = await start_gateway(
        upstream=upstream.url, retry={"backoff_base": 0.01, "non_idempotent": True}
    )
    upstream.failures = [Failure(drop=True)]
    async with http.post(lenient + "/v1/chat/completions", json=CHAT) as response:
        assert response.status == 200
    assert len(upstream.requests) == 3


async def test_dead_upstream_falls_back(
    start_gateway: GatewayFactory, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    gateway = await start_gateway(
        retry={"backoff_base": 0.01, "max_attempts": 2},
        upstreams=[
            {"name": "default", "base_url": dead_url(), "fallback": "backup"},
            {"name": "backup", "base_url": upstream.url, "models": ["never-*"]},
        ],
    )
    async with http.post(gateway + "/v1/chat/completions", json=CHAT) as response:
        assert response.status == 200
    assert len(upstream.requests) == 1


async def test_dead_upstream_without_fallback_is_502(
    start_gateway: GatewayFactory, http: aiohttp.ClientSession
) -> None:
    dead = dead_url()
    gateway = await start_gateway(upstream=dead, retry={"backoff_base": 0.01})
    async with http.post(gateway + "/v1/chat/completions", json=CHAT) as response:
        assert response.status == 502
        error = (await response.json())["error"]
    assert error["code"] == "upstream_unavailable"
    assert error["type"] == "server_error"
    # what failed, in the client's terms (aiohttp's own text names TLS for a plain-HTTP host)
    host = dead.removeprefix("http://").removesuffix("/v1")
    assert f"cannot connect to {host} (" in error["message"]
    assert "ssl" not in error["message"]


async def test_slow_upstream_is_504(
    start_gateway: GatewayFactory, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    gateway = await start_gateway(
        upstreams=[
            {
                "name": "default",
                "base_url": upstream.url,
                "timeouts": {"connect": 1, "first_byte": 0.2, "total": 5},
            }
        ]
    )
    upstream.first_byte_delay = 1.0
    async with http.post(gateway + "/v1/chat/completions", json=CHAT) as response:
        assert response.status == 504
        assert (await response.json())["error"]["code"] == "upstream_timeout"
    assert len(upstream.requests) == 1  # a POST that may have reached the model: no retry


async def test_routing_by_model_pattern_with_keys_and_headers(
    start_gateway: GatewayFactory, http: aiohttp.ClientSession
) -> None:
    a, b = FakeUpstream(), FakeUpstream()
    await a.start()
    await b.start()
    try:
        gateway = await start_gateway(
            upstreams=[
                {"name": "openai", "base_url": a.url, "models": ["gpt-*"]},
                {
                    "name": "local",
                    "base_url": b.url,
                    "models": ["llama*"],
                    "api_key": "sk-local",
                    "headers": {"x-team": "ml"},
                },
                {"name": "default", "base_url": a.url},
            ]
        )
        headers = {"Authorization": "Bearer sk-client"}
        for model in ("gpt-4o", "llama-3-70b", "mistral"):
            body = {**CHAT, "model": model}
            async with http.post(
                gateway + "/v1/chat/completions", json=body, headers=headers
            ) as response:
                assert response.status == 200
        assert [r.body["model"] for r in a.requests] == ["gpt-4o", "mistral"]
        assert [r.body["model"] for r in b.requests] == ["llama-3-70b"]
        assert b.requests[0].headers["Authorization"] == "Bearer sk-local"
        assert b.requests[0].headers["x-team"] == "ml"
        assert a.requests[0].headers["Authorization"] == "Bearer sk-client"
        async with http.get(gateway + "/v1/models") as response:
            assert response.status == 200
            ids = [m["id"] for m in (await response.json())["data"]]
        assert ids == ["gpt-4o-mini", "fake-model"]  # merged, each id once
    finally:
        await a.stop()
        await b.stop()


@pytest.mark.parametrize("status", [301, 302, 307, 308])
async def test_an_upstream_redirect_is_never_relayed(
    status: int, start_gateway: GatewayFactory, upstream: FakeUpstream
) -> None:
    """Relayed, a 307 sent the SDK (it follows redirects) with the request and its key to
    wherever the upstream pointed, to be answered unchecked; now a 502 that keeps the
    Location to the log."""
    elsewhere = FakeUpstream()
    await elsewhere.start()
    try:
        target = elsewhere.url.removesuffix("/v1") + "/v1/chat/completions"
        upstream.failures = [Failure(status=status, headers={"Location": target})]
        gateway = await start_gateway(upstream=upstream.url, retry={"backoff_base": 0.01})
        sdk = AsyncOpenAI(base_url=gateway + "/v1", api_key="sk-test", max_retries=0)
        with pytest.raises(openai.InternalServerError) as caught:
            await sdk.chat.completions.create(**CHAT)  # type: ignore[call-overload]
        await sdk.close()
        assert caught.value.status_code == 502
        assert caught.value.code == "upstream_redirect"
        assert elsewhere.requests == []
        assert "Location" not in caught.value.response.headers
        assert elsewhere.url.removesuffix("/v1") not in caught.value.response.text
    finally:
        await elsewhere.stop()
