"""The clauses of a claim that state a record's yes/no attributes, checked against the fields.

"The café offers takeout but not delivery, does not take reservations, and has outdoor
seating" states four fields of a business record. A small NLI model reads such a sentence
badly against the record's line of yes/no fields (a "no" said in words reads as a
contradiction: `bench/record_reading.py`), so each clause is matched to the field it names and
its polarity compared with the field's value, with no model:

- a clause is cut at commas, semicolons and connectives ("and", "but", "or", "as well as" …);
  it is negated when it holds a negation ("not", "no", "n't", "without" …), or follows a
  negated clause after "or" / "nor" ("no outdoor seating or Wi-Fi"); a bare item after a
  negated one ("no TV, Wi-Fi") is left to the model, its polarity being unclear;
- it names a field when every one of its words is explained (by the field's key or word value,
  the keys above it, words that only say "has / offers / is available", or the record's own
  name and categories) and it covers the field's own key (`FILLER` words aside);
- several fields named equally well with different values, or a field the record's names also
  mention ("brunch" among its categories, false among its meals), leave the clause to the model.

Opening hours and the star rating a claim states are checked the same way, as values
(`groundrail.grounding.facts`): a clause they cover is decided by them.

A field the record leaves open (Yelp's `"RestaurantsDelivery": "None"`) makes a clause saying
the business has it unsupported ("offers delivery"); one saying it lacks it is left to the
model.

A clause that names a field of a group only by a word of the group's ("in a lot" for
business parking) is checked when the claim's words before it name the group ("parking is
available on the street and in a lot"). What a claim says the business offers that no word of
the record names, reviews included ("also offers a courtesy shuttle"), is `unlisted`; a kind of
business the claim calls the place that its name and categories never give ("a bakery and
pizzeria", the pizzeria taken from a review's comparison) makes the claim unsupported
(`miskinded`).

`check` gives the claim a label when every clause of it is decided (all agree: supported; any
disagrees: contradicted; one claims an open field: unsupported), and otherwise the part of the
claim left for the model to judge.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from groundrail.grounding import facts, hours
from groundrail.grounding.lexical import PREFIX, STOPWORDS, has_negation, terms
from groundrail.grounding.linear import PRICE_WORDS
from groundrail.grounding.records import Attribute, Record

_CONNECTIVES = r"as well as|along with|and|but|or|nor|while|whereas|although|though|yet|plus|with"
# (?<!\s): a run of spaces is tried once, from its start (not from each of its spaces)
_CUT = re.compile(
    rf"(?<!\s)\s*[,;]\s*|(?<!\balong)(?<!\bas well)(?<!\s)\s+(?=(?:{_CONNECTIVES})\b)"
    r"|(?<!\s)\s+(?=(?:rather\s+than|instead\s+of)\b)",  # "on the street rather than in a lot"
    re.I,
)
_LEAD = re.compile(rf"^(?:{_CONNECTIVES})\b\s*", re.I)
# A bracketed aside that turns or negates: "offers takeout (but not delivery), free Wi-Fi" is
# three clauses, and Wi-Fi goes on with takeout; not "Pho 99 (Midtown)", "parking (street
# and lot)"
_ASIDE = re.compile(
    r"\((\s*(?:but|though|although|yet|except|without|not|no|never)\b[^()]*)\)", re.I
)
# Words of absence, beside the negations of `lexical.has_negation`.
_ABSENCE = re.compile(
    r"\b(?:neither|without|except|lacks?|lacking|unavailable|rather\s+than|instead\s+of)\b", re.I
)
_ELABORATION = re.compile(r"(?:with|including|such as|featuring|especially)\b", re.I)
# "and <items> are not …": a plural verb negated after the items it joins ("n't" reads as
# " no" by then), not "and there is no …"
_PREDICATE_NOT = re.compile(r"\s*and\s+(?!there\b)[^,;]*?\b(?:are|were)\s+not?\b", re.I)
# what overviews say for "good for": "geared toward kids", "ideal for groups" (not "not
# ideal" alone, a remark on quality); kept the same length, so offsets hold
_GOOD_FOR = re.compile(
    r"\b(?:geared\s+towards?|ideal\s+for|suitable\s+for|suited\s+(?:for|to))\b", re.I
)
# walk-ins taken are what "by appointment only" rules out: "walk-ins are welcome", "takes
# walk-ins" -> "no appointment" (not after a negation: "does not take walk-ins")
_WALK_INS = re.compile(
    r"(?<!\bnot\s)(?<!n['\u2019]t\s)(?<!\bno\s)\b(?:walk[-\s]ins?\s+(?:are\s+|is\s+)?(?:welcome"
    r"|welcomed|accepted|allowed|available|taken|encouraged)\b|(?:accepts?|accepting|takes?|taking"
    r"|welcomes?|welcoming|allows?)\s+walk[-\s]ins?\b|walk[-\s]in[-\s]friendly\b)",
    re.I,
)
# a negation that affirms what follows: "not only … but also", "who don't mind street
# parking", "you cannot beat the free Wi-Fi" (not "won't miss the TV": that it is absent)
_AFFIRMING_NOT = re.compile(
    r"(?:\bnot|\bcannot|n['\u2019]t)(?=\s+(?:only|just|mind|minding|forget|beat)\b)", re.I
)
_FRIENDLY = re.compile(r"\b(\w+)-friendly\b", re.I)  # "kid-friendly" -> "good for kid"
_A_LOT = re.compile(r"\b(?:a\s+lot|lots)\s+of\b", re.I)
# what a pet is welcome as, and a price said friendly: "dog-friendly" -> "allows dogs",
# "budget-friendly" -> "budget" (a price level's word), before `_FRIENDLY`
_PETS_FRIENDLY = re.compile(r"\b(?:dog|dogs|pet|pets)-friendly\b", re.I)
_PRICE_FRIENDLY = re.compile(r"\b(?:budget|wallet|pocket)-friendly\b", re.I)
# a price level said as a rank of price ranges ("in the lowest price range"), as the level's
# own word; not "the lowest prices in town", "the lowest price range of any restaurant in
# Bellevue" (a comparison with other businesses)
_RANGE_RANK = re.compile(
    r"\b(lowest|cheapest|middle|highest)(?=\s+(?:price\s+)?(?:range|level|tier|bracket)\b"
    r"(?!\s+(?:of|among|in|for)\b))",
    re.I,
)
_RANK_LEVEL = {"lowest": "low", "cheapest": "low", "middle": "mid", "highest": "luxury"}
# a price level said as its number: "a price level of 3 out of 4", "the upscale price range
# (3 out of 4)", "price range: 2" (read-26), as the level's own word
_PRICE_NUMBER = re.compile(
    r"\bprice\s+(?:level|range|tier|point)\s*(?:of\s+|is\s+|:\s*|\(\s*)?([1-4])(?!\d|[.,]\d)"
    r"(?:\s*(?:out\s+of|/)\s*4)?(?:\s*\))?",
    re.I,
)
# Words that say a field is there, or what has it: explained in any clause.
GENERIC = frozenset(
    """offer offers offered offering provide provides provided providing take takes taking
    accept accepts accepted serve serves served serving allow allows allowed welcome welcomes
    welcomed taken included featured
    include includes including feature features require requires required requirement
    available availability considered needed necessary also well along both option options
    there customers guests visitors patrons diners patients clients sees see onsite site
    plenty ample business place spot venue establishment restaurant eatery location shop
    store cafe service services practice clinic office facility company firm property
    premises building fairly rather relatively quite very somewhat relies rely uses visits
    visit side end
    works operates runs handles handle handled handling
    listed marked noted described atmosphere ambiance ambience vibe setting choose chooses
    chose opt studio amenities amenity conveniences perks falls sits sit scale private
    dedicated nearby""".split()  # noqa: SIM905
)
# The record named as the source ("According to its listing, the salon specializes in
# coloring"): no field of its own.
SOURCE_WORDS = frozenset(
    {"according", "listing", "record", "profile", "data", "information", "details"}
)
# Words that only join a clause to the text around it, or name its source.
DISCOURSE = (
    frozenset(
        """overall however additionally also finally generally notably furthermore moreover
        meanwhile lastly""".split()  # noqa: SIM905
    )
    | SOURCE_WORDS
)

# Words that make a clause a statement of its own (its polarity is its own, not the list's).
VERBS = frozenset(
    """is are was were has have offers offer offered provides provide provided takes take
    accepts accept accepted serves serve allows allow allowed requires require required
    welcomes welcome includes features available does do delivers caters works operates
    runs""".split()  # noqa: SIM905
)
# The base forms a negation with an auxiliary goes on to ("does not accept cards, take
# reservations or deliver"), and that auxiliary ("n't" reads as " no" by then).
BARE_VERBS = frozenset(
    """take accept offer provide serve allow require welcome include deliver cater work
    operate run have feature sell""".split()  # noqa: SIM905
)
_AUXILIARY_NOT = re.compile(r"\b(?:does|do|did|can|will|would|could)\s+no(?:t)?\b|\bcannot\b", re.I)
# Where a claim places a business: the capitalised words after "in" ("in Rapid City, South
# Dakota").
_PLACED = re.compile(r"\bin\s+((?:[A-Z][\w.'-]*(?:,\s*|\s+)?)+)")
# Words that place or describe a business by what its own fields say ("located at", "a
# Vietnamese spot specializing in pho").
IDENTITY = frozenset(
    """located situated based sits lies address city state area specializing specializes
    specialize specialty specialties cuisine food foods dishes fare menu general""".split()  # noqa: SIM905
)
# Words of a field's key a claim need not repeat: "restaurants delivery" is "delivery".
FILLER = frozenset(
    [
        "restaurants",
        "restaurant",
        "business",
        "has",
        "by",
        "only",
        "accepts",
        "good",
        "for",
        "is",
        "allowed",
    ]
)
# Words a clause states hours, a rating or what the reviews add up to with, beside the days,
# times, stars and "mixed" / "positive" themselves.
FACT_WORDS = frozenset(
    """open opens opened opening closed close closes closing hours hour daily week weekly
    day days every each schedule operates operate operating listed rating rated rate stars
    star average overall holds hold score scores scored out five reviews reviewers review
    customer customers diner diners patron patrons client clients guest guests opinion
    opinions feedback experience experiences reaction reactions impression
    impressions generally mostly largely overwhelmingly predominantly mainly highly very
    quite somewhat fairly gets get receives received receive earns earned earn garners
    garnered boasts perfect solid respectable decent impressive stellar flawless modest
    mediocre strong high low widely greatly considerably holding held carries carrying
    maintains night nights morning mornings evening evenings afternoon afternoons middling
    reflects reflecting reflect reflected list lists give gives given mention mentions specify
    specifies show shows praise praised praises acclaim""".split()  # noqa: SIM905
)
# What reviewers are reported to say ("One reviewer noted that the patio is dog-friendly"):
# a claim about the reviews, which may say otherwise than the record's fields
_REPORTED = re.compile(
    r"^\s*(?:[\w-]+\s+){0,4}?(?:reviewers?|customers?|guests?|diners?|patrons?|visitors?"
    r"|clients?)\s+(?:also\s+)?(?:said|say|says|noted|note|notes|mentioned|mention|mentions"
    r"|reported|report|reports|wrote|write|writes)\b",
    re.I,
)
_NOT_AVAILABLE = re.compile(r"(?<![\w/])n/a(?![\w/])", re.I)
_DOLLARS = re.compile(r"(?<![\w$])\${1,4}(?![\w$])")  # "$$" alone, not "$12"
# the price level called a rating: "a price range rating of 2", "its price rating is 2"
_PRICE_RATING = re.compile(r"\bprice(?:\s+range)?\s+(?:rating|tier)\b", re.I)
_CONTRACTED = frozenset({"doesn", "isn", "won", "don", "aren", "wasn", "weren", "didn"})
_BREAKS = frozenset({"but", "while", "whereas", "although", "though", "yet"})
MIN_TERM = 3  # shorter words match a key only whole ("tv")
SHORT_TERM = 3  # words this short start a key's word at most 2 letters longer ("kid" of
# "kids"; "app" is no "appointment", read-45)


@dataclass(slots=True, frozen=True)
class Clause:
    start: int  # character offsets into the claim
    end: int
    negated: bool | None  # None: a bare list item whose polarity is unclear
    terms: tuple[str, ...]  # its words left to explain (stopwords and negations out)


@dataclass(slots=True, frozen=True)
class FieldCheck:
    """What the record fields say of a claim: `label` when every clause is decided (with the
    field that decided it: the first that disagrees, else the first that claims a field the
    record leaves open, else the first that agrees), else the text still to judge (`rest`,
    the claim less its agreeing clauses)."""

    label: Literal["supported", "unsupported", "contradicted"] | None
    field: str  # the deciding field ("outdoor seating", "hours", "rating"); "" for none
    stated: str  # the record's linearised words that state it: the evidence
    record: int  # index into the records given to `check`
    rest: str


def check(claim: str, records: Sequence[Record]) -> FieldCheck:
    """The claim's clauses checked against the records' attributes, hours and rating (see the
    module doc). Dollar signs are read as the price level they are ("Price range: $$$"), a
    price rating as the price level ("a price range rating of 2"), and "N/A" as "not
    available"."""
    if _REPORTED.match(claim):
        return FieldCheck(None, "", "", -1, claim)  # what reviewers said: the reviews' to judge
    claim = _DOLLARS.sub(lambda m: PRICE_WORDS[len(m.group())], claim)
    claim = _PRICE_RATING.sub("price level", claim)  # "a price range rating of 2"
    claim = _NOT_AVAILABLE.sub("not available", claim)  # "Outdoor Seating: N/A"
    stated = facts.find(claim, records)
    only = facts.subject(claim, records) if len(records) > 1 else None
    wrong = next((f for f in stated if not f.agrees), None)
    if wrong is not None:
        return FieldCheck("contradicted", wrong.field, wrong.stated, wrong.record, "")
    if len(records) == 1 and (mispriced := _mispriced(claim, records[0])) is not None:
        return FieldCheck("contradicted", mispriced.name, mispriced.stated, 0, "")
    if (kind := miskinded(claim, records)) is not None:  # "a bakery and pizzeria"
        return FieldCheck("unsupported", "categories", kind, only or 0, "")
    agreed: list[tuple[str, str, int]] = []  # (field, stated, record) of agreeing clauses
    unknown: tuple[str, str, int] | None = None  # the first clause that claims an open field
    open_clauses: list[Clause] = []
    cut = clauses(claim)
    for n, clause in enumerate(cut):
        covering = [f for f in stated if f.start < clause.end and clause.start < f.end]
        if covering and _covered(claim, clause, covering, records[covering[0].record]):
            agreed.append((covering[0].field, covering[0].stated, covering[0].record))
            continue
        if all(w in GENERIC or w in DISCOURSE for w in clause.terms):
            continue  # nothing stated ("and it is", "along", "overall")
        if stated and all(w in GENERIC or w in FACT_WORDS for w in clause.terms):
            continue  # the facts' own words, cut from them ("On Mondays, | it is closed")
        found = _field(clause, records, only) if clause.negated is not None else None
        if found is None and n + 1 < len(cut):
            found = _shared_head(claim, clause, cut[n + 1], records, only)
        if found is None and clause.negated is False:
            found = _each_present(clause, records, only)
        if found is None:
            open_clauses.append(clause)
            continue
        attribute, record = found
        if not attribute.known:  # a field the record leaves open ("None")
            if clause.negated:
                open_clauses.append(clause)  # "no delivery": the model's to judge
            else:  # "offers catering": unsupported, unless another clause contradicts
                unknown = unknown or (attribute.name, attribute.stated, record)
            continue
        if clause.negated == attribute.present:
            head = _head_after(claim, cut[n + 1]) if n + 1 < len(cut) else ()
            # the claim up to the clause may name the group: "parking is available on the
            # street and in a lot", "Parking is available in a private lot" (its subject is
            # no term)
            head = (*head, *terms(claim[: clause.end]))
            if not _loosely_false(clause, attribute, head):
                return FieldCheck("contradicted", attribute.name, attribute.stated, record, "")
            open_clauses.append(clause)
            continue
        agreed.append((attribute.name, attribute.stated, record))
    if unknown is not None:
        return FieldCheck("unsupported", *unknown, "")
    identity = _identity(claim, open_clauses, records, only)
    if identity is not None:  # "X is a Vietnamese restaurant at 10235 82 Ave in Edmonton"
        agreed.append(("identity", "", identity))
        open_clauses = []
    if not agreed:
        return FieldCheck(None, "", "", -1, claim)
    field, words, record = agreed[0]
    if not open_clauses:
        return FieldCheck("supported", field, words, record, "")
    return FieldCheck(None, field, words, record, _rest(claim, open_clauses))


def _identity(
    claim: str, open_clauses: list[Clause], records: Sequence[Record], only: int | None
) -> int | None:
    """The record whose own fields (name, address, city, state, categories) say every word of
    the clauses, when they say something beside its name ("… is a Vietnamese restaurant serving
    noodles and soup at 10235 82 Ave NW in Edmonton, Alberta"): the model read such lines
    against the record's first line as contradicted (`read-5`); None otherwise. Where the
    claim places it ("in Kansas City") must be its city, state or country, not a word of its
    address or name ("500 Kansas City Street", "Pho Saigon House")."""
    if not open_clauses or (len(records) > 1 and only is None):
        return None
    index = only if only is not None else 0
    record = records[index]
    for place in _PLACED.finditer(claim):
        if not set(terms(place.group(1))) <= record.places:
            return None
    said = [w for c in open_clauses for w in c.terms if c.negated is False]
    if len(said) != sum(len(c.terms) for c in open_clauses):
        return None  # a negated or unclear clause says more than what the record is
    beside_name = [w for w in said if w not in GENERIC and w not in IDENTITY]
    if not beside_name or set(beside_name) <= set(record.title):
        return None
    priced = _price_words(record)  # "a budget-friendly Mexican taco restaurant at …"
    if all(w in GENERIC or w in IDENTITY or w in priced or _named(w, record.names) for w in said):
        return index
    return None


# The words of each price level that say no other ("cheap", "upscale"): a claim that says
# one two or more levels away from the record's is wrong ("a cheap steakhouse" of "$$$$";
# "affordable" of "$$" is a loose word, left to the model)
_LEVEL_WORDS = {
    1: re.compile(r"\b(?:inexpensive|cheap|budget-friendly|affordable)\b", re.I),
    2: re.compile(r"\b(?:moderately[\s-]priced|moderate|mid-?(?:range|priced))\b", re.I),
    3: re.compile(r"\b(?:expensive|pricey|pricy|upscale)\b", re.I),
    4: re.compile(r"\b(?:very\s+expensive|splurge)\b", re.I),
}
# said of the place or its prices: "it is a cheap …", "is moderately priced", "cheap eats",
# "prices are …"; not "in an upscale neighborhood", "avoided costly repairs"
_PRICE_SAID_BEFORE = re.compile(
    r"(?:\b(?:is|are|it['\u2019]s|remains?|seems?|prices?|pricing|menu)\s+(?:an?\s+)?"
    r"(?:(?:quite|fairly|relatively|very|rather|somewhat|generally|pretty)\s+)?|\bprice\s+range\s+"
    r"(?:is|of)\s+)$",
    re.I,
)
_PRICE_SAID_AFTER = re.compile(
    r"^[\s-]*(?:priced|prices?|pricing|eats?|spot|place|option|choice|side|end)\b", re.I
)
_NEGATED_BEFORE = re.compile(r"(?:\bnot|n['\u2019]t|\bnever|\bno)\s+(?:\w+\s+)?$", re.I)
PRICE_GAP = 2  # levels apart


def _mispriced(claim: str, record: Record) -> Attribute | None:
    """The record's price level when the claim says the place costs a level `PRICE_GAP` or
    more away from it (`_LEVEL_WORDS`), of the place or its prices, not negated, not in a
    claim about the reviews (a reviewer may find a "$$" place expensive); None otherwise."""
    price = next(
        (a for a in record.attributes if a.present and a.name.endswith("price range")), None
    )
    if price is None or hours.mentions_reviews(claim):
        return None
    level = next(
        n for n in sorted(PRICE_WORDS, reverse=True) if price.value.startswith(PRICE_WORDS[n])
    )
    for said, words in _LEVEL_WORDS.items():
        if abs(said - level) < PRICE_GAP:
            continue
        for m in words.finditer(claim):
            before, after = claim[: m.start()], claim[m.end() :]
            following = re.match(r"[\s-]*(\w+)", after)
            of_place = (
                _PRICE_SAID_BEFORE.search(before)
                or _PRICE_SAID_AFTER.match(after)
                or "priced" in m.group().lower()
                or (following is not None and _named(following.group(1).lower(), record.names))
            )
            if of_place and not _NEGATED_BEFORE.search(before):
                return price
    return None


def _price_words(record: Record) -> frozenset[str]:
    """The words the record's own price level is said with ("inexpensive affordable cheap
    budget low" of level 1); empty when it states none."""
    return frozenset(
        word
        for a in record.attributes
        if a.present and a.name.endswith("price range")
        for word in a.value.split()
    )


def _loosely_false(clause: Clause, attribute: Attribute, head: tuple[str, ...]) -> bool:
    """A false field of a group the clause does not name says little against it: "good for
    meal: dessert no" does not make "It serves dessert" false; "business parking: garage no"
    does make "There is a parking garage" (or "garage and lot parking", "parking on the
    street and in a garage": `head`, the words of the clauses around it that name the group)
    false."""
    groups = attribute.path[1:]
    return (
        not attribute.present
        and bool(groups)
        and not any(_in(w, g) for w in (*clause.terms, *head) for g in groups)
    )


def _head_after(claim: str, following: Clause) -> tuple[str, ...]:
    """The head noun of the clause after a bare word, when "and" / "or" joins them
    ("garage and lot parking": "parking"); () otherwise."""
    joined = _LEAD.match(claim[following.start : following.end])
    connective = joined.group().strip().lower() if joined is not None else ""
    return following.terms[-1:] if connective in ("and", "or") else ()


def _shared_head(
    claim: str, clause: Clause, following: Clause, records: Sequence[Record], only: int | None
) -> tuple[Attribute, int] | None:
    """The field a bare word names with the head noun of the clause after it, when "and" /
    "or" joins them: "street" in "street and bike parking" is street parking."""
    bare = [w for w in clause.terms if w not in GENERIC and w not in VERBS]
    head = _head_after(claim, following)
    if not head or len(bare) != 1 or len(following.terms) < 2 or clause.negated is None:
        return None
    joined = Clause(clause.start, clause.end, clause.negated, (*clause.terms, *head))
    return _field(joined, records, only)


def _covered(claim: str, clause: Clause, found: list[facts.Fact], record: Record) -> bool:
    """Whether the facts state all the clause says: what is left once their spans are out is
    words of hours, ratings or availability ("is open", "holds a … rating"), of the record
    itself ("the record does not list Sunday hours") or the record's own name."""
    text = list(claim[clause.start : clause.end])
    for fact in found:
        for i in range(max(fact.start, clause.start), min(fact.end, clause.end)):
            text[i - clause.start] = " "
    if re.search(r"\d", "".join(text)):
        return False  # a number the facts did not read ("closes at 5 on Saturdays")
    left = [w for w in terms("".join(text)) if w not in STOPWORDS and not _negated(w)]
    left = [w for w in left if len(w) > 1 and w not in _CONTRACTED]
    return all(
        w in GENERIC or w in FACT_WORDS or w in DISCOURSE or _named(w, record.names) for w in left
    )


def _in_place(
    word: str | Callable[[re.Match[str]], str],
) -> Callable[[re.Match[str]], str]:
    """A replacement for `re.sub` that writes the word (or what `word` makes of the match)
    padded to the match's length: the clauses' offsets hold in the claim."""
    return lambda m: (word if isinstance(word, str) else word(m)).ljust(len(m.group()))


def clauses(claim: str) -> list[Clause]:
    """The claim cut into clauses, each with its polarity and the words it states."""
    # "kid-friendly" -> "good for kid", "doesn't" -> "does no": the same length, so the
    # clauses' offsets hold in the claim
    text = _WALK_INS.sub(_in_place("no appointment"), claim)
    text = _PETS_FRIENDLY.sub(_in_place("allows dogs"), text)
    text = _PRICE_FRIENDLY.sub(_in_place("budget"), text)
    text = _FRIENDLY.sub(r"good for \1", text)
    text = _GOOD_FOR.sub(_in_place("good for"), text)
    text = _AFFIRMING_NOT.sub(_in_place(""), text)  # "not only … but also", "don't mind"
    text = _A_LOT.sub(_in_place("many"), text)  # "a lot of parking" names no parking lot
    text = _RANGE_RANK.sub(_in_place(lambda m: _RANK_LEVEL[m.group(1).lower()]), text)
    text = _PRICE_NUMBER.sub(_in_place(lambda m: PRICE_WORDS[int(m.group(1))]), text)
    text = re.sub(r"n['\u2019]t\b", " no", text)
    text = re.sub(r"beer and wine", "beer_and_wine", text, flags=re.I)  # Yelp's one value
    # an aside is a clause of its own between two cuts that reset the polarity, as ";" does
    text = _ASIDE.sub(lambda m: f";{m.group(1)};", text)
    out: list[Clause] = []
    verbs: list[bool] = []  # whether each clause of `out` has a verb of its own
    cursor = 0
    previous: bool | None = False
    auxiliary = False  # the last negated clause said "does not", "cannot" …
    cut_before: re.Match[str] | None = None  # the cut before the clause at hand
    for cut in [*_CUT.finditer(text), None]:
        end = cut.start() if cut is not None else len(text)
        piece = text[cursor:end]
        if piece.strip():
            lead = _LEAD.match(piece.strip())
            connective = lead.group().strip().lower() if lead else ""
            words = terms(piece)
            negated: bool | None
            first = words[0] if words else ""
            if (
                _negated(piece)
                or (previous is not False and connective in ("or", "nor"))
                or (previous and auxiliary and first in BARE_VERBS)
            ):
                # "no outdoor seating or Wi-Fi"; "It does not accept cards, take reservations
                # or deliver": a bare verb goes on with the "does not" before it
                negated = True
                if not _negated(piece) and connective in ("or", "nor"):
                    # "There is no delivery, outdoor seating, or Wi-Fi": the "or" closes a
                    # list of what is missing, its bare items included
                    for i in range(len(out) - 1, -1, -1):
                        if out[i].negated is not None:
                            break
                        out[i] = dataclasses.replace(out[i], negated=True)
            elif previous is not False and not VERBS & set(words) and connective not in _BREAKS:
                negated = None  # "no TV, Wi-Fi": a list of what is missing, or a new item?
            else:
                negated = False
            # the connective that opens the clause ("though it has no outdoor seating") is no
            # word of what it states
            said = words[len(connective.split()) :] if connective else words
            kept = tuple(w for w in said if len(w) > 1 and w not in STOPWORDS and not _negated(w))
            verb = min((kept.index(v) for v in VERBS & set(kept)), default=len(kept))
            if not out and verb < len(kept) - 1:
                kept = kept[verb:]  # "The studio accepts …": its subject is no field; in
                # "Delivery is available" the subject is the field
            start = cursor + len(piece) - len(piece.lstrip())
            joined = cut_before is not None and "," not in cut_before.group()
            if negated is False and connective == "and" and joined and out[-1].negated is None:
                # "…, and garage and street parking are available": the bare item joined
                # to this clause by a bare "and" shares its verb (not "…, Wi-Fi, and the
                # menu is small")
                out[-1] = dataclasses.replace(out[-1], negated=False)
            elif negated and _PREDICATE_NOT.match(piece):
                # "Wi-Fi, TV and bike parking are not available": the bare items just before
                # share the negated verb (not "Free Wi-Fi and no TV", whose "no" is the item's
                # own, nor "Takeout and there is no delivery"; not past a clause with a verb
                # or a negation of its own: "It has Wi-Fi, but no TV, and dogs are not allowed")
                for i in range(len(out) - 1, -1, -1):
                    if verbs[i] or out[i].negated:
                        break
                    out[i] = dataclasses.replace(out[i], negated=True)
            out.append(Clause(start, cursor + len(piece.rstrip()), negated, kept))
            verbs.append(bool(VERBS & set(words)))
            previous = False if cut is not None and ";" in cut.group() else negated
            if _negated(piece):
                auxiliary = _AUXILIARY_NOT.search(piece) is not None
        if cut is not None:
            cursor = cut.end()
        cut_before = cut
    return out


def _negated(text: str) -> bool:
    return has_negation(text) or _ABSENCE.search(text) is not None


def _field(
    clause: Clause, records: Sequence[Record], only: int | None = None
) -> tuple[Attribute, int] | None:
    """The one field the clause names (see the module doc), and its record's index; `only`:
    the record the claim names, when it names one of several. A bare past participle names
    none, unless it is a key's own word ("air-conditioned", "validated"): "(arrangements)
    delivered and set up on time" tells of a visit, not a delivery service."""
    if _participle(clause, records):
        return None
    best: list[tuple[Attribute, int]] = []
    best_score = 0
    for n, record in enumerate(records):
        if only is not None and n != only:
            continue
        for attribute in record.attributes:
            score = _score(clause, attribute, record)
            if score > best_score:
                best, best_score = [(attribute, n)], score
            elif score == best_score and score:
                best.append((attribute, n))
    # a value the field's own rules out, which the clause does not say ("wifi: paid" beside
    # "wifi: free" for "no Wi-Fi"), names nothing
    said = [
        (a, n)
        for a, n in best
        if a.present or not a.value or any(_in(w, a.value) for w in clause.terms)
    ]
    best = said or best
    if not best or len({a.present for a, _ in best}) > 1:
        return None
    attribute, n = best[0]
    own = [w for w in clause.terms if _in(w, _key(attribute))]
    if own and all(_named(w, records[n].names) for w in own) and not attribute.present:
        return None  # "brunch" is among its categories but false among its meals (not "table
        # service" of "Food Delivery Services": "table" is no name of it)
    return attribute, n


def _score(clause: Clause, attribute: Attribute, record: Record) -> int:
    """How many of the clause's words the field's key or value holds; 0 when the clause has a
    word nothing explains, leaves a word of the key unsaid, or names a false field only with
    words the record is called by ("… at 12 Elm Street" is no claim about street parking; of
    a true one, "delivery" of "Food Delivery Services", it agrees either way)."""
    key = _key(attribute)
    score = 0
    anchored = False
    previous = ""
    for word in clause.terms:
        named = _named(word, record.names)
        if _in(word, key) or _in(word, attribute.value) or _joined_key(word, attribute):
            score += 1
            anchored = anchored or not named
        elif previous and _in(previous + word, key) and _in(previous, key):
            pass  # the key's one word written as two: "late nights" of "latenight"
        elif any(_in(word, p) for p in attribute.path):
            anchored = anchored or not named
        elif not (word in GENERIC or named or _in(word, attribute.name)):
            return 0
        previous = word
    names_key = key.replace(" ", "") in "".join(clause.terms) or all(
        any(_in(t, w) for t in clause.terms) for w in key.split()
    )
    names_value = any(_in(w, attribute.value) for w in clause.terms)
    # a field named only by the record's own names ("delivery" of "Food Delivery Services",
    # "street" of "12 Elm Street") is no claim about it, unless the field says yes too
    return score if (anchored or attribute.present) and (names_key or names_value) else 0


def _each_present(
    clause: Clause, records: Sequence[Record], only: int | None
) -> tuple[Attribute, int] | None:
    """The first of the fields a clause names in turn, when it names two or more and every
    one of them is present ("dessert in a casual, quiet setting": dessert among the meals,
    casual among the ambience; "late nights in a quiet setting"): its words read from the
    left, each run the longest that names one field; None when a word names none, or a
    field is false or open."""
    words = clause.terms
    found: list[tuple[Attribute, int]] = []
    start = 0
    while start < len(words):
        if words[start] in GENERIC or words[start] in DISCOURSE or words[start] in FILLER:
            start += 1
            continue
        for end in range(len(words), start, -1):
            run = Clause(clause.start, clause.end, False, words[start:end])
            if (named := _field(run, records, only)) is not None:
                break
        else:
            return None
        if not (named[0].present and named[0].known) or _names_absent(words[start:end], records):
            return None  # "dinner on the patio" of a record whose outdoor seating is false
        found.append(named)
        start = end
    return found[0] if len({a.name for a, _ in found}) >= 2 else None


def _names_absent(words: Sequence[str], records: Sequence[Record]) -> bool:
    """Whether a word names the key of a field that is false or open."""
    return any(
        _in(word, _key(a))
        for word in words
        for record in records
        for a in record.attributes
        if not (a.present and a.known)
    )


def _participle(clause: Clause, records: Sequence[Record]) -> bool:
    """Whether the clause is a bare past participle ("delivered") that no field's key
    spells whole."""
    if len(clause.terms) != 1:
        return False
    word = clause.terms[0]
    return (
        len(word) >= MIN_PARTICIPLE
        and word.endswith("ed")
        and not any(word in _key(a).replace(" ", "") for r in records for a in r.attributes)
    )


MIN_PARTICIPLE = 6  # "served", "catered"; not "need", "shed", "speed"


def _joined_key(word: str, attribute: Attribute) -> bool:
    """Whether a hyphenated word, read as one, is the field's key with its filler words
    ("appointmentonly" of "appointment-only" for "by appointment only")."""
    return _in(word, attribute.name) and _key(attribute).replace(" ", "") in word


def _key(attribute: Attribute) -> str:
    """The words of the field's key a claim must say: "restaurants delivery" -> "delivery"."""
    words = [w for w in attribute.name.split() if w not in FILLER]
    return " ".join(words or attribute.name.split())


def _variants(word: str) -> list[str]:
    """The word and its stems: "delivers" -> "deliver", "accepted" -> "accept", "tvs" -> "tv"."""
    out = [_SYNONYMS.get(word, word)]
    for suffix in ("ing", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            out.append(word[: -len(suffix)])
    return out


# Words overviews use for a key's word: "ambiance" (Yelp spells it "ambience"), a "bike rack"
# for bike parking.
_SYNONYMS = {
    "ambiance": "ambience",
    "rack": "parking",
    "racks": "parking",
    "higher": "expensive",  # "prices are on the higher side / end"
    "patio": "outdoor",  # "outdoor seating on its patio"
    "children": "kids",  # "good for children", "suitable for children"
}


def _in(word: str, label: str) -> bool:
    """Whether the word (or a stem of it) starts a run of the label's words, written as one:
    "deliver" in "restaurants delivery", "takeout" in "take out", "kid" in "good for kids",
    not "serv" (of "serving") in "reservations". A word shorter than `MIN_TERM` must be one of
    the label's words whole ("tv"), one of `SHORT_TERM` letters start a run at most two
    letters longer ("kid" of "kids", not "app" of "appointment")."""
    words = label.split()
    runs = ["".join(words[i:]) for i in range(len(words))]
    return any(
        v in words
        if len(v) < MIN_TERM
        else any(
            run.startswith(v) and (len(v) > SHORT_TERM or len(run) <= len(v) + 2) for run in runs
        )
        for v in _variants(word)
    )


def _named(word: str, names: frozenset[str]) -> bool:
    """Whether a record's names hold the word, a stem of it, or, for a long word, one that
    shares its first `SHARED_STEM` letters ("veterinary" of "Veterinarians")."""
    plurals = [f"{word[:-1]}ies"] if word.endswith("y") else []  # "brewery" of "Breweries"
    return any(v in names or f"{v}s" in names for v in [*_variants(word), *plurals]) or (
        len(word) >= SHARED_STEM and any(n[:SHARED_STEM] == word[:SHARED_STEM] for n in names)
    )


SHARED_STEM = 7


def _rest(claim: str, open_clauses: list[Clause]) -> str:
    """The clauses still to judge, as one sentence: "It is moderately priced."; the whole
    claim when the first of them is a bare phrase whose verb was in a decided clause ("… and
    takes reservations and take-out orders": "take-out orders" alone says nothing)."""
    first = open_clauses[0]
    phrase = not VERBS & set(first.terms) and not _ELABORATION.match(claim[first.start :])
    if first.start > 0 and phrase:
        return claim
    parts = [claim[c.start : c.end].strip(" .!") for c in open_clauses]
    text = ", ".join([_LEAD.sub("", parts[0]), *parts[1:]])
    return text[:1].upper() + text[1:] + "."


# what a business is said to offer: "offers a courtesy shuttle", "has an indoor pool",
# "customers have access to …", "the menu features …"
_OFFERED = re.compile(
    r"\b(?:offers?|offering|provides?|providing|features?|featuring|has|have|sells?|selling"
    r"|serves?|serving|includes?|including|boasts?|access\s+to"
    # what its customers are given: "Guests get free Wi-Fi and an on-site fitness center"
    r"|(?:guests|customers|members|visitors|patrons|clients|you)\s+(?:also\s+)?"
    r"(?:get|enjoy|receive))\b",
    re.IGNORECASE,
)
# a claim about what reviewers said: the reviews' own words are the model's to judge
_ABOUT_REVIEWS = re.compile(
    r"\b(?:reviews?|reviewers?|criticisms?|complaints?|drawbacks?|downsides?|praised?"
    r"|highlights?)\b"
    # an impression: "it seems to offer decent value", "appears to provide attentive care"
    r"|\b(?:seems?|appears?)\s+to\b",
    re.IGNORECASE,
)
_NOT_ITEM = GENERIC | DISCOURSE | FILLER | VERBS | FACT_WORDS | IDENTITY | STOPWORDS


# what overviews call a field the record has: "to-go orders" of take-out, "televisions" of
# TV (a review helper's faithful overviews)
_FIELD_WORDS = {
    "take out": "togo carryout pickup curbside takeaway",
    "wifi": "wireless internet",
    "tv": "television televisions",
    "alcohol": "cocktails drinks liquor spirits bar",
    "wheelchair": "ada accessible accessibility",
    "kids": "children child family families",
    "dogs": "pets pet dog",
    "outdoor seating": "patio terrace sidewalk alfresco",
    "credit cards": "cards card credit payment",
    "reservations": "booking bookings book",
    "caters": "catering",
    "bike parking": "bikes rack racks",
    "groups": "parties",
}


def vocabulary(text: str, records: Sequence[Record] = ()) -> frozenset[str]:
    """The words of a record's linearised text (`lexical.terms`: lower case, a hyphenated word
    as one) with each two neighbours written as one ("takeout" of "take out"), and the words
    overviews call the fields `records` have (`_FIELD_WORDS`: "carryout" of take-out), cut
    to their first `PREFIX` letters, for `unlisted`."""
    words = terms(text)
    joined = [*words, *(a + b for a, b in itertools.pairwise(words))]
    for record in records:
        for a in record.attributes:
            if a.present and a.known:
                joined += [
                    w for key, said in _FIELD_WORDS.items() if key in a.name for w in said.split()
                ]
    return frozenset(v[:PREFIX] for w in joined for v in _variants(w))


# a verb of a clause's own beside `VERBS`: a modal, a passive or a participle ("could be
# improved", "located at 8820 Research Blvd", "but missing its herbs"; not a listed "and
# catering for weddings")
_PREDICATE = re.compile(
    r"\b(?:can|could|may|might|must|should|will|would|be|been|being|get|gets|got)\b"
    r"|^\W*(?:(?:and|but|or)\s+)?[a-z]+ed\b|^\W*(?:but\s+)?[a-z]+ing\b",
    re.IGNORECASE,
)


def unlisted(claim: str, listed: frozenset[str]) -> str | None:
    """The first thing a claim says a business offers ("customers have access to a courtesy
    shuttle", "the salon also offers eyelash extensions") of which no word is among the
    record's words (`listed`: `vocabulary` of its linearised text, reviews included; a word
    is found by a stem or its first `PREFIX` letters); None when there is none. Record
    overviews add the amenities such a business usually has, and the model entails them, the
    rest of the sentence being the record's. Left alone: a negated clause, a claim about what
    reviewers said, and a clause with no word beside the ones that only say "offers" or
    name the record's facts."""
    if _ABOUT_REVIEWS.search(claim) or _REPORTED.match(claim):
        return None
    offering = False  # whether the clause at hand is one of what an offering verb lists
    for clause in clauses(claim):
        if _OFFERED.search(claim, clause.start, clause.end):
            offering = True
        elif VERBS & set(clause.terms) or _PREDICATE.search(claim[clause.start : clause.end]):
            offering = False  # a statement of its own: "but maintenance could be improved"
        if not offering or clause.negated is not False:
            continue
        items = [w for w in clause.terms if w not in _NOT_ITEM]
        if items and not any(_listed(w, listed) for w in items):
            return claim[clause.start : clause.end]
    return None


# the kinds of business an overview calls a place by ("a Lebanese bakery and pizzeria"), each
# with the words of a record's names (name, city, categories) that give it: a review's
# comparison ("better than anything at a pizzeria", read-53) gives none
_KIND_WORDS = {
    "bakery": "bakery bakeries bakehouse patisserie",
    "pizzeria": "pizza pizzeria",
    "cafe": "cafe cafes café coffee tea",
    "café": "cafe cafes café coffee tea",
    "pub": "pub pubs bar bars gastropubs",
    "brewery": "brewery breweries brewpub brewpubs beer",
    "winery": "winery wineries wine wines",
    "distillery": "distillery distilleries",
    "deli": "deli delis delicatessen sandwiches",
    "steakhouse": "steakhouse steakhouses steak",
    "taqueria": "taqueria tacos mexican",
    "creamery": "creamery ice cream desserts",
    "butcher": "butcher butchers meat meats",
    "florist": "florist florists flowers",
    "pharmacy": "pharmacy pharmacies drugstores",
    "barbershop": "barbershop barbershops barbers barber",
    "gym": "gym gyms fitness",
    "bookstore": "bookstore bookstores books",
}
_KINDS = {kind: frozenset(words.split()) for kind, words in _KIND_WORDS.items()}
# the description in "<name> is a family-run Lebanese bakery at 13620 Warren Avenue"
_DESCRIBED = re.compile(
    r"\b(?:is|was)\s+an?\s+(?P<kind>[^.,;:()]{0,80}?)(?=\s+(?:at|in|on|located|with|that|which"
    r"|offering|serving|known|run|owned|near|off|just|from|to|of|for|by)\b|[.,;:()]|$)",
    re.IGNORECASE,
)


def miskinded(claim: str, records: Sequence[Record]) -> str | None:
    """A kind of business (`_KINDS`) the claim calls the place in its description ("Zaatar &
    Oven Bakery is a Lebanese bakery and pizzeria") that no record's names (name, city,
    categories, as lower-cased words) give in a word of that kind; None otherwise. Overviews
    take a kind from a review's comparison, and the model entails it: the reviews name it."""
    described = _DESCRIBED.search(claim)
    if described is None or not records:
        return None
    subject = set(terms(claim[: described.start()]))  # the place itself: its name, or "It"
    if not subject & ({"it"} | {w for r in records for w in r.title}):
        return None  # "The owner was a butcher in Beirut"
    names: frozenset[str] = frozenset().union(*(r.names for r in records))
    words: list[str] = re.findall(r"[a-zé]+", described["kind"].lower())
    return next((w for w in words if w in _KINDS and not names & _KINDS[w]), None)


MIN_PART = 3  # letters of each part of a compound word (`_listed`)


def _listed(word: str, listed: frozenset[str]) -> bool:
    """Whether a word of a claim is among the record's words (`unlisted`): a stem of it
    (`_variants`), or both parts of it as a compound ("haircuts" of a salon's "Hair Salons"
    and a review's "a men's cut", read-51)."""

    def found(part: str) -> bool:
        return any(v[:PREFIX] in listed for v in _variants(part))

    return found(word) or any(
        found(word[:i]) and found(word[i:]) for i in range(MIN_PART, len(word) - MIN_PART + 1)
    )
