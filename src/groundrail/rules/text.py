"""Text as a person reads it: what text rules match against, with a map back to the original.

Invisible characters (zero-width spaces and joiners, soft hyphens, direction marks: Unicode
category Cf) hide nothing from a reader, so they are dropped; compatibility forms (full-width
letters and digits, ligatures, superscripts) become their plain letters (NFKC). For words, case,
accents and letters that look like Latin ones (Cyrillic `а`, Greek `ο` …) are folded too.
"""

from __future__ import annotations

import unicodedata

# Letters of other scripts that a reader takes for Latin ones (after case folding); the common
# part of Unicode's confusables table for Cyrillic, Greek and Armenian, plus IPA/Latin variants.
CONFUSABLES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
        "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i",
        "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ɡ": "g", "ɑ": "a",
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
        "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ϲ": "c", "ϳ": "j", "ս": "u", "օ": "o",
        "ı": "i", "ȷ": "j", "ℓ": "l",
    }
)  # fmt: skip


def visible(text: str) -> tuple[str, list[int]]:
    """`text` in NFKC with invisible characters dropped, and for each character of the result
    the index of the character of `text` it came from."""
    out: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        if unicodedata.category(char) == "Cf":
            continue
        for part in unicodedata.normalize("NFKC", char):
            out.append(part)
            origin.append(i)
    return "".join(out), origin


def fold(text: str) -> tuple[str, list[int]]:
    """`visible(text)`, case-folded, accents stripped and look-alike letters made Latin, with
    the map back to `text`."""
    seen, seen_origin = visible(text)
    out: list[str] = []
    origin: list[int] = []
    for char, i in zip(seen, seen_origin, strict=True):
        for part in unicodedata.normalize("NFKD", char.casefold()):
            if not unicodedata.combining(part):
                out.append(part.translate(CONFUSABLES))
                origin.append(i)
    return "".join(out), origin


def span_back(origin: list[int], length: int, start: int, end: int) -> tuple[int, int]:
    """A match [start, end) in normalised text as a span of the original of `length` chars:
    from its first character's origin to just before the origin of the character after it (so
    combining marks and invisible characters inside or right after the match go with it)."""
    following = origin[end] if end < len(origin) else length
    return origin[start], max(origin[end - 1] + 1, following)
