"""An invented cause: "because of the power outages, schools were shut" of an article that
gives the outages and the closures in sentences of their own, or says the opposite link
("despite the slow rotation").

Summaries and answers over passages join two facts of the source by a causal link the source
never states, and the model entails such claims: both halves are the source's. The rule: a
claim that links two halves ("because (of)", "due to", "as a (direct) result / consequence
of", "owing to", "thanks to", "driven / fuelled / prompted / spurred / caused / triggered
by", "which is why"; not "leading to" or "resulting in", which summaries of dialogues use
for what came next: SummEdits' dev split; nor "amid" or "in the wake of", as often a time
as a cause in news; nor "in response to", a definition's: "in response to various
stimuli") fails when no context sentence
speaks of both halves and of a cause, the sentences that match each half best hold no word
of causation ("because", "so", "led", "after", "since", "reason" … `_CAUSAL`), and they are
not neighbours (a link across adjacent sentences is often left unsaid) — or are one sentence
whose contrast clause ("despite", "although" …) holds one half and the rest the other.
The half after a link ends with its clause ("driven by its new line, while camping sales
fell …": `_CLAUSE_END`). A cause the context never gives at all ("because of a teachers'
strike") is the model's: failing it when most of its words are not the context's was tried
(thirteenth session) and taken out; it changed one verdict on the thirteen dev splits (300
answers each at most), while a review helper's paraphrased causes ("because of the winter
storm" of a blizzard, "due to a leg injury" of a hamstring strain) failed 23 of 28 faithful
answers.
Left to the model: a claim that doubts or denies its link ("may have", "unclear whether",
"not" anywhere in it), a link after a form of "be" ("was because of", "are due to reopen"),
after money or thanks ("payments due to", "gave thanks to"), "due to" before a verb of
schedule ("due to open"), and halves of fewer than two content words or sharing none with
their best sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from groundrail.grounding.lexical import BM25, content_words, covered, restated_in
from groundrail.grounding.windows import Unit

# "due to be arraigned", "due to reopen": a date, not a cause
_SCHEDULED = (
    r"(?!\s+(?:be|(?:re)?(?:begin|start|open|close|arrive|turn|sume|tire|lease|port|ceive)"
    r"|end|finish|take|appear|launch|meet|expire|leave|hold|vote|complete|announce|go|run|land"
    r"|testify|premiere|debut|face|stand)\b)"
)
# "are (now) due to reopen"; "payments due to Acme" (owed); "gave thanks to the crews"
_NOT_A_CAUSE_BEFORE = re.compile(
    r"\b(?:(?:is|are|was|were|be|been|being)(?:\s+(?:now|still|also|not))?"
    r"|payments?|owed|amounts?|money|funds|fees|balance|sums?"
    r"|gave|give|gives|giving|extended|expressed|offered|said|says)\s*$",
    re.I,
)
_LINKS = (
    r"because(?:\s+of)?|due\s+to"
    + _SCHEDULED
    + r"|as\s+a\s+(?:direct\s+)?(?:result|consequence)\s+of"
    r"|owing\s+to|thanks\s+to"
    r"|(?:driven|fuell?ed|prompted|spurred|caused|triggered)\s+by"
)
# "X because Y", "X, which is why Y": the claim's link between two halves
_LINK = re.compile(rf",?\s+(?:{_LINKS}|which\s+is\s+why)\s+", re.I)
# "Because of Y, X": a link that opens the claim
_LINK_FIRST = re.compile(rf"^(?:{_LINKS})\s+(?P<cause>[^,]+),\s+(?P<effect>.+)$", re.I)
# a claim that doubts or denies its link: "It is unclear whether … because of …", "may have"
_DOUBTED = re.compile(
    r"\b(?:not|no|never|whether|unclear|uncertain|may|might|could|possibly|perhaps|probably"
    r"|likely|partly|partially|maybe|if|suggest\w*|believed|thought)\b|n[\'\u2019]t\b",
    re.I,
)
# a word of the context that states or implies a cause
_CAUSAL = re.compile(
    r"\b(?:because|due|result\w*|owing|thanks|led|leads?|leading|caus\w*|so|therefore|thus"
    r"|hence|since|after|following|amid|blam\w*|attribut\w*|reasons?|why|meant|means"
    r"|drove|driven|drives|trigger\w*|spark\w*|fuel\w*|spurr?\w*|prompt\w*|forc\w*"
    r"|consequen\w*|enabl\w*|allow\w*|lets?|helped|thereby|pushed|cited|which\s+is\s+how"
    r"|in\s+turn)\b",
    re.I,
)
# a clause opened by contrast, up to its comma: "despite the slow rotation of the planet"
_CONTRAST = re.compile(
    r"\b(?:despite|although|though|even\s+though|in\s+spite\s+of)\b([^,;]*)", re.I
)


# advice, whose reason the answer gives of its own: "Pick the new date carefully, because a
# second postponement is granted only in exceptional circumstances" (read-54)
_ADVICE = re.compile(
    r"^\W*(?:please\s+)?(?:(?:pick|choose|bring|call|book|plan|arrive|keep|check|double-check"
    r"|consider|try|allow|avoid|ask|remember|expect|leave|take|wear|reserve|come|apply|submit"
    r"|contact|schedule|budget)\s+(?:the|a|an|your|yours|it|them|this|that|ahead|early|out|up"
    r"|carefully|extra|for|to|with|about|on|in|at)\b|make\s+sure\b|(?:don['\u2019]t|do\s+not)\s)",
    re.I,
)


def unlinked(claim: str, units: Sequence[Unit], bm25: BM25) -> str | None:
    """The claim's causal link ("because of") when the context never states it (see the
    module doc); None otherwise, and for advice, whose reason is the answer's own
    (`_ADVICE`: "Pick the new date carefully, because …"). `bm25` ranks `units`."""
    halves = _halves(claim)
    if halves is None or not units or _DOUBTED.search(claim) or _ADVICE.match(claim):
        return None
    link, *parts = halves
    words = [set(content_words(half)) for half in parts]
    best = []
    for half, said in zip(parts, words, strict=True):
        if len(said) < 2:
            return None
        scores = bm25.scores(half)
        top = max(range(len(units)), key=scores.__getitem__)
        if not said & set(content_words(units[top].text)):
            return None
        best.append(top)
    # any sentence that speaks of both halves and of a cause states the link
    for unit in units:
        held = set(content_words(unit.text))
        if held & words[0] and held & words[1] and _CAUSAL.search(unit.text):
            return None
    first, last = sorted(best)
    if _CAUSAL.search(units[first].text) or _CAUSAL.search(units[last].text):
        return None
    if first == last:
        return link if _contrasted(units[first].text, words) else None
    if last - first == 1 and units[first].doc_id == units[last].doc_id:
        return None
    return link


# a context's cause, after its link word up to its clause's end: "Ever since they started
# taking walk-ins last fall, Saturdays have gotten really crowded", "crowded after walk-ins
# began"
_CAUSE_AFTER = re.compile(
    r"\b(?:because(?:\s+of)?|since|after|following|due\s+to|owing\s+to|thanks\s+to"
    r"|as\s+a\s+(?:direct\s+)?(?:result|consequence)\s+of)\s+(?P<cause>[^,;.]+)",
    re.I,
)
MIN_TURNED = 2  # content words each half shares with the side of the sentence it is given


def turned(claim: str, units: Sequence[Unit]) -> str | None:
    """The claim's causal link when a context sentence gives the two halves the other way
    round: what the claim gives as the cause is the sentence's effect, and its effect the
    sentence's cause ("the salon started taking walk-ins last fall because Saturdays had
    become crowded" of "Ever since they started taking walk-ins last fall, Saturdays have
    gotten really crowded", `read-52`). A sentence's cause is what follows its link word
    (`_CAUSE_AFTER`: "because", "since", "after" …) up to its clause's end, its effect the
    rest; each half of the claim must share `MIN_TURNED` content words or more with the
    sentence's other side and at most half as many with its own. None otherwise, and for a
    claim that doubts its link (`_DOUBTED`). The model entails such claims: every word is
    the sentence's."""
    halves = _halves(claim)
    if halves is None or _DOUBTED.search(claim):
        return None
    link, first, second = halves
    if _LINK_FIRST.match(claim.strip()) or link.lower().endswith("which is why"):
        cause, effect = first, second
    else:
        cause, effect = second, first
    # the effect's own clause, not the framing before it ("one reviewer says …")
    effect = re.split(r"[,;:]\s+", effect)[-1]
    said_cause, said_effect = set(content_words(cause)), set(content_words(effect))
    for unit in units:
        for m in _CAUSE_AFTER.finditer(unit.text):
            theirs = set(content_words(m["cause"]))
            rest = set(content_words(unit.text[: m.start()] + " " + unit.text[m.end() :]))
            as_effect, as_cause = len(said_cause & rest), len(said_cause & theirs)
            made, making = len(said_effect & theirs), len(said_effect & rest)
            if (
                as_effect >= MIN_TURNED
                and made >= MIN_TURNED
                and as_cause * 2 <= as_effect
                and making * 2 <= made
            ):
                return link
    return None


# a purpose the claim gives what it states: "raised the fee to make up for the lower volumes"
_PURPOSE = re.compile(
    r",?\s+(?:in\s+an?\s+(?:effort|attempt|bid)\s+to|in\s+order\s+to|so\s+as\s+to"
    r"|as\s+a\s+way\s+to|with\s+the\s+(?:aim|goal|intention)\s+of|aimed\s+at"
    r"|to\s+(?:make\s+up\s+for|compensate\s+for|offset|reflect|account\s+for))\s+",
    re.I,
)
# a word of the context that gives a purpose or a reason (not `_CAUSAL`'s "allowed", "after":
# "the allowed return on equity", read-44; nor "since January", "due to open", "plant")
_PURPOSIVE = re.compile(
    r"\b(?:because|owing|thanks|reasons?|why|result\w*|consequen\w*|therefore|thus|hence"
    r"|so\s+that|caus\w*|blam\w*|attribut\w*|driven|drove|prompt\w*|amid|cit(?:e|es|ed|ing)"
    r"|aim\w*|goals?|purpose\w*|intend\w*|intent\w*|designed|meant|effort|bid|order"
    r"|reflect\w*|offset\w*|compensat\w*|make\s+up|hop(?:e|es|ed|ing)|want\w*|seek\w*"
    r"|sought|plan(?:s|ned|ning)?|strategy|response|respond\w*|address\w*|tackl\w*|curb\w*"
    r"|counter\w*|target\w*|replac\w*|cover(?:s|ed|ing)?|account\w*|help\w*"
    r"|eas(?:e|es|ed|ing)|to\s+(?:reduce|improve|attract|boost|cut|prevent|avoid|protect"
    r"|support|meet|keep|give|encourage|raise|fund|pay|free|allow|lower|limit|save))\b",
    re.I,
)
PURPOSE_FOUND = 0.5  # the share of a purpose's content words the sentence must hold


def unpurposed(claim: str, units: Sequence[Unit], bm25: BM25) -> str | None:
    """The words that give a purpose or a reason for what the claim states ("to make up for
    the lower volumes", "to reflect lower borrowing costs", "in an effort to …") when
    neither the context sentence restating the statement (`lexical.restated_in`) nor the
    sentences beside it give a purpose or a reason (`_PURPOSIVE`), and the sentence holds
    under `PURPOSE_FOUND` of the purpose's content words (`read-43`, `read-44`: the model
    entails the statement and the motive with it);
    None otherwise, and for a claim that doubts anything (`_DOUBTED`) or says either part
    in under two content words."""
    m = _PURPOSE.search(claim)
    if m is None or not units or _DOUBTED.search(claim):
        return None
    rest = claim[m.end() :]
    end = _CLAUSE_END.search(rest)
    purpose, stated = rest[: end.start()] if end else rest, claim[: m.start()]
    if len(content_words(stated)) < 2 or len(content_words(purpose)) < 2:
        return None
    best = restated_in(stated, [u.text for u in units], bm25)
    if best is None:
        return None
    # a purpose given in the sentence or beside it: "… open until 9 p.m. The change is meant
    # to attract visitors who work during the day."
    near = [u.text for u in units[max(0, best - 1) : best + 2] if u.doc_id == units[best].doc_id]
    if any(_PURPOSIVE.search(text) for text in near):
        return None
    sentence = units[best].text
    return m.group().strip(" ,") if covered(purpose, sentence) < PURPOSE_FOUND else None


def _contrasted(sentence: str, words: list[set[str]]) -> bool:
    """Whether a contrast clause of the sentence holds one half's words and the rest of the
    sentence the other's ("Despite the slow rotation, the upper atmosphere circles …")."""
    for m in _CONTRAST.finditer(sentence):
        inside = set(content_words(m.group(1)))
        outside = set(content_words(sentence[: m.start()] + " " + sentence[m.end() :]))
        one, other = words
        if (inside & one and outside & other) or (inside & other and outside & one):
            return True
    return False


def _halves(claim: str) -> tuple[str, str, str] | None:
    """(the link, one half, the other) of a claim that states a causal link; None when it
    states none. Which half is the cause does not matter to the rule."""
    if m := _LINK_FIRST.match(claim.strip()):
        link = claim.strip()[: m.start("cause")].strip()
        return link, m.group("cause"), m.group("effect")
    m = _LINK.search(claim)
    if m is None or _NOT_A_CAUSE_BEFORE.search(claim, 0, m.start()):
        return None
    rest = claim[m.end() :]
    end = _CLAUSE_END.search(rest)  # "driven by its new line, while camping sales fell …"
    return m.group().strip(" ,"), claim[: m.start()], rest[: end.start()] if end else rest


# where the half after a link ends: a clause of its own after a comma or a semicolon
_CLAUSE_END = re.compile(
    r";|,\s+(?:while|whereas|but|and|which|although|though|yet|as|so|with)\b", re.I
)
