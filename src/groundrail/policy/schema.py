"""The policy file contract: pydantic models for what users write in YAML."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from groundrail.config import ContextSource

Mode = Literal["enforce", "shadow"]
Streaming = Literal["buffer", "sentence", "observe"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Match(_Strict):
    models: list[str] = Field(default_factory=list, description="glob patterns on the model")
    keys: list[str] = Field(default_factory=list, description="gateway keys or tenant names")
    paths: list[str] = Field(default_factory=list, description="e.g. /v1/chat/completions")


class ContextConfig(_Strict):
    sources: list[ContextSource] | None = Field(
        None,
        description="where evidence comes from, in order; default: the request's "
        "groundrail.context when it has one, else tool results, system documents and "
        "documents pasted into user turns (never the question or the instructions)",
    )


class RejectConfig(_Strict):
    status: Annotated[int, Field(ge=400, le=599)] = Field(422, description="HTTP status")
    message: str = Field(
        "The answer could not be verified against your documents.",
        description="the error message, or the answer text with reject_as: completion",
    )


class RetryConfig(_Strict):
    max_attempts: Annotated[int, Field(ge=1, le=5)] = Field(
        1, description="extra upstream calls before the fallback"
    )
    instruction: str = Field(
        "Answer only from the provided documents. If they do not contain the answer, say so.",
        description="added as a system message (instructions, for the Responses API)",
    )
    fallback: Literal["flag", "rewrite", "reject"] = Field(
        "reject", description="what happens when the retries did not help"
    )


class Actions(_Strict):
    reject: RejectConfig = Field(RejectConfig(), description="what a rejection looks like")
    retry: RetryConfig = Field(RetryConfig(), description="how a retry is made")


class Policy(_Strict):
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")] = Field(
        description="unique across the directory; `default` is the fallback policy"
    )
    description: str = Field("", description="for people reading the file")
    extends: str | None = Field(None, description="a policy whose rules this one inherits")
    match: Match = Field(Match(), description="which requests this policy governs")
    mode: Mode = Field("enforce", description="shadow: evaluate and record, never change")
    streaming: Streaming = Field("sentence", description="how streamed answers are checked")
    reject_as: Literal["error", "completion"] = Field(
        "error", description="completion: a normal answer whose text is the reject message"
    )
    structured_output: Literal["flag", "reject"] = Field(
        "flag",
        description="what a rewrite that would cut JSON (removing a sentence from it) becomes",
    )
    context: ContextConfig = Field(ContextConfig(), description="where grounding context is")
    rules: list[dict[str, Any]] = Field(
        default_factory=list, description="each validated by the model of its `kind`"
    )
    actions: Actions = Field(Actions(), description="how reject and retry behave")

    @field_validator("rules")
    @classmethod
    def _unique_names(cls, rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
        names = [r.get("name") for r in rules]
        dupes = sorted({str(n) for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"rule names must be unique within a policy, repeated: {dupes}")
        return rules
