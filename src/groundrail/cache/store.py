"""Key-value storage for cached verdicts and shared counters: Redis, or in process.

`Store` is the interface; `MemoryStore` is the embedded default (a bounded LRU with expiry);
`RedisStore` shares entries between replicas and falls back to its own MemoryStore while Redis
is slow or down, reconnecting with backoff. Nothing here ever fails a request.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Sequence
from itertools import islice
from typing import Any, Protocol
from urllib.parse import parse_qs, urlparse

import redis.asyncio as aioredis
from redis.asyncio.sentinel import Sentinel
from redis.exceptions import RedisError

from groundrail.observe import metrics

log = logging.getLogger("groundrail.cache")


class Store(Protocol):
    layer: str

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]: ...

    async def set_many(self, items: dict[str, bytes], ttl: float | None) -> None: ...

    async def incr(self, key: str, amount: int, ttl: float) -> int: ...

    async def get_int(self, key: str) -> int: ...

    async def append(self, stream: str, record: bytes, maxlen: int) -> str: ...

    async def read(self, stream: str, since_ms: int) -> list[tuple[str, bytes]]: ...

    async def read_back(
        self, stream: str, before: str | None, count: int
    ) -> list[tuple[str, bytes]]: ...

    async def close(self) -> None: ...


class MemoryStore:
    """A bounded LRU with per-entry expiry; one per process."""

    layer = "memory"

    def __init__(self, max_entries: int = 100_000) -> None:
        self._data: OrderedDict[str, tuple[bytes, float]] = OrderedDict()
        self._max = max_entries
        self._streams: dict[str, deque[tuple[str, bytes]]] = {}
        self._sequence = 0

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        return [self._get(k) for k in keys]

    async def set_many(self, items: dict[str, bytes], ttl: float | None) -> None:
        expires = time.monotonic() + ttl if ttl else float("inf")
        for key, value in items.items():
            self._data[key] = (value, expires)
            self._data.move_to_end(key)
        while len(self._data) > self._max:
            self._data.popitem(last=False)

    async def incr(self, key: str, amount: int, ttl: float) -> int:
        total = int(self._get(key) or 0) + amount
        await self.set_many({key: str(total).encode()}, ttl)
        return total

    async def get_int(self, key: str) -> int:
        return int(self._get(key) or 0)

    async def append(self, stream: str, record: bytes, maxlen: int) -> str:
        """A ring buffer with Redis-stream-like ids (milliseconds-sequence)."""
        self._sequence += 1
        entry_id = f"{int(time.time() * 1000)}-{self._sequence}"
        self._streams.setdefault(stream, deque(maxlen=maxlen)).append((entry_id, record))
        return entry_id

    async def read(self, stream: str, since_ms: int) -> list[tuple[str, bytes]]:
        return [e for e in self._streams.get(stream, ()) if int(e[0].split("-")[0]) >= since_ms]

    async def read_back(
        self, stream: str, before: str | None, count: int
    ) -> list[tuple[str, bytes]]:
        """Newest first: up to `count` entries older than the id `before` (None: the newest);
        ids only grow, so where `before` falls is a binary search."""
        entries = self._streams.get(stream, deque())
        end = len(entries)
        if before is not None:
            end = bisect.bisect_left(entries, _id_key(before), key=lambda e: _id_key(e[0]))
        return list(islice(entries, max(0, end - count), end))[::-1]

    async def close(self) -> None:
        self._data.clear()

    def _get(self, key: str) -> bytes | None:
        entry = self._data.get(key)
        if entry is None:
            return None
        if entry[1] < time.monotonic():
            del self._data[key]
            return None
        self._data.move_to_end(key)
        return entry[0]


class RedisStore:
    """Redis with a short timeout; while it is unreachable, an in-process fallback serves and
    the outage is counted; it is tried again after a backoff that doubles up to 30 s."""

    layer = "redis"

    def __init__(
        self, url: str, timeout: float = 0.05, fallback: MemoryStore | None = None
    ) -> None:
        self.client = connect(url, timeout)
        self.fallback = fallback or MemoryStore()
        self._down_until = 0.0
        self._backoff = 0.5

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        if not keys:
            return []
        if self.available:
            try:
                values = await self.client.mget(list(keys))
                self._up()
                return [v.encode() if isinstance(v, str) else v for v in values]
            except (RedisError, OSError, TimeoutError) as exc:
                self._down(exc)
        return await self.fallback.get_many(keys)

    async def set_many(self, items: dict[str, bytes], ttl: float | None) -> None:
        await self.fallback.set_many(items, ttl)  # this replica keeps them either way
        if not items or not self.available:
            return
        try:
            async with self.client.pipeline(transaction=False) as pipe:
                for key, value in items.items():
                    pipe.set(key, value, px=int(ttl * 1000) if ttl else None)
                await pipe.execute()
            self._up()
        except (RedisError, OSError, TimeoutError) as exc:
            self._down(exc)

    async def incr(self, key: str, amount: int, ttl: float) -> int:
        """Atomic add + expiry in one round trip, shared by every replica."""
        if self.available:
            try:
                async with self.client.pipeline(transaction=True) as pipe:
                    pipe.incrby(key, amount)
                    pipe.expire(key, int(ttl) + 1, nx=True)
                    total, _ = await pipe.execute()
                self._up()
                return int(total)
            except (RedisError, OSError, TimeoutError) as exc:
                self._down(exc)
        return await self.fallback.incr(key, amount, ttl)

    async def get_int(self, key: str) -> int:
        values = await self.get_many([key])
        return int(values[0] or 0)

    async def append(self, stream: str, record: bytes, maxlen: int) -> str:
        if self.available:
            try:
                entry_id = await self.client.xadd(
                    stream, {"record": record}, maxlen=maxlen, approximate=True
                )
                self._up()
                return entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
            except (RedisError, OSError, TimeoutError) as exc:
                self._down(exc)
        return await self.fallback.append(stream, record, maxlen)

    async def read(self, stream: str, since_ms: int) -> list[tuple[str, bytes]]:
        if self.available:
            try:
                entries = await self.client.xrange(stream, min=f"{since_ms}-0", max="+")
                self._up()
                return _records(entries or [])
            except (RedisError, OSError, TimeoutError) as exc:
                self._down(exc)
        return await self.fallback.read(stream, since_ms)

    async def read_back(
        self, stream: str, before: str | None, count: int
    ) -> list[tuple[str, bytes]]:
        if self.available:
            try:
                entries = await self.client.xrevrange(
                    stream, max=f"({before}" if before else "+", min="-", count=count
                )
                self._up()
                return _records(entries or [])
            except (RedisError, OSError, TimeoutError) as exc:
                self._down(exc)
        return await self.fallback.read_back(stream, before, count)

    async def close(self) -> None:
        await self.client.aclose()

    def _down(self, exc: BaseException) -> None:
        metrics.CACHE_ERRORS.labels("redis", type(exc).__name__).inc()
        if self.available:
            log.warning("redis unavailable; using the in-process cache", extra={"error": str(exc)})
        self._down_until = time.monotonic() + self._backoff
        self._backoff = min(self._backoff * 2, 30.0)

    def _up(self) -> None:
        self._backoff = 0.5


def _records(entries: Sequence[tuple[Any, Any]]) -> list[tuple[str, bytes]]:
    out = []
    for entry_id, fields in entries:
        record = (fields or {}).get(b"record")
        if isinstance(record, bytes) and isinstance(entry_id, bytes):
            out.append((entry_id.decode(), record))
    return out


def _id_key(entry_id: str) -> tuple[int, int]:
    """A stream id (milliseconds-sequence) in the order the stream keeps."""
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)


def connect(url: str, timeout: float) -> aioredis.Redis:
    """redis://, rediss:// (TLS) or redis+sentinel://[:password@]host:port[,host:port…]/master[/db]."""
    parsed = urlparse(url)
    if parsed.scheme not in ("redis+sentinel", "rediss+sentinel"):
        return aioredis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout, health_check_interval=30
        )
    hosts = []
    for host in parsed.netloc.rsplit("@", 1)[-1].split(","):
        name, _, port = host.partition(":")
        hosts.append((name, int(port or 26379)))
    parts = [p for p in parsed.path.split("/") if p]
    if not parts:
        raise ValueError(
            f"{url}: a sentinel URL names the master: redis+sentinel://host:26379/mymaster"
        )
    options = {k: v[0] for k, v in parse_qs(parsed.query).items()}
    sentinel = Sentinel(  # type: ignore[no-untyped-call, unused-ignore]
        hosts,
        socket_timeout=timeout,
        sentinel_kwargs={"password": options.get("sentinel_password")},
        password=parsed.password,
        db=int(parts[1]) if len(parts) > 1 else 0,
        ssl=parsed.scheme.startswith("rediss"),
    )
    master: aioredis.Redis = sentinel.master_for(parts[0], socket_timeout=timeout)
    return master


def open_store(url: str | None, timeout: float = 0.05) -> Store:
    return RedisStore(url, timeout) if url else MemoryStore()


async def wait_ready(store: Store, seconds: float = 2.0) -> None:
    """At start-up: say once whether Redis answers (it is never required)."""
    if isinstance(store, RedisStore):
        try:
            async with asyncio.timeout(seconds):
                await store.client.ping()
        except (RedisError, OSError, TimeoutError) as exc:
            store._down(exc)
