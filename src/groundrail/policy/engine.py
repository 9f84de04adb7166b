"""Run a policy's rules over one answer and decide: the verdict of one exchange."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from groundrail.budgets import Budgets
from groundrail.grounding.engine import GroundingEngine, GroundingResult
from groundrail.grounding.report import to_dict
from groundrail.grounding.windows import Document
from groundrail.observe import metrics, tracing
from groundrail.policy.decision import Decision, decide
from groundrail.policy.loader import LoadedPolicy
from groundrail.rules.base import Action, CheckContext, Finding, Rule
from groundrail.rules.json_schema import schema_error
from groundrail.rules.registry import build

log = logging.getLogger("groundrail.policy")
GROUNDED_KINDS = frozenset({"grounding", "citations", "uncertainty"})  # read ctx.grounding


@dataclass(slots=True, frozen=True)
class RuleRun:
    rule: str
    kind: str
    ms: float
    findings: int
    error: str | None = None


@dataclass(slots=True, frozen=True)
class Verdict:
    decision: Decision
    policy: LoadedPolicy
    findings: list[Finding]
    grounding: GroundingResult | None
    runs: list[RuleRun] = field(default_factory=list)
    answer: str = ""  # what was judged
    documents: list[Document] = field(default_factory=list)
    question: str | None = None
    choices: dict[int, Action] = field(default_factory=dict)  # each choice's action, when known

    @property
    def support(self) -> float | None:
        return self.grounding.support if self.grounding is not None else None

    def finding_dicts(self) -> list[dict[str, Any]]:
        return [
            {
                "rule": f.rule,
                "kind": f.kind,
                "severity": f.severity,
                "action": f.suggested_action,
                "message": f.message,
                "spans": [list(s) for s in f.spans],
                "score": f.score,
                "signal": f.signal,
                "where": f.where,
            }
            for f in self.findings
        ]

    def as_dict(self) -> dict[str, Any]:
        """The `groundrail` object of a response body, and the audit record's verdict."""
        return {
            "verdict": self.decision.action,
            "intended": self.decision.intended,
            "mode": self.policy.policy.mode,
            "policy": self.policy.label,
            "support": self.support,
            "findings": self.finding_dicts(),
            "grounding": to_dict(self.grounding) if self.grounding is not None else None,
            **(
                {"choices": [{"index": i, "verdict": a} for i, a in sorted(self.choices.items())]}
                if len(self.choices) > 1
                else {}
            ),
            "rules": [
                {
                    "rule": r.rule,
                    "kind": r.kind,
                    "ms": r.ms,
                    "findings": r.findings,
                    "error": r.error,
                }
                for r in self.runs
            ],
        }


@dataclass(slots=True, frozen=True)
class RuleSet:
    """A policy's rules, built once, and what the request path asks of them every time."""

    rules: tuple[Rule[Any], ...]
    prechecking: tuple[Rule[Any], ...]  # those that can judge the request alone
    wants_logprobs: bool  # one needs the upstream's logprobs

    @classmethod
    def build(cls, policy: LoadedPolicy) -> RuleSet:
        rules = tuple(build(config) for config in policy.rules)
        return cls(
            rules,
            tuple(r for r in rules if type(r).precheck is not Rule.precheck),
            any(getattr(r.config, "request_logprobs", False) for r in rules),
        )


class PolicyEngine:
    def __init__(self, grounding: GroundingEngine, budgets: Budgets | None = None) -> None:
        self.grounding = grounding
        self.budgets = budgets or Budgets()
        self._sets: dict[str, RuleSet] = {}  # by policy hash

    def _set(self, policy: LoadedPolicy) -> RuleSet:
        if policy.hash not in self._sets:
            self._sets[policy.hash] = RuleSet.build(policy)
        return self._sets[policy.hash]

    def rules(self, policy: LoadedPolicy) -> tuple[Rule[Any], ...]:
        return self._set(policy).rules

    def prechecking(self, policy: LoadedPolicy) -> tuple[Rule[Any], ...]:
        return self._set(policy).prechecking

    def wants_logprobs(self, policy: LoadedPolicy) -> bool:
        return self._set(policy).wants_logprobs

    async def precheck(self, policy: LoadedPolicy, ctx: CheckContext) -> list[Finding]:
        """Rules that can judge the request before any upstream cost (token budgets)."""
        ctx.budgets = self.budgets
        return [f for rule in self.prechecking(policy) for f in await rule.precheck(ctx)]

    async def evaluate(
        self,
        policy: LoadedPolicy,
        ctx: CheckContext,
        answer: str,
        question: str | None = None,
        request_id: str | None = None,
        select: Callable[[Rule[Any]], bool] | None = None,
        structured: bool = False,
    ) -> Verdict:
        """The policy's rules that read `ctx.part` over `answer`, or those of them `select`
        picks (a stream's sentence gets the fragmentary ones). A `structured` answer (JSON) is
        rewritten inside its values only, or not at all: a rewrite that would cut it becomes
        the policy's `structured_output` action, and a rewritten answer must still parse and
        match the requested schema."""
        rules = tuple(
            r for r in self.rules(policy) if r.reads(ctx.part) and (select is None or select(r))
        )
        ctx.budgets = self.budgets
        ctx.grounding_engine = self.grounding
        if any(r.kind in GROUNDED_KINDS for r in rules):
            # a whole answer without its trailing blank lines (the offsets stay true): only
            # a streamed fragment goes on after a blank line that ends it (`claims._heading`)
            judged = answer if ctx.fragment else answer.rstrip()
            ctx.grounding = await self.grounding.check(ctx.documents, judged, question)
        preparing = [r for r in rules if type(r).prepare is not Rule.prepare]  # most have none
        if preparing:
            await asyncio.gather(*(rule.prepare(answer, ctx) for rule in preparing))
        results = await asyncio.gather(*(_run(rule, answer, ctx, request_id) for rule in rules))
        findings: list[Finding] = []
        runs = []
        for rule, (found, ms, error) in zip(rules, results, strict=True):
            if error is not None and rule.config.on_error != "pass":
                found = [rule.finding(f"rule failed ({error})", rule.config.on_error)]
            if structured and not rule.redacts:
                found = [_uncut(f, policy.policy.structured_output) for f in found]
            findings += found
            runs.append(RuleRun(rule.name, rule.kind, round(ms, 3), len(found), error))
            metrics.RULE_SECONDS.labels(rule.kind).observe(ms / 1000)
            for f in found:
                metrics.RULE_FINDINGS.labels(rule.kind, f.suggested_action).inc()
        shadow = policy.policy.mode == "shadow"
        decision = decide(findings, answer, shadow, structured)
        if structured and decision.text is not None:
            problem = invalid_json(ctx, decision.text)
            if problem is not None:
                findings.append(
                    Finding("structured_output", "json_schema", problem, "reject", "high")
                )
                decision = decide(findings, answer, shadow, structured)
        return Verdict(
            decision, policy, findings, ctx.grounding, runs, answer, ctx.documents, question
        )


def _uncut(finding: Finding, action: Action) -> Finding:
    if finding.suggested_action != "rewrite":
        return finding
    message = f"{finding.message} (not rewritten: the answer is structured output)"
    return dataclasses.replace(finding, suggested_action=action, message=message, replacement=None)


def invalid_json(ctx: CheckContext, text: str) -> str | None:
    """Why a rewritten JSON answer is no longer valid: it does not parse, or (the answer, not
    tool arguments) no longer matches the schema the request asked for."""
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        return f"the rewritten answer is not valid JSON: {exc}"
    problem = schema_error(ctx.request, value) if ctx.part == "content" else None
    return f"the rewritten answer {problem}" if problem is not None else None


async def _run(
    rule: Rule[Any], answer: str, ctx: CheckContext, request_id: str | None
) -> tuple[list[Finding], float, str | None]:
    """One rule's check in a worker thread, so no rule blocks the event loop, waited for no
    longer than its `timeout_ms`: (findings, ms, error). A rule past its deadline has failed;
    its thread is abandoned (the regex rule stops itself at the same deadline). An `inline`
    rule, which only reads a result worked out before, skips the thread."""
    started = time.perf_counter()
    timeout = rule.config.timeout_ms / 1000
    try:
        with tracing.span(f"groundrail.rule.{rule.kind}", **{"groundrail.rule": rule.name}):
            if rule.inline:
                found = rule.check(answer, ctx)
            else:
                found = await asyncio.wait_for(asyncio.to_thread(rule.check, answer, ctx), timeout)
    except TimeoutError:
        error = f"took over its {rule.config.timeout_ms} ms"
        log.warning("rule timed out", extra={"rule": rule.name, "request_id": request_id})
        return [], (time.perf_counter() - started) * 1000, error
    except Exception as exc:  # a broken rule follows its on_error, never the request
        log.exception("rule failed", extra={"rule": rule.name, "request_id": request_id})
        return [], (time.perf_counter() - started) * 1000, f"{type(exc).__name__}: {exc}"
    return found, (time.perf_counter() - started) * 1000, None
