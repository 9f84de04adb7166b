"""A number the context never states fails its claim, whatever the model reads; a number the
context states in other words does not."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from conftest import sentences
from groundrail.config import GroundingSettings
from groundrail.grounding import lexical, numbers
from groundrail.grounding.lexical import BM25
from groundrail.grounding.runtime import GroundingRuntime
from groundrail.grounding.windows import Document

ARTICLE = (
    "Twenty-nine elephants currently live at the sanctuary, and a dozen more will join the "
    "group by 2018. Each elephant costs over $65,000 a year, Feld said. The keepers start at "
    "9:45 a.m. and the herd eats 1.5 million pounds of hay over a year. The centre opened on "
    "March 18, 2012, after a three-and-a-half year build. Turnout was 19.6 percent."
)


@pytest.mark.parametrize(
    "claim",
    [
        "29 elephants live at the sanctuary and 12 more will join by 2018.",  # words as values
        "Each elephant costs more than $65,000 a year.",
        "Keepers start at 9.45am.",  # the parts of a time
        "Keepers counted about 30 and 20 elephants in two herds.",  # a hedge before a list
        "The herd eats 1,500,000 pounds of hay a year.",  # a scaled value
        "It opened on 2012-03-18 after a 3.5-year build.",  # a month's number, a half
        "About 20% turned out.",  # an approximation within 10 %
        "Elephants are studied for COVID-19 and HAuCl4 exposure (see www.sanct2.org).",  # names
        "1. The sanctuary opened in 2012.",  # a list marker
        "Version 8.1.4 of the app lists the herd.",  # a version is a name
        "Call (555) 123-4567 any time, 24/7, 7 days a week.",  # no quantities
        "Over 20 elephants and more than 60,000 dollars a year.",  # round bounds it allows
        "Between 2012-18 the herd grew.",  # "18" of "2012-18" is 2018
        "According to passage 4, and passages 5 and 6, it opened in 2012.",  # citations
    ],
)
def test_numbers_the_context_states_in_any_form_are_found(claim: str) -> None:
    assert numbers.missing(claim, numbers.stated(ARTICLE)) == []


@pytest.mark.parametrize(
    ("claim", "absent"),
    [
        ("It can save users up to 44% on energy.", ["44"]),
        ("Each elephant costs $56,000 a year.", ["56,000"]),
        ("20% turned out.", ["20"]),  # no "about": the value must be stated
        ("About 40% turned out.", ["40"]),  # an approximation too far off
        ("A crowd of 28,000 watched 2 keepers.", ["28,000", "2"]),
        ("Over 100 elephants live there.", ["100"]),  # 29 is below the bound
        ("The 2018-19 season was its first.", ["19"]),  # 2019 is stated nowhere
        ("About 8.9 million pounds of hay.", ["8.9"]),  # scaled: 8,900,000 against 1,500,000
        ("Passage 2 says 44 elephants live there.", ["44"]),  # a citation, then a quantity
        ("In passage 2 and 30 volunteers, the herd grew.", ["30"]),  # no citation of 30
        ("Keepers have a review 8 weeks after 2012.", ["8"]),  # no record's "Review 8"
        ("More than 2,000 visitors came.", ["2,000"]),  # not the year 2012, nor 1,500 thousand
        ("About 2,000 keepers signed.", ["2,000"]),
        ("Some 1,500 tons of hay a day.", ["1,500"]),  # a rounding of no number it writes
        ("Visitors rate the herd 1.9 out of 5.", ["1.9"]),  # no time: 1 and 9 are no parts
    ],
)
def test_numbers_the_context_never_states_are_missing(claim: str, absent: list[str]) -> None:
    assert numbers.missing(claim, numbers.stated(ARTICLE)) == absent


@pytest.mark.parametrize(
    ("context", "claim"),
    [
        ("About 2000 people attended the rally.", "About 2,000 people attended."),  # a count
        ("The survey of 1900 adults was published.", "It surveyed more than 1,800 adults."),
        ("Power was restored to 1900 homes.", "Nearly 2,000 homes got power back."),
        ("He joined in the 2019-20 season.", "He joined in the 2019-20 season."),  # copied
        ("He joined in the 2019-20 season.", "He joined for 2019/2020."),
        ("The 2019 catalogue lists 2,019 items.", "It lists about 2,000 items."),  # both
        ("The theater closed in 2019 after a flood.", "It has been shut since around 2019."),
    ],
)
def test_a_rounding_or_a_season_is_found_as_the_context_writes_it(context: str, claim: str) -> None:
    assert numbers.missing(claim, numbers.stated(context)) == []


def test_money_is_found_among_amounts_of_money() -> None:
    review = "Review 2 (2 stars, July 16, 2022): Used paperbacks are $3-5 each, 12 dollars new."
    context = numbers.stated(review)
    assert numbers.missing("Paperbacks cost $1 to $2.", context) == ["1", "2"]
    assert numbers.missing("Paperbacks cost $3 to $5; new ones $12.", context) == []
    assert numbers.missing("It has 2 stars.", context) == []  # a value, not money
    two = "Review 1 (5 stars, May 9, 2022): Great.\nReview 2 (4 stars, May 8, 2022): Good."
    assert 1.0 not in numbers.stated(two).values  # an index, not a quantity
    assert (
        numbers.missing("Both of its 2 reviews give it 4 stars out of 5.", numbers.stated(two))
        == []
    )


WRECK = (
    "The schooner sank in a November storm with seven crew members aboard. Divers found it "
    "in June. A further 264 people visited the museum; two of them were divers."
)


@pytest.mark.parametrize(
    ("claim", "sentence", "wrong"),
    [
        ("It sank with eleven crew members aboard.", 0, ["eleven"]),
        ("It sank with seven crew members aboard.", 0, []),
        ("It sank after a four-hour storm.", 0, []),  # the sentence counts no hours
        # November is the 11th month, not a number the context writes
        ("It sank in November with eleven crew aboard.", 0, ["eleven"]),
        ("Two people were divers.", 2, []),  # "two" is written: the answer's own count
        ("Nine people visited the museum.", 2, ["nine"]),
        ("It was the first storm; one crew member survived.", 0, []),  # ordinals and "one"
    ],
)
def test_a_count_in_words_against_the_sentence_it_restates(
    claim: str, sentence: int, wrong: list[str]
) -> None:
    restated = WRECK.split(". ")[sentence]
    assert numbers.miscounted(claim, numbers.stated(restated), numbers.stated(WRECK)) == wrong


def test_a_count_in_words_written_elsewhere_as_another_thing_is_still_a_miscount() -> None:
    # r33: "4" stands in "District 4", not as years; a count the sentence itself writes as a
    # bare number ("closer to 4") is its own (read-5)
    context = (
        "Okafor promised to freeze the property tax rate for two years. District 4 elected "
        "Marcus Lee. They quoted a 2 hour turnaround and it was closer to 4."
    )
    tax, turnaround = (numbers.stated(s) for s in context.split(". ")[::2])
    stated = numbers.stated(context)
    claim = "Okafor pledged to freeze the tax rate for four years."
    assert numbers.miscounted(claim, tax, stated) == ["four"]
    assert numbers.miscounted(claim.replace("four", "two"), tax, stated) == []
    claim = "The quoted two-hour turnaround was closer to four hours."
    assert numbers.miscounted(claim, turnaround, stated) == []
    # a difference the answer works out (read-42: 17 h 40 min against 14 h 5 min)
    test = "The X5 lasted 17 hours and 40 minutes, well ahead of the Pyra 8's 14 hours."
    longer = "The X5 lasted about three and a half hours longer than the Pyra 8."
    assert numbers.miscounted(longer, numbers.stated(test), numbers.stated(test)) == []
    lasted = "The X5 lasted about three hours."
    assert numbers.miscounted(lasted, numbers.stated(test), numbers.stated(test)) == ["three"]


def test_two_counts_traded_between_the_things_they_count_are_miscounts() -> None:
    # each number stands in the sentence, as the count of the other thing
    gift = numbers.stated("The museum received three paintings and four sculptures.")
    traded = "The museum received four paintings and three sculptures."
    assert numbers.miscounted(traded, gift, gift) == ["four", "three"]
    assert numbers.miscounted("It got three paintings and four sculptures.", gift, gift) == []
    # a number no other thing is counted by, written bare, stays the sentence's own
    test = numbers.stated("They quoted three hours and it was closer to 4.")
    assert numbers.miscounted("It took closer to four hours.", test, test) == []
    # a share in its two spellings, and a stop word after an ordinal, are no other things (r37,
    # r44)
    solar = numbers.stated("Forty percent is reserved for households, who get a 20 percent cut.")
    said = "Forty percent is reserved for households, which get a 20% discount."
    assert numbers.miscounted(said, solar, solar) == []
    raises = numbers.stated(
        "Raises are 4.5 percent in the first year and 3.5 percent in each of the second and "
        "third years."
    )
    said = "Raises are 4.5% in year one and 3.5% in each of the next two years."
    assert numbers.miscounted(said, raises, raises) == []
    # read-47: an adjective after the count ("three used mountain bikes") trades nothing
    shop = numbers.stated("For my first used mountain bike, Eli compared three bikes with me.")
    assert numbers.miscounted("Eli compared three used mountain bikes.", shop, shop) == []


def test_a_limit_the_context_sets_is_no_rounding_of_another_limit() -> None:
    # read-34: "up to 10 kg" of "up to 8 kg"; the 10 of "10%" is a share, no bare number
    bags = numbers.stated(
        "Lap infants pay 10% of the adult fare. Economy passengers may bring one cabin bag of "
        "up to 8 kg. More than 236 residents signed."
    )
    assert numbers.missing("You may bring a cabin bag of up to 10 kg.", bags) == ["10"]
    assert numbers.missing("You may bring a cabin bag of up to 8 kg.", bags) == []
    # a value stated as it is still allows a rounder bound; a lower bound, a weaker one
    parcel = numbers.stated("The parcel weighed 8 kg.")
    assert numbers.missing("The parcel weighed under 10 kg.", parcel) == []
    assert numbers.missing("More than 200 residents signed.", bags) == []
    # a bound under a limit holds: "under $20" of "up to $18" (review)
    fares = numbers.stated("Tickets cost up to $18.")
    assert numbers.missing("Tickets cost under $20.", fares) == []
    assert numbers.missing("Tickets cost up to $20.", fares) == ["20"]


def test_a_measure_is_compared_within_its_unit() -> None:
    rock = numbers.stated(
        "It was a stony meteorite weighing 1.8 kilograms (about 4 pounds). It landed 3 km "
        "from the school."
    )
    assert numbers.missing("It weighed about 4 kilograms.", rock) == ["4"]  # the pounds' 4
    assert numbers.missing("It weighed 1.8 kg, about 4 pounds.", rock) == []
    assert numbers.missing("It landed 5 km away.", rock) == ["5"]
    assert numbers.missing("It landed about 3 kilometres away.", rock) == []
    # the context's number in another unit of its kind: "3 miles" of "3 km", "300 feet" of
    # "300 metres"; not a unit of another kind ("3 feet" of "3 kg")
    assert numbers.missing("It landed 3 miles away.", rock) == ["3"]
    assert numbers.missing("It landed about 3 mi from the school.", rock) == ["3"]
    assert numbers.missing("It was 1.8 feet across.", rock) == []
    climb = numbers.stated("The boiling point drops by about 1 degree for every 300 metres.")
    assert numbers.missing("It drops 1 degree C for every 300 feet.", climb) == ["300"]
    assert numbers.missing("It drops about 1 degree per 300 m of height.", climb) == []
    # speeds: "gusts of 60 mph" of "gusts of 45 mph", though 60 line workers are counted
    storm = numbers.stated("Gusts of 45 mph are expected. The utility brought in 60 workers.")
    assert numbers.missing("Gusts of 60 mph are expected.", storm) == ["60"]
    assert numbers.missing("Gusts of 45 mph are expected.", storm) == []
    # the context's bare number is the measure it goes on with: "gusts up to 75"
    winds = numbers.stated("Winds of 60 mph are expected, with gusts up to 75 on the coast.")
    assert numbers.missing("Gusts could reach 75 mph.", winds) == []
    # a speed spelled out is the speed's symbol, not a distance (read-33)
    scooters = numbers.stated("Scooters are limited to 15 miles per hour, and 8 mph downtown.")
    assert numbers.missing("Speeds are capped at 15 mph, and 8 mph downtown.", scooters) == []
    assert numbers.missing("Speeds are capped at 20 miles an hour.", scooters) == ["20"]
    assert numbers.missing("Trains run at 80 km per hour.", numbers.stated("at 80 kph")) == []
    # a unit the context names without counting it is left alone: "300 m", "a mile", "12 in."
    for context, claim in [
        ("The peak rises 300 m above a valley 300 km long.", "It rises 300 metres."),
        ("It weighs 500 g; the crate weighs 500 kg.", "It weighs 500 grams."),
        ("The path is a mile long, with a 1 km spur.", "The path is 1 mile long."),
        ("The screen is 12 in. wide and 12 cm deep.", "It has a 12-inch screen."),
    ]:
        assert numbers.missing(claim, numbers.stated(context)) == [], claim


@pytest.mark.parametrize(
    ("context", "claim"),
    [
        ("It cost $5 bn.", "It cost $5 billion."),
        ("She earns $85 k a year.", "She earns $85,000."),
        ("The city has 5 m residents.", "It has 5 million residents."),
        ("The fund raised $4.8m.", "It raised $4.8 million."),
    ],
)
def test_a_context_s_short_scale_counts_spaced_or_attached(context: str, claim: str) -> None:
    assert numbers.missing(claim, numbers.stated(context)) == []
    # "pounds" is money as often as weight; a range's lower end is measured too
    price = numbers.stated("It weighs 2 pounds, costs £40 and holds between 1 and 2 kilograms.")
    assert numbers.missing("It costs 40 pounds.", price) == []
    assert numbers.missing("It holds between 1 kilogram and 2 kilograms.", price) == []


def test_a_delay_of_one_in_a_unit_the_context_counts_otherwise() -> None:
    rescue = numbers.stated(
        "A helicopter crew spotted the flashes. A ground team reached them about three hours "
        "later. Both were treated for a day."
    )
    nothing = numbers.Stated()
    assert numbers.miscounted("A team reached them about an hour later.", nothing, rescue) == [
        "an hour"
    ]
    assert numbers.miscounted("They were treated a day later.", nothing, rescue) == []
    assert numbers.miscounted("They were seen a week later.", nothing, rescue) == []  # uncounted
    assert numbers.miscounted("They were found half an hour later.", nothing, rescue) == []
    # "open 24 hours" is no span a delay is measured against
    shop = numbers.stated("The shop is open 24 hours. It opened at 3 a.m.")
    assert numbers.miscounted("It opened an hour later.", nothing, shop) == []
    # an age is no span of years ("up from nine a year earlier" beside "a 29-year-old man")
    thefts = numbers.stated("Police arrested a 29-year-old man. Thefts rose to 31 from nine.")
    assert (
        numbers.miscounted("Thefts rose to 31, up from nine a year earlier.", nothing, thefts) == []
    )
    # read-54: a year before, of two years the context gives ("$8.9 million in the third quarter
    # of 2023" of 2024's results), beside "a five-year agreement"
    results = numbers.stated("Loss was $3.1 million, from $8.9 million in 2023. A five-year deal.")
    claim = "Loss was $3.1 million, against $8.9 million a year earlier."
    assert numbers.miscounted(claim, nothing, results) == ["a year"]
    results = numbers.stated(f"{results.text} Results for 2024.")
    assert numbers.miscounted(claim, nothing, results) == []


def test_an_added_clause_is_a_run_of_words_the_context_never_uses() -> None:
    words = set(lexical.content_words(ARTICLE))
    assert lexical.missing_span("Twenty-nine elephants live at the sanctuary.", words) == 0.0
    added = "Twenty-nine elephants live there, which experts say improves breeding outcomes."
    assert lexical.missing_span(added, words) == 5.0  # capped at SPAN_CAP
    assert lexical.missing_span("Nine hungry elephants live at the sanctuary.", words) == 1.0


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def runtime() -> AsyncIterator[GroundingRuntime]:
    opened = await GroundingRuntime.open(GroundingSettings(threads=1))
    yield opened
    await opened.close()


@pytest.mark.asyncio(loop_scope="module")
async def test_an_invented_number_fails_the_claim_the_model_entails(
    runtime: GroundingRuntime,
) -> None:
    docs = [Document("article", ARTICLE)]
    result = await runtime.engine.check(docs, "Each elephant costs over $65,000 a year.")
    assert result.verdict == "grounded"
    result = await runtime.engine.check(
        docs, "Each elephant costs over $65,000 a year, and the sanctuary employs 44 keepers."
    )
    (claim,) = result.claims
    assert claim.label != "supported"
    assert claim.driver in ("missing_numbers", "nli", "contradiction")
    assert claim.signals["missing_numbers"] == 0.5
    # the words of the number in the context count as the number
    result = await runtime.engine.check(docs, "29 elephants live at the sanctuary.")
    assert result.claims[0].signals["missing_numbers"] == 0.0


@pytest.mark.asyncio(loop_scope="module")
async def test_a_miscount_in_words_fails_its_claim(runtime: GroundingRuntime) -> None:
    docs = [Document("article", WRECK)]
    result = await runtime.engine.check(docs, "The schooner sank with eleven crew members aboard.")
    (claim,) = result.claims
    assert claim.label != "supported"
    assert claim.signals["miscounted"] == 1.0
    result = await runtime.engine.check(docs, "The schooner sank with seven crew members aboard.")
    assert result.claims[0].signals["miscounted"] == 0.0


SHOTS = (
    "Children receive DTaP in five doses, at 2, 4, and 6 months and at 4 through 6 years. "
    "If you have a deep or dirty wound and your last tetanus shot was more than 5 years ago, "
    "your doctor may recommend a booster. The film runs 2 hours and 50 minutes. Orders ship "
    "in 1-2 business days and can be returned within 30 days. Refunds take 14 days. I "
    "waited 3 minutes for my coffee. Striker Weber tore a calf muscle on Saturday and will "
    "miss 6 weeks. The penalty is 90 days of interest on CDs of 12 months or less. Hill "
    "missed 3 weeks with an ankle sprain in January. He missed 2 more weeks in February. "
    "One reviewer waited 20 minutes for food. Another waited 25 minutes on a Friday."
)


def passages(context: str) -> tuple[list[str], BM25]:
    """The context's sentences and their BM25 index, as the span and range rules take them."""
    units, bm25 = sentences(context)
    return [u.text for u in units], bm25


def misspanned(claim: str) -> list[str]:
    return numbers.misspanned(claim, *passages(SHOTS))


def test_a_span_the_restated_sentence_counts_otherwise_is_misspanned() -> None:
    # read-28: "2" is in the context, as months, so `missing` finds it
    claim = (
        "If you get a dirty wound and it has been more than 2 years since your last tetanus "
        "shot, your doctor may recommend a booster."
    )
    assert numbers.missing(claim, numbers.stated(SHOTS)) == []
    assert misspanned(claim) == ["2"]
    assert misspanned("I waited 8 minutes for my coffee.") == ["8"]
    # a clause that says little but its number is read with the one before it
    assert misspanned("Weber tore a calf muscle and will be out for 3 weeks.") == ["3"]
    # hours and minutes as one: 2 h 50 min is about 3 hours, not about 5
    assert misspanned("The film runs about 5 hours.") == ["5"]


@pytest.mark.parametrize(
    "claim",
    [
        "If your last tetanus shot was more than 5 years ago, you may need a booster.",
        "The film runs about 3 hours.",  # a rounding of hours and minutes
        "Refunds take 2 weeks.",  # another unit
        "Orders ship within 2 days, and you can return them within 30 days.",
        "I waited under 5 minutes for my coffee.",  # a bound the span keeps
        "The film was shown 3 times over 8 days.",  # a span the sentence does not count
        "A 6-month CD costs you 90 days of interest.",  # an example within the bound
        "Hill has missed 5 weeks in total this season.",  # a total, said as one
        "Reviewers report waits of 20 to 25 minutes for food.",  # a range of two sentences
    ],
)
def test_a_span_as_the_sentence_counts_it_is_not_misspanned(claim: str) -> None:
    assert misspanned(claim) == []


@pytest.mark.asyncio(loop_scope="module")
async def test_a_misspanned_claim_fails(runtime: GroundingRuntime) -> None:
    docs = [Document("leaflet", SHOTS)]
    claim = "Your doctor may recommend a booster if your last tetanus shot was more than {} ago."
    result = await runtime.engine.check(docs, claim.format("2 years"))
    assert (result.claims[0].label, result.claims[0].signals["miscounted"]) == ("unsupported", 1.0)
    result = await runtime.engine.check(docs, claim.format("5 years"))
    assert result.claims[0].signals["miscounted"] == 0.0


BAR = (
    "Happy hour runs 4-7 p.m. on weekdays, with $5 wings and $6 drafts. The kitchen closes "
    "at 10. On Saturday the Rovers won 2-1 after trailing at the half. In March the Rovers "
    "lost 5-3 at home. Tickets for the cup final cost $15 to $40. The quiz is for students "
    "in grades 9 through 12."
)


def misranged(claim: str) -> list[str]:
    return numbers.misranged(claim, *passages(BAR))


def test_a_range_the_restated_sentence_ends_otherwise_is_misranged() -> None:
    # read-33: "6" is in the context, as the drafts' price, so `missing` finds it
    claim = "Happy hour runs from 4-6 p.m. on weekdays."
    assert numbers.missing(claim, numbers.stated(BAR)) == []
    assert misranged(claim) == ["4-6"]
    assert misranged("On Saturday the Rovers won 3-1 after trailing at the half.") == ["3-1"]
    assert misranged("Cup final tickets cost between $15 and $30.") == ["between $15 and $30"]
    assert misranged("The quiz is open to students in grades 10 through 12.") == ["10 through 12"]
    assert misranged("The quiz is for students in grades 9-to-11.") == ["9-to-11"]
    # a year's second written short is the same range (review)
    season = passages("The 2019-2020 season ended early.")
    assert numbers.misranged("The 2019-20 season ended early.", *season) == []


@pytest.mark.parametrize(
    "claim",
    [
        "Happy hour runs 4 to 7 p.m. on weekdays.",
        "Happy hour is 4-7pm, with $5 wings.",
        "Cup final tickets cost between 15 and 40 dollars.",
        "The Rovers lost 3-5 at home in March.",  # a score the other way round
        "The kitchen is open 5-10.",  # a sentence with no range
        "Parking near the ground costs $4-6.",  # no sentence restates it
        "The Rovers won 2-1 on Saturday, and they lost 5-3 in March.",
    ],
)
def test_a_range_as_the_context_writes_it_is_not_misranged(claim: str) -> None:
    assert misranged(claim) == []


@pytest.mark.asyncio(loop_scope="module")
async def test_a_misranged_claim_fails(runtime: GroundingRuntime) -> None:
    docs = [Document("listing", BAR)]
    result = await runtime.engine.check(docs, "Happy hour runs 4-6 p.m. on weekdays.")
    assert (result.claims[0].label, result.claims[0].signals["miscounted"]) == ("unsupported", 1.0)
    result = await runtime.engine.check(docs, "Happy hour runs 4-7 p.m. on weekdays.")
    assert result.claims[0].signals["miscounted"] == 0.0


COUNCIL = (
    "The Brennock City Council voted 7\u20132 on Monday night to approve a network of protected "
    "bike lanes covering 14 miles of city streets. The two councillors who voted against said "
    "they worried about lost parking. The school board adopted its budget 9-0 on Tuesday. The "
    "library board backed the new hours, with two trustees voting no. The zoning panel "
    "unanimously rejected the tower plan."
)


def misvoted(claim: str) -> str | None:
    return numbers.misvoted(claim, *passages(COUNCIL))


@pytest.mark.parametrize(
    ("claim", "words"),
    [
        # read-39: "7-2" and "unanimously" share no number for the number rule to miss
        ("The Brennock City Council voted unanimously on Monday to approve a 14-mile network "
         "of protected bike lanes.", "unanimously"),
        ("The library board backed the new hours without dissent.", "without dissent"),
        ("The library board backed the new hours without objection.", "without objection"),
        ("The school board narrowly adopted its budget on Tuesday.", "narrowly adopted"),
        ("In a split vote, the zoning panel rejected the tower plan.", "split vote"),
    ],
)  # fmt: skip
def test_a_vote_said_unanimous_or_split_against_its_tally_is_misvoted(
    claim: str, words: str
) -> None:
    assert misvoted(claim) == words


def test_a_vote_whose_clause_merges_two_sentences_is_read_by_who_voted() -> None:
    # read-53: the clause's rest comes from the next sentence; who voted is restated in full
    curfew = (
        "The Lake Haven City Council voted 5-4 Monday night to impose a summer curfew for "
        "minors along the riverfront. The curfew bars anyone under 17 from the 14-block "
        "Riverfront District between 10 p.m. and 5 a.m."
    )
    claim = (
        "The Lake Haven City Council voted {} to impose a summer curfew that bars anyone "
        "under 17 from the 14-block Riverfront District after 10 p.m."
    )
    assert numbers.misvoted(claim.format("unanimously"), *passages(curfew)) == "unanimously"
    assert numbers.misvoted(claim.format("5-4"), *passages(curfew)) is None


@pytest.mark.parametrize(
    "claim",
    [
        "The school board unanimously adopted its budget on Tuesday.",  # 9-0
        "The zoning panel voted unanimously to reject the tower plan.",
        "The council narrowly approved a network of protected bike lanes covering 14 miles.",
        "The Brennock City Council voted on Monday to approve protected bike lanes.",
        "Residents were unanimous in their praise of the new park.",  # no sentence restates it
        # "narrowly" of no vote, beside a tally of the claim's own (a review helper's)
        "The school board adopted its budget 9-0, narrowly averting a shutdown.",
    ],
)
def test_a_vote_said_as_its_tally_has_it_is_not_misvoted(claim: str) -> None:
    assert misvoted(claim) is None


@pytest.mark.asyncio(loop_scope="module")
async def test_a_misvoted_claim_fails(runtime: GroundingRuntime) -> None:
    docs = [Document("article", COUNCIL)]
    claim = "The Brennock City Council {} approved protected bike lanes covering 14 miles."
    result = await runtime.engine.check(docs, claim.format("unanimously"))
    assert (result.claims[0].label, result.claims[0].signals["miscounted"]) == ("unsupported", 1.0)
    result = await runtime.engine.check(docs, claim.format("narrowly"))
    assert result.claims[0].signals["miscounted"] == 0.0


def mistimed(claim: str, context: str) -> str | None:
    return numbers.mistimed(claim, *passages(context))


HEATWAVE = (
    "Electricity demand hit an all-time high of 41.8 gigawatts at 7:15 p.m. on Tuesday. The "
    "operator asked households to avoid running dishwashers between 18:00 and 22:00. Cooling "
    "centres open at 9 a.m. and the first bus leaves at 6:40. The first ferry leaves Oban at 7 "
    "a.m., and the last one returns from Mull at 7 in the evening. The first screening is at "
    "8 a.m. for press, and the second is at 8 tonight for the public. The library opens at 9 "
    "a.m. and closes at 9 p.m. The first tour starts at 10 a.m. and the last tour starts at ten "
    "o'clock in the evening, by torchlight."
)


@pytest.mark.parametrize(
    ("claim", "time"),
    [
        # read-43: the same hour and minute, on the other side of noon
        ("Demand hit a record 41.8 GW at 7:15 a.m. on Tuesday.", "7:15 a.m."),
        ("Households were asked to avoid dishwashers from 6 a.m. to 10 p.m.", "6 a.m."),
        ("Cooling centres open at 9 p.m.", "9 p.m."),
        # the other time of the same sentence, said of the clause's event
        ("The library closes at 9 a.m.", "9 a.m."),
        ("The last ferry returns from Mull at 7 a.m.", "7 a.m."),
    ],
)
def test_a_time_of_day_on_the_other_side_of_noon_is_mistimed(claim: str, time: str) -> None:
    assert mistimed(claim, HEATWAVE) == time


@pytest.mark.parametrize(
    "claim",
    [
        "Demand hit a record at 7:15 p.m. on Tuesday.",
        "Households were asked to avoid dishwashers from 6 to 10 p.m.",
        "The first bus leaves at 6:40 a.m.",  # "6:40" could be either
        "Demand peaked in the evening, at about 7 p.m.",  # a time the context does not give
        # a review helper's: the same time in words, or the other time of another clause
        "The last ferry returns from Mull at 7 p.m.",
        "The public screening is at 8 p.m. on Friday.",
        "The last tour of the castle starts at 10 p.m., by torchlight.",
    ],
)
def test_a_time_of_day_the_context_places_so_or_not_at_all_is_not_mistimed(claim: str) -> None:
    assert mistimed(claim, HEATWAVE) is None


def test_a_time_of_day_the_sentence_does_not_place_is_not_mistimed() -> None:
    # r35: "after 6 p.m." of a review's "after 6", beside opening hours from 6 a.m.
    hours = "The gym is open from 6 a.m. to 11 p.m. on weekdays."
    review = "Reviewers say weeknights after 6 are very crowded at the gym."
    claim = "Weeknights after 6 p.m. are very crowded at the gym."
    assert mistimed(claim, f"{hours} {review}") is None
    assert mistimed("The gym is open from 6 p.m. to 11 p.m. on weekdays.", hours) == "6 p.m."


@pytest.mark.asyncio(loop_scope="module")
async def test_a_mistimed_claim_fails(runtime: GroundingRuntime) -> None:
    docs = [Document("article", HEATWAVE)]
    claim = "Electricity demand hit an all-time high of 41.8 gigawatts at 7:15 {} on Tuesday."
    result = await runtime.engine.check(docs, claim.format("a.m."))
    assert (result.claims[0].label, result.claims[0].signals["miscounted"]) == ("unsupported", 1.0)
    result = await runtime.engine.check(docs, claim.format("p.m."))
    assert result.claims[0].label == "supported"


def test_a_quantity_the_user_gave_is_no_number_for_the_context_to_state() -> None:
    users = numbers.given("My wife and I make about $3,500 a month. My son is 4 years old.")
    context = numbers.stated("The income limit is $3,970 for a household of two.")
    claim = "Your $3,500 is below the $3,970 limit."
    assert numbers.missing_share(claim, context) == 0.5
    assert numbers.missing_share(claim, context, users) == 0.0
    # the same number of something else is still the context's to state
    assert numbers.missing_share("Give no more than 4 doses a day.", context, users) == 1.0
    # read-50: "17" with no counted word on one side ("I'm 17 and thinking", "At 17, you're")
    age = numbers.given("I'm 17 and thinking about getting a Class 3 e-bike.")
    minimum = numbers.stated("Riders must be at least 16 years old.")
    claim = "At 17, you're old enough, since the minimum age is 16."
    assert numbers.missing_share(claim, minimum) == 0.5
    assert numbers.missing_share(claim, minimum, age) == 0.0
    # a span of the user's own ("7 years ago") is theirs, not a miscount of the sentence's
    shot = numbers.given("I cut my hand. My last tetanus shot was more than 7 years ago.")
    said = "Your last tetanus shot was more than 7 years ago, so a booster may be recommended."
    assert numbers.misspanned(said, *passages(SHOTS)) == ["7"]
    assert numbers.misspanned(said, *passages(SHOTS), shot) == []


@pytest.mark.parametrize(
    ("claim", "missing"),
    [
        # read-54: a floor said as a limit
        ("The storm left up to 18,000 customers without power.", ["18,000"]),
        ("At most 18,000 customers lost power.", ["18,000"]),
        # the bound the context gives, or none, or a comparison with a threshold
        ("More than 18,000 customers lost power.", []),
        ("About 18,000 customers lost power.", []),
        ("Bags weigh no more than 8 kg.", []),  # "no more than" is no floor
        ("Up to 140 lines came down.", []),  # the context also states 140 plainly
        ("Riders under 16 need a permit.", []),
    ],
)
def test_a_floor_said_as_a_limit_is_missing(claim: str, missing: list[str]) -> None:
    context = numbers.stated(
        "The storm left at least 18,000 customers without power and brought down 140 lines, "
        "at least 140 by Tuesday. Bags weigh no more than 8 kg. Riders must be at least 16."
    )
    assert numbers.missing(claim, context) == missing


@pytest.mark.parametrize(
    ("claim", "missing"),
    [
        # read-35: a year told from another in its sentence
        ("The village was flooded in 1965.", []),
        ("The canal closed in 1889.", []),
        ("The village was flooded in 1966.", ["1966"]),
        ("The dam was completed in 1961.", ["1961"]),
        # from a year written before it, across a sentence (a review helper's)
        ("The firm went public in 2006.", []),
        ("The firm went public in 1997.", ["1997"]),
        ("The school closed in 1976.", []),
    ],
)
def test_a_year_told_from_another_is_stated(claim: str, missing: list[str]) -> None:
    context = (
        "Ashby Mill was evacuated in 1964 and flooded the following year when the dam was "
        "completed. The mill opened in 1890, and a year earlier the canal closed. Founded in "
        "1990, the firm moved to Boston in 2005 and went public the following year. The "
        "school was built in 1975. A year later, it closed."
    )
    assert numbers.missing(claim, numbers.stated(context)) == missing


def test_a_count_given_with_words_between_elsewhere_is_not_misspanned() -> None:
    # read-42: "its 11 magnet programs" counts the programs of "three of the 11 programs"
    context = (
        "Brookfield will open applications for its 11 magnet programs. Families may rank up to "
        "three programs."
    )
    claim = "Families rank up to three of the {} programs."
    assert numbers.misspanned(claim.format(11), *passages(context)) == []
    assert numbers.misspanned(claim.format(12), *passages(context)) == ["12"]


@pytest.mark.parametrize(
    ("claim", "miscounted"),
    [
        # read-36: an exact count of a thing the restated sentence counts otherwise
        ("The party had a private table for 15 kids.", ["15"]),
        ("An 10-pound bone-in shoulder can take 12 to 16 hours.", ["10"]),
        # as the sentence counts it; hedged; a bound the sentence sets; a year; no noun
        ("The party had a private table for 10 kids.", []),
        ("The party had a private table for about 12 kids.", []),
        ("Up to 14 guests can join a party.", []),
        ("The party room opened in 2019 after a fire.", []),
        ("The party had a private table for 15.", []),
        # money, a scale, a share; a count another sentence gives (bench r23, r24, r32)
        ("The party room renovation cost $3.4 million.", []),
        ("Party bookings rose 9 percent.", []),
        ("Maya scored 27 points in the party game.", []),
        # a count updated bare; a number in a name; money beside (a third review's)
        ("The party drew 60 guests.", []),
        ("All iPhone 15 models were handed out at the party.", []),
        ("The party room was booked for 15 kids.", ["15"]),
        # the count in words, or bare in the sentence ("by 11 early in the third quarter")
        ("Guests may take 6 tablets a day at the party.", []),
        ("The team came back from an 11-point deficit at the party game.", []),
    ],
)
def test_a_count_the_restated_sentence_gives_otherwise_is_misspanned(
    claim: str, miscounted: list[str]
) -> None:
    context = (
        "The birthday party had a private table for 10 kids. So an 8-pound bone-in shoulder "
        "can take 12 to 16 hours. Up to 12 guests can join a party. The party room opened "
        "in 2018 after a fire. The party room renovation cost $2.1 million. Party bookings "
        "rose 4 percent. Maya scored 12 points in the party game. She scored 27 points in all. "
        "The party drew 40 guests at first; by nightfall the count had risen to 60. All iPhone "
        "14 models were handed out at the party. The party room was booked for 10 kids at $15. "
        "Guests may take six tablets a day at the party. At the party game the team trailed by "
        "11 early in the third quarter."
    )
    assert numbers.misspanned(claim, *passages(context)) == miscounted


@pytest.mark.parametrize(
    ("claim", "miscounted"),
    [
        # counts bound to the other thing of the same sentence, which the claim names too
        ("The shelter took in 40 dogs and 25 cats after the raid.", ["40", "25"]),
        ("The crash injured 12 passengers and 3 crew members.", ["12", "3"]),
        ("The clinic hired 4 doctors and 2 nurses on Monday.", ["4", "2"]),
        # one the claim does not name may be its thing in other words (a review helper's:
        # "killed 3 people" of "killed three workers and injured 17 people")
        ("The shelter took in 40 dogs after the raid.", []),
        ("The clinic hired 4 doctors on Monday.", []),
        ("The fire killed 3 people and injured 17 others.", []),
        # as the sentence binds them, in either order or in words; a thing it does not count
        ("The shelter took in 40 cats and 25 dogs after the raid.", []),
        ("The shelter took in 25 dogs after the raid.", []),
        ("The shelter took in 40 animals after the raid.", []),
        ("The crash injured 12 crew members and 3 passengers.", []),
        # the number after no thing: "40 more", "40 remained", "another 12 were"
        ("Another 40 dogs arrived on Friday.", []),
        ("By Sunday 30 dogs remained at the shelter.", []),
        ("The clinic's 12 staff include 4 nurses.", []),
    ],
)
def test_a_count_the_sentence_gives_to_another_thing_is_misspanned(
    claim: str, miscounted: list[str]
) -> None:
    context = (
        "The shelter took in 25 dogs and 40 cats after the raid. On Friday 40 more arrived. "
        "By Sunday 30 remained at the shelter. The crash injured 3 passengers and 12 crew "
        "members. The clinic hired two doctors and four nurses on Monday. The clinic has 12 "
        "staff, 4 of them nurses. The fire killed three workers and injured 17 people."
    )
    assert numbers.misspanned(claim, *passages(context)) == miscounted


@pytest.mark.parametrize(
    ("claim", "missing"),
    [
        # read-37: money the context writes in words, with its scale
        ("The deal will cost about $38 million.", []),
        ("The event raised $4.7 million for charity.", []),
        ("The largest gift, $380,000, went to the hospital.", []),
        ("The state provided £120 million of the funding.", []),
        ("The bid was worth €640 million.", []),
        ("The deal will cost $39 million.", ["39"]),
        # a scaled amount rounds the context's at its last digit, no more
        ("The event raised $4.8 million for charity.", ["4.8"]),
        ("The event raised $4.6 million for charity.", ["4.6"]),
        ("The city won an $8.3 million grant.", []),
        ("The budget is $38 billion in US dollars.", []),
        ("Ticket sales brought in $2.6 billion.", []),
        ("Ticket sales brought in $3 billion.", []),
        ("Ticket sales brought in $2.7 billion.", ["2.7"]),
        ("The region has 1.2 million residents.", []),
        ("The region has 1.3 million residents.", ["1.3"]),
        ("The region has about 1.3 million residents.", []),
        # pounds of weight are no money
        ("The shoulder weighed 10 pounds.", []),
    ],
)
def test_money_in_words_and_scaled_amounts_round_at_their_last_digit(
    claim: str, missing: list[str]
) -> None:
    context = numbers.stated(
        "The added cost is estimated at 38 million dollars. The event raised 4.7 million "
        "dollars, with 380,000 dollars going to the hospital. The government gave 120 million "
        "pounds and the bid was 640 million euros. Ticket sales brought in $2.64 billion. The "
        "region has 1,234,000 residents. A 10-pound shoulder. The city won a grant of $8.25 "
        "million. The budget is 38 billion US dollars."
    )
    assert numbers.missing(claim, context) == missing


TICKETS = "Admission: adults EUR 14; children aged 6-17 EUR 8; children under 6 free."
MEASURES = (
    "Measure L, a $28 million bond to replace the 1962 main library, passed with 58 percent "
    "of the vote. Measure P, a $12 million property tax levy for park maintenance, failed."
)
PLANT = "The plant employs 45 engineers and 120 technicians, and its 3 lines run 24 hours."
EARNINGS = (
    "Sales volumes, which measure items sold, declined 2 percent. The frozen-meals division, "
    "which makes up half of revenue, posted a 4 percent drop in volume, while snacks grew 1 "
    "percent. Frozen meals had fallen 2 percent a year earlier."
)


@pytest.mark.parametrize(
    ("context", "claim", "traded"),
    [
        # read-38: two numbers traded between what is said around them
        (TICKETS, "Admission is EUR 8 for adults and EUR 14 for children aged 6 to 17.",
         ("8", "14")),
        (MEASURES, "Voters approved Measure L, a $12 million bond to replace the main library, "
         "but rejected Measure P, a $28 million parks levy.", ("12", "28")),
        (PLANT, "The plant employs 120 engineers and 45 technicians.", ("45", "120")),
        # as the context says them, in other words or order; times of day
        (TICKETS, "Admission is EUR 14 for adults and EUR 8 for children aged 6 to 17.", None),
        (MEASURES, "Voters approved a $28 million library bond but rejected a $12 million "
         "parks levy.", None),
        (PLANT, "The plant employs 120 technicians and 45 engineers.", None),
        (EARNINGS, "Sales volumes slipped 2 percent, with frozen meals down 4 percent and "
         "snacks up 1 percent.", None),
        ("Open 8 a.m. to 5 p.m. Monday; 10 a.m. to 7 p.m. Thursday.",
         "It opens at 10 a.m. on Monday and 8 a.m. on Thursday.", None),
    ],
)  # fmt: skip
def test_two_numbers_traded_between_what_is_said_around_them_are_caught(
    context: str, claim: str, traded: tuple[str, str] | None
) -> None:
    assert numbers.traded_values(claim, numbers.Around([context])) == traded


@pytest.mark.parametrize(
    ("claim", "premise"),
    [
        # read-37: amounts in words written with the claim's signs
        ("A £250,000 hardship fund offers £500 per flooded household.",
         "The council set up a hardship fund of £250,000, with payments of £500 per household."),
        ("The repairs cost $86 million.",
         "The council set up a hardship fund of 250,000 pounds, with payments of 500 pounds "
         "per household."),
        # amounts the claim does not write with a sign stay in words
        ("The fund holds 250,000 pounds.",
         "The council set up a hardship fund of 250,000 pounds, with payments of 500 pounds "
         "per household."),
    ],
)  # fmt: skip
def test_amounts_in_words_are_written_with_the_claim_s_signs(claim: str, premise: str) -> None:
    sentence = (
        "The council set up a hardship fund of 250,000 pounds, with payments of 500 pounds "
        "per household."
    )
    assert numbers.as_claimed(sentence, claim) == premise


def test_a_scaled_amount_beside_money_is_money() -> None:
    # read-37: "cost 86 million dollars, about 9 million more than budgeted"
    context = numbers.stated(
        "The repairs cost 86 million dollars, about 9 million more than budgeted. The region "
        "has 4 million residents."
    )
    assert numbers.missing("The repairs ran $9 million over budget.", context) == []
    assert numbers.missing("The project cost $4 million more.", context) == ["4"]


def test_a_share_in_words_is_a_share() -> None:
    # read-42: "Forty-six percent of students" opens its sentence in words
    context = numbers.stated("Forty-six percent of students passed, up from 41 percent.")
    assert numbers.missing("The pass rate rose from 41 to 46 percent.", context) == []
    assert numbers.missing("The pass rate rose to 47 percent.", context) == ["47"]


@pytest.mark.parametrize(
    ("claim", "plain"),
    [
        # read-39: the model read the stress as a contradiction (0.97, and 0.02 without it)
        ("The lot only holds about 30 cars.", "The lot holds about 30 cars."),
        ("The hotel has only 12 rooms.", "The hotel has 12 rooms."),
        ("The course only runs for six weeks.", "The course runs for six weeks."),
        ("It is just a few minutes from the station.", "It is a few minutes from the station."),
        # exclusiveness of no quantity, and a subject's count, stay
        ("It only opens on weekends.", "It only opens on weekends."),
        ("You lift it only at the one bureau the issuer uses.",
         "You lift it only at the one bureau the issuer uses."),
        ("Only one reviewer complained.", "Only one reviewer complained."),
        ("The food is fine, but only two staff were on.",
         "The food is fine, but only two staff were on."),
    ],
)  # fmt: skip
def test_only_before_a_quantity_is_not_judged(claim: str, plain: str) -> None:
    assert numbers.unstressed(claim) == plain


@pytest.mark.parametrize(
    ("claim", "missing"),
    [
        # read-40: sums and differences a claim says it works out
        ("Two grants together cover £3.5 million.", []),
        ("The closures cut 350 jobs across the two towns.", []),
        ("The grinder has 40 settings in total.", []),
        ("Entry costs £45, or £7 less for affiliated club members.", []),
        # wrong sums and differences are still missing
        ("Two grants together cover £3.6 million.", ["3.6"]),
        ("The closures cut 360 jobs across the two towns.", ["360"]),
        ("Entry costs £45, or £8 less for affiliated club members.", ["8"]),
        # no word of a sum: a number the context never states
        ("The two grants cover £3.5 million.", ["3.5"]),
        # "total" of no sum (read-6): 350 is no number of the context's
        ("Exceptions include total disability and leaving at 350.", ["350"]),
        # a difference of counts only within one sentence: most small numbers are one of two
        # of a long context's
        ("The closures cut 90 more jobs at Carrick than at Elsby.", []),
        ("The closures cut 188 more jobs at Carrick than there are grind settings.", ["188"]),
        # read-50: an amount taken as many times as the claim's count, in a sum
        ("For four people it is the $15 fee plus $5 per person, so $35 in total.", []),
        ("For four people it is the $15 fee plus $5 per person, so $40 in total.", ["40"]),
        ("It is the $15 fee plus $5 per person, so $35 in total.", ["35"]),
        ("Four people pay $5 per person, $20 in total.", []),
        ("Four people pay $5 per person, $28 in total.", ["28"]),
    ],
)
def test_a_sum_or_difference_the_claim_says_it_works_out_is_found(
    claim: str, missing: list[str]
) -> None:
    context = numbers.stated(
        "The museum has been awarded £2.1 million by the National Heritage Fund, after a £1.4 "
        "million commitment from the council. The company said 220 jobs would go at Carrick, "
        "with a further 130 at Elsby. It shipped with 32 grind settings; firmware 2.1 adds 8. "
        "Entry costs £45, or £38 for affiliated club members. A $15 reservation fee applies, "
        "plus $5 per person."
    )
    assert numbers.missing(claim, context) == missing


def test_an_amount_in_words_with_its_currency_is_money() -> None:
    # read-40: "two dollars off drafts" is "$2 off drafts"; "two pounds" may be a weight
    context = numbers.stated(
        "Happy hour runs until 6 on weekdays with two dollars off drafts. The loaf weighs three "
        "pounds."
    )
    assert numbers.missing("Drafts are $2 off during happy hour.", context) == []
    assert numbers.missing("Drafts are $3 off during happy hour.", context) == ["3"]
    assert numbers.missing("The loaf costs £3.", context) == ["3"]


@pytest.mark.parametrize(
    ("premise", "claim", "read"),
    [
        # read-40: 24-hour times written as the claim writes them
        ("It closed the quay from Friday at 18:00 until the warning is lifted.",
         "The quay closes from 6 p.m. on Friday.",
         "It closed the quay from Friday at 6 p.m. until the warning is lifted."),
        ("The doors open at 09:30 and close at 17:30.",
         "It is open from 9:30 a.m. to 5:30 p.m.",
         "The doors open at 9:30 a.m. and close at 5:30 p.m."),
        ("Doors 12:00, last entry 23:30.", "Doors open at noon.", "Doors noon, last entry 23:30."),
        # times the claim does not write, and times with their own a.m./p.m., stay
        ("The doors open at 09:30 and close at 17:30.", "It opens at 10 a.m.",
         "The doors open at 09:30 and close at 17:30."),
        ("Open 9:30 am to 5:30 pm.", "It is open from 9:30 a.m.", "Open 9:30 am to 5:30 pm."),
    ],
)  # fmt: skip
def test_times_of_day_are_written_as_the_claim_writes_them(
    premise: str, claim: str, read: str
) -> None:
    assert numbers.as_claimed(premise, claim) == read


def test_a_worked_out_difference_of_shares_is_no_miscount() -> None:
    # read-45, read-46: "up 6.4 percentage points" of 18.2 and 24.6 percent is no count
    context = (
        "The office vacancy rate climbed to a record 24.6 percent in the third quarter, up "
        "from 18.2 percent a year earlier."
    )
    claim = (
        "The vacancy rate hit a record 24.6 percent, up 6.4 percentage points from a year earlier."
    )
    assert numbers.misspanned(claim, *passages(context)) == []


def test_a_change_worked_out_between_the_claims_own_numbers_is_found() -> None:
    # read-45: "a reduction of 265" of 410 and 145, both the claim's and the context's
    context = numbers.stated("Cancellations fell from 410 to 145 over the same period.")
    assert (
        numbers.missing("Cancellations dropped from 410 to 145, a reduction of 265.", context) == []
    )
    # a wrong one, or one of numbers the claim does not give, is missing
    assert numbers.missing(
        "Cancellations dropped from 410 to 145, a reduction of 295.", context
    ) == ["295"]
    # of numbers the claim does not give: found when one context sentence gives both
    assert numbers.missing("Cancellations fell to 145, a reduction of 265.", context) == []
    apart = numbers.stated("Cancellations were 410 in May. By June they were 145.")
    assert numbers.missing("Cancellations fell to 145, a reduction of 265.", apart) == ["265"]
    # read-46: a sum the claim says it makes of its own numbers
    banks = numbers.stated(
        "Harbour needs 1.2 billion, Corvane 900 million and Lindell 400 million."
    )
    claim = "They need {} billion between them: 1.2 billion, 900 million and 400 million."
    assert numbers.missing(claim.format("2.5"), banks) == []
    assert numbers.missing(claim.format("2.9"), banks) == ["2.9"]


@pytest.mark.parametrize(
    ("claim", "missing"),
    [
        # read-47, read-48: a difference of two numbers of one sentence, said as a change
        ("Enrollment has fallen by roughly 3,500 students since 2015.", []),
        ("Peak viewership hit 1.8 million, 500,000 more than last year.", []),
        ("Base funding rises by $650.", []),
        ("Enrollment has fallen by roughly 4,200 students since 2015.", ["4,200"]),
        # without a word of change, a difference is no number of the context's, nor a bound
        # (read-16: "more than 2,000 residents" of no number)
        ("Some 3,500 students attend the district's schools.", ["3,500"]),
        ("Enrollment fell as more than 3,000 students left.", ["3,000"]),
        # a difference said with "fewer"; "up" of no amount says no change (a review helper's)
        ("The district has 3,500 fewer students than in 2015.", []),
        ("Filling up the 14,900 seats, 3,500 fans came.", ["3,500"]),
        # read-47: a share's part of a number of its sentence
        ("The study follows 1,200 workers, about 300 of whom wear sensors.", []),
        # a half of a period, a quarter of a year, a third year are no shares (review helpers')
        ("Revenue reached $1.2 billion.", ["1.2"]),
        ("Quarterly revenue was $3 million.", ["3"]),
        ("Sales fell to 6,000 units.", ["6,000"]),
        ("The study follows 1,200 workers, about 400 of whom wear sensors.", ["400"]),
        # read-45: a difference of two shares of a sentence, in percentage points
        ("Vacancy hit 24.6 percent, up 6.4 percentage points.", []),
        ("Vacancy hit 24.6 percent, up 5.4 percentage points.", ["5.4"]),
    ],
)
def test_a_number_worked_out_within_one_sentence_is_found(claim: str, missing: list[str]) -> None:
    context = numbers.stated(
        "District enrollment has dropped from 18,400 students in 2015 to about 14,900 this "
        "year. Peak viewership reached 1.8 million concurrent viewers, up from 1.3 million at "
        "last year's event. The formula raises the base allocation from $7,250 to $7,900. "
        "The project will follow 1,200 farmworkers, fitting about a quarter of them with "
        "sensors. Revenue in the first half was $2.4 billion. Revenue in the quarter was $4.0 "
        "million. Sales fell for a third straight year to 9,000 units. Vacancy rose to 24.6 "
        "percent, up from 18.2 percent a year earlier."
    )
    assert numbers.missing(claim, context) == missing


@pytest.mark.parametrize(
    ("claim", "wrong"),
    [
        # read-47, read-48: a share in words its own numbers do not make
        ("The $410 million project was financed by a $150 million bond, covering nearly half "
         "of the cost.", "nearly half of"),
        ("Berth 14 employs 140 people, about a third of the roughly 310 at Berth 9.",
         "about a third of"),
        # read-48: a change in percent its two numbers do not make
        ("The harvest will fall to 1.2 million tonnes from 2.0 million last year, a 60% drop.",
         "60% drop"),
        ("Revenue rose 20% to $5.6 billion from $5.0 billion.", "rose 20%"),
        # right ones
        ("The $410 million project was financed by a $150 million bond, covering more than a "
         "third of the cost.", None),
        ("Berth 14 employs 140 people, nearly half of the roughly 310 at Berth 9.", None),
        ("The harvest will fall to 1.2 million tonnes from 2.0 million last year, a 40% drop.",
         None),
        ("Revenue rose 12% to $5.6 billion from $5.0 billion.", None),
        ("Revenue rose about 11% to $5.6 billion from $5.0 billion.", None),
        # no whole to read it against, or more numbers than a change's two, a date, a label,
        # an ordinal or a count of other things as the part (a review helper's)
        ("The bond covers nearly half of the cost.", None),
        ("On March 14, about a third of the plant's 600 hourly workers voted to strike.", None),
        ("Now in its 12th year, the fair draws about a quarter of the county's 80,000 "
         "residents.", None),
        ("The 3 largest chains operate about half of the region's 1,100 grocery stores.", None),
        ("In Ward 3, nearly half of the 9,000 ballots were mailed.", None),
        ("Ridership on Route 12 fell about 20%, to 8,400 daily riders.", None),
        ("During the 6-month pilot, about a third of the 300 participants dropped out.", None),
        ("By day 3 of the strike, about half of the 1,600 workers had returned.", None),
        ("Ridership grew from 1,450 to 2,300, a roughly 60% increase.", None),
        ("Sales of 300 units rose 60% in 2023 to 900 units from 500 units.", None),
    ],
)  # fmt: skip
def test_a_share_the_claims_numbers_do_not_make_is_misshared(claim: str, wrong: str | None) -> None:
    assert numbers.misshared(claim, numbers.stated("An unrelated context.")) == wrong


def test_a_share_the_context_says_itself_is_not_misshared() -> None:
    claim = (
        "The $410 million project was financed by a $150 million bond, covering nearly half "
        "of the cost."
    )
    context = numbers.stated("A $150 million bond covers nearly half of the cost.")
    assert numbers.misshared(claim, context) is None
    change = "The harvest will fall to 1.2 million tonnes from 2.0 million, a 60% drop."
    assert numbers.misshared(change, numbers.stated("Output falls 60 percent.")) is None


@pytest.mark.parametrize(
    ("claim", "wrong"),
    [
        ("It found nearly half of the 1,240 school buses overdue.", "nearly half of"),
        ("It found about a quarter of the buses it reviewed overdue.", "about a quarter of"),
        ("It found more than a third of the 1,240 school buses overdue.", None),
        ("It found about a third of the buses it reviewed overdue.", None),
        ("Nearly half of the districts were late.", None),  # no percent of districts given
    ],
)
def test_a_share_in_words_of_a_whole_the_context_gives_a_percent_of(
    claim: str, wrong: str | None
) -> None:
    # read-54: the audit's 36% said as "nearly half"
    audit = numbers.stated(
        "The audit found that 36% of the 1,240 school buses it reviewed across 58 districts "
        "were overdue for a safety check."
    )
    assert numbers.misshared(claim, audit) == wrong
    # the percent in words, as the article wrote it
    worded = numbers.stated("Thirty-six percent of the 1,240 school buses it reviewed were late.")
    assert numbers.misshared(claim, worded) == wrong


@pytest.mark.asyncio(loop_scope="module")
async def test_a_misshared_claim_fails(runtime: GroundingRuntime) -> None:
    docs = [
        Document(
            "article",
            "The wheat harvest is forecast at 1.2 million tonnes, down from 2.0 million tonnes "
            "last year, after the driest winter on record.",
        )
    ]
    claim = "The harvest will fall to 1.2 million tonnes from 2.0 million last year, a {} drop."
    result = await runtime.engine.check(docs, claim.format("60%"))
    assert result.claims[0].label != "supported"
    assert result.claims[0].signals["miscounted"] == 1.0
    result = await runtime.engine.check(docs, claim.format("40%"))
    assert result.claims[0].signals["miscounted"] == 0.0


def test_a_count_in_words_the_user_gave_is_no_miscount() -> None:
    # read-52: "At four years old, your dishwasher …" of "My dishwasher is about four years old"
    sentence = numbers.stated("Parts and labor are covered for two years from purchase.")
    claim = "At four years old, your dishwasher is past the two-year parts-and-labor coverage."
    users = numbers.given("My dishwasher is about four years old. Will the warranty pay?")
    assert numbers.miscounted(claim, sentence, sentence) == ["four"]
    assert numbers.miscounted(claim, sentence, sentence, users) == []


FEES = (
    "A replacement fob costs $40. A replacement mailbox key costs $15 and requires a lock "
    "change. The fire department's budget rises 6.8 percent to $71.5 million, largely to "
    "staff a new station. The police department's budget grows 3.1 percent to $96.2 million. "
    "The standard plan covers personal property up to $50,000. The premier plan covers "
    "personal property up to $100,000. Revenue for the third quarter was $48.2 million, up "
    "from $45.6 million in the second quarter. For the fourth quarter of 2024, Tessaline "
    "expects revenue of $50.0 million."
)


@pytest.mark.parametrize(
    ("claim", "misplaced"),
    [
        # read-52: a price or a share the context gives another thing
        ("A replacement building fob costs $15.", "$15"),
        ("The fire department's budget rises 3.1 percent, mainly to staff a new station.", "3.1"),
        ("The police department's budget grows 6.8 percent.", "6.8"),
        # as the context gives them; a figure it never gives (the number rule's); two figures
        # compared in one clause; a clause that says too little beside its figure
        ("A replacement fob costs $40.", None),
        ("The police department's budget grows 3.1 percent to $96.2 million.", None),
        ("A replacement fob costs $45.", None),
        ("Personal property is covered to $100,000 instead of $50,000.", None),
        ("It costs $15.", None),
        # read-54: the figure's own sentence restates the claim's whole sentence better
        ("In the third quarter of 2024, Tessaline's revenue reached $48.2 million, up from "
         "$45.6 million in the second quarter.", None),
    ],
)  # fmt: skip
def test_a_figure_the_context_gives_another_thing_is_misplaced(
    claim: str, misplaced: str | None
) -> None:
    units, bm25 = sentences(FEES)
    assert numbers.misplaced(claim, [u.text for u in units], bm25) == misplaced


@pytest.mark.asyncio(loop_scope="module")
async def test_a_misplaced_figure_fails_its_claim(runtime: GroundingRuntime) -> None:
    docs = [Document("rules", FEES)]
    result = await runtime.engine.check(docs, "A replacement building fob costs $15.")
    assert result.claims[0].label != "supported"
    assert result.claims[0].signals["miscounted"] == 1.0
    result = await runtime.engine.check(docs, "A replacement building fob costs $40.")
    assert result.claims[0].signals["miscounted"] == 0.0


@pytest.mark.parametrize(
    ("claim", "wrong"),
    [
        ("When it opened it was Vessland's third-longest canal.", "third-longest"),
        ("Aldby is the 2nd busiest port in the country.", "2nd busiest"),
        ("When it opened it was Vessland's second longest canal.", None),
        ("Aldby is the third-busiest port in the country.", None),
        ("It is the second-largest lake in the state.", None),  # no rank by "largest" given
        ("The third request came in May.", None),  # "request" is no superlative
    ],
)
def test_a_rank_by_a_superlative_the_context_gives_otherwise_is_misranked(
    claim: str, wrong: str | None
) -> None:
    # read-53: "second-longest" said "third-longest"
    context = (
        "It was Vessland's second-longest canal. Aldby is the 3rd busiest port. The second "
        "request came in April."
    )
    assert numbers.misranked(claim, context) == wrong


@pytest.mark.parametrize(
    ("claim", "wrong"),
    [
        ("Processing takes 10 business days after we receive your form.", "10 business days"),
        ("Processing takes 15 business days after we receive your form.", "15 business days"),
        ("Processing takes at least 10 business days after we receive your form.", None),
        ("Processing takes up to 15 business days after we receive your form.", None),
        ("Processing takes 10 to 15 business days after we receive your form.", None),
        ("Ardmore scored 3 goals to win in overtime.", None),  # a score is no range
        ("Happy hour has $6 draft beers.", None),  # hours, not a sum
    ],
)
def test_one_end_of_a_range_said_alone_is_narrowed(claim: str, wrong: str | None) -> None:
    # read-53: "10 to 15 business days" said "10 business days"
    context = (
        "Processing takes 10 to 15 business days after we receive your form. Ardmore won 3-1 "
        "in overtime. Happy hour 4-6 has $6 draft beers."
    )
    assert numbers.narrowed(claim, *passages(context)) == wrong


@pytest.mark.parametrize(
    ("claim", "wrong"),
    [
        ("A tandem kayak rents for $30 an hour per person.", "perso"),  # read-53
        ("A tandem kayak rents for $30 an hour per boat.", None),
        ("The tour is $49 per guest.", None),  # a person, in other words
        ("The sampler costs $55 per person.", None),  # "each": of whatever it counts
        ("An overdraft transfer costs $10 per transfer.", None),  # once with no unit
    ],
)
def test_an_amount_charged_by_another_thing_than_the_contexts_is_rerated(
    claim: str, wrong: str | None
) -> None:
    context = (
        "Rented a tandem kayak, $30 per hour for the boat with life jackets included. The "
        "sunset tour was $49 per person. The sampler is $55 each for two hours. Each "
        "Overdraft Transfer costs $10. Refunds of up to $10 per statement cycle."
    )
    assert numbers.rerated(claim, context) == wrong


@pytest.mark.parametrize(
    ("context", "claim"),
    [
        # read-53: "an hour and a half" is "90 minutes"
        ("Booked a lane for $28 per person for an hour and a half.", "It cost $28 for 90 minutes."),
        ("The wait was half an hour.", "The wait was 30 minutes."),
        ("The tour takes 90 minutes.", "The tour takes 1.5 hours."),
        ("The class runs two hours.", "The class runs 120 minutes."),
    ],
)
def test_a_span_in_hours_is_one_in_minutes(context: str, claim: str) -> None:
    assert numbers.missing(claim, numbers.stated(context)) == []
    assert numbers.missing(claim, numbers.stated("The wait was an hour.")) != []


def test_a_long_list_of_numbers_is_read_in_one_pass() -> None:
    # a review helper's: the list before the "5" ("1,2,…,40", a code, no number) is read
    # once, not split every way (which took minutes at 30 numbers)
    draw = ",".join(str(n) for n in range(1, 41))
    found = numbers.claimed(f"The numbers drawn were {draw} this week, and 5 people won.")
    assert [raw for raw, *_ in found] == ["5"]


def test_a_span_read_as_minutes_is_no_other_figure() -> None:
    # a review helper's: "3 hours" is 180 minutes, not 180 tickets
    festival = numbers.stated("The festival lasts 3 hours and sold 150 tickets.")
    assert numbers.missing("It sold 180 tickets.", festival) == ["180"]
    assert numbers.missing("It lasts 180 minutes.", festival) == []
