"""The fixed splits keep every test item out of training: one pool, one split."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

from groundrail.evaluation import datasets

MNLI_HEADER = "index\tpremise\thypothesis\tgold_label\tcorrect\n"


def _write(root: Path, mnli: list[tuple[str, str, str]], docnli: list[tuple[str, str, str]]):
    (root / "mnli").mkdir(parents=True)
    (root / "docnli").mkdir()
    rows = [f"{n}\t{p}\t{h}\t{label}\t5\n" for n, (p, h, label) in enumerate(mnli)]
    (root / "mnli" / "dev_matched.tsv").write_text(MNLI_HEADER + "".join(rows))
    lines = [f"{label}\t{p}\t{h}\n" for p, h, label in docnli]
    (root / "docnli" / "binary_mnli_dev.txt").write_text("".join(lines))
    (root / "docnli" / "binary_mnli_test.txt").write_text("")


def _premise(stem: str, split: str) -> str:
    """A premise that the split seed puts in binary_mnli's `split`."""
    return next(
        premise
        for n in range(100)
        if datasets.split_of("binary_mnli", premise := f"{stem} {n}.") == split
    )


def test_binary_mnli_leaves_out_the_matched_half_whatever_its_whitespace(tmp_path: Path) -> None:
    premise = "The cat sat on the mat near the door."
    _write(
        tmp_path,
        mnli=[(premise, "A cat sat down.", "entailment")],
        # DocNLI's copy of the same pair with a trailing space, and a pair of its own
        docnli=[
            (premise, "A cat sat down. ", "entailment"),
            ("A dog ran.", "A dog moved.", "entailment"),
        ],
    )

    assert [i.answer for i in datasets.binary_mnli(tmp_path)] == ["A dog moved."]


def test_an_mnli_pair_trained_on_through_its_docnli_copy_is_in_no_held_out_split(
    tmp_path: Path,
) -> None:
    premise = _premise("Rain fell on the hills all night long", "train")
    pairs = [(premise, f"It rained {n} times.", "neutral") for n in range(40)]
    # DocNLI copies of pairs whose premise binary_mnli holds out: never trained on
    unseen = _premise("Snow covered the pass by morning", "test")
    spared = [(unseen, f"It snowed {n} times.", "neutral") for n in range(40)]
    copies = [(p, h + "  ", "not_entailment") for p, h, _ in pairs[:20] + spared]
    _write(tmp_path, mnli=pairs + spared, docnli=copies)

    held_out = {
        i.answer for split in ("dev", "test") for i in datasets.load("mnli", tmp_path, split)
    }
    everything = [i.answer for i in datasets.load("mnli", tmp_path)]

    assert held_out & {h for _, h, _ in pairs[20:]}  # the other twenty are judged
    assert not {h for _, h, _ in pairs[:20]} & held_out
    assert held_out & {h for _, h, _ in spared}
    assert len(everything) == 80  # the 3-way pairs stay in training


def test_an_expertqa_answer_and_its_claims_share_a_split() -> None:
    questions = [f"What is the half-life of isotope {n}?" for n in range(300)]

    assert all(
        datasets.split_of("expertqa", q) == datasets.split_of("expertqa_claims", q)
        for q in questions
    )
    assert {datasets.split_of("expertqa", q) for q in questions} == set(get_args(datasets.Split))


def test_the_calibration_split_is_carved_from_train_alone(monkeypatch) -> None:
    groups = [f"Claim {n} about a river's length." for n in range(3000)]
    carved = [datasets.split_of("wice", g) for g in groups]
    monkeypatch.setattr(datasets, "CALIBRATION_POOLS", frozenset())
    before = [datasets.split_of("wice", g) for g in groups]

    moved = [(b, a) for b, a in zip(before, carved, strict=True) if b != a]
    assert moved and set(moved) == {("train", "calibration")}  # dev and test as they were
    assert 0.12 < len(moved) / before.count("train") < 0.17  # a seventh of train
    assert "calibration" not in {datasets.split_of("summedits", g) for g in groups}
