"""Token-bounded, overlapping context windows: nothing of a document is truncated away."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tokenizers import Tokenizer


@dataclass(slots=True, frozen=True)
class Document:
    id: str
    text: str


@dataclass(slots=True, frozen=True)
class Window:
    doc_id: str
    index: int  # position of the window in its document, 0 = first
    start: int  # character offsets into the document text
    end: int
    text: str


def make_windows(doc: Document, tokenizer: Tokenizer, size: int, overlap: int) -> list[Window]:
    """Split one document into windows of at most `size` model tokens, `overlap` tokens shared.

    Window edges snap back to a word boundary so no word is cut in half; the union of the
    windows always covers the whole text.
    """
    if size <= overlap:
        raise ValueError(f"window size {size} must exceed the overlap {overlap}")
    _require_untruncated(tokenizer)
    text = doc.text
    offsets = [o for o in tokenizer.encode(text, add_special_tokens=False).offsets if o[1] > o[0]]
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
        first += step
        # Snap the next start back to the beginning of a word (sub-word pieces share offsets).
        while first > 0 and offsets[first][0] == offsets[first - 1][1]:
            first -= 1


# Where prose breaks into sentences (and structured lines into fields): after . ! ? or a line
# break, before what starts a sentence. Cheaper than pysbd on long documents, and a unit only
# needs to be a reasonable piece of evidence, not a perfect sentence.
_UNIT_BREAK = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])|\s*\n\s*")


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


def make_units(docs: list[Document], tokenizer: Tokenizer, max_tokens: int) -> list[Unit]:
    """Every document's sentences with their token counts; a sentence longer than
    `max_tokens` is cut into windows of that size."""
    _require_untruncated(tokenizer)
    spans: list[tuple[str, int, int, str]] = []
    for doc in docs:
        cursor = 0
        for brk in [*_UNIT_BREAK.finditer(doc.text), None]:
            end = brk.start() if brk else len(doc.text)
            piece = doc.text[cursor:end]
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                spans.append((doc.id, cursor + lead, cursor + len(piece.rstrip()), piece.strip()))
            cursor = brk.end() if brk else cursor
    counts = [
        len(e.ids) for e in tokenizer.encode_batch([s[3] for s in spans], add_special_tokens=False)
    ]
    units: list[Unit] = []
    for (doc_id, start, end, text), count in zip(spans, counts, strict=True):
        if count <= max_tokens:
            units.append(Unit(doc_id, len(units), start, end, text, count))
            continue
        for w in make_windows(Document(doc_id, text), tokenizer, max_tokens, max_tokens // 4):
            units.append(
                Unit(doc_id, len(units), start + w.start, start + w.end, w.text, max_tokens)
            )
    return units


def _require_untruncated(tokenizer: Tokenizer) -> None:
    """Token counts and offsets must cover the whole text: a truncating tokenizer (the model's
    own, cut at its max length) would return only the first max-length tokens."""
    if tokenizer.truncation is not None:
        raise ValueError("windows need a tokenizer without truncation (NLIModel.text_tokenizer)")
