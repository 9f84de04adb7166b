"""Run the engine over labelled items and score it: the numbers `groundrail eval` prints."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from groundrail.evaluation.datasets import NLI_LABELS, Item
from groundrail.grounding.context import from_options
from groundrail.grounding.engine import GroundingEngine, GroundingResult
from groundrail.grounding.model import Pair

FLAGGED = ("ungrounded", "contradicted")


@dataclass(slots=True, frozen=True)
class Binary:
    """'Hallucinated' is the positive class."""

    tp: int
    fp: int
    tn: int
    fn: int

    @classmethod
    def of(cls, gold: Sequence[bool], predicted: Sequence[bool]) -> Binary:
        pairs = list(zip(gold, predicted, strict=True))
        return cls(
            tp=sum(g and p for g, p in pairs),
            fp=sum(p and not g for g, p in pairs),
            tn=sum(not g and not p for g, p in pairs),
            fn=sum(g and not p for g, p in pairs),
        )

    def as_dict(self) -> dict[str, Any]:
        n = self.tp + self.fp + self.tn + self.fn
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        specificity = self.tn / (self.tn + self.fp) if self.tn + self.fp else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "n": n,
            "accuracy": round((self.tp + self.tn) / n, 4) if n else 0.0,
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "balanced_accuracy": round((recall + specificity) / 2, 4),
            # the share of correct answers flagged: what a team pays in false alarms
            "flagged_correct": round(1 - specificity, 4) if self.tn + self.fp else 0.0,
            "confusion": {"tp": self.tp, "fp": self.fp, "tn": self.tn, "fn": self.fn},
        }


async def run(
    engine: GroundingEngine, items: Sequence[Item], concurrency: int = 16
) -> list[GroundingResult]:
    gate = asyncio.Semaphore(concurrency)

    async def one(item: Item) -> GroundingResult:
        docs = from_options(item.context)  # as the gateway reads its `groundrail.context`
        async with gate:
            return await engine.check(docs, item.answer, item.question)

    return list(await asyncio.gather(*(one(i) for i in items)))


def hallucinated(result: GroundingResult) -> bool:
    return result.verdict in FLAGGED


async def three_way(engine: GroundingEngine, items: Sequence[Item]) -> dict[str, Any]:
    """MNLI: the raw model's 3-way accuracy on (premise, hypothesis), with its confusion."""
    labels = engine.model.card.labels
    pairs = [Pair(i.context[0], i.answer) for i in items]
    probs = np.concatenate(
        [await engine.batcher.score(pairs[s : s + 256]) for s in range(0, len(pairs), 256)]
    )
    predicted = [labels[int(k)] for k in probs.argmax(axis=1)]
    confusion = {g: dict.fromkeys(NLI_LABELS, 0) for g in NLI_LABELS}
    for item, label in zip(items, predicted, strict=True):
        assert item.nli_label is not None
        if label in confusion[item.nli_label]:
            confusion[item.nli_label][label] += 1
    correct = sum(confusion[g][g] for g in NLI_LABELS)
    return {"accuracy": round(correct / len(items), 4), "confusion": confusion}


CLAIM_BUCKETS = ((1, 1), (2, 3), (4, 6), (7, 1_000_000))


async def evaluate(engine: GroundingEngine, dataset: str, items: Sequence[Item]) -> dict[str, Any]:
    """Answer-level confusion, the false-alarm rate by number of claims, retrieval recall of
    annotated evidence (claim-level sets) and, for MNLI, the raw model's 3-way accuracy."""
    results = await run(engine, items)
    report: dict[str, Any] = Binary.of(
        [i.hallucinated for i in items], [hallucinated(r) for r in results]
    ).as_dict()
    report["not_evaluated"] = sum(r.verdict == "not_evaluated" for r in results)
    report["flagged_correct_by_claims"] = flagged_by_claims(items, results)
    recall = evidence_recall(items, results)
    if recall is not None:
        report["evidence_recall"] = recall
    if dataset == "mnli":
        report["three_way"] = await three_way(engine, items)
    return report


def flagged_by_claims(
    items: Sequence[Item], results: Sequence[GroundingResult]
) -> dict[str, dict[str, float]]:
    """Share of correct answers flagged, by how many claims they have: flat is the aim."""
    out: dict[str, dict[str, float]] = {}
    for low, high in CLAIM_BUCKETS:
        flags = [
            hallucinated(r)
            for i, r in zip(items, results, strict=True)
            if not i.hallucinated and r.claims and low <= len(r.claims) <= high
        ]
        if flags:
            name = f"{low}" if low == high else f"{low}+" if high > 1000 else f"{low}-{high}"
            out[name] = {"n": len(flags), "flagged": round(sum(flags) / len(flags), 4)}
    return out


def evidence_recall(items: Sequence[Item], results: Sequence[GroundingResult]) -> float | None:
    """Mean over claims with annotated evidence of the share of evidence sentences that a
    premise the model judged contains (whitespace-normalised; an evidence sentence longer
    than a window counts when 80 % of its words are in one premise)."""
    shares = []
    for item, result in zip(items, results, strict=True):
        if not item.evidence or not result.claims:
            continue
        premises = [" ".join(p.premise.split()) for c in result.claims for p in c.pairs]
        found = 0
        for sentence in item.evidence:
            norm = " ".join(sentence.split())
            words = set(norm.lower().split())
            found += any(
                norm in p or (words and len(words & set(p.lower().split())) >= 0.8 * len(words))
                for p in premises
            )
        shares.append(found / len(item.evidence))
    return round(sum(shares) / len(shares), 4) if shares else None


def format_report(dataset: str, split: str, model: str, report: dict[str, Any]) -> str:
    c = report["confusion"]
    lines = [
        f"## {dataset} ({split} split, {report['n']} answers, model {model})",
        "",
        "| accuracy | precision | recall | F1 | balanced accuracy | not evaluated |",
        "|---|---|---|---|---|---|",
        f"| {report['accuracy']:.3f} | {report['precision']:.3f} | {report['recall']:.3f} "
        f"| {report['f1']:.3f} | {report['balanced_accuracy']:.3f} | {report['not_evaluated']} |",
        "",
        f"correct answers flagged: {report['flagged_correct']:.3f}"
        + (
            f"; evidence recall of the judged premises: {report['evidence_recall']:.3f}"
            if "evidence_recall" in report
            else ""
        ),
        "",
        "| gold \\ predicted | hallucinated | grounded |",
        "|---|---|---|",
        f"| hallucinated | {c['tp']} | {c['fn']} |",
        f"| grounded | {c['fp']} | {c['tn']} |",
    ]
    buckets = report.get("flagged_correct_by_claims") or {}
    if len(buckets) > 1:
        lines += [
            "",
            "| claims in a correct answer | " + " | ".join(buckets) + " |",
            "|---|" + "---:|" * len(buckets),
            "| answers | " + " | ".join(str(b["n"]) for b in buckets.values()) + " |",
            "| flagged | " + " | ".join(f"{b['flagged']:.2f}" for b in buckets.values()) + " |",
        ]
    if "three_way" in report:
        three = report["three_way"]
        labels = list(three["confusion"])
        lines += [
            "",
            f"3-way accuracy {three['accuracy']:.3f}",
            "",
            "| gold \\ predicted | " + " | ".join(labels) + " |",
            "|---|" + "---|" * len(labels),
        ]
        lines += [
            f"| {g} | " + " | ".join(str(three["confusion"][g][p]) for p in labels) + " |"
            for g in labels
        ]
    return "\n".join(lines) + "\n"
