"""A record's own star rating, as a claim states it, checked against the record.

"a 4.5-star rating", "rated four and a half stars", "3.5 out of 5", "Business Stars: 4.0",
"Rating: 4.5" against the record's own
`…stars` field; and how many of its reviews give some stars ("two of the three reviews give
it five stars") against the reviews' own. Left to the model: a review's stars ("a 5-star
review", "gave it 2 stars", "the
lowest rating, 2 stars", any stars in a claim about reviews not called a rating), bounds and
estimates ("above 4 stars", "about 4.7"), ranges, price levels ("a price range rating of 2"),
durations ("an average of 5 minutes"), other things' stars ("a 3-star hotel", "5 stars for
service") and other scales ("8 out of 10").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from groundrail.grounding.hours import Said, mentions_reviews
from groundrail.grounding.lexical import LOOKBEHIND
from groundrail.grounding.numbers import small_number
from groundrail.grounding.records import Record

MAX_STARS = 5.0
_NUMBER_WORDS = {"one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0}
_NUMBER = r"(?P<n>\d(?:\.\d+)?(?!\d)|one|two|three|four|five)(?P<half>[\s-]+and[\s-]+a[\s-]+half)?"
_LABELLED = _NUMBER.replace("P<n>", "P<n3>").replace("P<half>", "P<half3>")
_RATING = re.compile(
    rf"(?:\b(?:rating|rated|average|averages|scores?)\s*:?\s+(?:of\s+)?{_NUMBER}"
    rf"(?:[\s-]*stars?)?(?:\s*(?:out\s+of|/)\s*(?:5|five)(?:\s+stars?)?)?"
    rf"|\b{_NUMBER.replace('P<n>', 'P<n2>').replace('P<half>', 'P<half2>')}"
    r"(?:[\s-]*stars?|\s*(?:out\s+of|/)\s*(?:5|five)(?:\s+stars?)?)"
    # a label line: "Business Stars: 4.0", "Stars: 4"
    rf"|\b(?:business\s+)?stars?\s*:\s*{_LABELLED})",
    re.I,
)
_NOT_OURS_BEFORE = re.compile(
    r"(?:\b(?:gave|give|gives|giving|left|leaving|awarded|rated\s+(?:it|them|the\s+\w+))\s+"
    r"(?:it\s+|them\s+|only\s+|just\s+|a\s+|an\s+)*|\b(?:from|between|to|and)\s+)$",
    re.I,
)
# Stars of something else, or not the rating's value: a review's ("the lowest rating, 2
# stars", "rated 5 stars by its latest reviewer"), a bound ("above 4 stars"), an estimate
# ("about 4.7"), a price level ("a price range rating of 2"), a duration ("an average of 5
# minutes").
_OTHER_STARS = re.compile(
    r"\b(?:lowest|highest|lowest-rated|highest-rated|individual|single|low|high|best|worst"
    r"|recent|latest|first|last|price|range|reviews?|above|over|under|below|least|most|than"
    r"|about|around|roughly|approximately|nearly|almost|some|up|beyond)\W+(?:\w+\W+)?$",
    re.I,
)
_OURS = re.compile(r"\b(?:rating|overall)\b", re.I)
_NOT_OURS_AFTER = re.compile(
    r"^[\s-]*(?:reviews?|ratings?\s+from|to\s+\d|and\s+\d|(?:by|from)\s+(?:\w+\s+){0,3}"
    r"(?:reviewers?|reviews?|customers?|diners?|guests?))",
    re.I,
)
_UNIT = re.compile(r"star|out\s+of|/", re.I)
# After the stars, what makes them a rating's ("a 4-star rating", "4 stars overall", "4.5
# stars on Yelp"); another word makes them something else's ("a 3-star hotel", "5 stars for
# service").
_RATING_NEXT = re.compile(
    r"^[\s-]*(?:$|[^\w\s]|(?:rating|ratings|average|overall|on|from|based|across|among|and"
    r"|with|out|in\s+(?:total|all))\b)",
    re.I,
)
_RATING_WORD = re.compile(r"\b(?:rating|rated|stars?)\b", re.I)
# "has a high rating of": a degree of the place's own rating, not another's stars
_OWN_HIGH = re.compile(
    r"\b(?:has|holds|with|boasts|earns|carries)\s+an?\s+(?:very\s+)?(?:high|low)\s+$", re.I
)


# the rating said as a degree: "highly rated", "top-rated", "well-rated" (4 stars or more on
# Yelp's scale of 5), of the place itself: at the clause's end, before "by …", "on …", or
# before a word it is called by ("a highly rated gym"); not of a dish ("the highly rated
# tacos")
_DEGREE = re.compile(r"\b(?:highly|well|top|very\s+well)[\s-]+rated\b(?P<next>\s*[\w-]*)", re.I)
_DEGREE_NEXT = re.compile(r"^\s*(?:$|by|on|among|in|with|and|for|overall)$", re.I)
HIGH_STARS = 4.0


def _degrees(claim: str, record: Record) -> Iterator[Said]:
    """The statements of `claim` that the place is highly rated (`_DEGREE`)."""
    assert record.rating is not None
    for match in _DEGREE.finditer(claim):
        following = match.group("next").strip().lower()
        if re.search(r"\bthe\s+$", claim[: match.start()], re.I):
            continue  # "the highly rated tacos": a thing it serves
        if not (
            _DEGREE_NEXT.match(following)
            or following in record.names
            or f"{following}s" in record.names
        ):
            continue
        agrees = record.rating.stars >= HIGH_STARS
        yield match.start(), match.start("next"), agrees, record.rating.stated


# how many reviews the rating averages: "based on 244 reviews", "from 54 reviews", "It has
# 312 reviews on Yelp"; not a reviewer's ("one of the 3 reviews")
_COUNT = re.compile(
    r"(?:\b(?:based\s+on|from|across|over|with|has|had|holds|drawn\s+from)\s+)"
    r"(?P<n>\d[\d,]*)\s+(?:(?:customer|online|yelp|user)\s+)?(?:reviews|ratings)\b",
    re.I,
)


def _counts(claim: str, record: Record) -> Iterator[Said]:
    """The statements of `claim` of how many reviews the rating averages (`_COUNT`), against
    Yelp's `review_count`; none when the record does not give it."""
    assert record.rating is not None
    if record.rating.count is None:
        return
    for match in _COUNT.finditer(claim):
        agrees = int(match.group("n").replace(",", "")) == record.rating.count
        yield match.start(), match.end(), agrees, f"review count: {record.rating.count}"


_COUNT_WORD = r"one|two|three|four|five|\d"
# how many of its reviews give some stars: "Two of the three reviews give it five stars",
# "All three reviewers gave five stars", "One of the three reviews gives two stars" (not "One
# reviewer gave it 2 stars": a reviewer's stars)
_REVIEW_STARS = re.compile(
    rf"\b(?:(?P<one>one|1)\s+of\s+(?:the|its)\s+(?P<m1>{_COUNT_WORD})"
    rf"|(?P<n>{_COUNT_WORD}|all|both)\s+(?:of\s+(?:the|its)\s+)?(?:(?P<m>{_COUNT_WORD})\s+)?)"
    r"\s*(?:reviews|reviewers)\s+(?:each\s+)?(?:give|gave|gives|rate|rated|award"
    r"|awarded|left)\s+(?:it\s+|the\s+\w+\s+)?"
    rf"(?P<k>{_COUNT_WORD})(?:\s+or\s+(?P<k2>{_COUNT_WORD}))?[\s-]+stars?\b",
    re.I,
)


def _review_stars(claim: str, record: Record) -> Iterator[Said]:
    """The statements of `claim` of how many of the record's reviews give some stars
    (`_REVIEW_STARS`: "two of the three reviews give it five stars", `read-50`), against the
    reviews' own stars: the count, and the whole it is said of ("all three", "of the
    three"). The model cannot count the reviews of a record's text (it read a correct "two
    of the three reviews give it five stars" as contradicted, support 0.12)."""
    if not record.reviews:
        return
    reviews = len(record.reviews)
    stated = "; ".join(r.stated for r in record.reviews)
    for match in _REVIEW_STARS.finditer(claim):
        wanted = {small_number(match["k"])} | (
            {small_number(match["k2"])} if match["k2"] else set()
        )
        giving = sum(1 for r in record.reviews if r.stars in wanted)
        whole = small_number(match["m"] or match["m1"]) if match["m"] or match["m1"] else None
        said = (match["n"] or match["one"]).lower()
        count = reviews if said == "all" else 2 if said == "both" else small_number(said)
        agrees = giving == count and (whole is None or whole == reviews)
        if said == "both":
            agrees = agrees and reviews == 2
        yield match.start(), match.end(), agrees, stated


def statements(claim: str, record: Record) -> Iterator[Said]:
    """The statements of `claim` of the record's own star rating (see the module doc), and of
    how many of its reviews give some stars (`_review_stars`)."""
    assert record.rating is not None
    yield from _degrees(claim, record)
    yield from _counts(claim, record)
    yield from _review_stars(claim, record)
    about_reviews = mentions_reviews(claim)
    for match in _RATING.finditer(claim):
        before = claim[max(0, match.start() - LOOKBEHIND) : match.start()]
        after = claim[match.end() : match.end() + LOOKBEHIND]
        if _NOT_OURS_BEFORE.search(before) or _NOT_OURS_AFTER.match(after):
            continue
        if _OTHER_STARS.search(before[-30:]) and not (
            _OWN_HIGH.search(before) and _RATING_WORD.match(match.group())
        ):
            continue  # not "a high rating of 4.5 stars" (read-26): the place's own
        if not _UNIT.search(match.group()) and re.match(r"\s*[A-Za-z]", after):
            continue  # "an average of 5 minutes": no stars
        if not _RATING_NEXT.match(after):
            continue  # "a 3-star hotel", "5 stars for service"
        if not _RATING_WORD.search(f"{before[-20:]} {match.group()}"):
            continue  # "it ranks 3 out of 5": no stars, no rating
        if about_reviews and not _OURS.search(claim[match.start() : match.end() + 16]):
            continue  # "the lowest-rated review, at two stars": a review's stars
        raw = match.group("n") or match.group("n2") or match.group("n3")
        half = match.group("half") or match.group("half2") or match.group("half3")
        stars = _NUMBER_WORDS.get(raw.lower()) or float(raw)
        stars += 0.5 if half else 0.0
        if stars > MAX_STARS:
            continue  # "rated 8 out of 10": another scale
        agrees = abs(stars - record.rating.stars) < 0.01
        yield match.start(), match.end(), agrees, record.rating.stated
