"""Praise, rank and provenance the context never gives fail their claim."""

from __future__ import annotations

import pytest

from conftest import local_engine
from groundrail.grounding.embellishment import added, embellished, new_term
from groundrail.grounding.lexical import content_words
from groundrail.grounding.windows import Document

RECORD = (
    "Foothills Ridge Brewing is a brewery and beer bar at 1520 W Main St. Reviewers enjoyed the "
    "patio with string lights and fire pits. One called it the first gym they stuck with."
)


@pytest.mark.parametrize(
    ("claim", "term"),
    [
        ("Foothills Ridge Brewing is a family-owned brewery.", "family-owned"),
        ("It is a family owned brewery.", "family owned"),
        ("One member called it the best gym in town.", "the best"),
        ("The brewery is a popular spot with a patio.", "popular"),
        ("It is a renowned beer bar.", "renowned"),
        ("The brewery's go-to beer is a stout.", "go-to"),
        ("Opened in May 2020, it is a popular spot.", "popular"),  # May, the month
        ("Highlights: Popular with dog owners.", "Popular"),  # a capital after a colon
        # significance and impression a summary adds
        ("The tribunal ruled, in a landmark decision, that he was a worker.", "landmark"),
        ("It marks a watershed moment for the brewery.", "watershed"),
        ("The long-awaited patio opened with string lights.", "long-awaited"),
        # a record the source never speaks of
        ("It was the brewery's steepest price rise in its history.", "in its history"),
        ("Sales hit a record high.", "record high"),
        ("It is the largest ever brewery on Main St.", "the largest ever"),
        ("It is the busiest brewery of any on Main St.", "the busiest brewery of any"),
        # a rank in a place or of a kind (read-53)
        ("The array is the largest of its kind in Nebraska.", "the largest of its kind"),
        ("It is the oldest brewery in the state.", "the oldest brewery in the state"),
        ("It is the biggest taproom in Boise.", "the biggest taproom in Boise"),
        # read-27 and read-28
        ("The patio makes it a favorite with the office lunch crowd.", "favorite"),
        ("Ask for Jenna, the bar's most requested bartender.", "most requested"),
        ("Prices hit their lowest level in decades.", "their lowest level in decades"),
        ("It was the first time water was found on such a planet.", "the first time"),
        # the place's standing, not its goods'
        ("It is popular among students.", "popular"),
        ("Its most popular beers sell out.", "popular"),
        # a verb after the place's noun is no item of its own (review)
        ("The popular cafe serves brunch daily.", "popular"),
        ("It is a popular campus hangout.", "popular"),
    ],
)
def test_words_of_standing_the_context_never_uses_are_embellished(claim: str, term: str) -> None:
    assert embellished(claim, RECORD) == term


@pytest.mark.parametrize(
    ("claim", "source"),
    [
        ("It is the best brewery in town.", "Reviewers call it the best brewery in town."),
        ("The brewery is popular.", "Its popularity grew."),  # the same stem
        ("It is a well known bar.", "a well-known bar"),  # hyphen or space alike
        ("It seems to be a popular spot.", RECORD),  # an impression
        ("It is still best to book ahead.", RECORD),  # advice, not a rank
        ("They played in the Saudi Premier League.", "They played Al Shoalah."),  # a name
        ("You must try again later.", RECORD),  # only "must-try" is praise
        ("Go to the patio.", RECORD),
        ("The staff did their best to help.", RECORD),  # idioms, not a rank
        ("To the best of my knowledge it opened in 2001.", RECORD),
        ("The ruling was called historic.", "a historic ruling for workers"),
        ("It sits in the historical district.", RECORD),  # not "historic"
        ("The fire pits make for a stunning patio.", RECORD),  # a review's "gorgeous"
        # a record the source speaks of
        ("It was the steepest rise in its history.", "the steepest rise in the agency's history"),
        ("Sales hit a record high.", "sales were the highest on record"),
        ("It might be the largest ever.", RECORD),  # a hedge
        ("Its largest tank sits in Hall B.", RECORD),  # a verb between: no rank in a place
        ("It is the oldest brewery in the state.", "the oldest brewery in Idaho"),
        # the source's rank after a possessive (the SDK stream tests' Louvre)
        ("It is the most visited museum in the world.", "It is the world's most-visited museum."),
        ("It is the largest brewery in Idaho.", "Idaho's largest brewery"),
        # a review's rank in a place with no article (read-11, r34)
        ("One calls the khao soi the best in Tucson.", "Best khao soi in Tucson, hands down."),
        ("It has the best ribeye in the city.", "Best dry-aged ribeye I've had in the city."),
        ("She holds a degree in history.", RECORD),  # no record
        ("Its other biggest employers in the county are mills.", RECORD),  # "other" is no "her"
        ("Best of all, the brewery has a patio.", RECORD),
        ("It serves the interest of all patrons.", RECORD),
        ("It brews more beer than any other bar.", "the most beer of the bars on Main St"),
        ("It is a favourite with locals.", "Locals say it is their favorite bar."),
        ("Prices hit their lowest level in decades.", "the lowest prices since 1998"),
        ("It was the first time water was found on such a planet.", "a first-time detection"),
        # a name or a code after the term's first word (read-23)
        ("It won its first Class 3A title since 2009.", "the Class 3A Region 2 title"),
        # what sells or fills up, not the place's standing (read-33)
        ("Popular items sell out, so come early.", RECORD),
        ("Its popular classes fill up fast.", RECORD),
        ("Popular Pastries sell out early.", RECORD),
        # one more of the dishes praised (read-54)
        ("Burnt ends are another favorite, so come early.", RECORD),
    ],
)
def test_words_the_source_uses_or_that_state_no_standing_are_not(claim: str, source: str) -> None:
    assert embellished(claim, source) is None


async def test_the_question_counts_as_a_source_of_the_word() -> None:
    engine = local_engine()
    docs = [Document("p", "Soaking rusty tools in white vinegar overnight loosens the rust.")]
    answer = "Soaking rusty tools in white vinegar overnight loosens the rust."
    asked = await engine.check(docs, answer, "What is the best way to remove rust?")
    assert "embellished" not in {c.driver for c in asked.claims}
    added = await engine.check(docs, "The best way is soaking rusty tools in white vinegar.")
    assert [c.driver for c in added.claims] == ["embellished"]
    assert added.verdict in ("ungrounded", "contradicted")


SUN = (
    "Sunlight takes about 8 minutes and 20 seconds to reach Earth. That figure is based on the "
    "average distance between the Earth and the Sun, about 150 million kilometers. Paramedics "
    "and a condition called pica are mentioned here too."
)


@pytest.mark.parametrize(
    ("claim", "term"),
    [
        ("The average distance, which astronomers call one astronomical unit, is 150 million km.",
         "astronomical unit"),
        ("Mixing the acids gives a mixture called aqua regia.", "aqua regia"),
        ("The Sun is also known as Sol Invictus.", "Sol Invictus"),
        ("Locals call it the Bean.", "Bean"),
    ],
)  # fmt: skip
def test_a_name_the_context_never_gives_is_a_new_term(claim: str, term: str) -> None:
    assert new_term(claim, set(content_words(SUN))) == term


@pytest.mark.parametrize(
    "claim",
    [
        "Some people crave ice, a condition called pica.",  # the context's own name
        "Paramedics were called to the scene.",  # a call, not a name
        "The shop called to say so.",
        "That figure is called the average distance.",  # the context's words
        "The so-called experts disagreed.",
        "The game was called due to heavy rain.",
    ],
)
def test_a_name_the_context_gives_or_a_call_is_not(claim: str) -> None:
    assert new_term(claim, set(content_words(SUN))) is None


async def test_the_engine_fails_a_claim_with_a_new_term() -> None:
    answer = (
        "Sunlight takes about 8 minutes and 20 seconds to reach Earth, over a distance "
        "astronomers call one astronomical unit."
    )
    result = await local_engine().check([Document("p", SUN)], answer)
    (claim,) = result.claims
    assert claim.label != "supported"
    assert claim.signals["new_term"] == 1.0


ROBOTICS = (
    "Fairmont High School's robotics team won the Great Lakes regional championship on "
    "Saturday and qualified for the world championship in Houston in April. The trip is "
    "expected to cost about $18,000. The PTA has pledged $5,000, and two local businesses have "
    "offered sponsorship. The team will hold a car wash fundraiser next month."
)


@pytest.mark.parametrize(
    ("claim", "clause"),
    [
        # read-39, read-41: an event, a motive, a consequence the article never touches
        ("The PTA has pledged money, while the city council has promised to cover any "
         "shortfall.", "while the city council has promised to cover any shortfall."),
        ("The team won the regional title, and the mayor plans a victory parade downtown.",
         "and the mayor plans a victory parade downtown."),
    ],
)  # fmt: skip
def test_a_clause_of_words_the_context_never_uses_is_added(claim: str, clause: str) -> None:
    assert added(claim, set(content_words(ROBOTICS))) == clause


@pytest.mark.parametrize(
    "claim",
    [
        "Fairmont's robotics squad took the Great Lakes regional crown on Saturday.",
        "Local businesses have offered to sponsor the team, and a car wash is planned.",
        # a number is the number rule's; the sources and the reader are no topic
        "The trip will cost roughly eighteen thousand dollars in airfare and hotel rooms.",
        "The passages describe several different fundraising approaches.",
        "If you want to help, you can donate through the booster club website.",
        # too few new words to be a statement of its own; words that state nothing of their
        # own (a review helper's faithful summaries)
        "The team won, which thrilled everyone.",
        "The team won the title, though many still hope to get help.",
    ],
)
def test_a_paraphrase_or_a_clause_about_the_sources_is_not_added(claim: str) -> None:
    assert added(claim, set(content_words(ROBOTICS))) is None


async def test_the_engine_fails_an_added_clause() -> None:
    answer = (
        "Fairmont High School's robotics team won the Great Lakes regional championship on "
        "Saturday, while the city council has promised to cover any shortfall."
    )
    result = await local_engine().check([Document("p", ROBOTICS)], answer)
    (claim,) = result.claims
    assert claim.label != "supported"
    assert claim.signals["added"] == 1.0
