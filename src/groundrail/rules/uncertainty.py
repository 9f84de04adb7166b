"""kind: uncertainty: an unsupported claim the model was itself unsure of is worse."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from groundrail.rules.base import Action, CheckContext, Finding, Rule, RuleConfig


class UncertaintyConfig(RuleConfig):
    kind: Literal["uncertainty"]
    request_logprobs: bool = Field(
        False,
        description="ask the upstream for logprobs (stripped from the reply unless the client "
        "asked for them too)",
    )
    min_logprob: float = Field(
        -1.5, lt=0, description="a claim whose mean token logprob is below this is unsure"
    )
    action: Action = "flag"


class UncertaintyRule(Rule[UncertaintyConfig]):
    kind = "uncertainty"
    Config = UncertaintyConfig
    fragmentary = False

    def check(self, answer: str, ctx: CheckContext) -> list[Finding]:
        if ctx.logprobs is None or ctx.grounding is None:
            return []
        findings = []
        for claim in ctx.grounding.claims:
            if claim.label == "supported":
                continue
            inside = [
                lp
                for start, end, lp in ctx.logprobs
                if start < claim.span.end and end > claim.span.start
            ]
            if not inside:
                continue
            mean = sum(inside) / len(inside)
            if mean < self.config.min_logprob:
                findings.append(
                    self.finding(
                        f"unsupported claim the model was unsure of (mean logprob {mean:.2f}): "
                        f"{claim.span.text[:100]!r}",
                        self.config.action,
                        severity="high",
                        spans=((claim.span.start, claim.span.end),),
                        score=mean,
                        signal="logprob",
                    )
                )
        return findings
