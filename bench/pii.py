"""PII detector quality: precision and recall per entity on a labelled set of realistic texts.

    python bench/pii.py [--data tests/data/pii_texts.jsonl]

Each line of the set is {"text": …, "pii": [{"entity": …, "value": …}]}: contacts, cards, IBANs,
SSNs and addresses among numbers that are not personal data (timings, prices, dates, versions,
IDs, measurements). A detected span counts as a true positive when it overlaps a labelled value of
the same entity; every other detected span is a false positive, every labelled value missed a
false negative.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import orjson

from groundrail.rules.pii import ENTITIES, detect

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "pii_texts.jsonl"


def score(path: Path) -> tuple[Counter[str], Counter[str], Counter[str], list[str]]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    mistakes: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        case = orjson.loads(line)
        text = case["text"]
        gold = {
            (g["entity"], text.index(g["value"]), text.index(g["value"]) + len(g["value"]))
            for g in case["pii"]
        }
        found = {(e, s, t) for e, spans in detect(text).items() for s, t in spans}
        for entity, start, end in found:
            if any(e == entity and start < t and s < end for e, s, t in gold):
                tp[entity] += 1
            else:
                fp[entity] += 1
                mistakes.append(f"FP {entity:<12} {text[start:end]!r:<32} in {text!r}")
        for entity, start, end in gold:
            if not any(e == entity and s < end and start < t for e, s, t in found):
                fn[entity] += 1
                mistakes.append(f"FN {entity:<12} {text[start:end]!r:<32} in {text!r}")
    return tp, fp, fn, mistakes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)  # or tests/data/pii_heldout.jsonl
    args = parser.parse_args()
    tp, fp, fn, mistakes = score(args.data)
    print(f"{'entity':<12} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>8}")
    for entity in (*ENTITIES, "all"):
        t = sum(tp.values()) if entity == "all" else tp[entity]
        f = sum(fp.values()) if entity == "all" else fp[entity]
        n = sum(fn.values()) if entity == "all" else fn[entity]
        precision = t / (t + f) if t + f else 1.0
        recall = t / (t + n) if t + n else 1.0
        print(f"{entity:<12} {t:>4} {f:>4} {n:>4} {precision:>10.3f} {recall:>8.3f}")
    for line in mistakes:
        print(line)


if __name__ == "__main__":
    main()
