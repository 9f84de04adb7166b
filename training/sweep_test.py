"""Analysis only: two models compared at equal false-alarm rates on the test splits.

    python training/sweep_test.py --data ../shared/data MODEL_DIR [MODEL_DIR …]

Scores the test splits of the six real-answer sets (SummEdits, ExpertQA, WiCE, Factcheck-GPT,
FaithDial, Q²; the largest sampled as `groundrail eval` samples them) once per model with every
premise judged (early exit off, so the numbers differ a little from the shipped path's), then
sweeps the threshold of the model's own calibration (weights, bias and claim exponent kept) over
`THRESHOLDS` and prints the sets' mean balanced accuracy, F1 and share of correct answers
flagged at each: which model ranks answers better at the same false-alarm rate. It reads test
splits, so nothing may be chosen from it: a threshold or a model picked here would be tuned on
the test data (used 2026-12-04 after the decision on the GPU candidate, docs/grounding.md).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
from pathlib import Path

import numpy as np
from build_model import FITTED, Answers, flags, split_signals

from groundrail.evaluation import datasets, evaluate
from groundrail.grounding.card import read_card

SIX = ("summedits", "expertqa", "wice", "factcheck", "faithdial", "q2")
THRESHOLDS = [t / 100 for t in range(40, 86, 3)]
# every test item, the largest sets sampled as `groundrail eval` samples them
TEST_SIZES = {name: datasets.EVAL_SAMPLE.get(name) for name in SIX}


def sweep(folder: Path, answers: Answers) -> None:
    calibration = read_card(folder).calibration
    if calibration is None:
        raise SystemExit(f"{folder}: no calibration in its card")
    weights = np.array(
        [
            calibration.weights[calibration.features.index(s)] if s in calibration.features else 0.0
            for s in FITTED
        ]
    )
    signals = [(dataset, bad, np.array(claims)) for dataset, bad, claims in answers]
    for threshold in THRESHOLDS:
        reports = []
        for name in SIX:
            gold = [bad for dataset, bad, _ in signals if dataset == name]
            pred = [
                flags(claims, weights, calibration.bias, threshold, calibration.claims_exponent)
                for dataset, _, claims in signals
                if dataset == name
            ]
            reports.append(evaluate.Binary.of(gold, pred).as_dict())
        mean = {
            k: statistics.mean(r[k] for r in reports)
            for k in ("balanced_accuracy", "f1", "flagged_correct")
        }
        mark = "  (the card's)" if abs(threshold - calibration.threshold) < 0.015 else ""
        print(
            f"{folder} threshold {threshold:.2f}: balanced accuracy "
            f"{mean['balanced_accuracy']:.4f}, F1 {mean['f1']:.4f}, correct answers flagged "
            f"{mean['flagged_correct']:.4f}{mark}",
            flush=True,
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("models", type=Path, nargs="+", help="exported model folders")
    args = ap.parse_args()
    for folder in args.models:
        sweep(folder, asyncio.run(split_signals(folder, args.data, "test", TEST_SIZES)))


if __name__ == "__main__":
    main()
