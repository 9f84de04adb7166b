"""The policy file contract: pydantic models for what users write in YAML."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from groundrail.config import ALL_SOURCES, ContextSource

Mode = Literal["enforce", "shadow"]
Streaming = Literal["buffer", "sentence", "observe"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Match(_Strict):
    models: list[str] = Field(default_factory=list, description="glob patterns on the model")
    keys: list[str] = Field(default_factory=list, description="gateway keys or tenant names")
    paths: list[str] = Field(default_factory=list, description="e.g. /v1/chat/completions")


class ContextConfig(_Strict):
    sources: list[ContextSource] = Field(
        default_factory=lambda: list(ALL_SOURCES), description="where context comes from"
    )


class RejectConfig(_Strict):
    status: Annotated[int, Field(ge=400, le=599)] = 422
    message: str = "The answer could not be verified against your documents."


class RetryConfig(_Strict):
    max_attempts: Annotated[int, Field(ge=1, le=5)] = 1
    instruction: str = (
        "Answer only from the provided documents. If they do not contain the answer, say so."
    )
    fallback: Literal["flag", "rewrite", "reject"] = Field(
        "reject", description="what happens when the retries did not help"
    )


class Actions(_Strict):
    reject: RejectConfig = RejectConfig()
    retry: RetryConfig = RetryConfig()


class Policy(_Strict):
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    description: str = ""
    extends: str | None = Field(None, description="a policy whose rules this one inherits")
    match: Match = Match()
    mode: Mode = "enforce"
    streaming: Streaming = "sentence"
    reject_as: Literal["error", "completion"] = Field(
        "error", description="completion: a normal answer whose text is the reject message"
    )
    context: ContextConfig = ContextConfig()
    rules: list[dict[str, Any]] = Field(
        default_factory=list, description="each validated by the model of its `kind`"
    )
    actions: Actions = Actions()

    @field_validator("rules")
    @classmethod
    def _unique_names(cls, rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
        names = [r.get("name") for r in rules]
        dupes = sorted({str(n) for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"rule names must be unique within a policy, repeated: {dupes}")
        return rules
