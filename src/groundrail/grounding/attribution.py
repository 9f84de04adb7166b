"""Who said it: a claim that gives a statement to a named person, checked against who says it
in the context.

Summaries move a statement to the wrong speaker ("Board President Tom Hallorann said every
dollar spent heating empty classrooms is a dollar not spent on teachers", of an article where
the superintendent says it), and the model entails such claims: every word but the name is
the article's, and the name is the article's too. The rule: the claim's speaker (the last
word of a capitalised name before its verb of saying) must be named within the few sentences
of the context that state what the claim says they said, when those sentences give it to
someone (they hold a verb of saying or a quotation). Claims whose statement the context does
not state closely (fewer than `lexical.RESTATED` of its content words in one sentence) are left
to the model. Likewise a claim that restates a sentence with another of the context's names
in its place (`swapped`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from difflib import SequenceMatcher
from types import MappingProxyType

from groundrail.grounding.lexical import (
    BM25,
    CLAUSE,
    PREFIX,
    RESTATED,
    STOPWORDS,
    clause_at,
    clauses,
    content_words,
    covered,
    entities,
    restated_in,
    terms,
)
from groundrail.grounding.windows import Unit

SPEECH = (
    r"(?:said|says|told|tells|stated|states|argued|argues|warned|warns|noted|notes|added"
    r"|adds|explained|explains|claimed|claims|insisted|insists|testified|testifies|wrote"
    r"|writes|called|calls|described|describes|acknowledged|admitted|announced|urged"
    r"|recalled|recalls|predicted|predicts|stressed|stresses|emphasi[sz]ed|emphasi[sz]es"
    r"|cautioned|cautions|contended|contends|remarked|remarks|reiterated|reiterates|saying"
    r"|telling|stating"
    r"|arguing|warning|noting|adding|explaining|claiming|insisting|calling|describing)"
)
_SPEECH = re.compile(rf"(?<![-\w]){SPEECH}\b")  # not "so-called"
# A capitalised name: its words, a title's among them ("Board President Tom Hallorann").
_NAME = re.compile(
    r"\b[A-Z][a-z]+(?:[-'\u2019][A-Z]?[a-z]+)?(?:\s+[A-Z][a-z]+(?:[-'\u2019][A-Z]?[a-z]+)?)*"
)
_JOINED_NAMES = re.compile(r"\s*(?:,|and|&)\s*|\s*,\s*and\s+")  # "Hale and Ortiz", "A, B"
_SENTENCE_START = re.compile(r"(?<=[.!?\"\u201d])\s+")
_REPORTED = re.compile(r"\baccording to\b", re.I)
# a person's role just before their name: "co-author", "plant manager", "CEO", "Dr."
_ROLE_BEFORE = re.compile(r"(?:\b(?!the\b|a\b|an\b)[a-z][a-z-]+|\b[A-Z]{2,}|\b(?:Dr|Prof)\.?)\s+$")
# a statement opened by its source: "According to lead researcher Dr. Ines Carvalho, …"
_ACCORDING = re.compile(r"\s*according\s+to\s+(?P<who>[^,;]{3,80}?),\s+(?P<said>.+)", re.I | re.S)
# the same source given last: "…, with serious cases mostly among older adults, according to
# County Executive Laura Benning." (`read-50`)
_ACCORDING_LAST = re.compile(
    r"(?P<said>.+?),\s+according\s+to\s+(?P<who>[^,;]{3,80}?)[.!]?\s*$", re.I | re.S
)
_OPENS = re.compile(r"(?:^|[,;:(\"\u201c])\s*$")  # a name that opens its clause
_PLACE_BEFORE = re.compile(  # a place
    r"\b(?:of|in|from|at|to|for|on|near|by|along|outside|inside|across|around|behind|beside"
    r"|through)\s+$",
    re.I,
)
# between the speaker's name and the verb: nothing, an apposition ("Alicia Fernandez, the
# bookkeeper who found it, told …") or an adverb or auxiliary
_SUBJECT_GAP = re.compile(
    r"\s*(?:,[^,]+,\s*|\s(?:also|has|had|have|later|then|previously|once|reportedly"
    r"|herself|himself|themselves)\s+)?"
)
# "said union spokesperson Derek Lunn": a name right after the verb, or after lower-case
# words of a title (not "said in Chicago", "told The Associated Press", "said Tuesday")
_NAME_AFTER = re.compile(
    r"\s+(?:(?!in\b|on\b|at\b|to\b|from\b|during\b|after\b|before\b|that\b)[a-z]+\s+){0,3}"
    r"((?:[A-Z][a-z]+\s+)*[A-Z][a-z]+(?:[-'\u2019][A-Z]?[a-z]+)?)"
)
_NOT_NAMES_AFTER = frozenset(
    "the a an this that monday tuesday wednesday thursday friday saturday sunday".split()  # noqa: SIM905
)
_PRONOUN_SAID = re.compile(rf"\b(he|she|they|we|i)\s+(?:also\s+)?{SPEECH}\b", re.I)
# a sentence that says who speaks ("Coach Martin Doyle said …"), not "called a penalty"
_SAID = re.compile(r"\b(?:said|says|told|tells|added|explained|argued|warned|noted|insisted)\b")
# The last words of titles and bodies that speak ("the Education Secretary", "the British
# Embassy"): an article names the person behind them elsewhere, or no one; and days and
# months, no speakers ("A proposed class action filed Monday claims …", read-54).
_NOT_PERSONS = frozenset(
    """secretary minister president chancellor governor mayor senator chief director
    spokesman spokeswoman spokesperson officer officers official officials police embassy
    ministry department office council court board committee agency service company
    government party club team group association university college school hospital
    magazine news times post journal report statement commission authority bank inc corp
    ltd monday tuesday wednesday thursday friday saturday sunday january february march
    april june july august september october november december""".split()  # noqa: SIM905
)
MIN_STATEMENT_WORDS = 4
_PRONOUNS = frozenset("he she they we i it you".split())  # noqa: SIM905
# capitalised words that open a phrase, no first name ("The Boeing 737 MAX")
_FUNCTION_WORDS = r"(?:The|A|An|At|In|On|For|By|Of|To|From|With|And|But|Its|Their|His|Her|This)"
# the sentences before it that may name the speaker, beyond its paragraph's ("… said. "…,"
# she added.") when a document has no paragraphs
BEFORE = 2
_PARAGRAPH = re.compile(r"\n\s*\n")


def speaker(claim: str, *, first_word: bool = False) -> tuple[str, str] | None:
    """(the speaker's last name, the statement) of a claim "<… Name …> said <statement>" or
    "According to <role> <First Last>, <statement>" (a role or title before the name: not
    "According to Millbrook Plastics", a company, a review helper's) or, with no verb of
    saying, "<statement>, according to <role> <First Last>.", the
    statement ending where a second named speaker's clause begins (`_up_to_next_speaker`);
    None when no capitalised name comes before its first verb of saying, or the name is the
    claim's first word alone ("Police said …" is no person), unless `first_word` (a context's
    "Nyquist said …")."""
    according = _ACCORDING.match(claim)
    if according is None and _SPEECH.search(claim) is None:
        according = _ACCORDING_LAST.fullmatch(claim.strip())
    if according is not None:  # "According to co-author Dr. Tobias Reinholt, their cells …"
        who = according.group("who")
        named = list(_NAME.finditer(who))
        last = named[-1].group().split()[-1] if named else ""
        titled = bool(named) and (
            len(named[-1].group().split()) >= 3  # "Superintendent Rachel Imbert"
            or _ROLE_BEFORE.search(who, 0, named[-1].start()) is not None  # "co-author X Y"
        )
        if not last or last.lower() in _NOT_PERSONS or not titled:
            return None  # "According to the report", "According to Millbrook Plastics"
        return last, according.group("said")
    verb = _SPEECH.search(claim)
    if verb is None or _REPORTED.search(claim):
        return None  # "X said …, according to Y": whose words, the claim itself hedges
    before = claim[: verb.start()]
    names = [
        m
        for m in _NAME.finditer(before)
        if (m.start() > 0 or " " in m.group() or first_word)
        and not _PLACE_BEFORE.search(before[: m.start()])
    ]
    # the last name, or one that opens the clause before an apposition holding other names
    # ("Sarah Lindqvist, who chairs the Save Fernhill campaign, said"); not a name after
    # which the subject is someone else ("In an interview with X, the 68-year-old said"),
    # nor an object before an apposition ("outside City Hall, where Mayor Jones spoke, said")
    subject = next(
        (
            m
            for n, m in reversed(list(enumerate(names)))
            if _SUBJECT_GAP.fullmatch(before[m.end() :])
            and (n == len(names) - 1 or _OPENS.search(before[: m.start()]))
        ),
        None,
    )
    if subject is None:
        return None
    last = subject.group().split()[-1]
    if last.lower() in _NOT_PERSONS:
        return None  # "Education Secretary says", "British Embassy said": whose name, unsaid
    return last, _up_to_next_speaker(claim[verb.end() :])


def _up_to_next_speaker(statement: str) -> str:
    """A speaker's statement up to the clause of the next named speaker, if one follows ("the
    alternative was cutting service" of "…, but dissenting members Marcus Hale and Lina
    Ortiz argued …"): the last clause cut before the names that open that clause."""
    again = _SPEECH.search(statement)
    names = list(_NAME.finditer(statement, 0, again.start())) if again else []
    if not names:
        return statement  # "the report, which says costs rose, was wrong": no one else
    subject = names[-1]
    for name in reversed(names[:-1]):  # "Marcus Hale and Lina Ortiz": one subject
        if not _JOINED_NAMES.fullmatch(statement[name.end() : subject.start()]):
            break
        subject = name
    cuts = [c for c in CLAUSE.finditer(statement, 0, subject.start()) if c.end() <= subject.start()]
    return statement[: cuts[-1].start()] if cuts else statement


def misattributed(
    claim: str,
    units: Sequence[Unit],
    bm25: BM25,
    texts: dict[str, str],
    *,
    first_word: bool = False,
    others: frozenset[str] = frozenset(),
    said_as: str = "",
) -> str | None:
    """The speaker's name when the claim gives a statement to someone the context does not
    name beside it (see the module doc); None when it does, or when the rule cannot tell.
    `bm25` ranks `units`, the context's sentences; `texts` are their documents' texts by id
    (the paragraph of the best-matching sentence is where its speaker is named).
    `first_word`: the claim's first word is a person's name (`named`), see `speaker`;
    `others`: names the claim's speaker may be in its stead (`named`), whose words it may
    give; `said_as`: the claim's pronoun for its speaker ("he", "she"), which a statement the
    context gives the other pronoun cannot be."""
    found = speaker(claim, first_word=first_word)
    if found is None and not first_word:
        # "Frey stressed that …" (read-48): a surname alone, when the context gives it a
        # full name ("Daniel Frey"), is a person
        found = speaker(claim, first_word=True)
        if found is None or not claim.startswith(found[0]):
            return None
        full = re.compile(rf"\b(?!{_FUNCTION_WORDS}\b)[A-Z][a-z]+\s+{re.escape(found[0])}\b")
        if not any(full.search(u.text) for u in units):
            return None
    if found is None:
        return None
    name, statement = found
    naming = [u.text for u in units if name.lower() in terms(u.text)]
    if not naming:
        return None  # a name the context lacks is the names signal's
    # "Hale and Ortiz said", not "…four years ago, and Mayor Tennant said" (`read-51`)
    joint = re.compile(
        rf"\b[A-Z][\w.'\u2019-]*,?\s+(?:and|&)\s+(?:[A-Z][a-z]+\s+)*{re.escape(name)}\b"
    )
    if _JOINT.search(claim) or joint.search(claim):
        return None  # "Ellis said through a spokeswoman", "Hale and Ortiz said": whose, unsure
    # each of its statements: "called it …, adding that the council was approving '600
    # homes and zero new lanes'" (read-47: the second is another councillor's)
    context = " ".join(u.text for u in units)
    for part in _ADDING.split(statement):
        if _misattributed_part(name, part, units, bm25, texts, naming, context, others, said_as):
            return name
    return None


_JOINT = re.compile(
    r"\b(?:through|via)\s+(?:a|an|his|her|their)\s+(?:spokes|lawyer|attorney)", re.I
)
# a sentence that names its speaker by a role alone: '"…," the hospital chief said'
_ROLE_SAID = re.compile(rf"\b(?i:the)\s+(?:[\w-]+\s+){{0,3}}{SPEECH}\b")
_NAME_SAID = re.compile(rf"\b[A-Z][a-z]+\s+{SPEECH}\b|\b{SPEECH}\s+(?:[a-z]+\s+)*[A-Z][a-z]+")
# a statement that goes on to another: "…, adding that …", "…, and said …"
_ADDING = re.compile(
    r",\s+(?:and\s+)?(?:adding|saying|noting|arguing|warning|insisting|explaining|stressing"
    r"|added|said|noted|argued|warned)\b"
    # a fact joined on: "…, with serious cases mostly among older adults" (`read-50`)
    r"|,\s+with\b"
)


def _misattributed_part(
    name: str,
    statement: str,
    units: Sequence[Unit],
    bm25: BM25,
    texts: dict[str, str],
    naming: Sequence[str],
    context: str,
    others: frozenset[str],
    said_as: str,
) -> bool:
    """Whether the context gives `statement`, said by `name`, to someone else than `name`
    and `others` (see `misattributed`; `naming`: the sentences of `units` that name `name`,
    `context`: their texts joined)."""
    if len(set(content_words(statement))) < MIN_STATEMENT_WORDS:
        return False
    best = restated_in(statement, [u.text for u in units], bm25)
    if best is None:
        return False  # said in other words: the model's to judge
    if any(covered(statement, sentence) >= RESTATED for sentence in naming):
        return False  # another sentence that says it names the speaker ("she agreed that")
    role = _ROLE_SAID.search(units[best].text)
    if role and not _NAME_SAID.search(units[best].text):
        # '"…," the Westbank economist warned': the claim's speaker's, when the context
        # gives them a word of that role beside their name ("Anna Frey joined Westbank")
        beside = " ".join(
            _beside(context, at.start(), at.end())
            for at in re.finditer(rf"\b{re.escape(name)}\b", context)
        ).lower()
        words = set(re.findall(r"[a-z][\w-]+", role.group().lower())[1:-1])
        if any(re.search(rf"\b{re.escape(w)}\b", beside) for w in words):
            return False
    own = {who for who in _speakers(units[best].text) if who.lower() not in _PRONOUNS}
    if own and not _ROLE.fullmatch(name):
        # '"We are approving 600 homes and zero new lanes," Hale said.': Hale's, whoever else
        # the paragraph names (a title may be the speaker's: "The Superintendent said"), and
        # one person's by their first name ('"…," Luis said' of "Luis Ortega")
        return (
            not own & (others | {name})
            and name.lower() not in terms(units[best].text)
            and not any(
                re.search(rf"\b{re.escape(o)}\s+(?:[A-Z]\.\s+)?{re.escape(name)}\b", context)
                for o in own
            )
        )
    paragraph = _paragraph(units, best, texts[units[best].doc_id])
    around = [u.text for u in paragraph]
    if name.lower() in terms(" ".join(around)):
        return False
    if pronoun := _PRONOUN_SAID.search(units[best].text):
        # '"…," she said' right after 'Coach Martin Doyle said …': Doyle's; "they", "we",
        # "I", or any other sentence before it: who, the rule cannot tell
        before = [u for u in paragraph if u.position == units[best].position - 1]
        if pronoun.group(1).lower() not in ("he", "she") or not before:
            return False
        if not _SAID.search(before[0].text):
            return False
        if said_as and said_as != pronoun.group(1).lower():
            return True  # "He said …" of a statement the context gives "she": not his
        around = [before[0].text]
    return bool(_speakers(" ".join(around)) - {name} - others)  # someone else says it


# a claim that gives its statement to the person of the answer's sentence before it
_OPENING_PRONOUN = re.compile(rf"(?:he|she)(?=\s+(?:also\s+)?{SPEECH}\b)", re.I)


def named(claim: str, before: str) -> tuple[str, frozenset[str], str]:
    """The claim with its opening "He" / "She" before a verb of saying replaced by the last
    name of the one person the answer's sentence before it gives words to (`before`: the
    answer up to the claim; the sentence within its paragraph): "He said the sheltered
    western reefs were hit hardest" after "Dr. Peter Lindgren, who reviewed the findings,
    noted less bleaching …" reads "Lindgren said …" (`read-46`: the article's "She said" is
    another scientist's); with the capitalised words of the paragraph up to the claim, whom
    the pronoun may stand for instead ("coach Tom Alder said the club would build its
    attack around Nadia Ferreira. She said …": Ferreira's words are hers), and the pronoun
    ("he", "she"). The claim as it is, no words and no pronoun when it opens otherwise, or
    that sentence gives words to no one or to two people."""
    pronoun = _OPENING_PRONOUN.match(claim)
    if pronoun is None:
        return claim, frozenset(), ""
    paragraph = _PARAGRAPH.split(before.rstrip())[-1]
    previous = _SENTENCE_START.split(paragraph)[-1]
    who = _speakers(previous)
    if len(who) != 1:
        return claim, frozenset(), ""
    speaker_ = next(iter(who))
    others = capitalised(paragraph) - who
    return speaker_ + claim[pronoun.end() :], others, pronoun.group().lower()


_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:[-'\u2019][A-Z]?[a-z]+)?\b")


def capitalised(text: str) -> frozenset[str]:
    """The capitalised words of a text ("Tuilagi", "O'Brien", "Wi-Fi"): whom a pronoun may
    stand for (`named`), and the words of a record that are no reviewer's staff (the
    engine's, for `miscredited`)."""
    return frozenset(_CAPITALISED.findall(text))


# a name inside a sentence (not its first word): "Tanya in the shop", "and Marisol made"
# (not a place's first word: "Main Street", "Mass Ave")
_NAMED_INSIDE = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]+(?:[-'\u2019][A-Z]?[a-z]+)?\b(?!\s+[A-Z])")
_NOT_NAMES = frozenset(
    """I Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April
    June July August September October November December Dr Mr Mrs Ms Wi-Fi""".split()  # noqa: SIM905
)
# where what a claim says of a person ends: another reviewer's clause ("…, and another
# noted that the price had gone up")
_ANOTHER_SAYS = re.compile(
    r"[;:]|,?\s+(?:and|but|while|whereas|though|although)\s+(?:another|a|an|one|others?|some"
    r"|many|most|several|the\s+other)\b|,\s+(?:and|while|but)\s+(?:the|its|their)\b",
    re.I,
)
CREDITED = 0.5  # of the words said of the person, in the review that says them
ELSEWHERE = 0.5  # at most this share of that review's, in a review that names the person


def miscredited(claim: str, reviews: Sequence[str], names: frozenset[str]) -> str | None:
    """The name of a person (staff, an artist) a claim credits with what one review says of
    someone else: the claim's words after the name (`MIN_STATEMENT_WORDS` content words at
    least) are `CREDITED` in a review that names another person and not this one, and
    under `ELSEWHERE` as much in each review that names this one ("credited Marcus with
    clearly explaining rekeying versus replacing" of "Tanya in the shop was great at
    explaining the difference between rekeying and replacing", Marcus being another review's
    locksmith, `read-48`; "praised artist Dex for making their first tattoo … painless" of
    "… and Marisol made the whole thing painless", `read-46`). `reviews` are the texts of
    the records' reviews; `names`, the words the records are called by, are no person's.
    None otherwise; the model entails such claims, every word but the name being the
    review's."""
    if len(reviews) < 2:
        return None
    persons = [_persons(review, names) for review in reviews]
    # a word the reviews also write in lower case names no one ("Service is described …")
    lowered = {w for review in reviews for w in re.findall(r"\b[a-z]+\b", review)}
    for name, start, end, inside in _credited(claim):
        served = _SERVED_FROM.search(claim, 0, start) is not None
        if (
            name.lower() in lowered
            or name.removesuffix("s") in _NOT_NAMES
            or not (served or (_AS_PERSON if inside else _SAID_OR_DID).match(claim, end))
            or (not served and _PLACE_BEFORE.search(claim, 0, start))
            or not any(name in found for found in persons)
        ):
            continue  # "on a Saturday", "a Broncos game", "in from Nampa", "Aveda products"
        naming = [
            i for i, review in enumerate(reviews) if re.search(rf"\b{re.escape(name)}\b", review)
        ]
        if served:
            # "got a solid cut from Tomas but waited almost an hour": the reviewer's visit,
            # up to another reviewer's clause on either side
            begin = max((e.end() for e in _ANOTHER_SAYS.finditer(claim, 0, start)), default=0)
            rest = claim[end:]
            rest = rest[: stop.start()] if (stop := _ANOTHER_SAYS.search(rest)) else rest
            said = claim[begin:start] + rest
        elif claim[:start].endswith("by "):
            # "a mezcal old fashioned made by Darius": what they did comes before the name
            said = claim[clause_at(claim, start, end)[0] : start]
        else:
            # up to another reviewer's clause or another name ("the Cubano, while Luis at the
            # bar makes …": what Luis makes is no one's of the Cubano)
            said = claim[end:]
            said = said[: stop.start()] if (stop := _ANOTHER_SAYS.search(said)) else said
            said = said[: nxt[0].start()] if (nxt := _named_inside(said)) else said
        if len(set(content_words(said))) < MIN_STATEMENT_WORDS:
            continue
        shares = [covered(said, review) for review in reviews]
        best = max(range(len(reviews)), key=shares.__getitem__)
        if (
            shares[best] >= CREDITED
            and best not in naming
            and persons[best]
            and all(shares[i] < ELSEWHERE * shares[best] for i in naming)
            # "the owner, Mike" of "Michael, the owner": one person's other name
            and not any(_another_form(name.lower(), p.lower()) for p in persons[best])
        ):
            return name
    return None


# irregular verbs of doing in the past: "Marco ran a free diagnostic" (`read-51`)
_DID = r"ran|found|brought|sent|spent|taught|caught|held|built|wrote|drove|sold|bought|paid"
# a person opening a review's sentence: "Tanya in the shop was great", "Marisol made",
# "Dale at Ridgeway ran the diagnostic"
_OPENING_PERSON = re.compile(
    r"(?:^|(?<=[.!?] ))(?!Overall\b)([A-Z][a-z]{2,})(?:\s+(?:was|is|did|does|made|makes|has|had"
    rf"|took|gave|went|came|got|knew|put|always|really|who|{_DID}|[a-z]+ed|in\s+the"
    r"|at\s+(?:the|[A-Z][a-z]+)"
    r"|from\s+the|behind\s+the)|,\s+(?:the|our|my|who)\s)\b"
)


# a service had from a person: "got a solid cut from Tomas", "a fine-line sleeve from Marisol"
_SERVED_FROM = re.compile(
    r"\b(?:cut|haircut|fade|trim|shave|tattoo|piercing|piece|sleeve|session|lesson|class"
    r"|massage|facial|wax|set|manicure|pedicure|color|colour|balayage|highlights|extensions"
    r"|blowout|perm|treatment|cleaning|exam|checkup|adjustment|fitting|alterations?|repair"
    r"|estimate|quote|tour|consultation|recommendation|help|service|advice|tips?|care)"
    r"\s+from\s+$",
    re.I,
)
# what follows a person's name in a claim: a preposition, a verb ("Marcus phoned", "Dex
# for", "Jonah, who", "Mara, praised"), not a noun ("a Broncos game") nor a list's next item
# ("a hygienist named Maria, hassle-free billing")
_AS_PERSON = re.compile(
    r",\s+(?:who|[a-z]+ed)\b|\s+(?:with|for|as|at|in|on|from|to|who|and|is|was|has|had|did|made|gave|took|said|told"
    rf"|kept|put|got|came|went|knew|{_DID}|[a-z]+ed|[a-z]+s)\b"
)


# a person a claim opens with, or names after a title: "Maria told diners …", "Manager
# Teresa said …", "Dr. Kim said …" (no `_named_inside`: a sentence's first word, or after
# another capitalised word)
_STAFF_TITLES = (
    r"Manager|Server|Chef|Owner|Agent|Stylist|Barber|Technician|Tech|Nurse|Coach"
    r"|Instructor|Trainer|Bartender|Host|Receptionist|Mechanic|Artist|Hygienist"
)
_OPENING_OR_TITLED = re.compile(
    r"\b(?:Dr|Mr|Mrs|Ms)\.?\s+(?P<titled>[A-Z][a-z]+)\b(?!\s+[A-Z])"
    rf"|^\W*(?:(?:{_STAFF_TITLES})\s+)?"
    r"(?!(?:Dr|Mr|Mrs|Ms)\b)(?P<name>[A-Z][a-z]+)\b(?!\s+[A-Z])"
)
# a person a review names after a title: "Owner Marisol was behind the counter", "Dr. Kim"
_TITLED_PERSON = re.compile(
    rf"\b(?:(?:Dr|Mr|Mrs|Ms)\.?|(?i:{_STAFF_TITLES}))\s+([A-Z][a-z]{{2,}})\b(?!\s+[A-Z])"
)


def _credited(claim: str) -> list[tuple[str, int, int, bool]]:
    """The names in a claim that may be a person's, with their spans and whether they are
    `_named_inside` ones; the rest, a name the claim opens with or gives after a title
    (`_OPENING_OR_TITLED`), count before a verb of saying or doing (`_SAID_OR_DID`: "Tomas
    said", not "Service is described", "Dr. Patel for"). `miscredited` keeps those a review
    gives a person."""
    found = {m.start(): (m.group(), m.start(), m.end(), True) for m in _named_inside(claim)}
    for m in _OPENING_OR_TITLED.finditer(claim):
        group = "name" if m["name"] else "titled"
        found.setdefault(m.start(group), (m[group], m.start(group), m.end(group), False))
    return sorted(found.values(), key=lambda item: item[1])


# what a person named first or by title did: "Tomas said", "Dr. Kim explained"
_SAID_OR_DID = re.compile(rf"\s+(?:said|says|told|tells|{_DID}|[a-z]+ed)\b")


def _named_inside(text: str) -> list[re.Match[str]]:
    """The capitalised words inside `text`'s sentences but a place's or a product's words
    ("Mass Ave", "Miller Lite", "the Cubano"): `_NAMED_INSIDE` not after another capitalised
    word or an article."""
    return [
        m
        for m in _NAMED_INSIDE.finditer(text)
        if not re.search(r"(?:[A-Z][\w'\u2019-]*|\b(?i:the|an?))\s$", text[: m.start()])
    ]


def _persons(review: str, names: frozenset[str]) -> set[str]:
    """The names a review gives people, not the `names` of the records: capitalised words
    inside its sentences (`_named_inside`), and ones opening a sentence that the review
    never writes in lower case ("Tanya in the shop was great"), and ones after a title
    ("Owner Marisol was behind the counter", `read-51`); a plural's "s" dropped
    ("Saturdays")."""
    opening = {
        m.group(1)
        for m in _OPENING_PERSON.finditer(review)
        if not re.search(rf"\b{m.group(1).lower()}\b", review)  # "Great" of "great"
    }
    inside = {m.group() for m in _named_inside(review)}
    titled = {m.group(1) for m in _TITLED_PERSON.finditer(review)}
    found = {p.removesuffix("s") if p.endswith("days") else p for p in inside | opening | titled}
    return {p for p in found - _NOT_NAMES if p.lower() not in names}


def _speakers(text: str) -> set[str]:
    """The last names a text gives words to: "Imbert told the board", "Assistant U.S.
    Attorney Rebecca Tran said", "said union spokesperson Derek Lunn"."""
    out = set()
    start = 0  # each verb's subject comes after the verb before it ("A said …, and B told")
    for verb in _SPEECH.finditer(text):
        found = speaker(_SENTENCE_START.split(text[start : verb.end()])[-1], first_word=True)
        start = verb.end()
        if found is not None:
            out.add(found[0])
        after = _NAME_AFTER.match(text, verb.end())
        if (
            after is not None
            and after.group(1).split()[0].lower() not in _NOT_NAMES_AFTER
            and verb.group() not in ("told", "tells", "telling")  # "told Reuters": the listener
        ):
            out.add(after.group(1).split()[-1])
    return out


def _paragraph(units: Sequence[Unit], best: int, text: str) -> list[Unit]:
    """The sentences of the paragraph that holds `units[best]`; in a document without
    paragraphs, that sentence and the `BEFORE` ones before it."""
    doc = units[best].doc_id
    if _PARAGRAPH.search(text) is None:
        return [u for u in units[max(0, best - BEFORE) : best + 1] if u.doc_id == doc]

    def joined(a: Unit, b: Unit) -> bool:
        return a.doc_id == b.doc_id == doc and not _PARAGRAPH.search(text[a.end : b.start])

    first, last = best, best
    while first > 0 and joined(units[first - 1], units[first]):
        first -= 1
    while last + 1 < len(units) and joined(units[last], units[last + 1]):
        last += 1
    return list(units[first : last + 1])


def swapped(claim: str, sentence: str) -> tuple[str, str] | None:
    """(the claim's name, the source's name) when the claim restates `sentence` (the context
    sentence that matches it best; `SWAP_RESTATED` of the claim's content words outside
    names) with another name in the place of one of the sentence's: the same word before and
    after both, the names sharing no word but a title's and neither a form of the other
    (`_another_form`). "review the Harbour Road section" of "review the Kings Avenue
    section"; "a sign of diabetes, kidney disease, Addison's disease" of "…, Cushing's
    disease"; "Senator Sanders" of "Senator Warren". None otherwise.

    Summaries swap the places, people and bodies of an article, and answers a name of their
    own into a list they copy; the model entails such claims, every other word being the
    source's. On the dev splits of the text sets (400 answers each at most) it fires on one
    hallucinated answer (Factcheck-GPT) and no correct one; with half the claim's words
    restated instead, on two hallucinated and three correct ones (spelling variants and
    nested places). Thirteenth session: a name the context lacks counts too (before, it was
    left to the weak names signal): on the dev splits of the thirteen sets (300 answers each
    at most) it fires on two hallucinated answers and no correct one, on the hand-written
    cases on one more hallucinated answer (`r25 dog-water twin`) and no correct one."""
    names = entities(claim)
    if not names:
        return None
    in_sentence = set(content_words(sentence))
    in_claim = set(content_words(claim))
    named = set().union(*(set(content_words(n)) for n in names))
    words = in_claim - named
    if not words or len(words & in_sentence) < SWAP_RESTATED * len(words):
        return None
    own = [n for n in names if not set(content_words(n)) <= in_sentence]
    theirs = [n for n in entities(sentence) if not set(content_words(n)) <= in_claim]
    for name in own:
        place = _around(claim, name)
        for other in theirs:
            if (
                place is not None
                and place == _around(sentence, other)
                and not _own_words(name) & _own_words(other)
                and not _another_form(_untitled(name), _untitled(other))
            ):
                return name, other
    return None


def _untitled(name: str) -> str:
    """A name less a title's words ("senator warren" -> "warren")."""
    return " ".join(w for w in name.split() if not _TITLE_WORD.fullmatch(w.lower())) or name


def _own_words(name: str) -> set[str]:
    """A name's content words less a title's."""
    return set(content_words(_untitled(name)))


def _spelled_alike(name: str, other: str) -> bool:
    """Whether two words are one spelled two ways ("winconsin" of "wisconsin")."""
    return SequenceMatcher(None, name, other).ratio() >= SPELLED_ALIKE


def _another_form(name: str, other: str) -> bool:
    """Whether one name is another form of the other: spelled alike ("winconsin" of
    "wisconsin"), or its short form ("the Fed" of "the Federal Reserve", "Kiev" of "Kyiv",
    "Coke" of "Coca-Cola": the same first letter, and alike to its first word). Forms that
    share neither ("Bob" of "Robert", "Burma" of "Myanmar") are not known."""
    if _spelled_alike(name, other):
        return True
    short, long = sorted((name, other), key=len)
    first = re.split(r"[\s-]", long)[0]  # "coca" of "coca-cola"
    return short[:1] == first[:1] and SequenceMatcher(None, short, first).ratio() >= SHORT_FORM


SWAP_RESTATED = 0.75
SPELLED_ALIKE = 0.8  # "winconsin" of "wisconsin", "aging" of "ageing": a spelling, no swap
SHORT_FORM = 0.5  # "fed" of "federal", "philly" of "philadelphia"; not "denver" of "dallas"
_TOKEN = re.compile(r"[a-z0-9']+")


def traded(claim: str, sentence: str) -> tuple[str, str] | None:
    """(the two names) when the claim gives two names that `sentence` (the context sentence
    that matches it best) also gives, each after the word the sentence puts before the other:
    "designed by the engineer Hugh Calloway and built by the contractor Alasdair Menzies" of
    "designed by the engineer Alasdair Menzies and built … by the contractor Hugh Calloway".
    The word is the nearest lower-case content word among the three before a name (a role,
    a verb); the model entails such a claim (0.85), every word being the sentence's. Both
    words must trade places: "the Millbrook shelter's director, Ana Ruiz" of "Ana Ruiz,
    director of Millbrook shelter" is left alone. None otherwise."""
    low = sentence.lower()
    names = sorted(n for n in entities(claim) if n in low)
    for i, name in enumerate(names):
        for other in names[i + 1 :]:
            if name in other or other in name:
                continue
            mine, yours = _word_before(claim, name), _word_before(claim, other)
            if (
                mine is not None
                and yours is not None
                and mine != yours
                and mine in _words_before(sentence, other)
                and yours in _words_before(sentence, name)
                and mine not in _words_before(sentence, name)
                and yours not in _words_before(sentence, other)
            ):
                return name, other
    return None


# a verb that takes a party as its object: a past or third-person form, or one of the few
# irregular ones parties trade ("lend", "sold", "beat")
_PARTY_VERB = re.compile(
    r"\b(?:[a-z]{4,}(?:ed|es)|lends?|lent|sold|sells|beat|beats|won|lost|paid|pays|owes|bought"
    r"|buys|sues)\b"
)
# what the verb is not in its active voice with a subject before it: a passive ("was
# rejected"), a modifier ("the restored depot", "curb-separated"), a noun after a preposition
_NOT_ACTIVE = re.compile(
    r"(?:\b(?:be|been|being|was|were|is|are|get|got|the|a|an|in|of|on|at|for|with|from|by)\s+"
    r"|-)$",
    re.I,
)
# what opens the verb's object: an article, a possessive, a number, a name
_OBJECT = re.compile(
    r"\s+(?:the|a|an|its|their|his|her|our|some|all|one|two|three|four|five|six|seven|eight"
    r"|nine|ten|\d|[A-Z])"
)
_AUXILIARIES = re.compile(
    r"(?:\s+(?:will|would|has|have|had|did|does|do|also|then|later|eventually|finally|could"
    r"|can|may|might|should|must))+\s*$",
    re.I,
)
_PHRASE_CUT = re.compile(r"\b(?:in|at|on|of|for|from|by|with|during|and|but|or)\b|,", re.I)
_PREPOSITION_END = re.compile(r"\b(?:in|at|on|of|for|from|by|with|during)\s*$", re.I)
# where a verb's object ends: an adjunct of place, time or reason, or a relative clause
_OBJECT_END = re.compile(
    r"\s(?:in|at|on|for|during|after|before|since|until|as|while|because|when|which|that"
    r"|who|where|so)\b",
    re.I,
)


# a place after "at", where something happens: "at the Swift Current library", "at the
# museum in Regina" (not "in", of where a thing is: "a hospital in Elk Ridge" of one "in
# Carver County")
_AT_PLACE = re.compile(
    r"\bat\s+(?:the\s+)?(?P<place>(?:[a-z]+\s+){0,2}?(?:[A-Z][\w'\u2019.-]*"
    r"(?:\s+[A-Z][\w'\u2019.-]*)*)(?:\s+[a-z]+)?)"
)


def _places(text: str) -> set[str]:
    """The capitalised words of the places `text` puts something at (`_AT_PLACE`), no day
    or month."""
    return {
        w
        for m in _AT_PLACE.finditer(text)
        for w in _CAPITALISED.findall(m["place"])
        if w not in _NOT_NAMES
    }


RELOCATED = 0.75  # of the claim clause's other content words, in the sentence it restates


def relocated(claim: str, passages: Sequence[str], bm25: BM25) -> tuple[str, str] | None:
    """(the claim's place, the context's) when the claim puts what a context sentence says at
    another place named elsewhere in the context: the sentence restates the claim's clause
    read without the place's names (`RELOCATED` of its content words), names a place of its
    own after "at" that the claim's clause never names, and none of the claim's ("a free public
    talk at the museum in Regina on April 2" of "… at the Swift Current library on April 2",
    the museum in Regina being another sentence's, `read-53`). The names rule finds both
    places in the context and the model entails such claims. None otherwise; `bm25` ranks
    `passages`."""
    for start, end in clauses(claim):
        clause = claim[start:end]
        mine = _places(clause)
        if not mine:
            continue
        without = re.sub(rf"\b(?:{'|'.join(map(re.escape, mine))})\b", " ", clause)
        best = restated_in(clause, passages, bm25, compared=without)
        if best is None or covered(without, passages[best]) < RELOCATED:
            continue
        theirs = _places(passages[best])
        said = capitalised(clause)
        if theirs and not theirs & said and not mine & capitalised(passages[best]):
            return " ".join(sorted(mine)), " ".join(sorted(theirs))
    return None


def traded_roles(claim: str, passages: Sequence[str], bm25: BM25) -> tuple[str, str] | None:
    """(the claim's subject word, its object word) when a clause of the claim gives the two
    parties of a verb the other way round from the context sentence restating it (`bm25`
    ranks `passages`): the word of the noun phrase just before the claim's verb is in the
    object after the sentence's same verb, and a word of the claim's object in the phrase
    before it ("the cooperative rejected the council's proposal" of "The council rejected a
    counter-proposal from the cooperative", `read-47`; "the Hallam will lend four objects
    back to the court" of "the Bamessa court will lend four of the objects back to the
    Hallam"). Both verbs active, each with an object opening after it (`_OBJECT`) and a
    subject that is no prepositional phrase ("flooding in southern Missouri killed …" names
    no subject). The model entails such claims, every word being the sentence's; on the
    read answer sets (read-4 … read-48) it fires on two twins and no correct answer. None
    otherwise."""
    for start, end in clauses(claim):
        clause = claim[start:end]
        best = restated_in(clause, passages, bm25)
        if best is None:
            continue
        sentence = passages[best]
        for verb in _PARTY_VERB.finditer(clause):
            mine = _parties(clause, verb)
            if mine is None:
                continue
            for other in re.finditer(rf"\b{re.escape(verb.group()[:PREFIX])}[a-z]*\b", sentence):
                theirs = _parties(sentence, other)
                if theirs is None:
                    continue
                subject = (mine[0] & theirs[1]) - theirs[0]
                object_ = (mine[1] & theirs[0]) - theirs[1]
                if subject and object_:
                    return min(subject), min(object_)
    return None


def _parties(text: str, verb: re.Match[str]) -> tuple[set[str], set[str]] | None:
    """The content words of the noun phrase before an active verb of `text` and of its
    object after it, within its clause (see `traded_roles`); None for a verb that is not
    active with both."""
    start, end = clause_at(text, verb.start(), verb.end())
    if _NOT_ACTIVE.search(text, 0, verb.start()) or not _OBJECT.match(text, verb.end()):
        return None
    before = _AUXILIARIES.sub("", text[start : verb.start()])
    cut = max((m.end() for m in _PHRASE_CUT.finditer(before)), default=0)
    if cut and _PREPOSITION_END.search(before[:cut]):
        return None  # "flooding in southern Missouri killed": no subject before the verb
    after = text[verb.end() : end]
    stop = _OBJECT_END.search(after)
    return set(content_words(before[cut:])), set(
        content_words(after[: stop.start()] if stop else after)
    )


def _words_before(text: str, name: str) -> set[str]:
    """The nearest lower-case content word among the three words before each `name`
    (lower-cased) in `text`, when it names what someone is (`_ROLE_LIKE`): "engineer" of
    "by the engineer Alasdair Menzies", not "succeeded" of "was succeeded by Ana Ruiz"."""
    low = text.lower()
    found = set()
    for at in (m.start() for m in re.finditer(re.escape(name), low)):
        words = re.findall(r"[A-Za-z][\w'-]*", text[:at])[-3:]
        word = next((w for w in reversed(words) if w[0].islower() and w not in STOPWORDS), None)
        if word is not None and _ROLE_LIKE.fullmatch(word):
            found.add(word)
    return found


def _word_before(text: str, name: str) -> str | None:
    """`_words_before` of the first `name` in `text`."""
    low = text.lower()
    at = low.find(name)
    return next(iter(_words_before(text[: at + len(name)], name)), None) if at >= 0 else None


def _around(text: str, name: str) -> tuple[str, str] | None:
    """The words just before and after the first `name` (lower-cased) in `text`; None when
    it is not found or stands alone."""
    low = text.lower()
    at = low.find(name)
    if at < 0:
        return None
    before = _TOKEN.findall(low[:at])[-1:] or [""]
    after = _TOKEN.findall(low[at + len(name) :])[:1] or [""]
    place = (before[0], after[0])
    return None if place == ("", "") else place


# A person's title: a role ("superintendent", "chief executive") and the words that make it
# another ("deputy superintendent", "former mayor")
_ROLES = (
    r"superintendent|director|president|chief|manager|mayor|governor|secretary|minister"
    r"|officer|chair|chairman|chairwoman|chairperson|commissioner|senator|representative|coach"
    r"|captain|judge|sheriff|principal|dean|professor|ceo|cfo|coo|founder|owner|editor"
    r"|spokesperson|spokesman|spokeswoman|inspector|sergeant|detective|attorney"
    r"|councilman|councilwoman|councilmember|councillor|chancellor|provost|treasurer"
    r"|administrator|supervisor|physician|surgeon|nurse|pastor|prosecutor|lawyer|researcher"
    r"|scientist|economist|analyst|executive|marshal|trustee|auditor|clerk"
    r"|ambassador|assemblyman|assemblywoman|delegate|curator|architect|engineer"
    r"|member"
)
# a word that names what someone is: a role (`_ROLES`) or a noun of a doer ("contractor",
# "striker", "keeper", "physicist"), not a verb ("succeeded", "faced", "met")
_ROLE = re.compile(rf"(?i:\b(?:{_ROLES})\b)")
_ROLE_LIKE = re.compile(rf"(?:{_ROLES})s?|[a-z]+(?:er|or|ist|ian|ant|ent)s?")
_QUALIFIER = r"deputy|assistant|vice|acting|interim|former|associate|co(?=-)|lieutenant"
_TITLE_WORD = re.compile(rf"{_ROLES}|{_QUALIFIER}")
_NAME_WORD = r"[A-Z][a-z]*(?:[A-Z'\u2019-][A-Za-z]+)?"  # "Nguyen", "McDonald", "O'Brien"
_TITLED = re.compile(
    rf"(?i:\b((?:(?:{_QUALIFIER})[\s-]+){{0,3}})({_ROLES}))\s+"
    rf"({_NAME_WORD}(?:\s+[A-Z]\.)?(?:\s+{_NAME_WORD})+)"
)
# the qualifiers right before a role, a nationality or a body's name between them at most:
# "Deputy Superintendent", "former Ukrainian President"
_QUALIFIED = re.compile(rf"((?:(?i:{_QUALIFIER})[\s-]+){{1,3}})(?:[A-Z][a-z]+\s+)?$")
TITLE_REACH = 60  # characters before or after a name read for its title ("…, the deputy …")


def retitled(claim: str, context: str) -> tuple[str, str] | None:
    """(the claim's title, the context's) when the claim gives a person the context names
    their role with other qualifiers than the context gives it beside their name (`_beside`:
    the name's sentence, `TITLE_REACH` characters each side): "Superintendent Carla Nguyen"
    of "Deputy Superintendent Carla Nguyen", "former President Ann Ruiz" of "President Ann
    Ruiz". Another role is left to the model: the context's words for it vary ("CEO" of
    "chief executive", "prosecutor" of "assistant district attorney"), and a role the context
    gives another person may be a former holder's. None otherwise.

    Summaries drop "deputy" or "former" from a title; the model entails such claims, every
    word being the article's."""
    for titled in _TITLED.finditer(claim):
        role, name = titled.group(2).lower(), titled.group(3)
        qualifiers = _qualifiers(claim[: titled.start(2)])  # "former Ukrainian President"
        # the qualifiers of each time the context gives the name this role
        given = {
            _qualifiers(near[: role_at.start()])
            for at in re.finditer(rf"\b{re.escape(name)}\b", context)
            for near in [_beside(context, at.start(), at.end())]
            for role_at in re.finditer(rf"\b{role}\b", near, re.I)
        }
        if given and qualifiers not in given:
            theirs = " ".join([*sorted(min(given, key=sorted)), role])
            return titled.group().removesuffix(name).strip(), theirs
    return None


# two words of a name, each pair of a longer one too ("Mary Ann Whitaker": "Mary Ann", "Ann
# Whitaker"): a lookahead, so that the pairs overlap
_NAME_PAIR = re.compile(rf"(?<![\w.'\u2019-])(?=({_NAME_WORD})\s+({_NAME_WORD})\b(?![-'\u2019]))")
# what makes a context's two name words a person's: a title or a verb of saying before them,
# or after them a verb of saying or an apposition that ends in a role ("Marisol Whitaker,
# Testing Coordinator", "Ann Ruiz, a council member,")
_PERSON_BEFORE = re.compile(rf"(?:\b(?i:{_ROLES}|mr|mrs|ms|dr|prof)\.?|(?<![-\w]){SPEECH})\s+$")
_PERSON_AFTER = re.compile(
    rf"\s+(?:also\s+)?{SPEECH}\b"
    rf"|,\s+(?:(?i:the|a|an|our|its|their)\s+)?(?:[\w-]+\s+){{0,3}}?(?i:{_ROLE_LIKE.pattern})"
    r"(?=\s*(?:[,.;:)]|$))"  # the role ends the apposition: not ", so the merger does"
)
_WORD = re.compile(r"[a-z][a-z'\u2019-]*")
_POSSESSIVE = re.compile(r"['\u2019]s$")


PERSON_REACH = 40  # characters before a name read for its title or verb of saying
# the last words of names that are no person's: `_NOT_PERSONS`' bodies and titles, and a
# business's, which "says" things as a person does ("Ford Motor said …", so that "the Ford
# Mustang" renamed no one)
_NO_PERSON_LAST = _NOT_PERSONS | frozenset(
    """motor motors airlines airways air energy systems technologies technology holdings
    partners capital foods brands industries pharmaceuticals labs laboratories media networks
    communications entertainment electric financial insurance resources logistics""".split()  # noqa: SIM905
)


@functools.lru_cache(maxsize=8)
def _named_persons(
    context: str,
) -> tuple[frozenset[str], Mapping[str, frozenset[str]], Mapping[str, frozenset[str]]]:
    """For `renamed`, read once per context: its lower-cased words (a possessive's and a
    hyphenated word's parts too), and the first and last names of the persons it names, each
    with the other names it pairs them with."""
    words = frozenset(
        part
        for word in _WORD.findall(context.lower())
        for part in (_POSSESSIVE.sub("", word), *_POSSESSIVE.sub("", word).split("-"))
    )
    firsts: dict[str, set[str]] = {}
    lasts: dict[str, set[str]] = {}
    for m in _NAME_PAIR.finditer(context):
        first, last = m.group(1), _POSSESSIVE.sub("", m.group(2))
        end = m.start(2) + len(m.group(2))
        if _TITLE_WORD.fullmatch(first.lower()):
            continue  # "Councilmember Rosa": a title, no first name (r32's "Sponsor Rosa")
        if last.lower() in _NO_PERSON_LAST:
            continue  # "Ford Motor said", "the Education Department said": no person
        before = context[max(0, m.start() - PERSON_REACH) : m.start()]
        if _PERSON_BEFORE.search(before) or _PERSON_AFTER.match(context, end):
            firsts.setdefault(first, set()).add(last)
            lasts.setdefault(last, set()).add(first)
    return (
        words,
        MappingProxyType({k: frozenset(v) for k, v in firsts.items()}),
        MappingProxyType({k: frozenset(v) for k, v in lasts.items()}),
    )


def renamed(claim: str, context: str) -> tuple[str, str] | None:
    """(the claim's name, the context's) when the claim gives a person the context names
    ("Marisol Whitaker, Testing Coordinator", "said Marisol Whitaker") another last name, or
    another first name, that the context never writes: "contact Marisol Whitfield" (`read-54`).
    The context's name must be a person's (a title, a verb of saying or a role beside it:
    "South Africa" of "South African-born", "West Ham" of "West Brom" are left alone), and a
    spelling of its word ("Whitacker", `SPELLED_ALIKE`) or a title ("Dr Whitaker") is no other
    name. None otherwise.

    The model entails such claims: every other word is the context's, and a first or last
    name alone weighs little among them."""
    pairs = list(_NAME_PAIR.finditer(claim))
    if not pairs:
        return None
    words, firsts, lasts = _named_persons(context)
    for m in pairs:
        first, last = m.group(1), _POSSESSIVE.sub("", m.group(2))
        for kept, changed, given in ((first, last, firsts), (last, first, lasts)):
            theirs = given.get(kept, frozenset())
            if (
                theirs
                and not words.intersection(changed.lower().split("-"))  # "…-insured"
                and not _TITLE_WORD.fullmatch(changed.lower())
                and not re.fullmatch(rf"{_FUNCTION_WORDS}|Mr|Mrs|Ms|Dr|Prof", changed)
                and not any(_spelled_alike(changed.lower(), other.lower()) for other in theirs)
            ):
                other = min(theirs)
                name = f"{first} {last}"
                return name, f"{first} {other}" if kept == first else f"{other} {last}"
    return None


def misroled(claim: str, context: str) -> tuple[str, str] | None:
    """(the claim's title, the role the context gives that person) when the claim gives a
    person a role that the context gives another person by name ("Judge Renata Osei") and
    never this one, whom it gives another role beside their name ("The group's attorney,
    Marcus Tilley, said"): "Judge Marcus Tilley has blocked …" (`read-38`; the model entails
    it, the judge's sentence and the attorney's each holding its words). A role the context
    gives no one else by name, or gives the person too ("council member Ann Ruiz, who was
    elected mayor"), or one akin to the person's (`_AKIN`: "CEO Ana Ruiz" of "Ana Ruiz, the
    company's chief executive", "lawyer" of "attorney") is left to `retitled` and the model.
    None otherwise."""
    titled_here = list(_TITLED.finditer(claim))
    if not titled_here:
        return None
    holders = [(m.group(2).lower(), m.group(3)) for m in _TITLED.finditer(context)]
    for titled in titled_here:
        role, name = titled.group(2).lower(), titled.group(3)
        if not any(theirs == role and holder != name for theirs, holder in holders):
            continue
        beside = [
            _beside(context, at.start(), at.end())
            for at in re.finditer(rf"\b{re.escape(name)}\b", context)
        ]
        roles = {m.group().lower() for near in beside for m in _ROLE.finditer(near)}
        if roles and not any(_akin(role, theirs) for theirs in roles):
            return titled.group().removesuffix(name).strip(), min(roles)
    return None


# roles one person may be called by another of: the same office in other words ("CEO" of
# "chief executive", "lawyer" of "attorney") or one held with it ("manager" and "coach")
_AKIN = tuple(
    frozenset(family.split())
    for family in (
        "president chief ceo cfo coo founder owner executive director chair chairman "
        "chairwoman chairperson manager administrator supervisor superintendent principal "
        "dean provost chancellor treasurer secretary trustee member editor curator",
        "attorney lawyer prosecutor",
        "spokesperson spokesman spokeswoman",
        "officer inspector sergeant detective sheriff marshal",
        "senator representative councilman councilwoman councilmember councillor "
        "assemblyman assemblywoman delegate member commissioner minister",
        "physician surgeon nurse chief",
        "researcher scientist economist analyst professor engineer architect",
        "coach manager captain",
    )
)


def _akin(role: str, other: str) -> bool:
    """Whether two roles may be one person's (`_AKIN`)."""
    return role == other or any(role in family and other in family for family in _AKIN)


def _qualifiers(before: str) -> frozenset[str]:
    """The qualifiers ("deputy", "former" …) right before a role, `before` being the text up
    to it (`_QUALIFIED`): "Speaking at the former mill, Mayor …" has none."""
    found = _QUALIFIED.search(before.rstrip() + " ")
    if found is None:
        return frozenset()
    return frozenset(re.findall(rf"(?i:{_QUALIFIER})", found.group(1).lower()))


def _beside(text: str, start: int, end: int) -> str:
    """The text around text[start:end] within its sentence, `TITLE_REACH` characters each
    side at most: where a title of the name stands ("Deputy Superintendent Carla Nguyen,
    who …", "Ann Ruiz, a council member, …")."""
    before = text[max(0, start - TITLE_REACH) : start]
    after = text[end : end + TITLE_REACH]
    before = re.split(r"[.!?]\s", before)[-1]
    after = re.split(r"[.!?](?:\s|$)", after)[0]
    return before + text[start:end] + after


# People of a place, a trade or a role, as a group that speaks: "residents say", "travelers
# often call it"; each with its singular ("a resident", "Hillcrest resident Tom Bixby")
_PEOPLE = """residents travelers travellers visitors tourists parents users customers critics
    fans locals commuters patients students teachers drivers workers employees neighbors
    neighbours shoppers homeowners riders passengers voters farmers diners guests readers
    viewers tenants owners members bloggers reviewers hikers cyclists parishioners researchers
    experts scientists doctors economists analysts specialists""".split()  # noqa: SIM905
_GROUPS = "|".join(_PEOPLE)
_ONES = "|".join(p[:-1] for p in _PEOPLE)  # each group's singular: "resident", "hiker"
_GROUP = re.compile(rf"\b({_GROUPS})\b", re.I)
# what a group is said to say or feel, after its noun and an adverb or two
_SAYING = (
    r"(?:says?|said|complain(?:s|ed)?|call(?:s|ed)?|describe[ds]?|report(?:s|ed)?|feels?|felt"
    r"|worr(?:y|ies|ied)|argue[ds]?|praise[ds]?|note[ds]?|mention(?:s|ed)?|warn(?:s|ed)?"
    r"|agree[ds]?|believe[ds]?|fear(?:s|ed)?|recommend(?:s|ed)?|told|tells?"
    r"|consider(?:s|ed)?|love[ds]?|hate[ds]?)"
)
_GROUP_SAYS = re.compile(
    r"(?:\s+(?:at|in|from|of|on|near)\s+(?:the\s+)?[\w-]+(?:\s+[\w-]+)?)?"  # "at the plant"
    r"(?:\s*,[^,]{1,60},)?"  # "Critics, including Councilwoman Ann Ruiz, said"
    r"\s+(?:(?:have|had|also|often|frequently|regularly|repeatedly|consistently|generally"
    rf"|widely|commonly|increasingly|now)\s+){{0,2}}{_SAYING}\b",
    re.I,
)
_SAYS = re.compile(rf"\b{_SAYING}\b|[\"\u201c\u201d]", re.I)
# where what a group is said to say ends: "…, though sensitivity varies a lot"
# where what the group says ends: a turn, or what follows from it ("Some neighbors had
# worried about rats, so volunteers will pick up fallen fruit": the volunteers' part is
# another's, read-36)
_TURN = re.compile(
    r";|,\s+(?:but|though|although|while|whereas|yet|so|and\s+so|which\s+is\s+why)\b"
)
# one person by a pronoun: '"…," she said', "he told reporters"
_ONE_SAID = re.compile(rf"\b(?:he|she)\s+(?:also\s+)?{SPEECH}\b|\b{SPEECH}\s+(?:he|she)\b", re.I)
# a sentence in which many speak: "others say", "residents have complained", "many said"
_MANY_PEOPLE = re.compile(
    rf"\b(?:{_GROUPS}|others|many|some|several|most|people|they|we|families"
    r"|groups?|crowds?)\b"
    + _GROUP_SAYS.pattern
    + rf"|\b{SPEECH}\s+(?:(?:many|some|several|most|other)\s+)?(?:{_GROUPS}|others)\b",
    re.I,
)
# one person: "a / one / another resident", "resident Tom Bixby", "Tom Bixby said"
_ONE_PERSON = re.compile(
    rf"\b(?i:a|an|one|another)\s+(?:[\w-]+\s+)?(?:{_ONES}"
    r"|writer|man|woman|mother|father|person)\b"
    rf"|\b(?:{_ONES})\s+[A-Z][a-z]+\s+[A-Z][a-z]+",
)


def generalised(claim: str, units: Sequence[Unit], bm25: BM25) -> str | None:
    """The group a claim gives one person's words or feeling to ("Hillcrest residents
    complain that bears keep showing up on their decks" of '"I've had a bear on my deck three
    times," said Hillcrest resident Tom Bixby'): what the group is said to say holds most of
    the words of a context sentence (`lexical.restated_in`) in which one person says it (a
    verb of saying or a quotation, "a / one resident", "resident Tom Bixby", "Darnell Price,
    who has worked at the plant for 26 years, said", '"…," she said') and no group,
    "others" or "many" is said to say anything. None otherwise. `bm25` ranks `units`."""
    if not units:
        return None
    passages = [u.text for u in units]
    for group in _GROUP.finditer(claim):
        says = _GROUP_SAYS.match(claim, group.end())
        if says is None:
            continue
        turn = _TURN.search(claim, says.end())  # ", though sensitivity varies": another's
        best = restated_in(claim[says.end() : turn.start() if turn else None], passages, bm25)
        if best is None:
            continue
        sentence = units[best].text
        if (
            (_SAYS.search(sentence) or _SPEECH.search(sentence))
            and (
                _ONE_PERSON.search(sentence)
                or _ONE_SAID.search(sentence)
                or speaker(sentence, first_word=True)
            )
            and not _MANY_PEOPLE.search(sentence)
        ):
            return group.group()
    return None
