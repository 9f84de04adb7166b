"""JSON read as lines a model can judge: one line per field group.

A JSON object in the context (a business record, a tool result) becomes text that follows its
structure (`linearise`): the scalar fields of an object on one line, each nested object of
scalars on its own line, each item of a list of objects on its own line, an item with one text
headed by its other fields ("Review 2 (2 stars, July 16, 2022): …"). Keys read as words, times,
dates, price levels and state codes in their usual spellings. The fields a claim can be
checked against without the model are read from the same values in
`groundrail.grounding.records`.
"""

from __future__ import annotations

import ast
import re
from typing import Any

_NUMERIC = re.compile(r"^\d+(?:\.\d+)?$", re.ASCII)


def stars_of(label: str, value: Any) -> float | None:
    """A `…stars` field's number (4, 4.5, "4.0"); None for other fields and values."""
    if label.split()[-1:] != ["stars"] or isinstance(value, bool):
        return None
    text = str(value).strip()
    return float(text) if _NUMERIC.match(text) else None


_LITERAL = re.compile(r"^(?:[{\['\"]|u['\"]|True$|False$|None$)")  # "None": Yelp's unknown


def read_literal(value: Any) -> Any:
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
    value = read_literal(value)
    if isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            if any(isinstance(v, str) and len(v.split()) >= 4 for v in value):
                # texts (retrieved chunks, sentences): each its own line, not run together
                return [_sentence(path, scalar_words(path, v)) for v in value]
            return [_sentence(path, ", ".join(scalar_words(path, v) for v in value))]
        return [
            line
            for n, v in enumerate(value)
            for line in _item(path, n + 1, v) or _lines(v, f"{path} {n + 1}".strip())
        ]
    if not isinstance(value, dict):
        return [_sentence(path, scalar_words(path, value))]
    present = present_fields(value)
    flat = {k: v for k, v in present.items() if not isinstance(v, dict | list)}
    lines = []
    if flat and is_grouped(present, bool(path)):
        fields = "; ".join(
            f"{key_words(k)} {scalar_words(key_words(k), v)}" for k, v in flat.items()
        )
        return [_sentence(path, fields + _day_groups(flat))]
    if flat:
        lines.append(
            " ".join(
                _sentence(f"{path} {key_words(k)}".strip(), own_field(key_words(k), v, path))
                for k, v in flat.items()
            )
        )
    for k, v in present.items():
        if isinstance(v, dict | list):
            lines += _lines(v, f"{path} {key_words(k)}".strip())
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
    found = headed_item(path, n, value)
    return [_sentence(found[0], found[1])] if found is not None else []


def headed_item(path: str, n: int, value: Any) -> tuple[str, str, float | None] | None:
    """`_item`'s heading, text and stars (None when it has none)."""
    value = read_literal(value)
    if not isinstance(value, dict):
        return None
    present = present_fields(value)
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
        label = key_words(key)
        words = label.split()
        if len(words) > 1 and words[0] == noun.split()[0]:
            label = " ".join(words[1:])  # "review stars" of a review: "stars"
        details.append(_detail(label, v))
        stars = stars_of(label, v) if stars is None else stars
    head = f"{noun[:1].upper()}{noun[1:]} {n}" + (f" ({', '.join(details)})" if details else "")
    return head, str(present[texts[0]]).strip(), stars


def _detail(label: str, value: Any) -> str:
    """A scalar beside a list item's text, as a heading says it: "3 stars", "August 28,
    2021", "price 12"."""
    text = scalar_words(label, value)
    if stars_of(label, value) is not None:
        return f"{text} stars"
    if (date := _DATE.match(str(value).strip())) is not None:
        return _date_words(date)
    return f"{label} {text}"


def _date_words(date: re.Match[str]) -> str:
    """An ISO date as words: 2021-08-28 -> "August 28, 2021"."""
    year, month, day = (int(x) for x in date.groups()[:3])
    return f"{MONTHS[month - 1]} {day}, {year}"


def present_fields(value: dict[Any, Any]) -> dict[Any, Any]:
    """An object's fields that hold something, Python-literal strings read as their values."""
    fields = {k: read_literal(v) for k, v in value.items()}
    return {k: v for k, v in fields.items() if v not in (None, "", [], {})}


def is_grouped(present: dict[Any, Any], nested: bool) -> bool:
    """Whether a nested object's fields share its one line ("attributes: wifi free; …"): all
    of them are scalars."""
    return nested and all(not isinstance(v, dict | list) for v in present.values())


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


TIME_RANGE = re.compile(r"^(\d{1,2}):(\d{1,2})\s*-\s*(\d{1,2}):(\d{1,2})$")


_DATE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?:[ T][\d:.]+Z?)?$")


MONTHS = [
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


# A US state's or Canadian province's postal code as a claim writes it: "TX" -> "Texas",
# "AB" -> "Alberta" (USPS and Canada Post abbreviations).
_STATE_NAMES = (
    "AL:Alabama AK:Alaska AZ:Arizona AR:Arkansas CA:California CO:Colorado "
    "CT:Connecticut DE:Delaware DC:District_of_Columbia FL:Florida GA:Georgia HI:Hawaii "
    "ID:Idaho IL:Illinois IN:Indiana IA:Iowa KS:Kansas KY:Kentucky LA:Louisiana ME:Maine "
    "MD:Maryland MA:Massachusetts MI:Michigan MN:Minnesota MS:Mississippi MO:Missouri "
    "MT:Montana NE:Nebraska NV:Nevada NH:New_Hampshire NJ:New_Jersey NM:New_Mexico "
    "NY:New_York NC:North_Carolina ND:North_Dakota OH:Ohio OK:Oklahoma OR:Oregon "
    "PA:Pennsylvania RI:Rhode_Island SC:South_Carolina SD:South_Dakota TN:Tennessee "
    "TX:Texas UT:Utah VT:Vermont VA:Virginia WA:Washington WV:West_Virginia "
    "WI:Wisconsin WY:Wyoming PR:Puerto_Rico "
    # Canadian provinces and territories (Canada Post)
    "AB:Alberta BC:British_Columbia MB:Manitoba NB:New_Brunswick NL:Newfoundland_and_Labrador "
    "NS:Nova_Scotia NT:Northwest_Territories NU:Nunavut ON:Ontario PE:Prince_Edward_Island "
    "QC:Quebec SK:Saskatchewan YT:Yukon"
)


_STATES = {
    code: name.replace("_", " ")
    for code, name in (pair.split(":") for pair in _STATE_NAMES.split())
}


PRICE_WORDS = {1: "inexpensive", 2: "moderate", 3: "expensive", 4: "very expensive"}


def key_words(key: Any) -> str:
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


def scalar_words(label: str, value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.lower() in ("true", "false"):
        return "yes" if text.lower() == "true" else "no"
    if (times := TIME_RANGE.match(text)) is not None:
        h1, m1, h2, m2 = (int(x) for x in times.groups())
        if h1 == m1 == h2 == m2 == 0:  # Yelp's way of saying open around the clock
            return "0:00 to 0:00 (open 24 hours)"
        return f"{h1}:{m1:02d} to {h2}:{m2:02d} ({_clock(h1, m1)} to {_clock(h2, m2)})"
    if (level := price_level(label, text)) is not None:
        return f"{text} ({PRICE_WORDS[level]})"
    if (date := _DATE.match(text)) is not None:
        return f"{text} ({_date_words(date)})"
    if label == "state" and text.upper() in _STATES:
        return f"{text} ({_STATES[text.upper()]})"
    return text


def price_level(label: str, value: Any) -> int | None:
    """A price range's level, 1 to 4 (Yelp's `RestaurantsPriceRange2`); None for other fields."""
    text = str(value).strip()
    if "price range" in label and text.isdigit() and int(text) in PRICE_WORDS:
        return int(text)
    return None


def own_field(label: str, value: Any, path: str) -> str:
    """A record's own field; its star rating (not a review's, which sits in a list) is the
    average of its reviews: "stars: 4 (average rating 4 stars)"."""
    text = scalar_words(label, value)
    if not path and stars_of(label, value) is not None:
        return f"{text} (average rating {text} stars)"
    return text


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")


_WEEKEND = ("saturday", "sunday")


DAYS = (*_WEEKDAYS, *_WEEKEND)


def _day_groups(fields: dict[str, Any]) -> str:
    """Opening hours keyed by day also read as day groups: Monday..Friday alike -> "; weekdays
    (Monday to Friday) 7:00 to 15:00 …", so "open 7 to 3 on weekdays" finds its evidence."""
    days = {str(k).lower(): scalar_words("", v) for k, v in fields.items()}
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
