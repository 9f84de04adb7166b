"""The verdict cache, feedback and budgets on a real Redis shared by two gateways."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from conftest import REDIS_MISSING, GatewayFactory, RedisServer
from groundrail.grounding.model import DEFAULT_MODEL
from groundrail.server.context import GROUNDING
from groundrail.testing.upstream import FakeUpstream

CHECK = {
    "context": ["The Louvre in Paris opened in 1793. It is the world's most-visited museum."],
    "answer": "The Louvre opened in 1793. It was built by Martians on the Moon in 2020.",
}


def calls(apps: dict[str, web.Application], url: str) -> int:
    return apps[url][GROUNDING].engine.model.calls


async def check(http: aiohttp.ClientSession, url: str, body: dict = CHECK) -> tuple[str, dict, str]:
    async with http.post(url + "/v1/groundrail/check", json=body) as response:
        assert response.status == 200
        return (
            response.headers["x-groundrail-cache"],
            await response.json(),
            response.headers["x-groundrail-request-id"],
        )


async def test_second_replica_hits_and_runs_no_inference(
    start_gateway: GatewayFactory,
    redis_server: RedisServer,
    apps: dict[str, web.Application],
    http: aiohttp.ClientSession,
) -> None:
    a = await start_gateway(redis_url=redis_server.url)
    b = await start_gateway(redis_url=redis_server.url)
    status, first, _ = await check(http, a)
    assert status == "miss" and calls(apps, a) > 0
    status, second, _ = await check(http, b)
    assert status == "hit"
    assert calls(apps, b) == 0  # the model of B never ran
    assert [c["label"] for c in second["claims"]] == [c["label"] for c in first["claims"]]
    partial = {**CHECK, "answer": CHECK["answer"] + " Entry costs 17 euros."}
    status, _, _ = await check(http, b, partial)
    assert status == "partial"


async def test_concurrent_identical_misses_run_the_model_once(
    start_gateway: GatewayFactory,
    redis_server: RedisServer,
    apps: dict[str, web.Application],
    http: aiohttp.ClientSession,
) -> None:
    url = await start_gateway(redis_url=redis_server.url)
    results = await asyncio.gather(*(check(http, url) for _ in range(8)))
    pairs = results[0][1]["timings"]["pairs"]
    assert calls(apps, url) == pairs  # eight requests, one model run per distinct pair


async def test_feedback_on_a_changes_bs_verdict(
    start_gateway: GatewayFactory,
    redis_server: RedisServer,
    http: aiohttp.ClientSession,
) -> None:
    a = await start_gateway(redis_url=redis_server.url)
    b = await start_gateway(redis_url=redis_server.url)
    _, verdict, request_id = await check(http, a)
    assert verdict["claims"][1]["label"] != "supported"
    body = {
        "request_id": request_id,
        "label": "grounded",
        "claims": [{"index": 1, "label": "grounded"}],
        "comment": "the museum's founding myth, told as such",
    }
    async with http.post(a + "/v1/feedback", json=body) as response:
        assert response.status == 201
        assert (await response.json())["corrected_claims"] == 1
    _, after, _ = await check(http, b)
    assert after["claims"][1]["label"] == "supported"
    assert after["claims"][1]["driver"] == "feedback"
    assert after["verdict"] == "grounded"


async def test_preference_is_recorded_but_changes_nothing(
    start_gateway: GatewayFactory, redis_server: RedisServer, http: aiohttp.ClientSession
) -> None:
    url = await start_gateway(redis_url=redis_server.url)
    _, before, request_id = await check(http, url)
    async with http.post(
        url + "/v1/feedback",
        json={"request_id": request_id, "label": "preference", "comment": "shorter, please"},
    ) as response:
        assert response.status == 201
    _, after, _ = await check(http, url)
    assert [c["label"] for c in after["claims"]] == [c["label"] for c in before["claims"]]
    async with http.get(url + "/v1/feedback/export?since=0") as response:
        lines = [json.loads(line) for line in (await response.text()).splitlines()]
    assert [e["label"] for e in lines] == ["preference"]
    assert lines[0]["record"]["answer"] == CHECK["answer"]
    assert lines[0]["record"]["context"][0]["text"] == CHECK["context"][0]


async def test_unknown_request_is_404_and_bad_feedback_400(
    gateway: str, http: aiohttp.ClientSession
) -> None:
    async with http.post(
        gateway + "/v1/feedback", json={"request_id": "req_nope", "label": "grounded"}
    ) as response:
        assert response.status == 404
        assert (await response.json())["error"]["code"] == "groundrail_unknown_request"
    async with http.post(
        gateway + "/v1/feedback", json={"request_id": "x", "label": "meh"}
    ) as response:
        assert response.status == 400
        assert (await response.json())["error"]["param"] == "label"


async def test_stats_count_confirmed_and_overturned(
    start_gateway: GatewayFactory,
    redis_server: RedisServer,
    upstream: FakeUpstream,
    http: aiohttp.ClientSession,
) -> None:
    url = await start_gateway(redis_url=redis_server.url, upstream=upstream.url)
    upstream.answer = CHECK["answer"]
    body = {
        "model": "m",
        "messages": [{"role": "user", "content": "q"}],
        "groundrail": {"context": CHECK["context"]},
    }
    labels = ["hallucinated", "grounded", "hallucinated"]
    expected = {"confirmed": 0, "overturned": 0}
    for label in labels:
        async with http.post(url + "/v1/chat/completions", json=body) as response:
            request_id = response.headers["x-groundrail-request-id"]
            flagged = response.headers["x-groundrail-verdict"] != "pass"
        expected["confirmed" if flagged == (label == "hallucinated") else "overturned"] += 1
        async with http.post(
            url + "/v1/feedback", json={"request_id": request_id, "label": label}
        ) as response:
            assert response.status == 201
    async with http.get(url + "/v1/feedback/stats?window_seconds=3600") as response:
        stats = await response.json()
    [(policy, rules)] = stats["policies"].items()
    assert policy.startswith("default@")
    assert rules["(any)"] == expected
    assert stats["labels"] == {"hallucinated": 2, "grounded": 1}


async def test_budgets_hold_across_replicas(
    start_gateway: GatewayFactory,
    redis_server: RedisServer,
    upstream: FakeUpstream,
    tmp_path: Path,
    http: aiohttp.ClientSession,
) -> None:
    (tmp_path / "p.yaml").write_text(
        "name: default\nrules:\n  - name: budget\n    kind: token_budget\n"
        "    per_key: {tokens: 20, window_seconds: 3600}\n"
    )
    common = {"redis_url": redis_server.url, "upstream": upstream.url, "policies": tmp_path}
    a, b = await start_gateway(**common), await start_gateway(**common)
    body = {"model": "m", "messages": [{"role": "user", "content": "hello"}]}
    headers = {"Authorization": "Bearer sk-shared"}
    async with http.post(a + "/v1/chat/completions", json=body, headers=headers) as response:
        assert response.status == 200  # its usage fills the window
    async with http.post(b + "/v1/chat/completions", json=body, headers=headers) as response:
        assert response.status == 429
    other = {"Authorization": "Bearer sk-other"}
    async with http.post(b + "/v1/chat/completions", json=body, headers=other) as response:
        assert response.status == 200  # another key has its own budget


async def test_redis_outage_degrades_and_recovers(
    start_gateway: GatewayFactory,
    redis_server: RedisServer,
    apps: dict[str, web.Application],
    http: aiohttp.ClientSession,
) -> None:
    url = await start_gateway(redis_url=redis_server.url)
    assert (await check(http, url))[0] == "miss"
    redis_server.stop()
    for _ in range(3):  # no request fails; the process's own cache answers
        _, verdict, _ = await check(http, url)
        assert verdict["verdict"] in ("ungrounded", "contradicted")
    async with http.get(url + "/metrics") as response:
        assert 'groundrail_cache_errors_total{error="ConnectionError",layer="redis"}' in (
            await response.text()
        )
    redis_server.start()
    other = {**CHECK, "answer": "The Louvre is in Paris."}
    for _ in range(60):  # reconnects after its backoff
        if (await check(http, url, other))[0] == "hit":
            break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError("the cache never came back after Redis did")


async def test_entries_of_another_model_are_never_served(
    start_gateway: GatewayFactory,
    redis_server: RedisServer,
    tmp_path: Path,
    http: aiohttp.ClientSession,
) -> None:
    other = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL, other)
    card = json.loads((other / "card.json").read_text())
    card["name"] = "another-model"  # same weights, new name: the model id in every key changes
    (other / "card.json").write_text(json.dumps(card))
    a = await start_gateway(redis_url=redis_server.url)
    b = await start_gateway(redis_url=redis_server.url, grounding={"model": other})
    assert (await check(http, a))[0] == "miss"
    assert (await check(http, b))[0] == "miss"


def test_feedback_export_cli(redis_server: RedisServer, tmp_path: Path) -> None:
    async def seed() -> None:
        from groundrail.cache.store import RedisStore

        store = RedisStore(redis_server.url, timeout=1)
        await store.append("groundrail:feedback", b'{"label": "grounded", "ts": 1}', 100)
        await store.close()

    asyncio.run(seed())
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "groundrail",
            "feedback",
            "export",
            "--since",
            "2020-01-01",
            "--redis-url",
            redis_server.url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["label"] for line in done.stdout.splitlines()] == ["grounded"]


def test_a_missing_redis_server_is_said_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(pytest.fail.Exception) as failed:
        RedisServer().start()
    assert str(failed.value) == REDIS_MISSING
    assert "\n" not in REDIS_MISSING and "apt-get install redis-server" in REDIS_MISSING
