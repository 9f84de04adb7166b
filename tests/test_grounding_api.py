"""The check API and CLI end to end, on the packaged model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import aiohttp

CONTEXT = [
    "The Eiffel Tower is a wrought-iron lattice tower in Paris, France. "
    "It was designed by the engineering company of Gustave Eiffel and completed in 1889 "
    "for the World's Fair. The tower is 330 metres tall.",
    {"id": "tickets", "text": "Tickets for the summit cost 35 euros for adults."},
]
ANSWER = (
    "The Eiffel Tower is 330 metres tall. "
    "It was built by Napoleon Bonaparte in Berlin in 1705 from solid gold. "
    "Is there anything else? Tickets for the summit cost 35 euros."
)


async def test_check_api_labels_each_claim(gateway: str, http: aiohttp.ClientSession) -> None:
    async with http.post(
        gateway + "/v1/groundrail/check", json={"context": CONTEXT, "answer": ANSWER}
    ) as response:
        assert response.status == 200
        verdict = await response.json()
    claims = verdict["claims"]
    assert [c["text"] for c in claims] == [
        "The Eiffel Tower is 330 metres tall.",
        "It was built by Napoleon Bonaparte in Berlin in 1705 from solid gold.",
        "Tickets for the summit cost 35 euros.",
    ]
    assert [c["label"] != "supported" for c in claims] == [False, True, False]
    assert verdict["verdict"] in ("ungrounded", "contradicted")
    assert verdict["support"] == min(c["score"] for c in claims)
    assert claims[1]["driver"] in claims[1]["signals"]
    assert claims[2]["evidence"]["doc_id"] == "tickets"
    assert ANSWER[claims[1]["start"] : claims[1]["end"]] == claims[1]["text"]
    question = "Is there anything else?"
    start = ANSWER.index(question)
    assert verdict["skipped"] == [
        {"text": question, "start": start, "end": start + len(question), "reason": "question"}
    ]
    assert verdict["model"].startswith("groundrail-nli-minilm-l6@")
    assert verdict["timings"]["total_ms"] > 0


async def test_grounded_answer_passes(gateway: str, http: aiohttp.ClientSession) -> None:
    answer = "The tower is 330 metres tall. It was completed in 1889."
    async with http.post(
        gateway + "/v1/groundrail/check", json={"context": CONTEXT, "answer": answer}
    ) as response:
        verdict = await response.json()
    assert verdict["verdict"] == "grounded"
    assert all(c["label"] == "supported" for c in verdict["claims"])


async def test_no_context_is_not_evaluated(gateway: str, http: aiohttp.ClientSession) -> None:
    async with http.post(
        gateway + "/v1/groundrail/check", json={"context": [], "answer": "Paris is in France."}
    ) as response:
        verdict = await response.json()
    assert verdict["verdict"] == "not_evaluated"
    assert verdict["reason"] == "no context"
    assert verdict["support"] is None


async def test_bad_check_request_names_the_field(gateway: str, http: aiohttp.ClientSession) -> None:
    async with http.post(
        gateway + "/v1/groundrail/check", json={"context": "not a list", "answer": "a"}
    ) as response:
        assert response.status == 400
        error = (await response.json())["error"]
    assert error["param"] == "context"
    assert error["code"] == "groundrail_bad_request"


def test_check_cli(tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text(str(CONTEXT[0]))
    answer = tmp_path / "answer.txt"
    answer.write_text("The tower is 330 metres tall. It is painted bright pink by NASA.")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "groundrail",
            "check",
            "--context",
            str(doc),
            "--answer",
            str(answer),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr  # not grounded: the NASA claim
    assert done.stdout.startswith("verdict: ")
    assert "It is painted bright pink by NASA." in done.stdout
    as_json = subprocess.run(
        [
            sys.executable,
            "-m",
            "groundrail",
            "check",
            "--context",
            str(doc),
            "--answer",
            str(answer),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    verdict = json.loads(as_json.stdout)
    assert [c["label"] == "supported" for c in verdict["claims"]] == [True, False]
