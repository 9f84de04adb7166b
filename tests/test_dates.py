"""A calendar date the context dates otherwise fails its claim ("July 12" of "June 12"); a
date the context states in another form, or does not date at all, does not."""

from __future__ import annotations

import pytest

from conftest import local_engine
from groundrail.grounding import dates
from groundrail.grounding.windows import Document

ARTICLE = (
    "The centre opened on March 18, 2012. The board met on 3 June and again on the 17th. The "
    "fair runs from Aug. 5 to Aug. 7, and the museum is closed on New Year's Day. Filed "
    "2024-03-05T09:14:00Z; due 7/4/2023. The pharmacy is open 24/7, rated 4/5, and it "
    "opened its drive-through in October."
)


@pytest.mark.parametrize(
    "claim",
    [
        "It opened on March 18.",
        "It opened on 18 March 2012.",
        "It opened on the 18th of March, 2012.",
        "It opened on Sunday, March 18th.",
        "It opened in March 2012.",  # no day
        "The board met on June 3 and June 17.",  # "the 17th": a day of the month at hand
        "The fair is open on August 6.",  # a day of a range
        "The museum is closed on January 1.",  # a holiday's date
        "It was filed on March 5 and was due on July 4 (or April 7).",  # ISO and slash dates
        "The board met on September 9.",  # neither the month nor the day is dated
        "Two weeks later, on March 1, it reopened.",  # counted from a date: may be computed
    ],
)
def test_a_date_the_context_states_or_does_not_date_passes(claim: str) -> None:
    assert dates.misdated(claim, dates.stated(ARTICLE)) == []


@pytest.mark.parametrize(
    ("claim", "shifted"),
    [
        ("It opened on April 18, 2012.", ["April 18"]),  # the day, of another month
        ("It opened on March 19.", ["March 19"]),  # the month, with another day
        ("The board met on June the 12th.", ["June 12th"]),
        ("The fair opens on 12 August.", ["August 12"]),  # a date as "month day"
        ("It was filed on 2024-03-06.", ["2024-03-06"]),
        # a month named with no day: the day is invented ("24/7", "4/5" are no dates)
        ("The drive-through opened on October 24.", ["October 24"]),
    ],
)
def test_a_date_the_context_dates_otherwise_is_shifted(claim: str, shifted: list[str]) -> None:
    assert dates.misdated(claim, dates.stated(ARTICLE)) == shifted


def test_months_as_verbs_and_a_name_after_a_month_are_no_dates() -> None:
    context = dates.stated("They march 5 miles; it may 3 times. The festival opens August 12.")
    assert context.dates == frozenset({(8, 12)})
    # a claim's "10 August Wilson plays" is no date; "March 10, 15 people" is March 10
    assert dates.misdated("It staged 10 August Wilson plays.", context) == []
    assert dates.misdated("On August 12, 15 people came.", context) == []


def test_times_after_a_date_and_a_claim_s_range_are_read_as_written() -> None:
    context = dates.stated(
        "The sale runs June 1, 2-4 p.m., and again between June 10 and June 14. The "
        "tournament is 12/13 July; Lunar New Year's Day falls on January 29."
    )
    assert (6, 2) not in context.dates and (6, 12) in context.dates  # a time, a range
    assert {(7, 12), (7, 13), (1, 29)} <= context.dates and (1, 1) not in context.dates
    # a claim's range is its ends: "June 10-14" of "between June 10 and June 14"
    assert dates.misdated("The sale runs June 10-14 and the tournament July 12.", context) == []


async def test_the_engine_fails_a_shifted_date_the_model_entails() -> None:
    engine = local_engine()
    docs = [Document("a", "A jury convicted Pike on Wednesday. Sentencing is set for June 12.")]
    claim = (await engine.check(docs, "Sentencing is set for July 12.")).claims[0]
    assert (claim.label != "supported", claim.driver) == (True, "missing_numbers")
    claim = (await engine.check(docs, "Pike will be sentenced on June 12.")).claims[0]
    assert claim.signals["missing_numbers"] == 0.0


def test_more_written_forms_of_a_context_s_dates() -> None:
    # a third review's faithful cases: a comma list, bracketed and short weekdays, a dotted
    # abbreviation with no space, a dashed date
    context = dates.stated(
        "Performances: July 5, 6, 12, 13. June 14 (Sat) & 15 (Sun). Mon 10 \u2013 Fri 14 June. "
        "Reopens Oct.15. Opened 07-Mar-2025."
    )
    assert {(7, 12), (7, 13), (6, 15), (6, 11), (10, 15), (3, 7)} <= context.dates
    # "Election Day" is no word of computation: the shifted date still fails
    context = dates.stated("Election Day is November 5. Early voting ends November 2.")
    assert dates.misdated("Voters go to the polls on Election Day, November 7.", context) == [
        "November 7"
    ]
