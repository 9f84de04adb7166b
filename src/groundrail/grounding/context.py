"""Find the context an answer must be grounded in, from any of the three completion APIs."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

import orjson

from groundrail.config import ContextSource
from groundrail.grounding.linear import linearise
from groundrail.grounding.records import read, record_of
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
# Lines of a prompt that are neither document nor question: a label the answer is to follow
# ("output:", "Overview:") alone on the prompt's last line (a "Summary:" heading inside a
# document is not one), and what to do when the documents fall short ("In case the passages
# do not contain …, reply with …").
_PROMPT_LINE = (
    r"(?:(?:output|overview|summary|response)\s*:\s*\Z"
    r"|(?:in\s+case|if)\s+(?:the\s+)?(?:above\s+|given\s+|provided\s+)?"
    r"(?:passages?|documents?|context)\s+(?:do|does|did)\s*(?:not|n't)\b.*$)"
)
_TRAILER = re.compile(
    r"^[ \t]*(?:(?:question|query|q|task|instruction|answer)\s*:|" + _PROMPT_LINE + ")",
    re.I | re.M,
)
_PROMPT_LINES = re.compile(r"^[ \t]*" + _PROMPT_LINE, re.I | re.M)
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
    rest = _PROMPT_LINES.sub("", split_documents(turns[-1], "q")[1]).strip()
    if rest and len(rest) <= QUESTION_MAX_CHARS:
        return rest
    return None


def from_options(context: Sequence[str | ContextDocument]) -> list[Document]:
    """The request's documents, each with its own id: the one given, else `ctx-N` (its
    position), never one a given id already names."""
    given = {item.id for item in context if not isinstance(item, str) and item.id}

    def made(n: int) -> str:
        name = f"ctx-{n}"
        while name in given:
            name += "'"
        return name

    return [
        document(made(n), item)
        if isinstance(item, str)
        else document(item.id or made(n), item.text)
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
        docs.append(document(name, match.group("body").strip()))
        rest = rest.replace(match.group(0), "\n")
    for n, match in enumerate(_FENCED.finditer(rest)):
        docs.append(document(f"{prefix}-block-{n}", match.group("body").strip()))
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
            docs.append(document(f"{prefix}-passage-{n + 1}", body.strip()))
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
            docs.append(Document(f"{prefix}-json-{n}", linearise(value), record_of(value)))
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


def _announced(text: str, prefix: str, docs: list[Document]) -> str:
    lead = _LEAD_IN.search(text)
    if lead is None:
        return text
    body, trailer = _until_trailer(text[lead.end() :])
    if len(body.strip()) < LEAD_IN_MIN_CHARS:
        return text
    docs.append(document(f"{prefix}-text", body.strip()))
    return text[: lead.end()] + "\n" + trailer


def _numbered(prefix: str, texts: Iterable[str]) -> list[Document]:
    return [document(f"{prefix}-{n}", t) for n, t in enumerate(texts)]


def document(doc_id: str, text: str) -> Document:
    """A context document; a JSON record in it linearised, with its attributes."""
    body, record = read(text)
    return Document(doc_id, body, record)


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
