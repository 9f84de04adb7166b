"""Every text of a response body a client sees (answer, refusal, reasoning, tool-call arguments):
where it lives, to read it and to replace it."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

import orjson

from groundrail.rules.base import Part

Path = tuple[str | int, ...]  # keys from the body's root to a string in it

# Where servers put a chat message's reasoning: DeepSeek, vLLM and llama.cpp `reasoning_content`,
# OpenRouter, Ollama and newer vLLM `reasoning`, some Ollama versions `thinking` (OpenRouter also
# repeats it in `reasoning_details`).
REASONING_FIELDS = ("reasoning_content", "reasoning", "thinking")
# Lists of reasoning entries beside them, and each entry's text fields: OpenRouter's
# `reasoning_details` (`reasoning.text`, `reasoning.summary`), LiteLLM's `thinking_blocks`.
REASONING_LISTS = {"reasoning_details": ("text", "summary"), "thinking_blocks": ("thinking",)}
# A chat tool call's text: a function's `arguments`, a custom tool's (GPT-5) free-text `input`.
TOOL_CALL_TEXTS = {"function": "arguments", "custom": "input"}
# Responses output items with no text of the model's: the MCP server's list of its tools.
_NO_TEXT_ITEMS = frozenset({"mcp_list_tools"})
# Keys of a Responses tool item that hold no text: ids, names, states, encoded data.
_NOT_TEXT = frozenset(
    {"id", "type", "status", "call_id", "name", "server_label", "approval_request_id",
     "container_id", "file_id", "result", "encrypted_content", "mime_type"}
)  # fmt: skip


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


def json_object(raw: bytes | str) -> dict[str, Any] | None:
    """A response body or event as the JSON object it holds, read as the SDKs read it (with
    Python's json): NaN and ±Infinity, which servers written in Python may send for
    logprobs, are read too, as null. None: no JSON object, or one holding a lone surrogate
    (nothing can write it back)."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        try:
            data = orjson.loads(orjson.dumps(json.loads(raw)))
        except (ValueError, TypeError, RecursionError):
            return None
    return data if isinstance(data, dict) else None


def is_completion(path: str, body: dict[str, Any]) -> bool:
    """Whether a 200 body is a completion of its API (`choices`, or the Responses API's
    `output`), not an error or a shape of another API."""
    return isinstance(body.get("output" if path.endswith("/responses") else "choices"), list)


def texts(path: str, body: dict[str, Any]) -> list[Text]:
    """Every piece of text of a completion, in order: per choice its answer (and refusal, and
    an audio answer's transcript), its reasoning and its tool calls' arguments or input
    (chat, completions); the Responses API's output text and refusals, reasoning summaries
    and text, and every text of its tool items (`tool_item_texts`)."""
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
                    field = "refusal" if part.get("type") == "refusal" else "text"
                    add(0, "content", (*at, "content", k, field), part.get(field))
            elif kind == "reasoning":
                for field in ("summary", "content"):
                    for k, part in enumerate(_dicts(item.get(field))):
                        add(0, "reasoning", (*at, field, k, "text"), part.get("text"))
            elif kind not in _NO_TEXT_ITEMS:
                found += [Text(0, "arguments", p, t) for p, t in tool_item_texts(item, at)]
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
        if isinstance(content, list):  # content parts; thinking parts hold reasoning
            for k, part in enumerate(_dicts(content)):
                add(index, "content", (*at, "content", k, "text"), part.get("text"))
                add(index, "content", (*at, "content", k, "refusal"), part.get("refusal"))
                # Anthropic's thinking part holds its text, Mistral's a list of texts
                add(index, "reasoning", (*at, "content", k, "thinking"), part.get("thinking"))
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
        for key, fields in REASONING_LISTS.items():  # OpenRouter, LiteLLM
            for k, detail in enumerate(_dicts(message.get(key))):
                for field in fields:
                    add(index, "reasoning", (*at, key, k, field), detail.get(field))
        for k, call in enumerate(_dicts(message.get("tool_calls"))):
            for kind, field in TOOL_CALL_TEXTS.items():  # a function's arguments, a custom input
                holder = call.get(kind)
                if isinstance(holder, dict):
                    add(index, "arguments", (*at, "tool_calls", k, kind, field), holder.get(field))
        legacy = message.get("function_call")
        if isinstance(legacy, dict):
            add(index, "arguments", (*at, "function_call", "arguments"), legacy.get("arguments"))
    return found


def arguments_text(value: Any) -> Any:
    """A tool call's arguments as the JSON text the rules read: as sent when a string (the
    API's shape), serialised when an object (some servers send their native shape)."""
    return orjson.dumps(value).decode() if isinstance(value, dict | list) else value


def tool_item_texts(value: Any, at: Path) -> list[tuple[Path, str]]:
    """Every text of a Responses tool item (a function, custom, MCP, code interpreter,
    computer, shell or search call, an MCP approval request …), whatever its type: its
    strings but ids, names and encoded data, `arguments` as its JSON text."""
    if isinstance(value, str):
        return [(at, value)] if value else []
    if isinstance(value, list):
        return [found for n, v in enumerate(value) for found in tool_item_texts(v, (*at, n))]
    if not isinstance(value, dict):
        return []
    found: list[tuple[Path, str]] = []
    for key, inner in value.items():
        if key == "arguments":
            found += tool_item_texts(arguments_text(inner), (*at, key))
        elif key not in _NOT_TEXT:
            found += tool_item_texts(inner, (*at, key))
    return found


def with_texts(body: dict[str, Any], changes: list[tuple[Text, str]]) -> dict[str, Any]:
    """A copy of `body` with each text replaced (arguments sent as an object stay one). A
    choice any of whose texts changed loses its logprobs (their tokens would spell the
    original); the Responses API's `output_text` convenience field follows the output text."""
    out = copy.deepcopy(body)
    for text, value in changes:
        node: Any = out
        for key in text.path[:-1]:
            node = node[key]
        sent_as_object = isinstance(node[text.path[-1]], dict | list)
        node[text.path[-1]] = orjson.loads(value) if sent_as_object else value
        if text.path[0] == "choices":  # vLLM's cover reasoning and tool-call tokens too
            out["choices"][text.path[1]]["logprobs"] = None
        elif text.part == "content" and isinstance(node, dict) and node.get("logprobs"):
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
