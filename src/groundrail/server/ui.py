"""The review page at /ui/: its static files and the small JSON API it reads the audit stream
through. A sub-application, so its access rule and security headers cover only /ui/.

Access: with gateway keys configured, the API wants one of them (`Authorization: Bearer`); an
`admin` key reads every tenant's requests, any other key its own tenant's only. With no keys
configured, the whole page answers loopback clients only (and only under a loopback host name,
so a DNS-rebinding page cannot read it either). The static files hold no data.
"""

from __future__ import annotations

import ipaddress
import time
from pathlib import Path
from typing import Any

import orjson
from aiohttp import web
from aiohttp.typedefs import Handler

from groundrail.observe import review
from groundrail.openai.errors import GatewayError, bad_request
from groundrail.server.auth import bearer_key
from groundrail.server.context import AUDIT, SETTINGS
from groundrail.server.feedback import positive_number
from groundrail.ui import charts

STATIC = Path(__file__).resolve().parent.parent / "ui" / "static"
TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
        "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
SCOPE = web.RequestKey(
    "groundrail.ui_scope", str
)  # the tenant a non-admin key may see; absent: every tenant
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})
DAY = 24 * 3600.0


def mount(app: web.Application) -> None:
    """/ui/ on the gateway (and /ui, sent there); every answer under /ui, an error for a path
    or a method it does not have included, carries the security headers."""
    app.router.add_get("/ui", _to_page)
    app.add_subapp("/ui/", create())
    app.on_response_prepare.append(_secure)


async def _secure(request: web.Request, response: web.StreamResponse) -> None:
    if request.path == "/ui" or request.path.startswith("/ui/"):
        response.headers.update(HEADERS)


async def _to_page(request: web.Request) -> web.Response:
    return web.Response(status=302, headers={"Location": "/ui/"})


def create() -> web.Application:
    """The /ui sub-application; the files are read once, here, at start-up."""
    files = {
        p.name: (p.read_bytes(), TYPES[p.suffix]) for p in STATIC.iterdir() if p.suffix in TYPES
    }
    app = web.Application(middlewares=[_access])

    async def page(request: web.Request) -> web.Response:
        body, kind = files["index.html"]
        return web.Response(body=body, content_type=kind, charset="utf-8")

    async def static(request: web.Request) -> web.Response:
        found = files.get(request.match_info["name"])
        if found is None:
            raise GatewayError(404, "not_found", "No such file on the review page.")
        return web.Response(body=found[0], content_type=found[1], charset="utf-8")

    app.router.add_get("/", page)
    app.router.add_get("/static/{name}", static)
    app.router.add_get("/api/session", session)
    app.router.add_get("/api/requests", requests)
    app.router.add_get("/api/requests/{id}", one)
    app.router.add_get("/api/charts/verdicts.svg", verdicts_chart)
    app.router.add_get("/api/charts/support.svg", support_chart)
    return app


@web.middleware
async def _access(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        _authorise(request)
        return await handler(request)
    except GatewayError as exc:
        return exc.response()


def _authorise(request: web.Request) -> None:
    keys = request.config_dict[SETTINGS].keys
    if not keys:
        if not is_loopback(request):
            raise GatewayError(
                403,
                "groundrail_ui_loopback_only",
                "The review page answers loopback clients only while the gateway has no keys; "
                "configure `keys` (an `admin: true` key sees every tenant) to open it remotely.",
            )
        return
    if not request.path.startswith("/ui/api/"):
        return
    key = bearer_key(request, keys)
    if key is None:
        raise GatewayError(
            401,
            "invalid_api_key",
            "The review page's API wants a gateway key, as 'Authorization: Bearer <key>'.",
        )
    if not key.admin:
        request[SCOPE] = key.tenant


def is_loopback(request: web.Request) -> bool:
    try:
        remote = ipaddress.ip_address(request.remote or "")
    except ValueError:
        return False
    host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
    return remote.is_loopback and host.lower() in LOOPBACK_HOSTS


def _json(data: Any) -> web.Response:
    return web.Response(body=orjson.dumps(data), content_type="application/json")


def _filters(request: web.Request) -> review.Filters:
    query = request.query
    tenant = request.get(SCOPE, query.get("tenant") or None)
    return review.Filters(
        verdict=query.get("verdict") or None,
        policy=query.get("policy") or None,
        model=query.get("model") or None,
        tenant=tenant,
    )


async def session(request: web.Request) -> web.Response:
    """Who is looking, and whether there is an audit stream to read."""
    audit = request.config_dict[AUDIT]
    return _json(
        {
            "tenant": request.get(SCOPE),
            "audit": audit.readable,
            "sink": request.config_dict[SETTINGS].audit.sink,
        }
    )


async def requests(request: web.Request) -> web.Response:
    """GET /ui/api/requests?verdict=&policy=&model=&tenant=&before=&limit=: newest first."""
    before = request.query.get("before") or None
    if before is not None and not review.is_entry_id(before):
        raise bad_request(f"Invalid value for 'before': {before!r}; use a page's `next`.", "before")
    raw_limit = request.query.get("limit", "50")
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= 200:
        raise bad_request(f"Invalid value for 'limit': {raw_limit!r}; 1 to 200.", "limit")
    found = await review.page(request.config_dict[AUDIT], _filters(request), before, int(raw_limit))
    return _json({"data": found.rows, "next": found.next, "scanned": found.scanned})


async def one(request: web.Request) -> web.Response:
    entry_id = request.match_info["id"]
    record = (
        await review.one(request.config_dict[AUDIT], entry_id)
        if review.is_entry_id(entry_id)
        else None
    )
    line = review.row(entry_id, record) if record is not None else None
    if record is None or line is None or not _filters(request).match(line):
        raise GatewayError(404, "not_found", f"No reviewable request {entry_id!r}.")
    return _json({"row": line, "record": record})


async def verdicts_chart(request: web.Request) -> web.Response:
    window = positive_number(request, "window_seconds", DAY)
    rows = await review.recent_rows(request.config_dict[AUDIT], _filters(request), window)
    now = time.time()
    counts = review.verdicts_over_time(rows, window, 24, now)
    return _svg(charts.verdicts_chart(counts, now - window, window))


async def support_chart(request: web.Request) -> web.Response:
    window = positive_number(request, "window_seconds", DAY)
    rows = await review.recent_rows(request.config_dict[AUDIT], _filters(request), window)
    return _svg(charts.support_chart(review.support_by_policy(rows, 10)))


def _svg(text: str) -> web.Response:
    return web.Response(text=text, content_type="image/svg+xml")
