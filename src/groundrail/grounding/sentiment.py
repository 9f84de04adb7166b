"""What a record's reviews add up to, as a claim says it, checked against their stars.

"Reviews are mixed", "customers are generally positive", "all reviewers loved it" are claims
about the reviews as a whole. The model judges them against one review at a time, and reads
"mixed" as contradicted by every review that is not; the stars of the reviews decide them:

- "reviews are mixed" holds when the reviews are 2 or more stars apart, and fails when all are
  4-5 or all 1-2; "mixed but mostly positive" must also hold as "generally positive" does;
- "generally positive" holds at a mean of 3.5 or more and fails at 2.5 or less ("negative"
  the other way round);
- "all reviewers loved it" (and "reviews are consistently positive", "overwhelmingly
  positive") holds when every review has 4 or more, and fails at a review of 2 or fewer.

Only the reviews as a whole count, said of them ("reviews are generally positive",
"customers are divided") or before them ("mixed reviews", "received positive feedback"). Left
to the model: one review ("the negative review"), a count ("two reviews are positive"), a
part ("negative reviews mention slow service"), a topic ("customers were negative about the
wait"), a negation ("not all feedback was positive") and the words used of other things ("a
varied menu", "a positive attitude").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from groundrail.grounding.lexical import LOOKBEHIND, content_words, has_negation, terms
from groundrail.grounding.records import Record

# Who gives an opinion, and what it is called.
OPINION = (
    r"(?:reviews?|reviewers?|customers?|diners?|patrons?|clients?|guests?|visitors?|opinions?"
    r"|feedback|experiences?|reactions?|impressions?)"
)
# The reviews as a whole, and how they are said to lean.
_WHOLE = (
    r"(?:reviews|opinions|feedback|ratings|reactions|impressions|experiences|reviewers"
    r"|customers|diners|patrons|guests|clients|visitors|members|patients)"
)
_LEAN = (
    r"(?:(?P<mixed>mixed|varied|divided|polari[sz]ed)"
    r"|(?P<positive>positive|favou?rable|glowing|happy|satisfied|pleased|enthusiastic)"
    r"|(?P<negative>negative|unfavou?rable|unhappy|dissatisfied|disappointed))"
)
_DEGREE = (
    r"(?:(?:generally|mostly|largely|overwhelmingly|predominantly|mainly|overall|very|quite"
    r"|somewhat|fairly|highly|decidedly)\s+)?"
)
# After a leaning, what makes it one about a topic, a cause or a moment, not the whole:
# "disappointed by the wait", "happy that …", "unhappy to wait", "satisfied only with …"
_TOPIC = (
    r"(?:about|on|regarding|toward|towards|of|with|over|by|in|at|that|to|because|when|for"
    r"|only|initially)"
)
# words between the reviewers and their verb, not a group's place or time ("visitors on
# weekends were disappointed")
_BETWEEN = r"(?:(?!(?:on|in|at|by|for|during|from|with|of)\b)\w+\s+){0,2}?"
# the business the reviews are of, by its capitalised name: "Reviews of Riverbend Urgent
# Care are mixed" (read-26); not "reviews of the pasta", nor "Reviews of Pad Thai", a topic
# that shares no word with the record's name (`leanings`)
_OF_NAME = r"(?:(?:of|for)\s+(?P<of_name>(?-i:[A-Z])[\w'&.-]*(?:\s+(?-i:[A-Z])[\w'&.-]*){0,4})\s+)?"
# how the rest lean, after "mixed": "reviews are mixed but mostly positive", "… but lean
# positive" (read-43)
_ALSO = (
    r"(?P<also>(?:,?\s+(?:but|and|yet|though|although|if|while)\s+|,\s+(?=lean|tilt|skew))"
    r"(?:(?:lean|tilt|skew)(?:s|ing)?\s+(?:towards?\s+(?:the\s+)?)?)?"
    rf"{_DEGREE}(?:(?P<also_positive>positive|favou?rable)|negative|unfavou?rable))?"
)
_SENTIMENT = re.compile(
    rf"\b{_WHOLE}\s+{_OF_NAME}{_BETWEEN}(?:are|were|is|was|seem|seems|appear|appears|remain"
    rf"|remains|have\s+been|has\s+been)\s+(?P<every>(?:consistently|uniformly|universally"
    rf"|unanimously|all)\s+)?{_DEGREE}{_LEAN}{_ALSO}\b(?!\s+{_TOPIC}\b)"
    rf"|\b{_WHOLE}\s+(?:\w+ly\s+)?(?P<varies>vary|varies|varied|differ|differs|differed)\b"
    r"(?!\s+(?:about|on|regarding|over|with|in|from)\b)"
    rf"|\b(?P<attributive>{_DEGREE}{_LEAN.replace('?P<', '?P<a_')}\s+{_WHOLE})\b"
    rf"(?!\s+{_TOPIC}\b)"
    rf"|\b(?P<all>(?:all|every|each)\s+(?:of\s+the\s+|single\s+)?{OPINION})\b(?=[^.;]*?\b"
    r"(?:loved|enjoyed|praised|liked|happy|satisfied|pleased|positive|recommend\w*|raved)\b)",
    re.I,
)
# "mixed reviews" as what the business has, not as the subject ("negative reviews mention …").
_HAS = re.compile(
    r"\b(?:has|have|had|received|receives|receive|gets|get|got|earned|earns|garnered|garners"
    r"|draws|drew|with|boasts|enjoys|enjoyed|of|to|reflects?|reflecting)\s+(?:\w+\s+){0,2}$",
    re.I,
)
# A count before them says how many, not what they add up to: "two reviews are positive",
# "other customers were unhappy".
_COUNTED = re.compile(
    r"\b(one|two|three|four|five|both|some|several|a\s+few|other|many|\d+)\s+"
    r"(?:of\s+the\s+(?:\w+\s+)?)?$",
    re.I,
)
_COUNTS = {"one": 1, "two": 2, "both": 2, "three": 3, "four": 4, "five": 5}
# a degree that leaves out next to none: "overwhelmingly positive" of reviews of 5, 2 and 4
# stars is every review's leaning, not the mean's (read-51)
_ALL_BUT = re.compile(
    r"\b(?:overwhelmingly|almost\s+universally|near(?:ly)?[\s-]+unanimously)\b", re.I
)


def _count(word: str) -> int | None:
    """The number a count word says ("both" is 2); None for "some", "several", "a few"."""
    word = word.lower()
    return int(word) if word.isdigit() else _COUNTS.get(word)


_CONCLUSION = re.compile(
    r"^(?:overall|in\s+summary|in\s+short|all\s+in\s+all|in\s+conclusion)\b", re.I
)
_ABOUT_REVIEWS = re.compile(
    rf"^(?:(?:overall,?\s+)?(?:the\s+|many\s+|most\s+|several\s+)?(?:customer\s+|online\s+)?"
    rf"(?:{_WHOLE}|feedback)\b)",
    re.I,
)
MIN_REVIEWS = 2


# a person who reviewed: "reviewer", "a beagle owner", not "customer service", "a patient
# staff", "a family-friendly", "a member of staff"
_REVIEWERS = (  # noqa: SIM905
    "reviewer customer diner visitor guest patron client member patient owner parent commuter "
    "shopper user couple family student rider buyer traveler traveller"
).split()
_NOT_A_REVIEWER_AFTER = r"\s+(?:service|staff|team|care|of\s+(?:the\s+)?(?:staff|team))"
_REVIEWER = rf"(?:{'|'.join(_REVIEWERS)})(?![-'\w]|{_NOT_A_REVIEWER_AFTER})"
_NTH_REVIEWER = r"the\s+(?:first|second|third|last)\s+(?:one|reviewer)"  # "the third reviewer"
_ONE_REVIEWER = re.compile(
    rf"(?:one|another|a|an)\s+(?:[\w-]+\s+){{0,3}}?{_REVIEWER}|{_NTH_REVIEWER}\b",
    re.IGNORECASE,
)


def about_reviews(claim: str) -> bool:
    """Whether the claim is about the reviews as a whole: "Reviewers praise the broth",
    "Overall, customers found the staff friendly" (not "One reviewer …"), or a verdict drawn
    from them ("Overall, it offers solid equipment, but maintenance could be improved")."""
    return _ABOUT_REVIEWS.match(claim.strip()) is not None or concludes(claim)


# "Another customer complained about slow service on a Saturday morning": one reviewer's
# words reported with a verb of saying or feeling (`unframed`)
_REPORTED = re.compile(
    rf"^(?:(?:one|another|a|an|the)\s+(?:[\w-]+\s+){{0,3}}?{_REVIEWER}|another|a\s+third|one"
    rf"|{_NTH_REVIEWER})\s+(?:also\s+)?"
    r"(?:(?P<neutral>said|says|noted|notes|mentioned|mentions|reported|reports|wrote|writes"
    r"|described|describes|called|calls|found|finds|felt|feels|thought|thinks)"
    r"|(?P<positive>praised|praises|raved\s+about|raves\s+about|loved|loves|enjoyed|enjoys"
    r"|liked|likes|appreciated|appreciates|had\s+a\s+(?:great|good|positive)\s+experience"
    r"\s+with)"
    r"|(?P<negative>complained\s+(?:about|of)|complains\s+(?:about|of)|criticized|criticised"
    r"|criticizes|disliked|dislikes|was\s+disappointed\s+(?:by|with|in)|had\s+a\s+(?:bad|poor"
    r"|negative)\s+experience\s+with))\s+(?:that\s+)?(?P<rest>\S+(?:\s+\S+){2,})$",
    re.IGNORECASE,
)


def unframed(claim: str, stars: float | None) -> str | None:
    """What one reviewer said, without the frame that reports it ("slow service on a Saturday
    morning and cold eggs" of "Another customer complained about slow service on a Saturday
    morning and cold eggs"), when the frame's leaning fits the review's `stars` (praise of a
    review of 3 stars or more, a complaint of one of 3 or fewer; "said", "found", "called"
    of any); None otherwise. The model reads a verb of saying or feeling against the review's
    own words as unsupported (entailment 0.06 with "had a bad experience with", 0.96 without)."""
    found = _REPORTED.match(claim.strip())
    if found is None:
        return None
    if found["positive"] and (stars is None or stars < 3):
        return None
    if found["negative"] and (stars is None or stars > 3):
        return None
    rest = found["rest"]
    return rest[0].upper() + rest[1:]


def one_reviewer(claim: str) -> bool:
    """Whether the claim tells what one reviewer said: "A beagle owner said …", "Another
    customer found …", "A two-star reviewer reported …" (not "Reviewers …", "Some diners …")."""
    return _ONE_REVIEWER.match(claim.strip()) is not None


def concludes(claim: str) -> bool:
    """Whether the claim is the verdict an overview closes with ("Overall, Menya Kaito is a
    solid choice for ramen lovers in Vancouver, as long as you don't mind a wait.")."""
    return _CONCLUSION.match(claim.strip()) is not None


def _leans(mean: float, negative: bool) -> bool | None:
    """Whether reviews of `mean` stars are on the whole positive (or `negative`): True at 3.5
    or more (2.5 or less), False at 2.5 or less (3.5 or more), None between."""
    if negative:
        return True if mean <= 2.5 else False if mean >= 3.5 else None
    return True if mean >= 3.5 else False if mean <= 2.5 else None


def leanings(claim: str, record: Record) -> Iterator[tuple[int, int, bool, str]]:
    """Each statement of what the reviews add up to in `claim` (see the module doc): its
    character span, whether the reviews' stars agree, and the review that shows it (its line's
    heading: the lowest-rated, or the highest-rated against "negative")."""
    stars = [r.stars for r in record.reviews]
    if len(stars) < MIN_REVIEWS:
        return
    low, high, mean = min(stars), max(stars), sum(stars) / len(stars)
    lowest = min(record.reviews, key=lambda r: r.stars).stated
    highest = max(record.reviews, key=lambda r: r.stars).stated
    for match in _SENTIMENT.finditer(claim):
        before = claim[max(0, match.start() - LOOKBEHIND) : match.start()]
        counted = _COUNTED.search(before)
        every = counted is not None and _count(counted.group(1)) == len(stars)
        if (counted and not every) or has_negation(re.split(r"[;,.:]", before)[-1]):
            continue  # "two reviews are positive" of three; "not all feedback was positive"
        if match["of_name"] and not set(terms(match["of_name"])) & record.title:
            continue  # "Reviews of Pad Thai are positive": a topic, not the business
        if match["attributive"] and not _HAS.search(before):
            continue  # "negative reviews mention slow service": some of them
        agrees: bool | None
        if match["mixed"] or match["a_mixed"] or match["varies"]:
            agrees = True if high - low >= 2 else False if low >= 4 or high <= 2 else None
            if match["also"] and agrees is not False:  # "… but mostly positive"
                leans = _leans(mean, negative=not match["also_positive"])
                agrees = leans if agrees is None or leans is not True else agrees
        elif (
            match["all"]
            or match["every"]
            or (every and (match["positive"] or match["negative"]))
            or _ALL_BUT.search(match.group())
        ):
            # "all reviewers loved it", "both reviews are positive" (of two)
            if match["negative"]:
                agrees = True if high <= 2 else False if high >= 4 else None
            else:
                agrees = True if low >= 4 else False if low <= 2 else None
        else:
            agrees = _leans(mean, negative=not (match["positive"] or match["a_positive"]))
        negative = bool(match["negative"] or match["a_negative"])
        if agrees is not None:
            yield match.start(), match.end(), agrees, highest if negative else lowest


# "Anxious patients consistently credit Dr. Alvarez …", "All reviewers loved the store": many
# reviewers (not "the owners", the business's) said to say one thing
_PLURALS = [f"{noun}s" for noun in _REVIEWERS if noun not in ("owner", "family")]
_MANY_REVIEWERS = re.compile(
    rf"\b(?:{'|'.join(_PLURALS)}|families|people)\b(?!{_NOT_A_REVIEWER_AFTER})", re.I
)
_MANY_WORDS = (
    "consistently frequently repeatedly regularly often routinely many most several multiple "
    "numerous all universally widely commonly uniformly invariably"
)
# a word of many on its own ("all", not "all-you-can-eat"; "most", not "the most flavorful";
# "many", not "too many people" nor "as many flavors as they like": `_AS_MANY_AS`)
_MANY = re.compile(
    rf"(?<![-\w])(?<!the )(?<!so )(?<!too )(?<!how )"
    rf"(?:{'|'.join(_MANY_WORDS.split())})(?![-\w])",
    re.I,
)
_AS_MANY_AS = re.compile(r"(?<=\bas )many\b(?=[^,;.]*\bas\b)", re.I)
# the most words between a word of many and the reviewers it counts: "many happy customers",
# "patients have consistently credited", "is frequently called the best by reviewers" (not
# "lines for most problems on the cave wall, and the locker room is small for the number of
# members": a comma between)
NEAR = 4
# a determiner of many after the reviewers counts what follows it ("Reviews highlight several
# dishes"), not them
_DETERMINERS = frozenset({"many", "most", "several", "multiple", "numerous"})
# where the many hand over to one reviewer: "Most reviewers enjoyed it, although one found the
# service slow", "… and another loved the tacos"
_ONE_OF_THEM = re.compile(r"\b(?:one|another)\b", re.I)
_OF_STARS = re.compile(r"\b(?:stars?|rat(?:ing|ings|ed|e))\b", re.I)  # the rating rule's
# what says who said it and how, not what was said
_FRAME = frozenset(
    content_words(
        " ".join(_PLURALS)
        + f" families people {_MANY_WORDS} "
        + """praise praised praises credit credited credits mention mentioned mentions note
        noted notes highlight highlighted highlights appreciate appreciated appreciates love
        loved loves enjoy enjoyed enjoys describe described describes say said says call
        called calls find found finds rave raved raves compliment complimented compliments
        commend commended commends agree agreed report reported reports like liked likes also
        their"""
    )
)
MIN_SAID = 2  # content words a claim must say beyond its frame for the rule to read it


def overgeneralised(claim: str, reviews: Sequence[str], names: frozenset[str]) -> bool:
    """Whether the claim gives to many reviewers ("Anxious patients consistently credit Dr.
    Alvarez with walking them through every step") what one review says: of `reviews` (the
    texts of the context's reviews, two or more), one holds half its content words (at least
    `MIN_SAID`) beyond the words of its frame and the records' `names`, and each other holds
    at most one of them; the whole claim is read, and the clause the reviewers open with what
    follows it ("Staff are described as friendly, while customers frequently mention lines
    out the door": one review says the line, another the staff). A claim no review says in
    its words is the model's, and so is one
    that two say in part (a paraphrase of several: "Many customers mention the kind front
    desk staff" of "the front desk was friendly", "Friendly front desk"). The stars and
    ratings of "all reviewers gave five stars" are the rating rule's.

    Overviews turn one reviewer's words into everyone's; the model entails such claims
    against the review that says them. On the read record sets it fires on one overview that
    does (`read13-record-saguaro-family-dentistry-tucson-anxiety-praise-generalised`) and on
    no correct one (docs/grounding.md)."""
    many = _many_reviewers(claim)
    if len(reviews) < MIN_REVIEWS or many is None or _OF_STARS.search(claim):
        return False
    listed = claim.find(":", many.end())
    if listed >= 0 and _ONE_REVIEWER.match(claim[listed + 1 :].lstrip()):
        claim = claim[
            :listed
        ]  # "Several reviewers praise the work: one customer …": the many's words
    one = _ONE_OF_THEM.search(claim, many.end())
    claim = claim[: one.start()] if one else claim  # "…, although one reviewer found …"
    # the whole claim, or the clause the reviewers open and what follows: "Staff are
    # described as friendly, while customers frequently mention lines out the door" (one
    # review says the line, another the staff)
    start = max((cut.end() for cut in _CLAUSE_CUT.finditer(claim, 0, many.start())), default=0)
    return any(
        _one_review_says(text, reviews, names) for text in dict.fromkeys((claim, claim[start:]))
    )


# every reviewer: "Every reviewer mentioned slow tune-ups", "all four reviews praise …"
_EVERY_REVIEWER = re.compile(
    r"(?<!\bfor )(?<!\bto )(?<!\bwith )(?<!\bof )(?<!\bby )(?<!\bfrom )(?<!\bat )"
    r"\b(?:all|every|each)\s+(?:single\s+)?(?:one\s+)?(?:of\s+the\s+|of\s+its\s+)?"
    rf"(?:(?:two|three|four|five|\d)\s+)?(?:{'|'.join(_REVIEWERS)}|review)s?\b"
    rf"(?!{_NOT_A_REVIEWER_AFTER})",
    re.I,
)


def not_everyones(claim: str, reviews: Sequence[str], names: frozenset[str]) -> bool:
    """Whether the claim gives to every reviewer (`_EVERY_REVIEWER`; not a thing done "for
    every client") what some review says and another never touches: of `reviews` (two or
    more), one holds `MIN_SAID` or more of the content words the claim says beyond its frame
    and the records' `names`, and another none of them ("Every reviewer, however, mentioned
    slow tune-ups" of four reviews, two of which say nothing of tune-ups, `read-52`). What
    follows "one"/"another" is that reviewer's, and the stars of "all three reviewers gave
    five stars" are the rating rule's. A review that says it in other words would be read as
    one that does not: the hand-written correct overviews give "every reviewer" only to what
    each review names."""
    every = _EVERY_REVIEWER.search(claim)
    if len(reviews) < MIN_REVIEWS or every is None or _OF_STARS.search(claim):
        return False
    if _ONE_REVIEWER.search(claim, 0, every.start()):
        return False  # "One reviewer said the owner greets every guest": that reviewer's
    one = _ONE_OF_THEM.search(claim, every.end())
    start = max((cut.end() for cut in _CLAUSE_CUT.finditer(claim, 0, every.start())), default=0)
    text = claim[start : one.start() if one else len(claim)]
    said = _said(text, names)
    if len(said) < MIN_SAID:
        return False
    shared = [len(said & set(content_words(review))) for review in reviews]
    return max(shared) >= MIN_SAID and min(shared) == 0


def _many_reviewers(claim: str) -> re.Match[str] | None:
    """The reviewers a word of many counts ("Many customers", "diners consistently"): the
    first within `NEAR` words of one, with no comma or clause cut between (a determiner of
    many only before them); None when there is none."""
    for reviewers in _MANY_REVIEWERS.finditer(claim):
        for many in _MANY.finditer(claim):
            if _AS_MANY_AS.match(claim, many.start()) or (
                many.start() > reviewers.end() and many.group().lower() in _DETERMINERS
            ):
                continue
            between = claim[min(many.end(), reviewers.end()) : max(many.start(), reviewers.start())]
            if len(_WORDS.findall(between)) <= NEAR and not re.search(r"[,;:.]", between):
                return reviewers
    return None


_WORDS = re.compile(r"\w+")
_CLAUSE_CUT = re.compile(r"[;:]\s+|,\s+(?:and|but|while|whereas|though|although)\s+")


def _said(text: str, names: frozenset[str]) -> set[str]:
    """The content words a claim says about the reviews beyond its frame (`_FRAME`: who said
    it and how) and the records' `names`."""
    return set(content_words(text)) - _FRAME - {w for n in names for w in content_words(n)}


def _one_review_says(text: str, reviews: Sequence[str], names: frozenset[str]) -> bool:
    """Whether one review holds half the text's said words (at least MIN_SAID) and each
    other review at most one of them, none when the text says three words or fewer: "Several
    reviewers found the prices fair" of "prices are fair" and "reasonable prices" is a
    paraphrase of two (`overgeneralised`)."""
    said = _said(text, names)
    if len(said) < MIN_SAID:
        return False
    shared = sorted((len(said & set(content_words(review))) for review in reviews), reverse=True)
    return shared[0] >= max(MIN_SAID, len(said) / 2) and shared[1] <= (1 if len(said) > 3 else 0)
