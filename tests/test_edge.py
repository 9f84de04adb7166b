"""Bad input, limits, ids, disconnects: the edge never crashes and always answers clearly."""

from __future__ import annotations

import asyncio
import random

import aiohttp
import orjson

from conftest import GatewayFactory
from groundrail.testing.upstream import FakeUpstream

CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "q"}]}


async def test_malformed_json_is_400(gateway: str, http: aiohttp.ClientSession) -> None:
    async with http.post(
        gateway + "/v1/chat/completions",
        data=b"{not json",
        headers={"Content-Type": "application/json"},
    ) as response:
        assert response.status == 400
        error = (await response.json())["error"]
    assert error["code"] == "groundrail_bad_request"
    assert error["type"] == "invalid_request_error"
    assert "not valid JSON" in error["message"]


async def test_missing_field_is_named(gateway: str, http: aiohttp.ClientSession) -> None:
    async with http.post(gateway + "/v1/chat/completions", json={"model": "m"}) as response:
        error = (await response.json())["error"]
    assert response.status == 400
    assert error["param"] == "messages"
    assert "messages" in error["message"]


async def test_wrong_values_are_said_for_humans(gateway: str, http: aiohttp.ClientSession) -> None:
    bad = {"model": "m", "messages": ["hi"]}
    async with http.post(gateway + "/v1/chat/completions", json=bad) as response:
        error = (await response.json())["error"]
    assert response.status == 400
    assert error["param"] == "messages[0]"
    assert error["message"] == "Invalid value for 'messages[0]': 'hi' is not a mapping (an object)."
    check = {"context": [{"txt": "a"}], "answer": "b"}
    async with http.post(gateway + "/v1/groundrail/check", json=check) as response:
        error = (await response.json())["error"]
    assert response.status == 400
    assert error["param"] == "context[0]"  # not context.0.ContextDocument
    assert "ContextDocument" not in error["message"]


async def test_body_over_the_limit_is_413(
    start_gateway: GatewayFactory, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    gateway = await start_gateway(upstream=upstream.url, max_body_bytes=4096)
    big = {**CHAT, "messages": [{"role": "user", "content": "x" * 10_000}]}
    async with http.post(gateway + "/v1/chat/completions", json=big) as response:
        assert response.status == 413
        error = (await response.json())["error"]
    assert error["code"] == "groundrail_body_too_large"
    assert "GROUNDRAIL_MAX_BODY_BYTES" in error["message"]  # the setting, as users set it
    assert upstream.requests == []


async def test_garbage_never_kills_the_worker(
    gateway: str, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    rng = random.Random(7)
    shapes = [
        lambda: bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 300))),
        lambda: orjson.dumps(rng.choice([[], 1, "s", None, {"model": 5}, {"messages": {}}])),
        lambda: orjson.dumps(
            {"model": "m", "messages": [{"content": "no role"}], "prompt": 7, "input": 7}
        ),
        lambda: b'{"model": "m", "messages": [' * 50,
    ]
    paths = ["/v1/chat/completions", "/v1/completions", "/v1/responses"]
    statuses = set()
    sem = asyncio.Semaphore(32)

    async def one(n: int) -> None:
        async with (
            sem,
            http.post(
                gateway + paths[n % 3],
                data=rng.choice(shapes)(),
                headers={"Content-Type": "application/json"},
            ) as response,
        ):
            statuses.add(response.status)
            assert "error" in await response.json()

    await asyncio.gather(*(one(n) for n in range(1000)))
    assert statuses == {400}
    assert upstream.requests == []
    async with http.post(gateway + "/v1/chat/completions", json=CHAT) as response:
        assert response.status == 200


async def test_request_id_is_accepted_or_made(
    gateway: str, http: aiohttp.ClientSession, upstream: FakeUpstream
) -> None:
    async with http.post(
        gateway + "/v1/chat/completions", json=CHAT, headers={"x-request-id": "abc-123"}
    ) as response:
        assert response.headers["x-groundrail-request-id"] == "abc-123"
    assert upstream.requests[-1].headers["X-Request-Id"] == "abc-123"
    async with http.get(gateway + "/v1/nowhere/x") as response:  # errors carry one too
        assert response.headers["x-groundrail-request-id"].startswith("req_")


async def test_unknown_route_is_openai_shaped_404(
    gateway: str, http: aiohttp.ClientSession
) -> None:
    async with http.get(gateway + "/not-v1") as response:
        assert response.status == 404
        assert (await response.json())["error"]["code"] == "not_found"


async def test_other_v1_routes_pass_through_untouched(
    gateway: str, http: aiohttp.ClientSession, upstream: FakeUpstream
) -> None:
    async with http.delete(gateway + "/v1/files/file-1?purpose=x") as response:
        assert response.status == 200
        assert response.headers["x-fake"] == "echo"
        assert await response.json() == {
            "method": "DELETE",
            "path": "/v1/files/file-1?purpose=x",
            "body": {},
        }


async def test_health_and_readiness(gateway: str, http: aiohttp.ClientSession) -> None:
    async with http.get(gateway + "/healthz") as response:
        assert response.status == 200
    async with http.get(gateway + "/readyz") as response:
        assert (await response.json()) == {"status": "ready"}


async def test_client_disconnect_cancels_the_upstream(
    gateway: str, http: aiohttp.ClientSession, upstream: FakeUpstream
) -> None:
    upstream.answer = " ".join(["word"] * 200)
    upstream.chunk_delay = 0.02
    response = await http.post(gateway + "/v1/chat/completions", json={**CHAT, "stream": True})
    await response.content.readline()  # the stream has started
    response.close()  # the client walks away
    for _ in range(100):
        if upstream.streams_cancelled:
            break
        await asyncio.sleep(0.02)
    assert upstream.streams_cancelled == 1
    assert upstream.chunks_sent < 150


async def test_metrics_count_requests_and_stream_failures(
    gateway: str, http: aiohttp.ClientSession, upstream: FakeUpstream
) -> None:
    upstream.break_stream_after = 2
    async with http.post(
        gateway + "/v1/chat/completions", json={**CHAT, "stream": True}
    ) as response:
        text = await response.text()
    assert '"code":"upstream_stream_error"' in text
    assert "[DONE]" not in text
    async with http.get(gateway + "/metrics") as response:
        metrics = await response.text()
    assert (
        'groundrail_stream_failures_total{reason="upstream_broke",route="/v1/chat/completions"}'
        in metrics
    )


async def test_two_documents_with_one_id_are_a_clear_400(
    gateway: str, http: aiohttp.ClientSession
) -> None:
    check = {"context": [{"id": "a", "text": "x"}, {"id": "a", "text": "y"}], "answer": "b"}
    async with http.post(gateway + "/v1/groundrail/check", json=check) as response:
        error = (await response.json())["error"]
    assert response.status == 400
    assert error["param"] == "context"
    assert "'a' is given twice" in error["message"]
