"""The guarded answer: run the request's policy over a completion and apply the decision."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from aiohttp import web
from multidict import CIMultiDict

from groundrail.grounding.context import extract, question_of
from groundrail.observe import metrics
from groundrail.openai.answers import (
    answer_logprobs,
    answer_text,
    with_instruction,
    with_text,
    without_logprobs,
)
from groundrail.openai.errors import GatewayError
from groundrail.openai.requests import ParsedRequest
from groundrail.policy.decision import decide
from groundrail.policy.engine import Verdict
from groundrail.policy.loader import LoadedPolicy
from groundrail.rules.base import CheckContext
from groundrail.server.context import (
    AUDIT_RECORD,
    CLIENT_KEY,
    LOG,
    POLICY_ENGINE,
    REQUEST_ID,
    TENANT,
)
from groundrail.server.feedback import remember

ADDED_LOGPROBS = "groundrail.added_logprobs"
# An upstream call: request bytes -> (status, response headers, response body)
Call = Callable[[bytes], Awaitable[tuple[int, CIMultiDict[str], bytes]]]


async def respond(
    request: web.Request,
    parsed: ParsedRequest,
    policy: LoadedPolicy,
    reply: tuple[int, CIMultiDict[str], bytes],
    call: Call,
) -> web.Response:
    status, headers, raw = reply
    if not policy.rules:  # nothing to check: the upstream's bytes, as they are
        headers["x-groundrail-verdict"] = "pass"
        headers["x-groundrail-policy"] = policy.label
        return web.Response(status=status, body=raw, headers=headers)
    strip_logprobs = request.get(ADDED_LOGPROBS, False)
    data = _json_object(raw) if status == 200 else None
    answer = answer_text(request.path, data) if data is not None else None
    if data is None or answer is None:  # an error, or no text answer (a tool call): as is
        return web.Response(status=status, body=raw, headers=headers)
    verdict = await _evaluate(request, parsed, policy, parsed.body, answer, data)
    retry = policy.policy.actions.retry
    for _ in range(retry.max_attempts):
        if verdict.decision.action != "retry":
            break
        body = with_instruction(request.path, parsed.body, retry.instruction)
        status, headers, raw = await call(orjson.dumps(body))
        data = _json_object(raw) if status == 200 else None
        answer = answer_text(request.path, data) if data is not None else None
        if data is None or answer is None:
            return web.Response(status=status, body=raw, headers=headers)
        verdict = await _evaluate(request, parsed, policy, body, answer, data)
    if verdict.decision.action == "retry":  # the retries did not help
        verdict = _fall_back(verdict, answer, retry.fallback)
    if strip_logprobs:
        data = without_logprobs(data)
    return _render(request, verdict, data, headers)


async def _evaluate(
    request: web.Request,
    parsed: ParsedRequest,
    policy: LoadedPolicy,
    body: dict[str, Any],
    answer: str,
    response: dict[str, Any],
) -> Verdict:
    path = request.path
    usage = response.get("usage")
    ctx = CheckContext(
        path=path,
        request=body,
        model=parsed.model,
        documents=extract(path, body, parsed.options, policy.policy.context.sources),
        key=client_key(request),
        usage=usage if isinstance(usage, dict) else None,
        logprobs=answer_logprobs(path, response),
    )
    question = question_of(path, body, parsed.options)
    return await request.app[POLICY_ENGINE].evaluate(
        policy, ctx, answer, question, request[REQUEST_ID]
    )


async def precheck(request: web.Request, parsed: ParsedRequest, policy: LoadedPolicy) -> None:
    """Refuse before the upstream call when a rule says the request alone breaks the policy
    (in shadow mode it is only recorded)."""
    if not request.app[POLICY_ENGINE].prechecking(policy):
        return
    ctx = CheckContext(
        path=request.path, request=parsed.body, model=parsed.model, key=client_key(request)
    )
    findings = await request.app[POLICY_ENGINE].precheck(policy, ctx)
    refused = [f for f in findings if f.suggested_action == "reject"]
    if not refused:
        return
    request[LOG]["precheck"] = [f.message for f in refused]
    if policy.policy.mode == "shadow":
        return
    first = refused[0]
    if first.kind == "token_budget":
        raise GatewayError(429, "groundrail_budget_exceeded", f"Token budget: {first.message}.")
    raise GatewayError(422, "groundrail_policy_rejected", f"{first.rule}: {first.message}.")


def request_logprobs(request: web.Request, parsed: ParsedRequest, policy: LoadedPolicy) -> None:
    """An uncertainty rule may need the upstream's logprobs the client did not ask for: ask,
    and remember to strip them from the reply."""
    if request.path.endswith("/responses") or parsed.body.get("logprobs"):
        return
    if request.app[POLICY_ENGINE].wants_logprobs(policy):
        parsed.body["logprobs"] = True if request.path.endswith("/chat/completions") else 1
        parsed.raw = None
        request[ADDED_LOGPROBS] = True


def client_key(request: web.Request) -> str:
    """Who a request is charged to: its tenant, else a digest of its API key (never the key
    itself); worked out once per request."""
    if CLIENT_KEY not in request:
        request[CLIENT_KEY] = (
            str(request[TENANT])
            if TENANT in request
            else _key_digest(request.headers.get("Authorization", ""))
        )
    return str(request[CLIENT_KEY])


@functools.lru_cache(maxsize=4096)  # a few API keys make every request
def _key_digest(auth: str) -> str:
    return "key-" + hashlib.sha256(auth.encode()).hexdigest()[:16] if auth else "anonymous"


def _fall_back(verdict: Verdict, answer: str, action: Any) -> Verdict:
    findings = [
        dataclasses.replace(f, suggested_action=action) if f.suggested_action == "retry" else f
        for f in verdict.findings
    ]
    shadow = verdict.policy.policy.mode == "shadow"
    return dataclasses.replace(
        verdict, findings=findings, decision=decide(findings, answer, shadow)
    )


def _render(
    request: web.Request,
    verdict: Verdict,
    data: dict[str, Any],
    upstream_headers: CIMultiDict[str],
) -> web.Response:
    decision, policy = verdict.decision, verdict.policy.policy
    request[LOG].update(verdict=decision.action, intended=decision.intended)
    remember(request, verdict)
    metrics.VERDICTS.labels(policy.name, decision.action, decision.intended).inc()
    headers = CIMultiDict(upstream_headers)
    headers["x-groundrail-verdict"] = decision.action
    headers["x-groundrail-policy"] = verdict.policy.label
    if verdict.support is not None:
        headers["x-groundrail-support"] = f"{verdict.support:.2f}"
    if verdict.grounding is not None and verdict.grounding.cache != "off":
        headers["x-groundrail-cache"] = verdict.grounding.cache
    extension = verdict.as_dict()
    audit(request, verdict, extension, decision.text if decision.action == "rewrite" else None)
    reject = policy.actions.reject
    if decision.action == "reject" and policy.reject_as == "error":
        error = GatewayError(reject.status, "groundrail_policy_rejected", reject.message)
        body = {**error.body(), "groundrail": extension}
        headers["Content-Type"] = "application/json"
        return web.Response(status=reject.status, body=orjson.dumps(body), headers=headers)
    if decision.action == "reject":
        data = with_text(request.path, data, reject.message)
    elif decision.action == "rewrite" and decision.text is not None:
        data = with_text(request.path, data, decision.text)
    return web.Response(
        status=200, body=orjson.dumps({**data, "groundrail": extension}), headers=headers
    )


def audit(
    request: web.Request, verdict: Verdict, extension: dict[str, Any], rewritten: str | None
) -> None:
    """What the audit record adds to the request's log line: the verdict in full, the answer
    (and the original, when it was rewritten), the context it was judged against."""
    request[AUDIT_RECORD] = {
        "groundrail": extension,
        "answer": rewritten if rewritten is not None else verdict.answer,
        "original_answer": verdict.answer if rewritten is not None else None,
        "question": verdict.question,
        "context": [{"id": d.id, "text": d.text} for d in verdict.documents],
    }


def _json_object(raw: bytes) -> dict[str, Any] | None:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None
