"""What the gateway adds to or rebuilds in a stream, through the official SDKs' stream helpers
(the `openai` package from PyPI, and from npm under tests/node)."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from openai import AsyncOpenAI

from conftest import GatewayFactory
from groundrail.testing.upstream import FakeUpstream

CONTEXT = "The Louvre in Paris opened in 1793. It is the world's most-visited museum."
GOOD_1 = "The Louvre opened in 1793."
BAD = "It was built by Martians on the Moon in 2020."
GOOD_2 = "It is the most visited museum in the world."
QUESTION = "Tell me about the Louvre."
OPTIONS = {"groundrail": {"context": [CONTEXT]}}
NODE_DIR = Path(__file__).parent / "node"
MODES = ["sentence", "buffer", "observe"]
Gateway = Callable[[str], Awaitable[str]]


@pytest.fixture
async def gateway_in(
    start_gateway: GatewayFactory, upstream: FakeUpstream, tmp_path: Path
) -> AsyncIterator[Gateway]:
    """A gateway whose policy removes unsupported sentences, streaming in the given mode."""
    upstream.answer = f"{GOOD_1} {BAD} {GOOD_2}"

    async def start(mode: str) -> str:
        folder = tmp_path / mode
        folder.mkdir()
        (folder / "p.yaml").write_text(
            f"name: default\nstreaming: {mode}\nrules:\n"
            "  - {name: grounded, kind: grounding, on_unsupported: rewrite,"
            " on_contradiction: rewrite, rewrite: remove_sentences}\n"
        )
        return await start_gateway(upstream=upstream.url, policies=folder) + "/v1"

    yield start


def expect_text(mode: str, text: str) -> None:
    assert GOOD_1 in text and GOOD_2 in text
    assert (BAD in text) == (mode == "observe")  # observe reports, never changes


def expect_verdict(mode: str, verdict: dict[str, Any]) -> None:
    """The verdict rides in the terminal event, as `response.groundrail`."""
    assert verdict["policy"].startswith("default@")
    if mode != "observe":  # (observe's background checks are another issue's subject)
        assert verdict["verdict"] == "rewrite"


@pytest.fixture
def node() -> str:
    binary = shutil.which("node")
    if binary is None:
        pytest.skip("node is not installed: the Node SDK's stream helpers cannot be tried")
    if not (NODE_DIR / "node_modules" / "openai").is_dir():
        pytest.fail("the openai npm package is missing: run `npm ci` in tests/node")
    return binary


async def run_node(node: str, base_url: str, api: str, body: dict[str, Any]) -> dict[str, Any]:
    proc = await asyncio.create_subprocess_exec(
        node,
        str(NODE_DIR / "streams.mjs"),
        base_url,
        api,
        json.dumps(body),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode == 0, err.decode()
    return json.loads(out)  # type: ignore[no-any-return]


@pytest.mark.parametrize("ollama", [False, True], ids=["openai", "ollama"])
@pytest.mark.parametrize("mode", MODES)
async def test_python_chat_stream_helper(
    mode: str, ollama: bool, gateway_in: Gateway, upstream: FakeUpstream
) -> None:
    upstream.role_on_every_chunk = ollama
    message = await python_chat(await gateway_in(mode))
    if mode == "observe" and ollama:  # the upstream's chunks as they came: this helper joins
        assert message.role == (await python_chat(upstream.url)).role  # every chunk's role
    else:
        assert message.role == "assistant"
    expect_text(mode, message.content or "")


async def python_chat(base_url: str) -> Any:
    sdk = AsyncOpenAI(base_url=base_url, api_key="sk-test", max_retries=0)
    async with sdk.chat.completions.stream(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": QUESTION}],
        extra_body=OPTIONS,
    ) as stream:
        final = await stream.get_final_completion()
    await sdk.close()
    return final.choices[0].message


@pytest.mark.parametrize("mode", MODES)
async def test_python_responses_stream_helper(mode: str, gateway_in: Gateway) -> None:
    sdk = AsyncOpenAI(base_url=await gateway_in(mode), api_key="sk-test", max_retries=0)
    async with sdk.responses.stream(
        model="gpt-4o-mini", input=QUESTION, extra_body=OPTIONS
    ) as stream:
        final = await stream.get_final_response()
    await sdk.close()
    expect_text(mode, final.output_text)
    expect_verdict(mode, (final.model_extra or {})["groundrail"])


@pytest.mark.parametrize("ollama", [False, True], ids=["openai", "ollama"])
@pytest.mark.parametrize("mode", MODES)
async def test_node_chat_stream_helper(
    mode: str, ollama: bool, node: str, gateway_in: Gateway, upstream: FakeUpstream
) -> None:
    upstream.role_on_every_chunk = ollama
    body = {"messages": [{"role": "user", "content": QUESTION}], **OPTIONS}
    final = await run_node(node, await gateway_in(mode), "chat", body)
    assert final["role"] == "assistant"
    expect_text(mode, final["text"])


@pytest.mark.parametrize("mode", MODES)
async def test_node_responses_stream_helper(mode: str, node: str, gateway_in: Gateway) -> None:
    final = await run_node(
        node, await gateway_in(mode), "responses", {"input": QUESTION, **OPTIONS}
    )
    expect_text(mode, final["text"])
    expect_verdict(mode, final["verdict"])
