"""Opening hours, star ratings and what the reviews add up to, checked against a record.

"It is open Tuesday through Saturday from 9 a.m. to 9 p.m. and holds a 4-star rating" states
two fields of a business record in words. The model reads such a sentence against the
record's hours line poorly (a "9 p.m." beside "21:00", a day range beside seven day names), and
a wrong day or closing time is the kind of error a person checks first, so these are compared
as values, with no model (docs/grounding.md, "Structured data", lists every rule):

- **Hours.** A claim's days ("Monday", "Tuesday through Friday", "weekdays", "daily", "every
  night", lists, "every day except / but / other than Monday") and times ("from 9 a.m. to 9
  p.m.", "7:00-15:00", "opens at 6 a.m.", "doesn't open until noon", "until midnight") are
  paired in the claim's order; a time said of many days beside times for some of them ("daily
  11 a.m. to 10 p.m. (11 p.m. on Fridays)") applies to the others. Days with no time say the
  business is open on them, or, beside "closed", a negated verb or a word of absence, that it
  is not ("closed on Mondays", "doesn't open on Sundays", "no Monday hours are listed"). A
  time without a.m./p.m. matches either; a record day of "0:0-0:0" is never compared; a claim
  that mentions reviews or reviewers is left alone (a "Saturday morning" there is a visit).
- **Rating.** "a 4.5-star rating", "rated 4 stars", "four and a half stars", "4 out of 5"
  against the record's own stars; a review's stars, bounds and estimates ("above 4 stars",
  "about 4.7"), ranges, price levels and other scales are left alone.
- **Reviews as a whole** ("reviews are mixed", "generally positive feedback", "all reviewers
  loved it") against the reviews' stars (`_sentiment`).

`find` returns each statement as a `Fact`: where it is in the claim and whether the record
agrees; `groundrail.grounding.attributes.check` weighs them with the yes/no fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from groundrail.grounding.lexical import has_negation
from groundrail.grounding.records import Day, Record

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(slots=True, frozen=True)
class Fact:
    """A statement of a record's hours or rating in a claim: its character span, whether the
    record agrees, the record's words that decide it (the evidence) and the record's index."""

    start: int
    end: int
    agrees: bool
    field: str  # "hours" or "rating"
    stated: str
    record: int


def find(claim: str, records: Sequence[Record]) -> list[Fact]:
    """The hours and rating statements of `claim`, each checked against the first record that
    has the field (see the module doc); in claim order."""
    found: list[Fact] = []
    with_hours = next((n for n, r in enumerate(records) if r.hours), None)
    if not _REVIEWS.search(claim):
        if with_hours is not None:
            found += _hours(claim, records[with_hours], with_hours)
        elif records and (absent := _NO_HOURS.search(claim)):
            # no record lists hours, and the claim says so
            found.append(Fact(absent.start(), absent.end(), True, "hours", "", 0))
    rated = next((n for n, r in enumerate(records) if r.rating is not None), None)
    if rated is not None:
        found += _ratings(claim, records[rated], rated)
    reviewed = next((n for n, r in enumerate(records) if r.reviews), None)
    if reviewed is not None:
        found += _sentiment(claim, records[reviewed], reviewed)
    return sorted(found, key=lambda f: f.start)


# --- hours -----------------------------------------------------------------------------------

_DAY = (
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)days?"
    r"|(?-i:Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)\b\.?)"
)
_DAY_SPEC = re.compile(
    r"(?P<all>daily|nightly|every\s+(?:day|night)|each\s+(?:day|night)"
    r"|(?:seven|7)\s+days(?:\s+a\s+week)?|all\s+week)"
    r"|(?P<weekdays>week\s?days?)|(?P<weekends>week\s?ends?)"
    rf"|(?P<first>{_DAY})\s*(?:through|thru|to|until|till|[-\u2013\u2014])\s*(?P<last>{_DAY})"
    rf"|(?P<day>{_DAY})",
    re.I,
)
_EXCEPT = re.compile(
    r"\s*,?\s*(?:except(?:\s+(?:for|on))?|but\s+not(?:\s+on)?|other\s+than|apart\s+from"
    r"|aside\s+from|save|besides|excluding)\s+$",
    re.I,
)
_BUT = re.compile(r"\s*,?\s*but\s+$", re.I)  # "every day but Tuesday", after all days only
_TIME = (
    r"(?:(?P<h{n}>\d{{1,2}})(?:[:.](?P<m{n}>\d{{2}}))?\s*(?P<s{n}>[ap]\.?\s?m\b\.?)?"
    r"|(?P<w{n}>noon|midnight))"
)
_TIME_RANGE = re.compile(
    rf"(?<![\d$.,])(?:(?P<from>from|between)\s+)?{_TIME.format(n=1)}\s*"
    rf"(?P<sep>to|until|till|through|thru|and|[-\u2013\u2014])\s*{_TIME.format(n=2)}"
    r"(?!\s*(?:minutes?|mins?|hours?|hrs?|people|persons?|guests?|dollars|percent|%|stars?"
    r"|years?|days?|weeks?|months?|times?|visits?|items?|[\d$]))",
    re.I,
)
# A single time: its side from its cue ("opens at 6 a.m.", "until midnight"); a bare "from" /
# "at" time ("and at noon on weekends") takes the side of the single time before it.
_SINGLE = re.compile(
    r"\b(?:(?P<opens>(?:(?:does|do|will|is)\s*n['\u2019]?t|won['\u2019]t|not)\s+open\s+"
    r"(?:until|till|before)\s+|(?:opens?|opening)\s+(?:at\s+|from\s+)?)"
    r"|(?P<closes>closes?|closing)\s+(?:at\s+)?"
    rf"|(?P<until>until|till)\s+|(?P<bare>from|at)\s+){_TIME.format(n=1)}",
    re.I,
)
_CUE = re.compile(
    r"\b(?:open|opens|opening|closed|closes|closing|hours|operates?|operating)\b", re.I
)
_CLOSED = re.compile(
    r"\b(?:closed|shut|not\s+open|no\s+(?:\w+\s+)?hours|not\s+(?:listed|provided|available|given"
    r"|specified|included|mentioned|shown)|unlisted|unavailable)\b",
    re.I,
)
_NO_HOURS = re.compile(
    r"\b(?:(?:opening|business|operating)\s+)?hours\b[^.;]*?\bnot\s+(?:listed|provided|available"
    r"|given|specified|included|mentioned|shown)\b|\bno\s+(?:(?:opening|business|operating)\s+)?"
    r"hours\b(?![^.;]*\bfor\b)",
    re.I,
)
# Who gives an opinion, and what it is called.
_OPINION = (
    r"(?:reviews?|reviewers?|customers?|diners?|patrons?|clients?|guests?|visitors?|opinions?"
    r"|feedback|experiences?|reactions?|impressions?)"
)
_REVIEWS = re.compile(
    rf"\b(?:{_OPINION}|reviewed|said|says|noted|mentioned|complained|reported|praised"
    r"|recommended)\b",
    re.I,
)
# Where the words about one group of days end: "open Tuesday to Saturday and closed Sunday".
_CLAUSE_END = re.compile(r"[;,.:]|\b(?:and|but|while|though|whereas)\b", re.I)
_JOIN = re.compile(r"^[\s,&/]*(?:and|or|plus|&)?[\s,]*$", re.I)
_ON = re.compile(r"^\s*(?:on|every)\s+(?:the\s+)?$", re.I)  # "from noon on weekends"
# What may stand between a time and its days; a colon introduces a list, so it never does.
_PAIR_GAP = re.compile(
    r"^[\s,]*(?:(?:from|on|at|between|open|opens|is|are|hours)\s*,?\s*){0,3}$", re.I
)


@dataclass(slots=True)
class _Days:
    start: int
    end: int
    days: set[str]
    closed: set[str]  # days the claim says are closed ("except Monday")
    loose: bool  # a group name ("weekdays", "weekends"): said of the days of it the record lists
    timed: set[str] | None = None  # the days a time said of it applies to (`_narrow`)


@dataclass(slots=True)
class _Times:
    start: int
    end: int
    opens: set[int] | None  # the minutes after midnight it may mean; None: not stated
    closes: set[int] | None

    @property
    def single(self) -> bool:
        return self.opens is None or self.closes is None


def _hours(claim: str, record: Record, index: int) -> list[Fact]:
    days = _day_specs(claim)
    times = _time_specs(claim)
    if not times and not days:
        absent = _NO_HOURS.search(claim)  # "hours are not listed", though the record has them
        return (
            [Fact(absent.start(), absent.end(), False, "hours", record.hours[0].stated, index)]
            if absent
            else []
        )
    if not times and not _CUE.search(claim):
        return []
    _narrow(days)
    items: list[_Days | _Times] = sorted([*days, *times], key=lambda i: i.start)
    paired: set[int] = set()
    facts: list[Fact | None] = []
    after = _times_first(claim, items)
    for n, item in enumerate(items):
        if isinstance(item, _Times):
            group = _paired_days(claim, items, n, paired, after)
            facts.append(_times_fact(item, group, record, index))
    for n, item in enumerate(items):
        if isinstance(item, _Days) and n not in paired:
            facts.append(_days_fact(item, item.days, _says_closed(claim, items, n), record, index))
        if isinstance(item, _Days) and item.closed and not _timed_after(claim, items, n):
            facts.append(_days_fact(item, item.closed, True, record, index))
    return [f for f in facts if f is not None]


def _narrow(specs: list[_Days]) -> None:
    """A time said of a group of days beside smaller groups applies to the days they do not
    name: in "open daily 11 a.m. to 10 p.m. (11 p.m. on Fridays and Saturdays)" the range is
    said of the other five days (`_Days.timed`)."""
    named = [set(s.days) for s in specs]
    for spec, days in zip(specs, named, strict=True):
        smaller = set().union(*(other for other in named if len(other) < len(days)))
        spec.timed = days - smaller or days


def _timed_after(claim: str, items: list[_Days | _Times], n: int) -> bool:
    """Whether a time follows the days in the same sentence ("except Fridays, when it
    closes at noon"): then the days excepted are not said to be closed."""
    end = re.search(r"[;.](?:\s|$)", claim[items[n].end :])
    stop = items[n].end + end.start() if end else len(claim)
    return any(isinstance(i, _Times) and items[n].end <= i.start < stop for i in items)


def _day_specs(claim: str) -> list[_Days]:
    """The claim's day specifications, lists merged ("Friday and Saturday"), "except …"
    days kept apart as closed."""
    specs: list[_Days] = []
    for match in _DAY_SPEC.finditer(claim):
        names = _named_days(match)
        loose = bool(match.group("weekdays") or match.group("weekends"))
        previous = specs[-1] if specs else None
        gap = claim[previous.end : match.start()] if previous is not None else ""
        before = claim[: match.start()]
        excepted = _EXCEPT.search(before) or (
            _BUT.search(before) and previous is not None and previous.days == set(DAYS)
        )
        if previous is not None and (
            excepted or (previous.closed and _JOIN.match(gap))
        ):  # "every day except Monday (and Tuesday)"
            previous.closed |= names
            previous.days -= names
            previous.end = max(previous.end, match.end())
        elif previous is not None and _JOIN.match(gap) and not previous.closed:
            previous.days |= names
            previous.loose = previous.loose and loose
            previous.end = match.end()
        else:
            specs.append(_Days(match.start(), match.end(), names, set(), loose))
    return specs


def _named_days(match: re.Match[str]) -> set[str]:
    if match.group("all"):
        return set(DAYS)
    if match.group("weekdays"):
        return set(DAYS[:5])
    if match.group("weekends"):
        return set(DAYS[5:])
    if match.group("day"):
        return {_day_name(match.group("day"))}
    first, last = DAYS.index(_day_name(match["first"])), DAYS.index(_day_name(match["last"]))
    span = (last - first) % 7
    return {DAYS[(first + k) % 7] for k in range(span + 1)}


def _day_name(word: str) -> str:
    prefix = word.lower().rstrip(".")[:2]
    return next(d for d in DAYS if d.startswith(prefix))


def _time_specs(claim: str) -> list[_Times]:
    """Time ranges ("from 9 a.m. to 9 p.m.") and single times ("opens at 6", "until
    midnight", "and at noon"), in claim order, none inside another. A time needs a.m./p.m.,
    minutes or a word (noon) unless it is a range after "from"/"between"."""
    found: list[_Times] = []
    for match in _TIME_RANGE.finditer(claim):
        opens, closes = _minutes(match, 1), _minutes(match, 2)
        plain = not any(match.group(g) for g in ("s1", "s2", "m1", "m2", "w1", "w2", "from"))
        loose = match["sep"].lower() == "and" and (match["from"] or "").lower() != "between"
        if opens is not None and closes is not None and not plain and not loose:
            found.append(_Times(match.start(), match.end(), opens, closes))
    side = ""
    for match in _SINGLE.finditer(claim):
        if match["opens"] or match["closes"] or match["until"]:
            side = "opens" if match["opens"] else "closes"
        elif not side and match["bare"].lower() == "from":
            side = "opens"
        value = _minutes(match, 1)
        if (
            not side
            or value is None
            or not any(match.group(g) for g in ("s1", "m1", "w1"))
            or any(t.start <= match.start("h1" if match["h1"] else "w1") < t.end for t in found)
        ):
            continue
        opens = value if side == "opens" else None
        found.append(_Times(match.start(), match.end(), opens, None if opens else value))
    return sorted(found, key=lambda t: t.start)


def _minutes(match: re.Match[str], n: int) -> set[int] | None:
    """The minutes after midnight a written time may mean: "9" is 9:00 or 21:00, "9 p.m."
    21:00, "noon" 12:00; None for no time of day ("27")."""
    word = match.group(f"w{n}")
    if word:
        return {720} if word.lower() == "noon" else {0}
    hour, minute = int(match.group(f"h{n}")), int(match.group(f"m{n}") or 0)
    suffix = (match.group(f"s{n}") or "").lower()[:1]
    if hour > 24 or minute > 59 or (suffix and not 1 <= hour <= 12):
        return None
    if suffix:
        return {((hour % 12) + (12 if suffix == "p" else 0)) * 60 + minute}
    if hour > 12:
        return {(hour % 24) * 60 + minute}
    return {(hour % 12) * 60 + minute, ((hour % 12) + 12) * 60 + minute}


def _times_first(claim: str, items: list[_Days | _Times]) -> bool:
    """Whether the claim gives its times before their days ("from 6 a.m. to 4 p.m. Monday
    through Friday, and 8 a.m. to 2 p.m. on Saturday"): its first time has days just after it
    and none just before it."""
    first = next((n for n, i in enumerate(items) if isinstance(i, _Times)), None)
    if first is None:
        return False
    return not _pairs(claim, items, first, first - 1) and _pairs(claim, items, first, first + 1)


def _pairs(claim: str, items: list[_Days | _Times], n: int, k: int) -> bool:
    if not 0 <= k < len(items) or not isinstance(items[k], _Days):
        return False
    gap = claim[items[k].end : items[n].start] if k < n else claim[items[n].end : items[k].start]
    return _PAIR_GAP.match(gap) is not None


def _paired_days(
    claim: str, items: list[_Days | _Times], n: int, paired: set[int], after: bool
) -> _Days | None:
    """The days a time goes with: in the claim's order (`_times_first`; "… on weekends" after
    a time always), those on the one side, else those on the other."""
    strong = _ON.match(claim[items[n].end : items[n + 1].start]) if n + 1 < len(items) else None
    for k in (n + 1, n - 1) if after or strong else (n - 1, n + 1):
        if k not in paired and _pairs(claim, items, n, k):
            paired.add(k)
            group = items[k]
            assert isinstance(group, _Days)
            return group
    return None


def _says_closed(claim: str, items: list[_Days | _Times], n: int) -> bool | None:
    """Whether unpaired days are said to be closed (True), open (False), or neither (None:
    "a Saturday morning", no statement of hours). Read between the neighbouring items, within
    the clause."""
    item = items[n]
    before = claim[items[n - 1].end if n else 0 : item.start]
    after = claim[item.end : items[n + 1].start if n + 1 < len(items) else len(claim)]
    before = _CLAUSE_END.split(before)[-1]
    after = _CLAUSE_END.split(after)[0]
    window = f"{before} day {after}"  # the day's own span may hold "but not weekends"
    if _CLOSED.search(window) or (has_negation(window) and _CUE.search(window)):
        return True  # "closed on Sundays", "no Monday hours are listed", "doesn't open on …"
    if _CUE.search(claim):
        return False
    return None


def _times_fact(times: _Times, group: _Days | None, record: Record, index: int) -> Fact | None:
    """A time checked on the days it goes with (on any day, when it has none). A single time
    ("closes at 9 p.m.") whose days do not all fit contradicts only when no day of the record
    fits it: which days it was said of is less certain."""
    start = min(times.start, group.start) if group is not None else times.start
    end = max(times.end, group.end) if group is not None else times.end
    fitting = [d for d in record.hours if _fits(times, d)]
    if group is None or not group.days:
        shown = fitting[0] if fitting else record.hours[0]
        return Fact(start, end, bool(fitting), "hours", shown.stated, index)
    listed = {d.name: d for d in record.hours}
    names = sorted(group.timed or group.days, key=DAYS.index)
    if group.loose:
        names = [n for n in names if n in listed] or names
    wrong = next((n for n in names if n not in listed or not _fits(times, listed[n])), None)
    if wrong is None:
        return Fact(start, end, True, "hours", listed[names[0]].stated, index)
    if times.single and fitting:
        return None
    shown = listed.get(wrong, record.hours[0])
    return Fact(start, end, False, "hours", shown.stated, index)


def _fits(times: _Times, day: Day) -> bool:
    return (times.opens is None or day.opens in times.opens) and (
        times.closes is None or day.closes in times.closes
    )


def _days_fact(
    spec: _Days, days: set[str], closed: bool | None, record: Record, index: int
) -> Fact | None:
    """Days said open (or closed) against the days the record lists hours for; a group name
    ("weekdays") said open holds when the record lists some day of it."""
    if closed is None or not days:
        return None
    listed = {d.name: d for d in record.hours}
    names = sorted(days, key=DAYS.index)
    if spec.loose and not closed and any(n in listed for n in names):
        names = [n for n in names if n in listed]
    wrong = [d for d in names if (d in listed) == closed]
    if wrong:
        evidence = listed[wrong[0]].stated if closed else record.hours[0].stated
        return Fact(spec.start, spec.end, False, "hours", evidence, index)
    shown = next((listed[d] for d in names if d in listed), record.hours[0])
    return Fact(spec.start, spec.end, True, "hours", shown.stated, index)


# --- rating ----------------------------------------------------------------------------------

MAX_STARS = 5.0
_NUMBER_WORDS = {"one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0}
_NUMBER = r"(?P<n>\d(?:\.\d+)?(?!\d)|one|two|three|four|five)(?P<half>[\s-]+and[\s-]+a[\s-]+half)?"
_RATING = re.compile(
    rf"(?:\b(?:rating|rated|average|averages|scores?)\s+(?:of\s+)?{_NUMBER}"
    rf"(?:[\s-]*stars?)?(?:\s*(?:out\s+of|/)\s*(?:5|five)(?:\s+stars?)?)?"
    rf"|\b{_NUMBER.replace('P<n>', 'P<n2>').replace('P<half>', 'P<half2>')}"
    r"(?:[\s-]*stars?|\s*(?:out\s+of|/)\s*(?:5|five)(?:\s+stars?)?))",
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
    r"(?:reviewers?|customers?|diners?|guests?))",
    re.I,
)
_UNIT = re.compile(r"star|out\s+of|/", re.I)


def _ratings(claim: str, record: Record, index: int) -> Iterator[Fact]:
    assert record.rating is not None
    about_reviews = _REVIEWS.search(claim) is not None
    for match in _RATING.finditer(claim):
        if _NOT_OURS_BEFORE.search(claim[: match.start()]) or _NOT_OURS_AFTER.match(
            claim[match.end() :]
        ):
            continue
        if _OTHER_STARS.search(claim[max(0, match.start() - 30) : match.start()]):
            continue
        if not _UNIT.search(match.group()) and re.match(r"\s*[A-Za-z]", claim[match.end() :]):
            continue  # "an average of 5 minutes": no stars
        if about_reviews and not _OURS.search(claim[match.start() : match.end() + 16]):
            continue  # "the lowest-rated review, at two stars": a review's stars
        raw = match.group("n") or match.group("n2")
        half = match.group("half") or match.group("half2")
        stars = _NUMBER_WORDS.get(raw.lower()) or float(raw)
        stars += 0.5 if half else 0.0
        if stars > MAX_STARS:
            continue  # "rated 8 out of 10": another scale
        agrees = abs(stars - record.rating.stars) < 0.01
        yield Fact(match.start(), match.end(), agrees, "rating", record.rating.stated, index)


# --- what the reviews add up to --------------------------------------------------------------

# The reviews as a whole, and how they are said to lean: predicated ("reviews are generally
# positive", "customers are divided") or attributive ("mixed reviews", "positive feedback").
_WHOLE = (
    r"(?:reviews|opinions|feedback|ratings|reactions|impressions|reviewers|customers|diners"
    r"|patrons|guests|clients|visitors)"
)
_LEAN = (
    r"(?:(?P<mixed>mixed|varied|divided|polari[sz]ed)|(?P<positive>positive|favou?rable|glowing)"
    r"|(?P<negative>negative|unfavou?rable))"
)
_DEGREE = (
    r"(?:(?:generally|mostly|largely|overwhelmingly|predominantly|mainly|overall|very|quite"
    r"|somewhat|fairly|highly|decidedly)\s+)?"
)
_SENTIMENT = re.compile(
    rf"\b{_WHOLE}\s+(?:\w+\s+){{0,2}}?(?:are|were|is|was|seem|seems|appear|appears|remain"
    rf"|remains|have\s+been|has\s+been)\s+{_DEGREE}{_LEAN}\b"
    rf"|\b{_DEGREE}{_LEAN.replace('?P<', '?P<a_')}\s+{_WHOLE}\b"
    rf"|\b(?P<all>(?:all|every|each)\s+(?:of\s+the\s+|single\s+)?{_OPINION})\b(?=[^.;]*?\b"
    r"(?:loved|enjoyed|praised|liked|happy|satisfied|pleased|positive|recommend\w*|raved)\b)",
    re.I,
)
_ABOUT_REVIEWS = re.compile(
    rf"^(?:overall,?\s+)?(?:the\s+|many\s+|most\s+|several\s+)?(?:customer\s+|online\s+)?"
    rf"(?:{_WHOLE}|feedback)\b",
    re.I,
)


def about_reviews(claim: str) -> bool:
    """Whether the claim is about the reviews as a whole: "Reviewers praise the broth",
    "Overall, customers found the staff friendly" (not "One reviewer …")."""
    return _ABOUT_REVIEWS.match(claim.strip()) is not None


# A count before them says how many, not what they add up to: "two reviews are positive".
_COUNTED = re.compile(
    r"\b(?:one|two|three|four|five|both|some|several|a\s+few|\d+)\s+(?:of\s+the\s+(?:\w+\s+)?)?$",
    re.I,
)
MIN_REVIEWS = 2


def _sentiment(claim: str, record: Record, index: int) -> Iterator[Fact]:
    """What the reviews add up to, against their stars: "reviews are mixed" holds when they
    are 2 or more stars apart and fails when all are 4-5 or all 1-2; "generally positive"
    holds at a mean of 3.5 or more and fails under 2.5 ("negative" the other way round);
    "all reviewers loved it" holds when every review has 4 or more and fails at a review of 2
    or fewer. Only the reviews as a whole count ("reviews are mixed", "positive feedback"):
    one review ("the negative review"), a count ("two reviews are positive"), a negation ("not
    all feedback was positive") and the words used of other things ("a varied menu", "a
    positive attitude") are left to the model."""
    stars = [r.stars for r in record.reviews]
    if len(stars) < MIN_REVIEWS:
        return
    low, high, mean = min(stars), max(stars), sum(stars) / len(stars)
    lowest = min(record.reviews, key=lambda r: r.stars).stated
    highest = max(record.reviews, key=lambda r: r.stars).stated
    for match in _SENTIMENT.finditer(claim):
        before = claim[: match.start()]
        if _COUNTED.search(before) or has_negation(re.split(r"[;,.:]", before)[-1]):
            continue  # "two reviews are positive"; "not all feedback was positive"
        agrees: bool | None = None
        if match["mixed"] or match["a_mixed"]:
            agrees = True if high - low >= 2 else False if low >= 4 or high <= 2 else None
            shown = lowest
        elif match["all"]:
            agrees = True if low >= 4 else False if low <= 2 else None
            shown = lowest
        elif match["positive"] or match["a_positive"]:
            agrees = True if mean >= 3.5 else False if mean <= 2.5 else None
            shown = lowest
        else:
            agrees = True if mean <= 2.5 else False if mean >= 3.5 else None
            shown = highest
        if agrees is not None:
            yield Fact(match.start(), match.end(), agrees, "reviews", shown, index)
