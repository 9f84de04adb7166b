"""Look for held-out items that training reads: the same (context, answer) pair, whitespace and
case ignored, in any data set's train split or DocNLI's binary MNLI train split.

    python training/check_overlap.py --data ../shared/data [--split test]

Prints, per data set, how many `--split` items repeat a training pair and from which set; a
second column counts answers of more than six words seen in training with another context.
Two leaks were found so (2026-12-05): MNLI pairs repeated by binary MNLI with other
whitespace, and ExpertQA answers split apart from their claims (`datasets.SPLIT_POOLS`).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from groundrail.evaluation import datasets


def _key(text: str) -> str:
    return " ".join(text.split()).lower()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--split", default="test", choices=("calibration", "dev", "test"))
    args = ap.parse_args()
    pairs: dict[tuple[str, str], str] = {}
    answers: dict[str, str] = {}
    for name in datasets.DATASETS:
        for item in datasets.load(name, args.data, "train"):
            pairs.setdefault((_key(" ".join(item.context)), _key(item.answer)), name)
            answers.setdefault(_key(item.answer), name)
    for item in datasets.binary_mnli(args.data):
        if datasets.split_of("binary_mnli", item.group) == "train":
            pairs.setdefault((_key(" ".join(item.context)), _key(item.answer)), "binary_mnli")
    print(f"| data set | {args.split} items | pairs in train | long answers in train |")
    print("|---|---:|---|---|")
    for name in datasets.DATASETS:
        items = datasets.load(name, args.data, args.split)
        repeated = Counter(
            pairs[key]
            for item in items
            if (key := (_key(" ".join(item.context)), _key(item.answer))) in pairs
        )
        seen = Counter(
            answers[key]
            for item in items
            if len(item.answer.split()) > 6 and (key := _key(item.answer)) in answers
        )
        print(f"| {name} | {len(items)} | {dict(repeated) or '-'} | {dict(seen) or '-'} |")


if __name__ == "__main__":
    main()
