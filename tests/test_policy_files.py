"""Policy files: validation with file:line errors, inheritance, env substitution, selection."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from groundrail.openai.errors import GatewayError
from groundrail.policy.loader import PolicyError, load
from groundrail.policy.store import PolicyStore

REPO_POLICIES = Path(__file__).resolve().parent.parent / "policies"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_shipped_policies_are_valid() -> None:
    policies = load([REPO_POLICIES], env={})
    assert {"default", "rag-support-bot", "strict-finance", "shadow-rollout"} <= set(policies)
    shadow = policies["shadow-rollout"]
    assert shadow.policy.mode == "shadow"
    assert [r.name for r in shadow.rules] == [r.name for r in policies["strict-finance"].rules]


def test_errors_name_file_line_field_value_and_fix(tmp_path: Path) -> None:
    write(
        tmp_path,
        "support.yaml",
        "name: support\n"
        "rules:\n"
        "  - name: grounded\n"
        "    kind: grounding\n"
        "    min_support: 1.7\n"
        "  - name: typo\n"
        "    kind: groundin\n"
        "  - name: pii\n"
        "    kind: pii\n"
        "    entities: [email, passport]\n"
        "    acton: rewrite\n",
    )
    with pytest.raises(PolicyError) as err:
        load([tmp_path], env={})
    problems = "\n".join(err.value.problems)
    file = tmp_path / "support.yaml"
    assert f"{file}:5: rules[0].min_support: 1.7 should be less than or equal to 1" in problems
    assert (
        f"{tmp_path / 'support.yaml'}:7: rules[1].kind: 'groundin' is not a rule kind" in problems
    )
    assert "use one of: banned_terms, citations, grounding" in problems
    assert f"{tmp_path / 'support.yaml'}:10: rules[2].entities" in problems
    assert "passport" in problems
    assert f"{tmp_path / 'support.yaml'}:11: rules[2].acton: unknown field" in problems


def test_errors_are_said_without_pydantic_internals(tmp_path: Path) -> None:
    write(
        tmp_path,
        "p.yaml",
        "name: p\n"
        "rules:\n"
        "  - {name: g, kind: grounding, max_unsupported: lots}\n"
        "  - {name: r, kind: regex, pattern: '('}\n",
    )
    with pytest.raises(PolicyError) as err:
        load([tmp_path], env={})
    assert err.value.problems == [
        f"{tmp_path / 'p.yaml'}:3: rules[0].max_unsupported: 'lots' is not an integer or a number",
        f"{tmp_path / 'p.yaml'}:4: rules[1].pattern: '(' is not a valid regular expression: "
        "missing ) at position 1 (Python `re` syntax)",
    ]


def test_broken_yaml_is_refused_with_its_line(tmp_path: Path) -> None:
    write(tmp_path, "broken.yaml", "name: x\nrules:\n  - name: a\n   kind: regex\n")
    with pytest.raises(PolicyError, match=r"broken\.yaml:4: invalid YAML"):
        load([tmp_path], env={})


def test_inheritance_merges_rules_by_name(tmp_path: Path) -> None:
    write(
        tmp_path,
        "base.yaml",
        "name: base\nrules:\n"
        "  - {name: grounded, kind: grounding, on_unsupported: flag}\n"
        "  - {name: secret, kind: regex, pattern: 'secret', action: reject}\n",
    )
    write(
        tmp_path,
        "child.yaml",
        "name: child\nextends: base\nrules:\n"
        "  - {name: grounded, kind: grounding, on_unsupported: reject}\n"
        "  - {name: pii, kind: pii}\n",
    )
    policies = load([tmp_path], env={})
    child = policies["child"]
    assert [r.name for r in child.rules] == ["secret", "grounded", "pii"]
    assert child.rules[1].on_unsupported == "reject"  # type: ignore[attr-defined]
    assert child.hash != policies["base"].hash


def test_inheritance_cycles_and_unknown_parents(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "name: a\nextends: b\n---\nname: b\nextends: a\n")
    write(tmp_path, "c.yaml", "name: c\nextends: nowhere\n")
    with pytest.raises(PolicyError) as err:
        load([tmp_path], env={})
    text = str(err.value)
    assert "extends forms a cycle" in text
    assert "extends 'nowhere', which is not defined" in text


def test_env_substitution(tmp_path: Path) -> None:
    write(
        tmp_path,
        "p.yaml",
        "name: p\nrules:\n"
        "  - name: links\n    kind: urls\n"
        "    allow_domains: ['${DOMAIN}', '${OTHER:-example.org}']\n",
    )
    policies = load([tmp_path], env={"DOMAIN": "bank.com"})
    assert policies["p"].rules[0].allow_domains == ["bank.com", "example.org"]  # type: ignore[attr-defined]
    with pytest.raises(PolicyError, match=r"p\.yaml:1: environment variable DOMAIN is not set"):
        load([tmp_path], env={})


def test_selection_order(tmp_path: Path) -> None:
    write(
        tmp_path,
        "all.yaml",
        "name: by-model\nmatch: {models: ['gpt-4o*']}\n---\n"
        "name: by-key\nmatch: {keys: [team-a]}\n---\n"
        "name: by-key-and-model\nmatch: {keys: [team-a], models: ['gpt-4o*']}\n---\n"
        "name: by-path\nmatch: {paths: [/v1/responses]}\n",
    )
    store = PolicyStore(None, load([tmp_path], env={}))
    chat = "/v1/chat/completions"

    def pick(
        header: str | None, body: str | None, tenant: str | None, model: str, path: str
    ) -> str:
        return store.select(header, body, tenant, model, path).name

    assert pick("by-path", "by-model", "team-a", "gpt-4o", chat) == "by-path"  # header first
    assert pick(None, "by-path", "team-a", "gpt-4o", chat) == "by-path"  # then the body field
    assert pick(None, None, "team-a", "gpt-4o", chat) == "by-key-and-model"  # most specific
    assert pick(None, None, "team-a", "llama", chat) == "by-key"  # keys before model
    assert pick(None, None, None, "gpt-4o-mini", chat) == "by-model"  # model before path
    assert pick(None, None, None, "llama", "/v1/responses") == "by-path"
    assert pick(None, None, None, "llama", chat) == "default"  # built in
    with pytest.raises(GatewayError) as err:
        pick("nope", None, None, "m", chat)
    assert err.value.code == "groundrail_unknown_policy"


def test_validate_cli(tmp_path: Path) -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "groundrail", "policy", "validate", str(REPO_POLICIES)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ok.returncode == 0, ok.stderr
    assert "ok  strict-finance@" in ok.stdout
    write(tmp_path, "bad.yaml", "name: bad\nrules:\n  - {name: r, kind: regex, pattern: '(['}\n")
    bad = subprocess.run(
        [sys.executable, "-m", "groundrail", "policy", "validate", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 1
    assert f"{tmp_path / 'bad.yaml'}:3: rules[0].pattern" in bad.stderr
    slow_rule = "  - {name: r, kind: regex, pattern: '^(\\w+\\s?)+$'}\n"
    write(tmp_path, "bad.yaml", "name: slow\nrules:\n" + slow_rule)
    slow = subprocess.run(
        [sys.executable, "-m", "groundrail", "policy", "validate", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert slow.returncode == 0, slow.stderr  # a warning, not an error
    assert "rule r: pattern '^(\\w+\\s?)+$' may backtrack catastrophically" in slow.stderr


def test_policy_reference_is_current() -> None:
    from groundrail.reference import render

    committed = (REPO_POLICIES.parent / "docs" / "policies.md").read_text()
    assert committed == render(REPO_POLICIES), "run: groundrail docs policies > docs/policies.md"


def test_configuration_reference_is_current() -> None:
    from groundrail.reference import configuration

    committed = (REPO_POLICIES.parent / "docs" / "configuration.md").read_text()
    assert committed == configuration(), (
        "run: groundrail docs configuration > docs/configuration.md"
    )


def test_policy_test_cli(tmp_path: Path) -> None:
    request = write(
        tmp_path,
        "request.json",
        '{"model": "gpt-4o", "messages": [{"role": "user", "content": "q"}],'
        ' "groundrail": {"context": ["The Louvre opened in 1793."]}}',
    )
    response = write(
        tmp_path,
        "response.json",
        '{"choices": [{"index": 0, "message": {"role": "assistant",'
        ' "content": "The Louvre opened in 1793. Mail x@y.com."}}]}',
    )
    policy = write(
        tmp_path, "p.yaml", "name: default\nrules:\n  - {name: pii, kind: pii, action: rewrite}\n"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "groundrail",
            "policy",
            "test",
            str(policy),
            "--request",
            str(request),
            "--response",
            str(response),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "decision rewrite" in done.stdout
    assert "The Louvre opened in 1793. Mail [REDACTED:email]." in done.stdout


def test_metrics_reference_is_current() -> None:
    from groundrail.reference import metrics_reference

    committed = (REPO_POLICIES.parent / "docs" / "metrics.md").read_text()
    assert committed == metrics_reference(), "run: groundrail docs metrics > docs/metrics.md"
