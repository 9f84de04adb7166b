"""The container image's install step, without a container engine: build the wheel as the
Dockerfile's builder stage does (from the files it copies, less .dockerignore), install it into a
fresh venv as the final stage does, and serve from there. The model and the tiktoken files must
come from inside the wheel, and the server must not write into its own install (the chart runs
it on a read-only root filesystem)."""

from __future__ import annotations

import fnmatch
import os
import shlex
import shutil
import site
import socket
import subprocess
import sys
import time
import urllib.request
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def copy_sources() -> list[list[str]]:
    """Per stage of the Dockerfile, the build-context paths its COPY instructions take."""
    stages: list[list[str]] = []
    lines = (REPO / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ").splitlines()
    for line in lines:
        instruction = line.split(maxsplit=1)[0].upper() if line.strip() else ""
        if instruction == "FROM":
            stages.append([])
        elif instruction == "COPY" and stages:
            words = shlex.split(line)[1:]
            if not any(w.startswith("--from") for w in words):
                paths = [w for w in words if not w.startswith("--")]
                stages[-1] += [p.rstrip("/") for p in paths[:-1]]
    return stages


def dockerignored(path: str, patterns: list[str]) -> bool:
    """Close enough to Docker's matching for the patterns this repository uses."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    for pattern in patterns:
        if pattern.startswith("**/"):
            if any(fnmatch.fnmatchcase(part, pattern[3:]) for part in parts):
                return True
        elif any(fnmatch.fnmatchcase(prefix, pattern.strip("/")) for prefix in prefixes):
            return True
    return False


def ignore_patterns() -> list[str]:
    lines = (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
    patterns = [line.strip() for line in lines]
    assert not any(p.startswith("!") for p in patterns), "negations are not handled here"
    return [p for p in patterns if p and not p.startswith("#")]


def build_context(dest: Path, sources: list[str]) -> Path:
    """What the builder stage has in its WORKDIR: its COPY sources, less .dockerignore."""
    patterns = ignore_patterns()
    for source in sources:
        assert (REPO / source).exists(), f"the Dockerfile copies {source}, which is missing"
        assert not dockerignored(source, patterns), f".dockerignore excludes {source}"
        if (REPO / source).is_dir():
            shutil.copytree(
                REPO / source,
                dest / source,
                ignore=lambda folder, names: [
                    n
                    for n in names
                    if dockerignored((Path(folder) / n).relative_to(REPO).as_posix(), patterns)
                ],
            )
        else:
            (dest / source).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / source, dest / source)
    return dest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without settings that would change what is under test."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GROUNDRAIL_", "PYTHON", "VIRTUAL_ENV", "TIKTOKEN_"))
    }
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # as in the image
    env.update(extra)
    return env


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A venv with groundrail installed from a freshly built wheel; yields the venv folder."""
    base = tmp_path_factory.mktemp("image")
    builder, *_ = copy_sources()
    context = build_context(base / "context", builder)
    dist = base / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), "."],
        cwd=context,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    wheels = list(dist.glob("groundrail-*.whl"))
    assert len(wheels) == 1, wheels

    home = base / "venv"
    try:
        venv.create(home, with_pip=True, symlinks=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"cannot create a virtual environment here: {exc}")
    python = home / "bin" / "python"
    # The dependencies resolve, offline, from the site-packages of the interpreter running
    # this suite (a venv's or the system's: `system_site_packages` would see only the base
    # interpreter's), after the venv's own, where groundrail itself comes from the wheel.
    # Directories named in a .pth file are added without their own .pth files, so an
    # editable groundrail installed there stays out of sight.
    inner = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(inner, "outer-site-packages.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    install = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--force-reinstall",
            str(wheels[0]),
        ],
        cwd=base,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    yield home


def test_dockerfile_copies_what_the_build_context_keeps() -> None:
    stages = copy_sources()
    assert len(stages) == 2, "a builder stage and the final stage"
    assert {"pyproject.toml", "README.md", "src"} <= set(stages[0])
    assert "policies" in stages[1]
    patterns = ignore_patterns()
    for source in {s for stage in stages for s in stage}:
        assert (REPO / source).exists(), source
        assert not dockerignored(source, patterns), f".dockerignore excludes {source}"
    for noise in (".git", "tests", "runs", "src/groundrail/__pycache__", "x.egg-info"):
        assert dockerignored(noise, patterns), f"{noise} would be sent to the Docker daemon"


def test_package_comes_from_the_wheel_with_model_and_assets(installed: Path) -> None:
    probe = subprocess.run(
        [
            str(installed / "bin" / "python"),
            "-c",
            "import groundrail, pathlib; print(pathlib.Path(groundrail.__file__).resolve())",
        ],
        cwd=installed.parent,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    package = Path(probe.stdout.strip()).parent
    assert package.is_relative_to(installed.resolve()), package
    model = package / "models" / "default"
    assert (model / "model.onnx").stat().st_size > 1_000_000
    assert (model / "tokenizer.json").is_file()
    assert (model / "card.json").is_file()
    assert any((package / "assets" / "tiktoken").iterdir())
    assert {p.name for p in (package / "ui" / "static").iterdir()} >= {
        "index.html",
        "review.js",
        "review.css",
    }
    assert (installed / "bin" / "groundrail").is_file()


def test_installed_gateway_serves_and_becomes_ready(installed: Path, tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    before = snapshot(installed)
    log = (tmp_path / "serve.log").open("w+", encoding="utf-8")
    proc = subprocess.Popen(
        [
            str(installed / "bin" / "groundrail"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--policies",
            str(REPO / "policies"),
            "--upstream",
            "http://127.0.0.1:9/v1",  # never called
        ],
        cwd=tmp_path,  # not the repo: nothing may be picked up from the work tree
        env=clean_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                log.seek(0)
                pytest.fail(f"groundrail serve exited with {proc.returncode}:\n{log.read()}")
            try:
                with urllib.request.urlopen(base + "/readyz", timeout=2) as response:
                    status = response.status
                    break
            except OSError:
                time.sleep(0.25)
        if status != 200:
            log.seek(0)
            pytest.fail(f"/readyz never answered 200 within 90 s:\n{log.read()}")
        with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
            assert response.status == 200
        with urllib.request.urlopen(base + "/ui/static/review.js", timeout=5) as response:
            assert b"groundrail review page" in response.read()  # the page, from the wheel
        with urllib.request.urlopen(base + "/metrics", timeout=5) as response:
            metrics = response.read().decode()
        for name in ("default", "rag-support-bot", "shadow-rollout", "strict-finance"):
            assert f'policy="{name}"' in metrics, f"policy {name} not loaded"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()
    assert snapshot(installed) == before, "the server wrote into its own installation"
