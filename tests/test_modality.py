"""A hedge made certain fails its claim: "will" where the source says "may"."""

from __future__ import annotations

import pytest

from conftest import local_engine, sentences
from groundrail.grounding import modality
from groundrail.grounding.windows import Document

PASSAGE = (
    "Check-in closes 45 minutes before departure. If you miss the cutoff, the airline may give "
    "away your seat, even if you have a confirmed reservation. Bags will be tagged at the desk. "
    "A late passenger could not return to the gate. Refunds of unused fares are in most cases "
    "paid within a week, and boarding could start early if the aircraft arrives on time."
)


def overstated(claim: str) -> str | None:
    return modality.overstated(claim, *sentences(PASSAGE))


def test_a_hedge_made_certain_is_overstated() -> None:
    claim = "If you miss the cutoff, the airline will give away your seat."
    assert overstated(claim) == "will give"
    # its clause, in a claim that says more
    longer = "Check-in closes 45 minutes before departure, and the airline will give away seats."
    assert overstated(longer) == "will give"


@pytest.mark.parametrize(
    ("claim", "modal"),
    [
        ("Refunds of unused fares are always paid within a week.", "always paid"),
        ("Boarding is scheduled to start early.", "is scheduled to start"),
    ],
)
def test_a_usual_or_possible_event_made_certain_is_overstated(claim: str, modal: str) -> None:
    assert overstated(claim) == modal


@pytest.mark.parametrize(
    "claim",
    [
        "If you miss the cutoff, the airline may give away your seat.",  # as hedged
        "If you miss the cutoff, the airline can give away your seat.",
        "Your bags will be tagged at the desk.",  # the source is certain too
        "You will need a passport to fly abroad.",  # another statement
        "A late passenger never returned to the gate.",  # "could not" states a fact
        "Seats given away are due to missing the cutoff.",  # "due to" as a cause, no date
        # a subject hedged by its quantity: "many airlines will" says what "may" says
        "If you miss the cutoff, many airlines will give away your seat.",
    ],
)
def test_a_statement_as_certain_as_its_source_is_not(claim: str) -> None:
    assert overstated(claim) is None


def test_an_adverb_between_modal_and_verb_is_read_past() -> None:
    # read-49: "will still serve" is no "can still get": two verbs, the first certain in both
    passage = (
        "The district said it would keep cafeterias at 18 schools open, so that students who "
        "rely on school meals can still get breakfast and lunch. The airline may still give "
        "away your seat."
    )
    found = sentences(passage)
    assert modality.overstated("Eighteen schools will still serve meals.", *found) is None
    claim = "The airline will still give away your seat."
    assert modality.overstated(claim, *found) == "will still give"


@pytest.mark.parametrize(
    ("claim", "modal"),
    [
        # read-43: a decision still weighed, said as made
        ("Hartley said the company will offer partial refunds to owners.", "will offer"),
        ("The state will extend the grant to cover fees and textbooks.", "will extend"),
        ("The state is considering extending the grant to cover fees.", None),
        ("The company said it will recall the bikes.", None),  # said as made
    ],
)
def test_a_decision_still_weighed_said_as_made_is_overstated(claim: str, modal: str | None) -> None:
    passage = (
        'Hartley said the company was "evaluating" whether to offer a partial refund to '
        "owners. The state is considering extending the grant to cover fees and textbooks. "
        "The company said it will recall the bikes."
    )
    assert modality.overstated(claim, *sentences(passage)) == modal


def test_a_plan_said_as_scheduled_is_no_overstatement_of_an_expected_one() -> None:
    # read-41: "is set to begin" of "is expected to begin"; "will begin" still overstates it
    # (r20: "will raise $14 million" of "is expected to raise about $14 million")
    source = "The director said construction is expected to begin next spring."
    claim = "Construction is set to begin next spring."
    assert modality.overstated(claim, *sentences(source)) is None
    certain = "Construction will begin next spring."
    assert modality.overstated(certain, *sentences(source)) == "will begin"


async def test_the_engine_fails_an_overstated_claim() -> None:
    engine = local_engine()
    answer = "If you miss the cutoff, the airline will give away your seat."
    claim = (await engine.check([Document("p", PASSAGE)], answer)).claims[0]
    assert (claim.label, claim.driver) == ("unsupported", "overstated")


SCOPED = (
    "Some pharmacies in Dane County ran out of the children's flu medicine last week. Every "
    "clinic in the county now offers walk-in flu shots. The 12 branch libraries will close "
    "on Monday."
)


def widened(claim: str) -> str | None:
    return modality.widened(claim, *sentences(SCOPED))


def test_a_limited_scope_made_whole_is_widened() -> None:
    claim = "Pharmacies across the state ran out of the children's flu medicine last week."
    assert widened(claim) == "across the state"
    assert widened("All pharmacies ran out of the children's flu medicine.") == "All"


@pytest.mark.parametrize(
    "claim",
    [
        "Some pharmacies in the county ran out of the children's flu medicine.",  # as scoped
        "Every clinic in the county offers walk-in flu shots.",  # the source's own scope
        "All branch libraries will close on Monday.",  # a count is no limit
        "All three branch libraries will close on Monday.",  # a scope with its count
        "The clinics offer walk-in flu shots every day.",  # a time, not a scope
        "Pharmacies had not run out of the medicine at all.",  # an idiom
    ],
)
def test_a_scope_as_wide_as_its_source_is_not_widened(claim: str) -> None:
    assert widened(claim) is None


FEW = (
    "Some go on to subspecialize in interventional cardiology, which can require two more "
    "years. Some of the cardio machines were out of order for weeks. Many small stones pass "
    "on their own within a few weeks. The pizza arrives hot every time, several reviewers "
    "said. Polls show 62% of voters favor the measure, though some undecided voters could "
    "shift. The infection typically clears within a week. In some cases, patients need a "
    "second course. The bus sometimes runs late on Sundays."
)


def few(claim: str) -> str | None:
    return modality.widened(claim, *sentences(FEW))


@pytest.mark.parametrize(
    ("claim", "scope"),
    [
        # read-27 and read-28: most of what the source gives a few of, always what it says
        # of many or sometimes
        ("Most cardiologists then go on to subspecialize in interventional cardiology.", "Most"),
        ("One member said most cardio machines were out of order for weeks.", "most"),
        ("The good news is that small stones will always pass on their own.", "always"),
        ("The bus always runs late on Sundays.", "always"),
    ],
)
def test_most_or_always_of_a_few_is_widened(claim: str, scope: str) -> None:
    assert few(claim) == scope


@pytest.mark.parametrize(
    "claim",
    [
        "Several reviewers said the pizza always arrives hot.",  # "every time"
        "Most voters favor the measure, polls show.",  # "62%"
        "In most cases, the infection clears within a week.",  # "typically"
        "Always check whether the bus runs late on Sundays.",  # an instruction
        "The bus does not always run on time on Sundays.",  # negated
        "Its most popular dish is the pizza, which arrives hot every time.",  # a superlative
        "Some of the cardio machines were out of order, and most small stones pass.",  # echoed
        "Not all of the cardio machines were working for weeks.",  # "not all" widens nothing
    ],
)
def test_most_or_always_the_source_says_too_is_not_widened(claim: str) -> None:
    assert few(claim) is None


@pytest.mark.parametrize(
    ("claim", "scope"),
    [
        # read-47: "most" of a count under half, though the sentence gives a percent too
        ("Most of the district's 14 elementary schools are below 60% capacity.", "Most"),
        ("Most members voted against the plan.", "Most"),
        # the count as it is, a count over half, or other things
        ("Five of the district's 14 elementary schools are below 60% capacity.", None),
        ("Most of the 12 branches will stay open.", None),
        # a count over half of them too, or a "most" of the sentence's own (a review helper's)
        ("Most voters support the bond measure.", None),
        ("Most of the jurors had never served before.", None),
        ("Most of the district's teachers are below retirement age.", None),
    ],
)  # fmt: skip
def test_most_of_a_count_under_half_is_widened(claim: str, scope: str | None) -> None:
    source = (
        "Of its 14 elementary schools, five are operating at less than 60 percent of capacity. "
        "Nine of the 12 branches will stay open. Three of the 40 members voted against the plan. "
        "While four out of 10 Republicans back the bond measure, seven out of 10 voters support "
        "it. Five of the 12 jurors were women, and most of the jurors had never served before."
    )
    assert modality.widened(claim, *sentences(source)) == scope


@pytest.mark.parametrize(
    ("claim", "figure"),
    [
        # read-49, read-50: a figure the source says may come, said as certain in another verb
        ("The Environment Agency has committed up to £52 million toward the cost.",
         "£52 million"),
        ("Raman said first awards will go out in spring 2025, pending council approval.",
         "2025"),
        ("About 30% of customers will switch providers next year.", "30%"),
        # hedged as the source hedges it, or in words of its own; another figure; a sum the
        # source estimates (no error); a figure of another statement
        ("The Environment Agency may put up to £52 million toward the cost.", None),
        ("Raman said first awards could go out in spring 2025.", None),
        ("About 30% of customers would consider switching providers.", None),
        ("The scheme costs £86 million.", None),
        ("The bridge will cost $410 million.", None),
        ("Ticket sales reached 30% of capacity by May.", None),
        # what a proposal would spend, a permission's "may", a figure said as no settled one
        ("The council will move forward with a $4.8 million plan for bike lanes.", None),
        ("Up to 60% of each trailhead's quota will be reserved online.", None),
        ("The Environment Agency stands to contribute up to £52 million.", None),
        # "could not" states a fact; a negated claim states no figure settled (HaluEval
        # summaries dev)
        ("She has not played a singles match since 2007.", None),
    ],
)  # fmt: skip
def test_a_figure_the_source_hedges_said_as_certain_is_overstated(
    claim: str, figure: str | None
) -> None:
    source = (
        "The Environment Agency has indicated it could contribute up to £52 million, but the "
        "funding has not been confirmed. The council's scheme costs £86 million. City Housing "
        "Director Priya Raman said the first awards could come as early as spring 2025, "
        "pending approval. A survey found 30% of customers could switch providers next year. "
        "The bridge is estimated to cost $410 million. Ticket sales reached 30% of capacity "
        "by May. The council voted to advance a proposal that would spend $4.8 million on bike "
        "lanes. Up to 60% of each trailhead's quota may be reserved online. She could not "
        "prevent defeat on her first return to singles since 2007."
    )
    assert modality.unhedged(claim, sentences(source)[0]) == figure


@pytest.mark.parametrize(
    ("claim", "scope"),
    [
        # read-49: every one of a count the sentence gives a part of
        ("The budget spares all five public pools slated to close.", "all five"),
        ("All 12 branches will stay open.", "All 12"),
        ("Each of the 40 members voted against the plan.", "Each of the 40"),
        # the part as the sentence gives it, every one of what it counts whole, another thing
        ("The budget spares two of the five public pools slated to close.", None),
        ("All 14 elementary schools serve lunch.", None),
        ("All five libraries will open on Sundays.", None),
        # every one, said by the sentence too (a review helper's)
        ("All 30 schools received new laptops.", None),
    ],
)  # fmt: skip
def test_every_one_of_a_count_the_source_gives_a_part_of_is_widened(
    claim: str, scope: str | None
) -> None:
    source = (
        "Two of the city's five public pools, which had been slated to close, will remain "
        "open. Nine of the 12 branches will stay open. Three of the 40 members voted against "
        "the plan. The district's 14 elementary schools serve lunch. The five libraries will "
        "open on Sundays. Seven of the 30 schools got new buses, and all 30 received new "
        "laptops."
    )
    assert modality.widened(claim, *sentences(source)) == scope


def test_all_of_the_list_before_it_is_no_wider_scope() -> None:
    # read-23: the three places, listed, "should all reach 165°F"
    source = (
        "A whole turkey is safe when the temperature reaches 165°F, measured in three places: "
        "the thickest part of the thigh, the innermost part of the wing, and the thickest part "
        "of the breast. Some cooks rest the bird for an hour."
    )
    claim = (
        "The thickest part of the thigh, the innermost part of the wing and the thickest part "
        "of the breast should all reach 165°F."
    )
    assert modality.widened(claim, *sentences(source)) is None


STUDY = (
    "Some studies suggest that later school start times may improve attendance and grades, "
    "but results vary between districts. Trials have shown that daylight in the morning "
    "shifts sleep earlier. The lead author said the study cannot show that screens cause poor "
    "sleep. Investigators were looking at a possible electrical issue in the gym. Police "
    "arrested the alleged thief on Friday. Drinking more than five cups a day was not "
    "associated with any benefit."
)


def study(claim: str) -> str | None:
    return modality.overstated(claim, *sentences(STUDY))


@pytest.mark.parametrize(
    ("claim", "word"),
    [
        # what studies only suggest, stated as shown or known
        (
            "Later school start times have been shown to improve attendance and grades.",
            "been shown to",
        ),
        ("Studies show that later start times improve attendance.", "Studies show"),
        ("Screens are known to cause poor sleep.", "known to cause"),
        # a hedge on a noun dropped
        ("The fire started with an electrical issue in the gym.", "possible electrical"),
        ("Police arrested the thief on Friday.", "alleged thief"),
    ],
)
def test_what_a_source_only_suggests_made_proven_is_overstated(claim: str, word: str) -> None:
    assert study(claim) == word


@pytest.mark.parametrize(
    "claim",
    [
        "Some studies suggest later start times may improve attendance and grades.",  # as hedged
        "Trials have shown that morning daylight shifts sleep earlier.",  # the source shows it
        "Drinking more than five cups a day showed no benefit.",  # a finding of nothing
        "Investigators suspect an electrical issue in the gym.",  # the claim hedges it too
        "Police arrested the man accused of theft on Friday.",
        "It is not proven that screens cause poor sleep.",
    ],
)
def test_a_claim_as_tentative_as_its_source_is_not_overstated(claim: str) -> None:
    assert study(claim) is None


CLOSURES = (
    "Starting Monday, two of the four lanes of the Kessler Bridge will be closed for repairs "
    "until March 3. The northern section of Alder Park will close on June 1 while crews "
    "replace the playground. Three of the library's seven branches will close on Saturdays "
    "starting in May. Route 9 will be partially closed overnight between Elm Street and the "
    "river. Crews replaced a 40-foot section of the cast-iron pipe on Tuesday. Two of the four "
    "lanes in the Greystone Tunnel will close for up to 14 months."
)


@pytest.mark.parametrize(
    ("claim", "part"),
    [
        (
            "The Kessler Bridge will be closed for repairs until March 3.",
            "two of the four lanes of the",
        ),
        ("Alder Park will close on June 1 while crews replace the playground.", "section of"),
        (
            "The library's branches will close on Saturdays starting in May.",
            "Three of the library's seven",
        ),
        ("Route 9 will be closed overnight between Elm Street and the river.", "partially"),
        # a duration of the claim's own is no part ("14 months", read-53)
        ("The Greystone Tunnel will close for up to 14 months.", "Two of the four lanes in the"),
    ],
)
def test_a_part_of_a_whole_said_of_the_whole_is_widened(claim: str, part: str) -> None:
    assert modality.widened(claim, *sentences(CLOSURES)) == part


@pytest.mark.parametrize(
    "claim",
    [
        "Two lanes of the Kessler Bridge will be closed for repairs until March 3.",
        "Part of Alder Park will close on June 1 while crews replace the playground.",
        "Some of the library's branches will close on Saturdays starting in May.",
        "Route 9 will be partly closed overnight between Elm Street and the river.",
        "Crews replaced the cast-iron pipe on Tuesday.",  # a length of pipe: no named whole
    ],
)
def test_a_part_kept_or_of_no_named_whole_is_not_widened(claim: str) -> None:
    assert modality.widened(claim, *sentences(CLOSURES)) is None


CHECK_IN = (
    "Please arrive 10 minutes early. Bringing your insurance card is optional if we already "
    "have it on file; a photo ID is required for every visit. Reservations are recommended "
    "for groups of six or more. You do not need to register your bike before the ride, but "
    "every rider must sign the waiver at the start line."
)


@pytest.mark.parametrize(
    ("claim", "must"),
    [
        ("You must bring your insurance card and a photo ID to every visit.", "must"),
        ("Reservations are required for groups of six or more.", "required"),
        ("Riders need to register their bikes before the ride.", "need to"),
        ("Registering your bike before the ride is mandatory.", "mandatory"),
    ],
)
def test_what_the_source_leaves_optional_said_required_is_overstated(claim: str, must: str) -> None:
    assert modality.required(claim, sentences(CHECK_IN)[0]) == must


@pytest.mark.parametrize(
    "claim",
    [
        "A photo ID is required for every visit.",  # required in the source too
        "Every rider must sign the waiver at the start line.",
        "You must bring your insurance card if it is not on file.",  # a condition of its own
        "Your insurance card is optional, but you must bring a photo ID.",  # the choice kept
        "Groups of six or more don't have to book, but it is recommended.",
    ],
)
def test_a_requirement_the_source_makes_or_a_choice_kept_is_not(claim: str) -> None:
    assert modality.required(claim, sentences(CHECK_IN)[0]) is None


@pytest.mark.parametrize(
    ("claim", "done"),
    [
        ("Minneapolis and St. Paul have declared snow emergencies.", "have declared"),
        ("The council has approved the new bike lanes.", "has approved"),
    ],
)
def test_what_will_or_may_happen_reported_as_done_is_overstated(claim: str, done: str) -> None:
    source = (
        "Minneapolis and St. Paul will likely declare snow emergencies on Wednesday. The "
        "council is expected to approve the new bike lanes next month."
    )
    assert modality.reported_done(claim, *sentences(source)) == done
    assert modality.reported_done("The storm could have closed roads.", *sentences(source)) is None
    said = "The council approved the bike lanes, which will open next month."
    assert (
        modality.reported_done("The council has approved the bike lanes.", *sentences(said)) is None
    )


CONDITIONED = (
    "The river authority said on Tuesday it would relax a rule that limits convoys through "
    "the narrows to one at a time, allowing two-way traffic during daylight hours as long as "
    "the gauge stays above 70 centimetres. If approved by the council, the new line will open "
    "in 2027. Survey boats will check the channel depth every day. Bring a jacket if needed. "
    "Refunds will be issued within 5 days if the item is returned unused. The beginner class "
    "on Monday nights is perfect if you have never thrown a punch. Nurses will strike on "
    "Monday, unless the hospital withdraws its pay offer. The concert will move indoors if rain "
    "is forecast for Saturday. By Thursday, forecasters predicted heavy rain on Saturday. "
    "Passengers will receive a meal voucher for any delay; if the delay exceeds three hours, "
    "they will also receive a cash refund. Members who have the heater installed before "
    "June 30 will also receive a $200 early-adopter bonus. Scientists who studied the samples "
    "will publish their results next year. Customers who enroll in automatic payments will "
    "get a $5 monthly discount. Residents who are 65 or older will receive a free flu shot. "
    "The 2,400 nurses who walked off the job in March will receive a 14% raise. Riders must "
    "be at least 16 to ride a Class 3 e-bike, and passengers are not allowed on Class 3 "
    "e-bikes unless the bike is designed to carry them."
)


def unconditioned(claim: str) -> str | None:
    return modality.unconditioned(claim, *sentences(CONDITIONED))


@pytest.mark.parametrize(
    ("claim", "condition"),
    [
        # read-43: the statement without the condition the sentence puts on it
        ("The authority is easing its one-convoy rule at the narrows, allowing two-way traffic "
         "in daylight, with survey boats checking the channel depth every day.", "as long as"),
        ("The new line will open in 2027.", "If"),  # a condition that opens the sentence
        ("Refunds will be issued within 5 days.", "if"),
        ("Nurses will strike on Monday.", "unless"),  # a condition after a comma
        # read-44: a restriction on who receives it
        ("You also receive a $200 early-adopter bonus.", "Members who"),
        ("Members get a $200 early-adopter bonus.", "Members who"),
        ("Customers get a $5 monthly discount.", "Customers who"),
        ("Everyone will receive a free flu shot.", "Residents who"),
        # a negated statement's condition dropped, negated too (read-50)
        ("Passengers are not allowed on Class 3 e-bikes.", "unless"),
    ],
)  # fmt: skip
def test_a_condition_dropped_is_unconditioned(claim: str, condition: str) -> None:
    assert unconditioned(claim) == condition


@pytest.mark.parametrize(
    "claim",
    [
        # kept, in the sentence's words or the claim's own
        "Two-way traffic is allowed in daylight as long as the gauge stays above 70 cm.",
        "If the council approves it, the new line will open in 2027.",
        "Unused items that are returned are refunded within 5 days.",
        "The new line could open in 2027.",  # a hedge of its own
        # another statement of the sentence, or a condition of too few words
        "Survey boats will check the channel depth every day.",
        "Bring a jacket.",
        # an "if" on what is, not on what will be
        "Refunds are issued within 5 days.",
        "The beginner class on Monday nights is perfect.",
        # the condition met in another sentence, or one on the clause after it
        "The concert will move indoors.",
        "Passengers will receive a meal voucher for any delay.",
        # a restriction kept, in words of its own too, or one on who does something rather
        # than who receives it
        "Members who install the heater before June 30 get a $200 early-adopter bonus.",
        "Autopay customers get a $5 monthly discount.",
        # the people in words of their own, pointed back to, or a count that says which ones
        # (a review helper's)
        "Seniors will receive a free flu shot.",
        "Those residents will receive a free flu shot.",
        "The nurses will receive a 14% raise.",
        "The scientists will publish their results next year.",
        # the negated clause before the condition is another statement (read-50)
        "At 17, you're old enough to ride a Class 3 e-bike, since the minimum age is 16.",
    ],
)
def test_a_condition_kept_or_of_another_statement_is_left(claim: str) -> None:
    assert unconditioned(claim) is None


async def test_the_engine_fails_an_unconditioned_claim() -> None:
    answer = "The new line will open in 2027."
    claim = (await local_engine().check([Document("a", CONDITIONED)], answer)).claims[0]
    assert (claim.label, claim.driver) == ("unsupported", "widened")


COMPLAINT = [
    "Tenants filed a complaint in housing court on Monday accusing their landlord of charging "
    "unlawful fees and leaving dozens of apartments without reliable heat for the winter.",
    "Corbel, which owns 3,400 apartments, denied the allegations.",
]


@pytest.mark.parametrize(
    ("claim", "act"),
    [
        # read-53: the allegation stated as what happened
        ("Tenants filed a complaint after their landlord charged unlawful fees and left "
         "apartments without reliable heat for the winter.", "charging"),
        # kept an allegation, given its source or its denial, or another act
        ("Tenants accused their landlord of charging unlawful fees and leaving apartments "
         "without heat.", None),
        ("The complaint says the landlord charged unlawful fees and left apartments without "
         "heat.", None),
        ("Tenants filed a complaint about fees and heat; Corbel denied charging unlawful "
         "fees.", None),
        ("Corbel owns 3,400 apartments and has charged rent since 2019.", None),
    ],
)  # fmt: skip
def test_an_allegation_stated_as_fact_is_overstated(claim: str, act: str | None) -> None:
    assert modality.alleged(claim, COMPLAINT) == act


DEPOT = (
    "Our Kelby depot on Mill Lane is being refurbished, and its collection counter is closed "
    "until Friday 28 March. Parcels are held at a temporary counter at Unit 4. The Riverside "
    "branch has closed permanently. The Harbor branch is closed until someone decides its "
    "future."
)


@pytest.mark.parametrize(
    ("claim", "permanent"),
    [
        # read-53: a closure for a while said for good
        ("The Kelby counter on Mill Lane has closed for good.", "for good"),
        ("The Mill Lane collection counter is permanently closed.", "permanently"),
        # said for a while, or of what the context says closed for good
        ("The Mill Lane collection counter is closed until 28 March.", None),
        ("The Riverside branch has closed for good.", None),
        # "until" a decision is no date: closed until someone decides is no closure for a while
        ("The Harbor branch has closed for good.", None),
    ],
)
def test_what_the_source_closes_for_a_while_said_for_good_is_overstated(
    claim: str, permanent: str | None
) -> None:
    assert modality.made_permanent(claim, sentences(DEPOT)[0]) == permanent
