"""POST /v1/groundrail/check: grounding without an upstream call."""

from __future__ import annotations

import orjson
from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from groundrail.grounding.context import from_options
from groundrail.grounding.report import to_dict
from groundrail.openai.errors import bad_request
from groundrail.openai.requests import Documents, parse_json_object, validation_error
from groundrail.server.context import AUDIT_RECORD, FEEDBACK, GROUNDING, REQUEST_ID


class CheckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    context: Documents = Field(description="the documents to ground in")
    answer: str
    question: str | None = None
    policy: str | None = None


async def check(request: web.Request) -> web.Response:
    body = parse_json_object(await request.read())
    try:
        parsed = CheckRequest.model_validate(body)
    except ValidationError as exc:
        raise validation_error(exc) from exc
    if not parsed.answer.strip():
        raise bad_request("Invalid value for 'answer': it is empty.", "answer")
    documents = from_options(parsed.context)
    result = await request.app[GROUNDING].engine.check(documents, parsed.answer, parsed.question)
    request.app[FEEDBACK].remember(
        request[REQUEST_ID],
        "(check)",
        result.model,
        documents,
        parsed.answer,
        parsed.question,
        result.verdict,
        [],
        result,
    )
    verdict = to_dict(result)
    request[AUDIT_RECORD] = {
        "groundrail": {"verdict": result.verdict, "grounding": verdict},
        "answer": parsed.answer,
        "question": parsed.question,
        "context": [{"id": d.id, "text": d.text} for d in documents],
    }
    response = web.Response(body=orjson.dumps(verdict), content_type="application/json")
    if result.cache != "off":
        response.headers["x-groundrail-cache"] = result.cache
    return response
