"""Claims, context extraction and windows: the text side of grounding."""

from __future__ import annotations

import itertools

from tokenizers import Tokenizer

from groundrail.config import ALL_SOURCES
from groundrail.grounding.claims import split_claims
from groundrail.grounding.context import extract, linearise, question_of
from groundrail.grounding.model import DEFAULT_MODEL
from groundrail.grounding.windows import Document, make_windows
from groundrail.openai.requests import GroundrailOptions

NO_OPTIONS = GroundrailOptions()


def test_claims_keep_offsets_and_skip_what_is_not_a_claim() -> None:
    answer = (
        "Hello! Paris is the capital of France. Dr. Smith lives there. Is it big?\n"
        "- The Louvre is in Paris.\n"
        "```python\nprint('x')\n```\n"
        "I'm sorry, I cannot browse the web. I hope this helps!"
    )
    claims, skipped = split_claims(answer)
    assert [c.text for c in claims] == [
        "Paris is the capital of France.",
        "Dr. Smith lives there.",
        "The Louvre is in Paris.",
    ]
    for span in [*claims, *(s.span for s in skipped)]:
        assert answer[span.start : span.end] == span.text
    assert {s.reason for s in skipped} == {"pleasantry", "question", "code", "refusal"}


def test_long_compound_sentences_split_at_clauses() -> None:
    sentence = (
        "The company was founded in Austin in 1998 by two former teachers, and it later moved "
        "its headquarters to Denver after a decade of steady growth in the regional market, "
        "while its founders stayed on the board."
    )
    claims, _ = split_claims(sentence)
    assert len(claims) == 3
    assert claims[0].text.startswith("The company was founded")
    assert all(sentence[c.start : c.end] == c.text for c in claims)


def test_context_from_each_chat_source() -> None:
    body = {
        "model": "m",
        "messages": [
            {
                "role": "system",
                "content": "Be brief.\n<doc id=kb-7>Refunds take 5 days.</doc>\n"
                "<document>Shipping is free.</document>\n```\nOpening hours: 9-5.\n```",
            },
            {"role": "user", "content": "Earlier I bought a lamp."},
            {"role": "assistant", "content": None, "tool_calls": []},
            {"role": "tool", "tool_call_id": "t1", "content": '{"order": 42, "status": "shipped"}'},
            {"role": "user", "content": "Where is my order?"},
        ],
    }
    options = GroundrailOptions(context=["Explicit doc.", {"id": "faq", "text": "FAQ text."}])
    docs = extract("/v1/chat/completions", body, options, ALL_SOURCES)
    assert [(d.id, d.text) for d in docs] == [
        ("ctx-0", "Explicit doc."),
        ("faq", "FAQ text."),
        ("tool-0", "order: 42. status: shipped."),
        ("kb-7", "Refunds take 5 days."),
        ("system-0-doc-1", "Shipping is free."),
        ("system-0-block-0", "Opening hours: 9-5."),
        ("system-0", "Be brief."),
        ("user-0", "Earlier I bought a lamp."),
        ("user-1", "Where is my order?"),
    ]
    assert question_of("/v1/chat/completions", body, NO_OPTIONS) == "Where is my order?"
    only_tools = extract("/v1/chat/completions", body, options, ["tool_messages"])
    assert [d.id for d in only_tools] == ["tool-0"]


def test_context_from_responses_and_completions() -> None:
    body = {
        "model": "m",
        "instructions": "Use the record.",
        "input": [
            {"role": "user", "content": [{"type": "input_text", "text": "Tell me about it"}]},
            {"type": "function_call_output", "call_id": "c", "output": "rating: 4.5"},
        ],
    }
    docs = extract("/v1/responses", body, NO_OPTIONS, ALL_SOURCES)
    assert [(d.id, d.text) for d in docs] == [
        ("tool-0", "rating: 4.5"),
        ("system-0", "Use the record."),
        ("user-0", "Tell me about it"),
    ]
    prompt = {"model": "m", "prompt": "Context: the sky is blue.\nQ: colour?"}
    assert [d.text for d in extract("/v1/completions", prompt, NO_OPTIONS, ALL_SOURCES)] == [
        "Context: the sky is blue.\nQ: colour?"
    ]


def test_no_context_is_empty() -> None:
    body = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
    assert extract("/v1/chat/completions", body, NO_OPTIONS, ["request_field"]) == []


def test_structured_records_read_as_sentences() -> None:
    record = {
        "name": "Joe's Diner",
        "city": "Austin",
        "open": True,
        "tags": ["bbq", "family"],
        "reviews": [{"stars": 5, "text": "Great brisket"}],
        "phone": None,
    }
    assert linearise(record) == (
        "name: Joe's Diner. city: Austin. open: yes. tags: bbq, family. "
        "reviews 1 stars: 5. reviews 1 text: Great brisket."
    )


def test_windows_cover_the_whole_document_within_the_token_bound() -> None:
    tokenizer = Tokenizer.from_file(str(DEFAULT_MODEL / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    text = " ".join(f"Sentence number {n} talks about topic {n * 7}." for n in range(300))
    windows = make_windows(Document("d", text), tokenizer, size=64, overlap=16)
    assert len(windows) > 10
    assert windows[0].start == 0 and windows[-1].end == len(text)
    for before, after in itertools.pairwise(windows):
        assert after.start < before.end  # overlapping: no gap, nothing dropped
    for w in windows:
        assert len(tokenizer.encode(w.text, add_special_tokens=False).ids) <= 64
        assert text[w.start : w.end].strip() == w.text
