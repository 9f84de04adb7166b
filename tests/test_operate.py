"""Operating it: metrics that move, complete and redacted audit records, graceful shutdown."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import GatewayFactory, read_records
from groundrail.observe.audit import AuditLog
from groundrail.testing.upstream import FakeUpstream

CONTEXT = "The Louvre in Paris opened in 1793."
BODY = {
    "model": "gpt-4o-mini",
    "messages": [{"role": "user", "content": "When did it open? Reply to jane@example.com"}],
    "groundrail": {"context": [CONTEXT]},
}


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_metrics_move(
    gateway: str, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    """Counters are process-wide, so the test compares before and after."""
    async with http.get(gateway + "/metrics") as response:
        before = samples(await response.text())
    upstream.answer = "The Louvre opened in 1793. It was built by Martians."
    async with http.post(gateway + "/v1/chat/completions", json=BODY) as response:
        request_id = response.headers["x-groundrail-request-id"]
        policy = response.headers["x-groundrail-policy"]
        verdict = response.headers["x-groundrail-verdict"]
    async with http.post(
        gateway + "/v1/feedback", json={"request_id": request_id, "label": "hallucinated"}
    ) as response:
        assert response.status == 201
    async with http.get(gateway + "/metrics") as response:
        after = samples(await response.text())

    def moved(name: str, **labels: str) -> float:
        key = (name, frozenset(labels.items()))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert (
        moved(
            "groundrail_requests_total",
            route="/v1/chat/completions",
            model="gpt-4o-mini",
            policy=policy,
            verdict=verdict,
            status="200",
        )
        == 1
    )
    assert moved("groundrail_upstream_seconds_count", upstream="default") == 1
    assert moved("groundrail_overhead_seconds_count", route="/v1/chat/completions") == 1
    assert moved("groundrail_support_score_count") >= 2  # two claims
    assert moved("groundrail_nli_batch_pairs_count") >= 1
    assert moved("groundrail_rule_seconds_count", kind="grounding") == 1
    assert moved("groundrail_feedback_total", label="hallucinated") == 1
    assert moved("groundrail_cache_lookups_total", layer="memory", result="miss") >= 2
    assert (
        after[
            (
                "groundrail_policy_loaded",
                frozenset({("policy", "default"), ("hash", policy.split("@")[1])}),
            )
        ]
        == 1
    )


async def test_audit_records_are_complete_and_redacted(
    start_gateway: GatewayFactory,
    upstream: FakeUpstream,
    tmp_path: Path,
    http: aiohttp.ClientSession,
) -> None:
    (tmp_path / "p.yaml").write_text(
        "name: default\nrules:\n  - {name: grounded, kind: grounding, on_unsupported: rewrite,"
        " on_contradiction: rewrite}\n"
    )
    audit = tmp_path / "audit.jsonl"
    url = await start_gateway(
        upstream=upstream.url, policies=tmp_path, audit={"sink": "file", "path": audit}
    )
    upstream.answer = "The Louvre opened in 1793. Its curator is bob@louvre.fr, a Martian."
    async with http.post(url + "/v1/chat/completions", json=BODY) as response:
        assert response.headers["x-groundrail-verdict"] == "rewrite"
        request_id = response.headers["x-groundrail-request-id"]
    async with http.post(url + "/v1/chat/completions", data=b"{oops") as response:
        assert response.status == 400
    good, bad = await read_records(audit, 2)
    assert good["request_id"] == request_id
    assert good["policy"].startswith("default@") and good["model"] == "gpt-4o-mini"
    assert good["verdict"] == "rewrite"
    assert good["groundrail"]["findings"][0]["rule"] == "grounded"
    assert good["groundrail"]["grounding"]["claims"][0]["label"] == "supported"
    assert good["answer"] == "The Louvre opened in 1793."
    assert "[REDACTED:email]" in good["original_answer"]  # kept, but without the PII
    assert "bob@louvre.fr" not in json.dumps(good)
    assert "jane@example.com" not in json.dumps(good)
    assert good["context"] == [
        {"id": "ctx-0", "text": CONTEXT},
    ]
    assert good["total_ms"] > 0
    assert (bad["status"], bad["route"]) == (400, "/v1/chat/completions")


async def test_audit_file_rotates_by_size(
    start_gateway: GatewayFactory,
    upstream: FakeUpstream,
    tmp_path: Path,
    http: aiohttp.ClientSession,
) -> None:
    audit = tmp_path / "audit.jsonl"
    url = await start_gateway(
        upstream=upstream.url,
        audit={"sink": "file", "path": audit, "max_bytes": 2048, "backups": 2},
    )
    for _ in range(12):
        async with http.post(url + "/v1/chat/completions", json=BODY) as response:
            assert response.status == 200
            await asyncio.sleep(0.02)
    await asyncio.sleep(0.3)
    assert (tmp_path / "audit.jsonl.1").exists() and (tmp_path / "audit.jsonl.2").exists()
    assert not (tmp_path / "audit.jsonl.3").exists()


async def test_a_slow_sink_drops_and_counts_instead_of_blocking(
    start_gateway: GatewayFactory,
    upstream: FakeUpstream,
    tmp_path: Path,
    http: aiohttp.ClientSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = AuditLog._append

    def slow_disk(self: AuditLog, lines: list[bytes]) -> None:  # a fault we cannot cause
        import time

        time.sleep(0.3)
        original(self, lines)

    monkeypatch.setattr(AuditLog, "_append", slow_disk)
    url = await start_gateway(
        upstream=upstream.url,
        audit={"sink": "file", "path": tmp_path / "a.jsonl", "queue_size": 1},
    )
    statuses = []
    for _ in range(6):
        async with http.post(url + "/v1/chat/completions", json=BODY) as response:
            statuses.append(response.status)
    assert statuses == [200] * 6
    async with http.get(url + "/metrics") as response:
        text = await response.text()
    dropped = [
        line for line in text.splitlines() if line.startswith("groundrail_audit_dropped_total ")
    ]
    assert float(dropped[0].split()[1]) >= 1


async def test_sigterm_drains_and_finishes_the_stream_in_flight(
    upstream: FakeUpstream, tmp_path: Path
) -> None:
    upstream.answer = " ".join(f"Word{n}." for n in range(30))
    upstream.chunk_delay = 0.05  # 1.5 s of streaming
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = tmp_path / "groundrail.yaml"
    config.write_text(
        f"drain_seconds: 1\nshutdown_seconds: 20\npolicies: null\n"
        f"audit: {{sink: file, path: {tmp_path / 'audit.jsonl'}}}\n"
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "groundrail",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--upstream",
        upstream.url,
        "--config",
        str(config),
        stderr=asyncio.subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(300):
                try:
                    async with http.get(base + "/readyz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    pass
                await asyncio.sleep(0.1)
            stream = await http.post(
                base + "/v1/chat/completions",
                json={**BODY, "stream": True, "groundrail": {"context": [CONTEXT]}},
            )
            await stream.content.readline()  # in flight
            proc.send_signal(signal.SIGTERM)
            await asyncio.sleep(0.3)
            async with http.get(base + "/readyz") as response:
                assert response.status == 503
                assert (await response.json())["checks"]["shutdown"] == "draining for shutdown"
            body = (await stream.read()).decode()
            stream.release()
        assert body.rstrip().endswith("data: [DONE]")
        assert "Word29." in body
        assert await asyncio.wait_for(proc.wait(), 30) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    records = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert any(r["route"] == "/v1/chat/completions" and r["status"] == 200 for r in records)


async def test_traces_have_a_span_per_part(
    client_gateway_traces: list[str],
) -> None:
    assert "groundrail.request" in client_gateway_traces
    assert {"groundrail.upstream", "groundrail.grounding", "groundrail.cache"} <= set(
        client_gateway_traces
    )
    assert "groundrail.rule.grounding" in client_gateway_traces


@pytest.fixture
async def client_gateway_traces(
    start_gateway: GatewayFactory, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> list[str]:
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from groundrail.observe import tracing

    exporter = InMemorySpanExporter()
    assert tracing.configure(exporter)
    try:
        url = await start_gateway(upstream=upstream.url)
        async with http.post(url + "/v1/chat/completions", json=BODY) as response:
            assert response.status == 200
    finally:
        tracing._tracer = None  # back to no-op spans for the other tests
    return [s.name for s in exporter.get_finished_spans()]
