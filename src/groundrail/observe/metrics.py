"""Prometheus metrics, named by the Prometheus conventions."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter(
    "groundrail_requests_total",
    "Requests answered by the gateway (status 499: the client hung up before the end).",
    ["route", "model", "policy", "verdict", "status"],
)
OVERHEAD_SECONDS = Histogram(
    "groundrail_overhead_seconds",
    "Time the gateway added: the whole request less the time spent waiting on the upstream.",
    ["route"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
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
IN_FLIGHT = Gauge(
    "groundrail_in_flight_requests",
    "Requests being served right now.",
    multiprocess_mode="livesum",
)
STREAMS = Gauge(
    "groundrail_in_flight_streams",
    "Guarded streams being served right now.",
    multiprocess_mode="livesum",
)
POLICY_RELOADS = Counter(
    "groundrail_policy_reloads_total", "Policy reloads by outcome.", ["outcome"]
)
POLICIES_LOADED = Gauge(
    "groundrail_policy_loaded",
    "The policies in force, by name and hash.",
    ["policy", "hash"],
    multiprocess_mode="liveall",
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
AUDIT_WRITTEN = Counter("groundrail_audit_records_total", "Audit records written.")
AUDIT_DROPPED = Counter(
    "groundrail_audit_dropped_total", "Audit records dropped: queue full or sink failing."
)
CLAIMS = Counter("groundrail_claims_checked_total", "Claims checked, by label.", ["label"])
SUPPORT = Histogram(
    "groundrail_support_score",
    "Support of each checked claim (1: fully supported).",
    buckets=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0),
)
NLI_BATCH = Histogram(
    "groundrail_nli_batch_pairs",
    "Pairs per model call (after the micro-batcher merged requests).",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
)
NLI_SECONDS = Histogram("groundrail_nli_batch_seconds", "Time of one model call.")
NLI_QUEUE = Gauge(
    "groundrail_nli_queue_pairs", "Pairs waiting for the model.", multiprocess_mode="livesum"
)
RULE_FINDINGS = Counter(
    "groundrail_rule_findings_total", "Findings by rule kind and action.", ["kind", "action"]
)
RULE_SECONDS = Histogram("groundrail_rule_seconds", "Time of one rule's check.", ["kind"])
