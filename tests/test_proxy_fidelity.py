"""The gateway behaves like the upstream it fronts: what is retried, nulls, pass-through bodies,
client hang-ups and the gateway's own routes; a real loopback upstream counts what reached it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import yarl
from prometheus_client import REGISTRY

from conftest import GatewayFactory
from groundrail.testing.upstream import Failure, FakeUpstream

CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "q"}]}
ROUTES = {
    "/v1/chat/completions": CHAT,
    "/v1/completions": {"model": "gpt-4o-mini", "prompt": "q"},
    "/v1/responses": {"model": "gpt-4o-mini", "input": "q"},
}
MB = 1024 * 1024


# --- retries ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "headers", "sent"),
    [
        (504, {}, 1),  # a load balancer gave up: the model may be running
        (502, {}, 1),
        (500, {}, 1),
        (503, {}, 1),  # overloaded, but no word that it was refused
        (503, {"Retry-After": "0"}, 3),  # refused, come back later
        (429, {}, 3),
        (429, {"retry-after-ms": "5"}, 3),
    ],
)
async def test_a_post_is_sent_again_only_when_it_provably_never_ran(
    status: int,
    headers: dict[str, str],
    sent: int,
    gateway: str,
    upstream: FakeUpstream,
    http: aiohttp.ClientSession,
) -> None:
    upstream.failures = [Failure(status=status, headers=headers)] * 3
    async with http.post(gateway + "/v1/chat/completions", json=CHAT) as response:
        assert response.status == status  # the upstream's own answer, handed back
        assert (await response.json())["error"]["message"] == f"scripted {status}"
    assert len(upstream.requests) == sent


async def test_a_late_504_is_not_sent_to_the_fallback_either(
    start_gateway: GatewayFactory, http: aiohttp.ClientSession
) -> None:
    main, backup = FakeUpstream(), FakeUpstream()
    await main.start()
    await backup.start()
    try:
        gateway = await start_gateway(
            retry={"backoff_base": 0.01},
            upstreams=[
                {"name": "default", "base_url": main.url, "fallback": "backup"},
                {"name": "backup", "base_url": backup.url, "models": ["never-*"]},
            ],
        )
        main.first_byte_delay = 0.2
        main.failures = [Failure(status=504)]
        async with http.post(gateway + "/v1/chat/completions", json=CHAT) as response:
            assert response.status == 504
        assert (len(main.requests), len(backup.requests)) == (1, 0)

        main.first_byte_delay = 0
        main.failures = [Failure(status=429)] * 3  # refused three times: the backup answers
        async with http.post(gateway + "/v1/chat/completions", json=CHAT) as response:
            assert response.status == 200
        assert (len(main.requests), len(backup.requests)) == (4, 1)
    finally:
        await main.stop()
        await backup.stop()


async def test_non_idempotent_true_retries_what_may_have_run(
    start_gateway: GatewayFactory, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    gateway = await start_gateway(
        upstream=upstream.url, retry={"backoff_base": 0.01, "non_idempotent": True}
    )
    upstream.failures = [Failure(status=504), Failure(status=502)]
    async with http.post(gateway + "/v1/chat/completions", json=CHAT) as response:
        assert response.status == 200
    assert len(upstream.requests) == 3


async def test_a_get_is_retried_on_a_server_error(
    gateway: str, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    upstream.failures = [Failure(status=502)]
    async with http.get(gateway + "/v1/batches") as response:
        assert response.status == 200
    assert len(upstream.requests) == 2


async def test_a_longer_wait_than_allowed_hands_the_answer_back(
    start_gateway: GatewayFactory, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    gateway = await start_gateway(
        upstream=upstream.url, retry={"backoff_base": 0.01, "retry_after_max": 1}
    )
    for asked in ({"Retry-After": "120"}, {"retry-after-ms": "5000"}):
        upstream.requests.clear()
        upstream.failures = [Failure(status=429, headers=asked)]
        async with http.post(gateway + "/v1/chat/completions", json=CHAT) as response:
            assert response.status == 429
            for name, value in asked.items():
                assert response.headers[name] == value  # the client sees what was asked
        assert len(upstream.requests) == 1


# --- null is "not set" ------------------------------------------------------------------------


@pytest.mark.parametrize("path", list(ROUTES))
async def test_null_optional_fields_are_not_set(
    path: str, gateway: str, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    nulls = {"stream": None, "stream_options": None, "n": None, "logprobs": None}
    for extra in (nulls, {"groundrail": None}, {"groundrail": {"context": None, "policy": None}}):
        async with http.post(gateway + path, json={**ROUTES[path], **extra}) as response:
            assert response.status == 200, await response.text()
            assert response.content_type == "application/json"  # not streamed
            assert "groundrail" in await response.json()  # the policy ran over it
    assert upstream.requests[0].body["stream"] is None  # sent on as the client wrote it


async def test_null_fields_in_a_guarded_stream(
    gateway: str, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    body = {**CHAT, "stream": True, "stream_options": None, "n": None}
    async with http.post(gateway + "/v1/chat/completions", json=body) as response:
        assert response.status == 200
        text = await response.text()
    assert "Paris" in text and text.endswith("data: [DONE]\n\n")


# --- pass-through bodies ----------------------------------------------------------------------


def multipart(size: int) -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("model", "whisper-1")
    form.add_field("file", b"\x00" * size, filename="talk.wav", content_type="audio/wav")
    return form


async def test_uploads_pass_the_completion_limit_and_arrive_whole(
    gateway: str, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    for path, size in (("/v1/audio/transcriptions", 12 * MB), ("/v1/files", 20 * MB)):
        upstream.requests.clear()
        async with http.post(gateway + path, data=multipart(size)) as response:
            assert response.status == 200, await response.text()
        (seen,) = upstream.requests
        assert seen.path == path
        assert size < seen.size < size + 1024  # the file and the form around it
        assert seen.headers["Content-Type"].startswith("multipart/form-data; boundary=")


async def test_a_chunked_upload_streams_through(
    gateway: str, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b"x" * MB

    async with http.post(gateway + "/v1/files", data=chunks()) as response:
        assert response.status == 200
    assert upstream.requests[0].size == 10 * MB


async def test_a_slow_upload_is_not_cut_by_the_first_byte_timeout(
    start_gateway: GatewayFactory, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    timeouts = {"connect": 1, "first_byte": 0.3, "total": 30}
    gateway = await start_gateway(
        upstreams=[{"name": "default", "base_url": upstream.url, "timeouts": timeouts}]
    )

    async def slowly() -> AsyncIterator[bytes]:
        for _ in range(8):  # longer than first_byte in all: it counts from the last byte
            await asyncio.sleep(0.1)
            yield b"x" * 1024

    async with http.post(gateway + "/v1/files", data=slowly()) as response:
        assert response.status == 200
    assert upstream.requests[0].size == 8 * 1024
    upstream.first_byte_delay = 1.0  # once it is all sent, the upstream has first_byte
    async with http.post(gateway + "/v1/files", data=slowly()) as response:
        assert response.status == 504


async def test_the_pass_through_limit_is_its_own_and_named(
    start_gateway: GatewayFactory, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    gateway = await start_gateway(upstream=upstream.url, max_passthrough_body_bytes=MB)
    async with http.post(gateway + "/v1/files", data=multipart(2 * MB)) as response:
        assert response.status == 413
        error = (await response.json())["error"]
    assert "max_passthrough_body_bytes" in error["message"]
    assert upstream.requests == []
    big = {**CHAT, "messages": [{"role": "user", "content": "q" * (9 * MB)}]}
    async with http.post(gateway + "/v1/chat/completions", json=big) as response:
        assert response.status == 413
        assert "max_body_bytes" in (await response.json())["error"]["message"]
    assert upstream.requests == []


# --- a client that hangs up -------------------------------------------------------------------


def requests_with_status(status: str) -> float:
    return sum(
        sample.value
        for metric in REGISTRY.collect()
        if metric.name == "groundrail_requests"
        for sample in metric.samples
        if sample.name == "groundrail_requests_total" and sample.labels["status"] == status
    )


@pytest.mark.parametrize("policy", ["guarded", "relayed"])
async def test_a_client_that_hangs_up_mid_stream_is_499(
    policy: str,
    start_gateway: GatewayFactory,
    upstream: FakeUpstream,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings: dict[str, object] = {"upstream": upstream.url}
    if policy == "relayed":
        (tmp_path / "default.yaml").write_text("name: default\nrules: []\n")
        settings["policies"] = tmp_path
    gateway = await start_gateway(**settings)
    upstream.answer = " ".join(["Paris is the capital of France."] * 40)
    upstream.chunk_delay = 0.02
    closed, failed = requests_with_status("499"), requests_with_status("500")
    with caplog.at_level(logging.INFO, logger="groundrail.access"):
        async with aiohttp.ClientSession() as session:
            response = await session.post(
                gateway + "/v1/chat/completions", json={**CHAT, "stream": True}
            )
            await response.content.readline()  # the stream has started
            response.close()  # the browser tab is closed
        for _ in range(200):
            if [r for r in caplog.records if getattr(r, "route", "").endswith("completions")]:
                break
            await asyncio.sleep(0.02)
    (line,) = [r for r in caplog.records if getattr(r, "route", "").endswith("completions")]
    assert line.status == 499  # type: ignore[attr-defined]
    assert requests_with_status("499") == closed + 1
    assert requests_with_status("500") == failed


# --- the gateway's own routes -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/v1/groundrail/check", 405),
        ("PUT", "/v1/groundrail/check", 405),
        ("GET", "/v1/groundrail/anything", 404),
        ("POST", "/v1/groundrail/anything/deeper", 404),
        ("GET", "/v1/groundrail", 404),
        ("GET", "/v1/feedback", 405),
        ("DELETE", "/v1/feedback/stats", 405),
        ("POST", "/v1/feedback/unknown", 404),
    ],
)
async def test_gateway_paths_are_answered_here_and_never_forwarded(
    method: str,
    path: str,
    status: int,
    gateway: str,
    upstream: FakeUpstream,
    http: aiohttp.ClientSession,
) -> None:
    headers = {"Authorization": "Bearer sk-secret"}
    async with http.request(method, gateway + path, headers=headers, json={}) as response:
        assert response.status == status
        assert (await response.json())["error"]["type"] in (
            "invalid_request_error",
            "not_found_error",
        )
        if status == 405:
            assert response.headers["Allow"]
    assert upstream.requests == []


async def test_a_chunked_upload_over_the_limit_is_cut_off(
    start_gateway: GatewayFactory, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    gateway = await start_gateway(upstream=upstream.url, max_passthrough_body_bytes=MB)

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(3):
            yield b"x" * MB

    async with http.post(gateway + "/v1/files", data=chunks()) as response:
        assert response.status == 413
        assert "max_passthrough_body_bytes" in (await response.json())["error"]["message"]
    assert upstream.requests == []  # what it had of the body was never a whole request


# --- paths an upstream would read as another route --------------------------------------------


@pytest.mark.parametrize(
    ("path", "canonical"),
    [
        ("/v1/./chat/completions", "/v1/chat/completions"),
        ("/v1/x/../chat/completions", "/v1/chat/completions"),
        ("/v1/chat/completions/.", "/v1/chat/completions"),
        ("/v1/chat/completions/", "/v1/chat/completions"),  # FastAPI redirects it there
        ("/v1//chat/completions", "/v1/chat/completions"),
        ("/v1/%2e/chat/completions", "/v1/chat/completions"),
        ("/v1/%2E%2E/v1/completions", "/v1/completions"),
        ("/v1/chat%2Fcompletions", "/v1/chat/completions"),  # uvicorn decodes it into a /
        ("/v1/responses/?x=1", "/v1/responses"),
        ("/v1/./embeddings", "/v1/embeddings"),
    ],
)
async def test_a_path_that_is_not_canonical_is_refused_not_forwarded(
    path: str, canonical: str, gateway: str, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    # encoded=True: the path goes out exactly as written, as a raw HTTP client would send it
    url = yarl.URL(gateway + path, encoded=True)
    async with http.post(url, json={**CHAT, "stream": True}) as response:
        assert response.status == 400
        error = (await response.json())["error"]
    assert error["code"] == "groundrail_noncanonical_path"
    assert f"send it as {canonical!r}" in error["message"]
    assert upstream.requests == []  # no completion went out past the guard


async def test_a_near_miss_of_a_completion_route_is_not_forwarded(
    gateway: str, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    # servers with case-insensitive routes, or that drop `;params`, would answer a completion
    for path in ("/v1/Chat/Completions", "/v1/chat/completions;x", "/v1/RESPONSES"):
        async with http.post(yarl.URL(gateway + path, encoded=True), json=CHAT) as response:
            assert response.status == 404
            error = (await response.json())["error"]
        assert error["code"] == "not_found"
        assert "'/v1/" in error["message"]
    assert upstream.requests == []
    # what is no completion still passes: stored completions listed, an encoded file name
    for path in ("/v1/chat/completions", "/v1/files/file%20one/content"):
        async with http.get(yarl.URL(gateway + path, encoded=True)) as response:
            assert response.status == 200
    assert [seen.path for seen in upstream.requests] == [
        "/v1/chat/completions",
        "/v1/files/file%20one/content",
    ]


@pytest.mark.parametrize("path", ["/v1/chat/completions", "/v1/files"])
async def test_an_upstream_redirect_is_neither_followed_nor_handed_back(
    path: str, gateway: str, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    """Followed, a 307 from /v1/files would send the body to the completion route unchecked;
    handed back, the client's SDK follows it past the gateway (test_upstream_resilience)."""
    location = upstream.url + "/chat/completions"
    upstream.failures = [Failure(status=307, headers={"Location": location})]
    async with http.post(gateway + path, json=CHAT, allow_redirects=False) as response:
        assert response.status == 502 and "Location" not in response.headers
        assert (await response.json())["error"]["code"] == "upstream_redirect"
    assert [seen.path for seen in upstream.requests] == [path]
