"""When the request asks for JSON, the answer must be JSON and match the requested schema."""

from __future__ import annotations

import re
from typing import Any, Literal

import orjson
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for

from groundrail.rules.base import Action, CheckContext, Finding, Rule, RuleConfig

_FENCE = re.compile(r"\A\s*```(?:json)?[ \t]*\n(.*?)\n?```\s*\Z", re.DOTALL | re.IGNORECASE)
_JSON_TYPES = ("json_object", "json_schema")


def requested_format(request: dict[str, Any]) -> tuple[str, dict[str, Any] | None] | None:
    """("json_object" | "json_schema", the schema) when the request asks for JSON, else None.

    Chat: `response_format: {type, json_schema: {schema}}`; Responses: `text.format: {type,
    schema}`.
    """
    chat = request.get("response_format")
    if isinstance(chat, dict) and chat.get("type") in _JSON_TYPES:
        spec = chat.get("json_schema")
        return chat["type"], _schema(spec.get("schema") if isinstance(spec, dict) else None)
    text = request.get("text")
    fmt = text.get("format") if isinstance(text, dict) else None
    if isinstance(fmt, dict) and fmt.get("type") in _JSON_TYPES:
        return fmt["type"], _schema(fmt.get("schema"))
    return None


def _schema(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def json_path(path: Any) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


class JsonSchemaConfig(RuleConfig):
    kind: Literal["json_schema"] = "json_schema"
    action: Action = "reject"


class JsonSchemaRule(Rule[JsonSchemaConfig]):
    kind = "json_schema"
    Config = JsonSchemaConfig
    fragmentary = False

    def check(self, answer: str, ctx: CheckContext) -> list[Finding]:
        wanted = requested_format(ctx.request)
        if wanted is None:
            return []
        fence = _FENCE.match(answer)
        try:
            value = orjson.loads(fence.group(1) if fence else answer)
        except orjson.JSONDecodeError as exc:
            return [self.finding(f"the answer is not valid JSON: {exc}", self.config.action)]
        problem = schema_error(ctx.request, value)
        if problem is None:
            return []
        return [self.finding(f"the answer {problem}", self.config.action)]


def schema_error(request: dict[str, Any], value: Any) -> str | None:
    """How `value` fails the JSON schema the request asked for ("does not match the schema at
    $.card: …"), or None (it matches, or no schema was asked for)."""
    wanted = requested_format(request)
    schema = wanted[1] if wanted is not None and wanted[0] == "json_schema" else None
    if schema is None:
        return None
    error = best_match(validator_for(schema)(schema).iter_errors(value))
    if error is None:
        return None
    return f"does not match the schema at {json_path(error.absolute_path)}: {error.message}"
