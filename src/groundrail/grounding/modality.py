"""A hedge made certain: "the airline will give away your seat" of a passage saying it "may".

Answers over passages and summaries turn what the source says may, can or usually happen into
what will, always or never happens, and the model entails them: the words are the source's.
The rule: a claim's certain modal ("will", "always", "never", "certainly", "definitely",
"won't") before a verb fails the claim when the context sentence that matches it best says
the same verb after a hedge ("may", "might", "could", "can", "usually", "often", "typically",
"generally", "sometimes", "likely", "possibly", "probably"; not "could not", which states a
fact) and not after a certain modal, and the content words of the modal's clause are mostly
that sentence's (`lexical.restated_in`): the same statement, stated more strongly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from groundrail.grounding.lexical import BM25, PREFIX, restated_in
from groundrail.grounding.windows import Unit

_THEN = r"\s+(?:not\s+)?(?:be\s+)?([a-z]+)"  # the verb after the modal ("will not be held")
_CERTAIN = re.compile(r"\b(?:will|always|never|certainly|definitely|won't)" + _THEN, re.I)
# a hedge's verb, not after "not" ("could not return" states what happened)
_HEDGED = re.compile(
    r"\b(?:may|might|could|can|usually|often|typically|generally|sometimes|likely|possibly"
    r"|probably)\s+(?!not\b)(?:be\s+)?([a-z]+)",
    re.I,
)
_CLAUSE = re.compile(r"[,;:]\s+|\s+(?:and|but|while|whereas|so)\s+")


def overstated(claim: str, units: Sequence[Unit], bm25: BM25) -> str | None:
    """The claim's certain modal and verb ("will give") when the context sentence that best
    matches its clause (`bm25` ranks `units`) hedges that verb (see the module doc); None
    otherwise."""
    if not units:
        return None
    passages = [u.text for u in units]
    for modal in _CERTAIN.finditer(claim):
        # the clause the modal is in: "…, and in hot weather it will lead to heatstroke"
        start = max((m.end() for m in _CLAUSE.finditer(claim, 0, modal.start())), default=0)
        end = next((m.start() for m in _CLAUSE.finditer(claim, modal.end())), len(claim))
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
