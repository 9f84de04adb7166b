"""Guarded streaming: release each sentence once every rule has seen it (`sentence`), hold the
whole answer (`buffer`), or pass through and report (`observe`)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
import unicodedata
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson
from aiohttp import web

from groundrail.grounding.claims import Skipped, Span, segmenter
from groundrail.grounding.engine import GroundingResult, judged_by
from groundrail.grounding.windows import Document
from groundrail.observe import metrics
from groundrail.openai.answers import Path, Text, json_object, where
from groundrail.openai.errors import GatewayError
from groundrail.openai.requests import ParsedRequest
from groundrail.openai.streams import Dialect, Piece, Split, dialect_for, merge_logprobs
from groundrail.policy.choices import combine, deciding_choice, fall_back, judge
from groundrail.policy.decision import Decision, decide, strongest
from groundrail.policy.engine import GROUNDED_KINDS, RuleRun, Verdict
from groundrail.policy.formats import code_blocks, in_code, json_text
from groundrail.policy.loader import LoadedPolicy
from groundrail.rules.base import CheckContext, Finding, Part, Rule
from groundrail.rules.json_schema import requested_format
from groundrail.server import relay
from groundrail.server.context import AUDIT_RECORD, LOG, POLICY_ENGINE, REQUEST_ID, api_path
from groundrail.server.feedback import remember
from groundrail.server.guard import audit, client_key, evidence
from groundrail.upstream import sse

MAX_HOLD_CHARS = 600  # text that never ends a sentence (a list, code) is checked at this size
HOLD_MARGIN = 200  # at the hold limit this much stays held: no shorter match is ever split
MAX_BUFFER_BYTES = 1 << 20  # a held answer larger than this follows the rules' on_error
KEEPALIVE_SECONDS = 5.0  # a stream silent this long gets an SSE comment (`: keep-alive`)
SENTENCE_MARKS = ".!?\n\u3002\uff01\uff1f"  # and the ideographic full stop, fullwidth ! and ?
KEEPALIVE = sse.Event("", comment=" keep-alive")


class Rejected(Exception):
    def __init__(self, verdict: Verdict) -> None:
        super().__init__("rejected")
        self.verdict = verdict


class StreamGuard:
    """Per-stream state, per text (a choice's answer, reasoning, a tool call's arguments: keyed
    by its path in the whole response): held, released and checked text, and every finding."""

    def __init__(
        self,
        request: web.Request,
        parsed: ParsedRequest,
        policy: LoadedPolicy,
        dialect: Dialect,
        evidence: tuple[list[Document], str | None],
    ) -> None:
        self.request = request
        self.parsed = parsed
        self.policy = policy
        self.dialect = dialect
        self.engine = request.app[POLICY_ENGINE]
        path = api_path(request)
        self.ctx = CheckContext(
            path=path,
            request=parsed.body,
            model=parsed.model,
            documents=evidence[0],
            key=client_key(request),
            fragment=True,
        )
        self.contexts: dict[Part, CheckContext] = {"content": self.ctx}
        self.question = evidence[1]
        self.parts: dict[Path, tuple[int, Part]] = {}  # every text: its choice and part
        self.pending: dict[Path, str] = defaultdict(str)
        self.original: dict[Path, str] = defaultdict(str)
        self.released: dict[Path, str] = defaultdict(str)
        self.checked: dict[Path, int] = defaultdict(int)  # original text checked so far
        self.changed: set[Path] = set()  # texts a rewrite changed
        # the logprobs of held chunks, with their (start, end) in the original text
        self.logprobs: dict[Path, list[tuple[int, int, Any]]] = defaultdict(list)
        self.heads: dict[Path, dict[str, Any]] = {}  # tool calls' headers not sent yet
        self.findings: list[Finding] = []
        # every content fragment's grounding (claims and skips at answer offsets), by offset
        self.sentences: list[tuple[int, GroundingResult]] = []
        self.runs: list[RuleRun] = []  # every fragment's rule runs
        self.tasks: list[asyncio.Task[tuple[Verdict, list[Finding], list[Finding]]]] = []

    def context(self, part: Part) -> CheckContext:
        if part not in self.contexts:
            self.contexts[part] = dataclasses.replace(self.ctx, part=part, notes={})
        return self.contexts[part]

    def for_text(self, text: Text) -> CheckContext:
        """A whole text's own context (buffer mode: each text, each choice, judged apart)."""
        return dataclasses.replace(self.ctx, part=text.part, notes={}, fragment=False)

    def add(self, piece: Piece) -> None:
        path = piece.path
        self.parts[path] = (piece.choice, piece.part)
        if piece.head is not None:
            self.heads.setdefault(path, piece.head)
        start = len(self.original[path])
        self.pending[path] += piece.text
        self.original[path] += piece.text
        if piece.logprobs:
            self.logprobs[path].append((start, start + len(piece.text), piece.logprobs))

    def content(self, texts: dict[Path, str], choice: int | None = None) -> str:
        """The answer's content text (of one choice, when `choice` is given)."""
        return "".join(
            t
            for p, t in texts.items()
            if self.parts[p][1] == "content" and choice in (None, self.parts[p][0])
        )

    async def take(self, path: Path) -> str | None:
        """The next fragment of held text that can be checked on its own: up to the last
        complete sentence outside code blocks, or, past the hold limit, up to a boundary no
        rule's match crosses. Tool-call arguments are held whole."""
        held = self.pending[path]
        if self.parts[path][1] == "arguments":
            return None
        cut = sentence_cut(held)
        if not cut and len(held) >= MAX_HOLD_CHARS:
            cut = await self.limit_cut(path, held)
        if not cut:
            return None
        self.pending[path] = held[cut:]
        return held[:cut]

    async def limit_cut(self, path: Path, held: str) -> int:
        """Where to cut text past the hold limit: HOLD_MARGIN before its end, moved back to a
        line end inside code, to a blank, out of every match of the redacting rules (a card
        number or a banned phrase is never split) and off a combining character; in scripts
        without blanks the cut needs none. When nothing qualifies, all of it goes."""
        cut = len(held) - HOLD_MARGIN
        for start, end in code_blocks(held):
            if start < cut < end:
                cut = max(held.rfind("\n", start, cut) + 1, start)
        blank = max(held.rfind(" ", cut - 100, cut), held.rfind("\n", cut - 100, cut))
        if blank > 0:
            cut = blank + 1
        verdict = await self.engine.evaluate(
            self.policy,
            self.context(self.parts[path][1]),
            held,
            select=lambda rule: rule.redacts and rule.fragmentary,
        )
        spans = [span for f in verdict.findings for span in f.spans]
        while 0 < cut < len(held):
            if inside := [a for a, b in spans if a < cut < b]:
                cut = min(inside)
            elif _joins(held[cut - 1], held[cut]):
                cut -= 1
            else:
                break
        return cut if cut > 0 else len(held)

    def rest(self, path: Path) -> str:
        held, self.pending[path] = self.pending[path], ""
        return held

    async def inspect(
        self, path: Path, text: str, offset: int
    ) -> tuple[Verdict, list[Finding], list[Finding]]:
        """The fragmentary rules that read this text's part over one fragment of it: its
        findings with spans in the fragment and the same at offsets into the text (those are
        kept, with the claims). Code carried over from an earlier fragment is not a claim."""
        part = self.parts[path][1]
        code = in_code(self.original[path][:offset])
        verdict = await self.engine.evaluate(
            self.policy,
            self.context(part),
            text,
            self.question,
            self.request[REQUEST_ID],
            select=lambda r: r.fragmentary and not (code and r.kind in GROUNDED_KINDS),
            structured=self.structured(path, text),
        )
        fallback = self.policy.policy.actions.retry.fallback
        local = [  # once text is out there is nothing to retry: the fallback applies
            dataclasses.replace(
                f,
                suggested_action=fallback if f.suggested_action == "retry" else f.suggested_action,
                where=where(path),
            )
            for f in verdict.findings
        ]
        placed = [
            dataclasses.replace(f, spans=tuple((a + offset, b + offset) for a, b in f.spans))
            for f in local
        ]
        self.findings += placed
        self.runs += verdict.runs
        if verdict.grounding is not None and part == "content":
            self.sentences.append((offset, _shifted(verdict.grounding, offset)))
        return verdict, local, placed

    def structured(self, path: Path, text: str) -> bool:
        """Tool arguments that are JSON (held whole) are rewritten inside their values only
        (`choices.structured`; an answer asked to be JSON is held whole, in buffer mode)."""
        return self.parts[path][1] == "arguments" and json_text(text)

    def advance(self, path: Path, text: str) -> int:
        """Where `text` starts in its whole text; the next fragment starts after it."""
        offset = self.checked[path]
        self.checked[path] += len(text)
        return offset

    async def check(self, path: Path, text: str) -> tuple[str, Any]:
        """The fragment's fate: its (possibly rewritten) text and the logprobs that may go
        with it, or Rejected."""
        offset = self.advance(path, text)
        checked = text
        if text.strip():
            verdict, local, placed = await self.inspect(path, text, offset)
            structured = self.structured(path, text)
            decision = decide(local, text, False, structured)
            if decision.action == "reject":
                raise Rejected(dataclasses.replace(verdict, findings=placed, decision=decision))
            if decision.action == "rewrite" and decision.text is not None and not structured:
                done = self.released[path]  # the line breaks it ends in stand before this
                checked = _spaced(text, decision.text, done[len(done.rstrip()) :].count("\n"))
            elif decision.action == "rewrite" and decision.text is not None:
                checked = decision.text
        return checked, self.logprobs_until(path, offset + len(text), checked == text)

    def logprobs_until(self, path: Path, end: int, unchanged: bool) -> Any:
        """The held chunks' logprobs that end by `end`, while the text has gone out unchanged;
        from its first rewrite on it has none (their tokens would spell what was removed)."""
        units = self.logprobs[path]
        due = [u for u in units if u[1] <= end]
        self.logprobs[path] = units[len(due) :]
        if not unchanged:
            self.changed.add(path)
        return None if path in self.changed else merge_logprobs([u[2] for u in due])

    def observe(self, path: Path, text: str) -> None:
        """Observe mode: check in the background; the text is already out."""
        offset = self.advance(path, text)
        if text.strip():
            self.tasks.append(asyncio.create_task(self.inspect(path, text, offset)))

    async def final(self, select_all: bool) -> Verdict:
        """Whole-answer rules over the released answer, after the fragments' checks."""
        await asyncio.gather(*self.tasks)
        answer = self.content(self.released) or self.content(self.original)
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
        if grounding is not None and self.sentences:  # every sentence's, not the last one's
            grounding = _merged([g for _, g in sorted(self.sentences, key=lambda s: s[0])])
        return dataclasses.replace(
            verdict,
            findings=findings,
            decision=decision,
            grounding=grounding,
            runs=_merged_runs([*self.runs, *verdict.runs]),
        )


def _spaced(text: str, rewritten: str, breaks: int) -> str:
    """A rewritten fragment with the whitespace around it, so the stream reads as the same
    answer rewritten whole does: its own leading and trailing whitespace when some of it is
    kept; when all of it is removed, the line breaks it held that the released text (ending
    in `breaks` of them) still needs, at most one blank line, so a paragraph, a table or a
    code block after it stays apart from the text before it."""
    if rewritten:
        return text[: len(text) - len(text.lstrip())] + rewritten + text[len(text.rstrip()) :]
    held = text[: len(text) - len(text.lstrip())] + text[len(text.rstrip()) :]
    return "\n" * max(0, min(held.count("\n"), 2) - breaks)


def _shifted(result: GroundingResult, offset: int) -> GroundingResult:
    """A fragment's grounding with its claims' and skips' spans at offsets into the answer."""

    def moved(span: Span) -> Span:
        return dataclasses.replace(span, start=span.start + offset, end=span.end + offset)

    return dataclasses.replace(
        result,
        claims=[dataclasses.replace(c, span=moved(c.span)) for c in result.claims],
        skipped=[Skipped(moved(s.span), s.reason) for s in result.skipped],
    )


def _merged(results: list[GroundingResult]) -> GroundingResult:
    """The answer's grounding from its fragments' (in answer order): every claim and skip,
    the verdict and reason over all the claims (`judged_by`; a fragment with none keeps
    its own), the weakest support, the timings summed, the cache "partial" when the
    fragments differ."""
    last = results[-1]
    claims = [c for r in results for c in r.claims]
    verdict, reason = judged_by(claims) if claims else (last.verdict, last.reason)
    timings: dict[str, float] = defaultdict(float)
    for r in results:
        for key, value in r.timings.items():
            timings[key] += value
    caches = {r.cache for r in results}
    return dataclasses.replace(
        last,
        verdict=verdict,
        reason=reason,
        support=min((c.support for c in claims), default=last.support),
        claims=claims,
        skipped=[s for r in results for s in r.skipped],
        timings={key: round(value, 2) for key, value in timings.items()},
        cache=caches.pop() if len(caches) == 1 else "partial",
    )


def _merged_runs(runs: list[RuleRun]) -> list[RuleRun]:
    """One run per rule over a stream's fragments and its final check: time and findings
    summed, the first error kept."""
    merged: dict[str, RuleRun] = {}
    for run in runs:
        seen = merged.get(run.rule)
        merged[run.rule] = (
            run
            if seen is None
            else dataclasses.replace(
                seen,
                ms=round(seen.ms + run.ms, 3),
                findings=seen.findings + run.findings,
                error=seen.error or run.error,
            )
        )
    return list(merged.values())


def sentence_cut(held: str) -> int:
    """The start of the last sentence of `held` that may still grow (0: none complete); a cut
    never falls inside a code block, and a closed block may end a fragment."""
    if not any(mark in held for mark in SENTENCE_MARKS):
        return 0
    blocks = code_blocks(held)
    cuts = [span.start for span in segmenter().segment(held)[1:]]
    cuts += [end for _, end in blocks if end < len(held)]
    return max((c for c in cuts if not any(s < c < e for s, e in blocks)), default=0)


def _joins(before: str, char: str) -> bool:
    """`char` belongs to the character before it (a combining mark, a joiner, a variation or
    skin-tone selector), or `before` joins it to what follows (a ZWJ)."""
    code = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")
        or char in "\u200c\u200d"
        or before == "\u200d"
        or 0xFE00 <= code <= 0xFE0F
        or 0x1F3FB <= code <= 0x1F3FF
    )


async def guarded(
    request: web.Request,
    parsed: ParsedRequest,
    policy: LoadedPolicy,
    upstream: aiohttp.ClientResponse,
    events: AsyncIterator[list[sse.Event]] | None = None,
) -> web.StreamResponse:
    """The upstream's event stream (or `events` read from it) checked as the policy's
    streaming mode says, and sent on."""
    mode = policy.policy.streaming
    rules = request.app[POLICY_ENGINE].rules(policy)
    if policy.policy.mode == "shadow":
        mode = "observe"  # shadow never changes an answer, nor delays one
    elif mode == "sentence" and not any(rule.fragmentary for rule in rules):
        mode = "observe"  # nothing could hold a sentence back: do not hold it
    elif mode == "sentence" and (parsed.body.get("n") or 1) > 1:
        mode = "buffer"  # several choices: each is held and checked on its own
    elif mode == "sentence" and requested_format(parsed.body) is not None:
        mode = "buffer"  # JSON is rewritten inside its values: it must be whole
    request[LOG]["streaming"] = mode
    dialect = dialect_for(api_path(request))
    found = await evidence(request, parsed, policy, parsed.body)
    guard = StreamGuard(request, parsed, policy, dialect, found)
    headers = relay.response_headers(upstream)
    headers["Content-Type"] = "text/event-stream"  # what it is, whatever the upstream said
    headers["Cache-Control"] = "no-cache"
    headers["x-groundrail-policy"] = policy.label
    headers["x-groundrail-streaming"] = mode
    out = web.StreamResponse(status=upstream.status, headers=headers)
    await out.prepare(request)
    writer = _Writer(out, dialect)
    batches = events if events is not None else relay.upstream_events(upstream)
    metrics.STREAMS.inc()
    try:
        async with writer.kept_alive():
            if mode == "buffer":
                await _buffer(guard, writer, batches)
            else:
                await _sentences(guard, writer, batches, mode == "observe")
    except Rejected as exc:
        _record(request, exc.verdict, guard)
        error = GatewayError(
            policy.policy.actions.reject.status,
            "groundrail_policy_rejected",
            policy.policy.actions.reject.message,
        )
        await writer.safe(relay.error_event(api_path(request), error))
        return out
    except relay.UpstreamBroke as exc:
        metrics.STREAM_FAILURES.labels(request.path, "upstream_broke").inc()
        error = GatewayError(502, "upstream_stream_error", f"The upstream stream broke off: {exc}.")
        await writer.safe(relay.error_event(api_path(request), error))
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
    upstream = _Upstream(batches, guard.dialect)
    async for event, split in upstream:
        if event.comment is not None:  # an upstream keep-alive: nothing to check
            await writer.write(event)
            continue
        if observe:
            await writer.write(event)
        if split is None:  # no JSON object (or none that can be written back): not relayed
            continue
        if split.failed:  # the unfinished, unchecked text is not released
            guard.pending.clear()
        if split.rest is not None and split.metadata and not split.trailing:
            if not observe:  # token ids, usage: they need not wait for the text held
                await writer.write(_as_released(event, split, guard))
        elif split.rest is not None and not split.trailing:
            await _flush(guard, writer, observe)  # what came before it goes first
            if not observe:
                await writer.write(_as_released(event, split, guard))
        for piece in split.pieces:
            await _flush(guard, writer, observe, piece)  # another text of its choice came first
            guard.add(piece)
            while (fragment := await guard.take(piece.path)) is not None:
                await _release(guard, writer, piece.path, fragment, observe)
        if split.rest is not None and split.trailing:
            await _flush(guard, writer, observe)
            if not observe:
                await writer.write(_as_released(event, split, guard))
    await _flush(guard, writer, observe)
    verdict = await guard.final(select_all=False)
    await _end(guard, writer, verdict, upstream.saw_done)


async def _flush(
    guard: StreamGuard, writer: _Writer, observe: bool, coming: Piece | None = None
) -> None:
    """Check and release held text: all of it, or (`coming` text of a choice) that of the
    choice's other texts."""
    for path in list(guard.pending):
        if not guard.pending[path]:
            continue
        if coming is not None and (path == coming.path or guard.parts[path][0] != coming.choice):
            continue
        await _release(guard, writer, path, guard.rest(path), observe)


async def _release(
    guard: StreamGuard, writer: _Writer, path: Path, text: str, observe: bool = False
) -> None:
    if observe:  # already sent as it came
        guard.released[path] += text
        guard.observe(path, text)
        return
    checked, logprobs = await guard.check(path, text)
    guard.released[path] += checked
    if not checked:
        return
    event = guard.dialect.text_event(path, checked, logprobs, guard.heads.pop(path, None))
    if event is not None:
        await writer.write(event)


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
    """Hold everything; decide on each text of each choice; then stream it out."""
    dialect = guard.dialect
    held: list[tuple[sse.Event, Split | None]] = []
    upstream = _Upstream(batches, dialect)
    async for event, split in upstream:
        if event.comment is not None:
            await writer.write(event)
            continue
        for piece in split.pieces if split is not None else ():
            guard.add(piece)
        held.append((event, split))
        if split is not None and split.pieces and _over_cap(guard):
            return await _give_up_holding(guard, writer, held, upstream)
    found = [Text(*guard.parts[path], path, text) for path, text in guard.original.items()]
    if found:
        retry = guard.policy.policy.actions.retry.fallback  # a held stream cannot re-ask
        judged = await judge(
            guard.engine,
            guard.policy,
            guard.for_text,
            found,
            guard.question,
            guard.request[REQUEST_ID],
        )
        outcome = combine([fall_back(j, retry) for j in judged])
        verdict = outcome.verdict
        if verdict.decision.action == "reject":
            raise Rejected(verdict)
        for text, new in outcome.rewritten:
            guard.released[text.path] = new
            guard.changed.add(text.path)
    else:
        verdict = await guard.final(select_all=True)
    for path, whole in guard.original.items():
        guard.released.setdefault(path, whole)
    sent: set[Path] = set()
    for event, split in held:
        if split is None:  # no JSON object (or none that can be written back): not relayed
            continue
        if split.rest is not None and not split.trailing:
            await writer.write(_as_released(event, split, guard))
        for piece in split.pieces:
            if piece.path in sent or not guard.released[piece.path]:
                continue
            sent.add(piece.path)
            units = guard.logprobs[piece.path]
            logprobs = (
                None if piece.path in guard.changed else merge_logprobs([u[2] for u in units])
            )
            out = guard.released[piece.path]
            head = guard.heads.pop(piece.path, None)
            if (carrier := dialect.text_event(piece.path, out, logprobs, head)) is not None:
                await writer.write(carrier)
        if split.rest is not None and split.trailing:
            await writer.write(_as_released(event, split, guard))
    await _end(guard, writer, verdict, upstream.saw_done)


async def _give_up_holding(
    guard: StreamGuard,
    writer: _Writer,
    held: list[tuple[sse.Event, Split | None]],
    upstream: _Upstream,
) -> None:
    for event, _ in held:
        await writer.write(event)
    async for event, _ in upstream:
        await writer.write(event)
    decision = decide(guard.findings, "", shadow=False)
    verdict = Verdict(decision, guard.policy, guard.findings, None)
    await _end(guard, writer, verdict, upstream.saw_done)


class _Upstream:
    """The upstream's events, each split into its texts and the rest (None: not JSON, or a
    comment); remembers `[DONE]` (which the gateway re-sends itself, after the verdict)."""

    def __init__(self, batches: AsyncIterator[list[sse.Event]], dialect: Dialect) -> None:
        self._batches = batches
        self._dialect = dialect
        self.saw_done = False
        self._events = self._read()  # one iterator: a second loop resumes where one stopped

    def __aiter__(self) -> AsyncIterator[tuple[sse.Event, Split | None]]:
        return self._events

    async def _read(self) -> AsyncIterator[tuple[sse.Event, Split | None]]:
        async for batch in self._batches:
            for event in batch:
                if event.data == "[DONE]" and event.comment is None:
                    self.saw_done = True
                    continue
                data = json_object(event.data) if event.comment is None else None
                yield event, self._dialect.split(data) if data is not None else None


def _as_released(event: sse.Event, split: Split, guard: StreamGuard) -> sse.Event:
    """The rest of an event (without its text), with any copy of a text it repeats replaced by
    what was released."""
    if split.rest is None:
        return event
    finished = guard.dialect.finish(split.rest, guard.released, guard.changed)
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
    # with several choices, the one the verdict describes (`combine`), not all glued together
    choice = deciding_choice(verdict.choices) if len(verdict.choices) > 1 else None
    released = guard.content(guard.released, choice)
    original = guard.content(guard.original, choice)
    audit(request, verdict, verdict.as_dict(), released if released != original else None)
    request[AUDIT_RECORD]["answer"] = released
    decision = verdict.decision
    request[LOG].update(verdict=decision.action, intended=decision.intended)
    if decision.action == "reject":
        request[LOG]["released"] = released
        request[LOG]["reason"] = [f.message for f in verdict.findings][:5]
    metrics.VERDICTS.labels(guard.policy.name, decision.action, decision.intended).inc()


class _Writer:
    """Writes events to the client; while the stream is silent (upstream thinking, text held
    for a check) it sends an SSE comment every KEEPALIVE_SECONDS, so that clients and load
    balancers with idle timeouts stay connected."""

    def __init__(self, out: web.StreamResponse, dialect: Dialect) -> None:
        self._out = out
        self._dialect = dialect
        self._last = time.monotonic()
        self._lock = asyncio.Lock()

    async def write(self, event: sse.Event) -> None:
        async with self._lock:
            try:
                await self._out.write(self._dialect.write(event))
            except ConnectionResetError as exc:
                raise relay.ClientGone(str(exc)) from exc
            self._last = time.monotonic()

    async def safe(self, event: sse.Event) -> None:
        with contextlib.suppress(relay.ClientGone):
            await self.write(event)

    @contextlib.asynccontextmanager
    async def kept_alive(self) -> AsyncIterator[None]:
        task = asyncio.create_task(self._keep_alive())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _keep_alive(self) -> None:
        while True:
            await asyncio.sleep(max(0.0, self._last + KEEPALIVE_SECONDS - time.monotonic()))
            if time.monotonic() - self._last >= KEEPALIVE_SECONDS:
                try:
                    await self.write(KEEPALIVE)
                except relay.ClientGone:
                    return
