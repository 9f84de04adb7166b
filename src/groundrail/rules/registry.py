"""Every rule kind a policy may name, and how a validated rule config becomes a rule."""

from __future__ import annotations

from typing import Any

from groundrail.rules.banned_terms import BannedTermsRule
from groundrail.rules.base import Rule, RuleConfig
from groundrail.rules.citations import CitationsRule
from groundrail.rules.grounding import GroundingRule
from groundrail.rules.json_schema import JsonSchemaRule
from groundrail.rules.pii import PiiRule
from groundrail.rules.regex import RegexRule
from groundrail.rules.token_budget import TokenBudgetRule
from groundrail.rules.tool_failure import ToolFailureRule
from groundrail.rules.uncertainty import UncertaintyRule
from groundrail.rules.urls import UrlsRule

RULES: dict[str, type[Rule[Any]]] = {
    rule.kind: rule
    for rule in (
        GroundingRule,
        RegexRule,
        PiiRule,
        BannedTermsRule,
        UrlsRule,
        JsonSchemaRule,
        ToolFailureRule,
        TokenBudgetRule,
        UncertaintyRule,
        CitationsRule,
    )
}


def build(config: RuleConfig) -> Rule[Any]:
    """The rule for a config validated by its kind's `Config` model."""
    kind = getattr(config, "kind", None)
    rule = RULES.get(kind) if isinstance(kind, str) else None
    if rule is None or not isinstance(config, rule.Config):
        raise ValueError(f"no rule kind {kind!r} takes a {type(config).__name__}")
    return rule(config)
