"""Turn the labelled data sets into (premise, hypothesis, label) pairs for the NLI cross-encoder.

Premises are built the way the runtime builds them: documents are cut into token windows and a
claim is paired with its best window by BM25, so the model trains on what it will see. Every
data set is read through `groundrail.evaluation.datasets`, whose seeded splits keep test items
out of training.

Labels are 3-way (MNLI, refuting evidence, rule-made contradictions) or binary (supported /
unsupported: the entailment marginal). Hard negatives are made by rule from supported pairs:
a number changed, a name swapped for another name of the same premise, a negation inserted;
and, with `--rules` naming them, the errors of LLM answers: a hedge or plan made certain, a
condition dropped, a quantifier widened, an invented causal link (training/README.md).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import lzma
import random
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pysbd
from records import record_pairs
from tokenizers import Tokenizer

from groundrail.evaluation.datasets import (
    CALIBRATION_POOLS,
    CALIBRATION_SHARES,
    NLI_LABELS,
    Item,
    Split,
    binary_mnli,
    load,
    split_of,
)
from groundrail.grounding import lexical
from groundrail.grounding.engine import with_question
from groundrail.grounding.lexical import BM25
from groundrail.grounding.windows import Document, make_windows, token_offsets

SUPPORTED, UNSUPPORTED = "supported", "unsupported"  # binary labels: entailment vs the rest

# Pairs taken per data set (None: all of the split); the real-answer sets (ExpertQA, WiCE,
# Factcheck-GPT, FaithDial, Q², DialFact) are always taken whole. `cpu`: one pass fits about
# 1.5 hours on 2 CPU cores; `full`: every pair of the split (for a GPU; the shipped model).
# Capping HaluEval summaries at 1,000 articles in `full` (their 14k sentence pairs are all
# "supported" but for the rule-made negatives) raised their dev balanced accuracy from 0.500 to
# 0.547 but lowered the mean over the dev sets from 0.731 to 0.714, so they stay whole.
CAPS: dict[str, dict[str, int | None]] = {
    "cpu": {
        "mnli": None,
        "binary_mnli": 4000,
        "fever": 5000,
        "halueval": 4000,
        "halueval_summ": 1000,  # documents; each right summary gives several sentences
        "summedits": None,
        "begin": None,
        "records": 0,
    },
    "full": {
        "mnli": None,
        "binary_mnli": None,
        "fever": None,
        "halueval": None,
        "halueval_summ": None,
        "summedits": None,
        "begin": None,
        "records": 0,
    },
    # synthetic records (training/records.py) as half the pairs, every other set kept in so
    # that what a trained model read before is not unlearned: for a short run from a trained
    # model (not in the shipped model: see training/README.md)
    "records": {
        "mnli": 2000,
        "binary_mnli": 1000,
        "fever": 1500,
        "halueval": 2000,
        "halueval_summ": 150,
        "summedits": 400,
        "begin": 1000,
        "records": 12000,
    },
}
# every pair of `full` with synthetic records beside them (a tenth of the pairs): for a GPU run
# from the base, so that records are read from the start (training/README.md, 2026-12-04)
CAPS["gpu"] = {**CAPS["full"], "records": 8000}
MAX_PAIR_TOKENS = 192  # train_nli.py's --max-len
NEGATIVE_SHARE = 0.35  # share of supported sentence pairs that also yield a rule-made negative
# the rules `corrupt` may apply; the last four make the errors LLM answers hold that the
# first three miss (training/README.md, "LLM-style negatives")
RULES = ("number", "name", "negation", "certainty", "condition", "quantifier", "link")
DEFAULT_RULES = RULES[:3]


@dataclass(slots=True, frozen=True)
class Pair:
    dataset: str
    premise: str
    hypothesis: str
    label: str  # one of NLI_LABELS, or SUPPORTED / UNSUPPORTED


def best_window(doc: str, claim: str, tok: Tokenizer, size: int, overlap: int) -> str:
    windows = make_windows(Document("d", doc), token_offsets(tok, [doc])[0], size, overlap)
    if len(windows) <= 1:
        return windows[0].text if windows else doc
    scores = BM25([w.text for w in windows]).scores(claim)
    return windows[max(range(len(windows)), key=scores.__getitem__)].text


def _capped(items: list[Item], cap: int | None, seed: int) -> list[Item]:
    if cap is None or len(items) <= cap:
        return items
    groups = sorted({i.group for i in items})
    random.Random(seed).shuffle(groups)
    keep: set[str] = set()
    count = 0
    sizes: dict[str, int] = {}
    for item in items:
        sizes[item.group] = sizes.get(item.group, 0) + 1
    for group in groups:
        if count >= cap:
            break
        keep.add(group)
        count += sizes[group]
    return [i for i in items if i.group in keep]


def _balanced(items: list[Item], cap: int | None, rng: random.Random) -> list[Item]:
    """Up to `cap` items, half supported and half not (the binary NLI sets lean 65 % negative,
    which would tilt the model towards flagging)."""
    good = [i for i in items if not i.hallucinated]
    bad = [i for i in items if i.hallucinated]
    half = min(len(good), len(bad), (cap or len(items)) // 2)
    return rng.sample(good, half) + rng.sample(bad, half)


def build(
    root: Path,
    split: Split,
    tok: Tokenizer,
    size: int,
    overlap: int,
    caps: str = "cpu",
    seed: int = 13,
    rules: tuple[str, ...] = DEFAULT_RULES,
) -> list[Pair]:
    """All pairs of one split, capped per data set by `CAPS[caps]`, shuffled with `seed`; the
    rule-made negatives use `rules` (of RULES)."""
    seg = pysbd.Segmenter(language="en", clean=False)
    rng = random.Random(seed)
    pairs: list[Pair] = []
    supported: list[Pair] = []  # sentence pairs that rule-made negatives start from

    def add(pair: Pair, negatable: bool = False) -> None:
        pairs.append(pair)
        if negatable and pair.label in (SUPPORTED, "entailment"):
            supported.append(pair)

    def items(name: str) -> list[Item]:
        return _capped(load(name, root, split), CAPS[caps].get(name), seed)

    for item in items("mnli"):
        assert item.nli_label in NLI_LABELS
        add(Pair("mnli", item.context[0], item.answer, item.nli_label))
    mnli_bin = [i for i in binary_mnli(root) if split_of("binary_mnli", i.group) == split]
    for item in _balanced(mnli_bin, CAPS[caps]["binary_mnli"], rng):
        add(Pair("binary_mnli", item.context[0], item.answer, _binary(item)))
    for item in _balanced(load("fever", root, split), CAPS[caps]["fever"], rng):
        add(Pair("fever", item.context[0], item.answer, _binary(item)), negatable=True)
    for item in items("halueval"):
        hypothesis = with_question(item.answer, item.question)
        add(Pair("halueval", item.context[0], hypothesis, _binary(item)))
    for name in ("begin", "faithdial", "q2"):
        for item in items(name):
            add(
                Pair(
                    name,
                    best_window(item.context[0], item.answer, tok, size, overlap),
                    item.answer,
                    _binary(item),
                )
            )
    for name in ("factcheck", "dialfact"):
        for item in items(name):
            label = item.nli_label or _binary(item)
            if name == "factcheck" and item.hallucinated and label != "contradiction":
                label = UNSUPPORTED
            add(Pair(name, item.context[0], item.answer, label), negatable=True)
    for item in items("expertqa_claims"):
        premise = best_window("\n\n".join(item.context), item.answer, tok, size, overlap)
        add(Pair("expertqa_claims", premise, item.answer, _binary(item)), negatable=True)
    for item in items("wice"):
        premise = (
            " ".join(item.evidence)
            if item.evidence
            else best_window(item.context[0], item.answer, tok, size, overlap)
        )
        add(Pair("wice", premise, item.answer, _binary(item)))
    seen: set[tuple[str, str]] = set()
    for item in items("summedits"):
        for pair in _summedits_pairs(item, seg, tok, size, overlap, seen):
            add(pair, negatable=True)
    for item in items("halueval_summ"):
        if item.hallucinated:
            continue  # which sentence carries the hallucination is not labelled
        for sentence in (s.strip() for s in seg.segment(item.answer)):
            premise = best_window(item.context[0], sentence, tok, size, overlap)
            # keep only sentences whose words the window holds: a window that misses the
            # evidence would teach "entailed" for what the premise does not say
            held = set(lexical.content_words(premise))
            if sentence and lexical.missing_share(sentence, held) < 0.25:
                add(Pair("halueval_summ", premise, sentence, SUPPORTED), negatable=True)
    # synthetic records (training/records.py): their own seed per split, a tenth for dev
    count = CAPS[caps]["records"] or 0
    train = split == "train"
    for premise, hypothesis, label in record_pairs(
        count if train else count // 10, seed if train else seed + 1, tok, MAX_PAIR_TOKENS
    ):
        add(Pair("records", premise, hypothesis, label))
    for pair in supported:
        pairs.extend(weakened(pair, rules))  # rare: made from every pair they fit
        if rng.random() < NEGATIVE_SHARE:
            pairs.extend(corrupt(pair, rng, rules, seg))
    rng.shuffle(pairs)
    return pairs


def _binary(item: Item) -> str:
    return UNSUPPORTED if item.hallucinated else SUPPORTED


_NUM = re.compile(r"\b\d+(?:[.,]\d+)?\b")
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*\b")
_AUX = re.compile(r"\b(is|was|are|were|has|have|had|can|will|does|did)\b")


def corrupt(
    pair: Pair,
    rng: random.Random,
    rules: tuple[str, ...] = DEFAULT_RULES,
    seg: pysbd.Segmenter | None = None,
) -> list[Pair]:
    """Rule-made hard negatives of a supported pair (empty when no rule applies).

    FactCC-style (Kryscinski et al., 2020): change a number, swap a name for another name of
    the premise, or negate the main verb. Negation contradicts; the others are unsupported.
    "link" (LLM-style): the claim and another premise sentence joined by an invented causal
    link, with the same two joined by "and" as a supported pair, so that a compound of
    supported sentences is not learnt as a cue (`seg` splits the premise).
    """
    hyp = pair.hypothesis
    options = list(rules)
    rng.shuffle(options)
    for option in options:
        if option == "number" and (nums := _NUM.findall(hyp)):
            old = rng.choice(nums)
            new = _other_number(old, rng)
            return [
                Pair(pair.dataset + "+num", pair.premise, hyp.replace(old, new, 1), UNSUPPORTED)
            ]
        if option == "name":
            mine = [n for n in _NAME.findall(hyp) if not hyp.startswith(n)]
            others = sorted({n for n in _NAME.findall(pair.premise)} - set(_NAME.findall(hyp)))
            if mine and others:
                new_hyp = hyp.replace(rng.choice(mine), rng.choice(others), 1)
                return [Pair(pair.dataset + "+name", pair.premise, new_hyp, UNSUPPORTED)]
        if option == "negation" and (m := _AUX.search(hyp)) and " not " not in hyp:
            new_hyp = hyp[: m.end()] + " not" + hyp[m.end() :]
            return [Pair(pair.dataset + "+neg", pair.premise, new_hyp, "contradiction")]
        if option == "link" and seg is not None:
            linked = _linked(hyp, pair.premise, rng, seg)
            if linked is not None:
                joined, invented = linked
                return [
                    Pair(pair.dataset + "+and", pair.premise, joined, SUPPORTED),
                    Pair(pair.dataset + "+link", pair.premise, invented, UNSUPPORTED),
                ]
    return []


def weakened(pair: Pair, rules: tuple[str, ...]) -> list[Pair]:
    """One unsupported pair for each of the rules "certainty", "condition" and "quantifier"
    (of `rules`) that fits the claim: a hedge or plan made certain ("may" → "will"), its
    condition dropped, a quantifier widened to "all"."""
    made = {
        "certainty": _made_certain,
        "condition": _condition_dropped,
        "quantifier": _widened,
    }
    out = []
    for rule in rules:
        if rule in made and (hyp := made[rule](pair.hypothesis)) not in (None, pair.hypothesis):
            out.append(Pair(f"{pair.dataset}+{rule}", pair.premise, hyp, UNSUPPORTED))
    return out


def _widened(hyp: str) -> str | None:
    """ "Some residents objected." → "All residents objected."; None without a quantifier."""
    if m := _SOME.search(hyp):
        word = "All" if m.group(0)[0].isupper() else "all"
        return hyp[: m.start()] + word + hyp[m.end() :]
    return None


_MODAL = re.compile(r"\b(?:may|might|could)\b(?!\s+(?:not|have|be able)\b)", re.IGNORECASE)
_EXPECTED = re.compile(
    r"\b(?:is|are)\s+(?:expected|likely|set|due|scheduled|poised|planning|hoping|aiming|"
    r"proposing|considering whether)\s+to\b",
    re.IGNORECASE,
)
_PLANS = re.compile(r"\b(?:plans|aims|hopes|intends|wants|proposes|seeks)\s+to\b")
_HEDGE_ADVERB = re.compile(
    r"\b(?:possibly|probably|likely|reportedly|allegedly|perhaps|potentially|apparently)\s+",
    re.IGNORECASE,
)


def _made_certain(hyp: str) -> str | None:
    """A hedge, an expectation or a plan stated as certain: "may close" → "will close",
    "is expected to rise" → "will rise", "reportedly stole" → "stole"; None without one."""
    for pattern in (_MODAL, _EXPECTED, _PLANS):
        if m := pattern.search(hyp):
            return hyp[: m.start()] + "will" + hyp[m.end() :]
    if m := _HEDGE_ADVERB.search(hyp):
        rest = hyp[m.end() :]
        if m.start() == 0:
            rest = rest[:1].upper() + rest[1:]
        return hyp[: m.start()] + rest
    return None


_CONDITION_FIRST = re.compile(
    r"^(?:If|Unless|Provided that|As long as|Only if|Subject to)\b[^,]{3,90},\s+(?P<rest>\S.{15,})$"
)
_CONDITION_AFTER = re.compile(
    r"^(?P<head>\S.{20,}?),?\s+(?:if|unless|provided that|as long as|only if|only when|"
    r"subject to|on condition that)\s+\S.{3,}$"
)


def _condition_dropped(hyp: str) -> str | None:
    """The main clause without its condition: "If approved, the line will open in 2027." →
    "The line will open in 2027."; None without a condition."""
    if m := _CONDITION_FIRST.match(hyp):
        rest = m.group("rest")
        return rest[:1].upper() + rest[1:]
    if m := _CONDITION_AFTER.match(hyp):
        return m.group("head").rstrip(" ,;") + "."
    return None


_SOME = re.compile(r"\b(?:[Ss]ome|[Ss]everal|[Mm]any|[Mm]ost|[Aa] few|[Aa] number of)\b(?= [a-z])")
_CAUSAL = re.compile(
    r"\b(?:because|due to|as a result|result(?:s|ed)? in|led to|lead to|caus(?:e|es|ed)|"
    r"therefore|thus|hence|so that|since|after|owing to|thanks to)\b",
    re.IGNORECASE,
)
_LINKS = ("{a} because {b}.", "{a}, so {b}.", "Because {b}, {a}.", "{a}, which is why {b}.")
_DETERMINERS = frozenset(
    ["some", "many", "several", "most", "every", "each", "one", "two", "three", "four", "five"]
)
_CONDITIONAL = re.compile(r"^(?:If|Unless|When|Once|While|Although|Though|But|And|Or)\b")


def _linked(
    hyp: str, premise: str, rng: random.Random, seg: pysbd.Segmenter
) -> tuple[str, str] | None:
    """The claim and another sentence of the premise joined by "and" (supported) and by an
    invented causal link (unsupported); None when the premise has no such sentence or either
    already speaks of causes."""
    claim = hyp.strip().rstrip(".")
    if _CAUSAL.search(claim) or not 5 <= len(claim.split()) <= 30:
        return None
    others = [
        s.strip().rstrip(".")
        for s in seg.segment(premise)
        if 5 <= len(s.split()) <= 25
        and s.strip().endswith(".")
        and not _CAUSAL.search(s)
        and not _CONDITIONAL.match(s.strip())
        and lexical.missing_share(s, set(lexical.content_words(hyp))) > 0.5
    ]
    if not others:
        return None
    other = rng.choice(others)

    def clause(text: str) -> str:
        first = text.split(" ", 1)[0]
        lower = first.lower() in lexical.STOPWORDS or first.lower() in _DETERMINERS
        return text[:1].lower() + text[1:] if lower else text

    joined = f"{claim}, and {clause(other)}."
    form = rng.choice(_LINKS)
    a = claim if not form.startswith("Because") else clause(claim)
    invented = form.format(a=a, b=clause(other))
    return joined, invented[:1].upper() + invented[1:]


def _other_number(old: str, rng: random.Random) -> str:
    digits = old.replace(",", "")
    try:
        value = float(digits)
    except ValueError:
        return old + "1"
    if value.is_integer():
        n = int(value)
        if 1000 < n < 2100:  # a year
            return str(n + rng.choice([-3, -2, -1, 1, 2, 5]))
        return str(max(0, n + rng.choice([-2, -1, 1, 2, 3]) * max(1, n // 4)) or n + 2)
    return f"{value * rng.choice([0.5, 1.5, 2.0]):.{len(digits.split('.')[-1])}f}"


def _summedits_pairs(
    item: Item,
    seg: pysbd.Segmenter,
    tok: Tokenizer,
    size: int,
    overlap: int,
    seen: set[tuple[str, str]],
) -> Iterable[Pair]:
    """Sentence-level labels: an edited summary's sentences that differ from the consistent
    seed summary carry the inconsistency; the unchanged ones are supported."""
    original = {s.strip() for s in seg.segment(item.original_answer or "")}
    for sentence in (s.strip() for s in seg.segment(item.answer)):
        if not sentence or (item.context[0], sentence) in seen:
            continue
        seen.add((item.context[0], sentence))
        bad = item.hallucinated and sentence not in original
        premise = best_window(item.context[0], sentence, tok, size, overlap)
        yield Pair("summedits", premise, sentence, UNSUPPORTED if bad else SUPPORTED)


def write(pairs: list[Pair], path: Path) -> None:
    """One JSON object per line (the fields of `Pair`), xz-compressed."""
    with lzma.open(path, "wt", encoding="utf-8") as f:
        for pair in pairs:
            f.write(json.dumps(dataclasses.asdict(pair), ensure_ascii=False) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description="write {train,dev}.jsonl.xz and pairs.json")
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--base", type=Path, required=True, help="folder with tokenizer.json")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--caps", choices=sorted(CAPS), default="cpu")
    ap.add_argument("--window", type=int, default=128)
    ap.add_argument("--overlap", type=int, default=32)
    ap.add_argument(
        "--rules",
        default=",".join(DEFAULT_RULES),
        help=f"comma-separated rules for the hard negatives (of: {','.join(RULES)})",
    )
    args = ap.parse_args()
    requested = {r for r in args.rules.split(",") if r}
    if not requested or not requested <= set(RULES):
        ap.error(f"--rules: one or more of {','.join(RULES)}, not {args.rules!r}")
    rules = tuple(r for r in RULES if r in requested)  # one order: the same draws for a seed
    tok = Tokenizer.from_file(str(args.base / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()  # windows are cut from whole documents; training truncates pairs
    args.out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for split in ("train", "dev"):
        pairs = build(args.data, split, tok, args.window, args.overlap, args.caps, rules=rules)
        write(pairs, args.out / f"{split}.jsonl.xz")
        counts[split] = dict(Counter(p.dataset for p in pairs).most_common())
        print(f"{split}: {len(pairs)} pairs {counts[split]}", flush=True)
    meta = {
        "caps": args.caps,
        "rules": list(rules),
        "window": args.window,
        "overlap": args.overlap,
        "pairs": counts,
        # never trained on: build_model fits the calibration on their calibration split too
        "calibration_pools": sorted(CALIBRATION_POOLS),
        "calibration_shares": CALIBRATION_SHARES,
    }
    (args.out / "pairs.json").write_text(json.dumps(meta, indent=2))


if __name__ == "__main__":
    main()
