"""kind: token_budget: tokens per request and per key per time window (tiktoken counts)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from groundrail import tokens
from groundrail.rules.base import Action, CheckContext, Finding, Rule, RuleConfig


class PerKey(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    tokens: int = Field(gt=0, description="tokens one key may use per window")
    window_seconds: int = Field(3600, gt=0)


class TokenBudgetConfig(RuleConfig):
    kind: Literal["token_budget"]
    max_request_tokens: int | None = Field(None, gt=0, description="prompt + completion")
    per_key: PerKey | None = None
    action: Action = Field("reject", description="when an answer took the total over")


class TokenBudgetRule(Rule[TokenBudgetConfig]):
    kind = "token_budget"
    Config = TokenBudgetConfig
    fragmentary = False
    per_exchange = True

    async def precheck(self, ctx: CheckContext) -> list[Finding]:
        """Reject before any upstream cost when the prompt alone is over a budget."""
        prompt = tokens.prompt_tokens(ctx.request, ctx.model)
        limit = self.config.max_request_tokens
        if limit is not None and prompt > limit:
            return [self.finding(f"the prompt alone is {prompt} tokens, over {limit}", "reject")]
        per_key = self.config.per_key
        if per_key is not None and ctx.budgets is not None:
            used = await ctx.budgets.used(self.name, ctx.key or "anonymous", per_key.window_seconds)
            if used + prompt > per_key.tokens:
                return [
                    self.finding(
                        f"key budget: {used} of {per_key.tokens} tokens used this window; "
                        f"this prompt needs {prompt}",
                        "reject",
                    )
                ]
        return []

    async def prepare(self, answer: str, ctx: CheckContext) -> None:
        """Count what this exchange cost and charge it to the key."""
        usage = ctx.usage or {}
        prompt = usage.get("prompt_tokens") or usage.get("input_tokens")
        completion = usage.get("completion_tokens") or usage.get("output_tokens")
        if not isinstance(prompt, int):
            prompt = tokens.prompt_tokens(ctx.request, ctx.model)
        if not isinstance(completion, int):
            completion = tokens.count(answer, ctx.model)
        total = prompt + completion
        ctx.notes[self.name] = total
        per_key = self.config.per_key
        if per_key is not None and ctx.budgets is not None:
            await ctx.budgets.add(self.name, ctx.key or "anonymous", per_key.window_seconds, total)

    def check(self, answer: str, ctx: CheckContext) -> list[Finding]:
        total = ctx.notes.get(self.name, 0)
        limit = self.config.max_request_tokens
        if limit is not None and total > limit:
            return [
                self.finding(
                    f"{total} tokens (prompt + completion), over {limit}", self.config.action
                )
            ]
        return []
