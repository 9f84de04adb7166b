"""The model card: all the engine knows about a model folder; nothing is hard-coded."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

CARD_FILE = "card.json"
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"


class ModelLoadError(Exception):
    """A model folder is missing, corrupt or inconsistent; the message names the file and fix."""


class Calibration(BaseModel):
    """The small classifier that turns a claim's signals into P(unsupported)."""

    model_config = ConfigDict(extra="forbid")
    features: list[str]
    weights: list[float]
    bias: float
    threshold: float = Field(ge=0, le=1, description="P(unsupported) above which a claim fails")
    contradiction: float = Field(0.5, ge=0, le=1, description="P(contradiction) for 'contradicted'")
    claims_exponent: float = Field(
        0.0,
        ge=0,
        description="an answer of n claims fails a claim at 1 - (1 - threshold) / n**exponent, "
        "so one false alarm among many claims does not flag more answers as n grows",
    )
    fitted_on: str = ""


class ModelCard(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str
    labels: list[str] = Field(description="output labels, in logit order")
    entailment_label: str = "entailment"
    contradiction_label: str | None = "contradiction"
    input_order: Literal["premise_hypothesis", "hypothesis_premise"] = "premise_hypothesis"
    max_length: int = Field(gt=8)
    window_tokens: int = Field(gt=8)
    window_overlap: int = Field(ge=0)
    sha256: dict[str, str] = Field(
        description="file name -> sha256 of model.onnx and tokenizer.json"
    )
    base_model: str = ""
    training: dict[str, Any] = Field(default_factory=dict)
    metrics: dict[str, Any] = Field(default_factory=dict)
    calibration: Calibration | None = None

    def index(self, label: str) -> int:
        return self.labels.index(label)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_card(folder: Path) -> ModelCard:
    """Read and verify a model folder: the card parses, the files exist and match their hashes."""
    path = folder / CARD_FILE
    fix = (
        "point grounding.model at a folder made by `groundrail model export`, "
        "or reinstall groundrail"
    )
    try:
        card = ModelCard.model_validate_json(path.read_bytes())
    except FileNotFoundError as exc:
        raise ModelLoadError(f"{path}: no model card here; {fix}") from exc
    except ValidationError as exc:
        raise ModelLoadError(
            f"{path}: invalid model card ({exc.errors()[0]['msg']}); {fix}"
        ) from exc
    if card.entailment_label not in card.labels:
        raise ModelLoadError(
            f"{path}: entailment label {card.entailment_label!r} not in {card.labels}"
        )
    for name in (MODEL_FILE, TOKENIZER_FILE):
        file = folder / name
        if not file.is_file():
            raise ModelLoadError(f"{file}: missing; {fix}")
        expected = card.sha256.get(name)
        if expected is not None and sha256_of(file) != expected:
            raise ModelLoadError(
                f"{file}: sha256 does not match {path} (corrupt or replaced file); {fix}"
            )
    return card
