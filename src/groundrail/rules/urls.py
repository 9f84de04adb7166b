"""Links in the answer must point to an allowed domain or appear in the context."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from groundrail.rules.base import Action, CheckContext, Finding, Rule, RuleConfig

_URL = re.compile(r"(?:https?://|(?<![\w@./-])www\.)[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\"*_)]}"
_DOMAIN = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*")
_SCHEME = re.compile(r"^https?://", re.IGNORECASE)


def find_urls(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the http(s) and bare www. links in `text`, trailing punctuation left out."""
    for m in _URL.finditer(text):
        url = m.group()
        while url and url[-1] in _TRAILING:
            closer = url[-1]
            opener = {")": "(", "]": "[", "}": "{"}.get(closer)
            if opener and url.count(opener) >= url.count(closer):
                break  # balanced: https://en.wikipedia.org/wiki/Mercury_(planet)
            url = url[:-1]
        yield m.start(), m.start() + len(url)


def host(url: str) -> str:
    """The lower-cased host name of `url` ("" when it has none)."""
    full = url if _SCHEME.match(url) else "http://" + url
    try:
        name = urlsplit(full).hostname or ""
    except ValueError:  # "http://[::1": a broken IPv6 literal; still a link to report
        name = re.split(r"[/?#]", _SCHEME.sub("", full), maxsplit=1)[0]
    return name.lower().rstrip(".")


def _keys(url: str) -> set[str]:
    """The forms under which a context URL makes the answer's URL fine."""
    key = url.rstrip("/")
    return {key, _SCHEME.sub("", key)}  # "www.x.com/a" in the answer, "https://www.x.com/a" here


class UrlsConfig(RuleConfig):
    kind: Literal["urls"] = "urls"
    allow_domains: list[str] = Field(default_factory=list)
    allow_context: bool = True  # a URL that appears in the context documents is fine
    action: Action = "flag"

    @field_validator("allow_domains")
    @classmethod
    def _domains(cls, domains: list[str]) -> list[str]:
        out = []
        for raw in domains:
            domain = raw.strip().lower().removeprefix("*.").strip(".")
            if not _DOMAIN.fullmatch(domain):
                raise ValueError(
                    f"{raw!r} is not a domain name; write it like example.com "
                    "(no scheme or path; subdomains are allowed with it)"
                )
            out.append(domain)
        return out


class UrlsRule(Rule[UrlsConfig]):
    kind = "urls"
    Config = UrlsConfig
    redacts = True

    def check(self, answer: str, ctx: CheckContext) -> list[Finding]:
        findings: list[Finding] = []
        context: set[str] | None = None
        for start, end in find_urls(answer):
            url = answer[start:end]
            name = host(url)
            if not name or self._allowed(name):
                continue
            if self.config.allow_context:
                if context is None:
                    context = {
                        k
                        for doc in ctx.documents
                        for s, e in find_urls(doc.text)
                        for k in _keys(doc.text[s:e])
                    }
                if url.rstrip("/") in context:
                    continue
            action = self.config.action
            findings.append(
                self.finding(
                    f"URL not in the allow-list or the context: {name}",
                    action,
                    spans=((start, end),),
                    replacement="[link removed]" if action == "rewrite" else None,
                )
            )
        return findings

    def _allowed(self, name: str) -> bool:
        return any(name == d or name.endswith("." + d) for d in self.config.allow_domains)
