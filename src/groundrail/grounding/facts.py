"""Opening hours, star ratings and what the reviews add up to, checked against a record.

"It is open Tuesday through Saturday from 9 a.m. to 9 p.m. and holds a 4-star rating" states
two fields of a business record in words; both are compared as values, with no model:
`groundrail.grounding.hours` (days and times), `groundrail.grounding.rating` (the record's own
stars) and `groundrail.grounding.sentiment` (the reviews as a whole, against their stars).
`find` gathers their statements as `Fact`s, each checked against the record the claim is
about; `groundrail.grounding.attributes.check` weighs them with the yes/no fields.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from groundrail.grounding import hours, rating, sentiment
from groundrail.grounding.lexical import terms
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
    """The hours, rating and review statements of `claim`, each checked against the record it
    is about (`_subject`; see the module doc); in claim order."""
    found: list[Fact] = []
    with_hours = _subject(claim, records, lambda r: bool(r.hours))
    if with_hours is not None:
        found += [
            Fact(*s[:3], "hours", s[3], with_hours)
            for s in hours.statements(claim, records[with_hours])
        ]
    elif records and not any(r.lists_hours for r in records) and not hours.mentions_reviews(claim):
        absent = hours.none_listed(claim)  # no record lists hours, and the claim says so
        if absent is not None:
            found.append(Fact(*absent, True, "hours", "", 0))
    rated = _subject(claim, records, lambda r: r.rating is not None)
    if rated is not None:
        found += [
            Fact(*s[:3], "rating", s[3], rated) for s in rating.statements(claim, records[rated])
        ]
    reviewed = _subject(claim, records, lambda r: bool(r.reviews))
    if reviewed is not None:
        found += [
            Fact(*s[:3], "reviews", s[3], reviewed)
            for s in sentiment.leanings(claim, records[reviewed])
        ]
    return sorted(found, key=lambda f: f.start)


def _subject(claim: str, records: Sequence[Record], has: Callable[[Record], bool]) -> int | None:
    """The record the claim is about among those with the field: the only one, or the one
    whose names the claim uses most; None when that is a tie."""
    candidates = [n for n, r in enumerate(records) if has(r)]
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    words = set(terms(claim))
    shared = {n: len(words & records[n].names) for n in candidates}
    best = max(shared.values())
    top = [n for n in candidates if shared[n] == best]
    return top[0] if best and len(top) == 1 else None
