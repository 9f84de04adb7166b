"""A comparison or a direction reversed fails its claim: "milder" where the source says
"stronger"."""

from __future__ import annotations

from dataclasses import replace

import pytest

from conftest import local_engine, sentences
from groundrail.grounding import polarity
from groundrail.grounding.windows import Document

PASSAGE = (
    "Because of its thick layer of foam, a cappuccino tastes stronger and feels lighter than a "
    "latte. Ridership on the Blue Line rose 12 percent after the new timetable. The board "
    "approved the budget on Tuesday. Fares did not fall last year. The leisure sector added "
    "2,400 jobs, the largest gain of any industry, while manufacturing shed 700 jobs. The "
    "rehabilitation added a separate pedestrian walkway on the downstream side."
)


def reversed_word(claim: str) -> str | None:
    return polarity.reversed_word(claim, *sentences(PASSAGE))


@pytest.mark.parametrize(
    ("claim", "word"),
    [
        # read-35: the other sex, every other word the source's
        ("Male cats may knead more when they're about to go into heat.", "Male"),
        ("In the trial, women lost more weight than the placebo group.", "women"),
        ("Female cats may knead more before going into heat.", None),
        ("Men and women in the trial lost more weight than the placebo group.", None),
    ],
)
def test_the_other_sex_is_caught(claim: str, word: str | None) -> None:
    passage = (
        "Female cats may knead more when they are about to go into heat. In the trial, men "
        "lost more weight than the placebo group."
    )
    assert polarity.reversed_word(claim, *sentences(passage)) == word


@pytest.mark.parametrize(
    ("claim", "word"),
    [
        ("Its thick layer of foam makes a cappuccino taste milder.", "milder"),
        ("Ridership on the Blue Line fell 12 percent after the new timetable.", "fell"),
        ("The board rejected the budget on Tuesday.", "rejected"),
        # its clause, in a claim that says more
        ("The board met on Tuesday, and ridership on the Blue Line dropped 12 percent.", "dropped"),
        # read-49: a side of a river
        ("The rehabilitation added a pedestrian walkway on the upstream side.", "upstream"),
    ],
)
def test_a_direction_reversed_is_caught(claim: str, word: str) -> None:
    assert reversed_word(claim) == word


def test_a_reviews_comparison_reversed_in_a_reporting_clause_is_caught() -> None:
    # read-53: who reports it ("which the customer found") and an adjective before the second
    # side ("a nearby FedEx Office") are no other statement
    review = (
        "Priya had them ready in two hours, and it was noticeably cheaper than the FedEx "
        "Office a few blocks away, about $1.10 a page."
    )
    claim = "which the customer found noticeably {} than a nearby FedEx Office"
    found = polarity.reversed_word(claim.format("more expensive"), *sentences(review))
    assert found == "pricier"
    assert polarity.reversed_word(claim.format("cheaper"), *sentences(review)) is None


def test_common_of_rare_is_reversed() -> None:
    # read-54: a rare reaction said to be common
    leaflet = (
        "Headache and nausea are common, seen in up to 1 in 10 people. Serious allergic "
        "reactions are rare, affecting fewer than 1 in 1,000 people."
    )
    claim = "Serious allergic reactions are also {}, so you will be watched afterwards."
    assert polarity.reversed_word(claim.format("common"), *sentences(leaflet)) == "common"
    assert polarity.reversed_word(claim.format("uncommon"), *sentences(leaflet)) is None
    assert polarity.reversed_word("Headache is a common effect.", *sentences(leaflet)) is None


def test_larger_of_fewer_is_reversed() -> None:
    # read-47: "fewer" things, said as a "larger" amount of them
    passage = (
        "Winemakers in the Willamette Valley harvested about 18 percent fewer grapes in 2023 "
        "than in 2022, according to the wine board."
    )
    claim = "The valley's 2023 grape harvest was about 18% {} than 2022's, the wine board said."
    assert polarity.reversed_word(claim.format("larger"), *sentences(passage)) == "larger"
    assert polarity.reversed_word(claim.format("smaller"), *sentences(passage)) is None
    # fewer of another thing, or "fewer" said of what is larger (a review helper's)
    staffing = "The school will have four fewer teachers next year, so classes will grow."
    bigger = "Classes at the school will be bigger next year, with four teachers leaving."
    assert polarity.reversed_word(bigger, *sentences(staffing)) is None
    buses = "Because the district bought fewer but longer buses, each route carries 70 students."
    bought = "Each route carries 70 students because the district bought bigger buses."
    assert polarity.reversed_word(bought, *sentences(buses)) is None
    seats = "The renovated arena has larger, more comfortable seats than the old one."
    fewer = "The renovated arena has fewer seats than the old one."
    assert polarity.reversed_word(fewer, *sentences(seats)) is None


@pytest.mark.parametrize(
    ("claim", "word"),
    [
        # read-49: the subject named a sentence before; the sentence's "rose" is another thing's
        ("The trust's earlier trial on Kell Brook saw peak flood flows rise about 30% and "
         "spawn clumps rise from 12 to over 500.", "rise"),
        ("The trust's earlier trial on Kell Brook saw peak flood flows fall about 30% and "
         "spawn clumps rise from 12 to over 500.", None),
        ("The Kell Brook trial saw spawn clumps fall from 12 to over 500.", "fall"),
        ("The Kell Brook trial saw merchandise revenue fall.", None),
        # a compass word that opens a place's name is no direction (FEVER dev)
        ("West Virginia borders Maryland.", None),
    ],
)  # fmt: skip
def test_a_direction_reversed_of_one_thing_among_others_is_caught(
    claim: str, word: str | None
) -> None:
    passage = (
        "The Aldwater Rivers Trust ran an earlier trial on Kell Brook. Monitoring there found "
        "that peak flood flows downstream fell by about 30% during heavy rain, while the "
        "number of spawn clumps rose from 12 to more than 500. Ticket sales dropped 12% in "
        "2023, while merchandise revenue rose. Maryland is a state of the United States , "
        "bordering Virginia , West Virginia , and Washington , D.C. to its south and west ; "
        "Pennsylvania to its north ; and Delaware to its east . West Virginia . It is bordered "
        "by Virginia to the southeast , Ohio to the northwest , and Maryland to the northeast ."
    )
    assert polarity.reversed_word(claim, *sentences(passage)) == word


@pytest.mark.parametrize(
    "claim",
    [
        "A cappuccino tastes stronger than a latte because of its foam.",  # as the source
        "A latte tastes milder than a cappuccino.",  # the sides trade places
        "A latte is not as strong as a cappuccino with its thick foam.",  # negated
        "Fares rose last year.",  # the source negates: left to the model
        "Ticket prices fell in the spring.",  # another statement
        # the opposite is said of another thing in the sentence
        "Leisure added 2,400 jobs, while manufacturing lost 700 jobs.",
    ],
)
def test_a_direction_as_the_source_says_it_is_not(claim: str) -> None:
    assert reversed_word(claim) is None


WRECK = (
    "Divers found the wreck in about 190 feet of water roughly 14 miles northwest of Whitefish "
    "Point. The storm moved eastward across the lake. The crew came from the northern shore."
)


@pytest.mark.parametrize(
    ("claim", "word"),
    [
        # r33: a compass direction turned ("northeast" of "northwest"), or its adjective
        ("The wreck lies in 190 feet of water 14 miles northeast of Whitefish Point.", "northeast"),
        ("The wreck was found 14 miles southwest of Whitefish Point.", "southwest"),
        ("The crew came from the southern shore.", "southern"),
        ("The storm moved west across the lake.", "west"),
        # as the source says it, or rounded to a direction of its side
        ("The wreck lies 14 miles northwest of Whitefish Point.", None),
        ("The wreck lies about 14 miles north of Whitefish Point.", None),
        ("The storm moved northeast across the lake.", None),
        ("The crew came from the north shore.", None),
        # an adverb of a direction is of its side; of another, opposed (review)
        ("The storm moved eastward across the lake.", None),
        ("The storm moved westwards across the lake.", "westwards"),
    ],
)  # fmt: skip
def test_a_compass_direction_turned_is_caught(claim: str, word: str | None) -> None:
    assert polarity.reversed_word(claim, *sentences(WRECK)) == word


@pytest.mark.parametrize(
    ("claim", "word"),
    [
        # a price compared in words (read-22: "they usually cost less than standard latex")
        ("Hybrid paints usually cost less than standard latex.", "cheaper"),
        ("Hybrid paints are less expensive than standard latex.", "cheaper"),
        # "more" / "less" before the same word, with its second side
        ("Smokers were less likely than nonsmokers to develop it.", "less likely"),
        # no second side: which group is which is the model's ("men" of "women")
        ("Smokers were less likely to develop the disease.", None),
        # as the source says it
        ("Hybrid paints are pricier than standard latex.", None),
        ("Hybrid paints cost more than standard latex.", None),
        ("Smokers were more likely to develop the disease.", None),
        ("Smokers had more than twice the risk.", None),
        # read-44: "more than" / "less than" of a thing, not of a number
        ("Cocktails run about $14, a little more than downtown.", "more than"),
        ("Cocktails run about $14, a little less than downtown bars.", None),
        ("Cocktails run about $14, more than 12 dollars.", None),
        # a quantity, or "more" said of the other side (a review helper's)
        ("Smokers had more than half the risk of nonsmokers.", None),
        ("The sequel relies on open combat more than the original game does.", None),
    ],
)
def test_a_comparison_in_words_reversed_is_caught(claim: str, word: str | None) -> None:
    passage = (
        "Waterborne alkyd hybrid paints are typically more expensive than standard latex. "
        "Smokers were more likely to develop the disease. Smokers were more likely than "
        "nonsmokers to develop it. Cocktails run about $14, a little less than the downtown "
        "places. Smokers had less than half the risk of nonsmokers. The sequel relies less than "
        "the original game on stealth, and more on open combat."
    )
    assert polarity.reversed_word(claim, *sentences(passage)) == word


@pytest.mark.parametrize(
    ("claim", "comparison"),
    [
        ("A latte feels lighter than a cappuccino.", "lighter than a cappuccino"),
        ("Mice are larger than cats.", "larger than cats"),  # the sentence's first comparison
        ("Wages in Denver rose faster than rents last year.", "faster than rents"),
        ("The old model is more expensive than the new one.", "more expensive than the new"),
        # the sides as the sentence has them, the opposite word, a negation: not traded
        ("Dogs are larger than cats.", None),
        ("A cappuccino feels lighter than a latte.", None),
        ("A latte is milder than a cappuccino.", None),
        ("Planes are faster than trains.", None),
        ("The city sued rather than wait.", None),
    ],
)
def test_a_comparison_with_its_sides_traded_is_caught(claim: str, comparison: str | None) -> None:
    passage = (
        PASSAGE + " Cats are larger than mice, and dogs are larger than cats. Rents in Denver "
        "rose faster than wages last year. The new model is more expensive than the old one. "
        "Trains are not faster than planes. Rather than wait, the city sued."
    )
    assert polarity.traded_sides(claim, *sentences(passage)) == comparison


async def test_the_engine_fails_a_reversed_claim() -> None:
    engine = local_engine()
    answer = "Ridership on the Blue Line fell 12 percent after the new timetable."
    claim = (await engine.check([Document("p", PASSAGE)], answer)).claims[0]
    assert (claim.label != "supported", claim.driver) == (True, "reversed")
    answer = "A latte feels lighter than a cappuccino."
    claim = (await engine.check([Document("p", PASSAGE)], answer)).claims[0]
    assert (claim.label != "supported", claim.driver) == (True, "reversed")


@pytest.mark.parametrize(
    ("passage", "claim"),
    [
        # the opposite said of the claim's own second side
        (
            "Older adults were most active in the mornings and less active in the evenings.",
            "Older adults were more active in the mornings than in the evenings.",
        ),
        # a "than" in the sentence only, naming a word of the claim: the sides may be traded
        (
            "Regular seats are cheaper than premium seats at the arena.",
            "Premium seats at the arena cost more.",
        ),
        # the sides traded with the opposite word
        (
            "Women were less likely than men to skip a dose.",
            "Men were more likely than women to skip a dose.",
        ),
        # both directions in one claim, each of its own thing (read-12)
        (
            "Why does water boil at a lower temperature at high altitude? As you climb, the "
            "air pressure falls, so the boiling point drops.",
            "Higher altitude lowers the boiling point of water.",
        ),
    ],
)
def test_a_faithful_comparison_of_the_other_side_is_not_reversed(passage: str, claim: str) -> None:
    assert polarity.reversed_word(claim, *sentences(passage)) is None


def test_another_sentence_with_the_claim_s_order_keeps_traded_sides_quiet() -> None:
    passage = (
        "In Britain, tea is more popular than coffee. In the United States, coffee is more "
        "popular than tea."
    )
    claim = "In the United States, coffee is more popular than tea."
    assert polarity.traded_sides(claim, *sentences(passage)) is None
    assert (
        polarity.traded_sides(
            "In Britain, coffee is more popular than tea.",
            *sentences("Tea is more popular than coffee in Britain."),
        )
        == "more popular than tea"
    )


@pytest.mark.parametrize(
    ("passage", "claim"),
    [
        # a noun in -er before "than" is no comparison
        (
            "Waits were shorter at the north counter than at the south counter.",
            "Waits were longer at the south counter than at the north counter.",
        ),
        # the opposite said of the claim's second side, a number among its words
        (
            "Side effects were less common with the 10 mg dose.",
            "Side effects were more common with the 40 mg dose than with the 10 mg dose.",
        ),
    ],
)
def test_a_third_review_s_faithful_comparisons_are_not_reversed(passage: str, claim: str) -> None:
    assert polarity.reversed_word(claim, *sentences(passage)) is None
    assert polarity.traded_sides(claim, *sentences(passage)) is None


@pytest.mark.parametrize(
    ("claim", "denied"),
    [
        # read-35: what no one suffered, said of someone
        ("One motorist was injured, even though crews had closed the road overnight.",
         "One motorist was injured"),
        ("Two workers were hurt when the slope gave way.", "Two workers were hurt"),
        ("Two crew workers were injured.", "Two crew workers were injured"),
        ("A guard has been injured.", "A guard has been injured"),
        # as the source says it, or of something else
        ("No one was injured, as crews had closed the road.", None),
        ("Nobody was hurt.", None),
        ("Two trucks were damaged.", None),
        ("The road was closed overnight.", None),
    ],
)  # fmt: skip
def test_what_no_one_suffered_said_of_someone_is_denied(claim: str, denied: str | None) -> None:
    passages = ["No one was injured.", "None of the workers were hurt.", "Crews closed the road."]
    assert polarity.denied(claim, passages) == denied


def test_a_count_the_context_gives_elsewhere_is_not_denied() -> None:
    passages = ["No one was injured in the first crash.", "Three people were injured later."]
    assert polarity.denied("Two people were injured.", passages) is None


@pytest.mark.parametrize(
    ("claim", "day"),
    [
        # read-35: a review's day changed
        ("Service was slow, about 35 minutes for food on a Saturday.", "Saturday"),
        ("The council voted 6-3 on Thursday night to approve the renovation.", "Thursday"),
        # the day as said; a day of a sentence that names many; a day another sentence says
        ("Service was slow, about 35 minutes for food on a Friday.", None),
        ("The shop is open on Saturdays.", None),
        ("The council voted on Tuesday, and the mayor said on Wednesday she would sign it.",
         None),
        ("The council voted 6-3 on Wednesday night to approve the renovation.", None),
    ],
)  # fmt: skip
def test_a_day_of_the_week_changed_is_caught(claim: str, day: str | None) -> None:
    passage = (
        "Review 2 (3 stars, May 1, 2022): Service was slow, about 35 minutes for food on a "
        "Friday. The council voted 6-3 on Tuesday night to approve the renovation. The shop "
        "is open Monday through Friday. The mayor said Wednesday she would sign it."
    )
    assert polarity.reversed_word(claim, *sentences(passage)) == day


@pytest.mark.parametrize(
    ("claim", "passages"),
    [
        # a review helper's: boilerplate denials, another subject, a search, a qualifier
        ("A fire was reported at 3 a.m.", ["Crews came at 3 a.m.", "No injuries were reported."]),
        ("Two officers were injured.", ["No protesters were injured.", "Officers were treated."]),
        ("A body was found in the river.", ["No one was found in the house."]),
        ("A woman was taken to hospital.", ["No one was taken to hospital with serious injuries."]),
        ("The driver of a delivery truck was injured.", ["No one was injured."]),
        # the harm said in other words elsewhere; none of others (a second review)
        ("One firefighter was injured.", ["No one was injured.", "One firefighter had injuries."]),
        ("Three people were killed.", ["No one was killed at first.", "A blast left three dead."]),
        ("12 people were arrested.", ["No one was arrested Saturday.", "Police detained 12."]),
        ("Two protesters were injured.", ["None of the officers were injured."]),
    ],
)  # fmt: skip
def test_a_denial_of_something_else_denies_nothing(claim: str, passages: list[str]) -> None:
    assert polarity.denied(claim, passages) is None


SPARED = [
    "A delivery van struck a light pole on Main Street on Friday night.",
    "The driver, who was not hurt, told police he had swerved to avoid a deer.",
    "The pilot, a 52-year-old instructor from Dayton, Ohio, was not injured.",
    "Both hikers were unhurt when rescuers reached them.",
    "The guard escaped injury, but a visitor was hurt by falling glass.",
    "The cashier was not arrested.",
    "The goalkeeper was not seriously hurt.",
]


@pytest.mark.parametrize(
    ("claim", "spared"),
    [
        # a harm said of someone the context says came to no harm, in its words or others
        ("A van hit a light pole after its driver swerved to avoid a deer; the driver was "
         "hospitalized.", "driver was hospitalized"),
        ("The driver was injured in the crash.", "driver was injured"),
        ("The driver suffered minor injuries.", "driver suffered minor injur"),
        ("The pilot was taken to a local hospital.", "pilot was taken to a local hospital"),
        ("One of the hikers was injured in the fall.", "hikers was injured"),
        ("The guard was hurt by falling glass.", "guard was hurt"),
        ("The cashier was arrested at the scene.", "cashier was arrested"),
        # as the context says it; another harm; someone else; a harm the context leaves open
        ("The driver, who was not hurt, said he had swerved.", None),
        ("The driver was cited for careless driving.", None),
        ("The cashier was charged with theft.", None),
        ("A visitor was hurt by falling glass.", None),
        ("The goalkeeper was hurt in the first half.", None),
        ("The passenger was injured.", None),
    ],
)  # fmt: skip
def test_a_harm_said_of_someone_the_context_spares_is_caught(
    claim: str, spared: str | None
) -> None:
    assert polarity.spared(claim, SPARED) == spared


def test_someone_of_that_name_harmed_elsewhere_is_not_spared() -> None:
    passages = ["The driver of the van was not hurt.", "The driver of the car was injured."]
    assert polarity.spared("The driver was injured.", passages) is None


UNNEGATED = (
    "Among those 80 and older, the difference was not statistically significant, the authors "
    "said. WPA3-Enterprise is not supported on this model. The K7 supports WPA3-Personal. "
    "The museum is not open on Mondays. It is open Tuesday through Sunday. Patients should "
    "not eat after midnight. The drug did not reduce pain in the trial."
)


@pytest.mark.parametrize(
    ("claim", "unnegated"),
    [
        # read-38: what the sentence negates, affirmed
        ("The link was strongest at ages 65 to 74 and statistically significant among people "
         "80 and older.", "statistically significant"),
        ("The K7 lists WPA3-Personal, and WPA3-Enterprise is supported on this model too.",
         "supported"),
        ("Patients should eat after midnight.", "eat"),
        ("The drug did reduce pain in the trial.", "reduce"),
        # negated as the sentence has it, or in other words; said unnegated elsewhere
        ("WPA3-Enterprise is unsupported on this model.", None),
        ("The difference was statistically insignificant among those 80 and older.", None),
        ("The K7 supports WPA3-Personal but not WPA3-Enterprise.", None),
        ("Patients should eat nothing after midnight.", None),
        ("The drug failed to reduce pain in the trial.", None),
        ("The museum is open Tuesday through Sunday.", None),
        # said unnegated elsewhere, but of other days: no saying of the claim's (read-54)
        ("The museum is open on Mondays.", "open"),
    ],
)  # fmt: skip
def test_what_the_sentence_negates_affirmed_is_caught(claim: str, unnegated: str | None) -> None:
    assert polarity.unnegated(claim, *sentences(UNNEGATED)) == unnegated


@pytest.mark.parametrize(
    ("context", "claim", "unnegated"),
    [
        # a review helper's faithful claims: another thing named, "not … until", a relative
        # or conditional clause, what the sentence says instead, "declined to"
        ("The AX3000 supports WPA3-Personal. WPA3-Enterprise is not supported on this model.",
         "WPA3-Personal is supported on this model.", None),
        ("The X200 has weather sealing. Weather sealing is not included on the X100.",
         "Weather sealing is included on the X200.", None),
        ("Your refund won't arrive until Friday.", "Your refund will arrive on Friday.", None),
        ("Service was not fully restored until Tuesday evening.",
         "Service was fully restored on Tuesday evening.", None),
        ("Most orders arrive within five business days, if not sooner.",
         "Most orders arrive within five business days or sooner.", None),
        ("A spokesperson for the hospital did not respond to requests for comment.",
         "The hospital declined to respond to requests for comment.", None),
        ("The outage was not caused by a cyberattack but by a faulty software update.",
         "The outage was caused by a faulty software update.", None),
        ("Refunds are not issued in cash; they are credited to the original card.",
         "Refunds are issued to the original card.", None),
        ("The new policy does not apply to employees hired before 2020.",
         "The new policy will apply to employees hired from 2020 on.", None),
        ("Patients who did not receive the booster were twice as likely to be hospitalized.",
         "Patients who receive the booster are half as likely to be hospitalized.", None),
        # and what it negates past "be", or with "cannot"
        ("The drug has not been approved for use in children.",
         "The drug has been approved for use in children.", "approved"),
        ("The reset link cannot be reused after it expires.",
         "The reset link can be reused after it expires.", "reused"),
        # read-43: a sentence that negates the clause beside the one restating it best
        ("Contributors proposed a community fork of the last Apache release. Corvid said it "
         "would not oppose such a fork.",
         "Corvid said it would oppose a community fork of the last Apache release.", "oppose"),
        # ... when it says enough of its own, of the claim's subject, of now (a review
        # helper's)
        ("Contributors proposed a community fork of the last Apache release. It did not say.",
         "Corvid did say it would back a community fork of the last Apache release.", None),
        ("Ridgeway Energy said it welcomes a merger with Coastline Power. Harbor Utilities "
         "said it would not support a merger with Coastline Power under any terms.",
         "Ridgeway Energy said it would support a merger with Coastline Power.", None),
        ("The original Pulse was not waterproof. The Pulse 2 can be worn while swimming to a "
         "depth of 50 metres.", "The Pulse is waterproof to a depth of 50 metres.", None),
        ("Under the old contract, glass from apartment buildings was not recyclable. Since May, "
         "glass from all buildings goes to the new plant for recycling.",
         "Since May, glass from apartment buildings is recyclable.", None),
        # read-54: a clause after "and" that shares its sentence's subject; the words said
        # unnegated of another thing ("Loops A and B") do not make it the claim's
        ("Sites in Loops A and B can be reserved up to six months in advance. Loop C sites are "
         "first-come, first-served and cannot be reserved.",
         "Loop C sites can be reserved the same way.", "reserved"),
        ("Sites in Loops A and B can be reserved up to six months in advance. Loop C sites are "
         "first-come, first-served and cannot be reserved.",
         "Loop B sites can be reserved online.", None),
        # a reviewer's resolve is no fact the claim affirms (r37)
        ("Delivery took an hour and the pizza was cold, so I won't order delivery again.",
         "One delivery order took an hour.", None),
    ],
)  # fmt: skip
def test_a_negation_of_something_else_is_not_unnegated(
    context: str, claim: str, unnegated: str | None
) -> None:
    assert polarity.unnegated(claim, *sentences(context)) == unnegated


STRIKE = (
    "Hotel workers walked off the job on October 4, two weeks after contract talks with the "
    "employers broke down over wages. The union filed its notice three days before the vote. "
    "A mediator joined a week later. The talks opened on Monday, and a mediator joined the "
    "talks a week later."
)


@pytest.mark.parametrize(
    ("claim", "words"),
    [
        # read-44: the same span of time, on the other side of the event
        ("The walkout began October 4, two weeks before talks with the employers broke down.",
         "two weeks before"),
        ("The union filed its notice three days after the vote.", "three days after"),
        ("The union filed its notice 3 days after the vote.", "3 days after"),
        # as the source says it, or another span
        ("The walkout began on October 4, two weeks after talks with the employers broke down.",
         None),
        ("The union filed its notice 3 days before the vote.", None),
        ("The union filed its notice a week after the vote.", None),
        ("A mediator joined a week afterwards.", None),
        # the other event as the anchor: the same order in other words
        ("The vote came three days after the union filed its notice.", None),
        # read-47: an anchor that names no event, after the sentence's own event
        ("The union filed its notice three days after that.", "three days after"),
        ("The union filed its notice three days before that.", None),
        ("The vote came three days after that.", None),
        # the sentence's other event before the claim's pronoun (a review helper's)
        ("The talks had opened a week before that.", None),
    ],
)  # fmt: skip
def test_a_span_of_time_turned_round_is_reordered(claim: str, words: str | None) -> None:
    units, bm25 = sentences(STRIKE)
    assert polarity.reordered(claim, [u.text for u in units], bm25) == words


def test_the_other_event_as_the_anchor_is_not_reordered() -> None:
    # a review helper's: the two events share most words; the claim measures from the other
    passage = "The Senate passed the budget bill two days after the House passed the budget bill."
    units, bm25 = sentences(passage)
    claim = "The House passed the budget bill two days before the Senate passed the budget bill."
    assert polarity.reordered(claim, [u.text for u in units], bm25) is None
    turned = "The Senate passed the budget bill two days before the House passed the budget bill."
    assert polarity.reordered(turned, [u.text for u in units], bm25) == "two days before"


def test_a_review_of_several_sentences_negates_in_its_own_sentence() -> None:
    # read-43: a record's review is one passage; the negating clause ends with its sentence
    review = (
        "Review 1 (4 stars, March 9, 2023): Our suite had a kitchenette and a balcony "
        "overlooking the river. Breakfast isn't included in the rate, but there's a cafe."
    )
    units, bm25 = sentences(review)
    whole = [replace(units[0], end=len(review), text=review)]
    assert polarity.unnegated("Breakfast is included in the rate.", whole, bm25) == "included"


@pytest.mark.parametrize(
    ("passages", "claim"),
    [
        # a review helper's faithful claims: another driver; a partial denial; the noun
        # another's object; "who" as no one; a harm in other words overriding the denial
        (["The truck driver, who was not hurt, told troopers he swerved.",
          "A woman driving a sedan suffered a broken wrist."],
         "The sedan driver was hospitalized with a broken wrist."),
        (["Two residents suffered burns and were taken to Mercy Medical Center.",
          "Other residents were not injured."], "Two residents were injured in the fire."),
        (["The shooting left one man wounded.",
          "A second man who was with the victim was not hurt."],
         "The victim was wounded in the shooting."),
        (["Residents who were not injured were taken to a shelter.",
          "Two firefighters were hospitalized with burns."],
         "The two firefighters who were hospitalized had burns."),
        (["One passenger suffered a broken leg and was taken to Mercy Medical Center.",
          "The other passengers were not hurt."], "One passenger was injured."),
    ],
)  # fmt: skip
def test_a_harm_the_context_gives_someone_else_is_not_spared(
    passages: list[str], claim: str
) -> None:
    assert polarity.spared(claim, passages) is None


AFFIRMED = (
    "Governor Henrik Aalto told reporters that the board had discussed a cut but decided the "
    "case was not yet strong enough. Two of the seven members voted for a quarter-point "
    "reduction. The museum may close the east wing next year. The X200 has weather sealing. "
    "Ordinary wear and tear, such as faded paint, cannot be charged. Landlords may deduct "
    "for cleaning. Police have launched an investigation into the fire. On a sphere, all "
    "closed loops contract to a single point. Modifying an e-bike so that its speed no "
    "longer matches the label is prohibited. Dogs are welcome on the patio, but smoking is "
    "banned. You may brush your teeth on the evening of your surgery."
)


@pytest.mark.parametrize(
    ("claim", "unaffirmed"),
    [
        # read-41: what the sentence affirms, negated (0.93 entailment against its paragraph)
        ("Aalto said the board did not discuss a cut, wanting more evidence first.", "discuss"),
        # a clause that counts is left alone, wrong or not: its negation may be the count's
        # ("five of the nine have not signed", a review helper's)
        ("Two of the seven members did not vote for a quarter-point reduction.", None),
        # in a relative clause too (SummEdits dev), but not what a kind of thing cannot do
        ("Police, who have not launched an investigation into the fire, found no motive.",
         "launched"),
        ("On a torus, a closed loop that cannot contract to a single point exists.", None),
        # affirmed as the sentence has it; a plan, not a deed; another thing; a short clause
        # read with its subject; negated in the context too
        ("Aalto said the board discussed a cut.", None),
        ("The museum will not close the east wing next year.", None),
        ("The X100 does not have weather sealing.", None),
        ("Under the law, wear and tear such as faded paint can't be deducted.", None),
        ("The board did not decide the case was strong enough.", None),
        # what the sentence forbids (read-50)
        ("You shouldn't modify the bike so its speed no longer matches its label.", None),
        # … not what it forbids after a turn to another statement
        ("Dogs are not welcome on the patio.", "welcome"),
        # a permission given the reader, forbidden (read-53); not a mere "no need to"
        ("Don't brush your teeth on the evening of your surgery.", "brush"),
        ("You should not brush your teeth on the evening of your surgery.", "brush"),
        ("You don't have to brush your teeth on the evening of your surgery.", None),
    ],
)  # fmt: skip
def test_what_the_sentence_affirms_negated_is_caught(claim: str, unaffirmed: str | None) -> None:
    assert polarity.unaffirmed(claim, *sentences(AFFIRMED)) == unaffirmed


async def test_the_engine_fails_what_the_context_affirms_negated() -> None:
    answer = (
        "The bank held its rate. Aalto said the board did not discuss a cut, wanting more "
        "evidence first. Two of the seven members voted for a quarter-point reduction."
    )
    result = await local_engine().check([Document("p", AFFIRMED)], answer)
    negated = result.claims[1]
    assert negated.label != "supported"
    assert negated.signals["reversed"] == 1.0


@pytest.mark.parametrize(
    ("claim", "words"),
    [
        # read-48: done, of what the sentence says is not yet done
        ("Chair Victor Almeida said the remaining $700,000 must come from the city, which has "
         "already committed it.", "already committed"),
        ("The council has already approved the library's new budget.", "already approved"),
        # as the sentence says it, another verb, or a claim of its own negation
        ("Chair Victor Almeida said the remaining $700,000 must come from the city, which has "
         "not yet committed it.", None),
        ("The council has already discussed the library's new budget.", None),
        ("The mayor has already signed the contract.", None),
        # "hasn't yet", a verb's short form; a sentence that says "already" of another thing,
        # or "not yet" of another subject (a review helper's)
        ("The state has already paid the grant.", "already paid"),
        ("The county has already signed the lease.", "already signed"),
        ("The council has already approved the design for the footbridge.", None),
        ("Germany has already committed troops to the mission.", None),
        ("The agency has already released a summary of the report.", None),
        # read-53: "still needs to", and an "already" clause whose claim says more from
        # another sentence
        ("Notturna has already secured track slots from the German operators, and tickets "
         "will go on sale once they are confirmed.", "already secured"),
    ],
)  # fmt: skip
def test_already_done_of_not_yet_done_is_reversed(claim: str, words: str | None) -> None:
    passage = (
        "Board chair Victor Almeida said the remaining $700,000 would have to come from the "
        "city, which has not yet committed the money. The council is yet to approve the "
        "library's new budget. The mayor signed the contract on Monday. The state hasn't yet "
        "paid the grant. The county has yet to sign the lease. The council has already "
        "approved the design for the footbridge but has not yet approved its funding. France "
        "has not yet committed troops to the mission, while Germany has. The agency has not yet "
        "released the full report, though it released a summary on Monday. Notturna still "
        "needs to secure track slots from the German operators. Tickets will go on sale once "
        "the slots are confirmed."
    )
    assert polarity.already(claim, *sentences(passage)) == words


@pytest.mark.parametrize(
    ("claim", "words"),
    [
        # read-51: done, of what the source says is only planned
        ("Town attorney Raymond Okafor said the council disagrees and has already filed an "
         "appeal.", "already filed"),
        ("Maya told them the bakery has already started a gluten-free loaf.", "already started"),
        ("The library has already opened its new branch.", "already opened"),
        # as planned; another subject; a plan of another verb
        ("Okafor said the council disagrees and intends to file an appeal.", None),
        ("The museum has already opened its new wing.", None),
        ("The council has already voted on the garage.", None),
        # a verb in the past with no "already" (a review helper's); not in a claim that keeps
        # the plan, a participle before its noun, nor a present passive
        ("The defendant's lawyer filed a motion to dismiss.", "filed"),
        ("The café has added outdoor seating.", "has added"),
        ("The defendant's lawyer is expected to file a motion to dismiss.", None),
        ("The garage will be funded by a renewed parking levy.", None),
        ("The garage is funded by a parking levy.", None),
    ],
)  # fmt: skip
def test_already_done_of_only_planned_is_reversed(claim: str, words: str | None) -> None:
    passage = (
        'Town attorney Raymond Okafor said the council "respectfully disagrees" with the '
        "ruling and intends to file an appeal within the 30-day deadline. I asked about "
        "gluten-free options and Maya said they're planning to start a gluten-free loaf this "
        "fall. The library will open its new branch in May. The council voted on the garage "
        "in March and plans to hold a new public vote in April. The defendant's lawyer said "
        "they intend to file a motion to dismiss. The owner hopes to add outdoor seating at "
        "the café next summer. The garage will be funded by a parking levy."
    )
    assert polarity.already(claim, *sentences(passage)) == words


@pytest.mark.parametrize(
    ("claim", "word"),
    [
        # read-51: consent withheld of consent given, the sentence's other clause comparing
        ("The town council declined to waive permit fees for flood repairs.", "declined"),
        ("Another said Ray refused to match a chain shop's lower estimate of $420.", "refused"),
        ("The union rejected the district's offer of a 5% raise.", "rejected"),
        ("The mayor vetoed the budget the council passed.", "vetoed"),
        # as the source says it; a comparison it gives the other way round in its own words
        ("The town council agreed to waive permit fees for flood repairs.", None),
        ("Ray's quote was higher than the chain shop's.", None),
    ],
)  # fmt: skip
def test_consent_withheld_of_consent_given_is_reversed(claim: str, word: str | None) -> None:
    passage = (
        "The town council agreed to waive building-permit fees for flood repairs through the "
        "end of the year. Ray's quote was a bit higher than a chain shop down the road, but "
        "when I showed him the other estimate he agreed to match it, $420 for front pads and "
        "rotors. The union accepted the district's offer of a 5% raise. The mayor approved "
        "the budget the council passed."
    )
    assert polarity.reversed_word(claim, *sentences(passage)) == word


@pytest.mark.parametrize(
    ("claim", "word"),
    [
        # read-50: the claim's word against its own figures, its side's first
        ("Fewer people stopped treatment because of side effects on relamitide (7% vs 3%).",
         "Fewer"),
        ("Weight loss was smaller with the 10 mg dose (3.8 kg vs 0.9 kg).", "smaller"),
        ("Nausea was less common on relamitide (22% versus 6%).", "less"),
        # as its figures say; the last word of comparison before them; a signed change
        ("More people stopped treatment because of side effects on relamitide (7% vs 3%).",
         None),
        ("More patients on placebo dropped out, and rates were lower on relamitide (3% vs 7%).",
         None),
        ("Relamitide lowered HbA1c more than placebo (-1.2 vs -0.3 points).", None),
        ("Placebo patients had fewer side effects (3% compared with 7%).", None),
        # a bound, a manner, a negated comparison (review helpers')
        ("The drug cut the risk by more than a third compared with placebo (4.1% vs 6.5%).",
         None),
        ("Sales grew more slowly in Europe (4% vs 12%).", None),
        ("Mortality was not higher with early discharge (2.1% vs 2.3%).", None),
    ],
)  # fmt: skip
def test_figures_compared_the_other_way_round_from_the_claim_s_word_are_caught(
    claim: str, word: str | None
) -> None:
    assert polarity.misordered(claim) == word


def test_a_comparison_reversed_against_one_of_two_clauses_is_caught() -> None:
    # a dev answer (SummEdits): one clause of the sentence compares with the claim's side
    passage = (
        "Our third-quarter net interest margin was 6.35 percent, 46 basis points higher than "
        "Q2 and 67 basis points higher than the year-ago quarter."
    )
    claim = "The net interest margin was lower than Q2 and the year-ago quarter."
    assert polarity.reversed_word(claim, *sentences(passage)) == "lower"
