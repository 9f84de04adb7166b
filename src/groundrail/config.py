"""Settings: one pydantic model, filled from defaults < YAML file < GROUNDRAIL_* env < flags."""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from groundrail.validation import problems

DEFAULT_UPSTREAM = "https://api.openai.com/v1"
LogLevel = Literal["debug", "info", "warning", "error"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Timeouts(Strict):
    connect: float = Field(10.0, gt=0, description="seconds to open a connection")
    first_byte: float = Field(
        60.0, gt=0, description="seconds until the response headers arrive (after an upload)"
    )
    total: float = Field(600.0, gt=0, description="seconds for the whole exchange")


class UpstreamConfig(Strict):
    name: str
    base_url: str = Field(description="e.g. https://api.openai.com/v1")
    api_key: str | None = Field(None, description="else the client's Authorization is forwarded")
    models: list[str] = Field(default_factory=list, description="glob patterns, e.g. gpt-*")
    headers: dict[str, str] = Field(default_factory=dict)
    timeouts: Timeouts = Timeouts()
    fallback: str | None = Field(None, description="name of the upstream to try when this fails")

    def serves(self, model: str) -> bool:
        return any(fnmatch.fnmatchcase(model, pattern) for pattern in self.models)


class RetryConfig(Strict):
    max_attempts: int = Field(3, ge=1, le=10, description="tries per upstream, first included")
    backoff_base: float = Field(0.25, ge=0, description="seconds; doubled per attempt + jitter")
    backoff_max: float = Field(8.0, ge=0)
    retry_after_max: float = Field(
        30.0, ge=0, description="longest Retry-After waited; asked for longer, the answer is final"
    )
    non_idempotent: bool = Field(
        False,
        description="also retry a POST that may have reached the model (5xx, drop, timeout)",
    )


ContextSource = Literal["request_field", "tool_messages", "system_documents", "user_turns"]


class GroundingSettings(Strict):
    model: Path | None = Field(None, description="model folder; default: the packaged model")
    threads: int | None = Field(
        None, ge=1, description="ONNX Runtime intra-op threads; default: every core"
    )
    max_batch: int = Field(64, ge=1, description="pairs per model call, across requests")
    max_wait_ms: float = Field(2.0, ge=0, description="how long a batch waits for company")
    top_k: int = Field(
        1, ge=0, description="contiguous windows per claim (best by BM25) beside the assembled one"
    )
    min_support: float | None = Field(
        None, ge=0, le=1, description="claim support below this fails; default: the card's"
    )
    early_exit: bool = Field(
        True,
        description="stop judging a claim's premises once none could make it fail (same "
        "verdicts, fewer model calls; false: every premise judged, for full evidence scores)",
    )


class CacheSettings(Strict):
    prefix: str = Field("groundrail:", description="prefix of every Redis key")
    nli_ttl_seconds: float | None = Field(
        7 * 24 * 3600.0, gt=0, description="how long an NLI result is kept (null: forever)"
    )
    record_ttl_seconds: float = Field(
        7 * 24 * 3600.0, gt=0, description="how long a request stays open to feedback"
    )
    timeout_ms: float = Field(50.0, gt=0, description="a slower Redis counts as down")
    memory_entries: int = Field(100_000, ge=100, description="in-process cache size")


class AuditSettings(Strict):
    sink: Literal["none", "stdout", "file", "redis"] = Field(
        "stdout",
        description="where the one JSON line per request goes; the review page (/ui/) reads "
        "`redis`: a Redis stream, or an in-process one without redis_url",
    )
    path: Path = Field(Path("groundrail-audit.jsonl"), description="the file sink's file")
    max_bytes: int = Field(50 * 1024 * 1024, ge=1024, description="rotate the file past this")
    backups: int = Field(5, ge=0, description="rotated files kept")
    redis_maxlen: int = Field(1_000_000, ge=1000, description="entries the Redis stream keeps")
    redact_pii: bool = Field(True, description="redact PII in answers, context and claims")
    queue_size: int = Field(10_000, ge=1, description="records waiting; beyond, dropped+counted")


class GatewayKey(Strict):
    tenant: str = Field(description="the name policies match on (`match.keys`) and budgets bill")
    upstream_key: str | None = Field(
        None, description="sent upstream instead of the gateway key; else the upstream's api_key"
    )
    admin: bool = Field(
        False,
        description="reads every tenant's requests on the review page (/ui/), not only its own",
    )


class Settings(Strict):
    host: str = Field("0.0.0.0", description="address to listen on")
    port: int = Field(8080, ge=0, le=65535, description="port to listen on")
    upstream: str = Field(DEFAULT_UPSTREAM, description="the default upstream's base URL")
    config: Path | None = Field(None, description="the YAML file these settings came from")
    workers: int = Field(1, ge=1, le=64, description="processes sharing the port (SO_REUSEPORT)")
    log_level: LogLevel = Field("info", description="JSON logs on stderr at this level")
    max_body_bytes: int = Field(
        8 * 1024 * 1024,
        ge=1024,
        description="completion and gateway-API request bodies larger than this get 413",
    )
    max_passthrough_body_bytes: int = Field(
        512 * 1024 * 1024,
        ge=1024,
        description="other /v1 routes (files, audio …), streamed: larger bodies get 413",
    )
    policies: Path | None = Field(
        Path("policies"), description="directory of policy YAML files, watched for changes"
    )
    policy_poll_seconds: float = Field(1.0, gt=0, description="how often the directory is read")
    upstreams: list[UpstreamConfig] = Field(
        default_factory=list, description="routed by model; see below"
    )
    retry: RetryConfig = Field(RetryConfig(), description="retries and backoff")
    grounding: GroundingSettings = Field(GroundingSettings(), description="the NLI engine")
    redis_url: str | None = Field(
        None, description="redis://, rediss:// or redis+sentinel://…; none: all in process"
    )
    cache: CacheSettings = Field(CacheSettings(), description="verdict cache and records")
    audit: AuditSettings = Field(AuditSettings(), description="the audit log")
    shutdown_seconds: float = Field(
        30.0, ge=0, description="SIGTERM: how long in-flight requests and streams may finish"
    )
    drain_seconds: float = Field(
        2.0, ge=0, description="SIGTERM: /readyz says not ready this long before stopping"
    )
    keys: dict[str, GatewayKey] = Field(
        default_factory=dict,
        description="gateway-issued API keys; when any is set, every /v1 call needs one",
    )

    @model_validator(mode="after")
    def _upstream_names(self) -> Settings:
        names = [u.name for u in self.upstreams]
        if len(set(names)) != len(names):
            raise ValueError(f"upstream names must be unique, got {names}")
        for u in self.upstreams:
            if u.fallback is not None and u.fallback not in names:
                raise ValueError(f"upstream {u.name!r}: fallback {u.fallback!r} is not defined")
        return self

    def routes(self) -> list[UpstreamConfig]:
        """The configured upstreams, with a `default` one built from `upstream` if none is."""
        if any(u.name == "default" for u in self.upstreams):
            return self.upstreams
        return [*self.upstreams, UpstreamConfig(name="default", base_url=self.upstream)]


ENV_PREFIX = "GROUNDRAIL_"
# Top-level fields that may come from the environment (GROUNDRAIL_PORT=9000 …).
ENV_FIELDS = (
    "host",
    "port",
    "upstream",
    "config",
    "workers",
    "log_level",
    "max_body_bytes",
    "max_passthrough_body_bytes",
    "policies",
    "redis_url",
)


class ConfigError(Exception):
    """A settings source is unreadable or invalid; the message says where and how to fix it."""


def load_settings(
    flags: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
) -> Settings:
    env = os.environ if env is None else env
    flags = {k: v for k, v in (flags or {}).items() if v is not None}
    from_env = {f: env[ENV_PREFIX + f.upper()] for f in ENV_FIELDS if ENV_PREFIX + f.upper() in env}
    path = flags.get("config") or from_env.get("config")
    merged: dict[str, Any] = _read_yaml(Path(path)) if path else {}
    merged.update(from_env)
    merged.update(flags)
    try:
        return Settings.model_validate(merged)
    except ValidationError as exc:
        where = f"{path}: " if path else ""
        raise ConfigError(where + "; ".join(p.sentence() for p in problems(exc))) from exc


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of settings")
    try:
        return substitute_env(data, os.environ)  # type: ignore[no-any-return]
    except KeyError as exc:
        raise ConfigError(
            f"{path}: environment variable {exc.args[0]} is not set "
            f"(set it, or give a default: ${{{exc.args[0]}:-value}})"
        ) from exc


_ENV_REF = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^}]*))?\}")


def substitute_env(value: Any, env: Mapping[str, str]) -> Any:
    """Replace ${NAME} and ${NAME:-default} in every string of a parsed YAML document;
    a variable that is unset and has no default raises KeyError(NAME)."""
    if isinstance(value, str):

        def one(match: re.Match[str]) -> str:
            name, default = match.group("name"), match.group("default")
            if name in env:
                return env[name]
            if default is None:
                raise KeyError(name)
            return default

        return _ENV_REF.sub(one, value)
    if isinstance(value, dict):  # keys too: gateway keys come from the environment
        return {substitute_env(k, env): substitute_env(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute_env(v, env) for v in value]
    return value
