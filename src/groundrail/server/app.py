"""The app factory: routes, middlewares, and every shared resource opened and closed once."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from groundrail.config import Settings
from groundrail.grounding.runtime import GroundingRuntime
from groundrail.server import check, proxy
from groundrail.server.context import GROUNDING, POOL, READINESS, SETTINGS
from groundrail.server.middleware import add_request_id, gateway_middleware
from groundrail.upstream.client import UpstreamPool

COMPLETION_ROUTES = ("/v1/chat/completions", "/v1/completions", "/v1/responses")


def create_app(settings: Settings) -> web.Application:
    app = web.Application(middlewares=[gateway_middleware], client_max_size=settings.max_body_bytes)
    app[SETTINGS] = settings
    app[READINESS] = {}
    app.cleanup_ctx.append(_upstream_pool)
    app.cleanup_ctx.append(_grounding)
    app.on_response_prepare.append(add_request_id)
    for path in COMPLETION_ROUTES:
        app.router.add_post(path, proxy.completion)
    app.router.add_get("/v1/models", proxy.models)
    app.router.add_post("/v1/groundrail/check", check.check)
    app.router.add_route("*", "/v1/{tail:.*}", proxy.passthrough)
    app.router.add_get("/healthz", proxy.healthz)
    app.router.add_get("/readyz", proxy.readyz)
    app.router.add_get("/metrics", _metrics)
    return app


async def _upstream_pool(app: web.Application) -> AsyncIterator[None]:
    app[POOL] = UpstreamPool(app[SETTINGS])
    yield
    await app[POOL].close()


async def _grounding(app: web.Application) -> AsyncIterator[None]:
    """The NLI model loads before the first request; a broken model fails start-up."""
    app[GROUNDING] = await GroundingRuntime.open(app[SETTINGS].grounding)
    app[READINESS]["model"] = app[GROUNDING].not_ready
    yield
    await app[GROUNDING].close()


async def _metrics(request: web.Request) -> web.Response:
    response = web.Response(body=generate_latest())
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    return response


def run(settings: Settings, reuse_port: bool = False) -> None:
    """Serve until SIGINT/SIGTERM. Client disconnects cancel their handler (and so the
    upstream call)."""
    web.run_app(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        reuse_port=reuse_port,
        handler_cancellation=True,
        access_log=None,
        print=None,
    )
