"""A user's regular expression: flag, reject or redact what it matches."""

from __future__ import annotations

from typing import Literal

import regex
from pydantic import Field, field_validator

from groundrail.rules.base import Action, CheckContext, Finding, Rule, TextRuleConfig
from groundrail.rules.text import span_back, visible

_UNBOUNDED = ("+", "*")


class RegexConfig(TextRuleConfig):
    kind: Literal["regex"] = "regex"
    pattern: str = Field(description="Python `re` syntax (run by the `regex` module)")
    action: Action = "flag"
    replacement: str = "[REDACTED]"  # with action "rewrite", each match becomes this

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            regex.compile(value)
        except regex.error as exc:
            raise ValueError(
                f"{value!r} is not a valid regular expression: {exc} (Python `re` syntax)"
            ) from None
        return value


def backtracking_risk(pattern: str) -> str | None:
    """Why `pattern` may backtrack catastrophically (a repeated group that itself repeats
    without bound, like `(\\w+\\s?)+`), or None. A heuristic: it finds the classic shapes."""
    groups: list[bool] = []  # per open group: does it hold an unbounded repeat?
    i, in_class = 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            groups.append(False)
        elif char == ")" and groups:
            inner = groups.pop()
            repeated = _unbounded_at(pattern, i + 1)
            if inner and repeated:
                return f"the group ending at offset {i} repeats a repeat (nested quantifiers)"
            if groups and (inner or repeated):
                groups[-1] = True
        elif _unbounded_at(pattern, i) and groups:
            groups[-1] = True
        i += 1
    return None


def _unbounded_at(pattern: str, i: int) -> bool:
    if pattern[i : i + 1] in _UNBOUNDED:
        return True
    return bool(regex.match(r"\{\d*,\}", pattern[i:]))


class RegexRule(Rule[RegexConfig]):
    kind = "regex"
    Config = RegexConfig
    redacts = True

    def __init__(self, config: RegexConfig) -> None:
        super().__init__(config)
        self._pattern = regex.compile(config.pattern)

    def check(self, answer: str, ctx: CheckContext) -> list[Finding]:
        """Matched against the text as read (no invisible characters, NFKC); the match runs
        with the GIL released and stops at the rule's timeout (TimeoutError: on_error)."""
        text, origin = visible(answer)
        matches = self._pattern.finditer(
            text, concurrent=True, timeout=self.config.timeout_ms / 1000
        )
        spans = tuple(
            span_back(origin, len(answer), m.start(), m.end())
            for m in matches
            if m.end() > m.start()
        )
        if not spans:
            return []
        action = self.config.action_in(ctx.part)
        return [
            self.finding(
                f"pattern {self.config.pattern!r} matched {len(spans)} time(s)",
                action,
                spans=spans,
                replacement=self.config.replacement if action == "rewrite" else None,
            )
        ]
