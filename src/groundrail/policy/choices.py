"""Every text of a completion judged, each choice decided on its own: the answer by every rule,
reasoning and tool-call arguments by the text rules that read them; the response's verdict is
the strongest choice's."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from groundrail.openai.answers import Text
from groundrail.policy.decision import RANK, Decision, decide
from groundrail.policy.engine import PolicyEngine, Verdict
from groundrail.policy.formats import json_text
from groundrail.policy.loader import LoadedPolicy
from groundrail.rules.base import Action, CheckContext
from groundrail.rules.json_schema import requested_format


@dataclasses.dataclass(slots=True, frozen=True)
class Judged:
    text: Text
    structured: bool  # JSON: rewritten inside its values only
    verdict: Verdict


@dataclasses.dataclass(slots=True, frozen=True)
class Outcome:
    verdict: Verdict  # the response's: the strongest choice, every finding with its `where`
    rewritten: list[tuple[Text, str]]  # the texts that changed, and what they became
    choices: dict[int, Action]  # each choice's action


def structured(text: Text, request: dict[str, Any]) -> bool:
    """Tool arguments that are JSON (a custom tool's input and an MCP call's output may be
    free text); an answer the request asked JSON of, or one that is JSON."""
    if text.part == "arguments":
        return json_text(text.text)
    return text.part == "content" and (
        requested_format(request) is not None or json_text(text.text)
    )


async def judge(
    engine: PolicyEngine,
    policy: LoadedPolicy,
    context: Callable[[Text], CheckContext],
    found: Sequence[Text],
    question: str | None,
    request_id: str | None,
) -> list[Judged]:
    """Each text through the rules that read its part, concurrently (grounding batches them);
    rules that judge the whole exchange (a token budget) only on the first answer."""

    first = next((t for t in found if t.part == "content"), None)

    async def one(text: Text) -> Judged:
        ctx = context(text)
        shape = structured(text, ctx.request)
        verdict = await engine.evaluate(
            policy,
            ctx,
            text.text,
            question,
            request_id,
            select=None if text is first else (lambda rule: not rule.per_exchange),
            structured=shape,
        )
        return Judged(text, shape, verdict)

    return list(await asyncio.gather(*(one(t) for t in found)))


def fall_back(judged: Judged, action: Action) -> Judged:
    """Once retries are spent (or text is out), a rule asking for retry gets `action`."""
    verdict = judged.verdict
    findings = [
        dataclasses.replace(f, suggested_action=action) if f.suggested_action == "retry" else f
        for f in verdict.findings
    ]
    shadow = verdict.policy.policy.mode == "shadow"
    decision = decide(findings, judged.text.text, shadow, judged.structured)
    return dataclasses.replace(
        judged, verdict=dataclasses.replace(verdict, findings=findings, decision=decision)
    )


def deciding_choice(choices: dict[int, Action]) -> int | None:
    """The choice whose action is the response's: the first with the strongest action
    (None without choices)."""
    if not choices:
        return None
    action = max(choices.values(), key=RANK.__getitem__)
    return min(i for i, a in choices.items() if a == action)


def combine(judged: Sequence[Judged]) -> Outcome:
    """One verdict for the response: each choice's action is the strongest of its texts', the
    response's the strongest choice's, and its grounding the content of the first choice
    with that action; findings say which text they are about."""
    assert judged, "a response with no text has nothing to combine"
    choices: dict[int, Action] = {}
    intended: Action = "pass"
    rewritten: list[tuple[Text, str]] = []
    findings = []
    runs = []
    for item in judged:
        decision, text = item.verdict.decision, item.text
        choice = choices.setdefault(text.choice, "pass")
        choices[text.choice] = max(choice, decision.action, key=RANK.__getitem__)
        intended = max(intended, decision.intended, key=RANK.__getitem__)
        new = decision.text
        if decision.action == "rewrite" and new is not None and new != text.text:
            rewritten.append((text, new))
        findings += [dataclasses.replace(f, where=text.where) for f in item.verdict.findings]
        runs += item.verdict.runs
    action = max(choices.values(), key=RANK.__getitem__)
    # the response's grounding, support and audited answer are the deciding choice's: the
    # first with the strongest action (a flagged second choice is not described by the first)
    contents = [j for j in judged if j.text.part == "content"]
    chosen = deciding_choice(choices)
    deciding = [j for j in contents if j.text.choice == chosen]
    base = (deciding or contents or list(judged))[0]
    decision = Decision(action, intended, next((r for t, r in rewritten if t == base.text), None))
    verdict = dataclasses.replace(
        base.verdict, findings=findings, runs=runs, decision=decision, choices=choices
    )
    return Outcome(verdict, rewritten, choices)
