"""Token counts with tiktoken, from the BPE files shipped in the package (no download)."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import tiktoken

ASSETS = Path(__file__).resolve().parent / "assets" / "tiktoken"
DEFAULT_ENCODING = "cl100k_base"  # for models tiktoken does not know (llama, mistral …)
# tiktoken looks in its cache directory before it downloads; ours holds both encodings.
os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(ASSETS))


@functools.lru_cache(maxsize=64)
def encoding_for(model: str) -> tiktoken.Encoding:
    try:
        name = tiktoken.encoding_name_for_model(model)
    except KeyError:
        name = DEFAULT_ENCODING
    if name not in ("cl100k_base", "o200k_base"):
        name = DEFAULT_ENCODING
    return tiktoken.get_encoding(name)


def count(text: str, model: str) -> int:
    return len(encoding_for(model).encode(text, disallowed_special=()))


def prompt_tokens(request: dict[str, Any], model: str) -> int:
    """Tokens of everything the request sends the model, the way OpenAI counts chat: the text
    of every message plus a few tokens of framing per message."""
    texts: list[str] = []
    framing = 0
    for message in request.get("messages") or []:
        if isinstance(message, dict):
            framing += 4
            texts += [v for v in (message.get("role"), message.get("name")) if isinstance(v, str)]
            texts.append(_text(message.get("content")))
    for key in ("prompt", "input", "instructions"):
        texts.append(_text(request.get(key)))
    return sum(count(t, model) for t in texts if t) + framing


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "\n".join(_text(v) for k, v in value.items() if k in ("text", "content", "output"))
    return ""
