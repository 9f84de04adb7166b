"""Formats pasted into prompts, read as the text they hold: HTML pages (tags, entities),
LangChain documents pasted as their Python repr (`[Document(page_content=…, metadata=…)]`) and
as its QA-with-sources prompt prints them ("Content: …" / "Source: …"), Markdown tables."""

from __future__ import annotations

import ast
import bisect
import itertools
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

# LangChain's documents pasted as `str(docs)`: "[Document(page_content='…', metadata={…})]",
# their fields in any order, each at a line's start or in a list (one named in a sentence, "In
# Document(page_content='x') it works", is the prose's); read as Python, strings skipped when
# matching brackets
_LANGCHAIN = re.compile(
    r"(?:^[ \t]*|(?<=\[)|(?<=,)[ \t]*)Document\((?=\s*(?:id|metadata|page_content|type)\s*=)",
    re.M,
)
# strings (on one line, either quote), brackets, anything else, a lone quote
_TOKEN = re.compile(r"""'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|[()\[\]{}]|[^'"()\[\]{}]+|['"]""")
_OPENER = {")": "(", "]": "[", "}": "{"}


def langchain_pages(text: str) -> Iterator[tuple[int, int, str | None, str]]:
    """Each LangChain document pasted as its repr in `text` (its fields in any order): its
    (start, end) in `text`, its metadata's `source` (None: none) and its `page_content`."""
    if "Document(" not in text:  # (the pattern's look-behinds cost more than this)
        return
    pairs = bracket_pairs(text)
    cursor = 0
    for match in _LANGCHAIN.finditer(text):
        end = pairs.get(match.end() - 1)
        if match.start() < cursor or end is None:
            continue
        fields = _call_fields(text[match.start() : end].lstrip())
        content, metadata = fields.get("page_content"), fields.get("metadata")
        if not isinstance(content, str):
            continue
        source = metadata.get("source") if isinstance(metadata, dict) else None
        yield match.start(), end, str(source) if source else None, content
        cursor = end


# LangChain's QA-with-sources document prompt ("Content: {page_content}\nSource: {source}",
# its map-reduce combine prompt's summaries the same), and the rule lines that set the list off
_ENTRY_LABEL = re.compile(r"^[ \t]*(?P<key>content|source)[ \t]*:[ \t]*", re.I | re.M)
RULE_LINE = re.compile(r"^[ \t]*([-=*_~#])\1{2,}[ \t]*$", re.M)


def sourced_entries(text: str) -> Iterator[tuple[int, int, str | None, str]]:
    """Each "Content: …" entry of `text` in LangChain's QA-with-sources shape (an entry with
    a "Source: …" line after it, or before it when the first one has, or two entries or
    more): its (start, end) in `text`, its source (None: none) and its content, which runs
    to the next label, a rule line ("=========") or the end of `text` (the caller cuts the
    prompt's end off a last one)."""
    labels = list(_ENTRY_LABEL.finditer(text))
    keys = [_entry_key(text, label) for label in labels]
    first = keys.index("content") if "content" in keys else -1
    ahead = first > 0 and keys[first - 1] == "source"  # "Source: …\nContent: …"
    after = any(a == "content" and b == "source" for a, b in itertools.pairwise(keys))
    if not (ahead or after) and keys.count("content") < 2:
        return
    rules = [rule.start() for rule in RULE_LINE.finditer(text)]
    for n, label in enumerate(labels):
        if keys[n] != "content":
            continue
        follows = labels[n + 1] if n + 1 < len(labels) else None
        end = follows.start() if follows is not None else len(text)
        ruled = bisect.bisect_left(rules, label.end())
        end = min(end, rules[ruled]) if ruled < len(rules) else end
        content, start, named = text[label.end() : end], label.start(), None
        if ahead and n and keys[n - 1] == "source":  # its source before it
            start, named = labels[n - 1].start(), labels[n - 1]
        elif (
            not ahead and follows is not None and keys[n + 1] == "source" and end == follows.start()
        ):
            named = follows  # its source after it: the entry ends with the source's line
            end = _line_end(text, follows.end())
        source = text[named.end() : _line_end(text, named.end())].strip() if named else ""
        yield start, end, source or None, content


def _line_end(text: str, position: int) -> int:
    """Where the line `position` is on ends (its newline, or the end of `text`)."""
    end = text.find("\n", position)
    return len(text) if end < 0 else end


def _entry_key(text: str, label: re.Match[str]) -> str:
    """A label's key: "source", "content" where it opens an entry (at the text's start, after
    a blank line, a rule line or the entry before's "Source:" or "Content:" line), else "field" (a
    "content:" field after a search result's title or URL line is that result's own)."""
    key = label.group("key").lower()
    if key == "source":
        return key
    line_end = max(0, text.rfind("\n", 0, label.start()))
    before = text[text.rfind("\n", 0, line_end) + 1 : line_end].strip()
    opens = not before or RULE_LINE.fullmatch(before) is not None
    return "content" if opens or _ENTRY_LABEL.match(before) else "field"


# a Markdown table's delimiter row: "|---|:---:|", "--- | ---"
_TABLE_RULE = re.compile(r"[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)+(?:[ \t]*:?-+:?[ \t]*)?\|?[ \t]*")


def markdown_tables(text: str) -> Iterator[tuple[int, int, list[dict[str, str]]]]:
    """Each Markdown table of `text` (a header row, a delimiter row, rows of cells apart by
    "|"; GitHub's table syntax): its (start, end) in `text` and its rows, each a record of
    its header's names (a nameless column is "column N"), empty cells left out."""
    lines = text.split("\n")
    starts = list(itertools.accumulate((len(line) + 1 for line in lines), initial=0))
    n = 1
    while n < len(lines):
        head = _cells(lines[n - 1])
        if len(head) < 2 or not _TABLE_RULE.fullmatch(lines[n]) or "|" not in lines[n - 1]:
            n += 1
            continue
        names = [name or f"column {k + 1}" for k, name in enumerate(head)]
        end = n + 1
        while end < len(lines) and "|" in lines[end]:
            end += 1
        rows = [
            {name: cell for name, cell in zip(names, _cells(line), strict=False) if cell}
            for line in lines[n + 1 : end]
        ]
        yield starts[n - 1], starts[end] - 1, [row for row in rows if row]
        n = end + 1


def _cells(line: str) -> list[str]:
    """A table row's cells, the outer pipes dropped."""
    line = line.strip()
    return [cell.strip() for cell in line.removeprefix("|").removesuffix("|").split("|")]


def bracket_pairs(text: str) -> dict[int, int]:
    """Where each bracket of `text` opens a span, and where the span ends (after its closing
    bracket), in one pass: brackets in quoted strings (Python's or JSON's) are the
    strings', a bracket of prose left open inside a span is passed over."""
    pairs: dict[int, int] = {}
    opened: list[int] = []
    for token in _TOKEN.finditer(text):
        mark = token.group()
        if mark in ("(", "[", "{"):
            opened.append(token.start())
        elif mark in _OPENER:
            while opened and text[opened[-1]] != _OPENER[mark]:
                opened.pop()
            if opened:
                pairs[opened.pop()] = token.end()
    return pairs


def _call_fields(call: str) -> dict[str, Any]:
    """The keyword arguments of a Python call's text that are literals."""
    try:
        tree = ast.parse(call, mode="eval").body
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return {}
    fields: dict[str, Any] = {}
    for keyword in tree.keywords if isinstance(tree, ast.Call) else []:
        try:
            fields[keyword.arg or ""] = ast.literal_eval(keyword.value)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            continue
    return fields


# HTML elements: a text with `HTML_MIN_BLOCKS` or more block elements' tags outside code, or
# that opens with a tag and closes one, is an HTML page and is read as its text (a text that
# mentions "<b>", shows tags as code or prints "<p>ok</p>" in a snippet keeps them)
_HTML_TAG = re.compile(
    r"<(?P<close>/)?(?P<name>p|div|span|br|hr|li|ul|ol|dl|dt|dd|table|thead|tbody|tfoot|tr|td|"
    r"th|caption|h[1-6]|a|b|i|u|s|em|strong|small|mark|sup|sub|img|pre|code|blockquote|"
    r"section|article|header|footer|nav|main|aside|figure|figcaption|html|head|body|title|"
    r"meta|link|script|style|font|center|label|form|input|button|select|option)\b[^<>]*>",
    re.I,
)
HTML_MIN_BLOCKS = 3
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)  # code, fenced or inline
# the elements that stand on lines of their own, and those whose text is no page's
_HTML_LINES = frozenset(
    {"p", "div", "br", "hr", "li", "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody",
     "tfoot", "tr", "caption", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote",
     "section", "article", "header", "footer", "nav", "main", "aside", "figure", "figcaption",
     "title", "form"}
)  # fmt: skip
_HTML_HIDDEN = frozenset({"script", "style", "noscript", "template"})


class _HtmlText(HTMLParser):
    """An HTML page's text: block elements on lines of their own, list items as "- " lines,
    table cells apart ("Seats | 5"), entities as characters, scripts and styles left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HTML_HIDDEN:
            self._hidden += 1
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in ("td", "th"):
            self.parts.append(" | ")
        elif tag in _HTML_LINES:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HTML_HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _HTML_LINES:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)

    def text(self) -> str:
        lines = (" ".join(line.split()).strip(" |") for line in "".join(self.parts).split("\n"))
        return "\n".join(line for line in lines if line and line != "-")


def html_text(text: str) -> str:
    """An HTML page's text (`_HtmlText`); any other text as it is."""
    if "<" not in text:
        return text
    shown = _CODE.sub("", text)
    tags = list(_HTML_TAG.finditer(shown))
    blocks = sum(t.group("name").lower() in _HTML_LINES for t in tags)
    opens = tags and tags[0].start() == len(shown) - len(shown.lstrip())
    if blocks < HTML_MIN_BLOCKS and not (opens and any(t.group("close") for t in tags)):
        return text
    parser = _HtmlText()
    parser.feed(text)
    parser.close()
    return parser.text()
