"""Look for held-out items that training reads: the same (context, answer) pair, whitespace and
case ignored, in any data set's train or calibration split (every model so far trained on
both) or DocNLI's binary MNLI train split.

    python training/check_overlap.py --data ../shared/data [--split test]

Prints, per data set, how many `--split` items repeat a training pair and from which set; a
second column counts answers of more than six words that training holds too, with any
context. It finds repeated text, such as the MNLI pairs binary MNLI repeated with other
whitespace (2026-12-05), not groups split apart by their keys, such as the ExpertQA answers
that were split apart from their own claims (found by comparing the two keys; one pool now,
`datasets.SPLIT_POOLS`).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from groundrail.evaluation import datasets


def _key(text: str) -> str:
    return datasets.spaced(text).lower()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--split", default="test", choices=("dev", "test"))
    args = ap.parse_args()
    pairs: dict[tuple[str, str], str] = {}
    answers: dict[str, str] = {}
    for name in datasets.DATASETS:
        for split in ("train", "calibration"):
            for item in datasets.load(name, args.data, split):
                pairs.setdefault((_key(" ".join(item.context)), _key(item.answer)), name)
                answers.setdefault(_key(item.answer), name)
    for item in datasets.binary_mnli(args.data):
        if datasets.split_of("binary_mnli", item.group) == "train":
            pairs.setdefault((_key(" ".join(item.context)), _key(item.answer)), "binary_mnli")
    print(f"| data set | {args.split} items | pairs trained on | long answers trained on |")
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
