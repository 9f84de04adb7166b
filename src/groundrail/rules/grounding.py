"""kind: grounding: claims of the answer that the request's context does not support."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from groundrail.grounding.engine import ClaimResult
from groundrail.rules.base import Action, CheckContext, Finding, Rule, RuleConfig

NOTICE = "[This statement was removed: it is not supported by the provided documents.]"


class GroundingConfig(RuleConfig):
    kind: Literal["grounding"]
    min_support: float | None = Field(
        None, ge=0, le=1, description="a claim below this is unsupported; default: the model's"
    )
    max_unsupported: int | float = Field(
        0, ge=0, description="unsupported claims tolerated: a count (int) or a fraction (0..1)"
    )
    on_unsupported: Action = "flag"
    on_contradiction: Action = "reject"
    on_no_context: Literal["pass", "flag", "reject"] = Field(
        "flag", description="what an answer with no context to check against gets"
    )
    rewrite: Literal["remove_sentences", "annotate", "replace_with_notice"] = "remove_sentences"
    notice: str = NOTICE


class GroundingRule(Rule[GroundingConfig]):
    kind = "grounding"
    Config = GroundingConfig
    inline = True  # the model ran before it (GroundingEngine.check): this only reads the result

    def check(self, answer: str, ctx: CheckContext) -> list[Finding]:
        result = ctx.grounding
        if result is None or result.verdict == "not_evaluated":
            reason = result.reason if result is not None else "no context"
            if self.config.on_no_context == "pass":
                return []
            return [self.finding(f"not evaluated: {reason}", self.config.on_no_context)]
        failing = [c for c in result.claims if self._fails(c)]
        contradicted = [c for c in failing if c.label == "contradicted"]
        unsupported = [c for c in failing if c.label != "contradicted"]
        findings = [
            self._claim(c, self.config.on_contradiction, "contradicted by the context")
            for c in contradicted
        ]
        # A stream is checked sentence by sentence: a count tolerates the first N failing
        # claims of the whole answer; a fraction can only be judged once the answer is whole.
        totals = ctx.notes.setdefault(self.name, {"failing": 0, "claims": 0})
        totals["failing"] += len(failing)
        totals["claims"] += len(result.claims)
        if ctx.fragment and self._is_fraction():
            return findings
        if not self._tolerated(totals["failing"], totals["claims"]):
            findings += [
                self._claim(c, self.config.on_unsupported, "not supported by the context")
                for c in unsupported
            ]
        return findings

    def _fails(self, claim: ClaimResult) -> bool:
        if self.config.min_support is None:
            return claim.label != "supported"
        return claim.support < self.config.min_support

    def _is_fraction(self) -> bool:
        return isinstance(self.config.max_unsupported, float) and self.config.max_unsupported <= 1

    def _tolerated(self, failing: int, total: int) -> bool:
        if self._is_fraction():
            return failing <= self.config.max_unsupported * total
        return failing <= self.config.max_unsupported

    def _claim(self, claim: ClaimResult, action: Action, why: str) -> Finding:
        span = claim.span
        replacement = {
            "remove_sentences": "",
            "annotate": f"{span.text} [unverified]",
            "replace_with_notice": self.config.notice,
        }[self.config.rewrite]
        return self.finding(
            f"claim {why} (support {claim.support:.2f}, driven by {claim.driver}): "
            f"{span.text[:120]!r}",
            action,
            spans=((span.start, span.end),),
            replacement=replacement,
            score=claim.support,
            signal=claim.driver,
            severity="high" if claim.label == "contradicted" else self.config.severity,
        )
