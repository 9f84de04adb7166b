"""Token-bounded, overlapping context windows: nothing of a document is truncated away."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from tokenizers import Tokenizer

from groundrail.grounding.lexical import BM25, STOPWORDS, content_words
from groundrail.grounding.linear import HEADING
from groundrail.grounding.records import Record


@dataclass(slots=True, frozen=True)
class Document:
    id: str
    text: str
    record: Record | None = None  # the record a JSON document was linearised from


@dataclass(slots=True, frozen=True)
class Window:
    doc_id: str
    index: int  # position of the window in its document, 0 = first
    start: int  # character offsets into the document text
    end: int
    text: str


def token_offsets(tokenizer: Tokenizer, texts: list[str]) -> list[list[tuple[int, int]]]:
    """Character spans (start, end) of the model tokens of each text, special tokens and
    empty spans left out: each document is tokenised once, for its windows and sentences."""
    _require_untruncated(tokenizer)
    encoded = tokenizer.encode_batch(texts, add_special_tokens=False)
    return [[o for o in e.offsets if o[1] > o[0]] for e in encoded]


def make_windows(
    doc: Document, offsets: list[tuple[int, int]], size: int, overlap: int
) -> list[Window]:
    """Split one document into windows of at most `size` model tokens, `overlap` tokens shared;
    `offsets` are its tokens' character spans (`token_offsets`).

    Window edges snap back to a word boundary so no word is cut in half; the union of the
    windows always covers the whole text.
    """
    if size <= overlap:
        raise ValueError(f"window size {size} must exceed the overlap {overlap}")
    text = doc.text
    if not offsets:
        return [Window(doc.id, 0, 0, len(text), text)] if text.strip() else []
    windows: list[Window] = []
    first = 0
    step = size - overlap
    while True:
        last = min(first + size, len(offsets)) - 1
        start = offsets[first][0] if first else 0
        end = offsets[last][1] if last < len(offsets) - 1 else len(text)
        windows.append(Window(doc.id, len(windows), start, end, text[start:end].strip()))
        if last == len(offsets) - 1:
            return windows
        previous, first = first, first + step
        # Snap the next start back to the beginning of a word (sub-word pieces share offsets),
        # unless the word began in the previous window's first step: a "word" longer than
        # that (a URL, a base64 blob) is cut inside, so every window moves forward.
        snapped = first
        while snapped > previous + 1 and offsets[snapped][0] == offsets[snapped - 1][1]:
            snapped -= 1
        if offsets[snapped][0] != offsets[snapped - 1][1]:
            first = snapped


# Where prose breaks into sentences (and structured lines into fields): after . ! ? or a line
# break, before what starts a sentence; not after a title or a month ("Dr. Helen Marsh",
# "Sept. 12", "No. 3"), a name's initial (after a capitalised word or another initial: "George
# W. Bush", "J. R. Ortiz"; not "vitamin D."), a dotted abbreviation before a name ("the U.S.
# Supreme Court", not "the U.S. The …"), nor between a time and its day or month ("at 11 p.m.
# Sunday"). Cheaper than pysbd on long documents, and a unit only needs to be a reasonable
# piece of evidence, not a perfect sentence.
# what opens a sentence after "the U.S." ("… in the U.S. The …"), where a name goes on ("the
# U.S. Supreme Court", "Washington, D.C. Mayor …")
_OPENERS = """The|A|An|It|He|She|They|We|I|You|This|That|These|Those|There|In|On|At|But|And|So
    |Its|His|Her|Their|Our|After|When|While|If|As|Some|Many|Most|One|No|Officials|Police"""
_OPENERS = "".join(_OPENERS.split())
NAME_LETTERS = 12  # the longest first name (and one) an initial is read after: "Christopher"
_TITLES = """Dr Mr Mrs Ms St Jr Sr Prof Gov Sen Rep Gen Col Lt Sgt Capt Cmdr Det Supt Cpl Pvt
    Maj Rev Hon Mt Ft vs Jan Feb Mar Apr Aug Sept Sep Oct Nov Dec"""
_SENTENCE_END = (
    r"(?<=[.!?])"
    + "".join(rf"(?<!\b{title}\.)" for title in _TITLES.split())
    + "".join(rf"(?<!\b[A-Z][a-z]{{{n}}} [A-Z]\.)" for n in range(1, NAME_LETTERS))
    + rf"(?<!\b[A-Z]\.[A-Z]\.(?=\s+(?!(?:{_OPENERS})\b)))"
    + r"(?<!\b[A-Z]\. [A-Z]\.)\s+(?=[\"'(\[]?[A-Z0-9])(?![A-Z]\.\s)"
    r"(?<!\bNo\.\s(?=\d))"  # "ranked No. 3"
    r"(?<![ap]\.m\.\s(?=(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|Jan(?:uary)?"
    r"|Feb(?:ruary)?|March|April|May(?=\s+\d)|June|July|Aug(?:ust)?|Sept?(?:ember)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b(?!['\u2019])))"
)
_UNIT_BREAK = re.compile(rf"{_SENTENCE_END}|\s*\n\s*")
# A linearised record's unit is its line: a field group, or one review with its heading.
_LINE_BREAK = re.compile(r"\s*\n\s*")


@dataclass(slots=True, frozen=True)
class Unit:
    """A sentence (or a field of a structured record) of one document: the pieces premises
    are assembled from."""

    doc_id: str
    position: int  # running number across the request's documents, in order
    start: int
    end: int
    text: str
    tokens: int


def make_units(
    docs: list[Document], offsets: list[list[tuple[int, int]]], max_tokens: int
) -> list[Unit]:
    """Every document's sentences (a record's lines) with their token counts (`offsets`: each
    document's `token_offsets`); a unit longer than `max_tokens` is cut into windows of that
    size."""
    units: list[Unit] = []
    for doc, spans in zip(docs, offsets, strict=True):
        starts = [o[0] for o in spans]
        cursor = 0
        breaks = _LINE_BREAK if doc.record is not None else _UNIT_BREAK
        for brk in [*breaks.finditer(doc.text), None]:
            end = brk.start() if brk else len(doc.text)
            piece = doc.text[cursor:end]
            if piece.strip():
                start = cursor + len(piece) - len(piece.lstrip())
                stop = cursor + len(piece.rstrip())
                first, last = bisect_left(starts, start), bisect_left(starts, stop)
                if last - first <= max_tokens:
                    units.append(Unit(doc.id, len(units), start, stop, piece.strip(), last - first))
                else:
                    inner = [(a - start, b - start) for a, b in spans[first:last]]
                    sentence = Document(doc.id, doc.text[start:stop])
                    for w in make_windows(sentence, inner, max_tokens, max_tokens // 4):
                        units.append(
                            Unit(
                                doc.id,
                                len(units),
                                start + w.start,
                                start + w.end,
                                w.text,
                                max_tokens,
                            )
                        )
            cursor = brk.end() if brk else cursor
    return units


# A review's sentences, cut as prose is (not after a title: "Dr. Hanley")
_REVIEW_SENTENCE = re.compile(_SENTENCE_END)


def review_digest(record_text: str, claim: str) -> str | None:
    """A premise for a claim about a record's reviews as a whole ("Reviewers praise the
    broth"): each review line's heading with its sentence that matches the claim best and a
    second that adds `MIN_NEW_WORDS` of its words (`review_focus`), in order ("Review 1 (5
    stars, May 4, 2022): The broth is rich. Review 3 (4 stars, …): …"); None
    when fewer than two reviews share a word with the claim. `record_text`: the linearised
    record, one line per field group or review (a review longer than a unit is whole here)."""
    parts = [
        best
        for line in record_text.split("\n")
        if (best := review_focus(line, claim, most=DIGEST_SENTENCES)) is not None
    ]
    return " ".join(parts) if len(parts) >= MIN_DIGEST_REVIEWS else None


def line_of(text: str, unit: Unit) -> str:
    """The whole line of `text` (a linearised record) that holds `unit`: a review longer
    than a unit is cut into several, and only its first starts with its heading."""
    start = text.rfind("\n", 0, unit.start) + 1
    end = text.find("\n", unit.end)
    return text[start : len(text) if end < 0 else end].strip()


def review_focus(line: str, claim: str, most: int = 3) -> str | None:
    """A record's review line ("Review 2 (2 stars, …): text") cut to its heading and the few
    sentences that say what `claim` says of it, in review order: the best-matching sentence
    by BM25, then each next best that adds `MIN_NEW_WORDS` of the claim's words it lacks, at
    most `most` ("Review 2 (1 stars, …): Ordered delivery … waited almost two hours. The pizza
    was lukewarm … They did not offer a refund."); None for a line that is no review, or whose
    text shares no word with the claim. One sentence alone reads a claim that draws on three
    as contradicted (0.97); the whole review reads its other sentences so ("and called the
    bathroom gross" of a review saying "The bathroom was pretty gross too." among four)."""
    heading = HEADING.match(line)
    if heading is None:
        return None
    sentences = _REVIEW_SENTENCE.split(line[heading.end() :])
    scores = BM25(sentences).scores(claim)
    wanted = set(content_words(claim))
    chosen: list[int] = []
    covered: set[str] = set()
    for i in sorted(range(len(sentences)), key=lambda i: -scores[i]):
        if scores[i] <= 0 or len(chosen) == most:
            break
        new = (set(content_words(sentences[i])) & wanted) - covered
        if chosen and len(new) < MIN_NEW_WORDS:
            continue
        chosen.append(i)
        covered |= new
    if not chosen:
        return None
    return heading.group() + " ".join(sentences[i] for i in sorted(chosen))


# a sentence that opens on a pronoun: its subject ("It was designed by …", "She said …") or
# its possessive ("Its lantern was first lit …")
_PRONOUN = re.compile(r"(?:(It|He|She|They)|(Its|His|Her|Their))\s+(?=[a-z])")
# a sentence that says what its subject is, the subject opening it: "Carrow Point Lighthouse
# is a 38-metre granite tower …", "Morrow's saxifrage (Saxifraga morrowii) is a low …",
# "Tinnitus is a common problem", "Dr. Ana Ruiz is the shelter's director"
_DEFINED = re.compile(
    r"(?:(?:The|A|An)\s+)?(?P<subject>[\w'\u2019&.-]+(?:\s+[\w'\u2019&.-]+){0,4}?)"
    r"(?:\s+\([^)]*\))?\s+(?:is|are|was|were)\s+(?:a|an|the|one\s+of)\s"
)
# "It" that stands for no name: "It is important to …", "It was Mensah's first goal", "It was
# the first time …", "It is believed the …", "It emerged on Friday that …"
_NO_ANTECEDENT = re.compile(
    r"It\s+(?:(?:is|was|has\s+been|will\s+be)\s+(?:[A-Z]|(?:the|a|an)\s+(?:first|second|third"
    r"|only|last)\b|(?:\w+\s+){0,2}?(?:to|that|whether|how|why|when|unclear|not\s+clear|said"
    r"|believed|thought|hoped|expected|likely|unlikely|possible|time|now)\b)"
    r"|(?:turned\s+out|emerged|remains|makes\s+sense|follows|comes|seems|appears)\b)"
)
# words no subject of a few words holds but a name's "of" and "and" ("Bank of America")
_NOT_IN_NAMES = STOPWORDS - {"of", "and"}


def resolved(units: list[Unit], index: int, claim: str) -> str | None:
    """Unit `index`'s text with the pronoun it opens on replaced by the subject of the
    sentence just before it in its document, when that sentence says what its subject is
    (`_DEFINED`: "It was designed by the engineer Alasdair Menzies …" after "Carrow Point
    Lighthouse is a 38-metre granite tower …" reads "Carrow Point Lighthouse was designed
    …"), and only for a claim that says the subject (as much of its end as it says: "Ruiz"
    of "Dr. Ana Ruiz"), which the sentence does not. The model reads such a premise against
    such a claim as contradicted (0.82 against "Carrow Point Lighthouse was designed by …",
    0.46 "Margaret Hale was born in Leeds …" against "She was born in Leeds …"; 0.92 and 0.96
    with the name). A sentence before that does something to another thing ("Acme has
    acquired Beta Labs. It was founded in 2010 …") may give the pronoun to either, and is
    left alone: a wrong name would make a claim that gives the fact to the wrong one
    entailed. None otherwise: no pronoun, no such sentence, or a subject the claim does not
    say."""
    unit = units[index]
    opening = _PRONOUN.match(unit.text)
    if opening is None or _NO_ANTECEDENT.match(unit.text) or index == 0:
        return None
    before = units[index - 1]
    defined = _DEFINED.match(before.text)
    if (
        before.doc_id != unit.doc_id
        or defined is None
        or set(defined["subject"].lower().split()) & _NOT_IN_NAMES
        or defined["subject"][0].isdigit()
    ):
        return None
    said = _said_of(defined["subject"], claim)
    if said is None or re.search(rf"\b{re.escape(said)}\b", unit.text, re.I):
        return None
    if said[0].islower():  # "the driver", "the team"
        said = f"The {said}"
    if opening.group(2):  # "Its lantern", "Their coach": the name's
        said += "'" if said.endswith("s") else "'s"
    return f"{said} {unit.text[opening.end() :]}"


def _said_of(name: str, claim: str) -> str | None:
    """The longest end of `name` the claim says ("Ruiz" of "Dr. Ana Ruiz"), as `name` writes
    it; None when the claim says none of it."""
    words = name.split()
    for k in range(len(words)):
        said = " ".join(words[k:])
        if words[k] not in ("of", "and", "&") and re.search(rf"\b{re.escape(said)}\b", claim, re.I):
            return said
    return None


MIN_NEW_WORDS = 2
MIN_DIGEST_REVIEWS = 2
# sentences of a review in a digest: a list of praised things draws on two of one review's
# ("…, the in-house waffle cones, a sprinkles bar that kids loved": read-22)
DIGEST_SENTENCES = 2


def _require_untruncated(tokenizer: Tokenizer) -> None:
    """Token counts and offsets must cover the whole text: a truncating tokenizer (the model's
    own, cut at its max length) would return only the first max-length tokens."""
    if tokenizer.truncation is not None:
        raise ValueError("windows need a tokenizer without truncation (NLIModel.text_tokenizer)")
