"""`groundrail demo-upstream`: the scripted upstream as a process of its own, answering from a
small YAML file, so the gateway can be tried without an API key, a model or a network.

An answer is chosen per request: the `x-demo-answer` header when the request has one (the SDK
sends it with `extra_headers`; the gateway forwards it), else the first entry of the answers
file whose `match` (a regular expression, case-insensitive) is found in the prompt, else the
file's `default`. The prompt is the last user message (chat), the prompt (completions) or the
input (responses). Answers are streamed word by word when `stream` is true.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import stat
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from groundrail.testing.upstream import FakeUpstream
from groundrail.validation import problems

DEFAULT_ANSWERS = Path(__file__).with_name("demo-answers.yaml")
ANSWER_HEADER = "x-demo-answer"


class ScriptError(Exception):
    """The answers file is unreadable or invalid; the message names the file and the field."""


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    match: str = Field(description="a regular expression, searched case-insensitively")
    answer: str

    @field_validator("match")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"{value!r} is not a valid regular expression: {exc}") from exc
        return value


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    answers: list[_Entry] = Field(default_factory=list)
    default: str


@dataclass(slots=True, frozen=True)
class Script:
    rules: tuple[tuple[re.Pattern[str], str], ...]
    default: str

    @classmethod
    def load(cls, path: Path) -> Script:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ScriptError(f"cannot read {path}: {exc.strerror}") from exc
        except yaml.YAMLError as exc:
            raise ScriptError(f"{path}: invalid YAML: {exc}") from exc
        try:
            parsed = _File.model_validate(data)
        except ValidationError as exc:
            said = "; ".join(p.sentence() for p in problems(exc))
            raise ScriptError(f"{path}: {said}") from exc
        rules = tuple((re.compile(e.match, re.IGNORECASE), e.answer) for e in parsed.answers)
        return cls(rules, parsed.default)

    def answer(self, body: dict[str, Any], headers: Mapping[str, str]) -> str:
        if headers.get(ANSWER_HEADER):
            return headers[ANSWER_HEADER]
        prompt = prompt_of(body)
        return next((text for pattern, text in self.rules if pattern.search(prompt)), self.default)


def prompt_of(body: dict[str, Any]) -> str:
    """The last user message of a chat, a completion's prompt, or a response's input."""
    if isinstance(body.get("messages"), list):
        users = [m for m in body["messages"] if isinstance(m, dict) and m.get("role") == "user"]
        return _text(users[-1].get("content")) if users else ""
    if "prompt" in body:
        return _text(body["prompt"])
    value = body.get("input")
    if isinstance(value, list):
        users = [i for i in value if isinstance(i, dict) and i.get("role") == "user"]
        return _text(users[-1].get("content")) if users else ""
    return _text(value)


def _text(content: Any) -> str:
    """A string, or the text parts of a list of content parts."""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    parts = [p.get("text") if isinstance(p, dict) else p for p in content]
    return "\n".join(p for p in parts if isinstance(p, str))


async def serve(
    fake: FakeUpstream,
    host: str = "127.0.0.1",
    port: int = 0,
    ready: Callable[[str], None] | None = None,
    watch_stdin: bool = False,
) -> None:
    """Serve `fake` until SIGINT/SIGTERM (or, with `watch_stdin` and stdin a pipe, until that
    reaches end of file, so it goes away with the process that started it). `ready` gets the
    base URL (`http://HOST:PORT/v1`; default: printed on stdout). Recorded requests are
    dropped every second, so a long run does not grow."""
    await fake.start(host, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    stdin = sys.stdin.fileno()

    def stdin_readable() -> None:
        try:
            data = os.read(stdin, 4096)
        except OSError:
            data = b""
        if not data:
            loop.remove_reader(stdin)
            stop.set()

    # Only a pipe or socket can be watched, and only those end when the parent goes away.
    mode = os.fstat(stdin).st_mode
    watching = watch_stdin and (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode))
    if watching:
        loop.add_reader(stdin, stdin_readable)
    if ready is None:
        print(fake.url, flush=True)
    else:
        ready(fake.url)
    try:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=1.0)
            fake.requests.clear()
    finally:
        if watching:
            loop.remove_reader(stdin)
        await fake.stop()
