"""Turn a local Hugging Face NLI checkpoint into a groundrail model folder (int8 ONNX + card).

Needs the `export` extra (torch, transformers, onnx); serving never does.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from tokenizers import Tokenizer

from groundrail.grounding.card import (
    CARD_FILE,
    MODEL_FILE,
    TOKENIZER_FILE,
    ModelCard,
    sha256_of,
)

OPSET = 17


def export(
    hf_dir: Path,
    out_dir: Path,
    *,
    name: str | None = None,
    max_length: int = 256,
    window_tokens: int = 192,
    window_overlap: int = 32,
    quantize: bool = True,
    extra: dict[str, Any] | None = None,
) -> ModelCard:
    """Export `hf_dir` (a sequence-classification NLI model with a fast tokenizer) to `out_dir`."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    model = AutoModelForSequenceClassification.from_pretrained(hf_dir).eval()
    labels = [model.config.id2label[i].lower() for i in range(model.config.num_labels)]
    if "entailment" not in labels:
        raise ValueError(f"{hf_dir}: labels {labels} have no 'entailment'; not an NLI model")
    out_dir.mkdir(parents=True, exist_ok=True)
    tokenizer_json = hf_dir / TOKENIZER_FILE
    if tokenizer_json.is_file():
        tokenizer = Tokenizer.from_file(str(tokenizer_json))
    else:  # a slow-tokenizer checkpoint: let transformers build the fast one
        tokenizer = AutoTokenizer.from_pretrained(hf_dir, use_fast=True).backend_tokenizer
    tokenizer.no_padding()  # the runtime pads per batch and truncates by the card
    tokenizer.no_truncation()
    tokenizer.save(str(out_dir / TOKENIZER_FILE))
    names = ["input_ids", "attention_mask", "token_type_ids"]
    dummy = tuple(torch.ones((2, 16), dtype=torch.long) for _ in names)
    axes = {n: {0: "batch", 1: "sequence"} for n in names} | {"logits": {0: "batch"}}
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        torch.onnx.export(
            model,
            dummy,
            str(fp32),
            input_names=names,
            output_names=["logits"],
            dynamic_axes=axes,
            opset_version=OPSET,
            dynamo=False,
        )
        if quantize:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            quantize_dynamic(fp32, out_dir / MODEL_FILE, weight_type=QuantType.QInt8)
        else:
            shutil.copyfile(fp32, out_dir / MODEL_FILE)
    fields: dict[str, Any] = {
        "name": name or hf_dir.name,
        "labels": labels,
        "contradiction_label": "contradiction" if "contradiction" in labels else None,
        "max_length": max_length,
        "window_tokens": window_tokens,
        "window_overlap": window_overlap,
        "sha256": {f: sha256_of(out_dir / f) for f in (MODEL_FILE, TOKENIZER_FILE)},
        "base_model": str(getattr(model.config, "_name_or_path", "")),
    }
    card = ModelCard.model_validate(fields | (extra or {}))
    write_card(out_dir, card)
    return card


def write_card(folder: Path, card: ModelCard) -> None:
    data = card.model_dump(mode="json")
    (folder / CARD_FILE).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
