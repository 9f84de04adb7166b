"""A hedge made certain fails its claim: "will" where the source says "may"."""

from __future__ import annotations

import pytest
from tokenizers import Tokenizer

from conftest import local_engine
from groundrail.grounding import modality
from groundrail.grounding.lexical import BM25
from groundrail.grounding.model import DEFAULT_MODEL
from groundrail.grounding.windows import Document, make_units, token_offsets

PASSAGE = (
    "Check-in closes 45 minutes before departure. If you miss the cutoff, the airline may give "
    "away your seat, even if you have a confirmed reservation. Bags will be tagged at the desk. "
    "A late passenger could not return to the gate."
)


def overstated(claim: str) -> str | None:
    tokenizer = Tokenizer.from_file(str(DEFAULT_MODEL / "tokenizer.json"))
    doc = Document("p", PASSAGE)
    units = make_units([doc], token_offsets(tokenizer, [doc.text]), 128)
    return modality.overstated(claim, units, BM25([u.text for u in units]))


def test_a_hedge_made_certain_is_overstated() -> None:
    claim = "If you miss the cutoff, the airline will give away your seat."
    assert overstated(claim) == "will give"
    # its clause, in a claim that says more
    longer = "Check-in closes 45 minutes before departure, and the airline will give away seats."
    assert overstated(longer) == "will give"


@pytest.mark.parametrize(
    "claim",
    [
        "If you miss the cutoff, the airline may give away your seat.",  # as hedged
        "If you miss the cutoff, the airline can give away your seat.",
        "Your bags will be tagged at the desk.",  # the source is certain too
        "You will need a passport to fly abroad.",  # another statement
        "A late passenger never returned to the gate.",  # "could not" states a fact
    ],
)
def test_a_statement_as_certain_as_its_source_is_not(claim: str) -> None:
    assert overstated(claim) is None


async def test_the_engine_fails_an_overstated_claim() -> None:
    engine = local_engine()
    answer = "If you miss the cutoff, the airline will give away your seat."
    claim = (await engine.check([Document("p", PASSAGE)], answer)).claims[0]
    assert (claim.label, claim.driver) == ("unsupported", "overstated")
