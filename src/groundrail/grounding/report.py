"""A grounding result as JSON (API, audit) and as text a person reads (CLI)."""

from __future__ import annotations

from typing import Any

from groundrail.grounding.engine import GroundingResult

EVIDENCE_CHARS = 300


def to_dict(result: GroundingResult) -> dict[str, Any]:
    return {
        "verdict": result.verdict,
        "reason": result.reason,
        "support": result.support,
        "claims": [
            {
                "text": c.span.text,
                "start": c.span.start,
                "end": c.span.end,
                "label": c.label,
                "score": c.support,
                "entailment": c.entailment,
                "contradiction": c.contradiction,
                "driver": c.driver,
                "signals": c.signals,
                "evidence": None
                if c.evidence is None
                else {
                    "doc_id": c.evidence.doc_id,
                    "start": c.evidence.start,
                    "end": c.evidence.end,
                    "text": c.evidence.text[:EVIDENCE_CHARS],
                },
            }
            for c in result.claims
        ],
        "skipped": [
            {"text": s.span.text, "start": s.span.start, "end": s.span.end, "reason": s.reason}
            for s in result.skipped
        ],
        "timings": result.timings,
        "model": result.model,
    }


def to_text(result: GroundingResult) -> str:
    marks = {"supported": "✓", "unsupported": "?", "contradicted": "✗"}
    support = "n/a" if result.support is None else f"{result.support:.2f}"
    lines = [f"verdict: {result.verdict} ({result.reason}); support {support}"]
    for c in result.claims:
        where = f" [{c.evidence.doc_id}]" if c.evidence else ""
        lines.append(
            f"  {marks[c.label]} {c.label:<12} {c.support:.2f}  {c.span.text}{where}"
            + (f"  <- {c.driver}" if c.label != "supported" else "")
        )
    for s in result.skipped:
        lines.append(f"  - skipped ({s.reason}): {s.span.text[:80]}")
    lines.append(f"model {result.model}; {result.timings.get('total_ms', 0):.1f} ms")
    return "\n".join(lines)
