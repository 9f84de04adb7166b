"""A newcomer's first hour, end to end: clone this repository's HEAD into a temporary folder,
make a fresh venv there (no system site-packages), and run the README's commands exactly as
written, each in `bash -c` with the venv's bin first on the PATH (as `source .venv/bin/activate`
does):

1. the quick start's "run the gateway" command, until `/readyz` answers 200 on port 8080;
2. the walkthrough's install command (the walkthrough itself runs in step 3: test_readme.py);
3. the quick start's "run the whole test suite" command.

Only committed work is tested: the clone is of HEAD. Every dependency is installed into the
fresh venv by pip as set up on the machine (its cache and indexes), which takes minutes, so this
test is marked `fresh_clone`, deselected by default (pyproject's addopts) and run by CI as a
step of its own: `python -m pytest -m fresh_clone`.

In step 3 the suite runs a second time inside the clone, on 2 cores; to keep that within
reason, PYTEST_ADDOPTS (read by pytest itself; the README command is unchanged) names the tests
a fresh clone and venv change: the image install (a venv inside a venv), the README's
walkthrough (the venv's own `groundrail`), Redis (a redis-server of the suite's own) and the
command line. GROUNDRAIL_FRESH_CLONE_PYTEST_ADDOPTS replaces that selection; set it empty to run
the whole suite there.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SUBSET = (
    "tests/test_image_install.py tests/test_readme.py tests/test_cache_redis.py "
    "tests/test_cli.py tests/test_demo_upstream.py"
)


def readme_block(section: str, n: int) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    body = next(p for p in re.split(r"^## ", text, flags=re.MULTILINE) if p.startswith(section))
    return re.findall(r"^```sh\n(.*?)^```$", body, flags=re.MULTILINE | re.DOTALL)[n].strip()


def port_taken(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.fresh_clone
def test_readme_commands_pass_in_a_fresh_clone_and_venv(tmp_path: Path) -> None:
    serve, test = readme_block("Quick start", 0), readme_block("Quick start", 1)
    install = readme_block("Five minutes with it", 0)
    assert (
        serve
        == "python -m pip install -e . && groundrail serve --upstream https://api.openai.com/v1"
    )
    assert test == (
        'python -m pip install -e ".[test]" && npm ci --prefix tests/node && python -m pytest'
    )
    busy = [port for port in (8080, 9000) if port_taken(port)]
    if busy:
        pytest.skip(f"the README's commands use ports 8080 and 9000; in use here: {busy}")

    clone = tmp_path / "groundrail"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True, timeout=300)
    subprocess.run([sys.executable, "-m", "venv", str(clone / ".venv")], check=True, timeout=300)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GROUNDRAIL_", "PYTHON", "VIRTUAL_ENV", "PYTEST_", "OPENAI_"))
    }
    env["VIRTUAL_ENV"] = str(clone / ".venv")
    env["PATH"] = f"{clone / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"

    def run(command: str, log: Path, extra: dict[str, str] | None = None) -> None:
        with log.open("w", encoding="utf-8") as out:
            done = subprocess.run(
                ["bash", "-c", command],
                cwd=clone,
                env={**env, **(extra or {})},
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                timeout=3000,
            )
        assert done.returncode == 0, f"{command}\n{log.read_text(encoding='utf-8')[-6000:]}"

    # 1. run the gateway: install, then serve until ready
    serve_log = tmp_path / "serve.log"
    with serve_log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            ["bash", "-c", serve],
            cwd=clone,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 1800  # the install comes first
        ready = False
        while time.monotonic() < deadline and proc.poll() is None and not ready:
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen("http://127.0.0.1:8080/readyz", timeout=2) as r,
            ):
                ready = r.status == 200
            time.sleep(1)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    assert ready, serve_log.read_text(encoding="utf-8")[-6000:]
    for _ in range(300):  # its drain ends before the next step needs the port
        if not port_taken(8080):
            break
        time.sleep(0.1)

    # 2. the walkthrough's install
    run(install, tmp_path / "install.log")

    # 3. the test suite, a subset of it (see the module's docstring)
    addopts = os.environ.get("GROUNDRAIL_FRESH_CLONE_PYTEST_ADDOPTS", SUBSET)
    test_log = tmp_path / "test.log"
    run(test, test_log, {"PYTEST_ADDOPTS": addopts})
    summary = test_log.read_text(encoding="utf-8").strip().splitlines()[-1]
    assert " passed" in summary and "failed" not in summary and "error" not in summary, summary
