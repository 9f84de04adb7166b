"""Copying upstream responses to the client: whole bodies, byte streams and SSE streams."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import aiohttp
import orjson
from aiohttp import web
from multidict import CIMultiDict

from groundrail.observe import metrics
from groundrail.openai.errors import GatewayError
from groundrail.server.context import CLIENT_GONE, REQUEST_ID
from groundrail.upstream import sse
from groundrail.upstream.client import HOP_BY_HOP

log = logging.getLogger("groundrail.relay")
# What aiohttp raises when an upstream body ends early or stalls past its timeout.
UPSTREAM_READ_ERRORS = (aiohttp.ClientPayloadError, aiohttp.ClientConnectionError, TimeoutError)


class UpstreamBroke(Exception):
    """The upstream failed after the response started."""


class ClientGone(Exception):
    """The client closed its connection."""


def response_headers(upstream: aiohttp.ClientResponse) -> CIMultiDict[str]:
    return CIMultiDict((k, v) for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP)


async def whole_body(upstream: aiohttp.ClientResponse) -> bytes:
    try:
        return await upstream.read()
    except UPSTREAM_READ_ERRORS as exc:
        raise GatewayError(
            502, "upstream_unavailable", f"The upstream response broke off: {exc!r}."
        ) from exc


async def bytes_through(
    request: web.Request, upstream: aiohttp.ClientResponse
) -> web.StreamResponse:
    """Pass any body through chunk by chunk (files, audio, other /v1 routes)."""
    out = web.StreamResponse(status=upstream.status, headers=response_headers(upstream))
    await out.prepare(request)
    try:
        async for chunk in upstream.content.iter_any():
            await out.write(chunk)
    except UPSTREAM_READ_ERRORS as exc:
        _count_failure(request, "upstream_broke", exc)
        return out  # headers are gone already: closing short is the only signal left
    except ConnectionResetError as exc:
        client_gone(request, exc)
        return out
    await out.write_eof()
    return out


async def upstream_events(upstream: aiohttp.ClientResponse) -> AsyncIterator[list[sse.Event]]:
    """The upstream's SSE events as they arrive, those of one network read together; a broken
    stream raises UpstreamBroke."""
    parser = sse.SSEParser()
    try:
        async for chunk in upstream.content.iter_any():
            events = parser.feed(chunk)
            if events:
                yield events
    except UPSTREAM_READ_ERRORS as exc:
        raise UpstreamBroke(repr(exc) or type(exc).__name__) from exc


async def sse_through(
    request: web.Request,
    upstream: aiohttp.ClientResponse,
    batches: AsyncIterator[list[sse.Event]],
) -> web.StreamResponse:
    """Re-emit SSE events as they come (one write per batch: nothing waits for a later event);
    end with an error event if they break."""
    headers = response_headers(upstream)
    headers["Cache-Control"] = "no-cache"
    out = web.StreamResponse(status=upstream.status, headers=headers)
    await out.prepare(request)
    try:
        async for batch in batches:
            await _write(out, b"".join(event.encode() for event in batch))
    except UpstreamBroke as exc:
        _count_failure(request, "upstream_broke", exc)
        error = GatewayError(502, "upstream_stream_error", f"The upstream stream broke off: {exc}.")
        try:
            await _write(out, error_event(request.path, error).encode())
        except ClientGone:
            return out
    except ClientGone as exc:
        client_gone(request, exc)
        return out
    await out.write_eof()
    return out


async def _write(out: web.StreamResponse, data: bytes) -> None:
    try:
        await out.write(data)
    except ConnectionResetError as exc:
        raise ClientGone(str(exc)) from exc


def error_event(path: str, error: GatewayError) -> sse.Event:
    """The error event a client's SDK raises on: `error` events for the Responses API,
    a data-only `{"error": …}` chunk for chat and legacy completions."""
    body = error.body()
    if path.endswith("/responses"):
        payload = {"type": "error", **body["error"], **body}
        return sse.Event(orjson.dumps(payload).decode(), event="error")
    return sse.Event(orjson.dumps(body).decode())


def client_gone(request: web.Request, exc: BaseException) -> None:
    """The client hung up mid-response: recorded as client-closed (499), not a server error."""
    request[CLIENT_GONE] = True
    _count_failure(request, "client_disconnected", exc)


def _count_failure(request: web.Request, reason: str, exc: BaseException) -> None:
    route = request.match_info.route.resource
    metrics.STREAM_FAILURES.labels(route.canonical if route else "", reason).inc()
    log.warning(
        "stream ended abnormally",
        extra={"request_id": request[REQUEST_ID], "reason": reason, "error": str(exc)},
    )
