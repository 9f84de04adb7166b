"""Route handlers: the completion APIs, the models list, and plain /v1 pass-through."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import orjson
from aiohttp import web
from multidict import CIMultiDict

from groundrail.config import UpstreamConfig
from groundrail.openai.answers import json_object
from groundrail.openai.errors import GatewayError
from groundrail.openai.requests import ParsedRequest, parse_completion
from groundrail.policy.loader import LoadedPolicy
from groundrail.server import guard, paths, relay, streaming
from groundrail.server.auth import UPSTREAM_AUTH
from groundrail.server.context import (
    API_PATH,
    LOG,
    POLICIES,
    POOL,
    READINESS,
    REQUEST_ID,
    SETTINGS,
    TENANT,
    api_path,
)
from groundrail.upstream import sse
from groundrail.upstream.client import Body, Exchange, StreamedBody


async def completion(request: web.Request) -> web.StreamResponse:
    parsed = parse_completion(request.path, await request.read())
    policy = _policy(request, parsed)
    await guard.precheck(request, parsed, policy)

    async def call(body: bytes) -> tuple[int, CIMultiDict[str], bytes]:
        started = time.perf_counter()
        async with _send(request, "POST", request.path_qs, body, parsed.model) as upstream:
            headers = relay.response_headers(upstream)
            body = await relay.whole_body(upstream)
        fields = request[LOG]
        fields["upstream_s"] = fields.get("upstream_s", 0.0) + time.perf_counter() - started
        return upstream.status, headers, body

    if parsed.stream:
        async with _send(
            request, "POST", request.path_qs, parsed.upstream_bytes(), parsed.model
        ) as upstream:
            answered = upstream.status // 100 == 2
            if answered and policy.rules and not _is_json(upstream.content_type):
                # an event stream, whatever content type it came with (text/plain, none):
                # only what was checked goes out
                return await streaming.guarded(request, parsed, policy, upstream)
            if answered and _is_sse(upstream.content_type):  # nothing to check: a plain relay
                return await relay.sse_through(request, upstream, relay.upstream_events(upstream))
            headers = relay.response_headers(upstream)
            reply = (upstream.status, headers, await relay.whole_body(upstream))
        # an error, or a whole completion (a server that does not stream): judged as one
        return await guard.respond(request, parsed, policy, reply, call)

    guard.request_logprobs(request, parsed, policy)
    return await guard.respond(request, parsed, policy, await call(parsed.upstream_bytes()), call)


async def stored(request: web.Request) -> web.StreamResponse:
    """A stored answer read back (`GET /v1/responses/{id}`, streamed with `?stream=true` to
    follow a background response; `GET /v1/chat/completions/{id}`) or returned by an update
    or a cancel is text the client has not seen: it goes through the policy as a fresh answer
    does, with no request to take documents or a question from (grounding: not evaluated)."""
    paths.check_forwardable(request)
    route = request.match_info.route.resource
    request[API_PATH] = (route.canonical if route else request.path).partition("/{id}")[0]
    streamed = request.query.get("stream", "").lower() == "true"
    body = await _passthrough_body(request)
    async with _send(request, request.method, request.path_qs, body) as upstream:
        answered = upstream.status // 100 == 2
        if streamed and answered and not _is_json(upstream.content_type):
            events = relay.upstream_events(upstream)
            try:  # its first events name the model, which selects the policy
                first: list[sse.Event] = await anext(events, [])
            except relay.UpstreamBroke as exc:
                error = f"The upstream stream broke off: {exc}."
                raise GatewayError(502, "upstream_unavailable", error) from exc
            parsed = ParsedRequest.stored(_model_in(first), stream=True)
            policy = _policy(request, parsed)
            batches = _after(first, events)
            if not policy.rules:
                return await relay.sse_through(request, upstream, batches)
            return await streaming.guarded(request, parsed, policy, upstream, batches)
        headers = relay.response_headers(upstream)
        reply = (upstream.status, headers, await relay.whole_body(upstream))
    data = json_object(reply[2])
    model = data.get("model") if data is not None else None
    parsed = ParsedRequest.stored(model if isinstance(model, str) else "", stream=False)
    return await guard.respond(request, parsed, _policy(request, parsed), reply, None)


async def stored_items(request: web.Request) -> web.StreamResponse:
    """Stored answers read back in a list (`GET /v1/chat/completions`, `GET
    /v1/conversations/{id}/items`) or one conversation item (`…/items/{item_id}`): text the
    client has not seen, each answer judged as a fresh one of the API that made it
    (`guard.respond_items`; a conversation's items as the Responses API's) under the policy
    its model selects."""
    paths.check_forwardable(request)
    conversation = request.path.startswith("/v1/conversations/")
    request[API_PATH] = "/v1/responses" if conversation else "/v1/chat/completions"

    def select(model: str) -> LoadedPolicy:
        return _policy(request, ParsedRequest.stored(model, stream=False))

    async with _send(request, "GET", request.path_qs, None) as upstream:
        headers = relay.response_headers(upstream)
        reply = (upstream.status, headers, await relay.whole_body(upstream))
    listed = "item_id" not in request.match_info
    return await guard.respond_items(request, select, reply, listed)


def _model_in(events: list[sse.Event]) -> str:
    """The model a Responses stream names in its first events (`response.created`)."""
    for event in events:
        data = json_object(event.data) if event.comment is None else None
        response = data.get("response") if data is not None else None
        if isinstance(response, dict) and isinstance(response.get("model"), str):
            return str(response["model"])
    return ""


async def _after(
    first: list[sse.Event], rest: AsyncIterator[list[sse.Event]]
) -> AsyncIterator[list[sse.Event]]:
    """The events read ahead, then the rest."""
    yield first
    async for batch in rest:
        yield batch


def _policy(request: web.Request, parsed: ParsedRequest) -> LoadedPolicy:
    """The request's policy (header, options, tenant, model, route), noted in its log line."""
    request[LOG]["model"] = parsed.model
    policy = request.app[POLICIES].select(
        request.headers.get("x-groundrail-policy"),
        parsed.options.policy,
        request.get(TENANT),
        parsed.model,
        api_path(request),
    )
    request[LOG]["policy"] = policy.label
    return policy


async def models(request: web.Request) -> web.StreamResponse:
    """One upstream: its list as is. Several: their lists merged, first upstream wins a tie."""
    pool = request.app[POOL]
    if len(pool.upstreams) == 1:
        return await passthrough(request)

    async def one(upstream: UpstreamConfig) -> tuple[int, bytes]:
        async with _send(request, "GET", "/v1/models", None, upstream=upstream) as response:
            return response.status, await relay.whole_body(response)

    results = await asyncio.gather(*(one(u) for u in pool.upstreams), return_exceptions=True)
    merged: dict[str, Any] = {}
    for result in results:
        if isinstance(result, BaseException) or result[0] != 200:
            continue
        for entry in orjson.loads(result[1]).get("data", []):
            merged.setdefault(entry.get("id"), entry)
    if not merged and all(isinstance(r, BaseException) for r in results):
        raise GatewayError(502, "upstream_unavailable", "No upstream answered the models list.")
    return web.json_response(
        {"object": "list", "data": list(merged.values())}, dumps=lambda o: orjson.dumps(o).decode()
    )


async def passthrough(request: web.Request) -> web.StreamResponse:
    paths.check_forwardable(request)  # a completion goes upstream only through the guard
    body = await _passthrough_body(request)
    model = _model_of(request, body) if isinstance(body, bytes) else None
    request[LOG]["model"] = model
    async with _send(request, request.method, request.path_qs, body, model) as upstream:
        if _is_sse(upstream.content_type):
            return await relay.sse_through(request, upstream, relay.upstream_events(upstream))
        return await relay.bytes_through(request, upstream)


async def _passthrough_body(request: web.Request) -> Body:
    """A small JSON body is read, to route by its `model` (embeddings, moderations …); any
    other body (an upload: files, audio) streams upstream as it arrives, never held whole."""
    if not request.body_exists:
        return None
    settings = request.app[SETTINGS]
    limit, length = settings.max_passthrough_body_bytes, request.content_length
    if length is not None and length > limit:
        raise _too_large(length, limit)
    if request.content_type == "application/json" and (length or 0) <= settings.max_body_bytes:
        return await request.read()

    async def chunks() -> AsyncIterator[bytes]:
        size = 0
        async for chunk in request.content.iter_any():
            size += len(chunk)
            if size > limit:  # a chunked upload past the limit: stop sending it
                raise _too_large(size, limit)
            yield chunk

    return StreamedBody(chunks(), length)


def _too_large(size: int, limit: int) -> GatewayError:
    return GatewayError(
        413,
        "groundrail_body_too_large",
        f"The request body ({size} bytes or more) is over this route's limit of {limit} bytes "
        "(setting max_passthrough_body_bytes).",
    )


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    problems = {
        name: reason
        for name, check in request.app[READINESS].items()
        if (reason := check()) is not None
    }
    if problems:
        return web.json_response({"status": "not ready", "checks": problems}, status=503)
    return web.json_response({"status": "ready"})


@asynccontextmanager
async def _send(
    request: web.Request,
    method: str,
    path: str,
    body: Body,
    model: str | None = None,
    upstream: UpstreamConfig | None = None,
) -> AsyncIterator[aiohttp.ClientResponse]:
    """Send upstream with the client's headers; the exchange goes in the request's log line."""
    exchange = Exchange()
    async with request.app[POOL].send(
        method, path, _incoming(request), body, exchange, request[REQUEST_ID], model, upstream
    ) as response:
        _note(request, exchange)
        yield response


def _incoming(request: web.Request) -> Mapping[str, str]:
    """The client's headers, with a gateway key swapped for the tenant's upstream key (or
    removed, so the upstream's own api_key applies); without gateway keys, as they came."""
    if UPSTREAM_AUTH not in request:
        return request.headers
    headers = CIMultiDict(request.headers)
    headers.popall("Authorization", None)
    if request[UPSTREAM_AUTH]:
        headers["Authorization"] = request[UPSTREAM_AUTH]
    return headers


def _note(request: web.Request, exchange: Exchange) -> None:
    fields = request[LOG]
    fields["upstream"] = exchange.upstream
    fields["attempts"] = exchange.attempts
    if exchange.first_byte_s is not None:
        fields["upstream_first_byte_ms"] = round(exchange.first_byte_s * 1000, 2)


def _is_sse(content_type: str) -> bool:
    return content_type == "text/event-stream"


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


def _model_of(request: web.Request, body: bytes | None) -> str | None:
    """The `model` of a JSON body (embeddings, moderations …), for routing; else None."""
    if not body or request.content_type != "application/json":
        return None
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    model = data.get("model") if isinstance(data, dict) else None
    return model if isinstance(model, str) else None
