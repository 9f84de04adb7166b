"""Export a train_nli.py run on the GPU machine itself, where the gateway's own dependencies
(aiohttp, redis, orjson …) are not installed, so `build_model.py --run` cannot import.

    python3 training/gpu/export_run.py RUN BASE_DIR OUT_DIR

Writes what `build_model.py --run … --dev-only` exports (int8 ONNX, tokenizer, a card without
calibration), with the run's `train_args.json` and `dev.json` beside it. Back here,
`build_model.py --model OUT_DIR` reads the card's training fields from `train_args.json`,
fits the calibration on dev (and the calibration split the run's pairs left out) and tests.
Needs only torch, transformers, onnx, onnxruntime and pydantic (carried as a wheel).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import torch
from transformers import AutoModelForSequenceClassification

from groundrail.grounding.export import export


def main() -> None:
    run, base, out = map(Path, sys.argv[1:4])
    with tempfile.TemporaryDirectory() as tmp:
        hf = Path(tmp) / "hf"
        model = AutoModelForSequenceClassification.from_pretrained(
            run / "final", dtype=torch.float32
        )
        model.save_pretrained(hf)
        shutil.copyfile(base / "tokenizer.json", hf / "tokenizer.json")
        # build_model.py's defaults: --max-len 192, --window 128, --overlap 32
        export(
            hf,
            out,
            name="groundrail-nli-minilm-l6",
            max_length=192,
            window_tokens=128,
            window_overlap=32,
        )
    shutil.copyfile(run / "final" / "train_args.json", out / "train_args.json")
    shutil.copyfile(run / "dev.json", out / "dev.json")
    print("exported", out, flush=True)


if __name__ == "__main__":
    main()
