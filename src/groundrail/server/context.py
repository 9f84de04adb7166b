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

REQUEST_ID = "groundrail.request_id"
TENANT = "groundrail.tenant"  # set by the gateway-keys middleware
LOG = "groundrail.log"  # dict of fields for the request's one log line
AUDIT_RECORD = "groundrail.audit"  # what the audit record adds to the log line
CLIENT_GONE = "groundrail.client_gone"  # the client hung up mid-response (logged as 499)
CLIENT_KEY = "groundrail.client_key"  # who the request is charged to, worked out once
