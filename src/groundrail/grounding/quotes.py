"""A quotation the context does not hold: words put in quotation marks that no sentence of
the context says.

Summaries and answers invent quotations ('Okafor later called it "the biggest goal of my
life"', of an article that quotes only the two coaches), and the model entails such claims:
the speaker and the event are the article's, and a quotation reads as what someone said. A
quotation is a claim about wording, so it is checked as wording: the quoted words (of
`MIN_QUOTED` or more, each part of one cut at an ellipsis, "[inserted]" words out,
hyphenated words as their parts) must stand in one sentence of the context, or two in a row,
or the question, in order: `QUOTED_SHARE` of them and all but one at least (a quotation
trimmed or with a word changed by its own writer still counts). Shorter quotations (a
title, a term: "the 'gig economy'") are left to the other signals, but for one of
`MIN_SAID` words or more that the claim says someone said (`_SAID`: 'news she said left her
"completely speechless"', `read-53`): every word of it must stand in a row. On the dev splits of the
thirteen sets (300 answers each at most) it fires on five hallucinated answers and no
correct one (docs/grounding.md).

Inline code of one token (a path, a file, a flag, a variable, a value: "the default is
`./build`" of docs that say "(default: ./dist)") is wording too: the context or the question
must write it as it stands. Code with spaces (a command put together from the docs' parts)
is left alone.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from difflib import SequenceMatcher

from groundrail.grounding.lexical import terms

MIN_QUOTED = 4  # words a quotation needs to be checked
# a shorter quotation is checked when the claim says someone said it ('news she said left
# her "completely speechless"', read-53), all of its words in a row: `MIN_SAID` at least
MIN_SAID = 2
_SAID = re.compile(
    r"(?<!so-)\b(?:said|says|saying|called|calls|calling|described|describes|describing|told|tells"
    r"|wrote|writes|added|adds|recalled|recalls|declared|declares|insisted|insists"
    r"|admitted|admits|quipped)\b[^.!?\"\u201c]{0,60}$",
    re.IGNORECASE,
)
QUOTED_SHARE = 0.8  # of its words, in order, that one sentence of the context must hold
# A quotation: straight or curly double quotes opening at a word boundary, so that the
# inch mark of '12" pipe' opens none.
_QUOTATION = re.compile(r"(?:^|(?<=[\s(\[\u2014\u2013-]))[\"\u201c]([^\"\u201c\u201d]+)[\"\u201d]")
_ELLIPSIS = re.compile(r"\.\.\.|\u2026")
_INSERTED = re.compile(r"\[[^\]]*\]")  # the writer's own words: "[the players] never stopped"
_HYPHEN = re.compile(r"[-\u2010\u2011]")
# the words of a negation as `terms` reads them ("wasn't" is "wasn", "t")
_NEGATIONS = frozenset(
    {"not", "no", "never", "t", "cannot", "nothing", "none", "nobody", "neither", "nor"}
)
_CODE = re.compile(r"(?<!`)`([^`\s]{2,})`(?!`)")  # inline code of one token: "`./dist`"


def misquoted(claim: str, sentences: Sequence[str], question: str | None = None) -> str | None:
    """The first quotation of `claim` (its words as quoted) that none of `sentences` (the
    context's sentences or record lines, in order), nor two of them in a row (a quotation
    of two sentences), nor the question holds (see the module doc); None when every one is
    found, or the claim quotes nothing checkable. Inline code of one token is the first
    checked: it must stand in a sentence or the question as it is."""
    for code in _CODE.finditer(claim):
        if not any(code.group(1) in text for text in (*sentences, question or "")):
            return code.group(1)
    read: list[tuple[str, ...]] | None = None
    for match in _QUOTATION.finditer(claim):
        for part in _ELLIPSIS.split(_INSERTED.sub(" ", match.group(1))):
            words = _words(part)
            short = len(words) < MIN_QUOTED
            if short and (len(words) < MIN_SAID or not _SAID.search(claim, 0, match.start())):
                continue
            if read is None:
                single = [_words(s) for s in sentences]
                paired = [a + b for a, b in itertools.pairwise(single)]
                read = [*single, *paired, _words(question or "")]
            if not any(
                _said_in(words, sentence) if short else _holds(words, sentence) for sentence in read
            ):
                return part.strip()
    return None


def _said_in(quoted: tuple[str, ...], sentence: tuple[str, ...]) -> bool:
    """Whether the sentence holds every word of a short quotation, in a row."""
    size = len(quoted)
    return any(sentence[i : i + size] == quoted for i in range(len(sentence) - size + 1))


def _words(text: str) -> tuple[str, ...]:
    """The words of `text` as `terms` reads them, a hyphenated word as its parts:
    "state-of-the-art" is "state of the art"."""
    return tuple(terms(_HYPHEN.sub(" ", text)))


def _holds(quoted: tuple[str, ...], sentence: tuple[str, ...]) -> bool:
    """Whether the sentence holds `QUOTED_SHARE` of the quoted words in order, all of them
    but one at least ("would reopen in May" of "will reopen in May")."""
    needed = min(QUOTED_SHARE * len(quoted), len(quoted) - 1)
    distinct = set(quoted)
    if len(distinct & set(sentence)) < min(QUOTED_SHARE * len(distinct), len(distinct) - 1):
        return False  # a cheap test first: too few of the words at all
    blocks = SequenceMatcher(None, quoted, sentence, autojunk=False).get_matching_blocks()
    if sum(block.size for block in blocks) < needed:
        return False
    # a word changed is no negation added or dropped: "not worth the wait" of "worth every
    # minute of the wait" (read-53)
    matched = [block for block in blocks if block.size]
    quoted_left = set(quoted) - {w for b in matched for w in quoted[b.a : b.a + b.size]}
    within = sentence[matched[0].b : matched[-1].b + matched[-1].size] if matched else ()
    said_left = set(within) - {w for b in matched for w in sentence[b.b : b.b + b.size]}
    return not (_NEGATIONS & quoted_left or _NEGATIONS & said_left)
