"""The audit log: one JSON line per request, written off the request path.

Sinks: `stdout`, a size-rotated `file`, or a Redis stream (in process without Redis), which
the review page reads back. Records queue in a bounded queue that one owned task drains; when
the queue is full a record is dropped and counted (`groundrail_audit_dropped_total`), never
waited for. PII in answers, context, claims and evidence is redacted unless configured
otherwise; spans move with it.
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
from groundrail.rules.pii import redactions, replaced

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

    @property
    def readable(self) -> bool:
        """Whether records can be read back (the review page): only from the store's stream."""
        return self._settings.sink == "redis" and self._store is not None

    async def read_back(self, before: str | None, count: int) -> list[tuple[str, dict[str, Any]]]:
        """Newest first: up to `count` records older than the stream id `before`, by id
        (decoded in a thread: a reviewer's scan never holds up the requests being served)."""
        if self._settings.sink != "redis" or self._store is None:
            return []
        entries = await self._store.read_back(self._stream, before, count)
        return await asyncio.to_thread(lambda: [(i, orjson.loads(raw)) for i, raw in entries])

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
                lines = await asyncio.to_thread(self._encode, batch)  # off the event loop
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

    def _encode(self, batch: list[dict[str, Any]]) -> list[bytes]:
        return [orjson.dumps(self._prepare(r), default=str) + b"\n" for r in batch]

    def _prepare(self, record: dict[str, Any]) -> dict[str, Any]:
        if not self._settings.redact_pii:
            return record
        redacted = _Redactor()
        out = dict(record)
        for key in REDACTED_FIELDS:
            if isinstance(out.get(key), str):
                out[key] = redacted(out[key])
        if isinstance(out.get("context"), list):
            out["context"] = [
                {**d, "text": redacted(d["text"])} if isinstance(d, dict) and "text" in d else d
                for d in out["context"]
            ]
        verdict = out.get("groundrail")
        if not isinstance(verdict, dict):
            return out
        # spans point into the judged answer: moved to where they fall in its redacted text
        judged = record.get("original_answer") or record.get("answer")
        judged = judged if isinstance(judged, str) else ""
        edits = redacted.edits(judged)

        def span(item: dict[str, Any]) -> dict[str, Any]:
            start, end = _moved(item["start"], item["end"], edits)
            text = item["text"]
            same = judged[item["start"] : item["end"]] == text
            return {
                **item,
                "text": redacted(judged)[start:end] if same else redacted(text),
                "start": start,
                "end": end,
            }

        verdict = {
            **verdict,
            "findings": [
                {
                    **f,
                    "message": redacted(f.get("message", "")),
                    "spans": [list(_moved(s, e, edits)) for s, e in f.get("spans") or []],
                }
                for f in verdict.get("findings") or []
            ],
        }
        grounding = verdict.get("grounding")
        if isinstance(grounding, dict):
            verdict["grounding"] = {
                **grounding,
                "claims": [
                    {**span(c), "evidence": redacted.evidence(c.get("evidence"))}
                    for c in grounding.get("claims") or []
                ],
                "skipped": [span(s) for s in grounding.get("skipped") or []],
            }
        out["groundrail"] = verdict
        return out


class _Redactor:
    """PII redaction for one record: each distinct text is scanned once (an evidence window is
    often the whole document, or the same for every claim; a claim is a slice of the answer)."""

    def __init__(self) -> None:
        self._seen: dict[str, tuple[list[tuple[int, int, str]], str]] = {}

    def __call__(self, text: str) -> str:
        return self._scan(text)[1]

    def edits(self, text: str) -> list[tuple[int, int, str]]:
        return self._scan(text)[0]

    def evidence(self, evidence: Any) -> Any:
        if not isinstance(evidence, dict) or not isinstance(evidence.get("text"), str):
            return evidence
        return {**evidence, "text": self(evidence["text"])}

    def _scan(self, text: str) -> tuple[list[tuple[int, int, str]], str]:
        if text not in self._seen:
            edits = redactions(text)
            self._seen[text] = (edits, replaced(text, edits))
        return self._seen[text]


def _moved(start: int, end: int, edits: list[tuple[int, int, str]]) -> tuple[int, int]:
    """Offsets into a text -> offsets into the text with `edits` applied; an end inside a
    replaced stretch moves to the end of its placeholder, a start to its start."""
    return _offset(start, edits, False), _offset(end, edits, True)


def _offset(offset: int, edits: list[tuple[int, int, str]], is_end: bool) -> int:
    shift = 0
    for start, end, placeholder in edits:
        if offset <= start:
            break
        if offset < end:
            return start + shift + (len(placeholder) if is_end else 0)
        shift += len(placeholder) - (end - start)
    return offset + shift
