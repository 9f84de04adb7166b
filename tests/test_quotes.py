"""A quotation no sentence of the context holds fails its claim (`grounding/quotes.py`)."""

from __future__ import annotations

import pytest

from conftest import local_engine
from groundrail.grounding.quotes import misquoted
from groundrail.grounding.windows import Document

ARTICLE = (
    "Sam Okafor's header in stoppage time sent the Rovers to the final. "
    '"I told the boys to keep believing until the last whistle," coach Dana Reyes said. '
    "Lakeport coach Tim Varga called it "
    "\u201ca cruel way to go out after the way we defended.\u201d"
)
SENTENCES = [s.strip() for s in ARTICLE.replace('said. "', 'said.\n"').split("\n")]


@pytest.mark.parametrize(
    "claim",
    [
        'Reyes said he told the players "to keep believing until the last whistle."',
        # trimmed, re-cased, or one word changed by the writer: still the source's words
        'Varga called it "a cruel way to go out after how we defended."',
        "Varga called the loss \u201ca cruel way to go out\u201d.",
        # cut at an ellipsis: each part is found
        'Varga said it was "a cruel way to go out ... the way we defended."',
        # too short to check: a term or a title; a short one said, found word for word
        'The Rovers play a "high press" style.',
        'The so-called "high press" won it.',
        'Varga called it a "cruel way" to go out.',
        # an inch mark opens no quotation
        'The 12" trophy and the "cup" were on display.',
    ],
)
def test_a_quotation_the_context_holds_is_not_misquoted(claim: str) -> None:
    assert misquoted(claim, SENTENCES) is None


@pytest.mark.parametrize(
    ("claim", "quoted"),
    [
        ('Okafor later called it "the biggest goal of my life."', "the biggest goal of my life."),
        # the words are the article's, but not in one sentence, nor in that order
        ('Reyes said "the last whistle sent the Rovers to the final."',
         "the last whistle sent the Rovers to the final."),
        ("Varga said \u201cwe defended well but the boys kept believing.\u201d",
         "we defended well but the boys kept believing."),
        # a negation added or dropped is no word changed by the writer (read-53)
        ('Varga called it "not a cruel way to go out."', "not a cruel way to go out."),
        ('Varga said it "cannot be a cruel way to go out."', "cannot be a cruel way to go out."),
        ('Reyes said he "never told the boys to keep believing."',
         "never told the boys to keep believing."),
        # a short quotation someone is said to have said (read-53: 'news she said left her
        # "completely speechless"')
        ('Reyes called it a "team effort".', "team effort"),
        ('Okafor said the goal left him "completely speechless."', "completely speechless."),
    ],
)  # fmt: skip
def test_a_quotation_no_sentence_holds_is_misquoted(claim: str, quoted: str) -> None:
    assert misquoted(claim, SENTENCES) == quoted


def test_a_quotation_that_drops_its_sentences_negation_is_misquoted() -> None:
    said = ["The brisket was not worth the 40-minute wait, one diner wrote."]
    assert misquoted('One diner wrote it "was worth the 40-minute wait."', said) == (
        "was worth the 40-minute wait."
    )
    assert misquoted('One diner wrote it "was not worth the 40-minute wait."', said) is None


async def test_the_engine_fails_a_claim_with_an_invented_quotation() -> None:
    engine = local_engine()
    docs = [Document("a", ARTICLE)]
    invented = await engine.check(docs, 'Okafor called it "the biggest goal of my life."')
    (claim,) = invented.claims
    assert claim.signals["misquoted"] == 1.0
    assert claim.label != "supported" and invented.verdict != "grounded"
    quoted = await engine.check(
        docs, 'Coach Dana Reyes said "I told the boys to keep believing until the last whistle."'
    )
    assert quoted.claims[0].signals["misquoted"] == 0.0


@pytest.mark.parametrize(
    ("claim", "code"),
    [
        # read-35: a path the docs never write
        ("If nothing sets it, the default is `./build`.", "./build"),
        ("Set `QMK_OUTPUT` to override it.", "QMK_OUTPUT"),
        # as the docs or the question write it; code with spaces; a fenced block
        ("If nothing sets it, the default is `./dist`.", None),
        ("Set `clean_output` to `true` in `quillmark.toml`.", None),
        ("Run `quillmark build --clean` to rebuild.", None),
        ("My file is `notes.md`.", None),
    ],
)
def test_inline_code_the_context_never_writes_is_misquoted(claim: str, code: str | None) -> None:
    docs = [
        "The output_dir setting controls where files go (default: ./dist).",
        "Set clean_output = true in quillmark.toml. Environment variables start with QMK_.",
    ]
    assert misquoted(claim, docs, "Why is notes.md not rendered?") == code
