"""Guarded streaming: release each sentence once every rule has seen it (`sentence`), hold the
whole answer (`buffer`), or pass through and report (`observe`)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson
from aiohttp import web

from groundrail.grounding.claims import segmenter
from groundrail.grounding.context import extract, question_of
from groundrail.grounding.engine import ClaimResult
from groundrail.observe import metrics
from groundrail.openai.errors import GatewayError
from groundrail.openai.requests import ParsedRequest
from groundrail.openai.streams import Dialect, TextKey, dialect_for
from groundrail.policy.decision import Decision, decide, strongest
from groundrail.policy.engine import Verdict
from groundrail.policy.loader import LoadedPolicy
from groundrail.rules.base import CheckContext, Finding, Rule
from groundrail.server import relay
from groundrail.server.context import AUDIT_RECORD, LOG, POLICY_ENGINE, REQUEST_ID
from groundrail.server.feedback import remember
from groundrail.server.guard import audit, client_key
from groundrail.upstream import sse

MAX_HOLD_CHARS = 600  # text that never ends a sentence (a list, code) is checked at this size
MAX_BUFFER_BYTES = 1 << 20  # a held answer larger than this follows the rules' on_error


class Rejected(Exception):
    def __init__(self, verdict: Verdict) -> None:
        super().__init__("rejected")
        self.verdict = verdict


class StreamGuard:
    """Per-stream state: the text held and released per choice, and every finding so far."""

    def __init__(
        self, request: web.Request, parsed: ParsedRequest, policy: LoadedPolicy, dialect: Dialect
    ) -> None:
        self.request = request
        self.policy = policy
        self.dialect = dialect
        self.engine = request.app[POLICY_ENGINE]
        path = request.path
        self.ctx = CheckContext(
            path=path,
            request=parsed.body,
            model=parsed.model,
            documents=extract(path, parsed.body, parsed.options, policy.policy.context.sources),
            key=client_key(request),
            fragment=True,
        )
        self.question = question_of(path, parsed.body, parsed.options)
        self.pending: dict[TextKey, str] = defaultdict(str)
        self.original: dict[TextKey, str] = defaultdict(str)
        self.released: dict[TextKey, str] = defaultdict(str)
        self.checked: dict[TextKey, int] = defaultdict(int)  # original text checked so far
        self.findings: list[Finding] = []
        self.claims: list[ClaimResult] = []  # every fragment's claims, at answer offsets
        self.tasks: list[asyncio.Task[tuple[Verdict, list[Finding], list[Finding]]]] = []

    def add(self, key: TextKey, text: str) -> None:
        self.pending[key] += text
        self.original[key] += text

    def complete_sentences(self, key: TextKey) -> list[str]:
        """Take the sentences of the held text that are complete (all but the last one,
        which may still grow), or everything once it is past the hold limit."""
        held = self.pending[key]
        if len(held) >= MAX_HOLD_CHARS:
            self.pending[key] = ""
            return [held]
        if not any(mark in held for mark in ".!?\n"):
            return []
        spans = segmenter().segment(held)
        if len(spans) < 2:
            return []
        cut = spans[-1].start
        self.pending[key] = held[cut:]
        return [held[:cut]]

    def rest(self, key: TextKey) -> str:
        held, self.pending[key] = self.pending[key], ""
        return held

    async def inspect(self, text: str, offset: int) -> tuple[Verdict, list[Finding], list[Finding]]:
        """The fragmentary rules over one fragment: its findings with spans in the fragment
        and the same at answer offsets (those are kept, and the claims too)."""
        verdict = await self.engine.evaluate(
            self.policy,
            self.ctx,
            text,
            self.question,
            self.request[REQUEST_ID],
            select=lambda rule: rule.fragmentary,
        )
        fallback = self.policy.policy.actions.retry.fallback
        local = [  # once text is out there is nothing to retry: the fallback applies
            dataclasses.replace(f, suggested_action=fallback)
            if f.suggested_action == "retry"
            else f
            for f in verdict.findings
        ]
        placed = [
            dataclasses.replace(f, spans=tuple((a + offset, b + offset) for a, b in f.spans))
            for f in local
        ]
        self.findings += placed
        if verdict.grounding is not None:
            self.claims += [
                dataclasses.replace(
                    c,
                    span=dataclasses.replace(
                        c.span, start=c.span.start + offset, end=c.span.end + offset
                    ),
                )
                for c in verdict.grounding.claims
            ]
        return verdict, local, placed

    def advance(self, key: TextKey, text: str) -> int:
        """Where `text` starts in the choice's answer; the next fragment starts after it."""
        offset = self.checked[key]
        self.checked[key] += len(text)
        return offset

    async def check(self, key: TextKey, text: str) -> str:
        """The fragment's fate: its (possibly rewritten) text, or Rejected."""
        offset = self.advance(key, text)
        if not text.strip():
            return text
        verdict, local, placed = await self.inspect(text, offset)
        decision = decide(local, text, shadow=False)
        if decision.action == "reject":
            raise Rejected(dataclasses.replace(verdict, findings=placed, decision=decision))
        if decision.action == "rewrite" and decision.text is not None:
            # keep the blank that separated it from the next sentence; "" if it was removed
            return decision.text + (text[len(text.rstrip()) :] if decision.text else "")
        return text

    def observe(self, key: TextKey, text: str) -> None:
        """Observe mode: check in the background; the text is already out."""
        offset = self.advance(key, text)
        if text.strip():
            self.tasks.append(asyncio.create_task(self.inspect(text, offset)))

    async def final(self, select_all: bool) -> Verdict:
        """Whole-answer rules over the released text, after the fragments' checks."""
        await asyncio.gather(*self.tasks)
        answer = "".join(self.released.values()) or "".join(self.original.values())
        self.ctx.fragment = False
        verdict = await self.engine.evaluate(
            self.policy,
            self.ctx,
            answer,
            self.question,
            self.request[REQUEST_ID],
            select=None if select_all else (lambda rule: not rule.fragmentary),
        )
        findings = [*self.findings, *verdict.findings]
        shadow = self.policy.policy.mode == "shadow"
        decision = decide(findings, answer, shadow)
        grounding = verdict.grounding
        if grounding is not None and self.claims:  # every sentence's claims, not the last one's
            support = min(c.support for c in self.claims)
            grounding = dataclasses.replace(grounding, claims=self.claims, support=support)
        return dataclasses.replace(
            verdict, findings=findings, decision=decision, grounding=grounding
        )


async def guarded(
    request: web.Request,
    parsed: ParsedRequest,
    policy: LoadedPolicy,
    upstream: aiohttp.ClientResponse,
) -> web.StreamResponse:
    mode = policy.policy.streaming
    rules = request.app[POLICY_ENGINE].rules(policy)
    if policy.policy.mode == "shadow":
        mode = "observe"  # shadow never changes an answer, nor delays one
    elif mode == "sentence" and not any(rule.fragmentary for rule in rules):
        mode = "observe"  # nothing could hold a sentence back: do not hold it
    elif mode == "sentence" and (parsed.body.get("n") or 1) > 1:
        mode = "buffer"  # several choices: each is held and checked on its own
    request[LOG]["streaming"] = mode
    dialect = dialect_for(request.path)
    guard = StreamGuard(request, parsed, policy, dialect)
    headers = relay.response_headers(upstream)
    headers["Cache-Control"] = "no-cache"
    headers["x-groundrail-policy"] = policy.label
    headers["x-groundrail-streaming"] = mode
    out = web.StreamResponse(status=upstream.status, headers=headers)
    await out.prepare(request)
    writer = _Writer(out, dialect)
    metrics.STREAMS.inc()
    try:
        if mode == "buffer":
            await _buffer(guard, writer, relay.upstream_events(upstream))
        else:
            await _sentences(guard, writer, relay.upstream_events(upstream), mode == "observe")
    except Rejected as exc:
        _record(request, exc.verdict, guard)
        error = GatewayError(
            policy.policy.actions.reject.status,
            "groundrail_policy_rejected",
            policy.policy.actions.reject.message,
        )
        await writer.safe(relay.error_event(request.path, error))
        return out
    except relay.UpstreamBroke as exc:
        metrics.STREAM_FAILURES.labels(request.path, "upstream_broke").inc()
        error = GatewayError(502, "upstream_stream_error", f"The upstream stream broke off: {exc}.")
        await writer.safe(relay.error_event(request.path, error))
        return out
    except relay.ClientGone as exc:
        relay.client_gone(request, exc)
        return out
    finally:
        metrics.STREAMS.dec()
    await out.write_eof()
    return out


async def _sentences(
    guard: StreamGuard,
    writer: _Writer,
    batches: AsyncIterator[list[sse.Event]],
    observe: bool,
) -> None:
    dialect = guard.dialect
    upstream = _Upstream(batches, dialect)
    async for event, data, hit in upstream:
        if hit is not None:
            key, text = hit
            guard.add(key, text)
            if observe:
                await writer.write(event)
                for sentence in guard.complete_sentences(key):
                    guard.released[key] += sentence
                    guard.observe(key, sentence)
                continue
            for sentence in guard.complete_sentences(key):  # held text stays under the
                await _release(guard, writer, key, sentence)  # hold limit: bounded memory
            continue
        for key in list(guard.pending):  # anything else: what came before it goes first
            if guard.pending[key]:
                await _release(guard, writer, key, guard.rest(key), observe)
        await writer.write(_as_released(event, data, guard))
    for key in list(guard.pending):
        if guard.pending[key]:
            await _release(guard, writer, key, guard.rest(key), observe)
    verdict = await guard.final(select_all=False)
    await _end(guard, writer, verdict, upstream.saw_done)


async def _release(
    guard: StreamGuard, writer: _Writer, key: TextKey, text: str, observe: bool = False
) -> None:
    if observe:  # already sent as it came
        guard.released[key] += text
        guard.observe(key, text)
        return
    checked = await guard.check(key, text)
    guard.released[key] += checked
    if checked:
        await writer.write(guard.dialect.text_event(key, checked))


def _over_cap(guard: StreamGuard) -> bool:
    """A held answer over the cap follows the strictest on_error of the policy's rules:
    reject ends the stream; pass or flag stop holding and let the rest through unchecked."""
    if sum(len(t) for t in guard.original.values()) <= MAX_BUFFER_BYTES:
        return False
    rules: list[Rule[Any]] = list(guard.engine.rules(guard.policy))
    over = [
        r.finding("answer over the stream buffer cap; not checked", r.config.on_error)
        for r in rules
    ]
    guard.findings += [f for f in over if f.suggested_action != "pass"]
    if strongest(over) == "reject":
        raise Rejected(
            Verdict(Decision("reject", "reject", None), guard.policy, guard.findings, None)
        )
    return True


async def _buffer(
    guard: StreamGuard, writer: _Writer, batches: AsyncIterator[list[sse.Event]]
) -> None:
    """Hold everything; decide on the whole answer of each choice; then stream it out."""
    dialect = guard.dialect
    held: list[tuple[sse.Event, TextKey | None]] = []
    upstream = _Upstream(batches, dialect)
    async for event, _, hit in upstream:
        if hit is not None:
            guard.add(*hit)
        held.append((event, hit[0] if hit is not None else None))
        if hit is not None and _over_cap(guard):
            return await _give_up_holding(guard, writer, held, upstream)
    verdicts = {}
    for key, text in guard.original.items():
        guard.ctx.notes.clear()
        guard.ctx.fragment = False
        verdict = await guard.engine.evaluate(
            guard.policy, guard.ctx, text, guard.question, guard.request[REQUEST_ID]
        )
        action = verdict.decision.action
        if action == "retry":  # retry re-asks the upstream; a held stream answers with a fallback
            action = guard.policy.policy.actions.retry.fallback
        if action == "reject":
            raise Rejected(verdict)
        rewritten = verdict.decision.text if action == "rewrite" else None
        guard.released[key] = rewritten if rewritten is not None else text
        guard.findings += verdict.findings
        verdicts[key] = verdict
    sent: set[TextKey] = set()
    for event, key in held:
        if key is None:
            await writer.write(_as_released(event, _json(event), guard))
        elif key not in sent:
            sent.add(key)
            data = _json(event)
            assert data is not None
            dialect.text(data)  # its template: this choice's ids and fields
            await writer.write(dialect.text_event(key, guard.released[key]))
    base = next(iter(verdicts.values())) if verdicts else await guard.final(select_all=True)
    verdict = dataclasses.replace(
        base,
        findings=guard.findings,
        decision=decide(guard.findings, "".join(guard.released.values()), False),
    )
    await _end(guard, writer, verdict, upstream.saw_done)


async def _give_up_holding(
    guard: StreamGuard,
    writer: _Writer,
    held: list[tuple[sse.Event, TextKey | None]],
    upstream: _Upstream,
) -> None:
    for event, _ in held:
        await writer.write(event)
    async for event, _, _ in upstream:
        await writer.write(event)
    decision = decide(guard.findings, "", shadow=False)
    verdict = Verdict(decision, guard.policy, guard.findings, None)
    await _end(guard, writer, verdict, upstream.saw_done)


Classified = tuple[sse.Event, dict[str, Any] | None, tuple[TextKey, str] | None]


class _Upstream:
    """The upstream's events with their JSON and their text, if any; remembers `[DONE]`
    (which the gateway re-sends itself, after the verdict)."""

    def __init__(self, batches: AsyncIterator[list[sse.Event]], dialect: Dialect) -> None:
        self._batches = batches
        self._dialect = dialect
        self.saw_done = False
        self._events = self._read()  # one iterator: a second loop resumes where one stopped

    def __aiter__(self) -> AsyncIterator[Classified]:
        return self._events

    async def _read(self) -> AsyncIterator[Classified]:
        async for batch in self._batches:
            for event in batch:
                if event.data == "[DONE]":
                    self.saw_done = True
                    continue
                data = _json(event)
                yield event, data, self._dialect.text(data) if data is not None else None


def _as_released(event: sse.Event, data: dict[str, Any] | None, guard: StreamGuard) -> sse.Event:
    """A non-text event, with any copy of the answer it repeats replaced by what was released."""
    if data is None:
        return event
    finished = guard.dialect.finish(data, guard.released)
    if finished is data:
        return event
    return sse.Event(orjson.dumps(finished).decode(), event.event, event.id)


async def _end(guard: StreamGuard, writer: _Writer, verdict: Verdict, saw_done: bool) -> None:
    _record(guard.request, verdict, guard)
    event = guard.dialect.verdict_event(verdict.as_dict())
    if event is not None:
        await writer.write(event)
    if saw_done:
        await writer.write(sse.Event("[DONE]"))


def _record(request: web.Request, verdict: Verdict, guard: StreamGuard) -> None:
    remember(request, verdict)
    released = "".join(guard.released.values())
    original = "".join(guard.original.values())
    audit(request, verdict, verdict.as_dict(), released if released != original else None)
    request[AUDIT_RECORD]["answer"] = released
    decision = verdict.decision
    request[LOG].update(verdict=decision.action, intended=decision.intended)
    if decision.action == "reject":
        request[LOG]["released"] = "".join(guard.released.values())
        request[LOG]["reason"] = [f.message for f in verdict.findings][:5]
    metrics.VERDICTS.labels(guard.policy.name, decision.action, decision.intended).inc()


def _json(event: sse.Event) -> dict[str, Any] | None:
    try:
        data = orjson.loads(event.data)
    except orjson.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


class _Writer:
    def __init__(self, out: web.StreamResponse, dialect: Dialect) -> None:
        self._out = out
        self._dialect = dialect

    async def write(self, event: sse.Event) -> None:
        try:
            await self._out.write(self._dialect.write(event))
        except ConnectionResetError as exc:
            raise relay.ClientGone(str(exc)) from exc

    async def safe(self, event: sse.Event) -> None:
        with contextlib.suppress(relay.ClientGone):
            await self.write(event)
