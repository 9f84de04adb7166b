"""Opening hours and star ratings a claim states, checked against a record's fields without the
model (`groundrail.grounding.facts`), and the record lines the model reads instead."""

from __future__ import annotations

import json

import pytest

from conftest import local_engine
from groundrail.grounding import sentiment
from groundrail.grounding.attributes import check
from groundrail.grounding.context import from_options
from groundrail.grounding.engine import UNREAD
from groundrail.grounding.facts import find
from groundrail.grounding.model import NLIModel
from groundrail.grounding.records import Record, read
from groundrail.grounding.windows import make_units, review_digest, review_focus, token_offsets

NOODLES = {
    "name": "Kumo Noodle Bar",
    "address": "9 Pine Street",
    "city": "Spokane",
    "state": "WA",
    "categories": "Ramen, Noodles, Japanese",
    # closed on Mondays; later on Friday, shorter on Sunday
    "hours": {
        "Tuesday": "11:30-21:0",
        "Wednesday": "11:30-21:0",
        "Thursday": "11:30-21:0",
        "Friday": "11:30-23:0",
        "Saturday": "12:0-23:0",
        "Sunday": "12:0-20:0",
    },
    "attributes": {"RestaurantsTakeOut": "True", "RestaurantsDelivery": "False"},
    "business_stars": 3.5,
    "review_info": [
        {
            "review_stars": 5.0,
            "review_date": "2022-03-05 19:12:44",
            "review_text": "The spicy miso ramen is the best in town and the broth is rich.",
        },
        {
            "review_stars": 2.0,
            "review_date": "2022-07-16 12:03:10",
            "review_text": "We waited forty minutes on a Saturday and the noodles were soggy.",
        },
    ],
}


def record() -> Record:
    found = read(json.dumps(NOODLES))[1]
    assert found is not None
    return found


def verdicts(claim: str) -> list[tuple[str, bool]]:
    return [(claim[f.start : f.end], f.agrees) for f in find(claim, [record()])]


def test_a_records_hours_and_rating_are_kept_beside_its_text() -> None:
    text, found = read(json.dumps(NOODLES))
    assert found is not None
    assert [(d.name, d.opens, d.closes) for d in found.hours][:2] == [
        ("tuesday", 690, 1260),
        ("wednesday", 690, 1260),
    ]
    assert found.rating is not None and found.rating.stars == 3.5
    # the evidence they quote is in the linearised text
    assert all(d.stated in text for d in found.hours) and found.rating.stated in text


@pytest.mark.parametrize(
    "claim",
    [
        # days first, a list of days, a time range each
        "It is open Tuesday through Thursday from 11:30 a.m. to 9 p.m., Friday from 11:30 a.m. "
        "to 11 p.m., Saturday from noon to 11 p.m., and Sunday from noon to 8 p.m.",
        # times first, in 24-hour time
        "Hours are 11:30-21:00 Tuesday to Thursday and 12:00-20:00 on Sunday.",
        # a list after a colon: the times go with the days after them
        "It is open every day except Monday: 11:30 AM to 9 PM Tuesday through Thursday, and "
        "noon to 11 PM on Saturday.",
        # single times, "at noon" taking the side of the "opens" before it
        "It opens at 11:30 AM Tuesday through Friday and at noon on weekends, closing at 9 PM "
        "Tuesday through Thursday.",
        "It is closed on Mondays.",
        "No hours are listed for Monday.",
        "It is open Tuesday through Sunday; no Monday hours are listed.",
        "It opens at noon on weekends.",
        "It stays open until 11 p.m. on Fridays and Saturdays.",
        "It holds a 3.5-star rating.",
        "It is rated three and a half stars.",
        "It has an average rating of 3.5 out of 5.",
        "Kumo Noodle Bar has a high rating of 3.5 stars.",  # the place's own (read-26)
        # the lines of a timetable or a field list, their heading ("Hours:") cut off
        "Tuesday - Thursday: 11:30 AM - 9:00 PM",
        "* Friday: 11:30 a.m. - 11 p.m.",
        "Monday: Closed",
        "Business Stars: 3.5",
        "Rating: 3.5 stars",
        # appointments are taken in the opening hours
        "It works by appointment only, Tuesday through Thursday from 11:30 AM to 9 PM.",
        "The office sees patients by appointment only, Tuesday through Thursday from 11:30 AM "
        "to 9 PM.",
    ],
)
def test_hours_and_ratings_said_in_words_agree(claim: str) -> None:
    found = verdicts(claim)
    assert found and all(agrees for _, agrees in found), found


@pytest.mark.parametrize(
    ("claim", "label"),
    [
        # a time listed after an opening or closing time takes its side
        ("It opens at 11:30 a.m. Tuesday through Friday and noon on Saturday and Sunday, and "
         "it closes at 11 p.m. on Friday and Saturday nights.", "supported"),
        ("It opens at 11:30 a.m. Tuesday through Friday and 1 p.m. on Saturday.",
         "contradicted"),
        # "a" brings in no other place when the business is what it names
        ("It is a noodle bar that opens at 9 a.m. Tuesday through Friday.", "contradicted"),
        ("It has a cozy dining room and is open at 9 a.m. Tuesday through Friday.",
         "contradicted"),
    ],
)  # fmt: skip
def test_opening_and_closing_times_listed_by_day_are_checked(claim: str, label: str) -> None:
    assert check(claim, [record()]).label == label


@pytest.mark.parametrize(
    ("claim", "label"),
    [
        # r33: "weekends, and Thursdays" reads as one list of days said open; the group name
        # holds of its days the record lists (Saturday), the day beside it of itself
        ("Street parking can be difficult on weekends, and Thursdays are easiest to book "
         "because of the later hours.", None),
        ("It is open weekends and Tuesdays.", "supported"),
        ("It is open weekends and Mondays.", "contradicted"),
        ("It is open from noon to 11 p.m. on Fridays and weekends.", "contradicted"),
    ],
)  # fmt: skip
def test_a_group_of_days_listed_with_other_days_holds_of_its_listed_days(
    claim: str, label: str | None
) -> None:
    hours = {day: time for day, time in NOODLES["hours"].items() if day != "Sunday"}
    saturday_only = read(json.dumps({**NOODLES, "hours": hours}))[1]
    assert saturday_only is not None
    assert check(claim, [saturday_only]).label == label


@pytest.mark.parametrize(
    ("claim", "wrong"),
    [
        ("It is open seven days a week.", "seven days a week"),
        ("It is open daily from 11:30 a.m. to 9 p.m.", "daily from 11:30 a.m. to 9 p.m."),
        ("It is closed on Sundays.", "Sundays"),
        (
            "It is open Tuesday through Saturday from 11:30 a.m. to 9 p.m.",
            "Tuesday through Saturday from 11:30 a.m. to 9 p.m.",
        ),
        ("On Friday it closes at 9 p.m.", None),  # some day closes at 9: which is unsure
        ("It closes at 10 p.m. on Fridays.", "closes at 10 p.m. on Fridays"),
        ("It holds a 4.5-star rating.", "4.5-star"),
        ("The hours are not listed.", "hours are not listed"),
        ("Friday: 11:30 AM - 9:00 PM", "Friday: 11:30 AM - 9:00 PM"),
        ("Business Stars: 4.0", "Business Stars: 4.0"),
        (
            "Appointments are available Tuesday through Saturday from 11:30 a.m. to 9 p.m.",
            "Tuesday through Saturday from 11:30 a.m. to 9 p.m.",
        ),
    ],
)
def test_hours_and_ratings_said_wrong_disagree(claim: str, wrong: str | None) -> None:
    found = verdicts(claim)
    if wrong is None:
        assert not any(span == claim.rstrip(".") for span, _ in found)
        assert all(agrees for _, agrees in found)
    else:
        assert (wrong, False) in found


@pytest.mark.parametrize(
    "claim",
    [
        # a review's stars and days, durations and another scale are no hours or rating
        "One reviewer gave it 2 stars.",
        "A 5-star review praised the spicy miso ramen.",
        "A reviewer waited forty minutes on a Saturday.",
        "Ratings range from 2 to 5 stars.",
        "The wait was 10-15 minutes.",
        "It serves lunch on Saturday and Sunday.",
        "A local paper rated it 8 out of 10.",
        "Appointments can be booked online on Mondays.",  # no times: no opening hours
        "Another wished it had Monday hours.",  # a wish (read-23)
        # the next reviewer of a list, by what they did (read-26)
        "and another arrived at 9 PM on a Sunday to find it closed.",
    ],
)
def test_what_is_no_statement_of_hours_or_rating_is_left_alone(claim: str) -> None:
    assert verdicts(claim) == []


def test_another_as_an_adjective_leaves_the_hours_checked() -> None:
    # "another <verb>ed" is a reviewer only before what they did it to: "another arrived at"
    claim = "Another renovated space, it is open Monday through Sunday."
    assert [f.agrees for f in find(claim, [record()]) if f.field == "hours"] == [False]


def test_a_claim_whose_clauses_state_hours_rating_and_fields_is_decided() -> None:
    claim = (
        "It holds a 3.5-star rating, is open Tuesday through Sunday, and offers takeout "
        "but not delivery."
    )
    result = check(claim, [record()])
    assert result.label == "supported"
    wrong = check("It holds a 3.5-star rating and is open seven days a week.", [record()])
    assert (wrong.label, wrong.field) == ("contradicted", "hours")
    # what is left to the model keeps its verb: "… and serves great ramen."
    rest = check("It is closed on Mondays and serves great ramen.", [record()])
    assert rest.label is None and rest.rest == "Serves great ramen."
    # praise said of the rating is the rating's (read-41: the model read it contradicted)
    assert check("With a 3.5-star rating, it earns praise.", [record()]).label == "supported"


def test_a_record_without_hours_agrees_that_none_are_listed() -> None:
    bare = {k: v for k, v in NOODLES.items() if k != "hours"}
    found = read(json.dumps(bare))[1]
    assert found is not None and not found.hours
    facts = find("Its opening hours are not listed.", [found])
    assert [f.agrees for f in facts] == [True]
    # a time it does not list is the model's to judge, not a contradiction
    assert find("It opens at 9 a.m. on weekdays.", [found]) == []


def test_a_review_reads_as_one_line_headed_by_its_stars_and_date() -> None:
    text = read(json.dumps(NOODLES))[0]
    lines = text.split("\n")
    assert lines[-2] == (
        "Review 1 (5 stars, March 5, 2022): The spicy miso ramen is the best in town and "
        "the broth is rich."
    )
    assert lines[-1].startswith("Review 2 (2 stars, July 16, 2022): We waited")
    # a record's units are its lines: a review is one premise with its heading
    model = NLIModel()
    doc = from_options([json.dumps(NOODLES)])[0]
    units = make_units([doc], token_offsets(model.text_tokenizer, [doc.text]), 128)
    assert [u.text for u in units][-2:] == lines[-2:]


async def test_the_engine_decides_hours_and_rating_claims_with_the_field_as_evidence() -> None:
    engine = local_engine()
    docs = from_options([json.dumps(NOODLES)])
    answer = (
        "Kumo Noodle Bar holds a 3.5-star rating. It is open from 11:30 a.m. to 9 p.m. "
        "Tuesday through Thursday. It is open on Mondays."
    )
    result = await engine.check(docs, answer)
    rating, hours, monday = result.claims
    assert (rating.label, rating.driver, rating.pairs) == ("supported", "record", ())
    assert (hours.label, hours.driver) == ("supported", "record")
    assert (monday.label, monday.driver) == ("contradicted", "record")
    assert monday.evidence is not None
    assert docs[0].text[monday.evidence.start : monday.evidence.end] == monday.evidence.text
    assert result.verdict == "contradicted"


@pytest.mark.parametrize(
    ("claim", "agrees"),
    [
        # the two reviews are 5 and 2 stars
        ("Reviews are mixed.", True),
        ("Opinions are divided.", True),
        ("Customer reviews are generally positive.", True),
        ("All reviewers loved the ramen.", False),
        ("Feedback is mostly negative.", False),
        ("Both reviews are positive.", False),  # a count of every review: all of them
        ("Two of the reviews are negative.", False),
        ("Customer experiences vary widely.", True),
        ("Overall, customers are largely happy.", True),
        ("Most reviewers seem satisfied.", True),  # a count of the whole: "most"
        ("Customers are generally disappointed.", False),
        ("Customers are happy with the prices.", None),  # a topic
        ("Its 4-star rating reflects mixed experiences.", True),
        ("Reviews of Kumo Noodle Bar are mixed.", True),  # its name (read-26), not a topic:
        ("Reviews of the broth are mixed.", None),
        ("Reviews of Spicy Miso are mixed.", None),  # a capitalised dish: no word of its name
        # read-51: a degree that leaves out next to none is every review's leaning
        ("Reviews are overwhelmingly positive.", False),
        ("Customers love the varied menu.", None),  # "varied" of the menu
        ("Opinions differ on the portions.", None),  # a topic
        # one review's sentiment is the model's to judge
        ("One reviewer had a positive experience with the broth.", None),
        ("The negative review mentioned soggy noodles.", None),
        ("Not all feedback was positive: one diner found the noodles soggy.", None),
    ],
)
def test_what_the_reviews_add_up_to_is_checked_against_their_stars(
    claim: str, agrees: bool | None
) -> None:
    found = [f.agrees for f in find(claim, [record()]) if f.field == "reviews"]
    assert found == ([] if agrees is None else [agrees])


def test_a_claim_of_mixed_reviews_leaves_its_details_to_the_model() -> None:
    result = check(
        "Overall, reviews are mixed, with praise for the broth and complaints about the wait.",
        [record()],
    )
    assert result.label is None
    assert result.rest == "Praise for the broth, and complaints about the wait."


@pytest.mark.parametrize(
    "claim",
    [
        # a closed day said with a negated verb, and "open X and closed Y"
        "It doesn't open on Mondays.",
        "It isn't open on Monday.",
        "It does not operate on Mondays.",
        "It is open Tuesday through Sunday and closed on Mondays.",
        # "but", "other than", "apart from" as "except"
        "It is open every day but Monday.",
        "It is open every day other than Monday.",
        "It is open every day apart from Monday.",
        # a time said of many days, then other times for some of them
        "It is open Tuesday through Sunday from 11:30 a.m. to 9 p.m. (until 11 p.m. on "
        "Fridays and Saturdays; noon to 8 p.m. on Sunday).",
        "It is open Tuesday to Friday from 11:30 a.m. to 9 p.m., except Fridays, when it "
        "closes at 11 p.m.",
        "It doesn't open until noon on Saturdays.",
        # sentiment words used of other things, or counted
        "Reviewers praised the varied menu.",
        "One review is positive and one is negative.",
        "Customers noted the positive attitude of the staff.",
        # stars that are not the rating's value
        "The lowest rating, 2 stars, came from a Saturday visit.",
        "It is rated above 3 stars.",
        "One reviewer said the food arrived within an average of 5 minutes.",
        "It has a price range rating of 2.",
        # "not only" / "doesn't just" are no negations
        "Not only does it offer takeout, it also has free parking.",
        "It doesn't just offer takeout; it serves ramen too.",
    ],
)
def test_correct_sentences_of_many_shapes_are_not_contradicted(claim: str) -> None:
    assert check(claim, [record()]).label != "contradicted"


def test_a_passive_first_clause_keeps_its_field() -> None:
    # "Delivery is available": the subject is the field (the record: no delivery)
    assert check("Delivery is available, and so is takeout.", [record()]).label == ("contradicted")
    assert check("Takeout is available.", [record()]).label == "supported"


def test_a_claim_about_the_reviews_as_a_whole_is_judged_against_each_reviews_best_sentence() -> (
    None
):
    model = NLIModel()
    doc = from_options([json.dumps(NOODLES)])[0]
    digest = review_digest(doc.text, "Reviewers mention the broth and the noodles.")
    assert digest == (
        "Review 1 (5 stars, March 5, 2022): The spicy miso ramen is the best in town and the "
        "broth is rich. Review 2 (2 stars, July 16, 2022): We waited forty minutes on a "
        "Saturday and the noodles were soggy."
    )
    # one review, or none that shares a word, is no digest
    assert review_digest(doc.text, "Reviewers mention the broth.") is None
    engine = local_engine(model)
    plan = engine.plan([doc], "Reviewers mention the broth and the noodles.", None)
    assert plan.pairs[0].premise == digest
    # a claim about one review keeps its own line first
    plan = engine.plan([doc], "One reviewer found the noodles soggy.", None)
    assert plan.pairs[0].premise.startswith("Review 2 (2 stars")


@pytest.mark.parametrize(
    "claim",
    [
        # closed days said after a colon or comma, and a bracket keeps "closed" to its days
        "Monday: Closed.",
        "Closed: Monday.",
        "On Mondays, it is closed.",
        "Mon: closed; Tue-Thu: 11:30 AM - 9 PM.",
        "It is open Tuesday through Sunday (closed Mondays).",
        "It doesn't open on Mondays.",
    ],
)
def test_closed_days_said_in_other_shapes_agree(claim: str) -> None:
    found = verdicts(claim)
    assert found and all(agrees for _, agrees in found), found
    assert check(claim, [record()]).label == "supported"


@pytest.mark.parametrize(
    "claim",
    [
        # prices, other things' stars, meal and service hours, parts of the reviews
        "Entrees cost from 12 to 18.",
        "Bowls are priced between 12 and 15.",
        "It is a 3-star hotel.",
        "It ranks 3 out of 5 in the city.",
        "It is open for lunch from 11:30 a.m. to 2 p.m. on Tuesdays.",
        "Happy hour runs from 3 p.m. to 6 p.m. on weekdays.",
        "Negative reviews mention slow service.",
        "Customers were negative about the wait.",
    ],
)
def test_what_only_looks_like_hours_rating_or_sentiment_is_left_alone(claim: str) -> None:
    assert verdicts(claim) == []


def test_a_claim_is_checked_against_the_record_it_names() -> None:
    taco = {
        "name": "Sun Taco Shop",
        "hours": {d: "9:0-17:0" for d in ("Monday", "Tuesday", "Wednesday", "Thursday")},
        "business_stars": 4.5,
    }
    other = read(json.dumps(taco))[1]
    assert other is not None
    both = [record(), other]
    assert check("Sun Taco Shop is open on Mondays.", both).label == "supported"
    assert check("Sun Taco Shop holds a 4.5-star rating.", both).label == "supported"
    assert check("Kumo Noodle Bar holds a 4.5-star rating.", both).label == "contradicted"
    # not named: neither record's fields decide it
    assert find("It holds a 4.5-star rating.", both) == []


def test_odd_records_are_read_without_guessing() -> None:
    # a short field ending in "stars" and a non-ASCII digit are no ratings, and no crash
    odd = {"reviews": [{"title": "Solid, 4 stars", "text": "The noodles were good and kind."}]}
    assert read(json.dumps(odd))[1] is None
    assert read('{"stars": "²"}')[1] is None
    # "0:0-0:0" says nothing: Monday is neither open nor closed
    nothing = read(json.dumps({"name": "Z", "hours": {"Monday": "0:0-0:0", "Tuesday": "6:0-22:0"}}))
    assert nothing[1] is not None
    assert find("It is open on Mondays.", [nothing[1]]) == []
    assert find("It is closed on Mondays.", [nothing[1]]) == []
    # hours in a form not read are still hours: "not listed" is not confirmed
    loose = read(json.dumps({"name": "H", "hours": "Mon-Fri 9am-5pm", "business_stars": 4}))[1]
    assert loose is not None and find("Its hours are not listed.", [loose]) == []
    # every review with stars counts, however short its text
    reviews = [{"stars": s, "text": "ok"} for s in (5, 5, 5)] + [{"stars": 1, "text": "bad"}]
    short = read(json.dumps({"name": "S", "business_stars": 4, "reviews": reviews}))[1]
    assert short is not None and [r.stars for r in short.reviews] == [5.0, 5.0, 5.0, 1.0]
    assert check("Reviews are mostly positive.", [short]).label == "supported"


def test_a_business_noun_in_a_clause_of_its_own_is_a_claim() -> None:
    # "has a gym" is no yes/no field: the model judges it, nothing confirms it
    result = check("It offers takeout and has a gym.", [record()])
    assert result.label is None and "gym" in result.rest


@pytest.mark.parametrize(
    "claim",
    [
        # days off, dark days, "closes on", and the excepted days said first
        "It takes Mondays off.",
        "It is open Tuesday to Sunday, with Mondays off.",
        "Open Tue-Sun; dark Mondays.",
        "It closes on Mondays.",
        "Except for Mondays, it is open every day.",
        "It is open every day with the exception of Monday.",
        "It is open all week but closed on Mondays.",
    ],
)
def test_days_off_said_in_words_agree(claim: str) -> None:
    found = verdicts(claim)
    assert found and all(agrees for _, agrees in found), found


@pytest.mark.parametrize(
    "claim",
    [
        # the hours of something else the business has or holds
        "The pool is open from 7 a.m. to 9 p.m.",
        "Check-in opens at 3 p.m.",
        "Drinks are half-price from 6 to 8 p.m. on Thursdays, when it is open late.",
        "A lunch break runs from 1 to 2 p.m. on Saturdays, when it opens at noon.",
        # another place, brought in by "a" (read-43)
        "Breakfast isn't included, but a ground-floor cafe opens at 6:30.",
        "There is no restaurant, though a nearby diner opens at 6 a.m.",
    ],
)
def test_the_hours_of_something_else_are_left_alone(claim: str) -> None:
    assert verdicts(claim) == []


def test_what_a_record_says_unclearly_decides_nothing() -> None:
    store = {
        "name": "Corner Store",
        "hours": {"Monday": "10:0-20:0", "Saturday": "09:00-13:00, 14:00-21:00"},
        "attributes": {"OutdoorSeating": "None", "GoodForMeal": "{'dessert': False}"},
        "business_stars": 4.0,
    }
    found = read(json.dumps(store))[1]
    assert found is not None
    # a day with a lunch break is listed, though not as one range: neither open nor closed
    assert found.unknown_days == frozenset({"saturday"})
    assert find("It is open on Saturdays.", [found]) == []
    # Yelp's "None" is unknown, not no: no claim of it is supported, none contradicted, and
    # one that it lacks it is the model's; "good for dessert: no" is not "serves no dessert"
    assert check("It has outdoor seating.", [found]).label == "unsupported"
    assert check("It has no outdoor seating.", [found]).label is None
    assert check("It serves dessert.", [found]).label is None
    # a close at 23:59 is midnight
    late = read(json.dumps({"name": "Gas", "hours": {"Monday": "00:00-23:59"}}))[1]
    assert late is not None
    assert [f.agrees for f in find("It is open until midnight on Mondays.", [late])] == [True]
    # a hotel's class stars beside its guest rating are no rating of the place
    hotel = read(json.dumps({"name": "Inn", "stars": 3, "guest_rating": 4.6, "WiFi": True}))[1]
    assert hotel is not None and hotel.rating is None


def test_the_fields_of_the_record_a_claim_names_decide_it() -> None:
    # two cafes in one context: the claim's own record decides, not the other's fields
    first = {"name": "Harbor Light Cafe", "attributes": {"RestaurantsReservations": "False"}}
    second = {"name": "Nonna Rosa", "attributes": {"RestaurantsReservations": "True"}}
    both = [read(json.dumps(r))[1] for r in (first, second)]
    assert all(r is not None for r in both)
    records = [r for r in both if r is not None]
    assert check("Nonna Rosa takes reservations.", records).label == "supported"
    assert check("Harbor Light Cafe takes reservations.", records).label == "contradicted"
    # names that share a word: the one the claim says most of
    red = {"name": "Red Door Diner", "attributes": {"WiFi": "no"}}
    blue = {"name": "Blue Door Cafe", "attributes": {"WiFi": "free"}}
    doors = [r for r in (read(json.dumps(d))[1] for d in (red, blue)) if r is not None]
    assert check("Red Door Diner offers free Wi-Fi.", doors).label == "contradicted"
    assert check("Blue Door Cafe offers free Wi-Fi.", doors).label == "supported"
    assert check("The Door offers free Wi-Fi.", doors).label is None  # names neither more
    # a claim naming both by words of their own compares them: it is neither's alone
    both_named = "Red Door Diner has no Wi-Fi, unlike Blue Door Cafe."
    assert check(both_named, doors).label is None


async def test_a_review_claim_is_read_against_its_review_sentence() -> None:
    engine = local_engine()
    bar = {
        **NOODLES,
        "review_info": [
            NOODLES["review_info"][0],
            {
                "review_stars": 2.0,
                "review_date": "2019-09-14 21:40:00",
                "review_text": "Way too loud to have a conversation and we waited almost 20 "
                "minutes to get a drink on a Saturday night. The bathroom was pretty gross too. "
                "Only good thing was they had the game on every TV. Probably won't be back.",
            },
        ],
    }
    docs = from_options([json.dumps(bar)])
    answer = (
        "Not everyone was impressed: one visitor found Kumo Noodle Bar far too loud for a "
        "conversation and waited almost 20 minutes to get a drink on a busy Saturday night, "
        "and called the bathroom gross."
    )
    plan = engine.plan(docs, answer, "Write an objective overview of the business.")
    claims = [c.text for c in plan.claims]
    assert claims[-1] == "and called the bathroom gross."
    focus = plan.focus[len(claims) - 1]
    assert focus is not None
    # its focused premise is the review's sentence under the review's heading, and the clause
    # is no fragment answer: the question does not go first
    assert plan.pairs[focus].premise == (
        "Review 2 (2 stars, September 14, 2019): The bathroom was pretty gross too."
    )
    assert plan.pairs[focus].hypothesis == "and called the bathroom gross."
    result = await engine.check(docs, answer, "Write an objective overview of the business.")
    assert result.claims[-1].label == "supported"  # the whole review, the question first:
    # contradiction 0.89 in a read-5 overview


async def test_an_overviews_closing_verdict_has_no_contradiction_read() -> None:
    engine = local_engine()
    docs = from_options([json.dumps(NOODLES)])
    answer = "Overall, Kumo Noodle Bar is a solid choice for ramen lovers in Spokane."
    plan = engine.plan(docs, answer, None)
    assert plan.focus == [UNREAD]
    claim = (await engine.check(docs, answer)).claims[0]
    assert claim.contradiction == 0.0 and claim.pairs  # the model still judges entailment


def test_what_is_left_of_a_verdict_about_the_reviews_is_still_read_as_one() -> None:
    engine = local_engine()
    docs = from_options([json.dumps(NOODLES)])
    answer = "Overall, reviews are mixed, with the broth and the noodles drawing the most talk."
    plan = engine.plan(docs, answer, None)
    # "reviews are mixed" is the stars' to decide; the rest is judged against the digest of
    # the reviews (not the first line, whose "Noodles" it matches), its contradiction unread
    assert plan.pairs[0].hypothesis == "The broth, and the noodles drawing the most talk."
    assert plan.pairs[0].premise.startswith("Review 1 (5 stars") and "Review 2" in (
        plan.pairs[0].premise
    )
    assert plan.focus == [UNREAD]


def test_the_records_own_zero_hours_echoed_are_not_compared() -> None:
    found = read(json.dumps({**NOODLES, "hours": {**NOODLES["hours"], "Monday": "0:0-0:0"}}))[1]
    assert found is not None
    assert find("Its Monday hours are listed as 0:00-0:00.", [found]) == []
    assert [f.agrees for f in find("It is closed on Mondays.", [found])] == []  # unknown


def test_a_review_claim_is_focused_on_the_sentences_that_say_it() -> None:
    line = (
        "Review 2 (1 stars, March 15, 2019): Ordered delivery on a Friday night and waited "
        "almost two hours. TWO HOURS. The pizza was lukewarm and the box was soaked through. "
        "I ordered the white pizza with ricotta and it was bland. They did not offer a refund. "
        "Won't be ordering again."
    )
    assert review_focus(line, "The customer waited almost two hours for a bland white pizza.") == (
        "Review 2 (1 stars, March 15, 2019): Ordered delivery on a Friday night and waited "
        "almost two hours. I ordered the white pizza with ricotta and it was bland."
    )
    assert review_focus("name: Slice. city: Pittsburgh.", "A pizza place") is None


async def test_long_reviews_and_claims_about_the_reviews_find_their_review_lines() -> None:
    engine = local_engine()
    long_text = " ".join(
        f"Sentence {n} of a long visit story about the parking lot and the line." for n in range(12)
    )
    studio = {
        "name": "Sol Flow Yoga",
        "city": "Denver",
        "categories": "Yoga, Fitness & Instruction",
        "business_stars": 4.5,
        "review_info": [
            {
                "review_stars": 5.0,
                "review_date": "2022-01-03 10:00:00",
                "review_text": long_text + " The instructors are patient and kind.",
            },
            {
                "review_stars": 4.0,
                "review_date": "2022-02-03 10:00:00",
                "review_text": "Great instructors. The studio is warm.",
            },
        ],
    }
    docs = from_options([json.dumps(studio)])
    plan = engine.plan(docs, "Reviewers praise the instructors. One found them patient.", None)
    praise, patient = plan.focus
    assert praise is not None and patient is not None
    # the reviews, not "Fitness & Instruction" on the first line
    assert plan.pairs[praise].premise.startswith("Review 1 (5 stars, January 3, 2022): ")
    # the long review's sentence under its heading, though its unit is a later piece of it
    assert plan.pairs[patient].premise == (
        "Review 1 (5 stars, January 3, 2022): The instructors are patient and kind."
    )


@pytest.mark.parametrize(
    ("claim", "stars", "words"),
    [
        (
            "Another customer complained about slow service on a Saturday morning.",
            2.0,
            "Slow service on a Saturday morning.",
        ),
        (
            "One reviewer praised the spicy miso ramen and rich broth.",
            5.0,
            "The spicy miso ramen and rich broth.",
        ),
        (
            "One reviewer said that the ramen is the best in town.",
            2.0,  # "said" fits any stars
            "The ramen is the best in town.",
        ),
        # a complaint of a 5-star review, praise of a 2-star one: the frame is the claim's
        ("Another customer complained about slow service on a Saturday.", 5.0, None),
        ("One reviewer praised the soggy noodles and long wait.", 2.0, None),
        ("Reviewers praised the spicy miso ramen and rich broth.", 5.0, None),  # not one
    ],
)
def test_one_reviewers_words_are_read_without_the_frame_that_fits_their_stars(
    claim: str, stars: float, words: str | None
) -> None:
    assert sentiment.unframed(claim, stars) == words


async def test_the_engine_judges_a_reported_review_without_its_frame_too() -> None:
    answer = "Another customer had a bad experience with soggy noodles after a forty-minute wait."
    plan = local_engine().plan(from_options([json.dumps(NOODLES)]), answer, None)
    hypotheses = {plan.pairs[r].hypothesis for r in plan.pair_windows[0]}
    assert hypotheses == {answer, "Soggy noodles after a forty-minute wait."}


@pytest.mark.parametrize(
    ("claim", "one"),
    [
        ("A beagle owner said the staff were gentle.", True),
        ("Another customer waited twenty minutes.", True),
        ("The third reviewer called it loud.", True),
        ("The customer service was gentle with their dog.", False),  # no reviewer
        ("The owner is friendly.", False),  # the business's owner
        ("A member of staff helped.", False),
        ("A family-friendly place with a patio.", False),
        ("Reviewers praised the broth.", False),  # not one
    ],
)
def test_one_reviewer_is_a_person_who_reviewed(claim: str, one: bool) -> None:
    assert sentiment.one_reviewer(claim) is one


REVIEWS = [
    "Dr. Alvarez walked me through every step of the root canal. I was so anxious!",
    "The cleaning was quick and the front desk was friendly.",
    "Friendly front desk, and they checked my insurance before the visit.",
]


@pytest.mark.parametrize(
    ("claim", "general"),
    [
        # one review's words given to many
        ("Anxious patients consistently credit Dr. Alvarez with walking them through every step.",
         True),
        ("Many customers praise how Dr. Alvarez explains every step.", True),
        # in a clause of its own, beside what another review says
        ("The cleaning is quick, while patients consistently credit Dr. Alvarez with walking "
         "them through every step.", True),
        # what no review says in its words is the model's: a paraphrase of several, or none
        ("All reviewers mention free parking in the garage.", False),
        ("Many customers mention the kind front desk staff and quick cleanings.", False),
        # no word of many ("all-you-can-eat", "the most"); the business's owners
        ("Patients love the all-you-can-eat walk through every step with Dr. Alvarez.", False),
        ("Patients say Dr. Alvarez is the most patient at walking them through every step.",
         False),
        ("The owners often walk anxious first-timers through every step of a root canal.", False),
        # what two reviews say; one reviewer; no word of many; stars are the rating rule's
        ("Patients consistently describe the front desk as friendly.", False),
        ("One anxious patient credited Dr. Alvarez with walking them through every step.",
         False),
        ("Patients credit Dr. Alvarez with walking them through every step.", False),
        ("All three reviewers gave five stars.", False),
        # the reviewers listed after a colon, each with their own words (read-26)
        ("Several patients praise the care: one patient credits Dr. Alvarez with walking "
         "them through every step.", False),
        # what the many say before the colon is still read
        ("Many patients credit Dr. Alvarez with walking them through every step: one patient "
         "called it a must.", True),
        # the word of many counts the reviewers, a word or two from them (read-35)
        ("Dr. Alvarez is consistently credited by patients with walking them through every "
         "step.", True),
        ("Most anxious patients credit Dr. Alvarez with walking them through every step.", True),
        ("As many patients note, Dr. Alvarez walks them through every step.", True),
        # reviews counted are no reviewers ("Most reviews are positive, with one customer
        # praising …"); a determiner after them counts what follows; one of them (a review
        # helper's)
        ("Many reviews credit Dr. Alvarez with walking them through every step.", False),
        ("Patients mention several things, like Dr. Alvarez walking them through every step.",
         False),
        ("Most patients were happy, although one credited Dr. Alvarez with walking them "
         "through every step.", False),
        ("Dr. Alvarez walking them through every step is frequently mentioned by patients.",
         True),
        # a word of many that counts something else, or none: "as many", "most steps"
        ("Dr. Alvarez walks patients through as many steps of the root canal as they like.",
         False),
        ("Dr. Alvarez walked through most steps of the root canal, and patients were anxious.",
         False),
    ],
)  # fmt: skip
def test_what_one_review_says_given_to_many_reviewers_is_overgeneralised(
    claim: str, general: bool
) -> None:
    assert sentiment.overgeneralised(claim, REVIEWS, frozenset({"smile", "dental"})) is general
    # one review is no many
    assert not sentiment.overgeneralised(claim, REVIEWS[:1], frozenset())


def test_a_short_claim_two_reviews_say_in_part_is_not_overgeneralised() -> None:
    # read-33: the second review says "prices" in other words ("reasonable" for "fair")
    reviews = [
        "Honest mechanics and the prices are fair. They fixed my brakes in a day.",
        "Reasonable prices, though the waiting room is tiny.",
        "Booked online for an oil change, in and out in 40 minutes.",
    ]
    assert not sentiment.overgeneralised(
        "Several reviewers found the prices fair.", reviews, frozenset()
    )
    # one review's words, with no other review saying any of them
    assert sentiment.overgeneralised(
        "Several reviewers call the mechanics honest.", reviews, frozenset()
    )


@pytest.mark.parametrize(
    ("claim", "everyones"),
    [
        # read-52: two reviews of four say it, two say nothing of it
        ("Every reviewer, however, mentioned slow tune-ups, with one quoted eight days.", True),
        ("All four reviewers complained about slow tune-ups.", True),
        # every review says it; one reviewer's; a thing done for every customer; stars
        ("Every reviewer mentioned the friendly staff.", False),
        ("One reviewer mentioned slow tune-ups.", False),
        ("One reviewer complained that every customer waits days for slow tune-ups.", False),
        ("The shop checks tire pressure for every customer at tune-ups.", False),
        ("All four reviewers gave it four stars for its slow tune-ups.", False),
    ],
)
def test_what_some_reviews_never_touch_given_to_every_reviewer_is_overgeneralised(
    claim: str, everyones: bool
) -> None:
    reviews = [
        "Tune-ups are slow: eight days for a basic tune-up. Friendly staff though.",
        "Friendly staff, and my tune-up took nine days, which is slow.",
        "The staff were friendly and fitted my new saddle in ten minutes.",
        "Friendly staff and a great selection of commuter bikes.",
    ]
    assert sentiment.not_everyones(claim, reviews, frozenset()) is everyones


async def test_the_engine_fails_an_overgeneralised_claim_of_a_record() -> None:
    record = {
        **NOODLES,
        "review_info": [
            {**review, "review_text": text}
            for review, text in zip(
                NOODLES["review_info"] * 2,  # type: ignore[operator]
                [
                    "The spicy miso ramen is the best in town and the broth is rich.",
                    "We waited forty minutes on a Saturday and the noodles were soggy.",
                    "Good gyoza, and the staff were kind.",
                    "Cozy room, quick service at lunch.",
                ],
                strict=True,
            )
        ],
    }
    docs = from_options([json.dumps(record)])
    answer = "Diners consistently rave about the spicy miso ramen and its rich broth."
    (claim,) = (await local_engine().check(docs, answer)).claims
    assert (claim.label, claim.driver) == ("unsupported", "overgeneralised")
    one = "One diner raved about the spicy miso ramen and its rich broth."
    (claim,) = (await local_engine().check(docs, one)).claims
    assert claim.driver != "overgeneralised"


def test_a_digest_takes_a_second_sentence_of_a_review_that_adds_the_claim_s_words() -> None:
    # "Reviewers praise …, a gyoza plate kids loved, …": review 1 says it in its second
    # sentence; its best sentence alone made the claim read as contradicted (read-22)
    noodles = json.loads(json.dumps(NOODLES))
    noodles["review_info"][0]["review_text"] += " Kids loved the gyoza plate."
    doc = from_options([json.dumps(noodles)])[0]
    claim = "Reviewers mention the rich broth, a gyoza plate kids loved, and soggy noodles."
    assert review_digest(doc.text, claim) == (
        "Review 1 (5 stars, March 5, 2022): The spicy miso ramen is the best in town and the "
        "broth is rich. Kids loved the gyoza plate. Review 2 (2 stars, July 16, 2022): We "
        "waited forty minutes on a Saturday and the noodles were soggy."
    )


async def test_round_the_clock_hours_are_read_against_days_listed_0_0_0_0() -> None:
    # Yelp lists a business open around the clock as "0:0-0:0"; no other claim of hours is
    # compared with such a day
    week = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    inn = {**NOODLES, "hours": dict.fromkeys(week[:5], "0:0-0:0")}
    found = read(json.dumps(inn))[1]
    assert found is not None
    for claim in ("It is open 24 hours a day.", "It is open 24/7.", "It runs around the clock."):
        assert [f.agrees for f in find(claim, [found])] == [True]
    # a day it does not list, or one with hours of its own, fails the claim
    assert [f.agrees for f in find("It is open 24 hours, seven days a week.", [found])] == [
        True,
        False,
    ]
    assert [f.agrees for f in find("It is open 24 hours a day.", [record()])] == [False]
    assert find("Cancel at least 24 hours ahead.", [found]) == []
    assert find("It is open from 9 a.m. to 5 p.m. on Monday.", [found]) == []
    engine = local_engine()
    docs = from_options([json.dumps(inn)])
    result = await engine.check(docs, "Kumo Noodle Bar is open 24 hours a day.")
    (claim,) = result.claims
    assert (claim.label, claim.driver) == ("supported", "record")
    assert claim.evidence is not None
    assert docs[0].text[claim.evidence.start : claim.evidence.end] == claim.evidence.text


def test_a_days_object_without_times_is_no_opening_hours() -> None:
    # Yelp's "BestNights" comes before "hours" and is keyed by days too
    nights = "{'monday': False, 'friday': True, 'saturday': True}"
    bar = {k: v for k, v in NOODLES.items() if k not in ("hours", "attributes")}
    bar |= {"attributes": {"BestNights": nights}, "hours": {"Friday": "16:0-2:0"}}
    found = read(json.dumps(bar))[1]
    assert found is not None
    assert [d.name for d in found.hours] == ["friday"] and not found.unknown_days
    assert [f.agrees for f in find("It is open until 2 a.m. on Fridays.", [found])] == [True]


@pytest.mark.parametrize(
    ("claim", "stars", "agrees"),
    [
        ("It is highly rated.", 4.5, [True]),
        ("Kumo Noodle Bar is a highly rated noodle bar.", 5.0, [True]),
        ("It is top-rated on Yelp.", 4.0, [True]),
        ("It is a highly rated noodle bar.", 3.0, [False]),
        ("It is well-rated by customers.", 3.5, [False]),
        ("Reviewers love the highly rated ramen.", 3.0, []),  # a dish, not the place
    ],
)
def test_highly_rated_is_four_stars_or_more(claim: str, stars: float, agrees: list[bool]) -> None:
    found = read(json.dumps({**NOODLES, "business_stars": stars}))[1]
    assert found is not None
    assert [f.agrees for f in find(claim, [found])] == agrees


@pytest.mark.parametrize(
    ("claim", "agrees"),
    [
        ("The business is open six days a week.", [True]),  # Tuesday to Sunday
        ("It is open 6 days a week, closed on Mondays.", [True, True]),
        ("It is open five days a week.", [False]),
        ("It is open only three nights a week.", [False]),
        ("Classes run three days a week.", []),  # no word of opening hours
    ],
)
def test_the_days_a_week_it_is_open_are_counted(claim: str, agrees: list[bool]) -> None:
    assert [f.agrees for f in find(claim, [record()])] == agrees


def test_how_many_reviews_the_rating_averages_is_read_against_review_count() -> None:
    counted = read(json.dumps({**NOODLES, "business_stars": 4.0, "review_count": 244}))[1]
    assert counted is not None
    assert check("It holds a 4-star rating based on 244 reviews.", [counted]).label == "supported"
    assert check("It holds a 4-star rating based on 240 reviews.", [counted]).label == (
        "contradicted"
    )
    assert find("One of the 3 reviews praised the broth.", [counted]) == []
    uncounted = read(json.dumps({**NOODLES, "business_stars": 4.0}))[1]
    assert uncounted is not None  # no review_count: the number is the model's and the rules'
    assert check("It holds a 4-star rating based on 244 reviews.", [uncounted]).label is None


@pytest.mark.parametrize(
    ("claim", "agrees"),
    [
        # read-50: how many of the reviews (5, 2 and 5 stars) give some stars
        ("It holds a 4-star rating, and two of the three reviews give it five stars.", "agrees"),
        ("It holds a 4-star rating, and all three reviews give it five stars.", "disagrees"),
        ("Two reviewers gave five stars.", "agrees"),
        ("One of the three reviews gives it two stars.", "agrees"),
        ("Two of the four reviews give four or five stars.", "disagrees"),  # three reviews
        ("Three reviewers rated it four or five stars.", "disagrees"),
        # a reviewer's stars, no count of them: the model's
        ("One five-star reviewer praised the broth.", None),
    ],
)
def test_how_many_reviews_give_some_stars_is_counted(claim: str, agrees: str | None) -> None:
    stars = {**NOODLES, "business_stars": 4.0}
    stars["review_info"] = [*NOODLES["review_info"], {**NOODLES["review_info"][0]}]
    found = read(json.dumps(stars))[1]
    assert found is not None
    label = check(claim, [found]).label
    expected = {"agrees": "supported", "disagrees": "contradicted", None: None}[agrees]
    assert label == expected


@pytest.mark.parametrize(
    ("claim", "agrees"),
    [
        # read-39: the record (closed on Mondays) leaves Monday out, and says so in words
        ("The record does not list Monday hours.", True),
        ("The listing doesn't give hours for Monday.", True),
        ("It is open Tuesday through Sunday; the record does not list Monday hours.", True),
        # the record lists Sunday: saying it does not is wrong
        ("The record does not list Sunday hours.", False),
    ],
)
def test_hours_the_record_is_said_not_to_list_are_checked(claim: str, agrees: bool) -> None:
    result = check(claim, [record()])
    assert result.label == ("supported" if agrees else "contradicted")
    assert result.field == "hours"


@pytest.mark.parametrize(
    ("claim", "agrees"),
    [
        # read-39: how the rest lean, after "mixed" (the reviews are 5 and 2 stars: a mean of
        # 3.5, positive on the whole)
        ("Reviews are mixed but mostly positive.", True),
        ("Reviews are mixed, though generally positive:", True),
        ("Reviews are mixed but mostly negative.", False),
        # read-40: "consistently positive" says every review is
        ("Reviews are consistently positive.", False),
        ("Reviews are uniformly positive.", False),
        # read-43: a leaning said with "lean", members of a gym, "enthusiastic"
        ("Reviews are mixed but lean positive.", True),
        ("Reviews are mixed, leaning negative.", False),
        ("Reviews are mixed but skew negative.", False),
        ("Members are enthusiastic.", True),
        ("Patients are generally enthusiastic.", True),
    ],
)
def test_a_leaning_said_with_mixed_reviews_or_of_every_review_is_checked(
    claim: str, agrees: bool
) -> None:
    found = [f.agrees for f in find(claim, [record()]) if f.field == "reviews"]
    assert found == [agrees]
    # the whole leaning is read: nothing of it is left to the model
    assert check(claim, [record()]).label == ("supported" if agrees else "contradicted")
