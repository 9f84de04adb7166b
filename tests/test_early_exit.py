"""Early exit: a claim stops being judged once no further premise could make it fail. The
verdicts must be those of judging every premise, with fewer model calls."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from groundrail.config import GroundingSettings
from groundrail.grounding.engine import GroundingResult
from groundrail.grounding.runtime import GroundingRuntime
from groundrail.grounding.windows import Document

NEWS = (
    "The city council approved the new transit plan on Tuesday after a four-hour debate. "
    "The plan adds 14 bus routes and extends the tram line to the airport by 2028. "
    "It will cost 310 million euros, two thirds of it paid by the national government. "
    "Mayor Ines Duarte said the first routes would open in March. "
    "Opposition members voted against it, arguing that fares would rise by 10 percent. "
    "The council also renamed the central station after the engineer Clara Vidal, who "
    "designed the original tram network in 1921. Construction of the airport extension is "
    "expected to begin next spring, once the environmental review is complete. "
    "A public consultation drew more than 6,000 responses, most of them in favour."
)
SHORT = "Lena Park joined Acme in 2019 as a data engineer. She leads the payments team."
CASES = [
    (NEWS, "The council approved the transit plan. The plan adds 14 bus routes."),
    (NEWS, "The plan will cost 310 million euros. Mayor Ines Duarte said routes open in March."),
    (NEWS, "The plan adds 40 bus routes. The tram line will reach the harbour by 2030."),
    (NEWS, "The central station was renamed after Clara Vidal. Fares will fall by half."),
    (SHORT, "Lena Park joined Acme in 2019. She leads the payments team."),
    (SHORT, "Lena Park founded Acme in 2012. She leads the security team."),
]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def runtimes() -> AsyncIterator[dict[bool, GroundingRuntime]]:
    opened = {
        flag: await GroundingRuntime.open(GroundingSettings(early_exit=flag, threads=1))
        for flag in (True, False)
    }
    yield opened
    for runtime in opened.values():
        await runtime.close()


async def check(runtime: GroundingRuntime, context: str, answer: str) -> GroundingResult:
    return await runtime.engine.check([Document("doc", context)], answer)


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(("context", "answer"), CASES, ids=[f"case{i}" for i in range(len(CASES))])
async def test_verdicts_match_judging_every_premise(
    runtimes: dict[bool, GroundingRuntime], context: str, answer: str
) -> None:
    fast = await check(runtimes[True], context, answer)
    full = await check(runtimes[False], context, answer)
    assert fast.verdict == full.verdict
    assert [c.label for c in fast.claims] == [c.label for c in full.claims]
    assert fast.timings["pairs"] <= full.timings["pairs"]
    bar = runtimes[True].engine._threshold(runtimes[True].engine.model.card.calibration, 2)
    for quick, every in zip(fast.claims, full.claims, strict=True):
        assert len(quick.pairs) <= len(every.pairs)
        if len(quick.pairs) < len(every.pairs):  # settled early: it passes with room to spare
            assert quick.label == "supported" and 1 - quick.support < bar


@pytest.mark.asyncio(loop_scope="module")
async def test_a_supported_answer_over_a_long_context_settles_on_its_sentences(
    runtimes: dict[bool, GroundingRuntime],
) -> None:
    answer = "The council approved the new transit plan on Tuesday. It will cost 310 million euros."
    fast = await check(runtimes[True], NEWS, answer)
    full = await check(runtimes[False], NEWS, answer)
    assert fast.verdict == full.verdict == "grounded"
    assert full.timings["pairs"] == 6  # sentence, assembled premise, window: per claim
    assert fast.timings["pairs"] == 2  # each claim's best sentence was enough
    assert all(c.evidence is not None and c.evidence.text in NEWS for c in fast.claims)
