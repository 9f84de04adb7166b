"""Split an answer into the claims to check, keeping character offsets into the answer."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Literal

import pysbd
from pysbd.utils import TextSpan

from groundrail.grounding.lexical import content_words, has_negation

SkipReason = Literal[
    "question",
    "pleasantry",
    "refusal",
    "code",
    "no_content",
    "framing",
    "absence",
    "heading",
    "disclaimer",
]


@dataclass(slots=True, frozen=True)
class Span:
    text: str
    start: int
    end: int  # answer[start:end] == text


@dataclass(slots=True, frozen=True)
class Skipped:
    span: Span
    reason: SkipReason


_FENCED = re.compile(r"```.*?(?:```|\Z)", re.DOTALL)
# Inline code is part of its sentence ("Run `git reset --soft HEAD~1` to …"): sentences are
# cut on a copy where it is masked, so a dot or a "~" inside it never ends one; a sentence
# that is only inline code is skipped as code.
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_PLEASANTRY = re.compile(
    r"^(((hi|hello|hey)(\s+there)?|greetings|thanks|thank you|you're welcome|sure|certainly|"
    r"of course|absolutely|great question|good question|sorry)(?=\s*(?:[!,.]|$))|"
    r"(i hope (this|that) helps|hope (this|that) helps|"
    r"let me know|feel free|happy to help|glad to help|is there anything else)\b[^,;]*$|"
    r"here (is|are) (the|a|an|your)\b[^.]{0,40}:?$)",
    re.IGNORECASE,
)
# What Llama-2 and GPT-3.5 say to the user around an answer ("I hope this summary is
# helpful!", "Thank you for your question!", "If you have any other questions, feel free to
# ask.", "I'm here to help with any other questions you may have.", "Sorry to hear that!"):
# a whole sentence of
# `COURTESY_MAX_WORDS` at most, without a number
_COURTESY = re.compile(
    r"^(?:(?:great|okay|ok|well|again)[,!.]?\s+)?(?:"
    r"i\s+hope\s+(?:this|that|the\s+above|my\s+\w+|these)\b.*\b(?:help|useful|answer|clear"
    r"|clarif|assist|informative)"
    r"|(?:please\s+)?(?:do\s+not\s+hesitate|don['\u2019]t\s+hesitate|let\s+me\s+know|feel\s+free)\b"
    r"|if\s+you\s+have\s+(?:any\s+)?(?:other|more|further|additional|follow-up)?\s*questions?\b"
    r"|thanks?(?:\s+you)?(?:\s+so\s+much)?\s+for\s+(?:your|the|this|asking|reaching)\b"
    r"|(?:i['\u2019]m|i\s+am|i['\u2019]d\s+be|i\s+would\s+be)\s+(?:here|happy|glad|more\s+than\s+happy)"
    r"\s+to\s+(?:help|assist)\b"
    r"|(?:i['\u2019]m\s+|i\s+am\s+|so\s+|really\s+)*sorry\s+(?:to\s+hear\s+(?:that|this"
    r"|about\s+(?:that|this|your\s+[\w\s'\u2019-]+))|about\s+(?:that|this)"
    r"|for\s+(?:the|any)\s+(?:trouble|inconvenience|hassle))\s*[.!]*$)",
    re.IGNORECASE,
)
COURTESY_MAX_WORDS = 20
_REFUSAL = re.compile(
    r"^(i'?m sorry|i am sorry|sorry,|i apologi[sz]e|i (can ?not|can't|am unable|'m unable|"
    r"don't have|do not have) |as an ai\b|i'?m (?:just |only )?an ai\b|unfortunately,? i\b)",
    re.IGNORECASE,
)
# Words that frame an answer rather than state anything: "Sure!", "Here is what the passage
# says:", "Based on the provided documents,", "The record shows that". A sentence that is only
# framing is skipped; framing before a statement is cut off and the statement is the claim.
_SOURCE_NOUN = (
    r"(?:documents?|context|passages?|records?|data|information|text|articles?|sources?|"
    r"reviews?|structured data|json|search results|excerpts?|knowledge base|details|page|"
    r"report|summary|news|notes?|facts?)"
)
# What an answer says of itself, not of the world: "Please note that the information provided
# is based on the given passages and may not be up to date.", "This summary is based solely on
# the article." (Llama-2 and Mistral close answers so in RAGTruth's shapes)
_ANSWER_NOUN = (
    r"(?:the\s+|this\s+|these\s+|my\s+|above\s+)?(?:information|answer|response|summary|"
    r"overview|details|description|impressions|observations|highlights|insights)"
    r"(?:\s+(?:provided|given|above|here))?"
)
_DISCLAIMER = re.compile(
    r"^(?:(?:please\s+)?(?:note|keep\s+in\s+mind|be\s+aware|remember)\s+that\s+)?"
    rf"{_ANSWER_NOUN}\s+(?:is|was|are)\s+(?:based|drawn)\s+(?:solely\s+|only\s+|entirely\s+"
    r"|exclusively\s+|purely\s+)?(?:on|from)\s+(?:the\s+|this\s+|these\s+|your\s+"
    r"|(?:a|the)\s+(?:small|limited|handful|few)\s+(?:number\s+of\s+|set\s+of\s+|of\s+)?)?"
    rf"(?:provided\s+|given\s+|above\s+|available\s+|following\s+)?{_SOURCE_NOUN}\b[^,;]*$"
    rf"|^(?:(?:please\s+)?(?:note|keep\s+in\s+mind|be\s+aware|remember)\s+that\s+)?{_ANSWER_NOUN}"
    r"\s+(?:may|might|could)\s+(?:not\s+)?(?:be\s+)?(?:up[\s-]to[\s-]date|accurate|complete|"
    r"current|change|have\s+changed|vary|exhaustive)\b[^,;]*$",
    re.IGNORECASE,
)
_FRAMING = re.compile(
    r"^(?:(?:sure|certainly|okay|ok|of course|absolutely|great|yes)[!,.]?\s+)?"
    r"(?:(?:additionally|also|moreover|furthermore|however|in\s+addition|finally|lastly"
    r"|similarly|specifically),?\s+(?=(?:based|according|from|per|as|the|this|these|passage"
    r"|document|source|in)\b))?"
    r"(?:here(?:'s|\s+is|\s+are)\b[^:\n]{0,160}:\s*"
    r"|(?:based\s+on|according\s+to|from|per|as\s+(?:stated|described|mentioned|shown|noted)"
    r"\s+in)\s+(?:the\s+|this\s+|these\s+|your\s+|my\s+)?(?:provided\s+|given\s+|above\s+|"
    rf"available\s+|attached\s+|retrieved\s+|following\s+)?{_SOURCE_NOUN}\b[^:\n]{{0,40}}?[,:](?!\d)\s*"
    rf"|(?:(?:the|this|these)\s+(?:provided\s+|given\s+|news\s+|original\s+)?{_SOURCE_NOUN}"
    r"|(?:passage|document|source)\s+\d+)\s+(?:also\s+|further\s+)?(?:says?|shows?|states?|"
    r"indicates?|mentions?|suggests?|notes?|reports?|adds?|explains?|confirms?|points?\s+out|"
    r"clarifies|specifies|recommends?|warns?)\s+(?:that\s+)?(?=\w)(?![^.]*\?)"
    r"|(?:sure|certainly|okay|ok|of course|absolutely)[!,.]\s*"
    r"|(?:hi|hello|hey)(?:\s+there)?,\s*(?=\w)"
    r"|(?:passage|document|source)\s+\d+\s*:\s*(?=\w)"
    r"|(?:in\s+)?(?:(?:the|this)\s+(?:news\s+)?(?:article|passage|text|report)"
    r"|(?:passage|document|source)\s+\d+),?\s+it\s+is\s+"
    r"(?:reported|stated|noted|said|mentioned|explained)\s+that\s+(?=\w)"
    r"|to\s+answer\s+(?:your|the|this)\s+question,\s*(?=\w)"
    r"|(?:the\s+)?(?:short|quick|simple)\s+answer(?:\s+is)?\s*[:\u2014\u2013-]\s*(?=\w)"
    r"|(?:in\s+short|in\s+brief|tl;?\s*dr|bottom\s+line)\s*[:,\u2014\u2013-]\s*(?=\w)"
    # a call to attend that asserts nothing itself: "Please note that the lot holds about 30
    # cars." (the model read that at 0.41 entailment, the statement alone at 0.95)
    r"|(?:please\s+)?(?:note|keep\s+in\s+mind|bear\s+in\s+mind|be\s+aware|remember)\s+that\s+(?=\w)"
    r"|it\s+(?:is|['\u2019]s)\s+(?:also\s+)?(?:important|worth|useful|helpful)\s+(?:to\s+)?"
    r"(?:note|noting|mention|mentioning|remember|point\s+out|pointing\s+out|know)\s+that\s+(?=\w)"
    r"|it\s+should\s+(?:also\s+)?be\s+(?:noted|mentioned)\s+that\s+(?=\w))",
    re.IGNORECASE,
)
# The question said back to the user ("You're asking whether you can upgrade directly from
# 3.9 to 4.2."): it asserts nothing, and the model contradicts it against an answer of no
# (0.88; read-39). Not when a clause of its own follows ("…, which still supports Ubuntu
# 20.04"): that one states something.
_RESTATED = re.compile(
    r"^(?:so,?\s+)?(?:you(?:['\u2019]re|\s+are)\s+(?:asking|wondering)|you\s+(?:asked|want\s+to"
    r"\s+know|would\s+like\s+to\s+know|(?:['\u2019]d|would)\s+like\s+to\s+know)|your\s+question"
    r"\s+is)\s+(?:about\s+|whether\s+|if\s+|how\s+|what\s+|why\s+|when\s+|where\s+|which\s+"
    r"|who\s+)[^,;:]*$",
    re.IGNORECASE,
)
# What the documents leave out, said of the documents ("The passages do not mention the
# price.", "There is no information about its architect in the context.", "I couldn't find
# the opening date."): a statement about the context, not about the world, and no
# hallucination (RAG answers say it when the retrieval missed). Left as claims: the same said
# of a record ("No Sunday hours are listed.": the record's fields decide it), and a sentence
# that also states something ("It is 330 m tall, but the passages do not say who built it").
_NOUN = (
    r"(?:(?:the|these|this|those|your)\s+)?(?:(?:provided|given|above|available|retrieved|"
    r"supplied|search|three|two)\s+)?"
    r"(?:(?:passages?|documents?|sources?|excerpts?|snippets?)(?:\s+\d+)?|articles?|context|"
    r"texts?|search\s+results|(?:provided|given)\s+information|information\s+(?:provided|given)"
    r"|data\s+provided)"
    r"(?:\s+(?:provided|given|above|available|supplied)|\s+(?:you|the\s+user)\s+"
    r"(?:provided|gave|shared|supplied|sent))?"
)
_END = r"(?=\s*(?:[.,;:!?)]|$))"  # the documents end the phrase: "in the passages."
_NOT = r"(?:\s*not|n['\u2019]t)"
_ABSENCE = re.compile(
    r"^(?:(?:however|unfortunately|but|note that|please note that|that said|also|no|actually)"
    r"\b,?\s+)?"
    rf"(?:(?:{_NOUN}\s+(?:do|does|did){_NOT}\s+(?:\w+\s+)?"
    rf"|(?:none|neither)\s+of\s+{_NOUN}\s+|neither\s+(?:passage|document|source|text)\s+)"
    r"(?:mention|specify|provide|contain|include|say|state|give|indicate|discuss|address|list|"
    r"offer|cover|describe|explain|reveal|detail|clarify|answer|tell|have)s?\b"
    rf"|{_NOUN}\s+(?:makes?\s+no\s+mention|never\s+mentions?|(?:says?|mentions?)\s+nothing)\b"
    r"|there(?:\s+is|\s+are|\s+was|\s+were|['\u2019]s)\s+(?:no|not\s+enough|insufficient)\s+"
    r"(?:specific\s+)?(?:information|mention|data|details?|indication)\b[^.]*?\b"
    rf"(?:(?:in|from|within)\s+{_NOUN}(?:{_END}|\s+(?:about|on|regarding|concerning|as\s+to)\b)"
    r"|to\s+answer\s+(?:the|this|your)\s+question)"
    r"|no\s+(?:specific\s+)?(?:information|details?|data)\b[^.]*?\b(?:is|are|was|were)\s+"
    rf"(?:provided|given|available|mentioned|included)\b[^.]*?\b(?:in|by|from|within)\s+{_NOUN}"
    rf"{_END}"
    r"|(?:i\s+(?:am|'m)\s+)?unable\s+to\s+answer\b"
    rf"|i\s+(?:(?:could|can|did){_NOT}|was\s+unable\s+to|am\s+unable\s+to)\s+find\s+"
    r"(?:(?:any|the|specific)\s+)*(?:information|mention|details?|data|answer)\b"
    rf"|i\s+(?:(?:could|can|did){_NOT}|was\s+unable\s+to|am\s+unable\s+to)\s+find\b[^.]*?\b"
    rf"(?:in|from|within)\s+{_NOUN}{_END}"
    rf"|it\s+is\s+(?:not\s+clear|unclear)\s+(?:from|in|based\s+on)\s+{_NOUN}\b"
    r"|it\s+is\s+(?:not\s+possible|impossible)\s+to\s+(?:answer|determine|tell|say|know)\b"
    rf"[^.]*?(?:\b(?:from|based\s+on|with|given|using)\s+{_NOUN}{_END}|\bthe\s+question\b)"
    r"|the\s+answer\s+(?:cannot|can't|can\s+not)\s+be\s+(?:determined|found)\b"
    rf"|[^.;,]*?\b(?:is|are|was|were){_NOT}\s+(?:explicitly\s+)?(?:mentioned|specified|"
    r"provided|stated|given|listed|discussed|addressed|included|indicated|available)\s+"
    rf"(?:anywhere\s+)?(?:in|by|within)\s+{_NOUN}{_END})",
    re.IGNORECASE,
)
FRAMING_MAX_WORDS = 15  # a short sentence ending in ":" introduces what follows
# what cannot be told, after framing that names the sources ("Based on the passages, it is
# not possible to determine …"): `_ABSENCE` needs the sources in the sentence
_UNDETERMINED = re.compile(
    r"^it\s+is\s+(?:not\s+possible|impossible|not\s+clear|unclear|difficult)\s+to\s+"
    r"(?:answer|determine|tell|say|know|confirm|establish)\b",
    re.IGNORECASE,
)
# what a summary says of its own length: "(Word count: 118)", "Summary (120 words):"
_WORD_COUNT = re.compile(
    r"^\(?(?:word\s+count|words?)\s*[:\-]?\s*\d+\s*(?:words?)?\)?\.?$"
    r"|^(?:\w+\s+){0,2}\(\s*\d+\s+words?\s*\)\s*:?$",
    re.IGNORECASE,
)
# "It depends on what you want to do.", "That depends on the method.": a short opener that
# says the answer has parts, which follow
_DEPENDS = re.compile(
    r"^(?:well,\s*)?(?:it|that|this|the\s+answer)\s+(?:really\s+|largely\s+|mostly\s+)?"
    r"depends\s+(?:on|upon)\s+(?:a\s+few|several|many|various|a\s+number\s+of|a\s+lot\s+of)?\s*"
    r"(?:what|how|when|where|which|who|whether\s+you|your|you|factors?|things|circumstances"
    r"|the\s+(?:situation|method|person|circumstances|context|case|type|kind|individual"
    r"|details|specifics|goal|purpose))\b[^.;:]*[.:!]?$",
    re.IGNORECASE,
)
DEPENDS_MAX_WORDS = 10
# A reply of a degree alone, the sentences after it saying what it is of: "Partly." (to "Is my
# dishwasher still covered?", read-52), "Mostly.", "Not always."
_PARTLY = re.compile(
    r"^(?:partly|partially|mostly|largely|sometimes|somewhat|in\s+part|not\s+always"
    r"|not\s+entirely|not\s+completely|yes\s+and\s+no)[.!]?$",
    re.IGNORECASE,
)
# A reply to the question that says only that its premise is wrong ("No — it's the other way
# around.", "Actually, that's a common misconception."): what is right follows it
_REPLY = re.compile(
    r"^(?:(?:no|yes|well|actually|not\s+quite|unfortunately)\b[\s,.!\u2014\u2013-]*)*"
    r"(?:it['\u2019]s|it\s+is|that['\u2019]s|that\s+is|this\s+is)\s+(?:actually\s+)?"
    r"(?:the\s+other\s+way\s+a?round|the\s+opposite|backwards|(?:a\s+)?(?:common\s+)?"
    r"misconception|not\s+(?:quite\s+|entirely\s+)?(?:right|correct|true|accurate|the\s+case)"
    r"|incorrect|inaccurate|wrong|false)\s*[.!]?$",
    re.IGNORECASE,
)
# "Offside works like this.", "The steps are as follows.": a sentence that only says what
# follows
_INTRODUCES = re.compile(
    r"^[^.:;]*\b(?:(?:works?|goes|looks?|is\s+done)\s+like\s+this|(?:is|are)\s+as\s+follows"
    r"|(?:include|includes|are|is)\s+the\s+following)\s*[.:!]?$",
    re.IGNORECASE,
)
# Where a long compound sentence may be cut into clauses the model judges more reliably.
_CLAUSE = re.compile(r";\s+|,\s+(?=(?:and|but|while|whereas|although|though|which)\s)")
CITATION = re.compile(r"\s*\[(?P<ref>\d{1,3}|[A-Za-z][\w.:-]{0,63})\]")  # [2], [doc-7]
_LIST_MARKER = re.compile(r"^(\d{1,2}|[a-z])[.)]$", re.IGNORECASE)
# The words of a reaction rather than a statement ("Amazing!", "That is cool.", "I agree with
# you.", "That sounds great!"): a sentence whose content words are all among these has
# nothing to check. Chat answers and dialogue turns are full of them (FaithDial, Q²).
_REACTION = frozenset(
    content_words(
        "amazing awesome cool great good nice wow interesting fascinating wonderful fantastic "
        "excellent lovely neat fun funny cute beautiful incredible impressive agree agreed true "
        "right exactly indeed totally definitely really love glad happy sounds yeah yes okay "
        "sure haha lol hmm oh ah thanks welcome hope wish s"
    )
)
# A sentence that only turns to the downsides an overview lists next ("The drawbacks
# mentioned are mostly practical.", "Criticisms are limited."): the model reads each against
# a review as contradicted (read-34: 5 of 8 correct record overviews flagged by one alone);
# what the downsides are is in the sentences that follow, which are judged.
_FAULT = frozenset(
    content_words(
        "drawbacks downsides concerns criticisms criticism complaints gripes negatives "
        "weaknesses shortcomings caveats"
    )
)
_TURN = _FAULT | frozenset(
    content_words(
        "mentioned noted raised cited reported voiced mostly mainly largely generally however "
        "though also other others some several few minor limited small practical main common "
        "notable less positive reviews reviewers customers guests patients clients feedback "
        "experiences there point worth noting side flip"
    )
)
TURN_MAX_WORDS = 8
# A sentence that only announces the steps or options that follow (read-34: "there's a set
# process for exactly this situation." read as contradicted by an eligibility rule).
_WAY_NOUNS = frozenset(
    content_words("process procedure way ways steps options option approach solution fix route")
)
_WAY = _WAY_NOUNS | frozenset(
    content_words(
        "set simple clear straightforward easy standard good news fortunately luckily exactly "
        "precisely this situation case few couple several available there here handle deal s"
    )
)
_LESS_POSITIVE = re.compile(r"\bless\s+(?:positive|favou?rable|enthusiastic|impressed)\b", re.I)
MIN_CLAUSE_WORDS = 5
LIST_ITEM_WORDS = 4  # ", and" after a comma-separated item this short closes a list
LONG_SENTENCE_WORDS = 30

_local = threading.local()  # pysbd keeps state while it segments: one segmenter per thread


def segmenter() -> pysbd.Segmenter:
    if not hasattr(_local, "segmenter"):
        _local.segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    return _local.segmenter


def split_claims(answer: str) -> tuple[list[Span], list[Skipped]]:
    """The answer's checkable claims, and what was skipped with the reason."""
    claims: list[Span] = []
    skipped: list[Skipped] = []
    masked = _INLINE_CODE.sub(lambda m: "x" * len(m.group()), answer)
    cursor = 0
    for code in _FENCED.finditer(answer):
        _sentences(answer, masked, cursor, code.start(), claims, skipped)
        skipped.append(Skipped(Span(code.group(), code.start(), code.end()), "code"))
        cursor = code.end()
    _sentences(answer, masked, cursor, len(answer), claims, skipped)
    return _carried(answer, claims, skipped)


def _carried(
    answer: str, claims: list[Span], skipped: list[Skipped]
) -> tuple[list[Span], list[Skipped]]:
    """The claims less a lead of one clause that its list's items are read with
    (`read_under_lead`): "Deductions are limited to:" says nothing its items do not."""
    kept: list[Span] = []
    for n, claim in enumerate(claims):
        following = claims[n + 1] if n + 1 < len(claims) else None
        lead = _EMPHASIS.sub("", claim.text).strip()[:-1]
        if (
            following is not None
            and claim.text.endswith(":")
            and read_under_lead(answer, following).startswith(f"{lead} ")
        ):
            skipped.append(Skipped(claim, "framing"))
        else:
            kept.append(claim)
    return kept, skipped


def _sentences(
    answer: str, masked: str, start: int, end: int, claims: list[Span], skipped: list[Skipped]
) -> None:
    """The claims of answer[start:end], cut into sentences on `masked` (the same text with
    its inline code masked: same offsets)."""
    piece = masked[start:end]
    if not piece.strip():
        return
    cased = _sentence_cased(piece)
    for seg_start, seg_end in _joined(cased, segmenter().segment(cased)):
        for line_start, line in _lines(piece, seg_start, seg_end):
            span = _strip(answer, start + line_start, start + line_start + len(line))
            if span is None:
                continue
            span, framing = _unframed(span)
            if framing is not None:
                skipped.append(Skipped(framing, "framing"))
            if span is None:
                continue
            if framing is not None and _UNDETERMINED.match(span.text):
                # "Based on the passages, it is not possible to determine the exact date."
                skipped.append(Skipped(span, "absence"))
                continue
            if _heading(answer, span) or _bold_title(answer, span):
                skipped.append(Skipped(span, "heading"))
                continue
            span, label = _unlabelled(answer, span)
            if label is not None:
                skipped.append(Skipped(label, "heading"))
            span, absence = _absence_cut(span)
            if absence is not None:
                skipped.append(Skipped(absence, "absence"))
            reason = _skip_reason(span.text)
            if reason is not None:
                skipped.append(Skipped(span, reason))
            else:
                claims.extend(_clauses(answer, span))


# Where pysbd ends a sentence that goes on: before a word in lower case (a dotted name:
# "create it in a .venv directory" came back as "… in a ." and "venv …"), and at "9 p.m."
# before a day ("open from 11 a.m. to 9 p.m. Tuesday through Saturday and …"), and after a
# business name's abbreviation that is all the segment holds ("Crumb & Co." | "Bakery is an
# inexpensive bakery …"; not "… founded by Smith & Co." | "It …", a sentence of its own).
_CLOCK_END = re.compile(r"\b[ap]\.m\.$", re.IGNORECASE)
_NAME_END = re.compile(r"^(?:\S+\s+){0,3}(?:Co|Bros|Corp|Inc|Ltd|Assn|Mfg)\.$")
_DAY = re.compile(r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)days?\b|Week(?:days|ends)\b")
# a day that opens a sentence of its own: "… 5 p.m. Friday hours are 8 a.m. to noon."
_DAY_OPENS = re.compile(
    rf"(?:{_DAY.pattern})(?:\s+hours?)?\s+(?:is|are|has|have|opens?|closes?|runs?)\b"
)


# A sentence's end and the next one's first letter; pysbd's abbreviations ("e.g.", "dr.") end none
_LOWER_OPENING = re.compile(r"(?<![\w.])([\w.]*)([.!?][\"')\]]*\s+)([a-z])")
_UPPER_OPENING = re.compile(r"[.!?][\"')\]]*\s+[A-Z]")
_ABBREVIATIONS = frozenset(
    pysbd.languages.Language.get_language_code("en").Abbreviation.ABBREVIATIONS
)


def _sentence_cased(piece: str) -> str:
    """`piece` with its sentences' first letters in upper case where its writer opens every
    sentence in lower case ("yes, it has a long history. it's also …", a chat answer): pysbd
    ends no sentence before a lower-case word, so the whole answer was one claim. The same
    length, so every offset holds; `piece` itself where any sentence opens in upper case."""
    first = next((c for c in piece if c.isalpha()), "")
    if not first.islower() or _UPPER_OPENING.search(piece):
        return piece

    def opened(m: re.Match[str]) -> str:
        word, end, letter = m.groups()
        if end.startswith(".") and word.lower().rstrip(".") in _ABBREVIATIONS:
            return m.group()
        return word + end + letter.upper()

    return _LOWER_OPENING.sub(opened, piece)


def _joined(piece: str, segments: list[TextSpan]) -> list[tuple[int, int]]:
    """The segments' spans, a segment joined to the one before where the sentence goes on."""
    spans: list[tuple[int, int]] = []
    for seg in segments:
        text = piece[seg.start : seg.end].lstrip()
        previous = piece[spans[-1][0] : spans[-1][1]].rstrip() if spans else ""
        goes_on = (
            text[:1].islower()
            or (
                _CLOCK_END.search(previous) is not None
                and _DAY.match(text) is not None
                and _DAY_OPENS.match(text) is None
            )
            or _NAME_END.match(previous) is not None
        )
        if spans and goes_on:
            spans[-1] = (spans[-1][0], seg.end)
        else:
            spans.append((seg.start, seg.end))
    return [cut for start, end in spans for cut in _street_cut(piece, start, end)]


# pysbd reads a street's abbreviation as no sentence's end ("located at 123 Main St. The
# restaurant is open daily"): a sentence ends there when one of an overview's openers follows
_STREET_END = re.compile(
    r"\d+\s+(?:[A-Z][\w.'-]*\s+){1,4}(?:St|Ave|Rd|Blvd|Dr|Ln|Hwy|Pkwy|Ct|Pl)\.(?=\s+(?:The|It"
    r"|They|This|Its|Their|Customers|Reviewers|Diners|Guests|Hours|Parking|Prices|Reviews"
    r"|Overall)\b)"
)


def _street_cut(piece: str, start: int, end: int) -> list[tuple[int, int]]:
    """The span cut after each street abbreviation that ends a sentence (`_STREET_END`)."""
    out = []
    for m in _STREET_END.finditer(piece, start, end):
        out.append((start, m.end()))
        start = m.end()
    return [*out, (start, end)]


def _lines(text: str, start: int, end: int) -> list[tuple[int, str]]:
    """pysbd keeps list items of one block together; each line of a list is its own claim."""
    out, offset = [], start
    for line in text[start:end].split("\n"):
        out.append((offset, line))
        offset += len(line) + 1
    return out


def _strip(answer: str, start: int, end: int) -> Span | None:
    """Drop surrounding blanks, list bullets and, at a line's start, an ordered list's marker
    ("2. **File your claim**: …"), keeping the offsets true."""
    text = answer[start:end]
    lead = len(text) - len(text.lstrip(" \t\r\n-*•>#"))
    if not answer[answer.rfind("\n", 0, start) + 1 : start].strip():
        marker = _ORDERED.match(text, lead)
        if marker is not None:
            lead = marker.end()
    text = text[lead:].rstrip()
    if not text:
        return None
    return Span(text, start + lead, start + lead + len(text))


# A line that titles what follows rather than stating anything: a Markdown heading ("## Hours"),
# a line in bold alone ("**What customers say:**"), a label ending in a colon, or a short
# title line with no sentence's end ("Paper Lantern Books - Overview").
_MARKDOWN_HEADING = re.compile(r"^\s*#{1,6}\s")
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)[^*_\n]+\1\s*:?\s*$")
_BULLET = re.compile(r"^\s*(?:[-*\u2022+]\s|\d+[.)]\s)")
_EMPHASIS = re.compile(r"\*\*|__")  # Markdown bold: "**The Copper Still** is a bar"
_ORDERED = re.compile(r"\d{1,2}[.)]\s+[*_\s]*")  # "2. **", "3) "
HEADING_MAX_WORDS = 8


def _heading(answer: str, span: Span) -> bool:
    """Whether `span` is a whole line of the answer that heads what follows it: a Markdown
    heading anywhere; a bold line or a Title Case line (see `_BOLD_LINE`) that is not a list
    item, not the answer's last line (one a blank line ends is not: a streamed fragment
    goes on after it), and without a number (a bare "Saturday 8:00-14:00" line states
    hours)."""
    line_start = answer.rfind("\n", 0, span.start) + 1
    line_end = answer.find("\n", span.end)
    line = answer[line_start : len(answer) if line_end < 0 else line_end]
    if line.strip() != answer[line_start : span.end].strip():
        return False  # more on the line after it
    if answer[line_start : span.start].strip(" \t#*_>-"):
        return False  # more on the line before it
    if _MARKDOWN_HEADING.match(line):
        return True  # "## Hours" is a title wherever it stands
    if line_end < 0 or (not answer[line_end:].strip() and "\n\n" not in answer[line_end:]):
        # nothing after it; a blank line after it ends a streamed fragment, which goes on
        return False
    if _BOLD_LINE.match(line):
        return True
    bare = _EMPHASIS.sub("", span.text).strip()
    words = [w for w in re.findall(r"[A-Za-z][\w'-]*", bare) if w.lower() not in _TITLE_SMALL]
    return (
        _BULLET.match(line) is None
        and not _FIELD.match(bare)  # "Categories: Salvadoran, Latin American" states them
        and not bare.endswith((".", "!", "?", ";", ","))
        and len(bare.split()) <= HEADING_MAX_WORDS
        and not any(c.isdigit() for c in bare)
        and bool(words)
        and all(w[0].isupper() for w in words)  # Title Case: "Paper Lantern Books - Overview"
    )


# a field with its value on one line: "Categories: Salvadoran, Latin American, Restaurants"
_FIELD = re.compile(r"^[^:]{1,40}:\s*\S")
_TITLE_SMALL = frozenset("a an the of and or for to in on at by with from".split())  # noqa: SIM905


# A label before a sentence on its line ("**Amenities:** The restaurant is fairly expensive",
# "What Customers Say: Two reviewers liked the patio"): a heading, unless its words say what
# the sentence needs ("Hours: Monday to Friday …", whose hours the rule reads by "hours").
_LABEL = re.compile(r"^([A-Z][\w&/' -]{0,40}?):(?:\*\*|__)?\s+(?=[A-Z])")
_LABEL_KEEPS = re.compile(
    r"\b(?:hours?|schedule|open|opening|times?|ratings?|stars?|prices?|pricing|parking|"
    r"location|address)\b",
    re.IGNORECASE,
)
_SAYS = re.compile(
    r"\b(?:said|says|say|noted|notes|added|adds|wrote|writes|stated|states|explained|told|asked)$"
)
LABEL_MAX_WORDS = 4  # and 8 for a label in bold, which Markdown marks as one
# "In the fridge:** If …", "Send a demand letter**: Before …" (the bold opened before the span)
_BOLD_LABEL = re.compile(
    r"^([^*_\n:]{1,60}?)(?::(?:\*\*|__)|(?:\*\*|__)\s*[:\u2013\u2014-])\s+(?=\S)"
)
_VALUE = re.compile(
    r"(?:yes|no|not|none|n/a|available|unavailable|offered|accepted|allowed|free|limited|only)\b",
    re.I,
)
VALUE_MAX_WORDS = 3  # after a label this short a text is its value ("Delivery: Yes")


def _bold_opened(answer: str, span: Span) -> bool:
    """Whether Markdown bold opens on the span's line just before it ("1. **Serve …")."""
    before = answer[answer.rfind("\n", 0, span.start) + 1 : span.start].rstrip()
    return before.endswith(("**", "__"))


def _bold_title(answer: str, span: Span) -> bool:
    """Whether the span is a list item's title in bold, a sentence the item's text goes on
    from on its line ("1. **Send a demand letter.** Before filing, send …"): it heads the
    item (see `_LABEL`)."""
    after = answer[span.end : span.end + 2]
    line_end = answer.find("\n", span.end)
    rest = answer[span.end + 2 : len(answer) if line_end < 0 else line_end]
    return (
        after in ("**", "__")
        and span.text.endswith((".", "!"))
        and _bold_opened(answer, span)
        and bool(rest.strip())
        and len(span.text.split()) <= HEADING_MAX_WORDS
        and not any(c.isdigit() for c in span.text)
        and not _LABEL_KEEPS.search(span.text)
    )


def _unlabelled(answer: str, span: Span) -> tuple[Span, Span | None]:
    """(the sentence, the label cut from its start, if any: see `_LABEL`; a label in bold,
    "**In the fridge:** If you …", may have words in lower case)."""
    bold = _bold_opened(answer, span)
    label = (_BOLD_LABEL.match(span.text) if bold else None) or _LABEL.match(span.text)
    # a list item's label may be in sentence case ("1. Financial crisis: France was …")
    item = _ITEM.match(answer, answer.rfind("\n", 0, span.start) + 1) is not None
    if (
        label is None
        or len(label.group(1).split()) > LABEL_MAX_WORDS + 4 * bold
        or (
            not bold
            and any(w[0].islower() for w in label.group(1).split()[1:])
            and (not item or _SAYS.search(label.group(1)) is not None)
        )
        or _LABEL_KEEPS.search(label.group(1))
        or _DAY.search(label.group(1))  # "On Mondays: it is closed"
        or any(c.isdigit() for c in label.group(1))
        or _DAY.match(span.text, label.end())
        # a field and its value ("Delivery: Yes", "WiFi: Free"): the value alone says nothing
        or len(span.text[label.end() :].split()) <= VALUE_MAX_WORDS
        or _VALUE.match(span.text, label.end())
    ):
        return span, None
    lead = span.text[: label.end()].rstrip()
    return Span(span.text[label.end() :], span.start + label.end(), span.end), Span(
        lead, span.start, span.start + len(lead)
    )


# a lead before a list that states something itself ("The museum, located in Paris, is home
# to:", "The study of 5,000 adults found three main effects:")
_STATES = re.compile(r"\d|\b(?:is|are|was|were|has|have|had)\b|,")


def _unframed(span: Span) -> tuple[Span | None, Span | None]:
    """(the statement, the framing cut from its start): either may be None."""
    text = span.text
    if (
        text.endswith(":")
        and len(text.split()) <= FRAMING_MAX_WORDS
        and (_FRAMING.match(text) or not _STATES.search(text) or _announces(text))
    ):
        return None, span
    match = _FRAMING.match(text)
    if match is None or not match.group() or _DISCLAIMER.match(text) or _ABSENCE.match(text):
        return span, None  # "Please note that the passages do not say …": one skipped sentence
    rest = text[match.end() :]
    if not content_words(rest):
        return None, span
    lead = text[: match.end()].rstrip()
    return Span(rest, span.start + match.end(), span.end), Span(
        lead, span.start, span.start + len(lead)
    )


_BEFORE_ABSENCE = re.compile(
    r",\s+(?:but|however,?|although|though|and|so|only|which|stating|except)\s+"
    r"|;\s+(?:but\s+|however,?\s+)?|\s+but\s+(?=(?:they|it|say|says|state|states|note|notes)\b)"
)


def _absence_cut(span: Span) -> tuple[Span, Span | None]:
    """A statement and what the documents leave out, in one sentence, either way round ("It
    is 330 m tall, but the passages do not say who built it.", "The passages do not mention
    the price, but it opened in 1889."): (the statement, the absence) — else (span, None)."""
    for cut in _BEFORE_ABSENCE.finditer(span.text):
        head_text, tail = span.text[: cut.start()], span.text[cut.end() :]
        head = Span(head_text, span.start, span.start + cut.start())
        rest = Span(tail, span.start + cut.end(), span.end)
        if (_ABSENCE.match(tail) or _REFUSAL.match(tail)) and content_words(head_text):
            return head, rest
        if (
            (_ABSENCE.match(head_text) or _REFUSAL.match(head_text))
            and content_words(tail)
            and not _ABSENCE.match(tail)
        ):
            return rest, head
    return span, None


def _courtesy(text: str) -> bool:
    """Whether the sentence only addresses the user (`_COURTESY`): what follows a comma after
    the courtesy is one too ("If you have any other questions, feel free to ask."; not "Thank
    you for your patience, the museum reopens in May.")."""
    found = _COURTESY.match(text)
    if found is None or len(text.split()) > COURTESY_MAX_WORDS or any(c.isdigit() for c in text):
        return False
    after = re.split(r"[,;]\s*", text[found.end() :], maxsplit=1)
    return len(after) == 1 or _COURTESY.match(after[1]) is not None


def _turns(text: str) -> bool:
    """Whether the sentence only turns to the downsides that follow it ("The few drawbacks are
    minor.", "Other experiences were less positive.", "There are some concerns, however."):
    short, negating nothing ("There are no complaints." is a claim), every content word one
    of `_TURN`, one of them a word of fault or "less positive"."""
    words = _only_words_of(text, _TURN, TURN_MAX_WORDS)
    return words is not None and (
        any(w in _FAULT for w in words) or _LESS_POSITIVE.search(text) is not None
    )


def _announces_a_way(text: str) -> bool:
    """Whether the sentence only announces that a way follows ("Good news: there's a set
    process for exactly this situation.", "There are a few options."): short, every content
    word one of `_WAY`, one of them a word of a way, negating nothing ("There is no fix.")."""
    words = _only_words_of(text, _WAY, DEPENDS_MAX_WORDS)
    return words is not None and any(w in _WAY_NOUNS for w in words)


def _only_words_of(text: str, vocabulary: frozenset[str], max_words: int) -> list[str] | None:
    """The sentence's content words when it is short (`max_words` at most), negates nothing
    ("There are no complaints.", "There is no fix." say something) and says nothing but
    words of `vocabulary` (`_turns`, `_announces_a_way`); None otherwise."""
    words = content_words(text)
    if len(text.split()) > max_words or has_negation(text):
        return None
    return words if all(w in vocabulary for w in words) else None


def _skip_reason(text: str) -> SkipReason | None:
    if _INLINE_CODE.fullmatch(text.rstrip(".:;,")):
        return "code"
    if text.endswith("?") or _RESTATED.match(text.rstrip(".")):
        return "question"
    if _REFUSAL.match(text):
        return "refusal"
    if _ABSENCE.match(text):
        return "absence"
    if _DISCLAIMER.match(text):
        return "disclaimer"
    if _PLEASANTRY.match(text.rstrip(".!")):
        return "pleasantry"
    if _courtesy(text):
        return "pleasantry"
    if _WORD_COUNT.match(text):
        return "no_content"  # "(Word count: 118)"
    if _DEPENDS.match(text) and len(text.split()) <= DEPENDS_MAX_WORDS:
        return "framing"
    if _INTRODUCES.match(text) and len(text.split()) <= DEPENDS_MAX_WORDS:
        return "framing"
    if _REPLY.match(text) or _PARTLY.match(text):
        return "framing"
    if _turns(text) or _announces_a_way(text):
        return "framing"
    if _LIST_MARKER.match(text) or all(w in _REACTION for w in content_words(text)):
        return "no_content"  # "Yes.", "OK!", "Amazing!", "I agree.", a stray "1."
    return None


def _clauses(answer: str, span: Span) -> list[Span]:
    if len(span.text.split()) < LONG_SENTENCE_WORDS:
        return [span]
    out: list[Span] = []
    start = 0
    for cut in _CLAUSE.finditer(span.text):
        head, tail = span.text[start : cut.start()], span.text[cut.end() :]
        if tail.startswith("and ") and (_closes_list(head) or _DAYS_GO_ON.match(tail)):
            continue
        if len(head.split()) >= MIN_CLAUSE_WORDS and len(tail.split()) >= MIN_CLAUSE_WORDS:
            out.append(Span(head, span.start + start, span.start + cut.start()))
            start = cut.end()
    out.append(Span(span.text[start:], span.start + start, span.end))
    return out


# ", and Sunday from 11 a.m. to 5 p.m." (or ", and noon to 9 p.m. on Sunday") ends a list of
# days' hours: cut there, the tail is no claim of its own (and, without "open", no claim the
# hours rule reads)
_DAYS_GO_ON = re.compile(
    r"and\s+(?:on\s+|from\s+)?(?:"
    + _DAY.pattern
    + r"|noon\b|midnight\b|\d{1,2}(?::\d\d)?\s*(?:[ap]\.?m\b|o'clock))",
    re.IGNORECASE,
)


def _closes_list(head: str) -> bool:
    """Whether ", and" after `head` ends a list ("… integrates project management, file
    sharing, and real-time communication"): the head's last comma-separated item is short.
    Cut there, the tail ("and real-time communication, with clients reporting …") is no claim."""
    items = head.split(",")
    return len(items) >= 2 and len(items[-1].split()) <= LIST_ITEM_WORDS


# A list item that is no sentence ("- Delivery", "- anything from a mild ache to sharp pain")
# says what its lead says of it: "Sal's Pizza does not offer:" makes "Delivery" a claim that
# there is none. Such an item is read with the lead before it (a long lead's last clause); a
# full sentence ("- The staff were friendly."), a labelled field ("- Delivery: No") and an
# item under a heading ("Attributes:") or a framing ("Here are the key points:") read alone.
_ITEM = re.compile(r"[ \t]*(?:[-*\u2022+]|\d{1,2}[.)])[ \t]+")
_FINITE = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|does|do|did|can|could|will|would|may|might|"
    r"must|should|shall)\b|n['\u2019]t\b|:",
    re.IGNORECASE,
)
# an item with a subject of its own states something: "It doubles in size within 8 hours"
_SUBJECT = re.compile(r"(?:it|they|he|she|you|we|i|this|these|there|those)\b", re.IGNORECASE)
# an item that opens with a determiner and runs to a stop is a sentence: "Several reviewers
# praised the cleanliness of the salon.", "The company reported a loss of $2 million."
_DETERMINED = re.compile(
    r"(?:the|a|an|several|many|most|some|one|two|three|all|both|each|another|its|their)\s",
    re.IGNORECASE,
)
ITEM_MAX_WORDS = 12
LEAD_MIN_WORDS = 3


def read_under_lead(answer: str, span: Span) -> str:
    """The claim as its list's lead says it (see `_ITEM`): "does not offer Delivery" for the
    item "Delivery" under "Sal's Pizza does not offer:"; else the claim's own text."""
    line_start = answer.rfind("\n", 0, span.start) + 1
    if _ITEM.match(answer, line_start) is None:
        return span.text
    item = _ITEM.sub("", _EMPHASIS.sub("", span.text).strip(), count=1)
    if (
        len(item.split()) > ITEM_MAX_WORDS
        or _FINITE.search(item)
        or _SUBJECT.match(item)
        or (_DETERMINED.match(item) and item.endswith(".") and len(item.split()) >= 5)
    ):
        return span.text
    lines = answer[: max(line_start - 1, 0)].split("\n")
    while lines and (_ITEM.match(lines[-1]) or not lines[-1].strip()):
        lines.pop()  # the items before this one, and blank lines ("does not offer:⏎⏎* …")
    lead = _EMPHASIS.sub("", lines[-1]).strip() if lines and line_start else ""
    framing = _FRAMING.match(lead)
    lead = lead[framing.end() :] if framing is not None else lead
    if not lead.endswith(":") or _PLEASANTRY.match(lead):
        return span.text
    clause = lead[:-1]
    if len(clause.split()) > FRAMING_MAX_WORDS:  # a long lead's last clause
        clause = re.split(r"[.;,]\s+(?:(?:and|but|while|though|although)\s+)?", clause)[-1]
    last = re.split(r"[.;!?]\s+", clause)[-1]
    if len(clause.split()) < LEAD_MIN_WORDS or _announces(last):
        return span.text  # "Key details include:" says nothing of its items
    return f"{clause} {item}"


def _announces(lead: str) -> bool:
    """Whether a lead only announces its items (`_GENERIC_LEAD`)."""
    return all(w in _GENERIC_LEAD for w in content_words(lead))


# the words of a lead that only announces its items ("Key details include:", "Some of the
# main highlights are:")
_GENERIC_LEAD = frozenset(
    content_words(
        "key main notable important other additional some details points features highlights "
        "facts information things takeaways include includes included following summary "
        "overview quick"
    )
)


def without_citations(text: str) -> str:
    """The claim as the model should read it: "[2]" or "[doc-7]" markers and Markdown bold
    ("The Copper Still** is a bar", cut from "**The Copper Still** is …") are not content."""
    return _EMPHASIS.sub("", CITATION.sub("", text)).strip()


# a contrast with the sentence before, not with the context: "Line your caddy with newspaper
# instead.", "Instead, use …", "However, the clinic …" (not "instead of sugar")
_CONTRAST_OPENING = re.compile(r"^(?:instead|rather|however),\s+", re.IGNORECASE)
_CONTRAST_CLOSING = re.compile(
    r"(?<!\bnot)(?<!\bor)(?<!\bthan)(?:\s+instead|,\s+however)(?=[.!]?$)", re.IGNORECASE
)
# a contrast the sentence draws itself: "He was not fined; he was jailed instead."
_OWN_CONTRAST = re.compile(r";|\bbut\b|\bnot\b|n['\u2019]t\b|\bno\b", re.IGNORECASE)


def standalone(claim: str) -> str:
    """The claim without the word that contrasts it with the answer's sentence before it: an
    opening "Instead," / "Rather," / "However," and a closing "instead" / ", however" (not
    after "not", "or" or "than", nor in a sentence that draws its own contrast: "not", "but",
    ";"). The
    model reads the contrast as one with its premise: "Line your kitchen caddy with newspaper
    or a paper bag instead." against "Residents may line their caddies with newspaper or
    paper bags" is contradicted at 0.74, without "instead" at 0.21 (`read-41`); "The clinic
    offers flu shots on Saturdays instead." against "The clinic offers flu shots on
    Saturdays." at 0.74, without it entailed at 0.97."""
    opened = _CONTRAST_OPENING.sub("", claim)
    stripped = opened if _OWN_CONTRAST.search(opened) else _CONTRAST_CLOSING.sub("", opened)
    if stripped == claim:
        return claim
    return stripped[:1].upper() + stripped[1:]
