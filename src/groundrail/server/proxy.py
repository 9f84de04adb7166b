"""Route handlers: the completion APIs, the models list, and plain /v1 pass-through."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from aiohttp import web

from groundrail.openai.errors import GatewayError
from groundrail.openai.requests import parse_completion
from groundrail.server import relay
from groundrail.server.context import LOG, POOL, READINESS, REQUEST_ID
from groundrail.upstream.client import Exchange


async def completion(request: web.Request) -> web.StreamResponse:
    parsed = parse_completion(request.path, await request.read())
    request[LOG]["model"] = parsed.model
    exchange = Exchange()
    async with request.app[POOL].send(
        "POST",
        request.path_qs,
        request.headers,
        parsed.upstream_bytes(),
        exchange,
        request[REQUEST_ID],
        model=parsed.model,
    ) as upstream:
        _note(request, exchange)
        if parsed.stream and upstream.status == 200 and _is_sse(upstream.content_type):
            return await relay.sse_through(request, upstream, relay.upstream_events(upstream))
        body = await relay.whole_body(upstream)
        return web.Response(
            status=upstream.status, body=body, headers=relay.response_headers(upstream)
        )


async def models(request: web.Request) -> web.StreamResponse:
    """One upstream: its list as is. Several: their lists merged, first upstream wins a tie."""
    pool = request.app[POOL]
    if len(pool.upstreams) == 1:
        return await passthrough(request)

    async def one(upstream: Any) -> tuple[int, bytes]:
        exchange = Exchange()
        async with pool.send(
            "GET",
            "/v1/models",
            request.headers,
            None,
            exchange,
            request[REQUEST_ID],
            upstream=upstream,
        ) as response:
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
    body = await request.read() if request.can_read_body else None
    model = _model_of(request, body)
    request[LOG]["model"] = model
    exchange = Exchange()
    async with request.app[POOL].send(
        request.method,
        request.path_qs,
        request.headers,
        body,
        exchange,
        request[REQUEST_ID],
        model=model,
    ) as upstream:
        _note(request, exchange)
        if _is_sse(upstream.content_type):
            return await relay.sse_through(request, upstream, relay.upstream_events(upstream))
        return await relay.bytes_through(request, upstream)


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


def _note(request: web.Request, exchange: Exchange) -> None:
    fields = request[LOG]
    fields["upstream"] = exchange.upstream
    fields["attempts"] = exchange.attempts
    if exchange.first_byte_s is not None:
        fields["upstream_first_byte_ms"] = round(exchange.first_byte_s * 1000, 2)


def _is_sse(content_type: str) -> bool:
    return content_type == "text/event-stream"


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
