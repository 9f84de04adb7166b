"""Turn the labelled data sets into (premise, hypothesis, label) pairs for the NLI cross-encoder.

Premises are built the way the runtime builds them: documents are cut into token windows and a
claim is paired with its best windows by BM25, so the model trains on what it will see.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pysbd
from tokenizers import Tokenizer

from groundrail.evaluation.datasets import NLI_LABELS, Item, Split, load
from groundrail.grounding.engine import with_question
from groundrail.grounding.lexical import BM25
from groundrail.grounding.windows import Document, make_windows

SUPPORTED, UNSUPPORTED = "supported", "unsupported"  # binary labels: entailment vs the rest


@dataclass(slots=True, frozen=True)
class Pair:
    dataset: str
    premise: str
    hypothesis: str
    label: str  # one of NLI_LABELS, or SUPPORTED / UNSUPPORTED


def best_window(doc: str, claim: str, tok: Tokenizer, size: int, overlap: int) -> str:
    windows = make_windows(Document("d", doc), tok, size, overlap)
    if len(windows) == 1:
        return windows[0].text
    scores = BM25([w.text for w in windows]).scores(claim)
    return windows[max(range(len(windows)), key=scores.__getitem__)].text


def build(
    root: Path,
    split: Split,
    tok: Tokenizer,
    size: int,
    overlap: int,
    halueval_items: int | None = None,
    seed: int = 13,
) -> list[Pair]:
    """All pairs of one split; `halueval_items` caps HaluEval (it would outweigh the rest)."""
    seg = pysbd.Segmenter(language="en", clean=False)
    pairs: list[Pair] = []
    for item in load("mnli", root, split):
        assert item.nli_label in NLI_LABELS
        pairs.append(Pair("mnli", item.context[0], item.answer, item.nli_label))
    halueval = load("halueval", root, split)
    keep = sorted({i.group for i in halueval}, key=int)
    random.Random(seed).shuffle(keep)
    kept = set(keep[:halueval_items] if halueval_items else keep)
    for item in (i for i in halueval if i.group in kept):
        label = UNSUPPORTED if item.hallucinated else SUPPORTED
        pairs.append(
            Pair("halueval", item.context[0], with_question(item.answer, item.question), label)
        )
    for item in load("begin", root, split):
        label = UNSUPPORTED if item.hallucinated else SUPPORTED
        pairs.append(Pair("begin", item.context[0], item.answer, label))
    seen: set[tuple[str, str]] = set()
    for item in load("summedits", root, split):
        pairs.extend(_summedits_pairs(item, seg, tok, size, overlap, seen))
    random.Random(seed).shuffle(pairs)
    return pairs


def _summedits_pairs(
    item: Item,
    seg: pysbd.Segmenter,
    tok: Tokenizer,
    size: int,
    overlap: int,
    seen: set[tuple[str, str]],
) -> list[Pair]:
    """Sentence-level labels: an edited summary's sentences that differ from the consistent
    seed summary carry the inconsistency; the unchanged ones are supported."""
    original = {s.strip() for s in seg.segment(item.original_answer or "")}
    out = []
    for sentence in (s.strip() for s in seg.segment(item.answer)):
        if not sentence or (item.context[0], sentence) in seen:
            continue
        seen.add((item.context[0], sentence))
        bad = item.hallucinated and sentence not in original
        premise = best_window(item.context[0], sentence, tok, size, overlap)
        out.append(Pair("summedits", premise, sentence, UNSUPPORTED if bad else SUPPORTED))
    return out
