"""Numbers a claim states that its context never does: "44 %" in a summary of an article
that gives no percentage, "400 employees" against "40 staff".

The model reads such a claim as entailed whenever its other words match (on HaluEval's dev
summaries: "It can also save users up to 44% on energy usage" at entailment 0.98), so a
stated number the context lacks is checked apart from it (`engine.GroundingEngine.decide`).
Values are compared, not strings: the context's numbers are read in digits and in words
("twenty-nine", "a dozen", "three-and-a-half", "third", "March" as 3), scaled ("1.5
million" is also 1500000), and a claim's number is found when it is one of them, when its
parts are ("9.45am" against "9:45 a.m."), or, after "about", "nearly", "over" …, when one
lies within 10 % of it. Not checked: numbers inside names and codes ("COVID-19", "HAuCl4",
"F1", "G7", "8.1.4"), URLs and e-mail addresses, list markers ("1. Rest …"), and numbers
written in words in the claim (a count an answer makes itself: "the two companies").
"""

from __future__ import annotations

import re

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# a claim's number, not part of a name or code (a letter, or a letter and a hyphen, before it)
_CLAIMED = re.compile(r"(?<![A-Za-z\d.,])(?<![A-Za-z]-)\d+(?:[.,]\d+)*")
_VALUE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")  # not "8.1.4", "1,2,3"
_LIST_MARKER = re.compile(r"^\s*\d+[.)]\s")
_ADDRESS = re.compile(r"\S+://\S+|\bwww\.\S+|\S+@\S+\.\w+")  # a URL or an e-mail address
_APPROXIMATE = re.compile(
    r"\b(?:about|around|approximately|roughly|nearly|almost|over|under|some|more than|"
    r"less than|fewer than|close to|just over|just under|upwards of|an estimated)"
    r"\s+(?:\$|£|€)?$",
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
    "january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
_MONTH = re.compile(r"\b(?:" + "|".join(_MONTHS) + r")\b", re.IGNORECASE)
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
_WORD_NUMBER = re.compile(
    r"\b(?:(?P<tens>" + "|".join(_TENS) + r")(?:[-\s](?P<unit>" + "|".join(_UNITS) + r"))?"
    r"|(?P<single>" + "|".join(_UNITS) + r")|(?P<ordinal>" + "|".join(_ORDINALS) + r"))"
    r"(?P<half>[-\s]and[-\s]a[-\s]half)?"
    r"(?:[-\s](?P<scale>" + "|".join(_SCALES) + r"))?\b",
    re.IGNORECASE,
)
_SCALED = re.compile(r"(\d+(?:[.,]\d+)*)\s*(" + "|".join(_SCALES) + r")\b", re.IGNORECASE)
APPROXIMATION = 0.10  # "about 20" is found in a context that says 19.6 (relative difference)


def value(raw: str) -> float:
    """The value of a number as written in digits: "1,200" -> 1200.0, "4.50" -> 4.5."""
    return float(raw.replace(",", ""))


def stated(context: str) -> set[float]:
    """Every value the context states, in digits or words, with scaled forms (see module)."""
    values = {value(n) for n in _NUMBER.findall(context) if _VALUE.fullmatch(n)}
    for m in _WORD_NUMBER.finditer(context):
        word = m.group("tens") or m.group("single") or m.group("ordinal")
        number = float(_TENS.get(word.lower(), 0) + _UNITS.get(word.lower(), 0))
        number += _ORDINALS.get(word.lower(), 0)
        if m.group("unit"):
            number += _UNITS[m.group("unit").lower()]
        if m.group("half"):
            number += 0.5
        values.add(number)
        if m.group("scale"):
            values.add(number * _SCALES[m.group("scale").lower()])
    for m in _MONTH.finditer(context):  # "March 18" is also 3/18
        values.add(float(_MONTHS[m.group().lower()]))
    for m in _SCALED.finditer(context):
        values.add(value(m.group(1)) * _SCALES[m.group(2).lower()])
    for v in list(values):  # 1,500,000 is also "1.5 million", 3,100 also "3.1 thousand"
        for scale in (10**3, 10**6, 10**9):
            if v >= scale:
                values.add(round(v / scale, 3))
    return values


def claimed(claim: str) -> list[tuple[str, bool]]:
    """The numbers a claim states in digits, as written, each with whether it is an
    approximation ("about 20", "over $5")."""
    claim = _ADDRESS.sub(" ", _LIST_MARKER.sub("", claim, count=1))
    return [
        (m.group(), bool(_APPROXIMATE.search(claim[: m.start()])))
        for m in _CLAIMED.finditer(claim)
        if _VALUE.fullmatch(m.group())  # a version or an address ("8.1.4") is a name
    ]


def missing(claim: str, context: set[float]) -> list[str]:
    """The numbers the claim states (`claimed`) that `context` (from `stated`) lacks."""
    return [raw for raw, approximate in claimed(claim) if not _found(raw, context, approximate)]


def _found(raw: str, context: set[float], approximate: bool) -> bool:
    number = value(raw)
    if number in context:
        return True
    if "." in raw and all(value(part) in context for part in raw.replace(",", "").split(".")):
        return True  # "9.45am" against "9:45 a.m."
    if approximate:
        return any(abs(number - v) <= APPROXIMATION * max(abs(v), 1e-9) for v in context)
    return False
