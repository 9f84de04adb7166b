"""The pooled upstream client: routing by model, retries with backoff, fallback upstreams."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

import aiohttp
from multidict import CIMultiDict

from groundrail.config import RetryConfig, Settings, UpstreamConfig
from groundrail.observe import metrics, tracing
from groundrail.openai.errors import GatewayError

log = logging.getLogger("groundrail.upstream")

# Statuses that say the upstream refused the call before any model ran it.
REFUSED = frozenset({429, 502, 503, 504})
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


def forward_headers(
    incoming: Mapping[str, str], upstream: UpstreamConfig, request_id: str
) -> CIMultiDict[str]:
    headers = CIMultiDict(
        (k, v)
        for k, v in incoming.items()
        if k.lower() not in HOP_BY_HOP and not k.lower().startswith("x-groundrail-")
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
        body: bytes | None,
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
        body: bytes | None,
        exchange: Exchange,
        request_id: str,
        first: UpstreamConfig,
    ) -> aiohttp.ClientResponse:
        may_repeat = method in IDEMPOTENT or self._retry.non_idempotent
        failure: GatewayError | None = None
        last_error: aiohttp.ClientResponse | None = None
        for upstream in self.chain(first):
            exchange.upstreams_tried.append(upstream.name)
            for attempt in range(self._retry.max_attempts):
                if last_error is not None:
                    last_error.release()
                    last_error = None
                exchange.attempts += 1
                exchange.upstream = upstream.name
                try:
                    response = await self._attempt(
                        upstream, method, path, headers, body, request_id
                    )
                except aiohttp.ClientConnectorError as exc:  # never reached the upstream
                    failure = _unavailable(upstream, exc)
                    retry = True
                    delay = self._backoff(attempt)
                except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as exc:
                    failure = _unavailable(upstream, exc)
                    retry = may_repeat
                    delay = self._backoff(attempt)
                except TimeoutError:
                    failure = GatewayError(
                        504,
                        "upstream_timeout",
                        f"Upstream {upstream.name!r} did not answer within its timeouts.",
                    )
                    retry = may_repeat
                    delay = self._backoff(attempt)
                else:
                    status = response.status
                    if status not in REFUSED and not (status >= 500 and may_repeat):
                        exchange.first_byte_s = time.perf_counter() - exchange.started
                        metrics.UPSTREAM_SECONDS.labels(upstream.name).observe(
                            exchange.first_byte_s
                        )
                        return response
                    last_error, failure = response, None
                    retry = True
                    delay = _retry_after(response.headers, self._retry) or self._backoff(attempt)
                metrics.UPSTREAM_ERRORS.labels(upstream.name, _reason(failure, last_error)).inc()
                log.warning(
                    "upstream attempt failed",
                    extra={
                        "request_id": request_id,
                        "upstream": upstream.name,
                        "attempt": attempt + 1,
                        "reason": _reason(failure, last_error),
                    },
                )
                if not retry:
                    break
                if attempt + 1 < self._retry.max_attempts:
                    await asyncio.sleep(delay)
            if failure is not None and failure.status == 504 and not may_repeat:
                break  # it may have reached the model: a fallback could run it twice
        if last_error is not None:
            exchange.first_byte_s = time.perf_counter() - exchange.started
            return last_error  # the upstream's own error, passed through
        assert failure is not None
        raise failure

    async def _attempt(
        self,
        upstream: UpstreamConfig,
        method: str,
        path: str,
        headers: Mapping[str, str],
        body: bytes | None,
        request_id: str,
    ) -> aiohttp.ClientResponse:
        t = upstream.timeouts
        async with asyncio.timeout(t.first_byte):
            return await self._session.request(
                method,
                upstream.base_url.rstrip("/") + path.removeprefix("/v1"),
                headers=forward_headers(headers, upstream, request_id),
                data=body,
                timeout=aiohttp.ClientTimeout(total=t.total, connect=t.connect),
                allow_redirects=False,
            )

    def _backoff(self, attempt: int) -> float:
        cap = min(self._retry.backoff_max, self._retry.backoff_base * 2**attempt)
        return float(cap / 2 + random.uniform(0, cap / 2))


def _unavailable(upstream: UpstreamConfig, exc: Exception) -> GatewayError:
    return GatewayError(
        502, "upstream_unavailable", f"Upstream {upstream.name!r} is unavailable: {exc}."
    )


def _reason(failure: GatewayError | None, response: aiohttp.ClientResponse | None) -> str:
    if response is not None:
        return str(response.status)
    return failure.code if failure is not None else "unknown"


def _retry_after(headers: Mapping[str, str], retry: RetryConfig) -> float | None:
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
    if seconds is None or seconds < 0:
        return None
    return min(seconds, retry.retry_after_max)
