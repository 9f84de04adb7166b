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
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from groundrail.grounding.claims import without_citations

Split = Literal["train", "calibration", "dev", "test"]
SPLIT_SEED = "groundrail-2026-11"
SPLIT_SHARES: tuple[tuple[Split, int], ...] = (("train", 70), ("dev", 10), ("test", 20))
# Data sets read from one pool split as one, so that an item of one is never trained on
# while its twin in the other is tested: an ExpertQA answer and its claims (both grouped by
# question) share the claims' split.
SPLIT_POOLS = {"expertqa": "expertqa_claims"}
# The real-answer pools whose dev splits are too small to hold the share of correct answers
# the calibration's bar flags (8 to 102 correct answers each in 2026-12): a seventh of their
# train groups is a calibration split that no model built since 2026-12-05 trains on
# (training/pairs.py never reads it) and the calibration is fitted on beside dev. Their dev
# and test groups are the ones they were.
CALIBRATION_POOLS = frozenset({"expertqa_claims", "wice", "factcheck", "faithdial", "q2"})
CALIBRATION_SHARES: tuple[tuple[Split, int], ...] = (
    ("train", 60),
    ("calibration", 10),
    ("dev", 10),
    ("test", 20),
)
# Answer-level sets (an answer, possibly of several claims, against its documents) and
# claim-level sets (one claim against the passages cited for it).
DATASETS = (
    "halueval",
    "summedits",
    "begin",
    "mnli",
    "halueval_summ",
    "expertqa",
    "expertqa_claims",
    "wice",
    "factcheck",
    "faithdial",
    "q2",
    "dialfact",
    "fever",
)
# Items per data set that `groundrail eval` scores by default on the test split (a seeded
# sample where the split is larger; None = all of it).
EVAL_SAMPLE = {"halueval": 1200, "halueval_summ": 300, "fever": 1000}
NLI_LABELS = ("entailment", "neutral", "contradiction")


def pool_of(dataset: str) -> str:
    """The pool `dataset` is split with (`SPLIT_POOLS`; its own name otherwise)."""
    return SPLIT_POOLS.get(dataset, dataset)


def split_of(dataset: str, group: str) -> Split:
    """The split of `group`'s items: a pure function of `SPLIT_SEED`, the data set's pool and
    the group, `SPLIT_SHARES` percent of the groups in each (`CALIBRATION_SHARES` in the
    `CALIBRATION_POOLS`)."""
    pool = pool_of(dataset)
    digest = hashlib.sha256(f"{SPLIT_SEED}:{pool}:{group}".encode()).digest()
    bucket = int.from_bytes(digest[:4], "big") % 100
    for name, share in CALIBRATION_SHARES if pool in CALIBRATION_POOLS else SPLIT_SHARES:
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
    # WiCE: the sentences annotators marked as the claim's evidence, among all the sentences
    # of its cited page; the measure of retrieval recall.
    evidence: tuple[str, ...] = ()


def load(dataset: str, root: Path, split: Split | None = None) -> list[Item]:
    loaders = {
        "halueval": _halueval,
        "summedits": _summedits,
        "begin": _begin,
        "mnli": _mnli,
        "halueval_summ": _halueval_summ,
        "expertqa": _expertqa_answers,
        "expertqa_claims": _expertqa_claims,
        "wice": _wice,
        "factcheck": _factcheck,
        "faithdial": _faithdial,
        "q2": _q2,
        "dialfact": _dialfact,
        "fever": _fever,
    }
    if dataset not in loaders:
        raise ValueError(f"unknown data set {dataset!r}; known: {', '.join(DATASETS)}")
    items = [
        i for i in loaders[dataset](root) if split is None or split_of(dataset, i.group) == split
    ]
    if dataset == "mnli" and split in ("dev", "test"):
        # models built before 2026-12-05 trained on these (binary_mnli); no model is judged
        # on them
        variants = _whitespace_variants(root)
        items = [i for i in items if (i.context[0], i.answer) not in variants]
    return items


def sample(items: list[Item], size: int | None, seed: str = SPLIT_SEED) -> list[Item]:
    """A seeded sample of whole groups (both answers of a question stay together)."""
    if size is None or len(items) <= size:
        return items
    groups = sorted({i.group for i in items})
    groups.sort(key=lambda g: hashlib.sha256(f"{seed}:{g}".encode()).digest())
    out: list[Item] = []
    by_group: dict[str, list[Item]] = {}
    for item in items:
        by_group.setdefault(item.group, []).append(item)
    for group in groups:
        if len(out) >= size:
            break
        out.extend(by_group[group])
    return out


# HaluEval QA item 4681 is also an item of a benchmark groundrail is judged on (shared/README).
_HALUEVAL_EXCLUDED = frozenset({4681})


def _halueval(root: Path) -> Iterator[Item]:
    with (root / "halueval" / "qa_data.jsonl").open(encoding="utf-8") as f:
        for n, line in enumerate(f):
            if n in _HALUEVAL_EXCLUDED:
                continue
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


def _halueval_summ(root: Path) -> Iterator[Item]:
    with (root / "halueval" / "summarization_data.jsonl").open(encoding="utf-8") as f:
        for n, line in enumerate(f):
            row = json.loads(line)
            for key, bad in (("right_summary", False), ("hallucinated_summary", True)):
                yield Item("halueval_summ", str(n), (row["document"],), row[key], bad)


_CITED = re.compile(r"^\[\d+\]\s*\S*\s*")


def _passage(cited: str) -> str:
    """ExpertQA evidence "[3] URL\n\ntext" -> the passage text ("" for a bare URL)."""
    head, _, text = cited.partition("\n")
    return text.strip() if text.strip() else _CITED.sub("", head).strip() if " " in head else ""


def _expertqa_rows(root: Path) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(question, system, answer) once each: the rand_* and domain_* files share one pool."""
    seen: set[tuple[str, str]] = set()
    for path in sorted((root / "expertqa").glob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                for system, answer in row["answers"].items():
                    if (row["question"], system) not in seen:
                        seen.add((row["question"], system))
                        yield row["question"], system, answer


def _claim_passages(claim: dict[str, Any]) -> tuple[str, ...]:
    evidence = claim.get("evidence") or []
    return tuple(dict.fromkeys(p for p in map(_passage, evidence) if p))


def _expertqa_supported(claim: dict[str, Any]) -> bool | None:
    """Complete support -> True; partial, incomplete or missing -> False; unlabelled -> None."""
    support = claim.get("support")
    if support == "Complete":
        return True
    if support in ("Partial", "Incomplete", "Missing"):
        return False
    return None


def _expertqa_claims(root: Path) -> Iterator[Item]:
    seen: set[tuple[str, str, str]] = set()
    for question, system, answer in _expertqa_rows(root):
        for claim in answer["claims"]:
            text = without_citations(claim.get("claim_string") or "")
            passages = _claim_passages(claim)
            supported = _expertqa_supported(claim)
            if not text or not passages or supported is None or (question, system, text) in seen:
                continue
            seen.add((question, system, text))
            yield Item(
                "expertqa_claims",
                question,
                passages,
                text,
                not supported,
                question,
            )


def _expertqa_answers(root: Path) -> Iterator[Item]:
    """Whole answers whose every claim is labelled and cites passage text; hallucinated when
    any claim is not completely supported. The context is every passage the answer cites."""
    for question, _, answer in _expertqa_rows(root):
        claims = answer["claims"]
        labels = [_expertqa_supported(c) for c in claims]
        passages = [_claim_passages(c) for c in claims]
        if not claims or None in labels or not all(passages):
            continue
        text = " ".join(without_citations(c.get("claim_string") or "") for c in claims)
        context = tuple(dict.fromkeys(p for ps in passages for p in ps))
        yield Item("expertqa", question, context, text, not all(labels), question)


def _wice(root: Path) -> Iterator[Item]:
    """WiCE claims against the sentences of the cited page; partially supported counts as
    not supported. The annotated supporting sentences are kept as the claim's evidence."""
    for name in ("claim_dev.jsonl", "claim_test.jsonl"):
        with (root / "wice" / name).open(encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                sentences = row["evidence"]
                support = {i for group in row["supporting_sentences"] for i in group}
                yield Item(
                    "wice",
                    row["meta"]["id"],
                    ("\n".join(s for s in sentences if not s.startswith("(meta data)")),),
                    row["claim"],
                    row["label"] != "supported",
                    evidence=tuple(sentences[i] for i in sorted(support) if i < len(sentences)),
                )


def _factcheck(root: Path) -> Iterator[Item]:
    """Factcheck-GPT claims against one web passage each: supported only when completely."""
    with (root / "factcheck_gpt" / "subtask3_claim_evidence_stance.jsonl").open() as f:
        for line in f:
            row = json.loads(line)
            yield Item(
                "factcheck",
                row["claim"],
                (row["evidence"],),
                row["claim"],
                row["stance"] != "completely-support",
                nli_label="contradiction" if row["stance"] == "refute" else None,
            )


_BEGIN_SUPPORTED = {"entailment"}
_BEGIN_HALLUCINATED = {"hallucination", "partial hallucination", "hallucinated"}


def _faithdial(root: Path) -> Iterator[Item]:
    """FaithDial's audit: responses of four systems with BEGIN labels. Generic and
    uncooperative responses (no claim to ground) and unlabelled rows are left out; a response
    with any hallucination label counts as hallucinated."""
    for path in sorted((root / "faithdial_audit").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                knowledge = row.get("evidence") or row.get("knowledge") or ""
                response = row.get("response") or next(
                    (row[k] for k in ("gpt2", "ctrl", "doha") if k in row), ""
                )
                raw = row.get("BEGIN") or row.get("begin_label") or ""
                labels = {x.strip().lower() for x in raw.split(",") if x.strip()}
                if not knowledge or not response or not labels:
                    continue
                if labels & _BEGIN_HALLUCINATED:
                    bad = True
                elif labels <= _BEGIN_SUPPORTED:
                    bad = False
                else:
                    continue
                yield Item("faithdial", knowledge, (knowledge,), response, bad)


def _q2(root: Path) -> Iterator[Item]:
    for path in sorted((root / "q2_wow").glob("*_consistent.csv")) + sorted(
        (root / "q2_wow").glob("*_inconsistent.csv")
    ):
        bad = path.stem.endswith("_inconsistent")
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                group = f"{row['episode_idx']}:{row['round']}"
                yield Item("q2", group, (row["knowledge"],), row["response"], bad)


def _dialfact(root: Path) -> Iterator[Item]:
    with (root / "dialfact" / "testsmall.jsonl").open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            evidence = row["evidence_touse"].strip()
            if not evidence:
                continue
            label = row["response_label"]
            yield Item(
                "dialfact",
                row["context_id"],
                (evidence,),
                row["response"],
                label != "SUPPORTS",
                nli_label="contradiction" if label == "REFUTES" else None,
            )


def _fever(root: Path) -> Iterator[Item]:
    """DocNLI's FEVER-NLI pairs: a claim against Wikipedia sentences (binary labels)."""
    for name in ("fever_nli_dev.txt", "fever_nli_test.txt"):
        with (root / "docnli" / name).open(encoding="utf-8") as f:
            for line in f:
                label, premise, hypothesis = line.rstrip("\n").split("\t")
                yield Item("fever", hypothesis, (premise,), hypothesis, label != "entailment")


def binary_mnli(root: Path) -> Iterator[Item]:
    """DocNLI's binary MNLI pairs that are not in MNLI dev-matched (its mismatched half), for
    training only: the matched half repeats `mnli` and would leak its test split. Pairs are
    compared with whitespace collapsed (see `_whitespace_variants`)."""
    matched = {(spaced(i.context[0]), spaced(i.answer)) for i in _mnli(root)}
    for label, premise, hypothesis in _docnli_mnli(root):
        if (spaced(premise), spaced(hypothesis)) not in matched:
            yield Item("binary_mnli", premise, (premise,), hypothesis, label != "entailment")


def _docnli_mnli(root: Path) -> Iterator[tuple[str, str, str]]:
    """DocNLI's binary MNLI rows: (label, premise, hypothesis)."""
    for name in ("binary_mnli_dev.txt", "binary_mnli_test.txt"):
        with (root / "docnli" / name).open(encoding="utf-8") as f:
            for line in f:
                label, premise, hypothesis = line.rstrip("\n").split("\t")
                yield label, premise, hypothesis


def _whitespace_variants(root: Path) -> set[tuple[str, str]]:
    """The MNLI dev-matched pairs (premise, hypothesis) that DocNLI repeats with other
    whitespace (a trailing or doubled space) in the train split of `binary_mnli`: until
    2026-12-05 it compared pairs exactly and so trained on these (1,215 pairs, 264 of them in
    MNLI's test split and 121 in its dev split)."""
    exact = {(premise, hypothesis) for _, premise, hypothesis in _docnli_mnli(root)}
    trained = {
        (spaced(premise), spaced(hypothesis))
        for premise, hypothesis in exact
        if split_of("binary_mnli", premise) == "train"
    }
    return {
        (i.context[0], i.answer)
        for i in _mnli(root)
        if (i.context[0], i.answer) not in exact
        and (spaced(i.context[0]), spaced(i.answer)) in trained
    }


def spaced(text: str) -> str:
    """`text` with its runs of whitespace made one space and its ends stripped."""
    return " ".join(text.split())
