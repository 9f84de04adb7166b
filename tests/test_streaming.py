"""Guarded streaming with the real openai client, token by token from the fake upstream."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import openai
import pytest
from openai import AsyncOpenAI

from conftest import GatewayFactory
from groundrail.testing.upstream import FakeUpstream

CONTEXT = "The Louvre in Paris opened in 1793. It is the world's most-visited museum."
GOOD_1 = "The Louvre opened in 1793."
BAD = "It was built by Martians on the Moon in 2020."
GOOD_2 = "It is the most visited museum in the world."
CALL: dict[str, Any] = {
    "model": "gpt-4o-mini",
    "messages": [{"role": "user", "content": "Tell me about the Louvre."}],
    "stream": True,
    "extra_body": {"groundrail": {"context": [CONTEXT]}},
}
Client = Callable[[str], Awaitable[AsyncOpenAI]]


@pytest.fixture
async def client_for(
    start_gateway: GatewayFactory, upstream: FakeUpstream, tmp_path: Path
) -> AsyncIterator[Client]:
    clients: list[AsyncOpenAI] = []
    upstream.chunk_delay = 0.002

    async def make(policy: str) -> AsyncOpenAI:
        folder = tmp_path / f"p{len(clients)}"
        folder.mkdir()
        (folder / "p.yaml").write_text(policy)
        url = await start_gateway(upstream=upstream.url, policies=folder)
        sdk = AsyncOpenAI(base_url=url + "/v1", api_key="sk-test", max_retries=0)
        clients.append(sdk)
        return sdk

    yield make
    for sdk in clients:
        await sdk.close()


def policy(mode: str, on_unsupported: str = "rewrite", rewrite: str = "remove_sentences") -> str:
    return (
        f"name: default\nstreaming: {mode}\nrules:\n"
        f"  - {{name: grounded, kind: grounding, on_unsupported: {on_unsupported},"
        f" on_contradiction: {on_unsupported},"
        f" rewrite: {rewrite}}}\n"
        "  - {name: pii, kind: pii, action: rewrite}\n"
    )


async def chat(sdk: AsyncOpenAI, **extra: Any) -> tuple[list[str], dict[str, Any], list[Any]]:
    """The text deltas, the final groundrail verdict, and every chunk."""
    stream = await sdk.chat.completions.create(**{**CALL, **extra})
    chunks = [c async for c in stream]
    texts = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    verdict = chunks[-1].model_extra["groundrail"]  # type: ignore[index]
    return texts, verdict, chunks


async def test_grounded_answer_arrives_intact_in_sentences(
    client_for: Client, upstream: FakeUpstream
) -> None:
    sdk = await client_for(policy("sentence"))
    upstream.answer = f"{GOOD_1} {GOOD_2}"
    texts, verdict, _ = await chat(sdk)
    assert "".join(texts) == f"{GOOD_1} {GOOD_2}"
    assert len(texts) == 2
    assert verdict["verdict"] == "pass"


async def test_unsupported_middle_sentence_is_removed(
    client_for: Client, upstream: FakeUpstream
) -> None:
    sdk = await client_for(policy("sentence"))
    upstream.answer = f"{GOOD_1} {BAD} {GOOD_2}"
    texts, verdict, _ = await chat(sdk)
    assert "".join(texts) == f"{GOOD_1} {GOOD_2}"
    assert verdict["verdict"] == "rewrite"
    assert [f["rule"] for f in verdict["findings"]] == ["grounded"]
    claims = verdict["grounding"]["claims"]  # every sentence's, at offsets into the answer
    assert [c["text"] for c in claims] == [GOOD_1, BAD, GOOD_2]
    assert upstream.answer[claims[1]["start"] : claims[1]["end"]] == BAD
    # the verdict, reason and rule runs are the whole answer's, not its last sentence's
    assert verdict["grounding"]["verdict"] in ("ungrounded", "contradicted")
    assert verdict["grounding"]["reason"] == "1 of 3 claims not supported"
    runs = {r["rule"]: r for r in verdict["rules"]}
    assert sorted(runs) == ["grounded", "pii"] and len(verdict["rules"]) == 2
    assert runs["grounded"]["findings"] == 1 and runs["pii"]["findings"] == 0


@pytest.mark.parametrize(
    ("answer", "rewritten"),
    [
        # a list item whose only sentence goes leaves no bare "2."
        (f"Facts:\n\n1. {GOOD_1}\n2. {BAD}\n3. {GOOD_2}", f"Facts:\n\n1. {GOOD_1}\n3. {GOOD_2}"),
        # a removed paragraph keeps the blank line between what stays
        (f"{GOOD_1}\n\n{BAD}\n\n{GOOD_2}", f"{GOOD_1}\n\n{GOOD_2}"),
        # a removed last sentence of a paragraph keeps the code block on its own line
        (f"{GOOD_1} {BAD}\n\n```\nx = 1\n```", f"{GOOD_1} \n\n```\nx = 1\n```"),
    ],
)
async def test_a_rewrite_keeps_the_answer_s_layout_streamed_or_not(
    client_for: Client, upstream: FakeUpstream, answer: str, rewritten: str
) -> None:
    sdk = await client_for(policy("sentence"))
    upstream.answer = answer
    texts, verdict, _ = await chat(sdk)
    assert verdict["verdict"] == "rewrite"
    assert "".join(texts).rstrip() == rewritten
    whole = await sdk.chat.completions.create(**{**CALL, "stream": False})
    assert whole.choices[0].message.content == rewritten


@pytest.mark.parametrize("title", ["**A Paris Landmark Since 1793**", "## A Paris Landmark"])
async def test_a_title_is_no_claim_streamed_or_not(
    client_for: Client, upstream: FakeUpstream, title: str
) -> None:
    sdk = await client_for(policy("sentence"))
    upstream.answer = f"{title}\n\n{GOOD_1} {GOOD_2}"
    texts, verdict, _ = await chat(sdk)
    whole = await sdk.chat.completions.create(**{**CALL, "stream": False})
    for grounding in (verdict["grounding"], whole.model_extra["groundrail"]["grounding"]):
        assert [c["text"] for c in grounding["claims"]] == [GOOD_1, GOOD_2]
        assert [s["reason"] for s in grounding["skipped"]] == ["heading"]
    assert "".join(texts) == upstream.answer


async def test_a_whole_answer_s_last_bold_line_is_a_claim_even_before_blank_lines(
    client_for: Client, upstream: FakeUpstream
) -> None:
    sdk = await client_for(policy("sentence", on_unsupported="flag"))
    upstream.answer = f"{GOOD_1}\n\n**Built By Martians**\n\n"
    whole = await sdk.chat.completions.create(**{**CALL, "stream": False})
    grounding = whole.model_extra["groundrail"]["grounding"]
    assert [c["text"] for c in grounding["claims"]] == [GOOD_1, "Built By Martians**"]


async def test_unsupported_sentence_replaced_by_notice(
    client_for: Client, upstream: FakeUpstream
) -> None:
    sdk = await client_for(policy("sentence", rewrite="replace_with_notice"))
    upstream.answer = f"{GOOD_1} {BAD} {GOOD_2}"
    texts, _, _ = await chat(sdk)
    text = "".join(texts)
    assert text.startswith(GOOD_1) and text.endswith(GOOD_2)
    assert "[This statement was removed" in text and BAD not in text


async def test_pii_sentence_arrives_redacted(client_for: Client, upstream: FakeUpstream) -> None:
    sdk = await client_for("name: default\nrules:\n  - {name: pii, kind: pii, action: rewrite}\n")
    upstream.answer = "Hello there. Write to jane.doe@example.com today. Bye now."
    texts, _, _ = await chat(sdk)
    assert texts == ["Hello there. ", "Write to [REDACTED:email] today. ", "Bye now."]


async def test_rejected_sentence_ends_the_stream_with_an_error(
    client_for: Client, upstream: FakeUpstream
) -> None:
    sdk = await client_for(policy("sentence", on_unsupported="reject"))
    upstream.answer = f"{GOOD_1} {BAD} {GOOD_2}"
    stream = await sdk.chat.completions.create(**CALL)
    seen: list[str] = []
    with pytest.raises(openai.APIError) as err:
        async for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                seen.append(chunk.choices[0].delta.content)
    assert seen == [GOOD_1 + " "]  # what passed went out; nothing after the failing sentence
    assert isinstance(err.value.body, dict)
    assert err.value.body["code"] == "groundrail_policy_rejected"


async def test_observe_mode_changes_nothing_and_reports(
    client_for: Client, upstream: FakeUpstream
) -> None:
    sdk = await client_for(policy("observe", on_unsupported="reject"))
    upstream.answer = f"{GOOD_1} {BAD}"
    texts, verdict, _ = await chat(sdk)
    assert "".join(texts) == f"{GOOD_1} {BAD}"
    assert len(texts) == len(upstream.answer.split(" "))  # token by token, as it came
    assert verdict["verdict"] == "reject"  # what the policy says, reported, not applied
    assert verdict["findings"][0]["rule"] == "grounded"


async def test_buffer_mode_decides_on_the_whole_answer(
    client_for: Client, upstream: FakeUpstream
) -> None:
    sdk = await client_for(policy("buffer"))
    upstream.answer = f"{GOOD_1} {BAD} {GOOD_2}"
    texts, verdict, _ = await chat(sdk)
    assert texts == [f"{GOOD_1} {GOOD_2}"]
    assert verdict["verdict"] == "rewrite"


async def test_tool_call_deltas_pass_untouched_and_in_order(
    client_for: Client, upstream: FakeUpstream
) -> None:
    sdk = await client_for(policy("sentence"))
    upstream.answer = GOOD_1
    upstream.tool_call = {"name": "lookup", "arguments": '{"q": "louvre"}'}
    _, _, chunks = await chat(sdk)
    deltas = [c.choices[0] for c in chunks if c.choices]
    kinds = [
        "text" if d.delta.content else "tool" if d.delta.tool_calls else d.finish_reason or "role"
        for d in deltas
    ]
    assert kinds == ["role", "text", "tool", "tool_calls"]
    call = deltas[2].delta.tool_calls[0]  # type: ignore[index]
    assert (call.function.name, call.function.arguments) == ("lookup", '{"q": "louvre"}')  # type: ignore[union-attr]


async def test_usage_is_the_upstreams(client_for: Client, upstream: FakeUpstream) -> None:
    sdk = await client_for(policy("sentence"))
    upstream.answer = GOOD_1
    _, _, chunks = await chat(sdk, stream_options={"include_usage": True})
    usage = [c.usage for c in chunks if c.usage]
    assert len(usage) == 1 and usage[0].completion_tokens > 0  # type: ignore[union-attr]


@pytest.mark.parametrize("mode", ["sentence", "buffer", "observe"])
async def test_responses_api_stream(mode: str, client_for: Client, upstream: FakeUpstream) -> None:
    sdk = await client_for(policy(mode))
    upstream.answer = f"{GOOD_1} {BAD} {GOOD_2}"
    stream = await sdk.responses.create(
        model="gpt-4o-mini",
        input="Tell me about the Louvre.",
        stream=True,
        extra_body={"groundrail": {"context": [CONTEXT]}},
    )
    events = [e async for e in stream]
    deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    done = next(e for e in events if e.type == "response.output_text.done")
    completed = next(e for e in events if e.type == "response.completed")
    sequence = [e.sequence_number for e in events if hasattr(e, "sequence_number")]
    assert sequence == sorted(sequence)
    if mode == "observe":
        assert deltas == upstream.answer
    else:
        assert deltas == f"{GOOD_1} {GOOD_2}"
        assert done.text == deltas  # the events that repeat the text say what was released
        assert completed.response.output_text == deltas
    assert events[-1] is completed  # the verdict rides in it: SDKs refuse unknown events
    assert completed.response.model_extra["groundrail"]["policy"].startswith("default@")  # type: ignore[index]


async def test_legacy_completions_stream(client_for: Client, upstream: FakeUpstream) -> None:
    sdk = await client_for(policy("sentence"))
    upstream.answer = f"{GOOD_1} {BAD}"
    stream = await sdk.completions.create(
        model="gpt-3.5-turbo-instruct",
        prompt=f"Context: {CONTEXT}\nQuestion: When did the Louvre open?\nAnswer:",
        stream=True,
    )
    text = "".join([c.choices[0].text async for c in stream if c.choices])
    assert text.strip() == GOOD_1


@pytest.mark.parametrize("on_error", ["reject", "flag"])
async def test_buffer_cap_follows_on_error(
    on_error: str, client_for: Client, upstream: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    from groundrail.server import streaming

    monkeypatch.setattr(streaming, "MAX_BUFFER_BYTES", 30)
    sdk = await client_for(
        "name: default\nstreaming: buffer\nrules:\n"
        f"  - {{name: pii, kind: pii, action: rewrite, on_error: {on_error}}}\n"
    )
    upstream.answer = f"{GOOD_1} {GOOD_2} Mail jane@example.com."
    if on_error == "reject":
        with pytest.raises(openai.APIError):
            await chat(sdk)
        return
    texts, verdict, _ = await chat(sdk)
    assert "".join(texts) == upstream.answer  # let through unchecked, and said so
    assert verdict["verdict"] == "flag"
    assert "buffer cap" in verdict["findings"][0]["message"]
