"""Find the context an answer must be grounded in, from any of the three completion APIs."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import orjson

from groundrail.config import ContextSource
from groundrail.grounding.windows import Document
from groundrail.openai.requests import ContextDocument, GroundrailOptions

_TAGGED = re.compile(
    r"<(document|doc)\b(?P<attrs>[^>]*)>(?P<body>.*?)</(?:document|doc)>", re.DOTALL | re.I
)
_ID_ATTR = re.compile(r"""\b(?:id|name|source)\s*=\s*["']?(?P<id>[^"'\s>]+)""", re.I)
_FENCED = re.compile(r"```[^\n]*\n(?P<body>.*?)```", re.DOTALL)
QUESTION_MAX_CHARS = 300


def extract(
    path: str,
    body: dict[str, Any],
    options: GroundrailOptions,
    sources: Sequence[ContextSource],
) -> list[Document]:
    """Every context document of the request, from the enabled sources, in their order."""
    found: list[Document] = []
    for source in sources:
        if source == "request_field":
            found += from_options(options.context or [])
        elif source == "tool_messages":
            found += _numbered("tool", _tool_results(path, body))
        elif source == "system_documents":
            for n, text in enumerate(_turns(path, body, ("system", "developer"))):
                found += split_documents(text, f"system-{n}")
        elif source == "user_turns":
            for n, text in enumerate(_turns(path, body, ("user",))):
                found += split_documents(text, f"user-{n}")
    return [d for d in found if d.text.strip()]


def question_of(path: str, body: dict[str, Any], options: GroundrailOptions) -> str | None:
    """What the answer responds to: the explicit option, else a short last user turn."""
    if options.question:
        return options.question
    turns = _turns(path, body, ("user",))
    if turns and len(turns[-1]) <= QUESTION_MAX_CHARS and not _TAGGED.search(turns[-1]):
        return turns[-1].strip() or None
    return None


def from_options(context: Sequence[str | ContextDocument]) -> list[Document]:
    return [
        Document(f"ctx-{n}", item)
        if isinstance(item, str)
        else Document(item.id or f"ctx-{n}", linearise_text(item.text))
        for n, item in enumerate(context)
    ]


def split_documents(text: str, prefix: str) -> list[Document]:
    """Tagged (<document>, <doc id=…>) and fenced blocks become documents of their own;
    a message without any is one plain document."""
    docs: list[Document] = []
    rest = text
    for n, match in enumerate(_TAGGED.finditer(text)):
        attr = _ID_ATTR.search(match.group("attrs"))
        docs.append(
            Document(
                attr.group("id") if attr else f"{prefix}-doc-{n}",
                linearise_text(match.group("body").strip()),
            )
        )
        rest = rest.replace(match.group(0), " ")
    for n, match in enumerate(_FENCED.finditer(rest)):
        docs.append(Document(f"{prefix}-block-{n}", linearise_text(match.group("body").strip())))
        rest = rest.replace(match.group(0), " ")
    if rest.strip():
        docs.append(Document(prefix, linearise_text(rest.strip())))
    return docs


def linearise_text(text: str) -> str:
    """A JSON object or list becomes sentences a model can read; other text stays as it is."""
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        return text
    try:
        data = orjson.loads(stripped)
    except orjson.JSONDecodeError:
        return text
    return linearise(data) if isinstance(data, dict | list) else text


def linearise(value: Any, prefix: str = "") -> str:
    """{"name": "Joe's Diner", "city": "Austin"} -> "name: Joe's Diner. city: Austin." """
    if isinstance(value, dict):
        return " ".join(
            linearise(v, f"{prefix} {_label(k)}".strip())
            for k, v in value.items()
            if v not in (None, "", [], {})
        )
    if isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            return _sentence(prefix, ", ".join(_scalar(v) for v in value))
        return " ".join(linearise(v, f"{prefix} {n + 1}".strip()) for n, v in enumerate(value))
    return _sentence(prefix, _scalar(value))


def _label(key: Any) -> str:
    return str(key).replace("_", " ")


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip()


def _sentence(label: str, value: str) -> str:
    text = f"{label}: {value}" if label else value
    return text if text.endswith((".", "!", "?")) else text + "."


def _numbered(prefix: str, texts: Iterable[str]) -> list[Document]:
    return [Document(f"{prefix}-{n}", linearise_text(t)) for n, t in enumerate(texts)]


def _text_of(content: Any) -> str:
    """Message content: a string, or the text parts of a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                parts.append(part["text"])
        return "\n".join(parts)
    if content is None:
        return ""
    return orjson.dumps(content).decode()


def _items(path: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    """The conversation as a list of message-like dicts, whatever the API."""
    if path.endswith("/chat/completions"):
        return [m for m in body.get("messages", []) if isinstance(m, dict)]
    if path.endswith("/responses"):
        items: list[dict[str, Any]] = []
        if isinstance(body.get("instructions"), str):
            items.append({"role": "developer", "content": body["instructions"]})
        value = body.get("input")
        if isinstance(value, str):
            items.append({"role": "user", "content": value})
        elif isinstance(value, list):
            items += [i for i in value if isinstance(i, dict)]
        return items
    prompt = body.get("prompt")
    prompts = prompt if isinstance(prompt, list) else [prompt]
    return [{"role": "user", "content": p} for p in prompts if isinstance(p, str)]


def _turns(path: str, body: dict[str, Any], roles: tuple[str, ...]) -> list[str]:
    return [_text_of(i.get("content")) for i in _items(path, body) if i.get("role") in roles]


def _tool_results(path: str, body: dict[str, Any]) -> list[str]:
    out = []
    for item in _items(path, body):
        if item.get("role") in ("tool", "function"):
            out.append(_text_of(item.get("content")))
        elif item.get("type") == "function_call_output":
            out.append(_text_of(item.get("output")))
    return out
