"""Request shapes of the three completion APIs, validated once at the edge.

Only what groundrail reads is declared; every other field is kept as sent (extra="allow"), so
new OpenAI parameters pass through without a gateway release. Every optional field accepts
null as "not set", as the OpenAI API does.
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from groundrail.openai.errors import bad_request
from groundrail.validation import problems

OPTIONS_FIELD = "groundrail"


class ContextDocument(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str | None = None
    text: str


def _unique_ids(documents: list[str | ContextDocument]) -> list[str | ContextDocument]:
    """Documents' ids name their evidence: one id for two documents would mix them up."""
    seen: set[str] = set()
    for item in documents:
        if isinstance(item, ContextDocument) and item.id is not None:
            if item.id in seen:
                raise ValueError(f"document id {item.id!r} is given twice; ids must be unique")
            seen.add(item.id)
    return documents


Documents = Annotated[list[str | ContextDocument], AfterValidator(_unique_ids)]


class GroundrailOptions(BaseModel):
    """The gateway's own per-request options: `extra_body={"groundrail": {...}}` in the SDK."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    context: Documents | None = Field(None, description="documents the answer must be grounded in")
    policy: str | None = Field(None, description="name of the policy to apply")
    question: str | None = Field(None, description="the question the answer responds to")


class _Loose(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class Message(_Loose):
    role: str
    content: str | list[Any] | None = None


class ChatRequest(_Loose):
    model: str
    messages: list[Message] = Field(min_length=1)
    stream: bool | None = None


class CompletionRequest(_Loose):
    model: str
    prompt: str | list[Any]
    stream: bool | None = None


class ResponsesRequest(_Loose):
    model: str
    input: str | list[Any] | None = None
    stream: bool | None = None


SHAPES: dict[str, type[_Loose]] = {
    "/v1/chat/completions": ChatRequest,
    "/v1/completions": CompletionRequest,
    "/v1/responses": ResponsesRequest,
}


class ParsedRequest:
    """A validated completion request: the body to forward and the gateway's own options."""

    __slots__ = ("body", "model", "options", "raw", "stream")

    def __init__(
        self,
        body: dict[str, Any],
        options: GroundrailOptions,
        model: str,
        stream: bool,
        raw: bytes | None = None,
    ) -> None:
        self.body = body  # what goes upstream, without the `groundrail` field
        self.options = options
        self.raw = raw  # the client's bytes, while they are still what goes upstream
        self.model = model
        self.stream = stream

    @classmethod
    def stored(cls, model: str, stream: bool) -> ParsedRequest:
        """A stored answer read back: no request carried documents, a question or options."""
        return cls({}, GroundrailOptions(), model, stream)

    def upstream_bytes(self) -> bytes:
        return self.raw if self.raw is not None else orjson.dumps(self.body)


def parse_json_object(raw: bytes) -> dict[str, Any]:
    if not raw.strip():
        raise bad_request("The request body is empty; send a JSON object.")
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise bad_request(f"The request body is not valid JSON: {exc}.") from exc
    if not isinstance(body, dict):
        raise bad_request(f"The request body must be a JSON object, got {type(body).__name__}.")
    return body


def parse_completion(path: str, raw: bytes) -> ParsedRequest:
    body = parse_json_object(raw)
    had_options = OPTIONS_FIELD in body
    options_raw = body.pop(OPTIONS_FIELD, None)
    try:
        shape = SHAPES[path].model_validate(body)
    except ValidationError as exc:
        raise validation_error(exc) from exc
    try:
        options = GroundrailOptions.model_validate(options_raw or {})
    except ValidationError as exc:
        raise validation_error(exc, prefix=OPTIONS_FIELD) from exc
    model, stream = getattr(shape, "model"), bool(getattr(shape, "stream"))  # noqa: B009
    return ParsedRequest(body, options, model, stream, None if had_options else raw)


def validation_error(exc: ValidationError, prefix: str | None = None) -> Exception:
    """A pydantic error as a 400 that names the field, the value and what was wrong."""
    problem = problems(exc)[0]
    param = ".".join(p for p in (prefix, problem.field) if p) or None
    if problem.missing:
        return bad_request(f"Missing required parameter: '{param}'.", param)
    return bad_request(f"Invalid value for '{param}': {problem.detail}.", param)
