"""Pydantic validation errors, said for humans: the field, what it must be, the value given.

Every place that shows a validation error (settings, policy files, request bodies) goes
through `problems()`, so no message leaks pydantic's internals: union members in the field
path (`max_unsupported.int`), `Value error, ` prefixes, class names (`instance of Message`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

# What pydantic puts in a location for the member of a union that failed: a type name.
_UNION_MEMBER = re.compile(
    r"^(int|float|str|bool|bytes|none|(list|dict|set|tuple|literal|function-\w+)\[.*\]"
    r"|[A-Z][A-Za-z0-9]*)$"
)

# Error types whose message is better said as the kind of value expected.
_EXPECTED = {
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
    "string_type": "a string",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping (an object)",
    "model_type": "a mapping (an object)",
    "model_attributes_type": "a mapping (an object)",
    "none_required": "null",
}


# Errors raised by groundrail's own validators (ValueError in a field or model validator):
# their messages name the value themselves.
_OWN = ("value_error", "assertion_error")
_SHOULD = re.compile(r"^(Input|String|List|Dictionary|Value|Number|Tuple|Set|Decimal) should ")


@dataclass(slots=True, frozen=True)
class Problem:
    """One wrong field: `loc` without union members, and what is wrong with it."""

    loc: tuple[str | int, ...]
    detail: str  # "'lots' is not an integer or a number", "required field is missing"
    missing: bool  # no value was given

    @property
    def field(self) -> str:
        """`rules[2].threshold`, `messages[0].content`; empty at the top level."""
        return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in self.loc).lstrip(".")

    def sentence(self) -> str:
        """`rules[0].max_unsupported: 'lots' is not an integer or a number`."""
        return f"{self.field or '(top level)'}: {self.detail}"


def problems(exc: ValidationError) -> list[Problem]:
    """The errors of `exc`, one per field, in pydantic's order; the members of a union that
    all failed are said as one problem listing what the field may be."""
    errors = exc.errors(include_url=False)
    grouped: dict[tuple[str | int, ...], list[dict[str, Any]]] = {}
    for err in errors:
        grouped.setdefault(_strip_union_members(tuple(err["loc"]), errors), []).append(dict(err))
    return [_problem(loc, errs) for loc, errs in grouped.items()]


def short_repr(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _strip_union_members(loc: tuple[str | int, ...], errors: list[Any]) -> tuple[str | int, ...]:
    """Drop the parts of `loc` that name a union member: type names that another error of
    the same union (the same path up to that part) names as well."""
    kept: list[str | int] = []
    for n, part in enumerate(loc):
        if isinstance(part, str) and _UNION_MEMBER.match(part):
            prefix = loc[:n]
            siblings = {
                e["loc"][n] for e in errors if len(e["loc"]) > n and tuple(e["loc"][:n]) == prefix
            }
            if len(siblings) > 1:
                continue
        kept.append(part)
    return tuple(kept)


def _problem(loc: tuple[str | int, ...], errors: list[dict[str, Any]]) -> Problem:
    if any(e["type"] == "missing" for e in errors):
        return Problem(loc, "required field is missing", missing=True)
    first = errors[0]
    if first["type"] == "extra_forbidden":
        return Problem(loc, "unknown field (check the spelling)", missing=False)
    if first["type"] in _OWN:
        return Problem(loc, str(first.get("ctx", {}).get("error", first["msg"])), missing=False)
    got = short_repr(first.get("input"))
    kinds = list(dict.fromkeys(_EXPECTED.get(e["type"], "") for e in errors))
    if all(kinds):
        return Problem(loc, f"{got} is not {' or '.join(kinds)}", missing=False)
    # a union where one member came close: its complaint is the useful one
    message = next(str(e["msg"]) for e in errors if e["type"] not in _EXPECTED)
    if _SHOULD.match(message):
        return Problem(loc, f"{got} {_SHOULD.sub('should ', message)}", missing=False)
    return Problem(loc, f"{got}: {message[:1].lower()}{message[1:]}", missing=False)
