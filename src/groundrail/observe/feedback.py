"""Captured corrections: what was answered, what users said about it, and what it changes.

Every guarded exchange leaves a record (context, answer, claims, verdict) for a week; feedback
names the record by its request id. A correction of claims writes over the cached NLI verdict
of each (window, claim) pair it names, on every replica sharing the store; `preference` and
`harmful` are recorded and change nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import defaultdict
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, model_validator

from groundrail.cache.pairs import Override, PairCache
from groundrail.cache.store import Store
from groundrail.grounding.engine import GroundingResult
from groundrail.grounding.model import Pair
from groundrail.grounding.windows import Document
from groundrail.observe import metrics
from groundrail.openai.errors import GatewayError

log = logging.getLogger("groundrail.feedback")
STREAM_MAXLEN = 100_000
Label = Literal["grounded", "hallucinated", "harmful", "preference"]


class ClaimFeedback(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    index: int | None = Field(None, ge=0, description="position in the verdict's claims")
    text: str | None = Field(None, description="or the claim's text")
    label: Literal["grounded", "hallucinated"]

    @model_validator(mode="after")
    def _names_a_claim(self) -> ClaimFeedback:
        if self.index is None and self.text is None:
            raise ValueError("a claim is named by its index or its text")
        return self


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    request_id: str
    label: Label
    claims: list[ClaimFeedback] = Field(default_factory=list)
    correction: str | None = None
    comment: str | None = None


class FeedbackLog:
    def __init__(
        self, store: Store, prefix: str, record_ttl: float, pairs: PairCache | None
    ) -> None:
        self._store = store
        self._prefix = prefix
        self._ttl = record_ttl
        self._pairs = pairs
        self._stream = prefix + "feedback"
        self._tasks: set[asyncio.Task[None]] = set()

    def remember(
        self,
        request_id: str,
        policy: str,
        model: str,
        documents: list[Document],
        answer: str,
        question: str | None,
        verdict: str,
        findings: list[dict[str, Any]],
        grounding: GroundingResult | None,
    ) -> None:
        """Keep the exchange for feedback; in the background, never delaying the answer."""
        record = {
            "request_id": request_id,
            "ts": time.time(),
            "policy": policy,
            "model": model,
            "question": question,
            "context": [{"id": d.id, "text": d.text} for d in documents],
            "answer": answer,
            "verdict": verdict,
            "findings": findings,
            "claims": [
                {
                    "text": c.span.text,
                    "label": c.label,
                    "support": c.support,
                    "pairs": [[p.premise, p.hypothesis] for p in c.pairs],
                }
                for c in (grounding.claims if grounding is not None else [])
            ],
        }
        task = asyncio.create_task(
            self._store.set_many({self._key(request_id): orjson.dumps(record)}, self._ttl)
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def submit(self, feedback: FeedbackRequest) -> dict[str, Any]:
        [raw] = await self._store.get_many([self._key(feedback.request_id)])
        if raw is None:
            raise GatewayError(
                404,
                "groundrail_unknown_request",
                f"No request {feedback.request_id!r} is open to feedback (unknown or expired).",
                "request_id",
            )
        record = orjson.loads(raw)
        corrected = await self._correct(record, feedback)
        entry = {
            "feedback_id": f"fb_{uuid.uuid4().hex}",
            "ts": time.time(),
            **feedback.model_dump(),
            "corrected_claims": corrected,
            "record": record,
        }
        await self._store.append(self._stream, orjson.dumps(entry), STREAM_MAXLEN)
        metrics.FEEDBACK.labels(feedback.label).inc()
        return {"id": entry["feedback_id"], "corrected_claims": corrected}

    async def _correct(self, record: dict[str, Any], feedback: FeedbackRequest) -> int:
        """Write the user's labels over the cached verdicts of the claims they name. A style
        preference or a harm report is not a fact about the context: it changes nothing."""
        claims = record["claims"]
        chosen: list[tuple[dict[str, Any], str]] = []
        if feedback.claims:
            for named in feedback.claims:
                found = (
                    claims[named.index]
                    if named.index is not None and named.index < len(claims)
                    else next((c for c in claims if c["text"] == named.text), None)
                )
                if found is None:
                    raise GatewayError(
                        400,
                        "groundrail_bad_request",
                        f"Request {feedback.request_id!r} has no claim "
                        f"{named.index if named.index is not None else named.text!r}.",
                        "claims",
                    )
                chosen.append((found, named.label))
        elif feedback.label == "grounded":  # the whole answer was fine: every claim is
            chosen = [(c, "grounded") for c in claims]
        if self._pairs is None:
            return 0
        for claim, label in chosen:
            override: Override = "supported" if label == "grounded" else "unsupported"
            await self._pairs.correct([Pair(p, h) for p, h in claim["pairs"]], override)
        return len(chosen)

    async def export(self, since: float) -> list[dict[str, Any]]:
        """Feedback with its context, answer, claims and labels: the next model's data."""
        entries = await self._store.read(self._stream, int(since * 1000))
        return [orjson.loads(raw) for _, raw in entries]

    async def stats(self, window_seconds: float) -> dict[str, Any]:
        """Per policy and rule: verdicts users confirmed and ones they overturned."""
        table: dict[str, dict[str, dict[str, int]]] = defaultdict(
            lambda: defaultdict(lambda: {"confirmed": 0, "overturned": 0})
        )
        labels: dict[str, int] = defaultdict(int)
        entries = await self.export(time.time() - window_seconds)
        for entry in entries:
            labels[entry["label"]] += 1
            if entry["label"] not in ("grounded", "hallucinated"):
                continue
            record = entry["record"]
            fired = {f["rule"] for f in record["findings"]}
            rules = fired | {"(any)"}
            for rule in rules:
                flagged = bool(fired) if rule == "(any)" else rule in fired
                agrees = flagged == (entry["label"] == "hallucinated")
                table[record["policy"]][rule]["confirmed" if agrees else "overturned"] += 1
        return {
            "window_seconds": window_seconds,
            "feedback": len(entries),
            "labels": dict(labels),
            "policies": {p: dict(rules) for p, rules in table.items()},
        }

    async def close(self) -> None:
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _key(self, request_id: str) -> str:
        return f"{self._prefix}req:{request_id}"
