"""Calendar dates a claim shifts: "sentencing is set for July 12" of an article that says
"June 12".

The number rule (`numbers`) finds the day of such a date among the context's values (12 is
in "June 12") and the model entails the claim: every other word is the source's. A claim's
date (month and day: "July 12", "12 July", "July the 12th", "2024-06-12") fails it only in a
positive conflict: the context never states that month and day together, and it names the
same month (with other days, or none: "opened in July" of "on July 24"), or dates the same
day in another month. A date the context writes in a form not read here ("Thanksgiving",
"mid-June") therefore passes unless the context names that month or dates that day
otherwise. A day with no month in the context ("the 17th", "the 14th and 15th") accounts
for any month's, and a claim's dates after a word that places a date in time, and the one
nearest it, are left alone: the claim may compute them ("two weeks from October 14, ending
on October 28", "the next day, June 13", "Jan 15 of the following year").

Read in the context: "June 12", "June 12th", "June the 12th", "12 June", "the 12th of June",
"the twenty-first of September", "the first day of July", "Saturday 14 and Sunday 15 June",
"Mon 10 - Fri 14 June", "Oct.15", "07-Mar-2025", any case but "may" and "march" (verbs
unless capitalised); ranges ("June 12-14", "June 12 to 14", "from June 28 to July 3",
"between June 10 and June 14") as each of their days; lists ("June 3 and 17", "July 5, 6,
12, 13", "June 14 (Sat) & 15 (Sun)", "12/13 July"); a time after a date is no day ("June 1,
2-4 p.m."); ISO dates (with a time too), slash dates with a year both ways round (month
first in the US, day first elsewhere; not "24/7", "4/5 stars", "10/15 minutes"), and
fixed-date holidays ("Christmas Eve", "New Year's Day"; not "Lunar New Year's Day", nor a
nation's "Independence Day"). Read in a claim: the same written dates, a range as its two
ends, a list by commas only when it ends in "and" / "or" (else its first day: "March 10,
15 people"), no holidays and no slash dates, and not a day before a month and a name ("10
August Wilson plays").
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
_FULL = "|".join(sorted((m.lower() for m in MONTHS), key=len, reverse=True))
_ABBREVIATIONS = {*(m[:3].lower() for m in MONTHS), "sept"} - {"may"}
_SHORT = "|".join(sorted(_ABBREVIATIONS, key=len, reverse=True))
# a month's name, or its abbreviation with or without a dot ("Sept."; not "June." of "in
# June. The first …")
_MONTH = rf"(?:(?:{_FULL})\b|(?:{_SHORT})\b\.?)"
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
# a day, not a time or a count after a date ("June 1, 2-4 p.m.", "March 5, 10 a.m.")
_DIGITS_DAY = (
    r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![.,:]?\d)"
    r"(?!\s*(?:[-\u2013]\s*\d{1,2}\s*)?(?:[ap]\.?m\b|[ap]\.m\.|o'clock|%|percent))"
)
_DAY = rf"(?:{_DIGITS_DAY}|(?:{_SPELLED_DAY})\b)"
_RANGE = r"\s*[-\u2013]\s*|\s+(?:to|through|thru|until|till)\s+"
_LIST = r",\s*(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+|/"
# a month, then its days: "June 12", "June the 12th", "June 12-14", "June 3, 17 and 21",
# "June 28 to July 3"
# The patterns read lower-cased text (`_lower`): matching case-blind costs about twice as
# much on a long context; a month's capitalisation ("May", "March") is read from the text.
# a weekday in brackets after a day: "June 14 (Sat) & 15 (Sun)"
_BRACKETED = r"(?:\s*\([a-z]{2,9}\.?\))?"
_MONTH_FIRST = re.compile(
    rf"\b(?P<month>{_MONTH})(?:\s+|(?<=\.))(?:the\s+)?(?P<days>{_DAY}{_BRACKETED}"
    rf"(?:(?:{_RANGE}|{_LIST})(?:(?P<month2>{_MONTH})\s+)?(?:the\s+)?{_DAY}{_BRACKETED})*)"
)
# days, then their month: "12 June", "12-14 June", "the 12th of June", "2 and 3 October",
# "Saturday 14 and Sunday 15 June"
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|wednes|thu|thur|thurs|fri|sat|satur|sun)(?:day)?\.?,?\s+)?"
_DAY_FIRST = re.compile(
    rf"\b(?:the\s+)?(?P<days>{_DIGITS_DAY}(?:(?:{_RANGE}|{_LIST}){_WEEKDAY}(?:the\s+)?"
    rf"{_DIGITS_DAY})*)\s+(?:of\s+)?(?P<month>{_MONTH})"
    # "the twenty-first of September", "the first day of July"
    rf"|\b(?P<spelled>{_SPELLED_DAY})\s+(?:day\s+)?of\s+(?P<of_month>{_MONTH})"
)
# in a claim, a capitalised word after the month makes it a name: "10 August Wilson plays"
_NAME_AFTER = re.compile(r"\s+[A-Z][a-z]")
_ONE_DAY = re.compile(rf"([12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?|({_SPELLED_DAY})\b")
_JOIN = re.compile(rf"{_RANGE}|{_LIST}")
_RANGE_JOIN = re.compile(_RANGE)
_MONTH_NAME = re.compile(_MONTH)
_ISO = re.compile(r"\b(?:19|20)\d\d-(0?[1-9]|1[0-2])-([12]\d|3[01]|0?[1-9])(?!\d)")
# "07-Mar-2025"
_DASHED = re.compile(rf"\b([12]\d|3[01]|0?[1-9])-(?P<month>{_SHORT})-(?:\d{{4}}|\d{{2}})\b")
_SLASH = re.compile(r"\b(\d{1,2})/(\d{1,2})/(?:\d{4}|\d{2})\b")
# holidays on a fixed date, read as that date in the context (not a nation's own: "Lunar New
# Year's Day", "Independence Day")
_HOLIDAYS = {
    "new years day": (1, 1),
    "valentines day": (2, 14),
    "halloween": (10, 31),
    "christmas eve": (12, 24),
    "christmas day": (12, 25),
    "christmas": (12, 25),
    "new years eve": (12, 31),
}
_HOLIDAY = re.compile(
    r"(?<!lunar )(?<!chinese )(?<!jewish )(?<!persian )(?<!orthodox )\b("
    + "|".join(h.replace("s ", "['\u2019]?s ") for h in _HOLIDAYS)
    + r")\b"
)
_MONTH_WORD = re.compile(rf"\b{_MONTH}")
# "the 17th", "the 14th and 15th": a day with no month, of whichever month the text is about
_BARE_DAY = re.compile(rf"\b([12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?{_MONTH})")
# words that count time from a date, or name a date by its place in time ("the next day",
# "the following Monday", "yesterday", "the end of March", "the April-June quarter"): the
# claim's dates after them, and the one nearest them, may be computed and are left alone
_COUNTS_TIME = re.compile(
    r"\b(?:days?|weeks?|months?|fortnight|later|earlier|next|following|previous|prior"
    r"|yesterday|tomorrow|tonight|end\s+of|beginning\s+of|start\s+of|quarter|deadline)\b"
)
# "between June 10 and June 14": a range
_BETWEEN = re.compile(r"\bbetween\s+$")


@dataclass(slots=True, frozen=True)
class Dates:
    """The calendar dates a text states, as (month, day), and its bare days ("the 17th")."""

    dates: frozenset[tuple[int, int]] = frozenset()
    months: frozenset[int] = frozenset()  # every month it names, with a day or not
    bare_days: frozenset[int] = frozenset()


def stated(text: str) -> Dates:
    """The dates `text` states (see the module doc)."""
    low = _lower(text)
    dates = frozenset((month, day) for month, day, _, _ in _read(text, low, context=True))
    months = frozenset(n for m in _MONTH_WORD.finditer(low) if (n := _month(text, *m.span())))
    bare = frozenset(int(m.group(1)) for m in _BARE_DAY.finditer(low))
    return Dates(dates, months, bare)


def _lower(text: str) -> str:
    """`text` lower-cased with its offsets kept (a letter whose lower case is longer, "İ",
    stays as it is)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def misdated(claim: str, context: Dates) -> list[str]:
    """The dates of `claim`, as written, that conflict with the context's (module doc)."""
    low = _lower(claim)
    read = _read(claim, low, context=False)
    # a word that places a date in time takes the date nearest it ("Jan 15 of the following
    # year") and every date after it ("two weeks from October 14, ending on October 28")
    computed: set[int] = set()
    for m in _COUNTS_TIME.finditer(claim) if read else ():  # not "Election Day"
        computed.add(min(range(len(read)), key=lambda i: abs(read[i][3] - m.start())))
        computed |= {i for i, date in enumerate(read) if date[3] > m.start()}
    out = []
    for i, (month, day, raw, _) in enumerate(read):
        if (month, day) in context.dates or day in context.bare_days or i in computed:
            continue
        # the month dated with other days, or named with none ("opened in July" of "on July
        # 24"), or the day dated in another month ("June 12" of "July 12")
        if month in context.months or any(d == day for _, d in context.dates):
            out.append(raw)
    return list(dict.fromkeys(out))


def _read(text: str, low: str, context: bool) -> list[tuple[int, int, str, int]]:
    """(month, day, as written, where) of each date of `text` (`low`: it lower-cased; module
    doc). A context's ranges are filled in ("between June 10 and June 14" too) and its
    holidays and slash dates read; a claim's range is its two ends (a day between them is no
    claim of its own)."""
    out = []
    for m in _MONTH_FIRST.finditer(low):
        if _month(text, *m.span("month")) is not None:
            after_between = context and bool(
                _BETWEEN.search(low, max(0, m.start() - 12), m.start())
            )
            out += _days(text, m, context, after_between)
    for m in _DAY_FIRST.finditer(low):
        if m.group("spelled"):
            if (month := _month(text, *m.span("of_month"))) is not None:
                written = text[m.start() : m.end()]
                out.append((month, _day(m.group("spelled")), written, m.start()))
        elif _month(text, *m.span("month")) is not None and (
            context or not _NAME_AFTER.match(text, m.end("month"))
        ):
            out += _days(text, m, context)
    out += [(int(m.group(1)), int(m.group(2)), m.group(), m.start()) for m in _ISO.finditer(low)]
    if not context:
        return out
    for m in _HOLIDAY.finditer(low):
        out.append((*_HOLIDAYS[re.sub(r"['\u2019]", "", m.group())], m.group(), m.start()))
    for m in _DASHED.finditer(low):
        if (month := _month(text, *m.span("month"))) is not None:
            out.append((month, int(m.group(1)), m.group(), m.start()))
    for m in _SLASH.finditer(low):
        one, other = int(m.group(1)), int(m.group(2))
        out += [(one, other, m.group(), m.start()), (other, one, m.group(), m.start())]
    return out


def _day(word: str) -> int:
    """A day's number from its digits ("12th") or its word ("twenty-first")."""
    digits = re.match(r"\d+", word)
    if digits:
        return int(digits.group())
    return _SPELLED[re.sub(r"\s+", "-", word.lower())]


def _month(text: str, start: int, end: int) -> int | None:
    """The number of the month named at text[start:end]; None for "may" and "march" not
    capitalised (verbs)."""
    name = text[start:end].rstrip(".")
    if name.lower() in _VERBS and not name[:1].isupper():
        return None
    return _MONTH_NUMBER.get(name.lower())


def _days(
    text: str, match: re.Match[str], fill: bool, and_is_range: bool = False
) -> list[tuple[int, int, str, int]]:
    """(month, day, as written, where) of each day of a date's run of days ("12-14", "3, 17
    and 21", "28 to July 3"; `match` of the lower-cased `text`), a range filled in when
    `fill` ("and" is a range after "between"); each day written with its month ("July 3").
    In a claim a list of days by commas must end in "and" / "or" ("August 5, 6 and 7");
    otherwise the first day is the date ("March 10, 15 people …"); a context's is read whole
    ("Performances: July 5, 6, 12, 13")."""
    days, base = match.group("days"), match.start("days")
    joins = [j.group() for j in _JOIN.finditer(days)]
    if any("," in j for j in joins) and not re.search(r"\b(?:and|or)\b|&", joins[-1]):
        days = days if fill else days[: days.index(",")]
    month = _month(text, *match.span("month")) or 0
    month_word = text[match.start("month") : match.end("month")].rstrip(".")
    out: list[tuple[int, int, str, int]] = []
    cursor, ranged = 0, False
    for number in _ONE_DAY.finditer(days):
        named = _MONTH_NAME.search(days, cursor, number.start())
        cursor = number.end()
        if named and (number_of := _month(text, base + named.start(), base + named.end())):
            month = number_of
            month_word = text[base + named.start() : base + named.end()].rstrip(".")
        day, where = _day(number.group()), base + number.start()
        if out and ranged and fill:
            last_month, last_day = out[-1][0], out[-1][1]
            if month == last_month:
                out += [(month, d, "", where) for d in range(last_day + 1, day)]
            else:
                out += [(last_month, d, "", where) for d in range(last_day + 1, 32)]
                out += [(month, d, "", where) for d in range(1, day)]
        written = text[base + number.start() : base + number.end()]
        out.append((month, day, f"{month_word} {written}", where))
        join = _JOIN.match(days, cursor)
        ranged = bool(join and (and_is_range or _RANGE_JOIN.match(join.group())))
    return out
