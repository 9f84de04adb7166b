"""The guarded answer: run the request's policy over a completion and apply the decision."""

from __future__ import annotations

import asyncio
import functools
import hashlib
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from aiohttp import web
from multidict import CIMultiDict

from groundrail.grounding.context import extract, question_of
from groundrail.grounding.windows import Document
from groundrail.observe import metrics
from groundrail.openai.answers import (
    Text,
    answer_logprobs,
    is_completion,
    json_object,
    refusing,
    texts,
    with_instruction,
    with_texts,
    without_logprobs,
)
from groundrail.openai.errors import GatewayError
from groundrail.openai.requests import ParsedRequest
from groundrail.policy.choices import Judged, Outcome, combine, fall_back, judge
from groundrail.policy.decision import RANK
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
    api_path,
)
from groundrail.server.feedback import remember

ADDED_LOGPROBS = web.RequestKey("groundrail.added_logprobs", bool)
INLINE_EVIDENCE_BYTES = 64 * 1024  # larger requests' documents are read off the event loop
# An upstream call: request bytes -> (status, response headers, response body)
Call = Callable[[bytes], Awaitable[tuple[int, CIMultiDict[str], bytes]]]


async def respond(
    request: web.Request,
    parsed: ParsedRequest,
    policy: LoadedPolicy,
    reply: tuple[int, CIMultiDict[str], bytes],
    call: Call | None,
) -> web.Response:
    """The upstream's answer judged and decided on (asked again with `call` while a rule
    says retry; a stored answer read back has no `call`: the retry's fallback applies). An
    upstream error goes out as it is (an error body in a 200 too); a 2xx whose body is no
    completion of its API cannot be checked and becomes a 502 (shadow mode relays it); a
    completion with no text at all (an empty or filtered answer) is judged as the empty
    answer, so it still gets a verdict and an audit record (grounding: not evaluated)."""
    status, headers, raw = reply
    if not policy.rules:  # nothing to check: the upstream's bytes, as they are
        headers["x-groundrail-verdict"] = "pass"
        headers["x-groundrail-policy"] = policy.label
        return web.Response(status=status, body=raw, headers=headers)
    retry = policy.policy.actions.retry
    body, path = parsed.body, api_path(request)
    attempts = 0
    while True:
        if status // 100 != 2:  # an upstream error: as is
            return web.Response(status=status, body=raw, headers=headers)
        data = json_object(raw)
        if data is not None and not is_completion(path, data) and "error" in data:
            return web.Response(status=status, body=raw, headers=headers)  # an error in a 200
        if data is None or not is_completion(path, data):
            return _unreadable(policy, status, headers, raw)
        judged = await _judge(request, parsed, policy, body, data, texts(path, data))
        if call is None or attempts == retry.max_attempts:  # none to ask, or no more asking
            break
        if combine(judged).verdict.decision.action != "retry":
            break
        attempts += 1
        body = with_instruction(path, parsed.body, retry.instruction)
        status, headers, raw = await call(orjson.dumps(body))
    judged = [fall_back(j, retry.fallback) for j in judged]  # the retries did not help
    if request.get(ADDED_LOGPROBS, False):
        data = without_logprobs(data)
    return _render(request, combine(judged), data, status, headers)


async def respond_items(
    request: web.Request,
    select: Callable[[str], LoadedPolicy],
    reply: tuple[int, CIMultiDict[str], bytes],
    listed: bool,
) -> web.Response:
    """Stored answers read back in a list (`GET /v1/chat/completions`, a conversation's
    items; `listed`) or as one conversation item: each answer judged as a fresh one of its
    API (`api_path`; no documents: grounding not evaluated) under the policy its model
    selects (`select`), and rewritten in place; a rejected one carries the reject message in
    place (a list has no one error to give: the other answers still go out); a user's own
    message is no answer and goes out as it is. The response's verdict headers, log line
    and audit record are the strongest answer's, and the audit record lists each answer's
    verdict (`items`). An upstream error goes out as it is, a 2xx that is no list 502s."""
    status, headers, raw = reply
    data = json_object(raw) if status // 100 == 2 else None
    if status // 100 != 2 or (data is not None and data.get("error")):
        return web.Response(status=status, body=raw, headers=headers)  # an error: as it is
    entries = data.get("data") if listed and data is not None else [data]
    if data is None or not isinstance(entries, list):
        return _unreadable(select(""), status, headers, raw)
    path = api_path(request)
    out: list[Any] = []
    decided: list[tuple[str, Outcome]] = []
    for entry in entries:
        answer = _stored_answer(path, entry)
        model = answer.get("model") if answer is not None else None
        model = model if isinstance(model, str) else ""
        policy = select(model)
        if answer is None or not policy.rules:  # a user's message, no answer, nothing to check
            out.append(entry)
            continue
        parsed = ParsedRequest.stored(model, stream=False)
        judged = await _judge(request, parsed, policy, {}, answer, texts(path, answer))
        outcome = combine([fall_back(j, policy.policy.actions.retry.fallback) for j in judged])
        decision = outcome.verdict.decision
        metrics.VERDICTS.labels(policy.policy.name, decision.action, decision.intended).inc()
        applied = _applied(request, outcome, answer)
        if answer is not entry:  # a conversation item: the one output item, with its verdict
            # (a refused one keeps its id, so the list's first_id / last_id still name it)
            applied = {
                **applied["output"][0],
                "id": entry.get("id"),
                "groundrail": applied["groundrail"],
            }
        out.append(applied)
        decided.append((str(entry.get("id", "")), outcome))
    if not decided:  # nothing was judged: as it came
        headers["x-groundrail-verdict"] = "pass"
        headers["x-groundrail-policy"] = select("").label
        return web.Response(status=status, body=raw, headers=headers)
    strongest = max(decided, key=lambda d: RANK[d[1].verdict.decision.action])[1]
    response = _headed(request, strongest, headers)
    request[AUDIT_RECORD]["items"] = [
        {"id": item_id, "verdict": o.verdict.decision.action} for item_id, o in decided
    ]
    body = {**data, "data": out} if listed else out[0]
    return web.Response(status=status, body=orjson.dumps(body), headers=response)


def _stored_answer(path: str, entry: Any) -> dict[str, Any] | None:
    """A stored entry as a completion of its API: a chat completion as it is, a conversation
    item as a response of one output item; None for a user's, system's or developer's
    message and a tool's output sent back (the conversation's input) and for what is no
    completion."""
    if not isinstance(entry, dict):
        return None
    if not path.endswith("/responses"):
        return entry if is_completion(path, entry) else None
    if entry.get("type") == "message" and entry.get("role") in ("user", "system", "developer"):
        return None
    if str(entry.get("type", "")).endswith("_output"):  # a tool's result sent back: input
        return None
    return {"object": "response", "model": entry.get("model", ""), "output": [entry]}


def _unreadable(
    policy: LoadedPolicy, status: int, headers: CIMultiDict[str], raw: bytes
) -> web.Response:
    """A 2xx whose body is no completion (an event stream to a request that asked for none,
    HTML from a proxy in between, another API's shape): nothing in it can be checked, so
    it does not go out."""
    if policy.policy.mode == "shadow":  # shadow never changes an answer
        return web.Response(status=status, body=raw, headers=headers)
    kind = headers.get("Content-Type", "no content type")
    raise GatewayError(
        502,
        "upstream_invalid_response",
        f"The upstream answered with a body that is not a JSON completion ({kind}); "
        "the gateway sends out only answers it has checked.",
    )


async def _judge(
    request: web.Request,
    parsed: ParsedRequest,
    policy: LoadedPolicy,
    body: dict[str, Any],
    response: dict[str, Any],
    found: list[Text],
) -> list[Judged]:
    """Each text judged (`choices.judge`); a response with none, as one empty answer."""
    path = api_path(request)
    usage = response.get("usage")
    documents, question = await evidence(request, parsed, policy, body)

    def context(text: Text) -> CheckContext:
        return CheckContext(
            path=path,
            request=body,
            model=parsed.model,
            documents=documents,
            key=client_key(request),
            usage=usage if isinstance(usage, dict) else None,
            logprobs=answer_logprobs(path, response, text) if text.part == "content" else None,
            part=text.part,
        )

    engine = request.app[POLICY_ENGINE]
    found = found or [Text(0, "content", (), "")]
    return await judge(engine, policy, context, found, question, request[REQUEST_ID])


async def evidence(
    request: web.Request, parsed: ParsedRequest, policy: LoadedPolicy, body: dict[str, Any]
) -> tuple[list[Document], str | None]:
    """The documents and the question of a request's `body` (`context.extract`,
    `question_of`); those of a request over `INLINE_EVIDENCE_BYTES` are read in a worker
    thread, so that the event loop never waits on a large prompt (about 2 s a MB)."""
    path, sources = api_path(request), policy.policy.context.sources

    def read() -> tuple[list[Document], str | None]:
        documents = extract(path, body, parsed.options, sources)
        return documents, question_of(path, body, parsed.options)

    if (request.content_length or 0) <= INLINE_EVIDENCE_BYTES:
        return read()
    return await asyncio.to_thread(read)


async def precheck(request: web.Request, parsed: ParsedRequest, policy: LoadedPolicy) -> None:
    """Refuse before the upstream call when a rule says the request alone breaks the policy
    (in shadow mode it is only recorded)."""
    if not request.app[POLICY_ENGINE].prechecking(policy):
        return
    ctx = CheckContext(
        path=api_path(request), request=parsed.body, model=parsed.model, key=client_key(request)
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
    if api_path(request).endswith("/responses") or parsed.body.get("logprobs"):
        return
    if request.app[POLICY_ENGINE].wants_logprobs(policy):
        parsed.body["logprobs"] = True if api_path(request).endswith("/chat/completions") else 1
        parsed.raw = None
        request[ADDED_LOGPROBS] = True


def client_key(request: web.Request) -> str:
    """Who a request is charged to: its tenant, else a digest of its API key (never the key
    itself); worked out once per request."""
    if CLIENT_KEY not in request:
        request[CLIENT_KEY] = (
            request[TENANT]
            if TENANT in request
            else _key_digest(request.headers.get("Authorization", ""))
        )
    return request[CLIENT_KEY]


@functools.lru_cache(maxsize=4096)  # a few API keys make every request
def _key_digest(auth: str) -> str:
    return "key-" + hashlib.sha256(auth.encode()).hexdigest()[:16] if auth else "anonymous"


def _render(
    request: web.Request,
    outcome: Outcome,
    data: dict[str, Any],
    status: int,
    upstream_headers: CIMultiDict[str],
) -> web.Response:
    decision, policy = outcome.verdict.decision, outcome.verdict.policy.policy
    metrics.VERDICTS.labels(policy.name, decision.action, decision.intended).inc()
    headers = _headed(request, outcome, upstream_headers)
    reject = policy.actions.reject
    if decision.action == "reject" and policy.reject_as == "error":
        error = GatewayError(reject.status, "groundrail_policy_rejected", reject.message)
        body = {**error.body(), "groundrail": request[AUDIT_RECORD]["groundrail"]}
        headers["Content-Type"] = "application/json"
        return web.Response(status=reject.status, body=orjson.dumps(body), headers=headers)
    body = _applied(request, outcome, data)
    return web.Response(status=status, body=orjson.dumps(body), headers=headers)


def _headed(
    request: web.Request, outcome: Outcome, upstream_headers: CIMultiDict[str]
) -> CIMultiDict[str]:
    """The response's verdict headers, with its log line, feedback and audit record."""
    verdict = outcome.verdict
    decision = verdict.decision
    request[LOG].update(
        verdict=decision.action, intended=decision.intended, policy=verdict.policy.label
    )
    remember(request, verdict)
    headers = CIMultiDict(upstream_headers)
    headers["x-groundrail-verdict"] = decision.action
    headers["x-groundrail-policy"] = verdict.policy.label
    if verdict.support is not None:
        headers["x-groundrail-support"] = f"{verdict.support:.2f}"
    if verdict.grounding is not None and verdict.grounding.cache != "off":
        headers["x-groundrail-cache"] = verdict.grounding.cache
    audit(
        request,
        verdict,
        verdict.as_dict(),
        decision.text if decision.action == "rewrite" else None,
    )
    return headers


def _applied(request: web.Request, outcome: Outcome, data: dict[str, Any]) -> dict[str, Any]:
    """A completion with its decision applied: rejected choices given the reject message,
    rewritten texts in place, the verdict in its `groundrail` field."""
    reject = outcome.verdict.policy.policy.actions.reject
    refused = {i for i, action in outcome.choices.items() if action == "reject"}
    if refused:
        data = refusing(api_path(request), data, refused, reject.message)
    data = with_texts(data, [(t, new) for t, new in outcome.rewritten if t.choice not in refused])
    return {**data, "groundrail": outcome.verdict.as_dict()}


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
