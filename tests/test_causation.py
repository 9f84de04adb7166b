"""A causal link the context never states fails its claim: "because of the outages, schools
closed" of an article that gives the outages and the closures apart."""

from __future__ import annotations

import pytest

from conftest import local_engine, sentences
from groundrail.grounding import causation
from groundrail.grounding.windows import Document

ARTICLE = (
    "A slow-moving storm dropped more than 7 inches of rain on the coast. At the peak of the "
    "storm, about 42,000 customers of Coastal Power were without electricity. Port Ellis "
    "officials closed 30 roads because of flooding. Firefighters rescued four people from "
    "stranded cars. Schools in Port Ellis and Dunmore were closed Monday and Tuesday. Despite "
    "the slow rotation of the planet, the upper clouds circle it in four days. The planet "
    "turns slowly. Its days are long."
)


def unlinked(claim: str) -> str | None:
    return causation.unlinked(claim, *sentences(ARTICLE))


@pytest.mark.parametrize(
    ("claim", "link"),
    [
        # two facts the article gives apart
        ("Because of the power outages, schools in Port Ellis were closed.", "Because of"),
        (
            "Schools in Port Ellis and Dunmore were closed because customers lost electricity.",
            "because",
        ),
        # news words of cause
        (
            "Schools in Port Ellis and Dunmore were closed, prompted by the power outages.",
            "prompted by",
        ),
        (
            "As a consequence of the power outages, schools in Port Ellis were closed.",
            "As a consequence of",
        ),
        # a link the article states the other way round
        (
            "Because the planet's rotation is slow, the upper clouds circle it in four days.",
            "Because",
        ),
        # a noun that reads as a verb of advice opens a statement of fact
        (
            "Call volumes in Port Ellis and Dunmore closed schools, because about 42,000 "
            "customers were without electricity.",
            "because",
        ),
        # the cause ends with its clause: what comes after ", while" is no part of it
        (
            "Schools in Port Ellis and Dunmore were closed, prompted by the power outages, "
            "while firefighters rescued four people from stranded cars.",
            "prompted by",
        ),
    ],
)
def test_a_link_the_context_never_states_is_unlinked(claim: str, link: str) -> None:
    assert unlinked(claim) == link


@pytest.mark.parametrize(
    "claim",
    [
        "Officials closed 30 roads because of the flooding.",  # the article's own link
        "Officials closed 30 roads due to flooding, and schools were closed on Monday.",
        "The planet's days are long because it turns slowly.",  # neighbours: left to the model
        "Schools were closed because of a teachers' strike.",  # a half the article never gives
        "Port Ellis officials closed 30 roads and rescued four people.",  # no link
        "Schools in Port Ellis are due to reopen after customers regain electricity.",  # a date
        # a link the claim itself doubts or denies
        "It is unclear whether schools in Port Ellis closed because of the power outages.",
        "Schools in Port Ellis may have closed because customers lost electricity.",
        "Some suggested schools in Port Ellis closed because customers lost electricity.",
        # "amid" and "in the wake of" tell a time as often as a cause
        "Schools in Port Ellis and Dunmore were closed amid the power outages.",
        # advice with the answer's own reason (read-54); not a noun that reads as a verb
        # ("Budget cuts", "Call volumes": the claim's own facts, left to the rule)
        "Expect the schools in Port Ellis and Dunmore to be closed, because about 42,000 "
        "customers were without electricity.",
    ],
)
def test_a_link_the_context_states_or_cannot_be_read_is_left(claim: str) -> None:
    assert unlinked(claim) is None


async def test_the_engine_fails_an_unlinked_claim() -> None:
    engine = local_engine()
    answer = "Because of the power outages, schools in Port Ellis and Dunmore were closed."
    claim = (await engine.check([Document("a", ARTICLE)], answer)).claims[0]
    assert (claim.label, claim.driver) == ("unsupported", "unlinked")


CO_OP = (
    "The cooperative has raised its storage fee from 4 cents to 6 cents per bushel per month "
    "starting August 1. Manager Tom Brennan said the elevators would stay open despite the "
    "lower volumes. The board lowered the allowed return on debt to 4 percent. Harvest crews "
    "began work on Monday. The commission cut the allowed return on equity to 9.3 percent to "
    "reflect lower borrowing costs. The district moved the bus stop to ease crowding at the "
    "gate. The museum will stay open until 9 p.m. on Thursdays. The change is meant to attract "
    "visitors who work during the day."
)


def unpurposed(claim: str) -> str | None:
    return causation.unpurposed(claim, *sentences(CO_OP))


@pytest.mark.parametrize(
    ("claim", "purpose"),
    [
        # read-43, read-44: a motive the sentence stating the fact never gives
        ("The co-op is raising its storage fee from 4 to 6 cents per bushel per month from "
         "August 1 to make up for the lower volumes.", "to make up for"),
        ("The cooperative raised its storage fee to 6 cents a bushel in an effort to cut "
         "losses.", "in an effort to"),
        # "allowed" names the return: no cause
        ("The allowed return on debt fell to 4 percent to reflect lower borrowing costs.",
         "to reflect"),
    ],
)  # fmt: skip
def test_a_purpose_the_sentence_never_gives_is_unpurposed(claim: str, purpose: str) -> None:
    assert unpurposed(claim) == purpose


@pytest.mark.parametrize(
    "claim",
    [
        # the sentence gives it, or a purpose of its own
        "The commission cut the return on equity to 9.3 percent to reflect lower borrowing costs.",
        "The district moved the bus stop in order to ease crowding at the gate.",
        # a review helper's: the purpose in the next sentence
        "The museum will stay open until 9 p.m. on Thursdays in an effort to attract workers.",
        # doubted, or too little of a purpose to judge
        "The co-op may have raised its storage fee to 6 cents to make up for lost volume.",
        "The cooperative raised its storage fee to 6 cents a bushel to offset it.",
    ],
)
def test_a_purpose_the_sentence_gives_or_doubts_is_left(claim: str) -> None:
    assert unpurposed(claim) is None


async def test_the_engine_fails_an_unpurposed_claim() -> None:
    answer = (
        "The cooperative has raised its storage fee from 4 cents to 6 cents per bushel per "
        "month starting August 1, in an effort to cover rising insurance premiums."
    )
    claim = (await local_engine().check([Document("a", CO_OP)], answer)).claims[0]
    assert (claim.label, claim.driver) == ("unsupported", "unlinked")


SALON = (
    "Ever since they started taking walk-ins last fall, Saturdays have gotten really crowded. "
    "I waited over an hour this time, and only three techs were working. The river flooded "
    "the lower town after the dam failed. Ticket sales fell because of the heat wave, and "
    "the festival lost money."
)


def turned(claim: str) -> str | None:
    return causation.turned(claim, sentences(SALON)[0])


@pytest.mark.parametrize(
    ("claim", "link"),
    [
        # read-52: the sentence's effect given as the cause
        (
            "One reviewer says the salon started taking walk-ins last fall because Saturdays "
            "had become crowded.",
            "because",
        ),
        ("The dam failed because the river flooded the lower town.", "because"),
        ("Because of the river flooding the lower town, the dam failed.", "Because of"),
        ("The heat wave came due to falling ticket sales.", "due to"),
    ],
)
def test_a_link_the_context_gives_the_other_way_round_is_turned(claim: str, link: str) -> None:
    assert turned(claim) == link


@pytest.mark.parametrize(
    "claim",
    [
        # the sentence's own way round
        "Saturdays got crowded because the salon started taking walk-ins last fall.",
        "The river flooded the lower town because the dam failed.",
        "Ticket sales fell because of the heat wave.",
        # a cause the context never gives: `unlinked`'s or the model's
        "The festival lost money because of a storm.",
        # doubted
        "The dam may have failed because the river flooded the lower town.",
    ],
)
def test_a_link_the_context_gives_the_same_way_is_not_turned(claim: str) -> None:
    assert turned(claim) is None
