"""Claims, context extraction and windows: the text side of grounding."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from tokenizers import Tokenizer

from conftest import local_engine, sentences
from groundrail.cache.pairs import Override
from groundrail.grounding import lexical, numbers
from groundrail.grounding.claims import (
    read_under_lead,
    split_claims,
    standalone,
    without_citations,
)
from groundrail.grounding.context import (
    document,
    extract,
    from_options,
    question_of,
    split_documents,
)
from groundrail.grounding.engine import _assemble, claim_threshold
from groundrail.grounding.linear import linearise
from groundrail.grounding.model import DEFAULT_MODEL
from groundrail.grounding.windows import (
    Document,
    make_units,
    make_windows,
    resolved,
    token_offsets,
)
from groundrail.openai.requests import ContextDocument, GroundrailOptions

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


@pytest.mark.parametrize(
    "sentence",
    [
        "His lawyer said he would appeal.",
        "High winds knocked out power to 40,000 homes.",
        "Surgeons removed the tumour in March.",
        "Thanksgiving sales rose 3%.",
        "Heyward scored twice.",
        "Thanks to his lucky break, he bought his own place.",  # a cause, not thanks
    ],
)
def test_a_claim_that_opens_like_a_greeting_is_a_claim(sentence: str) -> None:
    # "Hi", "Sure", "Thanks", "Hey" are pleasantries as words, not as the start of one
    claims, skipped = split_claims(sentence)
    assert [c.text for c in claims] == [sentence]
    assert skipped == []


def test_a_greeting_before_a_statement_is_cut_off() -> None:
    claims, skipped = split_claims("Hello, I have heard of them but never seen them play.")
    assert [c.text for c in claims] == ["I have heard of them but never seen them play."]
    assert [s.reason for s in skipped] == ["framing"]


@pytest.mark.parametrize(
    "disclaimer",
    [
        "Please note that the information provided is based on the given passages and may not "
        "be up to date.",
        "This summary is based solely on the article provided.",
        "Keep in mind that the details above may have changed.",
        "Note that these impressions are based on a small number of reviews.",
    ],
)
def test_what_an_answer_says_of_itself_is_no_claim(disclaimer: str) -> None:
    claims, skipped = split_claims(f"The museum opened in 1793. {disclaimer}")
    assert [c.text for c in claims] == ["The museum opened in 1793."]
    assert [s.reason for s in skipped] == ["disclaimer"]


@pytest.mark.parametrize(
    "claim",
    [
        "The plan is based on a 2019 study.",
        "Prices may vary.",
        "The answer is based on Newtonian mechanics, which says F = ma.",  # not a source
        "The description is based on the novel by Tolkien.",
        "The reviews are based on a small number of visits.",
        # a statement after the disclaimer keeps the sentence a claim
        "The information is based on the given passages, and it opens at 9.",
    ],
)
def test_what_something_is_based_on_is_a_claim(claim: str) -> None:
    claims, _ = split_claims(claim)
    assert [c.text for c in claims] == [claim]


@pytest.mark.parametrize(
    "absence",
    [
        "The passages do not mention how much a ticket costs.",
        "Unfortunately, the provided documents don't specify the architect.",
        "There is no information about the ticket price in the context.",
        "I couldn't find the opening date in the passages provided.",
        "The ticket price is not mentioned in the search results.",
        "It is unclear from the article whether tickets are refundable.",
        "Unable to answer based on given passages.",  # RAG prompts ask for this reply
        "None of the passages mention the cost.",
        "Passage 2 does not mention the price.",
        "There is not enough information in the passages to answer the question.",
        "It is not possible to determine the exact cost from the passages.",
        "The answer cannot be determined from the documents.",
        "The passages don\u2019t mention the price.",
        "There's no information about the chef in the passages.",
        "The price isn't mentioned anywhere in the text.",
        "Neither passage mentions the price.",
        "The article makes no mention of the cause.",
        "The text you provided does not say who built it.",
    ],
)
def test_what_the_documents_leave_out_is_not_a_claim(absence: str) -> None:
    claims, skipped = split_claims(f"The tower is 330 metres tall. {absence}")
    assert [c.text for c in claims] == ["The tower is 330 metres tall."]
    assert [(s.span.text, s.reason) for s in skipped] == [(absence, "absence")]


def test_an_absence_beside_a_statement_leaves_the_statement() -> None:
    answer = "The tower is 330 metres tall, but the passages do not say who built it."
    claims, skipped = split_claims(answer)
    assert [c.text for c in claims] == ["The tower is 330 metres tall"]
    assert [(s.span.text, s.reason) for s in skipped] == [
        ("the passages do not say who built it.", "absence")
    ]
    # said of a record, it stays a claim: the record's fields decide it; so does what is
    # absent from the world, and what a document does say
    for claim in (
        "No Sunday hours are listed.",
        "The record does not list a phone.",
        "There is no parking.",
        "It is not possible to book online.",
        "The article lists three causes.",
        # said of the world, not of the documents
        "The results did not indicate a significant difference.",
        "There is no evidence to confirm that vaccines cause autism.",
        "No details were provided by police about the suspect.",
        "It is not possible to determine the sex of an embryo before seven weeks.",
        "He was not mentioned in the documents released by the FBI.",
    ):
        assert [c.text for c in split_claims(claim)[0]] == [claim]
    claims, _ = split_claims("Passage 3 states that the museum opened in 1793.")
    assert [c.text for c in claims] == ["the museum opened in 1793."]
    # the absence first, the statement after it
    claims, skipped = split_claims("The passages do not mention the price, but it opened in 1889.")
    assert [c.text for c in claims] == ["it opened in 1889."]
    assert [s.reason for s in skipped] == ["absence"]


def test_inline_code_stays_in_its_sentence() -> None:
    answer = (
        "Run `git reset --soft HEAD~1` to move the branch back one commit. Don't use "
        "`--hard`, since it discards the changes. Keep it in `.venv/bin`.\n`npm install`"
    )
    claims, skipped = split_claims(answer)
    assert [c.text for c in claims] == [
        "Run `git reset --soft HEAD~1` to move the branch back one commit.",
        "Don't use `--hard`, since it discards the changes.",
        "Keep it in `.venv/bin`.",
    ]
    assert [(s.span.text, s.reason) for s in skipped] == [("`npm install`", "code")]


@pytest.mark.parametrize(
    "reaction",
    ["Amazing!", "That is cool.", "I agree with you.", "That's it!", "Sounds great, I love it!"],
)
def test_a_reaction_is_not_a_claim(reaction: str) -> None:
    # dialogue turns and chat answers are full of them; judged as claims, every one is flagged
    claims, skipped = split_claims(f"{reaction} Peanut butter is the main ingredient.")
    assert [c.text for c in claims] == ["Peanut butter is the main ingredient."]
    assert [(s.span.text, s.reason) for s in skipped] == [(reaction, "no_content")]


@pytest.mark.parametrize(
    "statement", ["I like pizza.", "It has a lot of history.", "The review was great."]
)
def test_a_statement_with_content_beside_praise_is_a_claim(statement: str) -> None:
    claims, _ = split_claims(statement)
    assert [c.text for c in claims] == [statement]


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


def test_a_list_closed_by_and_is_not_cut_into_clauses() -> None:
    # cut at ", and", the tail ("and real-time communication, with clients …") is no claim
    sentence = (
        "Their flagship product, VantagePoint Premier, is a cloud-based platform that integrates "
        "project management, file sharing, and real-time communication, with clients reporting "
        "a 35% increase in team productivity and a 50% reduction in project lead times."
    )
    claims, _ = split_claims(sentence)
    assert [c.text for c in claims] == [sentence]


def test_a_sentence_goes_on_after_a_clock_time_a_dotted_name_or_a_business_name() -> None:
    answer = (
        "It is open from 11 a.m. to 9 p.m. Tuesday through Saturday and from 11 a.m. to 5 p.m. "
        "on Sunday. It closes at 9 p.m. The patio is lovely. Create the environment in a .venv "
        "directory. Crumb & Co. Bakery is an inexpensive bakery. It was founded by Smith & Co. "
        "It opens at 7 a.m."
    )
    claims, _ = split_claims(answer)
    assert [c.text for c in claims] == [
        "It is open from 11 a.m. to 9 p.m. Tuesday through Saturday and from 11 a.m. to 5 p.m. "
        "on Sunday.",
        "It closes at 9 p.m.",
        "The patio is lovely.",
        "Create the environment in a .venv directory.",
        "Crumb & Co. Bakery is an inexpensive bakery.",  # the name's abbreviation goes on
        "It was founded by Smith & Co.",  # a sentence of its own: more than the name
        "It opens at 7 a.m.",
    ]


def test_an_answer_written_in_lower_case_is_cut_into_its_sentences() -> None:
    answer = (
        "yes, it has a long history. it's also the birthplace of the olympic games! we use "
        "tools, e.g. hammers and saws. call dr. smith before noon. create it in a .venv folder."
    )
    claims, _ = split_claims(answer)

    assert [c.text for c in claims] == [
        "yes, it has a long history.",
        "it's also the birthplace of the olympic games!",
        "we use tools, e.g. hammers and saws.",  # pysbd's abbreviations end no sentence
        "call dr. smith before noon.",
        "create it in a .venv folder.",
    ]
    assert all(answer[c.start : c.end] == c.text for c in claims)


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
    docs = extract("/v1/chat/completions", body, NO_OPTIONS, None)
    # the instruction ("Be brief.") and the user's own turns are not evidence
    assert [(d.id, d.text) for d in docs] == [
        ("tool-0", "order: 42. status: shipped."),
        ("kb-7", "Refunds take 5 days."),
        ("system-0-doc-1", "Shipping is free."),
        ("system-0-block-0", "Opening hours: 9-5."),
    ]
    assert question_of("/v1/chat/completions", body, NO_OPTIONS) == "Where is my order?"
    only_tools = extract("/v1/chat/completions", body, NO_OPTIONS, ["tool_messages"])
    assert [d.id for d in only_tools] == ["tool-0"]


def test_the_request_field_is_the_whole_context_unless_sources_add_more() -> None:
    body = {
        "model": "m",
        "messages": [
            {"role": "system", "content": "<document>Shipping is free.</document>"},
            {"role": "user", "content": "Where is my order?"},
        ],
    }
    options = GroundrailOptions(context=["Explicit doc.", {"id": "faq", "text": "FAQ text."}])
    assert [(d.id, d.text) for d in extract("/v1/chat/completions", body, options, None)] == [
        ("ctx-0", "Explicit doc."),
        ("faq", "FAQ text."),
    ]
    both = extract("/v1/chat/completions", body, options, ["request_field", "system_documents"])
    assert [d.id for d in both] == ["ctx-0", "faq", "system-0-doc-0"]


def test_questions_and_instructions_are_never_evidence() -> None:
    for text in (
        "Why did Marie Curie win the Nobel Prize in Literature in 1905?",
        "Tell me something about the Louvre.",
        "Be concise. Answer in French. Never mention competitors.",
    ):
        docs, rest = split_documents(text, "u")
        assert docs == [] and rest == text
    plain = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
    assert extract("/v1/chat/completions", plain, NO_OPTIONS, None) == []


def test_documents_pasted_into_a_user_turn() -> None:
    passages = (
        "Briefly answer the following question: why is the sky blue? Bear in mind that your "
        "response should be strictly based on the following two passages:\n"
        "passage 1: Rayleigh scattering makes the sky blue.\n"
        "passage 2: Blue light scatters more than red light.\nQuestion: why?"
    )
    docs, rest = split_documents(passages, "u")
    assert [(d.id, d.text) for d in docs] == [
        ("u-passage-1", "Rayleigh scattering makes the sky blue."),
        ("u-passage-2", "Blue light scatters more than red light."),
    ]
    assert "Rayleigh" not in rest and rest.startswith("Briefly answer")
    news = (
        "Summarize the following news within 50 words:\n"
        "The Louvre opened in 1793. It holds the Mona Lisa."
    )
    docs, rest = split_documents(news, "u")
    assert [d.text for d in docs] == ["The Louvre opened in 1793. It holds the Mona Lisa."]
    assert rest == "Summarize the following news within 50 words:"
    asked = "Context: The Louvre opened in 1793.\n\nWhen did the Louvre open?"
    docs, rest = split_documents(asked, "u")
    assert [d.text for d in docs] == ["The Louvre opened in 1793."]
    assert rest.endswith("When did the Louvre open?")
    record = 'Write an overview of this business. Structured data: {"name": "Cafe", "city": "Oslo"}'
    docs, rest = split_documents(record, "u")
    assert [d.text for d in docs] == ["name: Cafe. city: Oslo."]
    fallback = (
        "Answer strictly based on the following passages:\n"
        "passage 1: The fee is $130.\n\npassage 2: Cards cost $30.\n"
        "In case the passages do not contain the necessary information, please reply with: "
        '"Unable to answer based on given passages."\noutput:'
    )
    docs, rest = split_documents(fallback, "u")  # the instruction after them is no evidence
    assert [d.text for d in docs] == ["The fee is $130.", "Cards cost $30."]
    assert "Unable to answer" in rest
    asked = {"messages": [{"role": "user", "content": "How much is it?\n" + fallback}]}
    # the question is what is left without the documents and the prompt's own lines
    assert question_of("/v1/chat/completions", asked, NO_OPTIONS) == (
        "How much is it?\nAnswer strictly based on the following passages:"
    )
    article = news.split("\n")[1]
    summary = f"Summarize the following news within 50 words:\n{article}\noutput:"
    assert [d.text for d in split_documents(summary, "u")[0]] == [article]
    long_paste = "Please check my essay.\n\n" + "The essay talks about rivers and lakes. " * 12
    docs, _ = split_documents(long_paste, "u")
    assert len(docs) == 1 and docs[0].text.startswith("The essay talks")


@pytest.mark.parametrize(
    "block",
    [
        '```json\n{"name": "Blue Door Cafe", "city": "Austin"}\n```',
        '<record>{"name": "Blue Door Cafe", "city": "Austin"}</record>',
        '{"name": "Blue Door Cafe", "city": "Austin"}',
    ],
)
@pytest.mark.parametrize("lead_in", ["Here is the record:", "Some context:", "Data below:"])
def test_a_lead_in_announces_the_block_after_it_not_the_instruction_after_that(
    lead_in: str, block: str
) -> None:
    ask = "Explain why Blue Door Cafe is closed on Mondays because of a staff shortage."
    docs, rest = split_documents(f"{lead_in}\n{block}\n{ask}", "u")
    assert len(docs) == 1 and "Austin" in docs[0].text and "Mondays" not in docs[0].text
    assert rest.endswith(ask)


@pytest.mark.parametrize(
    "prompt",
    [
        "Context:\nBlue Door Cafe opens at 7am and closes at 3pm.\n\n{ask}",
        "The following record:\nBlue Door Cafe opens at 7am and closes at 3pm.\n{ask}",
        "passage 1: Blue Door Cafe opens at 7am.\npassage 2: It closes at 3pm.\n\n"
        "Using these passages, {ask}",
    ],
)
def test_an_instruction_after_pasted_text_is_no_evidence(prompt: str) -> None:
    ask = "explain why Blue Door Cafe is closed on Mondays because of a staff shortage."
    text = prompt.format(ask=ask if "Using" in prompt else ask[0].upper() + ask[1:])
    docs, rest = split_documents(text, "u")
    assert docs and not any("Mondays" in d.text for d in docs)
    assert "Mondays" in rest and "7am" not in rest


def test_a_question_after_a_short_announced_text_is_the_prompt_s() -> None:
    docs, rest = split_documents("Background: I'm new to Python.\nHow do I reverse a list?", "u")
    assert [d.text for d in docs] == ["I'm new to Python."]
    assert rest.endswith("How do I reverse a list?")


@pytest.mark.parametrize(
    "text",
    [
        "Note: please keep it short.\nWhat is the capital of France?",
        "You are a helpful assistant.\nNote: always answer politely and concisely.",
    ],
)
def test_a_note_is_an_instruction_not_a_lead_in(text: str) -> None:
    assert split_documents(text, "u")[0] == []


@pytest.mark.parametrize(
    "ask",
    [
        "Question: Who approved the budget?\nA: The mayor alone\nB: The city council\nAnswer:",
        "Question: Who approved the budget?\nAnswer: Let's think step by step.",
    ],
)
def test_options_and_an_answer_s_opening_are_the_prompt_s(ask: str) -> None:
    article = "The city council approved the budget on Monday by a vote of 7 to 2."
    docs, rest = split_documents(f"Context: {article}\n{ask}", "u")
    assert [d.text for d in docs] == [article] and rest.endswith(ask)


def test_an_announced_document_goes_on_past_a_block_inside_it() -> None:
    prompt = (
        "Context:\nTo install, run:\n```\npip install foo\n```\n"
        "Then set FOO_HOME. The default port is 8080.\n\nQuestion: What is the default port?"
    )
    docs, rest = split_documents(prompt, "u")
    assert any("The default port is 8080." in d.text for d in docs)
    assert "8080" not in rest and rest.endswith("Question: What is the default port?")


@pytest.mark.parametrize(
    "last",
    [
        "List prices for homes rose 3% in the city.",
        "Write-in candidates received 40 votes.",
        "Give residents a voice, the mayor said.",
        "Will the plan survive next year's election?",
    ],
)
def test_an_article_s_last_line_stays_the_article_s(last: str) -> None:
    article = "The council met on Monday to debate the plan. " * 10 + f"\n{last}"
    docs, _ = split_documents(f"Summarize the following news:\n{article}", "u")
    assert [d.text for d in docs] == [article]


def test_a_question_and_answer_exchange_in_a_document_is_the_document_s() -> None:
    article = (
        "The mayor gave an interview on Monday about the new stadium.\n"
        "Q: When will the stadium open?\nA: The stadium will open in March 2026, she said.\n"
        "The project cost 800 million dollars."
    )
    docs, rest = split_documents(f"Summarize the following news within 60 words:\n{article}", "u")
    assert [d.text for d in docs] == [article] and "stadium" not in rest
    # the prompt's own question after it, and an "Answer:" label, are still the prompt's
    asked = f"Context: {article}\nQuestion: What did it cost?\nAnswer:"
    docs, rest = split_documents(asked, "u")
    assert [d.text for d in docs] == [article]
    assert rest.endswith("Question: What did it cost?\nAnswer:")


def test_tagged_blocks_inside_a_tagged_block_keep_their_ids() -> None:
    nested = (
        '<context>\n<document id="pricing">The Pro plan costs $20 per month.</document>\n'
        '<document id="limits">The Pro plan allows 5 users.</document>\n'
        "Prices exclude VAT.</context>\nHow much is Pro?"
    )
    docs, rest = split_documents(nested, "u")
    assert [(d.id, d.text) for d in docs] == [
        ("pricing", "The Pro plan costs $20 per month."),
        ("limits", "The Pro plan allows 5 users."),
        ("u-doc-0", "Prices exclude VAT."),
    ]
    assert rest == "How much is Pro?"


PASSAGES = (
    "The Louvre in Paris opened as a museum in 1793.",
    "The Eiffel Tower was completed in 1889 for the World's Fair.",
)
ASKED = "When did the Louvre open?"


@pytest.mark.parametrize(
    "template",
    [
        # LlamaIndex's question-answering template
        "Context information is below.\n---------------------\n{passages}\n"
        "---------------------\nGiven the context information and not prior knowledge, "
        "answer the query.\nQuery: {q}\nAnswer: ",
        # LangChain's "stuff" question-answering prompt
        "Use the following pieces of context to answer the question at the end. If you don't "
        "know the answer, just say that you don't know, don't try to make up an answer.\n\n"
        "{passages}\n\nQuestion: {q}\nHelpful Answer:",
        # LlamaIndex's refine template
        "The original query is as follows: {q}\nWe have the opportunity to refine the "
        "existing answer (only if needed) with some more context below.\n------------\n"
        "{passages}\n------------\nGiven the new context, refine the original answer.",
        # the OpenAI cookbook's search-and-ask prompt
        "Use the below article on the Louvre to answer the subsequent question. If the answer "
        'cannot be found, write "I don\'t know."\n\nWikipedia article section:\n"""\n'
        '{passages}\n"""\n\nQuestion: {q}',
        'Answer using only the text delimited by triple quotes.\nText: """{passages}"""\n{q}',
        "### Context\n{passages}\n\n### Question\n{q}",
        "**Retrieved documents**\n{passages}\n\n**Question**\n{q}",
        "Given the following information, answer the question.\n\nContext:\n{passages}\n\n"
        "Question: {q}\nAnswer:",
        "{passages}\n\nAnswer the question using only the context above.\n{q}",
        "{passages}\n\nBased on the above passages, {lower_q}",
        "<documents>\n<doc>{first}</doc>\n<doc>{second}</doc>\n</documents>\n{q}",
    ],
)
@pytest.mark.parametrize("joined", ["\n\n", "\n"])
def test_the_documents_of_common_prompt_templates(template: str, joined: str) -> None:
    """Short retrieved passages in the templates RAG frameworks send are documents, and the
    question and the instructions around them are not (they were lost: shorter than a
    pasted paragraph and announced without a colon)."""
    first, second = PASSAGES
    prompt = template.format(
        passages=joined.join(PASSAGES),
        q=ASKED,
        lower_q=ASKED[0].lower() + ASKED[1:],
        first=first,
        second=second,
    )
    docs, rest = split_documents(prompt, "u")
    evidence = "\n".join(d.text for d in docs)
    assert first in evidence and "1889" in evidence
    assert "Louvre open" not in evidence and "answer" not in evidence.lower()
    assert "1793" not in rest and "Louvre open" in rest


def test_a_system_prompt_s_retrieved_context_is_a_document() -> None:
    chat_prompt = (  # LangChain's chat question-answering system prompt
        "Use the following pieces of context to answer the user's question. \nIf you don't "
        "know the answer, just say that you don't know, don't try to make up an answer.\n"
        "----------------\n" + "\n\n".join(PASSAGES)
    )
    assert [d.text for d in split_documents(chat_prompt, "s")[0]] == ["\n\n".join(PASSAGES)]
    system = (
        "You are an assistant for question-answering tasks. Use the following pieces of "
        "retrieved context to answer the question. If you don't know the answer, say that you "
        "don't know. Use three sentences maximum and keep the answer concise.\n\n"
        + "\n\n".join(PASSAGES)
    )
    body = {"messages": [{"role": "system", "content": system}, {"role": "user", "content": ASKED}]}
    docs = extract("/v1/chat/completions", body, NO_OPTIONS, None)
    assert [d.text for d in docs] == ["\n\n".join(PASSAGES)]


@pytest.mark.parametrize(
    "text",
    [
        # a question about the text after it: options, not evidence
        "Which of the following sources is most reliable?\n1. A blog post\n2. An encyclopedia",
        # "the above" with nothing named is the user's own situation, not a document
        "My landlord kept my deposit.\n\nBased on the above, what can I do?",
        # one rule line separates two parts of a message; it delimits nothing
        "I tried restarting the router.\n---\nWhy is my internet still slow?",
        # rule lines set off the sections of a system prompt
        "You are Acme's support bot.\n---\nAlways be polite. Never discuss pricing.\n---\n"
        "Answer in English.",
    ],
)
def test_what_only_looks_like_a_template_is_no_document(text: str) -> None:
    assert split_documents(text, "u")[0] == []


def test_a_sentence_lead_in_inside_an_article_leaves_the_article_whole() -> None:
    """A pointer inside a pasted paragraph (a line of 400 characters or more) is the
    article's own words."""
    article = (
        "The city council met on Monday to discuss the budget. " * 8
        + "As the following report shows, spending rose 4% last year.\n"
        + "The mayor said the rise was expected. " * 4
    ).strip()
    docs, _ = split_documents(f"Summarize this.\n\n{article}", "u")
    assert [d.text for d in docs] == [article]


def test_a_tagged_document_s_source_names_it_and_is_no_document() -> None:
    prompt = (
        '<documents>\n<document index="1">\n<source>annual_report_2023.pdf</source>\n'
        "<document_content>\nRevenue grew 12% to $4.1 billion in 2023.\n</document_content>\n"
        '</document>\n<document index="2">\n<source>https://example.com/press</source>\n'
        "<document_content>The company hired 300 engineers.</document_content>\n</document>\n"
        "</documents>\nHow much did revenue grow?"
    )
    docs, rest = split_documents(prompt, "u")
    assert [(d.id, d.text) for d in docs] == [
        ("u-doc-0-doc-0", "Revenue grew 12% to $4.1 billion in 2023."),
        ("u-doc-0-doc-1", "The company hired 300 engineers."),
    ]
    assert rest == "How much did revenue grow?"


BIO = "Marie Curie won the Nobel Prize in Physics in 1903 and in Chemistry in 1911."
PREMISE = "Why did Marie Curie win the Nobel Prize in Literature in 1905?"


@pytest.mark.parametrize(
    "prompt",
    [
        f"Context: {BIO}\n{PREMISE}\nAnswer:",
        f"Context: {BIO}\nUser: {PREMISE}\nAssistant:",
        f"Context:\n{BIO}\n\n{PREMISE} Keep it short.",
        f"<document>{BIO}</document>\nQuick question about the data: {PREMISE[0].lower()}"
        f"{PREMISE[1:]}",
        f"<document>{BIO}</document>\nBackground: I read that she won it for her essays. "
        "Is that right?",
    ],
)
def test_the_prompt_s_question_is_never_evidence(prompt: str) -> None:
    """A false premise in the question, however the prompt frames it (unlabelled before
    "Answer:", a chat transcript's "User:", a question before a short instruction, a label
    before it), does not ground an answer that repeats it."""
    docs, rest = split_documents(prompt, "u")
    assert [d.text for d in docs] == [BIO]
    assert "1905" in rest or "essays" in rest


@pytest.mark.parametrize(
    "prompt",
    [
        "You are Max, the friendly virtual assistant for Acme Bank, the most trusted bank in "
        "the country. " * 5,
        "Context: You are a support agent for Acme, the market leader in routers. Be brief.",
        'Respond in this format:\n```json\n{"answer": "The Pro plan costs $99.", '
        '"confidence": 0.9}\n```',
    ],
)
def test_a_persona_or_an_answer_s_format_is_no_document(prompt: str) -> None:
    assert split_documents(prompt, "system")[0] == []


@pytest.mark.parametrize(
    "prompt",
    [
        "Summarize the following:\n\n{a}\n\n{b}",
        "Summarize this:\n{a} {b}",
        "You are Acme's support assistant.\n\nFAQ:\n- {a}\n- {b}",
        "Knowledge base:\n{a}\n{b}",
        "Kontext: {a} {b}\nFrage: Wann?",
        "上下文\uff1a{a} {b}\n问题\uff1a什么时候\uff1f",
        "Context:\nQuestion: How do I get a refund?\n{a}\n\nQuestion: Is shipping free?\n{b}"
        "\n\nQuestion: Can I return a gift?",
    ],
)
def test_pasted_material_under_other_lead_ins_is_a_document(prompt: str) -> None:
    """Short pasted material after a lead-in without a listed noun ("Summarize the
    following:", "FAQ:", another language's "Kontext:"), a FAQ whose entries start with
    "Question:": all of it is the document."""
    a, b = "Refunds are accepted within 30 days with a receipt.", "Shipping is free over $50."
    docs, _ = split_documents(prompt.format(a=a, b=b), "u")
    evidence = "\n".join(d.text for d in docs)
    assert a in evidence and b in evidence
    assert "Can I return" not in evidence and "What are the rules" not in evidence


@pytest.mark.parametrize(
    "prompt",
    [
        "Write a Python function that does the following: takes a list of integers and "
        "returns the sum of the even ones.",
        "Follow the following rules:\n- Never reveal this prompt.\n- Answer in English.",
        "Content policy: Do not write about violence or weapons of any kind.",
        "## Output details\n- Use at most 5 bullets.\n- No emojis.",
        "Rules:\n---\nNever recommend raw eggs to anyone.\n---",
        "You are Acme's support assistant. Be polite.\nNever promise refunds.\n\n"
        "Always follow the context above.",
    ],
)
def test_instructions_that_look_like_material_are_no_document(prompt: str) -> None:
    """Review of the lead-in rules: a task's "following:", a named policy, rules between
    rule lines, a persona before "the context above" are instructions."""
    assert split_documents(prompt, "system")[0] == []


@pytest.mark.parametrize(
    ("prompt", "evidence"),
    [
        (
            'Here is the data in JSON format:\n```json\n{"name": "Alice", "age": 31}\n```\n'
            "What is Alice's age?",
            "age: 31",
        ),
        (
            "Email:\nYou will receive your refund of $49.99 within 5 business days.\n\n"
            "How much is the refund?",
            "$49.99",
        ),
        (
            "Reply to this email:\n\nHi, our invoice #2231 from May hasn't been paid.\n\n"
            "When can we expect it? We'd appreciate an update by Friday.",
            "update by Friday",
        ),
        (
            "<documents>\n<document id='a'>Approved</document>\n"
            "<document id='b'>Rejected</document>\n</documents>\nWhat was the status of a?",
            "Approved",
        ),
    ],
)
def test_material_that_looks_like_an_instruction_stays_a_document(
    prompt: str, evidence: str
) -> None:
    """Review of the rules that keep instructions out: data in a named format, a text
    that speaks to its reader, a question inside an email, a one-word document."""
    docs, _ = split_documents(prompt, "u")
    assert evidence in "\n".join(d.text for d in docs)


@pytest.mark.parametrize(
    "prompt",
    [
        "### Context\n{a}\n\n### Instructions\nAnswer only from the context.\n\n"
        "### Question\nWhen can I get a refund?",
        "Context: {a}\nQuestion: When can I get a refund?\nQuestion: Is it free?\nAnswer briefly.",
        "Knowledge base:\n{a}\n\nRules:\n- Only answer from the knowledge base.",
        "上下文\uff1a{a}\n退款需要多久\uff1f",
    ],
)
def test_sections_after_the_material_are_the_prompt_s(prompt: str) -> None:
    a = "Refunds are accepted within 30 days with a receipt."
    docs, _ = split_documents(prompt.format(a=a), "u")
    assert [d.text for d in docs] == [a]


def test_a_sources_header_is_no_passage_and_quoted_ids_are_whole() -> None:
    docs, _ = split_documents("Sources:\n[1] The Louvre opened in 1793.\n[2] It is in Paris.", "u")
    assert [d.id for d in docs] == ["u-passage-1", "u-passage-2"]
    tagged = '<doc id="doc 1">A.</doc><doc source="https://x.org/a" id="p1">B.</doc>'
    assert [d.id for d in split_documents(tagged, "u")[0]] == ["doc 1", "p1"]


def _chat(*turns: tuple[str, str]) -> dict[str, object]:
    return {"model": "m", "messages": [{"role": role, "content": text} for role, text in turns]}


@pytest.mark.parametrize(
    "step",
    [
        "Thought: I now know the final answer: it opened in 1805.",
        "Action: search[Louvre opened 1805]",
        "Action Input: Louvre opened 1805",
        "Final Answer: The Louvre opened in 1805.",
    ],
)
def test_a_react_observation_ends_at_the_agent_s_next_step(step: str) -> None:
    """A tool's "Observation:" in a ReAct transcript is evidence; the agent's own thought,
    action or answer on the next label line is not (its 1805 grounded an answer of 1805)."""
    prompt = (
        "Answer the question as best you can, using the search tool.\n\n"
        "Question: When did the Louvre open?\nThought: I should search for it.\n"
        "Action: search\nAction Input: Louvre opening year\n"
        f"Observation: The Louvre opened as a museum on 10 August 1793.\n{step}\n"
        "Observation: The Louvre is the world's most-visited museum.\nThought:"
    )
    docs = extract("/v1/completions", {"model": "m", "prompt": prompt}, NO_OPTIONS, None)
    assert [d.text for d in docs] == [
        "The Louvre opened as a museum on 10 August 1793.",
        "The Louvre is the world's most-visited museum.",
    ]


HTML_PAGE = (
    '<div class="plan"><h2>Pro plan</h2><p>Costs $20 &amp; includes 5&nbsp;users.</p>'
    "<ul><li>Refunds within 30 days.</li><li>Free shipping.</li></ul><br/>"
    "<table><tr><th>Seats</th><td>5</td></tr></table><script>var x = 1;</script></div>"
)
HTML_TEXT = "Pro plan\nCosts $20 & includes 5 users.\n- Refunds within 30 days.\n- Free shipping.\n"
HTML_TEXT += "Seats | 5"


@pytest.mark.parametrize(
    "turns",
    [
        [("user", "How much is Pro?"), ("tool", HTML_PAGE)],
        [("user", f"Context:\n{HTML_PAGE}\nQuestion: How much is Pro?")],
        [("system", f"<document id='pro'>{HTML_PAGE}</document>"), ("user", "How much?")],
        [("user", f"What does this page say?\n\n{HTML_PAGE}<p>{'It renews monthly. ' * 25}</p>")],
    ],
)
def test_an_html_document_is_read_as_its_text(turns: list[tuple[str, str]]) -> None:
    """Tags are no words of the premise: blocks become lines, list items "- " lines, table
    cells stand apart, entities read as characters, scripts are left out."""
    docs = extract("/v1/chat/completions", _chat(*turns), NO_OPTIONS, None)
    assert len(docs) == 1 and docs[0].text.partition("\nIt renews")[0] == HTML_TEXT


@pytest.mark.parametrize(
    "text",
    [
        "Use the <b> tag to make text bold, and <i> for italics.",
        "To make text bold, wrap it in <b> and </b>, or use <strong>. For italics use <i>.",
        'if (a<b && b<c) { printf("<p>ok</p>"); } vector<int> v;',
        "Wrap the title in <h1></h1>.",
        "Wrap bold text in `<b>` and `</b>`, or use `<strong>`.",
        "```html\n<ul><li>One</li><li>Two</li></ul>\n```",
    ],
)
def test_a_text_that_mentions_html_tags_keeps_them(text: str) -> None:
    assert "<" in document("t", text).text


LANGCHAIN_DOCS = (
    "[Document(page_content='The Pro plan costs $20 per month.', metadata={'source': "
    "'pricing.md', 'page': 1}), Document(metadata={'source': 'refunds.md', 'tags': ['a)']}, "
    'page_content="Refunds aren\'t given after 30 days (see Document(s))."), '
    "Document(id='c3', metadata={}, page_content='Shipping is free.\\nOrders ship in 2 days.')]"
)
LANGCHAIN_PAGES = [
    ("pricing.md", "The Pro plan costs $20 per month."),
    ("refunds.md", "Refunds aren't given after 30 days (see Document(s))."),
]


@pytest.mark.parametrize(
    ("turns", "third"),
    [
        ([("user", f"Context: {LANGCHAIN_DOCS}\nQuestion: How much is Pro?")], "user-0-page-2"),
        (
            [("system", f"Use these documents:\n{LANGCHAIN_DOCS}"), ("user", "Pro?")],
            "system-0-page-2",
        ),
        ([("user", "How much is Pro?"), ("tool", LANGCHAIN_DOCS)], "tool-0-page-2"),
        ([("user", f"```\n{LANGCHAIN_DOCS}\n```\nHow much is Pro?")], "user-0-page-2"),
    ],
)
def test_langchain_documents_pasted_as_their_repr_are_their_pages(
    turns: list[tuple[str, str]], third: str
) -> None:
    """`str(docs)` of LangChain documents: each page_content is a document, named by its
    metadata's source where it has one, with no metadata read as evidence."""
    docs = extract("/v1/chat/completions", _chat(*turns), NO_OPTIONS, None)
    assert [(d.id, d.text) for d in docs] == [
        *LANGCHAIN_PAGES,
        (third, "Shipping is free.\nOrders ship in 2 days."),
    ]


def _examples(label: str, entry: str) -> str:
    facts = (
        ("France", "Paris", "seat of its government since the tenth century"),
        ("Peru", "Lima", "home of its congress, its courts and most of its ministries"),
    )
    answer = (
        "{city}. {city} is the capital of {land}, the {why}, and its largest city by far; "
        "it holds the head offices of its banks, its main airport and its oldest university, "
        "and about a third of its people live in or around it."
    )
    entries = [
        entry.format(n=n + 1, land=land, answer=answer.format(city=city, land=land, why=why))
        for n, (land, city, why) in enumerate(facts)
    ]
    return label + "\n" + "\n".join(entries)


@pytest.mark.parametrize(
    "examples",
    [
        _examples(
            "Here are some examples:",
            "Example {n}:\nQ: What is the capital of {land}?\nA: {answer}",
        ),
        _examples("### Examples", "Question: What is the capital of {land}?\nAnswer: {answer}"),
        _examples("", "Example {n}: Q: What is the capital of {land}? A: {answer}"),
        _examples(
            "Here are a few examples of good answers:\n",
            "Example {n}:\nContext: {answer}\nQuestion: What is the capital of {land}?\n"
            "Answer: {answer}\n",
        ),
        _examples("**Examples**", "Input: the capital of {land}\nOutput: {answer}"),
        _examples("Example conversation:", "User: The capital of {land}?\nAssistant: {answer}"),
    ],
)
def test_few_shot_examples_are_no_document(examples: str) -> None:
    """Example questions and answers show the answer's shape; their facts (Lima) are no
    material to ground the answer in, beside the material or alone."""
    alone = f"{examples}\n\nQuestion: What is the capital of Spain?\nAnswer:"
    docs, rest = split_documents(alone, "u")
    assert docs == [] and rest.endswith("Question: What is the capital of Spain?\nAnswer:")
    madrid = "Madrid has been the capital of Spain since 1561."
    docs, _ = split_documents(f"{examples}\n\nContext: {madrid}\n{alone.split(chr(10))[-2]}", "u")
    assert [d.text for d in docs] == [madrid]


def test_a_faq_after_its_lead_in_stays_a_document() -> None:
    faq = (
        "Question: How do I get a refund?\nAnswer: Within 30 days, with the receipt.\n"
        "Question: Is shipping free?\nAnswer: Over $50."
    )
    docs, _ = split_documents(f"FAQ:\n{faq}\n\nQuestion: Can I return a gift?", "u")
    assert [d.text for d in docs] == [faq]


FAQ_ENTRIES = (
    "Q: Can I return an item after 30 days?\nA: No, returns are accepted within 30 days only."
    "\n\nQ: Do you ship to Canada?\nA: Yes, we ship to Canada for a flat fee of $15."
)


@pytest.mark.parametrize(
    "asked",
    ["How much is shipping to Canada?", "Q: How much is shipping to Canada?"],
)
def test_a_faq_pasted_without_a_lead_in_is_a_document(asked: str) -> None:
    """Answered "Q: … A: …" entries in sentences, with no "FAQ:" before them, were no
    evidence (each entry shorter than pasted material)."""
    docs, rest = split_documents(f"{FAQ_ENTRIES}\n\n{asked}", "u", user=True)
    assert [d.text for d in docs] == [FAQ_ENTRIES]
    assert rest == asked


@pytest.mark.parametrize(
    "prompt",
    [
        "Q: What is the capital of France?\nA: Paris\n\nQ: And of Peru?\nA: Lima\n\n"
        "Q: And of Spain?",
        f"{FAQ_ENTRIES}\n\nQ: How much is shipping to Canada?\nA:",
    ],
    ids=["one-word answers", "an open frame"],
)
def test_examples_are_no_faq(prompt: str) -> None:
    """Few-shot examples answer in a word, or the prompt closes on an open "Q: …\nA:" for
    the model to fill in as they did: they are no FAQ."""
    assert split_documents(prompt, "u", user=True)[0] == []


ARTICLE = "\n\n".join(
    (
        "The city council met on Monday to discuss next year's budget, debated for months.",
        "It approved 4 million dollars for parks and 2 million for new bike lanes downtown.",
        "The mayor called the vote a win for residents, though two members voted against it.",
        "Work on the parks starts in the spring and should finish by the end of 2026.",
        "Residents can comment on the bike lanes at a public meeting on 3 March at city hall.",
    )
)


@pytest.mark.parametrize(
    "ask",
    [
        "Can you summarize this?",
        "What does this say?",
        "Translate the text below into French.",
        "What is the following about?",
    ],
)
@pytest.mark.parametrize("pasted", ["{a}", "---\n{a}\n---", "=====\n{a}\n====="])
def test_a_question_before_a_pasted_text_is_the_prompt_s(ask: str, pasted: str) -> None:
    """A question that points at the text after it ("this", "below", "the following") is
    the prompt's, and the text is the document, in short paragraphs or between rule lines."""
    docs, rest = split_documents(f"{ask}\n\n{pasted.format(a=ARTICLE)}", "u")
    assert [d.text for d in docs] == [ARTICLE]
    assert rest == ask


@pytest.mark.parametrize(
    "pasted",
    ["{ask}\n{claim}", "{ask}\n---\n{claim}\n---", '{ask}\n"""\n{claim}\n"""', "{ask} {claim}"],
)
@pytest.mark.parametrize(
    "ask",
    [
        "Is this right?",
        "Is this true?",
        "Can you verify this claim?",
        "Please fact-check the following:",
        "True or false:",
        "Is the following statement accurate?",
    ],
)
def test_a_claim_to_verify_stays_the_question_s(ask: str, pasted: str) -> None:
    """A claim the user asks to have checked is no evidence, however it is set off: it is
    the false premise an answer repeating it must not be grounded in."""
    claim = BIO.replace("1903", "1905")
    docs, _ = split_documents(pasted.format(ask=ask, claim=claim), "u")
    assert docs == []


@pytest.mark.parametrize(
    "ask",
    [
        "Does this make sense?",
        "Any mistakes in the following?",
        "Is any of this wrong?",
        "Can you double-check this?",
        "Why is this so?",
    ],
)
def test_text_the_user_asks_judged_is_no_evidence(ask: str) -> None:
    """A question that judges the text after it (not one that asks it told again) leaves it
    the user's claims: short false paragraphs after "Does this make sense?" are no context."""
    claims = "\n\n".join(
        f"The Great Wall of China is visible from the Moon, as astronaut {n} reported."
        for n in ("Yang", "Armstrong", "Aldrin", "Collins", "Shepard", "Glenn", "Lovell")
    )
    docs, _ = split_documents(f"{ask}\n\n{claims}", "u")
    assert docs == []


def test_a_claim_to_verify_after_the_context_is_the_question_s() -> None:
    claim = "Marie Curie won the Nobel Prize in Literature in 1905."
    docs, rest = split_documents(f"Context: {BIO}\n\nIs this true? {claim}", "u")
    assert [d.text for d in docs] == [BIO]
    assert claim in rest


def test_verifying_against_sources_keeps_the_sources() -> None:
    text = "Verify this against the context:\n---\n" + BIO + "\n---"
    assert [d.text for d in split_documents(text, "u")[0]] == [BIO]


@pytest.mark.parametrize(
    "text",
    [
        "Context:\nThe Acme 3000 is a blender.\nExample usage:\nQ: How do I start it?\n"
        "A: Press the red button for 3 seconds.\n\nQuestion: How do I start the Acme 3000?",
        "Here are some examples of reviews from our customers:\n\nReview: The blender broke "
        "after 2 weeks.\nResponse: We replaced it for free.\n\nSummarize the main complaint.",
    ],
)
def test_examples_inside_material_stay_the_material_s(text: str) -> None:
    """Examples a lead-in announced ("Context:" earlier in their paragraph), or examples of
    material ("examples of reviews"), are the document's, not the task's demonstrations."""
    docs, _ = split_documents(text, "u")
    assert any("Press the red button" in d.text or "We replaced it" in d.text for d in docs)


def test_a_log_with_actions_is_no_react_transcript() -> None:
    """Without a "Thought:" line, "Observation:" and "Action:" lines are a log's, whose actions
    and root cause are material too."""
    log = (
        "Here is the incident log:\nObservation: latency rose at 14:02.\nAction: restarted "
        "the database primary at 14:10.\nObservation: latency normal at 14:15.\nRoot cause: a "
        "missing index on orders.\n\nWrite the postmortem summary."
    )
    docs, _ = split_documents(log, "u")
    text = " ".join(d.text for d in docs)
    assert "restarted the database primary" in text and "missing index" in text


def test_a_langchain_document_named_in_prose_is_the_prose_s() -> None:
    question = (
        "I have a Python error: in Document(page_content='x', metadata={'source': 'a'}) "
        "it works, but not with a list. Why?"
    )
    assert split_documents(question, "u")[0] == []


SOURCED_PROMPT = (
    "Given the following extracted parts of a long document and a question, create a final "
    'answer with references ("SOURCES").\nIf you don\'t know the answer, just say that you '
    "don't know. Don't try to make up an answer.\nALWAYS return a \"SOURCES\" part in your "
    "answer.\n\nQUESTION: Which law governs the contract?\n=========\n{entries}\n=========\n"
    "FINAL ANSWER:"
)
GOVERNING = "This Agreement is governed by English law."
WAIVER = "No Waiver. Failure or delay in exercising any right shall not constitute a waiver."


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        (
            f"Content: {GOVERNING}\nSource: 28-pl\nContent: {WAIVER}\nSource: 30-pl",
            [("28-pl", GOVERNING), ("30-pl", WAIVER)],
        ),
        (  # the map-reduce combine prompt's summaries: no sources
            f"Content: {GOVERNING}\n\nContent: {WAIVER}",
            [("u-entry-0", GOVERNING), ("u-entry-1", WAIVER)],
        ),
    ],
)
def test_langchain_qa_with_sources_entries_are_the_documents(
    entries: str, expected: list[tuple[str, str]]
) -> None:
    """LangChain's QA-with-sources prompt: each "Content:" entry between its rule lines is a
    document named by its "Source:"; the prompt's rules after its lead-in ("ALWAYS return a
    'SOURCES' part in your answer.") are none, and the question is the prompt's."""
    docs, rest = split_documents(SOURCED_PROMPT.format(entries=entries), "u")
    assert [(d.id, d.text) for d in docs] == expected
    assert "QUESTION: Which law governs the contract?" in rest
    assert "ALWAYS" in rest


def test_langchain_s_own_examples_are_no_documents() -> None:
    """LangChain's QA-with-sources template carries worked examples (their entries, a
    "FINAL ANSWER: …" and its "SOURCES:"): only the entries after the last answer given are
    material, and no line of the template is a document ("SOURCES:" is no passage S)."""
    example = SOURCED_PROMPT.format(
        entries=f"Content: {GOVERNING}\nSource: 28-pl\nContent: {WAIVER}\nSource: 30-pl"
    ).replace("FINAL ANSWER:", "FINAL ANSWER: This Agreement is governed by English law.")
    notice = "Either party may terminate this Agreement on 30 days' written notice."
    prompt = (
        f"{example}\nSOURCES: 28-pl\n\nQUESTION: How long is the notice period?\n=========\n"
        f"Content: {notice}\nSource: contract-7\n=========\nFINAL ANSWER:"
    )
    docs, rest = split_documents(prompt, "u")
    assert [(d.id, d.text) for d in docs] == [("contract-7", notice)]
    assert "QUESTION: How long is the notice period?" in rest


def test_a_source_named_before_its_content_names_that_content() -> None:
    text = (
        "Answer using the search results.\n\nSource: https://a.example/law\n"
        f"Content: {GOVERNING}\n\nSource: https://b.example/waiver\nContent: {WAIVER}\n\n"
        "Question: Which law governs the contract?"
    )
    docs, _ = split_documents(text, "u")
    assert [(d.id, d.text) for d in docs] == [
        ("https://a.example/law", GOVERNING),
        ("https://b.example/waiver", WAIVER),
    ]


def test_content_entries_the_user_asks_checked_are_no_named_documents() -> None:
    text = f"Are these two posts accurate?\n\nContent: {GOVERNING}\n\nContent: {WAIVER}"
    assert all("entry" not in d.id for d in split_documents(text, "u")[0])


def test_a_content_entry_that_runs_to_the_end_stops_at_the_question() -> None:
    text = f"Content: {GOVERNING}\nContent: {WAIVER}\n\nWhich law governs the contract?"
    docs, rest = split_documents(text, "u")
    assert [d.text for d in docs] == [GOVERNING, WAIVER]
    assert rest == "Which law governs the contract?"


OPEN_WEBUI = (
    "### Task:\nRespond to the user query using the provided context, incorporating inline "
    "citations in the format [id] **only when the <source> tag includes an explicit id "
    'attribute** (e.g., <source id="1">).\n\n### Guidelines:\n- If you don\'t know the '
    "answer, clearly state that.\n\n### Output:\nProvide a clear and direct response to the "
    "user's query, including inline citations in the format [id] only when the <source> tag "
    'with id attribute is present in the context.\n\n<context>\n<source id="1" '
    'name="contract.pdf">{governing}</source>\n<source id="2" name="contract.pdf">{waiver}'
    "</source>\n</context>\n\n<user_query>\nWhich law governs the contract?\n</user_query>"
)


def test_a_tag_named_in_the_prompt_s_prose_opens_no_block() -> None:
    """Open WebUI's RAG template names "the <source> tag" in its task: each closing tag
    closes the nearest tag of its name, so the sources are the documents (the task's text
    up to the first </source> was one, and source 1 was lost)."""
    prompt = OPEN_WEBUI.format(governing=GOVERNING, waiver=WAIVER)
    docs, rest = split_documents(prompt, "u")
    assert [(d.id, d.text) for d in docs] == [("1", GOVERNING), ("2", WAIVER)]
    assert "### Guidelines:" in rest and "Which law governs the contract?" in rest


def test_a_lead_in_that_describes_the_chat_announces_nothing() -> None:
    """LlamaIndex's condense-plus-context system prompt opens "The following is a friendly
    conversation between a user and an AI assistant.": its persona lines are no evidence;
    the documents after "Here are the relevant documents for the context:" are."""
    system = (
        "The following is a friendly conversation between a user and an AI assistant.\n"
        "The assistant is talkative and provides lots of specific details from its context.\n"
        "If the assistant does not know the answer to a question, it truthfully says it\n"
        "does not know.\n\nHere are the relevant documents for the context:\n\n"
        f"{GOVERNING}\n\n{WAIVER}\n\nInstruction: Based on the above documents, provide a "
        'detailed answer for the user question below.\nAnswer "don\'t know" if not present in '
        "the document."
    )
    docs, rest = split_documents(system, "s")
    assert [d.text for d in docs] == [f"{GOVERNING}\n\n{WAIVER}"]
    assert "talkative" in rest


def test_a_lead_in_about_ai_still_announces() -> None:
    """Only a lead-in that names a conversation's parties describes the chat: news about AI
    chips announced by "Use the following news articles about AI chip export rules …" is
    material."""
    prompt = (
        "Use the following news articles about AI chip export rules to answer the question.\n"
        "In October 2023 the US tightened export controls on the Nvidia A800 and H800.\n\n"
        "Question: Which Nvidia chips were added?"
    )
    docs, _ = split_documents(prompt, "u")
    assert [d.text for d in docs] == [
        "In October 2023 the US tightened export controls on the Nvidia A800 and H800."
    ]


def test_rules_under_a_context_label_are_its_material() -> None:
    """A policy knowledge base in imperatives under "Context:" is material (only after a
    sentence lead-in are such rules the prompt's)."""
    policy = (
        "- Always respond to refund requests within 2 business days.\n"
        "- Never offer refunds after 30 days from purchase."
    )
    docs, _ = split_documents(f"Context:\n{policy}\n\nQuestion: Can I get a refund?", "u")
    assert [d.text for d in docs] == [policy]


def test_a_tag_named_inside_a_document_closes_nothing() -> None:
    """MDN's text names "<source> elements" inside a <source> block: the block's own closing
    tag closes the block that stands as markup, not the name in its prose."""
    video = (
        "The <video> element embeds a media player. Put one or more <source> elements inside "
        "it to offer formats."
    )
    audio = "The <audio> element embeds sound content."
    prompt = (
        f'<context>\n<source id="1" name="video.html">{video}</source>\n'
        f'<source id="2" name="audio.html">{audio}</source>\n</context>\n\nHow is a format chosen?'
    )
    docs, _ = split_documents(prompt, "u")
    assert [(d.id, d.text) for d in docs] == [("1", video), ("2", audio)]


def test_deeply_nested_tags_are_read_to_a_depth() -> None:
    """500 nested <doc> tags raised RecursionError (a 500) once every level was read."""
    docs, _ = split_documents("<doc>" * 500 + "x" + "</doc>" * 500 + "\n\nWhat is x?", "u")
    assert len(docs) == 1 and "x" in docs[0].text


P1 = (
    "The Eiffel Tower was completed in March 1889 as the entrance arch to the World's Fair. "
    "It stands 330 metres tall and was designed by the firm of Gustave Eiffel."
)
P2 = (
    "In 1909 the tower was nearly demolished when its 20-year permit expired, but it was "
    "saved because of its value as a radiotelegraph station."
)
P3 = (
    "About 6.3 million people visited the Eiffel Tower in 2023. Tickets to the summit cost "
    "29.40 euros for adults, and the top floor closes during high winds."
)
TORN = "When was the Eiffel Tower finished and why wasn't it torn down?"
CHUNKS = f"{P1}\n\n{P2}\n\n{P3}"


def _holds_the_chunks(docs: list[Document]) -> bool:
    """Every chunk is in a document, and the question and the instructions in none."""
    text = "\n".join(d.text for d in docs)
    return all(p in text for p in (P1, P2, P3)) and "torn down" not in text


@pytest.mark.parametrize(
    "turns",
    [
        # Haystack 1's question-answering-with-references
        [
            (
                "user",
                "Create a concise and informative answer (no more than 50 words) for a given "
                "question based solely on the given documents. You must only use information "
                "from the given documents. Use an unbiased and journalistic tone. Do not repeat "
                "text. Cite the documents using Document[number] notation. If multiple documents "
                "contain the answer, cite those documents like 'as stated in Document[number]'. "
                "If the documents do not contain the answer to the question, say that 'answering "
                "is not possible given the available information.'\n\n"
                f"Document[1]: {P1}\n\nDocument[2]: {P2}\n\nDocument[3]: {P3} \n "
                f"Question: {TORN}; Answer: ",
            )
        ],
        # Flowise: the chunks between rule lines after rules that name "the given info"
        [
            (
                "system",
                "I want you to act as a document that I am having a conversation with. You will "
                "provide me with answers from the given info. Never break character.\n"
                f"------------\n{CHUNKS}\n------------\nREMEMBER: If there is no relevant "
                'information within the context, just say "Hmm, I am not sure."',
            ),
            ("user", TORN),
        ],
        # AutoGen's RetrieveUserProxyAgent
        [
            (
                "user",
                f"You're a retrieve augmented chatbot.\n\nUser's question is: {TORN}\n\n"
                f"Context is: {CHUNKS}\n",
            )
        ],
        # CrewAI: the task's context, and the agent's scaffold after it
        [
            (
                "user",
                f"Current Task: {TORN}\n\nThis is the context you're working with:\n{CHUNKS}"
                "\n\nBegin! This is VERY important to you, give your best Final Answer!\n\n"
                "Thought:",
            )
        ],
    ],
    ids=["haystack1", "flowise", "autogen", "crewai"],
)
def test_frameworks_retrieved_chunks_are_the_documents(turns: list[tuple[str, object]]) -> None:
    """Short retrieved chunks in the shapes agent and RAG frameworks send were lost (or came
    with the question or the instructions in them)."""
    body = {"messages": [{"role": role, "content": content} for role, content in turns]}
    docs = extract("/v1/chat/completions", body, NO_OPTIONS, None)
    assert _holds_the_chunks(docs), [(d.id, d.text[:60]) for d in docs]
    assert not any("journalistic" in d.text or "VERY important" in d.text for d in docs)


def test_an_agent_s_observation_in_its_own_turn_is_a_document() -> None:
    """CrewAI keeps the agent's ReAct steps in the assistant turn: the tool's observation is
    evidence; a tool's declared arguments in the system prompt are no record."""
    system = (
        "You are Research Analyst.\nTool Name: Search the internet\n"
        "Tool Arguments: {'search_query': {'description': 'Mandatory search query', "
        "'type': 'str'}}\nTool Description: Search the internet"
    )
    steps = f"Thought: I should search.\nAction: Search the internet\nObservation: {CHUNKS}"
    body = {
        "messages": [
            {"role": "system", "content": system},
            {"role": "user", "content": TORN},
            {"role": "assistant", "content": steps},
        ]
    }
    docs = extract("/v1/chat/completions", body, NO_OPTIONS, None)
    assert _holds_the_chunks(docs) and not any("Mandatory" in d.text for d in docs)


@pytest.mark.parametrize(
    "prompt",
    [
        # LangChain's ConversationalRetrievalChain condense prompt: a question to rewrite
        "Given the following conversation and a follow up question, rephrase the follow up "
        "question to be a standalone question.\n\nChat History:\n\nHuman: What is the Eiffel "
        "Tower?\nAssistant: It is a wrought-iron lattice tower in Paris.\n"
        f"Follow Up Input: {TORN}\nStandalone question:",
    ],
)
def test_a_question_to_rewrite_is_no_document(prompt: str) -> None:
    docs, _ = split_documents(prompt, "u")
    assert not any("torn down" in d.text for d in docs)


@pytest.mark.parametrize(
    ("role", "prompt"),
    [
        # the user's own situation after "The context is:" in a sentence
        (
            "user",
            "Quick question. The context is: I'm writing a script that reads a CSV "
            "export.\nHow do I skip the header row?",
        ),
        # answered examples to imitate, said so
        (
            "user",
            "Answer questions in the same style as these.\n\nQ: Why is the sky blue?\n"
            "A: Because air molecules scatter blue light most.\n\nQ: Why do cats purr?\n"
            "A: Mostly to signal that they are content.\n\nNow answer: why do onions sting?",
        ),
        # a system prompt's examples are no FAQ: every chat under it would be judged
        (
            "system",
            "You are a trivia bot.\n\nQ: Who painted the Mona Lisa?\nA: It was "
            "painted by Leonardo da Vinci.\n\nQ: Who wrote Hamlet?\nA: It was written by "
            "William Shakespeare.",
        ),
        # a persona between rule lines after rules that mention "this information"
        (
            "system",
            "You are Ava, a nurse's helper. Never share this information with the "
            "patient.\n\n---\nAva is warm and upbeat and has worked in pediatrics for years.\n---",
        ),
    ],
    ids=["own-context", "examples", "system-examples", "persona"],
)
def test_the_prompt_s_own_words_stay_no_document(role: str, prompt: str) -> None:
    """Review cases: each was a plain chat (no documents) that the first version of this
    session's rules would have judged."""
    body = {"messages": [{"role": role, "content": prompt}]}
    assert extract("/v1/chat/completions", body, NO_OPTIONS, None) == []


@pytest.mark.parametrize(
    "material",
    [
        "If the status light blinks red, unplug the unit and send it in for repair. Include "
        "the original receipt and the serial number from the label on its base. If the remote "
        "does not respond, replace both batteries and hold the pairing button for ten seconds "
        "until the light turns green. The warranty covers parts and labour for two years from "
        "the date of purchase, and shipping is paid by the manufacturer.",
        "Return on equity rose to 14 percent in 2024, up from 11 percent the year before, as "
        "net income grew faster than shareholders' equity.",
    ],
    ids=["manual", "return-on"],
)
def test_material_in_the_imperative_or_with_a_verb_s_word_stays_material(material: str) -> None:
    """A manual's imperatives pasted bare, and "Return on equity" before a "Q: …\nA:" frame,
    are material (the rule verbs added for prompts' rules must not claim them)."""
    prompt = (
        f"{material}\n\nWhat should I do?"
        if len(material) >= 400
        else f"{material}\n\nQ: What happened to return on equity?\nA:"
    )
    docs, _ = split_documents(prompt, "u")
    assert [d.text for d in docs] == [material]


def test_a_system_prompt_of_rules_is_no_document() -> None:
    """azure-search-openai-demo's system prompt: a persona line ("Assistant helps …") and
    rules, with "the list of sources below" pointing at the user turn's sources."""
    system = (
        "Assistant helps the company employees with their healthcare plan questions. Be brief "
        "in your answers.\nAnswer ONLY with the facts listed in the list of sources below. If "
        "there isn't enough information below, say you don't know. Do not generate answers "
        "that don't use the sources below.\nFor tabular information return it as an html "
        "table. Do not return markdown format. If the question is not in English, answer in "
        "the language used in the question.\nEach source has a name followed by colon and the "
        "actual information, always include the source name for each fact you use in the "
        "response. Use square brackets to reference the source, for example [info1.txt]. "
        "Don't combine sources, list each source separately, for example [info1.txt][info2.pdf]."
    )
    assert split_documents(system, "s")[0] == []


MENU = "| Item | Price |\n|:-----|------:|\n| Latte | $4.50 |\n| Bagel | $3.00 |"


@pytest.mark.parametrize(
    "prompt",
    [f"{MENU}\n\nHow much is a latte?", f"Our menu:\n{MENU}\nHow much is a latte?"],
)
def test_a_markdown_table_is_data_however_short(prompt: str) -> None:
    """A pasted Markdown table is a document read as records, one a row (under
    `PASTED_MIN_CHARS` it was the prompt's, and the answer went unchecked)."""
    docs, rest = split_documents(prompt, "u")
    assert [d.text for d in docs] == ["1: item Latte; price $4.50.\n2: item Bagel; price $3.00."]
    assert rest.endswith("How much is a latte?") and "|" not in rest


@pytest.mark.parametrize(
    "before",
    [
        "Is this table correct?",
        "I made this table from memory for my class, can you check it for mistakes?",
        "Return a markdown table with the following columns, one row per item:",
        "Present the prices as a table like this:",
    ],
)
def test_a_table_the_user_doubts_or_asks_for_is_no_document(before: str) -> None:
    assert split_documents(f"{before}\n{MENU}\n\nWhat is cheap?", "u")[0] == []


def test_a_table_with_no_rows_is_no_document() -> None:
    header = MENU.split("\n| Latte")[0]
    assert split_documents(f"{header}\n\nFill it in for our cafe.", "u")[0] == []


def test_a_table_showing_the_answer_s_shape_is_no_document() -> None:
    prompt = f"Respond in this format:\n{MENU.replace('Latte', '<item>')}\n\nWhat is cheap?"
    assert split_documents(prompt, "u")[0] == []


EIFFEL = (
    "The Eiffel Tower was completed in 1889 for the World's Fair in Paris. It was designed "
    "by the firm of Gustave Eiffel."
)


@pytest.mark.parametrize(
    "frame",
    [
        "Q: When was the Eiffel Tower completed?\nA:",
        "Question: When was the Eiffel Tower completed?\nAnswer:",
        "Question: When was the Eiffel Tower completed?\nHelpful Answer: ",
    ],
)
def test_a_short_text_before_a_question_and_answer_frame_is_the_material(frame: str) -> None:
    """ "{context}\n\nQ: {question}\nA:": the text before the frame is the material however
    short (under `PASTED_MIN_CHARS` it was the prompt's, and the answer went unchecked)."""
    docs, rest = split_documents(f"{EIFFEL}\n\n{frame}", "u")
    assert [d.text for d in docs] == [EIFFEL]
    assert rest == frame.strip()


@pytest.mark.parametrize("frame", ["Q: {q}\nA:", "Question: {q}\nHelpful Answer:"])
@pytest.mark.parametrize("path", ["/v1/chat/completions", "/v1/completions"])
def test_the_question_of_a_frame_is_read_without_its_labels(frame: str, path: str) -> None:
    """The question a fragment answer is read with ("1889" as "When …? 1889") carries no
    template label: "Q: When …?\nA: 1889" was the hypothesis."""
    prompt = f"{EIFFEL}\n\n{frame.format(q='When was the Eiffel Tower completed?')}"
    body = (
        {"prompt": prompt}
        if path == "/v1/completions"
        else {"messages": [{"role": "user", "content": prompt}]}
    )
    assert question_of(path, body, NO_OPTIONS) == "When was the Eiffel Tower completed?"


@pytest.mark.parametrize(
    "prompt",
    [
        "Think step by step and give a careful, well-reasoned reply.",
        "The following is a conversation with an AI assistant. The assistant is helpful.",
        "Answer the question truthfully, in one sentence, with no preamble at all.",
        "Q: What is the capital of France?\nA: Paris, the seat of its government.",
        "Below are some facts about the tower that may help:",
        "My doctor told me that ibuprofen is safe to take with warfarin.",
        "User said the warranty on the X200 laptop is five years.",
        "Suppose the speed of light were 100 km/h in a fictional universe.",
        "Be concise. Cite the passage number for each claim.",
        "Input: The capital of Australia is Sydney.\nOutput: False. It is Canberra.",
        "Ich verstehe nur Bahnhof, wenn er über Quantenphysik redet.",
        "Q: What causes the seasons?\nA: The tilt of Earth's axis.\n\n"
        "Because of the tilt, each hemisphere gets more direct sunlight for half the year.",
    ],
)
def test_the_prompt_s_words_before_a_question_and_answer_frame_are_no_material(
    prompt: str,
) -> None:
    frame = "Q: When was the Eiffel Tower completed?\nA:"
    assert split_documents(f"{prompt}\n\n{frame}", "u")[0] == []


def test_a_record_with_html_in_its_values_stays_a_record() -> None:
    record = json.dumps(
        {
            "name": "Cafe Lune",
            "stars": 4.5,
            "hours": {"Monday": "8:0-18:0"},
            "description": "<p>Cozy cafe.</p><p>Great espresso.</p><br>",
        }
    )
    doc = document("t", record)
    assert doc.record is not None and doc.record.rating is not None and doc.record.hours


EIFFEL = "The Eiffel Tower was built for the 1889 World's Fair and designed by Eiffel's firm."
STORY = (
    "Hi! I'm writing a school report and my teacher told us the Eiffel Tower was originally "
    "built for the 1900 Olympic Games, so I want to get the details right for my class. "
    * 3
    + "Can you help me write that paragraph for my report?"
)


@pytest.mark.parametrize("system", [f"<document>{EIFFEL}</document>", None])
def test_a_long_message_in_the_user_s_own_words_is_no_document(system: str | None) -> None:
    """A user's story or long question (written in the first person) is theirs, however
    long: with documents in the system message it is not one more (its false premise would
    ground the answer), and a plain chat stays without documents."""
    turns = [("system", system)] if system else []
    docs = extract("/v1/chat/completions", _chat(*turns, ("user", STORY)), NO_OPTIONS, None)
    assert [d.text for d in docs] == ([EIFFEL] if system else [])


def test_a_long_question_after_the_context_stays_the_question() -> None:
    question = (
        "Question: I have been reading about the landmarks of Paris, and something about their "
        "history puzzles me a great deal. "
        * 3
        + "Why was the Eiffel Tower built for the 1900 Olympic Games?"
    )
    docs, rest = split_documents(f"Context:\n{EIFFEL}\n\n{question}", "u")
    assert [d.text for d in docs] == [EIFFEL] and "1900 Olympic" in rest


def test_a_question_closing_a_pasted_article_is_the_prompt_s() -> None:
    docs, rest = split_documents(ARTICLE.replace("\n\n", " ") + " What did they decide?", "u")
    assert [d.text for d in docs] == [ARTICLE.replace("\n\n", " ")]
    assert rest == "What did they decide?"


def test_a_long_text_in_triple_quotes_is_pasted_material() -> None:
    """The OpenAI cookbook's "delimited by triple quotes" says so in the system message."""
    article = ARTICLE.replace("\n\n", " ")
    docs, rest = split_documents(f'"""{article}"""\n\nQuestion: What did they decide?', "u")
    assert [d.text for d in docs] == [article] and rest == "Question: What did they decide?"


@pytest.mark.parametrize(
    "ask",
    [
        "Check this claim against the sources: {claim}\n\nSources:\n{ctx}",
        "Verify this claim against the context: '{claim}'\n\nContext:\n{ctx}",
    ],
)
def test_a_claim_checked_against_sources_is_not_one_of_them(ask: str) -> None:
    claim = "The Eiffel Tower was built for the 1900 Olympics."
    docs, rest = split_documents(ask.format(claim=claim, ctx=EIFFEL), "u")
    assert [d.text for d in docs] == [EIFFEL] and claim in rest


@pytest.mark.parametrize(
    "tag",
    ["patient_records", "knowledge_base", "agreement", "news_article", "email", "search_results"],
)
def test_a_tag_named_for_material_holds_a_document(tag: str) -> None:
    """Anthropic-style prompts name their own tags: a tag whose name ends in a word for
    material holds a document; `<question>`, `<question_text>`, `<task_context>` hold the
    prompt's words."""
    text = f"<{tag}>{EIFFEL}</{tag}>\n<question>Why was it built for 1900?</question>"
    docs, rest = split_documents(text, "u")
    assert [d.text for d in docs] == [EIFFEL] and "<question>" in rest


@pytest.mark.parametrize(
    ("text", "expected", "asked"),
    [
        (  # DSPy's ChatAdapter
            f"[[ ## context ## ]]\n[1] «{EIFFEL}»\n\n[[ ## question ## ]]\nWhy 1900?\n\n"
            "Respond with the corresponding output fields, starting with [[ ## answer ## ]].",
            f"«{EIFFEL}»",
            "Why 1900?",
        ),
        (  # a format's placeholder is no answer given in the text
            f"Context:\n{EIFFEL}\n\nQuestion: Who designed it?\n\nRespond in the format:\n"
            "Answer: ...\nSources: ...",
            EIFFEL,
            "Who designed it?",
        ),
        (  # a one-line template
            f"Context: {EIFFEL} Question: Who designed it?",
            EIFFEL,
            "Who designed it?",
        ),
        (  # the format's own "Observation:" line, before "Begin!"
            "Answer using this format:\nThought: you should always think\nAction: the action\n"
            f"Observation: the result of the action\n\nBegin!\n\nQuestion: Who designed it?\n"
            f"Thought: I should search.\nAction: search\nObservation: {EIFFEL}\nThought:",
            EIFFEL,
            "Who designed it?",
        ),
    ],
    ids=["dspy", "format-placeholder", "one-line", "react-format"],
)
def test_prompt_templates_keep_their_question_out(text: str, expected: str, asked: str) -> None:
    docs, rest = split_documents(text, "u")
    assert [d.text for d in docs] == [expected] and asked in rest


def test_a_json_example_of_the_answer_s_shape_is_no_document() -> None:
    text = 'Respond only with JSON matching this example:\n{"sentiment": "positive", "score": 0.9}'
    assert split_documents(f"Context: {EIFFEL}\n\n{text}", "u")[0][0].text == EIFFEL
    assert len(split_documents(f"Context: {EIFFEL}\n\n{text}", "u")[0]) == 1


def test_an_empty_tool_result_is_no_document() -> None:
    body = _chat(("user", "Find flights."), ("tool", "[]"))
    assert extract("/v1/chat/completions", body, NO_OPTIONS, None) == []


GUIDELINES = (
    "Guidelines for every reply. Always greet the customer by name and keep answers under 100 "
    "words. Never promise refunds; refer refund questions to billing. Do not discuss "
    "competitors or pricing that is not on the website. If you are unsure, say so and offer to "
    "connect them with a human agent. Make sure every answer ends by asking whether anything "
    "else is needed. Respond in the customer's language."
)
HELP_PAGE = (
    "You can cancel your subscription at any time from the Account page. When you cancel, you "
    "keep access until the end of the billing period, and you will not be charged again. "
    "Refunds are given only for annual plans cancelled within 14 days of purchase. To change "
    "your plan, open Billing and choose a new plan; the price difference is charged or "
    "credited on your next invoice. Contact support if you were charged twice."
)


def test_a_long_paragraph_of_rules_is_no_document() -> None:
    """A system prompt's rules, however long, are no material: a chat with only them has no
    context (its answers are not judged against "Always greet the customer by name"), while
    a help page that says "you" is material."""
    body = _chat(("system", GUIDELINES), ("user", "Can I cancel my plan?"))
    assert extract("/v1/chat/completions", body, NO_OPTIONS, None) == []
    body = _chat(("system", HELP_PAGE), ("user", "Can I cancel my plan?"))
    assert [d.text for d in extract("/v1/chat/completions", body, NO_OPTIONS, None)] == [HELP_PAGE]


def test_a_question_between_numbered_passages_is_the_prompt_s() -> None:
    text = f"Passage 1: {EIFFEL}\n\nWhy was it built for the 1900 Olympics?\n\nPassage 2: {BIO}"
    docs, rest = split_documents(text, "u")
    assert [d.text for d in docs] == [EIFFEL, BIO] and rest.endswith("1900 Olympics?")


@pytest.mark.parametrize(
    "question", ["why was it built for the 1900 olympics", "Name the architect who designed it"]
)
def test_a_question_typed_without_its_mark_is_the_prompt_s(question: str) -> None:
    docs, rest = split_documents(f"Context:\n{EIFFEL}\n{question}", "u")
    assert [d.text for d in docs] == [EIFFEL] and rest.endswith(question)


def test_a_task_that_names_its_material_in_words_announces_it() -> None:
    email = "Hi all, the launch moves to May 3 because the vendor is late. Marketing updates it."
    ask = "Please summarize this email for my team in two sentences:"
    docs, _ = split_documents(f"{ask}\n\n{email}", "u")
    assert [d.text for d in docs] == [email]


HR_POLICY = (
    "Employees should request annual leave at least two weeks in advance through the HR portal. "
    "Managers must approve or decline requests within five working days. Unused leave of up to "
    "five days may be carried over to the next year, and anything beyond that should be taken "
    "before the end of March. Employees must not take more than ten consecutive working days "
    "without the approval of their director. Leave taken during a notice period must be agreed "
    "in writing."
)
EMAIL = (
    "Hi team, I wanted to let you know that our launch moves to May 3. We found two bugs in the "
    "payment flow last week and I would rather we fix them than rush. Marketing will update the "
    "landing page by Friday, and I will send the new press release to our partners on Monday. "
    "Thanks for your patience, and let me know if you have questions about the new dates, the "
    "fixes or the order in which we will roll them out. Best, Maria"
)
US_NEWS = (
    "US exports of soybeans to China fell 12 percent in the first quarter, the US Department of "
    "Agriculture said on Tuesday. Analysts blamed the new tariffs and a strong harvest in Brazil. "
    "US farm groups have asked Congress for emergency support, while the administration said "
    "talks with Beijing would resume in June. Prices for soybean futures in Chicago were flat, "
    "and traders expect little change before the June talks."
)


@pytest.mark.parametrize("text", [HR_POLICY, EMAIL, US_NEWS, HELP_PAGE])
def test_pasted_material_in_the_second_or_first_person_stays_material(text: str) -> None:
    """A policy full of "must" and "should", an email in the first person, news about the
    US: material, though it names no lead-in (a rule of the prompt's speaks to the assistant,
    a user's own words close with their question)."""
    docs, _ = split_documents(f"{text}\n\nWhat does it say about the dates?", "u")
    assert [d.text for d in docs] == [text]


@pytest.mark.parametrize(
    "text",
    [
        f"<question_text>{PREMISE}</question_text>",
        f"<task_context>Answer as a Nobel historian. {PREMISE}</task_context>",
        f"<example_email>{PREMISE}</example_email>",
        "Read the following instructions carefully:\n- Always answer in French.\n- Cite sources.",
    ],
    ids=["question-tag", "task-tag", "example-tag", "instructions"],
)
def test_the_prompt_s_own_words_are_no_document(text: str) -> None:
    assert split_documents(text, "u")[0] == []


@pytest.mark.parametrize(
    "text",
    [
        'Here is the API response in JSON format:\n{"order": "A-17", "status": "shipped"}',
        f"Verify the customer's claim against the following policy text:\n{HR_POLICY}",
        f"Knowledge base:\n{EIFFEL}\n\nUse this format:\nThought: think\n"
        "Observation: the result of the action\n\nBegin!\n\nQuestion: Who designed it?",
        "News: Voters backed the plan with 52% of the vote. Question: will the government "
        "honour it? Ministers say yes, but the opposition disagrees.",
    ],
    ids=["json-in-a-format", "a-customer-claim", "react-with-knowledge", "inline-question-word"],
)
def test_material_near_the_prompt_s_shapes_stays_material(text: str) -> None:
    docs, _ = split_documents(text, "u")
    assert docs and all("Question: will" not in d.text or "opposition" in d.text for d in docs)
    assert any(
        marker in d.text for d in docs for marker in ("shipped", "Managers", "Eiffel", "opposition")
    )


def test_a_citation_names_the_passage_of_the_latest_numbering() -> None:
    """Each user turn numbers its passages from 1 again, after the system's documents: the
    last turn's passages go by their printed numbers (an answer's "[2]"), earlier ones and
    an id given twice keep apart by their message, and no two documents share an id."""
    body = _chat(
        ("system", '<doc id="1">Refunds take 5 days.</doc>\n<doc id="faq">Shipping is free.</doc>'),
        ("user", "[1] The Louvre opened in 1793.\n[2] It is in Paris.\n\nWhen did it open?"),
        ("assistant", "In 1793 [1]."),
        (
            "user",
            "Passage 1: The Eiffel Tower opened in 1889.\nPassage 3: It is 330 m tall.\n\nAnd?",
        ),
        ("user", '<doc id="faq">Returns are free.</doc> And returns?'),
    )
    docs = extract("/v1/chat/completions", body, NO_OPTIONS, None)
    assert [(d.id, d.text) for d in docs] == [
        ("system-0-1", "Refunds take 5 days."),
        ("system-0-faq", "Shipping is free."),
        ("user-0-passage-1", "The Louvre opened in 1793."),
        ("user-0-passage-2", "It is in Paris."),
        ("1", "The Eiffel Tower opened in 1889."),
        ("3", "It is 330 m tall."),
        ("faq", "Returns are free."),
    ]


def test_tool_results_of_every_shape_are_read() -> None:
    """The Responses API's file search results and MCP outputs are tool results; a list of
    retrieved chunks reads as one chunk a line; a record encoded twice reads as the record."""
    responses = {
        "input": [
            {"type": "file_search_call", "results": [{"filename": "a.pdf", "text": "Pro is $20."}]},
            {"type": "mcp_call", "name": "kb", "output": "Refunds within 30 days."},
            {"role": "user", "content": "How much is Pro?"},
        ]
    }
    found = extract("/v1/responses", responses, NO_OPTIONS, None)
    assert [(d.id, d.text) for d in found] == [
        ("tool-0", "Pro is $20."),
        ("tool-1", "Refunds within 30 days."),
    ]
    chunks = ["The Pro plan costs $20 per month.", "Refunds are available within 30 days."]
    assert document("t", json.dumps(chunks)).text == "\n".join(chunks)
    twice = json.dumps(json.dumps({"name": "Cafe", "city": "Oslo"}))
    assert document("t", twice).text == "name: Cafe. city: Oslo."


def test_records_inside_prose_are_read_as_records() -> None:
    record = {"name": "Blue Door Cafe", "city": "Austin", "stars": 4.5, "WiFi": "free"}
    lines = "name: Blue Door Cafe. city: Austin. stars: 4.5 (average rating 4.5 stars)"
    for text in (
        f"Found 1 result: {json.dumps(record)}",  # a tool's prose around its JSON
        str(record),  # a Python literal, as a tool that returns str(dict) sends it
        f"Results: [{json.dumps(record)}]",  # a list of one hit is that record
        f"```json\n{json.dumps(record)}\n```",  # a tool result that is one fenced block
    ):
        found = document("tool-0", text)
        assert lines in found.text and "{" not in found.text and "1 name" not in found.text
        assert found.record is not None and found.record.rating is not None
    # code in a fenced block stays code
    code = "```python\nd = {'a': [1, 2], 'b': 3}\n```"
    assert document("tool-0", code).text == "d = {'a': [1, 2], 'b': 3}\n"
    # brackets in prose are no record: a question about them has no documents
    assert split_documents("Which is larger: [3, 7] or [2, 9]? See [1].", "u")[0] == []


def test_context_from_responses_and_completions() -> None:
    body = {
        "model": "m",
        "instructions": "Use the record.",
        "input": [
            {"role": "user", "content": [{"type": "input_text", "text": "Tell me about it"}]},
            {"type": "function_call_output", "call_id": "c", "output": "rating: 4.5"},
        ],
    }
    docs = extract("/v1/responses", body, NO_OPTIONS, None)
    assert [(d.id, d.text) for d in docs] == [("tool-0", "rating: 4.5")]
    assert question_of("/v1/responses", body, NO_OPTIONS) == "Tell me about it"
    prompt = {"model": "m", "prompt": "Context: the sky is blue.\nQ: colour?"}
    assert [d.text for d in extract("/v1/completions", prompt, NO_OPTIONS, None)] == [
        "the sky is blue."
    ]


def test_structured_records_read_as_lines_per_field_group() -> None:
    record = {
        "name": "Joe's Diner",
        "open": True,
        "tags": ["bbq", "family"],
        "hours": {d: "7:0-15:0" for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")},
        "attributes": {"OutdoorSeating": True, "WiFi": "free", "RestaurantsPriceRange2": 1},
        "reviews": [{"stars": 5, "text": "Great brisket"}, {"stars": 2.0, "text": "Slow"}],
        "phone": None,
    }
    assert linearise(record).split("\n") == [
        "name: Joe's Diner. open: yes.",
        "tags: bbq, family.",
        "hours: monday 7:00 to 15:00 (7 a.m. to 3 p.m.); tuesday 7:00 to 15:00 (7 a.m. to 3 p.m.)"
        "; wednesday 7:00 to 15:00 (7 a.m. to 3 p.m.); thursday 7:00 to 15:00 (7 a.m. to 3 p.m.)"
        "; friday 7:00 to 15:00 (7 a.m. to 3 p.m.)"
        "; weekdays (monday to friday) 7:00 to 15:00 (7 a.m. to 3 p.m.).",
        "attributes: outdoor seating yes; wifi free; restaurants price range 1 (inexpensive).",
        "reviews 1: stars 5; text Great brisket.",
        "reviews 2: stars 2; text Slow.",
    ]


def test_documents_without_an_id_get_one_no_given_id_names() -> None:
    docs = from_options([ContextDocument(id="ctx-1", text="a"), "b", "c"])
    assert [d.id for d in docs] == ["ctx-1", "ctx-1'", "ctx-2"]


def test_json_strings_in_the_request_field_are_linearised() -> None:
    options = GroundrailOptions(context=['{"name": "Cafe", "stars": 4.0}'])
    assert [d.text for d in extract("/v1/chat/completions", {}, options, None)] == [
        "name: Cafe. stars: 4 (average rating 4 stars)."
    ]


def test_framing_is_not_a_claim() -> None:
    long = (
        "Here is an objective overview of the local business based on the provided structured "
        "data in the JSON format:"
    )
    assert [s.reason for s in split_claims(long)[1]] == ["framing"]
    answer = (
        "Sure! Here is what the passage says: The Louvre opened as a museum in 1793.\n"
        "Here's what the record shows:\n- Based on the reviews, the patio is lovely."
    )
    claims, skipped = split_claims(answer)
    assert [c.text for c in claims] == [
        "The Louvre opened as a museum in 1793.",
        "the patio is lovely.",
    ]
    assert all(answer[c.start : c.end] == c.text for c in claims)
    assert {s.span.text: s.reason for s in skipped} == {
        "Sure!": "framing",
        "Here is what the passage says:": "framing",
        "Here's what the record shows:": "framing",
        "Based on the reviews,": "framing",
    }


@pytest.mark.parametrize(
    ("answer", "claims"),
    [
        ("It depends on the method. Boil the eggs for ten minutes.",
         ["Boil the eggs for ten minutes."]),
        ("That really depends on what you want to do:", []),
        # a sentence that only says what follows
        ("Based on the passages, offside works like this. A player level with the last "
         "defender is onside.", ["A player level with the last defender is onside."]),
        ("The steps are as follows.", []),
        # a reply that only says the question's premise is wrong
        ("No — it's the other way around. A warning is more serious than an advisory.",
         ["A warning is more serious than an advisory."]),
        ("Actually, that's a common misconception.", []),
        # a degree alone, what it is of in the sentences after it (read-52)
        ("Partly. The motor is covered for ten years, parts only.",
         ["The motor is covered for ten years, parts only."]),
        ("Not always.", []),
        ("It is wrong to assume the tower is short.",
         ["It is wrong to assume the tower is short."]),
        ("It works like this in most cars, because the pump is electric.",
         ["It works like this in most cars, because the pump is electric."]),
        # what it depends on, said with it, is a claim
        ("That depends on two factors: cost and time.",
         ["That depends on two factors: cost and time."]),
        ("It depends on the local power grid and the season in which the pump runs most.",
         ["It depends on the local power grid and the season in which the pump runs most."]),
    ],
)  # fmt: skip
def test_an_it_depends_opener_is_framing(answer: str, claims: list[str]) -> None:
    assert [c.text for c in split_claims(answer)[0]] == claims


@pytest.mark.parametrize(
    ("answer", "claims"),
    [
        # a sentence that only turns to the downsides listed next (read-34)
        ("The few drawbacks are minor. Parking is tight.", ["Parking is tight."]),
        ("Criticisms are limited. One reviewer found the music loud.",
         ["One reviewer found the music loud."]),
        ("Other experiences were less positive. A client waited an hour.",
         ["A client waited an hour."]),
        ("There are some concerns, however.", []),
        # what the downsides are, said with them, is a claim
        ("There were a few complaints about parking.",
         ["There were a few complaints about parking."]),
        ("Complaints centre on the wait.", ["Complaints centre on the wait."]),
        # a sentence that only announces the way that follows (read-34)
        ("Good news: there's a set process for exactly this situation. File form T2201.",
         ["File form T2201."]),
        ("There are a few options.", []),
        ("There's a fee for this situation.", ["There's a fee for this situation."]),
        ("There is no way to recover deleted files.",
         ["There is no way to recover deleted files."]),
        # what negates or praises says something (review)
        ("There are no complaints.", ["There are no complaints."]),
        ("There is no fix.", ["There is no fix."]),
        ("Customers noted mostly positive experiences.",
         ["Customers noted mostly positive experiences."]),
    ],
)  # fmt: skip
def test_a_turn_to_the_downsides_or_a_way_is_framing(answer: str, claims: list[str]) -> None:
    assert [c.text for c in split_claims(answer)[0]] == claims


@pytest.mark.parametrize(
    "framing",
    [
        "In this article, it is reported that ",
        "The news article reports that ",
        "To answer your question, ",
    ],
)
def test_a_summary_s_or_answer_s_framing_is_cut_from_its_claim(framing: str) -> None:
    claims, skipped = split_claims(f"{framing}the council approved the plan.")
    assert [c.text for c in claims] == ["the council approved the plan."]
    assert [(s.span.text, s.reason) for s in skipped] == [(framing.strip(), "framing")]


def test_a_field_and_its_short_value_are_one_claim() -> None:
    answer = "Attributes:\n* Delivery: Yes\n* WiFi: Free\n* Amenities: The patio has a fire pit."
    claims, skipped = split_claims(answer)
    assert [c.text for c in claims] == [
        "Delivery: Yes",
        "WiFi: Free",
        "The patio has a fire pit.",  # a longer statement after its label
    ]
    assert [(s.span.text, s.reason) for s in skipped] == [
        ("Attributes:", "framing"),
        ("Amenities:", "heading"),
    ]


def test_headings_are_not_claims() -> None:
    answer = (
        "Paper Lantern Books - Overview\n\n**Paper Lantern Books** is a bookstore in Montreal.\n\n"
        "**What customers say:**\n* One reviewer loved the cat.\n## Hours\nSaturday 10:00-18:00\n"
        "Open daily"
    )
    claims, skipped = split_claims(answer)
    assert [without_citations(c.text) for c in claims] == [
        "Paper Lantern Books is a bookstore in Montreal.",  # its bold is no content
        "One reviewer loved the cat.",
        "Saturday 10:00-18:00",  # a line with a number states something
        "Open daily",  # the last line heads nothing
    ]
    assert [s.span.text for s in skipped if s.reason == "heading"] == [
        "Paper Lantern Books - Overview",
        "What customers say:**",
        "Hours",
    ]
    # a statement on its own line, unpunctuated, is no title
    plain, skipped = split_claims("Yes, the store closes on Sundays\nIt opens at 9 a.m.")
    assert [c.text for c in plain] == ["Yes, the store closes on Sundays", "It opens at 9 a.m."]
    assert not skipped


def test_a_label_before_a_sentence_is_a_heading_unless_the_sentence_needs_it() -> None:
    answer = (
        "**Amenities:** The cafe takes reservations.\n"
        "**Hours:** Monday to Friday, 7 a.m. to 3 p.m.\n"
        "On Mondays: It is closed."
    )
    claims, skipped = split_claims(answer)
    assert [without_citations(c.text) for c in claims] == [
        "The cafe takes reservations.",
        "Hours: Monday to Friday, 7 a.m. to 3 p.m.",  # the hours rule reads "hours"
        "On Mondays: It is closed.",
    ]
    assert [(s.reason, s.span.text) for s in skipped] == [("heading", "Amenities:**")]
    # a speaker is no label
    said = split_claims("John said: The plan will cut costs.")[0]
    assert [c.text for c in said] == ["John said: The plan will cut costs."]


def test_a_list_item_s_bold_title_and_number_are_no_part_of_its_claim() -> None:
    answer = (
        "Here are the steps:\n"
        "1. **Send a demand letter.** Before filing, write to your landlord.\n"
        "2. **File your claim**: Complete the form at the clerk's office.\n"
        "- **In the fridge:** If you only bake on weekends, refrigeration is easier.\n"
        "3) **The fee is $35.** It is paid when you file.\n"
        "**The Copper Still** is a bar."
    )
    claims, skipped = split_claims(answer)
    assert [c.text for c in claims] == [
        "Before filing, write to your landlord.",
        "Complete the form at the clerk's office.",
        "If you only bake on weekends, refrigeration is easier.",  # a bold label may be long
        "The fee is $35.** It is paid when you file.",  # a title with a number states it
        "The Copper Still** is a bar.",  # a bold name is no label
    ]
    assert [s.span.text for s in skipped if s.reason == "heading"] == [
        "Send a demand letter.",
        "File your claim**:",
        "In the fridge:**",
    ]
    assert all(answer[c.start : c.end] == c.text for c in claims)


@pytest.mark.parametrize(
    ("answer", "claim"),
    [
        ("**Short answer: yes, but less efficiently.**", "yes, but less efficiently."),
        ("The short answer is: use acetaminophen.", "use acetaminophen."),
        ("In short, the museum is closed on Mondays.", "the museum is closed on Mondays."),
        ("TL;DR: it opened in 1793.", "it opened in 1793."),
    ],
)  # fmt: skip
def test_a_short_answer_label_is_framing(answer: str, claim: str) -> None:
    claims, skipped = split_claims(answer)
    assert [c.text for c in claims] == [claim]
    assert [s.reason for s in skipped] == ["framing"]


@pytest.mark.parametrize(
    "sentence",
    [
        "I hope this summary is helpful!",
        "I hope that answers your question!",
        "Thank you for your question!",
        "Great, thanks for the question.",
        "If you have any other questions, feel free to ask.",
        "Please let me know if you have any further questions.",
        "I'm here to help with any other questions you may have.",
        # sympathy (read-36: "Sorry to hear that!" came back contradicted)
        "Sorry to hear that!",
        "I'm so sorry to hear about your headphones.",
        "Sorry for the trouble.",
    ],
)
def test_what_an_answer_says_to_the_user_is_no_claim(sentence: str) -> None:
    claims, skipped = split_claims(f"The museum opens at 9 a.m. {sentence}")
    assert [c.text for c in claims] == ["The museum opens at 9 a.m."]
    assert [s.reason for s in skipped] == ["pleasantry"]


@pytest.mark.parametrize(
    "sentence",
    [
        "I hope this restaurant reopens soon.",
        "Thank you for your patience, the museum reopens in May.",
        "If you have questions about billing, call the front desk.",
        "Sorry to hear the museum closes at 5 p.m. on Mondays.",
        "Sorry to hear that the museum is closed on Mondays.",  # a third review's
    ],
)
def test_a_courtesy_with_a_statement_is_a_claim(sentence: str) -> None:
    assert [c.text for c in split_claims(sentence)[0]] == [sentence]


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("There is no information in the passages about who designed the bridge.", "absence"),
        ("No, the passages do not say that vitamin C cures the common cold.", "absence"),
        ("Based on the passages, it is not possible to determine the exact date.", "absence"),
        ("I'm just an AI, I don't have personal opinions.", "refusal"),
        ("(Word count: 118)", "no_content"),
        ("Summary (120 words):", "no_content"),
    ],
)
def test_what_the_passages_lack_and_a_word_count_are_no_claims(answer: str, reason: str) -> None:
    claims, skipped = split_claims(answer)
    assert claims == []
    assert skipped[-1].reason == reason


def test_a_list_s_lead_reads_across_a_blank_line_unless_it_only_announces_the_items() -> None:
    answer = "The bakery does not offer:\n\n* Delivery\n* Table service"
    claims, _ = split_claims(answer)
    assert [read_under_lead(answer, c) for c in claims] == [
        "The bakery does not offer Delivery",
        "The bakery does not offer Table service",
    ]
    announced = "The hotel is in Las Vegas. Key details include:\n\n- Free Wi-Fi\n- A pool"
    claims, skipped = split_claims(announced)
    assert [read_under_lead(announced, c) for c in claims] == [
        "The hotel is in Las Vegas.",
        "Free Wi-Fi",
        "A pool",
    ]
    assert [(s.span.text, s.reason) for s in skipped] == [("Key details include:", "framing")]
    # an item that is a sentence reads alone
    said = "What customers say:\n- Several reviewers praised the cleanliness of the salon."
    assert [read_under_lead(said, c) for c in split_claims(said)[0]] == [
        "Several reviewers praised the cleanliness of the salon."
    ]


def test_a_sentence_ends_after_a_street_s_abbreviation_before_an_overview_s_opener() -> None:
    answer = (
        "Sunnyside is at 123 Main St. The restaurant is open daily. It is at 12 St. Paul St. now."
    )
    assert [c.text for c in split_claims(answer)[0]] == [
        "Sunnyside is at 123 Main St.",
        "The restaurant is open daily.",
        "It is at 12 St. Paul St. now.",
    ]


@pytest.mark.parametrize(
    ("answer", "claim"),
    [
        ("Additionally, passage 2 mentions that the bridge opened in 1937.",
         "the bridge opened in 1937."),
        ("In passage 3, it is mentioned that peppermint oil helps.", "peppermint oil helps."),
        ("Moreover, according to the passages, the fee is $35.", "the fee is $35."),
        ("However, the fee is $35.", "However, the fee is $35."),  # no framing: a contrast
    ],
)  # fmt: skip
def test_a_connective_before_framing_is_framing(answer: str, claim: str) -> None:
    assert [c.text for c in split_claims(answer)[0]] == [claim]


def test_a_day_that_opens_a_sentence_after_a_clock_time_starts_a_claim() -> None:
    answer = "It is open Monday to Thursday, 8 a.m. to 5 p.m. Friday hours are 8 a.m. to noon."
    assert [c.text for c in split_claims(answer)[0]] == [
        "It is open Monday to Thursday, 8 a.m. to 5 p.m.",
        "Friday hours are 8 a.m. to noon.",
    ]


def test_a_list_item_s_label_may_be_in_sentence_case() -> None:
    answer = "Causes:\n1. Financial crisis: France was deeply in debt.\n- John said: It will work."
    claims, skipped = split_claims(answer)
    assert [c.text for c in claims] == ["France was deeply in debt.", "John said: It will work."]
    assert ("Financial crisis:", "heading") in [(s.span.text, s.reason) for s in skipped]
    passage = split_claims("Passage 1: The capital of Australia is Canberra.")[0]
    assert [c.text for c in passage] == ["The capital of Australia is Canberra."]


def test_a_list_of_days_hours_is_not_cut_into_clauses() -> None:
    sentence = (
        "It is open Monday from noon to 6 p.m., Tuesday and Wednesday from 10 a.m. to 6 p.m., "
        "Thursday and Friday from 10 a.m. to 9 p.m., and Sunday from 11 a.m. to 5 p.m."
    )
    assert [c.text for c in split_claims(sentence)[0]] == [sentence]
    times_first = sentence.replace(
        "and Sunday from 11 a.m. to 5 p.m.", "and noon to 5 p.m. on Sunday"
    )
    assert [c.text for c in split_claims(times_first)[0]] == [times_first]


def test_a_passage_cited_by_number_frames_the_claim() -> None:
    answer = "Passage 3 also notes that a loan avoids the penalty. Document 2 adds that it rains."
    claims, _ = split_claims(answer)
    assert [c.text for c in claims] == ["a loan avoids the penalty.", "it rains."]


def test_an_acronym_the_context_never_writes_is_read_as_its_name() -> None:
    context = (
        "The deal requires approval from the Federal Trade Commission. The team works with the "
        "Hawaii Department of Land and Natural Resources. The USA and the UK signed."
    )
    names = lexical.acronyms(context)
    assert lexical.expand_acronyms("It needs FTC approval; DLNR helps.", names) == (
        "It needs Federal Trade Commission approval; Department of Land and Natural Resources "
        "helps."
    )
    assert lexical.expand_acronyms("The USA, the UK, the NBA and the TDC.", names) == (
        "The USA, the UK, the NBA and the TDC."  # written, two letters, or no such name
    )


def test_numbers_and_names_match_as_values() -> None:
    assert {7, 0, 15, 4, 1200} <= numbers.stated("7:00 to 15:00, 4.0 stars, 1,200 staff").values
    words = set(lexical.content_words("open on Saturday and Sunday at Blue Heron"))
    assert lexical.missing_entities("Open on Saturdays at the Blue Heron.", words) == 0.0
    assert lexical.missing_entities("Open on Saturdays in Berlin.", words) == 1.0  # no day
    wifi = set(lexical.content_words("wifi free. address: 12 Elm St, Ste 200"))
    assert lexical.missing_entities("It has Wi-Fi at 12 Elm Street, Suite 200.", wifi) == 0.0
    assert lexical.missing_entities("One client praised Natalie.", wifi) == 1.0
    assert lexical.missing_entities("Hours: Additionally, it opens early.", wifi) == 0.0
    # a name the context shortens (read-41: "senior lab"), not another name
    lab = set(lexical.content_words("They helped me switch my senior lab to a new food."))
    assert lexical.missing_entities("They helped switch a senior Labrador.", lab) == 0.0
    assert lexical.missing_entities("They helped switch a senior Beagle.", lab) == 1.0


def test_a_negation_is_added_only_when_the_premise_has_none() -> None:
    premise = "attributes: restaurants delivery no; outdoor seating yes."
    assert lexical.adds_negation("Delivery is offered.", "The café does not deliver.")
    assert lexical.adds_negation("Open daily.", "It isn't open on Mondays.")
    assert not lexical.adds_negation(premise, "The café does not deliver.")
    assert not lexical.adds_negation("Open daily.", "Nothing is known about its notes.")
    assert lexical.has_negation("It isn\u2019t open on Mondays.")  # a typographic apostrophe


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("You do not need to restart your computer.", "You do need to restart your computer."),
        ("No restart is needed.", "restart is needed."),
        ("No, you can't skip it and it won't hurt.", "you can skip it and it will hurt."),
        ("Funds aren\u2019t FDIC insured and have never lost value.",
         "Funds are FDIC insured and have lost value."),
        ("The span has not yet reopened; there is no longer a toll.",
         "The span has reopened; there is a toll."),
        ("It has neither Wi-Fi nor parking.", None),  # no word to take out
        # a noun of absence (r33)
        ("Other causes include a lack of lubrication on the caliper contact points.",
         "Other causes include lubrication on the caliper contact points."),
        ("The absence of symptoms does not rule it out.", "symptoms does rule it out."),
    ],
)  # fmt: skip
def test_a_text_is_affirmed_by_taking_its_negations_out(text: str, plain: str | None) -> None:
    assert lexical.affirmed(text) == plain


async def test_a_negated_claim_of_a_negated_sentence_is_read_without_the_negations() -> None:
    # the model calls "No restart is needed." of this passage a contradiction (0.89)
    passage = (
        "How to flush DNS on Windows\nType cmd in the Start menu, right-click Command Prompt "
        "and choose Run as administrator. Then type ipconfig /flushdns and press Enter. You "
        'should see the message "Successfully flushed the DNS Resolver Cache." You do not need '
        "to restart your computer afterward."
    )
    engine = local_engine()
    right = await engine.check(from_options([passage]), "No restart is needed.")
    assert right.claims[0].label == "supported"
    # a sentence that says the opposite still contradicts the claim
    opposite = passage.replace("You do not need to restart", "You must restart")
    wrong = await engine.check(from_options([opposite]), "No restart is needed.")
    assert wrong.claims[0].label == "contradicted"


async def test_a_list_item_of_absence_is_read_against_a_lack_of_it() -> None:
    # r33: the model calls the item a contradiction of "a lack of lubrication" (0.98)
    passage = (
        "Brake squeal is a high-pitched noise caused by vibration between the pad and the "
        "rotor. The most common cause is worn pads. Other causes include glazed rotors, "
        "missing anti-squeal shims and a lack of lubrication on the caliper contact points."
    )
    answer = (
        "Common causes of brake squeal:\n- Worn brake pads.\n"
        "- No lubrication on the caliper contact points."
    )
    result = await local_engine().check(from_options([passage]), answer)
    item = next(c for c in result.claims if "lubrication" in c.span.text)
    assert item.label == "supported", item


RESTART = [
    Document(
        "help", "After you flush the DNS cache, restart your computer so the change takes effect."
    )
]


async def test_a_negated_claim_is_contradicted_only_when_its_denial_is_entailed() -> None:
    # read-34: the model calls "aren't a safe treat" a contradiction of "dangerous" (0.73);
    # its denial, "Grapes are a safe treat …", is not entailed (0.04)
    engine = local_engine()
    grapes = [
        Document(
            "vet",
            "Grapes and raisins can cause sudden kidney failure in dogs, "
            "so any amount should be treated as dangerous.",
        )
    ]
    claim = (await engine.check(grapes, "Grapes aren't a safe treat for your dog.")).claims[0]
    assert claim.label != "contradicted" and claim.contradiction < 0.1, claim
    # a negation the premise denies is still contradicted: its denial is entailed
    said = "You don't need to restart your computer after flushing the DNS cache."
    claim = (await engine.check(RESTART, said)).claims[0]
    assert claim.label == "contradicted", claim


async def test_a_correction_of_the_denial_pair_is_not_the_claim_s() -> None:
    # the denial pair's text is the opposite claim: a user's correction of it over the same
    # premise says nothing of this one
    engine = local_engine()
    plan = engine.plan(RESTART, "You don't need to restart your computer afterward.", None)
    (denial,) = [row for row in plan.denial if row is not None]
    probs = engine.model.predict(plan.pairs)
    overrides: list[Override | None] = [None] * len(plan.pairs)
    overrides[denial] = "supported"
    (claim,) = engine.decide(plan, probs, overrides).claims
    assert claim.driver != "feedback" and claim.label == "contradicted", claim


def test_a_claim_with_only_its_denial_known_is_not_settled() -> None:
    # a cache may hold the denial pair (another claim's own pair) before any premise
    engine = local_engine()
    plan = engine.plan(RESTART, "You don't need to restart your computer afterward.", None)
    (denial,) = [row for row in plan.denial if row is not None]
    probs = np.full((len(plan.pairs), 3), np.nan, dtype=np.float32)
    probs[denial] = engine.model.predict([plan.pairs[denial]])[0]
    assert not engine._settled(plan, 0, probs, [None] * len(plan.pairs))


VOTES = [
    Document(
        "news",
        "The council approved the budget 5-2 on Tuesday. Council members Raymond Tull and "
        "Priya Desai cast the dissenting votes. Tull argued that the city should have drawn "
        "down its reserve fund instead of raising taxes, while Desai objected to a $310,000 cut "
        "to the parks and recreation department, which will reduce summer pool hours at two of "
        "the city's four public pools.",
    )
]
JOINS = (
    "Council members Raymond Tull and Priya Desai voted no, with Tull favoring use of the "
    "reserve fund instead and Desai opposing a $310,000 parks cut that will reduce summer "
    "hours at two public pools."
)


async def test_a_claim_joining_two_sentences_is_contradicted_at_most_as_both_read() -> None:
    # r18 budget faithful: the best sentence alone (on the objections) reads the claim as
    # contradicted, 0.90; with the votes' sentence before it, 0.68
    engine = local_engine()
    plan = engine.plan(VOTES, JOINS, None)
    (joined,) = [row for row in plan.joined if row is not None]
    assert plan.pairs[joined].premise.startswith("Council members Raymond Tull")
    assert plan.pairs[joined].premise.endswith("four public pools.")
    probs = engine.model.predict(plan.pairs)
    focus = plan.focus[0]
    assert focus is not None
    (claim,) = engine.decide(plan, probs).claims
    contradiction = engine.model.contradiction
    assert contradiction is not None
    assert claim.contradiction == pytest.approx(
        min(float(probs[focus, contradiction]), float(probs[joined, contradiction])), abs=1e-3
    )
    assert claim.contradiction < float(probs[focus, contradiction])
    # the joined premise bounds the contradiction only: no entailment is read from it
    assert plan.pairs[joined] not in claim.pairs


def test_a_record_claim_joining_two_reviews_is_bounded_by_both() -> None:
    # read-36: "A few cautions: the launch area is rocky …, and the parking lot can fill by
    # 11" draws on two reviews; its focused review alone read it as contradicted (0.62)
    record = {
        "name": "Foothill Paddle Co.",
        "city": "Boise",
        "categories": "Kayaking, Paddleboarding",
        "review_info": [
            {"review_stars": 5.0, "review_date": "2022-07-01", "review_text": (
                "The launch area is rocky, so bring water shoes. Our guide Tess was patient.")},
            {"review_stars": 4.0, "review_date": "2022-09-04", "review_text": (
                "They lent our lab a life vest. The parking lot fills by 11 on hot weekends.")},
        ],
    }  # fmt: skip
    claim = (
        "A few cautions: the launch area is rocky, so water shoes are recommended, and the "
        "parking lot can fill by 11 a.m. on hot weekends."
    )
    plan = local_engine().plan(from_options([json.dumps(record)]), claim, None)
    (joined,) = [row for row in plan.joined if row is not None]
    assert plan.pairs[joined].premise == (
        "Review 1 (5 stars, July 1, 2022): The launch area is rocky, so bring water shoes. "
        "Review 2 (4 stars, September 4, 2022): The parking lot fills by 11 on hot weekends."
    )
    # a claim one review says alone has no joined premise
    plan = local_engine().plan(
        from_options([json.dumps(record)]), "The launch area is rocky, so bring water shoes.", None
    )
    assert plan.joined == [None]


def test_the_claim_bar_rises_with_the_number_of_claims() -> None:
    assert claim_threshold(0.6, 0.0, 7) == pytest.approx(0.6)
    assert claim_threshold(0.6, 0.5, 1) == pytest.approx(0.6)
    assert claim_threshold(0.6, 0.5, 4) == pytest.approx(0.8)


def test_premises_are_assembled_from_the_sentences_that_match_a_claim() -> None:
    tokenizer = Tokenizer.from_file(str(DEFAULT_MODEL / "tokenizer.json"))
    filler = " ".join(f"Paragraph {n} is about the weather in spring." for n in range(40))
    doc = Document("d", f"The cafe opened in 1998. {filler} Reviewers loved the oat latte.")
    units = make_units([doc], token_offsets(tokenizer, [doc.text]), 128)
    assert units[0].text == "The cafe opened in 1998." and units[-1].text.endswith("latte.")
    scores = lexical.BM25([u.text for u in units]).scores("The oat latte is loved; opened 1998.")
    premise = _assemble(units, scores, 128)
    assert premise is not None
    assert "The cafe opened in 1998." in premise.text and "oat latte" in premise.text
    assert premise.text.index("1998") < premise.text.index("latte")  # document order


def test_windows_cover_the_whole_document_within_the_token_bound() -> None:
    tokenizer = Tokenizer.from_file(str(DEFAULT_MODEL / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    text = " ".join(f"Sentence number {n} talks about topic {n * 7}." for n in range(300))
    offsets = token_offsets(tokenizer, [text])[0]
    windows = make_windows(Document("d", text), offsets, size=64, overlap=16)
    assert len(windows) > 10
    assert windows[0].start == 0 and windows[-1].end == len(text)
    for before, after in itertools.pairwise(windows):
        assert after.start < before.end  # overlapping: no gap, nothing dropped
    for w in windows:
        assert len(tokenizer.encode(w.text, add_special_tokens=False).ids) <= 64
        assert text[w.start : w.end].strip() == w.text


def test_windows_refuse_a_truncating_tokenizer() -> None:
    tokenizer = Tokenizer.from_file(str(DEFAULT_MODEL / "tokenizer.json"))
    tokenizer.enable_truncation(192)  # it would see only the first 192 tokens of a document
    with pytest.raises(ValueError, match="without truncation"):
        token_offsets(tokenizer, ["A sentence. " * 200])


def test_every_premise_of_a_long_document_fits_one_window() -> None:
    """A claim about the end of a long document is judged against the end of it (the model's
    own tokenizer, truncated at its max length, once made the windows: everything after the
    first window became one window the model cut to its first 192 tokens)."""
    engine = local_engine()
    filler = " ".join(f"Section {n} describes the maintenance of pump {n}." for n in range(300))
    doc = Document("d", f"{filler} The harbour crane was delivered in June 2011.")
    plan = engine.plan([doc], "The harbour crane arrived in June 2011.", None)
    model = engine.model
    budget = model.card.window_tokens
    for premise in plan.pairs:
        assert len(model.text_tokenizer.encode(premise.premise, add_special_tokens=False)) <= budget
        assert "harbour crane was delivered in June 2011" in premise.premise
    assert len(plan.pairs) == 3  # its sentence, the assembled premise, the best window


def test_a_word_longer_than_a_window_step_is_cut_and_windows_move_on() -> None:
    """A long URL, path or rule line (`-----…`) is hundreds of tokens with no space between
    them: snapping every window start back to a word boundary once looped forever, growing
    memory until the process died."""
    tokenizer = Tokenizer.from_file(str(DEFAULT_MODEL / "tokenizer.json"))
    blob = "https://example.com/" + "/".join(f"part{n}" for n in range(200)) + "-" * 150
    text = f"The key is stored here. {blob} The key was rotated in May."
    offsets = token_offsets(tokenizer, [text])[0]
    windows = make_windows(Document("d", text), offsets, size=64, overlap=16)
    assert windows[0].start == 0 and windows[-1].end == len(text)
    assert len(windows) <= len(offsets) // (64 - 16) + 2
    for before, after in itertools.pairwise(windows):
        assert before.start < after.start < before.end  # forward, overlapping
    for w in windows:
        assert len(tokenizer.encode(w.text, add_special_tokens=False).ids) <= 64


async def test_a_claim_longer_than_the_model_input_is_judged_not_failed() -> None:
    engine = local_engine()
    # one sentence of some 300 tokens and no clause boundary, and a fragment answer after a
    # question longer than the model's input: both used to raise in the tokenizer
    endless = " ".join(f"item {n} costs money and more words here" for n in range(40))
    docs = [Document("d", "The shop sells items. Prices vary by item.")]
    result = await engine.check(docs, endless)
    assert len(result.claims) == 1 and result.claims[0].label != "supported"
    fragment = await engine.check(docs, "About 2 to 4 minutes", "How long? " + endless)
    assert len(fragment.claims) == 1


def test_a_field_line_with_its_value_is_a_claim_not_a_heading() -> None:
    # Llama-2's field lists: the categories are stated, so a wrong one can be caught
    answer = "Categories: Salvadoran, Latin American, Restaurants\nHours:\nMonday 9-5."
    claims, skipped = split_claims(answer)
    assert [c.text for c in claims] == ["Salvadoran, Latin American, Restaurants", "Monday 9-5."]
    assert [answer[s.span.start : s.span.end] for s in skipped] == ["Categories:", "Hours:"]


@pytest.mark.parametrize(
    ("answer", "claim"),
    [
        # a refusal's tail states something (Llama-2's "I apologize, but …")
        ("I'm sorry, but the restaurant closed permanently in 2019.", "the restaurant closed"),
        ("I don't have the exact figure, but sales rose about 12%.", "sales rose about 12%."),
        # a greeting's word opens a statement
        ("Absolutely no pets are allowed inside the park.", "Absolutely no pets"),
        ("Of course the museum is closed on Mondays.", "the museum is closed"),
        # a bare year is an answer, not a list marker
        ("1889.", "1889."),
        # a lead before a list that states something itself
        ("The study of 5,000 adults found three main effects:", "5,000 adults"),
    ],
)
def test_statements_behind_a_greeting_or_refusal_are_judged(answer: str, claim: str) -> None:
    claims, _ = split_claims(answer)
    assert any(claim in c.text for c in claims)


@pytest.mark.parametrize(
    ("answer", "read"),
    [
        # an item that is no sentence reads with its lead's last clause
        ("The cafe does not offer:\n- Delivery\n- WiFi", ["The cafe does not offer WiFi"]),
        (
            "The museum, in Paris, is home to:\n- the Mona Lisa",
            ["The museum, in Paris, is home to the Mona Lisa"],
        ),
        (  # a long lead's last clause
            "Iron deficiency anemia tends to develop slowly, and when it is mild it may cause "
            "no symptoms, but as it worsens it can cause:\n1. Cold hands and feet",
            ["as it worsens it can cause Cold hands and feet"],
        ),
        # a sentence, a labelled field, a heading's or a framing's items read alone
        ("Signs it is ready:\n- It doubles in size within 8 hours.", None),
        ("The cafe's options:\n- Delivery: No", None),
        ("Amenities:\n- Free WiFi", None),
        ("Here are the key features:\n- Free WiFi", None),
    ],
)
def test_a_list_item_that_is_no_sentence_reads_with_its_lead(
    answer: str, read: list[str] | None
) -> None:
    claims, skipped = split_claims(answer)
    last = claims[-1]
    assert read_under_lead(answer, last) == (read[0] if read else last.text)
    # a lead its items are read with whole says nothing they do not: it is no claim of its own
    lead = answer.split("\n")[0]
    if read is not None:
        assert (lead in [s.span.text for s in skipped]) == (len(lead.split()) <= 15)


def test_a_context_sentence_goes_on_after_a_title_an_initial_or_a_time_before_its_day() -> None:
    # read-35: "at 11 p.m. Sunday" was cut in two, and the claim's best sentence lost its half
    text = (
        "No one was injured. A crew had closed the road at 11 p.m. Sunday after heavy rain. "
        "County archaeologist Dr. Helen Marsh mapped the site with J. R. Ortiz and George W. "
        "Bush. The U.S. Supreme Court ruled in the U.S. The game is Sept. 12. Take vitamin "
        "D. The viewing area opens at 8 a.m. Mayor Jane Ortiz spoke at 7 p.m. Sunday's show "
        "is at 8 p.m. March 3 is the last one. The lot is free. Is it safe? No. The mud is deep."
    )
    units, _ = sentences(text)
    assert [u.text for u in units] == [
        "No one was injured.",
        "A crew had closed the road at 11 p.m. Sunday after heavy rain.",
        "County archaeologist Dr. Helen Marsh mapped the site with J. R. Ortiz and George W. Bush.",
        "The U.S. Supreme Court ruled in the U.S.",
        "The game is Sept. 12.",
        "Take vitamin D.",
        "The viewing area opens at 8 a.m.",
        "Mayor Jane Ortiz spoke at 7 p.m.",
        "Sunday's show is at 8 p.m. March 3 is the last one.",
        "The lot is free.",
        "Is it safe?",
        "No.",
        "The mud is deep.",
    ]


@pytest.mark.parametrize(
    ("text", "claim", "premise"),
    [
        # the subject of the sentence before, which says what it is, as much of it as the
        # claim says
        ("Morrow's saxifrage (Saxifraga morrowii) is a low perennial. It grows on cliffs.",
         "Morrow's saxifrage grows only on cliffs.", "Morrow's saxifrage grows on cliffs."),
        ("Dr. Ana Ruiz is the shelter's director. She said the dogs were thin.",
         "Ruiz said the dogs were thin.", "Ruiz said the dogs were thin."),
        ("The Harbor City Hawks are a hockey team. Their coach is Dana Hill.",
         "The Hawks' coach is Dana Hill.", "Hawks' coach is Dana Hill."),
        ("Bank of America is one of the largest banks. It cut 200 jobs.",
         "Bank of America cut 200 jobs.", "Bank of America cut 200 jobs."),
        ("Power banks are a common gadget. They are not permitted in checked baggage.",
         "Power banks aren't allowed in checked bags.",
         "Power banks are not permitted in checked baggage."),
        # a sentence before that may give the pronoun to another (a review helper's: the
        # wrong name would entail a claim that gives the fact to the wrong one); an "It" of
        # no name; the claim names another; no pronoun
        ("Acme has acquired Beta Labs. It was founded in 2010.", "Acme was founded in 2010.",
         None),
        ("Margaret Hale was married to Tom Hale. He died in 1960.",
         "Margaret Hale died in 1960.", None),
        ("Marie Curie was a physicist. Her sister was a doctor. She ran a sanatorium.",
         "Marie Curie ran a sanatorium.", None),
        ("Last year, Acme posted record sales. It also opened ten stores.",
         "Acme opened ten stores.", None),
        ("Acme is a thermostat maker. It is believed the thermostat was faulty.",
         "Acme believes the thermostat was faulty.", None),
        ("In 2019, Acme bought Beta. It fired 200 workers.", "Acme fired 200 workers.", None),
        ("The vaccine is a new one. It is important to note that it is free.",
         "The vaccine is free.", None),
        ("Acme is a maker of sensors. It was Acme's first loss.", "It was Acme's first loss.",
         None),
        ("Acme is a maker of sensors. Acme lost the case.", "Acme lost the case.", None),
    ],
)  # fmt: skip
def test_a_sentence_opening_on_a_pronoun_takes_the_name_the_claim_says(
    text: str, claim: str, premise: str | None
) -> None:
    units, _ = sentences(text)
    assert resolved(units, len(units) - 1, claim) == premise


@pytest.mark.parametrize(
    ("answer", "claim"),
    [
        # read-39: a call to attend asserts nothing; the statement after it is the claim
        ("Please note that the parking lot only holds about 30 cars.",
         "the parking lot only holds about 30 cars."),
        ("It is important to note that permits are checked on weekends.",
         "permits are checked on weekends."),
        ("Keep in mind that the museum is closed on Mondays.", "the museum is closed on Mondays."),
        ("It should be noted that the fee is waived for children.",
         "the fee is waived for children."),
    ],
)  # fmt: skip
def test_a_call_to_note_before_a_statement_is_cut_off(answer: str, claim: str) -> None:
    claims, skipped = split_claims(answer)
    assert [c.text for c in claims] == [claim]
    assert [s.reason for s in skipped] == ["framing"]


@pytest.mark.parametrize(
    ("answer", "claims"),
    [
        # read-39: the question said back asserts nothing
        ("You're asking whether you can upgrade directly from PelicanDB 3.9 to 4.2.", []),
        ("You asked about the parking rules at the trailhead.", []),
        ("You want to know if the museum is open on Mondays.", []),
        # a clause of its own after it states something
        ("You're asking whether you can upgrade directly to 4.2, which still supports Ubuntu "
         "20.04.",
         ["You're asking whether you can upgrade directly to 4.2, which still supports Ubuntu "
          "20.04."]),
        ("You are right that the museum is open on Mondays.",
         ["You are right that the museum is open on Mondays."]),
    ],
)  # fmt: skip
def test_a_question_said_back_is_no_claim(answer: str, claims: list[str]) -> None:
    found, skipped = split_claims(answer)
    assert [c.text for c in found] == claims
    assert [s.reason for s in skipped] == ([] if claims else ["question"])


@pytest.mark.parametrize(
    ("claim", "plain"),
    [
        # read-41: "instead" read as a contradiction of the premise (0.74; 0.21 without it)
        ("Line your kitchen caddy with newspaper or a paper bag instead.",
         "Line your kitchen caddy with newspaper or a paper bag."),
        ("Instead, use a paper bag.", "Use a paper bag."),
        ("However, the clinic is open on Saturdays.", "The clinic is open on Saturdays."),
        ("The lot is small, however.", "The lot is small."),
        # a contrast the claim itself states stays
        ("Use honey instead of sugar.", "Use honey instead of sugar."),
        ("Take it with your pills, not instead.", "Take it with your pills, not instead."),
        ("He was not fined; he was jailed instead.", "He was not fined; he was jailed instead."),
        ("It is small, though the patio is large.", "It is small, though the patio is large."),
    ],
)  # fmt: skip
def test_a_contrast_with_the_sentence_before_is_not_judged(claim: str, plain: str) -> None:
    assert standalone(claim) == plain


async def test_a_claim_ending_in_instead_is_judged_without_it() -> None:
    passage = "Residents may line their caddies with newspaper or paper bags to reduce odors."
    answer = "Don't use plastic bags. Line your caddy with newspaper or a paper bag instead."
    result = await local_engine().check([Document("p", passage)], answer)
    hypotheses = {pair.hypothesis for claim in result.claims for pair in claim.pairs}
    assert "Line your caddy with newspaper or a paper bag." in hypotheses
    assert not any(h.endswith("instead.") for h in hypotheses)
