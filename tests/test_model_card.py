"""The engine reads the model card: label order, file hashes, and clean failures."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from groundrail.config import Settings
from groundrail.grounding.card import ModelLoadError
from groundrail.grounding.model import DEFAULT_MODEL, NLIModel, Pair
from groundrail.server.app import create_app
from groundrail.testing.server import RunningApp

PAIRS = [
    Pair("A man is playing a guitar on stage.", "A man is performing music."),
    Pair("A man is playing a guitar on stage.", "The man is asleep in bed."),
]


@pytest.fixture
def model_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL, folder)
    return folder


def edit_card(folder: Path, **changes: object) -> None:
    card = json.loads((folder / "card.json").read_text())
    card.update(changes)
    (folder / "card.json").write_text(json.dumps(card))


def test_label_order_comes_from_the_card(model_copy: Path) -> None:
    original = NLIModel(DEFAULT_MODEL)
    card = json.loads((model_copy / "card.json").read_text())
    reordered = list(reversed(card["labels"]))
    edit_card(model_copy, labels=reordered)
    swapped = NLIModel(model_copy)
    assert swapped.entailment == len(reordered) - 1 - original.entailment
    a, b = original.predict(PAIRS), swapped.predict(PAIRS)
    # the same logits, read under the card's names
    assert np.allclose(a[:, original.entailment], b[:, reordered.index("contradiction")])
    assert np.allclose(a[:, original.contradiction], b[:, swapped.entailment])


def test_corrupt_model_file_is_named(model_copy: Path) -> None:
    with (model_copy / "model.onnx").open("r+b") as f:
        f.seek(5000)
        f.write(b"\x00" * 64)
    with pytest.raises(ModelLoadError, match=r"model\.onnx: sha256 does not match") as err:
        NLIModel(model_copy)
    assert "groundrail model export" in str(err.value)


def test_unloadable_model_without_hash_fails_cleanly(model_copy: Path) -> None:
    (model_copy / "model.onnx").write_bytes(b"not an onnx graph")
    edit_card(model_copy, sha256={})
    with pytest.raises(ModelLoadError, match="onnxruntime cannot load it"):
        NLIModel(model_copy)


def test_missing_card(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match=r"card\.json: no model card here"):
        NLIModel(tmp_path)


async def test_gateway_does_not_start_on_a_broken_model(tmp_path: Path) -> None:
    app = RunningApp(create_app(Settings.model_validate({"grounding": {"model": tmp_path}})))
    with pytest.raises(ModelLoadError):
        await app.start()
    await app.stop()


def test_serve_exits_with_the_message(tmp_path: Path) -> None:
    config = tmp_path / "groundrail.yaml"
    config.write_text(f"grounding:\n  model: {tmp_path / 'nowhere'}\n")
    done = subprocess.run(
        [sys.executable, "-m", "groundrail", "serve", "--port", "0", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "nowhere/card.json: no model card here" in done.stderr


def test_memory_goes_back_after_each_batch() -> None:
    """Batches of ever new shapes must not pin memory: no arena, no per-shape patterns
    (bench/memory.py measures what that keeps off a gateway's RSS)."""
    options = NLIModel(DEFAULT_MODEL)._session.get_session_options()
    assert options.enable_cpu_mem_arena is False
    assert options.enable_mem_pattern is False
