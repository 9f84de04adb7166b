"""The app factory: routes, middlewares, and every shared resource opened and closed once."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from groundrail.budgets import Budgets
from groundrail.cache.store import open_store, wait_ready
from groundrail.config import Settings
from groundrail.grounding.runtime import GroundingRuntime
from groundrail.observe.feedback import FeedbackLog
from groundrail.policy.engine import PolicyEngine
from groundrail.policy.store import PolicyStore
from groundrail.server import check, feedback, proxy
from groundrail.server.auth import gateway_keys
from groundrail.server.context import (
    FEEDBACK,
    GROUNDING,
    POLICIES,
    POLICY_ENGINE,
    POOL,
    READINESS,
    SETTINGS,
    STORE,
)
from groundrail.server.middleware import add_request_id, gateway_middleware
from groundrail.upstream.client import UpstreamPool

COMPLETION_ROUTES = ("/v1/chat/completions", "/v1/completions", "/v1/responses")


def create_app(settings: Settings) -> web.Application:
    app = web.Application(
        middlewares=[gateway_middleware, gateway_keys], client_max_size=settings.max_body_bytes
    )
    app[SETTINGS] = settings
    app[READINESS] = {}
    # the model and the policies first: if either is broken, start-up fails with nothing open
    app.cleanup_ctx.append(_store)
    app.cleanup_ctx.append(_grounding)
    app.cleanup_ctx.append(_policies)
    app.cleanup_ctx.append(_upstream_pool)
    app.on_response_prepare.append(add_request_id)
    for path in COMPLETION_ROUTES:
        app.router.add_post(path, proxy.completion)
    app.router.add_get("/v1/models", proxy.models)
    app.router.add_post("/v1/groundrail/check", check.check)
    app.router.add_post("/v1/feedback", feedback.submit)
    app.router.add_get("/v1/feedback/stats", feedback.stats)
    app.router.add_get("/v1/feedback/export", feedback.export)
    app.router.add_route("*", "/v1/{tail:.*}", proxy.passthrough)
    app.router.add_get("/healthz", proxy.healthz)
    app.router.add_get("/readyz", proxy.readyz)
    app.router.add_get("/metrics", _metrics)
    return app


async def _upstream_pool(app: web.Application) -> AsyncIterator[None]:
    app[POOL] = UpstreamPool(app[SETTINGS])
    yield
    await app[POOL].close()


async def _store(app: web.Application) -> AsyncIterator[None]:
    """Redis when configured (never required: a dead one degrades to in process)."""
    settings = app[SETTINGS]
    app[STORE] = open_store(settings.redis_url, settings.cache.timeout_ms / 1000)
    await wait_ready(app[STORE])
    yield
    await app[STORE].close()


async def _grounding(app: web.Application) -> AsyncIterator[None]:
    """The NLI model loads before the first request; a broken model fails start-up."""
    settings = app[SETTINGS]
    app[GROUNDING] = await GroundingRuntime.open(
        settings.grounding, store=app[STORE], cache=settings.cache
    )
    app[READINESS]["model"] = app[GROUNDING].not_ready
    app[FEEDBACK] = FeedbackLog(
        app[STORE],
        settings.cache.prefix,
        settings.cache.record_ttl_seconds,
        app[GROUNDING].engine.cache,
    )
    yield
    await app[FEEDBACK].close()
    await app[GROUNDING].close()


async def _policies(app: web.Application) -> AsyncIterator[None]:
    """Policies load before the first request (a broken set fails start-up), then the
    directory is watched and a valid new set swapped in."""
    settings = app[SETTINGS]
    app[POLICIES] = await asyncio.to_thread(PolicyStore.open, settings.policies)
    budgets = Budgets(app[STORE], settings.cache.prefix)
    app[POLICY_ENGINE] = PolicyEngine(app[GROUNDING].engine, budgets)
    watcher = asyncio.create_task(app[POLICIES].watch(settings.policy_poll_seconds))
    yield
    watcher.cancel()
    await asyncio.gather(watcher, return_exceptions=True)


async def _metrics(request: web.Request) -> web.Response:
    response = web.Response(body=generate_latest())
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    return response


def run(settings: Settings, reuse_port: bool = False) -> None:
    """Serve until SIGINT/SIGTERM. Client disconnects cancel their handler (and so the
    upstream call)."""
    app = create_app(settings)

    async def reload_on_sighup(app: web.Application) -> None:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(
            signal.SIGHUP, lambda: asyncio.ensure_future(app[POLICIES].reload())
        )

    app.on_startup.append(reload_on_sighup)
    web.run_app(
        app,
        host=settings.host,
        port=settings.port,
        reuse_port=reuse_port,
        handler_cancellation=True,
        access_log=None,
        print=None,
    )
