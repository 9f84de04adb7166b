"""Calendar dates a claim shifts: "sentencing is set for July 12" of an article that says
"June 12".

The number rule (`numbers`) finds the day of such a date among the context's values (12 is
in "June 12") and the model entails the claim: every other word is the source's. A claim's
date (month and day: "July 12", "12 July", "July the 12th") fails it only in a positive
conflict: the context never states that month and day together, and it dates the same
month with other days only, or the same day in another month and never this month. A date
the context does not write in a form read here ("Thanksgiving", "mid-June") therefore
passes unless the context names that month or dates that day otherwise; a bare
"the 17th" in the context accounts for any month's 17th, and a claim that counts days,
weeks or months ("two weeks later, on October 28") is left alone: it may compute its date.

Read, in the context and the claim: "June 12", "June 12th", "June the 12th", "12 June",
"the 12th of June", "the twenty-first of September", "Fourth of July", any case but "may"
and "march" (verbs unless capitalised); fixed-date holidays ("Christmas Eve", "New Year's
Day"); ranges
("June 12-14", "June 12 to 14", "June 28 to July 3", "12-14 June") as each of their days;
lists ("June 3 and 17", "August 5, 6 and 7", "2 and 3 October") as their days; ISO dates
("2024-06-12", "2024-06-12T09:14:00Z") and slash dates with a year ("6/12/2024", read both
ways round: month first in the US, day first elsewhere). Slash pairs without a year ("24/7",
"4/5 stars", "10/15 minutes") are no dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from groundrail.grounding.linear import MONTHS

# a month by its name or its abbreviation ("Sept." too)
_MONTH_NUMBER = {name.lower(): n for n, name in enumerate(MONTHS, start=1)}
_MONTH_NUMBER |= {name[:3].lower(): n for n, name in enumerate(MONTHS, start=1)}
_MONTH_NUMBER["sept"] = 9
_VERBS = frozenset({"may", "march", "mar"})  # months only when capitalised
_MONTH = r"(?:" + "|".join(sorted(_MONTH_NUMBER, key=len, reverse=True)) + r")\b\.?"
_UNITS = "first second third fourth fifth sixth seventh eighth ninth".split()  # noqa: SIM905
_TEENS = """tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth
    seventeenth""".split()  # noqa: SIM905
_SPELLED = {
    word: n
    for n, word in enumerate(
        [*_UNITS, *_TEENS, "eighteenth", "nineteenth", "twentieth"]
        + [f"twenty-{u}" for u in _UNITS]
        + ["thirtieth", "thirty-first"],
        start=1,
    )
}
_SPELLED_DAY = "|".join(sorted(_SPELLED, key=len, reverse=True)).replace("-", "[- ]")
_DIGITS_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![.,]?\d)"
_DAY = rf"(?:{_DIGITS_DAY}|(?:{_SPELLED_DAY})\b)"
_RANGE = r"\s*[-\u2013]\s*|\s+(?:to|through|thru|until|till)\s+"
_LIST = r",\s*(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+"
# a month, then its days: "June 12", "June the 12th", "June 12-14", "June 3, 17 and 21",
# "June 28 to July 3"
_MONTH_FIRST = re.compile(
    rf"\b(?P<month>{_MONTH})\s+(?:the\s+)?(?P<days>{_DAY}"
    rf"(?:(?:{_RANGE}|{_LIST})(?:(?P<month2>{_MONTH})\s+)?(?:the\s+)?{_DAY})*)",
    re.I,
)
# days, then their month: "12 June", "12-14 June", "the 12th of June", "2 and 3 October";
# not "10 August Wilson plays" (a name after the month)
_DAY_FIRST = re.compile(
    rf"\b(?:the\s+)?(?P<days>{_DIGITS_DAY}(?:(?:{_RANGE}|{_LIST})(?:the\s+)?{_DIGITS_DAY})*)"
    rf"\s+(?:of\s+)?(?P<month>{_MONTH})(?!\s+(?-i:[A-Z][a-z]))"
    rf"|\b(?P<spelled>{_SPELLED_DAY})\s+of\s+(?P<of_month>{_MONTH})",
    re.I,
)
_ONE_DAY = re.compile(rf"([12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?|({_SPELLED_DAY})\b", re.I)
_JOIN = re.compile(rf"{_RANGE}|{_LIST}", re.I)
_ISO = re.compile(r"\b(?:19|20)\d\d-(0?[1-9]|1[0-2])-([12]\d|3[01]|0?[1-9])(?!\d)")
_SLASH = re.compile(r"\b(\d{1,2})/(\d{1,2})/(?:\d{4}|\d{2})\b")
# "the 17th" with no month: a day of whichever month the text is about
# holidays on a fixed date, read as that date
_HOLIDAYS = {
    "new years day": (1, 1),
    "valentines day": (2, 14),
    "independence day": (7, 4),
    "halloween": (10, 31),
    "christmas eve": (12, 24),
    "christmas day": (12, 25),
    "christmas": (12, 25),
    "new years eve": (12, 31),
}
_HOLIDAY = re.compile(
    r"\b(" + "|".join(h.replace("s ", "['\u2019]?s ") for h in _HOLIDAYS) + r")\b", re.I
)
_MONTH_WORD = re.compile(rf"\b{_MONTH}", re.I)
_BARE_DAY = re.compile(
    rf"\bthe\s+([12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?{_MONTH})", re.I
)
# a claim that counts time from a date may compute its date ("two weeks later", "two weeks
# from October 14")
_COUNTS_TIME = re.compile(
    r"\b(?:days?|weeks?|months?|fortnight)\s+(?:later|after|before|earlier|from|following|prior)"
    r"\b|\b(?:later|earlier)\s+on\b",
    re.I,
)


@dataclass(slots=True, frozen=True)
class Dates:
    """The calendar dates a text states, as (month, day), and its bare days ("the 17th")."""

    dates: frozenset[tuple[int, int]] = frozenset()
    months: frozenset[int] = frozenset()  # every month it names, with a day or not
    bare_days: frozenset[int] = frozenset()


def stated(text: str) -> Dates:
    """The dates `text` states (see the module doc)."""
    dates = frozenset((month, day) for month, day, _ in _read(text, slashes=True))
    months = frozenset(n for m in _MONTH_WORD.finditer(text) if (n := _month(m.group())))
    bare = frozenset(int(m.group(1)) for m in _BARE_DAY.finditer(text))
    return Dates(dates, months, bare)


def misdated(claim: str, context: Dates) -> list[str]:
    """The dates of `claim`, as written, that conflict with the context's (module doc)."""
    if _COUNTS_TIME.search(claim):
        return []
    out = []
    for month, day, raw in _read(claim, slashes=False):
        if (month, day) in context.dates or day in context.bare_days:
            continue
        # the month dated with other days, or named with none ("opened in July" of "on July
        # 24"), or the day dated in another month ("June 12" of "July 12")
        if month in context.months or any(d == day for _, d in context.dates):
            out.append(raw)
    return list(dict.fromkeys(out))


def _read(text: str, slashes: bool) -> list[tuple[int, int, str]]:
    """(month, day, as written) of each date of `text` (module doc); with `slashes`, also
    slash dates with a year, both ways round."""
    out = []
    for m in _MONTH_FIRST.finditer(text):
        if _month(m.group("month")) is not None:
            out += _days(m.group("days"), m.group("month"), m.group().rstrip("."))
    for m in _DAY_FIRST.finditer(text):
        if m.group("spelled") and (month := _month(m.group("of_month"))) is not None:
            out.append((month, _day(m.group("spelled")), m.group().rstrip(".")))
        elif m.group("month") and _month(m.group("month")) is not None:
            out += _days(m.group("days"), m.group("month"), m.group().rstrip("."))
    out += [(int(m.group(1)), int(m.group(2)), m.group()) for m in _ISO.finditer(text)]
    for m in _HOLIDAY.finditer(text):
        name = re.sub(r"['\u2019]", "", m.group().lower())
        out.append((*_HOLIDAYS[name], m.group()))
    for m in _SLASH.finditer(text) if slashes else ():
        one, other = int(m.group(1)), int(m.group(2))
        out += [(one, other, m.group()), (other, one, m.group())]
    return out


def _day(word: str) -> int:
    """A day's number from its digits ("12th") or its word ("twenty-first")."""
    digits = re.match(r"\d+", word)
    if digits:
        return int(digits.group())
    return _SPELLED[re.sub(r"\s+", "-", word.lower())]


def _month(word: str) -> int | None:
    name = word.rstrip(".")
    if name.lower() in _VERBS and not name[0].isupper():
        return None
    return _MONTH_NUMBER.get(name.lower())


def _days(days: str, first_month: str, raw: str) -> list[tuple[int, int, str]]:
    """The (month, day) of each day of a run of days ("12-14", "3, 17 and 21", "28 to July
    3"), a range filled in."""
    month = _month(first_month) or 0
    out: list[tuple[int, int, str]] = []
    cursor, ranged = 0, False
    for number in _ONE_DAY.finditer(days):
        between = days[cursor : number.start()]
        cursor = number.end()
        named = re.search(_MONTH, between, re.I)
        next_month = (_month(named.group()) if named else None) or month
        day = _day(number.group())
        if out and ranged:
            last_month, last_day = out[-1][0], out[-1][1]
            if next_month == last_month:
                out += [(last_month, d, raw) for d in range(last_day + 1, day)]
            else:
                out += [(last_month, d, raw) for d in range(last_day + 1, 32)]
                out += [(next_month, d, raw) for d in range(1, day)]
        out.append((next_month, day, raw))
        month = next_month
        rest = days[cursor:]
        join = _JOIN.match(rest)
        ranged = bool(join and re.match(_RANGE, join.group(), re.I))
    return out
