"""Cheap lexical signals: content words, BM25 window ranking, unsupported words and names
(numbers: `numbers.py`)."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from groundrail.grounding.linear import DAYS, MONTHS

_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+|\d+(?:[.,]\d+)*")
_NEGATION = re.compile(r"\b(?:not|no|never|cannot|none|nor)\b|n['\u2019]t\b", re.IGNORECASE)
# a noun that negates what follows it: "a lack of lubrication", "the absence of symptoms"
_PRIVATIVE_WORDS = r"\b(?:(?:an?|the)\s+)?(?:lack|absence)\s+of\s+"
_PRIVATIVE = re.compile(_PRIVATIVE_WORDS, re.IGNORECASE)
# `affirmed`: each negation and what is left in its place, in order ("can't" before "n't")
_AFFIRM = tuple(
    (re.compile(negation, re.IGNORECASE), plain)
    for negation, plain in (
        (r"^no\b[,.!]?\s*", ""),  # "No, you don't …", "No restart is needed."
        (r"\bcannot\b|\bcan['\u2019]t\b", "can"),
        (r"\bwon['\u2019]t\b", "will"),
        (r"n['\u2019]t\b", ""),  # "doesn't" -> "does"
        (r"\b(?:not|never|no)(?:\s+(?:yet|longer))?\s+", ""),
        (_PRIVATIVE_WORDS, ""),  # "a lack of lubrication" -> "lubrication"
    )
)
_UNAFFIRMABLE = re.compile(r"\b(?:none|nor|neither)\b", re.IGNORECASE)
# Capitalised words not at a sentence start: a cheap stand-in for named entities.
_ENTITY = re.compile(
    r"(?<![.!?:]\s)(?<!^)\b[A-Z][a-z]+(?:(?:\s+|-)[A-Z][a-z]+)*\b"  # "Blue Heron", "Wi-Fi"
)
# Capitalised words that name no one: days and months (dates are the number rule's and the
# model's: "in January" of "2012-01-05"); the generic words of addresses and titles, which
# claims expand or shorten ("12 Elm Street" of "12 Elm St", "Suite 200" of "Ste 200",
# "Northwest" of "NW"); countries a record's address leaves implicit; and the common nouns
# an overview capitalises ("a Coffee Shop", "Vietnamese Cuisine", "Dog-Friendly", "on
# Yelp", whose records these are).
_NOT_NAMES = frozenset(
    [
        *DAYS,
        *(f"{day}s" for day in DAYS),
        *(month.lower() for month in MONTHS if month != "May"),
        *"""weekdays weekends street st avenue ave boulevard blvd road
    rd suite ste drive dr lane ln highway hwy parkway pkwy court ct place pl square sq north
    south east west northeast northwest southeast southwest n s e w ne nw se sw saint mount
    fort mr mrs ms canada united states usa america yelp friendly shop store restaurant
    restaurants cuisine food foods bar cafe kitchen service services""".split(),  # noqa: SIM905
    ]
)
_MARKUP = re.compile(r"[*_#`]+")  # Markdown emphasis: "- **Take-Out:** Available"
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    said says yes one may might must shall""".split()  # noqa: SIM905 - a word list reads better
)
# words in "-est" that are no superlative: "interest", "west", "guest", "request", "forest"
# (`embellishment`'s records and `numbers.misranked`'s ranks)
NOT_SUPERLATIVE = (
    r"(?:inter|w|r|t|gu|n|qu|ch|for|harv|requ|prot|cont|sugg|arr|inv|manif|hon|mod|earn|dig"
    r"|b|l|p|v|z|j)est\b"
)
PREFIX = 5  # words match on their first five characters: "announced" ~ "announcement"
LOOKBEHIND = 60  # characters before a statement read for what governs it ("every day except")


def content_words(text: str) -> list[str]:
    """Lower-cased content words cut to their matching prefix; a short word's plural "s"
    goes first, so "mats" matches "mat" as "rentals" matches "rental"."""
    return [_singular(w)[:PREFIX] for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


def _singular(word: str) -> str:
    if len(word) in (4, 5) and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_TERM = re.compile(r"[^\W\d_]+(?:[-\u2010\u2011][^\W\d_]+)*")


def terms(text: str) -> list[str]:
    """Lower-cased words without accents, a hyphenated word as one: "Wi-Fi" -> "wifi",
    "café" -> "cafe", "take-out" -> "takeout". Numbers are left out."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return [re.sub(r"[-\u2010\u2011]", "", w) for w in _TERM.findall(plain.lower())]


def missing_entities(claim: str, context_words: set[str]) -> float:
    """Share of the claim's names ("Blue Heron", "Wi-Fi") of which a word (prefix-matched
    like `content_words`) never occurs in the context; a hyphenated name is also found
    written as one word ("Wi-Fi" in a context that says "wifi")."""
    names = entities(claim)
    if not names:
        return 0.0
    return sum(not _found(n, context_words) for n in names) / len(names)


def _found(name: str, context_words: set[str]) -> bool:
    """Whether the context names it: its words (or words each starts with, `_said`), or
    written as one word, or as the initials of its words ("Los Angeles" of a review's
    "outside LA")."""
    named = " ".join(w for w in name.replace("-", " ").split() if w not in _NOT_NAMES)
    words = name.replace("-", " ").split()
    return (
        all(_said(w, context_words) for w in content_words(named))
        or set(content_words(name.replace("-", ""))) <= context_words
        or (len(words) > 1 and "".join(w[0] for w in words) in context_words)
    )


def _said(word: str, context_words: set[str]) -> bool:
    """Whether the context uses the word, or a word of three letters or more that it starts
    with: "Labrador" of a review's "my senior lab" (read-41)."""
    return word in context_words or word[:3] in context_words or word[:4] in context_words


def entities(text: str) -> set[str]:
    """Capitalised words not at a sentence start, lower-cased ("blue heron", "wi-fi"): a
    cheap stand-in for names. Days, months and address words alone are none."""
    found = set()
    for entity in _ENTITY.findall(_MARKUP.sub("", text)):
        words = entity.lower().replace("-", " ").split()
        if entity.lower() not in STOPWORDS and not set(words) <= _NOT_NAMES:
            found.add(entity.lower())
    return found


class BM25:
    """Okapi BM25 over a fixed set of passages (the sentences or windows of one request).

    Scored through an inverted index: a query costs the postings of its own terms, not a pass
    over every passage."""

    def __init__(self, passages: Sequence[str], k1: float = 1.2, b: float = 0.75) -> None:
        docs = [Counter(content_words(p)) for p in passages]
        # each passage's content words (`content_words`), in passage order
        self.words = [frozenset(d) for d in docs]
        lengths = [sum(d.values()) for d in docs]
        avg = (sum(lengths) / len(lengths)) if lengths else 0.0
        self._size = len(docs)
        self._postings: dict[str, list[tuple[int, int]]] = {}
        for i, d in enumerate(docs):
            for term, count in d.items():
                self._postings.setdefault(term, []).append((i, count))
        n = len(docs)
        self._idf = {
            w: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for w, p in self._postings.items()
        }
        self._norms = [k1 * (1 - b + b * length / (avg or 1.0)) for length in lengths]
        self._k1 = k1

    @property
    def vocabulary(self) -> set[str]:
        """Every content word (`content_words`) of the passages."""
        return set(self._postings)

    def scores(self, query: str) -> list[float]:
        """One score per passage, in passage order; 0.0 where no query term occurs."""
        out = [0.0] * self._size
        for term in set(content_words(query)):
            idf = self._idf.get(term)
            if idf is None:
                continue
            for i, count in self._postings[term]:
                out[i] += idf * count * (self._k1 + 1) / (count + self._norms[i])
        return out


def restated_in(
    text: str, passages: Sequence[str], bm25: BM25, compared: str | None = None
) -> int | None:
    """The passage that matches `text` best by `bm25` (which ranks `passages`), when it holds
    `RESTATED` of the content words of `compared` (the text itself by default; the text
    without the detail a rule compares, so that a changed detail does not hide its own
    source): where the text restates its source, for the rules that compare a detail of the
    two (`attribution`, `modality`, `numbers.misspanned`); None when the text says it in
    other words, or there are no passages."""
    if not passages:
        return None
    compared = text if compared is None else compared
    scores = bm25.scores(text)
    best = max(range(len(passages)), key=scores.__getitem__)
    restates = covered(compared, passages[best]) >= RESTATED and content_words(compared)
    return best if restates else None


RESTATED = 0.6
# where a clause ends: "…, and in hot weather it will lead to heatstroke", and where a
# sentence does inside a passage of several (a review: "… overlooking the river. Breakfast
# isn't included", read-43), not after "Dr." or "St."
CLAUSE = re.compile(
    r"[,;:]\s+|\s+(?:and|but|while|whereas|so)\s+"
    r"|(?<=[a-z\d)][.!?])(?<!\b(?:Dr|Mr|Ms|St|Jr|Sr|vs)\.)(?<!\b(?:Mrs|Inc|Ave)\.)(?<!\bProf\.)"
    r"\s+(?=[A-Z\"\u201c])"
)


def clause_at(text: str, start: int, end: int) -> tuple[int, int]:
    """The (start, end) of the clause of `text` that holds text[start:end] (`CLAUSE` cuts)."""
    begin = max((m.end() for m in CLAUSE.finditer(text, 0, start)), default=0)
    stop = next((m.start() for m in CLAUSE.finditer(text, end)), len(text))
    return begin, stop


def clauses(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each clause of `text` (`CLAUSE` cuts)."""
    cuts = [0, *(p for m in CLAUSE.finditer(text) for p in (m.start(), m.end())), len(text)]
    return list(zip(cuts[::2], cuts[1::2], strict=True))


def covered(text: str, passage: str) -> float:
    """The share of `text`'s content words (prefix-matched) that `passage` uses; 0.0 when
    the text has none."""
    words = set(content_words(text))
    return len(words & set(content_words(passage))) / len(words) if words else 0.0


def missing_share(claim: str, context_words: set[str]) -> float:
    """Share of the claim's content words (prefix-matched) that the context never uses."""
    words = set(content_words(claim))
    if not words:
        return 0.0
    return len(words - context_words) / len(words)


SPAN_CAP = 5  # words: a longer run says no more than "a clause of its own"


def missing_span(claim: str, context_words: set[str]) -> float:
    """The longest run of consecutive content words (prefix-matched, numbers aside) that the
    context never uses, in words, at most SPAN_CAP. A paraphrase scatters new words among the
    context's; an added clause ("which experts say will cut hospital stays") is a run of them.
    On the dev splits a run of 3+ words is in 3-4 of 10 hallucinated answers of BEGIN,
    FaithDial and Q² and in under 1 of 10 correct ones."""
    longest = run = 0
    for word in content_words(claim):
        if word[0].isdigit() or word in context_words:
            run = 0
        else:
            run += 1
            longest = max(longest, run)
    return float(min(longest, SPAN_CAP))


# A run of capitalised words, small joining words allowed inside ("Department of Land and
# Natural Resources"), and an acronym a claim may write for one ("FTC", "DLNR", "NGOs").
_PHRASE = re.compile(r"\b[A-Z][\w'-]*(?:\s+(?:(?:of|and|for|the|on|in|&)\s+)*[A-Z][\w'-]*)+")
_ACRONYM = re.compile(r"\b([A-Z]{3,6})(s?)\b")  # two letters ("US", "TV") are too ambiguous


def acronyms(context: str) -> dict[str, str]:
    """The acronyms a context's names allow that the context never writes: "FTC" for
    "Federal Trade Commission", "DLNR" for "(Hawaii) Department of Land and Natural
    Resources" (the initials of the capitalised words, or of all the words, of a name or of
    its last words, at most `NAME_MAX_WORDS`); each acronym to its name, the first found."""
    written = {a for a, _ in _ACRONYM.findall(context)}
    found: dict[str, str] = {}
    for m in _PHRASE.finditer(context):
        words = m.group().split()
        if words[0] in _DETERMINERS:
            words = words[1:]
        if any(w.isupper() for w in words):
            continue  # "The USA", "PORTLAND, Ore.": no name to abbreviate
        for i in range(max(0, len(words) - NAME_MAX_WORDS), len(words) - 1):
            name = words[i:]  # the run to its end: "(Hawaii) Department of … Resources"
            if not name[0][0].isupper():
                continue
            for initials in (
                "".join(w[0] for w in name if w[0].isupper()),
                "".join(w[0] for w in name if w != "&").upper(),
            ):
                if 3 <= len(initials) <= 6 and initials not in written:
                    found.setdefault(initials, " ".join(name))
    return found


_DETERMINERS = frozenset(["The", "A", "An", "This", "That", "These", "Those"])
NAME_MAX_WORDS = 8


def expand_acronyms(claim: str, names: dict[str, str]) -> str:
    """The claim with each acronym `acronyms` found written out: "needs FTC approval" ->
    "needs Federal Trade Commission approval". The model reads the name it can match (on
    a merger summary: entailment 0.63 with the acronym, 0.92 with the name)."""

    def written_out(m: re.Match[str]) -> str:
        name = names.get(m.group(1))
        if name is None:
            return m.group()
        return name if name.endswith("s") else name + m.group(2)  # "NGOs"

    return _ACRONYM.sub(written_out, claim)


def has_negation(text: str) -> bool:
    """Whether the text has a negation word: "not", "no", "never", "cannot", "none", "nor",
    "n't" (straight or typographic apostrophe)."""
    return bool(_NEGATION.search(text))


def negates(text: str) -> bool:
    """Whether the text negates: a negation word (`has_negation`) or a noun of absence ("a
    lack of", "the absence of")."""
    return has_negation(text) or _PRIVATIVE.search(text) is not None


def affirmed(text: str) -> str | None:
    """The text with its negations taken out ("You do not need to restart" -> "You do need to
    restart", "No restart is needed." -> "restart is needed.", "cannot" -> "can", "a lack of
    lubrication" -> "lubrication"); None when it negates in a way no word can be taken out of
    ("none", "nor", "neither")."""
    if _UNAFFIRMABLE.search(text):
        return None
    for negation, plain in _AFFIRM:
        text = negation.sub(plain, text)
    return text


def adds_negation(premise: str, hypothesis: str) -> bool:
    """Whether the hypothesis has a negation word and the premise none: MNLI's annotation
    artifact (most such MNLI pairs are contradictions). Not used at serving time; training
    (`train_nli.py --debias`) and `bench/negation_bias.py` share it from here."""
    return has_negation(hypothesis) and not has_negation(premise)
