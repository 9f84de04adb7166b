"""Opening hours, star ratings and what the reviews add up to, checked against a record.

"It is open Tuesday through Saturday from 9 a.m. to 9 p.m. and holds a 4-star rating" states
two fields of a business record in words; both are compared as values, with no model:
`groundrail.grounding.hours` (days and times), `groundrail.grounding.rating` (the record's own
stars) and `groundrail.grounding.sentiment` (the reviews as a whole, against their stars).
`find` gathers their statements as `Fact`s, each checked against the record the claim is
about; `groundrail.grounding.attributes.check` weighs them with the yes/no fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from groundrail.grounding import hours, rating, sentiment
from groundrail.grounding.lexical import STOPWORDS, terms
from groundrail.grounding.records import Record


@dataclass(slots=True, frozen=True)
class Fact:
    """A statement of a record's hours, rating or reviews in a claim: its character span,
    whether the record agrees, the record's words that decide it (the evidence) and the
    record's index."""

    start: int
    end: int
    agrees: bool
    field: str  # "hours", "rating" or "reviews"
    stated: str
    record: int


def find(claim: str, records: Sequence[Record]) -> list[Fact]:
    """The hours, rating and review statements of `claim`, checked against the record it is
    about (`subject`; see the module doc); in claim order."""
    n = subject(claim, records)
    if n is None:
        return []
    record = records[n]
    found: list[Fact] = []
    if record.hours or record.all_day:
        found += [Fact(*s[:3], "hours", s[3], n) for s in hours.statements(claim, record)]
    elif not record.lists_hours and not hours.mentions_reviews(claim):
        absent = hours.none_listed(claim)  # it lists no hours, and the claim says so
        if absent is not None:
            found.append(Fact(*absent, True, "hours", "", n))
    if record.rating is not None:
        found += [Fact(*s[:3], "rating", s[3], n) for s in rating.statements(claim, record)]
    found += [Fact(*s[:3], "reviews", s[3], n) for s in sentiment.leanings(claim, record)]
    return sorted(found, key=lambda f: f.start)


def subject(claim: str, records: Sequence[Record]) -> int | None:
    """The record a claim is about: the only one, or the one whose own name it says most of
    (the share of the name's words: "Red Door Diner offers Wi-Fi" is Red Door Diner's, not
    Blue Door Cafe's); None when it names none of several, or more than one as fully ("Nonna
    Rosa opens earlier than Carver's")."""
    if len(records) == 1:
        return 0
    words = set(terms(claim)) - STOPWORDS
    shares = [len(words & r.title) / len(r.title) if r.title else 0.0 for r in records]
    best = max(shares)
    named = [n for n, share in enumerate(shares) if share == best]
    if best == 0 or len(named) > 1:
        return None
    # another record named by a word of its own: a comparison of the two
    own = records[named[0]].title
    others = (r.title - own for n, r in enumerate(records) if n != named[0])
    return None if any(words & other for other in others) else named[0]
