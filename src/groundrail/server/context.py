"""Typed keys for what the app and each request carry."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from groundrail.cache.store import Store
from groundrail.config import Settings
from groundrail.grounding.runtime import GroundingRuntime
from groundrail.observe.audit import AuditLog
from groundrail.observe.feedback import FeedbackLog
from groundrail.policy.engine import PolicyEngine
from groundrail.policy.store import PolicyStore
from groundrail.upstream.client import UpstreamPool

SETTINGS = web.AppKey("settings", Settings)
POOL = web.AppKey("pool", UpstreamPool)
STORE = web.AppKey("store", Store)
FEEDBACK = web.AppKey("feedback", FeedbackLog)
AUDIT = web.AppKey("audit", AuditLog)
GROUNDING = web.AppKey("grounding", GroundingRuntime)
POLICIES = web.AppKey("policies", PolicyStore)
POLICY_ENGINE = web.AppKey("policy_engine", PolicyEngine)
# name -> check; /readyz is ready when every check returns None (else the reason)
READINESS = web.AppKey("readiness", dict[str, Any])

REQUEST_ID = web.RequestKey("groundrail.request_id", str)
TENANT = web.RequestKey("groundrail.tenant", str)  # set by the gateway-keys middleware
LOG = web.RequestKey("groundrail.log", dict[str, Any])  # fields of the request's one log line
AUDIT_RECORD = web.RequestKey("groundrail.audit", dict[str, Any])  # what the audit adds to it
# the client hung up mid-response (logged as 499)
CLIENT_GONE = web.RequestKey("groundrail.client_gone", bool)
CLIENT_KEY = web.RequestKey("groundrail.client_key", str)  # who the request is charged to
# the completion API of a stored answer read back (`GET /v1/responses/{id}`: /v1/responses)
API_PATH = web.RequestKey("groundrail.api_path", str)


def api_path(request: web.Request) -> str:
    """The completion API a request's answer is of: its route, or the route that made a
    stored answer read back."""
    path: str = request.get(API_PATH, request.path)
    return path
