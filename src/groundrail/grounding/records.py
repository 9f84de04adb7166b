"""Structured records: read as lines a model can judge, and their yes/no attributes.

A JSON object in the context (a business record, a tool result) is linearised into one line
per field group (`linearise`), and its yes/no fields, opening hours and star rating are kept
beside the text (`Record`), so a claim that states one ("does not take reservations", "open
weekdays from 7 a.m. to 3 p.m.", "a 4-star rating") can be checked against the field itself
(`groundrail.grounding.attributes`, `groundrail.grounding.facts`).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any

import orjson

from groundrail.grounding.lexical import terms


@dataclass(slots=True, frozen=True)
class Attribute:
    """A yes/no field of a record, or a field with a short word value: `"OutdoorSeating":
    true` under `attributes` is path ("attributes",), name "outdoor seating", present True."""

    path: tuple[str, ...]  # the keys above it as words, outermost first
    name: str  # its own key as words
    present: bool  # False for false / "no" / "none"; True for true / "yes" / a word value
    value: str  # a word value as words ("free", "beer and wine"); "" for yes / no
    stated: str  # the words of the linearised record that state it ("outdoor seating yes")


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
    return linearise(data), record_of(data)


def linearise_text(text: str) -> str:
    """A JSON object or list becomes sentences a model can read; other text stays as it is."""
    return read(text)[0]


def record_of(value: Any) -> Record | None:
    """The attributes, opening hours and rating of a decoded JSON value; None when it has
    none of them."""
    found = _attributes(value, ())
    hours = _hours(value)
    top = _literal(value)
    rating = _rating(top) if isinstance(top, dict) else None
    reviews = _reviews(top) if isinstance(top, dict) else ()
    if not found and not hours and rating is None and not reviews:
        return None
    names: set[str] = set()
    if isinstance(top, dict):
        for v in top.values():
            if isinstance(v, str) and len(v.split()) <= NAME_MAX_WORDS:
                names.update(terms(v))
    return Record(tuple(found), frozenset(names), hours, rating, reviews)


def _reviews(top: dict[Any, Any]) -> tuple[Review, ...]:
    """The items with stars of the record's first list that has them (its reviews)."""
    for key, v in _present(top).items():
        if isinstance(v, list):
            headed = [_headed(_label(key), n + 1, item) for n, item in enumerate(v)]
            found = tuple(Review(h[2], h[0]) for h in headed if h is not None and h[2] is not None)
            if found:
                return found
    return ()


def _hours(value: Any) -> tuple[Day, ...]:
    """The first object of the record (outside its lists) keyed by day names with time
    ranges as values ("7:0-15:0"); a "0:0-0:0" range, which says nothing, is left out."""
    value = _literal(value)
    if not isinstance(value, dict):
        return ()
    present = _present(value)
    days = []
    for key, v in present.items():
        label = _label(key)
        times = _TIME_RANGE.match(str(v).strip()) if label in _DAYS else None
        if times is not None:
            h1, m1, h2, m2 = (int(x) for x in times.groups())
            if (h1, m1, h2, m2) != (0, 0, 0, 0):
                stated = f"{label} {_scalar(label, v)}"
                days.append(Day(label, (h1 * 60 + m1) % 1440, (h2 * 60 + m2) % 1440, stated))
    if days:
        return tuple(days)
    for v in present.values():
        if isinstance(v, dict) and (inner := _hours(v)):
            return inner
    return ()


def _rating(top: dict[Any, Any]) -> Rating | None:
    """The record's own `…stars` field, as `_field` states it."""
    for key, v in _present(top).items():
        label = _label(key)
        text = _field(label, v, "")
        if text.endswith(" stars)") and isinstance(v, int | float | str):
            return Rating(float(v), f"{label}: {text}")
    return None


NAME_MAX_WORDS = 20  # a longer top-level text (a description) says things; it names nothing
_WORD_VALUE = re.compile(r"^[A-Za-z][A-Za-z_ ]{0,39}$")
WORD_VALUE_MAX_WORDS = 4


def _attributes(value: Any, path: tuple[str, ...]) -> list[Attribute]:
    """Mirrors `_lines`: a group of scalars is stated "name value" on its parent's line, a
    scalar beside nested fields "parent name: value"."""
    value = _literal(value)
    if isinstance(value, list):
        return []  # list items (reviews) are things said, not attributes
    if not isinstance(value, dict):
        return []
    present = _present(value)
    grouped = _grouped(present, bool(path))
    found: list[Attribute] = []
    for key, v in present.items():
        name = _label(key)
        if isinstance(v, dict | list):
            found += _attributes(v, (*path, name))
            continue
        if path:
            polarity = _price(name, v) or _polarity(v)
        else:  # a top-level text names the record; a top-level yes/no is an attribute
            polarity = _polarity(v) if isinstance(v, bool) else None
        if polarity is None:
            continue
        scalar = _scalar(name, v)
        stated = f"{name} {scalar}" if grouped else f"{' '.join((*path, name))}: {scalar}"
        found.append(Attribute(path, name, polarity[0], polarity[1], stated))
        ruled_out = _RULED_OUT.get(name, {}).get(polarity[1] if polarity[0] else "", ())
        found += [Attribute(path, name, False, other, stated) for other in ruled_out]
    return found


# Values of Yelp's closed-vocabulary fields that a field's value rules out (its documented
# values: Alcohol none / beer_and_wine / full_bar, WiFi no / free / paid, NoiseLevel quiet /
# average / loud / very_loud): "a full bar" is false of "alcohol: beer and wine", "free Wi-Fi"
# of "wifi: paid". Only values no one would use for the field's own ("beer and wine" is true
# of a full bar; "quiet" and "average" are near enough).
_RULED_OUT: dict[str, dict[str, tuple[str, ...]]] = {
    "alcohol": {"": ("full bar", "beer and wine"), "beer and wine": ("full bar",)},
    "wifi": {"": ("free", "paid"), "free": ("paid",), "paid": ("free",)},
    "noise level": {
        "quiet": ("loud", "very loud"),
        "average": ("very loud",),
        "loud": ("quiet",),
        "very loud": ("quiet",),
    },
}


# More words a claim says a price level with, beside `_PRICE_WORDS`.
_PRICE_SYNONYMS = {
    1: "affordable cheap budget low",
    2: "moderately mid range average",
    3: "pricey upscale high",
    4: "luxury high end",
}


def _price(name: str, value: Any) -> tuple[bool, str] | None:
    """A price level as the words a claim says it with: 1 -> "inexpensive affordable …"."""
    level = _price_level(name, value)
    if level is None:
        return None
    return True, f"{_PRICE_WORDS[level]} {_PRICE_SYNONYMS[level]}"


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


_LITERAL = re.compile(r"^(?:[{\['\"]|u['\"]|True$|False$)")


def _literal(value: Any) -> Any:
    """A string that holds a Python literal, as raw Yelp-style records have them ("u'free'",
    "{'garage': False, 'street': True}", "True", "2"): its value; anything else unchanged."""
    if not isinstance(value, str) or not _LITERAL.match(value.strip()):
        return value
    try:
        return ast.literal_eval(value.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return value


def linearise(value: Any) -> str:
    """A record as lines a model reads, one line per field group, so windows follow it.

    Scalars of one object share a line ("name: Blue Heron Cafe. city: Portland."); a nested
    object of scalars is one line ("hours: Monday 7:00 to 15:00 (7 a.m. to 3 p.m.); …"); each
    item of a list of objects is its own line ("reviews 2: stars: 2. text: …"; an item with
    one text is headed by its other fields: "Review 2 (2 stars, May 3, 2021): …"). Keys read as
    words (`OutdoorSeating` -> "outdoor seating"), booleans as yes/no, times and whole
    numbers in their usual spellings.
    """
    return "\n".join(line for line in _lines(value, "") if line)


def _lines(value: Any, path: str) -> list[str]:
    value = _literal(value)
    if isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            return [_sentence(path, ", ".join(_scalar(path, v) for v in value))]
        return [
            line
            for n, v in enumerate(value)
            for line in _item(path, n + 1, v) or _lines(v, f"{path} {n + 1}".strip())
        ]
    if not isinstance(value, dict):
        return [_sentence(path, _scalar(path, value))]
    present = _present(value)
    flat = {k: v for k, v in present.items() if not isinstance(v, dict | list)}
    lines = []
    if flat and _grouped(present, bool(path)):
        fields = "; ".join(f"{_label(k)} {_scalar(_label(k), v)}" for k, v in flat.items())
        return [_sentence(path, fields + _day_groups(flat))]
    if flat:
        lines.append(
            " ".join(
                _sentence(f"{path} {_label(k)}".strip(), _field(_label(k), v, path))
                for k, v in flat.items()
            )
        )
    for k, v in present.items():
        if isinstance(v, dict | list):
            lines += _lines(v, f"{path} {_label(k)}".strip())
    return lines


ITEM_TEXT_WORDS = 6  # a list item's field this long is what the item says
# The heading `_item` gives a list item's line: "Review 3 (4 stars, May 5, 2022): ".
HEADING = re.compile(r"^[A-Z][\w ]* \d+ \([^)\n]*\): ")
_LIST_FILLER = frozenset({"info", "information", "data", "list", "items", "details", "entries"})


def _item(path: str, n: int, value: Any) -> list[str]:
    """A list item with one text and a few scalar fields, as a heading and the text:
    `{"review_stars": 3, "review_date": "2021-08-28 21:48:10", "review_text": "…"}`, the third of
    `review_info`, is "Review 3 (3 stars, August 28, 2021): …", which a model reads as one
    review; [] for other items."""
    found = _headed(path, n, value)
    return [_sentence(found[0], found[1])] if found is not None else []


def _headed(path: str, n: int, value: Any) -> tuple[str, str, float | None] | None:
    """`_item`'s heading, text and stars (None when it has none)."""
    value = _literal(value)
    if not isinstance(value, dict):
        return None
    present = _present(value)
    texts = [
        k for k, v in present.items() if isinstance(v, str) and len(v.split()) >= ITEM_TEXT_WORDS
    ]
    if len(texts) != 1 or any(isinstance(v, dict | list) for v in present.values()):
        return None
    noun = " ".join(w for w in path.split() if w not in _LIST_FILLER) or path or "item"
    if noun.endswith("s") and not noun.endswith("ss") and len(noun) > 3:
        noun = noun[:-1]  # "reviews 2" -> "Review 2"
    details = []
    stars = None
    for key, v in present.items():
        if key == texts[0]:
            continue
        label = _label(key)
        words = label.split()
        if len(words) > 1 and words[0] == noun.split()[0]:
            label = " ".join(words[1:])  # "review stars" of a review: "stars"
        details.append(_detail(label, v))
        if details[-1].endswith(" stars"):
            stars = float(details[-1].split()[0])
    head = f"{noun[:1].upper()}{noun[1:]} {n}" + (f" ({', '.join(details)})" if details else "")
    return head, str(present[texts[0]]).strip(), stars


def _detail(label: str, value: Any) -> str:
    """A scalar beside a list item's text, as a heading says it: "3 stars", "August 28,
    2021", "price 12"."""
    text = _scalar(label, value)
    if label.split()[-1:] == ["stars"] and text.replace(".", "", 1).isdigit():
        return f"{text} stars"
    if (date := _DATE.match(str(value).strip())) is not None:
        return _date_words(date)
    return f"{label} {text}"


def _date_words(date: re.Match[str]) -> str:
    """An ISO date as words: 2021-08-28 -> "August 28, 2021"."""
    year, month, day = (int(x) for x in date.groups()[:3])
    return f"{_MONTHS[month - 1]} {day}, {year}"


def _present(value: dict[Any, Any]) -> dict[Any, Any]:
    """An object's fields that hold something, Python-literal strings read as their values."""
    fields = {k: _literal(v) for k, v in value.items()}
    return {k: v for k, v in fields.items() if v not in (None, "", [], {})}


def _grouped(present: dict[Any, Any], nested: bool) -> bool:
    """Whether a nested object's fields share its one line ("attributes: wifi free; …"): all
    of them are scalars."""
    return nested and all(not isinstance(v, dict | list) for v in present.values())


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_TIME_RANGE = re.compile(r"^(\d{1,2}):(\d{1,2})\s*-\s*(\d{1,2}):(\d{1,2})$")
_DATE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?:[ T][\d:.]+Z?)?$")
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
# A US state's postal code as a claim writes it: "TX" -> "Texas" (USPS abbreviations).
_STATE_NAMES = (
    "AL:Alabama AK:Alaska AZ:Arizona AR:Arkansas CA:California CO:Colorado "
    "CT:Connecticut DE:Delaware DC:District_of_Columbia FL:Florida GA:Georgia HI:Hawaii "
    "ID:Idaho IL:Illinois IN:Indiana IA:Iowa KS:Kansas KY:Kentucky LA:Louisiana ME:Maine "
    "MD:Maryland MA:Massachusetts MI:Michigan MN:Minnesota MS:Mississippi MO:Missouri "
    "MT:Montana NE:Nebraska NV:Nevada NH:New_Hampshire NJ:New_Jersey NM:New_Mexico "
    "NY:New_York NC:North_Carolina ND:North_Dakota OH:Ohio OK:Oklahoma OR:Oregon "
    "PA:Pennsylvania RI:Rhode_Island SC:South_Carolina SD:South_Dakota TN:Tennessee "
    "TX:Texas UT:Utah VT:Vermont VA:Virginia WA:Washington WV:West_Virginia "
    "WI:Wisconsin WY:Wyoming PR:Puerto_Rico"
)
_US_STATES = {
    code: name.replace("_", " ")
    for code, name in (pair.split(":") for pair in _STATE_NAMES.split())
}
_PRICE_WORDS = {1: "inexpensive", 2: "moderate", 3: "expensive", 4: "very expensive"}


def _label(key: Any) -> str:
    """`OutdoorSeating` -> "outdoor seating", `RestaurantsPriceRange2` -> "restaurants price
    range", `business_stars` -> "business stars", `WiFi` -> "wifi"."""
    parts = _CAMEL.split(str(key))
    words: list[str] = []
    for part in parts:  # "Wi" + "Fi": pieces of two letters belong together
        if words and len(part) <= 2 and len(words[-1]) <= 2:
            words[-1] += part
        else:
            words.append(part)
    text = " ".join(words).replace("_", " ").replace("-", " ")
    return re.sub(r"(?<=[a-zA-Z])\d+$", "", text).strip().lower()


def _scalar(label: str, value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.lower() in ("true", "false"):
        return "yes" if text.lower() == "true" else "no"
    if (times := _TIME_RANGE.match(text)) is not None:
        h1, m1, h2, m2 = (int(x) for x in times.groups())
        return f"{h1}:{m1:02d} to {h2}:{m2:02d} ({_clock(h1, m1)} to {_clock(h2, m2)})"
    if (level := _price_level(label, text)) is not None:
        return f"{text} ({_PRICE_WORDS[level]})"
    if (date := _DATE.match(text)) is not None:
        return f"{text} ({_date_words(date)})"
    if label == "state" and text.upper() in _US_STATES:
        return f"{text} ({_US_STATES[text.upper()]})"
    return text


def _price_level(label: str, value: Any) -> int | None:
    """A price range's level, 1 to 4 (Yelp's `RestaurantsPriceRange2`); None for other fields."""
    text = str(value).strip()
    if "price range" in label and text.isdigit() and int(text) in _PRICE_WORDS:
        return int(text)
    return None


def _field(label: str, value: Any, path: str) -> str:
    """A record's own field; its star rating (not a review's, which sits in a list) is the
    average of its reviews: "stars: 4 (average rating 4 stars)"."""
    text = _scalar(label, value)
    if not path and label.split()[-1:] == ["stars"] and text.replace(".", "", 1).isdigit():
        return f"{text} (average rating {text} stars)"
    return text


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
_WEEKEND = ("saturday", "sunday")
_DAYS = (*_WEEKDAYS, *_WEEKEND)


def _day_groups(fields: dict[str, Any]) -> str:
    """Opening hours keyed by day also read as day groups: Monday..Friday alike -> "; weekdays
    (Monday to Friday) 7:00 to 15:00 …", so "open 7 to 3 on weekdays" finds its evidence."""
    days = {str(k).lower(): _scalar("", v) for k, v in fields.items()}
    out = ""
    for name, group in (("weekdays (monday to friday)", _WEEKDAYS), ("weekends", _WEEKEND)):
        values = {days.get(d) for d in group}
        if len(values) == 1 and None not in values:
            out += f"; {name} {values.pop()}"
    return out


def _clock(hour: int, minute: int) -> str:
    """24-hour time in 12-hour words: (15, 0) -> "3 p.m.", (0, 0) -> "midnight"."""
    if hour % 24 == 0 and minute == 0:
        return "midnight"
    if hour == 12 and minute == 0:
        return "noon"
    suffix = "a.m." if hour % 24 < 12 else "p.m."
    twelve = hour % 12 or 12
    return f"{twelve}:{minute:02d} {suffix}" if minute else f"{twelve} {suffix}"


def _sentence(label: str, value: str) -> str:
    text = f"{label}: {value}" if label else value
    return text if text.endswith((".", "!", "?")) else text + "."
