"""The app factory: routes, middlewares, and every shared resource opened and closed once."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import AsyncIterator

from aiohttp import web
from aiohttp.typedefs import Handler
from aiohttp.web_runner import GracefulExit
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)

from groundrail.budgets import Budgets
from groundrail.cache.store import open_store, wait_ready
from groundrail.config import Settings
from groundrail.grounding.runtime import GroundingRuntime
from groundrail.observe import tracing
from groundrail.observe.audit import AuditLog
from groundrail.observe.feedback import FeedbackLog
from groundrail.policy.engine import PolicyEngine
from groundrail.policy.store import PolicyStore
from groundrail.server import check, feedback, proxy, ui
from groundrail.server.auth import gateway_keys
from groundrail.server.context import (
    AUDIT,
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
from groundrail.server.paths import COMPLETION_ROUTES
from groundrail.upstream.client import UpstreamPool

# Answers a completion API keeps, read back (or returned by an update, a cancel): checked as
# fresh answers are.
STORED_ROUTES = (
    ("GET", "/v1/chat/completions/{id}"),
    ("POST", "/v1/chat/completions/{id}"),
    ("GET", "/v1/responses/{id}"),
    ("POST", "/v1/responses/{id}/cancel"),
)
# Stored answers read back in a list, and a conversation's item (`proxy.stored_items`).
STORED_LIST_ROUTES = (
    "/v1/chat/completions",
    "/v1/conversations/{id}/items",
    "/v1/conversations/{id}/items/{item_id}",
)
# The gateway's own API; everything under GATEWAY_PREFIXES is answered here, never forwarded.
GATEWAY_ROUTES: dict[str, tuple[str, Handler]] = {
    "/v1/groundrail/check": ("POST", check.check),
    "/v1/feedback": ("POST", feedback.submit),
    "/v1/feedback/stats": ("GET", feedback.stats),
    "/v1/feedback/export": ("GET", feedback.export),
}
GATEWAY_PREFIXES = ("/v1/groundrail", "/v1/feedback")


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
    for method, path in STORED_ROUTES:
        app.router.add_route(method, path, proxy.stored)
    for path in STORED_LIST_ROUTES:
        app.router.add_get(path, proxy.stored_items, allow_head=False)
    app.router.add_get("/v1/models", proxy.models)
    for path, (method, handler) in GATEWAY_ROUTES.items():
        app.router.add_route(method, path, handler)
    for prefix in GATEWAY_PREFIXES:  # the gateway's own: a wrong method or path never leaks
        app.router.add_route("*", prefix + "{tail:(/.*)?}", _gateway_only)
    app.router.add_route("*", "/v1/{tail:.*}", proxy.passthrough)
    app.router.add_get("/healthz", proxy.healthz)
    app.router.add_get("/readyz", proxy.readyz)
    app.router.add_get("/metrics", _metrics)
    ui.mount(app)
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
    app[AUDIT] = AuditLog(settings.audit, app[STORE], settings.cache.prefix)
    yield
    await app[AUDIT].close()  # after the last request: every record flushed
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
    # a directory named by a flag, the environment or the config file must exist
    explicit = "policies" in settings.model_fields_set
    app[POLICIES] = await asyncio.to_thread(PolicyStore.open, settings.policies, explicit)
    budgets = Budgets(app[STORE], settings.cache.prefix)
    app[POLICY_ENGINE] = PolicyEngine(app[GROUNDING].engine, budgets)
    watcher = asyncio.create_task(app[POLICIES].watch(settings.policy_poll_seconds))
    yield
    watcher.cancel()
    await asyncio.gather(watcher, return_exceptions=True)


async def _gateway_only(request: web.Request) -> web.StreamResponse:
    """A gateway path with a method it does not take (405), or no such gateway path (404)."""
    route = GATEWAY_ROUTES.get(request.path)
    if route is None:
        raise web.HTTPNotFound()
    raise web.HTTPMethodNotAllowed(request.method, {route[0]})


async def _metrics(request: web.Request) -> web.Response:
    registry = REGISTRY
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:  # --workers: every worker's counts, summed
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    response = web.Response(body=generate_latest(registry))
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    return response


def run(settings: Settings, reuse_port: bool = False) -> None:
    """Serve until SIGINT/SIGTERM. Client disconnects cancel their handler (and so the
    upstream call). SIGTERM drains: /readyz turns not-ready for `drain_seconds` (load balancers
    stop sending), then the listener closes and in-flight requests and streams get up to
    `shutdown_seconds` to finish; the audit log is flushed and pools closed last. SIGHUP
    reloads the policies."""
    tracing.configure()  # only with OTEL_EXPORTER_OTLP_ENDPOINT set
    app = create_app(settings)
    draining = {"since": 0.0}
    app[READINESS]["shutdown"] = lambda: "draining for shutdown" if draining["since"] else None

    async def on_startup(app: web.Application) -> None:
        loop = asyncio.get_running_loop()

        def drain() -> None:
            if draining["since"]:
                return
            draining["since"] = loop.time()
            logging.getLogger("groundrail").info(
                "draining", extra={"drain_seconds": settings.drain_seconds}
            )
            loop.call_later(settings.drain_seconds, _graceful_exit)

        loop.add_signal_handler(signal.SIGTERM, drain)
        loop.add_signal_handler(signal.SIGINT, drain)
        loop.add_signal_handler(
            signal.SIGHUP, lambda: asyncio.ensure_future(app[POLICIES].reload())
        )

    app.on_startup.append(on_startup)
    web.run_app(
        app,
        loop=_event_loop(),
        host=settings.host,
        port=settings.port,
        reuse_port=reuse_port,
        handler_cancellation=True,
        handle_signals=False,
        shutdown_timeout=settings.shutdown_seconds,
        access_log=None,
        print=None,
    )


def _event_loop() -> asyncio.AbstractEventLoop:
    """uvloop where it is installed (every platform but Windows): the proxy path's sockets,
    timers and callbacks cost about half as much as on asyncio's own loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def _graceful_exit() -> None:
    raise GracefulExit()
