"""A scripted OpenAI-compatible upstream: real HTTP on a loopback port, no model behind it.

Tests and benchmarks steer it through attributes: the answer text, delays, a queue of failures
(status codes with headers, dropped connections), and a stream that dies after N chunks. It
records every request it saw and every stream whose reader went away.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import web
from multidict import CIMultiDict

from groundrail.testing.server import RunningApp


@dataclass(slots=True)
class Failure:
    """One scripted failure: an HTTP status (with headers) or, with drop=True, a reset."""

    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False


@dataclass(slots=True)
class Seen:
    method: str
    path: str
    headers: CIMultiDict[str]
    body: Any
    size: int  # bytes of the body as it arrived


class FakeUpstream:
    def __init__(self, answer: str = "Paris is the capital of France.") -> None:
        self.answer = answer
        self.answers: list[str] = []  # if set, each request takes the next one instead
        # else, if set, the answer is chosen per request from its body and headers
        self.choose: Callable[[dict[str, Any], CIMultiDict[str]], str] | None = None
        self.token_logprob = -0.1  # what every token's logprob is, when logprobs are asked for
        self.tool_call: dict[str, Any] | None = None  # streamed as tool-call deltas after the text
        self.role_on_every_chunk = False  # as Ollama: no role-only chunk, a role on each chunk
        # Exact replies, whatever the route: a JSON body for plain calls, and for streamed ones
        # the bytes of the stream (a float is a pause in seconds; a dict is a `data:` event).
        self.body: dict[str, Any] | None = None
        self.script: list[bytes | float | dict[str, Any]] | None = None
        self.script_type = "text/event-stream"  # the content type the script goes out with
        # (status, content type, body): the exact reply to any request, streamed or not (a
        # server that ignores `stream`, or one that streams to a request that asked for JSON)
        self.reply: tuple[int, str, bytes] | None = None
        self.first_byte_delay = 0.0
        self.chunk_delay = 0.0
        self.failures: list[Failure] = []
        self.break_stream_after: int | None = None  # chunks sent before the connection drops
        self.requests: list[Seen] = []
        self.streams_cancelled = 0
        self.current = answer
        self.chunks_sent = 0
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_post("/v1/completions", self._completions)
        app.router.add_post("/v1/responses", self._responses)
        app.router.add_get("/v1/models", self._models)
        for method, stored in (
            ("GET", "/v1/chat/completions/{id}"),
            ("POST", "/v1/chat/completions/{id}"),
            ("GET", "/v1/responses/{id}"),
            ("POST", "/v1/responses/{id}/cancel"),
        ):
            app.router.add_route(method, stored, self._stored)
        for listed in (
            "/v1/chat/completions",
            "/v1/conversations/{id}/items",
            "/v1/conversations/{id}/items/{item_id}",
        ):
            app.router.add_get(listed, self._listed, allow_head=False)
        app.router.add_post("/v1/embeddings", self._embeddings)
        app.router.add_route("*", "/v1/{tail:.*}", self._echo)
        self._server = RunningApp(app, handler_cancellation=False)
        self.url = ""

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self.url = await self._server.start(host, port) + "/v1"
        return self.url

    async def stop(self) -> None:
        await self._server.stop()

    # --- plumbing -------------------------------------------------------------------------

    async def _enter(self, request: web.Request) -> tuple[dict[str, Any], web.Response | None]:
        raw = await request.read()
        try:
            body = orjson.loads(raw) if raw else {}
        except orjson.JSONDecodeError:
            body = raw.decode(errors="replace")
        headers = CIMultiDict(request.headers)
        self.requests.append(Seen(request.method, request.path_qs, headers, body, len(raw)))
        if self.first_byte_delay:
            await asyncio.sleep(self.first_byte_delay)
        if self.answers:
            self.current = self.answers.pop(0)
        elif self.choose is not None and isinstance(body, dict):
            self.current = self.choose(body, headers)
        else:
            self.current = self.answer
        if self.failures:
            failure = self.failures.pop(0)
            if failure.drop:
                assert request.transport is not None
                request.transport.close()
                return body, web.Response(status=500)
            error = {"error": {"message": f"scripted {failure.status}", "type": "server_error"}}
            return body, web.json_response(error, status=failure.status, headers=failure.headers)
        return (body if isinstance(body, dict) else {}), None

    async def _scripted(
        self, request: web.Request, body: dict[str, Any]
    ) -> web.StreamResponse | None:
        if self.reply is not None:
            status, kind, body_bytes = self.reply
            return web.Response(status=status, body=body_bytes, headers={"Content-Type": kind})
        if body.get("stream") and self.script is not None:
            out = web.StreamResponse(headers={"Content-Type": self.script_type})
            await out.prepare(request)
            for step in self.script:
                if isinstance(step, float):
                    await asyncio.sleep(step)
                elif isinstance(step, dict):
                    await out.write(b"data: " + orjson.dumps(step) + b"\n\n")
                else:
                    await out.write(step)
            await out.write_eof()
            return out
        if not body.get("stream") and self.body is not None:
            return web.json_response(self.body)
        return None

    def _pieces(self) -> list[str]:
        words = self.current.split(" ")
        return [w if i == 0 else " " + w for i, w in enumerate(words)]

    async def _sse(
        self, request: web.Request, events: list[tuple[str | None, Any]]
    ) -> web.StreamResponse:
        out = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await out.prepare(request)
        try:
            for n, (name, data) in enumerate(events):
                if self.break_stream_after is not None and n >= self.break_stream_after:
                    assert request.transport is not None
                    request.transport.close()
                    return out
                if n and self.chunk_delay:
                    await asyncio.sleep(self.chunk_delay)
                head = f"event: {name}\n" if name else ""
                payload = data if isinstance(data, str) else orjson.dumps(data).decode()
                await out.write(f"{head}data: {payload}\n\n".encode())
                self.chunks_sent += 1
        except (ConnectionResetError, asyncio.CancelledError):
            self.streams_cancelled += 1
            raise
        await out.write_eof()
        return out

    @staticmethod
    def _usage(body: dict[str, Any], completion: str) -> dict[str, int]:
        prompt = len(orjson.dumps(body)) // 4
        done = max(1, len(completion) // 4)
        return {"prompt_tokens": prompt, "completion_tokens": done, "total_tokens": prompt + done}

    # --- routes ---------------------------------------------------------------------------

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body, failed = await self._enter(request)
        if failed is not None:
            return failed
        scripted = await self._scripted(request, body)
        if scripted is not None:
            return scripted
        model, created = body.get("model", "fake"), int(time.time())
        if not body.get("stream"):
            logprobs: dict[str, Any] | None = None
            if body.get("logprobs"):
                content: list[dict[str, Any]] = [
                    {
                        "token": piece,
                        "logprob": self.token_logprob,
                        "bytes": None,
                        "top_logprobs": [],
                    }
                    for piece in self._pieces()
                ]
                logprobs = {"content": content, "refusal": None}
            return web.json_response(
                {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion",
                    "created": created,
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": self.current},
                            "logprobs": logprobs,
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": self._usage(body, self.current),
                }
            )

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {
                "id": "chatcmpl-fake",
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }

        if self.role_on_every_chunk:
            events: list[tuple[str | None, Any]] = [
                (None, chunk({"role": "assistant", "content": piece}))
                for piece in self._pieces()
                if piece
            ]
        else:
            events = [(None, chunk({"role": "assistant", "content": ""}))]
            events += [(None, chunk({"content": piece})) for piece in self._pieces() if piece]
        if self.tool_call is not None:
            call = {"index": 0, "id": "call_1", "type": "function", "function": self.tool_call}
            events.append((None, chunk({"tool_calls": [call]})))
        events.append((None, chunk({}, "tool_calls" if self.tool_call else "stop")))
        if (body.get("stream_options") or {}).get("include_usage"):
            usage = {**chunk({}), "choices": [], "usage": self._usage(body, self.current)}
            events.append((None, usage))
        events.append((None, "[DONE]"))
        return await self._sse(request, events)

    async def _completions(self, request: web.Request) -> web.StreamResponse:
        body, failed = await self._enter(request)
        if failed is not None:
            return failed
        scripted = await self._scripted(request, body)
        if scripted is not None:
            return scripted
        model, created = body.get("model", "fake"), int(time.time())

        def choice(text: str, finish: str | None) -> dict[str, Any]:
            return {
                "id": "cmpl-fake",
                "object": "text_completion",
                "created": created,
                "model": model,
                "choices": [{"index": 0, "text": text, "finish_reason": finish, "logprobs": None}],
            }

        if not body.get("stream"):
            return web.json_response(
                {**choice(self.current, "stop"), "usage": self._usage(body, self.current)}
            )
        events: list[tuple[str | None, Any]] = [(None, choice(p, None)) for p in self._pieces()]
        events += [(None, choice("", "stop")), (None, "[DONE]")]
        return await self._sse(request, events)

    async def _responses(self, request: web.Request) -> web.StreamResponse:
        body, failed = await self._enter(request)
        if failed is not None:
            return failed
        scripted = await self._scripted(request, body)
        if scripted is not None:
            return scripted
        message = {
            "type": "message",
            "id": "msg_fake",
            "status": "completed",
            "role": "assistant",
            "content": [{"type": "output_text", "text": self.current, "annotations": []}],
        }
        response = {
            "id": "resp_fake",
            "object": "response",
            "created_at": int(time.time()),
            "status": "completed",
            "model": body.get("model", "fake"),
            "output": [message],
            "parallel_tool_calls": True,
            "tool_choice": "auto",
            "tools": [],
            "usage": {
                "input_tokens": 10,
                "output_tokens": 10,
                "total_tokens": 20,
                "input_tokens_details": {"cached_tokens": 0},
                "output_tokens_details": {"reasoning_tokens": 0},
            },
        }
        if not body.get("stream"):
            return web.json_response(response)
        seq = iter(range(1_000_000))
        pending = {**response, "status": "in_progress", "output": []}
        at = {"item_id": "msg_fake", "output_index": 0, "content_index": 0}
        empty_part = {"type": "output_text", "text": "", "annotations": []}
        # the whole sequence the OpenAI API sends, which the SDKs' stream helpers expect
        events: list[tuple[str | None, Any]] = [
            ("response.created", {"type": "response.created", "response": pending}),
            ("response.in_progress", {"type": "response.in_progress", "response": pending}),
            (
                "response.output_item.added",
                {
                    "type": "response.output_item.added",
                    "output_index": 0,
                    "item": {**message, "status": "in_progress", "content": []},
                },
            ),
            (
                "response.content_part.added",
                {"type": "response.content_part.added", **at, "part": empty_part},
            ),
        ]
        for piece in self._pieces():
            events.append(
                (
                    "response.output_text.delta",
                    {"type": "response.output_text.delta", **at, "delta": piece, "logprobs": []},
                )
            )
        part = message["content"][0]
        events += [
            (
                "response.output_text.done",
                {"type": "response.output_text.done", **at, "text": self.current, "logprobs": []},
            ),
            (
                "response.content_part.done",
                {"type": "response.content_part.done", **at, "part": part},
            ),
            (
                "response.output_item.done",
                {"type": "response.output_item.done", "output_index": 0, "item": message},
            ),
            ("response.completed", {"type": "response.completed", "response": response}),
        ]
        for _, data in events:
            data["sequence_number"] = next(seq)
        return await self._sse(request, events)

    async def _models(self, request: web.Request) -> web.StreamResponse:
        _, failed = await self._enter(request)
        if failed is not None:
            return failed
        data = [
            {"id": name, "object": "model", "created": 0, "owned_by": "fake"}
            for name in ("gpt-4o-mini", "fake-model")
        ]
        return web.json_response({"object": "list", "data": data})

    async def _embeddings(self, request: web.Request) -> web.StreamResponse:
        body, failed = await self._enter(request)
        if failed is not None:
            return failed
        inputs = body.get("input", "")
        inputs = inputs if isinstance(inputs, list) else [inputs]
        data = [
            {"object": "embedding", "index": i, "embedding": [0.1, 0.2, 0.3]}
            for i in range(len(inputs))
        ]
        usage = {"prompt_tokens": 3, "total_tokens": 3}
        return web.json_response(
            {"object": "list", "data": data, "model": body.get("model"), "usage": usage}
        )

    async def _stored(self, request: web.Request) -> web.StreamResponse:
        """A stored answer read back (updated, cancelled): the scripted stream
        (`?stream=true`) or body, if any."""
        _, failed = await self._enter(request)
        if failed is not None:
            return failed
        streamed = {"stream": request.query.get("stream") == "true"}
        scripted = await self._scripted(request, streamed)
        return scripted if scripted is not None else web.json_response({"path": request.path})

    async def _listed(self, request: web.Request) -> web.StreamResponse:
        """Stored answers listed (or a conversation's item): the scripted body, else an empty
        list."""
        _, failed = await self._enter(request)
        if failed is not None:
            return failed
        empty = {"object": "list", "data": [], "has_more": False}
        return web.json_response(self.body if self.body is not None else empty)

    async def _echo(self, request: web.Request) -> web.StreamResponse:
        body, failed = await self._enter(request)
        if failed is not None:
            return failed
        return web.json_response(
            {"method": request.method, "path": request.path_qs, "body": body},
            headers={"x-fake": "echo"},
        )
