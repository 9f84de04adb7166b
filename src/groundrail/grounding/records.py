"""Structured records: the fields a claim can be checked against without the model.

A JSON object in the context (a business record, a tool result) is read as lines a model can
judge (`groundrail.grounding.linear`), and its yes/no fields, opening hours, star rating and
review stars are kept beside the text (`Record`), so a claim that states one ("does not take
reservations", "open weekdays from 7 a.m. to 3 p.m.", "a 4-star rating", "reviews are mixed")
can be checked against the field itself (`groundrail.grounding.attributes`,
`groundrail.grounding.facts`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson

from groundrail.grounding.lexical import STOPWORDS, terms
from groundrail.grounding.linear import (
    DAYS,
    PRICE_WORDS,
    TIME_RANGE,
    headed_item,
    is_grouped,
    key_words,
    linearise,
    own_field,
    present_fields,
    price_level,
    read_literal,
    scalar_words,
    stars_of,
)


@dataclass(slots=True, frozen=True)
class Attribute:
    """A yes/no field of a record, or a field with a short word value: `"OutdoorSeating":
    true` under `attributes` is path ("attributes",), name "outdoor seating", present True."""

    path: tuple[str, ...]  # the keys above it as words, outermost first
    name: str  # its own key as words
    present: bool  # False for false / "no" / "none"; True for true / "yes" / a word value
    value: str  # a word value as words ("free", "beer and wine"); "" for yes / no
    stated: str  # the words of the linearised record that state it ("outdoor seating yes")
    # False for a field the record leaves open (Yelp's "None": `"RestaurantsDelivery":
    # "None"`): a claim that the business has it is unsupported, one that it lacks it is
    # left to the model
    known: bool = True


@dataclass(slots=True, frozen=True)
class Day:
    """A day of a record's opening hours: `"Monday": "7:0-15:0"` is name "monday", opens 420,
    closes 900 (minutes after midnight; a close at or past midnight is 0 to 1439 as well)."""

    name: str
    opens: int
    closes: int
    stated: str  # the linearised words ("monday 7:00 to 15:00 (7 a.m. to 3 p.m.)")


@dataclass(slots=True, frozen=True)
class Rating:
    """A record's own star rating (a top-level `…stars` number, not a review's)."""

    stars: float
    stated: str  # the linearised words ("business stars: 4 (average rating 4 stars)")
    # how many reviews it averages (Yelp's top-level `review_count`), None when not given
    count: int | None = None


@dataclass(slots=True, frozen=True)
class Review:
    """An item of a record's list with its own stars (a review): the stars and its heading."""

    stars: float
    stated: str  # the heading of its linearised line ("Review 2 (2 stars, July 16, 2022)")


@dataclass(slots=True, frozen=True)
class Record:
    """What a claim can be checked against without the model: a record's attributes, opening
    hours (empty when it lists none) and rating, and the words it is called by (its top-level
    text fields: name, city, categories)."""

    attributes: tuple[Attribute, ...]
    names: frozenset[str]
    hours: tuple[Day, ...] = ()
    rating: Rating | None = None
    reviews: tuple[Review, ...] = ()
    # days listed with a range that says nothing ("0:0-0:0"): neither open nor closed
    unknown_days: frozenset[str] = frozenset()
    # of those, the days listed "0:0-0:0", Yelp's way of saying open around the clock: only a
    # claim of round-the-clock hours is checked against them (`hours.statements`)
    all_day: tuple[Day, ...] = ()
    # whether it has opening hours in any form, read into `hours` or not
    lists_hours: bool = False
    # the words of its own name ("Kumo Noodle Bar"): which record a claim is about
    title: frozenset[str] = frozenset()
    # the words of where it is (city, state with its name, postal code, country …): what a
    # claim's "in Rapid City, South Dakota" must name
    places: frozenset[str] = frozenset()


def read(text: str) -> tuple[str, Record | None]:
    """A document's text as the model reads it, and its record: a JSON object or list is
    linearised (`linearise`) and its attributes kept; other text stays as it is, no record."""
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        return text, None
    try:
        data = orjson.loads(stripped)
    except orjson.JSONDecodeError:
        return text, None
    if not isinstance(data, dict | list):
        return text, None
    data = unwrapped(data)
    return linearise(data), record_of(data)


def unwrapped(value: Any) -> Any:
    """A list of one object (a search or API result of one hit) is that object, read as one
    record ("name: …", not "1 name: …"); any other value unchanged."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
        return value[0]
    return value


def linearise_text(text: str) -> str:
    """A JSON object or list becomes sentences a model can read; other text stays as it is."""
    return read(text)[0]


def record_of(value: Any) -> Record | None:
    """The attributes, opening hours and rating of a decoded JSON value; None when it has
    none of them."""
    found = _attributes(value, ())
    hours, unknown, all_day = _hours(value)
    top = read_literal(value)
    rating = _rating(top) if isinstance(top, dict) else None
    reviews = _reviews(top) if isinstance(top, dict) else ()
    if not found and not hours and not all_day and rating is None and not reviews:
        return None
    names: set[str] = set()
    title: set[str] = set()
    places: set[str] = set()
    if isinstance(top, dict):
        for k, v in top.items():
            if isinstance(v, str) and len(v.split()) <= NAME_MAX_WORDS:
                said = terms(scalar_words(key_words(k), v))  # "TX" with "Texas"
                names.update(said)
                if "categories" in key_words(k).split():
                    names.update(w for s in said for w in _CATEGORY_WORDS.get(s, ()))
                if not title and "name" in key_words(k).split():
                    title.update(w for w in terms(v) if len(w) > 1 and w not in STOPWORDS)
                if _PLACE_KEYS & set(key_words(k).split()):
                    places.update(said)
    return Record(
        tuple(found),
        frozenset(names),
        hours,
        rating,
        reviews,
        unknown,
        all_day,
        bool(hours or unknown) or _says_hours(top),
        frozenset(title),
        frozenset(places),
    )


# How overviews word Yelp's category qualifiers: "American (Traditional)" is "classic American".
_CATEGORY_WORDS = {"traditional": ("classic",), "new": ("modern", "contemporary")}
_PLACE_KEYS = frozenset(
    "city state country postal zip neighborhood neighbourhood region province town".split()  # noqa: SIM905
)


def _reviews(top: dict[Any, Any]) -> tuple[Review, ...]:
    """The items with stars of the record's first list that has them (its reviews), each
    with the words its line starts with ("Review 2 (2 stars, …)", "reviews 2")."""
    for key, v in present_fields(top).items():
        if not isinstance(v, list):
            continue
        label = key_words(key)
        found = []
        for n, item in enumerate(v, start=1):
            stars = _item_stars(item)
            headed = headed_item(label, n, item)
            if stars is not None:
                found.append(Review(stars, headed[0] if headed else f"{label} {n}"))
        if found:
            return tuple(found)
    return ()


def _item_stars(value: Any) -> float | None:
    value = read_literal(value)
    if not isinstance(value, dict):
        return None
    return next((s for k, v in value.items() if (s := stars_of(key_words(k), v)) is not None), None)


def _hours(value: Any) -> tuple[tuple[Day, ...], frozenset[str], tuple[Day, ...]]:
    """The first object of the record (outside its lists) keyed by day names with time
    ranges as values ("7:0-15:0"), its days whose value says nothing comparable ("0:0-0:0",
    "09:00-13:00, 14:00-21:00"), and of those the days listed "0:0-0:0". A day's value
    without a digit is no time ("BestNights": {"friday": true}, before "hours" in Yelp's
    records, had every hours claim judged against it)."""
    value = read_literal(value)
    if not isinstance(value, dict):
        return (), frozenset(), ()
    present = present_fields(value)
    days = []
    unknown = set()
    all_day = []
    for key, v in present.items():
        label = key_words(key)
        if label not in DAYS or not isinstance(v, str) or not any(c.isdigit() for c in v):
            continue  # not hours: Yelp's "BestNights": {"monday": false, "friday": true, …}
        times = TIME_RANGE.match(v.strip())
        if times is None:
            unknown.add(label)  # "09:00-13:00, 14:00-21:00": hours, but not one range
            continue
        h1, m1, h2, m2 = (int(x) for x in times.groups())
        stated = f"{label} {scalar_words(label, v)}"
        if (h1, m1, h2, m2) == (0, 0, 0, 0):
            unknown.add(label)
            all_day.append(Day(label, 0, 0, stated))
            continue
        days.append(Day(label, (h1 * 60 + m1) % 1440, (h2 * 60 + m2) % 1440, stated))
    if days or unknown:
        return tuple(days), frozenset(unknown), tuple(all_day)
    for v in present.values():
        if isinstance(v, dict) and any(inner := _hours(v)):
            return inner
    return (), frozenset(), ()


def _says_hours(value: Any) -> bool:
    """Whether a key anywhere outside its lists names hours or a day ("hours", "Monday",
    "opening_hours"), whatever its value looks like."""
    value = read_literal(value)
    if not isinstance(value, dict):
        return False
    return any(
        "hours" in key_words(k) or key_words(k) in DAYS or _says_hours(v)
        for k, v in present_fields(value).items()
    )


def _rating(top: dict[Any, Any]) -> Rating | None:
    """The record's own `…stars` field, as `own_field` states it; None beside another rating
    field ("stars" of a hotel's class beside its "guest_rating")."""
    if any(w in ("rating", "score") for k in top for w in key_words(k).split()):
        return None
    for key, v in present_fields(top).items():
        label = key_words(key)
        stars = stars_of(label, v)
        if stars is not None:
            count = top.get("review_count")
            counted = count if isinstance(count, int) and not isinstance(count, bool) else None
            return Rating(stars, f"{label}: {own_field(label, v, '')}", counted)
    return None


NAME_MAX_WORDS = 20  # a longer top-level text (a description) says things; it names nothing


_WORD_VALUE = re.compile(r"^[A-Za-z][A-Za-z_ ]{0,39}$")


WORD_VALUE_MAX_WORDS = 4


def _attributes(value: Any, path: tuple[str, ...]) -> list[Attribute]:
    """Mirrors `_lines`: a group of scalars is stated "name value" on its parent's line, a
    scalar beside nested fields "parent name: value"."""
    value = read_literal(value)
    if isinstance(value, list):
        return []  # list items (reviews) are things said, not attributes
    if not isinstance(value, dict):
        return []
    present = present_fields(value)
    grouped = is_grouped(present, bool(path))
    found: list[Attribute] = [
        Attribute(path, key_words(key), False, "", "", False)  # no words of the record state it
        for key, v in value.items()
        if path and key not in present and isinstance(v, str) and v.strip() == "None"
    ]
    for key, v in present.items():
        name = key_words(key)
        if isinstance(v, dict | list):
            found += _attributes(v, (*path, name))
            continue
        if name in DAYS:
            continue  # "best nights: friday yes": a claim's "Friday" is its hours
        if path:
            polarity = _price(name, v) or _polarity(v)
        else:  # a top-level text names the record; a top-level yes/no is an attribute
            polarity = _polarity(v) if isinstance(v, bool) else None
        if polarity is None:
            continue
        scalar = scalar_words(name, v)
        stated = f"{name} {scalar}" if grouped else f"{' '.join((*path, name))}: {scalar}"
        found.append(Attribute(path, name, polarity[0], polarity[1], stated))
        ruled_out = _RULED_OUT.get(name, {}).get(polarity[1] if polarity[0] else "", ())
        found += [Attribute(path, name, False, other, stated) for other in ruled_out]
    return found


# Values of Yelp's closed-vocabulary fields that a field's value rules out (its documented
# values: Alcohol none / beer_and_wine / full_bar, WiFi no / free / paid, NoiseLevel quiet /
# average / loud / very_loud, RestaurantsAttire casual / dressy / formal): "a full bar" is
# false of "alcohol: beer and wine", "free Wi-Fi" of "wifi: paid", "an average noise level"
# of "loud", "dressy attire" of "casual". Only values no one would use for the field's own
# ("beer and wine" is true of a full bar; "quiet" and "average" are near enough).
_RULED_OUT: dict[str, dict[str, tuple[str, ...]]] = {
    "alcohol": {"": ("full bar", "beer and wine"), "beer and wine": ("full bar",)},
    "wifi": {"": ("free", "paid"), "free": ("paid",), "paid": ("free",)},
    "noise level": {
        "quiet": ("loud", "very loud"),
        "average": ("loud", "very loud"),
        "loud": ("quiet", "average"),
        "very loud": ("quiet", "average"),
    },
    # not "casual" of a dressy place: a casual atmosphere is Ambience's
    "restaurants attire": {"casual": ("dressy", "formal")},
}


# More words a claim says a price level with, beside `PRICE_WORDS`.
_PRICE_SYNONYMS = {
    1: "affordable cheap budget low",
    2: "moderately mid range average",
    3: "pricey pricier pricy costly upscale high higher",
    4: "luxury high end",
}


def _price(name: str, value: Any) -> tuple[bool, str] | None:
    """A price level as the words a claim says it with: 1 -> "inexpensive affordable …"."""
    level = price_level(name, value)
    if level is None:
        return None
    return True, f"{PRICE_WORDS[level]} {_PRICE_SYNONYMS[level]}"


def _polarity(value: Any) -> tuple[bool, str] | None:
    """(present, word value) of a field a claim can state as yes or no; None for others
    (numbers, times, long text)."""
    if isinstance(value, bool):
        return value, ""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.lower() in ("true", "yes"):
        return True, ""
    if text.lower() in ("false", "no", "none"):
        return False, ""
    words = text.replace("_", " ").lower().split()
    if _WORD_VALUE.match(text) and len(words) <= WORD_VALUE_MAX_WORDS:
        return True, " ".join(words)
    return None
