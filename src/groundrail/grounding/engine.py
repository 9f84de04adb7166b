"""The grounding engine: context windows x claims -> NLI + lexical signals -> per-claim labels."""

from __future__ import annotations

import asyncio
import dataclasses
import math
import re
import time
from collections.abc import Sequence, Set
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from groundrail.cache.pairs import Override, PairCache
from groundrail.grounding import (
    attributes,
    attribution,
    causation,
    embellishment,
    lexical,
    modality,
    numbers,
    polarity,
    quotes,
    sentiment,
)
from groundrail.grounding.batcher import MicroBatcher
from groundrail.grounding.card import Calibration
from groundrail.grounding.claims import (
    Skipped,
    Span,
    read_under_lead,
    split_claims,
    standalone,
    without_citations,
)
from groundrail.grounding.linear import HEADING
from groundrail.grounding.model import NLIModel, Pair
from groundrail.grounding.windows import (
    Document,
    Unit,
    Window,
    line_of,
    make_units,
    make_windows,
    resolved,
    review_digest,
    review_focus,
    token_offsets,
)
from groundrail.observe import metrics, tracing

ClaimLabel = Literal["supported", "unsupported", "contradicted"]
Verdict = Literal["grounded", "ungrounded", "contradicted", "not_evaluated"]
# Per-claim signals, each oriented "higher = less supported"; the calibration's feature names.
SIGNALS = (
    "nli",
    "contradiction",
    "missing_words",
    "missing_numbers",
    "missing_entities",
    "missing_span",
)


@dataclass(slots=True, frozen=True)
class Evidence:
    """Where a claim's evidence is: `start`/`end` are character offsets in document `doc_id`
    of the window or sentence that matches the claim best; `text` is the premise the model
    read for it, which may hold more than that span (neighbouring sentences, a record's
    heading, the name an opening pronoun stands for, a short context whole)."""

    doc_id: str
    start: int
    end: int
    text: str


@dataclass(slots=True, frozen=True)
class ClaimResult:
    span: Span
    label: ClaimLabel
    support: float  # 1 - P(unsupported), after calibration
    entailment: float
    contradiction: float
    evidence: Evidence | None
    signals: dict[str, float]
    driver: str  # the signal that weighed most towards "unsupported"
    pairs: tuple[Pair, ...] = ()  # what the model judged: (window, claim) per candidate window


@dataclass(slots=True, frozen=True)
class GroundingResult:
    verdict: Verdict
    reason: str
    support: float | None  # the weakest claim's support
    claims: list[ClaimResult]
    skipped: list[Skipped]
    model: str
    timings: dict[str, float] = field(default_factory=dict)
    cache: Literal["hit", "partial", "miss", "off"] = "off"  # NLI results: from the cache?


@dataclass(slots=True, frozen=True)
class Plan:
    """Everything computed before the model runs: claims, windows, pairs, lexical signals."""

    claims: list[Span]
    skipped: list[Skipped]
    premises: list[Window]  # one per pair: where its premise comes from
    pairs: list[Pair]
    pair_windows: list[list[int]]  # per claim: indices into `pairs`
    lexical: list[dict[str, float]]
    # per claim: the label a record's yes/no fields give it, with the field as evidence
    # (`attributes.check`); such a claim has no pairs
    ruled: list[tuple[ClaimLabel, Evidence] | None]
    # per claim: the pair of its focused premise (the best-matching sentence alone), the one
    # its contradiction is read from; None for a ruled claim, UNREAD for a claim whose
    # contradiction is not read (an overview's closing verdict)
    focus: list[int | None]
    # per claim: the pair of its denial (`_denial_pair`: a negated claim without its negation,
    # of its focused premise), whose entailment bounds the claim's
    # contradiction; None for a claim without one. Not one of the claim's premises: its
    # entailment is the opposite claim's
    denial: list[int | None] = field(default_factory=list)
    # per claim: the pair of its joined premise (`_joined`: its best-matching sentence with the
    # one that holds the claim's other words), whose contradiction also bounds the claim's;
    # None for a claim without one. Not one of the claim's premises (`_bounds`)
    joined: list[int | None] = field(default_factory=list)
    # the context is records only: a name none of them states fails its claim (`_fails`)
    records_only: bool = False


@dataclass(slots=True)
class EngineSettings:
    top_k: int = 1  # contiguous windows per claim by BM25, beside the assembled premise
    min_support: float | None = None  # None: the model card's calibrated threshold
    # score a claim's premises one at a time, stopping once no further premise can make the
    # claim fail (verdicts unchanged; see `GroundingEngine._settled`)
    early_exit: bool = True


class GroundingEngine:
    def __init__(
        self,
        model: NLIModel,
        batcher: MicroBatcher,
        settings: EngineSettings | None = None,
        cache: PairCache | None = None,
    ) -> None:
        self.model = model
        self.batcher = batcher
        self.settings = settings or EngineSettings()
        self.cache = cache
        self._inflight: dict[str, asyncio.Future[np.ndarray]] = {}

    async def check(
        self, docs: Sequence[Document], answer: str, question: str | None = None
    ) -> GroundingResult:
        started = time.perf_counter()
        if not any(d.text.strip() for d in docs):
            return self._not_evaluated("no context", [], started)
        with tracing.span("groundrail.grounding") as current:
            plan = await asyncio.to_thread(self.plan, docs, answer, question)
            planned = time.perf_counter()
            if not plan.claims:
                return self._not_evaluated("no claims", plan.skipped, started)
            probs, overrides, cache = await self._score(plan)
            judged = int(_judged(probs).sum())
            if current is not None:
                current.set_attribute("groundrail.pairs", judged)
                current.set_attribute("groundrail.cache", cache)
        inferred = time.perf_counter()
        timings = {
            "plan_ms": _ms(planned - started),
            "nli_ms": _ms(inferred - planned),
            "total_ms": _ms(time.perf_counter() - started),
            "pairs": float(judged),
        }
        result = self.decide(plan, probs, overrides)
        for claim in result.claims:
            metrics.CLAIMS.labels(claim.label).inc()
            metrics.SUPPORT.observe(claim.support)
        return dataclasses.replace(result, timings=timings, cache=cache)

    async def _score(
        self, plan: Plan
    ) -> tuple[np.ndarray, list[Override | None], Literal["hit", "partial", "miss", "off"]]:
        """Probabilities of the pairs the verdict needs, shape (pairs, labels), NaN rows for
        pairs never judged; corrections of every pair; where the probabilities came from.

        The cache (one lookup for every pair) answers what it can, the model the rest. With
        `early_exit`, the model judges each claim's premises in plan order, one round per
        premise rank, and a claim leaves the rounds once it is settled (`_settled`)."""
        pairs = plan.pairs
        probs = np.full((len(pairs), len(self.model.card.labels)), np.nan, dtype=np.float32)
        overrides: list[Override | None] = [None] * len(pairs)
        if self.cache is not None:
            with tracing.span("groundrail.cache", **{"groundrail.pairs": len(pairs)}):
                cached, overrides = await self.cache.lookup(pairs)
            for i, row in enumerate(cached):
                if row is not None:
                    probs[i] = row
        rounds = (
            [[rows[k : k + 1] for rows in plan.pair_windows] for k in range(_longest(plan))]
            if self.settings.early_exit
            else [plan.pair_windows]
        )
        fresh = 0
        for round_rows in rounds:
            judged = _judged(probs)
            wanted = [
                r
                for claim, rows in enumerate(round_rows)
                if rows
                and not (self.settings.early_exit and self._settled(plan, claim, probs, overrides))
                for r in rows
                if not judged[r]
            ]
            if wanted:
                probs[wanted] = await self._run([pairs[i] for i in wanted])
                fresh += len(wanted)
        if self.cache is None:
            return probs, overrides, "off"
        status: Literal["hit", "partial", "miss"] = (
            "hit" if not fresh else "miss" if fresh == int(_judged(probs).sum()) else "partial"
        )
        return probs, overrides, status

    async def _run(self, pairs: list[Pair]) -> np.ndarray:
        """The model's probabilities for `pairs` (saved to the cache, if there is one)."""
        if self.cache is None:
            return await self.batcher.score(pairs)
        return np.stack(await self._single_flight(pairs))

    def _settled(
        self, plan: Plan, claim: int, probs: np.ndarray, overrides: Sequence[Override | None]
    ) -> bool:
        """Whether the claim's label is known without judging more of its premises: it has
        all of them judged, or a user's correction, or it passes even in the worst case.

        More premises can only raise the claim's best entailment (lowering the `nli` signal);
        its contradiction, read from the focused premise alone, is known once that premise is
        judged and may be anything up to 1 before. The worst case takes each signal to the
        end of its range which raises P(unsupported). If that P stays under the claim's bar,
        every further premise leaves the claim supported, so the verdict is the one judging
        them all would give; only the claim's reported support and evidence can differ. A
        claim whose only pairs left are bounds (`_bounds`), which fails even at no
        contradiction and reads too little contradiction to be labelled contradicted, is
        settled too: the bounds cannot change its label."""
        rows = plan.pair_windows[claim]
        judged = [r for r, done in zip(rows, _judged(probs[rows]), strict=True) if done]
        if len(judged) == len(rows):
            return True
        if not judged:
            return False
        denial = _denial_row(plan, claim)
        if any(overrides[r] for r in rows if r != denial):
            return True  # a correction of the denial pair is the opposite claim's
        calibration = self.model.card.calibration
        focus = self._focus(plan, claim, probs)
        premises = [r for r in judged if r not in _bounds(plan, claim)]
        if not premises:
            return False  # only its bounds are known (cached pairs): no premise judged yet
        values = self._values(
            plan.lexical[claim], probs[premises], focus, self._bound(plan, claim, probs)
        )
        threshold = self._threshold(calibration, len(plan.claims))
        failing = _fails(plan, claim) is not None
        if focus is not None and set(rows) - set(judged) <= _bounds(plan, claim):
            # only bounds are left, which can only lower the contradiction: a claim that fails
            # with none (or by a rule) and whose label is no contradiction keeps its label
            limit = calibration.contradiction if calibration else 0.5
            best, _ = _calibrated({**values, "contradiction": 0.0}, calibration)
            if (failing or best >= threshold) and values["contradiction"] < limit:
                return True
        if failing:
            return False  # it fails whatever its premises say; only its label is open
        if calibration is None:
            worst = values["nli"]  # P(unsupported) is the nli signal, which can only fall
        else:
            weights = dict(zip(calibration.features, calibration.weights, strict=True))
            shift = max(0.0, -weights.get("nli", 0.0) * values["nli"])
            if focus is None:  # its contradiction is still open
                shift += max(0.0, weights.get("contradiction", 0.0) * 1.0)
            z = calibration.bias + sum(_contributions(values, calibration).values())
            worst = _sigmoid(z + shift)
        return worst < threshold

    def _focus(self, plan: Plan, claim: int, probs: np.ndarray) -> np.ndarray | None:
        """The claim's focused premise's probabilities, None while it is not judged."""
        row = plan.focus[claim]
        if row == UNREAD:
            return np.zeros(probs.shape[1], dtype=probs.dtype)  # no contradiction, known now
        if row is None or not _judged(probs[row : row + 1])[0]:
            return None
        focused: np.ndarray = probs[row]
        return focused

    def _bound(self, plan: Plan, claim: int, probs: np.ndarray) -> float:
        """The most the claim's contradiction can be: the entailment of its denial pair
        (`_denial_pair`) and the contradiction of its joined premise (`_joined`), each once
        judged; 1.0 (no bound) without either."""
        bound = 1.0
        row = _denial_row(plan, claim)
        if row is not None and _judged(probs[row : row + 1])[0]:
            bound = float(probs[row, self.model.entailment])
        row = plan.joined[claim] if plan.joined else None
        if (
            row is not None
            and self.model.contradiction is not None
            and _judged(probs[row : row + 1])[0]
        ):
            bound = min(bound, float(probs[row, self.model.contradiction]))
        return bound

    def _values(
        self,
        lexical_signals: dict[str, float],
        probs: np.ndarray,
        focus: np.ndarray | None,
        bound: float = 1.0,
    ) -> dict[str, float]:
        """A claim's signals from its judged premises' probabilities (rows of `probs`): the
        best entailment over them all, the contradiction of the focused premise alone (0.0
        while it is not judged). A premise of several sentences reads a negated sentence near
        the claim's words as contradiction ("Public holidays are not deducted from your annual
        leave allowance." beside the sentence a claim copies: contradiction 0.96 against 0.02
        for that sentence alone); on the dev splits, reading it from the focused premise kept
        the mean balanced accuracy (0.742) and flagged fewer correct real answers (0.201 ->
        0.176). The contradiction is at most `bound` (`_bound`: a negated claim's denial's
        entailment, a joined premise's contradiction)."""
        entail = float(probs[:, self.model.entailment].max())
        contra = (
            min(float(focus[self.model.contradiction]), bound)
            if self.model.contradiction is not None and focus is not None
            else 0.0
        )
        return {**lexical_signals, "nli": 1.0 - entail, "contradiction": contra}

    async def _single_flight(self, pairs: list[Pair]) -> list[np.ndarray]:
        assert self.cache is not None
        keys = [self.cache.key(p) for p in pairs]
        mine: dict[str, Pair] = {}
        for key, pair in zip(keys, pairs, strict=True):
            if key not in self._inflight and key not in mine:
                mine[key] = pair
        futures = {k: self._inflight.get(k) for k in keys}
        loop = asyncio.get_running_loop()
        own = {k: loop.create_future() for k in mine}
        self._inflight.update(own)
        try:
            if mine:
                probs = await self.batcher.score(list(mine.values()))
                for future, row in zip(own.values(), probs, strict=True):
                    future.set_result(row)
                await self.cache.save(list(mine.values()), probs)
        except BaseException as exc:
            for future in own.values():
                if not future.done():
                    future.set_exception(exc)
                    future.exception()  # retrieved: the waiters re-raise it
            raise
        finally:
            for key in own:
                self._inflight.pop(key, None)
        return [await (futures[k] or own[k]) for k in keys]

    def plan(self, docs: Sequence[Document], answer: str, question: str | None) -> Plan:
        """Claims and their candidate premises (see docs/grounding.md, "Evidence").

        Each claim is judged against the document sentence (or record line) that matches it
        best by BM25, alone; and against the whole context when it fits one window, else
        against (1) a premise assembled from the best-matching sentences, in document order,
        up to the window's token budget, and (2) the `top_k` contiguous windows that match
        it best. A claim whose clauses a record's yes/no fields all decide (`attributes.check`)
        gets no premises; of a claim they decide in part, the model judges the rest.
        """
        card = self.model.card
        tokenizer = self.model.text_tokenizer
        claims, skipped = split_claims(answer)
        budget = card.window_tokens
        offsets = token_offsets(tokenizer, [d.text for d in docs])
        units = make_units(list(docs), offsets, budget)
        # the whole context, when it fits one window, is every claim's premise; only a longer
        # one is cut into contiguous windows
        whole = _join(units) if units and sum(u.tokens for u in units) <= budget else None
        windows = (
            []
            if whole is not None
            else [
                w
                for d, spans in zip(docs, offsets, strict=True)
                for w in make_windows(d, spans, budget, card.window_overlap)
            ]
        )
        window_bm25 = lexical.BM25([w.text for w in windows])
        unit_texts = [u.text for u in units]
        unit_bm25 = lexical.BM25(unit_texts)
        context = " ".join(d.text for d in docs)
        words = unit_bm25.vocabulary  # the units cover the context's text
        context_numbers = numbers.stated(context)
        around = numbers.Around(unit_texts)  # the words around its numbers, read on need
        negated = polarity.negated_words(unit_texts)
        # the quantities users give of their own case ("My daughter is 4 months old", "we
        # make about $3,500 a month") are the answer's to use, in a question in the first
        # person (not "Why did Marie Curie win … in 1905?")
        users: numbers.Given = (
            numbers.given(question) if question and _FIRST_PERSON.search(question) else frozenset()
        )
        names = lexical.acronyms(context)
        source = f"{context} {question or ''}"
        source_words = words | set(lexical.content_words(question or ""))
        texts = {d.id: d.text for d in docs}
        records = [(d, d.record) for d in docs if d.record is not None]
        fields = [record for _, record in records]
        record_ids = {d.id for d, _ in records}
        # each unit's whole record line ("" outside records), and the units of review lines
        lines = [line_of(texts[u.doc_id], u) if u.doc_id in record_ids else "" for u in units]
        review_units = {i for i, line in enumerate(lines) if HEADING.match(line)}
        records_only = bool(records) and len(records) == len(docs)
        # the sentences that hold a condition (`modality.unconditioned`, not of records)
        holding = [] if records_only else modality.conditioned(unit_texts)
        # the texts of the records' reviews, and the words the records are called by
        review_texts = [
            line[heading.end() :]
            for d, _ in records
            for line in texts[d.id].split("\n")
            if (heading := HEADING.match(line))
        ]
        called = frozenset().union(*(record.names for record in fields))
        # the capitalised words of the records' lines but their reviews: the records' names,
        # places and categories, no reviewer's staff ("Nashville", "Gallatin Ave"); read for
        # `attribution.miscredited`, which only records-only checks ask
        placed = (
            called
            | frozenset(
                word.lower()
                for d, _ in records
                for line in texts[d.id].split("\n")
                if not HEADING.match(line)
                for word in attribution.capitalised(line)
            )
            if records_only
            else frozenset()
        )
        # the records' words, for what a claim says they offer (`attributes.unlisted`)
        listed = attributes.vocabulary(context, fields) if records_only else frozenset()
        pairs: list[Pair] = []
        premises: list[Window] = []
        per_claim: list[list[int]] = []
        signals: list[dict[str, float]] = []
        ruled: list[tuple[ClaimLabel, Evidence] | None] = []
        focus: list[int | None] = []
        denial: list[int | None] = []
        joined: list[int | None] = []
        speaker = ""  # the review line of the sentence's one reviewer ("A beagle owner said …")
        for index, claim in enumerate(claims):
            goes_on = index > 0 and _goes_on(claims[index - 1], claim)
            speaker = speaker if goes_on else ""
            text = lexical.expand_acronyms(without_citations(read_under_lead(answer, claim)), names)
            lexical_signals = _lexical_signals(text, words, context_numbers, users)
            stated = attributes.check(text, fields) if fields else None
            if (
                stated is not None
                and stated.label == "supported"
                and lexical_signals["missing_numbers"] > 0
            ):
                stated = None  # a number no field states ("at 99999 82 Ave"): the rule fails it
            if stated is not None and stated.label is not None:
                ruled.append((stated.label, _field_evidence(records[stated.record][0], stated)))
                per_claim.append([])
                focus.append(None)
                denial.append(None)
                joined.append(None)
                signals.append(lexical_signals)
                continue
            ruled.append(None)
            # the claim as the answer says it: the rest of "Overall, reviews are mixed, with
            # the pizza drawing the most praise" is still about the reviews, and a verdict
            whole_claim = text
            if stated is not None and stated.rest != text:
                # the clauses a record's fields confirm are out; the model judges the rest
                text = stated.rest
                lexical_signals = _lexical_signals(text, words, context_numbers, users)
            # given to the wrong speaker; "will" where the source says "may"
            # (to the answer's last speaker, by "He said")
            said, others, pronoun = attribution.named(text, answer[: claim.start])
            lexical_signals["misattributed"] = float(
                attribution.misattributed(
                    said,
                    units,
                    unit_bm25,
                    texts,
                    first_word=said != text,
                    others=others,
                    said_as=pronoun,
                )
                is not None
            )
            # "Superintendent Carla Nguyen" of "Deputy Superintendent Carla Nguyen"; "Judge
            # Marcus Tilley" of "Judge Renata Osei" and "The group's attorney, Marcus Tilley";
            # "Marisol Whitfield" of "Marisol Whitaker, Testing Coordinator"
            lexical_signals["retitled"] = float(
                attribution.retitled(text, context) is not None
                or attribution.misroled(text, context) is not None
                or attribution.renamed(text, context) is not None
            )
            # "residents complain …" of one resident's words
            lexical_signals["generalised"] = float(
                not records_only and attribution.generalised(text, units, unit_bm25) is not None
            )
            lexical_signals["overstated"] = float(
                modality.overstated(text, units, unit_bm25) is not None
            )
            # "across the state" of "some pharmacies in Dane County"; "allowing two-way
            # traffic" of "… as long as the gauge stays above 70 centimetres"
            lexical_signals["widened"] = float(
                modality.widened(text, units, unit_bm25) is not None
                or (
                    not records_only
                    and modality.unconditioned(text, units, unit_bm25, holding) is not None
                )
            )
            # "tastes milder" of a sentence saying "tastes stronger"; "a latte is stronger than
            # a cappuccino" of "a cappuccino is stronger than a latte"; "One motorist was
            # injured" of "No one was injured"; "the driver was hospitalized" of "The driver,
            # who was not hurt"; "is supported on this model" of "is not supported …"; "did
            # not discuss a cut" of "had discussed a cut"; "two weeks before" of "two weeks
            # after"; "has already committed it" of "has not yet committed the money"; "Fewer
            # people stopped … (7% vs 3%)"
            lexical_signals["reversed"] = float(
                polarity.reversed_word(text, units, unit_bm25) is not None
                or polarity.misordered(text) is not None
                or polarity.traded_sides(text, units, unit_bm25) is not None
                or polarity.denied(text, unit_texts) is not None
                or polarity.spared(text, unit_texts) is not None
                or polarity.unnegated(text, units, unit_bm25, negated) is not None
                or polarity.reordered(text, unit_texts, unit_bm25) is not None
                or polarity.already(text, units, unit_bm25) is not None
                or (
                    not records_only  # a record says "no" as a value: `attributes`' to read
                    and polarity.unaffirmed(text, units, unit_bm25, negated) is not None
                )
            )
            # "because of the outages" where the context gives the two facts apart; "to make
            # up for the lower volumes" where the sentence gives no purpose
            lexical_signals["unlinked"] = float(
                causation.unlinked(text, units, unit_bm25) is not None
                or causation.turned(text, units) is not None
                or causation.unpurposed(text, units, unit_bm25) is not None
            )
            lexical_signals["embellished"] = float(
                embellishment.embellished(text, source) is not None
            )
            lexical_signals["new_term"] = float(
                embellishment.new_term(text, source_words) is not None
            )
            # "while the city council has promised to cover any shortfall" of an article that
            # never touches it
            lexical_signals["added"] = float(
                not records_only and embellishment.added(text, source_words) is not None
            )
            # "also offers a courtesy shuttle" of a record that never names one
            lexical_signals["unlisted"] = float(
                records_only and attributes.unlisted(text, listed) is not None
            )
            # 'called it "the biggest goal of my life"' where no sentence says it
            lexical_signals["misquoted"] = float(
                quotes.misquoted(text, unit_texts, question) is not None
            )
            # a clause cut from a longer answer ("and called the bathroom gross") is no fragment
            # answer: the question goes first only when the claim is the whole answer
            asked = question if len(claims) == 1 else None
            hypothesis = with_question(numbers.unstressed(standalone(text)), asked)
            # one record's own name is in half its claims and on its first line: it says
            # nothing about which line a claim draws on
            query = _without_words(text, fields[0].title) if len(fields) == 1 else text
            unit_scores = unit_bm25.scores(query)
            best = max(range(len(units)), key=unit_scores.__getitem__)
            top = units[best]
            about_reviews = top.doc_id in record_ids and (
                sentiment.about_reviews(query) or sentiment.about_reviews(whole_claim)
            )
            if about_reviews and best not in review_units:
                # "Reviewers praise the instructors" of a yoga studio "… & Instruction": the
                # reviews' best line, not its categories'
                reviews = [i for i in review_units if units[i].doc_id == top.doc_id]
                if reviews and unit_scores[first := max(reviews, key=unit_scores.__getitem__)]:
                    best, top = first, units[first]
            if speaker and not HEADING.match(lines[best]):
                # "…, but was frustrated that the car was promised by noon": the clause goes
                # on with one reviewer, whose review it draws on, not the hours its words match
                own = [i for i in review_units if lines[i] == speaker and unit_scores[i] > 0]
                if own:
                    best = max(own, key=unit_scores.__getitem__)
                    top = units[best]
            line = lines[best]
            if HEADING.match(line) and not goes_on:
                speaker = line if sentiment.one_reviewer(text) else ""
            elif speaker and HEADING.match(line) and line != speaker:
                # "A beagle owner said staff were gentle, though booking was two weeks out":
                # the clause goes on with the beagle owner, its words are another review's
                moved = (
                    lexical.covered(text, line) >= lexical.RESTATED > lexical.covered(text, speaker)
                )
                lexical_signals["misattributed"] = max(
                    lexical_signals["misattributed"], float(moved)
                )
            # "credited Marcus with clearly explaining rekeying" of Tanya's review
            lexical_signals["misattributed"] = max(
                lexical_signals["misattributed"],
                float(
                    records_only and attribution.miscredited(text, review_texts, placed) is not None
                ),
            )
            # "Anxious patients consistently credit Dr. Alvarez …" of one patient's review
            # "Every reviewer mentioned slow tune-ups" of two reviews of four
            lexical_signals["overgeneralised"] = float(
                records_only
                and (
                    sentiment.overgeneralised(text, review_texts, called)
                    or sentiment.not_everyones(text, review_texts, called)
                )
            )
            # "review the Harbour Road section" of "review the Kings Avenue section"; "the
            # engineer Hugh Calloway … the contractor Alasdair Menzies" of the other way round;
            # "the cooperative rejected the council's proposal" of the other way round
            lexical_signals["swapped"] = float(
                attribution.swapped(text, top.text) is not None
                or attribution.traded(text, top.text) is not None
                or (
                    not records_only
                    and (
                        attribution.traded_roles(text, unit_texts, unit_bm25) is not None
                        # "a talk at the museum in Regina" of "at the Swift Current library"
                        or attribution.relocated(text, unit_texts, unit_bm25) is not None
                    )
                )
            )
            # "eleven crew members" of a sentence that says "seven crew members"; "more than 2
            # years" of one that says "more than 5 years"; "4-6 p.m." of one that says "4-7";
            # "EUR 8 for adults and EUR 14 for children" of the other way round; "7:15 a.m."
            # of "7:15 p.m."; "nearly half of the cost" of $150 million of $410 million; "a
            # fob costs $15" of "A fob costs $40. A mailbox key costs $15"; "third-longest" of
            # "second-longest"; "takes 10 business days" of "10 to 15 business days"; "$30
            # per person" of "$30 per hour for the boat"
            lexical_signals["miscounted"] = float(
                bool(numbers.miscounted(text, numbers.stated(top.text), context_numbers, users))
                or bool(numbers.misspanned(text, unit_texts, unit_bm25, users, context_numbers))
                or bool(numbers.misranged(text, unit_texts, unit_bm25))
                or numbers.traded_values(text, around) is not None
                or numbers.misplaced(text, unit_texts, unit_bm25) is not None
                or numbers.misvoted(text, unit_texts, unit_bm25) is not None
                or numbers.mistimed(text, unit_texts, unit_bm25) is not None
                or numbers.misshared(text, context_numbers) is not None
                or numbers.misranked(text, context) is not None
                or numbers.narrowed(text, unit_texts, unit_bm25) is not None
                or numbers.rerated(text, context) is not None
            )
            # the best-matching sentence alone: a small model reads a focused premise best;
            # with the name its opening pronoun stands for, when the claim says it, and its
            # amounts in words with the claim's signs ("250,000 pounds" as "£250,000")
            top_text = numbers.as_claimed(
                (None if line else resolved(units, best, text)) or top.text, text
            )
            candidates = [Window(top.doc_id, -1, top.start, top.end, top_text)]
            # of a review, the few sentences that say what the claim says, under its heading
            # (`review_focus`): the model reads a whole review's other sentences as
            # contradiction
            sentence = review_focus(line, text) if line else None
            if sentence is not None:
                candidates.insert(0, Window(top.doc_id, -1, top.start, top.end, sentence))
            focused = sentence or top_text
            digest = review_digest(texts[top.doc_id], text) if about_reviews else None
            if digest is not None:  # reviews as a whole: the sentence of each that says it
                candidates.insert(0, Window(top.doc_id, -1, top.start, top.end, digest))
                focused = digest  # not one line the claim's words happen to match best
            if whole is not None:
                # the whole context; its evidence names the sentence that matches best
                candidates.append(Window(top.doc_id, -1, top.start, top.end, whole))
            else:
                assembled = _assemble(units, unit_scores, budget)
                candidates += [assembled] if assembled is not None else []
                scores = window_bm25.scores(text)
                ranked = sorted(range(len(windows)), key=lambda i: -scores[i])
                candidates += [windows[i] for i in ranked[: self.settings.top_k]]
            heading = HEADING.match(line)
            unframed = (
                sentiment.unframed(text, _stars(heading.group()))
                if heading and not about_reviews
                else None
            )
            chosen: list[Window] = []
            for candidate in candidates:
                if all(candidate.text != c.text for c in chosen):
                    chosen.append(candidate)
            focus_window = next(c for c in chosen if c.text == focused)
            concludes = top.doc_id in record_ids and sentiment.concludes(whole_claim)
            affirmed = None if concludes else _affirmed_pair(text, focused, asked)
            start = len(pairs)
            if affirmed is not None:  # judged first
                pairs.append(affirmed)
                premises.append(focus_window)
            first = len(pairs)
            per_claim.append(list(range(start, first + len(chosen))))
            if concludes:
                # "Overall, Menya Kaito is a solid choice for ramen lovers in Vancouver": the
                # model read 8 of 10 such verdicts in the read record sets as contradicted,
                # correct ones included; what the reviews add up to is `sentiment`'s to check
                focus.append(UNREAD)
            elif first > start:
                focus.append(start)  # the contradiction of the pair without negations
            else:
                focus.append(first + chosen.index(focus_window))
            for premise in chosen:
                pairs.append(Pair(premise.text, hypothesis))
                premises.append(premise)
            if unframed is not None:
                # one reviewer's words without "Another customer complained about", against
                # the focused premise, judged last (only while the claim is unsettled); the
                # claim's contradiction stays the framed claim's
                per_claim[-1].append(len(pairs))
                pairs.append(Pair(focus_window.text, unframed))
                premises.append(focus_window)
            # a claim that draws on two sentences: its best one with the one holding its other
            # words ("Tull and Desai voted no, with Tull favoring use of the reserve fund" of
            # "… cast the dissenting votes." and "Tull argued that the city should have drawn
            # down its reserve fund …": contradiction 0.90 against the second alone, 0.68
            # both), judged after the premises, only while the claim would fail; not when
            # it is one of them already
            both = (
                None
                if concludes or digest is not None
                else _joined(units, unit_bm25.words, best, text)
                if not line and focused == top_text
                else _joined_review(lines, review_units, best, focused, text)
                if sentence is not None
                else None
            )
            if both is not None and all(both != c.text for c in chosen):
                joined.append(len(pairs))
                per_claim[-1].append(len(pairs))
                pairs.append(Pair(both, hypothesis))
                premises.append(Window(top.doc_id, -1, top.start, top.end, both))
            else:
                joined.append(None)
            denied = None if concludes else _denial_pair(text, focused, asked)
            if denied is not None:  # judged last, only while the claim would fail
                denial.append(len(pairs))
                per_claim[-1].append(len(pairs))
                pairs.append(denied)
                premises.append(focus_window)
            else:
                denial.append(None)
            signals.append(lexical_signals)
        return Plan(
            claims,
            skipped,
            premises,
            pairs,
            per_claim,
            signals,
            ruled,
            focus,
            denial,
            joined,
            records_only,
        )

    def decide(
        self, plan: Plan, probs: np.ndarray, overrides: Sequence[Override | None] = ()
    ) -> GroundingResult:
        model = self.model
        calibration = model.card.calibration
        results = []
        judged = _judged(probs)
        for index, (claim, planned, signals, ruled) in enumerate(
            zip(plan.claims, plan.pair_windows, plan.lexical, plan.ruled, strict=True)
        ):
            if ruled is not None:
                results.append(_ruled(claim, *ruled, signals))
                continue
            denial = _denial_row(plan, index)  # its correction is the opposite claim's
            corrected = next(
                (
                    overrides[r]
                    for r in planned
                    if r < len(overrides) and overrides[r] and r != denial
                ),
                None,
            )
            rows = [r for r in planned if judged[r] and r not in _bounds(plan, index)]
            entail = probs[rows, model.entailment]
            best = int(np.argmax(entail))
            values = self._values(
                signals,
                probs[rows],
                self._focus(plan, index, probs),
                self._bound(plan, index, probs),
            )
            contra = values["contradiction"]
            p_unsupported, driver = _calibrated(values, calibration)
            if corrected is not None:  # a user's correction of this claim over this window
                p_unsupported, driver = (0.0 if corrected == "supported" else 1.0), "feedback"
            threshold = self._threshold(calibration, len(plan.claims))
            failing = _fails(plan, index)
            if corrected is None and failing is not None and p_unsupported < threshold:
                p_unsupported, driver = threshold, failing
            label: ClaimLabel = "supported"
            if p_unsupported >= threshold:
                limit = calibration.contradiction if calibration else 0.5
                strong = contra >= limit and contra > float(entail[best])
                label = "contradicted" if strong else "unsupported"
            window = plan.premises[rows[best]]
            results.append(
                ClaimResult(
                    span=claim,
                    label=label,
                    support=round(1.0 - p_unsupported, 4),
                    entailment=round(float(entail[best]), 4),
                    contradiction=round(contra, 4),
                    evidence=Evidence(window.doc_id, window.start, window.end, window.text),
                    signals={k: round(v, 4) for k, v in values.items()},
                    driver=driver,
                    pairs=tuple(plan.pairs[r] for r in rows),
                )
            )
        verdict, reason = judged_by(results)
        support = min(c.support for c in results)
        return GroundingResult(verdict, reason, support, results, plan.skipped, model.id)

    def _threshold(self, calibration: Calibration | None, claims: int) -> float:
        """P(unsupported) at which a claim of an answer of `claims` claims fails."""
        if self.settings.min_support is not None:
            return 1.0 - self.settings.min_support
        if calibration is None:
            return 0.5
        return claim_threshold(calibration.threshold, calibration.claims_exponent, claims)

    def _not_evaluated(
        self, reason: str, skipped: list[Skipped], started: float
    ) -> GroundingResult:
        timings = {"total_ms": _ms(time.perf_counter() - started)}
        return GroundingResult("not_evaluated", reason, None, [], skipped, self.model.id, timings)


FRAGMENT_WORDS = 6
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|[Mm]y|[Ww]e|[Ww]e're|[Ww]e've|[Oo]ur|me|us)\b")
UNREAD = -1  # `Plan.focus` of a claim whose contradiction is not read


_STARS = re.compile(r"\((\d(?:\.\d)?) stars?")


def _stars(heading: str) -> float | None:
    """A review heading's stars: "Review 2 (2 stars, May 14, 2022): " -> 2.0."""
    found = _STARS.search(heading)
    return float(found.group(1)) if found else None


def _goes_on(previous: Span, claim: Span) -> bool:
    """Whether `claim` is a clause cut from the sentence `previous` is in, with the same
    subject: it opens in lower case after a claim with no closing stop, with no subject of
    its own ("…, though booking was two weeks out"; not "…, and a third said …")."""
    return (
        claim.text[:1].islower()
        and not previous.text.rstrip().endswith((".", "!", "?"))
        and not _NEW_SUBJECT.match(claim.text)
    )


# a clause's own subject: "and a third said", "but the staff were", "while others found"
_NEW_SUBJECT = re.compile(
    r"(?:(?:and|but|though|although|while|whereas|yet)\s+)?(?:a|an|the|one|another|others?"
    r"|some|many|most|several|both|all|each|two|three|four|its?|their|this|that|these|those)\b"
)


def _affirmed_pair(claim: str, premise: str, question: str | None) -> Pair | None:
    """A claim and its focused premise that both negate, with their negations taken out
    (`lexical.affirmed`): "No restart is needed." of "You do not need to restart your
    computer" is read as "restart is needed." of "You do need to restart …". The model calls
    the first pair a contradiction (0.89) and the second not (0.12); the claim's contradiction
    is read from it. So is a list item "No lubrication on the caliper contact points." of "…
    and a lack of lubrication on the caliper contact points" (0.98 contradiction; affirmed,
    0.97 entailment). None when either side does not negate (`lexical.negates`), or negates
    with no word to take out ("neither … nor")."""
    if not (lexical.has_negation(claim) and lexical.negates(premise)):
        return None
    plain_claim, plain_premise = lexical.affirmed(claim), lexical.affirmed(premise)
    if plain_claim is None or plain_premise is None:
        return None
    return Pair(plain_premise, with_question(plain_claim, question))


# negations whose removal says no denial: "not only X but Y", "can't eat until 6 pm", "no more
# than two cups", "no lack of options", "nothing but praise"
_NO_DENIAL = re.compile(
    r"\bnot\s+only\b|\buntil\b|\b(?:no|not)\s+(?:more|less|fewer|later|earlier|sooner)\s+than\b"
    r"|\bno\s+(?:lack|shortage)\b|\bnothing\s+but\b",
    re.IGNORECASE,
)


def _denial_pair(claim: str, premise: str, question: str | None) -> Pair | None:
    """A negated claim without its negations (`lexical.affirmed`), of its focused premise:
    "Grapes are a safe treat for your dog." of "… so any amount should be treated as
    dangerous". The model reads a negation on the hypothesis's side as contradiction whatever
    the premise says ("Grapes aren't a safe treat for your dog.": contradiction 0.87); the
    claim is contradicted only when its denial is entailed, so the denial's entailment (0.34)
    bounds its contradiction. On the hand-written cases' answers over passages and summaries,
    46 of 96 such claims of correct answers (of premises that negate nothing) read a
    contradiction over 0.5, 17 with the bound. A premise that negates too is read as it is
    ("There is no known safe amount …": the claim's own contradiction comes from
    `_affirmed_pair`). None when the claim does not negate, negates with no word to take
    out, or negates in a way whose removal says no denial (`_NO_DENIAL`: "not only", "not
    until", "no more than")."""
    if not lexical.has_negation(claim) or _NO_DENIAL.search(claim):
        return None
    plain = lexical.affirmed(claim)
    if plain is None or plain == claim:
        return None
    return Pair(premise, with_question(plain, question))


def _denial_row(plan: Plan, claim: int) -> int | None:
    """The row of the claim's denial pair in `plan.pairs`, None when it has none."""
    return plan.denial[claim] if plan.denial else None


def _bounds(plan: Plan, claim: int) -> set[int]:
    """The rows of the claim's pairs that only bound its contradiction (its denial pair and
    its joined premise): no premise its entailment is read from. A joined premise's
    entailment let an invented claim pass ("Any other unused days can be paid out in cash"
    of a leave policy: 0.23 against 0.06 for its best premise)."""
    rows = {_denial_row(plan, claim), plan.joined[claim] if plan.joined else None}
    return {r for r in rows if r is not None}


def with_question(claim: str, question: str | None) -> str:
    """The hypothesis the model judges: a fragment answer ("1793", "Arthur's Magazine": short,
    no closing punctuation) means nothing without its question, so the question goes first; a
    sentence stands alone (prefixing every answer taught the model a shortcut: see
    training/README.md)."""
    fragment = len(claim.split()) <= FRAGMENT_WORDS and not claim.rstrip().endswith((".", "!", "?"))
    if question and fragment:
        return f"{question} {claim}"
    return claim


def _without_words(text: str, words: frozenset[str]) -> str:
    """`text` without the words whose terms are all among `words` (a record's name)."""
    kept = []
    for word in text.split():
        said = set(lexical.terms(word))
        if not said or not said <= words:  # a number or a word of its own stays
            kept.append(word)
    return " ".join(kept)


# the rule signals that fail a claim when set, in the order they are named as its driver
FAILING_RULES = (
    "miscounted",
    "misattributed",
    "retitled",
    "generalised",
    "swapped",
    "overstated",
    "widened",
    "reversed",
    "unlinked",
    "embellished",
    "new_term",
    "added",
    "unlisted",
    "overgeneralised",
    "misquoted",
)


def _fails(plan: Plan, claim: int) -> str | None:
    """The signal that fails a claim whatever the model reads, if one does: a number the
    context never states (the model reads such claims as entailed when their other words
    match: grounding/numbers.py), or a date it dates otherwise (grounding/dates.py), or a
    count that the sentence it restates gives otherwise or to another thing, or two numbers
    traded between what is said around them, or a time of day on the other side of noon, or
    a share its own numbers do not make (`numbers`), or,
    when the context is records only, a name none of them states (a stylist, a city, a
    cuisine the record lacks: in the hand-written record sets every correct overview's names
    are the record's own, see docs/grounding.md), or a
    statement given to someone the context does not name beside it (by name, or by "He said"
    after the answer's sentence that names them), or one that puts another of the context's
    names in the place of its source's or two of them traded, or the two parties of a verb
    the other way round, or a title or role the context does not give the person beside
    their name, or a first or last name it never gives the person, or of records a staff
    member credited with what a review says of another (`attribution`), or a hedge
    made certain, an option said required, a scope widened (a part said of its whole
    among them) or a condition dropped (`modality`), or a direction
    reversed, a comparison's sides traded, a span of time turned before or after its event,
    a harm the context denies or spares said of someone, or what the context negates
    affirmed, or what it says is not yet done said done, or two figures compared the other
    way round from the claim's own word (`polarity`), or a causal link or a
    purpose the context never states (`causation`), or praise or rank the context never
    gives, or a name for something it never names, or a clause of words it never uses
    (`embellishment`), or, of records, what
    the business is said to offer that no word of them names (`attributes.unlisted`) or what
    one review says given to many reviewers (`sentiment.overgeneralised`), or what some
    review never touches given to every reviewer (`sentiment.not_everyones`), or a quotation no
    sentence of the context holds (`quotes`)."""
    signals = plan.lexical[claim]
    if signals["missing_numbers"] > 0:
        return "missing_numbers"
    failed = next((rule for rule in FAILING_RULES if signals.get(rule)), None)
    if failed is not None:
        return failed
    if plan.records_only and signals["missing_entities"] > 0:
        return "missing_entities"
    return None


def judged_by(claims: Sequence[ClaimResult]) -> tuple[Verdict, str]:
    """An answer's verdict and reason from its (one or more) claims' labels: "contradicted"
    when a claim is, "ungrounded" when one is unsupported, else "grounded"; the reason counts
    the claims that are not supported ("1 of 2 claims not supported")."""
    labels = {c.label for c in claims}
    verdict: Verdict = (
        "contradicted"
        if "contradicted" in labels
        else "ungrounded"
        if "unsupported" in labels
        else "grounded"
    )
    failed = sum(c.label != "supported" for c in claims)
    return verdict, f"{failed} of {len(claims)} claims not supported"


def claim_threshold(threshold: float, exponent: float, claims: int) -> float:
    """1 - (1 - threshold) / claims**exponent: the per-claim bar rises with the number of
    claims so that the answer-level false-alarm rate stays flat (fitted in
    training/build_model.py on multi-claim answers)."""
    return 1.0 - (1.0 - threshold) / float(max(1, claims) ** exponent)


def _assemble(units: list[Unit], scores: list[float], budget: int) -> Window | None:
    """The best-matching units that fit `budget` tokens, with the best one's neighbours
    where room is left, in document order; None when no unit shares a word with the claim."""
    ranked = sorted(range(len(units)), key=lambda i: -scores[i])
    if not ranked or scores[ranked[0]] <= 0:
        return None
    top = ranked[0]
    neighbours = [i for i in (top - 1, top + 1) if 0 <= i < len(units)]
    order = [top, *(i for i in ranked[1:] if scores[i] > 0), *neighbours]
    chosen: set[int] = set()
    used = 0
    for i in order:
        if i in chosen or used + units[i].tokens > budget:
            continue
        if units[i].doc_id != units[top].doc_id and i in neighbours:
            continue
        chosen.add(i)
        used += units[i].tokens
    picked = [units[i] for i in sorted(chosen)]
    best = units[top]
    return Window(best.doc_id, -1, best.start, best.end, _join(picked))


JOIN_CHARS = 600  # the longest sentence `_joined` adds to a claim's best one


def _lacking(claim: str, words: Set[str]) -> set[str]:
    """The claim's content words of three letters or more that `words` lacks: what a joined
    premise must add (`_joined`, `_joined_review`)."""
    return {w for w in lexical.content_words(claim) if len(w) > 2} - words


def _joined(units: list[Unit], words: Sequence[Set[str]], best: int, claim: str) -> str | None:
    """The claim's best-matching sentence (`units[best]`) with the sentence of its document
    that holds most of the claim's content words it lacks, in document order: the one next
    to it when that holds one of them, any other when it holds two; None when none does.
    `words`: each unit's content words."""
    rest = _lacking(claim, words[best])
    if not rest:
        return None
    doc = units[best].doc_id
    held = {
        j: len(rest & words[j])
        for j in range(len(units))
        if j != best and units[j].doc_id == doc and len(units[j].text) <= JOIN_CHARS
    }
    other = max(held, key=lambda j: (held[j], -abs(j - best)), default=None)
    if other is None or held[other] < (1 if abs(other - best) == 1 else 2):
        return None
    first, second = sorted((best, other))
    return f"{units[first].text} {units[second].text}"


def _joined_review(
    lines: list[str], reviews: set[int], best: int, focused: str, claim: str
) -> str | None:
    """A claim's focused review sentences (`focused`, of review line `lines[best]`) with the
    sentences of another review of the record that say most of the claim's content words
    they lack (two at least; `review_focus`), in review order: "A party of eight paid about
    $22 per person, and the big round tables suit family gatherings" draws on two reviews.
    None when no other review says two of them."""
    rest = _lacking(claim, set(lexical.content_words(focused)))
    held = {
        j: len(rest & set(lexical.content_words(lines[j])))
        for j in reviews
        if lines[j] != lines[best] and lines[j].split(":", 1)[0] != lines[best].split(":", 1)[0]
    }
    other = max(held, key=lambda j: (held[j], -j), default=None)
    if other is None or held[other] < 2:
        return None
    said = review_focus(lines[other], " ".join(sorted(rest)))
    if said is None:
        return None
    return f"{focused} {said}" if best < other else f"{said} {focused}"


def _judged(probs: np.ndarray) -> np.ndarray:
    """Which pairs the model (or the cache) judged: `_score` leaves the rest NaN."""
    judged: np.ndarray = ~np.isnan(probs[:, 0])
    return judged


def _longest(plan: Plan) -> int:
    return max((len(rows) for rows in plan.pair_windows), default=0)


def _field_evidence(doc: Document, stated: attributes.FieldCheck) -> Evidence:
    """Where the document states the field that decided a claim (its linearised words; for
    what the record is, its first line: name, address, categories)."""
    words = stated.stated or doc.text.split("\n", 1)[0]
    start = max(doc.text.find(words), 0)
    return Evidence(doc.id, start, start + len(words), words)


def _ruled(
    claim: Span, label: ClaimLabel, evidence: Evidence, signals: dict[str, float]
) -> ClaimResult:
    """A claim a record's fields decided: no model, so entailment / contradiction are 1 / 0
    (supported), 0 / 1 (contradicted) or 0 / 0 (unsupported: a field the record leaves
    open), and the driver is "record"."""
    agrees = label == "supported"
    contradicts = label == "contradicted"
    return ClaimResult(
        span=claim,
        label=label,
        support=1.0 if agrees else 0.0,
        entailment=1.0 if agrees else 0.0,
        contradiction=1.0 if contradicts else 0.0,
        evidence=evidence,
        signals={**signals, "nli": 0.0 if agrees else 1.0, "contradiction": float(contradicts)},
        driver="record",
    )


def _join(units: list[Unit]) -> str:
    return " ".join(u.text for u in units)


def _lexical_signals(
    claim: str, words: set[str], context: numbers.Stated, users: numbers.Given
) -> dict[str, float]:
    return {
        "missing_words": lexical.missing_share(claim, words),
        "missing_span": lexical.missing_span(claim, words),
        "missing_numbers": numbers.missing_share(claim, context, users),
        "missing_entities": lexical.missing_entities(claim, words),
    }


def _calibrated(values: dict[str, float], calibration: Calibration | None) -> tuple[float, str]:
    """P(unsupported) and the signal that pushed it up most."""
    if calibration is None:
        return values["nli"], "nli"
    contributions = _contributions(values, calibration)
    z = calibration.bias + sum(contributions.values())
    return _sigmoid(z), max(contributions, key=lambda k: contributions[k])


def _contributions(values: dict[str, float], calibration: Calibration) -> dict[str, float]:
    """Each signal's weighted value: the logistic regression's terms."""
    return {
        name: weight * values[name]
        for name, weight in zip(calibration.features, calibration.weights, strict=True)
    }


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    return math.exp(z) / (1.0 + math.exp(z))  # no overflow for large negative z


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)
