"""A record's yes/no fields, and the clauses of a claim that state them, checked without the
model (`groundrail.grounding.attributes`)."""

from __future__ import annotations

import json

import pytest

from conftest import local_engine
from groundrail.grounding.attributes import check, clauses, unlisted, vocabulary
from groundrail.grounding.context import from_options
from groundrail.grounding.records import Record, read

# the raw Yelp way: Python literals in strings
CAFE = {
    "name": "Harbor Light Cafe",
    "address": "40 Front Street",
    "city": "Tampa",
    "state": "FL",
    "categories": "Cafes, Breakfast & Brunch",
    "attributes": {
        "RestaurantsTakeOut": "True",
        "RestaurantsDelivery": "False",
        "RestaurantsReservations": False,
        "OutdoorSeating": True,
        "WiFi": "u'free'",
        "Alcohol": "u'none'",
        "GoodForKids": "True",
        "HasTV": "False",
        "RestaurantsPriceRange2": "1",
        "BusinessParking": "{'garage': False, 'street': False, 'lot': True}",
        "GoodForMeal": "{'breakfast': True, 'brunch': False, 'dinner': False}",
    },
    "business_stars": 4.5,
}


def record() -> Record:
    found = read(json.dumps(CAFE))[1]
    assert found is not None
    return found


def test_a_records_yes_no_fields_are_its_attributes() -> None:
    attributes: dict[tuple[tuple[str, ...], str], tuple[bool, str]] = {}
    for a in record().attributes:  # the field's own value comes before those it rules out
        attributes.setdefault((a.path, a.name), (a.present, a.value))
    assert attributes[(("attributes",), "restaurants delivery")] == (False, "")
    assert attributes[(("attributes",), "wifi")] == (True, "free")
    assert attributes[(("attributes",), "alcohol")] == (False, "")
    assert attributes[(("attributes", "business parking"), "lot")] == (True, "")
    assert attributes[(("attributes",), "restaurants price range")][1].startswith("inexpensive")
    # the record's own fields name it; numbers and times are no yes/no
    assert not any(a.name in ("name", "city", "business stars") for a in record().attributes)
    assert {"harbor", "tampa", "cafes", "brunch"} <= record().names
    # what the evidence quotes is in the linearised text
    text = read(json.dumps(CAFE))[0]
    assert all(a.stated in text for a in record().attributes)


def test_clauses_carry_their_polarity_through_a_list() -> None:
    claim = (
        "The cafe offers takeout but not delivery, does not take reservations, "
        "and has no TV or WiFi"
    )
    found = [(claim[c.start : c.end], c.negated) for c in clauses(claim)]
    assert found == [
        ("The cafe offers takeout", False),
        ("but not delivery", True),
        ("does not take reservations", True),
        ("and has no TV", True),
        ("or WiFi", True),  # "or" after a negation carries it
    ]


@pytest.mark.parametrize(
    ("claim", "polarity"),
    [
        # a bare item after a negated one may be either: left to the model
        ("It has no TV, outdoor seating", [True, None]),
        ("It doesn't deliver", [True]),
        # a bare verb goes on with the "does not" before it; a verb of its own starts anew
        ("It does not deliver, take cards or cater.", [True, True, True]),
        ("It doesn't deliver, takes cards, and caters.", [True, False, False]),
        # "or" closes a list of what is missing, its bare items included; a bare item
        # before "and … are available" shares that verb
        ("There is no TV, outdoor seating, or Wi-Fi.", [True, True, True]),
        ("It has no TV, and lot and street parking are free.", [True, False, False]),
        ("There is no TV, Wi-Fi, and the menu is small.", [True, None, False]),  # own subject
        # bare items before "and … are not" share it, back to a verb or a negation of their own
        ("Wi-Fi, TV and outdoor seating are not available.", [True, True, True]),
        ("It has free Wi-Fi, and TV and patio seats are not available.", [False, True, True]),
        ("It has Wi-Fi, TVs, but no bike parking, and dogs are not allowed.",
         [False, False, True, True]),
        ("Takeout and there is no delivery.", [False, True]),
    ],
)  # fmt: skip
def test_a_clause_s_polarity_follows_the_list_it_is_in(
    claim: str, polarity: list[bool | None]
) -> None:
    assert [c.negated for c in clauses(claim)] == polarity


@pytest.mark.parametrize(
    "claim",
    [
        "The café offers take-out but doesn't deliver, and it does not take reservations.",
        "Harbor Light Cafe is kid-friendly, has free Wi-Fi and a parking lot, and is affordable.",
        "There is no TV, alcohol is not served, and outdoor seating is available.",
        "It does not offer delivery, reservations, TV, or paid Wi-Fi.",
        "It is fairly cheap, has a parking lot, and welcomes kids.",
        # the source named before the fields (read-33)
        "According to its listing, the café has outdoor seating and free Wi-Fi.",
        # the price level called a rating (read-34)
        "It has a price range rating of 1 and a parking lot.",
    ],
)
def test_fields_said_in_words_support_a_claim(claim: str) -> None:
    result = check(claim, [record()])
    assert result.label == "supported", result


@pytest.mark.parametrize(
    ("claim", "label"),
    [
        # a hyphenated key read as one word; what the place is called ("the property") says
        # nothing of its own
        ("It is not appointment-only, and credit cards are accepted.", "supported"),
        ("It is appointment-only and accepts credit cards.", "contradicted"),
        ("Parking is on the street only, and the property is not wheelchair accessible.",
         "supported"),
        ("The premises are wheelchair accessible.", "contradicted"),
        # a bare participle that is a key's own word names its field
        ("It is air-conditioned.", "supported"),
        # a bare first item shares the negated verb after it; "no" before an item is its own
        ("Credit cards and wheelchair access are not available.", "contradicted"),
        ("Dogs and kids are not allowed.", "supported"),
        ("Wheelchair access and no dogs.", "contradicted"),
        # paraphrases of "good for": "geared toward", "suitable for"; a key's word as two
        ("It is not geared toward kids.", "supported"),
        ("It is suitable for late nights.", "supported"),
        # two fields in one clause, both there; one false or missing is the model's, and so is
        # a word of a false field ("outdoors" of outdoor seating: no)
        ("It is good for late nights in a quiet setting.", "supported"),
        ("It is good for lunch in a quiet setting.", None),
        ("It is good for late nights outdoors.", None),
        # "not ideal" alone is a remark, not "not good for"
        ("The noise level is not ideal.", None),
        # the shared negation: plural verbs only, every bare item before, not "there is no"
        ("Credit cards, dogs and kids are not allowed.", "contradicted"),
        ("Credit cards are accepted and there is no wheelchair access.", "supported"),
    ],
)  # fmt: skip
def test_how_overviews_word_a_field_is_read(claim: str, label: str) -> None:
    florist = {
        **CAFE,
        "attributes": {
            "ByAppointmentOnly": "False",
            "BusinessAcceptsCreditCards": "True",
            "WheelchairAccessible": "False",
            "BusinessParking": "{'garage': False, 'street': True, 'lot': False}",
            "AirConditioned": "True",
            "DogsAllowed": "False",
            "GoodForKids": "False",
            "GoodForMeal": "{'latenight': True, 'lunch': False}",
            "NoiseLevel": "u'quiet'",
            "OutdoorSeating": "False",
            "Smoking": "u'outdoor'",
        },
    }
    found = read(json.dumps(florist))[1]
    assert found is not None
    assert check(claim, [found]).label == label


@pytest.mark.parametrize(
    ("claim", "field"),
    [
        ("The cafe offers takeout as well as delivery.", "restaurants delivery"),
        ("It takes reservations and has outdoor seating.", "restaurants reservations"),
        ("Guests can watch the game on the TV.", None),  # "watch", "game": left to the model
        ("It has free Wi-Fi but no outdoor seating.", "outdoor seating"),
        ("There is a parking garage.", "garage"),
        # "street" is in its address: a false field the record's names mention is the model's
        ("Street parking is available.", None),
    ],
)
def test_a_field_stated_the_other_way_round_contradicts(claim: str, field: str | None) -> None:
    result = check(claim, [record()])
    if field is None:
        assert result.label is None and result.rest == claim
    else:
        assert result.label == "contradicted" and result.field == field


@pytest.mark.parametrize(
    ("claim", "label"),
    [
        # a bracket's polarity ends with it: Wi-Fi and outdoor seating go on with takeout
        ("The cafe offers takeout (but not delivery), free Wi-Fi, and outdoor seating.",
         "supported"),
        ("The cafe offers takeout (but not delivery), a TV, and outdoor seating.",
         "contradicted"),
        ("It has a parking lot (but no TV), and outdoor seating.", "supported"),
        # a bracket that is no aside stays in its clause: "parking (lot only)"
        ("Harbor Light Cafe (Tampa) has outdoor seating and parking (lot only).", "supported"),
        # a pet welcome is dogs allowed; a friendly price is a price level
        ("The cafe is dog-friendly.", "contradicted"),
        ("It is not pet-friendly, but it is good for kids.", "supported"),
        ("Harbor Light Cafe is a budget-friendly cafe at 40 Front Street in Tampa.",
         "supported"),
        ("Diners can choose takeout or outdoor seating.", "supported"),
        # a price level said as its number (level 1 here), and where it sits (read-26)
        ("It has a price level of 1 out of 4.", "supported"),
        ("The cafe falls in the inexpensive price range (1 out of 4).", "supported"),
        ("It has a price level of 1.5 out of 4.", None),  # no level's number
    ],
)  # fmt: skip
def test_brackets_pets_and_friendly_prices_are_read_as_fields(claim: str, label: str) -> None:
    cafe = {**CAFE, "attributes": {**CAFE["attributes"], "DogsAllowed": "False"}}
    found = read(json.dumps(cafe))[1]
    assert found is not None
    assert check(claim, [found]).label == label


def test_what_reviewers_are_reported_to_say_is_not_ruled_by_the_fields() -> None:
    # the record says no dogs; a review may still say the patio is dog-friendly
    cafe = {**CAFE, "attributes": {**CAFE["attributes"], "DogsAllowed": "False"}}
    found = read(json.dumps(cafe))[1]
    assert found is not None
    for claim in [
        "One reviewer noted that the patio is dog-friendly.",
        "Reviewers say the patio is dog-friendly.",
    ]:
        result = check(claim, [found])
        assert result.label is None and result.rest == claim
    assert check("The patio is dog-friendly.", [found]).label == "contradicted"


def test_an_identity_with_a_price_word_the_record_does_not_give_is_not_supported() -> None:
    claim = "Harbor Light Cafe is an upscale cafe at 40 Front Street in Tampa."
    assert check(claim, [record()]).label == "contradicted"  # "$" against "upscale"
    pricier = {**CAFE, "attributes": {**CAFE["attributes"], "RestaurantsPriceRange2": "2"}}
    found = read(json.dumps(pricier))[1]
    assert found is not None
    assert check(claim, [found]).label is None  # a level apart: the model's


@pytest.mark.parametrize(
    ("claim", "label"),
    [
        # read-53: a kind of business taken from a review's comparison
        ("Harbor Light Cafe is a breakfast cafe and pizzeria at 40 Front Street in Tampa.",
         "unsupported"),
        ("Harbor Light Cafe is a cafe and bakery at 40 Front Street in Tampa.", "unsupported"),
        # a kind its names give, in a word of that kind; a kind said of another subject
        ("Harbor Light Cafe is a café at 40 Front Street in Tampa.", "supported"),
        ("The owner was a butcher in Miami before opening it.", None),
    ],
)  # fmt: skip
def test_a_kind_of_business_the_record_does_not_name_is_unsupported(claim: str, label: str) -> None:
    assert check(claim, [record()]).label == label


def test_what_the_fields_do_not_decide_is_left_to_the_model() -> None:
    result = check("It is affordable, serves great pancakes, and has outdoor seating.", [record()])
    assert result.label is None
    assert result.rest == "Serves great pancakes."
    # the record's own words are no claim about a field ("Front Street" is the address, not
    # street parking; "serving" does not name "reservations", "brunch" is among its
    # categories): they say what the record is
    for own in ("It sits at 40 Front Street in Tampa.", "A cafe serving brunch."):
        assert (check(own, [record()]).label, check(own, [record()]).field) == (
            "supported",
            "identity",
        )
    # a word of none of its fields leaves it to the model; so does a place that is a word of
    # its address or name, not its city ("Front" of "40 Front Street", "Harbor")
    assert check("A cafe serving brunch near Ybor City.", [record()]).label is None
    assert check("A cafe serving brunch in Tampa, Florida.", [record()]).field == "identity"
    assert check("Harbor Light Cafe is a cafe in Harbor.", [record()]).label is None
    # Yelp's category qualifiers as overviews word them: "American (Traditional)"
    diner = read(json.dumps({**CAFE, "categories": "Diners, American (Traditional)"}))[1]
    assert diner is not None
    assert check("It is a classic American diner in Tampa.", [diner]).field == "identity"
    vet = read(json.dumps({**CAFE, "categories": "Veterinarians, Pets"}))[1]
    assert vet is not None
    assert check("It is a veterinary clinic in Tampa.", [vet]).field == "identity"
    # the words overviews use for a key's: a bike rack, dogs welcome, the ambiance
    shop = {"name": "Spoke", "attributes": {"BikeParking": "True", "DogsAllowed": "False"}}
    shop["attributes"]["Ambience"] = "{'casual': True, 'classy': False}"
    found = read(json.dumps(shop))[1]
    assert found is not None
    assert check("It has a bike rack and a casual ambiance.", [found]).label == "supported"
    assert check("It welcomes dogs.", [found]).label == "contradicted"
    # a field the record's own names also say: agreed when the field says yes
    takeout = {"name": "Wok", "categories": "Chinese, Food Delivery Services"}
    takeout["attributes"] = {"RestaurantsDelivery": "True", "RestaurantsPriceRange2": "3"}
    found = read(json.dumps(takeout))[1]
    assert found is not None
    assert check("It offers delivery, and prices are on the higher side.", [found]).label == (
        "supported"
    )
    # a false field one of whose words only the names say: still the field's ("service")
    served = read(json.dumps({**takeout, "attributes": {"RestaurantsTableService": "False"}}))[1]
    assert served is not None
    assert check("It does not offer table service.", [served]).label == "supported"


async def test_the_engine_decides_such_claims_with_the_field_as_evidence() -> None:
    engine = local_engine()
    docs = from_options([json.dumps(CAFE)])
    answer = "The cafe offers takeout but not delivery. It takes reservations."
    result = await engine.check(docs, answer)
    first, second = result.claims
    assert (first.label, first.driver, first.pairs) == ("supported", "record", ())
    assert (second.label, second.driver) == ("contradicted", "record")
    assert second.evidence is not None
    assert second.evidence.text == "attributes restaurants reservations: no"
    assert docs[0].text[second.evidence.start : second.evidence.end] == second.evidence.text
    assert result.verdict == "contradicted"


async def test_a_name_the_record_never_states_fails_its_claim() -> None:
    engine = local_engine()
    docs = from_options([json.dumps(CAFE)])
    answer = (
        "Harbor Light Cafe is a cafe at 40 Front St in Tampa, Florida, with free Wi-Fi. "
        "Harbor Light Cafe is a breakfast cafe at 40 Front Street in Tampa near Ybor City."
    )
    own, invented = (await engine.check(docs, answer)).claims
    # its own names (street spelled out, state, Wi-Fi) are no invented ones
    assert own.signals["missing_entities"] == 0.0
    # the model entails the second (0.93); "Ybor City" is in no field of the record
    assert invented.entailment > 0.5
    assert (invented.label, invented.driver) == ("unsupported", "missing_entities")
    # with a text document beside the record, names are weighed by the calibration only
    mixed = from_options([json.dumps(CAFE), "Natalie is a barista in Tampa."])
    claim = (await engine.check(mixed, "A barista named Natalie works there.")).claims[0]
    assert claim.driver != "missing_entities"


@pytest.mark.parametrize(
    ("claim", "label"),
    [
        # alcohol "none", wifi "free", noise level "quiet": other values of the same field
        ("It has a full bar.", "contradicted"),
        ("It serves beer and wine.", "contradicted"),
        ("It offers paid Wi-Fi.", "contradicted"),
        ("It is loud.", "contradicted"),
        ("It does not serve alcohol.", "supported"),
        ("It offers free Wi-Fi.", "supported"),
        ("It is quiet.", "supported"),
        # the field's own value, not one it rules out, decides a bare "no": Llama's lists
        ("WiFi: No", "contradicted"),
        ("There is no Wi-Fi.", "contradicted"),
        ("WiFi: Free", "supported"),
        ("It has outdoor seating on its patio.", "supported"),  # a patio is outdoor seating
        ("Reviewers loved the patio.", None),  # not a claim of the field
    ],
)
def test_a_value_the_field_rules_out_contradicts(claim: str, label: str) -> None:
    cafe = {**CAFE, "attributes": {**CAFE["attributes"], "NoiseLevel": "u'quiet'"}}
    found = read(json.dumps(cafe))[1]
    assert found is not None
    assert check(claim, [found]).label == label
    # a full bar serves beer and wine too
    bar = {**CAFE, "attributes": {"Alcohol": "u'full_bar'"}}
    full = read(json.dumps(bar))[1]
    assert full is not None
    assert check("It serves beer and wine.", [full]).label != "contradicted"


def test_a_clause_opened_by_though_or_yet_states_its_field() -> None:
    claim = "It offers takeout, though it has no delivery, yet it has outdoor seating."
    assert check(claim, [record()]).label == "supported"
    assert check("It offers takeout, though it has delivery.", [record()]).label == "contradicted"


@pytest.mark.parametrize(
    "claim",
    [
        # read-35: "don't mind … street parking" says the parking is there (here: a lot)
        "It suits guests who don't mind stairs or lot parking.",
        "You can't beat the outdoor seating.",
        "You cannot beat the prices or the outdoor seating.",  # a review helper's
        "It does not just offer takeout; it has outdoor seating too.",
    ],
)
def test_a_negation_that_affirms_what_follows_states_the_field(claim: str) -> None:
    assert check(claim, [record()]).label != "contradicted"
    # the same words with a plain negation still contradict
    plain = "It suits guests, but there is no outdoor seating or lot parking."
    assert check(plain, [record()]).label == "contradicted"


def test_dollar_signs_are_a_price_level() -> None:
    assert check("Price range: $", [record()]).label == "supported"
    assert check("Price range: $$$$", [record()]).label is None  # not ruled out: the model's
    assert check("Lunch costs $12.", [record()]).label is None  # an amount, no level


def test_a_price_level_said_as_a_rank_of_price_ranges() -> None:
    # "in the lowest price range" of level 1: the model read it as contradicted (read-22)
    assert check("It is in the lowest price range and offers takeout.", [record()]).label == (
        "supported"
    )
    assert check("Prices are in the lowest range.", [record()]).label == "supported"
    assert check("It is in the highest price range.", [record()]).label is None  # the model's


def test_what_a_business_handles_is_what_it_is() -> None:
    # "that also handles …": a verb that says what the place does, as "offers" does
    claim = "Harbor Light Cafe is a cafe in Tampa that also handles breakfast and brunch."
    assert check(claim, [record()]).label == "supported"


def test_a_bare_word_shares_the_head_noun_after_it() -> None:
    parking = "{'garage': False, 'street': True, 'lot': True}"
    cafe = {**CAFE, "attributes": {**CAFE["attributes"], "BusinessParking": parking}}
    found = read(json.dumps(cafe))[1]
    assert found is not None
    # "street" alone is a word of its address ("40 Front Street"): street parking here
    assert check("It has street and lot parking.", [found]).label == "supported"
    assert check("It has garage and lot parking.", [found]).label == "contradicted"


@pytest.mark.parametrize(
    ("claim", "label"),
    [
        ("The cafe offers takeout and catering.", "unsupported"),  # "None": the record is open
        ("It has takeout and dogs are welcome.", "unsupported"),
        ("It offers takeout.", "supported"),
        ("It does not cater.", None),  # said to lack it: the model's to judge
        ("Caters: N/A", None),
        # what one reviewer went through is a visit's events, not the business's services
        ("One couple praised the flowers, delivered and set up on time for their wedding.", None),
        ("A customer said the food was catered for 40 people.", None),
    ],
)
def test_a_field_the_record_leaves_open_supports_no_claim_that_it_is_there(
    claim: str, label: str | None
) -> None:
    open_fields = {**CAFE, "attributes": {**CAFE["attributes"], "Caters": "None"}}
    open_fields["attributes"]["DogsAllowed"] = "None"
    found = read(json.dumps(open_fields))[1]
    assert found is not None
    assert check(claim, [found]).label == label


async def test_the_engine_reads_an_open_field_as_unsupported_not_contradicted() -> None:
    open_fields = {**CAFE, "attributes": {**CAFE["attributes"], "Caters": "None"}}
    docs = from_options([json.dumps(open_fields)])
    result = await local_engine().check(docs, "Harbor Light Cafe offers catering.")
    (claim,) = result.claims
    assert (claim.label, claim.driver, claim.contradiction) == ("unsupported", "record", 0.0)
    assert result.verdict == "ungrounded"
    # the evidence is words of the record (its first line), not words it never writes
    assert claim.evidence is not None
    assert docs[0].text[claim.evidence.start : claim.evidence.end] == claim.evidence.text


def test_a_contradicted_clause_outweighs_an_open_field_in_either_order() -> None:
    open_fields = {**CAFE, "attributes": {**CAFE["attributes"], "Caters": "None"}}
    found = read(json.dumps(open_fields))[1]
    assert found is not None
    assert check("It offers catering and delivery.", [found]).label == "contradicted"
    assert check("It offers delivery and catering.", [found]).label == "contradicted"


async def test_a_list_item_is_read_as_its_lead_says_it() -> None:
    # "does not offer:" before the list makes each item a claim that there is none
    engine = local_engine()
    docs = from_options([json.dumps(CAFE)])
    answer = "The cafe does not offer:\n- Delivery\n- Reservations\n\nIt does offer:\n- Takeout"
    result = await engine.check(docs, answer)
    assert [(c.span.text, c.label) for c in result.claims] == [
        ("Delivery", "supported"),
        ("Reservations", "supported"),
        ("Takeout", "supported"),
    ]
    wrong = await engine.check(docs, "The cafe does not offer:\n- Takeout\n- Delivery")
    assert [c.label for c in wrong.claims] == ["contradicted", "supported"]


def test_a_category_said_in_the_singular_is_a_name_of_the_record() -> None:
    # "brewery" of "Breweries", as "cafe" of "Cafes"
    brewery = read(json.dumps({**CAFE, "categories": "Breweries, Beer Bar"}))[1]
    assert brewery is not None
    assert check("The brewery is inexpensive.", [brewery]).label == "supported"
    assert check("The bakery is inexpensive.", [brewery]).label is None  # not what it is


@pytest.mark.parametrize(
    ("appointment_only", "claim", "label"),
    [
        ("False", "Appointments are not required, and walk-ins are accepted.", "supported"),
        ("False", "It takes walk-ins and has outdoor seating.", "supported"),
        ("False", "It is walk-in friendly.", "supported"),
        ("True", "Walk-ins are welcome.", "contradicted"),
        ("True", "It welcomes walk-ins.", "contradicted"),
        # walk-ins refused: left to the model, not read as walk-ins taken
        ("True", "It does not take walk-ins.", None),
    ],
)
def test_walk_ins_taken_are_what_by_appointment_only_rules_out(
    appointment_only: str, claim: str, label: str | None
) -> None:
    salon = {**CAFE, "attributes": {"ByAppointmentOnly": appointment_only, "OutdoorSeating": True}}
    found = read(json.dumps(salon))[1]
    assert found is not None
    assert check(claim, [found]).label == label


@pytest.mark.parametrize(
    ("level", "claim", "label"),
    [
        ("4", "Harbor Light Cafe is an inexpensive cafe in Tampa.", "contradicted"),
        ("4", "It is moderately priced.", "contradicted"),
        ("4", "The price range is $.", "contradicted"),
        ("1", "It is an upscale cafe.", "contradicted"),
        ("1", "It is very expensive.", "contradicted"),
        # a level next to the record's is a loose word, left to the model
        ("2", "Prices are affordable.", None),
        ("3", "It is moderately priced.", None),
        # not the place's prices, or a reviewer's view
        ("1", "It is located in an upscale neighborhood.", None),
        ("1", "It helps avoid costly repairs.", None),
        ("1", "One reviewer found it expensive.", None),
    ],
)
def test_a_price_word_two_levels_from_the_record_s_contradicts(
    level: str, claim: str, label: str | None
) -> None:
    cafe = {**CAFE, "attributes": {**CAFE["attributes"], "RestaurantsPriceRange2": level}}
    found = read(json.dumps(cafe))[1]
    assert found is not None
    assert check(claim, [found]).label == label


@pytest.mark.parametrize(
    ("noise", "attire", "claim", "label"),
    [
        ("u'loud'", "u'casual'", "The noise level is average.", "contradicted"),
        ("u'average'", "u'casual'", "It is loud.", "contradicted"),
        ("u'average'", "u'casual'", "The noise level is average.", "supported"),
        ("u'average'", "u'casual'", "Attire is dressy.", "contradicted"),
        # a casual atmosphere is no attire: left alone of a dressy place
        ("u'average'", "u'dressy'", "It has a casual atmosphere.", None),
    ],
)
def test_noise_and_attire_values_rule_out_the_far_ones(
    noise: str, attire: str, claim: str, label: str | None
) -> None:
    attributes = {"NoiseLevel": noise, "RestaurantsAttire": attire}
    found = read(json.dumps({**CAFE, "attributes": attributes}))[1]
    assert found is not None
    assert check(claim, [found]).label == label


@pytest.mark.parametrize(
    ("claim", "label"),
    [
        # read-41: "lot" alone names no group; the words before it say it is parking
        ("Parking is available in a lot and in a garage.", "contradicted"),
        ("Parking is available in a private lot.", "supported"),
        ("There is a private parking lot.", "supported"),
        # a false field of a group no word names still says little: "a lot of seating"; "a
        # lot of" names no lot (a review helper's)
        ("It has a lot of seating.", None),
        ("There is a lot of parking on the street.", None),
        # read-46: "rather than" negates what follows it
        ("Parking is in a lot rather than on the street.", None),
        ("Parking is on the street rather than in a lot.", "contradicted"),
    ],
)
def test_a_parking_field_named_by_the_words_before_it_is_checked(
    claim: str, label: str | None
) -> None:
    assert check(claim, [record()]).label == label


REVIEWED = json.dumps(
    {
        **CAFE,
        "review_info": [
            {"review_stars": 5.0, "review_text": "Great cinnamon rolls and a cozy patio."}
        ],
    }
)
CAFE_TEXT = read(REVIEWED)[0]


@pytest.mark.parametrize(
    ("claim", "item"),
    [
        # read-15, read-32, read-40, read-41: amenities no word of the record names
        ("The cafe also offers a courtesy shuttle.", "The cafe also offers a courtesy shuttle."),
        ("It offers takeout, free Wi-Fi and eyelash extensions.", "and eyelash extensions."),
        ("Guests have access to an indoor pool.", "Guests have access to an indoor pool."),
        # read-43: what guests are said to get
        ("Guests get free Wi-Fi and an on-site fitness center.", "and an on-site fitness center."),
        # r40: a listed item in "-ing" is no statement of its own
        (
            "It offers takeout, cinnamon rolls and catering for weddings, with a patio.",
            "and catering for weddings",
        ),
    ],
)
def test_what_a_business_is_said_to_offer_that_no_word_of_its_record_names_is_unlisted(
    claim: str, item: str
) -> None:
    assert unlisted(claim, vocabulary(CAFE_TEXT, [record()])) == item


@pytest.mark.parametrize(
    "claim",
    [
        "It offers takeout and free Wi-Fi.",  # the record's fields ("take out" as one word)
        "The cafe serves cinnamon rolls on its patio.",  # the reviews' words
        "It is good for children.",  # a word for the field's "kids"
        "It offers carryout orders.",  # a word overviews use for a field it has
        "It does not offer a courtesy shuttle.",  # negated
        "Reviewers praise the courtesy shuttle.",  # what reviewers said: the model's
        "It offers takeout, but maintenance could be improved.",  # a statement of its own
        "Guests get free Wi-Fi, but maintenance could get better.",
        "It seems to offer decent value for travelers with pets.",  # an impression
        # read-44: a participle opens a statement of its own, in any clause
        "It is a cafe that offers takeout, located at 40 Front Street, Suite 140.",
    ],
)
def test_what_the_record_names_or_no_offer_is_not_unlisted(claim: str) -> None:
    assert unlisted(claim, vocabulary(CAFE_TEXT, [record()])) is None


def test_a_compound_of_two_record_words_is_listed() -> None:
    # read-51: "haircuts" of a salon's "Hair Salons" and a review's "a men's cut"
    salon = json.dumps(
        {
            "name": "Juniper Row Salon",
            "categories": "Hair Salons, Blow Dry/Out Services",
            "attributes": {"ByAppointmentOnly": "True"},
            "business_stars": 4.5,
            "review_info": [
                {
                    "review_stars": 4.0,
                    "review_date": "2023-03-02",
                    "review_text": "Got a men's cut with Jordan for $48. Solid fade.",
                }
            ],
        }
    )
    text, found = read(salon)
    assert found is not None
    words = vocabulary(text, [found])
    assert unlisted("It is a salon offering haircuts and blowouts.", words) is None
    assert unlisted("It is a salon offering haircuts and waxing.", words) == "and waxing."


async def test_the_engine_fails_an_unlisted_amenity() -> None:
    docs = from_options([REVIEWED])
    answer = "Breakfast is served, and the cafe also offers catering."
    result = await local_engine().check(docs, answer)
    (claim,) = result.claims
    assert (claim.label, claim.driver) == ("unsupported", "unlisted")


def test_a_short_word_names_no_longer_field() -> None:
    # read-45: "an app" is no "by appointment only"; "kid" still names "good for kids"
    laundry = {**CAFE, "attributes": {**CAFE["attributes"], "ByAppointmentOnly": "False"}}
    found = read(json.dumps(laundry))[1]
    assert found is not None
    assert check("The machines take cards or an app.", [found]).label is None
    assert check("Harbor Light Cafe is kid-friendly.", [found]).label == "supported"
