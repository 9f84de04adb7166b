"""A hedge made certain: "the airline will give away your seat" of a passage saying it "may".

Answers over passages and summaries turn what the source says may, can or usually happen into
what will, always or never happens, and the model entails them: the words are the source's.
The rule: a claim's certain modal ("will", "always", "never", "certainly", "definitely",
"won't", "is scheduled / set to") before a verb fails the claim when the context
sentence that matches it best says the same verb after a hedge ("may", "might", "could",
"can", "usually", "often", "typically", "generally", "sometimes", "likely", "possibly",
"probably", "mostly", "normally", "occasionally", "in most / many / some cases", a decision
still weighed ("is considering extending", "evaluating whether to offer"), "expected
to" (but not of "is set / scheduled to", which says what a plan "is expected to" do);
not "could not", which states a fact) and not after a certain modal, and the
content words of the modal's clause are mostly that sentence's (`lexical.restated_in`):
the same statement, stated more strongly. So is a claim that calls proven or known what
that sentence only suggests (`proven`: "have been shown to improve grades" of "some
studies suggest … may improve grades"), or that states as fact what it hedges
(`dropped_hedge`: "caused by an electrical issue" of "a possible electrical issue"), or
that states certain a figure the context says may come, in another verb (`unhedged`: "has
committed up to £52 million" of "could contribute up to £52 million"), or that states as done
what the context says one party alleges (`alleged`: "a complaint after the landlord charged
unlawful fees" of "a complaint accusing their landlord of charging unlawful fees"), or
that says for good what the context says is for a while (`made_permanent`: "has closed for
good" of "is closed for refurbishment until 28 March").
So is what the context leaves to the reader said required (`required`: "You must bring your
insurance card" of "Bringing your insurance card is optional if we already have it on file").
Likewise a scope widened (`widened`):
"pharmacies across the state" of a sentence about "some pharmacies in Dane County", "most
cardio machines" of "some of the cardio machines", "small stones will always pass" of "many
small stones pass", and a part said of its whole (`partial`: "The Kessler Bridge will be
closed" of "two of the four lanes of the Kessler Bridge will be closed").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence

from groundrail.grounding.attribution import capitalised
from groundrail.grounding.lexical import (
    BM25,
    PREFIX,
    RESTATED,
    clause_at,
    clauses,
    content_words,
    covered,
    has_negation,
    restated_in,
)
from groundrail.grounding.numbers import small_number
from groundrail.grounding.windows import Unit

# an adverb between a modal and its verb: "will still serve", "can also get"
_ADVERB = r"(?:(?:still|also|only|even|then|now|soon|again|just|first|each|both|all)\s+)?"
# the verb after the modal ("will not be held", "will still serve")
_THEN = rf"\s+{_ADVERB}(?:not\s+)?(?:be\s+)?([a-z]+)"
_CERTAIN = re.compile(
    r"\b(?:will|always|never|certainly|definitely|won[\'\u2019]t|(?:is|are)\s+(?:scheduled|set)\s+to)"
    + _THEN,
    re.I,
)
# a hedge's verb, not after "not" ("could not return" states what happened)
_HEDGED = re.compile(
    r"\b(?:may|might|could|can|usually|often|typically|generally|sometimes|likely|possibly"
    r"|probably|mostly|normally|occasionally|in\s+(?:most|many|some)\s+cases,?"
    # a decision still weighed: "is considering extending", "was 'evaluating' whether to offer"
    r"|(?:considering|weighing|evaluating|exploring|studying|debating)[\"'\u2019\u201d]?"
    r"(?:\s+whether(?:\s+or\s+not)?)?(?:\s+to)?"
    r"|(?P<plan>(?:expected|projected|estimated|forecast|anticipated)\s+to))\s+(?!not\b)"
    rf"{_ADVERB}(?:be\s+)?([a-z]+)",
    re.I,
)
# a plan's modal: what "is expected to begin next spring" says when put as "is set to begin"
# (read-41); "will raise $14 million" of "is expected to raise about $14 million" is no plan's
# (r20)
_PLANNED = re.compile(r"(?:is|are)\s+(?:scheduled|set)\s+to", re.I)


# A subject hedged by its quantity: "many auto parts stores will read the code" says what
# "stores will often read the code" says
_SOME = re.compile(r"\b(?:many|some|most|several|certain|few)\b", re.I)


def overstated(claim: str, units: Sequence[Unit], bm25: BM25) -> str | None:
    """The claim's certain modal and verb ("will give") when the context sentence that best
    matches its clause (`bm25` ranks `units`) hedges that verb (see the module doc), and no
    quantity hedges the clause's subject ("many stores will …"); None otherwise."""
    if not units:
        return None
    passages = [u.text for u in units]
    for modal in _CERTAIN.finditer(claim):
        start, end = clause_at(claim, modal.start(), modal.end())
        if _SOME.search(claim, start, modal.start()):
            continue
        best = restated_in(claim[start:end], passages, bm25)
        if best is None:
            continue
        sentence = units[best].text
        verb = modal.group(1).lower()[:PREFIX]
        said = {m.group(1).lower()[:PREFIX] for m in _CERTAIN.finditer(sentence)}
        planned = _PLANNED.match(modal.group()) is not None
        hedged = {
            m.group(2).lower()[:PREFIX]
            for m in _HEDGED.finditer(sentence)
            if not (planned and m.group("plan"))  # "will take" of "expected to take": a plan
        }
        if verb in hedged and verb not in said:
            return modal.group()
    return (
        proven(claim, units, bm25)
        or dropped_hedge(claim, units, bm25)
        or reported_done(claim, units, bm25)
        or unhedged(claim, units)
        or required(claim, units)
        or alleged(claim, passages)
        or made_permanent(claim, units)
    )


# what a claim says is for good: "has closed for good", "permanently", "a new counter"
_PERMANENT = re.compile(
    r"\b(?:for\s+good|permanent(?:ly)?|for\s+ever|forever|indefinitely|closed\s+down|shut\s+down"
    r"|no\s+longer\s+(?:exists?|operates?|open))\b",
    re.I,
)
# what a source says is for a while: "temporary", "until 28 March", "is being refurbished",
# "will reopen"
_TEMPORARY = re.compile(
    r"\b(?:temporar\w*|interim|until\s+(?:\w+\s+)?(?:\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep"
    r"|oct|nov|dec)[a-z]*\b|spring|summer|fall|autumn|winter|next|further|the\s+end)"
    r"|(?:will|to)\s+re-?open|re-?opens|re-?opening"
    r"|(?:being|for)\s+(?:refurbish|renovat|repair|maintenance|upgrad)\w*|while\s+\w+\s+(?:is|are)"
    r"\s+being)",
    re.I,
)


def made_permanent(claim: str, units: Sequence[Unit]) -> str | None:
    """What the claim says is for good ("the Kelby counter on Mill Lane has closed for good")
    when a context sentence about the same thing (`RESTATED` of the claim clause's other
    content words, or all of the clause's capitalised names)
    says it is for a while (`_TEMPORARY`: "is closed for refurbishment until 28 March",
    "will reopen on Monday 31 March", `read-53`) and none says it is for good. The model
    entails such claims: "closed" is the context's. None otherwise."""
    for m in _PERMANENT.finditer(claim):
        start, end = clause_at(claim, m.start(), m.end())
        rest = claim[start : m.start()] + claim[m.end() : end]
        if len(content_words(rest)) < MIN_SHARED:
            continue
        names = capitalised(rest)
        about = [
            u.text
            for u in units
            if covered(rest, u.text) >= RESTATED
            or (names and all(re.search(rf"\b{re.escape(n)}\b", u.text) for n in names))
        ]
        if any(_PERMANENT.search(text) for text in about):
            continue
        if any(_TEMPORARY.search(text) for text in about):
            return m.group()
    return None


# what a source says one party alleges: "accusing their landlord of charging unlawful fees",
# "alleges that Corbel added a fee", "claims that the company failed to encrypt"
_ALLEGING = re.compile(
    r"\b(?:accus(?:e|es|ed|ing)\s+[^.;]{0,60}?\s+of|alleg(?:e|es|ed|ing)\s+that"
    r"|claim(?:s|ed|ing)?\s+that)\s+(?P<alleged>[^.;]+)",
    re.I,
)
# a claim that keeps it an allegation, gives its source or a ruling on it: "accused", "said",
# "denies", "sued over", "the judge sided with"
_ATTRIBUTED = re.compile(
    r"\b(?:accus\w*|alleg\w*|claim\w*|contend\w*|assert\w*|says?|said|saying|according"
    r"|argu\w*|den(?:y|ies|ied)|disput\w*|charg(?:es|ing)\s+that|suit|lawsuit|su(?:ed|es|ing)"
    r"|sided|ruled|ruling|complaint\s+says)\b",
    re.I,
)
_ACT = re.compile(r"\b[a-z]{3,}(?:ing|ed)\b", re.I)  # the act alleged: "charging", "added"
ALLEGED_WORDS = 12  # content words of an allegation compared
MIN_ALLEGED = 4  # of them, and half at least, that the claim states


@functools.lru_cache(maxsize=8)
def _allegations(passages: tuple[str, ...]) -> tuple[str, ...]:
    """What the passages say one party alleges (`_ALLEGING`), read once per context."""
    return tuple(m["alleged"] for passage in passages for m in _ALLEGING.finditer(passage))


def alleged(claim: str, passages: Sequence[str]) -> str | None:
    """The act a context sentence says one party alleges (`_ALLEGING`: "accusing their
    landlord of charging unlawful fees"), as the context writes it ("charging"), when the
    claim states it as done: the verb of one of the context's allegations in the claim
    ("charged"), and `MIN_ALLEGED` of an allegation's first
    `ALLEGED_WORDS` content words and half of them at least (a complaint's allegations are
    often told over two sentences), saying nothing that keeps it an allegation or gives its
    source (`_ATTRIBUTED`: "a complaint after landlord Corbel Property Group unlawfully
    charged a $75 monthly fee" of "accusing their landlord of charging unlawful fees",
    `read-53`). The model entails such claims: every word is the context's. None
    otherwise."""
    if _ATTRIBUTED.search(claim):
        return None
    allegations = _allegations(tuple(passages))
    if not allegations:
        return None
    said = set(content_words(claim))
    acts = [act.group() for text in allegations if (act := _ACT.search(text)) is not None]
    stated = next((act for act in acts if act.lower()[:PREFIX] in said), None)
    if stated is None:
        return None
    for text in allegations:
        words = set(content_words(text)[:ALLEGED_WORDS])
        if len(said & words) >= max(MIN_ALLEGED, len(words) / 2):
            return stated
    return None


# what a claim says must be done: "you must bring", "is required", "have to", "mandatory"
_REQUIRED = re.compile(
    r"\b(?<!not\s)(?<!n['\u2019]t\s)(?:must|ha(?:ve|s)\s+to|needs?\s+to|required|mandatory"
    r"|obligatory|compulsory)\b",
    re.I,
)
# what the context leaves to the reader: "is optional", "recommended", "not required"
_OPTIONAL = re.compile(
    r"\b(?:optional|recommended|encouraged|suggested|advised|voluntary"
    r"|(?:not|never)\s+(?:required|necessary|mandatory|needed|obligatory|compulsory)"
    r"|(?:do|does|did)\s+not\s+(?:have|need)\s+to|(?:don|doesn|didn)['\u2019]t\s+(?:have|need)\s+to"
    r"|need\s+not|if\s+you\s+(?:wish|like|prefer|want))\b",
    re.I,
)
# a claim sentence that keeps the choice or sets the condition itself: "if it isn't on file"
_CHOICE = re.compile(rf"{_OPTIONAL.pattern}|\b(?:if|unless|only|when|may|can|should)\b", re.I)
MIN_OPTIONAL = 2  # content words the optional clause's thing shares with the claim's clause


def required(claim: str, units: Sequence[Unit]) -> str | None:
    """What the claim says must be done ("You must bring your insurance card") when a
    context sentence leaves it to the reader in a clause about the same thing ("Bringing
    your insurance card is optional if we already have it on file"; "Pre-registration is
    optional.", `read-53`; "recommended", "not required", "you don't need to"):
    `MIN_OPTIONAL` of that clause's content words and half of them, besides the optional
    word, in the claim's clause, and no clause of the context requires it so (`_said_of`).
    Not a claim sentence that keeps a choice or a condition of its own (`_CHOICE`: "You must
    bring it if it is not on file"). The model entails such claims: the words are the
    context's. None otherwise."""
    if not units or _CHOICE.search(claim):
        return None
    for must in _REQUIRED.finditer(claim):
        start, end = clause_at(claim, must.start(), must.end())
        said = set(content_words(claim[start : must.start()] + claim[must.end() : end]))
        if _said_of(_OPTIONAL, said, units) and not _said_of(_REQUIRED, said, units):
            return must.group()
    return None


def _said_of(word: re.Pattern[str], said: set[str], units: Sequence[Unit]) -> bool:
    """Whether a context clause puts `word` ("optional", "required") on what a claim's
    clause says (`said`, its content words): `MIN_OPTIONAL` of the clause's other content
    words and half of them among `said`."""
    for unit in units:
        for m in word.finditer(unit.text):
            begin, stop = clause_at(unit.text, m.start(), m.end())
            thing = set(content_words(unit.text[begin : m.start()] + unit.text[m.end() : stop]))
            shared = thing & said
            if len(shared) >= MIN_OPTIONAL and len(shared) >= len(thing) / 2:
                return True
    return False


# what a claim reports as done: "have declared", "has been approved", "were closed"
_DONE = re.compile(
    r"(?<!\bcould\s)(?<!\bwould\s)(?<!\bmight\s)(?<!\bmay\s)(?<!\bshould\s)(?<!\bmust\s)"
    r"(?<!\bto\s)\b(?:(?:has|have|had)\s+(?:already\s+)?(?:been\s+)?|(?:was|were)\s+)([a-z]+(?:ed|en|wn))\b",
    re.I,
)
# what a source says will or may happen: "will likely declare", "plans to open", "is set to"
_AHEAD = re.compile(
    r"\b(?:will|would|may|might|could|likely\s+to|(?:plans?|planned|intends?|aims?|hopes?"
    r"|expects?|proposed|set|scheduled|expected|due|poised|going)\s+to)\s+(?:likely\s+)?"
    r"(?:be\s+)?(?!not\b)([a-z]+)",
    re.I,
)


def reported_done(claim: str, units: Sequence[Unit], bm25: BM25) -> str | None:
    """What the claim reports as done ("Minneapolis and St. Paul have declared snow
    emergencies") when the context sentence that best restates its clause says it will or
    may happen ("will likely declare snow emergencies") and never that it happened; None
    otherwise. `bm25` ranks `units`."""
    if not units:
        return None
    passages = [u.text for u in units]
    for done in _DONE.finditer(claim):
        start, end = clause_at(claim, done.start(), done.end())
        best = restated_in(claim[start:end], passages, bm25)
        if best is None:
            continue
        sentence = units[best].text
        verb = done.group(1).lower()[:PREFIX]
        ahead = {m.group(1).lower()[:PREFIX] for m in _AHEAD.finditer(sentence)}
        happened = {m.group(1).lower()[:PREFIX] for m in _DONE.finditer(sentence)}
        if verb in ahead and verb not in happened:
            return done.group()
    return None


# What a study or an investigation is said to establish, and what only suggests it: "have
# been shown to improve" of "some studies suggest … may improve"; "are known causes" of
# "research suggests … may be linked"
_PROVEN = re.compile(
    r"\b(?:(?:been\s+)?shown\s+to|proven|prove[sd]?\s+that"
    r"|(?:demonstrat|confirm|establish)(?:e[sd]|s|ed)?\s+that"
    r"|known\s+(?:to\s+(?:be|cause|have|increase|reduce|raise|lower|improve|help|prevent"
    r"|protect|trigger|affect|work)\b|causes?|cause\s+of|risk\s+factors?)"
    r"|(?:stud(?:y|ies)|research|results|evidence|data|trials?|findings|scientists|experts"
    r"|analys[ie]s|reviews?|surveys?|tests?|investigat\w+)\s+(?:show|prove|confirm|demonstrate)(?:s|ed)?"
    r"|show(?:s|ed)\s+that)\b",
    re.I,
)
_TENTATIVE = re.compile(
    r"\b(?:suggest(?:s|ed|ing)?|may|might|could|possibl[ey]|potential(?:ly)?|linked|associat\w*"
    r"|correlat\w*|appears?|unclear|hypothes\w*|believed|thought\s+to|preliminary|alleg\w*"
    r"|(?:cannot|can['\u2019]t)\s+(?:say|tell|show|prove|conclude|confirm|determine))\b",
    re.I,
)
# what a source states as found: its own proof words, and "found", "revealed" ("Blood tests
# revealed high lead levels")
_FINDING = re.compile(
    rf"{_PROVEN.pattern}|\b(?:found|revealed|showed|shown|proved|confirmed|demonstrated"
    r"|established)\b",
    re.I,
)
MIN_SHARED = 2  # content words a tentative clause shares with the claim's to be about it
_NOTHING = re.compile(r"\s+(?:no|none|nothing|little|neither)\b", re.I)
_NEGATED = re.compile(
    r"\b(?:not|no|never|cannot|can['\u2019]t|n['\u2019]t|without)\s+(?:\w+\s+)?$", re.I
)


def proven(claim: str, units: Sequence[Unit], bm25: BM25) -> str | None:
    """The claim's word of proof ("have been shown", "known causes") when the context
    sentence that best matches its clause only suggests the same (`_TENTATIVE`: "some
    studies suggest … may improve", "cannot show that coffee causes") and proves nothing
    itself; None otherwise."""
    if not units:
        return None
    passages = [u.text for u in units]
    for word in _PROVEN.finditer(claim):
        start, end = clause_at(claim, word.start(), word.end())
        if (
            _TENTATIVE.search(claim, start, end)
            or _NEGATED.search(claim[start : word.start()])
            or _NOTHING.match(claim, word.end())
        ):
            continue  # "may have been shown", "not proven", "showed no benefit"
        rest = claim[start : word.start()] + claim[word.end() : end]  # the clause without it
        best = restated_in(rest, passages, bm25)
        if best is None:
            continue
        sentence = units[best].text
        proved = [
            m for m in _FINDING.finditer(sentence) if not _NEGATED.search(sentence[: m.start()])
        ]
        if proved:
            continue
        # the tentative word in a clause of the sentence about what the claim's clause says
        said = set(content_words(rest))
        if any(
            _TENTATIVE.search(sentence, i, j)
            and len(said & set(content_words(sentence[i:j]))) >= MIN_SHARED
            for i, j in clauses(sentence)
        ):
            return word.group()
    return None


# a hedge on what a noun names: "a possible electrical issue", "the alleged gunman" (not
# "potential", which names what may come: "potential buyers", "potential treatments"; not
# "likely", an adverb as often: "will likely reopen", "as likely as")
_HEDGE_WORD = re.compile(
    r"\b(?:possible|suspected|alleged|apparent|probable|presumed|unconfirmed)\s+([a-z]+)",
    re.I,
)
_CLAIM_HEDGES = re.compile(
    rf"{_TENTATIVE.pattern}|\b(?:suspect\w*|alleg\w*|apparent\w*|probabl[ey]|presum\w*"
    r"|likely|reported(?:ly)?|investigat\w*|under\s+review|unconfirmed|said|says|according"
    r"|can|would|accus\w*|allegations?|claims?|rumou?r\w*|threat\w*|risks?|prospects?|fears?"
    r"|possibility|chance|consider\w*|weigh\w*|explor\w*|options?|mull\w*|evaluat\w*"
    r"|expect\w*|forecast\w*|predict\w*|charged|charges|indict\w*)\b",
    re.I,
)


# words after "possible" that are no noun it hedges
_NOT_NOUNS = frozenset("because since when if while though although unless until so".split())  # noqa: SIM905


def dropped_hedge(claim: str, units: Sequence[Unit], bm25: BM25) -> str | None:
    """The noun a claim states as fact ("was caused by an electrical issue") when the
    context sentence that best matches its clause hedges it ("a possible electrical issue",
    "the alleged gunman") and the clause hedges nothing; None otherwise."""
    if not units:
        return None
    passages = [u.text for u in units]
    for start, end in clauses(claim):
        if _CLAIM_HEDGES.search(claim, start, end):
            continue
        best = restated_in(claim[start:end], passages, bm25)
        if best is None:
            continue
        clause = claim[start:end].lower()
        for hedge in _HEDGE_WORD.finditer(units[best].text):
            noun = hedge.group(1).lower()
            if not content_words(noun) or noun in _NOT_NOUNS:
                continue  # "as soon as possible because"
            if re.search(rf"\b{re.escape(noun.removesuffix('s'))}s?\b", clause):
                return hedge.group()
    return None


# an amount, a share or a year: "up to £52 million", "30%", "spring 2025"
_FIGURE = re.compile(
    r"[$\u00a3\u20ac]\s?\d[\d,.]*(?:\s*(?:million|billion|bn|m|k)\b)?"
    r"|\b\d[\d,.]*\s*(?:%|percent\b|per\s+cent\b)|\b(?:19|20)\d\d\b",
    re.I,
)
# what says a figure may or may not come: "could contribute up to £52 million", "as early as
# spring 2025", "has not been confirmed"; not "could not", a fact ("could not prevent defeat
# on her first return to singles since 2007", HaluEval summaries dev), nor "may", as often a
# permission ("up to 60% of the quota may be reserved online"), nor "is estimated to cost
# $410 million", "would cost", "a proposed $28 million center": such a sum said as the sum is
# no error
_MAYBE = re.compile(
    r"\b(?:could(?!\s+not\b)|might|possibl[ey]|potentially|as\s+early\s+as|perhaps|tentative\w*"
    r"|unconfirmed|not\s+(?:yet\s+)?(?:been\s+)?(?:confirmed|finali[sz]ed|approved)"
    r"|if\s+approved)\b",
    re.I,
)
# a claim's clause that states its figure as settled: "has committed", "will go out"
_ASSURED = re.compile(
    r"\b(?:will|shall|has|have|had)\b|\b(?:confirmed|committed|secured|guaranteed|finali[sz]ed"
    r"|pledged)\b",
    re.I,
)
# a claim's clause that keeps a hedge, in words of its own: "would switch", "expects to"
_KEPT_HEDGE = re.compile(
    rf"{_MAYBE.pattern}|\b(?:would|can|hopes?|aims?|expect\w*|likely|plans?|planned|estimat\w*"
    r"|forecast\w*|projected|target\w*|goal|pending|if|unless)\b",
    re.I,
)


def unhedged(claim: str, units: Sequence[Unit]) -> str | None:
    """The claim's figure (an amount, a share, a year: `_FIGURE`) when its clause states it
    settled (`_ASSURED`: "will", "has", "committed") and hedges nothing, and the context
    clause that gives the same figure says it may come (`_MAYBE`: "could contribute up to
    £52 million", "could be awarded as early as spring 2025"),
    sharing `MIN_SHARED` content words besides it with the claim's clause ("The Environment
    Agency has committed up to £52 million", `read-49`; "first awards will go out in spring
    2025", `read-50`); None otherwise. Unlike `overstated`, the two need not use one verb:
    the figure ties them. The model entails such claims, every other word being the
    source's."""
    settled = []  # (the figure, its clause) of each figure the claim states as settled
    for found in _FIGURE.finditer(claim):
        start, end = clause_at(claim, found.start(), found.end())
        clause = claim[start:end]
        if _ASSURED.search(clause) and not (
            has_negation(clause)  # "has not played a singles match since 2007"
            or _KEPT_HEDGE.search(clause)
            or _HEDGED.search(clause)
        ):
            settled.append((found.group(), clause))
    if not settled:
        return None
    hedging = [
        part for u in units for i, j in clauses(u.text) if _MAYBE.search(part := u.text[i:j])
    ]
    for figure, clause in settled:
        said = set(content_words(clause)) - set(content_words(figure))
        wanted = re.compile(rf"(?<![\d.,]){re.escape(figure)}(?![\d.,]\d)", re.I)
        if any(
            wanted.search(part) and len(said & set(content_words(part))) >= MIN_SHARED
            for part in hedging
        ):
            return figure
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
# "all" floating after the list it quantifies: "the thigh, the wing and the breast should all"
_OF_A_LIST = re.compile(
    r",[^,;]*\band\b[^,;]*\b(?:should|must|will|would|can|could|are|were|have|had|do|did)"
    r"\s+$",
    re.I,
)
# what limits a scope: some of a group, a part of a place (not a count: "the 12 branches"
# may be all of them; not "the most visited", "one of the largest")
_LIMITED = re.compile(
    r"(?<!\bthe\s)\b(?:some|several|certain|a\s+few|a\s+number\s+of|many|most|parts?\s+of"
    r"|a\s+handful\s+of)\b(?!\s+(?:years?|decades?|times?|days?|weeks?|months?)\b)",
    re.I,
)


# most of a group, of a source's few of it: "most cardio machines were out of order" of "some
# of the cardio machines"; not a superlative ("the most popular", "its most requested", "at
# most", "most likely", "most known for", "what they liked most was")
_MAJORITY = re.compile(
    r"(?<!\bthe\s)(?<!\bat\s)(?<!['\u2019]s\s)(?<!\bits\s)(?<!\btheir\s)(?<!\bhis\s)"
    r"(?<!\bher\s)(?<!\bour\s)(?<!\byour\s)\b(?:most|the\s+majority\s+of|nearly\s+all"
    r"|almost\s+all)\b(?!\s+(?:of\s+all|[a-z]+ly|[a-z]+est|known|often|popular|famous|common"
    r"|recent|important|valuable|visited|requested|used|liked|loved|praised|frequent|notable"
    r"|memorable|was|is|are|were|be|been)\b)",
    re.I,
)
# a source's few of a group (then `_QUANTIFIED`, and the words it quantifies)
_FEW = re.compile(
    r"\b(?:some|several|certain|a\s+few|a\s+handful|a\s+number|a\s+minority)\b"
    r"(?!\s+(?:years?|decades?|times?|days?|weeks?|months?)\b)"
    # "some of the friendliest staff in Denver" praises; it counts nothing
    r"(?!\s+of\s+(?:the|my|our|its|their)\s+(?:best|worst|most|[a-z]{3,}est)\b)",
    re.I,
)
# most of a group in the source's own words: "typically", "62%", "seven in ten"
_MOST_SAID = re.compile(
    r"\b(?:most|mostly|majority|many|nearly\s+(?:all|every)|almost\s+(?:all|every)|usually"
    r"|typically|generally|largely|mainly|bulk|more\s+than\s+half|all\s+but|three[-\s]quarters"
    r"|two[-\s]thirds|(?:\d+|[a-z]+)\s+(?:in|of|out\s+of)\s+(?:the\s+)?(?:\d+|two|three|four"
    r"|five|six|seven|eight|nine|ten|eleven|twelve))\b|\d+(?:\.\d+)?\s*(?:%|percent\b)",
    re.I,
)
# "always" of what the source says of some or many, or often ("many small stones pass on
# their own"): not negated, hedged, an instruction or a compound ("not always", "as always",
# "almost always", "you should always", "always-on")
_ALWAYS = re.compile(
    r"(?<!\bnot\s)(?<!\bas\s)(?<!\balmost\s)(?<!\bnearly\s)(?<!\bshould\s)(?<!\bmust\s)"
    r"\balways\b(?!-)",
    re.I,
)
_SOMETIMES = re.compile(
    r"\b(?:some|several|certain|a\s+few|many|most|often|sometimes|occasionally|usually"
    r"|typically|generally|frequently|at\s+times)\b",
    re.I,
)
# every time in the source's own words: "every day", "consistently", "never fails to"
_ALWAYS_SAID = re.compile(
    r"\b(?:always|every|each\s+time|invariably|consistently|without\s+fail|never\s+fails?"
    r"|since\s+(?:its|their|the)\s+(?:founding|opening|start))\b",
    re.I,
)
_NOT_ALL = re.compile(r"\b(?:not|almost|nearly)\s+$", re.I)
_QUANTIFIED = re.compile(r"\s+(?:of\s+(?:the|its|their|these|those|them)\s+|of\s+)?")
_ALIGN = 3  # content words compared (`_aligned`)


def _quantified(text: str, end: int) -> set[str]:
    """The first content words after a quantifier ending at text[end]: what it quantifies."""
    after = _QUANTIFIED.match(text, end)
    return set(content_words(text[after.end() if after else end :])[:_ALIGN])


def _aligned(sentence: str, limit: re.Match[str], claim: str, scope: re.Match[str]) -> bool:
    """Whether the source's limit quantifies what the claim's scope does ("some of the cardio
    machines" and "most cardio machines"; "many small stones pass" and "will always pass"),
    and the claim does not say the limit itself ("…, and some pay over half")."""
    said = _quantified(sentence, limit.end())
    if any(
        _quantified(claim, echo.end()) & said
        for echo in re.finditer(rf"\b{re.escape(limit.group())}\b", claim, re.I)
    ):
        return False
    # what "always" scopes may stand before it ("the roads always flood")
    before = content_words(claim[: scope.start()])[-_ALIGN:] if limit.re is _SOMETIMES else []
    return bool(said & (_quantified(claim, scope.end()) | set(before)))


# a count of a whole: "five of its 14 elementary schools", "Of its 14 elementary schools,
# five are …"
_NUMBER_WORD = r"\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
_OWNER = r"(?:the\s+|its\s+|their\s+)?(?:[a-z]+['\u2019]s\s+)?"  # "the city's", "its"
_COUNT_OF = re.compile(
    rf"\b(?P<part>{_NUMBER_WORD})\s+(?:of|out\s+of)\s+{_OWNER}"
    rf"(?P<whole>{_NUMBER_WORD})\s+(?P<things>[^,;.]+)"
    rf"|\bof\s+{_OWNER}(?P<whole2>{_NUMBER_WORD})\s+(?P<things2>[^,;.]+),\s+"
    rf"(?P<part2>{_NUMBER_WORD})\b",
    re.I,
)
# a scope over every one of a count: "all five public pools", "all of its 14 schools"
_ALL_COUNTED = re.compile(
    rf"\b(?:all|each|every\s+one)\s+(?:of\s+{_OWNER})?(?P<whole>{_NUMBER_WORD})\b", re.I
)


_MAJORITY_SAID = re.compile(
    r"\b(?:most|majority|more\s+than\s+half|nearly\s+all|almost\s+all)\b", re.I
)


def _counts_of(sentence: str) -> Iterator[tuple[int | None, int | None, set[str]]]:
    """(the part, the whole, the content words of what is counted) of each count of a whole
    the sentence gives (`_COUNT_OF`: "five of its 14 elementary schools")."""
    for m in _COUNT_OF.finditer(sentence):
        yield (
            small_number(m["part"] or m["part2"]),
            small_number(m["whole"] or m["whole2"]),
            set(content_words(m["things"] or m["things2"])),
        )


def _minority(sentence: str, things: set[str]) -> bool:
    """Whether the sentence counts under half of a whole of `things` (content words of the
    claim's clause after its "most"), and no count over half of them nor a "most" of its
    own: "Of its 14 elementary schools, five are operating below 60
    percent of capacity" of "most of the district's 14 elementary schools" (`read-47`)."""
    if _MAJORITY_SAID.search(sentence):
        return False  # "Five of the 12 jurors were women, and most of the jurors had …"
    found = False
    for part, whole, counted in _counts_of(sentence):
        if part is None or not whole or not counted & things:
            continue
        if part > whole / 2:
            return False  # "four out of 10 Republicans …, seven out of 10 voters overall"
        found = True
    return found


def _part_of(sentence: str, whole: int, things: set[str]) -> bool:
    """Whether the sentence counts fewer than `whole` of a whole of `whole` `things`: "Two of
    the city's five public pools, …" of "all five public pools" (`read-49`), and says no
    every one of them itself ("Three of the 12 branches will close, while all 12 will stop
    offering cash": a review helper's)."""
    if any(small_number(m["whole"]) == whole for m in _ALL_COUNTED.finditer(sentence)):
        return False
    return any(
        part is not None and part < whole and of == whole and counted & things
        for part, of, counted in _counts_of(sentence)
    )


def widened(claim: str, units: Sequence[Unit], bm25: BM25) -> str | None:
    """The claim's scope over a whole group or place ("across the state", "all") when the
    context sentence that best matches its clause limits it ("some pharmacies in Dane
    County") and says no such scope itself; or over most of what that sentence gives a few
    of ("most" of "some of the machines") or counts under half of (`_minority`: "most of the
    district's 14 schools" of "five of its 14"), or always what it says of some or often ("will
    always pass" of "many small stones pass"), where the two quantify the same words
    (`_aligned`) and the sentence says no most or always in words of its own; or every one
    of a count ("all five public pools") of which the sentence counts fewer (`_part_of`:
    "Two of the city's five public pools"). None otherwise. `bm25` ranks `units`."""
    if not units:
        return None
    passages = [u.text for u in units]
    for every in _ALL_COUNTED.finditer(claim):
        whole = small_number(every["whole"])
        start, end = clause_at(claim, every.start(), every.end())
        best = restated_in(claim[start : every.start()] + claim[every.end() : end], passages, bm25)
        things = set(content_words(claim[every.end() : end]))
        if whole and best is not None and _part_of(passages[best], whole, things):
            return every.group()  # "all five public pools" of "Two of the city's five pools"
    scopes = [
        (m, _LIMITED, _UNIVERSAL)
        for m in _UNIVERSAL.finditer(claim)
        if not _NOT_ALL.search(claim, 0, m.start())  # "not all", "almost all": no widening
    ]
    scopes += [(m, _FEW, _MOST_SAID) for m in _MAJORITY.finditer(claim)]
    scopes += [(m, _SOMETIMES, _ALWAYS_SAID) for m in _ALWAYS.finditer(claim)]
    for scope, limits, said in scopes:
        if _OF_A_LIST.search(claim, 0, scope.start()):
            continue  # "the thigh, the wing and the breast should all reach 165°F" (read-23)
        start, end = clause_at(claim, scope.start(), scope.end())
        if limits is _SOMETIMES and not content_words(claim[start : scope.start()]):
            continue  # "Always wear a helmet": an instruction
        # the clause without its scope: what the source sentence restates; a fronted one
        # ("In most cases, the infection clears") goes on to the next
        rest = claim[start : scope.start()] + claim[scope.end() : end]
        if len(content_words(rest)) < 2 and end < len(claim):
            rest += claim[end : clause_at(claim, end + 1, end + 1)[1]]
        best = restated_in(rest, passages, bm25)
        if best is None:
            continue
        sentence = units[best].text
        if limits is _FEW and _minority(sentence, set(content_words(claim[scope.end() : end]))):
            return scope.group()  # "most of the district's 14 schools" of "five of its 14"
        if said.search(sentence) or (limits is not _LIMITED and _UNIVERSAL.search(sentence)):
            continue
        if limits is _LIMITED:
            if _LIMITED.search(sentence):
                return scope.group()
        elif any(_aligned(sentence, m, claim, scope) for m in limits.finditer(sentence)):
            return scope.group()
    return partial(claim, units, bm25)


# a part of a whole the source names, then the whole: "two of the four lanes of (in) the bridge",
# "the northern section of Alder Park", "Three of the library's seven branches", "partially
# closed"; a part noun of a named whole only ("Alder Park", not "a section of the pipe",
# "a section of loose rock"); not "one of the", "some of the": a member of a group, nor
# "partly", of causes and funding ("funded partly by closing a clinic"), nor "parts of",
# vague of weather ("rain on parts of Ashford County" said "on Ashford County", read-6)
_PART_OF = re.compile(
    rf"\b(?:(?:{_NUMBER_WORD})\s+(?:of|out\s+of)\s+{_OWNER}(?:{_NUMBER_WORD})\s+[a-z]+\s+(?:of|in|on)"
    rf"|(?:{_NUMBER_WORD})\s+(?:of|out\s+of)\s+{_OWNER}(?:{_NUMBER_WORD})"
    rf"|(?P<noun>sections?|segments?|stretch(?:es)?|lanes?|wings?|floors?)"
    rf"\s+of)\s+{_OWNER}(?=\s*(?P<whole>[A-Za-z]+))"
    r"|\bpartially\b",
    re.I,
)
# a claim's clause that keeps a part in words of its own: "two of", "12 miles of", "some"
_KEPT_PART = re.compile(
    rf"\b(?:(?:{_NUMBER_WORD})\s+(?:[a-z]+\s+)?of\b|{_LIMITED.pattern}|partial\w*|partly"
    r"|portions?|sections?|segments?|stretch(?:es)?|lanes?|wings?|floors?|half|only|certain"
    r"|several|few|one|another|other|much|mostly|most|large|largely|parts?|help\w*"
    r"|(?:north|south|east|west)\w*)\b",
    re.I,
)


def _numbers_in(text: str) -> set[int]:
    """The small numbers `text` writes, in digits or words ("two", "4")."""
    return {n for w in re.findall(r"[a-z]+|\d+", text.lower()) if (n := small_number(w))}


def partial(claim: str, units: Sequence[Unit], bm25: BM25) -> str | None:
    """The part of a whole ("two of the four lanes of", "partially") that the context
    clause the claim's clause restates (`RESTATED` of the claim clause's content words in
    it, the part left out) puts on its statement and the claim's clause drops, saying
    nothing of a part in words of its own (`_KEPT_PART`, or one of the part's numbers):
    "The Kessler Bridge will be closed for repairs" of "two of the four lanes of the Kessler
    Bridge will be closed", "The Greystone Tunnel will close for up to 14 months" of "Two of
    the four lanes in the Greystone Tunnel will close …" (`read-53`), "Route 9 will be
    closed overnight" of "Route 9 will be partially closed overnight". The model
    entails such claims: every word is the context's. None otherwise; `bm25` ranks
    `units`."""
    if not units:
        return None
    passages = [u.text for u in units]
    for start, end in clauses(claim):
        clause = claim[start:end]
        if _KEPT_PART.search(clause) or len(content_words(clause)) < MIN_SHARED + 1:
            continue
        best = restated_in(clause, passages, bm25)
        if best is None:
            continue
        sentence = units[best].text
        said = set(content_words(clause))
        for part in _PART_OF.finditer(sentence):
            if part["whole"] and not set(content_words(part["whole"])) & said:
                continue  # the claim's clause names no whole of the part
            if part["noun"] and not part["whole"][0].isupper():
                continue
            if _numbers_in(part.group()) & _numbers_in(clause):
                continue  # "Two lanes of the tunnel will close" keeps the part's count
            begin, stop = clause_at(sentence, part.start(), part.end())
            rest = sentence[begin : part.start()] + sentence[part.end() : stop]
            if covered(clause, rest) >= RESTATED:
                return part.group().strip()
    return None


# a condition a sentence puts on its statement: "as long as the gauge stays above 70 cm";
# "if" only on what will be ("If approved, the line will open in 2027"), not on a judgement
# ("perfect if you've never thrown a punch")
_CONDITION = re.compile(
    r"(?<!\beven\s)(?<!\bas\s)\b(?:as\s+long\s+as|so\s+long\s+as|provided(?:\s+that)?"
    r"|providing\s+that|only\s+if|on\s+(?:the\s+)?condition\s+that|(?P<if>if)|unless)\s+",
    re.I,
)
_WILL = re.compile(r"\b(?:will|would|won['\u2019]t)\b|['\u2019]ll\b", re.I)
# a claim that keeps a condition or a hedge of its own
_CONDITIONED = re.compile(
    r"\b(?:if|unless|as\s+long\s+as|provided|providing|only|when|whenever|once|subject\s+to"
    r"|conditions?|conditional|depend\w*|requir\w*|must|eligible|qualif\w*|may|might|could"
    r"|can|possibly|sometimes|usually|typically|generally)\b",
    re.I,
)
CONDITION_WORDS = 2  # content words a condition must have to be one a claim can drop
CONDITION_KEPT = 0.5  # the share of them that says the claim keeps it in other words


# what a restriction gives or asks of the people it names: a benefit, a charge, a right
_BENEFIT = (
    r"receive|get|gets|qualify|qualifies|pay|pays|earn|save|claim|be\s+(?:eligible|charged"
    r"|offered|given|entitled|exempt|refunded|reimbursed|able|allowed|required)|are\s+(?:eligible"
    r"|entitled|exempt|charged|offered|given|required)"
)
# a restriction on who gets what a sentence says: "Members who have the heater installed
# before June 30 will also receive a $200 bonus" (`read-44`): the people, the restriction,
# and the main clause from its verb
_RESTRICTED = re.compile(
    r"\b(?P<who>[a-z]+s|those|anyone|people)\s+(?:who|whose)\s+(?P<restriction>[^,;.]+?)\s+"
    r"(?P<verb>(?:(?:will|would|can|could|may|must|also|then|each|still)\s+){0,3}"
    rf"(?:{_BENEFIT})\b[^,;.]*)",
    re.I,
)


def _conditions(sentence: str) -> Iterator[tuple[str, str, str, bool, bool]]:
    """(its marker, the condition, the clause it conditions, whether it is an "if", whether
    it restricts who) of each condition a sentence puts on a statement: `_CONDITION` and its
    clause (see `unconditioned`), and `_RESTRICTED` with its people and main clause."""
    for m in _CONDITION.finditer(sentence):
        cond_end = clause_at(sentence, m.end(), m.end())[1]
        before = sentence[: m.start()].rstrip(" ,")
        if before and not before.endswith((";", ":")):
            # the last clause before it: "… on Monday, unless …"
            main = before[clause_at(before, len(before), len(before))[0] :]
        else:  # "If approved, the line will open in 2027", "…; if it exceeds three
            # hours, they will also receive a refund"
            main = sentence[cond_end : clause_at(sentence, cond_end + 1, cond_end + 1)[1]]
        yield m.group().strip(), sentence[m.end() : cond_end], main, bool(m["if"]), False
    for m in _RESTRICTED.finditer(sentence):
        if re.search(r"\d\s+$", sentence[: m.start()]):
            continue  # "The 2,400 nurses who walked off the job": which ones, no restriction
        yield f"{m['who']} who", m["restriction"], f"{m['who']} {m['verb']}", False, True


def _restated_who(clause: str, sentence: str) -> bool:
    """Whether a claim's clause names its people in words of its own before its verb ("Seniors
    will receive" of "Residents who are 65 or older will receive"), or points back to them
    ("Those members"): a content word there the sentence lacks, or a demonstrative."""
    verb = re.search(rf"\b(?:{_BENEFIT})\b", clause, re.I)
    who = clause[: verb.start()] if verb else clause
    if re.search(r"\b(?:those|these|such|that|this)\b", who, re.I):
        return True
    return bool(set(content_words(who)) - set(content_words(sentence)) - _EVERYONE)


_EVERYONE = frozenset(content_words("everyone everybody anyone anybody all every each people"))


def _stem_shared(text: str, other: str) -> bool:
    """Whether a content word of `text` and one of `other` share their first four letters
    ("autom" / "autopay", "combat" / "combat")."""
    return bool({w[:4] for w in content_words(text)} & {w[:4] for w in content_words(other)})


def conditioned(passages: Sequence[str]) -> list[int]:
    """The indices of the passages that put a condition on a statement (`_CONDITION`,
    `_RESTRICTED`): read once a check, for `unconditioned`."""
    return [
        n
        for n, passage in enumerate(passages)
        if _CONDITION.search(passage) or _RESTRICTED.search(passage)
    ]


def unconditioned(
    claim: str, units: Sequence[Unit], bm25: BM25, holding: Sequence[int] | None = None
) -> str | None:
    """The condition a context sentence puts on what a claim's clause restates ("as long as
    the gauge stays above 70 centimetres" on "allowing two-way traffic during daylight hours",
    `read-43`; "Members who have the heater installed before June 30" on "will also receive a
    $200 early-adopter bonus", `read-44`) when the claim states it without: no word of a
    condition or a hedge (`_CONDITIONED`) and under `CONDITION_KEPT` of the condition's
    content words. The conditioned clause is the sentence's clause before the condition, or
    after it when the condition opens the sentence ("If approved, the line will open in
    2027"), or the people and the verb after a restriction; the claim's clause must hold
    `RESTATED` of its content words, and both must say "will" where the condition is an
    "if". None otherwise: for a condition of under `CONDITION_WORDS` content words ("if
    needed"), and for one another sentence says was met ("the state approved the funding").
    The engine leaves records alone: their reviews judge under conditions ("perfect if
    you've never thrown a punch") that an overview drops."""
    if not units or _CONDITIONED.search(claim):
        return None
    passages = [u.text for u in units]
    holding = conditioned(passages) if holding is None else holding
    for start, end in clauses(claim):
        clause = claim[start:end]
        if len(content_words(clause)) < CONDITION_WORDS or not any(
            covered(clause, passages[n]) >= RESTATED for n in holding
        ):
            continue  # most claims: no sentence with a condition restates them
        best = restated_in(clause, passages, bm25)
        if best is None or best not in holding:
            continue
        sentence = passages[best]
        for marker, condition, main, on_if, restricts in _conditions(sentence):
            if len(content_words(condition)) < CONDITION_WORDS:
                continue
            if on_if and not (_WILL.search(main) and _WILL.search(clause)):
                continue
            if (
                covered(main, clause) >= RESTATED
                # a negated clause is another statement: "passengers are not allowed on
                # Class 3 e-bikes unless …" of "you're old enough to ride a Class 3 e-bike"
                and has_negation(main) == has_negation(clause)
                and covered(condition, claim) < CONDITION_KEPT
                # a restriction kept in a word of its own ("Autopay customers get $5 off" of
                # "Customers who enroll in automatic payments will get …"), or said in other
                # words before the people ("Seniors", "long-serving employees", "Those members")
                and not (
                    restricts
                    and (_stem_shared(condition, clause) or _restated_who(clause, sentence))
                )
                # the condition met in another sentence: "On Thursday, the state approved the
                # funding in full."
                and not any(
                    covered(condition, other) >= RESTATED
                    for n, other in enumerate(passages)
                    if n != best
                )
            ):
                return marker
    return None
