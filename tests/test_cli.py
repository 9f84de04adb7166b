"""The command line as a user runs it: serve with workers, logs, eval, model export, exit
statuses, help texts."""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from groundrail import cli
from groundrail.grounding.model import DEFAULT_MODEL, NLIModel, Pair


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(
    url: str, proc: subprocess.Popen[str], seconds: float = 60, err: list[str] | None = None
) -> None:
    """Wait for `url` to answer 200; `err`: the lines a reader thread collects from the
    process's stderr (read here only when no thread reads it)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            output = "".join(err) if err is not None else proc.stderr.read() if proc.stderr else ""
            raise AssertionError(output)
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
    assert proc.stderr is not None
    err: list[str] = []  # read as it comes: the workers start in their own time
    reader = threading.Thread(target=lambda: err.extend(iter(proc.stderr.readline, "")))
    reader.start()
    try:
        wait_ready(f"http://127.0.0.1:{port}/readyz", proc, err=err)
        deadline = time.monotonic() + 60
        while sum('"worker starting"' in line for line in err) < 2:
            assert time.monotonic() < deadline, "".join(err)[-6000:]
            time.sleep(0.2)
        for _ in range(5):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                assert json.load(r) == {"status": "ok"}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        reader.join(timeout=30)
    lines = [json.loads(line) for line in err if line.startswith("{")]
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

    def groundrail_eval(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "groundrail", "eval", *args, "--data", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=300,
        )

    done = groundrail_eval("halueval", "--split", "train")
    assert done.returncode == 0, done.stderr
    assert "## halueval (train split" in done.stdout
    assert "| gold \\ predicted | hallucinated | grounded |" in done.stdout
    missing = groundrail_eval("mnli")
    assert missing.returncode != 0
    assert "dev_matched.tsv: not found" in missing.stderr
    no_split = groundrail_eval("halueval", "--split", "calibration")
    assert no_split.returncode != 0
    assert "halueval has no calibration split" in no_split.stderr
    assert "wice" in no_split.stderr


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
        _, err = proc.communicate(timeout=30)
    # start-up says which policies are in force, by name@hash
    loaded = [json.loads(line) for line in err.splitlines() if '"policies loaded"' in line]
    assert loaded and loaded[0]["directory"] == str(policies)
    assert [label.split("@")[0] for label in loaded[0]["policies"]] == ["default"]
    assert len(loaded[0]["policies"][0].split("@")[1]) == 8


def test_a_policy_directory_named_but_missing_stops_start_up(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "groundrail", "serve", "--port", "0", "--policies", "polices"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert f"polices: no such policy directory ({tmp_path / 'polices'})" in done.stderr


def test_check_exit_status_is_usable_in_ci(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    context = tmp_path / "doc.txt"
    context.write_text("The Eiffel Tower in Paris was completed in 1889. It is 330 metres tall.")
    grounded = tmp_path / "grounded.txt"
    grounded.write_text("The Eiffel Tower was completed in 1889.")
    wrong = tmp_path / "wrong.txt"
    wrong.write_text(
        "The Eiffel Tower was completed in 1889. It was designed by Leonardo da Vinci."
    )

    def status(*argv: str) -> int | str | None:
        with pytest.raises(SystemExit) as stop:
            cli.main(["check", "--context", str(context), *argv])
            raise SystemExit(0)
        return stop.value.code

    assert status("--answer", str(grounded)) == 0
    assert "verdict: grounded" in capsys.readouterr().out
    assert status("--answer", str(wrong), "--json") == 1
    assert json.loads(capsys.readouterr().out)["verdict"] in ("ungrounded", "contradicted")
    assert status("--answer", str(tmp_path / "missing.txt")) == 2
    assert capsys.readouterr().err.strip() == (
        f"groundrail: cannot read {tmp_path / 'missing.txt'}: No such file or directory"
    )


def test_check_reads_a_json_record_as_the_gateway_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = tmp_path / "diner.json"
    record.write_text(json.dumps({"name": "Diner", "attributes": {"RestaurantsDelivery": "False"}}))
    answer = tmp_path / "answer.txt"
    answer.write_text("The diner delivers.")
    with pytest.raises(SystemExit) as stop:
        cli.main(["check", "--context", str(record), "--answer", str(answer), "--json"])
    assert stop.value.code == 1
    (claim,) = json.loads(capsys.readouterr().out)["claims"]
    assert (claim["label"], claim["driver"]) == ("contradicted", "record")


def test_a_reader_that_goes_away_gets_no_traceback() -> None:
    read, write = os.pipe()
    os.close(read)  # like `| head` that has already exited: every write fails
    try:
        done = subprocess.run(
            [sys.executable, "-m", "groundrail", "docs", "configuration"],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write)
    assert done.stderr == ""
    assert done.returncode == 128 + signal.SIGPIPE


def test_every_option_has_help() -> None:
    missing = []

    def walk(parser: argparse.ArgumentParser, command: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, f"{command} {name}")
            elif not action.help:
                missing.append(f"{command} {'/'.join(action.option_strings) or action.dest}")

    walk(cli._parser(), "groundrail")
    assert missing == []
