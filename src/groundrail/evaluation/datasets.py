"""The labelled data sets groundrail is trained and evaluated on, with their fixed splits.

Each data set is read from a directory given by the caller (the repository never ships them).
The split of every item is a pure function of a stable key and `SPLIT_SEED`, so training,
tuning and `groundrail eval` always agree on which items are held out: items of one group
(one HaluEval question, one SummEdits source document, one BEGIN knowledge passage) never
straddle two splits.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Split = Literal["train", "dev", "test"]
SPLIT_SEED = "groundrail-2026-11"
SPLIT_SHARES: tuple[tuple[Split, int], ...] = (("train", 70), ("dev", 10), ("test", 20))
DATASETS = ("halueval", "summedits", "begin", "mnli")
NLI_LABELS = ("entailment", "neutral", "contradiction")


def split_of(dataset: str, group: str) -> Split:
    digest = hashlib.sha256(f"{SPLIT_SEED}:{dataset}:{group}".encode()).digest()
    bucket = int.from_bytes(digest[:4], "big") % 100
    for name, share in SPLIT_SHARES:
        if bucket < share:
            return name
        bucket -= share
    raise AssertionError("split shares must add up to 100")


@dataclass(slots=True, frozen=True)
class Item:
    """One answer to judge: hallucinated=True when the context does not support all of it."""

    dataset: str
    group: str
    context: tuple[str, ...]
    answer: str
    hallucinated: bool
    question: str | None = None
    nli_label: str | None = None  # MNLI only: the 3-way gold label
    original_answer: str | None = None  # SummEdits only: the consistent seed summary


def load(dataset: str, root: Path, split: Split | None = None) -> list[Item]:
    loaders = {"halueval": _halueval, "summedits": _summedits, "begin": _begin, "mnli": _mnli}
    if dataset not in loaders:
        raise ValueError(f"unknown data set {dataset!r}; known: {', '.join(DATASETS)}")
    items = list(loaders[dataset](root))
    return [i for i in items if split is None or split_of(dataset, i.group) == split]


def _halueval(root: Path) -> Iterator[Item]:
    with (root / "halueval" / "qa_data.jsonl").open(encoding="utf-8") as f:
        for n, line in enumerate(f):
            row = json.loads(line)
            for key, bad in (("right_answer", False), ("hallucinated_answer", True)):
                yield Item("halueval", str(n), (row["knowledge"],), row[key], bad, row["question"])


def _summedits(root: Path) -> Iterator[Item]:
    for path in sorted((root / "summedits").glob("summedits_*.json")):
        for row in json.loads(path.read_text(encoding="utf-8")):
            group = f"{path.stem}:{row['id'].rsplit('_', 1)[0]}"
            yield Item(
                "summedits",
                group,
                (row["doc"],),
                row["summary"],
                row["label"] == 0,
                original_answer=row.get("original_summary"),
            )


def _begin(root: Path) -> Iterator[Item]:
    for path in sorted((root / "begin").glob("*/*.tsv")):
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                label = row["begin_label"]
                if label == "Generic":  # no claim to ground
                    continue
                yield Item(
                    "begin",
                    row["knowledge"],
                    (row["knowledge"],),
                    row["response"],
                    label != "Fully attributable",
                )


def _mnli(root: Path) -> Iterator[Item]:
    with (root / "mnli" / "dev_matched.tsv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row["gold_label"] not in NLI_LABELS:
                continue
            yield Item(
                "mnli",
                row["index"],
                (row["premise"],),
                row["hypothesis"],
                row["gold_label"] != "entailment",
                nli_label=row["gold_label"],
            )
