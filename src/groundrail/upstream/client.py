"""The pooled upstream client: routing by model, retries with backoff, fallback upstreams."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

import aiohttp
from multidict import CIMultiDict

from groundrail.config import Settings, UpstreamConfig
from groundrail.observe import metrics, tracing
from groundrail.openai.errors import GatewayError

log = logging.getLogger("groundrail.upstream")

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        "accept-encoding",
        "content-encoding",
    }
)


@dataclass(slots=True)
class Exchange:
    """What happened upstream for one client request (for logs, metrics and later checks)."""

    upstream: str = ""
    attempts: int = 0
    upstreams_tried: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)
    first_byte_s: float | None = None


class StreamedBody:
    """A request body sent upstream as it arrives from the client (an upload), never held
    whole: it can be sent once, so a failure after its first byte is never retried."""

    def __init__(self, chunks: AsyncIterator[bytes], length: int | None) -> None:
        self._chunks = chunks
        self.length = length  # the client's Content-Length, sent on; else chunked
        self.started = False
        self.on_sent: Callable[[], None] | None = None  # called once the last byte went out

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._chunks:
            self.started = True
            yield chunk
        if self.on_sent is not None:
            self.on_sent()


Body = bytes | StreamedBody | None


@dataclass(slots=True)
class Outcome:
    """One attempt: a response to hand on (`done`), or a failure (an error response or an
    exception). `unaccepted`: it provably failed before the upstream accepted the request
    (connection refused, 429, 503 with Retry-After), so sending it again cannot run the model
    twice."""

    response: aiohttp.ClientResponse | None = None
    failure: GatewayError | None = None
    done: bool = False
    unaccepted: bool = False
    retry_after: float | None = None  # seconds the upstream asked to wait

    @property
    def reason(self) -> str:
        if self.response is not None:
            return str(self.response.status)
        return self.failure.code if self.failure is not None else "unknown"


def forward_headers(
    incoming: Mapping[str, str], upstream: UpstreamConfig, request_id: str
) -> CIMultiDict[str]:
    headers = CIMultiDict(
        (k, v)
        for k, v in incoming.items()
        if (lower := k.lower()) not in HOP_BY_HOP and not lower.startswith("x-groundrail-")
    )
    if upstream.api_key:
        headers["Authorization"] = f"Bearer {upstream.api_key}"
    headers.update(upstream.headers)
    headers["X-Request-Id"] = request_id
    return headers


class UpstreamPool:
    """One aiohttp session for every upstream; created once, closed once."""

    def __init__(self, settings: Settings) -> None:
        self._routes = settings.routes()
        self._by_name = {u.name: u for u in self._routes}
        self._retry = settings.retry
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0, limit_per_host=256, ttl_dns_cache=300),
            auto_decompress=True,
            cookie_jar=aiohttp.DummyCookieJar(),  # one client's cookies are never another's
        )

    async def close(self) -> None:
        await self._session.close()

    @property
    def upstreams(self) -> list[UpstreamConfig]:
        return list(self._routes)

    def route(self, model: str | None) -> UpstreamConfig:
        if model:
            for upstream in self._routes:
                if upstream.serves(model):
                    return upstream
        return self._by_name["default"]

    def chain(self, first: UpstreamConfig) -> list[UpstreamConfig]:
        """The upstream and its fallbacks, each once."""
        out = [first]
        while out[-1].fallback and self._by_name[out[-1].fallback] not in out:
            out.append(self._by_name[out[-1].fallback])
        return out

    @asynccontextmanager
    async def send(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str],
        body: Body,
        exchange: Exchange,
        request_id: str,
        model: str | None = None,
        upstream: UpstreamConfig | None = None,
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """Open the upstream response (headers read), retrying and falling back as configured.

        The caller reads the body inside the block; leaving the block early (an error, a client
        that went away) closes the connection, so the upstream sees the cancel.
        """
        with tracing.span("groundrail.upstream", **{"http.method": method, "url.path": path}):
            response = await self._open(
                method, path, headers, body, exchange, request_id, upstream or self.route(model)
            )
        try:
            yield response
        except BaseException:
            response.close()
            raise
        finally:
            response.release()

    async def _open(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str],
        body: Body,
        exchange: Exchange,
        request_id: str,
        first: UpstreamConfig,
    ) -> aiohttp.ClientResponse:
        """Send, and send again only what provably never reached the model (see `Outcome`);
        a wait is never longer than the configured maximum, nor shorter than the upstream
        asked: asked for longer, its answer is handed back."""
        may_repeat = method in IDEMPOTENT or self._retry.non_idempotent
        outcome: Outcome | None = None
        for upstream in self.chain(first):
            exchange.upstreams_tried.append(upstream.name)
            for attempt in range(self._retry.max_attempts):
                if outcome is not None and outcome.response is not None:
                    outcome.response.release()
                exchange.attempts += 1
                exchange.upstream = upstream.name
                outcome = await self._try(upstream, method, path, headers, body, request_id)
                if outcome.done:
                    assert outcome.response is not None
                    exchange.first_byte_s = time.perf_counter() - exchange.started
                    metrics.UPSTREAM_SECONDS.labels(upstream.name).observe(exchange.first_byte_s)
                    return outcome.response
                repeat = outcome.unaccepted or may_repeat
                if isinstance(body, StreamedBody) and body.started:
                    repeat = False  # the client's bytes are gone: they cannot be sent again
                delay = self._delay(attempt, outcome)
                reason = outcome.reason
                metrics.UPSTREAM_ERRORS.labels(upstream.name, reason).inc()
                log.warning(
                    "upstream attempt failed",
                    extra={
                        "request_id": request_id,
                        "upstream": upstream.name,
                        "attempt": attempt + 1,
                        "reason": reason,
                    },
                )
                if not repeat:  # it may have reached the model: neither again nor elsewhere
                    return self._give_up(outcome, exchange)
                if delay is None or attempt + 1 == self._retry.max_attempts:
                    break  # asked to wait longer than allowed, or out of tries: next upstream
                await asyncio.sleep(delay)
        assert outcome is not None
        return self._give_up(outcome, exchange)

    async def _try(
        self,
        upstream: UpstreamConfig,
        method: str,
        path: str,
        headers: Mapping[str, str],
        body: Body,
        request_id: str,
    ) -> Outcome:
        try:
            response = await self._attempt(upstream, method, path, headers, body, request_id)
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
            return Outcome(failure=_unavailable(upstream, exc), unaccepted=True)
        except TimeoutError:
            failure = GatewayError(
                504,
                "upstream_timeout",
                f"Upstream {upstream.name!r} did not answer within its timeouts.",
            )
            return Outcome(failure=failure)
        except aiohttp.ClientConnectionError as exc:
            if isinstance(exc.__cause__, GatewayError):  # the client's body broke a limit
                raise exc.__cause__ from exc
            return Outcome(failure=_unavailable(upstream, exc))
        status = response.status
        if 300 <= status < 400 and status != 304:
            return Outcome(failure=_redirected(upstream, response))
        if status < 500 and status != 429:
            return Outcome(response=response, done=True)
        asked = _retry_after(response.headers)
        refused = status == 429 or (status == 503 and asked is not None)
        return Outcome(response=response, unaccepted=refused, retry_after=asked)

    def _delay(self, attempt: int, outcome: Outcome) -> float | None:
        """Seconds to wait before the next try: what the upstream asked, else the backoff;
        None when it asked for longer than `retry_after_max`."""
        if outcome.retry_after is None:
            return self._backoff(attempt)
        if outcome.retry_after > self._retry.retry_after_max:
            return None
        return outcome.retry_after

    @staticmethod
    def _give_up(outcome: Outcome, exchange: Exchange) -> aiohttp.ClientResponse:
        """The upstream's own error response, passed through; else the gateway's error."""
        if outcome.response is not None:
            exchange.first_byte_s = time.perf_counter() - exchange.started
            return outcome.response
        assert outcome.failure is not None
        raise outcome.failure

    async def _attempt(
        self,
        upstream: UpstreamConfig,
        method: str,
        path: str,
        headers: Mapping[str, str],
        body: Body,
        request_id: str,
    ) -> aiohttp.ClientResponse:
        t = upstream.timeouts
        sent = forward_headers(headers, upstream, request_id)
        async with asyncio.timeout(
            None if isinstance(body, StreamedBody) else t.first_byte
        ) as deadline:
            if isinstance(body, StreamedBody):  # an upload: `first_byte` counts once it is sent
                if body.length is not None:
                    sent["Content-Length"] = str(body.length)
                loop = asyncio.get_running_loop()
                body.on_sent = lambda: deadline.reschedule(loop.time() + t.first_byte)
            return await self._session.request(
                method,
                upstream.base_url.rstrip("/") + path.removeprefix("/v1"),
                headers=sent,
                data=body,
                timeout=aiohttp.ClientTimeout(total=t.total, connect=t.connect),
                allow_redirects=False,
            )

    def _backoff(self, attempt: int) -> float:
        cap = min(self._retry.backoff_max, self._retry.backoff_base * 2**attempt)
        return float(cap / 2 + random.uniform(0, cap / 2))


def _unavailable(upstream: UpstreamConfig, exc: Exception) -> GatewayError:
    """A 502 that says what failed in the client's terms: "cannot connect to
    localhost:9000 (Connection refused)", not aiohttp's "Cannot connect to host
    localhost:9000 ssl:default [Connect call failed …]" (which names TLS for a plain-HTTP
    upstream)."""
    if isinstance(exc, aiohttp.ClientConnectorError):
        cause = exc.os_error.strerror or type(exc.os_error).__name__
        why = f"cannot connect to {exc.host}:{exc.port} ({cause})"
    else:
        why = str(exc) or type(exc).__name__
    message = f"Upstream {upstream.name!r} is unavailable: {why}."
    return GatewayError(502, "upstream_unavailable", message)


def _redirected(upstream: UpstreamConfig, response: aiohttp.ClientResponse) -> GatewayError:
    """A 502 for an upstream's redirect: relayed, it would send the client past the gateway
    (the SDKs follow a 307 with the request and its key, to be answered unchecked), so it is
    neither relayed nor followed; where it pointed goes to the log, not to the client."""
    location = response.headers.get("Location", "")
    response.release()
    log.warning(
        "upstream redirected",
        extra={"upstream": upstream.name, "status": response.status, "location": location},
    )
    message = (
        f"Upstream {upstream.name!r} answered with a redirect ({response.status}); the gateway "
        "does not relay or follow redirects: point the upstream's base_url where it leads."
    )
    return GatewayError(502, "upstream_redirect", message)


def _retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds the upstream asked us to wait (retry-after-ms, Retry-After seconds or date)."""
    seconds: float | None = None
    if "retry-after-ms" in headers:
        try:
            seconds = float(headers["retry-after-ms"]) / 1000
        except ValueError:
            seconds = None
    if seconds is None and "Retry-After" in headers:
        value = headers["Retry-After"]
        try:
            seconds = float(value)
        except ValueError:
            try:
                seconds = parsedate_to_datetime(value).timestamp() - time.time()
            except (TypeError, ValueError):
                seconds = None
    if seconds is None:
        return None
    return max(seconds, 0.0)
