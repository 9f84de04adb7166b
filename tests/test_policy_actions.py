"""Each action's wire result, through the real gateway, with the openai client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import aiohttp
import openai
import pytest
from openai import AsyncOpenAI

from conftest import GatewayFactory
from groundrail.testing.upstream import FakeUpstream

CONTEXT = "The Louvre in Paris opened in 1793. It is the world's most-visited museum."
GOOD = "The Louvre opened in 1793."
BAD = "The Louvre was built by Martians on the Moon in 2020."
GROUNDED_CALL = {
    "model": "gpt-4o-mini",
    "messages": [{"role": "user", "content": "When did the Louvre open?"}],
    "extra_body": {"groundrail": {"context": [CONTEXT]}},
}
Client = Callable[..., Awaitable[AsyncOpenAI]]


@pytest.fixture
async def client_for(
    start_gateway: GatewayFactory, upstream: FakeUpstream, tmp_path: Path
) -> AsyncIterator[Client]:
    """A gateway over a policy directory written for the test, and an SDK client for it."""
    clients: list[AsyncOpenAI] = []

    async def make(policies: str, api_key: str = "sk-test", **settings: object) -> AsyncOpenAI:
        folder = tmp_path / f"policies-{len(clients)}"
        folder.mkdir()
        (folder / "policies.yaml").write_text(policies)
        url = await start_gateway(upstream=upstream.url, policies=folder, **settings)
        sdk = AsyncOpenAI(base_url=url + "/v1", api_key=api_key, max_retries=0)
        clients.append(sdk)
        return sdk

    yield make
    for sdk in clients:
        await sdk.close()


async def test_default_policy_flags_and_keeps_the_text(
    client: AsyncOpenAI, upstream: FakeUpstream
) -> None:
    upstream.answer = f"{GOOD} {BAD}"
    raw = await client.chat.completions.with_raw_response.create(**GROUNDED_CALL)
    completion = raw.parse()
    assert completion.choices[0].message.content == f"{GOOD} {BAD}"
    assert raw.headers["x-groundrail-verdict"] == "flag"
    assert raw.headers["x-groundrail-policy"].startswith("default@")
    assert float(raw.headers["x-groundrail-support"]) < 0.5
    extension = completion.model_extra["groundrail"]  # type: ignore[index]
    assert extension["verdict"] == "flag"
    [finding] = extension["findings"]
    assert finding["rule"] == "grounded" and finding["spans"] == [
        [len(GOOD) + 1, len(GOOD) + 1 + len(BAD)]
    ]
    assert [c["label"] == "supported" for c in extension["grounding"]["claims"]] == [True, False]


async def test_grounded_answer_passes(client: AsyncOpenAI, upstream: FakeUpstream) -> None:
    upstream.answer = GOOD
    raw = await client.chat.completions.with_raw_response.create(**GROUNDED_CALL)
    assert raw.headers["x-groundrail-verdict"] == "pass"
    assert raw.parse().model_extra["groundrail"]["findings"] == []  # type: ignore[index]


async def test_rewrite_removes_unsupported_and_redacts_pii(
    client_for: Client, upstream: FakeUpstream
) -> None:
    sdk = await client_for(
        "name: default\nrules:\n"
        "  - {name: grounded, kind: grounding, on_unsupported: rewrite,"
        " on_contradiction: rewrite}\n"
        "  - {name: pii, kind: pii, action: rewrite}\n"
    )
    upstream.answer = f"{GOOD} {BAD} Write to curator@louvre.fr for details."
    raw = await sdk.chat.completions.with_raw_response.create(**GROUNDED_CALL)
    text = raw.parse().choices[0].message.content
    assert raw.headers["x-groundrail-verdict"] == "rewrite"
    assert BAD not in (text or "")
    assert text is not None and text.startswith(GOOD)
    assert "curator@louvre.fr" not in text


async def test_responses_api_rewrite(client_for: Client, upstream: FakeUpstream) -> None:
    sdk = await client_for("name: default\nrules:\n  - {name: pii, kind: pii, action: rewrite}\n")
    upstream.answer = "Call +44 20 7946 0958 now."
    response = await sdk.responses.create(model="gpt-4o-mini", input="who do I call?")
    assert response.output_text == "Call [REDACTED:phone] now."


async def test_reject_is_an_openai_error(client_for: Client, upstream: FakeUpstream) -> None:
    sdk = await client_for(
        "name: default\nrules:\n"
        "  - {name: confidential, kind: regex, pattern: '(?i)internal use only', action: reject}\n"
        "actions:\n  reject: {status: 422, message: Not for your eyes.}\n"
    )
    upstream.answer = "This memo is for INTERNAL USE ONLY."
    with pytest.raises(openai.UnprocessableEntityError) as err:
        await sdk.chat.completions.create(**GROUNDED_CALL)
    assert err.value.status_code == 422
    assert (
        isinstance(err.value.body, dict) and err.value.body["code"] == "groundrail_policy_rejected"
    )
    assert err.value.message.endswith("Not for your eyes.")


async def test_reject_as_completion(client_for: Client, upstream: FakeUpstream) -> None:
    sdk = await client_for(
        "name: default\nreject_as: completion\nrules:\n"
        "  - {name: words, kind: banned_terms, terms: [risk-free]}\n"
        "actions:\n  reject: {message: I cannot answer that.}\n"
    )
    upstream.answer = "This fund is totally Risk-Free."
    raw = await sdk.chat.completions.with_raw_response.create(**GROUNDED_CALL)
    assert raw.parse().choices[0].message.content == "I cannot answer that."
    assert raw.headers["x-groundrail-verdict"] == "reject"


async def test_retry_with_grounding_instruction(client_for: Client, upstream: FakeUpstream) -> None:
    sdk = await client_for(
        "name: default\nrules:\n"
        "  - {name: grounded, kind: grounding, on_unsupported: retry, on_contradiction: retry}\n"
        "actions:\n  retry: {max_attempts: 1, instruction: Use the documents only.}\n"
    )
    upstream.answers = [BAD, GOOD]
    raw = await sdk.chat.completions.with_raw_response.create(**GROUNDED_CALL)
    assert raw.parse().choices[0].message.content == GOOD
    assert raw.headers["x-groundrail-verdict"] == "pass"
    first, second = upstream.requests
    assert second.body["messages"][0] == {"role": "system", "content": "Use the documents only."}
    assert first.body["messages"][0]["role"] == "user"


async def test_retry_that_does_not_help_falls_back(
    client_for: Client, upstream: FakeUpstream
) -> None:
    sdk = await client_for(
        "name: default\nrules:\n"
        "  - {name: grounded, kind: grounding, on_unsupported: retry, on_contradiction: retry}\n"
        "actions:\n  retry: {max_attempts: 2, fallback: reject}\n"
    )
    upstream.answers = [BAD, BAD, BAD]
    with pytest.raises(openai.UnprocessableEntityError):
        await sdk.chat.completions.create(**GROUNDED_CALL)
    assert len(upstream.requests) == 3


async def test_shadow_mode_changes_nothing(client_for: Client, upstream: FakeUpstream) -> None:
    sdk = await client_for(
        "name: default\nmode: shadow\nrules:\n"
        "  - {name: grounded, kind: grounding, on_unsupported: reject}\n"
        "  - {name: budget, kind: token_budget, max_request_tokens: 5}\n"
    )
    upstream.answer = BAD
    raw = await sdk.chat.completions.with_raw_response.create(**GROUNDED_CALL)
    assert raw.parse().choices[0].message.content == BAD
    assert raw.headers["x-groundrail-verdict"] == "pass"
    extension = raw.parse().model_extra["groundrail"]  # type: ignore[index]
    assert (extension["mode"], extension["intended"]) == ("shadow", "reject")


async def test_token_budget_rejects_before_the_upstream(
    client_for: Client, upstream: FakeUpstream
) -> None:
    sdk = await client_for(
        "name: default\nrules:\n  - {name: budget, kind: token_budget, max_request_tokens: 20}\n"
    )
    long_prompt = {**GROUNDED_CALL, "messages": [{"role": "user", "content": "word " * 50}]}
    with pytest.raises(openai.RateLimitError) as err:
        await sdk.chat.completions.create(**long_prompt)
    assert (
        isinstance(err.value.body, dict) and err.value.body["code"] == "groundrail_budget_exceeded"
    )
    assert upstream.requests == []


async def test_per_key_budget(client_for: Client, upstream: FakeUpstream) -> None:
    sdk = await client_for(
        "name: default\nrules:\n"
        "  - name: budget\n    kind: token_budget\n"
        "    per_key: {tokens: 40, window_seconds: 3600}\n"
    )
    upstream.answer = "A fairly short answer of a few words."
    await sdk.chat.completions.create(
        **GROUNDED_CALL
    )  # the first fits; the upstream's usage fills the window
    with pytest.raises(openai.RateLimitError):
        await sdk.chat.completions.create(**GROUNDED_CALL)
    assert len(upstream.requests) == 1


async def test_gateway_keys(client_for: Client, upstream: FakeUpstream) -> None:
    policies = (
        "name: default\nrules: []\n---\n"
        "name: support\nmatch: {keys: [team-support]}\n"
        "rules:\n  - {name: pii, kind: pii, action: rewrite}\n"
    )
    keys = {"gk-support": {"tenant": "team-support", "upstream_key": "sk-real"}}
    stranger = await client_for(policies, api_key="sk-unknown", keys=keys)
    with pytest.raises(openai.AuthenticationError):
        await stranger.models.list()
    assert upstream.requests == []
    member = await client_for(policies, api_key="gk-support", keys=keys)
    upstream.answer = "Mail bob@example.com."
    raw = await member.chat.completions.with_raw_response.create(**GROUNDED_CALL)
    assert raw.headers["x-groundrail-policy"].startswith("support@")
    assert raw.parse().choices[0].message.content == "Mail [REDACTED:email]."
    assert upstream.requests[-1].headers["Authorization"] == "Bearer sk-real"


async def test_json_schema_rule(client_for: Client, upstream: FakeUpstream) -> None:
    sdk = await client_for("name: default\nrules:\n  - {name: json, kind: json_schema}\n")
    schema = {
        "type": "object",
        "properties": {"year": {"type": "integer"}},
        "required": ["year"],
    }
    call = {
        **GROUNDED_CALL,
        "response_format": {"type": "json_schema", "json_schema": {"name": "y", "schema": schema}},
    }
    upstream.answer = '{"year": 1793}'
    assert (await sdk.chat.completions.create(**call)).choices[
        0
    ].message.content == '{"year": 1793}'
    upstream.answer = '{"year": "long ago"}'
    with pytest.raises(openai.UnprocessableEntityError):
        await sdk.chat.completions.create(**call)


async def test_uncertainty_asks_for_logprobs_and_strips_them(
    client_for: Client, upstream: FakeUpstream
) -> None:
    sdk = await client_for(
        "name: default\nrules:\n"
        "  - {name: grounded, kind: grounding, on_unsupported: flag, on_contradiction: flag}\n"
        "  - {name: unsure, kind: uncertainty, request_logprobs: true, min_logprob: -1.0,"
        " action: reject}\n"
    )
    upstream.answer = BAD
    upstream.token_logprob = -0.2  # confident: only the grounding flag
    done = await sdk.chat.completions.create(**GROUNDED_CALL)
    assert done.choices[0].logprobs is None  # the client never asked
    assert upstream.requests[-1].body["logprobs"] is True
    upstream.token_logprob = -3.0  # unsure and unsupported: worse
    with pytest.raises(openai.UnprocessableEntityError):
        await sdk.chat.completions.create(**GROUNDED_CALL)


async def test_citation_must_be_supported_by_the_cited_document(
    client_for: Client, upstream: FakeUpstream
) -> None:
    sdk = await client_for("name: default\nrules:\n  - {name: cite, kind: citations}\n")
    call = {
        **GROUNDED_CALL,
        "extra_body": {
            "groundrail": {"context": [CONTEXT, "Tickets for the Eiffel Tower cost 35 euros."]}
        },
    }
    upstream.answer = "The Louvre opened in 1793 [1]. Tickets cost 35 euros [1]."
    raw = await sdk.chat.completions.with_raw_response.create(**call)
    findings = raw.parse().model_extra["groundrail"]["findings"]  # type: ignore[index]
    assert [f["rule"] for f in findings] == ["cite"]
    assert "Tickets cost 35 euros" in findings[0]["message"]


async def test_a_citation_names_the_passage_printed_with_its_number(
    client_for: Client, upstream: FakeUpstream
) -> None:
    """Where the prompt numbers its passages, "[3]" is the passage printed as 3, and "[2]"
    one it never printed: not the second document of the request (a system document)."""
    sdk = await client_for("name: default\nrules:\n  - {name: cite, kind: citations}\n")
    messages = [
        {"role": "system", "content": "<doc id='policy'>Answer politely.</doc>"},
        {
            "role": "user",
            "content": f"[1] {CONTEXT}\n[3] Tickets for the Eiffel Tower cost 35 euros.\n\n"
            "When did the Louvre open, and what do Eiffel Tower tickets cost?",
        },
    ]
    upstream.answer = "The Louvre opened in 1793 [1]. Tickets cost 35 euros [3]. It is old [2]."
    raw = await sdk.chat.completions.with_raw_response.create(model="m", messages=messages)
    findings = raw.parse().model_extra["groundrail"]["findings"]  # type: ignore[index]
    assert [f["message"] for f in findings] == ["[2] names no document of the context"]


async def test_hot_reload_under_load(
    start_gateway: GatewayFactory, upstream: FakeUpstream, tmp_path: Path
) -> None:
    folder = tmp_path / "live"
    folder.mkdir()
    policy = folder / "p.yaml"
    # the rule's deadline is far off: under four workers on two shared cores its thread can
    # wait over the default 200 ms to be scheduled, and a timed-out rule redacts nothing —
    # this test is about whole versions, not deadlines
    versions = [
        "name: default\nrules: []\n",
        "name: default\nrules:\n  - {name: pii, kind: pii, action: rewrite, timeout_ms: 10000}\n",
    ]
    policy.write_text(versions[0])
    url = await start_gateway(upstream=upstream.url, policies=folder, policy_poll_seconds=0.05)
    upstream.answer = "Mail bob@example.com."
    seen: list[tuple[int, str, str]] = []
    stop = asyncio.Event()

    async def load(http: aiohttp.ClientSession) -> None:
        while not stop.is_set():
            async with http.post(
                url + "/v1/chat/completions",
                json={"model": "m", "messages": [{"role": "user", "content": "q"}]},
            ) as response:
                body = await response.json()
                text = body["choices"][0]["message"]["content"] if response.status == 200 else ""
                seen.append((response.status, response.headers["x-groundrail-policy"], text))

    async with aiohttp.ClientSession() as http:
        workers = [asyncio.create_task(load(http)) for _ in range(4)]
        for text in (versions[1], "name: default\nrules: [oops\n", versions[0], versions[1]):
            await asyncio.sleep(0.4)
            policy.write_text(text)
        await asyncio.sleep(0.4)
        stop.set()
        await asyncio.gather(*workers)
    assert {status for status, _, _ in seen} == {200}
    labels = list(dict.fromkeys(label for _, label, _ in seen))
    assert len(labels) >= 2  # both versions served, and only whole versions:
    for _, label, text in seen:
        redacting = text == "Mail [REDACTED:email]."
        assert redacting or text == "Mail bob@example.com."
        assert redacting == (label == labels[1])
    async with aiohttp.ClientSession() as http, http.get(url + "/metrics") as response:
        metrics = await response.text()
    assert 'groundrail_policy_reloads_total{outcome="failed"}' in metrics


async def test_a_failing_rule_follows_its_on_error(
    client_for: Client, upstream: FakeUpstream
) -> None:
    sdk = await client_for(
        "name: default\nrules:\n  - {name: json, kind: json_schema, on_error: reject}\n"
    )
    broken = {"type": "json_schema", "json_schema": {"name": "b", "schema": {"type": "nope"}}}
    upstream.answer = "{}"
    with pytest.raises(openai.UnprocessableEntityError):
        await sdk.chat.completions.create(**GROUNDED_CALL, response_format=broken)
    sdk = await client_for(
        "name: default\nrules:\n  - {name: json, kind: json_schema, on_error: pass}\n"
    )
    raw = await sdk.chat.completions.with_raw_response.create(
        **GROUNDED_CALL, response_format=broken
    )
    rules = raw.parse().model_extra["groundrail"]["rules"]  # type: ignore[index]
    assert raw.headers["x-groundrail-verdict"] == "pass"
    assert rules[0]["error"].startswith("UnknownType")
