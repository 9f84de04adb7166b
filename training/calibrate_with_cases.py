"""Experiment (2026-12-05, rejected on dev; removed in the next commit): the calibration refitted
with the hand-written cases not held out as three more fit sets, against the dev-only fit.

    python training/calibrate_with_cases.py --data ../shared/data --model MODEL_DIR
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import build_model
import numpy as np

from groundrail.evaluation import evaluate

ap = argparse.ArgumentParser()
ap.add_argument("--data", type=Path, required=True)
ap.add_argument("--model", type=Path, required=True)
args = ap.parse_args()
dev = asyncio.run(build_model.dev_signals(args.model, args.data))
cases = [a for a in asyncio.run(build_model.case_signals(args.model)) if a[2]]
for label, answers in (("dev", dev), ("dev + cases", dev + cases)):
    print(f"== calibration fitted on {label}")
    calibration, _, _ = build_model.calibrate(answers)
    w = np.array(calibration.weights)
    for name in dict.fromkeys(build_model.CASE_SETS.values()):
        gold = [bad for d, bad, _ in cases if d == name]
        pred = [
            build_model.flags(
                np.array(c), w, calibration.bias, calibration.threshold, calibration.claims_exponent
            )
            for d, _, c in cases
            if d == name
        ]
        report = evaluate.Binary.of(gold, pred).as_dict()
        print(f"  {name}: {report['confusion']}, balanced {report['balanced_accuracy']:.3f}")
