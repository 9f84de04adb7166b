"""Gateway keys: with `keys:` configured, every /v1 call must bear one of them."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web
from aiohttp.typedefs import Handler

from groundrail.config import GatewayKey
from groundrail.openai.errors import GatewayError
from groundrail.server.context import SETTINGS, TENANT

UPSTREAM_AUTH = web.RequestKey(
    "groundrail.upstream_auth", str
)  # the Authorization to send upstream instead


def bearer_key(request: web.Request, keys: Mapping[str, GatewayKey]) -> GatewayKey | None:
    """The configured gateway key the request bears as `Authorization: Bearer <key>`."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return keys.get(token.strip()) if scheme.lower() == "bearer" else None


@web.middleware
async def gateway_keys(request: web.Request, handler: Handler) -> web.StreamResponse:
    keys = request.app[SETTINGS].keys
    if not keys or not request.path.startswith("/v1/"):
        return await handler(request)
    key = bearer_key(request, keys)
    if key is None:
        raise GatewayError(
            401,
            "invalid_api_key",
            "Incorrect API key provided: use a key this gateway issued, as 'Authorization: "
            "Bearer <key>'.",
        )
    request[TENANT] = key.tenant
    # never forward the gateway's own key: the tenant's upstream key, else the upstream's
    request[UPSTREAM_AUTH] = f"Bearer {key.upstream_key}" if key.upstream_key else ""
    return await handler(request)
