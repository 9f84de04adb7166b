"""`groundrail policy test`: a policy over a saved request and response, without any network."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import orjson

from groundrail.grounding.context import extract, question_of
from groundrail.grounding.engine import GroundingEngine
from groundrail.openai.answers import Text, texts
from groundrail.openai.errors import GatewayError
from groundrail.openai.requests import ParsedRequest, parse_completion
from groundrail.policy.choices import combine, judge
from groundrail.policy.engine import PolicyEngine
from groundrail.policy.loader import LoadedPolicy, load
from groundrail.policy.store import PolicyStore
from groundrail.rules.base import CheckContext


class TrialError(Exception):
    """The inputs of a trial are unusable; the message says which and why."""


@dataclass(slots=True, frozen=True)
class Trial:
    policy: LoadedPolicy
    parsed: ParsedRequest
    found: list[Text]  # every text of the response: answers, reasoning, tool-call arguments
    route: str


def prepare(
    policy_path: Path, request_file: Path, response_file: Path, route: str, name: str | None
) -> Trial:
    """Load the policies and the saved exchange (blocking file reads; call before the loop)."""
    store = PolicyStore(None, load([policy_path]))
    try:
        parsed = parse_completion(route, request_file.read_bytes())
        response = orjson.loads(response_file.read_bytes())
    except OSError as exc:
        raise TrialError(f"cannot read {exc.filename}: {exc.strerror}") from exc
    except orjson.JSONDecodeError as exc:
        raise TrialError(f"{response_file}: not JSON: {exc}") from exc
    except GatewayError as exc:
        raise TrialError(f"{request_file}: {exc}") from exc
    found = texts(route, response) if isinstance(response, dict) else []
    if not found:
        raise TrialError(f"{response_file}: no text for {route} in this response")
    policy = store.select(None, name or parsed.options.policy, None, parsed.model, route)
    return Trial(policy, parsed, found, route)


async def run(grounding: GroundingEngine, trial: Trial) -> str:
    """The policy over every text of the response, as the gateway judges it: each choice on its
    own, reasoning and tool-call arguments by the rules that read them."""
    policy, parsed, route = trial.policy, trial.parsed, trial.route
    documents = extract(route, parsed.body, parsed.options, policy.policy.context.sources)

    def context(text: Text) -> CheckContext:
        return CheckContext(
            path=route, request=parsed.body, model=parsed.model, documents=documents, part=text.part
        )

    question = question_of(route, parsed.body, parsed.options)
    judged = await judge(PolicyEngine(grounding), policy, context, trial.found, question, None)
    outcome = combine(judged)
    verdict, decision = outcome.verdict, outcome.verdict.decision
    lines = [f"policy   {policy.label} ({policy.policy.mode})", f"decision {decision.action}"]
    if decision.intended != decision.action:
        lines[-1] += f" (intended: {decision.intended})"
    for r in verdict.runs:
        error = f", error: {r.error}" if r.error else ""
        lines.append(f"  rule {r.rule} ({r.kind}): {r.findings} findings, {r.ms:.1f} ms{error}")
    lines += [
        f"  - [{f.suggested_action}] {f.rule} ({f.where}): {f.message}" for f in verdict.findings
    ]
    for text, rewritten in outcome.rewritten:
        lines += ["", f"rewritten {text.where}:", rewritten]
    return "\n".join(lines)
