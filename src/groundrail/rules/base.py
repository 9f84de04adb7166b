"""The rule contract: a rule reads an answer (and its request) and reports findings.

A rule never edits the answer and never picks the final action; the policy's decision step
combines every rule's findings. Rewrites are span edits (`Finding.spans` + `replacement`), so a
redaction and the removal of an unsupported sentence compose.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from groundrail.budgets import Budgets
from groundrail.grounding.engine import GroundingEngine, GroundingResult
from groundrail.grounding.windows import Document

Action = Literal["pass", "flag", "rewrite", "reject", "retry"]
Severity = Literal["info", "low", "medium", "high", "critical"]
OnError = Literal["pass", "flag", "reject"]
# Where a client sees text: the answer, the model's reasoning, a tool call's arguments.
Part = Literal["content", "reasoning", "arguments"]


class RuleConfig(BaseModel):
    """Fields every rule has; each kind subclasses it with `kind: Literal["…"]` and its own."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(description="unique within the policy; `extends` merges lists by it")
    severity: Severity = "medium"
    timeout_ms: float = Field(200.0, gt=0, description="a rule slower than this has failed")
    on_error: OnError = Field("flag", description="what a failed or timed-out rule means")


class TextRuleConfig(RuleConfig):
    """Rules that match text (PII, regex, banned terms) judge it wherever a client sees it: the
    answer, its reasoning and the arguments of its tool calls, as these fields say."""

    action: Action = "flag"
    reasoning: bool = Field(
        True, description="also check reasoning text (`reasoning_content`, reasoning summaries)"
    )
    tool_arguments: Literal["skip", "flag", "rewrite", "reject"] = Field(
        "flag",
        description="the action a finding in a tool call's arguments gets; skip: not checked",
    )

    def reads(self, part: Part) -> bool:
        if part == "reasoning":
            return self.reasoning
        return part == "content" or self.tool_arguments != "skip"

    def action_in(self, part: Part) -> Action:
        """The action a finding in `part` asks for: tool arguments have their own."""
        if part == "arguments" and self.tool_arguments != "skip":
            return self.tool_arguments
        return self.action


@dataclass(slots=True, frozen=True)
class Finding:
    rule: str  # the rule's name in the policy
    kind: str
    message: str
    suggested_action: Action
    severity: Severity = "medium"
    spans: tuple[tuple[int, int], ...] = ()  # character offsets into the answer
    replacement: str | None = None  # rewrite: each span becomes this ("" removes it)
    score: float | None = None
    signal: str | None = None  # what drove it (grounding: nli, missing_numbers …)
    where: str | None = None  # the field it is about (choices[1].message.reasoning_content)


@dataclass(slots=True)
class CheckContext:
    """What a rule may read about the exchange. Built once per check by the policy engine."""

    path: str  # /v1/chat/completions, /v1/completions or /v1/responses
    request: dict[str, Any]  # the request body as sent upstream
    model: str
    documents: list[Document] = field(default_factory=list)  # the grounding context
    tenant: str | None = None
    grounding: GroundingResult | None = None  # set when the policy has a grounding rule
    logprobs: list[tuple[int, int, float]] | None = None  # (start, end, logprob) per token
    key: str | None = None  # who pays: the tenant, else a digest of the client's API key
    usage: dict[str, Any] | None = None  # the upstream's token usage, when it reported one
    budgets: Budgets | None = None  # token counters shared by every request
    grounding_engine: GroundingEngine | None = None  # for rules that ground on their own
    notes: dict[str, Any] = field(default_factory=dict)  # a rule's per-request scratch, by name
    fragment: bool = False  # the answer is one sentence of a stream, not the whole of it
    part: Part = "content"  # what the text is: the answer, reasoning or tool-call arguments


ConfigT = TypeVar("ConfigT", bound=RuleConfig)


class Rule(ABC, Generic[ConfigT]):
    kind: ClassVar[str]
    Config: ClassVar[type[RuleConfig]]
    # Can judge one sentence of a stream on its own (PII, regex …), or needs the whole answer
    # (a JSON schema, citations across the answer …) and runs when the stream ends.
    fragmentary: ClassVar[bool] = True
    # Its rewrites replace what it matched (a redaction), never whole sentences, so they can be
    # made inside a JSON value or a code block.
    redacts: ClassVar[bool] = False
    # Judges the exchange, not one answer (a token budget): runs on the first answer only when
    # a response has several.
    per_exchange: ClassVar[bool] = False
    # Its check only reads what was worked out before it (the grounding result), so it runs on
    # the event loop; every other check runs in a worker thread, under its timeout_ms.
    inline: ClassVar[bool] = False

    def __init__(self, config: ConfigT) -> None:
        self.config = config
        self.name = config.name

    def reads(self, part: Part) -> bool:
        """Whether the rule judges text of `part`; every rule reads the answer, text rules read
        reasoning and tool arguments as their config says."""
        config: RuleConfig = self.config
        return config.reads(part) if isinstance(config, TextRuleConfig) else part == "content"

    @abstractmethod
    def check(self, answer: str, ctx: CheckContext) -> list[Finding]:
        """Findings about `answer` (the completion's text); [] when the rule is satisfied."""

    async def prepare(self, answer: str, ctx: CheckContext) -> None:
        """Async work before `check` (model calls of its own), kept in ctx.notes[self.name]."""

    async def precheck(self, ctx: CheckContext) -> list[Finding]:
        """Findings before the upstream call (a budget the prompt alone exceeds …); most rules
        can only judge an answer and say nothing here."""
        return []

    def finding(self, message: str, action: Action, **fields: Any) -> Finding:
        return Finding(
            rule=self.name,
            kind=self.kind,
            message=message,
            suggested_action=action,
            severity=fields.pop("severity", self.config.severity),
            **fields,
        )
