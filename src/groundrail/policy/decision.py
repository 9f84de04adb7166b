"""Findings + the policy -> one action, and the rewritten answer when that action is rewrite."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from groundrail.policy.formats import Edit, json_edits
from groundrail.rules.base import Action, Finding

RANK: dict[Action, int] = {"pass": 0, "flag": 1, "rewrite": 2, "retry": 3, "reject": 4}


@dataclass(slots=True, frozen=True)
class Decision:
    action: Action  # what the gateway does
    intended: Action  # what the policy asked for (differs from action in shadow mode)
    text: str | None  # the rewritten answer, when action is rewrite


def strongest(findings: Sequence[Finding]) -> Action:
    return max((f.suggested_action for f in findings), key=RANK.__getitem__, default="pass")


def decide(
    findings: Sequence[Finding], answer: str, shadow: bool, structured: bool = False
) -> Decision:
    """The strongest action; for rewrite, the answer with every rewrite's edits applied (inside
    JSON values when the answer is `structured`, so it stays valid JSON)."""
    intended = strongest(findings)
    text = None
    if intended == "rewrite":
        rewrites = [f for f in findings if f.suggested_action == "rewrite"]
        text = json_edits(answer, edits(rewrites)) if structured else apply_edits(answer, rewrites)
    if shadow:
        return Decision("pass", intended, None)
    return Decision(intended, intended, text)


def apply_edits(answer: str, findings: Sequence[Finding]) -> str:
    """Apply every finding's span edits in one pass; where edits overlap, the one that starts
    first (the longer on a tie) wins, so a redaction inside a removed sentence goes with it."""
    out, cursor = [], 0
    for start, end, replacement in edits(findings):
        if start < cursor:
            continue
        out += [answer[cursor:start], replacement]
        cursor = end
    out.append(answer[cursor:])
    return _tidy("".join(out))


def edits(findings: Sequence[Finding]) -> list[Edit]:
    """The span edits of `findings`, by start (the longer first on a tie)."""
    return sorted(
        (
            (start, end, f.replacement or "")
            for f in findings
            for start, end in f.spans
            if f.replacement is not None
        ),
        key=lambda e: (e[0], -(e[1] - e[0])),
    )


def _tidy(text: str) -> str:
    """Removing sentences leaves doubled blanks and blank lines; close them up."""
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
