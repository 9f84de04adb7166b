"""Run a policy's rules over one answer and decide: the verdict of one exchange."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from groundrail.budgets import Budgets
from groundrail.grounding.engine import GroundingEngine, GroundingResult
from groundrail.grounding.report import to_dict
from groundrail.grounding.windows import Document
from groundrail.observe import metrics, tracing
from groundrail.policy.decision import Decision, decide
from groundrail.policy.loader import LoadedPolicy
from groundrail.rules.base import CheckContext, Finding, Rule
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
    ) -> Verdict:
        """All the policy's rules over `answer`, or those `select` picks (a stream's sentence
        gets the fragmentary ones)."""
        rules = tuple(r for r in self.rules(policy) if select is None or select(r))
        ctx.budgets = self.budgets
        ctx.grounding_engine = self.grounding
        if any(r.kind in GROUNDED_KINDS for r in rules):
            ctx.grounding = await self.grounding.check(ctx.documents, answer, question)
        preparing = [r for r in rules if type(r).prepare is not Rule.prepare]  # most have none
        if preparing:
            await asyncio.gather(*(rule.prepare(answer, ctx) for rule in preparing))
        findings: list[Finding] = []
        runs = []
        for rule in rules:
            started = time.perf_counter()
            error = None
            try:
                with tracing.span(f"groundrail.rule.{rule.kind}", **{"groundrail.rule": rule.name}):
                    found = rule.check(answer, ctx)
            except Exception as exc:  # a broken rule follows its on_error, never the request
                log.exception("rule failed", extra={"rule": rule.name, "request_id": request_id})
                found, error = [], f"{type(exc).__name__}: {exc}"
            ms = (time.perf_counter() - started) * 1000
            if error is None and ms > rule.config.timeout_ms:
                found, error = [], f"took {ms:.1f} ms, over its {rule.config.timeout_ms} ms"
            if error is not None and rule.config.on_error != "pass":
                found = [rule.finding(f"rule failed ({error})", rule.config.on_error)]
            findings += found
            runs.append(RuleRun(rule.name, rule.kind, round(ms, 3), len(found), error))
            metrics.RULE_SECONDS.labels(rule.kind).observe(ms / 1000)
            for f in found:
                metrics.RULE_FINDINGS.labels(rule.kind, f.suggested_action).inc()
        decision = decide(findings, answer, shadow=policy.policy.mode == "shadow")
        return Verdict(
            decision, policy, findings, ctx.grounding, runs, answer, ctx.documents, question
        )
