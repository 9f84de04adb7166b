"""Fine-tune MiniLM-L6 into groundrail's NLI cross-encoder; resumable from checkpoints.

    python training/pairs.py --data ../shared/data --base BASE_MODEL_DIR --out runs/pairs
    python training/train_nli.py --pairs runs/pairs --base BASE_MODEL_DIR --out runs/nli

The head is 3-way (entailment, neutral, contradiction). Pairs with a 3-way label (MNLI,
refuting evidence, rule-made negations) train it with cross-entropy; pairs that only say
supported / unsupported train the entailment marginal (-log p(entailment) or
-log(1 - p(entailment))). A checkpoint is written every --save-every steps; rerunning the same
command resumes from the newest one. With --debias the loss is taken on the product of the
model and a bias-only model that sees just whether the hypothesis adds a negation its premise
lacks (MNLI's annotation artifact; product of experts, Clark et al. 2019, He et al. 2019): the
pairs that negation alone explains teach less, so the model has less reason to learn "not"
means contradiction; only the model's own logits are saved. Runs on a CPU or, when one is
there, a CUDA GPU (bf16 autocast). At the end the model is saved to `OUT/final` and scored on
the dev pairs (`OUT/dev.json`: 3-way accuracy where the label is 3-way, balanced accuracy of
p(entailment) >= 0.5 otherwise, per data set).
"""

from __future__ import annotations

import argparse
import json
import lzma
import math
import random
import re
import time
from collections import Counter, defaultdict
from pathlib import Path

import torch
from tokenizers import Tokenizer
from transformers import AutoModelForSequenceClassification

from groundrail.evaluation.datasets import NLI_LABELS
from groundrail.grounding.lexical import adds_negation

# label -> target code: the 3-way labels index the head; the binary ones follow them
TARGETS = {**{label: i for i, label in enumerate(NLI_LABELS)}, "supported": 3, "unsupported": 4}
# A packaged model's card beside its trainable copy (from_onnx.py): a run continued from it
# records the card's training fields (`base_training`), since it trained on that data too
BASE_CARD = "groundrail_card.json"


def read_pairs(path: Path) -> list[dict[str, str]]:
    """The rows `training/pairs.py` wrote: dataset, premise, hypothesis, label."""
    with lzma.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


Encoded = tuple[list[int], list[int]]  # token ids, token type ids


def tokenize(tok: Tokenizer, pairs: list[dict[str, str]], max_len: int) -> list[Encoded]:
    """Each (premise, hypothesis) encoded, the premise truncated first."""
    tok.no_padding()
    tok.enable_truncation(max_length=max_len, strategy="only_first")
    enc = tok.encode_batch([(p["premise"], p["hypothesis"]) for p in pairs])
    return [(e.ids, e.type_ids) for e in enc]


def collate(rows: list[Encoded], device: torch.device) -> dict[str, torch.Tensor]:
    width = max(len(ids) for ids, _ in rows)
    ids = torch.zeros(len(rows), width, dtype=torch.long)
    types = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    for i, (row_ids, row_types) in enumerate(rows):
        ids[i, : len(row_ids)] = torch.tensor(row_ids)
        types[i, : len(row_ids)] = torch.tensor(row_types)
        mask[i, : len(row_ids)] = 1
    return {
        "input_ids": ids.to(device),
        "token_type_ids": types.to(device),
        "attention_mask": mask.to(device),
    }


def loss_fn(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    logp = torch.log_softmax(logits.float(), dim=-1)
    three_way = -logp.gather(1, targets.clamp(max=2)[:, None])[:, 0]
    supported = -logp[:, 0]
    unsupported = -torch.logsumexp(logp[:, 1:], dim=-1)
    terms = torch.where(targets < 3, three_way, torch.where(targets == 3, supported, unsupported))
    return terms.mean()


def bias_log_prior(pairs: list[dict[str, str]]) -> list[list[float]]:
    """The bias-only model of --debias, centred: per pair, the natural-log ratio of P(label)
    over the 3-way head in `NLI_LABELS` order (shape (len(pairs), 3)) between the 3-way
    labelled training pairs (MNLI, refuting evidence, rule-made negations) whose hypothesis
    adds a negation (`adds_negation`) and those whose hypothesis does not, add-one smoothed.
    Pairs without an added negation get zeros, so the model keeps its own class prior; only
    what the added negation says beyond the prior is explained away. (An uncentred prior,
    the shares themselves, flattened the model's class prior by the 3-way prior and cost
    most of the contradiction label from the base on a CPU run: training/README.md.)"""
    counts = {flag: [1.0, 1.0, 1.0] for flag in (False, True)}
    flags = [adds_negation(p["premise"], p["hypothesis"]) for p in pairs]
    for pair, flag in zip(pairs, flags, strict=True):
        if pair["label"] in NLI_LABELS:
            counts[flag][NLI_LABELS.index(pair["label"])] += 1
    shares = {flag: [n / sum(c) for n in c] for flag, c in counts.items()}
    print(f"bias-only model, P({'/'.join(NLI_LABELS)}) by added negation: {shares}", flush=True)
    shift = {
        flag: [math.log(x / base) for x, base in zip(shares[flag], shares[False], strict=True)]
        for flag in (False, True)
    }
    return [shift[flag] for flag in flags]


def batches(lengths: list[int], size: int, seed: int) -> list[list[int]]:
    """Length-bucketed batches of pair indices in a seeded order (resumable by index)."""
    rng = random.Random(seed)
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    chunks = [order[i : i + size] for i in range(0, len(order), size)]
    rng.shuffle(chunks)
    return chunks


@torch.no_grad()
def score_dev(
    model: torch.nn.Module,
    pairs: list[dict[str, str]],
    rows: list[Encoded],
    device: torch.device,
    autocast: bool,
) -> dict[str, dict[str, float]]:
    """Per data set: 3-way accuracy (3-way labels) or balanced accuracy of p(ent) >= 0.5."""
    model.eval()
    probs: list[list[float]] = [[] for _ in pairs]
    for chunk in batches([len(ids) for ids, _ in rows], 64, 0):
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=autocast):
            logits = model(**collate([rows[i] for i in chunk], device)).logits
        for i, p in zip(chunk, torch.softmax(logits.float(), -1).tolist(), strict=True):
            probs[i] = p
    hits: dict[str, Counter[str]] = defaultdict(Counter)
    for pair, p in zip(pairs, probs, strict=True):
        c = hits[pair["dataset"]]
        if pair["label"] in NLI_LABELS:
            c["n"] += 1
            c["right"] += NLI_LABELS[max(range(3), key=p.__getitem__)] == pair["label"]
        good = pair["label"] in ("supported", "entailment")
        c["good" if good else "bad"] += 1
        c["good_hit" if good else "bad_hit"] += (p[0] >= 0.5) == good
    out = {}
    for name, c in sorted(hits.items()):
        row = {"pairs": float(c["good"] + c["bad"])}
        if c["n"]:
            row["three_way_accuracy"] = c["right"] / c["n"]
        if c["good"] and c["bad"]:
            row["balanced_accuracy"] = (c["good_hit"] / c["good"] + c["bad_hit"] / c["bad"]) / 2
        out[name] = row
    model.train()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=Path, required=True, help="folder from training/pairs.py")
    ap.add_argument("--base", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--max-len", type=int, default=192)
    ap.add_argument("--save-every", type=int, default=100)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--debias", action="store_true", help="product of experts (see above)")
    ap.add_argument(
        "--exclude",
        help="leave out the training pairs whose data set matches this regular expression "
        "(e.g. '\\+neg$': no rule-made negation negatives; '^records$': no synthetic records)",
    )
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    autocast = device.type == "cuda"
    args.out.mkdir(parents=True, exist_ok=True)
    tok = Tokenizer.from_file(str(args.base / "tokenizer.json"))
    pairs = read_pairs(args.pairs / "train.jsonl.xz")
    if args.exclude:
        pairs = [p for p in pairs if not re.search(args.exclude, p["dataset"])]
    rows = tokenize(tok, pairs, args.max_len)
    targets = [TARGETS[p["label"]] for p in pairs]
    bias = bias_log_prior(pairs) if args.debias else [[0.0, 0.0, 0.0] for _ in pairs]
    debias = "centred" if args.debias else False  # checkpoints of the uncentred prior say True
    mix = Counter(p["dataset"] for p in pairs)
    print(f"{len(pairs)} training pairs on {device}: {dict(mix.most_common())}", flush=True)
    lengths = [len(ids) for ids, _ in rows]
    epochs = math.ceil(args.epochs)
    schedule = [b for e in range(epochs) for b in batches(lengths, args.batch, args.seed + e)]
    total = int(len(schedule) * args.epochs / epochs)
    model = AutoModelForSequenceClassification.from_pretrained(
        args.base,
        num_labels=3,
        id2label=dict(enumerate(NLI_LABELS)),
        label2id={label: i for i, label in enumerate(NLI_LABELS)},
    ).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    warmup = max(1, total // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / (total - warmup)))
    )
    step = 0
    ckpt = args.out / "checkpoint.pt"
    if ckpt.exists():
        state = torch.load(ckpt, weights_only=False, map_location=device)
        if state.get("debias", False) != debias:
            ap.error(f"{ckpt} was trained with debias={state.get('debias', False)}")
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        step = state["step"]
        print(f"resumed at step {step}/{total}", flush=True)
    model.train()
    started, running = time.time(), 0.0
    while step < total:
        batch = schedule[step]
        target = torch.tensor([targets[i] for i in batch], device=device)
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=autocast):
            logits = model(**collate([rows[i] for i in batch], device)).logits
        prior = torch.tensor([bias[i] for i in batch], device=device)
        loss = loss_fn(logits.float() + prior, target)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        step += 1
        running = 0.98 * running + 0.02 * loss.item() if step > 1 else loss.item()
        if step % 100 == 0:
            rate = (time.time() - started) / 100
            started = time.time()
            print(f"step {step}/{total} loss {running:.4f} {rate:.3f}s/step", flush=True)
        if step % args.save_every == 0 or step == total:
            tmp = ckpt.with_suffix(".tmp")
            state = {"model": model.state_dict(), "opt": opt.state_dict()}
            extra = {"sched": sched.state_dict(), "step": step, "debias": debias}
            torch.save({**state, **extra}, tmp)
            tmp.replace(ckpt)
    model.save_pretrained(args.out / "final")
    (args.out / "final" / "train_args.json").write_text(
        json.dumps(
            {
                **{k: str(v) for k, v in vars(args).items()},
                "debias": str(debias),  # "centred" or "False"
                "steps": total,
                "pairs_built": json.loads((args.pairs / "pairs.json").read_text()),
                # continued from a packaged model (from_onnx.py): what that one trained on
                "base_training": json.loads(base_card.read_text())["training"]
                if (base_card := args.base / BASE_CARD).is_file()
                else None,
            },
            indent=2,
        )
    )
    dev = read_pairs(args.pairs / "dev.jsonl.xz")
    report = score_dev(model, dev, tokenize(tok, dev, args.max_len), device, autocast)
    (args.out / "dev.json").write_text(json.dumps(report, indent=2))
    for name, row in report.items():
        print(name, json.dumps(row), flush=True)
    print("done", flush=True)


if __name__ == "__main__":
    main()
