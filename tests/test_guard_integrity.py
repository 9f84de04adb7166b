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
from openai import AsyncOpenAI

from conftest import GatewayFactory, read_records
from groundrail.testing.upstream import FakeUpstream
from groundrail.upstream.sse import SSEParser

# (a deadline far past the rule's time: on a loaded machine 200 ms made it fail open, flaky)
PII = (
    "name: default\nstreaming: {mode}\nrules:\n"
    "  - {{name: pii, kind: pii, timeout_ms: 10000, action: rewrite}}\n"
)
Gateway = Callable[..., Awaitable[str]]


def rewriting_arguments(mode: str) -> str:
    """The PII policy, rewriting tool-call arguments too."""
    return PII.format(mode=mode).replace(
        "action: rewrite}", "action: rewrite, tool_arguments: rewrite}"
    )


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


async def test_the_issues_backtracking_pattern_finishes_within_its_deadline(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    url = await gateway_for(
        "name: default\nrules:\n"
        "  - {name: words, kind: regex, pattern: '^(\\w+\\s?)+$', timeout_ms: 200}\n"
    )
    upstream.answer = "aaaaaaaaaaaaaaaaaaaaaaaaaa!"
    call = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
    status, body = await post(http, url + "/v1/chat/completions", call)
    assert status == 200
    [run] = body["groundrail"]["rules"]
    assert run["error"] is None and body["groundrail"]["verdict"] == "pass"


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
            response = data.get("response")  # the Responses API: in its terminal event
            if isinstance(response, dict) and "groundrail" in response:
                return dict(response["groundrail"])
    raise AssertionError("no verdict event")


def chat_text(events: list[Any], field: str = "content", index: int = 0) -> str:
    out = []
    for event in events:
        if event.comment is not None or event.data == "[DONE]":
            continue
        for choice in orjson.loads(event.data).get("choices") or []:
            if choice.get("index") == index:
                value = (choice.get("delta") or {}).get(field) or ""
                parts = value if isinstance(value, list) else [{"text": value}]
                out += [part.get("text") or "" for part in parts]
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
        {
            "id": "",
            "object": "",
            "created": 0,
            "model": "",
            "choices": [],
            "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": filters}],
        },
        chat_chunk({"role": "assistant", "content": ""}, content_filter_results={}),
        *(chat_chunk({"content": p}, content_filter_results=filters) for p in pieces(text)),
        chat_chunk({}, "stop", content_filter_results={}),
        DONE,
    ]


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


def _openrouter_reasoning(text: str) -> list[Any]:
    """Reasoning twice over, as OpenRouter sends it: `reasoning` and `reasoning_details`."""
    sealed = {"type": "reasoning.encrypted", "data": "gAAAA"}
    return [
        *(
            chat_chunk(
                {
                    "role": "assistant",
                    "content": "",
                    "reasoning": p,
                    "reasoning_details": [{"type": "reasoning.text", "text": p}],
                }
            )
            for p in pieces(REASONING)
        ),
        chat_chunk({"content": "", "reasoning_details": [sealed]}),
        *(chat_chunk({"role": "assistant", "content": p, "reasoning": None}) for p in pieces(text)),
        chat_chunk({"content": ""}, "stop"),
        DONE,
    ]


def _batched(text: str) -> list[Any]:
    """Several chunks in one network write, and two choices' worth of fields in one delta."""
    body = b"".join(
        b"data: " + orjson.dumps(chat_chunk({"content": p, "refusal": None})) + b"\n\n"
        for p in pieces(text)
    )
    return [body, chat_chunk({}, "stop"), DONE]


def _mistral(text: str) -> list[Any]:
    """Content as a list of parts, thinking parts first (Magistral)."""
    thinking = {"type": "thinking", "thinking": [{"type": "text", "text": "Mind the card."}]}
    return [
        chat_chunk({"role": "assistant", "content": [thinking]}),
        *(chat_chunk({"content": [{"type": "text", "text": p}]}) for p in pieces(text)),
        chat_chunk({"content": ""}, "stop"),
        DONE,
    ]


def _together(text: str) -> list[Any]:
    """A token id in every delta and the text again beside it (`choices[].text`)."""
    return [
        chat_chunk({"role": "assistant", "content": ""}),
        *(
            {
                **chat_chunk(
                    {"token_id": 100 + n, "role": "assistant", "content": p, "tool_calls": None},
                    text=p,
                    logprobs=None,
                    seed=None,
                ),
                "usage": None,
            }
            for n, p in enumerate(pieces(text))
        ),
        chat_chunk({"token_id": 2, "role": "assistant", "content": ""}, "stop", text=""),
        DONE,
    ]


def _usage_every_chunk(text: str) -> list[Any]:
    """Usage on every chunk (vLLM's `continuous_usage_stats`) and the answer so far in
    `choices[].message` (Perplexity)."""
    usage = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
    so_far = [text[: n + 7] for n in range(0, len(text), 7)]
    return [
        *(
            {
                **chat_chunk({"content": p}, message={"role": "assistant", "content": whole}),
                "usage": usage,
            }
            for p, whole in zip(pieces(text), so_far, strict=True)
        ),
        {**chat_chunk({}, "stop"), "usage": usage},
        DONE,
    ]


SHAPES = {
    "together": _together,
    "usage-every-chunk": _usage_every_chunk,
    "mistral": _mistral,
    "vllm": _vllm,
    "ollama": _ollama,
    "llama.cpp": _llama_cpp,
    "azure": _azure,
    "openrouter": _openrouter,
    "openrouter-reasoning": _openrouter_reasoning,
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
    assert EMAIL.encode() not in raw and b"4111" not in raw and b"555-0134" not in raw
    text = chat_text(events)
    assert text == ANSWER.replace(EMAIL, "[REDACTED:email]").replace(CARD, "[REDACTED:credit_card]")
    verdict = verdict_of(events)
    assert verdict["verdict"] == "rewrite"
    assert "choices[0].message.content" in {f["where"] for f in verdict["findings"]}
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
    content = [f for f in verdict["findings"] if f["where"] == "choices[0].message.content"]
    assert sorted(f["message"] for f in content) == [
        "1 credit_card value(s) found",
        "1 email value(s) found",
    ]


async def test_a_streamed_refusal_is_text_too(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    refusal = f"I cannot share {EMAIL}. Sorry."
    upstream.script = [
        chat_chunk({"role": "assistant", "content": None, "refusal": ""}),
        *(chat_chunk({"content": None, "refusal": p}) for p in pieces(refusal)),
        chat_chunk({}, "stop"),
        DONE,
    ]
    url = await gateway_for()
    raw, events = await stream(http, url)
    assert EMAIL.encode() not in raw
    assert chat_text(events, "refusal") == "I cannot share [REDACTED:email]. Sorry."


def _completion_chunk(text: str, finish: str | None = None, **extra: Any) -> dict[str, Any]:
    choice = {"index": 0, "text": text, "finish_reason": finish, "logprobs": None, **extra}
    return {
        "id": "cmpl-1",
        "object": "text_completion",
        "created": 1,
        "model": "m",
        "choices": [choice],
    }


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


def responses_read(events: list[Any]) -> tuple[dict[str, str], dict[str, Any]]:
    """What a Responses client reads: each delta type's text joined, and the final response."""
    deltas: dict[str, str] = {}
    completed: dict[str, Any] = {}
    for event in events:
        data = orjson.loads(event.data)
        if data["type"].endswith(".delta"):
            deltas[data["type"]] = deltas.get(data["type"], "") + data["delta"]
        if data["type"] == "response.completed":
            completed = data["response"]
    return deltas, completed


def _responses_output(text: str, summary: str, arguments: str) -> list[dict[str, Any]]:
    return [
        {"type": "reasoning", "id": "rs_1", "summary": [{"type": "summary_text", "text": summary}]},
        {
            "type": "message",
            "id": "msg_1",
            "role": "assistant",
            "status": "completed",
            "content": [{"type": "output_text", "text": text, "annotations": []}],
        },
        {
            "type": "function_call",
            "id": "fc_1",
            "call_id": "call_1",
            "name": "send",
            "arguments": arguments,
            "status": "completed",
        },
    ]


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
                (
                    "response.reasoning_summary_text.delta",
                    {"item_id": "rs_1", "output_index": 0, "summary_index": 0, "delta": p},
                )
                for p in pieces(SUMMARY)
            ),
            (
                "response.reasoning_summary_text.done",
                {"item_id": "rs_1", "output_index": 0, "summary_index": 0, "text": SUMMARY},
            ),
            *(
                (
                    "response.output_text.delta",
                    {"item_id": "msg_1", "output_index": 1, "content_index": 0, "delta": p},
                )
                for p in pieces(ANSWER)
            ),
            (
                "response.output_text.done",
                {"item_id": "msg_1", "output_index": 1, "content_index": 0, "text": ANSWER},
            ),
            ("response.output_item.done", {"output_index": 1, "item": output[1]}),
            *(
                (
                    "response.function_call_arguments.delta",
                    {"item_id": "fc_1", "output_index": 2, "delta": p},
                )
                for p in pieces(ARGUMENTS)
            ),
            (
                "response.function_call_arguments.done",
                {"item_id": "fc_1", "output_index": 2, "arguments": ARGUMENTS},
            ),
            ("response.completed", {"response": response}),
        ]
    )
    url = await gateway_for(rewriting_arguments(mode))
    body = {"model": "m", "input": "hi", "stream": True}
    raw, events = await stream(http, url, body, "/v1/responses")
    assert EMAIL.encode() not in raw and b"4111" not in raw and b"555-0134" not in raw
    deltas, completed = responses_read(events)
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
        "reasoning" if delta.get("reasoning_content") else "content"
        for delta in _deltas(events)
        if delta.get("reasoning_content") or delta.get("content")
    ]
    assert order == sorted(order, reverse=True)


def _deltas(events: list[Any]) -> list[dict[str, Any]]:
    return [
        choice.get("delta") or {}
        for event in events
        if event.comment is None and event.data != "[DONE]"
        for choice in orjson.loads(event.data).get("choices") or []
    ]


async def test_openrouter_reasoning_details_are_redacted_like_reasoning(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    details = [{"type": "reasoning.text", "text": REASONING}, {"type": "reasoning.encrypted"}]
    upstream.body = _chat_body("Done.")
    message = upstream.body["choices"][0]["message"]
    message.update(reasoning=REASONING, reasoning_details=details)
    url = await gateway_for()
    _, body = await post(http, url + "/v1/chat/completions", {**CHAT, "stream": False})
    out = body["choices"][0]["message"]
    assert EMAIL not in out["reasoning"] and EMAIL not in out["reasoning_details"][0]["text"]
    assert out["reasoning_details"][1] == {"type": "reasoning.encrypted"}


@pytest.mark.parametrize("field", ["reasoning_content", "reasoning", "thinking"])
async def test_reasoning_beside_a_redacted_answer_is_redacted_too(
    field: str, gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    message = {"role": "assistant", "content": ANSWER, field: REASONING}
    upstream.body = {
        "id": "c",
        "object": "chat.completion",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
    }
    url = await gateway_for()
    status, body = await post(http, url + "/v1/chat/completions", {**CHAT, "stream": False})
    assert status == 200
    out = body["choices"][0]["message"]
    assert EMAIL not in out["content"] and EMAIL not in out[field]
    assert "[REDACTED:phone]" in out[field]
    wheres = {f["where"] for f in body["groundrail"]["findings"]}
    assert wheres == {"choices[0].message.content", f"choices[0].message.{field}"}


async def test_thinking_parts_of_list_content_are_reasoning(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    thinking = {"type": "thinking", "thinking": [{"type": "text", "text": REASONING}]}
    content = [thinking, {"type": "text", "text": ANSWER}]
    upstream.body = _chat_body("")
    upstream.body["choices"][0]["message"]["content"] = content
    url = await gateway_for()
    raw = orjson.dumps(
        (await post(http, url + "/v1/chat/completions", {**CHAT, "stream": False}))[1]
    )
    assert EMAIL.encode() not in raw and b"555-0134" not in raw
    out = orjson.loads(raw)["choices"][0]["message"]["content"]
    assert "[REDACTED:phone]" in out[0]["thinking"][0]["text"]


async def test_reasoning_can_be_left_out_by_a_rule(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    message = {"role": "assistant", "content": "Fine.", "reasoning_content": REASONING}
    upstream.body = {
        "id": "c",
        "object": "chat.completion",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
    }
    url = await gateway_for(
        "name: default\nrules:\n  - {name: pii, kind: pii, action: rewrite, reasoning: false}\n"
    )
    _, body = await post(http, url + "/v1/chat/completions", {**CHAT, "stream": False})
    assert body["choices"][0]["message"]["reasoning_content"] == REASONING
    assert body["groundrail"]["verdict"] == "pass"


async def test_responses_refusal_is_redacted(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    refusal = {"type": "refusal", "refusal": f"No, {EMAIL} is private."}
    message = {"type": "message", "id": "m", "role": "assistant", "content": [refusal]}
    upstream.body = {"id": "r", "object": "response", "status": "completed", "output": [message]}
    url = await gateway_for()
    _, body = await post(http, url + "/v1/responses", {"model": "m", "input": "hi"})
    assert body["output"][0]["content"][0]["refusal"] == "No, [REDACTED:email] is private."


async def test_responses_reasoning_summary_is_redacted(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    upstream.body = {
        "id": "resp_1",
        "object": "response",
        "status": "completed",
        "output": _responses_output("All set.", SUMMARY, '{"to": "team"}'),
    }
    url = await gateway_for()
    _, body = await post(http, url + "/v1/responses", {"model": "m", "input": "hi"})
    summary = body["output"][0]["summary"][0]["text"]
    assert EMAIL not in summary and "[REDACTED:phone]" in summary
    assert body["groundrail"]["verdict"] == "rewrite"


# --- 3: every choice is checked ----------------------------------------------------------------


def _chat_body(*contents: str, logprobs: bool = False) -> dict[str, Any]:
    def tokens(text: str) -> dict[str, Any]:
        words = text.split(" ")
        content = [
            {"token": w if i == 0 else " " + w, "logprob": -0.1, "bytes": None, "top_logprobs": []}
            for i, w in enumerate(words)
        ]
        return {"content": content, "refusal": None}

    choices = [
        {
            "index": i,
            "message": {"role": "assistant", "content": text},
            "logprobs": tokens(text) if logprobs else None,
            "finish_reason": "stop",
        }
        for i, text in enumerate(contents)
    ]
    return {"id": "c", "object": "chat.completion", "created": 1, "model": "m", "choices": choices}


async def test_every_choice_gets_its_own_check_and_decision(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    upstream.body = _chat_body("Nothing personal here.", ANSWER, "Also clean.")
    url = await gateway_for()
    _, body = await post(http, url + "/v1/chat/completions", {**CHAT, "stream": False, "n": 3})
    contents = [c["message"]["content"] for c in body["choices"]]
    assert contents[0] == "Nothing personal here." and contents[2] == "Also clean."
    assert EMAIL not in contents[1] and "[REDACTED:credit_card]" in contents[1]
    extension = body["groundrail"]
    assert extension["verdict"] == "rewrite"
    assert extension["choices"] == [
        {"index": 0, "verdict": "pass"},
        {"index": 1, "verdict": "rewrite"},
        {"index": 2, "verdict": "pass"},
    ]
    assert {f["where"] for f in extension["findings"]} == {"choices[1].message.content"}


async def test_the_response_s_grounding_and_audit_are_the_deciding_choice_s(
    start_gateway: GatewayFactory,
    upstream: FakeUpstream,
    http: aiohttp.ClientSession,
    tmp_path: Path,
) -> None:
    context = "The Louvre in Paris opened as a museum in 1793."
    good, bad = (
        "The Louvre opened as a museum in 1793.",
        "The Louvre was built by Martians in 2020.",
    )
    (tmp_path / "p.yaml").write_text(
        "name: default\nrules:\n  - {name: grounded, kind: grounding, on_unsupported: flag,"
        " on_contradiction: flag}\n"
    )
    audit = tmp_path / "audit.jsonl"
    url = await start_gateway(
        upstream=upstream.url, policies=tmp_path, audit={"sink": "file", "path": audit}
    )
    upstream.body = _chat_body(good, bad)
    call = {**CHAT, "stream": False, "n": 2, "groundrail": {"context": [context]}}
    async with http.post(url + "/v1/chat/completions", json=call) as response:
        body, support = await response.json(), response.headers["x-groundrail-support"]
    extension = body["groundrail"]
    assert extension["choices"] == [
        {"index": 0, "verdict": "pass"},
        {"index": 1, "verdict": "flag"},
    ]
    # the flagged second choice, not the grounded first, is what `grounding` describes
    grounding = extension["grounding"]
    assert grounding["verdict"] in ("ungrounded", "contradicted")
    assert [c["text"] for c in grounding["claims"]] == [bad]
    assert float(support) == pytest.approx(extension["support"], abs=0.01) and float(support) < 0.5
    # streamed (n > 1 is buffered), the audit record's answer is that choice's, not both glued
    upstream.body = None
    upstream.script = [
        chat_chunk({"content": good}, index=0),
        chat_chunk({"content": bad}, index=1),
        chat_chunk({}, "stop", 0),
        chat_chunk({}, "stop", 1),
        DONE,
    ]
    _, events = await stream(http, url, {**call, "stream": True})
    assert verdict_of(events)["grounding"]["claims"][0]["text"] == bad
    records = await read_records(audit, 2)
    assert [r["answer"] for r in records] == [bad, bad]


async def test_a_token_budget_is_charged_once_whatever_the_choices(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    upstream.body = {**_chat_body("One.", "Two.", "Three."), "usage": {"total_tokens": 30}}
    url = await gateway_for(
        "name: default\nrules:\n"
        "  - {name: budget, kind: token_budget, per_key: {tokens: 1000}}\n"
        "  - {name: pii, kind: pii}\n"
    )
    _, body = await post(http, url + "/v1/chat/completions", {**CHAT, "stream": False, "n": 3})
    kinds = [run["kind"] for run in body["groundrail"]["rules"]]
    assert kinds.count("token_budget") == 1 and kinds.count("pii") == 3


async def test_a_rejected_choice_answers_the_reject_message_and_the_others_stand(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    upstream.body = _chat_body("We offer guaranteed returns.", "Returns vary with markets.")
    url = await gateway_for(
        "name: default\nreject_as: completion\nrules:\n"
        "  - {name: b, kind: banned_terms, terms: [guaranteed returns], action: reject}\n"
    )
    _, body = await post(http, url + "/v1/chat/completions", {**CHAT, "stream": False, "n": 2})
    contents = [c["message"]["content"] for c in body["choices"]]
    assert contents == [
        "The answer could not be verified against your documents.",
        "Returns vary with markets.",
    ]
    assert body["groundrail"]["verdict"] == "reject"


async def test_streamed_choices_interleaved_are_each_checked(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    clean = "A clean answer, nothing to hide here at all."
    steps: list[Any] = []
    for a, b in zip(pieces(clean), pieces(ANSWER), strict=False):
        steps += [chat_chunk({"content": a}, index=0), chat_chunk({"content": b}, index=1)]
    steps += [chat_chunk({"content": p}, index=1) for p in pieces(ANSWER)[len(pieces(clean)) :]]
    two = chat_chunk({"content": "Last."}, index=0)
    two["choices"].append({"index": 1, "delta": {"content": " Bye."}, "finish_reason": None})
    upstream.script = [*steps, two, chat_chunk({}, "stop", 0), chat_chunk({}, "stop", 1), DONE]
    url = await gateway_for()
    raw, events = await stream(http, url, {**CHAT, "n": 2})
    assert EMAIL.encode() not in raw
    assert chat_text(events, index=0) == clean + "Last."
    assert "[REDACTED:email]" in chat_text(events, index=1)
    assert chat_text(events, index=1).endswith(" Bye.")
    verdict = verdict_of(events)
    assert verdict["choices"] == [
        {"index": 0, "verdict": "pass"},
        {"index": 1, "verdict": "rewrite"},
    ]


# --- 4: logprobs must not undo a rewrite -------------------------------------------------------


async def test_a_rewritten_choice_drops_its_logprobs_an_unchanged_one_keeps_them(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    rewritten = "Write to amy.chen@example.com about it."
    upstream.body = _chat_body(rewritten, "Nothing to hide.", logprobs=True)
    url = await gateway_for()
    call = {**CHAT, "stream": False, "n": 2, "logprobs": True}
    async with http.post(url + "/v1/chat/completions", json=call) as response:
        raw = await response.read()
    assert b"amy.chen" not in raw and b"example.com" not in raw
    body = orjson.loads(raw)
    assert body["choices"][0]["logprobs"] is None
    kept = body["choices"][1]["logprobs"]["content"]
    assert "".join(t["token"] for t in kept) == "Nothing to hide."


async def test_streamed_logprobs_stop_at_the_first_rewrite(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    text = "Hello there. Write to amy.chen@example.com today. Bye now."
    words = text.split(" ")
    tokens = [w if i == 0 else " " + w for i, w in enumerate(words)]
    upstream.script = [
        *(
            chat_chunk(
                {"content": t},
                logprobs={
                    "content": [{"token": t, "logprob": -0.5, "bytes": None, "top_logprobs": []}]
                },
            )
            for t in tokens
        ),
        chat_chunk({}, "stop"),
        DONE,
    ]
    url = await gateway_for()
    raw, events = await stream(http, url, {**CHAT, "logprobs": True})
    assert b"amy.chen" not in raw
    sent = []
    for event in events:
        if event.comment is None and event.data != "[DONE]":
            for choice in orjson.loads(event.data).get("choices") or []:
                if choice.get("delta", {}).get("content"):
                    logprobs = choice.get("logprobs") or {"content": []}
                    sent.append((choice["delta"]["content"], logprobs["content"]))
    assert [s for s, _ in sent] == [
        "Hello there. ",
        "Write to [REDACTED:email] today. ",
        "Bye now.",
    ]
    assert "".join(t["token"] for t in sent[0][1]) == "Hello there. "[:-1]
    assert sent[1][1] == [] and sent[2][1] == []  # rewritten: no more tokens for this choice


# --- 5: a rewrite keeps the answer's format ----------------------------------------------------

RECORD = '{"customer": "C-1029", "card": 4111111111111111, "status": "active"}'
CONTEXT = "The Louvre in Paris opened in 1793. It is the world's most-visited museum."
GROUNDED = (
    "name: default\nstructured_output: {on}\nrules:\n"
    "  - {{name: g, kind: grounding, on_unsupported: rewrite, on_contradiction: rewrite}}\n"
)


async def test_json_object_redaction_keeps_valid_json(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    upstream.answer = RECORD
    url = await gateway_for()
    call = {**CHAT, "stream": False, "response_format": {"type": "json_object"}}
    _, body = await post(http, url + "/v1/chat/completions", call)
    content = orjson.loads(body["choices"][0]["message"]["content"])
    assert content == {"customer": "C-1029", "card": "[REDACTED:credit_card]", "status": "active"}


async def test_streamed_json_is_held_whole_and_redacted_inside_its_values(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    record = '{"note": "mail ' + EMAIL + ' now", "tags": ["a\\"b", "' + CARD + '"]}'
    upstream.script = [
        *(chat_chunk({"content": p}) for p in pieces(record)),
        chat_chunk({}, "stop"),
        DONE,
    ]
    url = await gateway_for()
    _, events = await stream(http, url, {**CHAT, "response_format": {"type": "json_object"}})
    assert orjson.loads(chat_text(events)) == {
        "note": "mail [REDACTED:email] now",
        "tags": ['a"b', "[REDACTED:credit_card]"],
    }


@pytest.mark.parametrize(("on", "status"), [("flag", 200), ("reject", 422)])
async def test_sentence_removal_never_cuts_structured_output(
    on: str, status: int, gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    answer = '{"summary": "The Louvre was built by Martians on the Moon in 2020."}'
    upstream.answer = answer
    url = await gateway_for(GROUNDED.format(on=on))
    schema = {"type": "object", "properties": {"summary": {"type": "string"}}}
    call = {
        **CHAT,
        "stream": False,
        "response_format": {"type": "json_schema", "json_schema": {"name": "s", "schema": schema}},
        "groundrail": {"context": [CONTEXT]},
    }
    got, body = await post(http, url + "/v1/chat/completions", call)
    assert got == status
    assert body["groundrail"]["verdict"] == on
    if on == "flag":
        assert body["choices"][0]["message"]["content"] == answer
    assert all("structured output" in f["message"] for f in body["groundrail"]["findings"])


async def test_a_rewritten_answer_is_validated_again(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    upstream.answer = RECORD
    url = await gateway_for()
    schema = {"type": "object", "properties": {"card": {"type": "integer"}}}
    call = {
        **CHAT,
        "stream": False,
        "response_format": {"type": "json_schema", "json_schema": {"name": "s", "schema": schema}},
    }
    status, body = await post(http, url + "/v1/chat/completions", call)
    assert status == 422  # a redacted card is no integer: the answer cannot go out as it was
    [problem] = [f for f in body["groundrail"]["findings"] if f["rule"] == "structured_output"]
    assert "does not match the schema at $.card" in problem["message"]
    assert b"4111" not in orjson.dumps(body)


CODE_ANSWER = (
    "The Louvre opened in 1793. Run this:\n\n"
    "```python\n"
    "# The Louvre was built by Martians on the Moon in 2020. Really.\n"
    "print('It moved to Mars. Then back.')\n"
    "```\n\n"
    "It is the most visited museum in the world."
)


@pytest.mark.parametrize("stream_it", [True, False])
async def test_code_blocks_are_never_cut_nor_judged_as_prose(
    stream_it: bool, gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    upstream.answer = CODE_ANSWER
    url = await gateway_for(GROUNDED.format(on="flag"))
    call = {**CHAT, "stream": stream_it, "groundrail": {"context": [CONTEXT]}}
    if stream_it:
        _, events = await stream(http, url, call)
        deltas = [
            c["delta"]["content"]
            for e in events
            if e.comment is None and e.data != "[DONE]"
            for c in orjson.loads(e.data).get("choices") or []
            if c["delta"].get("content")
        ]
        assert any(
            d.lstrip().startswith("```python") and d.rstrip().endswith("```") for d in deltas
        )
        text, verdict = "".join(deltas), verdict_of(events)
    else:
        _, body = await post(http, url + "/v1/chat/completions", call)
        text, verdict = body["choices"][0]["message"]["content"], body["groundrail"]
    assert "```python\n# The Louvre was built by Martians" in text and text.count("```") == 2
    claims = [c["text"] for c in verdict["grounding"]["claims"]]
    assert not any("Martians" in c or "Mars" in c for c in claims)


# --- 6: holding text must not split what a rule needs whole ------------------------------------


def _filler(length: int, word: str = "lorem ") -> str:
    return (word * (length // len(word) + 1))[:length]


@pytest.mark.parametrize(
    ("before", "deltas", "hidden"),
    [
        # the issue's example: 598 characters with no sentence end, then a card in two deltas
        (_filler(598), ["card 4111 1111", " 1111 1111, thanks"], "4111 1111 1111 1111"),
        # an address crossing the hold limit, in a script written without blanks
        (_filler(560, "数据处理完成请联系"), ["请写信给billing@exa", "mple.com谢谢" * 3], EMAIL),
        (_filler(580), ["call +44 20 79", "46 0958 now"], "+44 20 7946 0958"),
        # a whole card where the limit would cut (200 characters before the end of 600)
        (_filler(394) + f" {CARD} " + _filler(185), [" and more"], CARD),
        (_filler(590, "ab "), ["a"], ""),  # only the limit: nothing to find, nothing lost
    ],
)
async def test_the_hold_limit_never_splits_a_match(
    before: str,
    deltas: list[str],
    hidden: str,
    gateway_for: Gateway,
    upstream: FakeUpstream,
    http: aiohttp.ClientSession,
) -> None:
    chunks = [*pieces(before, 50), *deltas]
    upstream.script = [*(chat_chunk({"content": c}) for c in chunks), chat_chunk({}, "stop"), DONE]
    url = await gateway_for()
    raw, events = await stream(http, url)
    text = chat_text(events)
    if hidden:
        assert hidden.encode() not in raw and "[REDACTED:" in text
    else:
        assert text == "".join(chunks)
    assert text.startswith(before[:300])


async def test_a_banned_phrase_across_the_hold_limit_is_still_found(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    chunks = [*pieces(_filler(570), 50), "this fund has guaranteed", " returns for everyone"]
    upstream.script = [*(chat_chunk({"content": c}) for c in chunks), chat_chunk({}, "stop"), DONE]
    url = await gateway_for(
        "name: default\nrules:\n"
        "  - {name: b, kind: banned_terms, terms: [guaranteed returns], action: rewrite}\n"
    )
    _, events = await stream(http, url)
    text = chat_text(events)
    assert "guaranteed" not in text and "[REMOVED]" in text


# --- 7: silence kills streams ------------------------------------------------------------------


async def _lines(http: aiohttp.ClientSession, url: str, body: dict[str, Any]) -> list[bytes]:
    async with http.post(url + "/v1/chat/completions", json=body) as response:
        return [line async for line in response.content if line.strip()]


@pytest.mark.parametrize(
    ("policy", "pause"),
    [
        (PII.format(mode="sentence"), 0.5),  # the issue's example: 0.5 s apart for 4 s
        (PII.format(mode="observe"), 0.05),
        (PII.format(mode="buffer"), 0.05),
        ("name: default\nrules: []\n", 0.05),  # no rules: a plain relay
    ],
)
async def test_upstream_comments_are_relayed(
    policy: str,
    pause: float,
    gateway_for: Gateway,
    upstream: FakeUpstream,
    http: aiohttp.ClientSession,
) -> None:
    upstream.script = [
        *[step for _ in range(8) for step in (b": PROCESSING\n\n", pause)],
        *_vllm("Hello there."),
    ]
    url = await gateway_for(policy)
    lines = await _lines(http, url, CHAT)
    assert lines[:8] == [b": PROCESSING\n"] * 8  # before any text: the client heard from us


async def test_held_text_gets_keep_alive_comments(
    gateway_for: Gateway,
    upstream: FakeUpstream,
    http: aiohttp.ClientSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from groundrail.server import streaming

    monkeypatch.setattr(streaming, "KEEPALIVE_SECONDS", 0.2)
    upstream.script = [
        chat_chunk({"role": "assistant", "content": ""}),
        chat_chunk({"content": "Hello, the answer is"}),  # held: no sentence end yet
        1.0,
        chat_chunk({"content": " coming."}),
        chat_chunk({}, "stop"),
        DONE,
    ]
    url = await gateway_for(PII.format(mode="sentence"))
    lines = await _lines(http, url, CHAT)
    text_at = next(i for i, line in enumerate(lines) if b"Hello" in line)
    assert lines[1:text_at].count(b": keep-alive\n") >= 2


# --- 8: text rules read text as a person does -------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        "The runs took 12.45 13.02 12.88 seconds.",
        "Timeouts: 250 300 1000 ms.",
        "Plans: 10.99 12.99 14.99 dollars.",
    ],
)
async def test_number_lists_are_not_phone_numbers(
    answer: str, gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    upstream.answer = answer
    url = await gateway_for()
    _, body = await post(http, url + "/v1/chat/completions", {**CHAT, "stream": False})
    assert body["choices"][0]["message"]["content"] == answer
    assert body["groundrail"]["verdict"] == "pass"


async def test_invisible_characters_and_look_alikes_hide_no_banned_term(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    upstream.answer = "This fund is r\u0456sk\u200b-fr\u0435e."
    url = await gateway_for(
        "name: default\nrules:\n  - {name: b, kind: banned_terms, terms: [risk-free]}\n"
    )
    status, body = await post(http, url + "/v1/chat/completions", {**CHAT, "stream": False})
    assert status == 422 and body["groundrail"]["verdict"] == "reject"


# --- 9: tool-call arguments are text the application acts on ----------------------------------


def _tool_body(arguments: str) -> dict[str, Any]:
    call = {
        "id": "call_1",
        "type": "function",
        "function": {"name": "send", "arguments": arguments},
    }
    message = {"role": "assistant", "content": None, "tool_calls": [call]}
    return {
        "id": "c",
        "object": "chat.completion",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls"}],
    }


@pytest.mark.parametrize(
    ("setting", "verdict", "expected"),
    [
        ("", "flag", orjson.loads(ARGUMENTS)),  # flag: the safe default
        (
            ", tool_arguments: rewrite",
            "rewrite",
            {"to": "[REDACTED:email]", "card": "[REDACTED:credit_card]", "note": "urgent"},
        ),
        (", tool_arguments: skip", "pass", orjson.loads(ARGUMENTS)),
    ],
)
async def test_tool_call_arguments_are_checked_as_the_policy_says(
    setting: str,
    verdict: str,
    expected: dict[str, Any],
    gateway_for: Gateway,
    upstream: FakeUpstream,
    http: aiohttp.ClientSession,
) -> None:
    upstream.body = _tool_body(ARGUMENTS)
    url = await gateway_for(
        f"name: default\nrules:\n  - {{name: pii, kind: pii, action: rewrite{setting}}}\n"
    )
    _, body = await post(http, url + "/v1/chat/completions", {**CHAT, "stream": False})
    arguments = body["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"]
    assert orjson.loads(arguments) == expected
    assert body["groundrail"]["verdict"] == verdict
    if verdict != "pass":
        wheres = {f["where"] for f in body["groundrail"]["findings"]}
        assert wheres == {"choices[0].message.tool_calls[0].function.arguments"}


@pytest.mark.parametrize("mode", ["sentence", "buffer", "observe"])
async def test_streamed_tool_call_arguments_are_checked(
    mode: str, gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    head = {
        "index": 0,
        "id": "call_1",
        "type": "function",
        "function": {"name": "send", "arguments": ""},
    }
    upstream.script = [
        chat_chunk({"role": "assistant", "content": None, "tool_calls": [head]}),
        *(
            chat_chunk({"tool_calls": [{"index": 0, "function": {"arguments": p}}]})
            for p in pieces(ARGUMENTS)
        ),
        chat_chunk({}, "tool_calls"),
        DONE,
    ]
    url = await gateway_for(rewriting_arguments(mode))
    raw, events = await stream(http, url)
    sent = "".join(
        call["function"].get("arguments") or ""
        for e in events
        if e.comment is None and e.data != "[DONE]"
        for c in orjson.loads(e.data).get("choices") or []
        for call in c["delta"].get("tool_calls") or []
    )
    if mode == "observe":
        assert sent == ARGUMENTS and verdict_of(events)["intended"] == "rewrite"
    else:
        assert EMAIL.encode() not in raw
        assert orjson.loads(sent)["to"] == "[REDACTED:email]"


async def test_responses_function_call_arguments_are_checked(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    upstream.body = {
        "id": "resp_1",
        "object": "response",
        "status": "completed",
        "output": _responses_output("Sending it now.", "They want it sent.", ARGUMENTS),
    }
    url = await gateway_for()
    _, body = await post(http, url + "/v1/responses", {"model": "m", "input": "hi"})
    assert body["output"][2]["arguments"] == ARGUMENTS  # flagged, not changed
    assert body["groundrail"]["verdict"] == "flag"
    assert {f["where"] for f in body["groundrail"]["findings"]} == {"output[2].arguments"}


@pytest.mark.parametrize(
    "error",
    [
        {"error": {"object": "error", "message": "internal error", "code": 500}},  # vLLM
        {  # OpenRouter: the error on a chunk that finishes with "error"
            **chat_chunk({"content": ""}, "error"),
            "error": {"code": 502, "message": "Provider returned error"},
        },
    ],
)
async def test_an_in_band_error_does_not_release_the_unfinished_sentence(
    error: dict[str, Any],
    gateway_for: Gateway,
    upstream: FakeUpstream,
    http: aiohttp.ClientSession,
) -> None:
    """The error arrives mid-sentence: what was checked went out, the unfinished sentence
    (half a card number, too short to match) is not released (docs/streaming.md)."""
    upstream.script = [
        chat_chunk({"role": "assistant", "content": ""}),
        *(chat_chunk({"content": p}) for p in pieces("Hello there. Pay with card 4111 1111")),
        error,
        DONE,
    ]
    url = await gateway_for()
    raw, events = await stream(http, url)
    assert b"4111" not in raw
    assert chat_text(events).startswith("Hello there.")


async def test_tool_calls_without_an_index_stay_apart(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    """Gemini's OpenAI-compatible API sends tool calls without `index`: two calls in one
    chunk were merged into one with both argument strings glued together."""
    calls = [
        {"id": "c1", "type": "function", "function": {"name": "a", "arguments": '{"x": 1}'}},
        {"id": "c2", "type": "function", "function": {"name": "b", "arguments": '{"y": 2}'}},
    ]
    upstream.script = [
        chat_chunk({"role": "assistant", "content": None, "tool_calls": calls}),
        chat_chunk({}, "tool_calls"),
        DONE,
    ]
    url = await gateway_for()
    _, events = await stream(http, url)
    got: dict[int, dict[str, str]] = {}
    for delta in _deltas(events):
        for call in delta.get("tool_calls") or []:
            entry = got.setdefault(call["index"], {"id": "", "arguments": ""})
            entry["id"] += call.get("id") or ""
            entry["arguments"] += call["function"].get("arguments") or ""
    assert got == {
        0: {"id": "c1", "arguments": '{"x": 1}'},
        1: {"id": "c2", "arguments": '{"y": 2}'},
    }


async def test_an_audio_answer_s_transcript_and_a_refusal_part_are_checked(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    """An audio answer (gpt-4o-audio) has no `content`, only `audio.transcript`; a refusal
    can come as a content part. Both went out unchecked, with no verdict at all."""
    upstream.body = _chat_body("")
    message = upstream.body["choices"][0]["message"]
    message["content"] = [{"type": "refusal", "refusal": f"Write to {EMAIL} instead."}]
    message["audio"] = {"id": "audio_1", "data": "UklGRg==", "transcript": ANSWER}
    url = await gateway_for()
    _, body = await post(http, url + "/v1/chat/completions", {**CHAT, "stream": False})
    assert EMAIL not in orjson.dumps(body).decode()
    assert {f["where"] for f in body["groundrail"]["findings"]} == {
        "choices[0].message.content[0].refusal",
        "choices[0].message.audio.transcript",
    }


RESPONSE = {
    "id": "resp_1",
    "object": "response",
    "status": "completed",
    "output": [
        {
            "type": "message",
            "id": "msg_1",
            "role": "assistant",
            "status": "completed",
            "content": [{"type": "output_text", "text": ANSWER, "annotations": []}],
        },
        {"type": "custom_tool_call", "id": "ct_1", "name": "mail", "input": f"to {EMAIL}"},
        {
            "type": "mcp_call",
            "id": "mcp_1",
            "name": "crm",
            "server_label": "crm",
            "arguments": "{}",
            "output": f"Contact: {EMAIL}",
        },
    ],
}


async def test_responses_custom_and_mcp_tool_calls_are_checked(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    upstream.body = {**RESPONSE, "output": RESPONSE["output"][1:]}
    url = await gateway_for()
    _, body = await post(http, url + "/v1/responses", {"model": "m", "input": "hi"})
    assert {f["where"] for f in body["groundrail"]["findings"]} == {
        "output[0].input",
        "output[1].output",
    }


async def test_tool_arguments_sent_as_an_object_are_rewritten_inside_it(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    """Some servers send a tool call's arguments as a JSON object, not a string: they went out
    unchecked; now they are read as JSON and stay an object."""
    upstream.body = _tool_body(ARGUMENTS)
    function = upstream.body["choices"][0]["message"]["tool_calls"][0]["function"]
    function["arguments"] = orjson.loads(ARGUMENTS)
    url = await gateway_for(rewriting_arguments("sentence"))
    _, body = await post(http, url + "/v1/chat/completions", {**CHAT, "stream": False})
    arguments = body["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"]
    assert arguments == {
        "to": "[REDACTED:email]",
        "card": "[REDACTED:credit_card]",
        "note": "urgent",
    }


@pytest.mark.parametrize("mode", ["sentence", "buffer"])
async def test_a_streamed_transcript_and_legacy_function_call_are_checked(
    mode: str, gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    """gpt-4o-audio streams its answer as `delta.audio.transcript` beside the audio bytes; the
    legacy `function_call` streams its arguments; a server may send arguments as an object.
    All three went out unchecked (the last one lost)."""
    upstream.script = [
        chat_chunk({"role": "assistant", "content": None}),
        *(
            chat_chunk({"audio": {"id": "audio_1", "transcript": p, "data": "UklGRg=="}})
            for p in pieces(ANSWER)
        ),
        chat_chunk({"function_call": {"name": "send", "arguments": ""}}),
        *(chat_chunk({"function_call": {"arguments": p}}) for p in pieces(ARGUMENTS)),
        chat_chunk(
            {
                "tool_calls": [
                    {
                        "index": 0,
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "mail", "arguments": {"to": EMAIL}},
                    }
                ]
            }
        ),
        chat_chunk({}, "stop"),
        DONE,
    ]
    url = await gateway_for(rewriting_arguments(mode))
    raw, events = await stream(http, url)
    assert EMAIL.encode() not in raw and b"4111" not in raw
    transcript, legacy, name, tool = "", "", "", ""
    for delta in _deltas(events):
        transcript += (delta.get("audio") or {}).get("transcript") or ""
        legacy += (delta.get("function_call") or {}).get("arguments") or ""
        name += (delta.get("function_call") or {}).get("name") or ""
        for call in delta.get("tool_calls") or []:
            tool += call["function"].get("arguments") or ""
    assert "[REDACTED:email]" in transcript and transcript.startswith("Hello there.")
    assert name == "send"
    assert orjson.loads(legacy) == {
        "to": "[REDACTED:email]",
        "card": "[REDACTED:credit_card]",
        "note": "urgent",
    }
    assert orjson.loads(tool) == {"to": "[REDACTED:email]"}
    assert raw.count(b"UklGRg==") == len(pieces(ANSWER))  # the audio itself goes on


def _response_events(response: dict[str, Any], shape: str) -> list[Any]:
    """A Responses stream of `response`'s output, as a server sends it: each item opened
    (its content part too), the text's deltas, its `.done` events, the item finished, then
    `response.completed`; `done-only` sends no deltas, `whole-only` only the finished items
    and the response."""
    events: list[tuple[str, dict[str, Any]]] = [
        ("response.created", {"response": {**response, "status": "in_progress", "output": []}})
    ]
    for n, item in enumerate(response["output"]):
        at = {"item_id": item["id"], "output_index": n}
        if shape != "whole-only":
            opened = {**item, "content": []} if item["type"] == "message" else item
            if item["type"] == "custom_tool_call":
                opened = {**item, "input": ""}
            events.append(("response.output_item.added", {"output_index": n, "item": opened}))
        if item["type"] == "message" and shape != "whole-only":
            text = item["content"][0]["text"]
            spot = {**at, "content_index": 0}
            part = {"type": "output_text", "text": "", "annotations": []}
            events.append(("response.content_part.added", {**spot, "part": part}))
            if shape == "deltas":
                events += [
                    ("response.output_text.delta", {**spot, "delta": p}) for p in pieces(text)
                ]
            events.append(("response.output_text.done", {**spot, "text": text}))
        elif item["type"] == "custom_tool_call" and shape != "whole-only":
            if shape == "deltas":
                events += [
                    ("response.custom_tool_call_input.delta", {**at, "delta": p})
                    for p in pieces(item["input"])
                ]
            events.append(("response.custom_tool_call_input.done", {**at, "input": item["input"]}))
        events.append(("response.output_item.done", {"output_index": n, "item": item}))
    events.append(("response.completed", {"response": response}))
    return _responses(events)


@pytest.mark.parametrize("shape", ["deltas", "done-only"])
@pytest.mark.parametrize("mode", ["sentence", "buffer"])
async def test_responses_text_that_comes_whole_is_checked(
    mode: str,
    shape: str,
    gateway_for: Gateway,
    upstream: FakeUpstream,
    http: aiohttp.ClientSession,
) -> None:
    """Text only in `.done` events, a finished item or the final response (a server that
    sends no deltas; an MCP call's output, which has no delta event) went out unchecked;
    now each is checked as if it were one delta, and what the client gets whole is what
    was released."""
    upstream.script = _response_events(RESPONSE, shape)
    url = await gateway_for(rewriting_arguments(mode))
    raw, events = await stream(
        http, url, {"model": "m", "input": "hi", "stream": True}, "/v1/responses"
    )
    assert EMAIL.encode() not in raw and b"4111" not in raw
    deltas, completed = responses_read(events)
    assert deltas["response.output_text.delta"] == completed["output"][0]["content"][0]["text"]
    assert deltas["response.output_text.delta"].startswith("Hello there.")
    assert deltas["response.custom_tool_call_input.delta"] == "to [REDACTED:email]"
    assert completed["output"][2]["output"] == "Contact: [REDACTED:email]"
    assert {f["where"] for f in completed["groundrail"]["findings"]} == {
        "output[0].content[0].text",
        "output[1].input",
        "output[2].output",
    }


async def test_text_that_comes_only_in_finished_items_stays_readable_to_the_sdk(
    gateway_for: Gateway, upstream: FakeUpstream
) -> None:
    """Items that were never opened get no delta of the gateway's (the SDK's stream helper
    raises on a delta before its item): their text is checked and goes out in the finished
    item and the response, as the upstream sent it."""
    upstream.script = _response_events(RESPONSE, "whole-only")
    url = await gateway_for(rewriting_arguments("sentence"))
    sdk = AsyncOpenAI(base_url=url + "/v1", api_key="sk-test", max_retries=0)
    async with sdk.responses.stream(model="m", input="hi") as events:
        kinds = [event.type async for event in events]
        final = await events.get_final_response()
    assert not [kind for kind in kinds if kind.endswith(".delta")]
    assert EMAIL not in final.model_dump_json() and "4111" not in final.model_dump_json()
    assert final.output[1].input == "to [REDACTED:email]"


async def test_a_done_event_says_no_more_than_its_deltas_did(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    """A `.done` event or a finished item whose text is longer than its deltas spelled (a
    server that cuts its deltas short) goes out with the checked text only."""
    spot = {"item_id": "msg_1", "output_index": 0, "content_index": 0}
    response = {**RESPONSE, "output": RESPONSE["output"][:1]}
    upstream.script = _responses(
        [
            ("response.output_text.delta", {**spot, "delta": "Hello there. "}),
            ("response.output_text.done", {**spot, "text": ANSWER}),
            ("response.output_item.done", {"output_index": 0, "item": response["output"][0]}),
            ("response.completed", {"response": response}),
        ]
    )
    url = await gateway_for()
    raw, _ = await stream(http, url, {"model": "m", "input": "hi", "stream": True}, "/v1/responses")
    assert EMAIL.encode() not in raw and b"4111" not in raw


async def test_a_failed_response_s_partial_output_is_checked(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    spot = {"item_id": "msg_1", "output_index": 0, "content_index": 0}
    failed = {
        **RESPONSE,
        "status": "failed",
        "error": {"code": "server_error", "message": "The model failed."},
        "output": RESPONSE["output"][:1],
    }
    upstream.script = _responses(
        [
            *(
                ("response.output_text.delta", {**spot, "delta": p})
                for p in pieces("Hello there. ")
            ),
            ("response.failed", {"response": failed}),
        ]
    )
    url = await gateway_for()
    raw, events = await stream(
        http, url, {"model": "m", "input": "hi", "stream": True}, "/v1/responses"
    )
    assert EMAIL.encode() not in raw and b"4111" not in raw
    [last] = [orjson.loads(e.data) for e in events if b"response.failed" in e.data.encode()]
    assert last["response"]["error"]["message"] == "The model failed."


@pytest.mark.parametrize(
    "content_type", ["application/json", "text/plain; charset=utf-8", "application/octet-stream"]
)
async def test_a_stream_in_another_shape_than_asked_is_still_checked(
    content_type: str, gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    """A streaming request answered with a whole JSON completion (a server that ignores
    `stream`) or with events under another content type went out unchecked."""
    if content_type == "application/json":
        upstream.reply = (200, content_type, orjson.dumps(_chat_body(ANSWER)))
    else:
        upstream.script_type = content_type
        upstream.script = [*(chat_chunk({"content": p}) for p in pieces(ANSWER)), DONE]
    url = await gateway_for()
    async with http.post(url + "/v1/chat/completions", json=CHAT) as response:
        assert response.status == 200
        kind, raw = response.content_type, await response.read()
    assert EMAIL.encode() not in raw and b"4111" not in raw
    assert b"[REDACTED:email]" in raw
    expected = "application/json" if content_type == "application/json" else "text/event-stream"
    assert kind == expected


@pytest.mark.parametrize("mode", ["enforce", "shadow"])
async def test_an_answer_that_is_no_json_completion_does_not_go_out_unchecked(
    mode: str, gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    """A request that asked for a JSON body answered with an event stream (or any body that
    is no JSON object): nothing in it can be checked. Shadow mode relays it as it came."""
    events = b"".join(
        b"data: " + orjson.dumps(chat_chunk({"content": p})) + b"\n\n" for p in pieces(ANSWER)
    )
    upstream.reply = (200, "text/event-stream", events + DONE)
    url = await gateway_for(f"name: default\nmode: {mode}\nrules:\n  - {{name: pii, kind: pii}}\n")
    async with http.post(url + "/v1/chat/completions", json={**CHAT, "stream": False}) as response:
        status, raw = response.status, await response.read()
    if mode == "shadow":
        assert status == 200 and raw == events + DONE
        return
    assert status == 502 and EMAIL.encode() not in raw
    assert orjson.loads(raw)["error"]["code"] == "upstream_invalid_response"


async def test_an_answer_with_no_text_still_gets_a_verdict_and_an_audit_record(
    start_gateway: GatewayFactory,
    upstream: FakeUpstream,
    http: aiohttp.ClientSession,
    tmp_path: Path,
) -> None:
    """A filtered or empty answer (content null, no tool call) went out with no verdict, no
    header and no audit record; it is judged as the empty answer: grounding not evaluated."""
    (tmp_path / "p.yaml").write_text(
        "name: default\nrules:\n  - {name: grounded, kind: grounding, on_unsupported: flag}\n"
    )
    audit = tmp_path / "audit.jsonl"
    url = await start_gateway(
        upstream=upstream.url, policies=tmp_path, audit={"sink": "file", "path": audit}
    )
    upstream.body = _chat_body("")
    upstream.body["choices"][0]["message"]["content"] = None
    upstream.body["choices"][0]["finish_reason"] = "content_filter"
    call = {**CHAT, "stream": False, "groundrail": {"context": ["The Louvre opened in 1793."]}}
    async with http.post(url + "/v1/chat/completions", json=call) as response:
        verdict, body = response.headers["x-groundrail-verdict"], await response.json()
    # nothing to check: the policy's on_no_context (flag, by default) says what that gets
    assert verdict == "flag" and body["groundrail"]["verdict"] == "flag"
    assert body["groundrail"]["grounding"]["verdict"] == "not_evaluated"
    assert body["choices"][0]["finish_reason"] == "content_filter"
    [record] = await read_records(audit, 1)
    assert record["groundrail"]["verdict"] == "flag" and record["answer"] == ""


# --- shapes a prober found: each went out unchecked (or broke) before -------------------------

SECRET = f"Mail {EMAIL} now."


@pytest.mark.parametrize("streamed", [False, True], ids=["whole", "streamed"])
async def test_custom_tool_calls_and_thinking_blocks_are_checked(
    streamed: bool, gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    """A GPT-5 custom tool call's `input`, LiteLLM's `thinking_blocks` beside
    `reasoning_content` and Anthropic's thinking part (`{"type": "thinking", "thinking": …}`)
    went out unchecked (the streamed thinking part was lost)."""
    custom = {"index": 0, "id": "call_1", "type": "custom", "custom": {"name": "shell"}}
    block = {"type": "thinking", "thinking": SECRET, "signature": "sig"}
    if streamed:
        upstream.script = [
            chat_chunk({"role": "assistant", "content": None, "tool_calls": [custom]}),
            chat_chunk({"thinking_blocks": [block], "reasoning_content": SECRET}),
            chat_chunk({"content": [{"type": "thinking", "thinking": SECRET}]}),
            *(
                chat_chunk({"tool_calls": [{"index": 0, "custom": {"input": p}}]})
                for p in pieces(f"echo {EMAIL}")
            ),
            chat_chunk({}, "tool_calls"),
            DONE,
        ]
        raw, events = await stream(http, await gateway_for(rewriting_arguments("sentence")))
        inputs = "".join(
            (call.get("custom") or {}).get("input") or ""
            for delta in _deltas(events)
            for call in delta.get("tool_calls") or []
        )
        assert inputs == "echo [REDACTED:email]"
        assert any(d.get("thinking_blocks") for d in _deltas(events))
    else:
        upstream.body = _chat_body("")
        message = upstream.body["choices"][0]["message"]
        message["content"] = [
            {"type": "thinking", "thinking": SECRET},
            {"type": "text", "text": "Hi."},
        ]
        message["reasoning_content"] = SECRET
        message["thinking_blocks"] = [block]
        message["tool_calls"] = [{**custom, "custom": {"name": "shell", "input": f"echo {EMAIL}"}}]
        url = await gateway_for(rewriting_arguments("sentence"))
        _, body = await post(http, url + "/v1/chat/completions", {**CHAT, "stream": False})
        raw = orjson.dumps(body)
        message = body["choices"][0]["message"]
        assert message["tool_calls"][0]["custom"]["input"] == "echo [REDACTED:email]"
        assert message["thinking_blocks"][0]["signature"] == "sig"
    assert EMAIL.encode() not in raw


async def test_openrouter_reasoning_signatures_stay_streamed(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    """An entry with a signature and no text (Claude through OpenRouter: needed to pass the
    reasoning back) was dropped; a released entry lost its `format` and `index`."""
    detail = {"type": "reasoning.text", "format": "anthropic-claude-v1", "index": 0}
    upstream.script = [
        chat_chunk({"role": "assistant", "content": "", "reasoning_details": [
            {**detail, "text": f"Think of {EMAIL}. "}
        ]}),
        chat_chunk({"reasoning_details": [{**detail, "text": "", "signature": "c2ln"}]}),
        chat_chunk({"content": "Done."}, "stop"),
        DONE,
    ]  # fmt: skip
    raw, events = await stream(http, await gateway_for())
    entries = [e for d in _deltas(events) for e in d.get("reasoning_details") or []]
    assert EMAIL.encode() not in raw
    assert [e.get("signature") for e in entries] == [None, "c2ln"]
    assert (
        entries[0]["format"] == "anthropic-claude-v1" and "[REDACTED:email]" in entries[0]["text"]
    )


async def test_responses_tool_items_and_text_parts_are_checked(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    """Every tool item's text (an MCP approval request's arguments, a code interpreter's code
    and logs, a computer call's typed text) and a message part of type `text`."""
    upstream.body = {
        **RESPONSE,
        "output": [
            {"type": "message", "id": "m", "role": "assistant",
             "content": [{"type": "text", "text": SECRET}]},
            {"type": "mcp_approval_request", "id": "a", "name": "crm", "server_label": "crm",
             "arguments": orjson.dumps({"to": EMAIL}).decode()},
            {"type": "code_interpreter_call", "id": "c", "container_id": "cn",
             "code": f"send('{EMAIL}')", "outputs": [{"type": "logs", "logs": f"sent to {EMAIL}"}]},
            {"type": "computer_call", "id": "k", "call_id": "k1", "status": "completed",
             "action": {"type": "type", "text": EMAIL}},
        ],
    }  # fmt: skip
    url = await gateway_for(rewriting_arguments("sentence"))
    _, body = await post(http, url + "/v1/responses", {"model": "m", "input": "hi"})
    assert EMAIL not in orjson.dumps(body).decode()
    assert {f["where"] for f in body["groundrail"]["findings"]} == {
        "output[0].content[0].text",
        "output[1].arguments",
        "output[2].code",
        "output[2].outputs[0].logs",
        "output[3].action.text",
    }
    assert body["output"][2]["container_id"] == "cn"


@pytest.mark.parametrize("mode", ["sentence", "buffer"])
async def test_responses_text_in_opening_events_and_code_deltas_is_checked(
    mode: str, gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    """Text in `response.in_progress`, `response.output_item.added` and
    `response.content_part.added` (normally empty), and a code interpreter's code deltas."""
    message = RESPONSE["output"][0]
    code = {"type": "code_interpreter_call", "id": "c", "code": "", "outputs": []}
    spot = {"item_id": "msg_1", "output_index": 0, "content_index": 0}
    part = {"type": "output_text", "text": "Hello there. ", "annotations": []}
    at = {"item_id": "c", "output_index": 1}
    upstream.script = _responses(
        [
            ("response.in_progress", {"response": {**RESPONSE, "output": [message]}}),
            ("response.output_item.added", {"output_index": 0, "item": message}),
            ("response.content_part.added", {**spot, "part": {**part, "text": SECRET}}),
            ("response.output_item.added", {"output_index": 1, "item": code}),
            *(
                ("response.code_interpreter_call_code.delta", {**at, "delta": p})
                for p in pieces(f"send('{EMAIL}')")
            ),
            ("response.completed", {"response": {**RESPONSE, "output": [message]}}),
        ]
    )  # fmt: skip
    url = await gateway_for(rewriting_arguments(mode))
    raw, events = await stream(
        http, url, {"model": "m", "input": "hi", "stream": True}, "/v1/responses"
    )
    assert EMAIL.encode() not in raw and b"4111" not in raw
    deltas, _ = responses_read(events)
    assert deltas["response.code_interpreter_call_code.delta"] == "send('[REDACTED:email]')"


async def test_a_rewrite_of_reasoning_drops_the_choice_s_logprobs(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    """vLLM's logprobs cover every token of the choice, reasoning and tool calls too: a
    rewrite of any of its texts drops them (their tokens would spell the original)."""
    upstream.body = _chat_body("Fine.", logprobs=True)
    upstream.body["choices"][0]["message"]["reasoning_content"] = SECRET
    url = await gateway_for()
    _, body = await post(http, url + "/v1/chat/completions", {**CHAT, "stream": False})
    assert body["choices"][0]["logprobs"] is None
    assert body["choices"][0]["message"]["content"] == "Fine."


@pytest.mark.parametrize(
    ("reply", "status", "code"),
    [
        ({"data": _chat_body(ANSWER)}, 502, "upstream_invalid_response"),
        ({"type": "message", "content": [{"type": "text", "text": ANSWER}]}, 502, None),
        ({"error": {"message": "overloaded", "type": "server_error"}}, 200, None),
    ],
    ids=["wrapped", "another-api", "error-in-a-200"],
)
async def test_a_body_that_is_no_completion_is_not_passed_as_empty(
    reply: dict[str, Any],
    status: int,
    code: str | None,
    gateway_for: Gateway,
    upstream: FakeUpstream,
    http: aiohttp.ClientSession,
) -> None:
    """A JSON body with no `choices` went out as it came, with `verdict: pass`, as if it
    were an empty answer; an error in a 200 goes out as the error it is."""
    upstream.reply = (200, "application/json", orjson.dumps(reply))
    url = await gateway_for()
    async with http.post(url + "/v1/chat/completions", json={**CHAT, "stream": False}) as response:
        got, raw = response.status, await response.read()
    assert got == status
    if status == 502:
        assert EMAIL.encode() not in raw
        assert orjson.loads(raw)["error"]["code"] == "upstream_invalid_response"
    else:
        assert orjson.loads(raw) == reply


async def test_json_python_writes_is_read_as_the_sdks_read_it(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    """`-Infinity` logprobs (Python's json writes them) made the event unreadable to orjson:
    it went out unchecked, and the SDK read the text. Now read (as null) and checked; an
    event that cannot be written back (a lone surrogate) is not relayed."""
    chunk = orjson.dumps(chat_chunk({"content": ANSWER}, logprobs={"content": [{"logprob": 0}]}))
    infinite = chunk.replace(b'"logprob":0', b'"logprob":-Infinity')
    lone = orjson.dumps(chat_chunk({"content": "x"})).replace(b'"x"', b'"\\ud83d card 4111"')
    upstream.script = [b"data: " + infinite + b"\n\n", b"data: " + lone + b"\n\n", DONE]
    raw, events = await stream(http, await gateway_for())
    assert EMAIL.encode() not in raw and b"4111" not in raw
    assert "[REDACTED:email]" in chat_text(events)
    upstream.script = None
    body = _chat_body(ANSWER, logprobs=True)
    upstream.reply = (
        200,
        "application/json",
        orjson.dumps(body).replace(b'"logprob":-0.1', b'"logprob":NaN', 1),
    )
    _, whole = await post(
        http, await gateway_for() + "/v1/chat/completions", {**CHAT, "stream": False}
    )
    assert "[REDACTED:email]" in whole["choices"][0]["message"]["content"]


async def test_a_2xx_other_than_200_is_checked(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    upstream.reply = (201, "application/json", orjson.dumps(_chat_body(ANSWER)))
    url = await gateway_for()
    status, body = await post(http, url + "/v1/chat/completions", {**CHAT, "stream": False})
    assert status == 201 and EMAIL not in orjson.dumps(body).decode()


@pytest.mark.parametrize(
    ("method", "route"),
    [
        ("GET", "/v1/responses/resp_1"),
        ("POST", "/v1/responses/resp_1/cancel"),
        ("GET", "/v1/chat/completions/chatcmpl-1"),
        ("POST", "/v1/chat/completions/chatcmpl-1"),  # an update of its metadata returns it
    ],
)
async def test_a_stored_answer_read_back_is_checked(
    method: str,
    route: str,
    gateway_for: Gateway,
    upstream: FakeUpstream,
    http: aiohttp.ClientSession,
) -> None:
    """`GET /v1/responses/{id}` (a background response's result), a cancel, and a stored
    completion read or updated returned text no rule had checked."""
    responses = route.startswith("/v1/responses")
    upstream.body = RESPONSE if responses else _chat_body(ANSWER)
    url = await gateway_for(rewriting_arguments("sentence"))
    body = {"metadata": {"k": "v"}} if method == "POST" else None
    async with http.request(method, url + route, json=body) as response:
        verdict, got = response.headers["x-groundrail-verdict"], await response.json()
    assert verdict == "rewrite" and EMAIL not in orjson.dumps(got).decode()
    text = got["output"][0]["content"][0]["text"] if responses else got["choices"][0]
    assert "[REDACTED:email]" in str(text)
    assert upstream.requests[-1].path == route


async def test_a_stored_answer_under_a_retry_policy_falls_back(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    """There is no request to ask again with: the retry's fallback applies (it was a 500)."""
    upstream.body = _chat_body(ANSWER)
    url = await gateway_for(
        "name: default\nactions: {retry: {max_attempts: 2, fallback: reject}}\nrules:\n"
        "  - {name: pii, kind: pii, action: retry}\n"
    )
    async with http.get(url + "/v1/chat/completions/chatcmpl-1") as response:
        status, got = response.status, await response.json()
    assert status == 422 and got["error"]["code"] == "groundrail_policy_rejected"
    assert EMAIL not in orjson.dumps(got).decode()
    assert len(upstream.requests) == 1


async def test_stored_answers_listed_are_checked_each_in_place(
    start_gateway: GatewayFactory,
    upstream: FakeUpstream,
    http: aiohttp.ClientSession,
    tmp_path: Path,
) -> None:
    """`GET /v1/chat/completions` listed stored answers no rule had checked; each is now
    judged as a fresh answer, rewritten in place, and the audit record names each verdict."""
    clean = {**_chat_body("Hello there."), "id": "chatcmpl-2"}
    upstream.body = {
        "object": "list",
        "data": [{**_chat_body(ANSWER), "id": "chatcmpl-1"}, clean],
        "first_id": "chatcmpl-1",
        "last_id": "chatcmpl-2",
        "has_more": False,
    }
    (tmp_path / "p.yaml").write_text(rewriting_arguments("sentence"))
    audit = tmp_path / "audit.jsonl"
    url = await start_gateway(
        upstream=upstream.url, policies=tmp_path, audit={"sink": "file", "path": audit}
    )
    sdk = AsyncOpenAI(base_url=url + "/v1", api_key="sk-test", max_retries=0)
    listed = await sdk.chat.completions.with_raw_response.list(limit=2)
    await sdk.close()
    assert listed.headers["x-groundrail-verdict"] == "rewrite"
    first, second = listed.parse().data
    assert EMAIL not in listed.text and "4111" not in listed.text
    assert "[REDACTED:email]" in str(first.choices[0].message.content)
    assert second.choices[0].message.content == "Hello there."
    assert listed.parse().last_id == "chatcmpl-2"
    assert upstream.requests[-1].path == "/v1/chat/completions?limit=2"  # the query goes on
    [record] = await read_records(audit, 1)
    assert record["items"] == [
        {"id": "chatcmpl-1", "verdict": "rewrite"},
        {"id": "chatcmpl-2", "verdict": "pass"},
    ]


def _item(role: str, text: str, kind: str) -> dict[str, Any]:
    return {
        "type": "message",
        "id": f"msg_{role}",
        "role": role,
        "content": [{"type": kind, "text": text}],
    }


@pytest.mark.parametrize("one", [False, True], ids=["items", "item"])
async def test_a_conversation_s_items_are_checked_but_the_user_s_own(
    one: bool, gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    """A conversation's assistant messages and tool items are answers, judged as the
    Responses API's; the user's messages are its input and go out as they were written."""
    user = _item("user", f"My mail is {EMAIL}.", "input_text")
    answer = _item("assistant", ANSWER, "output_text")
    call = {
        "type": "function_call",
        "id": "fc_1",
        "name": "mail",
        "arguments": f'{{"to": "{EMAIL}"}}',
    }
    upstream.body = (
        answer if one else {"object": "list", "data": [user, answer, call], "has_more": False}
    )
    url = await gateway_for(rewriting_arguments("sentence"))
    route = "/v1/conversations/conv_1/items" + ("/msg_assistant" if one else "")
    async with http.get(url + route) as response:
        assert response.status == 200
        verdict, got = response.headers["x-groundrail-verdict"], await response.json()
    assert verdict == "rewrite"
    items = [got] if one else got["data"]
    assert items[0 if one else 1]["content"][0]["text"].startswith("Hello there.")
    assert EMAIL not in orjson.dumps(items[0 if one else 1]).decode()
    if not one:
        assert items[0] == user  # the user's own words, as written
        assert EMAIL not in items[2]["arguments"]
    assert upstream.requests[-1].path == route


async def test_a_conversation_s_tool_outputs_are_input_and_an_mcp_item_is_checked(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    """A function call's output sent back is the conversation's input (as written); an MCP
    call read alone carries "error": null and is still an answer to check."""
    output = {"type": "function_call_output", "id": "fco_1", "call_id": "c1", "output": EMAIL}
    mcp = {**RESPONSE["output"][2], "error": None}
    upstream.body = {"object": "list", "data": [output], "has_more": False}
    url = await gateway_for(rewriting_arguments("sentence"))
    async with http.get(url + "/v1/conversations/conv_1/items") as response:
        assert (await response.json())["data"] == [output]
    upstream.body = mcp
    async with http.get(url + "/v1/conversations/conv_1/items/mcp_1") as response:
        got = await response.json()
    assert EMAIL not in got["output"] and got["id"] == "mcp_1"


async def test_a_rejected_answer_in_a_list_carries_the_reject_message(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    """A list has no one error to give: a rejected answer carries the reject message in
    place (reject_as: error too) and the others go out."""
    upstream.body = {
        "object": "list",
        "data": [_chat_body(ANSWER), _chat_body("Hello there.")],
        "has_more": False,
    }
    url = await gateway_for("name: default\nrules:\n  - {name: pii, kind: pii, action: reject}\n")
    async with http.get(url + "/v1/chat/completions") as response:
        status, verdict, got = (
            response.status,
            response.headers["x-groundrail-verdict"],
            await response.json(),
        )
    assert status == 200 and verdict == "reject"
    assert EMAIL not in orjson.dumps(got).decode()
    rejected, kept = (item["choices"][0]["message"]["content"] for item in got["data"])
    assert rejected != ANSWER and kept == "Hello there."


async def test_a_background_response_followed_as_a_stream_is_checked(
    start_gateway: GatewayFactory,
    upstream: FakeUpstream,
    http: aiohttp.ClientSession,
    tmp_path: Path,
) -> None:
    """Under the policy its model selects (named in its first event), as a fresh stream."""
    (tmp_path / "open.yaml").write_text("name: default\nrules: []\n")
    (tmp_path / "m.yaml").write_text(
        rewriting_arguments("sentence").replace("name: default", "name: m\nmatch: {models: [m]}")
    )
    upstream.script = _response_events({**RESPONSE, "model": "m"}, "deltas")
    url = await start_gateway(upstream=upstream.url, policies=tmp_path)
    async with http.get(url + "/v1/responses/resp_1?stream=true") as response:
        assert response.content_type == "text/event-stream"
        raw = await response.read()
    assert EMAIL.encode() not in raw and b"4111" not in raw
    deltas, completed = responses_read(SSEParser().feed(raw))
    assert deltas["response.output_text.delta"].startswith("Hello there.")
    assert completed["groundrail"]["verdict"] == "rewrite"


async def test_a_responses_audio_transcript_and_odd_deltas_are_checked(
    gateway_for: Gateway, upstream: FakeUpstream, http: aiohttp.ClientSession
) -> None:
    """`response.audio.transcript.delta` is the answer; a text delta that is no string went
    out as it came."""
    spot = {"item_id": "msg_1", "output_index": 0, "content_index": 0}
    upstream.script = _responses(
        [
            *(("response.audio.transcript.delta", {"delta": p}) for p in pieces(ANSWER)),
            ("response.output_text.delta", {**spot, "delta": {"text": SECRET}}),
            ("response.completed", {"response": {**RESPONSE, "output": []}}),
        ]
    )
    url = await gateway_for()
    raw, events = await stream(
        http, url, {"model": "m", "input": "hi", "stream": True}, "/v1/responses"
    )
    assert EMAIL.encode() not in raw and b"4111" not in raw
    deltas, _ = responses_read(events)
    assert deltas["response.audio.transcript.delta"].startswith("Hello there.")


@pytest.mark.parametrize("streamed", [False, True], ids=["whole", "streamed"])
async def test_a_large_prompt_s_documents_are_read_off_the_event_loop(
    streamed: bool,
    gateway_for: Gateway,
    upstream: FakeUpstream,
    http: aiohttp.ClientSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Reading the documents of a prompt takes about 2 s a MB: a large one is read in a
    worker thread (a small one inline), and grounded the same."""
    import groundrail.server.guard as guard_module

    offloaded: list[str] = []
    to_thread = asyncio.to_thread

    async def recording(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        offloaded.append(function.__qualname__)
        return await to_thread(function, *args, **kwargs)

    monkeypatch.setattr(guard_module.asyncio, "to_thread", recording)
    url = await gateway_for(
        "name: default\nrules:\n  - {name: grounded, kind: grounding, on_unsupported: flag}\n"
    )
    upstream.answer = "The Louvre opened in 1793."
    if streamed:
        upstream.script = [chat_chunk({"content": upstream.answer}, "stop"), DONE]
    filler = "The museum has a large garden with old trees. " * 2000  # about 90 KB
    for size, context in (("small", "The Louvre opened in 1793."), ("large", filler)):
        prompt = f"Context: The Louvre opened in 1793. {context}\n\nWhen did the Louvre open?"
        call = {**CHAT, "stream": streamed, "messages": [{"role": "user", "content": prompt}]}
        async with http.post(url + "/v1/chat/completions", json=call) as response:
            assert response.status == 200
            await response.read()
        read = [name for name in offloaded if name.startswith("evidence.")]
        assert read == (["evidence.<locals>.read"] if size == "large" else [])
        offloaded.clear()
