"""Opening hours a claim states, checked against a record's hours as values.

"It is open Tuesday through Saturday from 9 a.m. to 9 p.m." states a business record's hours in
words. The model reads such a sentence against the record's hours line poorly (a "9 p.m."
beside "21:00", a day range beside seven day names), and a wrong day or closing time is the
kind of error a person checks first. A claim's days ("Monday", "Tuesday through Friday",
"weekdays", "daily", "every night", lists, "every day except / but / other than Monday") and
times ("from 9 a.m. to 9 p.m.", "7:00-15:00", "opens at 6 a.m.", "doesn't open until noon",
"until midnight") are paired in the claim's order; a time said of many days beside times for
some of them ("daily 11 a.m. to 10 p.m. (11 p.m. on Fridays)") applies to the others. Days
with no time say the business is open on them, or, beside "closed", a negated "open", a day
off or a word of absence, that it is not ("closed on Mondays", "doesn't open on Sundays",
"takes Mondays off", "no Monday hours are listed"). A time without a.m./p.m. matches either; a
record day of "0:0-0:0" or of two ranges is never compared. Left to the model: a claim with no
word of opening hours, about reviews, or about the hours of a meal, a service or something
else the business has ("open for lunch from 11:30", "happy hour runs from 3", "the pool is
open 7 to 9"). docs/grounding.md, "Structured data", lists every rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from groundrail.grounding.lexical import LOOKBEHIND
from groundrail.grounding.linear import DAYS
from groundrail.grounding.records import Day, Record
from groundrail.grounding.sentiment import OPINION

# A statement: its character span in the claim, whether the record agrees, and the record's
# words that decide it (the evidence).
Said = tuple[int, int, bool, str]

_DAY = (
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)days?"
    r"|(?-i:Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)\b\.?(?!\s+[A-Z][a-z]))"  # not "Sun Taco"
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
    r"(?:^|\W)\s*(?:except(?:\s+(?:for|on))?|but\s+not(?:\s+on)?|other\s+than|apart\s+from"
    r"|aside\s+from|save(?:\s+for)?|besides|excluding|with\s+the\s+exception\s+of)\s+$",
    re.I,
)
_BUT = re.compile(r"\s*,?\s*but\s+$", re.I)  # "every day but Tuesday", after all days only
_TIME = (
    r"(?:(?P<h{n}>\d{{1,2}})(?:[:.](?P<m{n}>\d{{2}}))?\s*(?P<s{n}>[ap]\.?\s?m\b\.?)?"
    r"|(?P<w{n}>noon|midnight))"
)
_SPOKEN_RANGE = re.compile(
    rf"(?<![\d$.,])(?:(?P<from>from|between)\s+)?{_TIME.format(n=1)}\s*"
    rf"(?P<sep>to|until|till|through|thru|and|[-\u2013\u2014])\s*{_TIME.format(n=2)}"
    r"(?!\s*(?:minutes?|mins?|hours?|hrs?|people|persons?|guests?|dollars|percent|%|stars?"
    r"|years?|days?|weeks?|months?|times?|visits?|items?|[\d$]))",
    re.I,
)
# A single time: its side from its cue ("opens at 6 a.m.", "until midnight"); a bare "from" /
# "at" time ("and at noon on weekends") or one listed after it ("opens at 7 a.m. Monday
# through Saturday and 8 a.m. on Sunday") takes the side of the single time before it.
_SINGLE = re.compile(
    r"(?:\b(?:(?P<opens>(?:(?:does|do|will|is)\s*n['\u2019]?t|won['\u2019]t|not)\s+open\s+"
    r"(?:until|till|before)\s+|(?:opens?|opening)\s+(?:at\s+|from\s+)?)"
    r"|(?P<closes>closes?|closing)\s+(?:at\s+)?"
    r"|(?P<until>until|till)\s+|(?P<bare>from|at)\s+)|(?P<listed>,\s*(?:and\s+)?|\band\s+))"
    + _TIME.format(n=1)
    + r"(?!\.?\s+(?:is|was|are|were|marks?)\b)",  # "and 9 p.m. is closing time": a statement
    re.I,
)
# A line of a timetable, whose heading ("Hours:") is cut off as framing: "Monday - Friday:
# 7:00 AM - 3:00 PM", "* Saturday: 8 a.m. - 2 p.m.", "Sunday: Closed"
_TIMETABLE = re.compile(
    rf"^\W*(?:{_DAY}(?:\s*(?:through|thru|to|until|till|and|&|,|[-\u2013\u2014])\s*{_DAY})*"
    r"|daily|every\s+day|week\s?days|week\s?ends)\s*:\s*(?:\d|noon|midnight|closed)",
    re.I,
)
_CUE = re.compile(
    r"\b(?:open|opens|opening|closed|closes|closing|hours|operates?|operating)\b", re.I
)
# with times, a word of opening hours too: a salon "by appointment only, Tuesday through
# Friday from 10 AM to 7 PM" takes appointments in its hours (not "appointments can be
# booked online on Mondays")
_APPOINTMENTS = re.compile(r"\bappointments?\b", re.I)
# what a record leaves out, said of it: "not listed", "does not list", "doesn't give"
_UNLISTED = (
    r"(?:\bnot|n['\u2019]t)\s+(?:list|provid|availab|giv|specif|includ|mention|show|stat)\w*"
)
_CLOSED = re.compile(
    r"\b(?:closed|shut|not\s+open|no\s+(?:\w+\s+)?hours|unlisted|unavailable|dark)\b"
    rf"|{_UNLISTED}"
    # a day (the placeholder "day" in `_says_closed`'s window) off, or closing on it all day
    r"|\b(?:days?|nights?)\s+off\b|\b(?:takes?|taking|with|has|have)\s+(?:\w+\s+){0,3}off\b"
    r"|\bclos(?:es|ing)\s+(?:only\s+)?on\s+day\b(?!\s+(?:at|from|until|by|early)\b)",
    re.I,
)
_NO_DAY_OFF = re.compile(r"\bno\s+(?:\w+\s+)?(?:days?|nights?)\s+off\b", re.I)
_NOT_OPEN = re.compile(r"(?:\bnot|n['\u2019]t|\bnever)\s+(?:\w+\s+)?(?:open|operat\w*)\b", re.I)
_NO_HOURS = re.compile(
    r"\b(?:(?:opening|business|operating)\s+)?hours\b[^.;]*?\bnot\s+(?:listed|provided|available"
    r"|given|specified|included|mentioned|shown)\b|\bno\s+(?:(?:opening|business|operating)\s+)?"
    rf"hours\b(?![^.;]*\bfor\b)|{_UNLISTED}\s+(?:\w+\s+){{0,2}}(?:opening\s+|business\s+)?hours\b",
    re.I,
)
# Hours of a meal or a service are not the opening hours ("open for lunch from 11:30 to 2").
_SERVICE = re.compile(
    r"\b(?:for|serv(?:es|ing|ed)|during)\s+(?:breakfast|brunch|lunch|dinner)\b|\bhappy\s+hours?\b"
    r"|\b(?:breakfast|brunch|lunch|dinner|delivery|kitchen|bar|takeout|pickup)\s+(?:hours|service"
    r"|runs|closes|opens|starts|ends|is\s+served)\b"
    # the hours of something else the business has or holds: a pool, check-in, a special
    r"|\b(?:pool|spa|check-?in|check-?out|checkout|specials?|deals?|cover|live|music|band|dj"
    r"|class(?:es)?|sessions?|story|crafts?|discount(?:ed)?|half-price|sale|trivia|karaoke"
    r"|events?|shows?|shuttle|buffet|drinks|break)\b",
    re.I,
)
# A place of its own, brought in by "a"/"an": "but a ground-floor cafe opens at 6:30" (a
# hotel's review, read-43); not "a cafe that opens at 7", which the business is, nor "a
# 4-star rating and is open …".
_ANOTHER_PLACE = re.compile(
    r"\ban?\s+(?:(?!(?:that|which|who|where|and|or|but|with|it|its|is|has)\b)[\w-]+\s+){1,3}"
    r"(?:opens|closes|is\s+open|stays\s+open)\b",
    re.I,
)
_REVIEWS = re.compile(
    rf"\b(?:{OPINION}|reviewed|said|says|noted|mentioned|complained|reported|praised"
    r"|recommended"
    # a reviewer's wish is no statement of the hours: "another wished the office had
    # Saturday hours" (read-23)
    r"|wish|wished|wishes|wishing|hoped|would\s+(?:like|love|prefer)"
    # the next reviewer of a list, by what they did: "and another arrived at 3 PM on a Sunday
    # to find the truck closed" (read-26)
    r"|another\s+(?:\w+ed|came|went|found|had|was|got|saw|took|ate|paid|left)"
    r"(?=\s+(?:at|on|in|to|by|around|after|before|during|there|it|the|a|an|that|their"
    r"|her|his)\b))\b",
    re.I,
)
# Where the words about one group of days end: "open Tuesday to Saturday and closed Sunday",
# "open Tuesday to Sunday (closed Mondays)".
_CLAUSE_END = re.compile(r"[;,.:()]|\b(?:and|but|while|though|whereas)\b", re.I)


def none_listed(claim: str) -> tuple[int, int] | None:
    """Where the claim says no opening hours are listed ("The hours are not provided")."""
    absent = _NO_HOURS.search(claim)
    return absent.span() if absent is not None else None


def mentions_reviews(claim: str) -> bool:
    """Whether the claim speaks of reviews or reviewers ("one reviewer visited on a Saturday
    morning"): its days and stars are a visit's and a review's, not the business's."""
    return _REVIEWS.search(claim) is not None


_JOIN = re.compile(r"^[\s,&/]*(?:and|or|plus|&)?[\s,]*$", re.I)
_ON = re.compile(r"^\s*(?:on|every)\s+(?:the\s+)?$", re.I)  # "from noon on weekends"
# What may stand between a time and its days. A colon pairs them only when no days follow
# the time: "Tue-Thu: 11 a.m. to 9 p.m.", but "every day: noon to 9 p.m. Monday to Thursday".
_PAIR_GAP = re.compile(
    r"^[\s,]*(?:(?:from|on|at|between|open|opens|is|are|hours|it|it['\u2019]s|they|we)\s*,?\s*)"
    r"{0,3}$",
    re.I,
)
_COLON_GAP = re.compile(r"^\s*:\s*$")


@dataclass(slots=True)
class _Days:
    start: int
    end: int
    days: set[str]
    closed: set[str]  # days the claim says are closed ("except Monday")
    # the days of a group name ("weekdays", "weekends"): said of those of them the record lists
    loose: set[str]
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


# Hours around the clock: "open 24 hours", "24 hours a day", "24/7", "around the clock" (not
# "cancel 24 hours ahead")
_ALL_DAY = re.compile(
    r"\b(?:open|opens|operates?|operating)\s+(?:\w+\s+){0,2}?(?:24\s*(?:hours|hrs)\b"
    r"|all\s+day\s+and\s+(?:all\s+)?night)|\b24[\s-]hours?\s+a\s+day\b"
    r"|\b24/7\b|\b(?:a)?round[\s-]the[\s-]clock\b",
    re.I,
)


def statements(claim: str, record: Record) -> list[Said]:
    """The opening-hours statements of `claim` checked against `record` (see the module
    doc); [] for a claim about reviews, a meal's or service's hours or another place's."""
    if mentions_reviews(claim) or _SERVICE.search(claim) or _ANOTHER_PLACE.search(claim):
        return []
    days = _day_specs(claim)
    times = _time_specs(claim)
    clock = _ALL_DAY.search(claim)
    around = _around_the_clock(clock, days, record) if clock and not times else None
    week = _week_count(claim, record)
    if around is not None and not days:
        return [around, *week]
    if not times and not days:
        absent = _NO_HOURS.search(claim)  # "hours are not listed", though the record has them
        if absent:
            return [(absent.start(), absent.end(), False, _first(record).stated), *week]
        return week
    if not (
        _CUE.search(claim)
        or _CLOSED.search(claim)
        or _TIMETABLE.match(claim)
        or (times and _APPOINTMENTS.search(claim))
    ):
        return []  # days and times with no word of opening hours ("Tuesday, 11 to 9")
    _narrow(days)
    items: list[_Days | _Times] = sorted([*days, *times], key=lambda i: i.start)
    paired: set[int] = set()
    facts: list[Said | None] = []
    after = _times_first(claim, items)
    for n, item in enumerate(items):
        if isinstance(item, _Times):
            group = _paired_days(claim, items, n, paired, after)
            facts.append(_times_fact(item, group, record))
    said = {n: _says_closed(claim, items, n) for n, i in enumerate(items) if n not in paired}
    # days the claim closes are not among those it says are open every day ("open all week
    # but closed on Sundays", "except for Mondays, it is open every day")
    closed = set().union(
        *(i.days for n, i in enumerate(items) if said.get(n) and isinstance(i, _Days)),
        *(i.closed for i in items if isinstance(i, _Days)),
    )
    for n, item in enumerate(items):
        if not isinstance(item, _Days):
            continue
        if n not in paired:
            open_days = (
                item.days - closed if len(item.days) == len(DAYS) and not said[n] else item.days
            )
            facts.append(_days_fact(item, open_days, said[n], record))
        if item.closed and not _timed_after(claim, items, n):
            facts.append(_days_fact(item, item.closed, True, record))
    return [f for f in (around, *facts, *week) if f is not None]


# "open six days a week", "three nights a week": how many days it lists hours for (seven is
# every day, `_DAY_SPEC`)
_DAYS_A_WEEK = re.compile(
    r"\b(?P<n>one|two|three|four|five|six|[1-6])\s+(?:days|nights)\s+(?:a|per|each|of\s+the)\s+week\b",
    re.I,
)
_COUNTS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def _week_count(claim: str, record: Record) -> list[Said]:
    """The claim's count of days a week it is open (`_DAYS_A_WEEK`), against the days the
    record lists hours for (a day listed "0:0-0:0" among them)."""
    said = _DAYS_A_WEEK.search(claim)
    if said is None or not _CUE.search(claim):
        return []
    n = said.group("n").lower()
    listed = [*record.hours, *record.all_day]
    agrees = len({d.name for d in listed}) == (int(n) if n.isdigit() else _COUNTS[n])
    return [(said.start(), said.end(), agrees, _first(record).stated)]


def _first(record: Record) -> Day:
    """The record's first listed day, the evidence of a claim of days it does not list."""
    return (record.hours or record.all_day)[0]


def _around_the_clock(clock: re.Match[str], days: list[_Days], record: Record) -> Said | None:
    """Round-the-clock hours (`_ALL_DAY`) on the days said (every day, when none is): they
    hold on days listed "0:0-0:0" and fail on a day with hours of its own."""
    said = set().union(*(d.days for d in days)) or set(DAYS)
    timed = [d for d in record.hours if d.name in said]
    all_day = [d for d in record.all_day if d.name in said]
    if not timed and not all_day:
        return None
    return (clock.start(), clock.end(), not timed, (timed or all_day)[0].stated)


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
        loose = set(names) if match.group("weekdays") or match.group("weekends") else set()
        previous = specs[-1] if specs else None
        gap = claim[previous.end : match.start()] if previous is not None else ""
        before = claim[max(0, match.start() - LOOKBEHIND) : match.start()]
        excepted = _EXCEPT.search(before) or (
            _BUT.search(before) and previous is not None and previous.days == set(DAYS)
        )
        if previous is None and excepted:  # "Except for Mondays, it is open every day"
            specs.append(_Days(match.start(), match.end(), set(), names, set()))
        elif previous is not None and (
            excepted or (previous.closed and _JOIN.match(gap))
        ):  # "every day except Monday (and Tuesday)"
            previous.closed |= names
            previous.days -= names
            previous.end = max(previous.end, match.end())
        elif previous is not None and _JOIN.match(gap) and not previous.closed:
            previous.days |= names
            previous.loose |= loose
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
    minutes or a word (noon), or, for a range after "from" / "between", a word of opening
    hours in the claim ("open from 9 to 5", not "priced from 12 to 18")."""
    found: list[_Times] = []
    for match in _SPOKEN_RANGE.finditer(claim):
        opens, closes = _minutes(match, 1), _minutes(match, 2)
        plain = not any(match.group(g) for g in ("s1", "s2", "m1", "m2", "w1", "w2"))
        loose = match["sep"].lower() == "and" and (match["from"] or "").lower() != "between"
        if plain and not (match["from"] and _CUE.search(claim)):
            continue  # "from 12 to 18" is a price unless the claim is about hours
        if opens is not None and opens == closes and 0 in opens:
            continue  # "listed as 0:00-0:00": the record's own "0:0-0:0", never compared
        if opens is not None and closes is not None and not loose:
            found.append(_Times(match.start(), match.end(), opens, closes))
    side = ""
    for match in _SINGLE.finditer(claim):
        if match["opens"] or match["closes"] or match["until"]:
            side = "opens" if match["opens"] else "closes"
        elif not side and (match["bare"] or "").lower() == "from":
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


def _pairs(claim: str, items: list[_Days | _Times], n: int, k: int, colon: bool = False) -> bool:
    """Whether the time `items[n]` and the days `items[k]` are said together; `colon`: a
    colon between them counts ("Tue-Thu: 11 a.m. to 9 p.m.")."""
    if not 0 <= k < len(items) or not isinstance(items[k], _Days):
        return False
    gap = claim[items[k].end : items[n].start] if k < n else claim[items[n].end : items[k].start]
    return _PAIR_GAP.match(gap) is not None or (colon and k < n and bool(_COLON_GAP.match(gap)))


def _paired_days(
    claim: str, items: list[_Days | _Times], n: int, paired: set[int], after: bool
) -> _Days | None:
    """The days a time goes with: in the claim's order (`_times_first`; "… on weekends" after
    a time always), those on the one side, else those on the other."""
    strong = _ON.match(claim[items[n].end : items[n + 1].start]) if n + 1 < len(items) else None
    order = (n + 1, n - 1) if after or strong else (n - 1, n + 1)
    # a colon before the time pairs it only when no days follow it
    for colon in (False, not (n + 1 not in paired and _pairs(claim, items, n, n + 1))):
        for k in order:
            if k not in paired and _pairs(claim, items, n, k, colon):
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
    before = _clause_before(before)
    # past a comma only when no other days follow ("On Mondays, it is closed", not "open
    # Tuesday to Saturday, closed Sunday")
    after = _clause_after(after, comma=n + 1 == len(items))
    window = f"{before} day {after}"  # the day's own span may hold "but not weekends"
    if _NO_DAY_OFF.search(window):
        return False  # "open every day, with no day off"
    if _CLOSED.search(window) or _NOT_OPEN.search(window):
        return True  # "closed on Sundays", "no Monday hours are listed", "doesn't open on …"
    if _CUE.search(claim):
        return False
    return None


def _clause_after(text: str, comma: bool) -> str:
    """The words after a group of days up to the end of its clause; past a bare ":" (or, with
    `comma`, ",") the next clause ("Monday: closed", "On Mondays, it is closed")."""
    parts = _CLAUSE_END.split(text, maxsplit=2)
    ends = _CLAUSE_END.findall(text)
    if (
        len(parts) > 1
        and not parts[0].strip()
        and ends
        and (ends[0] == ":" or (comma and ends[0] == ","))
    ):
        return parts[1]
    return parts[0]


def _clause_before(text: str) -> str:
    """The words before a group of days back to the start of its clause; before a bare ":" or
    "(" the clause ahead of it ("Closed: Monday", "closed on the seventh (Sunday)")."""
    parts = _CLAUSE_END.split(text)
    ends = _CLAUSE_END.findall(text)
    if len(parts) > 1 and not parts[-1].strip() and ends and ends[-1] in (":", "("):
        return parts[-2]  # "Closed: Monday", "closed on the seventh (Sunday)"
    return parts[-1]


def _times_fact(times: _Times, group: _Days | None, record: Record) -> Said | None:
    """A time checked on the days it goes with (on any day, when it has none). A single time
    ("closes at 9 p.m.") whose days do not all fit contradicts only when no day of the record
    fits it: which days it was said of is less certain."""
    start = min(times.start, group.start) if group is not None else times.start
    end = max(times.end, group.end) if group is not None else times.end
    fitting = [d for d in record.hours if _fits(times, d)]
    if group is None or not group.days:
        shown = fitting[0] if fitting else _first(record)
        return (start, end, bool(fitting), shown.stated)
    listed = {d.name: d for d in record.hours}
    names = [
        n for n in sorted(group.timed or group.days, key=DAYS.index) if n not in record.unknown_days
    ]
    if not names:
        return None  # said only of days whose hours say nothing ("0:0-0:0")
    names = _listed_of_groups(names, group.loose, listed)
    wrong = next((n for n in names if n not in listed or not _fits(times, listed[n])), None)
    if wrong is None:
        return (start, end, True, listed[names[0]].stated)
    if times.single and fitting:
        return None
    shown = listed.get(wrong, _first(record))
    return (start, end, False, shown.stated)


def _listed_of_groups(names: list[str], loose: set[str], listed: dict[str, Day]) -> list[str]:
    """`names` less the days of a group name ("weekends") the record lists no hours for,
    when it lists some day of the group: "busy on weekends, and Thursdays are easiest to
    book" of a record open on Saturday, not Sunday, says nothing wrong."""
    if not any(n in listed for n in names if n in loose):
        return names
    return [n for n in names if n not in loose or n in listed]


def _fits(times: _Times, day: Day) -> bool:
    closes = {day.closes, 0} if day.closes == LAST_MINUTE else {day.closes}  # 23:59: midnight
    return (times.opens is None or day.opens in times.opens) and (
        times.closes is None or bool(closes & times.closes)
    )


LAST_MINUTE = 23 * 60 + 59


def _days_fact(spec: _Days, days: set[str], closed: bool | None, record: Record) -> Said | None:
    """Days said open (or closed) against the days the record lists hours for; a group name
    ("weekdays") said open holds when the record lists some day of it."""
    listed = {d.name: d for d in record.hours}
    names = [n for n in sorted(days, key=DAYS.index) if n not in record.unknown_days]
    if closed is None or not names:
        return None  # no statement, or only days whose hours say nothing ("0:0-0:0")
    if not closed:
        names = _listed_of_groups(names, spec.loose, listed)
    wrong = [d for d in names if (d in listed) == closed]
    if wrong:
        evidence = listed[wrong[0]].stated if closed else _first(record).stated
        return (spec.start, spec.end, False, evidence)
    shown = next((listed[d] for d in names if d in listed), _first(record))
    return (spec.start, spec.end, True, shown.stated)
