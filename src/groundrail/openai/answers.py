"""Every text of a response body a client sees (answer, refusal, reasoning, tool-call arguments):
where it lives, to read it and to replace it."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import orjson

from groundrail.rules.base import Part

Path = tuple[str | int, ...]  # keys from the body's root to a string in it

# Where servers put a chat message's reasoning: DeepSeek, vLLM and llama.cpp `reasoning_content`,
# OpenRouter, Ollama and newer vLLM `reasoning`, some Ollama versions `thinking` (OpenRouter also
# repeats it in `reasoning_details`).
REASONING_FIELDS = ("reasoning_content", "reasoning", "thinking")


@dataclass(slots=True, frozen=True)
class Text:
    """One string of a response body a client will see, and what it is."""

    choice: int  # the choice it belongs to (0 for the Responses API)
    part: Part
    path: Path
    text: str

    @property
    def where(self) -> str:
        return where(self.path)


def where(path: Path) -> str:
    """`choices[1].message.reasoning_content`: a path as people write it."""
    return "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in path)[1:]


def texts(path: str, body: dict[str, Any]) -> list[Text]:
    """Every piece of text of a completion, in order: per choice its answer (and refusal, and
    an audio answer's transcript), its reasoning and its tool calls' arguments (chat,
    completions); the Responses API's output text and refusals, reasoning summaries and
    text, function-call arguments, custom tool calls' input and MCP calls' arguments and
    output."""
    found: list[Text] = []

    def add(choice: int, part: Part, at: Path, value: Any) -> None:
        if part == "arguments":
            value = arguments_text(value)
        if isinstance(value, str) and value:
            found.append(Text(choice, part, at, value))

    if path.endswith("/responses"):
        for n, item in enumerate(_dicts(body.get("output"))):
            at: Path = ("output", n)
            kind = item.get("type")
            if kind == "message":
                for k, part in enumerate(_dicts(item.get("content"))):
                    if part.get("type") == "output_text":
                        add(0, "content", (*at, "content", k, "text"), part.get("text"))
                    elif part.get("type") == "refusal":
                        add(0, "content", (*at, "content", k, "refusal"), part.get("refusal"))
            elif kind == "reasoning":
                for field in ("summary", "content"):
                    for k, part in enumerate(_dicts(item.get(field))):
                        add(0, "reasoning", (*at, field, k, "text"), part.get("text"))
            elif kind == "function_call":
                add(0, "arguments", (*at, "arguments"), item.get("arguments"))
            elif kind == "custom_tool_call":
                add(0, "arguments", (*at, "input"), item.get("input"))
            elif kind == "mcp_call":
                add(0, "arguments", (*at, "arguments"), item.get("arguments"))
                add(0, "arguments", (*at, "output"), item.get("output"))
        return found
    for n, choice in enumerate(_dicts(body.get("choices"))):
        index = choice.get("index", n) if isinstance(choice.get("index"), int) else n
        if not path.endswith("/chat/completions"):
            add(index, "content", ("choices", n, "text"), choice.get("text"))
            continue
        message = choice.get("message")
        if not isinstance(message, dict):
            continue
        at = ("choices", n, "message")
        content = message.get("content")
        if isinstance(content, list):  # content parts; Mistral's thinking parts hold reasoning
            for k, part in enumerate(_dicts(content)):
                add(index, "content", (*at, "content", k, "text"), part.get("text"))
                add(index, "content", (*at, "content", k, "refusal"), part.get("refusal"))
                for j, thought in enumerate(_dicts(part.get("thinking"))):
                    where = (*at, "content", k, "thinking", j, "text")
                    add(index, "reasoning", where, thought.get("text"))
        else:
            add(index, "content", (*at, "content"), content)
        add(index, "content", (*at, "refusal"), message.get("refusal"))
        audio = message.get("audio")  # an audio answer's transcript (gpt-4o-audio)
        if isinstance(audio, dict):
            add(index, "content", (*at, "audio", "transcript"), audio.get("transcript"))
        for field in REASONING_FIELDS:
            add(index, "reasoning", (*at, field), message.get(field))
        for k, detail in enumerate(_dicts(message.get("reasoning_details"))):  # OpenRouter
            for field in ("text", "summary"):
                add(index, "reasoning", (*at, "reasoning_details", k, field), detail.get(field))
        for k, call in enumerate(_dicts(message.get("tool_calls"))):
            function = call.get("function")
            if isinstance(function, dict):
                add(
                    index,
                    "arguments",
                    (*at, "tool_calls", k, "function", "arguments"),
                    function.get("arguments"),
                )
        legacy = message.get("function_call")
        if isinstance(legacy, dict):
            add(index, "arguments", (*at, "function_call", "arguments"), legacy.get("arguments"))
    return found


def arguments_text(value: Any) -> Any:
    """A tool call's arguments as the JSON text the rules read: as sent when a string (the
    API's shape), serialised when an object (some servers send their native shape)."""
    return orjson.dumps(value).decode() if isinstance(value, dict | list) else value


def with_texts(body: dict[str, Any], changes: list[tuple[Text, str]]) -> dict[str, Any]:
    """A copy of `body` with each text replaced (arguments sent as an object stay one). A
    choice whose answer changed loses its logprobs (their tokens would spell the original);
    the Responses API's `output_text` convenience field follows the output text."""
    out = copy.deepcopy(body)
    for text, value in changes:
        node: Any = out
        for key in text.path[:-1]:
            node = node[key]
        sent_as_object = isinstance(node[text.path[-1]], dict | list)
        node[text.path[-1]] = orjson.loads(value) if sent_as_object else value
        if text.part != "content":
            continue
        if text.path[0] == "choices":
            out["choices"][text.path[1]]["logprobs"] = None
        elif isinstance(node, dict) and node.get("logprobs"):
            node["logprobs"] = []
    if "output_text" in out and isinstance(out.get("output"), list):
        out["output_text"] = "".join(
            t.text for t in texts("/responses", out) if t.part == "content" and t.path[-1] == "text"
        )
    return out


def refusing(path: str, body: dict[str, Any], choices: set[int], message: str) -> dict[str, Any]:
    """A copy of `body` in which each of `choices` answers `message` and nothing else (no
    reasoning, no tool calls, no logprobs); for the Responses API, the whole output."""
    out = copy.deepcopy(body)
    if path.endswith("/responses"):
        item = {
            "type": "message",
            "id": "msg_groundrail",
            "status": "completed",
            "role": "assistant",
            "content": [{"type": "output_text", "text": message, "annotations": []}],
        }
        out["output"] = [item]
        if "output_text" in out:
            out["output_text"] = message
        return out
    for n, choice in enumerate(_dicts(out.get("choices"))):
        if choice.get("index", n) not in choices:
            continue
        choice["logprobs"] = None
        choice["finish_reason"] = "stop"
        if path.endswith("/chat/completions"):
            choice["message"] = {"role": "assistant", "content": message}
        else:
            choice["text"] = message
    return out


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def with_instruction(path: str, body: dict[str, Any], instruction: str) -> dict[str, Any]:
    """A copy of the request body that carries one more system instruction (for retries)."""
    out = copy.deepcopy(body)
    if path.endswith("/chat/completions"):
        out["messages"] = [{"role": "system", "content": instruction}, *out["messages"]]
    elif path.endswith("/responses"):
        previous = out.get("instructions")
        out["instructions"] = f"{previous}\n\n{instruction}" if previous else instruction
    elif isinstance(out.get("prompt"), str):
        out["prompt"] = f"{instruction}\n\n{out['prompt']}"
    return out


def answer_logprobs(
    path: str, body: dict[str, Any], text: Text
) -> list[tuple[int, int, float]] | None:
    """(start, end, logprob) of each token of the answer `text` of a choice, when the upstream
    sent logprobs: chat `logprobs.content`, completions `logprobs.tokens`/`token_logprobs`."""
    if text.path[:1] != ("choices",):
        return None
    choices, position = body.get("choices"), text.path[1]
    if not isinstance(choices, list) or not isinstance(position, int):
        return None
    choice = choices[position]
    logprobs = choice.get("logprobs") if isinstance(choice, dict) else None
    if not isinstance(logprobs, dict):
        return None
    if path.endswith("/chat/completions"):
        pairs = [
            (t.get("token", ""), t.get("logprob"))
            for t in logprobs.get("content") or []
            if isinstance(t, dict)
        ]
    else:
        pairs = list(
            zip(logprobs.get("tokens") or [], logprobs.get("token_logprobs") or [], strict=False)
        )
    out, offset = [], 0
    for token, logprob in pairs:
        if isinstance(token, str) and isinstance(logprob, int | float):
            out.append((offset, offset + len(token), float(logprob)))
            offset += len(token)
    return out or None


def without_logprobs(body: dict[str, Any]) -> dict[str, Any]:
    """A copy whose choices carry no logprobs (the gateway asked for them, not the client)."""
    out = copy.deepcopy(body)
    for choice in out.get("choices") or []:
        if isinstance(choice, dict):
            choice["logprobs"] = None
    return out
