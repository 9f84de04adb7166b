"""Compare exported models on dev at several false-alarm caps (no test split is read).

    python training/compare_caps.py --data ../shared/data MODEL_DIR [MODEL_DIR …]

`build_model.py` fits each model's calibration at one cap on the share of correct real dev
answers flagged (`MAX_FALSE_ALARMS`, 0.25), so two models land at different false-alarm
rates and their balanced accuracies do not compare. This scores each model's dev signals
once (`build_model.fit_signals` on dev alone: the same answers for every model, even one
whose calibration split build_model would add; about 2 minutes on 2 cores) and fits the
calibration at each of `CAPS`, printing the mean dev balanced accuracy and the share of
correct real dev answers flagged it reaches: a model that is ahead at every cap ranks answers
better (used to choose among the GPU runs of 2026-12-04, training/README.md).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
from pathlib import Path

import build_model

CAPS = (0.15, 0.18, 0.20, 0.22, 0.25)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("models", type=Path, nargs="+", help="exported model folders")
    args = ap.parse_args()
    print("| model | " + " | ".join(f"cap {cap:.2f}" for cap in CAPS) + " |")
    print("|---|" + "---|" * len(CAPS))
    for folder in args.models:
        answers = asyncio.run(build_model.fit_signals(folder, args.data))
        cells = []
        for cap in CAPS:
            with contextlib.redirect_stdout(io.StringIO()):  # calibrate prints its fit
                _, balanced, alarms = build_model.calibrate(answers, cap)
            cells.append(f"{balanced:.4f} / {alarms:.4f}")
        print(f"| {folder} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
