"""Settings: the environment, .env files, and deploy/.env.example kept in step with the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import Settings

EXAMPLE = Path(__file__).parents[1] / "deploy" / ".env.example"


def test_defaults_select_offline_and_sqlite(tmp_path: Path) -> None:
    settings = Settings()
    assert settings.model == ""
    assert settings.database_url.startswith("sqlite:///")
    assert str(tmp_path) in settings.database_url  # XDG_CACHE_HOME from conftest


def test_env_example_names_every_setting_and_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = EXAMPLE.read_text("utf-8")
    names = set(re.findall(r"^#?\s*DEBATE_DIGEST_([A-Z_]+)=", text, re.MULTILINE))
    expected = {name.upper() for name in Settings.model_fields}
    assert names == expected
    (tmp_path / ".env").write_text(text)
    monkeypatch.chdir(tmp_path)
    loaded = Settings()  # empty values mean defaults
    assert loaded.model == "" and loaded.api_base is None and loaded.fallback_models == []


def test_fallback_models_comma_or_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBATE_DIGEST_FALLBACK_MODELS", "openai/a, ollama/b")
    assert Settings().fallback_models == ["openai/a", "ollama/b"]
    monkeypatch.setenv("DEBATE_DIGEST_FALLBACK_MODELS", '["x/y"]')
    assert Settings().fallback_models == ["x/y"]


def test_discord_token_is_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBATE_DIGEST_DISCORD_TOKEN", "abc.def")
    settings = Settings()
    assert "abc.def" not in repr(settings)
    assert settings.discord_token is not None
    assert settings.discord_token.get_secret_value() == "abc.def"
