"""Request id, OpenAI-shaped errors and the one structured log line per request."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import time
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from groundrail.observe import metrics, tracing
from groundrail.openai.errors import GatewayError
from groundrail.server.context import AUDIT, AUDIT_RECORD, CLIENT_GONE, LOG, REQUEST_ID, TENANT

log = logging.getLogger("groundrail.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
REQUEST_ID_HEADER = "x-groundrail-request-id"
CLIENT_CLOSED = 499  # nginx's status for a client that closed the connection before the end


def request_id(request: web.Request) -> str:
    incoming = request.headers.get("x-request-id", "")
    return incoming if _SAFE_ID.match(incoming) else f"req_{os.urandom(16).hex()}"


@web.middleware
async def gateway_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    request[REQUEST_ID] = request_id(request)
    fields: dict[str, Any] = {"model": None, "upstream": None}
    request[LOG] = fields
    started = time.perf_counter()
    status = 500
    metrics.IN_FLIGHT.inc()
    try:
        with tracing.span(
            "groundrail.request",
            **{"http.route": request.path, "groundrail.request_id": request[REQUEST_ID]},
        ):
            response = await handler(request)
        status = response.status
        return response
    except GatewayError as exc:
        status = exc.status
        return exc.response()
    except web.HTTPException as exc:
        status = exc.status
        allow = exc.headers.get("Allow")
        return _http_error(exc).response({"Allow": allow} if allow else None)
    except asyncio.CancelledError:
        if request.transport is None:  # the client hung up: aiohttp cancelled the handler
            status = CLIENT_CLOSED
        raise
    except Exception:
        log.exception("unhandled error", extra={"request_id": request[REQUEST_ID]})
        return GatewayError(
            500, "groundrail_internal_error", "The gateway failed to handle this request."
        ).response()
    finally:
        if request.get(CLIENT_GONE):  # it hung up mid-response: not the gateway's failure
            status = CLIENT_CLOSED
        metrics.IN_FLIGHT.dec()
        route = _route(request)
        total = time.perf_counter() - started
        metrics.REQUESTS.labels(
            route,
            fields["model"] or "",
            fields.get("policy", ""),
            fields.get("verdict", ""),
            str(status),
        ).inc()
        if "upstream_s" in fields:
            metrics.OVERHEAD_SECONDS.labels(route).observe(
                max(0.0, total - fields.pop("upstream_s"))
            )
        line = {
            "request_id": request[REQUEST_ID],
            "method": request.method,
            "route": route,
            "status": status,
            "total_ms": round(total * 1000, 2),
            **fields,
        }
        log.info("request", extra=line)
        if route.startswith("/v1/") and AUDIT in request.app:
            request.app[AUDIT].write(
                {
                    "ts": time.time(),
                    "tenant": request.get(TENANT),
                    **line,
                    **request.get(AUDIT_RECORD, {}),
                }
            )


def _route(request: web.Request) -> str:
    info = request.match_info.route.resource
    return info.canonical if info is not None else "unmatched"


def _http_error(exc: web.HTTPException) -> GatewayError:
    if isinstance(exc, web.HTTPRequestEntityTooLarge):
        return GatewayError(
            413,
            "groundrail_body_too_large",
            f"The request body is too large: {exc.text} "
            "(setting max_body_bytes, GROUNDRAIL_MAX_BODY_BYTES).",
        )
    if isinstance(exc, web.HTTPNotFound):
        return GatewayError(404, "not_found", "No such route on the gateway.")
    if isinstance(exc, web.HTTPMethodNotAllowed):
        return GatewayError(405, "method_not_allowed", f"Method {exc.method} is not allowed.")
    return GatewayError(exc.status, "groundrail_http_error", exc.reason)


async def add_request_id(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: every response, streamed or not, names its request id."""
    if REQUEST_ID in request:
        response.headers[REQUEST_ID_HEADER] = request[REQUEST_ID]
