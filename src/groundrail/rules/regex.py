"""A user's regular expression: flag, reject or redact what it matches."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import field_validator

from groundrail.rules.base import Action, CheckContext, Finding, Rule, RuleConfig


class RegexConfig(RuleConfig):
    kind: Literal["regex"] = "regex"
    pattern: re.Pattern[str]
    action: Action = "flag"
    replacement: str = "[REDACTED]"  # with action "rewrite", each match becomes this

    @field_validator("pattern", mode="before")
    @classmethod
    def _compile(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return re.compile(value)
        except re.error as exc:
            raise ValueError(
                f"{value!r} is not a valid regular expression: {exc} (Python `re` syntax)"
            ) from None


class RegexRule(Rule[RegexConfig]):
    kind = "regex"
    Config = RegexConfig

    def check(self, answer: str, ctx: CheckContext) -> list[Finding]:
        spans = tuple(m.span() for m in self.config.pattern.finditer(answer) if m.end() > m.start())
        if not spans:
            return []
        action = self.config.action
        return [
            self.finding(
                f"pattern {self.config.pattern.pattern!r} matched {len(spans)} time(s)",
                action,
                spans=spans,
                replacement=self.config.replacement if action == "rewrite" else None,
            )
        ]
