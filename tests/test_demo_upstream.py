"""`groundrail demo-upstream`: scripted answers by prompt pattern or header, over every API the
SDK speaks, streamed or not, and clear errors for a broken answers file."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from openai import AsyncOpenAI

from conftest import GatewayFactory
from groundrail.testing import demo
from groundrail.testing.upstream import FakeUpstream

ANSWERS = """\
answers:
  - match: 'capital of (france|paris)'
    answer: Paris is the capital of France.
  - match: tower
    answer: The tower was completed in 1889. It was painted gold.
default: I only know two things.
"""


@pytest.fixture
async def scripted(tmp_path: Path) -> AsyncIterator[FakeUpstream]:
    (tmp_path / "answers.yaml").write_text(ANSWERS)
    fake = FakeUpstream()
    fake.choose = demo.Script.load(tmp_path / "answers.yaml").answer
    await fake.start()
    yield fake
    await fake.stop()


async def test_answers_by_pattern_and_header_on_every_api(scripted: FakeUpstream) -> None:
    sdk = AsyncOpenAI(base_url=scripted.url, api_key="any", max_retries=0)
    chat = await sdk.chat.completions.create(
        model="gpt-4o-mini",
        messages=[
            {"role": "user", "content": "What is the capital of France?"},
            {"role": "assistant", "content": "…"},
            {"role": "user", "content": [{"type": "text", "text": "And the TOWER?"}]},
        ],
    )
    assert (
        chat.choices[0].message.content == "The tower was completed in 1889. It was painted gold."
    )
    stream = await sdk.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "The capital of Paris?"}],
        stream=True,
    )
    pieces = [c.choices[0].delta.content async for c in stream if c.choices]
    assert len([p for p in pieces if p]) > 1  # word by word
    assert "".join(p or "" for p in pieces) == "Paris is the capital of France."
    completion = await sdk.completions.create(model="m", prompt="hello")
    assert completion.choices[0].text == "I only know two things."
    events = await sdk.responses.create(
        model="m",
        input="anything",
        stream=True,
        extra_headers={"x-demo-answer": "Scripted by header."},
    )
    deltas = [e.delta async for e in events if e.type == "response.output_text.delta"]
    assert "".join(deltas) == "Scripted by header."
    models = await sdk.models.list()
    assert "gpt-4o-mini" in [m.id for m in models.data]
    await sdk.close()


async def test_the_gateway_forwards_the_answer_header(
    start_gateway: GatewayFactory, scripted: FakeUpstream
) -> None:
    gateway = await start_gateway(upstream=scripted.url)
    sdk = AsyncOpenAI(base_url=gateway + "/v1", api_key="any", max_retries=0)
    raw = await sdk.chat.completions.with_raw_response.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "When was the tower finished?"}],
        extra_headers={"x-demo-answer": "It was finished in 1901."},
        extra_body={"groundrail": {"context": ["The tower was completed in 1889."]}},
    )
    assert raw.parse().choices[0].message.content == "It was finished in 1901."
    assert raw.headers["x-groundrail-verdict"] == "flag"
    await sdk.close()


def test_packaged_answers_load() -> None:
    script = demo.Script.load(demo.DEFAULT_ANSWERS)
    question = {"messages": [{"role": "user", "content": "Who designed the Louvre?"}]}
    assert "Louvre" in script.answer(question, {})
    assert "demo upstream" in script.answer({"prompt": "hi"}, {})


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("answers: []\n", "answers.yaml: default: required field is missing"),
        (
            "answers: [{match: '(', answer: x}]\ndefault: y\n",
            "answers.yaml: answers[0].match: '(' is not a valid regular expression",
        ),
        ("default: y\nanswer: [x]\n", "answers.yaml: answer: unknown field (check the spelling)"),
    ],
)
def test_a_broken_answers_file_is_named_with_its_field(
    tmp_path: Path, text: str, said: str
) -> None:
    (tmp_path / "answers.yaml").write_text(text)
    done = subprocess.run(
        [sys.executable, "-m", "groundrail", "demo-upstream", "--answers", "answers.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith(f"groundrail: {said}")
