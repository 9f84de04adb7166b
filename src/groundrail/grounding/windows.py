"""Token-bounded, overlapping context windows: nothing of a document is truncated away."""

from __future__ import annotations

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
