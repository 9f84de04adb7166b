"""An invented cause: "because of the power outages, schools were shut" of an article that
gives the outages and the closures in sentences of their own, or says the opposite link
("despite the slow rotation").

Summaries and answers over passages join two facts of the source by a causal link the source
never states, and the model entails such claims: both halves are the source's. The rule: a
claim that links a cause and an effect ("because", "because of", "due to", "as a result of",
"owing to", "thanks to", "which is why"; not "leading to" or "resulting in", which
summaries of dialogues use for what came next: SummEdits' dev split; not "is due to", nor
"due to open", a date) fails
when the context sentences that match each half best hold no word of causation ("because",
"so", "led", "after", "since", "reason" … `_CAUSAL`) and either are two sentences apart
(not neighbours: a link across adjacent sentences is often left unsaid) or are one sentence
that joins the two by contrast ("despite", "although", "even though"). Halves of fewer than
two content words, or that share no content word with their sentence, are left to the model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from groundrail.grounding.lexical import BM25, content_words
from groundrail.grounding.windows import Unit

# "due to be arraigned", "due to open": a date, not a cause
_SCHEDULED = (
    r"(?!\s+(?:be|begin|start|open|close|arrive|return|resume|end|finish|take|appear|launch"
    r"|meet|expire|retire|leave|hold|vote|complete|report|receive|announce|go|run|land)\b)"
)
_BE = re.compile(r"\b(?:is|are|was|were|be|been|being)$", re.I)  # "are due to reopen"
# "X because Y", "X, which is why Y": the claim's link between two halves
_LINK = re.compile(
    rf",?\s+(?:because(?:\s+of)?|due\s+to{_SCHEDULED}|as\s+a\s+(?:direct\s+)?result\s+of|owing\s+to|"
    r"thanks\s+to|which\s+is\s+why)\s+",
    re.I,
)
# "Because of Y, X": a link that opens the claim
_LINK_FIRST = re.compile(
    rf"^(?:because(?:\s+of)?|due\s+to{_SCHEDULED}|as\s+a\s+result\s+of|owing\s+to|thanks\s+to)\s+"
    r"(?P<cause>[^,]+),\s+(?P<effect>.+)$",
    re.I,
)
# a word of the context that states or implies a cause
_CAUSAL = re.compile(
    r"\b(?:because|due|result\w*|owing|thanks|led|leads?|leading|caus\w*|so|therefore|thus"
    r"|hence|since|after|following|amid|blam\w*|attribut\w*|reasons?|why|meant|means"
    r"|drove|driven|drives|trigger\w*|spark\w*|fuel\w*|spurr?\w*|prompt\w*|forc\w*"
    r"|consequen\w*|enabl\w*|allow\w*|lets?|helped|thereby|which\s+is\s+how|in\s+turn)\b",
    re.I,
)
_CONTRAST = re.compile(r"\b(?:despite|although|though|even\s+though|in\s+spite\s+of)\b", re.I)


def unlinked(claim: str, units: Sequence[Unit], bm25: BM25) -> str | None:
    """The claim's causal link ("because of") when the context never states it (see the
    module doc); None otherwise. `bm25` ranks `units`."""
    halves = _halves(claim)
    if halves is None or not units:
        return None
    link, *parts = halves
    best = []
    for half in parts:
        words = set(content_words(half))
        if len(words) < 2:
            return None
        scores = bm25.scores(half)
        top = max(range(len(units)), key=scores.__getitem__)
        if not words & set(content_words(units[top].text)):
            return None
        best.append(top)
    first, last = sorted(best)
    if _CAUSAL.search(units[first].text) or _CAUSAL.search(units[last].text):
        return None
    if first == last:
        return link if _CONTRAST.search(units[first].text) else None
    if last - first == 1 and units[first].doc_id == units[last].doc_id:
        return None
    return link


def _halves(claim: str) -> tuple[str, str, str] | None:
    """(the link, one half, the other) of a claim that states a causal link; None when it
    states none. Which half is the cause does not matter to the rule."""
    if m := _LINK_FIRST.match(claim.strip()):
        link = claim.strip()[: m.start("cause")].strip()
        return link, m.group("cause"), m.group("effect")
    if (m := _LINK.search(claim)) and not (
        m.group().strip(" ,").lower().startswith("due") and _BE.search(claim, 0, m.start())
    ):
        return m.group().strip(" ,"), claim[: m.start()], claim[m.end() :]
    return None
