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
import orjson
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


# --- helpers: exact upstream bytes, and what a client receives ---------------------------------

EMAIL = "billing@example.com"
CARD = "4111 1111 1111 1111"
ANSWER = f"Hello there. Please write to {EMAIL} today, or pay with card {CARD}. Thanks."
CHAT = {"model": "m", "messages": [{"role": "user", "content": "hi"}], "stream": True}


def pieces(text: str, size: int = 7) -> list[str]:
    """`text` in small deltas: every address and card number is split across several."""
    return [text[i : i + size] for i in range(0, len(text), size)]


def chat_chunk(
    delta: dict[str, Any], finish: str | None = None, index: int = 0, **extra: Any
) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": index, "delta": delta, "finish_reason": finish, **extra}],
    }


def sse(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: ".encode() + orjson.dumps(data) + b"\n\n"


DONE = b"data: [DONE]\n\n"


async def stream(
    http: aiohttp.ClientSession, url: str, body: dict[str, Any] = CHAT, path: str = "chat"
) -> tuple[bytes, list[Any]]:
    """The raw bytes the client got, and its events (comments included)."""
    from groundrail.upstream.sse import SSEParser

    route = {"chat": "/v1/chat/completions", "completions": "/v1/completions"}.get(path, path)
    async with http.post(url + route, json=body) as response:
        assert response.status == 200, await response.text()
        raw = await response.read()
    return raw, SSEParser().feed(raw)


def verdict_of(events: list[Any]) -> dict[str, Any]:
    for event in reversed(events):
        if event.comment is None and event.data != "[DONE]":
            data = orjson.loads(event.data)
            if "groundrail" in data:
                return dict(data["groundrail"])
    raise AssertionError("no verdict event")


def chat_text(events: list[Any], field: str = "content", index: int = 0) -> str:
    out = []
    for event in events:
        if event.comment is not None or event.data == "[DONE]":
            continue
        for choice in orjson.loads(event.data).get("choices") or []:
            if choice.get("index") == index:
                out.append((choice.get("delta") or {}).get(field) or "")
    return "".join(out)


# --- 1: text is text, whatever else the chunk holds --------------------------------------------


def _vllm(text: str) -> list[Any]:
    return [
        chat_chunk({"role": "assistant", "content": ""}),
        *(
            chat_chunk(
                {"content": p, "reasoning_content": None, "tool_calls": None},
                logprobs=None,
                stop_reason=None,
            )
            for p in pieces(text)
        ),
        chat_chunk({}, "stop", stop_reason=None),
        DONE,
    ]


def _ollama(text: str) -> list[Any]:
    return [
        *(chat_chunk({"role": "assistant", "content": p}) for p in pieces(text)),
        chat_chunk({"role": "assistant", "content": ""}, "stop"),
        DONE,
    ]


def _llama_cpp(text: str) -> list[Any]:
    *most, last = pieces(text)
    return [
        *(chat_chunk({"content": p}) for p in most),
        {**chat_chunk({"content": last}, "stop"), "timings": {"predicted_n": 30}},
        DONE,
    ]


def _azure(text: str) -> list[Any]:
    filters = {"hate": {"filtered": False, "severity": "safe"}}
    return [
        {"id": "", "object": "", "created": 0, "model": "", "choices": [],
         "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": filters}]},
        chat_chunk({"role": "assistant", "content": ""}, content_filter_results={}),
        *(chat_chunk({"content": p}, content_filter_results=filters) for p in pieces(text)),
        chat_chunk({}, "stop", content_filter_results={}),
        DONE,
    ]  # fmt: skip


def _openrouter(text: str) -> list[Any]:
    return [
        b": OPENROUTER PROCESSING\n\n",
        *(
            chat_chunk(
                {"role": "assistant", "content": p, "reasoning": None, "reasoning_details": []},
                native_finish_reason=None,
                logprobs=None,
            )
            for p in pieces(text)
        ),
        chat_chunk({"role": "assistant", "content": ""}, "stop", native_finish_reason="stop"),
        DONE,
    ]


def _batched(text: str) -> list[Any]:
    """Several chunks in one network write, and two choices' worth of fields in one delta."""
    body = b"".join(
        b"data: " + orjson.dumps(chat_chunk({"content": p, "refusal": None})) + b"\n\n"
        for p in pieces(text)
    )
    return [body, chat_chunk({}, "stop"), DONE]


SHAPES = {
    "vllm": _vllm,
    "ollama": _ollama,
    "llama.cpp": _llama_cpp,
    "azure": _azure,
    "openrouter": _openrouter,
    "batched": _batched,
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("mode", ["sentence", "buffer"])
async def test_every_chat_chunk_shape_is_checked(
    shape: str,
    mode: str,
    gateway_for: Gateway,
    upstream: FakeUpstream,
    http: aiohttp.ClientSession,
) -> None:
    upstream.script = SHAPES[shape](ANSWER)
    url = await gateway_for(PII.format(mode=mode))
    raw, events = await stream(http, url)
    assert EMAIL.encode() not in raw and b"4111" not in raw
    text = chat_text(events)
    assert text == ANSWER.replace(EMAIL, "[REDACTED:email]").replace(CARD, "[REDACTED:credit_card]")
    verdict = verdict_of(events)
    assert verdict["verdict"] == "rewrite"
    assert {f["where"] for f in verdict["findings"]} == {"choices[0].message.content"}
    assert raw.rstrip().endswith(b"data: [DONE]")


@pytest.mark.parametrize("shape", sorted(SHAPES))
async def test_observe_mode_reports_every_chunk_shape(
    shape: str, gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    upstream.script = SHAPES[shape](ANSWER)
    url = await gateway_for(PII.format(mode="observe"))
    _, events = await stream(http, url)
    assert chat_text(events) == ANSWER  # observe changes nothing
    verdict = verdict_of(events)
    assert verdict["intended"] == "rewrite"
    assert sorted(f["message"] for f in verdict["findings"]) == [
        "1 credit_card value(s) found",
        "1 email value(s) found",
    ]


def _completion_chunk(text: str, finish: str | None = None, **extra: Any) -> dict[str, Any]:
    choice = {"index": 0, "text": text, "finish_reason": finish, "logprobs": None, **extra}
    return {"id": "cmpl-1", "object": "text_completion", "created": 1, "model": "m",
            "choices": [choice]}  # fmt: skip


@pytest.mark.parametrize("mode", ["sentence", "buffer"])
async def test_completions_text_in_the_finishing_chunk_is_checked(
    mode: str, gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    *most, last = pieces(ANSWER)
    upstream.script = [
        *(_completion_chunk(p, stop_reason=None) for p in most),
        _completion_chunk(last, "stop"),  # vLLM and llama.cpp put the last text here
        DONE,
    ]
    url = await gateway_for(PII.format(mode=mode))
    raw, events = await stream(
        http, url, {"model": "m", "prompt": "hi", "stream": True}, "completions"
    )
    assert EMAIL.encode() not in raw and b"4111" not in raw
    assert verdict_of(events)["verdict"] == "rewrite"


def _responses(events: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    return [sse(name, {"type": name, **data}) for name, data in events]


def _responses_output(text: str, summary: str, arguments: str) -> list[dict[str, Any]]:
    return [
        {"type": "reasoning", "id": "rs_1", "summary": [{"type": "summary_text", "text": summary}]},
        {"type": "message", "id": "msg_1", "role": "assistant", "status": "completed",
         "content": [{"type": "output_text", "text": text, "annotations": []}]},
        {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "send",
         "arguments": arguments, "status": "completed"},
    ]  # fmt: skip


SUMMARY = f"The user wants the billing contact; it is {EMAIL}, phone (415) 555-0134."
ARGUMENTS = orjson.dumps({"to": EMAIL, "card": CARD, "note": "urgent"}).decode()


@pytest.mark.parametrize("mode", ["sentence", "buffer"])
async def test_responses_stream_checks_text_reasoning_summary_and_arguments(
    mode: str, gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    output = _responses_output(ANSWER, SUMMARY, ARGUMENTS)
    response = {"id": "resp_1", "object": "response", "status": "completed", "output": output}
    upstream.script = _responses(
        [
            ("response.created", {"response": {**response, "status": "in_progress", "output": []}}),
            *(
                ("response.reasoning_summary_text.delta",
                 {"item_id": "rs_1", "output_index": 0, "summary_index": 0, "delta": p})
                for p in pieces(SUMMARY)
            ),
            ("response.reasoning_summary_text.done",
             {"item_id": "rs_1", "output_index": 0, "summary_index": 0, "text": SUMMARY}),
            *(
                ("response.output_text.delta",
                 {"item_id": "msg_1", "output_index": 1, "content_index": 0, "delta": p})
                for p in pieces(ANSWER)
            ),
            ("response.output_text.done",
             {"item_id": "msg_1", "output_index": 1, "content_index": 0, "text": ANSWER}),
            ("response.output_item.done", {"output_index": 1, "item": output[1]}),
            *(
                ("response.function_call_arguments.delta",
                 {"item_id": "fc_1", "output_index": 2, "delta": p})
                for p in pieces(ARGUMENTS)
            ),
            ("response.function_call_arguments.done",
             {"item_id": "fc_1", "output_index": 2, "arguments": ARGUMENTS}),
            ("response.completed", {"response": response}),
        ]
    )  # fmt: skip
    url = await gateway_for(
        PII.format(mode=mode).replace(
            "action: rewrite}", "action: rewrite, tool_arguments: rewrite}"
        )
    )
    body = {"model": "m", "input": "hi", "stream": True}
    raw, events = await stream(http, url, body, "/v1/responses")
    assert EMAIL.encode() not in raw and b"4111" not in raw and b"555-0134" not in raw
    deltas: dict[str, str] = {}
    for event in events:
        data = orjson.loads(event.data)
        if data["type"].endswith(".delta"):
            deltas[data["type"]] = deltas.get(data["type"], "") + data["delta"]
        if data["type"] == "response.completed":
            completed = data["response"]
    arguments = orjson.loads(deltas["response.function_call_arguments.delta"])
    assert arguments == {
        "to": "[REDACTED:email]",
        "card": "[REDACTED:credit_card]",
        "note": "urgent",
    }
    assert "[REDACTED:email]" in deltas["response.reasoning_summary_text.delta"]
    assert completed["output"][1]["content"][0]["text"] == deltas["response.output_text.delta"]
    assert orjson.loads(completed["output"][2]["arguments"]) == arguments
    wheres = {f["where"] for f in verdict_of(events)["findings"]}
    assert wheres == {
        "output[0].summary[0].text",
        "output[1].content[0].text",
        "output[2].arguments",
    }


# --- 2: reasoning is text the client sees ------------------------------------------------------


REASONING = f"They asked how to pay. The address is {EMAIL} and the phone is (415) 555-0134. "


@pytest.mark.parametrize("mode", ["sentence", "buffer"])
async def test_streamed_reasoning_content_is_checked(
    mode: str, gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    upstream.script = [  # DeepSeek: reasoning first, content null; then the answer
        chat_chunk({"role": "assistant", "content": None, "reasoning_content": ""}),
        *(chat_chunk({"content": None, "reasoning_content": p}) for p in pieces(REASONING)),
        *(chat_chunk({"content": p, "reasoning_content": None}) for p in pieces(ANSWER)),
        chat_chunk({"content": ""}, "stop"),
        DONE,
    ]
    url = await gateway_for(PII.format(mode=mode))
    raw, events = await stream(http, url)
    assert EMAIL.encode() not in raw and b"555-0134" not in raw
    reasoning = chat_text(events, "reasoning_content")
    assert (
        reasoning.rstrip()
        == REASONING.replace(EMAIL, "[REDACTED:email]")
        .replace("(415) 555-0134", "[REDACTED:phone]")
        .rstrip()
    )  # a whole rewritten text is tidied (buffer mode)
    order = [  # all reasoning goes out before any answer text
        "r" if (d := orjson.loads(e.data)["choices"][0]["delta"]).get("reasoning_content") else "c"
        for e in events
        if e.comment is None and e.data != "[DONE]" and orjson.loads(e.data).get("choices")
        and (orjson.loads(e.data)["choices"][0]["delta"].get("reasoning_content")
             or orjson.loads(e.data)["choices"][0]["delta"].get("content"))
    ]  # fmt: skip
    assert order == sorted(order, reverse=True)


@pytest.mark.parametrize("field", ["reasoning_content", "reasoning"])
async def test_reasoning_beside_a_redacted_answer_is_redacted_too(
    field: str, gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    message = {"role": "assistant", "content": ANSWER, field: REASONING}
    upstream.body = {
        "id": "c", "object": "chat.completion", "created": 1, "model": "m",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
    }  # fmt: skip
    url = await gateway_for()
    status, body = await post(http, url + "/v1/chat/completions", {**CHAT, "stream": False})
    assert status == 200
    out = body["choices"][0]["message"]
    assert EMAIL not in out["content"] and EMAIL not in out[field]
    assert "[REDACTED:phone]" in out[field]
    wheres = {f["where"] for f in body["groundrail"]["findings"]}
    assert wheres == {"choices[0].message.content", f"choices[0].message.{field}"}


async def test_reasoning_can_be_left_out_by_a_rule(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    message = {"role": "assistant", "content": "Fine.", "reasoning_content": REASONING}
    upstream.body = {
        "id": "c", "object": "chat.completion", "created": 1, "model": "m",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
    }  # fmt: skip
    url = await gateway_for(
        "name: default\nrules:\n  - {name: pii, kind: pii, action: rewrite, reasoning: false}\n"
    )
    _, body = await post(http, url + "/v1/chat/completions", {**CHAT, "stream": False})
    assert body["choices"][0]["message"]["reasoning_content"] == REASONING
    assert body["groundrail"]["verdict"] == "pass"


async def test_responses_reasoning_summary_is_redacted(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    upstream.body = {
        "id": "resp_1", "object": "response", "status": "completed",
        "output": _responses_output("All set.", SUMMARY, '{"to": "team"}'),
    }  # fmt: skip
    url = await gateway_for()
    _, body = await post(http, url + "/v1/responses", {"model": "m", "input": "hi"})
    summary = body["output"][0]["summary"][0]["text"]
    assert EMAIL not in summary and "[REDACTED:phone]" in summary
    assert body["groundrail"]["verdict"] == "rewrite"
