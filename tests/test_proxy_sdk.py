"""The gateway as a drop-in: the real openai client, through the gateway, to a real upstream."""

from __future__ import annotations

import openai
import pytest
from openai import AsyncOpenAI

from groundrail.testing.upstream import Failure, FakeUpstream


async def test_chat_completion(client: AsyncOpenAI, upstream: FakeUpstream) -> None:
    upstream.answer = "The sky is blue."
    raw = await client.chat.completions.with_raw_response.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "colour of the sky?"}]
    )
    completion = raw.parse()
    assert completion.choices[0].message.content == "The sky is blue."
    assert raw.headers["x-groundrail-request-id"].startswith("req_")
    assert upstream.requests[-1].headers["Authorization"] == "Bearer sk-test"


async def test_chat_stream_arrives_chunk_by_chunk(
    client: AsyncOpenAI, upstream: FakeUpstream
) -> None:
    upstream.answer = "One sheep. Two sheep. Three sheep. Four sheep."
    stream = await client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "count"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    pieces, usage = [], None
    async for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            pieces.append(chunk.choices[0].delta.content)
        usage = chunk.usage or usage
    assert "".join(pieces) == "One sheep. Two sheep. Three sheep. Four sheep."
    assert len(pieces) == 4  # released sentence by sentence, not held to the end
    assert usage is not None and usage.completion_tokens > 0


async def test_legacy_completions(client: AsyncOpenAI, upstream: FakeUpstream) -> None:
    upstream.answer = "lorem ipsum"
    done = await client.completions.create(model="gpt-3.5-turbo-instruct", prompt="say")
    assert done.choices[0].text == "lorem ipsum"
    stream = await client.completions.create(
        model="gpt-3.5-turbo-instruct", prompt="say", stream=True
    )
    chunks = [c async for c in stream]
    assert "".join(c.choices[0].text for c in chunks if c.choices) == "lorem ipsum"
    assert chunks[-1].model_extra["groundrail"]["verdict"] in ("pass", "flag")  # type: ignore[index]


async def test_responses_api(client: AsyncOpenAI, upstream: FakeUpstream) -> None:
    upstream.answer = "Responses work too."
    response = await client.responses.create(model="gpt-4o-mini", input="hi")
    assert response.output_text == "Responses work too."
    stream = await client.responses.create(model="gpt-4o-mini", input="hi", stream=True)
    events = [event async for event in stream]
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert text == "Responses work too."
    assert events[0].type == "response.created"
    assert events[-1].type == "response.completed"  # the last, carrying the verdict
    assert events[-1].response.model_extra["groundrail"]["verdict"]  # type: ignore[union-attr,index]


async def test_models_and_embeddings_pass_through(
    client: AsyncOpenAI, upstream: FakeUpstream
) -> None:
    models = await client.models.list()
    assert [m.id for m in models.data] == ["gpt-4o-mini", "fake-model"]
    embedded = await client.embeddings.create(model="text-embedding-3-small", input=["a", "b"])
    assert len(embedded.data) == 2
    assert upstream.requests[-1].path == "/v1/embeddings"


async def test_groundrail_options_are_stripped(client: AsyncOpenAI, upstream: FakeUpstream) -> None:
    await client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "q"}],
        extra_body={"groundrail": {"context": ["doc one", {"id": "d2", "text": "doc two"}]}},
    )
    assert "groundrail" not in upstream.requests[-1].body


async def test_bad_groundrail_options_name_the_field(client: AsyncOpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        await client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": "q"}],
            extra_body={"groundrail": {"context": [42]}},
        )
    body = err.value.body
    assert isinstance(body, dict)
    assert body["code"] == "groundrail_bad_request"
    assert body["param"] == "groundrail.context[0]"
    assert body["message"] == (
        "Invalid value for 'groundrail.context[0]': 42 is not a string or a mapping (an object)."
    )


async def test_wrong_type_is_a_400_naming_the_field(client: AsyncOpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        await client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": "q"}],
            stream="yes",  # type: ignore[call-overload]
        )
    assert isinstance(err.value.body, dict)
    assert err.value.body["param"] == "stream"
    assert "stream" in err.value.message


async def test_upstream_errors_pass_through(client: AsyncOpenAI, upstream: FakeUpstream) -> None:
    upstream.failures = [Failure(status=400)]
    with pytest.raises(openai.BadRequestError) as err:
        await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "q"}]
        )
    assert "scripted 400" in err.value.message


async def test_all_retries_failed_is_upstream_unavailable(
    client: AsyncOpenAI, upstream: FakeUpstream
) -> None:
    upstream.failures = [Failure(status=503, headers={"Retry-After": "0"})] * 3  # a refusal
    with pytest.raises(openai.InternalServerError) as err:
        await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "q"}]
        )
    assert err.value.status_code == 503  # the upstream's own answer to the last try
    assert len(upstream.requests) == 3


async def test_mid_stream_death_raises_in_the_sdk(
    client: AsyncOpenAI, upstream: FakeUpstream
) -> None:
    upstream.answer = "One. Two. Three. Four."
    upstream.break_stream_after = 3  # the role chunk, "One.", " Two." and then nothing
    stream = await client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "q"}], stream=True
    )
    seen = []
    with pytest.raises(openai.APIError) as err:
        async for chunk in stream:
            seen.append(chunk)
    assert "upstream stream broke off" in err.value.message
    # what was checked went out; the unfinished, unchecked sentence did not
    assert [c.choices[0].delta.content for c in seen] == ["", "One. "]


async def test_mid_stream_death_responses_api(client: AsyncOpenAI, upstream: FakeUpstream) -> None:
    upstream.break_stream_after = 2
    stream = await client.responses.create(model="gpt-4o-mini", input="hi", stream=True)
    with pytest.raises(openai.APIError):
        async for _ in stream:
            pass
