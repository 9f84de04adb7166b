"""Fine-tune MiniLM-L6 into groundrail's NLI cross-encoder; resumable from checkpoints.

    python training/train_nli.py --data ../shared/data --base BASE_MODEL_DIR --out runs/nli

The head is 3-way (entailment, neutral, contradiction). MNLI pairs train it with cross-entropy;
pairs that only say supported / unsupported train the entailment marginal
(-log p(entailment) or -log(1 - p(entailment))). A checkpoint is written every
--save-every steps; rerunning the same command resumes from the newest one.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from collections import Counter
from pathlib import Path

import torch
from tokenizers import Tokenizer
from transformers import AutoModelForSequenceClassification

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pairs import SUPPORTED, UNSUPPORTED, Pair, build

from groundrail.evaluation.datasets import NLI_LABELS


def encode(tok: Tokenizer, batch: list[Pair], max_len: int) -> dict[str, torch.Tensor]:
    tok.enable_truncation(max_length=max_len, strategy="only_first")
    tok.enable_padding(pad_id=0, pad_token="[PAD]")
    enc = tok.encode_batch([(p.premise, p.hypothesis) for p in batch])
    return {
        "input_ids": torch.tensor([e.ids for e in enc]),
        "attention_mask": torch.tensor([e.attention_mask for e in enc]),
        "token_type_ids": torch.tensor([e.type_ids for e in enc]),
    }


def loss_fn(logits: torch.Tensor, batch: list[Pair]) -> torch.Tensor:
    logp = torch.log_softmax(logits, dim=-1)
    terms = []
    for row, pair in zip(logp, batch, strict=True):
        if pair.label in NLI_LABELS:
            terms.append(-row[NLI_LABELS.index(pair.label)])
        elif pair.label == SUPPORTED:
            terms.append(-row[0])
        elif pair.label == UNSUPPORTED:
            terms.append(-torch.logsumexp(row[1:], dim=0))
        else:
            raise ValueError(pair.label)
    return torch.stack(terms).mean()


def batches(pairs: list[Pair], size: int, seed: int) -> list[list[Pair]]:
    """Length-bucketed batches in a seeded order (resumable by index)."""
    rng = random.Random(seed)
    order = sorted(pairs, key=lambda p: len(p.premise) + len(p.hypothesis))
    chunks = [order[i : i + size] for i in range(0, len(order), size)]
    rng.shuffle(chunks)
    return chunks


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--base", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--max-len", type=int, default=192)
    ap.add_argument("--window", type=int, default=128)
    ap.add_argument("--overlap", type=int, default=32)
    ap.add_argument("--save-every", type=int, default=100)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    args.out.mkdir(parents=True, exist_ok=True)
    tok = Tokenizer.from_file(str(args.base / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()  # windows are cut from whole documents; `encode` truncates pairs
    pairs = build(args.data, "train", tok, args.window, args.overlap)
    mix = Counter(p.dataset for p in pairs)
    print(f"{len(pairs)} training pairs: {dict(mix.most_common())}", flush=True)
    schedule = [b for e in range(math.ceil(args.epochs)) for b in batches(pairs, args.batch, e)]
    total = int(len(schedule) * args.epochs / math.ceil(args.epochs))
    model = AutoModelForSequenceClassification.from_pretrained(
        args.base,
        num_labels=3,
        id2label=dict(enumerate(NLI_LABELS)),
        label2id={label: i for i, label in enumerate(NLI_LABELS)},
    )
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    warmup = max(1, total // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / (total - warmup)))
    )
    step = 0
    ckpt = args.out / "checkpoint.pt"
    if ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        step = state["step"]
        print(f"resumed at step {step}/{total}", flush=True)
    model.train()
    started, running = time.time(), 0.0
    while step < total:
        batch = schedule[step]
        loss = loss_fn(model(**encode(tok, batch, args.max_len)).logits, batch)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        step += 1
        running = 0.98 * running + 0.02 * loss.item() if step > 1 else loss.item()
        if step % 20 == 0:
            rate = (time.time() - started) / 20
            started = time.time()
            print(f"step {step}/{total} loss {running:.4f} {rate:.2f}s/step", flush=True)
        if step % args.save_every == 0 or step == total:
            tmp = ckpt.with_suffix(".tmp")
            state = {"model": model.state_dict(), "opt": opt.state_dict()}
            torch.save({**state, "sched": sched.state_dict(), "step": step}, tmp)
            tmp.replace(ckpt)
    model.save_pretrained(args.out / "final")
    (args.out / "final" / "train_args.json").write_text(
        json.dumps({k: str(v) for k, v in vars(args).items()}, indent=2)
    )
    print("done", flush=True)


if __name__ == "__main__":
    main()
