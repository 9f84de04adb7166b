"""How the packaged model reads a linearised business record: one field alone against the list.

    python bench/record_reading.py [--model FOLDER]

Each of a café's attributes (Yelp-style keys, linearised by the gateway's own `linearise` as
an `attributes` line) is paired with a sentence that states it — for a false attribute, a "no"
said in words ("does not deliver" for "restaurants delivery no") — and with a sentence that
states it the other way round. Each pair is judged with two premises: the attribute alone
("attributes: restaurants delivery no.") and the line of all the attributes together. A model
that reads records calls the first sentence entailed and the second contradicted with either
premise. A diagnostic that prints a table, not a test.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from groundrail.grounding.linear import linearise
from groundrail.grounding.model import NLIModel, Pair

# attribute, value, the sentence that states it, the sentence that states it the other way round
FACTS: tuple[tuple[str, bool | str, str, str], ...] = (
    ("RestaurantsTakeOut", True, "The café offers takeout.", "The café does not offer takeout."),
    ("RestaurantsDelivery", False, "The café does not deliver.", "The café offers delivery."),
    (
        "RestaurantsReservations",
        False,
        "The café does not take reservations.",
        "The café takes reservations.",
    ),
    ("OutdoorSeating", True, "The café has outdoor seating.", "There is no outdoor seating."),
    ("WiFi", "free", "The café has free Wi-Fi.", "The café has no Wi-Fi."),
    ("GoodForKids", True, "The café is good for kids.", "The café is not good for kids."),
    ("Alcohol", "none", "The café does not serve alcohol.", "The café serves beer and wine."),
    ("BikeParking", True, "Bike parking is available.", "There is no bike parking."),
    ("HasTV", False, "The café has no TV.", "The café has a TV."),
    ("DogsAllowed", False, "Dogs are not allowed.", "Dogs are allowed."),
    ("Caters", True, "The café offers catering.", "The café does not cater."),
)


def main(model: NLIModel) -> None:
    assert model.contradiction is not None, "the model has no contradiction label"
    whole = linearise({"attributes": {key: value for key, value, _, _ in FACTS}})
    groups: dict[str, list[tuple[Pair, int]]] = {}
    for key, value, stated, reversed_ in FACTS:
        alone = linearise({"attributes": {key: value}})
        kind = "a 'no' said in words" if value in (False, "none") else "a 'yes' said in words"
        for premise_name, premise in (("the field alone", alone), ("the whole list", whole)):
            groups.setdefault(f"{kind}, {premise_name}", []).append(
                (Pair(premise, stated), model.entailment)
            )
            groups.setdefault(f"turned round, {premise_name}", []).append(
                (Pair(premise, reversed_), model.contradiction)
            )
    print(f"model {model.id}; premise of the whole list: {whole!r}\n")
    print("| hypothesis, premise | pairs | right top label | mean P(entail) | mean P(contra) |")
    print("|---|---:|---:|---:|---:|")
    for name, rows in sorted(groups.items()):
        probs = model.predict([pair for pair, _ in rows])
        right = np.mean(probs.argmax(axis=1) == np.array([want for _, want in rows]))
        entail = probs[:, model.entailment].mean()
        contra = probs[:, model.contradiction].mean()
        print(f"| {name} | {len(rows)} | {right:.2f} | {entail:.2f} | {contra:.2f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model folder (default: the packaged one)")
    args = parser.parse_args()
    main(NLIModel(args.model) if args.model else NLIModel())
