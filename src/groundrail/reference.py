"""Reference pages generated from the code: policies, configuration, metrics (`groundrail docs`)."""

from __future__ import annotations

import inspect
import re
import typing
from pathlib import Path

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from groundrail.policy.schema import (
    Actions,
    ContextConfig,
    Match,
    Policy,
    RejectConfig,
    RetryConfig,
)
from groundrail.rules.base import RuleConfig
from groundrail.rules.registry import RULES
from groundrail.rules.token_budget import PerKey

INTRO = """# Policies

Policies are YAML files in the policy directory (`--policies DIR`, `GROUNDRAIL_POLICIES`,
default `./policies`), one or more policies per file (`---` between them). The directory is
watched: a valid new set replaces the old one atomically, an invalid one is refused (the old set
stays, the error is logged and counted in `groundrail_policy_reloads_total{outcome="failed"}`);
`SIGHUP` reloads at once. `groundrail policy validate PATH…` checks files the way the gateway
does and prints every problem as `file:line: field: value: what is wrong`;
`groundrail policy test PATH --request REQ.json --response RESP.json` shows the decision, the
findings and every rewritten text (answers, reasoning, tool-call arguments) without any network.

One request gets one policy: the `x-groundrail-policy` header, else the body's
`groundrail.policy` field, else the policy whose `match` fits best (keys, then models, then
paths; a policy that matches on more of them wins), else `default` (a built-in one, grounding
in flag mode, when no file defines it). `${ENV_VAR}` and `${ENV_VAR:-default}` are replaced in
every string.

Each rule reports findings; the decision takes the strongest action any finding asks for:
`reject` > `retry` > `rewrite` > `flag` > `pass`. Rewrites are span edits applied in one pass
(redactions, removed sentences, notices). A removal closes up only where it was: no space
doubled by it, at most one blank line, no list marker left bare ("2. "),
the bold or italic mark that opens a removed sentence gone with it; code blocks, indentation
and the rest of the answer's Markdown stay as they were. A response carries `x-groundrail-verdict`,
`x-groundrail-policy: name@hash8`, `x-groundrail-support`, and a `groundrail` object in the JSON
body with the verdict, every finding (rule, spans, message, the signal that drove it), the
per-claim grounding and the timing of each rule. `mode: shadow` evaluates and records
everything and changes nothing.

This page is generated from the code (`groundrail docs policies > docs/policies.md`); a test keeps
it current.
"""

WHERE = """## What is checked where

Every text a client receives is checked, whatever the server's chunk shape:

- **The answer** (chat `message.content` or its text parts, completions `text`, Responses
  message parts (`output_text`, `text`); refusals too, and an audio answer's
  `audio.transcript`, whose audio itself cannot be rewritten: reject where that matters):
  every rule. A rewrite is span edits, made inside JSON values when the answer is JSON. A
  completion with no text at all (content `null`, a filtered answer) is judged as the empty
  answer: it gets a verdict and an audit record (grounding: not evaluated, so
  `on_no_context` decides). A 2xx whose body is no completion of its API (an event stream
  to a request that asked for a JSON body, another API's shape, a completion wrapped in
  another object) cannot be checked: it becomes a 502 `upstream_invalid_response` (relayed
  in shadow mode); an `{"error": …}` body goes out as the error it is. JSON as Python
  writes it (`NaN`, `-Infinity` logprobs) is read as the SDKs read it, as null.
- **Reasoning** (chat `reasoning_content`, `reasoning`, `thinking`, OpenRouter's
  `reasoning_details`, LiteLLM's `thinking_blocks`, Mistral's and Anthropic's thinking parts;
  Responses reasoning summaries and reasoning text): the text rules (`pii`, `regex`,
  `banned_terms`), unless a rule says `reasoning: false`. Grounding, citations and
  uncertainty do not judge reasoning: it states no claim to the user, and its thinking aloud
  would read as unsupported claims.
- **Tool-call arguments** (chat `tool_calls[].function.arguments`, a custom tool's
  `tool_calls[].custom.input` and `function_call`; every text of a Responses tool item, of
  whatever type: a function call's arguments, a custom tool call's input, an MCP call's
  arguments and output, an MCP approval request's arguments, a code interpreter's code and
  logs, a computer call's typed text, a shell command, a search query; ids, names and
  encoded data are no text, and the MCP server's list of its tools is none of the model's;
  arguments a server sends as a JSON object are read as its JSON text and stay an object):
  the text rules, unless a rule says `tool_arguments: skip`.
  A finding there asks for the rule's `tool_arguments` action, `flag` by default: an
  application acts on arguments, so the gateway reports rather than edits them. With `rewrite`
  the values are redacted inside their JSON strings and the arguments stay valid JSON (free
  text, a custom tool's input or an MCP call's output, is redacted as text).

- **Stored answers.** An answer read back (`GET /v1/responses/{id}`, a background
  response's result, also followed as a stream with `?stream=true`;
  `GET /v1/chat/completions/{id}`, a stored completion) or returned by an update
  (`POST /v1/chat/completions/{id}`) or a cancel (`POST /v1/responses/{id}/cancel`) is
  checked as a fresh one is, under the policy its model (named in the body, or in a
  stream's first event) and route select; no request carried documents or a question, so
  grounding is not evaluated (`on_no_context`) and the text rules decide; a rule's retry
  has no request to ask again with, so its fallback applies. In a list of stored answers
  (`GET /v1/chat/completions`, a conversation's items, `GET
  /v1/conversations/{id}/items[/{item_id}]`) each answer is checked so, under the policy its
  model selects, and rewritten in place; a rejected one carries the reject message in place,
  whatever `reject_as` says (a list has no one error to give), and the user's own messages
  go out as written. The response's verdict and audit record are the strongest answer's;
  the audit record's `items` lists each answer's id and verdict.
- **Choices.** With `n > 1` each choice is checked and decided on its own; the response's
  verdict is the strongest choice's and `groundrail.choices` lists each choice's; `grounding`,
  `support` (and its header) and the audit record's answer are the first such choice's. A rejected
  choice answers the reject message with `reject_as: completion` (the others stand); with
  `reject_as: error` the whole response is the error.
- **Where.** Each finding names the text it is about in `where`
  (`choices[1].message.reasoning_content`, `output[2].arguments`); its spans are offsets into
  that text.
- **Logprobs.** A choice any of whose texts was rewritten goes out with `logprobs: null`
  (their tokens would spell what was removed; vLLM's cover reasoning and tool-call tokens
  too); an unchanged choice keeps them.
- **Structured output.** The answer is JSON when the request asks for `json_object` or
  `json_schema`, or when it is a JSON object or array. Redactions replace text inside string
  values (a number that holds a card number becomes a string), never keys or punctuation. A
  rewrite that would cut JSON (removing a sentence, a notice) is not made: it becomes the
  policy's `structured_output` action (`flag` or `reject`). A rewritten answer must still parse
  and match the requested schema, or it is rejected.
- **Code.** Markdown code blocks are not claims: grounding neither judges nor removes them, and a
  stream is never cut inside one. Redactions apply inside code.
- **Text as read.** Text rules match after invisible characters (zero-width spaces and joiners,
  soft hyphens, direction marks) are dropped and compatibility forms (full-width letters and
  digits, ligatures) made plain; banned terms also ignore case, accents and letters of other
  scripts that look Latin (a Cyrillic a, a Greek omicron …). Spans point into the original text.
- **Deadlines.** A rule runs in a worker thread, never on the event loop, and is waited for no
  longer than its `timeout_ms`; past it the rule has failed (`on_error`). Regex rules run with
  the `regex` module, which releases the GIL and stops the match itself at the deadline;
  `groundrail policy validate` warns about patterns with nested quantifiers.
"""


def render(examples: Path | None = None) -> str:
    parts = [INTRO, "## The policy\n", table(Policy)]
    for model in (Match, ContextConfig, Actions, RejectConfig, RetryConfig):
        parts += [f"### `{_snake(model.__name__)}`\n", table(model)]
    parts.append(WHERE)
    parts.append("## Rules\n\nEvery rule has these fields:\n")
    parts.append(table(RuleConfig))
    for kind, rule in sorted(RULES.items()):
        doc = inspect.getdoc(inspect.getmodule(rule)) or ""
        summary = re.sub(r"^kind: \w+: ", "", doc.split("\n")[0])
        parts += [f"### `kind: {kind}`\n", summary[:1].upper() + summary[1:] + "\n"]
        parts.append(table(rule.Config, skip=set(RuleConfig.model_fields) | {"kind"}))
        if kind == "token_budget":
            parts += ["`per_key`:\n", table(PerKey)]
    if examples is not None and examples.is_dir():
        parts.append("## Examples\n")
        for file in sorted(examples.glob("*.yaml")):
            parts += [f"### `{file.name}`\n", f"```yaml\n{file.read_text().rstrip()}\n```\n"]
    return "\n".join(parts)


def table(model: type[BaseModel], skip: set[str] | None = None) -> str:
    """A markdown table of a pydantic model's fields: type, default, description."""
    rows = ["| field | type | default | meaning |", "|---|---|---|---|"]
    for name, info in model.model_fields.items():
        if skip and name in skip:
            continue
        default = (
            "required"
            if info.is_required()
            else "`" + _default(info.default, info.default_factory) + "`"
        )
        kind = _type(info.annotation).replace("|", "\\|")
        rows.append(f"| `{name}` | {kind} | {default} | {info.description or ''} |")
    return "\n".join(rows) + "\n"


def _default(value: object, factory: object) -> str:
    if value is PydanticUndefined and callable(factory):
        value = factory()
    if isinstance(value, BaseModel):
        return "{…}"
    if isinstance(value, str) and len(value) > 40:
        return value[:37] + "…"
    return "null" if value is None else str(value).replace("|", "\\|")


def _type(annotation: object) -> str:
    text = (
        str(annotation)
        if typing.get_origin(annotation)
        else getattr(annotation, "__name__", str(annotation))
    )
    text = re.sub(
        r"typing\.|groundrail\.[\w.]+\.|Annotated\[(\w+), .*?\]", lambda m: m.group(1) or "", text
    )
    return text.replace("NoneType", "null")


def _snake(name: str) -> str:
    return {
        "ContextConfig": "context",
        "RejectConfig": "actions.reject",
        "RetryConfig": "actions.retry",
    }.get(name, name.lower())


def configuration() -> str:
    """docs/configuration.md: every setting, from the Settings model."""
    from groundrail.config import (
        ENV_FIELDS,
        AuditSettings,
        CacheSettings,
        GatewayKey,
        GroundingSettings,
        RetryConfig,
        Settings,
        Timeouts,
        UpstreamConfig,
    )
    from groundrail.server.app import GATEWAY_ROUTES
    from groundrail.server.paths import COMPLETION_ROUTES

    env = ", ".join(f"`_{f.upper()}`" for f in ENV_FIELDS).replace("`_", "`GROUNDRAIL_", 1)
    gateway_api = ", ".join(f"`{path}`" for path in GATEWAY_ROUTES)
    limits = BODY_LIMITS.format(
        completion=", ".join(f"`{path}`" for path in COMPLETION_ROUTES),
        gateway=gateway_api,
        completion_max=Settings.model_fields["max_body_bytes"].default,
        passthrough_max=Settings.model_fields["max_passthrough_body_bytes"].default,
    )
    retry = RetryConfig()
    retries = RETRIES.format(
        attempts=retry.max_attempts,
        base=retry.backoff_base,
        cap=retry.backoff_max,
        after=retry.retry_after_max,
    )
    parts = [CONFIG_INTRO.format(env=env), limits, retries, "## Top level\n", table(Settings)]
    for name, model in (
        ("upstreams[]", UpstreamConfig),
        ("upstreams[].timeouts", Timeouts),
        ("retry", RetryConfig),
        ("grounding", GroundingSettings),
        ("cache", CacheSettings),
        ("audit", AuditSettings),
        ("keys.<key>", GatewayKey),
    ):
        parts += [f"## `{name}`\n", table(model)]
    return "\n".join(parts)


CONFIG_INTRO = """# Configuration

Every setting has a default: `groundrail serve` runs with no file, no Redis and no environment.
Precedence: command-line flag > `GROUNDRAIL_<NAME>` environment variable (top-level settings:
{env}) > the YAML file given by `--config` > default.
`${{VAR}}` and `${{VAR:-default}}` are replaced in every string of the file, keys included (gateway
keys can come from secrets). An invalid file stops start-up with the field, the value and the
reason.

This page is generated from the code (`groundrail docs configuration`); a test keeps it current.
"""

BODY_LIMITS = """## Request body limits, per route

- `max_body_bytes` ({completion_max} bytes): the completion APIs ({completion}) and the
  gateway's own ({gateway}). Their bodies are read whole: the policy needs the request.
- `max_passthrough_body_bytes` ({passthrough_max} bytes): every other `/v1/*` route (files,
  uploads, audio, batches, embeddings …). Their bodies stream upstream as they arrive, never
  held whole; only a JSON body within `max_body_bytes` is read, to route by its `model`.

A body over its limit gets 413 (`groundrail_body_too_large`) whose message names the setting.
A declared `Content-Length` over the limit is refused before anything is sent upstream; a
chunked upload is cut off when it passes the limit.
"""

RETRIES = """## Retries

A completion is a POST: sent twice, it can run the model twice (and bill twice). So by default
a request is sent again, to the same upstream or to its `fallback`, only when it provably failed
before the upstream accepted it:

| what happened | a POST | a GET, PUT, DELETE …, or any with `non_idempotent: true` |
|---|---|---|
| connection refused, connect timeout | retried | retried |
| 429 | retried | retried |
| 503 with `Retry-After` / `retry-after-ms` | retried | retried |
| 503 without it, 500, 502, 504 | handed back to the client | retried |
| connection dropped, no headers within `timeouts.first_byte` | 502 / 504 to the client | retried |
| an upload already streaming (its body cannot be sent twice) | never retried | never retried |

Each upstream gets at most `retry.max_attempts` tries (default {attempts}), then its `fallback`
(if any) gets as many. Between tries the gateway waits what the upstream asked for
(`retry-after-ms`, `Retry-After` in seconds or as a date); if it asked nothing, a jittered
backoff of `retry.backoff_base` times 2^attempt ({base} s, doubling) capped at `retry.backoff_max`
({cap} s). It never waits longer than `retry.retry_after_max` ({after} s): an upstream that asks
for longer is not retried, and its own answer (status, headers such as `Retry-After`, body) goes
back to the client; a configured fallback is tried instead. The answer to the last try is what
the client gets: the upstream's own error response, else the gateway's `upstream_unavailable`
(502) or `upstream_timeout` (504). A redirect from an upstream (301, 302, 307, 308) is neither
followed nor relayed (the SDKs follow a 307 with the request and its key, past the gateway):
the client gets a 502 `upstream_redirect` and the log the `Location`; point the upstream's
`base_url` where it leads.
"""


def metrics_reference() -> str:
    """docs/metrics.md: every metric groundrail exports, from the metrics module."""
    from prometheus_client import Counter, Gauge, Histogram

    from groundrail.observe import metrics

    rows = ["| metric | type | labels | meaning |", "|---|---|---|---|"]
    for value in vars(metrics).values():
        if isinstance(value, Counter | Gauge | Histogram):
            kind = type(value).__name__.lower()
            name = value._name + ("_total" if kind == "counter" else "")
            if kind == "histogram":
                name += "_bucket/_sum/_count"
            labels = ", ".join(value._labelnames) or "—"
            rows.append(f"| `{name}` | {kind} | {labels} | {value._documentation} |")
    return METRICS_INTRO + "\n".join(rows) + "\n"


METRICS_INTRO = """# Metrics

`GET /metrics` serves these in the Prometheus text format. With `--workers N` every worker
counts into a shared directory (prometheus-client's multiprocess mode) and any worker's
`/metrics` shows the sum. Every request also leaves one JSON log line (stderr) and one audit
record (see `audit` in [configuration.md](configuration.md)).

This page is generated from the code (`groundrail docs metrics`); a test keeps it current.

"""
