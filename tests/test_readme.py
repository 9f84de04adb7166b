"""The README's examples, run as written: the code blocks are read from README.md here, so an
example that stops working fails the suite instead of a newcomer.

The walkthrough ("Five minutes with it") runs verbatim in a temporary folder holding a copy of
`policies/`, on ports 8080 and 9000 as the README says, with this interpreter's `python` and
`groundrail` first on the PATH. Its install block (`python -m pip install …`) is the one block
not run here, as it would reinstall the package under test; tests/test_fresh_clone.py runs it,
and this whole file, in a fresh clone and a fresh venv.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import groundrail
from groundrail import cli

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"


def blocks(section: str, lang: str) -> list[str]:
    """The code blocks of one `## ` section of the README, in order."""
    text = README.read_text(encoding="utf-8")
    parts = re.split(r"^## ", text, flags=re.MULTILINE)
    body = next(p for p in parts if p.startswith(section + "\n"))
    return re.findall(rf"^```{lang}\n(.*?)^```$", body, flags=re.MULTILINE | re.DOTALL)


def port_taken(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_walkthrough_runs_verbatim(tmp_path: Path) -> None:
    steps = blocks("Five minutes with it", "sh")
    assert steps[0].startswith("python -m pip install -e . openai")
    script = "\n".join(steps[1:])  # all but the install: see the module's docstring
    busy = [port for port in (8080, 9000) if port_taken(port)]
    if busy:
        pytest.skip(f"the walkthrough needs ports 8080 and 9000; in use here: {busy}")
    shutil.copytree(REPO / "policies", tmp_path / "policies")
    (tmp_path / "walkthrough.sh").write_text(script, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GROUNDRAIL_", "OPENAI_"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    # the package under test, wherever the suite found it (a clone's src/ or an install)
    env["PYTHONPATH"] = str(Path(groundrail.__file__).parents[1])
    out = (tmp_path / "out.txt").open("w+", encoding="utf-8")
    proc = subprocess.Popen(
        ["bash", "-e", "walkthrough.sh"],
        cwd=tmp_path,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # the servers it starts in the background go with it
    )
    try:
        proc.wait(timeout=300)
        # `kill %1 %2` ends both servers (the gateway after its 2 s drain)
        for _ in range(300):
            if not port_taken(8080) and not port_taken(9000):
                break
            time.sleep(0.1)
        stopped = not port_taken(8080) and not port_taken(9000)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        out.seek(0)
        output = out.read()
        out.close()
    log = (tmp_path / "gateway.log").read_text(encoding="utf-8")
    assert proc.returncode == 0, output + log

    lines = output.splitlines()
    first = next(n for n, line in enumerate(lines) if line.startswith("flag "))
    architect = "Its glass pyramid was designed by the architect I. M. Pei."
    # first run: the answer unchanged, flagged, one finding naming the architect sentence
    assert lines[first + 1] == f"The Louvre in Paris opened as a museum in 1793. {architect}"
    assert lines[first + 2].startswith(
        (
            "claim not supported by the context (support ",
            "claim contradicted by the context (support ",
        )
    )
    assert lines[first + 2].endswith(f"): {architect!r}")
    assert 0 <= float(lines[first].split()[1]) < 0.5  # the weakest claim's support
    # after the edit: reloaded once, the sentence removed, verdict rewrite
    assert lines[first + 3] == "1"
    assert lines[first + 4].startswith("rewrite ")
    assert lines[first + 5] == "The Louvre in Paris opened as a museum in 1793."
    counts = [line for line in lines if line.startswith("groundrail_verdicts_total{")]
    assert sorted(counts) == [
        'groundrail_verdicts_total{action="flag",intended="flag",policy="default"} 1.0',
        'groundrail_verdicts_total{action="rewrite",intended="rewrite",policy="default"} 1.0',
    ]
    assert '"policies reloaded"' in log
    assert stopped, "kill %1 %2 left a server running"


def test_application_snippet_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    (snippet,) = blocks("Quick start", "python")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    scope: dict[str, object] = {}
    exec(compile(snippet, "README.md", "exec"), scope)
    assert str(scope["client"].base_url) == "http://localhost:8080/v1/"  # type: ignore[attr-defined]


def test_configuration_table_lists_every_serve_flag() -> None:
    text = README.read_text(encoding="utf-8")
    table = set(re.findall(r"^\| `(--[a-z-]+)` \|", text, flags=re.MULTILINE))
    commands = next(a for a in cli._parser()._actions if isinstance(a, argparse._SubParsersAction))
    serve = commands.choices["serve"]
    flags = {o for a in serve._actions for o in a.option_strings if o.startswith("--")}
    assert table == flags - {"--help"}
