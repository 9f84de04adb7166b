from __future__ import annotations

from pathlib import Path

import pytest

from groundrail.config import ConfigError, load_settings


def test_precedence_flag_env_file_default(tmp_path: Path) -> None:
    config = tmp_path / "groundrail.yaml"
    config.write_text("port: 7000\nhost: 127.0.0.2\nlog_level: debug\n")
    env = {"GROUNDRAIL_CONFIG": str(config), "GROUNDRAIL_PORT": "7100", "GROUNDRAIL_HOST": "::1"}
    settings = load_settings({"port": 7200, "host": None}, env)
    assert settings.port == 7200  # flag
    assert settings.host == "::1"  # env beats file
    assert settings.log_level == "debug"  # file beats default
    assert settings.workers == 1  # default


def test_no_file_no_env_works() -> None:
    settings = load_settings({}, {})
    assert settings.port == 8080
    assert [u.base_url for u in settings.routes()] == ["https://api.openai.com/v1"]


def test_bad_values_name_file_field_and_value(tmp_path: Path) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("upstreams:\n  - name: a\n    base_url: http://x\n    fallback: nope\n")
    with pytest.raises(ConfigError, match="fallback 'nope' is not defined"):
        load_settings({}, {"GROUNDRAIL_CONFIG": str(config)})
    with pytest.raises(ConfigError, match=r"port: 'abc' is not an integer"):
        load_settings({}, {"GROUNDRAIL_PORT": "abc"})
    config.write_text("port: [1,\n")
    with pytest.raises(ConfigError, match="invalid YAML"):
        load_settings({"config": str(config)}, {})


def test_model_level_errors_read_without_pydantic_prefixes() -> None:
    twice = [{"name": "a", "base_url": "http://x"}, {"name": "a", "base_url": "http://y"}]
    with pytest.raises(ConfigError) as err:
        load_settings({"upstreams": twice}, {})
    assert str(err.value) == "(top level): upstream names must be unique, got ['a', 'a']"
    with pytest.raises(ConfigError) as err:
        load_settings({}, {"GROUNDRAIL_WORKERS": "0"})
    assert str(err.value) == "workers: '0' should be greater than or equal to 1"


def test_env_substitution_in_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "groundrail.yaml"
    config.write_text(
        "upstreams:\n"
        "  - name: default\n"
        "    base_url: ${LLM_URL:-http://localhost:8000/v1}\n"
        "    api_key: ${LLM_KEY}\n"
    )
    monkeypatch.setenv("LLM_KEY", "sk-secret")
    upstream = load_settings({"config": str(config)}, {}).routes()[0]
    assert (upstream.base_url, upstream.api_key) == ("http://localhost:8000/v1", "sk-secret")
    monkeypatch.delenv("LLM_KEY")
    with pytest.raises(ConfigError, match="environment variable LLM_KEY is not set"):
        load_settings({"config": str(config)}, {})
