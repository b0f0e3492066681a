"""Settings: environment and .env, one clear line for bad values, every setting documented."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app.config import Settings, SettingsError, load_settings
from tests.helpers.paths import ROOT


def test_every_setting_is_documented_in_env_example() -> None:
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert {name.upper() for name in Settings.model_fields} == documented


def test_env_example_loads_to_the_defaults_with_no_llm() -> None:
    settings = Settings(_env_file=ROOT / ".env.example")  # type: ignore[call-arg]
    assert settings.discord_token is None and settings.openai_api_key is None
    assert not settings.llm_enabled
    assert settings.database_path == Path("data/precis.sqlite3")
    assert settings.fetch_allow_private is False


def test_base_url_alone_enables_the_llm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://localhost:11434/v1/")
    settings = load_settings(_env_file=None)
    assert settings.llm_enabled and settings.openai_base_url == "http://localhost:11434/v1"


@pytest.mark.parametrize(("name", "value"), [
    ("LOG_LEVEL", "loud"), ("FETCH_ALLOW_PRIVATE", "perhaps"), ("OPENAI_BASE_URL", "localhost:11434"),
    ("LLM_CONTEXT_TOKENS", "10"), ("FETCH_ALLOWED_PORTS", "80;443"), ("OWNER_IDS", "[1, 2"),
    ("FETCH_ALLOWED_NETWORKS", "10.0.0.0/8,intranet"),
])
def test_bad_setting_is_one_line_naming_it(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    message = str(caught.value)
    assert name in message and "\n" not in message


def test_cli_reports_bad_setting_without_traceback(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "db", "migrate"], cwd=tmp_path, capture_output=True,
                            text=True, env={"LOG_LEVEL": "loud", "PATH": "/usr/bin:/bin"}, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "precis: invalid setting LOG_LEVEL: Input should be 'DEBUG', 'INFO', 'WARNING', 'ERROR' or 'CRITICAL'"]


@pytest.mark.parametrize("form", ["{}", "[{}]"])
def test_lists_are_json_or_comma_separated(monkeypatch: pytest.MonkeyPatch, form: str) -> None:
    monkeypatch.setenv("OWNER_IDS", form.format("1, 2"))
    monkeypatch.setenv("FETCH_ALLOWED_PORTS", form.format("80,443"))
    monkeypatch.setenv("FETCH_ALLOWED_NETWORKS", form.format('"10.0.0.0/8", "192.168.1.0/24"').replace(
        '"', "" if form == "{}" else '"'))
    settings = load_settings(_env_file=None)
    assert settings.owner_ids == [1, 2] and settings.fetch_allowed_ports == [80, 443]
    assert settings.fetch_allowed_networks == ["10.0.0.0/8", "192.168.1.0/24"]


def test_an_empty_list_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OWNER_IDS", " ")
    assert load_settings(_env_file=None).owner_ids == []
