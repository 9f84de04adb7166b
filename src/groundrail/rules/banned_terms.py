"""Banned words and phrases, matched whole-word as a person reads them: ignoring case, accents,
invisible characters and look-alike letters."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Literal

from pydantic import Field, field_validator

from groundrail.rules.base import Action, CheckContext, Finding, Rule, TextRuleConfig
from groundrail.rules.text import fold, span_back


def _key(term: str) -> str:
    return " ".join(fold(term)[0].split())


class BannedTermsConfig(TextRuleConfig):
    kind: Literal["banned_terms"] = "banned_terms"
    terms: list[str] = Field(min_length=1)
    action: Action = "reject"

    @field_validator("terms")
    @classmethod
    def _not_blank(cls, terms: list[str]) -> list[str]:
        for term in terms:
            if not _key(term):
                raise ValueError(f"term {term!r} is blank; give a word or a phrase")
        return terms


class BannedTermsRule(Rule[BannedTermsConfig]):
    kind = "banned_terms"
    Config = BannedTermsConfig
    redacts = True

    def __init__(self, config: BannedTermsConfig) -> None:
        super().__init__(config)
        self._terms = {_key(t): t for t in config.terms}
        words = sorted(self._terms, key=len, reverse=True)  # the longest phrase wins
        alternatives = (r"\s+".join(map(re.escape, w.split())) for w in words)
        self._pattern = re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)")

    def check(self, answer: str, ctx: CheckContext) -> list[Finding]:
        folded, origin = fold(answer)
        spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for m in self._pattern.finditer(folded):
            span = span_back(origin, len(answer), m.start(), m.end())
            spans[self._terms[" ".join(m.group().split())]].append(span)
        action = self.config.action_in(ctx.part)
        return [
            self.finding(
                f"banned term {term!r} found {len(found)} time(s)",
                action,
                spans=tuple(found),
                replacement="[REMOVED]" if action == "rewrite" else None,
            )
            for term, found in spans.items()
        ]
