"""Find the context an answer must be grounded in, from any of the three completion APIs."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

import orjson

from groundrail.config import ContextSource
from groundrail.grounding.windows import Document
from groundrail.openai.requests import ContextDocument, GroundrailOptions

_BLOCK_TAGS = r"document|doc|context|passage|source|article|knowledge|record|data|reference"
_TAGGED = re.compile(
    rf"<(?P<tag>{_BLOCK_TAGS})\b(?P<attrs>[^>]*)>(?P<body>.*?)</(?P=tag)>", re.DOTALL | re.I
)
_ID_ATTR = re.compile(r"""\b(?:id|name|source)\s*=\s*["']?(?P<id>[^"'\s>]+)""", re.I)
_FENCED = re.compile(r"```[^\n]*\n(?P<body>.*?)```", re.DOTALL)
# "passage 1:", "Document 2 -", "[3]", "Source B:" at the start of a line: a numbered passage.
_HEADED = re.compile(
    r"^[ \t]*(?:(?:passage|document|doc|source|context|article|snippet|excerpt|reference|"
    r"result)\s*#?\s*(?:\d+|[A-Z])\b\s*[:.)\]-]|\[\d+\])[ \t]*",
    re.I | re.M,
)
# A lead-in that announces pasted material: "Summarize the following news:", "Context:".
_NOUNS = (
    r"context|documents?|passages?|text|article|news|story|data|structured data|record|json|"
    r"information|knowledge|background|reference|sources?|excerpts?|report|transcript|e-?mail|"
    r"review|reviews|notes?|facts|page|content|snippets?|search results|dialogue|conversation"
)
_LEAD_IN = re.compile(
    rf"(?:\bfollowing\b[^.?!\n:]{{0,40}}?\b(?:{_NOUNS})\b[^.?!\n:]{{0,40}}|\b(?:{_NOUNS}))"
    r"[ \t]*(?:below|provided|given)?[ \t]*:[ \t]*(?:\n|(?=\S))",
    re.I | re.M,
)
# Where an instruction resumes after a pasted document: "Question: …", "Answer:".
_TRAILER = re.compile(r"^[ \t]*(?:question|query|q|task|instruction|answer)\s*:", re.I | re.M)
PASTED_MIN_CHARS = 400  # a paragraph this long is pasted material, not a question
LEAD_IN_MIN_CHARS = 10
QUESTION_MAX_CHARS = 300
DEFAULT_SOURCES: tuple[ContextSource, ...] = ("tool_messages", "system_documents", "user_turns")


def extract(
    path: str,
    body: dict[str, Any],
    options: GroundrailOptions,
    sources: Sequence[ContextSource] | None,
) -> list[Document]:
    """Every context document of the request, in source order.

    The evidence rules (docs/grounding.md): the question and the instructions are never
    evidence. `sources=None` (the default) means: the request's `groundrail.context` when it
    has one, as the whole context; otherwise tool results, then documents in system/developer
    messages, then documents pasted into user turns (see `split_documents`). An explicit list
    takes exactly the sources it names, in its order.
    """
    if sources is None and options.context:
        return [d for d in from_options(options.context) if d.text.strip()]
    found: list[Document] = []
    for source in sources or DEFAULT_SOURCES:
        if source == "request_field":
            found += from_options(options.context or [])
        elif source == "tool_messages":
            found += _numbered("tool", _tool_results(path, body))
        elif source == "system_documents":
            for n, text in enumerate(_turns(path, body, ("system", "developer"))):
                found += split_documents(text, f"system-{n}")[0]
        elif source == "user_turns":
            for n, text in enumerate(_turns(path, body, ("user",))):
                found += split_documents(text, f"user-{n}")[0]
    return [d for d in found if d.text.strip()]


def question_of(path: str, body: dict[str, Any], options: GroundrailOptions) -> str | None:
    """What the answer responds to: the explicit option, else what is left of the last user
    turn once its documents are taken out, when that is short."""
    if options.question:
        return options.question
    turns = _turns(path, body, ("user",))
    if not turns:
        return None
    rest = split_documents(turns[-1], "q")[1].strip()
    if rest and len(rest) <= QUESTION_MAX_CHARS:
        return rest
    return None


def from_options(context: Sequence[str | ContextDocument]) -> list[Document]:
    return [
        Document(f"ctx-{n}", linearise_text(item))
        if isinstance(item, str)
        else Document(item.id or f"ctx-{n}", linearise_text(item.text))
        for n, item in enumerate(context)
    ]


def split_documents(text: str, prefix: str) -> tuple[list[Document], str]:
    """A message's documents, and what is left of it (instructions, the question).

    Documents are, in this order: tagged blocks (`<document id=…>`, `<doc>`, `<context>`,
    `<passage>` …), fenced blocks, numbered passages ("passage 1:", "[2]" at a line start),
    JSON objects or arrays, text announced by a lead-in ("… the following news:",
    "Context:") up to a "Question:" line, and any remaining paragraph of at least
    `PASTED_MIN_CHARS` characters. Everything else is instruction and never evidence.
    """
    docs: list[Document] = []
    rest = text
    for n, match in enumerate(_TAGGED.finditer(text)):
        attr = _ID_ATTR.search(match.group("attrs"))
        name = attr.group("id") if attr else f"{prefix}-doc-{n}"
        docs.append(Document(name, linearise_text(match.group("body").strip())))
        rest = rest.replace(match.group(0), "\n")
    for n, match in enumerate(_FENCED.finditer(rest)):
        docs.append(Document(f"{prefix}-block-{n}", linearise_text(match.group("body").strip())))
        rest = rest.replace(match.group(0), "\n")
    rest = _headed(rest, prefix, docs)
    rest = _json_blocks(rest, prefix, docs)
    rest = _announced(rest, prefix, docs)
    kept = []
    for n, paragraph in enumerate(re.split(r"\n\s*\n", rest)):
        if len(paragraph.strip()) >= PASTED_MIN_CHARS:
            docs.append(Document(f"{prefix}-text-{n}", paragraph.strip()))
        else:
            kept.append(paragraph)
    return docs, "\n\n".join(p.strip() for p in kept if p.strip())


def _headed(text: str, prefix: str, docs: list[Document]) -> str:
    heads = list(_HEADED.finditer(text))
    trailer = ""
    for n, head in enumerate(heads):
        end = heads[n + 1].start() if n + 1 < len(heads) else len(text)
        body, trailer = _until_trailer(text[head.end() : end])
        if body.strip():
            docs.append(Document(f"{prefix}-passage-{n + 1}", linearise_text(body.strip())))
    return text[: heads[0].start()] + "\n" + trailer if heads else text


def _until_trailer(text: str) -> tuple[str, str]:
    """Split pasted text from an instruction that follows it: a "Question: …" line, or a
    last short paragraph that asks something."""
    trailer = _TRAILER.search(text)
    if trailer is not None:
        return text[: trailer.start()], text[trailer.start() :]
    head, gap, last = text.rstrip().rpartition("\n\n")
    if gap and last.strip().endswith("?") and len(last) <= QUESTION_MAX_CHARS:
        return head, last
    return text, ""


def _json_blocks(text: str, prefix: str, docs: list[Document]) -> str:
    """JSON objects and arrays (or Python literals of them, as records exported from a
    dataframe often are) anywhere in the text become linearised documents."""
    out, cursor, n = [], 0, 0
    for match in re.finditer(r"[\[{]", text):
        if match.start() < cursor:
            continue
        decoded = _decode(text, match.start())
        if decoded is None:
            continue
        value, end = decoded
        if isinstance(value, dict | list) and len(value) >= 2:
            out.append(text[cursor : match.start()])
            docs.append(Document(f"{prefix}-json-{n}", linearise(value)))
            n += 1
            cursor = end
    out.append(text[cursor:])
    return "\n".join(out) if n else text


_DECODER = json.JSONDecoder()
_CLOSER = {"{": "}", "[": "]"}


def _decode(text: str, start: int) -> tuple[Any, int] | None:
    """The JSON value (or Python literal) that starts at `start`, and where it ends."""
    try:
        return _DECODER.raw_decode(text, start)
    except ValueError:
        pass
    end = text.rfind(_CLOSER[text[start]])
    for _ in range(4):  # the value may end before the text's last closing bracket
        if end <= start:
            return None
        try:
            return ast.literal_eval(text[start : end + 1]), end + 1
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            end = text.rfind(_CLOSER[text[start]], start, end)
    return None


_LITERAL = re.compile(r"^(?:[{\['\"]|u['\"]|True$|False$)")


def _literal(value: Any) -> Any:
    """A string that holds a Python literal, as raw Yelp-style records have them ("u'free'",
    "{'garage': False, 'street': True}", "True", "2"): its value; anything else unchanged."""
    if not isinstance(value, str) or not _LITERAL.match(value.strip()):
        return value
    try:
        return ast.literal_eval(value.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return value


def _announced(text: str, prefix: str, docs: list[Document]) -> str:
    lead = _LEAD_IN.search(text)
    if lead is None:
        return text
    body, trailer = _until_trailer(text[lead.end() :])
    if len(body.strip()) < LEAD_IN_MIN_CHARS:
        return text
    docs.append(Document(f"{prefix}-text", linearise_text(body.strip())))
    return text[: lead.end()] + "\n" + trailer


def linearise_text(text: str) -> str:
    """A JSON object or list becomes sentences a model can read; other text stays as it is."""
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        return text
    try:
        data = orjson.loads(stripped)
    except orjson.JSONDecodeError:
        return text
    return linearise(data) if isinstance(data, dict | list) else text


def linearise(value: Any) -> str:
    """A record as lines a model reads, one line per field group, so windows follow it.

    Scalars of one object share a line ("name: Blue Heron Cafe. city: Portland."); a nested
    object of scalars is one line ("hours: Monday 7:00 to 15:00 (7 a.m. to 3 p.m.); …"); each
    item of a list of objects is its own line ("reviews 2: stars: 2. text: …"). Keys read as
    words (`OutdoorSeating` -> "outdoor seating"), booleans as yes/no, times and whole
    numbers in their usual spellings.
    """
    return "\n".join(line for line in _lines(value, "") if line)


def _lines(value: Any, path: str) -> list[str]:
    value = _literal(value)
    if isinstance(value, dict):
        value = {k: _literal(v) for k, v in value.items()}
    if isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            return [_sentence(path, ", ".join(_scalar(path, v) for v in value))]
        return [line for n, v in enumerate(value) for line in _lines(v, f"{path} {n + 1}".strip())]
    if not isinstance(value, dict):
        return [_sentence(path, _scalar(path, value))]
    present = {k: v for k, v in value.items() if v not in (None, "", [], {})}
    flat = {k: v for k, v in present.items() if not isinstance(v, dict | list)}
    lines = []
    if flat and path and all(not isinstance(v, dict | list) for v in present.values()):
        fields = "; ".join(f"{_label(k)} {_scalar(_label(k), v)}" for k, v in flat.items())
        return [_sentence(path, fields + _day_groups(flat))]
    if flat:
        lines.append(
            " ".join(
                _sentence(f"{path} {_label(k)}".strip(), _field(_label(k), v, path))
                for k, v in flat.items()
            )
        )
    for k, v in present.items():
        if isinstance(v, dict | list):
            lines += _lines(v, f"{path} {_label(k)}".strip())
    return lines


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_TIME_RANGE = re.compile(r"^(\d{1,2}):(\d{1,2})\s*-\s*(\d{1,2}):(\d{1,2})$")
_PRICE_WORDS = {1: "inexpensive", 2: "moderate", 3: "expensive", 4: "very expensive"}


def _label(key: Any) -> str:
    """`OutdoorSeating` -> "outdoor seating", `RestaurantsPriceRange2` -> "restaurants price
    range", `business_stars` -> "business stars", `WiFi` -> "wifi"."""
    parts = _CAMEL.split(str(key))
    words: list[str] = []
    for part in parts:  # "Wi" + "Fi": pieces of two letters belong together
        if words and len(part) <= 2 and len(words[-1]) <= 2:
            words[-1] += part
        else:
            words.append(part)
    text = " ".join(words).replace("_", " ").replace("-", " ")
    return re.sub(r"(?<=[a-zA-Z])\d+$", "", text).strip().lower()


def _scalar(label: str, value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.lower() in ("true", "false"):
        return "yes" if text.lower() == "true" else "no"
    if (times := _TIME_RANGE.match(text)) is not None:
        h1, m1, h2, m2 = (int(x) for x in times.groups())
        return f"{h1}:{m1:02d} to {h2}:{m2:02d} ({_clock(h1, m1)} to {_clock(h2, m2)})"
    if "price range" in label and text.isdigit() and int(text) in _PRICE_WORDS:
        return f"{text} ({_PRICE_WORDS[int(text)]})"
    return text


def _field(label: str, value: Any, path: str) -> str:
    """A record's own field; its star rating (not a review's, which sits in a list) is the
    average of its reviews: "stars: 4 (average rating 4 stars)"."""
    text = _scalar(label, value)
    if not path and label.split()[-1:] == ["stars"] and text.replace(".", "", 1).isdigit():
        return f"{text} (average rating {text} stars)"
    return text


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
_WEEKEND = ("saturday", "sunday")


def _day_groups(fields: dict[str, Any]) -> str:
    """Opening hours keyed by day also read as day groups: Monday..Friday alike -> "; weekdays
    (Monday to Friday) 7:00 to 15:00 …", so "open 7 to 3 on weekdays" finds its evidence."""
    days = {str(k).lower(): _scalar("", v) for k, v in fields.items()}
    out = ""
    for name, group in (("weekdays (monday to friday)", _WEEKDAYS), ("weekends", _WEEKEND)):
        values = {days.get(d) for d in group}
        if len(values) == 1 and None not in values:
            out += f"; {name} {values.pop()}"
    return out


def _clock(hour: int, minute: int) -> str:
    """24-hour time in 12-hour words: (15, 0) -> "3 p.m.", (0, 0) -> "midnight"."""
    if hour % 24 == 0 and minute == 0:
        return "midnight"
    if hour == 12 and minute == 0:
        return "noon"
    suffix = "a.m." if hour % 24 < 12 else "p.m."
    twelve = hour % 12 or 12
    return f"{twelve}:{minute:02d} {suffix}" if minute else f"{twelve} {suffix}"


def _sentence(label: str, value: str) -> str:
    text = f"{label}: {value}" if label else value
    return text if text.endswith((".", "!", "?")) else text + "."


def _numbered(prefix: str, texts: Iterable[str]) -> list[Document]:
    return [Document(f"{prefix}-{n}", linearise_text(t)) for n, t in enumerate(texts)]


def _text_of(content: Any) -> str:
    """Message content: a string, or the text parts of a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                parts.append(part["text"])
        return "\n".join(parts)
    if content is None:
        return ""
    return orjson.dumps(content).decode()


def _items(path: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    """The conversation as a list of message-like dicts, whatever the API."""
    if path.endswith("/chat/completions"):
        return [m for m in body.get("messages", []) if isinstance(m, dict)]
    if path.endswith("/responses"):
        items: list[dict[str, Any]] = []
        if isinstance(body.get("instructions"), str):
            items.append({"role": "developer", "content": body["instructions"]})
        value = body.get("input")
        if isinstance(value, str):
            items.append({"role": "user", "content": value})
        elif isinstance(value, list):
            items += [i for i in value if isinstance(i, dict)]
        return items
    prompt = body.get("prompt")
    prompts = prompt if isinstance(prompt, list) else [prompt]
    return [{"role": "user", "content": p} for p in prompts if isinstance(p, str)]


def _turns(path: str, body: dict[str, Any], roles: tuple[str, ...]) -> list[str]:
    return [_text_of(i.get("content")) for i in _items(path, body) if i.get("role") in roles]


def _tool_results(path: str, body: dict[str, Any]) -> list[str]:
    out = []
    for item in _items(path, body):
        if item.get("role") in ("tool", "function"):
            out.append(_text_of(item.get("content")))
        elif item.get("type") == "function_call_output":
            out.append(_text_of(item.get("output")))
    return out
