"""The audit log: one JSON line per request, written off the request path.

Sinks: `stdout`, a size-rotated `file`, or a Redis stream. Records queue in a bounded queue
that one owned task drains; when the queue is full a record is dropped and counted
(`groundrail_audit_dropped_total`), never waited for. PII in answers, context and claims is
redacted unless configured otherwise.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path
from typing import Any

import orjson

from groundrail.cache.store import Store
from groundrail.config import AuditSettings
from groundrail.observe import metrics
from groundrail.rules.pii import redact

log = logging.getLogger("groundrail.audit")
REDACTED_FIELDS = ("answer", "original_answer", "question", "released")


class AuditLog:
    def __init__(self, settings: AuditSettings, store: Store | None, prefix: str) -> None:
        self._settings = settings
        self._store = store
        self._stream = prefix + "audit"
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(settings.queue_size)
        self._task: asyncio.Task[None] | None = None
        if settings.sink != "none":
            self._task = asyncio.create_task(self._drain(), name="groundrail-audit")

    def write(self, record: dict[str, Any]) -> None:
        if self._task is None:
            return
        try:
            self._queue.put_nowait(record)
        except asyncio.QueueFull:
            metrics.AUDIT_DROPPED.inc()

    async def close(self) -> None:
        """Flush what is queued, then stop (graceful shutdown)."""
        if self._task is None:
            return
        await self._queue.join()
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)

    async def _drain(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while not self._queue.empty() and len(batch) < 512:
                batch.append(self._queue.get_nowait())
            try:
                lines = [orjson.dumps(self._prepare(r), default=str) + b"\n" for r in batch]
                await self._emit(lines)
            except Exception:  # a broken sink is logged and counted, never fatal
                log.exception("audit sink failed")
                metrics.AUDIT_DROPPED.inc(len(batch))
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _emit(self, lines: list[bytes]) -> None:
        sink = self._settings.sink
        if sink == "stdout":
            sys.stdout.buffer.write(b"".join(lines))
            sys.stdout.flush()
        elif sink == "file":
            await asyncio.to_thread(self._append, lines)
        elif sink == "redis" and self._store is not None:
            for line in lines:
                await self._store.append(self._stream, line.rstrip(), self._settings.redis_maxlen)
        metrics.AUDIT_WRITTEN.inc(len(lines))

    def _append(self, lines: list[bytes]) -> None:
        path = Path(self._settings.path)
        if path.exists() and path.stat().st_size >= self._settings.max_bytes:
            self._rotate(path)
        with path.open("ab") as f:
            f.write(b"".join(lines))

    def _rotate(self, path: Path) -> None:
        """audit.jsonl -> audit.jsonl.1 -> … -> audit.jsonl.N (the oldest goes)."""
        keep = self._settings.backups
        for n in range(keep - 1, 0, -1):
            older = path.with_name(f"{path.name}.{n}")
            if older.exists():
                older.replace(path.with_name(f"{path.name}.{n + 1}"))
        if keep:
            path.replace(path.with_name(f"{path.name}.1"))
        else:
            path.unlink()

    def _prepare(self, record: dict[str, Any]) -> dict[str, Any]:
        if not self._settings.redact_pii:
            return record
        out = dict(record)
        for key in REDACTED_FIELDS:
            if isinstance(out.get(key), str):
                out[key] = redact(out[key])
        if isinstance(out.get("context"), list):
            out["context"] = [
                {**d, "text": redact(d["text"])} if isinstance(d, dict) and "text" in d else d
                for d in out["context"]
            ]
        verdict = out.get("groundrail")
        if not isinstance(verdict, dict):
            return out
        verdict = {
            **verdict,
            "findings": [
                {**f, "message": redact(f.get("message", ""))}
                for f in verdict.get("findings") or []
            ],
        }
        grounding = verdict.get("grounding")
        if isinstance(grounding, dict):
            verdict["grounding"] = {
                **grounding,
                "claims": [
                    {**c, "text": redact(c["text"]), "evidence": None}
                    for c in grounding.get("claims") or []
                ],
            }
        out["groundrail"] = verdict
        return out
