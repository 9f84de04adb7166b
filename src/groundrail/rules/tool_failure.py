"""A tool call failed, yet the answer reports results as if it had worked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import orjson

from groundrail.rules.base import Action, CheckContext, Finding, Rule, RuleConfig

_TRACE = re.compile(
    r"^\s*(?:Traceback \(most recent call last\)|[\w.]*(?:Exception|Error):)", re.MULTILINE
)
_ADMITS = re.compile(
    r"\b(?:errors?|fail(?:s|ed|ure|ing)?|unable|unavailable|not available|sorry|problems?|"
    r"issues?|try again|no results?|could not|couldn[\u2019']t|cannot|can not|can[\u2019']t|"
    r"(?:was|were)(?:n[\u2019']t| not) able|did(?:n[\u2019']t| not) (?:work|succeed|return))\b",
    re.IGNORECASE,
)
_STATUS_FIELDS = ("status", "status_code", "code")
_FAILED_WORDS = frozenset({"error", "fail", "failed", "failure"})


@dataclass(slots=True, frozen=True)
class ToolResult:
    label: str  # the tool's name, or where its result is in the request (messages[3])
    content: Any  # what the tool returned, as sent


def tool_results(request: dict[str, Any]) -> Iterator[ToolResult]:
    """The tool results of the current turn: those after the last user message."""
    for field, role, result_kinds in (
        ("messages", "role", ("tool", "function")),
        ("input", "type", ("function_call_output",)),
    ):
        items = request.get(field)
        if not isinstance(items, list):
            continue
        names: dict[str, str] = {}
        turn: list[ToolResult] = []
        for n, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            if item.get("role") == "user":
                turn = []
            for call in item.get("tool_calls") or []:  # chat: the assistant's calls, by id
                if isinstance(call, dict) and isinstance(call.get("function"), dict):
                    names[str(call.get("id"))] = str(call["function"].get("name"))
            if item.get("type") == "function_call":  # responses: a call item, by call_id
                names[str(item.get("call_id"))] = str(item.get("name"))
            if item.get(role) in result_kinds:
                call_id = str(item.get("tool_call_id") or item.get("call_id"))
                name = item.get("name") or names.get(call_id)
                label = repr(name) if name else f"{field}[{n}]"
                turn.append(ToolResult(label, item.get("content", item.get("output"))))
        yield from turn


def failure(content: Any) -> str | None:
    """Why this tool result reports a failure, or None when it looks like a success."""
    if isinstance(content, list):  # content parts: [{"type": "text", "text": "…"}]
        content = "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    elif content is not None and not isinstance(content, str):
        content = orjson.dumps(content, default=str).decode()
    text = content.strip() if isinstance(content, str) else ""
    if not text or text in ("{}", "[]", "null", '""'):
        return "empty result"
    if _TRACE.search(text):
        return "exception"
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(value, dict):
        return None
    for key in _STATUS_FIELDS:
        status = value.get(key)
        if isinstance(status, str) and status.strip().lower() in _FAILED_WORDS:
            return f"{key} {status!r}"
        code = int(status) if isinstance(status, str) and status.isdigit() else status
        if isinstance(code, int) and not isinstance(code, bool) and 400 <= code < 600:
            return f"HTTP {code}"
    for key in ("error", "errors"):
        if value.get(key) not in (None, "", [], {}, False):
            return f"{key}: {_short(value[key])}"
    return None


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else orjson.dumps(value).decode()
    return text if len(text) <= 60 else text[:57] + "..."


class ToolFailureConfig(RuleConfig):
    kind: Literal["tool_failure"] = "tool_failure"
    action: Action = "flag"


class ToolFailureRule(Rule[ToolFailureConfig]):
    kind = "tool_failure"
    Config = ToolFailureConfig
    fragmentary = False

    def check(self, answer: str, ctx: CheckContext) -> list[Finding]:
        if not answer.strip() or _ADMITS.search(answer):
            return []
        failed = [
            f"tool {r.label} failed ({reason})"
            for r in tool_results(ctx.request)
            if (reason := failure(r.content)) is not None
        ]
        if not failed:
            return []
        message = f"confidence mismatch: {'; '.join(failed)} but the answer reports results"
        return [self.finding(message, self.config.action)]
