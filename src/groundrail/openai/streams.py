"""Stream dialects: where the text of each API's SSE events is, and how to write our own.

An upstream event is split into the texts it carries (answer, reasoning, tool-call arguments:
whatever else the chunk holds, and whatever shape the server gives it) and the rest of it (a
role, a tool call's id and name, a finish reason, usage), which goes out without the text.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import orjson

from groundrail.openai.answers import (
    REASONING_FIELDS,
    REASONING_LISTS,
    TOOL_CALL_TEXTS,
    Path,
    arguments_text,
    texts,
    with_texts,
)
from groundrail.rules.base import Part
from groundrail.upstream.sse import Event


@dataclass(slots=True, frozen=True)
class Piece:
    """Text of one upstream event: which choice, what it is, where it goes, its logprobs."""

    choice: int
    part: Part
    path: Path  # the text's path in the whole (non-streamed) response: keys the stream state
    text: str
    logprobs: Any = None
    head: dict[str, Any] | None = None  # a tool call's id, type and name, sent with its text


@dataclass(slots=True, frozen=True)
class Split:
    pieces: list[Piece]
    rest: dict[str, Any] | None  # the event without its text; None: nothing else in it
    trailing: bool = False  # the rest comes after the text (a finish reason), not before it
    # the rest is metadata (token ids, usage on every chunk): it may go out before text held
    # from earlier events, which goes on being held (a tool call's header may not)
    metadata: bool = False
    failed: bool = False  # an in-band error ({"error": …}, finish_reason "error")


class Dialect:
    """Chat completions: `choices[i].delta.{content, refusal, reasoning_content, reasoning,
    tool_calls, function_call, audio.transcript}`, ended by `data: [DONE]`."""

    def __init__(self) -> None:
        self.template: dict[str, Any] = {}
        self._roles: set[int] = set()  # choices whose role went out
        self._call_ids: dict[int, dict[str, int]] = {}  # each choice's tool call ids: position

    def split(self, data: dict[str, Any]) -> Split:
        choices = data.get("choices")
        failed = data.get("error") is not None
        if not isinstance(choices, list) or not choices:
            # usage, Azure's prompt filter results, an in-band error (vLLM) …
            return Split([], data, trailing=True, failed=failed)
        self.template = data
        pieces: list[Piece] = []
        kept: list[Any] = []
        trailing = False  # usage on a chunk with choices comes on every chunk (vLLM, Perplexity)
        for n, choice in enumerate(choices):
            if not isinstance(choice, dict):
                continue
            index = choice["index"] if isinstance(choice.get("index"), int) else n
            rest = self._split_choice(index, choice, pieces)
            if rest is not None:
                kept.append(rest)
                trailing = trailing or rest.get("finish_reason") is not None
                failed = failed or rest.get("finish_reason") == "error"  # OpenRouter
        if not kept and not data.get("usage"):
            return Split(pieces, None)
        # what must follow the text before it: a tool call's header, a reasoning signature
        ordered_keys = ("tool_calls", "function_call", *REASONING_LISTS)
        ordered = any((r.get("delta") or {}).get(k) for r in kept for k in ordered_keys)
        return Split(pieces, {**data, "choices": kept}, trailing, not ordered, failed)

    def _split_choice(
        self, index: int, choice: dict[str, Any], pieces: list[Piece]
    ) -> dict[str, Any] | None:
        delta = choice.get("delta")
        delta = delta if isinstance(delta, dict) else {}
        at: Path = ("choices", index, "message")
        rest: dict[str, Any] = {}  # the delta without its text (text fields left empty)
        for key, value in delta.items():
            if key == "content" and isinstance(value, list):  # content parts (Mistral)
                pieces += _content_parts(index, at, value)
                rest[key] = ""
            elif key == "content" and isinstance(value, str):
                if value:
                    content = Piece(index, "content", (*at, key), value, choice.get("logprobs"))
                    pieces.append(content)
                rest[key] = ""
            elif key == "refusal" and isinstance(value, str):
                if value:
                    pieces.append(Piece(index, "content", (*at, key), value))
                rest[key] = ""
            elif key in REASONING_FIELDS and isinstance(value, str):
                if value:
                    pieces.append(Piece(index, "reasoning", (*at, key), value))
                rest[key] = ""
            elif key == "tool_calls" and isinstance(value, list):
                heads = [h for call in value if (h := self._tool_call(index, call, pieces))]
                if heads:
                    rest[key] = heads
            elif key == "function_call" and isinstance(value, dict):  # what tool calls replaced
                named = {k: v for k, v in value.items() if k != "arguments" and v is not None}
                arguments = arguments_text(value.get("arguments"))
                if isinstance(arguments, str) and arguments:
                    path: Path = (*at, key, "arguments")
                    pieces.append(Piece(index, "arguments", path, arguments, head=named or None))
                elif named:
                    rest[key] = {**named, "arguments": ""}
            elif key == "audio" and isinstance(value, dict):  # gpt-4o-audio: its transcript
                transcript = value.get("transcript")
                if isinstance(transcript, str) and transcript:
                    pieces.append(Piece(index, "content", (*at, key, "transcript"), transcript))
                rest[key] = {k: v for k, v in value.items() if k != "transcript"}
            elif key in REASONING_LISTS and isinstance(value, list):  # OpenRouter, LiteLLM
                kept = []  # entries with no readable text (encrypted, a signature) go on as is
                for detail in value:
                    field = _text_field(detail, REASONING_LISTS[key])
                    if field is None:
                        kept.append(detail)
                        continue
                    head = {k: v for k, v in detail.items() if k != field}
                    path = (*at, key, field)
                    pieces.append(Piece(index, "reasoning", path, detail[field], head=head))
                rest[key] = kept
            else:
                rest[key] = value
        # Worth sending: a finish reason, the role the first time, anything else not empty
        # (servers add null and empty fields freely; Ollama repeats the role every chunk).
        news = {k for k, v in rest.items() if v not in (None, "", [], {})}
        if index in self._roles:
            news.discard("role")
        if not news and choice.get("finish_reason") is None:
            return None
        if "role" in news:
            self._roles.add(index)
        # a choice's copies of its text beside the delta (Together's `text`, Perplexity's
        # `message`) would go out unchecked: the delta is the text
        copies = ("text", "message")
        return {
            **{k: v for k, v in choice.items() if k not in copies},
            "delta": rest,
            "logprobs": None,
        }

    def _tool_call(self, index: int, call: Any, pieces: list[Piece]) -> dict[str, Any] | None:
        """The call's header (id, type, name) to send now, when it comes without text; its
        text (a function's arguments, a custom tool's input) becomes a piece that carries
        the header it came with."""
        if not isinstance(call, dict):
            return None
        kind = next((k for k in TOOL_CALL_TEXTS if isinstance(call.get(k), dict)), "function")
        field = TOOL_CALL_TEXTS[kind]
        holder = call.get(kind) if isinstance(call.get(kind), dict) else {}
        assert isinstance(holder, dict)
        text = arguments_text(holder.get(field))
        named = {k: v for k, v in holder.items() if k != field and v is not None}
        position = self._position(index, call)
        head = None
        if named or set(call) - {"index", kind}:
            head = {**call, "index": position, kind: {**named, field: ""}}
        if not isinstance(text, str) or not text:
            return head
        path: Path = ("choices", index, "message", "tool_calls", position, kind, field)
        pieces.append(Piece(index, "arguments", path, text, head=head))
        return None

    def _position(self, index: int, call: dict[str, Any]) -> int:
        """A tool call's position in its choice: its `index`, else (Gemini's OpenAI API,
        mistral.rs send none) one per call id, a chunk without an id going on the last."""
        if isinstance(call.get("index"), int):
            return int(call["index"])
        ids = self._call_ids.setdefault(index, {})
        if isinstance(call.get("id"), str) and call["id"]:
            return ids.setdefault(call["id"], len(ids))
        return max(len(ids) - 1, 0)

    def text_event(
        self, path: Path, text: str, logprobs: Any = None, head: dict[str, Any] | None = None
    ) -> Event | None:
        """The event that carries released text (None: none does; it goes out in a later
        event that holds it whole)."""
        index = path[1]
        data = self._envelope()
        if path[3] == "tool_calls":
            kind, field = str(path[5]), str(path[6])
            call = head or {"index": path[4], kind: {}}
            delta: dict[str, Any] = {"tool_calls": [{**call, kind: {**call[kind], field: text}}]}
        elif path[3] == "function_call":
            delta = {"function_call": {**(head or {}), "arguments": text}}
        elif path[3] == "audio":
            delta = {"audio": {"transcript": text}}
        elif path[3] in REASONING_LISTS:
            entry = head or {"type": _ENTRY_TYPES[str(path[3])]}
            delta = {str(path[3]): [{**entry, str(path[4]): text}]}
        else:
            delta = {str(path[3]): text}
        data["choices"] = [
            {"index": index, "delta": delta, "finish_reason": None, "logprobs": logprobs}
        ]
        return _event(data)

    def finish(
        self, data: dict[str, Any], released: dict[Path, str], changed: set[Path]
    ) -> dict[str, Any]:
        """Events that repeat the whole text (Responses' `.done` events) get the released one."""
        return data

    def verdict_event(self, verdict: dict[str, Any]) -> Event | None:
        """The verdict, in a form every SDK's stream helper accepts: here a chunk without
        choices (as the usage chunk is)."""
        return _event({**self._envelope(), "choices": [], "groundrail": verdict})

    def _envelope(self) -> dict[str, Any]:
        """The upstream chunk's id, model and the like, for an event of our own."""
        return {k: v for k, v in self.template.items() if k not in ("choices", "usage")}

    def write(self, event: Event) -> bytes:
        return event.encode()


# The type of a reasoning entry the gateway writes for released text, per list.
_ENTRY_TYPES = {"reasoning_details": "reasoning.text", "thinking_blocks": "thinking"}


def _text_field(detail: Any, fields: tuple[str, ...]) -> str | None:
    """The field of a reasoning entry that holds its readable text (None: it has none)."""
    if not isinstance(detail, dict):
        return None
    return next((f for f in fields if isinstance(detail.get(f), str) and detail[f]), None)


def _content_parts(index: int, at: Path, parts: list[Any]) -> list[Piece]:
    """Text parts are the answer; thinking parts (Mistral's list of texts, Anthropic's text)
    are reasoning, sent on as `reasoning_content`, the one streamed field for it that SDKs
    show."""
    found: list[Piece] = []
    reasoning: Path = (*at, "reasoning_content")
    for part in parts:
        if not isinstance(part, dict):
            continue
        if isinstance(part.get("text"), str) and part["text"]:
            found.append(Piece(index, "content", (*at, "content"), part["text"]))
        thinking = part.get("thinking")
        if isinstance(thinking, str):
            found.append(Piece(index, "reasoning", reasoning, thinking))
        for thought in thinking if isinstance(thinking, list) else []:
            if isinstance(thought, dict) and isinstance(thought.get("text"), str):
                found.append(Piece(index, "reasoning", reasoning, thought["text"]))
    return [piece for piece in found if piece.text]


class CompletionsDialect(Dialect):
    """Legacy completions: `choices[i].text`."""

    def _split_choice(
        self, index: int, choice: dict[str, Any], pieces: list[Piece]
    ) -> dict[str, Any] | None:
        text = choice.get("text")
        if isinstance(text, str) and text:
            path: Path = ("choices", index, "text")
            pieces.append(Piece(index, "content", path, text, choice.get("logprobs")))
        if choice.get("finish_reason") is None:
            return None
        return {**choice, "text": "", "logprobs": None}

    def text_event(
        self, path: Path, text: str, logprobs: Any = None, head: dict[str, Any] | None = None
    ) -> Event:
        data = self._envelope()
        data["choices"] = [
            {"index": path[1], "text": text, "finish_reason": None, "logprobs": logprobs}
        ]
        return _event(data)


# Responses API delta events: their text's part, and the path of the text in `response.output`.
_RESPONSES_DELTAS: dict[str, tuple[Part, str, str | None, str]] = {
    "response.output_text.delta": ("content", "content", "content_index", "text"),
    "response.refusal.delta": ("content", "content", "content_index", "refusal"),
    "response.reasoning_summary_text.delta": ("reasoning", "summary", "summary_index", "text"),
    "response.reasoning_text.delta": ("reasoning", "content", "content_index", "text"),
    "response.function_call_arguments.delta": ("arguments", "arguments", None, ""),
    "response.custom_tool_call_input.delta": ("arguments", "input", None, ""),
    "response.mcp_call_arguments.delta": ("arguments", "arguments", None, ""),
    "response.code_interpreter_call_code.delta": ("arguments", "code", None, ""),
    "response.audio.transcript.delta": ("content", "audio_transcript", None, ""),
}
# Events that hold one whole text: where it is, its key (None: in the event's `part`) and
# its part. The `.done` ones repeat what the deltas spelled; the part-added ones open a part
# (their text is empty, as a rule).
_RESPONSES_WHOLE: dict[str, tuple[str, str | None, str | None, Part]] = {
    "response.output_text.done": ("content", "content_index", "text", "content"),
    "response.refusal.done": ("content", "content_index", "refusal", "content"),
    "response.reasoning_summary_text.done": ("summary", "summary_index", "text", "reasoning"),
    "response.reasoning_text.done": ("content", "content_index", "text", "reasoning"),
    "response.function_call_arguments.done": ("arguments", None, "arguments", "arguments"),
    "response.custom_tool_call_input.done": ("input", None, "input", "arguments"),
    "response.mcp_call_arguments.done": ("arguments", None, "arguments", "arguments"),
    "response.code_interpreter_call_code.done": ("code", None, "code", "arguments"),
    "response.content_part.done": ("content", "content_index", None, "content"),
    "response.reasoning_summary_part.done": ("summary", "summary_index", None, "reasoning"),
    "response.content_part.added": ("content", "content_index", None, "content"),
    "response.reasoning_summary_part.added": ("summary", "summary_index", None, "reasoning"),
}
# Events that hold a whole output item, and those that hold the whole response.
_ITEM_EVENTS = frozenset({"response.output_item.added", "response.output_item.done"})
_RESPONSE_EVENTS = frozenset(
    {"response.created", "response.queued", "response.in_progress", "response.completed",
     "response.incomplete", "response.failed"}
)  # fmt: skip
# The delta event of an output item's text: (item type, field, key) -> event type. Others (an
# MCP call's output, a computer call's action) have none: they only ever come whole.
_ITEM_DELTAS: dict[tuple[str, str, str], str] = {
    ("message", "content", "text"): "response.output_text.delta",
    ("message", "content", "refusal"): "response.refusal.delta",
    ("reasoning", "summary", "text"): "response.reasoning_summary_text.delta",
    ("reasoning", "content", "text"): "response.reasoning_text.delta",
    ("function_call", "arguments", "arguments"): "response.function_call_arguments.delta",
    ("custom_tool_call", "input", "input"): "response.custom_tool_call_input.delta",
    ("mcp_call", "arguments", "arguments"): "response.mcp_call_arguments.delta",
    ("code_interpreter_call", "code", "code"): "response.code_interpreter_call_code.delta",
}
_PART_DELTAS = {
    "refusal": "response.refusal.delta",
    "reasoning_text": "response.reasoning_text.delta",
}


class ResponsesDialect(Dialect):
    """The Responses API: typed events (`response.output_text.delta`, reasoning, function,
    custom tool, MCP and code interpreter call deltas); no `[DONE]`. A text that comes whole
    with no delta before it (in a `.done` event, an item or a response event: servers that
    send no deltas for it; an MCP call's output, a computer call's action) is checked as one
    piece; it goes out as one delta where the SDKs' stream helpers can take one (its item,
    and its part, were opened before), else only in the events that hold it."""

    def __init__(self) -> None:
        super().__init__()
        self._sequence = 0
        self._templates: dict[Path, dict[str, Any]] = {}  # each text's delta event
        self._whole: set[Path] = set()  # texts no delta event carries, checked whole
        self._opened: set[tuple[Any, ...]] = set()  # items (index,) and parts opened
        self._terminal: dict[str, Any] | None = None  # held until the verdict is known
        self._ended = False

    def split(self, data: dict[str, Any]) -> Split:
        kind = data.get("type")
        spec = _RESPONSES_DELTAS.get(kind) if isinstance(kind, str) else None
        delta = data.get("delta")
        if spec is None:
            unseen = self._unseen(data)
            self._open(data)
            return Split(unseen, data, trailing=bool(unseen))
        if not isinstance(delta, str):  # a text delta in no shape SDKs read: not sent on
            return Split([], None)
        part, field, index_key, leaf = spec
        at: Path = ("output", data.get("output_index", 0), field)
        if index_key is not None:
            at = (*at, data.get(index_key, 0), leaf)
        self._templates[at] = data
        if not delta:
            return Split([], None)
        return Split([Piece(0, part, at, delta, data.get("logprobs"))], None)

    def _open(self, data: dict[str, Any]) -> None:
        """Remember the items and parts an event opens (a delta needs them first)."""
        kind, position = data.get("type"), data.get("output_index", 0)
        if kind == "response.output_item.added":
            self._opened.add((position,))
        elif kind == "response.content_part.added":
            self._opened.add((position, "content", data.get("content_index", 0)))
        elif kind == "response.reasoning_summary_part.added":
            self._opened.add((position, "summary", data.get("summary_index", 0)))

    def _unseen(self, data: dict[str, Any]) -> list[Piece]:
        """The whole texts of an event that no delta brought, as pieces; each gets the delta
        event that will carry it, where one can (`_carried`)."""
        pieces = []
        for path, part, text, kind, item_id in _whole_texts(data):
            if not text or path in self._templates or path in self._whole:
                continue
            pieces.append(Piece(0, part, path, text))
            if kind is None or not self._carried(path):
                self._whole.add(path)
                continue
            index_key = _RESPONSES_DELTAS[kind][2]
            template: dict[str, Any] = {"type": kind, "item_id": item_id, "output_index": path[1]}
            if index_key is not None:
                template[index_key] = path[3]
            self._templates[path] = template
        return pieces

    def _carried(self, path: Path) -> bool:
        """Whether a delta may carry a text: its item was opened, and its part (a message's
        content, a reasoning summary), as the SDKs' stream helpers need."""
        opened = (path[1],) in self._opened
        return opened and (path[2] not in ("content", "summary") or path[1:4] in self._opened)

    def text_event(
        self, path: Path, text: str, logprobs: Any = None, head: dict[str, Any] | None = None
    ) -> Event | None:
        template = self._templates.get(path)
        if template is None:  # no delta event carries it: it goes out in the events holding it
            return None
        data = {**template, "delta": text}
        if "logprobs" in template:
            data["logprobs"] = logprobs or []
        return Event(orjson.dumps(data).decode(), event=str(template.get("type")))

    def finish(
        self, data: dict[str, Any], released: dict[Path, str], changed: set[Path]
    ) -> dict[str, Any]:
        kind = data.get("type")
        if kind in _RESPONSES_WHOLE:
            out = copy.deepcopy(data)
            found = _whole_text(out)
            if found is None or found[0] not in released:
                return data
            at, holder, key = found
            holder[key] = released[at]
            if at in changed and holder.get("logprobs"):
                holder["logprobs"] = []
            return out
        if kind in _ITEM_EVENTS and isinstance(data.get("item"), dict):
            position = data.get("output_index", 0)
            output: list[dict[str, Any]] = [
                {} for _ in range(position if isinstance(position, int) else 0)
            ]
            body = _replaced({"output": [*output, data["item"]]}, released, changed)
            return {**data, "item": body["output"][-1]}
        if kind in _RESPONSE_EVENTS and isinstance(data.get("response"), dict):
            return {**data, "response": _replaced(data["response"], released, changed)}
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
        if event.comment is not None:
            return event.encode()
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


def _replaced(
    response: dict[str, Any], released: dict[Path, str], changed: set[Path]
) -> dict[str, Any]:
    """A copy of a Responses body whose texts are the released ones (a text its deltas did not
    all spell, too: what goes out is only ever what was checked)."""
    found = texts("/responses", response)
    replaced = [
        (t, released[t.path])
        for t in found
        if t.path in changed or (t.path in released and released[t.path] != t.text)
    ]
    return with_texts(response, replaced)


def _whole_text(data: dict[str, Any]) -> tuple[Path, dict[str, Any], str] | None:
    """The whole text of an event of `_RESPONSES_WHOLE`: its path in `response.output`, the
    dict holding it and its key (None: the event holds no text)."""
    field, index_key, key, _ = _RESPONSES_WHOLE[str(data.get("type"))]
    holder = data if key is not None else data.get("part")
    if not isinstance(holder, dict):
        return None
    key = key or ("refusal" if holder.get("type") == "refusal" else "text")
    at: Path = ("output", data.get("output_index", 0), field)
    if index_key is not None:
        at = (*at, data.get(index_key, 0), key)
    return at, holder, key


def _whole_texts(data: dict[str, Any]) -> list[tuple[Path, Part, str, str | None, Any]]:
    """The texts a Responses event holds whole: (path, part, text, the delta event type that
    could carry it or None, its item's id)."""
    kind = str(data.get("type"))
    if kind in _RESPONSES_WHOLE:
        found = _whole_text(data)
        if found is None or not isinstance(found[1].get(found[2]), str):
            return []
        at, holder, key = found
        delta: str | None = kind.removesuffix(".done") + ".delta"
        if kind.endswith(".added"):
            delta = None  # it opens its part: the event itself carries the text
        elif kind == "response.content_part.done":
            delta = _PART_DELTAS.get(str(holder.get("type")), "response.output_text.delta")
        elif kind == "response.reasoning_summary_part.done":
            delta = "response.reasoning_summary_text.delta"
        part = _RESPONSES_WHOLE[kind][3]
        return [(at, part, holder[key], delta, data.get("item_id"))]
    items: list[tuple[Any, Any]] = []
    if kind in _ITEM_EVENTS:
        items = [(data.get("output_index", 0), data.get("item"))]
    elif kind in _RESPONSE_EVENTS and isinstance(data.get("response"), dict):
        items = list(enumerate(data["response"].get("output") or []))
    out: list[tuple[Path, Part, str, str | None, Any]] = []
    for position, item in items:
        if not isinstance(item, dict) or not isinstance(position, int):
            continue
        for text in texts("/responses", {"output": [item]}):
            path = ("output", position, *text.path[2:])
            delta = _ITEM_DELTAS.get((str(item.get("type")), str(path[2]), str(path[-1])))
            if kind == "response.output_item.added":
                delta = None  # it opens its item: the event itself carries the text
            out.append((path, text.part, text.text, delta, item.get("id")))
    return out


def merge_logprobs(parts: list[Any]) -> Any:
    """The logprobs of several chunks as one chunk's: their token lists joined (chat
    `content`, completions `tokens`, `token_logprobs`, `top_logprobs`, `text_offset`)."""
    merged: dict[str, Any] = {}
    for part in parts:
        if not isinstance(part, dict):
            continue
        for key, value in part.items():
            if isinstance(value, list):
                merged[key] = [*merged.get(key, []), *value]
            else:
                merged.setdefault(key, value)
    return merged or None


TERMINAL = frozenset({"response.completed", "response.incomplete", "response.failed"})


def dialect_for(path: str) -> Dialect:
    if path.endswith("/responses"):
        return ResponsesDialect()
    if path.endswith("/chat/completions"):
        return Dialect()
    return CompletionsDialect()


def _event(data: dict[str, Any]) -> Event:
    return Event(orjson.dumps(data).decode())
