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
        # per choice, the first text event not yet re-sent: a rebuilt event keeps its fields
        self._first: dict[TextKey, dict[str, Any]] = {}

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
        return self._seen(choice.get("index", 0), data), content

    def _seen(self, key: TextKey, data: dict[str, Any]) -> TextKey:
        self.template = data
        self._first.setdefault(key, data)
        return key

    def text_event(self, key: TextKey, text: str) -> Event:
        """The text as one event, built on the first upstream event it came from: every field
        the gateway does not change (a `role` on a content chunk, ids …) stays as sent."""
        data = self._first.pop(key, self.template)
        choice = _only_choice(data) or {}
        rebuilt = {**choice, "index": key, "delta": {**choice.get("delta", {}), "content": text}}
        return _event({**data, "choices": [_without_logprobs(rebuilt)]})

    def finish(self, data: dict[str, Any], released: dict[TextKey, str]) -> dict[str, Any]:
        """Events that repeat the whole text (Responses' `.done` events) get the released one."""
        return data

    def verdict_event(self, verdict: dict[str, Any]) -> Event | None:
        """The verdict, in a form every SDK's stream helper accepts: here a chunk without
        choices (as the usage chunk is)."""
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
        return self._seen(choice.get("index", 0), data), text

    def text_event(self, key: TextKey, text: str) -> Event:
        data = self._first.pop(key, self.template)
        rebuilt = {**(_only_choice(data) or {}), "index": key, "text": text}
        return _event({**data, "choices": [_without_logprobs(rebuilt)]})


class ResponsesDialect(Dialect):
    """The Responses API: typed events, `response.output_text.delta`; no `[DONE]`."""

    ends_with_done = False

    def __init__(self) -> None:
        super().__init__()
        self._sequence = 0
        self._terminal: dict[str, Any] | None = None  # held until the verdict is known
        self._ended = False

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

    def verdict_event(self, verdict: dict[str, Any]) -> Event | None:
        """The SDKs refuse event types they do not know: the verdict rides in the terminal
        event (`response.completed` …) as `response.groundrail`, which was held for it. A
        stream that never had one carries no verdict (the audit record has it)."""
        self._ended = True
        held = self._terminal
        if held is None or not isinstance(held.get("response"), dict):
            return None
        data = {**held, "response": {**held["response"], "groundrail": verdict}}
        return Event(orjson.dumps(data).decode(), event=str(held["type"]))

    def write(self, event: Event) -> bytes:
        """Sequence numbers stay strictly increasing, whatever we added, merged or held."""
        try:
            data = orjson.loads(event.data)
        except orjson.JSONDecodeError:
            return event.encode()
        if isinstance(data, dict) and data.get("type") in TERMINAL and not self._ended:
            self._terminal = data  # goes out with the verdict, after the last check
            return b""
        if isinstance(data, dict) and "type" in data:
            data["sequence_number"] = self._sequence
            self._sequence += 1
            event = Event(orjson.dumps(data).decode(), event.event, event.id)
        return event.encode()


TERMINAL = frozenset({"response.completed", "response.incomplete", "response.failed"})


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


def _without_logprobs(choice: dict[str, Any]) -> dict[str, Any]:
    """A choice whose text the gateway merged or changed: the upstream's logprobs of one of
    its pieces no longer describe it."""
    return {**choice, "logprobs": None} if "logprobs" in choice else choice


def _event(data: dict[str, Any]) -> Event:
    return Event(orjson.dumps(data).decode())
