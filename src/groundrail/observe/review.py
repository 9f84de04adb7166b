"""What the review page reads from the audit stream: guarded exchanges, filtered and paged,
and the few aggregates its charts draw. Nothing here runs on the proxy path."""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from groundrail.observe.audit import AuditLog

SCAN_LIMIT = 5_000  # audit entries one call reads at most before it answers with what it has
CHUNK = 200
_ENTRY_ID = re.compile(r"^\d{1,20}-\d{1,20}$")


def is_entry_id(value: str) -> bool:
    return bool(_ENTRY_ID.match(value))


@dataclass(slots=True, frozen=True)
class Filters:
    verdict: str | None = None
    policy: str | None = None  # a name, or name@hash
    model: str | None = None
    tenant: str | None = None

    def match(self, row: dict[str, Any]) -> bool:
        policy = str(row["policy"] or "")
        return (
            (self.verdict is None or row["verdict"] == self.verdict)
            and (self.policy is None or self.policy in (policy, policy.partition("@")[0]))
            and (self.model is None or row["model"] == self.model)
            and (self.tenant is None or row["tenant"] == self.tenant)
        )


@dataclass(slots=True, frozen=True)
class Page:
    rows: list[dict[str, Any]]
    next: str | None  # the cursor of the next (older) page; None at the end of the stream
    scanned: int


def row(entry_id: str, record: dict[str, Any]) -> dict[str, Any] | None:
    """The list's line for one audit record; None for records that hold no verdict (a
    pass-through call, a request refused before the upstream, a feedback post)."""
    verdict = record.get("groundrail")
    if not isinstance(verdict, dict):
        return None
    return {
        "id": entry_id,
        "ts": record.get("ts"),
        "request_id": record.get("request_id"),
        "route": record.get("route"),
        "tenant": record.get("tenant"),
        "policy": record.get("policy") or verdict.get("policy") or "(check)",
        "model": record.get("model"),
        # a guarded exchange's action; a /v1/groundrail/check call's grounding verdict
        "verdict": record.get("verdict") or verdict.get("verdict"),
        "support": verdict.get("support"),
    }


async def page(audit: AuditLog, filters: Filters, before: str | None, limit: int) -> Page:
    """Up to `limit` matching rows, newest first, from before the cursor `before`."""
    rows: list[dict[str, Any]] = []
    scanned = 0
    cursor = before
    while len(rows) < limit and scanned < SCAN_LIMIT:
        entries = await audit.read_back(cursor, CHUNK)
        for entry_id, record in entries:
            scanned += 1
            cursor = entry_id
            line = row(entry_id, record)
            if line is not None and filters.match(line):
                rows.append(line)
                if len(rows) == limit:
                    break
        if len(entries) < CHUNK:
            if len(rows) < limit:
                cursor = None  # the stream's oldest entry was read
            break
    return Page(rows, cursor, scanned)


async def one(audit: AuditLog, entry_id: str) -> dict[str, Any] | None:
    """One audit record by its stream id: the newest entry before the id's successor."""
    ms, _, seq = entry_id.partition("-")
    entries = await audit.read_back(f"{ms}-{int(seq) + 1}", 1)
    if not entries or entries[0][0] != entry_id:
        return None
    return entries[0][1]


async def recent_rows(audit: AuditLog, filters: Filters, window_s: float) -> list[dict[str, Any]]:
    """Matching rows of the last `window_s` seconds (at most SCAN_LIMIT entries read)."""
    since = time.time() - window_s
    rows: list[dict[str, Any]] = []
    cursor: str | None = None
    scanned = 0
    while scanned < SCAN_LIMIT:
        entries = await audit.read_back(cursor, CHUNK)
        for entry_id, record in entries:
            scanned += 1
            cursor = entry_id
            if float(record.get("ts") or 0) < since:
                return rows
            line = row(entry_id, record)
            if line is not None and filters.match(line):
                rows.append(line)
        if len(entries) < CHUNK:
            break
    return rows


def verdicts_over_time(
    rows: list[dict[str, Any]], window_s: float, buckets: int, now: float
) -> list[Counter[str]]:
    """Verdict counts per time bucket, oldest bucket first."""
    width = window_s / buckets
    counts: list[Counter[str]] = [Counter() for _ in range(buckets)]
    for line in rows:
        age = now - float(line["ts"] or 0)
        index = buckets - 1 - int(age // width)
        if 0 <= index < buckets:
            counts[index][str(line["verdict"])] += 1
    return counts


def support_by_policy(rows: list[dict[str, Any]], bins: int) -> dict[str, list[int]]:
    """Per policy (by name), how many answers fell into each support bin [0, 1/bins) …"""
    table: dict[str, list[int]] = defaultdict(lambda: [0] * bins)
    for line in rows:
        support = line["support"]
        if isinstance(support, int | float):
            name = str(line["policy"] or "").partition("@")[0]
            table[name][min(bins - 1, int(float(support) * bins))] += 1
    return dict(sorted(table.items()))
