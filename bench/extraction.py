"""Evidence extraction time: how long reading a request's documents takes (`context.extract`),
for ordinary prompts and for prompts written to be slow. A benchmark, not a test.

    python bench/extraction.py [--sizes 100000,1000000] [--against REV]

Each row is one user message of about SIZE characters: a RAG prompt (passages, a record, a
question), a pasted article, and shapes that repeat what the evidence rules look for (an
unclosed tag, a lead-in, a fence, an example label, a bracket, a LangChain repr, "Content:"
entries, table rows) without ever closing it, nest it, run one question line on, or follow
a heading's noun with one long run of blanks. The
gateway reads the documents of a request over 64 KiB in a worker thread (`guard.evidence`),
so these seconds hold one thread, not the event loop; what must hold is that they grow with
the size, not with its square. With `--against REV` the build at git revision REV is
measured first, then this tree, one after the other in this command.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

PASSAGE = (
    "The Louvre in Paris opened as a museum in 1793. It holds about 35,000 works on display, "
    "among them the Mona Lisa, and had 8.7 million visitors in 2023. "
)
SHAPES = {
    "rag prompt": "[{n}] " + PASSAGE + "\n",
    "pasted article": PASSAGE + "\n\n",
    "unclosed tag": "<document> ",
    "lead-in": "Context: ",
    "fence": "```",
    "example label": "Example 1:\n",
    "open brackets": "{\n{?\nA: ",
    "langchain repr": "}below *x Document(",
    "html": "</p>word ",
    "react": "Thought: Observation: ",
    "content entries": "Content: x\nSource: ",
    "table rows": "| a | b |\n|---|---|\n",
    "nested tags": "<doc>x",
    "q-a frame": "lorem ipsum ",
    "heading spaces": " ",
    "label spaces": " ",
}
# what a shape's text is closed with (each of its units' closing tag), and the question that
# ends the message where it is not the plain one ("Q: …" on one line, then "A:")
CLOSING = {"nested tags": "</doc>"}
ASKED = {
    "q-a frame": ("Q: ", "\nA:"),
    # one run of blanks after a heading's or a passage label's noun
    "heading spaces": ("### Context", "x\n\nWhen did the Louvre open?"),
    "label spaces": ("passage", "x\n\nWhen did the Louvre open?"),
}


def measure(sizes: list[int]) -> list[dict[str, object]]:
    from groundrail.grounding.context import extract
    from groundrail.openai.requests import GroundrailOptions

    rows: list[dict[str, object]] = []
    for name, unit in SHAPES.items():
        for size in sizes:
            count = max(1, size // len(unit))
            text = "".join(unit.replace("{n}", str(i + 1)) for i in range(count))
            text += CLOSING.get(name, "") * count
            head, question = ASKED.get(name, ("", "\n\nWhen did the Louvre open?"))
            body = {"messages": [{"role": "user", "content": head + text + question}]}
            started = time.perf_counter()
            documents = extract("/v1/chat/completions", body, GroundrailOptions(), None)
            seconds = time.perf_counter() - started
            rows.append({"shape": name, "size": len(text), "s": seconds, "docs": len(documents)})
    return rows


def table(runs: list[tuple[str, list[dict[str, object]]]]) -> None:
    names = [name for name, _ in runs]
    head = " | ".join(f"s {name}" for name in names)
    print(f"| shape | characters | {head} |" + (" after / before |" if len(runs) == 2 else ""))
    print("|---|---:|" + "---:|" * len(runs) + ("---:|" if len(runs) == 2 else ""))
    for index, row in enumerate(runs[-1][1]):
        cells = " | ".join(f"{float(str(run[index]['s'])):.3f}" for _, run in runs)
        ratio = ""
        if len(runs) == 2:
            before, after = float(str(runs[0][1][index]["s"])), float(str(row["s"]))
            ratio = f" {after / max(before, 1e-6):.2f} |"
        print(f"| {row['shape']} | {row['size']:,} | {cells} |{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--against", help="a git revision to measure first")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.json:
        print(json.dumps(measure(sizes)))
        return
    if not args.against:
        table([("this tree", measure(sizes))])
        return
    root = Path(__file__).resolve().parent.parent
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "-C", str(root), "archive", args.against, "src"],
            check=True,
            capture_output=True,
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        for name, src in ((args.against, Path(tmp) / "src"), ("this tree", root / "src")):
            env = {**os.environ, "PYTHONPATH": str(src)}
            command = [sys.executable, __file__, "--json", "--sizes", args.sizes]
            out = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
            runs.append((name, json.loads(out.stdout.strip().splitlines()[-1])))
    table(runs)


if __name__ == "__main__":
    main()
