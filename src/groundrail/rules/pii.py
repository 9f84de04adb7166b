"""Personal data in the answer: e-mail, phone, card, IBAN, US SSN and IP address, redacted."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator
from typing import Any, Literal, get_args

from pydantic import Field, field_validator

from groundrail.rules.base import Action, CheckContext, Finding, Rule, TextRuleConfig
from groundrail.rules.text import span_back, visible

Entity = Literal["email", "phone", "credit_card", "iban", "us_ssn", "ip_address"]
ENTITIES: tuple[Entity, ...] = get_args(Entity)
Span = tuple[int, int]

# ASCII word characters only: a value right after a Chinese or Japanese word is still found.
_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", re.ASCII
)
_CARD = re.compile(r"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])", re.ASCII)
# Compact, or in groups of up to four; a too-long match is cut back group by group.
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?: ?[A-Z0-9]{1,4}){3,8})\b", re.ASCII)
_SSN = re.compile(r"(?<![\w-])(\d{3})-(\d{2})-(\d{4})(?![\w-])", re.ASCII)
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?!\.?\d)", re.ASCII)
_IPV6 = re.compile(
    r"(?<![\w:.])(?=[0-9A-Fa-f]*:[0-9A-Fa-f]*:)"
    r"(?:[0-9A-Fa-f:]+:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f:]+)"  # with an embedded IPv4, or not
)
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{1,4}){1,6}(?![\w])",
    re.ASCII,
)
_DATE = re.compile(
    r"\b(?:(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)?\d\d)\b"
    r"|^(?:19|20)\d\d\s*-\s*(?:19|20)\d\d$"
)
_THOUSANDS = re.compile(r"\d{1,3}(?:([ .])\d{3})(?:\1\d{3})*")
_SSN_SHAPE = re.compile(r"\d{3}-\d{2}-\d{4}")
_GROUP = re.compile(r"\d+")
_INTERNATIONAL_00 = re.compile(r"00[1-9]\d{0,2}[ .-]")  # 0049 89 …: the dialling prefix
# A number followed by a unit or preceded by a currency sign is a measurement, not a phone.
_UNIT_AFTER = re.compile(
    r"\s*(?:%|°|(?:ms|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?|days?|weeks?|years?|"
    r"mg|g|kg|t|tons?|mm|cm|m|km|metres?|meters?|miles?|mi|ft|feet|[kmgt]i?b|bytes?|"
    r"dollars?|euros?|pounds?|yen|usd|eur|gbp|chf|units?|requests?|tokens?|points?|"
    r"degrees?|percent|times|rpm|fps|px|items?|people|users?)\b)",
    re.IGNORECASE,
)
_CURRENCY_BEFORE = re.compile(r"[$€£¥]\s*\Z")
_IBAN_HEAD = re.compile(r"\b[A-Z]{2}\d{2} ?\Z")  # before a card-like run: an invalid IBAN
_ANY_ENTITY = re.compile(r"[\d@:]")  # every entity has a digit, an @ or (IPv6) colons


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _luhn(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _iban_ok(text: str) -> bool:
    iban = text.replace(" ", "")
    if not 15 <= len(iban) <= 34:
        return False
    return int("".join(str(int(c, 36)) for c in iban[4:] + iban[:4])) % 97 == 1


def _emails(text: str) -> Iterator[Span]:
    for m in _EMAIL.finditer(text):
        yield m.span()


def _cards(text: str) -> Iterator[Span]:
    for m in _CARD.finditer(text):
        if _IBAN_HEAD.search(text[max(0, m.start() - 6) : m.start()]):
            continue
        candidate = m.group()
        while True:  # "4111 1111 1111 1111 123": cut trailing groups until the check passes
            digits = _digits(candidate)
            if 13 <= len(digits) <= 19 and digits[0] != "0" and _luhn(digits):
                yield m.start(), m.start() + len(candidate)
                break
            cut = max(candidate.rfind(" "), candidate.rfind("-"))
            if cut < 0 or len(digits) < 13:
                break
            candidate = candidate[:cut]


def _ibans(text: str) -> Iterator[Span]:
    for m in _IBAN.finditer(text):
        candidate = m.group()
        while len(candidate.replace(" ", "")) >= 15:
            if _iban_ok(candidate):
                yield m.start(), m.start() + len(candidate)
                break
            if " " not in candidate:
                break
            candidate = candidate.rsplit(" ", 1)[0]  # a following word was swallowed


def _ssns(text: str) -> Iterator[Span]:
    for m in _SSN.finditer(text):
        area, group, serial = m.groups()
        if area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000":
            yield m.span()


def _ips(text: str) -> Iterator[Span]:
    for m in _IPV6.finditer(text):  # first: it may end in an IPv4 address
        candidate = m.group().rstrip(":")
        if any(c.isdigit() for c in candidate) and _is_ip(candidate):
            yield m.start(), m.start() + len(candidate)
    for m in _IPV4.finditer(text):
        if _is_ip(m.group()):
            yield m.span()


def _is_ip(candidate: str) -> bool:
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return False
    return True


def _phones(text: str) -> Iterator[Span]:
    for m in _PHONE.finditer(text):
        candidate = m.group()
        if _phone_shaped(candidate) and not (
            _UNIT_AFTER.match(text, m.end()) or _CURRENCY_BEFORE.search(text, 0, m.start())
        ):
            yield m.span()


def _phone_shaped(candidate: str) -> bool:
    """An international number (+CC), or a national one written as people write phones: with a
    trunk 0 (01 42 68 53 00, 020 7946 0321, 0612345678) or in the North American 3-3-4 shape
    with a valid area code ((415) 555-0134, 1-800-555-0100). Lists of amounts,
    timings and IDs (12.45 13.02, 16 32 64 128, 2023-004512) have neither shape."""
    n = len(_digits(candidate))
    international = candidate.startswith("+") or bool(_INTERNATIONAL_00.match(candidate))
    if not 9 <= n <= (15 if international else 12) or _DATE.search(candidate):
        return False
    if international:
        return True
    if "." in candidate and any(c in candidate for c in " -("):
        return False  # decimals in a list (12.45 13.02), not one dotted number (415.555.0198)
    if _THOUSANDS.fullmatch(candidate) or _SSN_SHAPE.fullmatch(candidate):
        return False  # 1.234.567.890, 123 456 789 or an (invalid) SSN
    groups = _GROUP.findall(candidate)
    if groups[0].startswith("0"):
        return len(groups) > 1 or len(groups[0]) >= 10  # 0612345678 bare; else separated
    sizes = [len(g) for g in groups]
    if sizes == [1, 3, 3, 4] and groups[0] == "1":
        groups, sizes = groups[1:], sizes[1:]
    return sizes == [3, 3, 4] and groups[0][0] in "23456789"


# The order decides overlaps: a valid card number is not also reported as a phone.
DETECTORS: dict[Entity, Callable[[str], Iterator[Span]]] = {
    "email": _emails,
    "iban": _ibans,
    "credit_card": _cards,
    "us_ssn": _ssns,
    "ip_address": _ips,
    "phone": _phones,
}


def detect(text: str) -> dict[Entity, list[Span]]:
    """Every entity found in `text` as a person reads it (invisible characters dropped,
    full-width digits made plain), each character claimed by at most one entity; spans are
    offsets into `text`."""
    seen, origin = visible(text)
    if not _ANY_ENTITY.search(seen):  # most answers: no detector could match
        return {}
    taken: list[Span] = []
    found: dict[Entity, list[Span]] = {}
    for entity, detector in DETECTORS.items():
        for start, end in detector(seen):
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            found.setdefault(entity, []).append(span_back(origin, len(text), start, end))
    return found


class PiiConfig(TextRuleConfig):
    kind: Literal["pii"] = "pii"
    entities: list[Entity] = Field(default_factory=lambda: list(ENTITIES), min_length=1)
    action: Action = "rewrite"

    @field_validator("entities", mode="before")
    @classmethod
    def _known(cls, value: Any) -> Any:
        for name in value if isinstance(value, list | tuple) else ():
            if name not in ENTITIES:
                raise ValueError(f"unknown entity {name!r}; use any of: {', '.join(ENTITIES)}")
        return value


class PiiRule(Rule[PiiConfig]):
    kind = "pii"
    Config = PiiConfig
    redacts = True

    def check(self, answer: str, ctx: CheckContext) -> list[Finding]:
        found = detect(answer)
        action = self.config.action_in(ctx.part)
        return [
            self.finding(
                f"{len(spans)} {entity} value(s) found",
                action,
                spans=tuple(sorted(spans)),
                replacement=f"[REDACTED:{entity}]" if action == "rewrite" else None,
            )
            for entity in self.config.entities
            if (spans := found.get(entity))
        ]


def redact(text: str) -> str:
    """Every entity found replaced by [REDACTED:<entity>] (for logs and audit records)."""
    return replaced(text, redactions(text))


def replaced(text: str, edits: list[tuple[int, int, str]]) -> str:
    """`text` with the `redactions` found in it applied."""
    out, cursor = [], 0
    for start, end, placeholder in edits:
        out += [text[cursor:start], placeholder]
        cursor = end
    return "".join(out) + text[cursor:]


def redactions(text: str) -> list[tuple[int, int, str]]:
    """What `redact` replaces: (start, end, placeholder), in order, never overlapping."""
    spans = sorted(
        (start, end, entity) for entity, found in detect(text).items() for start, end in found
    )
    out: list[tuple[int, int, str]] = []
    cursor = 0
    for start, end, entity in spans:
        if start >= cursor:
            out.append((start, end, f"[REDACTED:{entity}]"))
            cursor = end
    return out
