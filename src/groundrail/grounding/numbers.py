"""Numbers a claim states that its context never does: "44 %" in a summary of an article
that gives no percentage, "400 employees" against "40 staff".

The model reads such a claim as entailed whenever its other words match (on HaluEval's dev
summaries: "It can also save users up to 44% on energy usage" at entailment 0.98), so a
stated number the context lacks is checked apart from it (`engine.GroundingEngine.decide`).
Values are compared, not strings. The context's numbers are read in digits and in words
("twenty-nine", "twenty-first", "a dozen", "three-and-a-half", "March" as 3), scaled ("1.5
million" is also 1500000), a decimal also as its parts and a 24-hour clock time also as its
12-hour hour ("22:00" is 10). A claim's number is found when it is one of them, when its parts
are ("9.45am" against "9:45 a.m."), after "about", "nearly" … when one lies within 10 % of it,
with a scale word when one rounds to it at the claim's last digit ("8.3 million" of 8,270,000
or 8,340,000; not "$4.8 million" of "4.7 million dollars"), and after "more than", "up to" …
when it is round (a multiple of 5) and one lies on the stated side of it, within half as much
again ("over 200 reviews" of 283); "2013-14" is 2013 and 2014. An amount of money ("$1 to $2")
is looked for among the context's amounts of money ("$3-5", "12 dollars"), and the index in a
record item's heading ("Review 2 (…)") is no quantity, the last one being how many there are
("3 reviews"). A share ("40 percent", "40%") is looked for among the context's shares, the
shares it says in words ("half", "doubled") and those two numbers of one of its sentences
make (`_shared`): "about 40 percent over budget" is not found in "40 million more than
budgeted". A claim that says it sums ("together", "in total", "across the two towns") may
state the sum of two of the context's numbers, and one that says it takes a difference of
money ("£7 less") the difference of two amounts (`_worked_out`). Not checked: numbers inside
names and codes ("COVID-19", "HAuCl4", "F1", "G7",
"8.1.4"), URLs, e-mail addresses, phone numbers, "24/7", "7 days a week" and "out of 5", list
markers ("1. Rest …"), and numbers written in words in the claim (a count an answer makes
itself: "the two companies"), except a count of something the sentence it restates counts, in a
number neither that sentence writes nor the context counts it by ("eleven crew members" of
"seven crew members": `miscounted`), and a span of time in digits that the sentence restating
its clause counts by another number ("more than 2 years" of "more than 5 years ago":
`misspanned`).
A calendar date the context dates otherwise ("July 12" of "June 12") is missing too
(`dates.misdated`): its day alone is found in "June 12". A vote said to be unanimous of a
sentence that tallies votes against it ("voted 7-2"), or said to be split of one that says it
was unanimous, is miscounted (`misvoted`).
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence, Set
from dataclasses import dataclass, field

from groundrail.grounding import dates
from groundrail.grounding.dates import Dates
from groundrail.grounding.lexical import (
    BM25,
    NOT_SUPERLATIVE,
    RESTATED,
    STOPWORDS,
    clause_at,
    clauses,
    content_words,
    covered,
    restated_in,
)
from groundrail.grounding.linear import MONTHS

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# a claim's number, not part of a name or code (a letter, or a letter and a hyphen, before it)
_CLAIMED = re.compile(r"(?<![A-Za-z\d.,])(?<![A-Za-z]-)\d+(?:[.,]\d+)*")
_VALUE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")  # not "8.1.4", "1,2,3"
_LIST_MARKER = re.compile(r"^\s*\d+[.)]\s")
# what holds digits but states no quantity: a URL, an e-mail address, a phone number, the
# idioms "24/7", "7 days a week" (the hours rule's and the model's) and "out of 5", and a
# reference to one of the documents ("According to passage 2", "passages 1 and 3", "Document
# 4 adds"; a list of them ends at a small number: not "passage 2 and 30 volunteers"), which
# RAG answers cite by the number the prompt gave each; a record's "Review 2" only capitalised
# ("a review 6 weeks after surgery" is a quantity)
_NOT_QUANTITY = re.compile(
    r"\S+://\S+|\bwww\.\S+|\S+@\S+\.\w+|\+?\b1?[\s.-]?\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b"
    r"|\b24\s*/\s*7\b|\b7\s+days\s+a\s+week\b|\bout\s+of\s+\d+\b"
    r"|\b(?:passage|document|doc|source|snippet|excerpt|search\s+result|(?-i:Review))s?\s*#?\d+"
    r"(?:(?:\s*,\s*#?\d+)*,?\s+(?:and|or|&|to)\s+#?(?:1?\d|20)\b|\s*[-\u2013]\s*\d+)?\b",
    re.IGNORECASE,
)
_HEDGE = r"\s+(?:\$|£|€)?$"
# a limit: "up to 8 kg", "at most 2", "no more than $50" (`Stated.limits`; a claim's "limit")
_LIMIT_WORDS = r"\b(?:up\s+to|at\s+most|no\s+more\s+than|(?:a\s+)?maximum\s+of)\s+(?:\$|£|€)?"
_LIMIT = re.compile(_LIMIT_WORDS + r"(\d+(?:[.,]\d+)*)")
_LIMITED = re.compile(_LIMIT_WORDS + "$", re.IGNORECASE)
# a floor: "at least 18,000", "more than 140", "no fewer than 3" (`Stated.floors`)
_FLOOR = re.compile(
    r"\b(?:at\s+least|(?<!no\s)more\s+than|no\s+(?:fewer|less)\s+than|a\s+minimum\s+of|upwards\s+of"
    r"|in\s+excess\s+of)\s+(?:\$|\u00a3|\u20ac)?(\d+(?:[.,]\d+)*)"
)
_ABOUT = re.compile(
    r"\b(?:about|around|approximately|roughly|nearly|almost|some|close\s+to|an\s+estimated|"
    r"estimated|~)" + _HEDGE,
    re.IGNORECASE,
)
_OVER = re.compile(
    r"\b(?:over|more\s+than|upwards\s+of|at\s+least|just\s+over|in\s+excess\s+of|above|"
    r"exceeding)" + _HEDGE,
    re.IGNORECASE,
)
_UNDER = re.compile(
    r"\b(?:under|less\s+than|fewer\s+than|up\s+to|at\s+most|just\s+under|below)" + _HEDGE,
    re.IGNORECASE,
)
_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "dozen": 12,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "twentieth": 20,
    "thirtieth": 30, "hundredth": 100,
}  # fmt: skip
_MONTHS = {  # "may" is left out: mostly the verb
    name.lower(): n for n, name in enumerate(MONTHS, start=1) if name != "May"
}
_MONTH = re.compile(r"\b(?:" + "|".join(_MONTHS) + r")\b")
_SCALES = {
    "hundred": 100,
    "thousand": 1000,
    "million": 10**6,
    "billion": 10**9,
    "trillion": 10**12,
}
_SCALE_WORDS = "|".join(_SCALES)
_ONES = "|".join([*_UNITS, *_ORDINALS])
_WORD_NUMBER = re.compile(
    r"\b(?:(?P<tens>" + "|".join(_TENS) + r")(?:[-\s](?P<unit>" + _ONES + r"))?"
    r"|(?P<single>" + _ONES + r"))"
    r"(?P<half>[-\s]and[-\s]a[-\s]half)?"
    r"(?:[-\s](?P<scale>" + _SCALE_WORDS + r"))?\b"
)
# "8.3 million", "$4.8m", "12k", "$5 bn": a context's scaled values (one too many is harmless)
_NUMBER_WORDS = frozenset([*_UNITS, *_TENS, *_ORDINALS, *_SCALES])
_SCALE_AFTER = re.compile(rf"\s*({_SCALE_WORDS}|bn|m|k)\b")
# a claim's: a short scale only written on its number ("300 m" is metres, not 300 million)
_SCALE_ON = re.compile(
    rf"(?:\s*(?=(?:{_SCALE_WORDS})\b)|(?=(?:bn|m|k)\b))({_SCALE_WORDS}|bn|m|k)\b"
)
_SCALE_SHORT = {"bn": 10**9, "m": 10**6, "k": 1000}
_SPAN_UNIT_WORDS = "minute|hour|day|week|month|year"
_SPAN_UNITS = rf"({_SPAN_UNIT_WORDS})"
# spans of time as `_stem` writes them, and their length in minutes (a month a twelfth of a
# year)
_SPAN_MINUTES = {
    "minut": 1.0,
    "hour": 60.0,
    "day": 1440.0,
    "week": 10080.0,
    "month": 43830.0,
    "year": 525960.0,
}
_SPANS = frozenset(_SPAN_MINUTES)
# a bound a sentence sets on a span ("CDs of 12 months or less", "longer than 5 years")
_BOUND = re.compile(
    r"\b(?:(?:more|less|longer|shorter|fewer|greater)\s+than|at\s+(?:least|most)|under|over"
    r"|within|up\s+to)\s+\d|\d+[-\s]+[a-z]+\s+or\s+(?:less|more|longer|shorter|fewer)\b",
    re.I,
)
_RANGE_END = re.compile(r"\d(?:\s*(?:-|\u2013|to|and)\s*)$")
# a total or what is left, said as one ("10 years in all", "the remaining 3 weeks")
# a speed spelled out: "15 miles per hour", "80 kilometres an hour" (`_speeds`)
_SPEED = re.compile(r"\b(miles?|kilomet(?:er|re)s?|km)\s+(?:per|an|a)\s+hour\b")
_TOTAL = re.compile(r"\b(?:total|in\s+all|altogether|combined|overall|remaining|left)\b")
_ONE_SPAN = re.compile(rf"\b(?:an?|one|1)[-\s]{_SPAN_UNITS}\b")
_HALF_SPAN = re.compile(
    rf"\b(?:an?|one)\s+(?P<unit>{_SPAN_UNIT_WORDS})\s+and\s+a\s+half\b"
    rf"|\bhalf\s+an?\s+(?P<half>{_SPAN_UNIT_WORDS})\b"
)
# a span of one in a claim, as a delay ("an hour later", "a week before"), not a rate ("a day")
_ONE_SPAN_LATER = re.compile(
    rf"(?<!half )\b(?:an?|one)\s+{_SPAN_UNITS}\s+(?:later|earlier|ago|after|before|behind|late)\b"
)
_AGE = re.compile(r"[-\s]olds?\b")
# counts that are idioms of rate or opening, no span a delay is measured against
_RATE_COUNTS = {"hour": 24.0, "day": 7.0}
# the word a number counts: "seven crew", "3-year", "12 km"
_COUNTED_WORD = r"[-\s]([a-z]{3,}|kgs?|kms?|lbs?|oz|ft|cm|mm|mi)\b"
_COUNTED = re.compile(_COUNTED_WORD)
# the lower end of a range, counting the same word: "between 1 and 2 kilograms"
_RANGE_COUNTED = re.compile(
    rf"\b(\d+(?:\.\d+)?)\s*(?:-|\u2013|to|and)\s*\d+(?:\.\d+)?{_COUNTED_WORD}"
)
_YEAR = re.compile(r"(?<![\d.,$])(?:1[89]|20)\d\d(?![.,]?\d)")  # "2019", not "2,019", "$2019"
# a year told from a year written before it (any within `YEAR_THEN_REACH`: which one it is
# told from is not read): "evacuated in 1964 and flooded the following year" (1965), "… in
# 1964. A year later, …", "opened in 2010; a year earlier …" (2009)
_YEAR_THEN = re.compile(
    r"\b(?:the\s+(following|next|previous)\s+year|(?:a|one)\s+year\s+(later|after|earlier"
    r"|before)|the\s+year\s+(after|before))\b"
)
YEAR_THEN_REACH = 200  # characters back from such a phrase to the year it is told from
# a year where it reads as one: before no noun ("closed in 2019 after …", "march 18, 2012,")
# or before a noun of years ("the 2019 season"); "to 1900 homes" is a count
_YEAR_NOUNS = frozenset(
    [
        "season",
        "budget",
        "census",
        "election",
        "fiscal",
        "report",
        "survey",
        "edition",
        "model",
        "campaign",
        "tournament",
        "championship",
        "olympics",
        "games",
        "figures",
        "data",
    ]
)
_NOUN_AFTER = re.compile(r"\s+([a-z]{3,})\b")
_CLOCK = re.compile(r"\b(\d{1,2}):[0-5]\d\b")
_YEAR_RANGE = re.compile(r"\b((?:19|20)\d\d)[-\u2013/]$")  # "2013-" before "14"
_SEASON = re.compile(r"\b((?:19|20)\d\d)[-\u2013/](\d\d)\b(?![-/]\d)")  # "2019-20"
_DATE_GOES_ON = re.compile(r"[-/]\d")  # "2012-03-18": "03" is a month
APPROXIMATION = 0.10  # "about 20" is found in a context that says 19.6 (relative difference)
# an amount of money: "$3", "$3-5" (both ends), "12.95 dollars", "38 million dollars", "120
# million pounds" (pounds of weight come unscaled: "a 10-pound shoulder")
_CURRENCY = r"(?:[$\u00a3\u20ac]|(?i:\b(?:usd|eur|gbp|cad|aud)\b\s?))"  # "$", "EUR 14"
# a range or score in digits (`misranged`): "4-6", "$10 to $25", "1-to-10", "between 20 and 30", not
# clock times ("9:00-17:00"), dates ("2012-03-18") or codes ("A4-6")
_RANGE = re.compile(
    rf"(?<![\w.,:/$-])(?P<between>between\s+)?{_CURRENCY}?(?P<low>\d+(?:\.\d+)?)"
    r"(?:-to-|\s*[-\u2013\u2014]\s*|\s+(?:to|through)\s+|(?(between)\s+and\s+|(?!)))"
    rf"{_CURRENCY}?(?P<high>\d+(?:\.\d+)?)(?=[ap]\.?m\b|\W|$)(?![.,:/-]\d)"
)
_MONEY = re.compile(
    rf"{_CURRENCY}\s?(\d+(?:[.,]\d+)*)(?:\s*(?:-|\u2013|to)\s*{_CURRENCY}?\s?(\d+(?:[.,]\d+)*))?"
    r"|(\d+(?:[.,]\d+)*)\s*(?:(?:(?:million|billion|trillion|thousand|bn|m)\s+)?"
    r"(?:(?:us|u\.s\.|canadian|australian|singapore|hong\s+kong|new\s+zealand)\s+)?"
    r"(?:dollars?|usd|euros?|bucks)"
    r"|(?:million|billion|trillion|bn|m)\s+(?:british\s+)?(?:pounds?|sterling))\b"
)
# `_WORD_NUMBER`, `_MONTH`, `_SCALE_AFTER` and `_MONEY` read lower-cased text (`stated`,
# `claimed`): matching case-blind costs about 2.5 times as much on a long context
# the index of a record's list item in its heading ("Review 2 (2 stars, …): "): no quantity,
# but the last one is how many there are ("3 reviews")
_ITEM_INDEX = re.compile(r"(?m)^([A-Z][\w ]*) (\d+) (?=\([^)\n]*\): )")


@dataclass(slots=True, frozen=True)
class Stated:
    """What a context states: every value (`values`), the amounts of money (`money`) and
    what it counts (`counts`: the stem of the word after a number, "crew" of "seven crew
    members", to the numbers before it), the numbers it writes (`written`: not months'
    numbers or 12-hour hours), and the units of measure it names (`named`)."""

    values: set[float] = field(default_factory=set)
    money: set[float] = field(default_factory=set)
    counts: dict[str, set[float]] = field(default_factory=dict)
    # as written, in digits or words (with the scaled forms and parts of the digits)
    written: set[float] = field(default_factory=set)
    # the units of measure it names anywhere, by a spelling or a symbol ("m" of "300 m")
    named: frozenset[str] = frozenset()
    # the values written only as years ("in 2019"): no bound or rounding of a count
    years: frozenset[float] = frozenset()
    # the calendar dates it states (`dates.stated`)
    dates: Dates = field(default_factory=Dates)
    # the values it states only as upper bounds ("up to 8 kg"; not when it also says "8 kg")
    limits: frozenset[float] = frozenset()
    # the values it states only as lower bounds ("at least 18,000 customers")
    floors: frozenset[float] = frozenset()
    # the counts it updates to with no thing after them ("the toll had risen to 12", `_UPDATED`)
    updates: frozenset[float] = frozenset()
    # the text, lower-cased: its shares are worked out only for a claim that states one
    # (`_ratios`)
    text: str = ""


def value(raw: str) -> float:
    """The value of a number as written in digits: "1,200" -> 1200.0, "4.50" -> 4.5."""
    return float(raw.replace(",", ""))


def small_number(word: str) -> int | None:
    """The number a word of one to nineteen says ("three" -> 3; "a" and "an" -> 1, as in "a
    week"), or the digits' value ("3" -> 3); None for any other word."""
    word = word.lower()
    if word.isdigit():
        return int(word)
    return 1 if word in ("a", "an") else _UNITS.get(word)


def _word_value(m: re.Match[str]) -> float:
    word = m.group("tens") or m.group("single")
    number = float(_TENS.get(word, 0) + _UNITS.get(word, 0) + _ORDINALS.get(word, 0))
    if unit := m.group("unit"):
        number += _UNITS.get(unit, 0) + _ORDINALS.get(unit, 0)
    return number + (0.5 if m.group("half") else 0.0)


def stated(context: str) -> Stated:
    """Every value the context states, in digits or words, with scaled forms, and its amounts
    of money (see module)."""
    items = {float(m.group(2)) for m in _ITEM_INDEX.finditer(context)}
    calendar = dates.stated(context)
    context = _speeds(_ITEM_INDEX.sub(r"\1 ", context).lower())
    values: set[float] = {max(items)} if items else set()
    limited, floored = (
        Counter(value(m.group(1)) for m in bound.finditer(context) if _VALUE.fullmatch(m.group(1)))
        for bound in (_LIMIT, _FLOOR)
    )
    stated_times: Counter[float] = Counter()  # how often each bounded value is written
    shares: set[float] = set()
    for m in _NUMBER.finditer(context):
        if not _VALUE.fullmatch(m.group()):
            continue
        number = value(m.group())
        values.add(number)
        if number in limited or number in floored:
            stated_times[number] += 1
        if _SHARE_AFTER.match(context, m.end()):  # "10%": a share, no bare number (`_bare`)
            shares.add(number)
        if "." in m.group():  # "9.45 a.m." is also 9 and 45
            values.update(value(part) for part in m.group().replace(",", "").split("."))
        if scaled := _SCALE_AFTER.match(context, m.end()):
            values.add(number * _scale(scaled.group(1)))
    as_year = [(_reads_as_year(context, m), value(m.group())) for m in _YEAR.finditer(context)]
    years = frozenset(v for year, v in as_year if year) - {v for year, v in as_year if not year}
    counts: dict[str, set[float]] = {"%": shares} if shares else {}
    written = set(values)
    worded_money: set[float] = set()
    for m in _WORD_NUMBER.finditer(context):
        number = _word_value(m)
        values.add(number)
        written.add(number)
        if m.group("scale"):
            values.add(number * _SCALES[m.group("scale")])
        if _MONEY_WORD.match(context, m.end()):  # "two dollars off drafts"
            worded_money.add(number * _SCALES.get(m.group("scale") or "", 1))
        elif _SHARE_AFTER.match(context, m.end()):  # "Forty-six percent of students"
            counts.setdefault("%", set()).add(number)
        elif counted := _counted(context, m.end()):
            counts.setdefault(_stem(counted.group(1)), set()).add(number)
    for m in _CLAIMED.finditer(context):
        if _VALUE.fullmatch(m.group()) and (counted := _counted(context, m.end())):
            counts.setdefault(_stem(counted.group(1)), set()).add(value(m.group()))
    for m in _RANGE_COUNTED.finditer(context):  # "between 1 and 2 kilograms": 1 kilogram too
        counts.setdefault(_stem(m.group(2)), set()).add(value(m.group(1)))
    for m in _ONE_SPAN.finditer(context):  # "an hour", "one day": a count of one
        counts.setdefault(_stem(m.group(1)), set()).add(1.0)
    for m in _HALF_SPAN.finditer(context):  # "an hour and a half", "half an hour"
        counts.setdefault(_stem(m["unit"] or m["half"]), set()).add(1.5 if m["unit"] else 0.5)
    # an hour's span in minutes and back: "an hour and a half" is "90 minutes" (read-53)
    for hours in list(counts.get("hour", ())):
        counts.setdefault("minut", set()).add(hours * 60)
    for minutes in list(counts.get("minut", ())):
        if minutes >= 60 and (minutes / 60 * 2).is_integer():
            counts.setdefault("hour", set()).add(minutes / 60)
    for m in _YEAR_THEN.finditer(context):  # "in 1964 … the following year" is also 1965
        step = 1 if {"following", "next", "later", "after"} & set(m.groups()) else -1
        for year in _YEAR.finditer(context, max(0, m.start() - YEAR_THEN_REACH), m.start()):
            values.add(value(year.group()) + step)
    for m in _SEASON.finditer(context):  # "2019-20" is also 2020, as a claim reads it
        values.add(float(m.group(1)[:2] + m.group(2)))
    for m in _MONTH.finditer(context):  # "March 18" is also 3/18
        values.add(float(_MONTHS[m.group()]))
    for m in _CLOCK.finditer(context):  # "22:00" is also "10 p.m."
        hour = int(m.group(1))
        if 12 < hour < 24:
            values.add(float(hour - 12))
    for v in list(values):  # 1,500,000 is also "1.5 million", 3,100 also "3.1 thousand"
        for scale in (10**3, 10**6, 10**9):
            if v >= scale and (v / scale) * 100 == int((v / scale) * 100):
                values.add(v / scale)
    money: set[float] = worded_money
    for m in _MONEY.finditer(context):
        for group in (1, 2, 3):
            amount = m.group(group)
            if amount and _VALUE.fullmatch(amount):
                money.add(value(amount))
                if scaled := _SCALE_AFTER.match(context, m.end(group)):  # "$4.8 million"
                    money.add(value(amount) * _scale(scaled.group(1)))
    for sentence in re.split(r"(?<=[.!?;])\s+", context):
        if _MONEY.search(sentence):  # "cost 86 million dollars, about 9 million more"
            for m in _IMPLIED_MONEY.finditer(sentence):
                money.update((value(m.group(1)), value(m.group(1)) * _scale(m.group(2))))
    named = frozenset(
        _UNITS_OF_MEASURE.get(token, token)
        for token in _TOKEN.findall(context)
        if token in _UNITS_OF_MEASURE or token in _MEASURES
    )
    limits, floors = (
        frozenset(v for v, times in bounded.items() if times == stated_times[v])
        for bounded in (limited, floored)
    )
    updates = frozenset(value(m.group(1)) for m in _UPDATED.finditer(context))
    return Stated(
        values, money, counts, written, named, years, calendar, limits, floors, updates, context
    )


def _counted(text: str, end: int) -> re.Match[str] | None:
    """The word a number at text[:end] counts ("seven crew members"), unless the two say an
    age ("a 29-year-old man": no span of years that "a year earlier" is measured against)."""
    counted = _COUNTED.match(text, end)
    if counted is None or _AGE.match(text, counted.end()):
        return None
    return counted


def _reads_as_year(text: str, m: re.Match[str]) -> bool:
    """Whether a four-digit number of lower-cased `text` reads as a year: no noun follows it,
    or a noun of years (`_YEAR_NOUNS`)."""
    after = _NOUN_AFTER.match(text, m.end())
    return after is None or after.group(1) in STOPWORDS or after.group(1) in _YEAR_NOUNS


# a count of a difference: "three and a half hours longer than", "two more weeks"
_COMPARED = re.compile(
    r"\s+(?:longer|shorter|more|less|fewer|earlier|later|sooner|faster|slower|ahead|behind"
    r"|older|younger|than)\b"
)


def miscounted(
    claim: str, sentence: Stated, context: Stated, users: Given = frozenset()
) -> list[str]:
    """The counts a claim writes in words ("eleven crew members", "three-year"; from two, not
    ordinals) of a thing that the context sentence it restates (`sentence`) counts
    (`Stated.counts`: "seven crew members"), in a number that sentence never writes and the
    context never counts the thing by ("freeze the tax rate for four years" of "for two
    years", though a "4" stands elsewhere), or writes only as the count of another thing
    ("four paintings and three sculptures" of "three paintings and four sculptures"). "Closer
    to four hours" of "a 2 hour turnaround and it was closer to 4" is no miscount, nor a
    difference the answer works out, "three and a half hours longer than", read-42. Also a
    delay of one ("about an hour later") in a unit the context counts, never as one ("three
    hours later"). An answer's own count of what the context lists ("three people were
    killed" of an article naming them, beside "264 people were injured") is no miscount:
    the sentence it restates does not count people; nor is a count the user gave (`given`:
    "At four years old, your dishwasher …" of "My dishwasher is about four years old",
    read-52)."""
    out = []
    claimed: Stated | None = None  # the claim's own counts, read on need
    for m in _WORD_NUMBER.finditer(claim.lower()):
        word = m.group("tens") or m.group("single")
        counted = _COUNTED.match(claim.lower(), m.end())
        if word in _ORDINALS or word in ("zero", "one") or m.group("scale") or not counted:
            continue
        if _COMPARED.match(claim.lower(), counted.end()):
            continue  # "three and a half hours longer than": a difference the answer works out
        number = _word_value(m)
        unit = _stem(counted.group(1))
        if (
            sentence.counts.get(unit)
            and (
                number not in sentence.written
                or _traded_count(sentence, number, unit, claimed := claimed or stated(claim))
            )
            and number not in context.counts.get(unit, set())
            and (number, False, unit) not in users
        ):
            out.append(m.group())
    for m in _ONE_SPAN_LATER.finditer(claim.lower()):  # "about an hour later" of "three hours"
        unit = _stem(m.group(1))
        spans = context.counts.get(unit, set()) - {_RATE_COUNTS.get(unit)}  # not "24 hours"
        if spans and 1.0 not in spans and not (unit == "year" and _years_apart(context)):
            out.append(m.group().rsplit(" ", 1)[0])
    return out


def _traded_count(sentence: Stated, number: float, unit: str, claimed: Stated) -> bool:
    """Whether the claim trades two of the sentence's counts: it counts `unit` by the
    number the sentence counts another thing by, and that thing by the sentence's number
    of `unit` ("four paintings and three sculptures" of "three paintings and four
    sculptures"); not "three used mountain bikes" of "my first used mountain bike …
    comparing three bikes" (read-47): the claim counts no bikes by one; nor a share by its
    two spellings, or a stop word after an ordinal ("the second and third years", r37)."""
    own = sentence.counts[unit]
    return number not in own and any(
        number in counts and claimed.counts.get(other, set()) & own
        for other, counts in sentence.counts.items()
        if other != unit and other not in _NO_THINGS and other not in STOPWORDS
    )


# counted words that are no other thing: a share's two spellings ("40%", "Forty percent")
_NO_THINGS = frozenset({"%", "perce"})


def _years_apart(context: Stated) -> bool:
    """Whether the context states two years one apart: "the third quarter of 2023" beside
    2024's, where "$8.9 million a year earlier" is the earlier one's (`read-54`), whatever
    else it counts in years ("a five-year agreement")."""
    years = {v for v in context.values if 1900 <= v <= 2100 and v.is_integer()}
    return any(year + 1 in years for year in years)


def misspanned(
    claim: str,
    passages: Sequence[str],
    bm25: BM25,
    users: Given = frozenset(),
    context: Stated | None = None,
) -> list[str]:
    """The spans of time a claim writes in digits ("more than 2 years") in a unit that the
    context sentence restating the span's clause counts ("more than 5 years ago"), by a
    number that sentence never writes; and so the exact counts of a thing ("a private table
    for 15 kids" of "a private table for 10 kids", `_a_count`). `missing` finds such a
    number when it is another span's elsewhere ("at 2, 4 and 6 months"). Left alone: a span
    the sentence gives in another unit ("2 weeks" of "14 days") or not at all (hours
    computed from "9:0-17:0"), a rounding of hours and minutes ("about 3 hours" of "2 hours
    and 50 minutes"), "under 5 minutes" of "3 minutes", an exact span within a bound the
    sentence sets ("a 6-month CD" of "CDs of 12 months or less") and a total said as one
    ("10 years in all" of "5 years, with an option to renew for another 5"). The clause is
    read without its number, and with the clause before it when it says little else ("… and
    will be out for 3 weeks"). `bm25` ranks `passages`; a span the user gave (`given`: "At 4
    months" of "My daughter is 4 months old") is left alone. `context`: the passages'
    `stated` values, when the caller has them."""
    named = {  # before the case is lost: "iPhone 15 models", not "An 8-pound shoulder"
        m.group(2) for m in _NAMED_NUMBER.finditer(claim) if m.group(1).lower() not in STOPWORDS
    }
    claim = _quantities(claim)
    out = []
    for m in _CLAIMED.finditer(claim):
        counted = _counted(claim, m.end())
        unit = _stem(counted.group(1)) if counted else ""
        if (
            not counted
            or not _VALUE.fullmatch(m.group())
            or (unit not in _SPANS and (m.group() in named or not _a_count(claim, m, counted)))
        ):
            continue
        start, end = clause_at(claim, m.start(), counted.end())
        if len(content_words(claim[start : m.start()] + claim[m.end() : end])) < 3 and start:
            start = clause_at(claim, start - 2, start - 2)[0]  # "… and will be out 3 weeks"
        clause, without = claim[start:end], claim[start : m.start()] + claim[m.end() : end]
        best = restated_in(clause, passages, bm25, compared=without)
        if best is None:
            continue
        number, how = value(m.group()), _hedge(claim[: m.start()])
        if (number, False, unit) in users:
            continue
        if _span_found(number, how, unit, passages[best], clause, claim):
            continue
        if context is None:
            context = stated(" ".join(passages))
        if unit not in _SPANS and _told_elsewhere(number, unit, context):
            continue  # "scored 27 points" in another sentence; "the toll had risen to 12"
        # a range's end or a total may come from other sentences: "waits of 20 to 25
        # minutes" of two reviews, "5 weeks in total: 3 … and 2 more weeks"
        ranged = _RANGE_END.search(claim, 0, m.start())
        if (ranged or _TOTAL.search(clause)) and _span_found(
            number, how, unit, " ".join(passages), clause
        ):
            continue
        out.append(m.group())
    return out


def misranged(claim: str, passages: Sequence[str], bm25: BM25) -> list[str]:
    """The ranges and scores a claim writes in digits ("4-6 p.m.", "from $10 to $25",
    "between 20 and 30", "won 3-1") that the context sentence restating the range's clause
    (`lexical.restated_in`, read without the range) gives with one end changed ("4-7", "won
    2-1"): each number of the claim's range may stand elsewhere in the context, so the number
    rule finds both. Left alone: a range the context writes anywhere (either order), a
    sentence with no range or none that shares an end, clock times ("9:00-17:00") and ranges
    in words. `bm25` ranks `passages`."""
    out: list[str] = []
    found = list(_RANGE.finditer(claim))
    if not found:
        return out  # most claims: the context's ranges are not read
    written = {pair for passage in passages for pair in _ranges(passage)}
    for m in found:
        pair = _range_of(m)
        if pair in written or pair[::-1] in written or pair[0] == pair[1]:
            continue
        start, end = clause_at(claim, m.start(), m.end())
        without = claim[start : m.start()] + claim[m.end() : end]
        best = restated_in(claim[start:end], passages, bm25, compared=without)
        if best is not None and any(
            len(set(pair) & set(other)) == 1 for other in _ranges(passages[best])
        ):
            out.append(m.group().strip())
    return out


# a number the claim gives as one end of a range, in its own words: "at least 10 days", "up
# to 15 days"
_LOW_END = re.compile(
    r"\b(?:at\s+least|from|a\s+minimum\s+of|minimum|starting\s+at|as\s+(?:little|few)\s+as)\s+$",
    re.IGNORECASE,
)
_HIGH_END = re.compile(
    rf"(?:{_LIMIT_WORDS}|\b(?:within|as\s+(?:many|much|long)\s+as|maximum)\s+)$", re.IGNORECASE
)
# a number with the thing it counts after it: "10 business days", "15 minutes"
_NUMBER_OF = re.compile(
    rf"(?<![\w.,:/$-]){_CURRENCY}?(?P<n>\d+(?:\.\d+)?)(?![.,:/-]?\d)(?:\s+[a-z]+){{1,2}}",
    re.IGNORECASE,
)


def _priced_at(text: str) -> bool:
    """Whether `text` opens with a currency ("$300-$500", "£12")."""
    return re.match(rf"\s*{_CURRENCY}", text) is not None


def narrowed(claim: str, passages: Sequence[str], bm25: BM25) -> str | None:
    """A number the claim gives alone ("processing takes 10 business days") where the
    context sentence restating its clause (`lexical.restated_in`, read without the number)
    gives it as one end of a range of the same thing ("10 to 15 business days", `read-53`;
    the words after the range), and the claim's clause neither writes the other end nor
    marks the number an end ("at least 10 days",
    "up to 15 days"). The number rule finds the number, and the model entails such claims.
    None otherwise; `bm25` ranks `passages`."""
    in_ranges = {p for m in _RANGE.finditer(claim) for p in range(m.start(), m.end())}
    for m in _NUMBER_OF.finditer(claim):
        if m.start() in in_ranges or _TIME_OF_DAY.match(claim, m.end("n")):
            continue
        number = value(m["n"])
        start, end = clause_at(claim, m.start(), m.end())
        clause = claim[start:end]
        without = claim[start : m.start()] + claim[m.end("n") : end]
        best = restated_in(clause, passages, bm25, compared=without)
        if best is None:
            continue
        written = {
            value(n.group()) for n in _CLAIMED.finditer(clause) if _VALUE.fullmatch(n.group())
        }
        counted = set(content_words(claim[m.end("n") : m.end()]))
        sentence = passages[best]
        for r in _RANGE.finditer(sentence):
            low, high = _range_of(r)
            if number not in (low, high) or low == high or {low, high} <= written:
                continue
            if not counted & set(content_words(sentence[r.end() :])[:2]) or _priced_at(
                m.group()
            ) != _priced_at(r.group()):
                continue  # not a range of what the claim counts: a score, "won 3-1 in
                # overtime"; hours, "Happy hour 4-6 has $6 draft beers" (a sum, or no sum)
            ends = _LOW_END if number == low else _HIGH_END
            if not ends.search(claim, 0, m.start()):
                return m.group()
    return None


# a vote no one opposed: "voted unanimously", "a unanimous decision", "without dissent"
_UNANIMOUS = re.compile(
    r"\b(?:unanimous(?:ly)?|without\s+(?:a\s+single\s+)?(?:dissent|opposition|objection"
    r"|a\s+vote\s+against)|with\s+no\s+(?:dissent|opposition|objections?|votes?\s+against)"
    r"|no\s+one\s+voted\s+against|by\s+acclamation)\b",
    re.IGNORECASE,
)
# a vote some opposed, in words: "narrowly approved", "a split vote", "a divided council voted"
_VOTED = (
    r"(?:vot\w*|approv\w*|pass\w*|reject\w*|adopt\w*|defeat\w*|carri\w*|fail\w*|upheld"
    r"|uphold\w*|confirm\w*|elect\w*|ruled|backed|endorse\w*|struck|overturn\w*)"
)
_SPLIT = re.compile(
    rf"\bnarrowly\s+{_VOTED}\b|\b(?:split\s+(?:vote|decision)|(?:narrow|close)\s+(?:vote|margin)"
    r"|divided\s+(?:vote|council|board|committee|panel|court|jury))\b",
    re.IGNORECASE,
)
_TALLY_NUMBER = rf"(\d+|{'|'.join(_UNITS)})"
# a tally: "voted 7-2", "approved 5 to 4", "in a 9-0 vote", "by a seven-to-two margin"
_TALLY = re.compile(
    rf"\b(?:{_VOTED}|ballot\w*|decided|deadlocked|split)\b"
    rf"[^.;:]{{0,40}}?(?<![\w.,:/$-]){_TALLY_NUMBER}(?:-to-|\s*[-\u2013\u2014]\s*|\s+to\s+)"
    rf"{_TALLY_NUMBER}\b(?![.,:/-]\d)"
    rf"|(?<![\w.,:/$-]){_TALLY_NUMBER}(?:-to-|\s*[-\u2013\u2014]\s*|\s+to\s+){_TALLY_NUMBER}"
    r"\s+(?:vote|decision|margin|ruling|verdict|majority|opinion)\b",
    re.IGNORECASE,
)
# some voted against: "the two councillors who voted against", "cast the lone dissenting vote"
_DISSENT = re.compile(
    r"\bvot(?:ed|ing)\s+(?:against|no)\b|\bdissent(?:ed|ing)\b|\bvotes?\s+against\b", re.IGNORECASE
)


# a rank by a superlative: "second-longest", "the third largest", "4th-busiest"
_RANKED = re.compile(
    r"\b(?P<rank>" + "|".join(_ORDINALS) + r"|\d{1,2}(?:st|nd|rd|th))[-\s]+"
    rf"(?P<by>most[-\s]+[a-z]+|(?!{NOT_SUPERLATIVE})[a-z]{{2,}}est|best|worst)\b",
    re.IGNORECASE,
)


def _rank(raw: str) -> int:
    raw = raw.lower()
    return _ORDINALS.get(raw) or int(re.sub(r"\D", "", raw) or 0)


# an amount of money in digits, and what it is charged by after it: "$30 per hour for the
# boat", "$49 per person", "$12 a bowl" (up to the next amount or the clause's end; the noun
# with a word before it, "per flooded household")
_PRICE = re.compile(rf"{_CURRENCY}\s?(\d+(?:[.,]\d+)*)")
_RATE = re.compile(
    r"\b(?:(?P<per>per)|(?P<each>each)|a|an|for\s+(?:the|each|a|an|one))\s+"
    r"(?=(?P<noun>[a-z]+(?:\s+[a-z]{3,})?))",
    re.IGNORECASE,
)
_RATE_END = re.compile(rf"[.;,!?()]|{_CURRENCY}\s?\d|\s(?:and|but|while|with)\s", re.IGNORECASE)
RATE_REACH = 40  # characters after an amount read for what it is charged by
# the ways of charging by the person: "a head", "per guest"
_PERSON = frozenset({"head", "perso", "peopl", "guest", "diner", "indiv", "adult"})
ANY_RATE = "*"  # "$55 each": charged by each one of whatever it is


@functools.lru_cache(maxsize=64)
def _rates(text: str, per_only: bool = False) -> tuple[tuple[float, frozenset[str]], ...]:
    """Each amount of money `text` writes in digits, with the words of what it is charged by
    (content words; a person's as "perso", `_PERSON`): (30.0, {"hour", "boat"}) of "$30 per
    hour for the boat"; with `per_only`, by "per" alone ("$30 an hour per person":
    {"perso"})."""
    out: list[tuple[float, frozenset[str]]] = []
    for m in _PRICE.finditer(text):
        if not _VALUE.fullmatch(m.group(1)):
            continue
        tail = text[m.end() : m.end() + RATE_REACH]
        tail = tail[: end.start()] if (end := _RATE_END.search(tail)) else tail
        words: set[str] = set()
        for r in _RATE.finditer(tail):
            first = r["noun"].lower().split()[0]
            if first in STOPWORDS:  # "$55 each for two hours": each one, whatever it is
                words |= {ANY_RATE} if r["each"] else set()
            elif not per_only or r["per"]:
                words |= {"perso" if w in _PERSON else w for w in content_words(r["noun"])}
        out.append((value(m.group(1)), frozenset(words)))
    return tuple(out)


def rerated(claim: str, context: str) -> str | None:
    """What the claim charges an amount by after "per" ("$30 an hour per person") when the
    context writes that amount, every time, charged by other things ("$30 per hour for the
    boat", `read-53`): the price is the context's, its unit not. The number rule finds the
    amount and the model entails such claims. None otherwise, and when the context writes
    the amount once with no unit ("Each transfer costs $10")."""
    theirs: dict[float, list[frozenset[str]]] = {}
    for amount, words in _rates(context):
        theirs.setdefault(amount, []).append(words)
    for amount, words in _rates(claim, per_only=True):
        given = theirs.get(amount, [])
        if (
            words
            and given
            and all(
                charged and ANY_RATE not in charged and not words & charged for charged in given
            )
        ):
            return " ".join(sorted(words))
    return None


def misranked(claim: str, context: str) -> str | None:
    """A rank the claim gives by a superlative ("Vessland's third-longest canal") when the
    context ranks by that superlative only otherwise ("second-longest", `read-53`). The
    number rule reads no ordinals, and the model entails such claims. None otherwise."""
    for m in _RANKED.finditer(claim):
        by = re.sub(r"[-\s]+", " ", m["by"].lower())
        ranks = {
            _rank(r["rank"])
            for r in _RANKED.finditer(context)
            if re.sub(r"[-\s]+", " ", r["by"].lower()) == by
        }
        if ranks and _rank(m["rank"]) not in ranks:
            return m.group()
    return None


VOTE_CLAUSE_WORDS = 4  # content words; a shorter clause is read with the rest of the claim
VOTERS = 3  # content words before a vote's word that name who voted, read on their own


def misvoted(claim: str, passages: Sequence[str], bm25: BM25) -> str | None:
    """The words of a claim that say a vote was unanimous ("voted unanimously", "without
    dissent") where the context sentence restating the claim's clause (`lexical.restated_in`,
    read without those words) gives a tally with votes against ("voted 7-2") or says some
    voted against; and those that say it was split ("narrowly approved", "a split vote"; not
    in a claim that gives a tally or says unanimous itself) where that sentence says it was
    unanimous or gives a tally with none against ("9-0").
    The tally's numbers may both stand in the context, so the number rule finds them; None
    when the claim says neither, or no sentence restates its clause (the whole claim, when
    the clause says little else: "In a split vote, …"); when the sentence restating the
    clause says nothing of the vote, the one restating who voted (`VOTERS` content words or
    more before the vote's word) is read."""
    for pattern, opposite in ((_UNANIMOUS, True), (_SPLIT, False)):
        m = pattern.search(claim)
        if m is None or (not opposite and (_UNANIMOUS.search(claim) or _TALLY.search(claim))):
            continue  # "passed 98-0, narrowly averting a shutdown": the claim's tally says it
        start, end = clause_at(claim, m.start(), m.end())
        if len(content_words(claim[start:end])) < VOTE_CLAUSE_WORDS:
            start, end = 0, len(claim)  # "In a split vote, the panel rejected the plan"
        without = claim[start : m.start()] + claim[m.end() : end]
        found = [restated_in(claim[start:end], passages, bm25, compared=without)]
        if len(content_words(voter := claim[start : m.start()])) >= VOTERS:
            # who voted, restated in full: "The Lake Haven City Council voted unanimously to
            # impose a summer curfew barring …" of "… Council voted 5-4 Monday night, June 2,
            # to impose a summer curfew", the rest from other sentences (read-53)
            found.append(restated_in(voter, passages, bm25))
        for sentence in (passages[best] for best in found if best is not None):
            against = [_tally_value(t) for t in _TALLY.finditer(sentence)]
            split = any(n > 0 for n in against) or _DISSENT.search(sentence) is not None
            whole = _UNANIMOUS.search(sentence) is not None or (bool(against) and 0 in against)
            if split or whole:  # the first sentence that says how the vote went
                if (split and not whole) if opposite else (whole and not split):
                    return m.group()
                break
    return None


def _tally_value(m: re.Match[str]) -> float:
    """The votes against of a `_TALLY` match: its second number."""
    second = m.group(2) or m.group(4)
    return float(_UNITS[second.lower()]) if second.lower() in _UNITS else value(second)


def _ranges(text: str) -> set[tuple[float, float]]:
    """The ranges and scores `text` writes in digits, as (first, second) values."""
    return {_range_of(m) for m in _RANGE.finditer(text)}


def _range_of(m: re.Match[str]) -> tuple[float, float]:
    """A range's two values, a year's second written short as the first's ("2019-20" is 2019
    to 2020, "1939-45" 1939 to 1945)."""
    low, high = m.group("low"), m.group("high")
    if len(low) == 4 and len(high) == 2 and low.isdigit() and high.isdigit():
        high = low[:2] + high
    return value(low), value(high)


# a currency after an amount in words: "two dollars", "fifty euros" (not "two pounds", a weight)
_MONEY_WORD = re.compile(r"\s+(?:(?:us|u\.s\.)\s+)?(?:dollars?|euros?|bucks)\b")
# a scaled amount with no unit, which a sentence that names money elsewhere means as money
_IMPLIED_MONEY = re.compile(r"(?<![\d.,])(\d+(?:\.\d+)?)\s*(million|billion|trillion|bn)\b")
# an amount written in words ("250,000 pounds", "86 million dollars") and the sign a claim
# writes it with
_WORDED_MONEY = re.compile(
    r"(?<![\d.,$\u00a3\u20ac])(\d+(?:[.,]\d+)*)(\s*(?:million|billion|trillion))?\s+"
    r"(?:(?:us|u\.s\.)\s+)?(dollars?|pounds?|euros?)\b",
    re.I,
)
_SIGNS = {"dollar": "$", "pound": "\u00a3", "euro": "\u20ac"}


def as_claimed(premise: str, claim: str) -> str:
    """`premise` with each amount it writes in words ("250,000 pounds", "120 million pounds")
    written with the sign the claim gives the same amount ("£250,000", "£120 million"): the
    model reads "A £250,000 hardship fund offers £500 per flooded household" against "a
    hardship fund of 250,000 pounds, with initial payments of 500 pounds per flooded
    household" as contradicted (0.87), and entails it against the same sentence with the
    signs (0.97; `read-37`). Amounts the claim does not write with that sign stay as they
    are ("a 10-pound shoulder", "weighs 500 pounds")."""
    premise = _as_claimed_times(premise, claim)
    if not _WORDED_MONEY.search(premise):
        return premise

    def signed_form(m: re.Match[str]) -> str:
        sign = _SIGNS[m.group(3).lower().rstrip("s")]
        written = f"{sign}{m.group(1)}{m.group(2) or ''}"
        return written if written.replace(" ", "") in claim.replace(" ", "") else m.group()

    return _WORDED_MONEY.sub(signed_form, premise)


# a time of day on the 24-hour clock ("18:00", "09:30"), not one with its "a.m."/"p.m."
_CLOCK_24 = re.compile(
    r"(?<![\d:.,$\u00a3\u20ac])([01]?\d|2[0-3]):([0-5]\d)(?![\d:])(?!\s*[ap]\.?\s?m\b)"
)
# a time of day on the 12-hour clock, as a claim writes it: "6 p.m.", "9:30am", "noon"
_CLOCK_12 = re.compile(
    r"\b(?:(1[0-2]|0?[1-9])(?::([0-5]\d))?\s?([ap])\.?\s?m\b\.?|(noon|midnight))", re.I
)


def _minute_of_day(m: re.Match[str]) -> int:
    """The minute of the day a `_CLOCK_12` match names ("7:15 p.m." is 1155)."""
    if m.group(4):
        return 12 * 60 if m.group(4).lower() == "noon" else 0
    hour = int(m.group(1)) % 12 + (12 if m.group(3).lower() == "p" else 0)
    return hour * 60 + int(m.group(2) or 0)


# a time of day in words: "7 in the evening", "8 tonight", "ten o'clock at night", "7.15pm"
_CLOCK_WORDS = re.compile(
    r"\b(1[0-2]|0?[1-9]|ten|eleven|twelve|one|two|three|four|five|six|seven|eight|nine)"
    r"(?:[:.]([0-5]\d))?(?:\s+o['\u2019]clock)?\s*(?:(in\s+the\s+morning)|in\s+the\s+(?:afternoon"
    r"|evening)|at\s+night|tonight|(?<=\d)pm\b|(?<=\d)(am)\b)",
    re.I,
)


def times_of_day(text: str) -> frozenset[int]:
    """The minutes of the day `text` places on one side of noon: each "7:15 p.m.", "noon",
    "7 in the evening", "8 tonight", "7.15pm", and each 24-hour "19:15" or "07:15" (not
    "7:15", which could be either)."""
    placed = {_minute_of_day(m) for m in _CLOCK_12.finditer(text)}
    placed |= {
        int(m.group(1)) * 60 + int(m.group(2))
        for m in _CLOCK_24.finditer(text)
        if int(m.group(1)) >= 13 or m.group(1).startswith("0")
    }
    for m in _CLOCK_WORDS.finditer(text):
        hour = small_number(m.group(1)) or 0
        morning = bool(m.group(3) or m.group(4))
        placed.add((hour % 12 + (0 if morning else 12)) * 60 + int(m.group(2) or 0))
    return frozenset(placed)


# a share in words of a whole: "nearly half of the cost", "about a third of the roughly 310"
_WORD_SHARE = re.compile(
    r"\b(?:(?P<hedge>nearly|almost|about|roughly|around|approximately|more\s+than|over"
    r"|less\s+than|under)\s+)?(?P<share>half|(?:a|one)\s+(?:third|quarter|fifth)"
    r"|two[-\s]thirds|three[-\s]quarters)\s+of\b",
    re.IGNORECASE,
)
_SHARE_OF = {"half": 1 / 2, "third": 1 / 3, "quarter": 1 / 4, "fifth": 1 / 5}
_SHARE_OF |= {"thirds": 2 / 3, "quarters": 3 / 4}
# a change in percent: "a 60% drop", "dropped 60 percent", "down by about 40%"
_PERCENT_WORDS = r"\s?(?:%|percent\b|per\s+cent\b)"
_CHANGED_BY = re.compile(
    r"(?:(?P<hedge1>about|roughly|around|nearly|almost|some)\s+)?"
    rf"(?P<percent>\d+(?:\.\d+)?){_PERCENT_WORDS}\s+(?:drop|fall|decline|decrease|cut|reduction"
    r"|loss|rise|increase|jump|gain|lower|higher|fewer|less|more|smaller|larger|bigger)\b"
    r"|\b(?:drop(?:s|ped)?|f[ae]ll(?:s|en)?|declin(?:e|es|ed)|decreas(?:e|es|ed)|cut|r[io]se"
    r"|ris(?:es|en)|increas(?:e|es|ed)|jump(?:s|ed)?|gain(?:s|ed)?|down|up|grew|shr[au]nk)"
    r"\s+(?:by\s+)?(?:(?P<hedge>about|roughly|around|nearly|almost|some)\s+)?"
    rf"(?P<after>\d+(?:\.\d+)?){_PERCENT_WORDS}",
    re.IGNORECASE,
)
# a number of the claim with its scale ("1.2 million"), for the shares it works out
_AMOUNT = re.compile(
    rf"(?P<money>{_CURRENCY})?(?<![\d.,])(?P<raw>\d+(?:[.,]\d+)*)(?!\d|[.,]\d|{_PERCENT_WORDS})"
    rf"(?:\s*(?P<scale>{_SCALE_WORDS}|bn|m|k)\b)?(?:\s+(?P<counted>[a-z]+))?",
    re.IGNORECASE,
)
# how far a share the claim says in words may be from the one its numbers make (relative):
# "nearly half" is no 37 %, "about a third" no 45 %
SHARE_SLACK = 0.2


def misshared(claim: str, context: Stated) -> str | None:
    """The share a claim works out wrongly between two numbers it gives: in words ("a $150
    million green bond, covering nearly half of the cost" of a $410 million project, 37 %,
    `read-47`; "140 people, about a third of the roughly 310", 45 %, `read-48`), the part
    being the number just before the share and the whole the number just after its "of"
    or else the claim's one other number of its kind (money or not); or as a change in
    percent between the claim's two numbers ("fall to 1.2 million tonnes from 2.0 million
    last year, a 60% drop": 40 %, `read-48`); and a share in words of a whole the context
    gives percents of, none of them the share ("nearly half of the 1,240 school buses" of
    "36% of the 1,240 school buses", `_percents_of`, `read-54`). The number rule finds each
    number, and the
    model reads the share as the claim's own gloss. A share off by over `SHARE_SLACK` of
    itself ("nearly": any more, or under 1 - `SHARE_SLACK`; a percent: by over a point, or
    `APPROXIMATION` of itself for a hedged one) is wrong; a share the context itself says
    (the same words, or the percent) is the context's. None otherwise."""
    amounts = _amounts(claim)
    for m in _WORD_SHARE.finditer(claim):
        share = m.group("share").lower()
        if f"{share} of" in context.text:
            continue  # "nearly half of the cost" copied: the context's to answer for
        value_ = _SHARE_OF[re.split(r"[-\s]", share)[-1]]
        low, high = _share_range(value_, (m.group("hedge") or "").lower())
        before = [a for a in amounts if a[0] < m.start()]
        if not before:
            percents = _percents_of(claim[m.end() :], context.text)
            if percents and not any(low <= p / 100 <= high for p in percents):
                return m.group()  # "nearly half of the 1,240 buses" of "36% of the 1,240"
            continue
        part = before[-1]
        after = [a for a in amounts if 0 <= a[0] - m.end() <= 25]
        others = [a for a in amounts if a is not part and a[2] == part[2]]
        whole = after[0] if after else others[0] if len(others) == 1 else None
        if whole is None or whole[1] <= part[1] or _other_things(part, whole):
            continue  # "The 3 largest chains operate about half of the region's 1,100 stores"
        if not low <= part[1] / whole[1] <= high:
            return m.group()
    for m in _CHANGED_BY.finditer(claim):
        raw = m.group("percent") or m.group("after")
        percent = value(raw)
        if percent in context.counts.get("%", set()):
            continue
        pair = [a for a in amounts if not (a[3] and _SPAN_WORD.match(a[3]))]
        if len(pair) != 2 or pair[0][2] != pair[1][2]:
            continue
        if _other_things(*pair) and not any(_FROM.search(claim, 0, a[0]) for a in pair):
            continue  # "from 2.0 million last year" is the change's start, whatever follows
        a, b = sorted(v for _, v, *_ in pair)
        if not a or a == b:
            continue
        changes = (100 * (b - a) / b, 100 * (b - a) / a)
        near = APPROXIMATION * percent if m.group("hedge") or m.group("hedge1") else 1.0
        if all(abs(change - percent) > near for change in changes):
            return m.group()
    return None


def _share_range(share: float, hedge: str) -> tuple[float, float]:
    """The fractions a share in words with its hedge stands for: `SHARE_SLACK` of it either
    way; "nearly" none above it, "more than" none below it, "less than" none above it."""
    if hedge in ("nearly", "almost"):
        return share * (1 - SHARE_SLACK), share * 1.01
    if hedge in ("more than", "over"):
        return share * 0.99, share * 2
    if hedge in ("less than", "under"):
        return 0.0, share * 1.01
    return share * (1 - SHARE_SLACK), share * (1 + SHARE_SLACK)


# a percent of a whole in the context: "36% of the 1,240 school buses"
_PERCENT_OF = re.compile(rf"(?<![\d.])(\d+(?:\.\d+)?){_PERCENT_WORDS}\s+of\b", re.IGNORECASE)
_OF_AFTER_PERCENT = re.compile(r"\s(?:percent|per\s+cent)\s+of\b", re.IGNORECASE)
SHARE_WHOLE = 2  # content words of what a share is of that a percent's must share


def _percents_of(whole: str, context: str) -> list[float]:
    """The percents lower-cased `context` gives, in digits or words, of the whole a claim's
    share in words is of (`whole`: the claim after its "of"), their first three content
    words, no numbers (`_words_of_whole`), sharing `SHARE_WHOLE` with the whole's: 36 of
    "Thirty-six percent of the school buses reviewed" for "nearly half of the 1,240 school
    buses it reviewed" (`read-54`)."""
    said = set(_words_of_whole(whole))
    found = [(value(m.group(1)), m.end()) for m in _PERCENT_OF.finditer(context)]
    found += [  # "Thirty-six percent of the school buses"
        (_word_value(m), after.end())
        for m in _WORD_NUMBER.finditer(context)
        if (after := _OF_AFTER_PERCENT.match(context, m.end()))
    ]
    return [
        percent
        for percent, end in found
        if len(said & set(_words_of_whole(context[end:]))) >= SHARE_WHOLE
    ]


def _words_of_whole(text: str) -> list[str]:
    """The first three content words of `text` that are no numbers."""
    return [w for w in content_words(text[:200]) if not w[0].isdigit()][:3]


_SPAN_WORD = re.compile(rf"{_SPAN_UNITS}s?$|%", re.IGNORECASE)
_ORDINAL_AFTER = re.compile(r"(?:st|nd|rd|th)\b")
_FROM = re.compile(r"\bfrom\s+(?:about\s+|roughly\s+|some\s+)?$", re.IGNORECASE)
_LABEL_BEFORE = re.compile(r"\b[A-Z][a-z]*\.?\s*$")
_STEP_BEFORE = re.compile(
    r"\b(?:day|week|month|game|round|phase|stage|step|lap|grade|level|no\.?)\s+$", re.I
)


def _other_things(one: tuple[int, float, bool, str], other: tuple[int, float, bool, str]) -> bool:
    """Whether two of the claim's numbers (`_amounts`) count other things: each has a word
    after it that is no stop word, and the two differ ("3 largest" and "1,100 grocery")."""
    words = [thing[3] for thing in (one, other)]
    return not one[2] and all(w and w not in STOPWORDS for w in words) and words[0] != words[1]


def _amounts(claim: str) -> list[tuple[int, float, bool, str]]:
    """(where, its value with its scale, whether money, the word after it) of each number of
    the claim but its shares, years, ordinals ("12th") and labels ("Route 12", "March 14",
    "Berth 9": after a capitalised word), for `misshared`, and of a lower-cased context
    sentence, for `_sentence_arithmetic`."""
    out = []
    for m in _AMOUNT.finditer(claim):
        raw = m.group("raw")
        if (
            not _VALUE.fullmatch(raw)
            or _YEAR.fullmatch(raw)
            or _ORDINAL_AFTER.match(claim, m.end("raw"))
            or (not m.group("money") and _LABEL_BEFORE.search(claim, 0, m.start()))
            or claim[m.end("raw") : m.end("raw") + 1] in ("-", "\u2013")  # "6-month", "7-2"
            or claim[m.start() - 1 : m.start()] in ("-", "\u2013")
            or _STEP_BEFORE.search(claim, 0, m.start())  # "by day 3", "in round 2"
        ):
            continue
        number = value(raw) * (_scale(m.group("scale").lower()) if m.group("scale") else 1)
        money = bool(m.group("money")) or bool(_MONEY_WORD.match(claim, m.end("raw")))
        out.append((m.start(), number, money, (m.group("counted") or "").lower()))
    return out


def mistimed(claim: str, passages: Sequence[str], bm25: BM25) -> str | None:
    """The first time of day the claim gives with its "a.m." or "p.m." ("7:15 a.m.") where a
    clause of the context sentence restating the claim's clause (`lexical.restated_in`, both
    read without their times) gives the same clock time on the other side of noon ("demand
    peaked at 7:15 p.m.", "19:15", "7.15 in the evening") and not the claim's: the number rule
    finds its 7 and 15, and the model reads the two as one (`read-43`). The sentence's clause
    must hold `RESTATED` of the claim clause's words, or the claim's clause all of its own
    ("closes at 9 p.m." of "The library closes at 9 a.m."), so that "the last ferry returns
    at 7 p.m." is not read against "the first ferry leaves at 7 a.m." of the same sentence.
    None otherwise."""
    for m in _CLOCK_12.finditer(claim):
        if not m.group(3):
            continue
        minute = _minute_of_day(m)
        start, end = clause_at(claim, m.start(), m.end())
        without = _CLOCK_12.sub(" ", claim[start:end])  # "p.m." is no word of it
        best = restated_in(claim[start:end], passages, bm25, compared=without)
        if best is None:
            continue
        sentence = passages[best]
        for begin, stop in clauses(sentence):
            part = sentence[begin:stop]
            times = times_of_day(part)
            if (
                (minute + 12 * 60) % (24 * 60) in times
                and minute not in times
                and (
                    covered(without, part) >= RESTATED
                    or covered(_CLOCK_12.sub(" ", part), without) == 1.0
                )
            ):
                return m.group()
    return None


def _as_claimed_times(premise: str, claim: str) -> str:
    """`premise` with each 24-hour time the claim writes on the 12-hour clock written as the
    claim writes it ("from Friday at 18:00" as "from Friday at 6 p.m." of "The North Quay
    closes from 6 p.m. on Friday."): the model read that pair at 0.48 neutral and 0.47
    contradiction, and at 0.95 entailment with the claim's time (`read-40`)."""
    if not _CLOCK_24.search(premise):
        return premise
    written: dict[int, str] = {}
    for m in _CLOCK_12.finditer(claim):
        written.setdefault(_minute_of_day(m), m.group())
    if not written:
        return premise

    def claimed_time(m: re.Match[str]) -> str:
        time = written.get(int(m.group(1)) * 60 + int(m.group(2)), m.group())
        return time[:-1] if time.endswith(".") and premise.startswith(".", m.end()) else time

    return _CLOCK_24.sub(claimed_time, premise)


# "only" or "just" before a quantity: "the lot only holds about 30 cars", "just $5"
_STRESSED = re.compile(
    r"\b(?:only|just|merely)\s+(?=(?:(?!(?:the|a|an|this|that|at|in|on|to|from)\s)[a-z]+\s+){0,2}?"
    r"(?:(?:about|around|roughly|some"
    r"|approximately|nearly|almost)\s+)?(?:[$\u00a3\u20ac]?\d|(?:"
    + "|".join([*(u for u in _UNITS if u != "one"), *_TENS])
    + r")\b(?!-)|a\s+(?:few|handful|couple)\b))",
    re.IGNORECASE,
)


def unstressed(claim: str) -> str:
    """The claim without "only", "just" or "merely" before a quantity ("The lot only holds
    about 30 cars." -> "The lot holds about 30 cars."), the hypothesis the model judges. The
    model reads the stress as a contradiction of a premise that states the same quantity
    without it: 0.97 for "The lot only holds about 30 cars." of "a gravel lot holds roughly
    30 cars", 0.02 without it; "The course only runs for six weeks." 0.97 and 0.02
    (`read-39`). The quantity itself is this module's to check. Not a subject's count ("Only
    one reviewer complained", "but only two mention it"): how many is what it says."""

    def plain(m: re.Match[str]) -> str:
        before = claim[: m.start()].rstrip()
        word = before.rsplit(None, 1)[-1].lower() if before else ""
        opens = not word or not word[-1].isalpha() or word in _CLAUSE_OPENERS
        return m.group() if opens else ""

    return _STRESSED.sub(plain, claim)


_CLAUSE_OPENERS = frozenset("and but or nor yet while whereas though although with".split())  # noqa: SIM905


_MONEY_BEFORE = re.compile(rf"{_CURRENCY}\s?$")  # a currency sign just before a number
# a count updated with no thing after it: "had risen to 12", "finished with 34", "bringing
# the total to 17", "for a total of 2,000"
_UPDATED = re.compile(
    r"\b(?:ris(?:en|es|ing|e)|rose|climb\w*|gr[eo]w\w*|jump\w*|reach\w*|increas\w*|finish\w*"
    r"|ended|stood|bring\w*|brought|rais\w*|total\w*)\b(?:\s+[\w-]+){0,4}?\s+(?:to|with|at|of)"
    r"\s+(\d{1,3}(?:,\d{3})+|\d+)(?!\d|[.,]\d)(?!\s+[a-z]{3,})",
    re.I,
)
# a number that is part of a name: "iPhone 15 models", "Apollo 11 astronauts", "Route 2"
_NAMED_NUMBER = re.compile(r"\b([A-Za-z]*[A-Z][\w-]*)\.?\s(\d+(?:[.,]\d+)*)")
# words after a number that count no thing: a scale, money, a share
_NOT_COUNTS = frozenset(
    {
        *_SCALES,
        *("millions", "billions", "thousands", "trillion", "cents", "dollars", "percent"),
        # a share's difference, which a claim works out: "up 6.4 percentage points" of 18.2
        # and 24.6 percent (read-45)
        *("percentage", "basis"),
    }
)


def _counts_so(number: float, unit: str, said: Stated, sentence: str, claim: str) -> bool:
    """Whether a sentence the claim restates (`sentence`, `said`: its `stated` values) counts
    the thing by the number ("six tablets" of "6 tablets") or writes the number at all, not
    as money ("by 11 early in the third quarter" of "an 11-point deficit"; "a slice cost $15"
    is no count) nor as the count of other things ("40 dogs" of "25 dogs and 40 cats",
    `_counts_others`)."""
    return number in said.counts.get(unit, ()) or (
        number in said.values
        and number not in said.money
        and not _counts_others(number, unit, sentence.lower(), claim)
    )


# plural nouns that end in no "s": what a number before them counts
_PLURALS = frozenset({
    "people", "children", "men", "women", "feet", "teeth", "mice", "geese", "staff", "crew",
    "police", "personnel", "cattle", "sheep", "deer", "fish",
})  # fmt: skip
_PLURAL = re.compile(r"[a-z]+[^su]s")  # "cats", not "class", "bonus"


def _counts_others(number: float, unit: str, sentence: str, claim: str) -> bool:
    """Whether lower-cased `sentence` writes the number before a plural noun other than the
    claim's (`unit`, a `_stem`) that the claim also names: "40 dogs and 25 cats" of "25 dogs
    and 40 cats" (40 counts cats). Words that are no things after a number ("40 more", "40
    remained", "40 others", "40 percent") count nothing here; a noun the claim does not name
    may be the claim's in other words ("killed 3 people" of "killed three workers and
    injured 17 people", "1,214 votes were rejected" of "1,214 ballots": a review helper's)."""
    digits = (
        m
        for m in _CLAIMED.finditer(sentence)
        if _VALUE.fullmatch(m.group()) and value(m.group()) == number
    )
    words = (
        m
        for m in _WORD_NUMBER.finditer(sentence)
        if not m.group("scale") and _word_value(m) == number
    )
    for m in (*digits, *words):
        counted = _counted(sentence, m.end())
        word = counted.group(1) if counted else ""
        if (
            (word in _PLURALS or _PLURAL.fullmatch(word))
            and word not in STOPWORDS
            and word not in _NOT_COUNTS
            and word != "others"
            and _stem(word) != unit
            and re.search(rf"\b{re.escape(_stem(word))}", claim) is not None
        ):
            return True
    return False


class Around:
    """A context's `passages` for `traded_values`: the numbers each writes, read once, on the
    first claim with two numbers, and the words around given numbers (`_clause_words`, with
    each sentence's subject), read of the passages that write them only. Not a passage that
    gives its numbers "respectively" ("… $12 million and $28 million on parks and the
    library, respectively"): they stand apart from their words."""

    def __init__(self, passages: Sequence[str]) -> None:
        self._passages = passages
        self._words: dict[int, dict[float, set[str]]] = {}  # of each passage read so far

    @functools.cached_property
    def _numbers(self) -> list[set[float]]:
        return [
            set()
            if _RESPECTIVELY.search(passage)
            else {
                value(m.group()) for m in _CLAIMED.finditer(passage) if _VALUE.fullmatch(m.group())
            }
            for passage in self._passages
        ]

    def words(self, numbers: Set[float]) -> dict[float, set[str]]:
        """The words around each of `numbers` in the passages that write one."""
        out: dict[float, set[str]] = {}
        for i, has in enumerate(self._numbers):
            if has & numbers:
                if i not in self._words:
                    self._words[i] = _clause_words(self._passages[i], opening=True)
                for number, words in self._words[i].items():
                    out.setdefault(number, set()).update(words)
        return out


# an amount of money or a share, with its scale: "$15", "$1.2 million", "EUR 14", "6.8 percent"
_FIGURE = re.compile(
    rf"{_CURRENCY}\s?(?P<money>\d+(?:[.,]\d+)*)(?:\s*(?P<scale>{_SCALE_WORDS}|bn|m|k)\b)?"
    r"|(?<![\w.,])(?P<share>\d+(?:\.\d+)?)(?=\s?(?:%|percent\b|per\s+cent\b))",
    re.I,
)
MIN_PLACED = 3  # content words the clause of a figure must say beside it, to be read
# the share of them the sentence that restates it must hold, and by how much more than the
# sentence that gives the figure (on the hand-written cases: a paraphrase's source, "will
# generate about $9 million annually" of "expected to bring in about $9 million a year",
# holds 0.4 where another sentence holds 0.6)
PLACED = 0.65
PLACED_BY = 0.25
_POSSESSIVE = re.compile(r"['\u2019]s\b")  # "department's": no word of its own
_FIGURE_WORDS = re.compile(r"\d+(?:[.,]\d+)*\s*(?:%|percent\b|per\s+cent\b)?", re.I)


def _figure(m: re.Match[str]) -> tuple[str, float] | None:
    """A `_FIGURE` as (kind, value): ("$", 1200000.0) of "$1.2 million", ("%", 6.8) of "6.8
    percent"; None for a malformed number ("$1.2.3")."""
    if m["share"]:
        return "%", float(m["share"])
    if not _VALUE.fullmatch(m["money"]):
        return None
    return "$", value(m["money"]) * (_scale(m["scale"].lower()) if m["scale"] else 1)


def _figures(text: str) -> set[tuple[str, float]]:
    """The amounts of money and shares `text` writes in digits (`_figure`)."""
    return {f for m in _FIGURE.finditer(text) if (f := _figure(m)) is not None}


def misplaced(claim: str, passages: Sequence[str], bm25: BM25) -> str | None:
    """An amount of money or a share of the claim that the context gives another thing: the
    context sentence restating the figure's clause without it (`lexical.restated_in`, the
    clause saying `MIN_PLACED` content words or more beside it, and no other figure of that
    kind, `PLACED` of them at least) gives figures of that kind but not this one, one of them
    in a clause that restates the claim's, and another sentence, that holds `PLACED_BY` less
    of the clause and does not restate it, gives it ("A
    replacement building fob costs $15" of "A replacement fob costs $40. A replacement
    mailbox key costs $15 …"; "the fire department's budget rises 3.1 percent" of "The fire
    department's budget rises 6.8 percent … The police department's budget grows 3.1
    percent", `read-52`). None otherwise; a figure the context never gives is the number
    rule's (`missing`). The model entails such claims: every word is the context's."""
    given: list[set[tuple[str, float]]] | None = None  # each passage's figures, read on need
    for m in _FIGURE.finditer(claim):
        found = _figure(m)
        start, end = clause_at(claim, m.start(), m.end())
        if found is None or sum(1 for k, _ in _figures(claim[start:end]) if k == found[0]) > 1:
            continue  # "covered to $100,000 instead of $50,000": the two compared
        # the clause without its numbers and their units ("percent" would match any share)
        rest = _FIGURE_WORDS.sub(" ", _POSSESSIVE.sub("", claim[start:end]))
        if len(set(content_words(rest))) < MIN_PLACED:
            continue
        best = restated_in(rest, passages, bm25)
        if best is None or (share := covered(rest, passages[best])) < PLACED:
            continue
        kind, amount = found
        sentence = passages[best]
        given = given if given is not None else [_figures(passage) for passage in passages]
        if amount in {v for k, v in given[best] if k == kind}:
            continue
        # the sentence's figures of that kind, in a clause that restates the claim's: not
        # "a 6 percent rise in first-half revenue" of "offset a 3% fall in ready-to-wear"
        if not any(
            k == kind and covered(rest, sentence[i:j]) >= RESTATED
            for i, j in clauses(sentence)
            for k, _ in _figures(sentence[i:j])
        ):
            continue
        # the figure's own sentence restates the clause less, and the claim's whole sentence
        # no better ("In the third quarter of 2024, revenue reached $48.2 million, … up from
        # $45.6 million in the second quarter" of the quarter's results, not of the outlook's
        # "For the fourth quarter of 2024, … expects revenue of $50.0 million", read-54)
        whole = _FIGURE_WORDS.sub(" ", _POSSESSIVE.sub("", claim))
        if any(
            (kind, amount) in given[i]
            and (held := covered(rest, passage)) < RESTATED
            and held <= share - PLACED_BY
            and covered(whole, passage) < covered(whole, sentence)
            for i, passage in enumerate(passages)
            if i != best
        ):
            return m.group()
    return None


def traded_values(claim: str, around: Around) -> tuple[str, str] | None:
    """(two numbers of the claim) when the words around each in the claim, that the other's
    lack, stand around the other number in the context and none around its own (words the
    context gives both numbers left out): "EUR 8 for adults and EUR 14 for children aged 6
    to 17" of "adults EUR 14; children aged 6-17 EUR 8", "a $12 million bond to replace the
    main library, but rejected Measure P, a $28 million parks levy" of "a $28 million bond
    to replace the 1962 main library" and "a $12 million property tax levy for park
    maintenance" (`read-38`). Around a number: its clause and its sentence's first clause
    (`_clause_words`). The number rule finds both numbers and the model entails such claims,
    every word being the context's. None otherwise."""
    mine = _clause_words(claim, opening=False)
    if len(mine) < 2:
        return None
    theirs = around.words(mine.keys())
    for a, b in itertools.combinations(sorted(mine), 2):
        if a not in theirs or b not in theirs:
            continue
        only_a, only_b = mine[a] - mine[b], mine[b] - mine[a]
        at_a, at_b = theirs[a] - theirs[b], theirs[b] - theirs[a]
        if only_a & at_b and only_b & at_a and not only_a & at_a and not only_b & at_b:
            return _shown(a), _shown(b)
    return None


def _clause_words(text: str, opening: bool) -> dict[float, set[str]]:
    """Each number `text` writes in digits (by value; not a time of day: "8 a.m.", "9:30")
    with the content words, no numbers, of every clause (`lexical.clauses`) that writes it,
    and with `opening` of that clause's sentence's first clause when it writes no number, its
    subject's as a rule ("The frozen-meals division, which …, posted a 4 percent drop")."""
    out: dict[float, set[str]] = {}
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        cuts = clauses(sentence)
        lead = sentence[slice(*cuts[0])]
        first = _words_of(lead) if opening and not _CLAIMED.search(lead) else set()
        for start, end in cuts:
            clause = sentence[start:end]
            words = _words_of(clause) | first
            for m in _CLAIMED.finditer(clause):
                if _VALUE.fullmatch(m.group()) and not _TIME_OF_DAY.match(clause, m.end()):
                    out.setdefault(value(m.group()), set()).update(words)
    return out


_RESPECTIVELY = re.compile(r"\brespectively\b", re.I)
_TIME_OF_DAY = re.compile(r"\s*(?:[ap]\.?m\b|:\d)", re.I)


def _words_of(text: str) -> set[str]:
    return {w for w in content_words(text) if not w[0].isdigit()}


def _shown(number: float) -> str:
    return f"{number:g}"


def _told_elsewhere(number: float, unit: str, context: Stated) -> bool:
    """Whether the context counts the thing by the number ("She scored 27 points in all"),
    also with up to two words between ("its 11 magnet programs" of "three of the 11
    programs", read-42), or updates a count to it with no thing after it, as news does ("the
    death toll had risen to 12", "He finished with 34", "for a total of 2,000")."""
    if number in context.counts.get(unit, ()) or number in context.updates:
        return True
    if number not in context.written:
        return False
    digits = f"{number:g}"
    return (
        re.search(
            rf"(?<![\d.,]){re.escape(digits)}\s+(?:[a-z-]+\s+){{1,2}}{re.escape(unit)}",
            context.text,
        )
        is not None
    )


def _a_count(claim: str, number: re.Match[str], counted: re.Match[str]) -> bool:
    """Whether a number of the claim counts a thing exactly ("a table for 15 kids", "a
    10-pound shoulder"): before a noun (no function word: "in 2019 after"; no scale, money
    or share: "$3.4 million", "up 9 percent"), no year, no hedge ("about 15 kids" may round
    the sentence's 14). A number after a capitalised word is a name's ("iPhone 15 models",
    `_NAMED_NUMBER`), read in `misspanned` before the claim is lower-cased."""
    before = claim[: number.start()]
    return (
        counted.group(1) not in STOPWORDS
        and counted.group(1) not in _NOT_COUNTS
        and counted.group(1) not in _NUMBER_WORDS  # "17 three-point attempts"
        and not _MONEY_BEFORE.search(before)
        and not (_YEAR.fullmatch(number.group()) and _reads_as_year(claim.lower(), number))
        and _hedge(claim[: number.start()]) == "exact"
    )


def _span_found(
    number: float, how: str, unit: str, passage: str, clause: str, claim: str = ""
) -> bool:
    """Whether a claimed span or count (`misspanned`) agrees with the sentence it restates
    (`claim`: the whole lower-cased claim, for `_counts_others`)."""
    sentence = stated(passage)
    spans = sentence.counts.get(unit)
    if unit not in _SPANS:  # a count: "up to 12 guests" of a party of 10 is a bound's
        return (
            not spans
            or _counts_so(number, unit, sentence, passage, claim)
            or bool(_BOUND.search(passage))
        )
    if not spans or number in sentence.values or _found(number, how, spans):
        return True
    if how == "under":
        return any(v <= number for v in spans)
    if how == "exact" and _BOUND.search(passage):
        return True  # an example within the sentence's bound
    if _TOTAL.search(clause) and any(number in (a + b, abs(a - b)) for a in spans for b in spans):
        return True
    # hours and minutes as one ("2 hours and 50 minutes" is about 3 hours)
    whole = {
        v + w * _SPAN_MINUTES[other] / _SPAN_MINUTES[unit]
        for other, values in sentence.counts.items()
        if other in _SPANS and other != unit and _SPAN_MINUTES[other] < _SPAN_MINUTES[unit]
        for v in spans
        for w in values
    }
    return how == "about" and _found(number, how, whole)


def _stem(word: str) -> str:
    """A counted word's stem, "members" and "member" alike: a final "s" off, then the first
    five letters; a unit of measure as its symbol ("kilograms", "kilos", "kg" as "kg")."""
    return _UNITS_OF_MEASURE.get(word) or word.removesuffix("s")[:5]


# Units of measure, by what they measure: a number before one is compared with the context's
# numbers before the same unit when it measures in it, or before another unit of its kind when
# it never names this one (`_mismeasured`)
_MEASURE_SPELLINGS = {
    "length": {
        "km": "kilometre kilometres kilometer kilometers km kms",
        "cm": "centimetre centimetres centimeter centimeters cm",
        "mm": "millimetre millimetres millimeter millimeters mm",
        "m": "metre metres meter meters",
        "mi": "mile miles mi",
        "ft": "foot feet ft",
        "in": "inch inches",
    },
    "weight": {
        "kg": "kilogram kilograms kilo kilos kg kgs",
        "g": "gram grams",
        "lb": "lb lbs",  # not "pounds": money as often as weight
        "oz": "ounce ounces oz",
        "t": "tonne tonnes",
    },
    "volume": {"l": "litre litres liter liters", "gal": "gallon gallons"},
    "area": {"ac": "acre acres", "ha": "hectare hectares"},
    "speed": {"mph": "mph", "kph": "kph kmh"},
}
_UNITS_OF_MEASURE = {
    word: unit
    for units in _MEASURE_SPELLINGS.values()
    for unit, words in units.items()
    for word in words.split()
}
_DIMENSIONS = {unit: dimension for dimension, units in _MEASURE_SPELLINGS.items() for unit in units}
_MEASURES = frozenset(_DIMENSIONS)
_TOKEN = re.compile(r"[a-z]+")


def _scale(word: str) -> int:
    return _SCALES.get(word) or _SCALE_SHORT[word]


Claimed = tuple[str, float, str, bool, str, str]
# the numbers of a list before one of them: "75 and " of "about 75 and 71 percent", "$5, $8
# or " (no word counted between them: "over 20 elephants and 30 keepers" is two statements)
# (each number read atomically, a comma inside it only before a digit: a list of digits and
# commas has one reading, not exponentially many)
_LISTED_NUMBER = r"[$\u00a3\u20ac]?\d(?>\d*(?:[.,]\d+)*)(?:\s?(?:%|percent|per\s+cent))?"
_LISTED_BEFORE = re.compile(
    rf"{_LISTED_NUMBER}(?:\s*,\s*{_LISTED_NUMBER})*(?:,\s+|,?\s+(?:and|or)\s+)[$\u00a3\u20ac]?$",
    re.IGNORECASE,
)


def claimed(claim: str) -> list[Claimed]:
    """The numbers a claim states in digits: each as written, its value (scaled: "8.3 million"
    is 8300000; "2013-14" is 2014), how it is stated: "about", "rounded" (a scaled value:
    `_rounds_to`), "over" ("more than 200"), "limit" ("up to 5", "at most 5"), "under" ("under 5")
    or "exact", and whether it is an amount of money ("$1 to $2"), the unit of measure after it
    ("kg" of "4 kilograms", "" for none: `_MEASURES`) and the stem of the word it counts
    ("month" of "4 months old")."""
    claim = _quantities(claim)
    money = {
        m.start(group) for m in _MONEY.finditer(claim) for group in (1, 2, 3) if m.group(group)
    }
    out = []
    for m in _CLAIMED.finditer(claim):
        raw = m.group()
        if not _VALUE.fullmatch(raw):
            continue  # a version or an address ("8.1.4") is a name
        before = claim[: m.start()]
        number = value(raw)
        # a number listed after others is stated as the first is: "about 75 and 71 percent"
        listed = _LISTED_BEFORE.search(before)
        lead = before[: listed.start()] if listed else before
        how = "limit" if _LIMITED.search(lead) else _hedge(lead)
        if scaled := _SCALE_ON.match(claim, m.end()):
            number *= _scale(scaled.group(1))
            how = "rounded" if how == "exact" else how
        year = _YEAR_RANGE.search(before)
        if (
            year
            and len(raw) == 2
            and raw > year.group(1)[2:]
            and not _DATE_GOES_ON.match(claim, m.end())
        ):
            number = float(year.group(1)[:2] + raw)
        unit = _COUNTED.match(claim, m.end())
        measure = _stem(unit.group(1)) if unit else ""
        if _SHARE_AFTER.match(claim, m.end()):
            measure = "%"  # "40 percent", "40 per cent", "40%": a share
        elif _POINTS_AFTER.match(claim, m.end()):
            measure = POINTS  # "up 6.4 percentage points": a difference of shares
        is_money = m.start() in money
        out.append((raw, number, how, is_money, measure if measure in _MEASURES else "", measure))
    return out


Given = frozenset[tuple[float, bool, str]]


def given(text: str) -> Given:
    """The quantities a text gives (a user's question: "My daughter is 4 months old", "we make
    about $3,500 a month"): each number's value, whether it is money, and, for no money, the
    stem of the word it counts. A claim's number among them is the user's, no number for the
    context to state (`missing_share`, `misspanned`); with the counts it writes in words
    ("about four years old", for `miscounted`)."""
    lowered = text.lower()
    worded = {
        (_word_value(m), False, _stem(counted.group(1)))
        for m in _WORD_NUMBER.finditer(lowered)
        if not m.group("scale") and (counted := _COUNTED.match(lowered, m.end()))
    }
    return frozenset(_given_key(number) for number in claimed(text)) | worded


def _given_key(number: Claimed) -> tuple[float, bool, str]:
    _, value_, _, money, _, counted = number
    return value_, money, "" if money or counted in STOPWORDS else counted


def _user_gave(number: Claimed, users: Given) -> bool:
    """Whether the user gave the claim's number (`given`): the same value, money or not, of
    the same counted word or with none on either side ("At 17, you're old enough" of "I'm 17
    and thinking about …", `read-50`)."""
    value_, money, counted = _given_key(number)
    return any(
        v == value_ and m == money and (c == counted or not c or not counted) for v, m, c in users
    )


def _quantities(claim: str) -> str:
    """The claim lower-cased, its list marker ("1. ") cut, what else states no quantity
    (`_NOT_QUANTITY`) blanked out and a speed spelled out written as its symbol
    (`_speeds`)."""
    blanked = _NOT_QUANTITY.sub(lambda m: " " * len(m.group()), _LIST_MARKER.sub("", claim, 1))
    return _speeds(blanked.lower())


def _speeds(text: str) -> str:
    """Lower-cased `text` with each speed spelled out ("15 miles per hour", "80 kilometres an
    hour") written as its symbol ("15 mph"), padded to its length: a speed, not a distance."""
    return _SPEED.sub(
        lambda m: ("kph" if m.group(1).startswith("k") else "mph").ljust(len(m.group())), text
    )


def _hedge(before: str) -> str:
    """How the words before a number state it: "about", "over", "under" or "exact"."""
    if _ABOUT.search(before):
        return "about"
    if _OVER.search(before):
        return "over"
    return "under" if _UNDER.search(before) else "exact"


def missing(claim: str, context: Stated) -> list[str]:
    """The numbers the claim states (`claimed`) that `context` (from `stated`) lacks: an
    amount of money among its amounts of money ("$1 to $2" of a review's "$3-5" is missing
    though the review's heading says "2 stars")."""
    return _missing(claimed(claim), context, claim) + dates.misdated(claim, context.dates)


def missing_share(claim: str, context: Stated, users: Given = frozenset()) -> float:
    """The share of the claim's numbers that `missing` reports (a date counted as its day),
    the numbers the user gave (`given`) left out; 0.0 when it states none."""
    stated_numbers = [n for n in claimed(claim) if not _user_gave(n, users)]
    dated = dates.misdated(claim, context.dates)
    if not stated_numbers:
        return 1.0 if dated else 0.0
    missed = _missing(stated_numbers, context, claim)
    return min(1.0, (len(missed) + len(dated)) / len(stated_numbers))


# words that make a number a sum of the context's ("together cover £3.5 million", "cutting
# 350 jobs across the two towns", "40 settings in total") or a difference of its amounts
# ("£7 less for club members", "$2 more than last year")
_SUMMED = re.compile(
    r"\b(?:in\s+total|(?:a|the|their|its)\s+total|totals?\s+(?=[$\u00a3\u20ac\d])|totall?ing"
    r"|totall?ed|in\s+all|altogether|combined|together|between\s+them"
    r"|across\s+(?:the\s+|both\s+|all\s+)?(?:two|three|four|five|both)\b)",
    re.IGNORECASE,
)
_DIFFERENCE = re.compile(
    r"\b(?:more|less|fewer|cheaper|dearer|higher|lower|off|difference|saving|savings|discount)\b",
    re.IGNORECASE,
)
# a change between two numbers the claim gives: "from 410 to 145, a reduction of 265"
_CHANGE = re.compile(
    r"\b(?:reductions?|drop(?:s|ped)?|declin(?:e|es|ed)|decreas(?:e|es|ed)|increas(?:e|es|ed)"
    r"|ris(?:e|es|en)|rose|fall(?:s|en)?|fell|gain(?:s|ed)?|loss(?:es)?|lost|cut"
    r"|(?:down|up)(?=\s+(?:by\s+|from\s+|to\s+)?(?:about\s+|some\s+)?[$\u00a3\u20ac\d])"
    r"|jump(?:s|ed)?|grew|grow(?:s|n)?|climb(?:s|ed)?|shr[ai]nk|shrunk|difference)\b",
    re.IGNORECASE,
)
# (whether the claim sums, takes a difference, states a change)
Arithmetic = tuple[bool, bool, bool]


def _arithmetic(claim: str) -> Arithmetic:
    return (
        _SUMMED.search(claim) is not None,
        _DIFFERENCE.search(claim) is not None,
        _CHANGE.search(claim) is not None,
    )


# a number a change or a difference is said of: "fallen by roughly 3,500", "an increase of
# $650", "rises by $650", "500,000 more than last year", "28 fewer daily flights"
_CHANGED_BY_NUMBER = re.compile(
    rf"(?:{_CHANGE.pattern})\s+(?:by\s+|of\s+)?(?:(?:about|roughly|around|nearly|almost|some"
    r"|just|an\s+estimated)\s+)?[$\u00a3\u20ac]?(\d+(?:[.,]\d+)*)"
    r"|(\d+(?:[.,]\d+)*)(?:\s*(?:million|billion|thousand|bn|m|k)\b)?(?:\s+[a-z]+)?\s+"
    r"(?:more|fewer|less|higher|lower|cheaper|larger|smaller)\b",
    re.IGNORECASE,
)


def _changed(claim: str) -> frozenset[str]:
    """The numbers as written that the claim says a change or a difference is
    (`_CHANGED_BY_NUMBER`), for `_in_one_sentence`."""
    return frozenset(m.group(1) or m.group(2) for m in _CHANGED_BY_NUMBER.finditer(claim))


# a number the claim says is a part of something: "about 300 of whom", "300 of the 1,200"
_PART_OF = re.compile(r"(\d+(?:[.,]\d+)*)\s+of\b", re.IGNORECASE)


def _parted(claim: str) -> frozenset[str]:
    """The numbers as written that the claim says are a part of something (`_PART_OF`)."""
    return frozenset(m.group(1) for m in _PART_OF.finditer(claim))


MAX_OWN_SUMMED = 6  # a claim's numbers whose sums are read (2**6 subsets at most)


def _missing(numbers: list[Claimed], context: Stated, claim: str) -> list[str]:
    """The `numbers` of `claim` (`claimed`) that `context` lacks, read with what the claim
    says it works out (`_arithmetic`, `_changed`, `_parted`)."""
    arithmetic, changed, parted = _arithmetic(claim), _changed(claim), _parted(claim)
    # a change the claim works out between two of its own numbers: "dropped from 410 to 145,
    # a reduction of 265" (read-45); a wrong one ("of 295") stays missing
    own = [n for _, n, *_ in numbers]
    worked = {abs(a - b) for a, b in itertools.combinations(own, 2)} if arithmetic[2] else set()
    # a sum the claim works out of its own numbers: "2.5 billion crowns between them: about
    # 1.2 billion …, 900 million … and 400 million" (read-46)
    if arithmetic[0] and len(own) <= MAX_OWN_SUMMED:
        worked |= {
            round(sum(some), 9)
            for size in range(2, len(own))
            for some in itertools.combinations(own, size)
        }
    return [
        raw
        for raw, number, how, money, unit, counted in numbers
        if (counted == "%" and not _shared(raw, number, how, context))
        or (
            counted != "%"
            and not _found(
                number,
                how,
                pool := _pool(raw, number, how, money, context)
                - _other_bounds(number, how, context),
            )
            and not (how == "rounded" and _rounds_to(raw, number, pool))
            and not (not money and _parts_found(raw, context.values))
            and not _worked_out(number, money, context, arithmetic, claim)
            and not any(math.isclose(number, result) for result in worked)
            and not (counted == POINTS and _found(number, how, _share_differences(context.text)))
            # a span the context counts in that unit, hours read as minutes and back ("90
            # minutes" of "an hour and a half")
            and not (counted in _SPANS and _found(number, how, context.counts.get(counted, set())))
            and not _in_one_sentence(number, how, context.text, raw in changed, raw in parted)
        )
        or _mismeasured(number, how, unit, context)
        or _bound_turned(number, how, context)
    ]


def _bound_turned(number: float, how: str, context: Stated) -> bool:
    """A limit on the number that the context only states as a floor: "up to 18,000
    customers" of "at least 18,000" (`read-54`). A number the context also states plainly is
    no bound of it (`Stated`); and "under" or "over" a threshold is a comparison, no limit
    ("you are under 59\u00bd" of "you must be at least 59\u00bd")."""
    return how == "limit" and number in context.floors


# a share after a number: "10%", "10 percent", "10 per cent", "10 pct"
_SHARE_AFTER = re.compile(r"\s?(?:%|percent\b|per\s+cent\b|pct\b)", re.IGNORECASE)
# the shares words say: "half", "a third", "doubled"
_SHARE_WORDS = re.compile(r"\b(half|thirds?|quarters?|doubled|tripled)\b", re.IGNORECASE)
_WORD_SHARES = {"half": (50.0,), "third": (100 / 3, 200 / 3), "quarter": (25.0, 75.0)}
_WORD_SHARES |= {"thirds": _WORD_SHARES["third"], "quarters": _WORD_SHARES["quarter"]}
_WORD_SHARES |= {"doubled": (100.0,), "tripled": (200.0,)}


def _shared(raw: str, number: float, how: str, context: Stated) -> bool:
    """Whether a share the claim states ("about 40 percent over budget") is one the context
    states as a share, says in words ("half", "a third", "doubled") or works out from two
    numbers of one of its sentences (`_ratios`: "two in five" is 40 %, "from 370 to 410"
    10.8 %), rounded as the claim writes it (a hedged one within a point). "About 40
    percent over budget" of "410 million euros, around 40 million more than budgeted" is
    not (`read-39`): an amount is no share (the model read the pair at 0.52 neutral, and the
    claim passed)."""
    if _found(number, how, context.counts.get("%", set())):
        return True
    step = 10.0 ** -len(raw.partition(".")[2])
    near = step / 2 * (1 + 1e-9) if how == "exact" else max(step / 2, 1.0)
    return any(abs(v - number) <= near for v in _ratios(context.text))


@functools.lru_cache(maxsize=64)
def _ratios(context: str) -> frozenset[float]:
    """The shares, in percent, that lower-cased `context` says in words (`_WORD_SHARES`) or
    that two numbers of one of its sentences make (no clock times): the smaller of the
    larger, and their difference of either."""
    ratios = {share for m in _SHARE_WORDS.finditer(context) for share in _WORD_SHARES[m.group(1)]}
    for sentence in re.split(r"(?<=[.!?;])\s+", _CLOCK.sub(" ", context)):
        found = [m.group() for m in _NUMBER.finditer(sentence) if _VALUE.fullmatch(m.group())]
        pool = {value(raw) for raw in found if not _YEAR.fullmatch(raw)}
        pool |= {_word_value(m) for m in _WORD_NUMBER.finditer(sentence)}
        for a, b in itertools.combinations(sorted(pool - {0.0}), 2):  # a < b
            ratios.update((100 * a / b, 100 * (b - a) / a, 100 * (b - a) / b))
    return frozenset(ratios)


def _worked_out(
    number: float, money: bool, context: Stated, arithmetic: Arithmetic, claim: str
) -> bool:
    """Whether a claim that says it sums (`_SUMMED`) states the sum of two of the context's
    numbers (of its amounts, for money; never its years): "together cover £3.5 million" of
    £2.1 million and £1.4 million, "350 jobs across the two towns" of 220 and 130 — for
    money, one of them taken as many times as a count the claim gives ("for four people …
    the $15 fee plus $5 per person, so $35 in total", `read-50`), or one amount so taken
    alone ("four tickets at $18 each, $72 in total"); or, for money, one that
    says it takes a difference (`_DIFFERENCE`), the difference of two amounts: "£7 less for
    club members" of £45 and £38. Differences of counts are left out: most small numbers
    are the difference of two of a long context's."""
    sums, differences, _ = arithmetic
    if not (sums or (differences and money)):
        return False
    pool = sorted(context.money if money else context.written - context.years)
    times = {1}
    if sums and money:
        times |= {n for w in _TOKEN.findall(claim.lower()) if (n := small_number(w)) and n > 1}
    pairs = itertools.combinations_with_replacement(pool, 2)
    return any(
        (
            sums
            and any(
                math.isclose(a + k * b, number)
                or math.isclose(k * a + b, number)
                or (k > 1 and math.isclose(k * b, number))
                for k in times
            )
        )
        or (differences and money and math.isclose(b - a, number))
        for a, b in pairs
    )


def _in_one_sentence(number: float, how: str, context: str, changed: bool, parted: bool) -> bool:
    """Whether a number the claim says is a part (`parted`: `_parted`) is a share's part of a
    number of one context sentence ("about 300 of whom" of "1,200 farmworkers …, fitting
    about a quarter of them", `read-47`), or, for
    a number the claim says a change or a difference is (`changed`: `_changed`), the
    difference of two numbers of one sentence ("fallen by roughly 3,500 students" of
    "dropped from 18,400 students in 2015 to about 14,900"; "500,000 more than last year"
    of "1.8 million …, up from 1.3 million");
    not a bound ("more than 2,000 residents": `read-16`'s invented donors).
    Unlike `_worked_out`, within a sentence: most small numbers are the difference of two of
    a long context's. `context` is lower-cased (`Stated.text`)."""
    if how not in ("exact", "about", "rounded"):
        return False  # a bound ("more than 2,000") is no worked-out number
    parts, differences = _sentence_arithmetic(context)
    return (parted and _found(number, how, parts)) or (changed and _found(number, how, differences))


# a share word as a share: "a quarter of them", "about half the buses", "cut by a third."
# (not "the first half", "in the quarter", "a third straight year", "third-quarter")
_A_SHARE = re.compile(
    r"\b(?:a|an|one|two|three|about|nearly|almost|roughly|around|some|over|under|than|by)\s+$",
    re.I,
)
_OF_A_SHARE = re.compile(r"\s+(?:of|the|its|their)\b|\s*(?:[.,;)]|$)")


@functools.lru_cache(maxsize=64)
def _sentence_arithmetic(context: str) -> tuple[frozenset[float], frozenset[float]]:
    """(the parts each share in words of a sentence takes of its numbers, the differences of
    two numbers of a sentence) of lower-cased `context`, years and clock times left out; read
    on need, for `_in_one_sentence`. A percent's part is left out: a sentence's percents and
    counts make many numbers, of which a wrong one is too often one."""
    parts: set[float] = set()
    differences: set[float] = set()
    for sentence in re.split(r"(?<=[.!?;])\s+", _CLOCK.sub(" ", context)):
        pool = sorted({amount for _, amount, *_ in _amounts(sentence)} - {0.0})
        shares = {
            share
            for m in _SHARE_WORDS.finditer(sentence)
            if _A_SHARE.search(sentence, 0, m.start()) and _OF_A_SHARE.match(sentence, m.end())
            for share in _WORD_SHARES[m.group(1)]
        }
        parts.update(v * share / 100 for v in pool for share in shares if v not in shares)
        # rounded off the float's error: 24.6 - 18.2 is 6.4 ("up 6.4 percentage points")
        differences.update(round(b - a, 9) for a, b in itertools.combinations(pool, 2))
    return frozenset(parts), frozenset(differences)


# a difference of two shares: "up 6.4 percentage points" (what `claimed` counts by it)
_POINTS_AFTER = re.compile(r"\s+percentage[-\s]points?\b", re.IGNORECASE)
POINTS = "percentage point"


@functools.lru_cache(maxsize=64)
def _share_differences(context: str) -> frozenset[float]:
    """The differences of two shares of one sentence of lower-cased `context`: "24.6
    percent …, up from 18.2 percent" makes 6.4, the "up 6.4 percentage points" a summary
    works out (`read-45`)."""
    out: set[float] = set()
    for sentence in re.split(r"(?<=[.!?;])\s+", context):
        shares = sorted(
            {
                value(m.group())
                for m in _CLAIMED.finditer(sentence)
                if _VALUE.fullmatch(m.group()) and _SHARE_AFTER.match(sentence, m.end())
            }
        )
        out.update(round(b - a, 9) for a, b in itertools.combinations(shares, 2))
    return frozenset(out)


def _rounds_to(raw: str, number: float, pool: set[float]) -> bool:
    """Whether a scaled number (`raw` as written, `number` its value: "4.8" of "$4.8 million")
    rounds a value of `pool` at its last digit (half up or down): 4,760,000 and 4,840,000 are
    "4.8 million"; 4,712,000, "4.7 million" and 4,860,000 are not."""
    step = number / value(raw) * 10.0 ** -len(raw.partition(".")[2]) if value(raw) else 0.0
    return any(abs(v - number) <= step / 2 * (1 + 1e-9) for v in pool)


def _other_bounds(number: float, how: str, context: Stated) -> set[float]:
    """The context's limits but the claim's own number, for a claimed limit ("up to 8 kg"
    against a claimed "up to 10 kg"): a bound allows a rounding of a value ("under 10
    minutes" of "8 minutes"), and a bound under a limit holds ("costs under $20" of "up to
    $18"), but a limit is no rounding of another limit ("up to 10 kg" of "up to 8 kg")."""
    return set(context.limits - {number}) if how == "limit" else set()


def _pool(raw: str, number: float, how: str, money: bool, context: Stated) -> set[float]:
    """The values a claimed number may be found among: the amounts of money for money; for
    a bound or a rounding of a number the context does not state as it is, the numbers the
    context writes (not a month's or an hour's number, not "2,500" of "2.5 million") but,
    for a number that is no year, the ones it only writes as years: "more than 2,000
    residents" is not found in "closed in 2019" nor in "$2.5 million"."""
    if money:
        return context.money
    if how == "exact" or number in context.written:
        return context.values
    if _YEAR.fullmatch(raw):
        return context.written
    return context.written - context.years


def _mismeasured(number: float, how: str, unit: str, context: Stated) -> bool:
    """A measure in a unit the context measures in, never by this number: "about 4
    kilograms" of "1.8 kilograms (about 4 pounds)"; the 4 is the pounds' (unless the context
    also writes it bare: "winds of 60 mph, gusts up to 75"). Or in a unit the
    context never names, of a number it measures in another unit of the same kind: "1
    degree for every 300 feet" of "… for every 300 metres" (a conversion the answer makes
    itself states another number, which the context lacks). A unit the context names but
    does not count ("a mile long", "300 m", "12 in.") is left alone."""
    if not unit:
        return False
    measured = context.counts.get(unit)
    if measured:
        # "gusts up to 75" after "winds of 60 mph": the context's bare number is this measure
        within = measured - _other_bounds(number, how, context)
        return not _found(number, how, within) and not _bare(number, context)
    if unit in context.named:
        return False  # "a mile long", "300 m": named, but not counted
    return any(
        _found(number, how, values)
        for other, values in context.counts.items()
        if other != unit and _DIMENSIONS.get(other) == _DIMENSIONS[unit]
    )


def _bare(number: float, context: Stated) -> bool:
    """Whether the context writes the number with no word it counts after it."""
    return number in context.values and not any(number in v for v in context.counts.values())


def _parts_found(raw: str, context: set[float]) -> bool:
    """A time of day written as a decimal whose parts the context states: "9.45am" against
    "9:45 a.m.". Only an hour and two digits of minutes: "4.4 out of 5 stars" is no time,
    whatever 4s the context holds (`read-53`: a rating of 4.7 and "4" of April)."""
    hour, _, minutes = raw.replace(",", "").partition(".")
    return (
        len(minutes) == 2
        and int(hour or 0) <= 24
        and int(minutes) < 60
        and all(value(part) in context for part in (hour, minutes))
    )


def _found(number: float, how: str, context: Set[float]) -> bool:
    """Whether the context states the number, or, for a hedged one, a value it allows: within
    10 % ("about"); for a round bound (a multiple of 5: "more than 200", not "up to 44 %",
    which copies its source), a value at or above it up to half as much again ("over"), or
    at or below it down to two thirds ("under")."""
    if number in context:
        return True
    if how == "about":
        return any(abs(number - v) <= APPROXIMATION * max(abs(v), 1e-9) for v in context)
    if number % 5 or not number:
        return False
    if how == "over":
        return any(number <= v <= 1.5 * number for v in context)
    if how in ("under", "limit"):
        return any(number / 1.5 <= v <= number for v in context)
    return False
