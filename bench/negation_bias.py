"""How often the packaged model calls an entailed hypothesis a contradiction, by negation.

    python bench/negation_bias.py --pairs runs/pairs/dev.jsonl.xz [--model FOLDER] [--sample 300]

Reads the dev pairs `training/pairs.py` wrote, keeps those labelled entailed (supported or
entailment) from the data sets themselves (rule-made and synthetic pairs left out), and splits
them by whether the hypothesis has a negation word ("not", "no", "never", "n't" …) and whether
the premise has one too. A model without a negation shortcut calls them contradictions at about
the same rate in every group. First it prints where the shortcut comes from: the labels of the
file's MNLI pairs whose hypothesis has a negation its premise lacks (MNLI's annotation
artifact: most are contradictions). A diagnostic that prints tables, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import lzma
import random
from collections import Counter
from pathlib import Path

from groundrail.config import GroundingSettings
from groundrail.grounding.lexical import adds_negation, has_negation
from groundrail.grounding.model import Pair
from groundrail.grounding.runtime import GroundingRuntime


def read(path: Path) -> list[dict[str, str]]:
    with lzma.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def mnli_labels(rows: list[dict[str, str]]) -> tuple[Counter[str], Counter[str]]:
    """Labels of the MNLI pairs whose hypothesis has a negation its premise lacks, and of all
    MNLI pairs: where a model learns the shortcut (MNLI's negation artifact)."""
    mnli = [r for r in rows if r["dataset"] == "mnli"]
    negated = Counter(r["label"] for r in mnli if adds_negation(r["premise"], r["hypothesis"]))
    return negated, Counter(r["label"] for r in mnli)


def groups(rows: list[dict[str, str]], sample: int, seed: int = 0) -> dict[str, list[Pair]]:
    """The entailed pairs of `rows` by negation group, at most `sample` of each (seeded)."""
    entailed = [
        r
        for r in rows
        if "+" not in r["dataset"]
        and r["dataset"] != "records"
        and r["label"] in ("supported", "entailment")
    ]
    out: dict[str, list[Pair]] = {
        "no negation in the hypothesis": [],
        "negation in the hypothesis only": [],
        "negation in both": [],
    }
    for r in entailed:
        key = (
            "no negation in the hypothesis"
            if not has_negation(r["hypothesis"])
            else "negation in the hypothesis only"
            if adds_negation(r["premise"], r["hypothesis"])
            else "negation in both"
        )
        out[key].append(Pair(r["premise"], r["hypothesis"]))
    rng = random.Random(seed)
    return {k: rng.sample(v, min(sample, len(v))) for k, v in out.items()}


def _shares(counts: Counter[str]) -> str:
    total = sum(counts.values())
    return f"{total} pairs: " + ", ".join(
        f"{label} {n / total:.0%}" for label, n in counts.most_common()
    )


async def main(pairs: Path, model: Path | None, sample: int) -> None:
    rows = read(pairs)
    negated, everything = mnli_labels(rows)
    if everything:
        print(f"MNLI pairs of {pairs}, hypothesis negates, premise does not: {_shares(negated)}")
        print(f"MNLI pairs of {pairs}, all: {_shares(everything)}\n")
    runtime = await GroundingRuntime.open(GroundingSettings(model=model))
    m = runtime.engine.model
    assert m.contradiction is not None, "the model has no contradiction label"
    print(f"model {m.id}; entailed dev pairs of {pairs}\n")
    print("| hypothesis | pairs | top label contradiction | mean P(contra) | mean P(entail) |")
    print("|---|---:|---:|---:|---:|")
    try:
        for name, group in groups(rows, sample).items():
            if not group:
                continue
            probs = await runtime.engine.batcher.score(group)
            top = (probs.argmax(axis=1) == m.contradiction).mean()
            print(
                f"| {name} | {len(group)} | {top:.3f} | {probs[:, m.contradiction].mean():.3f} "
                f"| {probs[:, m.entailment].mean():.3f} |"
            )
    finally:
        await runtime.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, required=True, help="a dev.jsonl.xz of pairs.py")
    parser.add_argument("--model", type=Path, help="model folder (default: the packaged one)")
    parser.add_argument("--sample", type=int, default=300, help="pairs per group at most")
    args = parser.parse_args()
    asyncio.run(main(args.pairs, args.model, args.sample))
