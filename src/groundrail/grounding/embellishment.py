"""Praise, rank and provenance the context never gives: "a family-owned brewery", "the best
gym in Edmonton", "a premier destination".

Overviews and summaries add words of standing to what the source says; the model entails
them, because the rest of the claim's words are the source's. The rule: a claim using one of
the words below fails when neither the context nor the question uses it (a one-word term by
its `lexical.PREFIX`-character stem, a longer one as a phrase; a hyphen reads as a space),
unless an impression or a hedge comes before it ("seems", "might") or it is capitalised
inside the claim (a name's word: "Premier League"). On the dev splits of the twelve text
sets (500 answers each at most) it fires on 47 hallucinated answers and 6 correct ones (4
of them HaluEval's reference summaries: "Beloved children's performer … has died").
"""

from __future__ import annotations

import re

from groundrail.grounding.lexical import PREFIX

# words of rank, renown and ownership: each states a fact about standing
_TERMS = (
    "the best", "its best", "their best", "finest", "greatest", "premier", "top rated",
    "top notch", "highest rated", "world class", "first class", "state of the art", "renowned",
    "famous", "famed", "well known", "acclaimed", "award winning", "iconic", "legendary",
    "beloved", "popular", "must-visit", "must-try", "hidden gem", "go-to", "family owned",
    "family run", "locally owned", "independently owned", "authentic", "unparalleled",
    "unrivaled", "unrivalled", "unmatched",
)  # fmt: skip
# "must-try" and "go-to" only hyphenated ("you must try again", "go to the doctor"); "best"
# only as a rank ("the best gym", not "it is best to")
_FOUND = re.compile(r"\b(?:" + "|".join(t.replace(" ", "[- ]") for t in _TERMS) + r")\b", re.I)

# an impression or a hedge before the term: "seems to be a popular spot", "might not be the
# best approach"
_SEEMS = re.compile(
    r"\b(?:seems?|seemed|appears?|appeared|feels?|felt|might|may|could|perhaps)\b", re.I
)


def embellished(claim: str, source: str) -> str | None:
    """The first term of standing (see the module doc) in `claim` that `source` (the
    context's and the question's text) never uses; None when there is none."""
    plain = _plain(source)
    for found in _FOUND.finditer(claim):
        if _SEEMS.search(claim, 0, found.start()):
            continue
        if found.start() and found.group()[0].isupper():
            continue  # a name's word: "the Saudi Premier League", "at Best Buy"
        term = re.sub(r"^(?:the|its|their) ", "", _plain(found.group()))  # "the best": "best"
        used = (
            re.search(r"\b" + re.escape(term), plain)
            if " " in term
            else re.search(r"\b" + re.escape(term[:PREFIX]), plain)
        )
        if used is None:
            return found.group()
    return None


def _plain(text: str) -> str:
    return re.sub(r"[-\u2010\u2011\s]+", " ", text.lower())
