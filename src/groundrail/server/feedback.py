"""POST /v1/feedback, GET /v1/feedback/stats and /v1/feedback/export."""

from __future__ import annotations

import time
from datetime import datetime

import orjson
from aiohttp import web
from pydantic import ValidationError

from groundrail.observe.feedback import FeedbackRequest
from groundrail.openai.errors import bad_request
from groundrail.openai.requests import parse_json_object, validation_error
from groundrail.policy.engine import Verdict
from groundrail.server.context import FEEDBACK, REQUEST_ID


def remember(request: web.Request, verdict: Verdict) -> None:
    """Keep a guarded exchange open to feedback under its request id."""
    request.app[FEEDBACK].remember(
        request[REQUEST_ID],
        verdict.policy.label,
        getattr(verdict.grounding, "model", ""),
        verdict.documents,
        verdict.answer,
        verdict.question,
        verdict.decision.action,
        verdict.finding_dicts(),
        verdict.grounding,
    )


async def submit(request: web.Request) -> web.Response:
    try:
        feedback = FeedbackRequest.model_validate(parse_json_object(await request.read()))
    except ValidationError as exc:
        raise validation_error(exc) from exc
    result = await request.app[FEEDBACK].submit(feedback)
    return web.Response(body=orjson.dumps(result), content_type="application/json", status=201)


async def stats(request: web.Request) -> web.Response:
    window = positive_number(request, "window_seconds", 24 * 3600.0)
    result = await request.app[FEEDBACK].stats(window)
    return web.Response(body=orjson.dumps(result), content_type="application/json")


async def export(request: web.Request) -> web.Response:
    """JSON lines, oldest first: `?since=` takes epoch seconds or an ISO date."""
    since = parse_since(request.query.get("since", "0"))
    entries = await request.app[FEEDBACK].export(since)
    body = b"".join(orjson.dumps(e) + b"\n" for e in entries)
    return web.Response(body=body, content_type="application/x-ndjson")


def parse_since(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError as exc:
        raise bad_request(
            f"Invalid value for 'since': {value!r}; use epoch seconds or an ISO date "
            "(2026-11-01 or 2026-11-01T12:00:00+00:00).",
            "since",
        ) from exc


def positive_number(request: web.Request, name: str, default: float) -> float:
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise bad_request(f"Invalid value for '{name}': {raw!r}; a positive number.", name)
    return min(value, time.time())
