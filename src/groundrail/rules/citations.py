"""kind: citations: a sentence that cites [n] or [doc-id] must be supported by that document."""

from __future__ import annotations

import asyncio
import re
from typing import Literal

from pydantic import Field

from groundrail.grounding.claims import CITATION, without_citations
from groundrail.grounding.engine import ClaimResult, GroundingResult
from groundrail.grounding.windows import Document
from groundrail.rules.base import Action, CheckContext, Finding, Rule, RuleConfig


class CitationsConfig(RuleConfig):
    kind: Literal["citations"]
    action: Action = "flag"
    unknown_reference: Action = Field("flag", description="a citation naming no document")


class CitationsRule(Rule[CitationsConfig]):
    kind = "citations"
    Config = CitationsConfig
    fragmentary = False

    async def prepare(self, answer: str, ctx: CheckContext) -> None:
        """Ground each citing claim in the cited document alone."""
        engine, grounding = ctx.grounding_engine, ctx.grounding
        if engine is None or grounding is None:
            return
        jobs: list[tuple[ClaimResult, str, Document | None]] = []
        for claim in grounding.claims:
            for ref in _references(answer, claim):
                jobs.append((claim, ref, _document(ref, ctx.documents)))
        results = await asyncio.gather(
            *(
                engine.check([doc], without_citations(claim.span.text))
                for claim, _, doc in jobs
                if doc is not None
            )
        )
        found = iter(results)
        ctx.notes[self.name] = [
            (claim, ref, next(found) if doc is not None else None) for claim, ref, doc in jobs
        ]

    def check(self, answer: str, ctx: CheckContext) -> list[Finding]:
        checked: list[tuple[ClaimResult, str, GroundingResult | None]] = ctx.notes.get(
            self.name, []
        )
        findings = []
        for claim, ref, result in checked:
            span = ((claim.span.start, claim.span.end),)
            if result is None:
                findings.append(
                    self.finding(
                        f"[{ref}] names no document of the context",
                        self.config.unknown_reference,
                        spans=span,
                    )
                )
            elif result.verdict != "grounded":
                findings.append(
                    self.finding(
                        f"[{ref}] does not support {claim.span.text[:100]!r}",
                        self.config.action,
                        spans=span,
                        score=result.support,
                    )
                )
        return findings


def _references(answer: str, claim: ClaimResult) -> list[str]:
    """Citations inside the claim, or right after it ("… in 1998. [2]")."""
    tail = answer[claim.span.end : claim.span.end + 40]
    trailing = re.match(r"\s*((?:\[[^\]]+\]\s*)+)", tail)
    text = claim.span.text + (trailing.group(1) if trailing else "")
    return list(dict.fromkeys(m.group("ref") for m in CITATION.finditer(text)))


def _document(ref: str, documents: list[Document]) -> Document | None:
    """The document a citation names: by its id ("[doc-7]"; "[2]" for the passage printed
    as 2, `context.extract`), else, in a request that numbers no passage, the n-th one."""
    for doc in documents:
        if doc.id == ref:
            return doc
    numbered = any(doc.id.isdigit() for doc in documents)
    if ref.isdigit() and not numbered and 1 <= int(ref) <= len(documents):
        return documents[int(ref) - 1]
    return None
