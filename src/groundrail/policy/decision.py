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
    out, cursor = "", 0
    for start, end, replacement in edits(findings):
        if start < cursor:
            continue
        if not replacement:
            start = _opened(answer, start, end)
        out = _joined(out, answer[cursor:start]) + replacement
        cursor = end
    return _joined(out, answer[cursor:]).strip()


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


# a list item's marker that ends the text, alone on its line: what removing the item's only
# sentence leaves before the rest of the text
_BARE_MARKER = re.compile(r"(?:^|\n)[ \t]*(?:[-*+•]|\d{1,3}[.)])[ \t]*\Z")


def _opened(answer: str, start: int, end: int) -> int:
    """Where a removal starts: before an emphasis mark that opens what it removes and is
    closed inside it ("**The cafe** has a pool." goes whole, leaving no "**"), else `start`;
    a claim's span leaves such a mark out."""
    removed = answer[start:end]
    for mark in ("**", "__", "*"):
        inside = removed.replace("**", "") if mark == "*" else removed
        if answer[:start].endswith(mark) and inside.count(mark) % 2 == 1:
            return start - len(mark)
    return start


def _joined(left: str, right: str) -> str:
    """Text kept on both sides of a removal, closed up where they meet: no list marker left
    bare ("2. "), no doubled blank (a space after one), no more than one blank line; the
    rest of the text (a code block's indentation and blank lines) as it was."""
    bare = _BARE_MARKER.search(left)
    if bare is not None and (not right or right.startswith("\n")):
        left = left[: bare.start()]
    if left.endswith((" ", "\t", "\n")) or not left:
        right = right.lstrip(" \t")
    if not left or left.rstrip(" \t").endswith("\n\n"):
        right = right.lstrip(" \t\n")
    elif left.rstrip(" \t").endswith("\n") and right.startswith("\n\n"):
        right = right[1:]
    return left + right
