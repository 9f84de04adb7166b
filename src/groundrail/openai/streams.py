"""Stream dialects: where the text of each API's SSE events is, and how to write our own."""

from __future__ import annotations

import copy
from collections.abc import Hashable
from typing import Any

import orjson

from groundrail.upstream.sse import Event

TextKey = Hashable  # a choice index, or a Responses (item, output, content) position


class Dialect:
    """Chat completions: `choices[i].delta.content`, ended by `data: [DONE]`."""

    ends_with_done = True

    def __init__(self) -> None:
        self.template: dict[str, Any] = {}

    def text(self, data: dict[str, Any]) -> tuple[TextKey, str] | None:
        """(key, text) when the event carries answer text and nothing else."""
        choice = _only_choice(data)
        if choice is None or choice.get("finish_reason") is not None:
            return None
        delta = choice.get("delta")
        if not isinstance(delta, dict) or set(delta) - {"content", "role"}:
            return None
        content = delta.get("content")
        if not isinstance(content, str) or not content:
            return None
        self.template = data
        return choice.get("index", 0), content

    def text_event(self, key: TextKey, text: str) -> Event:
        data = {k: v for k, v in self.template.items() if k != "choices"}
        data["choices"] = [
            {"index": key, "delta": {"content": text}, "finish_reason": None, "logprobs": None}
        ]
        return _event(data)

    def finish(self, data: dict[str, Any], released: dict[TextKey, str]) -> dict[str, Any]:
        """Events that repeat the whole text (Responses' `.done` events) get the released one."""
        return data

    def verdict_event(self, verdict: dict[str, Any]) -> Event:
        data = {k: v for k, v in self.template.items() if k != "choices"}
        return _event({**data, "choices": [], "groundrail": verdict})

    def write(self, event: Event) -> bytes:
        return event.encode()


class CompletionsDialect(Dialect):
    """Legacy completions: `choices[i].text`."""

    def text(self, data: dict[str, Any]) -> tuple[TextKey, str] | None:
        choice = _only_choice(data)
        if choice is None or choice.get("finish_reason") is not None:
            return None
        text = choice.get("text")
        if not isinstance(text, str) or not text:
            return None
        self.template = data
        return choice.get("index", 0), text

    def text_event(self, key: TextKey, text: str) -> Event:
        data = {k: v for k, v in self.template.items() if k != "choices"}
        data["choices"] = [{"index": key, "text": text, "finish_reason": None, "logprobs": None}]
        return _event(data)


class ResponsesDialect(Dialect):
    """The Responses API: typed events, `response.output_text.delta`; no `[DONE]`."""

    ends_with_done = False

    def __init__(self) -> None:
        super().__init__()
        self._sequence = 0

    def text(self, data: dict[str, Any]) -> tuple[TextKey, str] | None:
        if data.get("type") != "response.output_text.delta" or not data.get("delta"):
            return None
        self.template = data
        return _position(data), str(data["delta"])

    def text_event(self, key: TextKey, text: str) -> Event:
        assert isinstance(key, tuple)
        item, output, content = key
        data = {
            **self.template,
            "item_id": item,
            "output_index": output,
            "content_index": content,
            "delta": text,
        }
        return Event(orjson.dumps(data).decode(), event="response.output_text.delta")

    def finish(self, data: dict[str, Any], released: dict[TextKey, str]) -> dict[str, Any]:
        kind = data.get("type")
        if kind == "response.output_text.done":
            key = _position(data)
            return {**data, "text": released.get(key, data.get("text", ""))}
        if kind == "response.content_part.done" and isinstance(data.get("part"), dict):
            key = _position(data)
            if key in released:
                return {**data, "part": {**data["part"], "text": released[key]}}
        if kind == "response.output_item.done" and isinstance(data.get("item"), dict):
            out = copy.deepcopy(data)
            _replace_item(out["item"], out.get("output_index"), released)
            return out
        if kind in ("response.completed", "response.incomplete") and isinstance(
            data.get("response"), dict
        ):
            out = copy.deepcopy(data)
            for n, item in enumerate(out["response"].get("output") or []):
                if isinstance(item, dict):
                    _replace_item(item, n, released)
            return out
        return data

    def verdict_event(self, verdict: dict[str, Any]) -> Event:
        data = {"type": "groundrail.verdict", "groundrail": verdict}
        return Event(orjson.dumps(data).decode(), event="groundrail.verdict")

    def write(self, event: Event) -> bytes:
        """Sequence numbers stay strictly increasing, whatever we added or merged."""
        try:
            data = orjson.loads(event.data)
        except orjson.JSONDecodeError:
            return event.encode()
        if isinstance(data, dict) and "type" in data:
            data["sequence_number"] = self._sequence
            self._sequence += 1
            event = Event(orjson.dumps(data).decode(), event.event, event.id)
        return event.encode()


def dialect_for(path: str) -> Dialect:
    if path.endswith("/responses"):
        return ResponsesDialect()
    if path.endswith("/chat/completions"):
        return Dialect()
    return CompletionsDialect()


def _only_choice(data: dict[str, Any]) -> dict[str, Any] | None:
    choices = data.get("choices")
    if isinstance(choices, list) and len(choices) == 1 and isinstance(choices[0], dict):
        return choices[0]
    return None


def _position(data: dict[str, Any]) -> tuple[Any, Any, Any]:
    return data.get("item_id"), data.get("output_index"), data.get("content_index")


def _replace_item(item: dict[str, Any], output_index: Any, released: dict[TextKey, str]) -> None:
    for n, part in enumerate(item.get("content") or []):
        key = (item.get("id"), output_index, n)
        if isinstance(part, dict) and part.get("type") == "output_text" and key in released:
            part["text"] = released[key]


def _event(data: dict[str, Any]) -> Event:
    return Event(orjson.dumps(data).decode())
