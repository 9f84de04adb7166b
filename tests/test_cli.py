"""The command line as a user runs it: serve with workers, logs, eval, model export."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from groundrail.grounding.model import DEFAULT_MODEL, NLIModel, Pair


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[str], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} never became ready")


def test_serve_with_two_workers_and_json_logs(tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "groundrail", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env={"GROUNDRAIL_WORKERS": "2", "PATH": "/usr/bin:/bin"},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_ready(f"http://127.0.0.1:{port}/readyz", proc)
        for _ in range(5):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                assert json.load(r) == {"status": "ok"}
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    serving = [line for line in lines if line["msg"] == "serving"]
    assert serving and serving[0]["workers"] == 2
    requests = [line for line in lines if line["msg"] == "request"]
    assert len(requests) >= 5
    assert {"request_id", "route", "status", "total_ms", "model", "upstream"} <= set(requests[0])
    workers = {line["pid"] for line in lines if line["msg"] == "worker starting"}
    assert len(workers) == 2
    assert {line["pid"] for line in requests} <= workers


def test_eval_prints_metrics_and_confusion(tmp_path: Path) -> None:
    (tmp_path / "halueval").mkdir()
    rows = [
        {
            "knowledge": f"The river Nile is {n} kilometres long and flows through Egypt.",
            "question": "How long is the Nile?",
            "right_answer": f"{n} kilometres",
            "hallucinated_answer": "The Nile is 12 kilometres long and flows through Brazil.",
        }
        for n in range(6600, 6640)
    ]
    (tmp_path / "halueval" / "qa_data.jsonl").write_text(
        "\n".join(json.dumps(r) for r in rows) + "\n"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "groundrail",
            "eval",
            "halueval",
            "--data",
            str(tmp_path),
            "--split",
            "train",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "## halueval (train split" in done.stdout
    assert "| gold \\ predicted | hallucinated | grounded |" in done.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "groundrail", "eval", "mnli", "--data", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert missing.returncode != 0
    assert "dev_matched.tsv: not found" in missing.stderr


def test_model_export_round_trip(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    config = transformers.BertConfig(
        vocab_size=30522,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        num_labels=3,
        id2label={0: "CONTRADICTION", 1: "NEUTRAL", 2: "ENTAILMENT"},
    )
    hf = tmp_path / "hf"
    transformers.BertForSequenceClassification(config).save_pretrained(hf)
    (hf / "tokenizer.json").write_bytes((DEFAULT_MODEL / "tokenizer.json").read_bytes())
    out = tmp_path / "onnx"
    done = subprocess.run(
        [sys.executable, "-m", "groundrail", "model", "export", str(hf), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    model = NLIModel(out)
    assert model.card.labels == ["contradiction", "neutral", "entailment"]
    assert model.entailment == 2
    probs = model.predict([Pair("a premise", "a hypothesis")] * 3)
    assert probs.shape == (3, 3)


def test_sighup_reloads_policies(tmp_path: Path) -> None:
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "p.yaml").write_text("name: default\nrules: []\n")
    config = tmp_path / "groundrail.yaml"
    config.write_text("policy_poll_seconds: 3600\n")  # only the signal can reload in time
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "groundrail",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--config",
            str(config),
            "--policies",
            str(policies),
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_ready(f"http://127.0.0.1:{port}/readyz", proc)
        (policies / "p.yaml").write_text("name: default\nrules: []\n---\nname: extra\n")
        proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
                if "groundrail_policy_loaded{hash=" in (text := r.read().decode()) and (
                    'policy="extra"' in text
                ):
                    break
            time.sleep(0.2)
        else:
            raise AssertionError("SIGHUP did not reload the policies")
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
