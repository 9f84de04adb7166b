"""Where the answer text lives in each API's response body, to read it and to replace it."""

from __future__ import annotations

import copy
from typing import Any


def answer_text(path: str, body: dict[str, Any]) -> str | None:
    """The first choice's text (chat, completions) or the output text (responses)."""
    if path.endswith("/responses"):
        parts = _output_text_parts(body)
        return "".join(p["text"] for p in parts) if parts else None
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        return None
    first = choices[0]
    if path.endswith("/chat/completions"):
        message = first.get("message")
        content = message.get("content") if isinstance(message, dict) else None
        return content if isinstance(content, str) else None
    text = first.get("text")
    return text if isinstance(text, str) else None


def with_text(path: str, body: dict[str, Any], text: str) -> dict[str, Any]:
    """A copy of `body` whose answer is `text`."""
    out = copy.deepcopy(body)
    if path.endswith("/responses"):
        parts = _output_text_parts(out)
        for n, part in enumerate(parts):
            part["text"] = text if n == 0 else ""
            part["annotations"] = []
        if "output_text" in out:
            out["output_text"] = text
    elif path.endswith("/chat/completions"):
        out["choices"][0]["message"]["content"] = text
    else:
        out["choices"][0]["text"] = text
    return out


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


def _output_text_parts(body: dict[str, Any]) -> list[dict[str, Any]]:
    parts = []
    for item in body.get("output") or []:
        if isinstance(item, dict) and item.get("type") == "message":
            for part in item.get("content") or []:
                if isinstance(part, dict) and part.get("type") == "output_text":
                    parts.append(part)
    return parts


def answer_logprobs(path: str, body: dict[str, Any]) -> list[tuple[int, int, float]] | None:
    """(start, end, logprob) of each token of the first choice's text, when the upstream sent
    logprobs: chat `logprobs.content`, completions `logprobs.tokens`/`token_logprobs`."""
    choices = body.get("choices")
    if path.endswith("/responses") or not isinstance(choices, list) or not choices:
        return None
    logprobs = choices[0].get("logprobs") if isinstance(choices[0], dict) else None
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
