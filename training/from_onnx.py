"""A trainable copy of a packaged int8 ONNX model: its weights dequantized into a Hugging Face
BERT sequence-classification folder, so training can continue from the shipped model when its
fp32 run is gone.

    python training/from_onnx.py --model src/groundrail/models/default --base BASE --out DIR

The int8 weights are per-tensor (`quantize_dynamic`): w = (q - zero_point) * scale. The
MatMul weights of the exported graph are unnamed (`onnx::MatMul_N`); they are matched to the
BERT linear layers by the bias each MatMul's output is added to. The copy is checked against
the ONNX model on a few pairs (the largest probability difference is printed).
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from train_nli import BASE_CARD
from transformers import BertConfig, BertForSequenceClassification

from groundrail.grounding.model import NLIModel, Pair


def dequantized(graph: onnx.GraphProto) -> dict[str, np.ndarray]:
    """Every initializer as fp32, quantized ones under their base name."""
    raw = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    out: dict[str, np.ndarray] = {}
    for name, value in raw.items():
        if name.endswith("_quantized"):
            base = name.removesuffix("_quantized")
            scale, zero = raw[base + "_scale"], raw[base + "_zero_point"]
            out[base] = (value.astype(np.float32) - zero.astype(np.float32)) * scale
        elif not name.endswith(("_scale", "_zero_point")):
            out[name] = value.astype(np.float32) if value.dtype.kind == "f" else value
    return out


def matmul_names(graph: onnx.GraphProto) -> dict[str, str]:
    """ONNX weight name -> the BERT parameter it is: the MatMulInteger's output flows (through
    casts and scale multiplications) into an Add with the layer's bias."""
    consumers: dict[str, list[onnx.NodeProto]] = {}
    for node in graph.node:
        for i in node.input:
            consumers.setdefault(i, []).append(node)
    names: dict[str, str] = {}
    for node in graph.node:
        if node.op_type != "MatMulInteger":
            continue
        weight = node.input[1].removesuffix("_quantized")
        frontier, seen = list(node.output), set()
        while frontier:
            tensor = frontier.pop()
            for nxt in consumers.get(tensor, []):
                if nxt.name in seen:
                    continue
                seen.add(nxt.name)
                bias = [i for i in nxt.input if i.endswith(".bias")]
                if nxt.op_type == "Add" and bias:
                    names[weight] = bias[0].removesuffix(".bias") + ".weight"
                    frontier = []
                    break
                if nxt.op_type in ("Cast", "Mul"):
                    frontier += list(nxt.output)
    return names


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", type=Path, required=True, help="packaged model folder")
    ap.add_argument("--base", type=Path, required=True, help="the base the model was tuned from")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    graph = onnx.load(str(args.model / "model.onnx")).graph
    weights = dequantized(graph)
    for onnx_name, bert_name in matmul_names(graph).items():
        weights[bert_name] = weights.pop(onnx_name).T  # ONNX MatMul is (in, out)
    for transposed in [n for n in weights if n.endswith(".weight_Transposed")]:
        weights[transposed.removesuffix("_Transposed")] = weights.pop(transposed).T
    labels = json.loads((args.model / "card.json").read_text())["labels"]
    config = BertConfig.from_pretrained(
        args.base,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
    )
    model = BertForSequenceClassification(config)
    state = model.state_dict()
    missing = [k for k in state if k not in weights and not k.endswith("position_ids")]
    if missing:
        raise SystemExit(f"no ONNX weight for {missing}")
    model.load_state_dict(
        {k: torch.from_numpy(np.ascontiguousarray(weights[k])) for k in state if k in weights},
        strict=False,
    )
    model.eval()
    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(args.out)
    shutil.copyfile(args.model / "tokenizer.json", args.out / "tokenizer.json")
    # what the packaged model trained on: a run continued from this copy trained on it too
    shutil.copyfile(args.model / "card.json", args.out / BASE_CARD)
    # check: the copy reads pairs as the packaged model (the gateway's own runtime) does
    packaged = NLIModel(args.model)
    pairs = [
        Pair("The Louvre opened as a museum in 1793.", "The Louvre opened in 1793."),
        Pair("The cafe opens at 7 a.m. on weekdays.", "The cafe is closed on Mondays."),
        Pair("Marie Curie won the Nobel Prize in Physics in 1903.", "Curie won a prize for poems."),
    ]
    worst = 0.0
    for pair, expected in zip(pairs, packaged.predict(pairs), strict=True):
        enc = packaged.tokenizer.encode(pair.premise, pair.hypothesis)
        feed = {
            "input_ids": torch.tensor([enc.ids]),
            "attention_mask": torch.tensor([enc.attention_mask]),
            "token_type_ids": torch.tensor([enc.type_ids]),
        }
        with torch.no_grad():
            probs = torch.softmax(model(**feed).logits, dim=-1)[0].numpy()
        worst = max(worst, float(np.abs(probs - expected).max()))
    print(f"largest probability difference against the ONNX model: {worst:.4f}")


if __name__ == "__main__":
    main()
