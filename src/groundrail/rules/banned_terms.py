"""Banned words and phrases, matched whole-word, ignoring case and accents."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from typing import Literal

from pydantic import Field, field_validator

from groundrail.rules.base import Action, CheckContext, Finding, Rule, RuleConfig


def fold(text: str) -> tuple[str, list[int]]:
    """`text` case-folded with accents stripped (NFKD), and for each character of the result
    the index of the character of `text` it came from."""
    out: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        for part in unicodedata.normalize("NFKD", char):
            for folded in unicodedata.normalize("NFKD", part.casefold()):
                if not unicodedata.combining(folded):
                    out.append(folded)
                    origin.append(i)
    return "".join(out), origin


def _key(term: str) -> str:
    return " ".join(fold(term)[0].split())


class BannedTermsConfig(RuleConfig):
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
            start, end = origin[m.start()], origin[m.end() - 1] + 1
            # Take in combining marks that folding dropped after the last character ("e\u0301").
            following = origin[m.end()] if m.end() < len(origin) else len(answer)
            spans[self._terms[" ".join(m.group().split())]].append((start, max(end, following)))
        action = self.config.action
        return [
            self.finding(
                f"banned term {term!r} found {len(found)} time(s)",
                action,
                spans=tuple(found),
                replacement="[REMOVED]" if action == "rewrite" else None,
            )
            for term, found in spans.items()
        ]
