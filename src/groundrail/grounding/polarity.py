"""A comparison or a direction reversed: "a cappuccino tastes milder" of a passage saying it
"tastes stronger"; "fares fell" of "fares rose"; "One motorist was injured" of "No one was
injured" (`denied`); "the driver was hospitalized" of "The driver, who was not hurt, …"
(`spared`); "is supported on this model" of "is not supported on this model" (`unnegated`).

Answers over passages and summaries keep the source's words and flip the one that carries the
direction, and the model entails such claims: every other word is the source's. The rule: a
claim's word of direction or degree (`_OPPOSITES`: "stronger" / "milder", "rose" / "fell",
"approved" / "rejected", "male" / "female" …, and compass directions 90 degrees or more
apart: "northeast" / "northwest", not "north" / "northwest") fails the claim when the context
sentence that best matches the rest of its clause holds most of that clause's content words
(`lexical.restated_in`; or, for a clause whose subject another sentence names, every content
word of the word's own phrase), holds the word's opposite (in a clause that shares a content
word with the claim's clause) and no word of the word's own side ("declined" of "fell") in a
clause about the same thing (the "rose" of "…, while spawn clumps rose" is not the flows'),
and neither the
claim's clause nor the sentence's clause negates anything ("not as strong", "no longer rose": a
paraphrase may flip the word and negate it). "Fall" the season ("next fall") is no direction;
"more" / "fewer" are left out (a sentence says them of different things too often), but
"fewer" is the opposite of "larger" and "bigger" ("18% larger" of "18 percent fewer grapes").
A comparison whose two sides trade places with its opposite word is faithful ("a latte is
milder than a cappuccino" of "a cappuccino tastes stronger than a latte": the clause and the
sentence name a different side after "than" or "compared with"); with the same comparison word
it is reversed (`traded_sides`: "a latte tastes stronger than a cappuccino"). A span of time
turned the other way is reversed too (`reordered`: "two weeks before talks broke down" of
"two weeks after contract talks broke down"), and so is what the source says is not yet done
said as done already (`already`: "which has already committed it" of "which has not yet
committed the money"), and two figures compared in parentheses the other way round from the
claim's own word (`misordered`: "Fewer people stopped treatment … (7% vs 3%)").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from groundrail.grounding.attribution import capitalised
from groundrail.grounding.lexical import (
    BM25,
    PREFIX,
    RESTATED,
    STOPWORDS,
    affirmed,
    clause_at,
    clauses,
    content_words,
    covered,
    has_negation,
    restated_in,
)
from groundrail.grounding.numbers import small_number
from groundrail.grounding.windows import Unit

# Pairs of words of opposite direction, each side with its inflections; a word's opposite is
# any word of the other side.
_PAIRS = (
    ("stronger strong", "milder mild weaker weak"),
    ("higher", "lower"),
    ("rose rise rises rising risen increased increase increases increasing",
     "fell fall falls falling fallen decreased decrease decreases decreasing declined decline "
     "declines dropped drop drops"),
    ("larger bigger", "smaller fewer"),  # "18% larger" of "18 percent fewer grapes" (read-47)
    ("faster quicker", "slower"),
    ("earlier", "later"),
    ("cheaper", "costlier pricier"),
    ("older", "younger newer"),
    ("longer", "shorter"),
    ("heavier", "lighter"),
    ("warmer hotter", "cooler colder"),
    ("better", "worse"),
    ("approved approve approves", "rejected reject rejects denied vetoed vetoes"),
    # consent given or withheld: "declined to waive" of "agreed to waive" (read-51)
    ("agreed agrees accepted accepts", "refused refuses declined declines rejected rejects"),
    ("won", "lost"),
    ("allowed allows permitted permits", "banned bans prohibited prohibits forbidden forbids"),
    ("majority", "minority"),
    # how often: "Serious allergic reactions are also common" of "… are rare" (read-54)
    ("common frequent", "rare uncommon infrequent"),
    ("maximum", "minimum"),
    ("expanded expand expands", "reduced reduce reduces cut cuts shrank"),
    ("gained gain gains", "lost loses"),
    ("positive", "negative"),
    ("above", "below"),
    ("male males", "female females"),
    ("men boys", "women girls"),
    ("home", "away"),  # "a 3-0 away defeat" of "a 3-0 home defeat" (read-41)
    ("upstream", "downstream"),  # "a walkway on the upstream side" (read-49)
    ("northbound", "southbound"),
    ("eastbound", "westbound"),
    ("inbound", "outbound"),
)  # fmt: skip
_OPPOSITES: dict[str, frozenset[str]] = {}
_SAME_SIDE: dict[str, frozenset[str]] = {}  # a word's side: "fell" with "declined", "dropped"
for _one, _other in _PAIRS:
    for _side, _opposite in ((_one, _other), (_other, _one)):
        for _word in _side.split():
            _OPPOSITES[_word] = _OPPOSITES.get(_word, frozenset()) | frozenset(_opposite.split())
            _SAME_SIDE[_word] = _SAME_SIDE.get(_word, frozenset()) | frozenset(_side.split())


# Compass directions, as (east, north) steps: two are opposed when they lie 90 degrees or more
# apart ("northeast" / "northwest", "north" / "east"), of a side when less ("north" of
# "northwest": a rounding); each with its adjective and adverbs ("northwestern", "eastward",
# "eastwards")
def _compass_forms(direction: str) -> tuple[str, ...]:
    """A compass direction's words: "east", "eastern", "eastward", "eastwards"."""
    return (direction, direction + "ern", direction + "ward", direction + "wards")


_COMPASS = {
    "north": (0, 1),
    "northeast": (1, 1),
    "east": (1, 0),
    "southeast": (1, -1),
    "south": (0, -1),
    "southwest": (-1, -1),
    "west": (-1, 0),
    "northwest": (-1, 1),
}
for _word, (_east, _north) in _COMPASS.items():
    _sides = [_w for _w, (_e, _n) in _COMPASS.items() if _e * _east + _n * _north > 0]
    _opposed_to = [_w for _w in _COMPASS if _w not in _sides]
    for _form in _compass_forms(_word):
        _OPPOSITES[_form] = frozenset(f for w in _opposed_to for f in _compass_forms(w))
        _SAME_SIDE[_form] = frozenset(f for w in _sides for f in _compass_forms(w))
# The days of the week, each the opposite of the others: "waited 35 minutes on a Saturday" of a
# review's "on a Friday". A sentence that names two days or a group of them ("Monday through
# Friday", "weekends", "daily") says nothing against a third (`_many_days`), and a day some
# sentence names alone may be the claim's (`_day_said`).
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
for _day in _DAYS:
    _OPPOSITES[_day] = frozenset(f"{d}{s}" for d in _DAYS if d != _day for s in ("", "s"))
    _OPPOSITES[f"{_day}s"] = _OPPOSITES[_day]
    _SAME_SIDE[_day] = _SAME_SIDE[f"{_day}s"] = frozenset({_day, f"{_day}s"})
_DAY_GROUPS = frozenset({"weekend", "weekends", "weekday", "weekdays", "daily", "week"})


def _many_days(sentence: str) -> bool:
    """Whether a sentence names two days of the week or a group of days."""
    words = set(_WORD.findall(sentence.lower()))
    return len({w.removesuffix("s") for w in words} & set(_DAYS)) > 1 or bool(words & _DAY_GROUPS)


def _day_said(day: str, units: Sequence[Unit]) -> bool:
    """Whether a sentence of the context names the day alone (not among others: a record's
    hours name every day)."""
    side = _SAME_SIDE[day]
    return any(side & set(_WORD.findall(u.text.lower())) and not _many_days(u.text) for u in units)


# "fall" as the season: "next fall", "in the fall", "this fall semester"
# a compass word that opens a place's name: "West Virginia", "North Carolina" (FEVER dev)
_PLACE_NAMED = re.compile(r"(?:North|South|East|West)(?:ern)?\s+[A-Z]")
_SEASON = re.compile(r"\b(?:next|this|last|the|in|early|late|each|every)\s+fall\b", re.I)
_WORD = re.compile(r"[a-z]+")
# "more likely" / "less likely": "more" and "less" before the same word of degree (not "the
# more …, the less …", nor "exercised more reported less")
_DEGREE_WORDS = """likely common effective important popular frequent frequently often
    difficult dangerous risky accurate efficient severe stable crowded affordable reliable
    productive sensitive vulnerable prone costly expensive useful harmful active aggressive
    profitable competitive"""
# a quantity after "than": "more than 20", "more than half", "less than twice as long"
_QUANTITY = (
    r"(?:[\d$\u00a3\u20ac]|half\b|twice\b|double\b|triple\b|thrice\b|once\b|several\b"
    r"|(?:a|one|two|three|four|five|six|seven|eight|nine|ten|a\s+few)\s+(?:\w+\s+)?(?:third"
    r"|quarter|half|decade|dozen|hundred|thousand|million|year|month|week|day|hour|minute"
    r"|times|percent)|one\b|two\b|three\b|four\b|five\b|six\b|seven\b|eight\b|nine\b|ten\b)"
)
# "more likely" / "less likely", and "more than" / "less than" of a thing, not a quantity ("a
# little more than downtown" of "a little less than the downtown places", read-44)
_MORE_OR_LESS = re.compile(
    rf"(?<!the )\b(more|less)\s+({'|'.join(_DEGREE_WORDS.split())}|than(?!\s+{_QUANTITY}))\b"
)
# a price compared in words, as the word of `_PAIRS` that says it
_PRICED = (
    (re.compile(r"\bless\s+expensive\b|\b(?<=cost\s)less\b|\b(?<=costs\s)less\b", re.I), "cheaper"),
    (re.compile(r"\bmore\s+expensive\b|\b(?<=cost\s)more\b|\b(?<=costs\s)more\b", re.I), "pricier"),
)


def _priced(text: str) -> str:
    """The text with a price compared in words as one word: "cost less" -> "cost cheaper",
    "more expensive" -> "pricier"."""
    for pattern, word in _PRICED:
        text = pattern.sub(word, text)
    return text


_LEADS = r"(?:(?:a|an|the|its|their|in|at|on|with|for|among|by|from|of|to)\s+)*"
_THAN = re.compile(rf"\b(?:than|compared\s+(?:with|to))\s+{_LEADS}([a-z]+)", re.I)
# comparatives in -er (not "counter", "cancer", "quarter" before a "than")
_COMPARATIVES = """larger smaller bigger higher lower faster slower quicker longer shorter older
    younger newer cheaper pricier costlier greater stronger weaker milder better worse heavier
    lighter warmer colder hotter cooler earlier later easier harder safer riskier wider narrower
    deeper shallower richer poorer busier quieter louder healthier happier wealthier taller
    thicker thinner lesser fewer"""
# a comparison and its second side: "stronger than a latte", "more expensive than the bus"
_COMPARED = re.compile(
    rf"\b((?:more|less)\s+[a-z]+|{'|'.join(_COMPARATIVES.split())})\s+than\s+{_LEADS}([a-z]+)",
    re.I,
)
_NO_COMPARISON = frozenset({"rather", "other", "never", "under", "over", "after", "either"})


def reversed_word(claim: str, units: Sequence[Unit], bm25: BM25) -> str | None:
    """The claim's word of direction or degree ("milder") when the context sentence that
    restates the rest of its clause (`bm25` ranks `units`) says the opposite ("stronger")
    and not the word (see the module doc); None otherwise. A price compared in words is
    read as its word ("costs less" and "less expensive" as "cheaper"), and "more" / "less"
    before one word as opposites ("more likely" / "less likely")."""
    if not units:
        return None
    claim = _priced(claim)
    passages = [u.text for u in units]
    for word in _MORE_OR_LESS.finditer(claim.lower()):
        found = _restating(claim, word, passages, bm25)
        if found is None:
            continue
        start, end, about, sentence = found
        sentence = sentence.lower()
        if re.search(rf"\b{word.group()}\b", sentence) or _traded(claim[start:end], sentence):
            continue
        if word.group(2) == "than" and re.search(rf"\b{word.group(1)}\b", sentence):
            continue  # "relies less than the original on stealth, and more on combat"
        if not _THAN.search(claim, start, end):
            continue  # no second side: "men were more likely" of "women were less likely"
        opposite = re.compile(
            rf"(?<!the )\b{'less' if word.group(1) == 'more' else 'more'}\s+{word.group(2)}\b"
        )
        parts = [sentence[i:j] for i, j in clauses(sentence)]
        if _opposed([part for part in parts if opposite.search(part)], about, claim[start:end]):
            return word.group()
    for word in _WORD.finditer(claim.lower()):
        opposites = _OPPOSITES.get(word.group())
        if (
            opposites is None
            or word.group() == "fewer"  # "fewer seats" of "larger seats": a count, a size
            or _SEASON.search(claim, max(0, word.start() - 12), word.end())
            or _PLACE_NAMED.match(claim, word.start())  # "West Virginia borders Maryland"
        ):
            continue
        both = re.compile(rf"(?:{'|'.join(opposites)})(?:s|d|ed|ing)?")
        if any(both.fullmatch(other) for other in _WORD.findall(_SEASON.sub("", claim).lower())):
            continue  # both ways in one claim: "higher altitude lowers the boiling point"
        found = _restating(claim, word, passages, bm25) or _phrase_restated(
            claim, word, passages, bm25
        )
        if found is None:
            continue
        start, end, about, sentence = found
        parts = [_SEASON.sub("", sentence[i:j]) for i, j in clauses(sentence)]
        near = _near(claim, word.start(), word.end(), start, end)
        if any(
            _SAME_SIDE[word.group()] & set(_WORD.findall(part.lower()))
            and (not near or near & set(content_words(part)))
            for part in parts
        ):
            continue  # the word or one of its side ("declined" of "fell"), of the same thing
        if word.group().removesuffix("s") in _DAYS and (
            _many_days(sentence) or _day_said(word.group(), units)
        ):
            continue  # "on Saturday" of "open Monday through Friday", or of another sentence
        # the opposite, not negated, in a clause of the sentence about the same thing: not
        # "the largest gain of any industry" beside "manufacturing shed 700 jobs"
        saying = [
            part
            for part in parts
            if opposites & set(_WORD.findall(part.lower())) and _counted(part, claim[start:end])
        ]
        if not _opposed(saying, about, claim[start:end]):
            continue
        if all(_traded(claim[start:end], part) for part in saying):
            # the two sides trade places: "milder than a cappuccino"; read in each clause that
            # holds the opposite ("his quote was higher than a chain shop's, but he agreed to
            # match it" says nothing of a side of "refused", read-51)
            continue
        return claim[word.start() : word.end()]
    return None


# two figures compared in parentheses, the claim's side first: "(7% vs 3%)" (a signed one,
# "(-1.2 vs -0.3)", a fall compared, is none)
_FIGURE_PAIR = re.compile(
    r"\(\s*(?P<a>\d+(?:\.\d+)?)\s*(?:%|percent)?(?P<label>\s*(?:mg|mcg|ml|iu)\b)?"
    r"[^\d()-]{0,12}?\s+(?:vs\.?|versus|compared\s+(?:with|to))\s+(?P<b>\d+(?:\.\d+)?)",
    re.I,
)
# a word of comparison that names no higher side: a bound ("by more than a third", "less
# than 5"), a manner ("grew more slowly")
_NOT_COMPARING = re.compile(
    r"\s+(?:than\s+(?:\d|a\b|an\b|half|one|two|three|four|five|ten)|[a-z]+ly\b)", re.I
)
_COMPARATIVE = re.compile(
    r"\b(?:fewer|less|lower|smaller|shorter|cheaper|more|higher|greater|larger|longer|bigger)\b",
    re.I,
)
_LOW_SIDE = frozenset("fewer less lower smaller shorter cheaper".split())  # noqa: SIM905


def misordered(claim: str) -> str | None:
    """The claim's word of comparison when the two figures it gives after it in parentheses
    (`_FIGURE_PAIR`), its side's first, say the other way round ("Fewer people stopped
    treatment because of side effects on relamitide (7% vs 3%)", `read-50`); the last such
    word before them in their clause decides, unless it names no higher side
    (`_NOT_COMPARING`), and doses compared ("(5 mg vs 10 mg)") are the arms' labels. None
    otherwise. The claim contradicts itself:
    the model reads its words, the source's, as entailed."""
    for pair in _FIGURE_PAIR.finditer(claim):
        if pair["label"]:
            continue  # "(5 mg vs 10 mg)": the two arms' doses, not what is compared
        before = re.split(r"[;)]", claim[: pair.start()])[-1]
        words = list(_COMPARATIVE.finditer(before))
        a, b = float(pair["a"]), float(pair["b"])
        if (
            not words
            or a == b
            or _NOT_COMPARING.match(before, words[-1].end())
            or has_negation(before[max(0, words[-1].start() - 12) : words[-1].start()])
        ):
            continue  # "by more than a third", "grew more slowly", "was not higher"
        if (a < b) != (words[-1].group().lower() in _LOW_SIDE):
            return words[-1].group()
    return None


# a span of time before or after an event: "two weeks before talks broke down"
_SPAN_ORDER = re.compile(
    r"\b(?P<count>\d+|a\s+few|several|a|an|one|two|three|four|five|six|seven|eight|nine|ten)"
    r"\s+(?P<unit>minute|hour|day|night|week|month|year|decade)s?"
    r"\s+(?P<order>before|after|earlier|later)\b",
    re.I,
)
_ORDER = {"before": "before", "earlier": "before", "after": "after", "later": "after"}


# what a claim says has already happened, and what a sentence says has not yet
_ALREADY = re.compile(r"\balready\s+(?:been\s+)?(?P<verb>[a-z]{4,})\b", re.I)
_NOT_YET = re.compile(
    r"(?:\bnot\s+yet|n['\u2019]t\s+yet|\byet\s+to|\bstill\s+(?:has|have|had)\s+not"
    r"|\bhas\s+still\s+not|\bstill\s+(?:needs?|has|have)\s+to"  # "still needs to secure"
    # only meant: "intends to file an appeal", "they're planning to start a gluten-free
    # loaf this fall" (read-51), "will open"
    r"|\b(?:plans?|planning|intends?|intending|hopes?|hoping|aims?|aiming|expects?|expecting"
    r"|(?:is|are)\s+(?:set|scheduled|due|going))\s+to|\bwill)"
    r"\s+(?:been\s+|be\s+)?(?P<verb>[a-z]{3,})\b",
    re.I,
)
_TO_BEFORE = re.compile(r"\bto\s+$")
# a verb in the past, simple or perfect: "filed", "has added"; not a participle before its noun
# ("a renewed five-year sponsorship", `read-48`) nor a present passive ("is funded by" of "will
# be funded by")
_ATTRIBUTIVE = "".join(
    rf"(?<!\b{w} )"
    for w in (
        *("a", "an", "the", "its", "their", "his", "her", "our", "this", "that", "newly"),
        *("is", "are", "am", "be", "being", "been"),
    )
)
_DONE = re.compile(
    r"\b(?:(?:has|have|had)\s+(?:now\s+)?(?=[a-z]{3,}\b)"
    rf"|{_ATTRIBUTIVE}(?=[a-z]{{3,}}ed\b))(?P<verb>[a-z]{{3,}})\b"
)
# a claim that says a plan, a hope or a chance of its own
_PLAN_IN_CLAIM = re.compile(
    r"\b(?:will|would|shall|may|might|could|should|can|plans?|planned|planning|intends?|intended"
    r"|expects?|expected|hopes?|hoped|aims?|aimed|scheduled|set\s+to|going\s+to|proposed?"
    r"|soon|next|upcoming|future|yet|still)\b|['\u2019]ll\b",
    re.I,
)
ALREADY_RESTATED = 0.5  # of the claim's content words, in the sentence that says "not yet"


def already(claim: str, units: Sequence[Unit], bm25: BM25) -> str | None:
    """The claim's "already <verb>" when the context sentence that matches it best
    (`ALREADY_RESTATED` of its content words) says the same verb has not yet happened, in a
    clause that restates the claim's ("the city, which has already committed it" of "… from
    the city, which has not yet committed the money", `read-48`; "yet to approve", "still has
    not signed", "hasn't yet paid"), or has only planned ("has already filed an appeal" of
    "intends to file an appeal", `read-51`; "plans to", "will"); and so a verb in the past
    ("filed", "has added") in a claim that says no plan, hope or chance of its own
    (`_PLAN_IN_CLAIM`: "The defendant's lawyer filed a motion to dismiss" of "intend to file
    a motion to dismiss", a review helper's). The verb is matched by `_same_verb`, and the
    claim's subject by its words or, said otherwise, its names. None otherwise, and when
    the sentence says the verb was done too (of another thing). The clause alone says too
    little to be restated, and the model entails the claim, every other word being the
    sentence's."""
    if not units or has_negation(claim):
        return None
    found = _ALREADY.search(claim)
    candidates = (
        [found] if found else [] if _PLAN_IN_CLAIM.search(claim) else list(_DONE.finditer(claim))
    )
    if not candidates:
        return None
    passages = [u.text for u in units]
    best = max(range(len(passages)), key=bm25.scores(claim).__getitem__)
    if covered(claim, passages[best]) < ALREADY_RESTATED:
        if found is None:
            return None
        # the "already" clause alone: "It has already secured track slots …, and tickets
        # will go on sale once they are confirmed" says the rest from another sentence
        # (read-53)
        clause = claim[slice(*clause_at(claim, found.start(), found.end()))]
        best = max(range(len(passages)), key=bm25.scores(clause).__getitem__)
        if covered(clause, passages[best]) < ALREADY_RESTATED:
            return None
    sentence = passages[best]
    pending = list(_NOT_YET.finditer(sentence))
    if not pending:
        return None
    pending_at = {m.start("verb") for m in pending}
    for done in candidates:
        if _done_of(done, claim, sentence, pending, pending_at):
            return done.group()
    return None


def _done_of(
    done: re.Match[str],
    claim: str,
    sentence: str,
    pending: list[re.Match[str]],
    pending_at: set[int],
) -> bool:
    """Whether the claim's verb done (`already`) is one the sentence says is pending, in a
    clause that restates the claim's."""
    verb = done["verb"].lower()
    if any(
        _same_verb(verb, w.group().lower())
        for w in re.finditer(r"\b[a-z]{3,}\b", sentence)
        if w.start() not in pending_at and not _TO_BEFORE.search(sentence, 0, w.start())
    ):
        # done too, of another thing: "has already approved the design but has not yet
        # approved the funding", "has not yet released the full report, though it released a
        # summary"
        return False
    start, end = clause_at(claim, done.start(), done.end())
    subject = claim[start : done.start()]  # "Germany has" of "France has not yet"
    # not "already", nor the verb when more follows ("filed an appeal" of "to file an
    # appeal": `_same_verb` matches the verb)
    rest = claim[done.end() : end]
    clause = subject + (rest if content_words(rest) else claim[done.start("verb") : end])
    for not_yet in pending:
        begin, stop = clause_at(sentence, not_yet.start(), not_yet.end())
        if (
            _same_verb(verb, not_yet["verb"].lower())
            and covered(clause, sentence[begin:stop]) >= RESTATED
            and (
                not content_words(subject)
                or covered(subject, sentence[begin : not_yet.start()]) >= RESTATED
                # "Maya told them the bakery has" of "Maya said they're planning to": its
                # names the sentence's, "the bakery" called "they"
                or (
                    (names := capitalised(subject))
                    and all(
                        re.search(rf"\b{re.escape(n)}\b", sentence[begin : not_yet.start()])
                        for n in names
                    )
                )
            )
        ):
            return True
    return False


def _same_verb(one: str, other: str) -> bool:
    """Whether two forms are one verb's: their first `PREFIX` letters, or the shorter one's
    whole ("signed" / "sign", "voted" / "vote")."""
    n = min(PREFIX, len(one), len(other))
    return one[:n] == other[:n]


def _span(m: re.Match[str]) -> tuple[str, str]:
    """A `_SPAN_ORDER` span of time as one key: "three days" and "3 day" are ("3", "day")."""
    count = " ".join(m["count"].lower().split())
    return str(small_number(count) or count), m["unit"].lower()


def reordered(claim: str, passages: Sequence[str], bm25: BM25) -> str | None:
    """The words of a claim that put a span of time on one side of an event ("two weeks
    before talks broke down") when the context sentence restating the claim's clause (read
    without the words) puts the same span on the other side of the same event (`_anchor`:
    "two weeks after contract talks broke down", `read-44`) and nowhere on the claim's side;
    None otherwise ("production stopped two days before the recall" of "the recall came two
    days after production stopped" names the other event). The model reads the two as one:
    every other word is the source's."""
    for m in _SPAN_ORDER.finditer(claim):
        start, end = clause_at(claim, m.start(), m.end())
        without = claim[start : m.start()] + claim[m.end() : end]
        best = restated_in(claim[start:end], passages, bm25, compared=without)
        if best is None:
            continue
        sentence = passages[best]
        anchor = _anchor(claim, m.end())
        # an anchor that names no event ("20 minutes before that") is the sentence's, when
        # what comes before it is the sentence's too ("its solar arrays unfolded about")
        bare = not content_words(anchor)
        sides = {
            _ORDER[o["order"].lower()]
            for o in _SPAN_ORDER.finditer(sentence)
            if _span(o) == _span(m)
            and (
                (bare and covered(claim[start : m.start()], _event_before(sentence, o)) >= RESTATED)
                or (
                    covered(_anchor(sentence, o.end()), anchor) >= RESTATED
                    # the claim's anchor is not the sentence's other event: "The House passed the
                    # bill two days before the Senate passed the bill" of "The Senate passed the
                    # bill two days after the House passed the bill"
                    and covered(anchor, sentence[: o.start()])
                    < covered(anchor, _anchor(sentence, o.end()))
                )
            )
        }
        if sides and _ORDER[m["order"].lower()] not in sides:
            return m.group()
    return None


def _event_before(sentence: str, span: re.Match[str]) -> str:
    """The event a span of the sentence is said of: its clause up to the span ("crews
    restored power to Mercy Hospital" of "…, and crews restored power to Mercy Hospital two
    hours later"), not the sentence's other event."""
    return sentence[clause_at(sentence, span.start(), span.start())[0] : span.start()]


def _anchor(text: str, end: int) -> str:
    """The event a span of time ending at text[end] is measured from: the rest of its clause
    ("talks broke down" of "two weeks after talks broke down")."""
    return text[end : clause_at(text, end, end)[1]]


def _restating(
    claim: str, word: re.Match[str], passages: list[str], bm25: BM25
) -> tuple[int, int, set[str], str] | None:
    """For a word of the claim: its clause's (start, end), the content words of the clause's
    rest, and the context sentence (price words read as one, `_priced`) that restates that
    rest, read without who reports it and how (`_REPORTER`); None when the rest says too
    little (under two content words), the clause negates anything, or no sentence restates
    it."""
    start, end = clause_at(claim, word.start(), word.end())
    rest = claim[start : word.start()] + claim[word.end() : end]
    if len(content_words(rest)) < 2 or has_negation(claim[start:end]):
        return None
    best = restated_in(rest, passages, bm25, _REPORTER.sub(" ", rest))
    if best is None:
        return None
    return start, end, set(content_words(rest)), _priced(passages[best])


# who reports a review's words and how, which the review itself does not say: "which the
# customer found noticeably more expensive than a nearby FedEx Office" of "it was noticeably
# cheaper than the FedEx Office a few blocks away" (read-53)
_REPORTER = re.compile(
    r"\b(?:(?:one|another|the|a|that|this)\s+)?(?:customer|reviewer|diner|guest|visitor|patron"
    r"|client|shopper)s?\b|\b(?:found|felt|thought|said|says|noted|called|described|nearby)\b",
    re.I,
)


# the content words before a word that its phrase holds, and the fewest of a phrase read
# without its clause
NEAR_WORDS = 3
# a verb that frames the change it reports, where the changed thing's phrase begins: "the
# trial saw flows rise", "found that flows fell"
_FRAMING = re.compile(r"\b(?:saw|sees?|seen|found|finds?|showed|shows?|shown|reported)\b", re.I)
# where one thing's phrase in a list of changes ends: "flows rise about 30% and spawn clumps
# rise from 12 to over 500"
_PHRASE_END = re.compile(r"[,;]|\s(?:and|while|whereas|but)\s")


def _near(claim: str, begin: int, stop: int, start: int, end: int) -> set[str]:
    """The content words of the phrase around the claim's word at `begin`:`stop`, within its
    clause (`start`:`end`) and between the list's joins (`_PHRASE_END`) or after a verb that
    frames it (`_FRAMING`), the last `NEAR_WORDS` before it: "peak flood flows … about 30%"
    of "saw peak flood flows rise about 30% and frog and toad spawn clumps rise from 12 to
    over 500" (`read-49`: the sentence's "rose" is said of the clumps)."""
    before = claim[start:begin]
    joins = [*_PHRASE_END.finditer(before), *_FRAMING.finditer(before)]
    before = before[max(j.end() for j in joins) :] if joins else before
    after = claim[stop:end]
    after = after[: m.start()] if (m := _PHRASE_END.search(after)) else after
    return set(content_words(before)[-NEAR_WORDS:] + content_words(after))


def _phrase_restated(
    claim: str, word: re.Match[str], passages: list[str], bm25: BM25
) -> tuple[int, int, set[str], str] | None:
    """As `_restating`, for a clause no sentence restates (its subject is another
    sentence's): the context sentence that holds every content word of the word's phrase
    (`_near`, `NEAR_WORDS` of them at least): "saw peak flood flows rise about 30%" of
    "peak flood flows downstream fell by about 30%", the trial being named a sentence
    before (`read-49`)."""
    start, end = clause_at(claim, word.start(), word.end())
    near = _near(claim, word.start(), word.end(), start, end)
    if len(near) < NEAR_WORDS or has_negation(claim[start:end]):
        return None
    scores = bm25.scores(" ".join(sorted(near)))
    best = max(range(len(passages)), key=scores.__getitem__)
    if not near <= set(content_words(passages[best])):
        return None
    return start, end, near, _priced(passages[best])


def _counted(part: str, clause: str) -> bool:
    """Whether a clause of the sentence that says "fewer" says it of a thing the claim's
    clause names ("fewer grapes" of "the grape harvest was larger", not "four fewer teachers"
    of "classes will be bigger", nor "fewer" of nothing the clause names: "bought fewer but
    longer buses"); any other clause is."""
    if not re.search(r"\bfewer\b", part, re.I):
        return True
    fewer = re.search(r"\bfewer\s+([a-z]+)", part.lower())  # none: "fewer but longer buses"
    return fewer is not None and bool(
        set(content_words(fewer.group(1))) & set(content_words(clause))
    )


def _opposed(parts: list[str], about: set[str], clause: str) -> bool:
    """Whether one of the sentence's clauses that say the opposite (`parts`) says it of the
    same thing (a content word of `about`), not negated, and not of the claim's second side
    (`_of_second_side`)."""
    return any(
        about & set(content_words(part))
        and not has_negation(part)
        and not _of_second_side(part, clause)
        for part in parts
    )


def _of_second_side(part: str, clause: str) -> bool:
    """Whether a clause of the sentence says its opposite of the claim's second side: "less
    active in the evenings" of "more active in the mornings than in the evenings", "less
    common with the 10 mg dose" of "more common with the 40 mg dose than with the 10 mg dose"
    (the side's words all in the clause, outside a "than" of its own)."""
    than = _THAN_WORD_AT.search(clause)
    if than is None:
        return False
    side = _second_side(clause[than.end() :])
    own = _THAN_WORD_AT.split(part, maxsplit=1)[0]
    words = {w for t in _TOKEN.findall(own.lower()) for w in content_words(t) or [t]}
    return bool(side) and set(side) <= words


def _traded(clause: str, sentence: str) -> bool:
    """Whether a claim's clause may compare the other way round from the sentence: it names
    another second side after "than" ("milder than a cappuccino" of "stronger than a
    latte"), or none while its own words hold the sentence's ("Premium seats cost more" of
    "regular seats are cheaper than premium seats")."""
    theirs, ours = _THAN.search(sentence), _THAN.search(clause)
    if theirs is None:
        return False
    if ours is not None:
        # one side, an adjective before it or not ("than a nearby FedEx Office" of "than the
        # FedEx Office a few blocks away", read-53)
        return not (
            set(content_words(theirs.group(1))) & _side_words(clause, ours)
            or set(content_words(ours.group(1))) & _side_words(sentence, theirs)
        )
    return bool(set(content_words(theirs.group(1))) & set(content_words(clause)))


SIDE_WORDS = 3  # the content words after "than" that name a comparison's second side


def _side_words(text: str, than: re.Match[str]) -> set[str]:
    """The first `SIDE_WORDS` content words of a comparison's second side."""
    return set(content_words(text[than.start(1) :])[:SIDE_WORDS])


# what stands before a comparison's other side: "than the 2024 budget", "than in 2019",
# "than does Denver", "than those in Boston", "than that of Ohio"
_SIDE_LEAD = frozenset(
    """a an the its their his her our in at on of for does do did is are was were those that
    it they with among by from to than""".split()  # noqa: SIM905
)
# where a comparison's first side starts at the latest: "…, while women were more likely"
_SIDE_CUT = re.compile(r";|,\s+(?:while|whereas|but|though|although|yet)\b|\s+(?:while|whereas)\s")
_THAN_WORD_AT = re.compile(r"\bthan\b|\bcompared\s+(?:with|to)\b", re.I)
_TOKEN = re.compile(r"[a-z]+|\d+(?:[.,]\d+)*")


def _second_side(text: str) -> list[str]:
    """The first run of content words and numbers of `text` after its leading function words
    ("the 2024 budget to" -> ["2024", "budge"]), each cut as `lexical.content_words` cuts."""
    out: list[str] = []
    for token in _TOKEN.findall(text.lower()):
        word = content_words(token) if token[0].isalpha() else [token]
        if word:
            out += word
        elif out or token not in _SIDE_LEAD:
            break
    return out


def _comparisons(text: str, start: int, end: int) -> list[tuple[str, list[str], list[str]]]:
    """Each comparison of text[start:end] as (its word, its first side, its second side): the
    first side is the content words before it back to a turn of the sentence (`_SIDE_CUT`)
    or the comparison before it, the second the run after "than" (`_second_side`)."""
    out = []
    cut = start
    for m in _COMPARED.finditer(text, start, end):
        begin = max([cut, *(c.end() for c in _SIDE_CUT.finditer(text, start, m.start()))])
        before = text[begin : m.start()]
        first = [w for w in _TOKEN.findall(before.lower()) if w[0].isdigit()]
        second = _second_side(text[m.end(1) : end])
        out.append((m.group(1).lower(), content_words(before) + first, second))
        cut = m.end()
    return out


def traded_sides(claim: str, units: Sequence[Unit], bm25: BM25) -> str | None:
    """The claim's comparison ("stronger than a cappuccino") when the context sentence that
    restates its clause makes the same comparison with the two sides traded: "a latte tastes
    stronger than a cappuccino" of "a cappuccino tastes stronger than a latte". The sides are
    read as phrases: the claim's second side ("cappuccino") is all among the sentence's first
    (the content words of its clause before the comparison), the sentence's second ("latte")
    all among the claim's first, the two second sides differ, and no comparison of the
    sentence with the same word has the claim's order ("men were more likely than women …,
    while women were more likely than men …"), nor does any other sentence of the context
    ("In Britain, tea is more popular than coffee. In the US, coffee is more popular than
    tea."). Numbers are words of a side ("the 2025 budget
    is larger than the 2024 budget"). None otherwise, and when the claim's clause or the
    sentence negates anything ("not stronger than")."""
    passages = [u.text for u in units]
    for ours in _COMPARED.finditer(claim):
        word = ours.group(1).lower()
        if word in _NO_COMPARISON:
            continue
        start, end = clause_at(claim, ours.start(), ours.end())
        if has_negation(claim[start:end]):
            continue
        best = restated_in(claim[start:end], passages, bm25)
        if best is None or has_negation(units[best].text):
            continue
        mine = next(c for c in _comparisons(claim, start, end) if c[0] == word)
        sentence = units[best].text
        same = [c for c in _comparisons(sentence, 0, len(sentence)) if c[0] == word]
        stated = [c for u in units for c in _comparisons(u.text, 0, len(u.text)) if c[0] == word]
        if any(set(mine[2]) <= set(c[2]) and set(mine[1]) & set(c[1]) for c in stated):
            continue  # the context also says it the claim's way round ("In the US, …")
        for _, first, second in same:
            # the words the two second sides do not share ("rents" / "wages" of "… last year")
            ours_only, theirs_only = set(mine[2]) - set(second), set(second) - set(mine[2])
            if (
                ours_only
                and theirs_only
                and ours_only <= set(first)
                and theirs_only <= set(mine[1])
            ):
                return claim[ours.start() : ours.end()]
    return None


# what befalls people in the news, which "No one was …" denies: "No one was injured", "Nobody
# was hurt", "None of the passengers were hurt" (not "No injuries were reported", "No one was
# found in the house": boilerplate and searches, said beside what did befall someone)
_HARMS = r"(?:injured|hurt|killed|wounded|harmed|hospitali[sz]ed|arrested|charged|detained)"
_BEFELL = rf"(?:was|were|(?:has|have|had)\s+been|got)\s+({_HARMS})\b"
_DENIED = re.compile(rf"\b(?:no\s+one|nobody|none\s+of\s+(?:the\s+)?([a-z]+))\s+{_BEFELL}", re.I)
# the same said of a counted subject at the start of a clause: "One motorist was injured",
# "two people were hurt", "3 workers were killed", "A guard was injured"
_COUNTED = re.compile(
    r"(?:^|[,;:]\s+|\b(?:and|but|while|when|after)\s+)"
    r"((?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|an|several|many|some)"
    rf"\s+(?:[a-z]+\s+){{1,2}}?{_BEFELL})",
    re.I,
)
# each harm with the words that say it otherwise: "suffered minor injuries", "left three
# people dead", "had died of their wounds", "detained 12 people", "filed murder charges"
_HARM_WORDS = {
    "injur": r"injur\w*|hurt|wound\w*|harm\w*",
    "kill": r"kill\w*|died|dies|dead|death\w*|fatal\w*",
    "arrest": r"arrest\w*|detain\w*|custody",
    "charg": r"charg\w*",
    "hospitali": r"hospital\w*",
}
_HARM_OF = {
    "injured": "injur", "hurt": "injur", "wounded": "injur", "harmed": "injur",
    "killed": "kill", "arrested": "arrest", "detained": "arrest", "charged": "charg",
    "hospitalised": "hospitali", "hospitalized": "hospitali",
}  # fmt: skip


def denied(claim: str, passages: Sequence[str]) -> str | None:
    """The claim's counted subject and the harm that befell it ("One motorist was injured")
    when a sentence of the context says no one suffered it ("No one was injured."; "None of
    the officers …" only of officers), and no other sentence names that harm in any words
    ("No one was injured in the first explosion. One firefighter suffered minor injuries"):
    the model entails such a claim (0.81 against "No one was injured." and the sentence on
    the closure it joins). None otherwise, and for a claim that negates."""
    if has_negation(claim):
        return None
    befell = {_HARM_OF[m.group(2).lower()]: m for m in _COUNTED.finditer(claim)}
    if not befell:
        return None
    others = " ".join(p for p in passages if not _DENIED.search(p))
    for p in passages:
        for denial in _DENIED.finditer(p):
            harm = _HARM_OF[denial.group(2).lower()]
            counted = befell.get(harm)
            if counted is None or re.search(rf"\b(?:{_HARM_WORDS[harm]})", others, re.I):
                continue
            of = denial.group(1)  # "None of the officers": the claim's subject must be them
            if of is None or of.lower()[:5] in counted.group(1).lower():
                return counted.group(1)
    return None


# a person the context says came to no harm: "The driver, who was not hurt, …", "the two
# passengers were not injured", "the guard was unhurt", "the pilot escaped injury", and of a
# subject whose description runs between commas at the start of a sentence ("The driver, a
# 41-year-old man from Albany, New York, was not hurt"). Not "was not seriously hurt": some
# harm is said
_UNHARMED = (
    r"(?:(?:was|were|had\s+been|has\s+been)\s+(?:not|never)\s+"
    r"(?P<not>hurt|injured|harmed|wounded|hospitali[sz]ed|arrested|charged)"
    r"|(?:was|were)\s+(?:unhurt|uninjured|unharmed)"
    r"|escaped\s+(?:injury|unhurt|uninjured|unharmed)"
    r"|(?:did\s+not|didn't)\s+(?:suffer|sustain)\s+(?:any\s+)?injur\w*)\b"
)
_SPARED = (
    re.compile(rf"\b([a-z]{{3,}})(?:,?\s+who\s+|\s+){_UNHARMED}", re.I),
    re.compile(
        rf"(?:^|[.;]\s+)(?:the|a|an|his|her|its|their)\s+(?:[\w-]+\s+)?([a-z]{{3,}}),"
        rf"[^.;]{{1,80}}?,\s+{_UNHARMED}",
        re.I,
    ),
)
# what a denial of harm rules out: no hurt is also no stay in hospital and no death
_SPARES = {
    "hurt": ("injur", "hospitali", "kill"), "injured": ("injur", "hospitali", "kill"),
    "harmed": ("injur", "hospitali", "kill"), "wounded": ("injur", "hospitali", "kill"),
    "hospitalised": ("hospitali",), "hospitalized": ("hospitali",),
    "arrested": ("arrest",), "charged": ("charg",),
}  # fmt: skip
# a harm said of a subject in a claim: "the driver was hospitalized", "its driver, who was
# injured", "the driver suffered minor injuries", "the driver was taken to hospital"
_SUFFERED = (
    (re.compile(rf"\b([a-z]{{3,}})(?:,?\s+who\s+|\s+){_BEFELL}", re.I), None),
    (re.compile(r"\b([a-z]{3,})\s+(?:suffered|sustained)\s+[\w\s-]{0,30}?injur", re.I), "injur"),
    (
        re.compile(
            r"\b([a-z]{3,})\s+(?:was|were)\s+(?:taken|rushed|airlifted|flown)\s+to\s+"
            r"(?:a\s+|the\s+)?(?:[a-z]+\s+)?hospital",
            re.I,
        ),
        "hospitali",
    ),
)


# words that stand before a verb but name no one: "who", "and" …
_NO_SUBJECT = frozenset(
    {"who", "which", "that", "and", "but", "then", "also", "inside", "others", "other"}
)
# what makes a denial partial, or its noun another's object: "Other residents were not
# injured", "A second man who was with the victim was not hurt"
_PARTIAL = re.compile(
    r"\b(?:other|remaining|rest\s+of\s+the|with|of|by|to|for|at|from|near|behind|inside"
    r"|among)\s+(?:(?:the|a|an|his|her|its|their)\s+)?$",
    re.I,
)
# each harm in any words, for a denial some other sentence overrides: "suffered burns and
# was taken to Mercy Medical Center", "airlifted to a trauma center with head injuries"
# (`_HARM_WORDS`, with the words of injuries and their care)
_INJURY = (
    rf"{_HARM_WORDS['injur']}|burn\w*|broke\w*|fractur\w*|bruis\w*|cuts?|died|dead|death"
    rf"|kill\w*|{_HARM_WORDS['hospitali']}|medical\s+cent\w*|trauma|treated|airlift\w*"
    r"|critical|stitch\w*"
)
_IN_ANY_WORDS = {
    "injur": _INJURY, "hospitali": _INJURY, "kill": _INJURY,
    "arrest": _HARM_WORDS["arrest"], "charg": rf"{_HARM_WORDS['charg']}|indict\w*",
}  # fmt: skip


def spared(claim: str, passages: Sequence[str]) -> str | None:
    """The harm a claim says befell someone ("the driver was hospitalized") when a sentence of
    the context says that person came to no harm ("The driver, who was not hurt, told police
    …"; `_SPARED`), and no sentence says, in any words, that harm befell someone of that name
    beside the denial ("The driver was not hurt, but a passenger was injured" spares no
    passenger). The subject is matched by its first five letters ("passenger" of "passengers").
    The model entails "The driver was injured." of "The driver, who was not hurt, told police
    he had swerved" at 0.98 (and "hospitalized" is judged neutral). None otherwise, and for a
    claim that negates."""
    if has_negation(claim):
        return None
    suffered = [
        (
            m.group(1).lower()[:5],
            _modifier(claim, m.start(1)),
            harm or _HARM_OF[m.group(2).lower()],
            m.group(),
        )
        for pattern, harm in _SUFFERED
        for m in pattern.finditer(claim)
        if m.group(1).lower() not in _NO_SUBJECT
    ]
    if not suffered:
        return None
    for p in passages:
        for pattern in _SPARED:
            for denial in pattern.finditer(p):
                if denial.group(1).lower() in _NO_SUBJECT or _PARTIAL.search(p, 0, denial.start(1)):
                    continue
                said = (denial.group("not") or "hurt").lower()
                who, kind = denial.group(1).lower()[:5], _modifier(p, denial.start(1))
                rest = " ".join(
                    q if q is not p else q.replace(denial.group(), " ") for q in passages
                )
                for subject, modifier, harm, text in suffered:
                    if subject != who or harm not in _SPARES[said]:
                        continue
                    if modifier and kind and modifier != kind:
                        continue  # "the sedan driver" of "The truck driver … was not hurt"
                    if re.search(rf"\b{who}\w*\b[^.;]*\b(?:{_IN_ANY_WORDS[harm]})", rest, re.I):
                        continue  # someone of that name was harmed after all
                    return text
    return None


def _modifier(text: str, start: int) -> str | None:
    """The word that qualifies the noun at text[start:] ("truck" of "The truck driver",
    "sedan's" of "the sedan's driver"); None after an article or none."""
    before = re.search(r"([A-Za-z][\w'\u2019-]*)\s+$", text[:start])
    if before is None or before.group(1).lower() in STOPWORDS:
        return None
    return before.group(1).lower().removesuffix("'s").removesuffix("\u2019s")


# a negated verb or adjective of a context sentence and the word it negates, or the two when
# the first is an adverb: "is not supported", "was not statistically significant", "did not
# reduce"; not a negated quantity or degree ("not only", "not always", "not all")
_NEGATED = re.compile(
    r"(?:\b(?:not|never|cannot)|n['\u2019]t)\s+(?:(?:be|been|being)\s+)?"
    r"(?!(?:only|just|merely|necessarily|always|all|every|quite|exactly|much|many|too|very|as"
    r"|so|yet|until|even|enough|least|more|less|a|an|the|have|had|to|in|on|at|for|with|from"
    r"|by|of|that|this|it)\b)"
    r"((?!(?:apply|reply|supply|comply|imply|rely|multiply|rally|tally|bully|ally|sully|fly)\b)"
    r"[a-z][\w-]*ly\s+[a-z][\w-]*"
    r"|[a-z][\w-]*)",
    re.IGNORECASE,
)
# a negation that negates no statement of the sentence: in a relative or a conditional clause
# ("Patients who did not receive the booster", "if not sooner")
_NOT_STATED = re.compile(r"\b(?:who|that|which|if)\s+(?:\w+\s+)?$", re.IGNORECASE)
# words that say "not" otherwise: a claim with one may paraphrase the sentence's negation
_OTHERWISE_NEGATED = re.compile(
    r"\b(?:nothing|nobody|none|without|avoid\w*|refrain\w*|stop\w*|fail\w*|lack\w*|unable"
    r"|absent|instead|rather|neither|hardly|barely|rarely|seldom|only|except|yet|until|free\s+of"
    r"|no\s+longer|declin\w*|refus\w*|denied|denies)\b",
    re.IGNORECASE,
)
# a clause that forbids what it names: "Modifying an e-bike … is prohibited" affirms no
# modifying (read-50)
_PROHIBITED = re.compile(
    r"\b(?:prohibit\w*|forbid\w*|banned|bans?|barred|illegal|unlawful|disallowed)\b", re.I
)
# where a sentence turns to another statement: "X is allowed, but Y is banned"
_CONTRAST_AFTER = re.compile(r";|\b(?:but|while|whereas|although|though)\b", re.I)
# what names one thing among others: a capitalised word, a number, a model ("X100")
_IDENTITY = re.compile(r"\b(?:[A-Z][\w-]*|\w*\d[\w.-]*)")


def negated_words(passages: Sequence[str]) -> frozenset[str]:
    """The words the sentences of a context negate (`_NEGATED`: "supported" of "is not
    supported"), lower-cased: read once per check, for `unnegated`."""
    return frozenset(m.group(1).lower() for p in passages for m in _NEGATED.finditer(p))


NEGATING_WORDS = 3  # content words of a negating clause found beside the best restatement


def unnegated(
    claim: str, units: Sequence[Unit], bm25: BM25, negated: frozenset[str] | None = None
) -> str | None:
    """The words a clause of the claim affirms ("statistically significant among people 80
    and older", "WPA3-Enterprise is supported on this model too") that the context sentence
    restating the clause (`lexical.restated_in`) negates ("was not statistically
    significant", "is not supported on this model") in a clause whose content words the
    claim's clause restates, when no sentence of the context says them unnegated. Left alone:
    a clause with a word that negates otherwise ("failed to", "declined to", "without",
    "only" …, or the word with a negating prefix: "unsupported"), a negation of a relative or
    conditional clause ("who did not receive", "if not sooner"), "not … until" (a time:
    "won't arrive until Friday"), a claim that restates the sentence's other clause ("not in
    cash; they are credited to the original card", "not by a cyberattack but by a faulty
    update": two of its words), and one that names another thing than the negating clause
    ("WPA3-Personal is supported" of "WPA3-Enterprise is not supported", "X200" of "X100").
    The model reads such claims between entailment and contradiction (0.43 / 0.50:
    `read-38`) and a long answer's claims pass at that. `negated`: the context's
    `negated_words`, when the caller has them. None otherwise."""
    passages = [u.text for u in units]
    negated = negated_words(passages) if negated is None else negated
    low = claim.lower()
    if not any(re.search(rf"\b{re.escape(words)}\b", low) for words in negated):
        return None  # most claims: no word the context negates, no sentence to find
    for start, end in clauses(claim):
        clause = claim[start:end]
        if has_negation(clause) or _OTHERWISE_NEGATED.search(clause):
            continue
        best = restated_in(clause, passages, bm25)
        # a sentence that negates the clause's words may be another than the one restating
        # it best ("Corvid said it would not oppose such a fork." of "Corvid said it would
        # oppose a community fork of the last Apache release", which another sentence names)
        said_here = [w for w in negated if re.search(rf"\b{re.escape(w)}\b", clause, re.I)]
        others = [
            n
            for n, passage in enumerate(passages)
            if n != best and any(w in passage.lower() for w in said_here)
        ]
        for n in [*([] if best is None else [best]), *others]:
            sentence = passages[n]
            words = _restated_negation(clause, sentence, passages, n == best)
            if words is not None:
                return words
    return None


# where a clause's subject ends: its first verb of saying, being or a modal
_SUBJECT_END = re.compile(
    r"\b(?:said|says|told|is|are|was|were|will|would|has|have|had|can|could|did|does|do|may"
    r"|might|should|must)\b",
    re.I,
)
# a sentence about another time: "The original Pulse was not waterproof", "Under the old
# contract, glass … was not recyclable"
_THEN_NOT_NOW = re.compile(
    r"\b(?:old|original|previous|former|earlier|last\s+year|used\s+to|no\s+longer|until|prior"
    r"|initially|at\s+first)\b",
    re.I,
)


def _same_subject(clause: str, sentence: str, negating: str) -> bool:
    """Whether a sentence other than the best restatement negates the claim's clause itself:
    its negating clause has `NEGATING_WORDS` content words, and the sentence names every
    content word of the clause's subject (before its first `_SUBJECT_END` verb: "Corvid" of "Corvid
    said it would oppose …", not "Ridgeway Energy" of a sentence about Harbor Utilities)."""
    end = _SUBJECT_END.search(clause)
    subject = set(content_words(clause[: end.start()])) if end else set()
    return (
        len(content_words(negating)) >= NEGATING_WORDS
        and bool(subject)
        and subject <= set(content_words(sentence))
    )


def _restated_negation(
    clause: str, sentence: str, passages: Sequence[str], best: bool
) -> str | None:
    """The words a clause of `sentence` negates that the claim's `clause` affirms, for
    `unnegated`: the negating clause's content words (at least `NEGATING_WORDS` of them
    unless the sentence is the one restating the claim's clause best) stand in the claim's
    clause, and no passage says the words unnegated; None for a sentence about another time
    (`_THEN_NOT_NOW`: "Under the old contract, … was not recyclable"), and for a negation with
    "until" or "again" after it ("won't arrive until Friday", "I won't order delivery
    again")."""
    if _THEN_NOT_NOW.search(sentence):
        return None
    for found in _NEGATED.finditer(sentence):
        begin, stop = clause_at(sentence, found.start(), found.end())
        negating = sentence[begin:stop]
        words = found.group(1).lower()
        if (
            # "what won't work with my hair"; "cannot" and "n't" are no words of its own
            covered(_FUSED_NEGATION.sub(" ", negating), clause) < RESTATED
            # the sentence up to the negation, whose subject a clause after "and" shares
            # ("Loop C sites are first-come, first-served and cannot be reserved", read-54)
            or (not best and not _same_subject(clause, sentence, sentence[:stop]))
            or _NOT_STATED.search(sentence, begin, found.start())
            or re.search(r"\buntil\b", sentence[found.end() : stop], re.I)
            # a resolve, no fact: "I won't order delivery again" of "one delivery order took
            # an hour" (r37)
            or re.search(r"\bagain\b", sentence[found.end() : stop], re.I)
            or _another_part(clause, negating, sentence[stop:])
            or _other_thing(clause, negating)
            or re.search(  # "unsupported", "statistically insignificant": the same
                rf"\b(?:un|in|im|il|ir|dis|non-?){re.escape(words.split()[-1])}", clause, re.I
            )
        ):
            continue
        said = re.compile(rf"\b{re.escape(words)}\b", re.IGNORECASE)
        if said.search(clause) and not any(
            _unnegated_in(said, passage, clause) for passage in passages
        ):
            return words
    return None


# a negation fused into its verb, which `lexical.content_words` reads as a word ("canno", "t")
_FUSED_NEGATION = re.compile(r"\bcannot\b|n['\u2019]t\b", re.IGNORECASE)


def _another_part(clause: str, negating: str, rest: str) -> bool:
    """Whether two or more of the claim clause's content words that the negating clause lacks
    stand in the `rest` of the sentence after it: the claim restates what it says instead
    ("issued to the original card" of "not issued in cash; they are credited to the original
    card")."""
    extra = set(content_words(clause)) - set(content_words(negating))
    return len(extra & set(content_words(rest))) >= 2


def _other_thing(clause: str, negating: str) -> bool:
    """Whether the claim clause and the negating clause each name something the other does
    not ("WPA3-Personal" and "WPA3-Enterprise", "X200" and "X100"): another thing's."""
    mine, theirs = _names(clause), _names(negating)
    return bool(mine - theirs) and bool(theirs - mine)


def _names(text: str) -> set[str]:
    """The `_IDENTITY` words of `text`, lower-cased, but a plain word that opens it ("The")."""
    text = text.strip()
    return {
        m.group().lower()
        for m in _IDENTITY.finditer(text)
        if m.start() or not re.fullmatch(r"[A-Z][a-z]*", m.group())
    }


def _unnegated_in(said: re.Pattern[str], passage: str, clause: str) -> bool:
    """Whether `passage` says the words `said` finds with no negation in the three words
    before them, of the claim's `clause`'s thing: "Sites in Loops A and B can be reserved" is
    another thing's (`_other_thing`) than "Loop C sites can be reserved" (read-54)."""
    return any(
        not has_negation(" ".join(passage[: m.start()].split()[-3:]))
        and not _other_thing(clause, passage[: clause_at(passage, m.start(), m.end())[1]])
        for m in said.finditer(passage)
    )


# what says a thing may or will happen, or is asked, not that it happened: "may discuss",
# "plans to discuss", "whether to discuss"
_UNSETTLED = re.compile(
    r"\b(?:may|might|can|could|would|should|will|if|whether|plans?|planned|expects?|expected"
    r"|hopes?|wants?|wanted|considers?|considering|proposed?|asked|to)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)


# a permission given to the reader: "You may brush your teeth", "you can shower"
_PERMITTED = re.compile(
    r"\byou\s+(?:may|can|are\s+(?:allowed|free|welcome)\s+to)\s+(?:\w+\s+)?$", re.IGNORECASE
)
# an instruction that forbids: "Don't brush", "Do not eat", "Never drive", "you should not"
_FORBIDDING = re.compile(
    r"^\W*(?:(?:please\s+)?(?:don['\u2019]t|do\s+not|never)\b|.*\byou\s+(?:should|must)"
    r"(?:\s+not|n['\u2019]t)\b)",
    re.IGNORECASE,
)


# a condition, or what something cannot do said of a kind of thing: "if not sooner", "a loop
# that cannot be contracted" (ExpertQA dev); not "which have not launched an investigation"
_UNABLE_RELATIVE = re.compile(
    r"\bif\s+(?:\w+\s+)?(?:not|never)\b|\b(?:that|which|who)\s+(?:cannot|can['\u2019]t"
    r"|could\s+not|couldn['\u2019]t)\b",
    re.IGNORECASE,
)
# a negation of an amount or a part, not of the deed: "did not offer more than 14 %", "five of
# the nine have not signed", "at most of the sites", "the remaining counties"
_QUANTIFIED_NOT = re.compile(
    r"\b(?:more|less|fewer|most|majority|minority|all|any|every|each|both|some|many|only"
    r"|remaining|other|half|\d+|one|two|three|four|five|six|seven|eight|nine|ten)\b",
    re.IGNORECASE,
)
_SUBJECT_WORDS = 3  # content words; a shorter clause ("can't be deducted") is read with
# the claim before it, which says what it is about


def unaffirmed(
    claim: str, units: Sequence[Unit], bm25: BM25, negated: frozenset[str] | None = None
) -> str | None:
    """The word a clause of the claim negates ("Aalto said the board did not discuss a cut")
    that the context sentence restating the clause without its negation
    (`lexical.restated_in`) affirms, in a clause that negates nothing and holds every
    content word of it ("told reporters that the board had discussed a cut"; not "did not
    score in the second half" of "scored in the first half", which negates its detail), when
    the claim's clause counts nothing ("not more than four years", "five of the nine have
    not signed": a review helper's probes) and no sentence of the
    context negates the word (`negated`: the context's `negated_words`). The mirror of
    `unnegated`: a long answer's claims pass at the model's reading (0.93 entailment for the
    claim above against its paragraph: `read-41`). Left alone: a negation whose removal says
    no denial ("not only", "not … until", "no longer"), a word the sentence says may or will
    happen ("may discuss", "can be contracted", "plans to discuss"; but a permission given
    the reader, "You may brush your teeth", forbidden: "Don't brush"), a condition ("if not")
    and what a kind of thing cannot do ("a loop that cannot be contracted"), a clause that names
    another thing than the affirming one (`_other_thing`), a sentence that forbids what it
    names up to its next statement (`_PROHIBITED`: "Modifying an e-bike … is prohibited"),
    and a word the context also negates. A clause of fewer than `_SUBJECT_WORDS` content
    words is read with the claim before it. None otherwise."""
    passages = [u.text for u in units]
    if not has_negation(claim) or not passages:
        return None
    negated = negated_words(passages) if negated is None else negated
    denied = {w.split()[-1][:PREFIX] for w in negated}
    for start, end in clauses(claim):
        clause = claim[start:end]
        found = _NEGATED.search(clause)
        if (
            found is None
            or _OTHERWISE_NEGATED.search(clause)
            or _QUANTIFIED_NOT.search(clause)  # "not more than four years", "most of the sites"
            or _UNABLE_RELATIVE.search(clause, 0, found.end())  # "a loop that cannot be …"
        ):
            continue
        word = found.group(1).split()[-1].lower()
        stem = word[:PREFIX]
        plain = affirmed(clause if len(content_words(clause)) >= _SUBJECT_WORDS else claim[:end])
        if plain is None or stem in denied or word in STOPWORDS:
            continue
        best = restated_in(plain, passages, bm25)
        if best is None:
            continue
        sentence = passages[best]
        for said in re.finditer(rf"\b{re.escape(stem)}\w*", sentence, re.IGNORECASE):
            begin, stop = clause_at(sentence, said.start(), said.end())
            affirming = sentence[begin:stop]
            if (
                not has_negation(affirming)
                and not _OTHERWISE_NEGATED.search(affirming)
                and not _PROHIBITED.search(_CONTRAST_AFTER.split(sentence[begin:], 1)[0])
                and (
                    not _UNSETTLED.search(sentence, begin, said.start())
                    # "Don't brush your teeth this evening" of "You may brush your teeth on
                    # the evening of your surgery" (read-53): a permission, forbidden
                    or (
                        _PERMITTED.search(sentence, begin, said.start()) is not None
                        and _FORBIDDING.match(clause) is not None
                    )
                )
                and covered(plain, affirming) == 1.0
                and not _other_thing(plain, affirming)
            ):
                return word
    return None
