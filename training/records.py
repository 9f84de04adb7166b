"""Synthetic business records and descriptions of them: NLI pairs for the data-to-text kind.

No data set in `../shared` pairs structured records with descriptions, and the model read a
linearised record as if it were noise: "The café offers takeout." against "attributes
restaurants take out: yes." scored entailment 0.02 and contradiction 0.76. These pairs teach
it the format. A record is drawn at random (Yelp-like fields: hours, attributes, parking,
price range, stars), linearised by the runtime's own `linearise_text` (so the premise is what
the gateway will read), and described by sentences written from templates, several phrasings
per fact, one to four facts per sentence:

- every fact true -> supported;
- one fact the other way round (no delivery said as delivery, wrong hours, wrong rating, the
  wrong price word) -> contradiction;
- one fact about something the record does not hold (live music, a parking lot when the
  record says nothing of lots) -> unsupported.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass

from tokenizers import Tokenizer

from groundrail.grounding.records import linearise_text

OPENING_HOURS = ((6, 14), (7, 15), (8, 16), (11, 22), (11, 21), (17, 23), (10, 20))
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
KINDS = {
    "cafe": ("Cafes, Coffee & Tea, Breakfast & Brunch", "café", "coffee and breakfast"),
    "bbq": ("Barbeque, Restaurants, American (Traditional)", "barbecue restaurant", "barbecue"),
    "thai": ("Thai, Restaurants, Noodles", "Thai restaurant", "Thai food"),
    "pizza": ("Pizza, Italian, Restaurants", "pizzeria", "pizza and Italian dishes"),
    "bakery": ("Bakeries, Coffee & Tea, Desserts", "bakery", "baked goods and coffee"),
    "sushi": ("Sushi Bars, Japanese, Restaurants", "sushi bar", "sushi and Japanese food"),
    "diner": ("Diners, Breakfast & Brunch, American (Traditional)", "diner", "breakfast"),
    "tacos": ("Mexican, Tacos, Restaurants", "taqueria", "tacos and Mexican food"),
    "ramen": ("Ramen, Japanese, Noodles", "ramen shop", "ramen"),
    "bar": ("Bars, Wine Bars, Nightlife", "wine bar", "wine and small plates"),
}
NAMES = (
    "Blue Heron",
    "Copper Kettle",
    "Golden Crumb",
    "Red Lantern",
    "Maple Leaf",
    "Iron Gate",
    "Silver Spoon",
    "Green Fig",
    "Harbor Light",
    "Old Mill",
    "Sunrise",
    "Northside",
    "Juniper",
    "Cedar Lane",
    "Lucky Star",
    "Little Owl",
    "Bright Side",
    "Corner Stone",
    "Wild Thyme",
)
STREETS = ("Elm St", "Main Street", "Oak Avenue", "Harbor Road", "Pine St", "Fulton Street")
CITIES = (
    ("Portland", "OR", "Oregon"),
    ("Austin", "TX", "Texas"),
    ("Tampa", "FL", "Florida"),
    ("Phoenix", "AZ", "Arizona"),
    ("Nashville", "TN", "Tennessee"),
    ("Reno", "NV", "Nevada"),
    ("Philadelphia", "PA", "Pennsylvania"),
    ("Boise", "ID", "Idaho"),
)
PRICE = {
    1: ("inexpensive", "affordable", "budget-friendly"),
    2: ("moderately priced",),
    3: ("pricey", "on the expensive side"),
    4: ("very expensive", "upscale"),
}
# boolean attributes: key -> (phrasings when true, phrasings when false)
BOOLEAN = {
    "RestaurantsTakeOut": (
        ("offers takeout", "has takeout", "does takeout orders"),
        ("does not offer takeout", "has no takeout"),
    ),
    "RestaurantsDelivery": (
        ("offers delivery", "delivers"),
        ("does not offer delivery", "does not deliver"),
    ),
    "RestaurantsReservations": (
        ("takes reservations", "accepts reservations"),
        ("does not take reservations", "does not accept reservations"),
    ),
    "OutdoorSeating": (
        ("has outdoor seating", "offers outdoor seating"),
        ("has no outdoor seating", "does not offer outdoor seating"),
    ),
    "GoodForKids": (
        ("is good for kids", "is kid-friendly", "is family-friendly"),
        ("is not good for kids", "is not kid-friendly"),
    ),
    "BikeParking": (("has bike parking", "offers bike parking"), ("has no bike parking",)),
    "HasTV": (("has TVs",), ("has no TVs",)),
    "DogsAllowed": (("allows dogs", "welcomes dogs"), ("does not allow dogs",)),
    "BusinessAcceptsCreditCards": (
        ("accepts credit cards", "takes credit cards"),
        ("does not accept credit cards",),
    ),
    "WheelchairAccessible": (("is wheelchair accessible",), ("is not wheelchair accessible",)),
}
WIFI = {
    "free": ("offers free Wi-Fi", "has free WiFi"),
    "no": ("has no Wi-Fi", "offers no WiFi"),
    "paid": ("offers paid Wi-Fi",),
}
ALCOHOL = {
    "full_bar": ("has a full bar", "serves cocktails"),
    "beer_and_wine": ("serves beer and wine",),
    "none": ("does not serve alcohol", "serves no alcohol"),
}
PARKING = ("garage", "street", "lot", "valet")
# place -> (said when there is one, said when there is none)
PARKING_WORDS = {
    "garage": ("has garage parking", "has no garage parking"),
    "street": ("has street parking", "has no street parking"),
    "lot": ("has a parking lot", "has no parking lot"),
    "valet": ("offers valet parking", "has no valet parking"),
}
# things a record never holds: said of a business, they are unsupported
ABSENT = (
    "has live music",
    "offers a happy hour",
    "has a gluten-free menu",
    "hosts trivia nights",
    "offers vegan options",
    "has a drive-through",
    "offers catering",
    "has a rooftop terrace",
)


@dataclass(slots=True, frozen=True)
class Fact:
    text: str  # a verb phrase, "offers takeout"
    label: str  # supported, contradiction or unsupported
    line: str  # the record line that holds (or lacks) it: the premise needs that line
    topic: str = ""  # a made-wrong fact: the true fact it replaces


def _clock(hour: int, minute: int, rng: random.Random) -> str:
    if rng.random() < 0.3:
        return f"{hour}:{minute:02d}"
    suffix = "a.m." if hour < 12 else "p.m."
    h = hour % 12 or 12
    if hour == 12 and minute == 0 and rng.random() < 0.5:
        return "noon"
    return f"{h}:{minute:02d} {suffix}" if minute else f"{h} {suffix}"


def _record(rng: random.Random) -> tuple[dict[str, object], dict[str, object]]:
    """A record (as sent) and what the facts are drawn from."""
    kind = rng.choice(sorted(KINDS))
    city, state, state_name = rng.choice(CITIES)
    open_h, close_h = rng.choice(
        [(6, 14), (7, 15), (8, 16), (11, 22), (11, 21), (17, 23), (10, 20)]
    )
    open_m = rng.choice([0, 0, 0, 30])
    week_end = (open_h + rng.choice([0, 1]), close_h - rng.choice([0, 1, 2]))
    closed = rng.sample(DAYS, rng.choice([0, 0, 1, 2]))
    hours = {}
    for day in DAYS:
        if day in closed:
            continue
        o, c = week_end if day in ("Saturday", "Sunday") else (open_h, close_h)
        hours[day] = f"{o}:{open_m}-{c}:0"
    attributes: dict[str, object] = {}
    for key in rng.sample(sorted(BOOLEAN), rng.randint(4, 8)):
        attributes[key] = rng.random() < 0.6
    attributes["WiFi"] = rng.choice(sorted(WIFI))
    if rng.random() < 0.7:
        attributes["Alcohol"] = rng.choice(sorted(ALCOHOL))
    parking = {p: rng.random() < 0.4 for p in rng.sample(PARKING, rng.randint(2, 4))}
    attributes["BusinessParking"] = parking
    attributes["RestaurantsPriceRange2"] = rng.randint(1, 4)
    record: dict[str, object] = {
        "name": f"{rng.choice(NAMES)} {KINDS[kind][1].split()[-1].title()}",
        "address": f"{rng.randint(2, 2400)} {rng.choice(STREETS)}",
        "city": city,
        "state": state,
        "categories": KINDS[kind][0],
        "hours": hours,
        "attributes": attributes,
        "business_stars": rng.choice([2.5, 3.0, 3.5, 4.0, 4.5, 5.0]),
    }
    return record, {"kind": kind, "state_name": state_name, "closed": closed}


def _facts(record: dict[str, object], extra: dict[str, object], rng: random.Random) -> list[Fact]:
    """True facts of the record, each with a made-wrong twin where one can be made."""
    attributes = record["attributes"]
    assert isinstance(attributes, dict)
    facts: list[Fact] = []

    def pair(true: str, wrong: str | None, line: str) -> None:
        facts.append(Fact(true, "supported", line))
        if wrong is not None:
            facts.append(Fact(wrong, "contradiction", line, topic=true))

    for key, (yes, no) in BOOLEAN.items():
        if key in attributes:
            value = bool(attributes[key])
            pair(rng.choice(yes if value else no), rng.choice(no if value else yes), "attributes")
    wifi = str(attributes["WiFi"])
    other_wifi = rng.choice([w for w in WIFI if w != wifi])
    pair(rng.choice(WIFI[wifi]), rng.choice(WIFI[other_wifi]), "attributes")
    if "Alcohol" in attributes:
        alcohol = str(attributes["Alcohol"])
        other = rng.choice([a for a in ALCOHOL if a != alcohol])
        pair(rng.choice(ALCOHOL[alcohol]), rng.choice(ALCOHOL[other]), "attributes")
    price = int(attributes["RestaurantsPriceRange2"])
    wrong_price = rng.choice(
        [p for p in PRICE if abs(p - price) >= 2] or [p for p in PRICE if p != price]
    )
    pair(f"is {rng.choice(PRICE[price])}", f"is {rng.choice(PRICE[wrong_price])}", "attributes")
    parking = attributes["BusinessParking"]
    assert isinstance(parking, dict)
    for place, value in parking.items():
        said, unsaid = PARKING_WORDS[place][:: 1 if value else -1]
        pair(said, unsaid, "business parking")
    for place in sorted(set(PARKING) - set(parking)):
        facts.append(Fact(PARKING_WORDS[place][0], "unsupported", "business parking"))
    stars = float(record["business_stars"])  # type: ignore[arg-type]
    wrong = rng.choice([s for s in (2.5, 3.0, 3.5, 4.0, 4.5, 5.0) if abs(s - stars) >= 1.0])
    pair(f"has a {stars:g}-star rating", f"has a {wrong:g}-star rating", "name")
    hours = record["hours"]
    assert isinstance(hours, dict)
    day = rng.choice(sorted(hours))
    o, c = (int(x.split(":")[0]) for x in str(hours[day]).split("-"))
    om = int(str(hours[day]).split("-")[0].split(":")[1])
    shifted = min(23, max(o + 1, c + rng.choice([-2, -1, 1, 2])))
    opens = f"is open on {day} from {_clock(o, om, rng)} to"
    pair(
        f"{opens} {_clock(c, 0, rng)}",
        f"{opens} {_clock(shifted, 0, rng)}" if shifted != c else None,
        "hours",
    )
    for closed in extra["closed"]:  # type: ignore[attr-defined]
        pair(f"is closed on {closed}", f"is open on {closed}", "hours")
    pair(
        f"is located in {record['city']}, {rng.choice([record['state'], extra['state_name']])}",
        f"is located in {rng.choice([c for c, _, _ in CITIES if c != record['city']])}",
        "name",
    )
    facts.append(Fact(rng.choice(ABSENT), "unsupported", "attributes"))
    return facts


SUBJECTS: tuple[Callable[[dict[str, object], dict[str, object]], str], ...] = (
    lambda r, e: str(r["name"]),
    lambda r, e: f"The {KINDS[str(e['kind'])][1]}",
    lambda r, e: "It",
    lambda r, e: "The business",
)


def _sentence(subject: str, facts: list[Fact], rng: random.Random) -> str:
    parts = [f.text for f in facts]
    if len(parts) == 1:
        body = parts[0]
    elif len(parts) == 2:
        body = f"{parts[0]} {rng.choice(['and', 'and also', 'but'])} {parts[1]}"
    else:
        body = ", ".join(parts[:-1]) + f", and {parts[-1]}"
    return f"{subject} {body.removesuffix('.')}."


def record_pairs(n: int, seed: int, tok: Tokenizer, max_tokens: int) -> list[tuple[str, str, str]]:
    """`n` (premise, hypothesis, label) triples from seeded random records: one sentence of one
    to four facts as the hypothesis; as the premise, the linearised record lines that hold
    them (sometimes one more line), the pair at most `max_tokens` long (`tok`: untruncated);
    labels: supported, contradiction, unsupported (as training/pairs.py writes them)."""
    rng = random.Random(seed)
    out: list[tuple[str, str, str]] = []
    while len(out) < n:
        record, extra = _record(rng)
        lines = linearise_text(json.dumps(record)).split("\n")
        facts = _facts(record, extra, rng)
        for _ in range(3):
            # facts of one or two record lines; the premise is those lines in record order
            # (what the runtime's assembled premise holds), sometimes with one more
            groups = rng.sample(sorted({f.line for f in facts}), rng.choice([1, 1, 2]))
            true = [f for f in facts if f.label == "supported" and f.line in groups]
            wrong = [f for f in facts if f.label != "supported" and f.line in groups]
            if not true or not wrong:
                continue
            chosen = rng.sample(true, min(len(true), rng.randint(1, 4)))
            label = "supported"
            if rng.random() < 0.5:
                bad = rng.choice(wrong)
                chosen = [f for f in chosen if f.text != bad.topic]
                chosen.insert(rng.randint(0, len(chosen)), bad)
                chosen = chosen[-4:] if chosen[-1] is bad else chosen[:4]
                label = bad.label
            wanted = set(groups)
            if rng.random() < 0.3:
                wanted.add(rng.choice(["name", "hours", "attributes", "business parking"]))
            premise = " ".join(line for line in lines if _line_of(line) in wanted)
            hypothesis = _sentence(rng.choice(SUBJECTS)(record, extra), chosen, rng)
            if len(tok.encode(premise, hypothesis).ids) > max_tokens:
                continue  # the trainer would cut what the label rests on
            out.append((premise, hypothesis, label))
    return out[:n]


def _line_of(line: str) -> str:
    """Which record line this is: "name", "hours", "attributes" or "business parking"."""
    for group in ("attributes business parking", "hours", "attributes"):
        if line.startswith(group):
            return group.removeprefix("attributes ") if group.endswith("parking") else group
    return "name"
