"""Find the context an answer must be grounded in, from any of the three completion APIs."""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

import orjson

from groundrail.config import ContextSource
from groundrail.grounding import pasted
from groundrail.grounding.linear import linearise
from groundrail.grounding.records import read, record_of, unwrapped
from groundrail.grounding.windows import Document
from groundrail.openai.requests import ContextDocument, GroundrailOptions

# A tag that holds material: its name is a noun for material or ends in one (`<document>`,
# `<search_results>`, `<news_article>`, `<patient_records>`, `<knowledge_base>`,
# `<agreement>`); one with a word of the prompt's (`<question_text>`, `<task_context>`,
# `<example_email>`) holds the prompt's own words.
_BLOCK_NOUNS = (
    r"document|doc|context|passage|source|article|knowledge|record|data|reference|result|"
    r"snippet|excerpt|agreement|contract|email|report|transcript|page|base|"
    r"content|faq|manual|review|profile|letter|memo|story|news|chunk|entry|entries|text"
)
_PROMPT_TAG_WORDS = (
    r"question|query|claim|input|instruction|example|format|style|tone|task|rule|guideline|"
    r"criteri|response|answer|draft|grading|assistant|persona|output|prompt|previous"
)
_BLOCK_TAG = rf"(?![\w-]*(?:{_PROMPT_TAG_WORDS}))(?:[a-z0-9]+[_-])*(?:{_BLOCK_NOUNS})s?"
_TAGGED = re.compile(
    rf"<(?P<tag>{_BLOCK_TAG})\b(?P<attrs>[^<>]{{0,500}})>(?P<body>.*?)</(?P=tag)>",
    re.DOTALL | re.I,
)
TAG_DEPTH_MAX = 4  # <context><documents><document><document_content>: the deepest read
_OPEN_TAG = re.compile(rf"<({_BLOCK_TAG})\b[^<>]{{0,500}}>", re.I)
_CLOSE_TAG = re.compile(rf"</({_BLOCK_TAG})>", re.I)
_ID_ATTRS = tuple(
    re.compile(rf"""\b{key}\s*=\s*(?:"(?P<dq>[^"]+)"|'(?P<sq>[^']+)'|(?P<bare>[^"'\s>]+))""", re.I)
    for key in ("id", "name", "source")
)
_FENCED = re.compile(r"```[^\n`]*\n(?P<body>.*?)```", re.DOTALL)  # (no ` in an info string)
# Text set off by a pair of rule lines ("-----", "=====", "###") after a line that announces
# it, or by triple quotes (at a line start or after "Text: "), as prompt templates delimit
# the documents they paste.
_DELIMITED = re.compile(
    r"^[ \t]*(?P<mark>[-=*_~#])(?P=mark){2,}[ \t]*\n(?P<body>.*?)\n[ \t]*(?P=mark){3,}[ \t]*$"
    r"|(?:^|(?<=:[ \t]))(?P<quote>\"{3}|'{3})(?P<quoted>.+?)(?P=quote)",
    re.DOTALL | re.M,
)
# "passage 1:", "Document 2 -", "[3]", "Source B:" at the start of a line: a numbered passage,
# named by its number or letter (the one an answer cites it by)
_HEADED = re.compile(
    r"^[ \t]*(?:(?:passage|document|doc|source|context|article|snippet|excerpt|reference|"
    r"result)(?:(?:\s*[#\[])?\s*(?=\d)|\s+(?:#\s*)?)(?P<label>\d+|(?-i:[A-Z]))\b\]?\s*[:.)\]-]"
    r"|\[(?P<number>\d+)\])[ \t]*",
    re.I | re.M,
)
# what a prompt asks done to a text it pastes ("Summarize this:", "Translate the text below.")
_TASK_VERBS = r"summari[sz]e|translate|proofread|review|analy[sz]e|check|read|rewrite|paraphrase"
# DSPy's field markers, "[[ ## context ## ]]": a heading (`_LEAD_IN`, `_TRAILER`)
_DSPY_OPEN = r"\[\[[ \t]*\#\#[ \t]*"
_DSPY_CLOSE = r"[ \t]*\#\#[ \t]*\]\]"
# A lead-in that announces pasted material: "Summarize the following news:", "Context:".
_NOUNS = (
    r"context|documents?|passages?|text|article|news|story|data|structured data|record|json|"
    r"information|knowledge|background|reference|sources?|excerpts?|report|transcript|e-?mail|"
    r"review|reviews|notes|facts|page|content|snippets?|search results|dialogue|conversation|"
    r"faqs?|knowledge base|menu|catalog(?:ue)?|profile|table|"
    r"spreadsheet|price list|pricing|observation|tool result|summaries|"
    # the same in other languages
    r"kontext|contexte|contexto|contesto|контекст|上下文|背景|文档|文書|資料|コンテキスト|"
    r"wissensdatenbank|base de conocimientos?|base de connaissances|informations|文章|記事"
)
# what may stand between such a noun and its colon ("This is the context you're working
# with:", "Here are some documents that may help:"; "Context is:" only as a line's label)
_NOUN_TAILS = (
    r"you(?:'re|[ \t]+are)[ \t]+working[ \t]+with|that[ \t]+(?:may|might|could|will)[ \t]+"
    r"help|material|(?:we|i)[ \t]+found"
)
# Or a heading that names it ("### Context", "**Retrieved documents**"), or a sentence that
# points at what follows its line ("Use the following pieces of context to answer …",
# "Context information is below.", "Use the below article on …"; one that asks is a question).
_LEAD_IN = re.compile(
    rf"(?:\bfollowing\b[^.?!\n:]{{0,40}}?\b(?:{_NOUNS})\b[^.?!\n:]{{0,40}}|(?<!\w)(?:{_NOUNS})"
    rf"(?:[ \t]+(?:{_NOUN_TAILS}))?"
    rf"|^[ \t]*(?:the[ \t]+)?(?:{_NOUNS})[ \t]+(?:is|are)(?=[ \t]*:)"
    rf"|\b(?:{_TASK_VERBS})[ \t]+(?:this|the[ \t]+following)"
    rf"(?:[ \t]+(?:{_NOUNS})\b(?:[ \t]+[^.?!:\n]{{0,60}}?)?|[ \t]+for[ \t]+me)?)"
    r"[ \t]*(?:(?:below|provided|given)[ \t]*)?[:\uff1a][ \t]*(?:\n|(?=\S))"
    rf"|^[ \t]*(?:\#{{1,6}}[ \t]*|\*\*|__|{_DSPY_OPEN})(?:[\w'-]+[ \t]+){{0,3}}(?:{_NOUNS})\b"
    rf"(?:\*\*|__|{_DSPY_CLOSE})?[ \t]*(?::[ \t]*)?(?:(?:\*\*|__)[ \t]*)?\n"
    rf"|\b(?:(?:following|below)\b[^.?!\n:]{{0,40}}?\b(?:{_NOUNS})|(?:{_NOUNS})\b(?:[^.?!\n:]"
    r"{0,30}?\b(?:is|are)(?:[ \t]+\w+)?)?[ \t]+below)\b(?P<line>[^\n]{0,400})\n",
    re.I | re.M,
)
# A line of the prompt that points back at what came before it ("Answer the question using
# the context above.", "Based on the above passages, …"): that text is the document.
_ABOVE = re.compile(
    rf"^.*\b(?:above[ \t]+(?:{_NOUNS})|(?:{_NOUNS})[ \t]+(?:\w+[ \t]+)?above)\b", re.I | re.M
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
    r"^[ \t]*(?:(?:question|query|q|task|instructions?|answer|assistant|rules|guidelines|"
    r"constraints|standalone[ \t]+question|follow[ -]?up[ \t]+(?:input|question))\s*:"
    r"|thought[ \t]*:[ \t]*$|begin![ \t]*(?:this[ \t]+is\b|$)"
    r"|(?:\#{1,6}[ \t]*|\*\*|__)(?:question|query|task|instructions?|answer|rules|guidelines|"
    r"constraints|(?:your[ \t]+)?role)\b"
    r"|(?:frage|pregunta|domanda|вопрос|问题|質問)[ \t]*[:\uff1a]|"
    + _PROMPT_LINE
    # a DSPy field that is no material ("[[ ## question ## ]]", "[[ ## answer ## ]]")
    + rf"|{_DSPY_OPEN}(?!(?:{_NOUNS})\b)\w"
    + ")",
    re.I | re.M,
)
# a short line that asks without a question mark: a question word and no label or full stop
_UNMARKED_QUESTION = re.compile(
    r"(?:why|how|what|who|which|name|tell[ \t]+me|i[ \t]+want[ \t]+to[ \t]+know)\b"
    r"(?:[ \t]+[^\s:.]+){3,25}[ \t]*$",
    re.I,
)
# a "Question:" label after a sentence on the same line (one-line templates)
_INLINE_TRAILER = re.compile(r"(?<=[.!?;\"')\]])[ \t]+(?=(?:question|query)[ \t]*:[ \t]*\S)", re.I)
# an answer label closing the question's line ("Question: …?; Answer:")
_INLINE_ANSWER = re.compile(r"[;,]?[ \t]*answer[ \t]*:[ \t]*\Z", re.I)
# An answer given in the text ("A: The stadium opens in March."): a question-and-answer
# exchange the document quotes (an interview, an FAQ), not the prompt's own "Answer:" label.
_GIVEN = r"(?!\.\.\.|\u2026|<|\[|\{)\S"  # (not a placeholder: "Answer: ...", "Answer: <answer>")
_GIVEN_ANSWER = re.compile(r"^[ \t]*(?P<key>a|answer|assistant)\s*:[ \t]*" + _GIVEN, re.I)
# an answer given on a line of its own ("FINAL ANSWER: This Agreement is governed by …")
_ANSWERED = re.compile(r"^[ \t]*(?:final[ \t]+)?answer[ \t]*:[ \t]*" + _GIVEN, re.I | re.M)
# the rest of an example's answer line, and the sources it gives on the next
_EXAMPLE_SOURCES = re.compile(r"[^\n]*(?:\n[ \t]*sources?[ \t]*:[^\n]*)?", re.I)
# an answer's label the prompt ends on: the question line right before it is the prompt's
_ANSWER_LABEL = re.compile(r"[ \t]*(?:a|answer|assistant)[ \t]*:[ \t]*", re.I)
# a paragraph that opens with a question ("Why did …? Keep it short."), not a quotation
_OPENS_ASKING = re.compile(
    r"^[ \t]*[^\s\"'\u2018\u201c][^.!?\n]{2,}[?\uff1f][ \t]*(?:please[ \t]+)?(?:keep|be|answer|"
    r"respond|reply|use|cite|explain|give|limit|write|include|return|format|don't|do[ \t]+not)\b",
    re.I,
)
# FAQ entries: two or more "Question:" lines make a document's own, not the prompt's end
_FAQ_QUESTION = re.compile(r"^[ \t]*(?:question|q)\s*:", re.I | re.M)
# a text that speaks to the model is an instruction, whatever its label or length
_ADDRESSES = re.compile(
    r"^[ \t]*(?:you(?:'re|[ \t]+are)[ \t]+(?:[\w,'-]+[ \t]+){0,6}?(?:assistant|agent|bot|chatbot|"
    r"model|ai|expert|tutor|advisor|helper|representative|specialist|consultant)|"
    r"your[ \t]+(?:role|task|job|goal)[ \t]+is|act[ \t]+as|as[ \t]+an?[ \t]+(?:\w+[ \t]+)?"
    r"(?:assistant|agent|bot)|assistant[ \t]+(?:is|helps|will|should|must|can)|"
    r"i[ \t]+want[ \t]+you[ \t]+to[ \t]+(?:act|answer|write|pretend|help|be|respond|play))\b",
    re.I,
)
# lines that open an announced text but are the prompt's: what to do when the material falls
# short ("If you don't know the answer, say so."), a rule line before the material
_INSTRUCTION_LINES = re.compile(
    r"\A(?:\s*(?:if[ \t]+you[ \t]+(?:don't|do[ \t]+not|can't|cannot)\b[^\n]*|[-=*_~#]{3,}[ \t]*)"
    r"(?:\n|\Z))+",
    re.I,
)
# the line before a block that says it shows a format ("Respond in this format:"): the
# block is an example of the answer's shape, no document
_SHAPE_LINE = re.compile(
    r"\b(?:respond|reply|answer|output|return|response|write)\b[^\n]*"
    r"\b(?:format|schema|template|example|structure)\b"
    r"|\b(?:format|schema|template|example)\b[^\n]*\b(?:output|response|answer|reply)\b",
    re.I,
)
# a line that tells the model its answer's shape ("Respond only with JSON like this:")
_SHAPES_ANSWER = re.compile(
    r"[ \t]*(?:please[ \t]+)?(?:respond|reply|answer|return|output|write|format|use|produce|give)"
    r"\b[^\n]*\b(?:format|schema|template|example|structure|like[ \t]+this)\b"
    # or a tool's declared arguments ("Tool Arguments: {'query': {'type': 'str'}}"): a schema
    r"|[ \t]*(?:tool[ \t]+)?(?:arguments|parameters|args|input[ \t]+schema)[ \t]*:[ \t]*$",
    re.I,
)
_OPTION_B = re.compile(r"^[ \t]*\(?b[:.)]", re.I)  # "B: …", "B) …": options, not an answer
# a line that asks for something: an instruction after pasted material ("Explain why …",
# "Using these passages, list …"), as a question after it ends in "?"
_ASKS = re.compile(
    r"^[ \t]*(?:please[ \t]+)?(?:(?:explain|describe|summari[sz]e|tell|list|write|answer|give|"
    r"compare|provide|outline|discuss|identify|analy[sz]e|evaluate)[ \t]+(?:why|how|what|which|"
    r"who|when|where|whether|the|a|an|me|us|this|these|that|those|it|its|their|all|each)|"
    r"can[ \t]+you|could[ \t]+you|"
    r"(?:using|based[ \t]+on|from)[ \t]+(?:the|these|this|those)[ \t]+(?:above[ \t]+)?"
    r"(?:passages?|documents?|context|text|article|information|records?|data|sources?))\b",
    re.I,
)
# the material a prompt's rules name ("the given info", "the context", "these documents")
_REFERS = re.compile(
    r"\b(?:(?:given|provided)[ \t]+(?:info|information|context|documents?|passages?|sources?)"
    r"|the[ \t]+context)\b",
    re.I,
)
TRAILER_MAX_CHARS = 1000  # the prompt's own end after a document: a question, a label
# where split_documents took a block out of a message: a lead-in before it announced it
_CUT = "\x00"
_PROMPT_LINES = re.compile(r"^[ \t]*" + _PROMPT_LINE, re.I | re.M)
# a template's labels left in the question: a line that is one alone ("A:", "Context:"), and
# the question's own ("Q: …")
_BARE_LABEL = re.compile(
    r"^[ \t]*(?:(?:helpful|final)[ \t]+)?(?:a|answer|context|documents?|passages?|sources?|"
    r"information|output|response|assistant)[ \t]*:[ \t]*(?:\n|\Z)",
    re.I | re.M,
)
_QUESTION_LABEL = re.compile(r"^[ \t]*(?:q|question|query)[ \t]*:[ \t]*", re.I | re.M)
PASTED_MIN_CHARS = 400  # a paragraph this long is pasted material, not a question
QUOTED_MIN_CHARS = 200  # a text this long in triple quotes is pasted material
# the user's own words: a text that says "I", "my", "we" once every OWN_WORDS_EVERY characters
# is their story or question, not material they pasted
_OWN_WORDS = re.compile(
    r"\bI(?:'m|'ve|'d|'ll)?\b(?=[ \t]+[a-z])|\b(?i:my|me|mine|myself|we|we're|our)\b|\bus\b"
)
OWN_WORDS_EVERY = 120
# the prompt's rules: sentences that open "Always", "Never", "Do not", "Respond" … once every
# INSTRUCTING_EVERY characters, speaking of answering, tell the model what to do (`_rules`)
_INSTRUCTING = re.compile(
    r"(?:^|(?<=[.!?;:\n])[ \t]*|(?<=[.!?;:])[ \t]+)(?:-[ \t]*|\d+[.)][ \t]*)?(?:always|never|"
    r"do[ \t]+not|don't|make[ \t]+sure|be[ \t]+sure|avoid|keep|only|respond|reply|answer|use|"
    r"(?:cite|create|write|provide|return|include|generate|combine|mention)(?![ \t]+on\b)|"
    r"you[ \t]+(?:must|should)|"  # and a condition the model is told what to do under:
    r"if[ \t][^.!?\n]{0,120}?,[ \t]*(?:say|cite|answer|respond|reply))\b"
    r"(?![ \t]*:)",  # (not a label: an FAQ's "Answer:")
    re.I,
)
_ANSWERING = re.compile(
    r"\b(?:respond|reply|answers?|the[ \t]+assistant|the[ \t]+user|you[ \t]+are[ \t]+an?)\b", re.I
)
INSTRUCTING_EVERY = 100
# a lead-in that names a conversation's parties describes the chat, not material it announces
_NAMES_CHAT = re.compile(
    r"\b(?:conversation|dialogue|chat)\b[^.\n]{0,80}?\b(?:between|with)\b[^.\n]{0,80}?"
    r"\b(?:assistant|ai|chatbot|bot|user|human|customer)\b",
    re.I,
)
# a prompt that closes on a question and an empty answer label ("Q: …\nA:", "Question: …\n
# Helpful Answer:"): the paragraphs before it are its material (`_framed_material`)
_QA_FRAME = re.compile(
    r"(?:question|query|q)[ \t]*:[ \t]*\S[^\n]*\n"
    r"[ \t]*(?:[\w-]+[ \t]+)?(?:answer|a)[ \t]*:[ \t]*\Z",
    re.I,
)
FRAMED_MIN_CHARS = 40
FAQ_ANSWER_MIN_WORDS = 4  # a FAQ answers in sentences; an example's answer is often a word
# words that make answered "Q: … A: …" entries examples to follow, not a FAQ
_EXAMPLE_WORDS = re.compile(
    r"\b(?:examples?|style|like[ \t]+(?:these|this|those)|same[ \t]+(?:way|format)|"
    r"let's[ \t]+think)\b",
    re.I,
)
# words before a pasted table that doubt it ("I made this from memory, check it for mistakes")
# or ask for one of its shape ("as a table with these columns:", "a table like:")
_DOUBTED = re.compile(
    r"\b(?:i[ \t]+(?:think|believe|guess|made|wrote)|from[ \t]+memory|not[ \t]+sure|"
    r"correct[ \t]+me|check|mistakes?|errors?|wrong)\b",
    re.I,
)
_TABLE_SHAPE = re.compile(
    r"\b(?:columns?|as[ \t]+a[ \t]+table|tables?[ \t]+(?:like|with|in[ \t]+this)|fill[ \t]+in|"
    r"template)\b",
    re.I,
)
# what keeps a short paragraph before such a frame the prompt's: someone's claim reported or
# supposed, lines that open with a label, a verb telling the model something, no English
_HEARSAY = re.compile(
    r"\b(?:said|says|told|tells|heard|claims?|claimed|rumou?red|suppose|imagine|assume|"
    r"hypothetical(?:ly)?|fictional|pretend)\b",
    re.I,
)
_LABEL_LINE = re.compile(r"^[ \t]*[\w'-]+(?:[ \t]+[\w'-]+){0,2}[ \t]*:[ \t]*\S", re.M)
_TELLS = re.compile(
    r"[ \t]*(?:be|use|cite|write|keep|make|try|consider|note|remember|read|think|translate|"
    r"classify|summari[sz]e|give|list|explain|tell|provide|describe|do|don't|act|stay|avoid|"
    r"focus|limit|include|ignore|pretend|imagine|suppose|assume)\b",
    re.I,
)
_ENGLISH = re.compile(r"\b(?:the|is|are|was|were|of|and|in|has|have|it)\b", re.I)
_SPEAKS_TO = re.compile(
    r"\b(?:you|your|yours|please|answers?|answering|respond|reply|let's|step[ -]by[ -]step|"
    r"assistant|chatbot|bot|ai|model|conversation|the[ \t]+following)\b",
    re.I,
)
LEAD_IN_MIN_CHARS = 10
QUESTION_MAX_CHARS = 300
LEADS_MAX = 20  # lead-ins tried per message: a prompt has a few; prose may repeat one
# a line that opens examples of the task: "Here are some examples:", "Example 1:" (with the
# example after it or not), "Example conversation:", "### Examples", "**Example 2**"
_EXAMPLES = re.compile(
    r"^[ \t]*(?:(?:\#{1,6}[ \t]*|\*\*|__)?(?:few-shot[ \t]+)?examples?(?:[ \t]*\#?\d+)?"
    r"(?:[ \t]+[\w'&/-]+){0,3}(?:\*\*|__)?[ \t]*(?::[^\n]*|[.)-]?[ \t]*$)"
    r"|(?:here[ \t]+(?:are|is)|below[ \t]+(?:are|is))\b[^\n]{0,60}?\bexamples?\b[^\n]*[:.][ \t]*$)",
    re.I | re.M,
)
# an example's answer ("A: Paris.", "Output: …", "Example 2: Q: … A: Lima."), and the question
# of one ("Q:", "Input:"): a question after the last answer is the prompt's own
_EXAMPLE_ANSWER = re.compile(
    r"^[ \t]*(?:examples?[ \t]*\#?\d*[ \t]*[:.)-][^\n]*?[ \t])?"
    r"(?:a|answer|assistant|output|response)[ \t]*:[ \t]*\S",
    re.I,
)
# examples of material, not of the task ("Here are some examples of reviews from customers:")
_DATA_EXAMPLES = re.compile(
    rf"\bexamples?[ \t]+of[ \t]+(?:[\w-]+[ \t]+){{0,2}}?(?:{_NOUNS})\b", re.I
)
_EXAMPLE_QUESTION = re.compile(r"^[ \t]*(?:q|question|input|user|human|query)[ \t]*:", re.I)
# lines up to a blank one (anchored at a line start: a long blank line is read once)
_PARAGRAPH = re.compile(r"^[ \t]*\S[^\n]*(?:\n[ \t]*\S[^\n]*)*", re.M)
# the steps of a ReAct agent's transcript: its thoughts, actions and answer are its own, each
# "Observation:" a tool's result up to the next step
_REACT_STEP = re.compile(r"^[ \t]*thought[ \t]*:", re.I | re.M)  # a log has actions too
_REACT_LABEL = re.compile(
    r"^[ \t]*(?:thought|action(?:[ \t]+input)?|observation|final[ \t]+answer|question)[ \t]*:",
    re.I | re.M,
)
_BEGIN = re.compile(r"^[ \t]*begin!?[ \t]*$", re.I | re.M)  # a ReAct prompt's format ends
_FORMAT_OBSERVATION = re.compile(r"^[ \t]*observation[ \t]*:[^\n]*\n?", re.I | re.M)
_OBSERVATION = re.compile(r"^[ \t]*observation[ \t]*:[ \t]*", re.I | re.M)
# a first line that asks about the text after it ("Can you summarize this?", "What does this
# say?", "Translate the text below."): the question, which points at pasted material
_POINTS_AT = re.compile(r"\b(?:this|these|the[ \t]+following|below|here)\b", re.I)
# what such a line asks done with the text: its content told again (summed up, translated,
# explained), which is grounded in it; a judgement of it ("Does this make sense?", "Any
# mistakes here?") is not: there the text is the user's claims
_ABOUT = re.compile(
    r"\b(?:summari[sz]e|sum[ \t]+up|translate|paraphrase|rewrite|simplify|explain|tl;?dr|"
    r"(?:main|key)[ \t]+points|what[ \t]+(?:does|do|is|are)[ \t]+(?:this|these|it|the[ \t]+"
    r"following)(?:[ \t]+\w+)?[ \t]+(?:say|mean|about))\b",
    re.I,
)
# a line that asks whether something is so ("Is this true?", "Can you verify this claim?",
# "True or false:"): what it points at is the claim to judge, the prompt's, never evidence
_VERIFYING = (
    r"(?:\b(?:is|are)[ \t]+(?:this|these|that|it|the[ \t]+following)(?:[ \t]+\w+){0,2}[ \t]+"
    r"(?:true|false|correct|right|accurate|real|valid|a[ \t]+fact)\b"
    r"|\b(?:verify|fact[- ]?check|debunk)[ \t]+(?:this|these|that|the[ \t]+following)\b"
    r"|\btrue[ \t]+or[ \t]+false\b)"
)
_VERIFIES = re.compile(  # (against sources, what the line announces is evidence)
    _VERIFYING + r"(?![^\n]*\b(?:using|against|based[ \t]+on|according[ \t]+to)\b)", re.I
)
# a line that asks to check a claim against sources announces no material itself: its claim
# is the prompt's, the sources come under their own label ("Sources:", "Context:")
_CHECKS_CLAIM = re.compile(
    r"\b(?:verify|fact[- ]?check|check|debunk)[ \t]+(?:this|that|these|the[ \t]+following)[ \t]+"
    r"claims?\b",
    re.I,
)
# the list that held them, once they are cut: its brackets and commas
_CUT_LIST = re.compile(rf"(?:\[\s*)?{_CUT}(?:\s*,\s*{_CUT})*(?:\s*,?\s*\])?")
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
    found: list[tuple[str, list[Document]]] = []  # each message's documents, by its prefix
    for source in sources or DEFAULT_SOURCES:
        if source == "request_field":
            found.append(("ctx", from_options(options.context or [])))
        elif source == "tool_messages":
            for n, text in enumerate(_tool_results(path, body)):
                found.append((f"tool-{n}", _tool_documents(text, f"tool-{n}")))
            # an agent's ReAct steps kept in its own turns (CrewAI): their observations
            for n, text in enumerate(_turns(path, body, ("assistant",))):
                observed: list[Document] = []
                if _REACT_LABEL.match(text.lstrip()):  # a turn of steps, not prose about them
                    _observations(text, f"assistant-{n}", observed)
                found.append((f"assistant-{n}", observed))
        elif source == "system_documents":
            for n, text in enumerate(_turns(path, body, ("system", "developer"))):
                found.append((f"system-{n}", split_documents(text, f"system-{n}")[0]))
        elif source == "user_turns":
            for n, text in enumerate(_turns(path, body, ("user",))):
                docs = split_documents(text, f"user-{n}", user=True)[0]
                found.append((f"user-{n}", docs))
    return _cited_by_id(found)


def _cited_by_id(found: list[tuple[str, list[Document]]]) -> list[Document]:
    """The request's documents, each with an id of its own that an answer's citation names:
    the numbered passages of the last message that numbers them go by their numbers ("[2]",
    "Passage 2:" → `2`; each turn may number its passages from 1 again), and a document
    whose id a later one has (a passage number, a tagged block's id given again) is named
    by its message too (`user-0-2`), so the latest document keeps the id it was given."""
    numbered = [prefix for prefix, docs in found if any(_label(prefix, d) for d in docs)]
    taken: set[str] = set()
    named: list[Document] = []
    for prefix, docs in reversed(found):
        for doc in reversed(docs):
            if not any(char.isalnum() for char in doc.text):  # "[]", "{}", "."
                continue
            name = (_label(prefix, doc) if numbered[-1:] == [prefix] else None) or doc.id
            if name in taken:
                name = f"{prefix}-{name}"
            while name in taken:
                name += "'"
            taken.add(name)
            named.append(replace(doc, id=name))
    return named[::-1]


def _label(prefix: str, doc: Document) -> str | None:
    """The number (or letter) a numbered passage of a message (`_headed`) was printed with."""
    head = f"{prefix}-passage-"
    return doc.id.removeprefix(head) if doc.id.startswith(head) else None


def question_of(path: str, body: dict[str, Any], options: GroundrailOptions) -> str | None:
    """What the answer responds to: the explicit option, else what is left of the last user
    turn once its documents are taken out, when that is short, without the template's
    labels ("Q: When …?\nA:" is "When …?", a "Context:" left by its document is dropped)."""
    if options.question:
        return options.question
    turns = _turns(path, body, ("user",))
    if not turns:
        return None
    rest = _PROMPT_LINES.sub("", split_documents(turns[-1], "q", user=True)[1])
    rest = _QUESTION_LABEL.sub("", _BARE_LABEL.sub("", rest)).strip()
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


def split_documents(
    text: str, prefix: str, depth: int = 0, user: bool = False
) -> tuple[list[Document], str]:
    """A message's documents, and what is left of it (instructions, the question).

    Documents are, in this order: the pages of LangChain documents pasted as their repr
    (`[Document(page_content=…, metadata={'source': …})]`, named by their source), tagged
    blocks (`<document id=…>`, `<doc>`, `<context>`, `<passage>` …), fenced blocks, the
    observations of a ReAct transcript, numbered passages ("passage 1:", "[2]" at a line
    start), JSON objects or arrays, text announced by a lead-in ("… the following news:",
    "Context:") up to a "Question:" line, the text after a first line that asks about it
    ("Can you summarize this?"), LangChain's "Content:"/"Source:" entries, Markdown tables,
    a FAQ of answered "Q: … A: …" entries, and any remaining paragraph of at least
    `PASTED_MIN_CHARS` characters, or, before a closing "Q: …\nA:" frame, a shorter one
    that states facts in the third person (`_framed_material`). A lead-in right before a block
    announces that block, not what follows it. A tagged block that holds tagged blocks
    (`<context><document id=…>`) is read as its documents, `depth` levels in. Few-shot
    examples are neither document nor question. Everything else is instruction and never
    evidence.
    """
    docs: list[Document] = []
    rest = _sourced(_langchain(text.replace(_CUT, " "), prefix, docs), prefix, docs)
    tagged = list(_tagged_blocks(rest))
    for n, match in enumerate(tagged):
        name = _id_of(match.group("attrs")) or f"{prefix}-doc-{n}"
        docs += _tagged(name, match.group("body").replace(_CUT, ""), depth)
    rest = _cut(rest, tagged)
    fenced = list(_FENCED.finditer(rest))
    for n, match in enumerate(fenced):
        if not _SHAPE_LINE.search(_line_before(rest, match.start())):
            docs.append(
                document(f"{prefix}-block-{n}", match.group("body").replace(_CUT, "").strip())
            )
    rest = _observations(_without_examples(_cut(rest, fenced)), prefix, docs)
    delimited = []
    for n, match in enumerate(_DELIMITED.finditer(rest)):
        body = (match.group("body") or match.group("quoted") or "").strip()
        before = rest[max(0, match.start() - TRAILER_MAX_CHARS) : match.start()]
        inline = before.endswith((": ", ":\t"))  # 'Text: """…"""'
        # a long text in triple quotes is pasted ("…delimited by triple quotes" said elsewhere)
        # (at the message's start or after a blank line: a line before it is the prompt's)
        alone = not before.strip() or before.rstrip(" \t").endswith("\n\n")
        quoted = len(match.group("quoted") or "") >= QUOTED_MIN_CHARS and alone
        # (or rule lines after the prompt's rules that name the material they set off: "You
        # will provide me with answers from the given info.\n------------\n{context}")
        refers = match.group("mark") is not None and _refers(before, body)
        if body and (inline or quoted or refers or _announces(before)):
            docs.append(document(f"{prefix}-delimited-{n}", body))
            delimited.append(match)
    rest = _headed(_cut(rest, delimited), prefix, docs)
    rest = _json_blocks(rest, prefix, docs)
    rest = _above(_announced(rest, prefix, docs), prefix, docs).replace(_CUT, "")
    rest = _asked_about(rest, prefix, docs)
    kept = []
    paragraphs = re.split(r"\n\s*\n", rest)
    framed = _QA_FRAME.match(paragraphs[-1].strip()) is not None
    # a FAQ pasted with no lead-in: two answered "Q: … A: …" entries or more, in a message
    # that does not close on an open "Q: …\nA:" (few-shot examples do)
    pasted_faq = user and not framed and _EXAMPLE_WORDS.search(rest) is None
    entries = [(n, _answered(p)) for n, p in enumerate(paragraphs)] if pasted_faq else []
    faq = {n for n, count in entries if count}
    if sum(count for _, count in entries) >= 2:
        docs.append(document(f"{prefix}-faq", "\n\n".join(paragraphs[n].strip() for n in faq)))
    else:
        faq = set()
    for n, paragraph in enumerate(paragraphs):
        last = n == len(paragraphs) - 1
        if n in faq:
            continue
        # (from an example's "Q:" on, the paragraphs are the examples')
        framed = framed and _FAQ_QUESTION.search(paragraph) is None
        if framed and not last and _framed_material(paragraph.strip()):
            docs.append(document(f"{prefix}-text-{n}", paragraph.strip()))
            continue
        pasted_text, ask = _pasted(paragraph.strip(), last)
        if pasted_text:
            docs.append(document(f"{prefix}-text-{n}", pasted_text))
        else:
            ask = _tables(ask, paragraphs[n - 1] if n else "", f"{prefix}-table-{n}", docs)
        kept.append(ask)
    return docs, "\n\n".join(p.strip() for p in kept if p.strip())


def _answered(paragraph: str) -> int:
    """How many FAQ entries a paragraph is made of: "Q: …" (or "Question: …") lines, each
    answered on the next by an "A: …" of `FAQ_ANSWER_MIN_WORDS` words or more (an example's
    "A: Paris" is no FAQ's); 0 when any other line stands outside an answer."""
    count, expect = 0, "question"
    for line in paragraph.strip().split("\n"):
        if _FAQ_QUESTION.match(line):
            if expect == "answer":
                return 0
            expect = "answer"
        elif expect == "answer":
            answer = _GIVEN_ANSWER.match(line)
            if answer is None or len(line[answer.end() - 1 :].split()) < FAQ_ANSWER_MIN_WORDS:
                return 0
            count, expect = count + 1, "more"
        elif expect == "question":
            return 0
    return count if expect == "more" else 0


def _pasted(paragraph: str, last: bool) -> tuple[str, str]:
    """A paragraph no rule claimed, as (pasted material, the prompt's words): material when
    it is as long as an article's (`PASTED_MIN_CHARS`) and not the prompt's own words — a
    labelled line of the prompt ("Question: …" with no answer in it), a persona, rules for
    the assistant (`_rules`) — and, in the message's last paragraph, when it closes with a
    question: the user's own story or question (`_OWN_WORDS`) is theirs; else the question
    is cut from the material before it."""
    if len(paragraph) < PASTED_MIN_CHARS or _ADDRESSES.match(paragraph) or _rules(paragraph):
        return "", paragraph
    lines = paragraph.split("\n")
    if _TRAILER.match(paragraph) and not any(_GIVEN_ANSWER.match(line) for line in lines):
        return "", paragraph
    if last and paragraph.endswith(("?", "\uff1f")):
        if len(_OWN_WORDS.findall(paragraph)) * OWN_WORDS_EVERY >= len(paragraph):
            return "", paragraph
        start = max(paragraph.rfind(mark, 0, len(paragraph) - 1) for mark in (". ", "! ", "\n"))
        head, ask = paragraph[: start + 1].strip(), paragraph[start + 1 :].strip()
        return (head, ask) if start >= 0 and len(head) >= QUOTED_MIN_CHARS else ("", paragraph)
    return paragraph, ""


def _tables(paragraph: str, before: str, name: str, docs: list[Document]) -> str:
    """The Markdown tables of a paragraph no other rule claimed (`pasted.markdown_tables`):
    data however short, one document read as records, unless the words before a table ask
    it checked (`_VERIFIES`, `_DOUBTED`: "Is this table correct?", "I made this from memory")
    or show the answer's shape (`_SHAPE_LINE`, `_TABLE_SHAPE`: "Return a table with these
    columns:"), or it has no rows. What is left of the paragraph."""
    spans = []
    for start, end, rows in pasted.markdown_tables(paragraph):
        said = f"{before}\n{paragraph[max(0, start - TRAILER_MAX_CHARS) : start]}"
        said = said[-TRAILER_MAX_CHARS:]  # (a bounded slice: many tables read in linear time)
        prompts = _VERIFIES.search(said) or _DOUBTED.search(said) or _SHAPE_LINE.search(said)
        if rows and not prompts and not _TABLE_SHAPE.search(said):
            spans.append((start, end))
    if spans:
        docs.append(document(name, "\n".join(paragraph[a:b] for a, b in spans)))
    return _cut(paragraph, spans).replace(_CUT, "") if spans else paragraph


def _framed_material(paragraph: str) -> bool:
    """Whether a paragraph before the prompt's closing "Question: …\nAnswer:" frame
    (`_QA_FRAME`: "{context}\n\nQ: {question}\nA:"), and before any example's "Q:", is its
    material, however short: a text of `FRAMED_MIN_CHARS` or more, in English, in the third
    person, that does not speak to the model (`_SPEAKS_TO`: "you", "please", "answer"),
    give it rules, ask, label its lines ("Input: …", "Sentiment: …": examples), open with a
    verb that tells it something ("Be concise.", "Suppose …", "Translate …") or report
    what someone said (`_HEARSAY`: the user's claims); a longer one is read as any other
    paragraph (`_pasted`)."""
    if not FRAMED_MIN_CHARS <= len(paragraph) < PASTED_MIN_CHARS:
        return False
    prompts = _SPEAKS_TO.search(paragraph) or _INSTRUCTING.search(paragraph)
    prompts = prompts or _ASKS.match(paragraph) or _TRAILER.search(paragraph)
    prompts = prompts or _OWN_WORDS.search(paragraph) or _HEARSAY.search(paragraph)
    prompts = prompts or _LABEL_LINE.search(paragraph) or _TELLS.match(paragraph)
    english = _ENGLISH.search(paragraph) is not None
    return english and not prompts and not paragraph.endswith(("?", ":", "\uff1f", "\uff1a"))


def _rules(paragraph: str) -> bool:
    """Rules for the assistant ("Always greet … Never promise … Respond in …"): sentences that
    open with an imperative, one every `INSTRUCTING_EVERY` characters, in a text that speaks
    of answering (a manual's or a leaflet's imperatives do not)."""
    count = len(_INSTRUCTING.findall(paragraph))
    return count * INSTRUCTING_EVERY >= len(paragraph) and _ANSWERING.search(paragraph) is not None


def _headed(text: str, prefix: str, docs: list[Document]) -> str:
    """Numbered passages ("passage 1:", "[2]" at a line start), each up to the next; the
    prompt's words after one are the prompt's: the instruction after the last
    (`_until_trailer`), a question paragraph between two."""
    heads = list(_HEADED.finditer(text))
    trailers = []
    for n, head in enumerate(heads):
        last = n + 1 == len(heads)
        end = len(text) if last else heads[n + 1].start()
        body, gap, asked = text[head.end() : end].rstrip().rpartition("\n\n")
        if last:
            body, trailer = _until_trailer(text[head.end() : end])
        elif gap and asked.strip().endswith("?") and len(asked.strip()) <= QUESTION_MAX_CHARS:
            trailer = asked
        else:
            body, trailer = text[head.end() : end], ""
        trailers.append(trailer)
        if body.strip():
            label = head.group("label") or head.group("number")
            docs.append(document(f"{prefix}-passage-{label}", body.strip()))
    return text[: heads[0].start()] + f"\n{_CUT}\n" + "\n".join(trailers) if heads else text


# a name inside a tagged block (`<source>report.pdf</source>`, a title, a URL, standing where
# markup does: "put <source> elements inside it." is a document's words): no document
_NAME_TAG = re.compile(
    r"(?:^|(?<=>))[ \t]*<(source|title|url|filename)>[ \t]*[^<\n]{1,120}?[ \t]*</\1>", re.I | re.M
)


def _cut(text: str, spans: Sequence[re.Match[str] | tuple[int, int]]) -> str:
    """`text` with each span (matches or (start, end), in order, apart) taken out: a cut mark
    in its place (`_CUT`, which later rules read as "a document was here")."""
    pieces, kept = [], 0
    for span in spans:
        start, end = span.span() if isinstance(span, re.Match) else span
        pieces += [text[kept:start], f"\n{_CUT}\n"]
        kept = end
    return "".join(pieces) + text[kept:]


def _line_before(text: str, position: int) -> str:
    """The last line with text before `position` (at most `TRAILER_MAX_CHARS` of it)."""
    return text[max(0, position - TRAILER_MAX_CHARS) : position].rstrip().rpartition("\n")[2]


def _tagged_blocks(text: str) -> Iterator[re.Match[str]]:
    """`_TAGGED`'s outermost blocks, in order, in one pass: each closing tag closes the
    nearest open tag of its name that stands where markup does (at a line's start or after
    another tag), else the nearest one in prose, so a tag named in the prompt's prose ("only
    when the <source> tag includes an id") or in a document's ("put <source> elements inside
    it") opens nothing; a block inside another is the outer one's."""
    tags = sorted(
        itertools.chain(_OPEN_TAG.finditer(text), _CLOSE_TAG.finditer(text)), key=re.Match.start
    )
    opened: dict[tuple[str, bool], list[int]] = {}
    spans = []
    for tag in tags:
        name = tag.group(1).lower()
        if not tag.group(0).startswith("</"):
            before = text[max(0, tag.start() - 200) : tag.start()].rstrip(" \t")
            markup = not before or before.endswith(("\n", ">"))
            opened.setdefault((name, markup), []).append(tag.start())
        elif stack := opened.get((name, True)) or opened.get((name, False)):
            spans.append((stack.pop(), tag.end()))
    cursor = 0
    for start, end in sorted(spans):
        match = _TAGGED.fullmatch(text, start, end) if start >= cursor else None
        if match is not None:
            yield match
            cursor = end


def _id_of(attrs: str) -> str | None:
    """A tagged block's id: its `id`, else its `name`, else its `source` attribute, quoted
    values whole (`id="doc 1"`)."""
    for pattern in _ID_ATTRS:
        found = pattern.search(attrs)
        if found:
            return found.group("dq") or found.group("sq") or found.group("bare")
    return None


def _tagged(name: str, body: str, depth: int) -> list[Document]:
    """A tagged block's documents: itself, or, when it holds tagged blocks, those (with their
    own ids) and what else it holds, down to `TAG_DEPTH_MAX` levels (each level reads its
    body again; a block deeper is one document). A block of one word inside it
    (`<source>report.pdf</source>`, a URL) names the block and is no document; a block left
    with one document (`<document><source>…</source><document_content>…`) gives it its own
    id."""
    if depth >= TAG_DEPTH_MAX or next(_tagged_blocks(body), None) is None:
        return [document(name, body.strip())]
    inner, rest = split_documents(_NAME_TAG.sub("", body), name, depth + 1)
    found = inner + ([document(name, rest)] if rest.strip() else [])
    return [replace(found[0], id=name)] if len(found) == 1 else found


def _until_trailer(text: str) -> tuple[str, str]:
    """Split pasted text from an instruction that follows it: the first "Question: …" line
    (or "Q:", "Task:", "output:" …) from which the rest is the prompt's short end
    (`TRAILER_MAX_CHARS`) with no answer given in it (a quoted "Q: … A: …" exchange is the
    document's), or a last short paragraph that asks a question (a last line, after a text
    shorter than `PASTED_MIN_CHARS`), or a last short paragraph or line that gives an
    instruction (`_ASKS`: "Explain why …"): never evidence."""
    for trailer in _TRAILER.finditer(text):
        start = trailer.start()
        if _ANSWER_LABEL.match(text, start):  # "…?\nAnswer:": the question goes with it
            head, gap, asked = text[:start].rstrip().rpartition("\n")
            if gap and asked.strip().endswith("?") and len(asked) <= QUESTION_MAX_CHARS:
                start = len(head) + 1
        end = text[start:]
        if len(end) <= TRAILER_MAX_CHARS and not _faq_entry(end) and not _answers(end):
            return text[:start], end
    inline = list(_INLINE_TRAILER.finditer(text, max(0, len(text) - QUESTION_MAX_CHARS)))
    asked = _INLINE_ANSWER.sub("", text[inline[-1].end() :].rstrip()) if inline else ""
    if asked and "\n" not in asked and asked.endswith(("?", "\uff1f")):  # "… Question: Who?"
        return text[: inline[-1].start()], text[inline[-1].end() :]
    for cut in ("\n\n", "\n"):  # the last paragraph, else the last line
        head, gap, last = text.rstrip().rpartition(cut)
        # a question: a last paragraph, or a last line after a short text (a long one is an
        # article, whose last line may well ask something itself)
        # (or one line that opens with a question: "Why …? Keep it short.")
        opens = "\n" not in last.strip() and _OPENS_ASKING.match(last) is not None
        # or a claim the user asks to have checked ("Is this true? The Louvre opened in 1805.")
        opens = opens or _VERIFIES.match(last.strip()) is not None
        # or a question typed without its mark ("why was it built for the 1900 olympics")
        opens = opens or _UNMARKED_QUESTION.match(last.strip()) is not None
        question = (last.strip().endswith(("?", "\uff1f")) or opens) and (
            cut == "\n\n" or len(head) < PASTED_MIN_CHARS
        )
        asks = question or _ASKS.match(last) is not None or _SHAPE_LINE.search(last) is not None
        if gap and head.strip() and asks and len(last) <= QUESTION_MAX_CHARS:
            return head, last
    return text, ""


def _faq_entry(end: str) -> bool:
    """Whether `end` starts an entry of a FAQ: its "Question:" line is answered before the
    next "Question:" line (the prompt's own questions follow one another)."""
    questions = list(_FAQ_QUESTION.finditer(end))
    if len(questions) < 2:
        return False
    between = end[questions[0].end() : questions[1].start()].splitlines()[1:]
    # (rule lines and the mark of a block taken out answer nothing)
    marks = (_ANSWER_LABEL, pasted.RULE_LINE)
    return any(
        line.strip(f" \t{_CUT}") and not any(m.fullmatch(line) for m in marks) for line in between
    )


def _answers(text: str) -> bool:
    """Whether `text` gives an answer (`_GIVEN_ANSWER`): not a multiple choice's options
    ("A: … B: …"), nor an "Answer: Let's think step by step." that starts the answer."""
    lines = text.rstrip().splitlines()
    for n, line in enumerate(lines):
        given = _GIVEN_ANSWER.match(line)
        if given is None:
            continue
        last = n + 1 == len(lines)
        if not last and _OPTION_B.match(lines[n + 1]):
            continue
        if last and given.group("key").lower() == "answer":
            continue
        return True
    return False


def _json_blocks(text: str, prefix: str, docs: list[Document]) -> str:
    """JSON objects and arrays (or Python literals of them, as records exported from a
    dataframe often are) anywhere in the text become linearised documents."""
    pieces = _bracketed(text)
    if len(pieces) == 1:
        return text
    kept: list[str] = []
    for n, piece in enumerate(pieces):
        if isinstance(piece, str):
            kept.append(piece)
        elif _SHAPES_ANSWER.match(_line_before(kept[-1], len(kept[-1]))):
            kept.append("")  # "Respond only with JSON matching this example:": its shape
        else:
            docs.append(Document(f"{prefix}-json-{n // 2}", linearise(piece), record_of(piece)))
            kept.append(f"\n{_CUT}\n")
    return "".join(kept)


def _embedded(text: str) -> list[str | dict[str, Any] | list[Any]]:
    """The text cut into its prose and the records in it, in order: each Markdown table's
    rows (`pasted.markdown_tables`), and JSON records (`_bracketed`)."""
    pieces: list[str | dict[str, Any] | list[Any]] = []
    cursor = 0
    for start, end, rows in pasted.markdown_tables(text):
        pieces += [*_bracketed(text[cursor:start]), unwrapped(rows)]
        cursor = end
    return [*pieces, *_bracketed(text[cursor:])]


def _bracketed(text: str) -> list[str | dict[str, Any] | list[Any]]:
    """`text` cut into its prose and the JSON records in it (`_is_record`). Each bracketed
    span (`pasted.bracket_pairs`) is decoded alone, and no more text than `DECODE_BUDGET`
    times the text's length is decoded in all (brackets in prose never make the reading
    quadratic)."""
    if "{" not in text and "[" not in text:
        return [text]
    pieces: list[str | dict[str, Any] | list[Any]] = []
    cursor, budget = 0, DECODE_BUDGET * len(text)
    for start, end in sorted(pasted.bracket_pairs(text).items()):
        if start < cursor or text[start] == "(":
            continue
        budget -= end - start
        if budget < 0:
            break
        decoded = _decode(text[start:end])
        if decoded is None or not _is_record(decoded):
            continue
        pieces += [text[cursor:start], unwrapped(decoded)]
        cursor = end
    return [*pieces, text[cursor:]]


def _is_record(value: Any) -> bool:
    """A decoded value that is pasted data, not a bracket in prose ("[2, 3]", "[1]"): an
    object of two or more fields or one that wraps a record (`{"business": {...}}`), or a
    list that holds such an object, or two or more items with a text of three or more
    words among them."""
    if isinstance(value, dict):
        return len(value) >= 2 or any(_is_record(v) for v in value.values())
    if isinstance(value, list):
        return any(
            _is_record(v) or (isinstance(v, str) and len(v.split()) >= 3) for v in value
        ) and (len(value) >= 2 or any(isinstance(v, dict) for v in value))
    return False


DECODE_BUDGET = 4


def _decode(value: str) -> Any:
    """A JSON value's (or a Python literal's) text decoded; None when it is neither."""
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        pass
    try:
        return ast.literal_eval(value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def _announced(text: str, prefix: str, docs: list[Document]) -> str:
    """The text the first lead-in announces, up to the instruction after it; a lead-in
    right before a block taken out (`_CUT`) announced that block, not what follows it.
    Only the first `LEADS_MAX` lead-ins are tried (each reads the text after it)."""
    for lead in itertools.islice(_LEAD_IN.finditer(text), LEADS_MAX):
        if lead.group("line") is not None and not _points_ahead(text, lead):
            continue
        near = max(0, lead.start() - QUESTION_MAX_CHARS)  # a verifying line is short
        line = text.rfind("\n", near, lead.start()) + 1 or near
        if _VERIFIES.search(text, line, lead.end()) or _CHECKS_CLAIM.search(text, line, lead.end()):
            continue  # "Fact-check the following text:", "Check this claim against …:"
        announced = text[lead.end() :]
        if _LEAD_IN.match(announced.lstrip()):
            continue  # "Given the following information …" then "Context:": the latter's
        if _CUT in announced and _labels(announced.split(_CUT, 1)[0].strip(), lead):
            continue
        body, trailer = _until_trailer(announced)
        body = _INSTRUCTION_LINES.sub("", body.replace(_CUT, "")).strip()
        asks = "\n" not in body and body.endswith(("?", "\uff1f"))
        asks = asks and len(body) <= QUESTION_MAX_CHARS
        # (the prompt's rules after a sentence lead-in: "… create a final answer with
        # references.\nALWAYS return a 'SOURCES' part in your answer.", the material later)
        prompts = asks or _ADDRESSES.match(body) is not None
        prompts = prompts or (lead.group("line") is not None and _rules(body))
        if len(body) >= LEAD_IN_MIN_CHARS and not prompts:
            docs.append(document(f"{prefix}-text", body))
            return text[: lead.end()] + "\n" + trailer
    return text


def _refers(before: str, body: str) -> bool:
    """Whether the paragraph before a block set off by rule lines names the material it
    sets off ("answers from the given info", "the context"), and the block states things
    rather than telling the model what to do."""
    paragraph = before.rstrip().rpartition("\n\n")[2]
    tells = _INSTRUCTING.match(body) or _TELLS.match(body) or _ADDRESSES.match(body)
    return _REFERS.search(paragraph) is not None and not tells and not _rules(body)


def _announces(text: str) -> bool:
    """Whether the last line of `text` announces the block after it: a label ("Article:") or
    a lead-in ("Context information is below."). Rule lines after anything else set off the
    sections of a prompt ("You are …\n---\nNever discuss pricing.\n---"), no document."""
    last = text.rstrip().rpartition("\n")[2].strip()
    if _TRAILER.match(last) or _VERIFIES.search(last):  # "Rules:"; "Is this true?"
        return False
    return last.endswith(":") or _LEAD_IN.search(last + "\n") is not None or _asks_about(last)


def _asks_about(line: str) -> bool:
    """Whether a line asks for the text after it told again (`_ABOUT`: "Can you summarize
    this?", "What does this say?", "Translate the text below."): short, pointing at it
    ("this", "these", "the following", "below", "here"), not asking whether it is so."""
    line = line.strip()
    if len(line) > QUESTION_MAX_CHARS or _VERIFIES.search(line):
        return False
    return _ABOUT.search(line) is not None and _POINTS_AT.search(line) is not None


def _asked_about(text: str, prefix: str, docs: list[Document]) -> str:
    """In a message with no other document, the text after a first line that asks about it
    ("What does this say?" and an article in short paragraphs), up to the instruction after
    it, as one document when it is as long as pasted material (`PASTED_MIN_CHARS`): a short
    one ("Is this right? Curie won in 1905.") is the question's."""
    first, gap, after = text.strip().partition("\n")
    if docs or not gap or not _asks_about(first):
        return text
    body, trailer = _until_trailer(after)
    body = _INSTRUCTION_LINES.sub("", body.strip()).strip()
    if len(body) < PASTED_MIN_CHARS or _ADDRESSES.match(body):
        return text
    docs.append(document(f"{prefix}-text", body))
    return first + "\n" + trailer


def _labels(text: str, lead: re.Match[str]) -> bool:
    """Whether the text between a lead-in and a block taken out only labels the block: too
    short to be a document, or, after a sentence lead-in ("Use the below article …"), one
    line ending in a colon ("Wikipedia article section:"; after "Context:", "To install,
    run:" is the document's)."""
    label = lead.group("line") is not None and "\n" not in text and text.endswith(":")
    return len(text) < LEAD_IN_MIN_CHARS or label


def _points_ahead(text: str, lead: re.Match[str]) -> bool:
    """Whether a sentence lead-in ("Use the following context …") is the prompt's: its line
    does not ask or describe the chat (`_NAMES_CHAT`: "The following is a friendly
    conversation between a user and an AI assistant."; "… news about AI chips" announces),
    and neither it nor a paragraph
    before it is pasted material (inside an article, "as the following report shows" is
    the article's)."""
    line_start = text.rfind("\n", 0, lead.start()) + 1
    before = re.split(r"\n\s*\n", text[:line_start])
    return (
        not lead.group(0).rstrip().endswith("?")
        and _NAMES_CHAT.search(lead.group(0)) is None
        and lead.end() - line_start < PASTED_MIN_CHARS
        and all(len(p.strip()) < PASTED_MIN_CHARS for p in before)
    )


def _above(text: str, prefix: str, docs: list[Document]) -> str:
    """The text before the prompt's last line that points back at it (`_ABOVE`), in a message
    with no other document, as one document."""
    if docs:
        return text
    refs = [r for r in _ABOVE.finditer(text) if r.start() >= len(text) - TRAILER_MAX_CHARS]
    if not refs:
        return text
    body = text[: refs[-1].start()].replace(_CUT, "").strip()
    if len(body) < LEAD_IN_MIN_CHARS or _ADDRESSES.match(body):
        return text
    docs.append(document(f"{prefix}-text", body))
    return text[refs[-1].start() :]


def _without_examples(text: str) -> str:
    """The text without its few-shot examples (`_examples_end`): they show the answer's shape,
    and their facts are no material to ground it in. Examples inside material
    (`_in_material`) are the material's."""
    spans, cursor = [], 0
    while lead := _EXAMPLES.search(text, cursor):
        end, scanned = _examples_end(text, lead.start())
        if end is None or _in_material(text, lead):
            cursor = max(lead.end(), end or 0, scanned)  # no later line there opens others
            continue
        spans.append((lead.start(), end))
        cursor = end
    return _cut(text, spans)


def _in_material(text: str, lead: re.Match[str]) -> bool:
    """Whether examples are inside material: announced by a line of their paragraph before
    them ("Context:\nThe Acme 3000 is a blender.\nExample usage:"), or by their own line
    ("Here are some examples of reviews from our customers:")."""
    start = max(text.rfind("\n\n", 0, lead.start()) + 1, lead.start() - TRAILER_MAX_CHARS)
    end = text.find("\n", lead.start())
    own = text[lead.start() : end if end >= 0 else len(text)] + "\n"
    if _LEAD_IN.search(text, start, lead.start()) is not None:
        return True
    return _DATA_EXAMPLES.search(own) is not None


def _examples_end(text: str, start: int) -> tuple[int | None, int]:
    """Where the examples a line opens at `start` end: after the last paragraph that answers
    (`_EXAMPLE_ANSWER`) in a run of such paragraphs and bare example labels ("Example 2:"),
    before a question left unanswered after its last answer (the prompt's "Q: …\nA:"); None
    when nothing is answered ("Examples: the Louvre and the Prado."). And where the run ended
    (a line in it opens no examples that end elsewhere)."""
    end = None
    for paragraph in _PARAGRAPH.finditer(text, start):
        lines = paragraph.group().split("\n")
        answered = [n for n, line in enumerate(lines) if _EXAMPLE_ANSWER.match(line)]
        if not answered:
            loose = [n for n, line in enumerate(lines) if not _EXAMPLES.fullmatch(line)]
            if not loose:
                continue
            return end, paragraph.start() + len("\n".join(lines[: loose[-1] + 1]))
        after = lines[answered[-1] + 1 :]
        asked = next((n for n, line in enumerate(after) if _EXAMPLE_QUESTION.match(line)), None)
        if asked is not None:
            kept = lines[: answered[-1] + 1 + asked]
            cut = paragraph.start() + len("\n".join(kept))
            return cut, cut
        end = paragraph.end()
    return end, len(text)


def _observations(text: str, prefix: str, docs: list[Document]) -> str:
    """In a ReAct transcript (a "Thought:" line), each "Observation:" up to the
    agent's next step ("Thought:", "Action:", "Final Answer:" …; the last one up to the
    instruction after it) is a document; the agent's own steps are not."""
    if _REACT_STEP.search(text) is None:
        return text
    begun = list(_BEGIN.finditer(text))  # the format before it: its "Observation:" line no
    cursor = begun[-1].end() if begun else 0  # lead-in (the rest before it stays as it is)
    pieces = [_FORMAT_OBSERVATION.sub("", text[:cursor])]
    for n, head in enumerate(_OBSERVATION.finditer(text, cursor)):
        step = _REACT_LABEL.search(text, head.end())
        body, trailer = (
            (text[head.end() : step.start()], "") if step else _until_trailer(text[head.end() :])
        )
        if body.strip():
            docs.append(document(f"{prefix}-observation-{n}", body.strip()))
        pieces += [text[cursor : head.end()], f"\n{_CUT}\n", trailer]
        cursor = step.start() if step else len(text)
    return "".join(pieces) + text[cursor:]


def _langchain(text: str, prefix: str, docs: list[Document]) -> str:
    """LangChain documents pasted as their repr (`pasted.langchain_pages`): each page's
    content is a document named by its metadata's source (else `{prefix}-page-N`); the
    metadata is no evidence. What is left, with the list that held them taken out."""
    pages = list(pasted.langchain_pages(text))
    for n, (_, _, source, content) in enumerate(pages):
        docs.append(document(source or f"{prefix}-page-{n}", content))
    spans = [(start, end) for start, end, _, _ in pages]
    return _CUT_LIST.sub(f"\n{_CUT}\n", _cut(text, spans)) if pages else text


def _sourced(text: str, prefix: str, docs: list[Document]) -> str:
    """LangChain's QA-with-sources entries ("Content: …" / "Source: …",
    `pasted.sourced_entries`): each content a document named by its source (else
    `{prefix}-entry-N`); a last one that runs to the message's end ends where the prompt's
    words after it begin (`_until_trailer`). Entries up to the last answer given ("FINAL
    ANSWER: This Agreement is governed by English law.\nSOURCES: 28-pl") are the template's
    examples (taken out with their answers), and entries after a line that asks whether
    they are so ("Are these posts accurate?") the user's claims: neither is a document.
    What is left, with the entries taken out."""
    entries = list(pasted.sourced_entries(text))
    if not entries:
        return text
    asked = text[: entries[0][0]][-TRAILER_MAX_CHARS:]
    if _VERIFIES.search(asked) or _CHECKS_CLAIM.search(asked):
        return text  # "Are these two posts accurate?": the user's claims, no material
    # LangChain's few-shot examples: up to the last answer given and its "SOURCES:" line
    answers = list(_ANSWERED.finditer(text, entries[0][0]))
    examples = _EXAMPLE_SOURCES.match(text, answers[-1].end()) if answers else None
    spans = [(entries[0][0], examples.end())] if examples else []
    for n, (start, end, source, content) in enumerate(entries):
        if examples and start < examples.end():
            continue
        if end == len(text) and text.endswith(content):  # the last, to the message's end
            body = _until_trailer(content)[0]
            end, content = end - len(content) + len(body), body
        if content.strip():
            docs.append(document(source or f"{prefix}-entry-{n}", content.strip()))
        spans.append((start, end))
    return _cut(text, spans) if spans else text


def _tool_documents(text: str, name: str) -> list[Document]:
    """A tool result's documents: itself, or the LangChain pages in it and what else it
    holds."""
    pages: list[Document] = []
    rest = _langchain(text, name, pages).replace(_CUT, "").strip()
    return [*pages, document(name, rest)] if pages else [document(name, text)]


def document(doc_id: str, text: str) -> Document:
    """A context document; JSON in it linearised, with its record's attributes: the whole
    text (`records.read`), or records inside prose ("Found 1 result: {…}", a Python
    literal of a dict) each read in place, the record of the one (or of all of them); a
    text that is one fenced block is read as its body (JSON, or code as it is); an HTML
    page as its text (`pasted.html_text`)."""
    if text.lstrip().startswith('"'):  # a JSON string (a record encoded twice): its text
        try:
            decoded = orjson.loads(text)
        except orjson.JSONDecodeError:
            decoded = None
        if isinstance(decoded, str):
            return document(doc_id, decoded)
    fenced = _FENCED.fullmatch(text.strip())
    text = fenced.group("body") if fenced is not None else text
    body, record = read(text)
    if record is not None or body is not text or fenced is not None:
        return Document(doc_id, body, record)
    pieces = _embedded(text)
    values = [p for p in pieces if not isinstance(p, str)]
    if not values:  # prose, or an HTML page (JSON with HTML in its values stays JSON)
        return Document(doc_id, pasted.html_text(text))
    lines = [p.strip() if isinstance(p, str) else linearise(p) for p in pieces]
    found = record_of(values[0] if len(values) == 1 else values)
    return Document(doc_id, "\n".join(line for line in lines if line), found)


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


_OUTPUT_ITEMS = ("function_call_output", "custom_tool_call_output", "mcp_call")


def _tool_results(path: str, body: dict[str, Any]) -> list[str]:
    """Tool messages, and the Responses API's tool outputs: function, custom tool and MCP
    call outputs, and a file search call's results (each result's text)."""
    out = []
    for item in _items(path, body):
        if item.get("role") in ("tool", "function"):
            out.append(_text_of(item.get("content")))
        elif item.get("type") in _OUTPUT_ITEMS and item.get("output") is not None:
            out.append(_text_of(item.get("output")))
        elif item.get("type") == "file_search_call" and isinstance(item.get("results"), list):
            out += [
                r["text"]
                for r in item["results"]
                if isinstance(r, dict) and isinstance(r.get("text"), str)
            ]
    return out
