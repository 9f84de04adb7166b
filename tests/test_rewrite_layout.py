"""Removing sentences from an answer (`rewrite: remove_sentences`) keeps its Markdown intact."""

from __future__ import annotations

import pytest

from groundrail.policy.decision import apply_edits
from groundrail.rules.base import Finding


def removed(answer: str, *sentences: str) -> str:
    spans = tuple((answer.index(s), answer.index(s) + len(s)) for s in sentences)
    finding = Finding(
        "grounded", "grounding", "unsupported", "rewrite", spans=spans, replacement=""
    )
    return apply_edits(answer, [finding])


@pytest.mark.parametrize(
    ("answer", "sentence", "expected"),
    [
        # a bold name the claim closes goes with it (the claim's span leaves its "**" out)
        ("**The cafe** has a pool. It opens at 7.", "The cafe** has a pool.", "It opens at 7."),
        ("It opens at 7. *Pools* are heated.", "Pools* are heated.", "It opens at 7."),
        # an item whose only sentence goes leaves no bare marker
        (
            "1. Opens at 7.\n2. Has a pool.\n3. Serves tea.",
            "Has a pool.",
            "1. Opens at 7.\n3. Serves tea.",
        ),
        ("- Opens at 7.\n- Has a pool.", "Has a pool.", "- Opens at 7."),
        # a sentence between two others leaves one space
        ("A is 1. B is 2. C is 3.", "B is 2.", "A is 1. C is 3."),
        # a removed paragraph leaves one blank line
        ("A is 1.\n\nB is 2.\n\nC is 3.", "B is 2.", "A is 1.\n\nC is 3."),
    ],
)
def test_a_removal_closes_up_only_where_it_was(answer: str, sentence: str, expected: str) -> None:
    assert removed(answer, sentence) == expected


def test_code_and_indentation_elsewhere_are_kept_as_they_were() -> None:
    # a line that looks like a bare marker but was not left so by the removal stays
    assert removed("The answer is:\n\n42.\n\nIt has a pool.", "It has a pool.") == (
        "The answer is:\n\n42."
    )
    diff = "```diff\n-\n+ x\n```"
    assert removed(f"It has a pool. It opens at 7.\n\n{diff}", "It has a pool.") == (
        f"It opens at 7.\n\n{diff}"
    )
    code = "```python\ndef f():\n    return  1\n\n\n\nx  =  2\n```"
    nested = "- Menu:\n    - tea\n    - coffee"
    answer = f"It has a pool. It opens at 7.\n\n{code}\n\n{nested}"
    assert removed(answer, "It has a pool.") == f"It opens at 7.\n\n{code}\n\n{nested}"
