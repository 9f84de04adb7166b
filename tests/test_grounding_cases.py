"""Answers a person would judge one way, through the gateway with the openai SDK: records,
false premises, plain chats and framing (grounding v2's acceptance cases)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from openai import AsyncOpenAI

from conftest import GatewayFactory
from groundrail.testing.upstream import FakeUpstream

POLICY = (
    "name: default\nrules:\n"
    "  - {name: grounded, kind: grounding, on_unsupported: flag, on_contradiction: flag,"
    " on_no_context: pass}\n"
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
RECORD = {
    "name": "Blue Heron Cafe",
    "address": "12 Elm St",
    "city": "Portland",
    "state": "OR",
    "categories": "Cafes, Coffee & Tea, Breakfast & Brunch",
    "hours": {**dict.fromkeys(DAYS, "7:0-15:0"), "Saturday": "8:0-14:0"},
    "attributes": {
        "OutdoorSeating": True,
        "WiFi": "free",
        "BusinessParking": {"street": True, "lot": False, "garage": False},
        "RestaurantsPriceRange2": 1,
    },
    "business_stars": 4.0,
    "reviews": [
        {
            "stars": 5,
            "text": "Best oat latte in the neighbourhood and the cinnamon rolls are huge. "
            "Staff were friendly.",
        },
        {"stars": 2, "text": "Service was slow on a Saturday morning and my eggs came out cold."},
        {
            "stars": 4,
            "text": "Cozy place, good coffee, a bit cramped inside but the patio is lovely.",
        },
    ],
}
DESCRIPTION = (
    "Blue Heron Cafe is an inexpensive cafe in Portland, OR, serving coffee, breakfast and "
    "brunch. It is open from 7:00 to 15:00 on weekdays and from 8:00 to 14:00 on Saturdays. "
    "It offers free WiFi, outdoor seating and street parking. Reviewers praise the oat latte, "
    "the large cinnamon rolls, the friendly staff and the lovely patio. One reviewer found the "
    "service slow and the eggs cold. The cafe has an average rating of 4 stars."
)


@pytest.fixture
async def sdk(
    start_gateway: GatewayFactory, upstream: FakeUpstream, tmp_path: Path
) -> AsyncIterator[AsyncOpenAI]:
    (tmp_path / "policies.yaml").write_text(POLICY)
    url = await start_gateway(upstream=upstream.url, policies=tmp_path)
    client = AsyncOpenAI(base_url=url + "/v1", api_key="sk-test", max_retries=0)
    yield client
    await client.close()


async def verdict(
    sdk: AsyncOpenAI,
    upstream: FakeUpstream,
    answer: str,
    messages: list[dict[str, Any]],
    **extra: Any,
) -> tuple[str, dict[str, Any]]:
    upstream.answer = answer
    raw = await sdk.chat.completions.with_raw_response.create(
        model="gpt-4o-mini",
        messages=messages,
        extra_body=extra or None,  # type: ignore[arg-type]
    )
    extension = raw.parse().model_extra["groundrail"]  # type: ignore[index]
    return raw.headers["x-groundrail-verdict"], extension


def labels(extension: dict[str, Any]) -> dict[str, str]:
    return {c["text"]: c["label"] for c in extension["grounding"]["claims"]}


async def test_a_faithful_description_of_a_record_passes(
    sdk: AsyncOpenAI, upstream: FakeUpstream
) -> None:
    action, extension = await verdict(
        sdk,
        upstream,
        DESCRIPTION,
        [{"role": "user", "content": "Write a short overview of this business."}],
        groundrail={"context": [json.dumps(RECORD)]},
    )
    assert action == "pass", labels(extension)
    assert extension["grounding"]["verdict"] == "grounded"


async def test_invented_details_about_a_record_are_flagged(
    sdk: AsyncOpenAI, upstream: FakeUpstream
) -> None:
    invented = (
        "Guests can use a large private parking lot. The bakery counter sells vegan pastries."
    )
    action, extension = await verdict(
        sdk,
        upstream,
        f"{DESCRIPTION} {invented}",
        [{"role": "user", "content": "Write a short overview of this business."}],
        groundrail={"context": [json.dumps(RECORD)]},
    )
    assert action == "flag"
    flagged = {text for text, label in labels(extension).items() if label != "supported"}
    # what is flagged is invented; the faithful sentences before it stay supported
    assert flagged and all(text in invented for text in flagged), flagged


async def test_a_false_premise_in_the_question_grounds_nothing(
    sdk: AsyncOpenAI, upstream: FakeUpstream
) -> None:
    action, extension = await verdict(
        sdk,
        upstream,
        "Marie Curie won the Nobel Prize in Literature in 1905 for her essays.",
        [
            {
                "role": "system",
                "content": "<document id='bio'>Marie Curie won the Nobel Prize in Physics in "
                "1903 and the Nobel Prize in Chemistry in 1911.</document>",
            },
            {
                "role": "user",
                "content": "Why did Marie Curie win the Nobel Prize in Literature in 1905?",
            },
        ],
    )
    assert action == "flag"
    [claim] = extension["grounding"]["claims"]
    assert claim["label"] != "supported" and claim["evidence"]["doc_id"] == "bio"


async def test_a_plain_chat_is_not_evaluated_and_passes(
    sdk: AsyncOpenAI, upstream: FakeUpstream
) -> None:
    action, extension = await verdict(
        sdk,
        upstream,
        "The Louvre is a famous art museum in Paris. It is home to the Mona Lisa.",
        [{"role": "user", "content": "Tell me something about the Louvre."}],
    )
    assert action == "pass"
    assert extension["grounding"]["verdict"] == "not_evaluated"
    assert extension["findings"] == []


async def test_framing_around_a_supported_statement_passes(
    sdk: AsyncOpenAI, upstream: FakeUpstream
) -> None:
    action, extension = await verdict(
        sdk,
        upstream,
        "Sure! Here is what the passage says: The Louvre opened as a museum in 1793.",
        [{"role": "user", "content": "When did the Louvre open?"}],
        groundrail={
            "context": [
                "The Louvre in Paris opened as a museum in 1793. It is the world's most-visited "
                "art museum, home to the Mona Lisa."
            ]
        },
    )
    assert action == "pass", labels(extension)
    assert list(labels(extension)) == ["The Louvre opened as a museum in 1793."]
    assert {s["reason"] for s in extension["grounding"]["skipped"]} == {"framing"}


DINER = {
    "name": "Blue Plate Diner",
    "city": "Albany",
    "state": "NY",
    "categories": "Diners, Breakfast & Brunch",
    "attributes": {
        "RestaurantsTakeOut": "True",
        "RestaurantsDelivery": "False",
        "RestaurantsReservations": "False",
        "OutdoorSeating": "False",
        "WiFi": "u'no'",
        "GoodForKids": "True",
    },
}
DINER_FIELDS = (
    "The diner offers takeout but not delivery, does not take reservations, and has no "
    "outdoor seating or Wi-Fi. It is kid-friendly."
)


async def test_yes_no_fields_said_in_words_pass_and_turned_round_are_flagged(
    sdk: AsyncOpenAI, upstream: FakeUpstream
) -> None:
    messages = [{"role": "user", "content": "Write a short overview of this business."}]
    context = {"context": [json.dumps(DINER)]}
    action, extension = await verdict(sdk, upstream, DINER_FIELDS, messages, groundrail=context)
    assert action == "pass", labels(extension)
    turned = DINER_FIELDS.replace("does not take reservations", "takes reservations")
    action, extension = await verdict(sdk, upstream, turned, messages, groundrail=context)
    assert action == "flag"
    claims = extension["grounding"]["claims"]
    assert claims[0]["label"] == "contradicted"
    assert claims[0]["evidence"]["text"] == "restaurants reservations no"


LANGCHAIN_STUFF = (
    "Use the following pieces of context to answer the question at the end. If you don't know "
    "the answer, just say that you don't know, don't try to make up an answer.\n\n"
    "The Louvre in Paris opened as a museum in 1793.\n\n"
    "The Eiffel Tower was completed in 1889 for the World's Fair.\n\n"
    "Question: When did the Louvre open?\nHelpful Answer:"
)


@pytest.mark.parametrize(
    ("answer", "action"),
    [
        ("The Louvre opened as a museum in 1793.", "pass"),
        ("The Louvre opened as a museum in 1852.", "flag"),
    ],
)
async def test_short_passages_in_a_framework_s_prompt_are_the_evidence(
    sdk: AsyncOpenAI, upstream: FakeUpstream, answer: str, action: str
) -> None:
    """A RAG framework's prompt (LangChain's "stuff" template) with passages shorter than a
    pasted paragraph: they are judged against, not lost (a wrong year went unchecked)."""
    got, extension = await verdict(
        sdk, upstream, answer, [{"role": "user", "content": LANGCHAIN_STUFF}]
    )
    assert got == action, labels(extension)
    [claim] = extension["grounding"]["claims"]
    assert claim["evidence"]["doc_id"] == "user-0-text"
    assert "1793" in claim["evidence"]["text"] and "Question" not in claim["evidence"]["text"]


async def test_a_false_premise_before_an_answer_label_grounds_nothing(
    sdk: AsyncOpenAI, upstream: FakeUpstream
) -> None:
    """The question line before "Answer:" is the prompt's (it was the document's last line:
    the answer repeating its false premise came back grounded)."""
    prompt = (
        "Context: Marie Curie won the Nobel Prize in Physics in 1903 and the Nobel Prize in "
        "Chemistry in 1911.\nWhy did Marie Curie win the Nobel Prize in Literature in 1905?\n"
        "Answer:"
    )
    action, extension = await verdict(
        sdk,
        upstream,
        "Marie Curie won the Nobel Prize in Literature in 1905 for her essays.",
        [{"role": "user", "content": prompt}],
    )
    assert action == "flag", labels(extension)
    [claim] = extension["grounding"]["claims"]
    assert "Literature" not in claim["evidence"]["text"]


FRAMED = (
    "The Louvre in Paris opened as a museum in 1793 and holds the Mona Lisa.\n\n"
    "Q: When did the Louvre open as a museum?\nA:"
)
SOURCED = (
    "Given the following extracted parts of a long document and a question, create a final "
    'answer with references ("SOURCES").\nALWAYS return a "SOURCES" part in your answer.\n\n'
    "QUESTION: When did the Louvre open as a museum?\n=========\n"
    "Content: The Louvre in Paris opened as a museum in 1793.\nSource: louvre.md\n"
    "Content: It holds the Mona Lisa.\nSource: collection.md\n=========\nFINAL ANSWER:"
)


@pytest.mark.parametrize(
    ("prompt", "doc_id"), [(FRAMED, "user-0-text-0"), (SOURCED, "louvre.md")], ids=["qa", "sources"]
)
@pytest.mark.parametrize(
    ("answer", "action"),
    [("The Louvre opened as a museum in 1793.", "pass"), ("The Louvre opened in 1805.", "flag")],
)
async def test_short_material_in_a_template_s_shape_is_judged_against(
    prompt: str, doc_id: str, answer: str, action: str, sdk: AsyncOpenAI, upstream: FakeUpstream
) -> None:
    """A text before "Q: …\nA:" and LangChain's "Content: … Source: …" entries were no
    documents (not evaluated: a wrong year passed)."""
    got, extension = await verdict(sdk, upstream, answer, [{"role": "user", "content": prompt}])
    assert got == action, labels(extension)
    [claim] = extension["grounding"]["claims"]
    assert claim["evidence"]["doc_id"] == doc_id
