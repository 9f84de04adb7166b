"""The NLI runtime: an ONNX cross-encoder and its tokenizer, driven by the model card."""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Encoding, Tokenizer

from groundrail.grounding.card import (
    MODEL_FILE,
    TOKENIZER_FILE,
    ModelCard,
    ModelLoadError,
    read_card,
)

DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "models" / "default"


@dataclass(slots=True, frozen=True)
class Pair:
    premise: str  # a context window
    hypothesis: str  # a claim


class NLIModel:
    """Created once per process; `predict` is blocking and runs on the inference executor."""

    def __init__(self, folder: Path = DEFAULT_MODEL, threads: int = 1) -> None:
        self.folder = folder
        self.card: ModelCard = read_card(folder)
        # `text_tokenizer` measures and cuts context text (windows, sentences): never truncated;
        # `tokenizer` encodes (premise, hypothesis) pairs, truncated to the card's max length
        self.text_tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        self.text_tokenizer.no_padding()
        self.text_tokenizer.no_truncation()
        self.tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        self.tokenizer.no_padding()
        first = self.card.input_order == "premise_hypothesis"
        self.tokenizer.enable_truncation(
            self.card.max_length, strategy="only_first" if first else "only_second"
        )
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Every batch has a new shape (pairs x padded width): ONNX Runtime's CPU arena and its
        # per-shape memory patterns would keep the largest batch's memory for good (a gateway
        # grew from 145 to 464 MB in 300 checks); without them, and with glibc's freed heap
        # returned after each call (_release_freed), it stays near idle (bench/memory.py).
        options.enable_cpu_mem_arena = False
        options.enable_mem_pattern = False
        try:
            self._session = ort.InferenceSession(
                str(folder / MODEL_FILE), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise ModelLoadError(
                f"{folder / MODEL_FILE}: onnxruntime cannot load it ({exc})"
            ) from exc
        self._inputs = {i.name for i in self._session.get_inputs()}
        self.entailment = self.card.index(self.card.entailment_label)
        label = self.card.contradiction_label
        self.contradiction = self.card.index(label) if label in self.card.labels else None
        self.id = f"{self.card.name}@{self.card.sha256.get(MODEL_FILE, 'unknown')[:12]}"
        self.calls = 0  # pairs scored since start (tests and the cache assert on it)

    @functools.cached_property
    def _overlong(self) -> Tokenizer:
        """The pair tokenizer cutting the longer side first, loaded on first need: for a claim
        longer than the max length by itself (one unpunctuated 250-word sentence), which the
        premise-only cut cannot fit ("only_first" raises "Sequence to truncate too short"),
        so the claim is cut too rather than fail the check."""
        tokenizer = Tokenizer.from_file(str(self.folder / TOKENIZER_FILE))
        tokenizer.no_padding()
        tokenizer.enable_truncation(self.card.max_length, strategy="longest_first")
        return tokenizer

    def _encode(self, first: str, second: str) -> Encoding:
        """One pair, cut on its premise side, or on both when its claim alone is too long."""
        try:
            return self.tokenizer.encode(first, second)
        except Exception:
            return self._overlong.encode(first, second)

    def predict(self, pairs: Sequence[Pair]) -> np.ndarray:
        """Probabilities, shape (len(pairs), len(card.labels)), in the card's label order."""
        if not pairs:
            return np.zeros((0, len(self.card.labels)), dtype=np.float32)
        self.calls += len(pairs)
        first = self.card.input_order == "premise_hypothesis"
        inputs = [(p.premise, p.hypothesis) if first else (p.hypothesis, p.premise) for p in pairs]
        try:
            encoded = self.tokenizer.encode_batch(inputs)
        except Exception:  # the tokenizers library raises a bare Exception for truncation
            encoded = [self._encode(a, b) for a, b in inputs]
        out = np.empty((len(pairs), len(self.card.labels)), dtype=np.float32)
        # One pair per run, unpadded: int8 dynamic quantisation scales activations over the
        # whole input tensor, so in a padded batch a pair's scores moved with its neighbours
        # (up to 0.05 in entailment; a verdict could depend on concurrent traffic and on what
        # the cache saw first). Alone, a pair always scores the same, at the same cost per
        # pair on these CPUs (bench/grounding.py, pairs/s by batch size).
        for row, e in enumerate(encoded):
            feeds = {
                "input_ids": np.asarray([e.ids], dtype=np.int64),
                "attention_mask": np.asarray([e.attention_mask], dtype=np.int64),
                "token_type_ids": np.asarray([e.type_ids], dtype=np.int64),
            }
            (logits,) = self._session.run(
                ["logits"], {k: v for k, v in feeds.items() if k in self._inputs}
            )
            out[row] = _softmax(logits)[0]
        _release_freed()
        return out


def _glibc_trim() -> Callable[[], object]:
    """glibc's malloc_trim(0), which hands the freed memory of every malloc arena back to the
    system (glibc keeps it per thread otherwise); a no-op where the C library is another."""
    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return lambda: None
    return lambda: trim(0)


_release_freed = _glibc_trim()


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs: np.ndarray = (shifted / shifted.sum(axis=1, keepdims=True)).astype(np.float32)
    return probs
