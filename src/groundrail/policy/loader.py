"""Read a directory of policy files into a validated, inheritance-resolved policy set.

Every error names the file, the line, the field, the bad value and what is allowed:
`policies/support.yaml:14: rules[2].threshold: 1.7 is not between 0 and 1`.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import orjson
import yaml
from pydantic import ValidationError

from groundrail import validation
from groundrail.config import substitute_env
from groundrail.policy.schema import Policy
from groundrail.rules.base import RuleConfig
from groundrail.rules.registry import RULES
from groundrail.validation import Problem, short_repr

DEFAULT_POLICY = "default"
SUFFIXES = (".yaml", ".yml")


class PolicyError(Exception):
    """One or more policy files are invalid; str() lists every problem, one per line."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass(slots=True, frozen=True)
class LoadedPolicy:
    policy: Policy
    rules: tuple[RuleConfig, ...]  # inheritance resolved, each validated by its kind
    source: str  # file it came from, or "built-in"
    hash: str  # content hash of the resolved policy: it keys caches and names the version

    @property
    def name(self) -> str:
        return self.policy.name

    @property
    def label(self) -> str:
        return f"{self.policy.name}@{self.hash[:8]}"


def builtin_default() -> dict[str, Any]:
    """With no policy files: grounding in flag mode, nothing else; a plain chat (no documents
    to ground in) passes."""
    return {
        "name": DEFAULT_POLICY,
        "description": "built-in: flag answers whose claims the context does not support",
        "rules": [
            {
                "name": "grounded",
                "kind": "grounding",
                "on_unsupported": "flag",
                "on_contradiction": "flag",
                "on_no_context": "pass",
            }
        ],
    }


def policy_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p for p in path.iterdir() if p.suffix in SUFFIXES and not p.name.startswith(".")
            )
        else:
            files.append(path)
    return files


def load(paths: Iterable[Path], env: dict[str, str] | None = None) -> dict[str, LoadedPolicy]:
    """All policies in `paths` (files or directories), plus the built-in default unless a file
    defines `default`. Raises PolicyError listing every problem found."""
    env = dict(os.environ) if env is None else env
    problems: list[str] = []
    raw: dict[str, tuple[str, Policy, list[RuleConfig]]] = {}
    for file in policy_files(paths):
        for policy, rules in _read(file, env, problems):
            if policy.name in raw:
                problems.append(
                    f"{file}: policy {policy.name!r} is also defined in {raw[policy.name][0]}"
                )
            raw[policy.name] = (str(file), policy, rules)
    if DEFAULT_POLICY not in raw:
        default = Policy.model_validate(builtin_default())
        raw[DEFAULT_POLICY] = ("built-in", default, _rules(default, "built-in", None, problems))
    resolved: dict[str, LoadedPolicy] = {}
    for name in raw:
        _resolve(name, raw, resolved, problems, [])
    if problems:
        raise PolicyError(problems)
    return resolved


def _read(
    file: Path, env: dict[str, str], problems: list[str]
) -> list[tuple[Policy, list[RuleConfig]]]:
    try:
        text = file.read_text(encoding="utf-8")
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
        docs = list(yaml.safe_load_all(text))
    except OSError as exc:
        problems.append(f"{file}: cannot read: {exc.strerror}")
        return []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"{file}:{mark.line + 1}" if mark is not None else str(file)
        problems.append(f"{at}: invalid YAML: {getattr(exc, 'problem', exc)}")
        return []
    out = []
    for node, doc in zip(nodes, docs, strict=True):
        if doc is None:
            continue
        where = _Locator(file, node)
        if not isinstance(doc, dict):
            problems.append(f"{where.at(())}: a policy must be a mapping (name:, rules: …)")
            continue
        try:
            doc = substitute_env(doc, env)
        except KeyError as exc:
            problems.append(
                f"{where.at(())}: environment variable {exc.args[0]} is not set "
                f"(set it, or give a default: ${{{exc.args[0]}:-value}})"
            )
            continue
        try:
            policy = Policy.model_validate(doc)
        except ValidationError as exc:
            problems += [where.error(p) for p in validation.problems(exc)]
            continue
        out.append((policy, _rules(policy, str(file), where, problems)))
    return out


def _rules(
    policy: Policy, file: str, where: _Locator | None, problems: list[str]
) -> list[RuleConfig]:
    rules = []
    for n, rule in enumerate(policy.rules):
        kind = rule.get("kind")
        rule_class = RULES.get(kind) if isinstance(kind, str) else None
        if rule_class is None:
            loc: tuple[Any, ...] = ("rules", n, "kind")
            allowed = ", ".join(sorted(RULES))
            at = where.at(loc) if where else file
            problems.append(
                f"{at}: rules[{n}].kind: {short_repr(kind)} is not a rule kind; "
                f"use one of: {allowed}"
            )
            continue
        try:
            rules.append(rule_class.Config.model_validate(rule))
        except ValidationError as exc:
            for problem in validation.problems(exc):
                problem = replace(problem, loc=("rules", n, *problem.loc))
                problems.append(where.error(problem) if where else f"{file}: {problem.sentence()}")
    return rules


def _resolve(
    name: str,
    raw: dict[str, tuple[str, Policy, list[RuleConfig]]],
    done: dict[str, LoadedPolicy],
    problems: list[str],
    chain: list[str],
) -> LoadedPolicy | None:
    if name in done:
        return done[name]
    source, policy, rules = raw[name]
    if name in chain:
        problems.append(f"{source}: policy {name!r}: extends forms a cycle: {' -> '.join(chain)}")
        return None
    merged = list(rules)
    if policy.extends is not None:
        if policy.extends not in raw:
            problems.append(
                f"{source}: policy {name!r} extends {policy.extends!r}, which is not defined"
            )
            return None
        parent = _resolve(policy.extends, raw, done, problems, [*chain, name])
        if parent is None:
            return None
        own = {r.name for r in rules}  # a rule of the same name replaces the inherited one
        merged = [r for r in parent.rules if r.name not in own] + merged
    digest = hashlib.sha256(
        orjson.dumps(
            [
                policy.model_dump(mode="json", exclude={"rules"}),
                [r.model_dump(mode="json") for r in merged],
            ],
            option=orjson.OPT_SORT_KEYS,
        )
    ).hexdigest()
    done[name] = LoadedPolicy(policy, tuple(merged), source, digest)
    return done[name]


class _Locator:
    """Maps a pydantic error location to the line of the YAML node it names."""

    def __init__(self, file: Path, node: yaml.Node) -> None:
        self._file = file
        self._node = node

    def at(self, loc: tuple[Any, ...]) -> str:
        node = self._node
        for part in loc:
            child = _child(node, part)
            if child is None:
                break
            node = child
        return f"{self._file}:{node.start_mark.line + 1}"

    def error(self, problem: Problem) -> str:
        return f"{self.at(problem.loc)}: {problem.sentence()}"


def _child(node: yaml.Node, part: Any) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == str(part):
                return value  # type: ignore[no-any-return]
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]  # type: ignore[no-any-return]
    return None
