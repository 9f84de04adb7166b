"""The Helm chart (helm/groundrail), rendered with `helm template` for the default values and
each ci/*.yaml, and checked for what a deployment depends on: the policies mounted as a
watched directory, the probes, the locked-down security context, ports that line up, Secrets
wired as env, a config file and policies the gateway accepts."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from groundrail.config import Settings, substitute_env
from groundrail.policy.loader import load as load_policies

CHART = Path(__file__).resolve().parents[1] / "helm" / "groundrail"
CI_VALUES = sorted(p.name for p in (CHART / "ci").glob("*.yaml"))
VALUE_SETS = [None, *CI_VALUES]
# Settings the chart sets itself (env vars and mounts), never from .Values.config.
CHART_OWNED = {"host", "port", "config", "policies", "redis_url"}

Manifest = dict[str, Any]


def helm_binary() -> str | None:
    return os.environ.get("GROUNDRAIL_HELM") or shutil.which("helm")


@pytest.fixture(scope="module")
def helm() -> str:
    found = helm_binary()
    if not found:
        pytest.skip("no helm binary: set GROUNDRAIL_HELM (bash .ci/helm.sh fetches one)")
    return found


def run_helm(*args: str) -> subprocess.CompletedProcess[str]:
    binary = helm_binary()
    assert binary
    return subprocess.run(
        [binary, *args], cwd=CHART, capture_output=True, text=True, timeout=120, check=False
    )


def value_args(values: str | None, sets: tuple[str, ...] = ()) -> list[str]:
    args = ["-f", f"ci/{values}"] if values else []
    for item in sets:
        args += ["--set", item]
    return args


@cache
def render(values: str | None = None, sets: tuple[str, ...] = ()) -> list[Manifest]:
    done = run_helm("template", "gw", ".", "--namespace", "llm", *value_args(values, sets))
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


def one(manifests: list[Manifest], kind: str, name_suffix: str = "") -> Manifest:
    found = [
        m for m in manifests if m["kind"] == kind and m["metadata"]["name"].endswith(name_suffix)
    ]
    assert len(found) == 1, f"{kind} *{name_suffix}: {[m['metadata']['name'] for m in found]}"
    return found[0]


def container(manifests: list[Manifest]) -> Manifest:
    containers = one(manifests, "Deployment")["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]  # type: ignore[no-any-return]


def env_of(manifests: list[Manifest]) -> dict[str, Manifest]:
    return {e["name"]: e for e in container(manifests)["env"]}


def env_value(manifests: list[Manifest], name: str) -> str:
    entry = env_of(manifests)[name]
    assert "value" in entry, f"{name} is not a plain value: {entry}"
    return str(entry["value"])


def config_file(manifests: list[Manifest]) -> dict[str, Any]:
    text = one(manifests, "ConfigMap", "-config")["data"]["groundrail.yaml"]
    return yaml.safe_load(text)  # type: ignore[no-any-return]


@pytest.mark.parametrize("values", VALUE_SETS)
def test_lint_strict(helm: str, values: str | None) -> None:
    done = run_helm("lint", "--strict", ".", *value_args(values))
    assert done.returncode == 0, done.stdout + done.stderr


def test_ci_value_sets_exist() -> None:
    assert {"prod-values.yaml", "sentinel-values.yaml"} <= set(CI_VALUES)


@pytest.mark.parametrize("values", VALUE_SETS)
def test_policies_configmap_is_mounted_as_the_policies_directory(
    helm: str, values: str | None
) -> None:
    manifests = render(values)
    pod = one(manifests, "Deployment")["spec"]["template"]["spec"]
    policies_dir = env_value(manifests, "GROUNDRAIL_POLICIES")
    mounts = [m for m in container(manifests)["volumeMounts"] if m["mountPath"] == policies_dir]
    assert len(mounts) == 1, f"nothing mounted at GROUNDRAIL_POLICIES={policies_dir}"
    # a subPath mount would never see ConfigMap updates: hot reload needs the whole directory
    assert "subPath" not in mounts[0] and "subPathExpr" not in mounts[0]
    volume = next(v for v in pod["volumes"] if v["name"] == mounts[0]["name"])
    assert "items" not in volume["configMap"]
    configmap = one(manifests, "ConfigMap", "-policies")
    assert volume["configMap"]["name"] == configmap["metadata"]["name"]
    assert configmap["data"], "no policy files"
    assert all(re.fullmatch(r"[\w.-]+\.ya?ml", name) for name in configmap["data"])


@pytest.mark.parametrize("values", VALUE_SETS)
def test_config_file_is_mounted_where_groundrail_config_points(
    helm: str, values: str | None
) -> None:
    manifests = render(values)
    path = Path(env_value(manifests, "GROUNDRAIL_CONFIG"))
    mount = next(m for m in container(manifests)["volumeMounts"] if m["name"] == "config")
    assert Path(mount["mountPath"]) == path.parent
    pod = one(manifests, "Deployment")["spec"]["template"]["spec"]
    volume = next(v for v in pod["volumes"] if v["name"] == "config")
    configmap = one(manifests, "ConfigMap", "-config")
    assert volume["configMap"]["name"] == configmap["metadata"]["name"]
    assert path.name in configmap["data"]


@pytest.mark.parametrize("values", VALUE_SETS)
def test_probes(helm: str, values: str | None) -> None:
    c = container(render(values))
    assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
    startup = c["startupProbe"]
    assert startup["httpGet"]["path"] == "/healthz"
    # the model loads before the server listens: give it at least a minute
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 60
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        assert c[probe]["httpGet"]["port"] in ("http", c["ports"][0]["containerPort"])


@pytest.mark.parametrize("values", VALUE_SETS)
def test_runs_locked_down(helm: str, values: str | None) -> None:
    manifests = render(values)
    pod = one(manifests, "Deployment")["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001
    sc = container(manifests)["securityContext"]
    assert sc["runAsNonRoot"] is True
    assert sc["readOnlyRootFilesystem"] is True
    assert sc["allowPrivilegeEscalation"] is False
    assert sc["capabilities"]["drop"] == ["ALL"]
    tmp = next(m for m in container(manifests)["volumeMounts"] if m["mountPath"] == "/tmp")
    volume = next(v for v in pod["volumes"] if v["name"] == tmp["name"])
    assert "emptyDir" in volume
    assert pod["automountServiceAccountToken"] is False


@pytest.mark.parametrize("values", VALUE_SETS)
def test_service_port_matches_container_port(helm: str, values: str | None) -> None:
    manifests = render(values)
    c = container(manifests)
    (port,) = c["ports"]
    assert int(env_value(manifests, "GROUNDRAIL_PORT")) == port["containerPort"]
    assert env_value(manifests, "GROUNDRAIL_HOST") == "0.0.0.0"
    service = one(manifests, "Service")
    (service_port,) = service["spec"]["ports"]
    assert service_port["targetPort"] in (port["name"], port["containerPort"])
    pod_labels = one(manifests, "Deployment")["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= pod_labels.items()


@pytest.mark.parametrize("values", VALUE_SETS)
def test_config_file_is_valid_settings_and_its_env_refs_are_defined(
    helm: str, values: str | None
) -> None:
    manifests = render(values)
    config = config_file(manifests)
    env = env_of(manifests)
    text = json.dumps(config)
    for name in re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", text):
        assert name in env, f"groundrail.yaml refers to ${{{name}}}, which the pod does not set"
    if "redis_url" not in Settings.model_fields:  # Redis support is still to come
        config.pop("redis_url", None)
    fake_env = {name: f"value-of-{name}" for name in env}
    settings = Settings.model_validate(substitute_env(config, fake_env))
    assert settings.routes()


@pytest.mark.parametrize("values", VALUE_SETS)
def test_env_references_come_from_earlier_env_vars(helm: str, values: str | None) -> None:
    """Kubernetes expands $(VAR) in an env value only from variables defined before it."""
    defined: set[str] = set()
    for entry in container(render(values))["env"]:
        for name in re.findall(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", str(entry.get("value", ""))):
            assert name in defined, f"{entry['name']} refers to $({name}), not defined before it"
        defined.add(entry["name"])


def test_sentinel_with_tls_and_its_own_password(helm: str) -> None:
    manifests = render(
        sets=(
            "redis.sentinel.masterName=main",
            "redis.sentinel.hosts={s-0:26379,s-1:26379}",
            "redis.sentinel.tls=true",
            "redis.sentinel.passwordSecret.name=sentinel",
        )
    )
    assert env_value(manifests, "GROUNDRAIL_REDIS_URL") == (
        "rediss+sentinel://s-0:26379,s-1:26379/main/0"
        "?sentinel_password=$(GROUNDRAIL_REDIS_SENTINEL_PASSWORD)"
    )
    ref = env_of(manifests)["GROUNDRAIL_REDIS_SENTINEL_PASSWORD"]["valueFrom"]["secretKeyRef"]
    assert ref == {"name": "sentinel", "key": "password"}


@pytest.mark.parametrize("values", VALUE_SETS)
def test_policies_load(helm: str, values: str | None, tmp_path: Path) -> None:
    data = one(render(values), "ConfigMap", "-policies")["data"]
    for name, text in data.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    policies = load_policies([tmp_path], env={})
    assert "default" in policies


def test_config_schema_knows_exactly_the_settings_the_user_may_set() -> None:
    schema = json.loads((CHART / "values.schema.json").read_text(encoding="utf-8"))
    allowed = set(schema["properties"]["config"]["properties"])
    assert allowed == set(Settings.model_fields) - CHART_OWNED


def test_default_values_have_hpa_and_pdb(helm: str) -> None:
    manifests = render()
    hpa = one(manifests, "HorizontalPodAutoscaler")
    assert hpa["apiVersion"] == "autoscaling/v2"
    deployment = one(manifests, "Deployment")
    assert hpa["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    assert "replicas" not in deployment["spec"], "the HPA owns the replica count"
    (metric,) = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu"
    pdb = one(manifests, "PodDisruptionBudget")
    assert pdb["apiVersion"] == "policy/v1"
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert pdb["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    spread = deployment["spec"]["template"]["spec"]["topologySpreadConstraints"]
    assert spread and all(
        c["labelSelector"]["matchLabels"].items() <= pod_labels.items() for c in spread
    )
    kinds = {m["kind"] for m in manifests}
    assert "ServiceMonitor" not in kinds and "Ingress" not in kinds
    assert "GROUNDRAIL_REDIS_URL" not in env_of(manifests)
    assert "redis_url" not in config_file(manifests)


def test_prod_values(helm: str) -> None:
    manifests = render("prod-values.yaml")
    assert one(manifests, "HorizontalPodAutoscaler")["spec"]["minReplicas"] == 3
    # the password stays in its Secret; Kubernetes puts it into the URL
    url = "redis://:$(GROUNDRAIL_REDIS_PASSWORD)@redis-master.redis.svc.cluster.local:6379/0"
    assert env_value(manifests, "GROUNDRAIL_REDIS_URL") == url
    assert config_file(manifests)["redis_url"] == "${GROUNDRAIL_REDIS_URL}"
    password = env_of(manifests)["GROUNDRAIL_REDIS_PASSWORD"]["valueFrom"]["secretKeyRef"]
    assert password == {"name": "redis", "key": "redis-password"}
    openai = env_of(manifests)["OPENAI_API_KEY"]["valueFrom"]["secretKeyRef"]
    assert openai == {"name": "openai", "key": "api-key"}
    assert "support-bot.yaml" in one(manifests, "ConfigMap", "-policies")["data"]

    service = one(manifests, "Service")
    ingress = one(manifests, "Ingress")
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == service["metadata"]["name"]
    assert backend["port"]["name"] == service["spec"]["ports"][0]["name"]
    monitor = one(manifests, "ServiceMonitor")
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert monitor["spec"]["endpoints"][0]["path"] == "/metrics"
    assert monitor["spec"]["endpoints"][0]["port"] == service["spec"]["ports"][0]["name"]
    assert (
        monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    )


def test_sentinel_values(helm: str) -> None:
    manifests = render("sentinel-values.yaml")
    assert env_value(manifests, "GROUNDRAIL_REDIS_URL") == (
        "redis+sentinel://:$(GROUNDRAIL_REDIS_PASSWORD)@"
        "redis-node-0.redis-headless.redis.svc.cluster.local:26379,"
        "redis-node-1.redis-headless.redis.svc.cluster.local:26379,"
        "redis-node-2.redis-headless.redis.svc.cluster.local:26379/mymaster/1"
    )
    env = env_of(manifests)
    assert env["GROUNDRAIL_GATEWAY_KEY_0"]["valueFrom"]["secretKeyRef"] == {
        "name": "groundrail-gateway-keys",
        "key": "team-support",
    }
    assert env["GROUNDRAIL_GATEWAY_UPSTREAM_KEY_0"]["valueFrom"]["secretKeyRef"] == {
        "name": "openai-team-support",
        "key": "api-key",
    }
    keys = config_file(manifests)["keys"]
    assert keys == {
        "${GROUNDRAIL_GATEWAY_KEY_0}": {
            "tenant": "team-support",
            "upstream_key": "${GROUNDRAIL_GATEWAY_UPSTREAM_KEY_0}",
        },
        "${GROUNDRAIL_GATEWAY_KEY_1}": {"tenant": "team-search"},
        "${GROUNDRAIL_GATEWAY_KEY_2}": {"tenant": "ops", "admin": True},
    }
    deployment = one(manifests, "Deployment")
    assert deployment["spec"]["replicas"] == 2
    assert not [m for m in manifests if m["kind"] == "HorizontalPodAutoscaler"]


def test_redis_url_from_a_secret(helm: str) -> None:
    manifests = render(sets=("redis.existingSecret.name=redis-url",))
    ref = env_of(manifests)["GROUNDRAIL_REDIS_URL"]["valueFrom"]["secretKeyRef"]
    assert ref == {"name": "redis-url", "key": "url"}
    assert config_file(manifests)["redis_url"] == "${GROUNDRAIL_REDIS_URL}"


def test_config_change_rolls_pods_and_policy_change_does_not(helm: str) -> None:
    def checksum(*sets: str) -> str:
        deployment = one(render(sets=sets), "Deployment")
        return str(deployment["spec"]["template"]["metadata"]["annotations"]["checksum/config"])

    base = checksum()
    assert checksum("config.log_level=debug") != base
    assert checksum("policies.extra\\.yaml=name: extra") == base


@pytest.mark.parametrize(
    ("sets", "message"),
    [
        (("containerPort=80",), "containerPort"),
        (("config.port=9000",), "port"),
        (("policies.notes\\.txt=x",), "notes.txt"),
        (("redis.url=redis://a:6379", "redis.existingSecret.name=s"), "only one"),
        (("redis.sentinel.masterName=m",), "sentinel"),
        (("redis.existingSecret.name=u", "redis.passwordSecret.name=p"), "passwordSecret"),
        (("redis.url=redis://u:pw@h:6379", "redis.passwordSecret.name=p"), "credentials"),
    ],
)
def test_bad_values_are_refused(helm: str, sets: tuple[str, ...], message: str) -> None:
    done = run_helm("template", "gw", ".", *value_args(None, sets))
    assert done.returncode != 0
    assert message in done.stderr


def test_notes_tell_how_to_point_the_sdk(helm: str) -> None:
    done = run_helm("install", "gw", ".", "--namespace", "llm", "--dry-run=client")
    assert done.returncode == 0, done.stderr
    notes = done.stdout.split("NOTES:", 1)[1]
    assert "http://gw-groundrail.llm.svc.cluster.local:8080/v1" in notes
    assert "port-forward service/gw-groundrail 8080:8080" in notes
    assert 'base_url="http://localhost:8080/v1"' in notes


def test_existing_policies_configmap(helm: str) -> None:
    manifests = render(sets=("existingPoliciesConfigMap=team-policies",))
    assert not [m for m in manifests if m["metadata"]["name"].endswith("-policies")]
    pod = one(manifests, "Deployment")["spec"]["template"]["spec"]
    policies_dir = env_value(manifests, "GROUNDRAIL_POLICIES")
    mount = next(m for m in container(manifests)["volumeMounts"] if m["mountPath"] == policies_dir)
    volume = next(v for v in pod["volumes"] if v["name"] == mount["name"])
    assert volume["configMap"]["name"] == "team-policies"
