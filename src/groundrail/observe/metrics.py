"""Prometheus metrics, named by the Prometheus conventions."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter(
    "groundrail_requests_total",
    "Requests answered by the gateway.",
    ["route", "model", "status"],
)
UPSTREAM_ERRORS = Counter(
    "groundrail_upstream_errors_total",
    "Failed upstream attempts (connection errors, timeouts, refusals).",
    ["upstream", "reason"],
)
UPSTREAM_SECONDS = Histogram(
    "groundrail_upstream_seconds",
    "Time from sending the request upstream to its response headers.",
    ["upstream"],
)
STREAM_FAILURES = Counter(
    "groundrail_stream_failures_total",
    "Streams that ended abnormally.",
    ["route", "reason"],
)
IN_FLIGHT = Gauge("groundrail_in_flight_requests", "Requests being served right now.")
POLICY_RELOADS = Counter(
    "groundrail_policy_reloads_total", "Policy reloads by outcome.", ["outcome"]
)
POLICIES_LOADED = Gauge(
    "groundrail_policy_loaded", "The policies in force, by name and hash.", ["policy", "hash"]
)
VERDICTS = Counter(
    "groundrail_verdicts_total",
    "Verdicts by policy, the action applied and the one intended (they differ in shadow mode).",
    ["policy", "action", "intended"],
)
CACHE_LOOKUPS = Counter(
    "groundrail_cache_lookups_total", "NLI pair lookups by layer and result.", ["layer", "result"]
)
CACHE_ERRORS = Counter(
    "groundrail_cache_errors_total", "Cache backend errors (Redis outages).", ["layer", "error"]
)
FEEDBACK = Counter("groundrail_feedback_total", "Feedback received, by label.", ["label"])
