"""What a rewrite may touch: JSON stays JSON (edits go inside its values), and where markdown
code blocks are (a stream never cuts one; grounding skips them as claims)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import orjson

# A scalar of valid JSON text: a string (a key when a colon follows) or a number.
_SCALAR = re.compile(r'"(?:[^"\\]|\\.)*"(?=(\s*:)?)|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?')
_FENCED_JSON = re.compile(r"\A\s*```(?:json)?[ \t]*\n(.*?)\n?```\s*\Z", re.DOTALL | re.IGNORECASE)
# A fence line opens a block; the block ends at the next fence line of the same character.
_FENCE = re.compile(r"^[ \t]{0,3}(```+|~~~+)[^\n]*$", re.MULTILINE)

Edit = tuple[int, int, str]  # (start, end, replacement) over the original text


def json_text(text: str) -> bool:
    """The text is a JSON object or array (bare or in one ```json fence)."""
    fence = _FENCED_JSON.match(text)
    try:
        value = orjson.loads(fence.group(1) if fence else text)
    except orjson.JSONDecodeError:
        return False
    return isinstance(value, dict | list)


def json_edits(text: str, edits: Sequence[Edit]) -> str:
    """Apply span edits to JSON text without breaking it: an edit is confined to the values it
    touches (never keys, quotes or punctuation); a string keeps its quotes with the replacement
    escaped inside, a number it touches becomes a string of the edited digits."""
    out: list[str] = []
    cursor = 0
    for m in _SCALAR.finditer(text):
        if m.group(1) is not None:
            continue  # a key
        start, end = m.span()
        quoted = text[start] == '"'
        lo, hi = (start + 1, end - 1) if quoted else (start, end)
        hits = sorted((max(a, lo), min(b, hi), r) for a, b, r in edits if a < hi and lo < b)
        if not hits:
            continue
        inner, pos = [], lo
        for a, b, replacement in hits:
            if a < pos:
                continue
            inner += [text[pos:a], _escaped(replacement)]
            pos = b
        inner.append(text[pos:hi])
        edited = "".join(inner)
        token = f'"{edited}"'
        try:
            orjson.loads(token)
        except orjson.JSONDecodeError:  # an edit cut an escape sequence: the whole value goes
            token = orjson.dumps(hits[0][2]).decode()
        out += [text[cursor:start], token]
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def _escaped(text: str) -> str:
    return orjson.dumps(text).decode()[1:-1]


def code_blocks(text: str) -> list[tuple[int, int]]:
    """Spans of the fenced markdown code blocks of `text`, fences included; a block still open
    at the end runs to the end."""
    return [(start, end) for start, end, _ in _blocks(text)]


def in_code(text: str) -> bool:
    """`text` ends inside a code block whose closing fence has not come yet."""
    blocks = _blocks(text)
    return bool(blocks) and not blocks[-1][2]


def _blocks(text: str) -> list[tuple[int, int, bool]]:
    blocks: list[tuple[int, int, bool]] = []
    opened: re.Match[str] | None = None
    for m in _FENCE.finditer(text):
        if opened is None:
            opened = m
        elif m.group(1)[0] == opened.group(1)[0] and len(m.group(1)) >= len(opened.group(1)):
            blocks.append((opened.start(), m.end(), True))
            opened = None
    if opened is not None:
        blocks.append((opened.start(), len(text), False))
    return blocks
