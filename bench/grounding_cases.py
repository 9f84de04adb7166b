"""Hand-written production-like answers, judged claim by claim. A reading aid, not a test.

    python bench/grounding_cases.py [--model FOLDER] [--cases FILE] [--only SET] [--show-held-out]

For each case of the YAML file (context, question, answer, expected verdict) prints the
gateway's verdict and every claim's label, support and driver, then a confusion matrix over
the cases ("flagged" is the positive class), over all of them and per set and kind. `set`:
`first` (the 16 written with grounding v2), `read` (records whose verdicts were read before the
synthetic record pairs were designed), `read-2` (20 record overviews whose verdicts were read
while the record-attribute rule was written), `read-3` (20 overviews of records with long
reviews, read while the hours, rating and review-sentiment checks were fixed), `read-4` (20
news summaries and 20 answers over passages, read while the number rule and the focused
contradiction were built), `read-5` (24 record overviews, read while the names rule was
built), `read-6` (20 answers over passages, 12 news summaries and 28 record overviews, read
while headings, passage citations, acronyms, review sentences, closing verdicts and
misattributed statements were handled), `read-7` (24 overviews of records with long reviews,
read while negated lists, inline labels and long reviews were handled), `read-8` (24
overviews of attribute-heavy records), `read-9` (20 answers over passages, 12 news
summaries), `read-10` (16 answers over passages, 16 news summaries and 16 record overviews in
the shapes of the RAGTruth prompts), `read-11` (20 record overviews, 8 answers over passages
and 8 news summaries in the styles of Llama-2-chat, Mistral-instruct and GPT-3.5),
`read-12` … `read-54` (each described by the comment that opens it in the YAML file: most
are twin pairs, a correct answer and one with a single error, written by a helper that saw
no verdicts and measured once before they were read), `held-out`, `held-out-2` …
`held-out-18` (written by helpers that saw no verdicts; only their totals per set and kind
are read, as part of the bar a model must pass, never their claim-level verdicts). None was
trained on; they complement the held-out data sets in docs/grounding.md, they do not replace
them (there are only a few).
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

import yaml

from groundrail.config import GroundingSettings
from groundrail.evaluation.evaluate import FLAGGED, Binary
from groundrail.grounding.context import from_options
from groundrail.grounding.runtime import GroundingRuntime

HERE = Path(__file__).resolve().parent


async def main(model: Path | None, cases: list[dict[str, Any]], show_held_out: bool) -> None:
    runtime = await GroundingRuntime.open(GroundingSettings(model=model))
    gold, predicted = [], []
    try:
        print(f"model {runtime.engine.model.id}\n")
        for case in cases:
            docs = from_options(case["context"])
            result = await runtime.engine.check(docs, case["answer"], case.get("question"))
            flagged = result.verdict in FLAGGED
            gold.append(case["expect"] == "flagged")
            predicted.append(flagged)
            if case.get("set", "first").startswith("held-out") and not show_held_out:
                continue
            mark = "ok " if flagged == gold[-1] else "XX "
            print(
                f"{mark}{case['name']} [{case['kind']}]: expect {case['expect']}, "
                f"got {result.verdict}"
            )
            for claim in result.claims:
                print(
                    f"      {claim.label:<12} {claim.support:.2f} {claim.driver:<16} "
                    f"{claim.span.text[:80]!r}"
                )
    finally:
        await runtime.close()
    print()
    keys = [f"{c.get('set', 'first')} {c['kind']}" for c in cases]
    for name, rows in [
        ("all", list(range(len(cases)))),
        *[(key, [i for i, k in enumerate(keys) if k == key]) for key in sorted(set(keys))],
    ]:
        report = Binary.of([gold[i] for i in rows], [predicted[i] for i in rows]).as_dict()
        c = report["confusion"]
        print(
            f"{name:<22} {report['n']:>3} cases: balanced accuracy "
            f"{report['balanced_accuracy']:.2f}, precision {report['precision']:.2f}, "
            f"recall {report['recall']:.2f}, correct flagged {report['flagged_correct']:.2f}  "
            f"(tp {c['tp']} fn {c['fn']} fp {c['fp']} tn {c['tn']})"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model folder (default: the packaged one)")
    parser.add_argument("--cases", type=Path, default=HERE / "grounding_cases.yaml")
    parser.add_argument(
        "--show-held-out",
        action="store_true",
        help="also print the claim-level verdicts of the held-out sets (by default only their "
        "totals, so that no rule is written from them)",
    )
    parser.add_argument("--only", help="judge only the cases of this set")
    args = parser.parse_args()
    cases = yaml.safe_load(args.cases.read_text())
    if args.only:
        cases = [c for c in cases if c.get("set", "first") == args.only]
    asyncio.run(main(args.model, cases, args.show_held_out))
