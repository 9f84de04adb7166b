"""A hedge made certain: "the airline will give away your seat" of a passage saying it "may".

Answers over passages and summaries turn what the source says may, can or usually happen into
what will, always or never happens, and the model entails them: the words are the source's.
The rule: a claim's certain modal ("will", "always", "never", "certainly", "definitely",
"won't", "is scheduled / set to") before a verb fails the claim when the context
sentence that matches it best says the same verb after a hedge ("may", "might", "could",
"can", "usually", "often", "typically", "generally", "sometimes", "likely", "possibly",
"probably", "mostly", "normally", "occasionally", "in most / many / some cases"; not "could
not", which states a fact) and not after a certain modal, and the content words of the
modal's clause are mostly that sentence's (`lexical.restated_in`): the same statement,
stated more strongly. Likewise a scope widened (`widened`): "pharmacies across the state"
of a sentence about "some pharmacies in Dane County".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from groundrail.grounding.lexical import BM25, PREFIX, restated_in
from groundrail.grounding.windows import Unit

_THEN = r"\s+(?:not\s+)?(?:be\s+)?([a-z]+)"  # the verb after the modal ("will not be held")
_CERTAIN = re.compile(
    r"\b(?:will|always|never|certainly|definitely|won[\'\u2019]t|(?:is|are)\s+(?:scheduled|set)\s+to)"
    + _THEN,
    re.I,
)
# a hedge's verb, not after "not" ("could not return" states what happened)
_HEDGED = re.compile(
    r"\b(?:may|might|could|can|usually|often|typically|generally|sometimes|likely|possibly"
    r"|probably|mostly|normally|occasionally|in\s+(?:most|many|some)\s+cases,?)\s+(?!not\b)"
    r"(?:be\s+)?([a-z]+)",
    re.I,
)
_CLAUSE = re.compile(r"[,;:]\s+|\s+(?:and|but|while|whereas|so)\s+")


def _clause(claim: str, word: re.Match[str]) -> tuple[int, int]:
    """The (start, end) of the clause a match is in: "…, and in hot weather it will lead to
    heatstroke"."""
    start = max((m.end() for m in _CLAUSE.finditer(claim, 0, word.start())), default=0)
    end = next((m.start() for m in _CLAUSE.finditer(claim, word.end())), len(claim))
    return start, end


def overstated(claim: str, units: Sequence[Unit], bm25: BM25) -> str | None:
    """The claim's certain modal and verb ("will give") when the context sentence that best
    matches its clause (`bm25` ranks `units`) hedges that verb (see the module doc); None
    otherwise."""
    if not units:
        return None
    passages = [u.text for u in units]
    for modal in _CERTAIN.finditer(claim):
        start, end = _clause(claim, modal)
        best = restated_in(claim[start:end], passages, bm25)
        if best is None:
            continue
        sentence = units[best].text
        verb = modal.group(1).lower()[:PREFIX]
        said = {m.group(1).lower()[:PREFIX] for m in _CERTAIN.finditer(sentence)}
        hedged = {m.group(1).lower()[:PREFIX] for m in _HEDGED.finditer(sentence)}
        if verb in hedged and verb not in said:
            return modal.group()
    return None


# a scope over all of a group or place: "pharmacies across the state", "every school"; not
# an idiom or a time ("at all", "all-time", "all but", "every year"), nor a scope with its
# count ("all nine justices", "all of the three")
_WHOLE_PLACES = (
    r"nationwide|statewide|citywide|countrywide|countywide|worldwide|globally"
    r"|around\s+the\s+(?:world|globe|country)"
    r"|(?:across|throughout)\s+(?:the\s+)?(?:state|country|city|district|region|nation|county"
    r"|world|industry|board|u\.?s\.?|united\s+states|america|europe|uk)"
)
_COUNT = (
    r"\d|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|both|but|in\s+all"
)
_UNIVERSAL = re.compile(
    rf"(?<!\bat\s)\b(?:all(?!-)|every(?!\s+(?:day|week|month|year|morning|night|evening|time"
    rf"|summer|winter|spring|autumn|season|weekend|hour|minute|other|so\s+often)\b)|everyone"
    rf"|everybody|everywhere|{_WHOLE_PLACES})\b"
    rf"(?!\s+(?:of\s+(?:the|its|their|his|her)\s+)?(?:{_COUNT})\b)",
    re.I,
)
# what limits a scope: some of a group, a part of a place (not a count: "the 12 branches"
# may be all of them; not "the most visited", "one of the largest")
_LIMITED = re.compile(
    r"(?<!\bthe\s)\b(?:some|several|certain|a\s+few|a\s+number\s+of|many|most|parts?\s+of"
    r"|a\s+handful\s+of)\b(?!\s+(?:years?|decades?|times?|days?|weeks?|months?)\b)",
    re.I,
)


def widened(claim: str, units: Sequence[Unit], bm25: BM25) -> str | None:
    """The claim's scope over a whole group or place ("across the state", "all") when the
    context sentence that best matches its clause limits it ("some pharmacies in Dane
    County") and says no such scope itself; None otherwise. `bm25` ranks `units`."""
    if not units:
        return None
    passages = [u.text for u in units]
    for scope in _UNIVERSAL.finditer(claim):
        start, end = _clause(claim, scope)
        # the clause without its scope: what the source sentence restates
        best = restated_in(claim[start : scope.start()] + claim[scope.end() : end], passages, bm25)
        if best is None:
            continue
        sentence = units[best].text
        said = {m.group().lower() for m in _UNIVERSAL.finditer(sentence)}
        if not said and _LIMITED.search(sentence):
            return scope.group()
    return None
