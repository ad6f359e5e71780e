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


README = Path(__file__).parents[1] / "README.md"


def _readme_settings_rows() -> dict[str, str]:
    """The README's Configuration table: setting name -> its default column."""
    text = README.read_text("utf-8")
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, str] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        for name in re.findall(r"`([A-Z][A-Z0-9_]*)`", cells[0]):
            rows[name] = cells[1]
    return rows


def test_readme_settings_table_matches_the_settings_class() -> None:
    rows = _readme_settings_rows()
    expected = {name.upper() for name in Settings.model_fields}
    assert set(rows) - expected == set(), "README rows for settings that do not exist"
    assert expected - set(rows) == set(), "settings missing from the README's table"


def _plain(value: object) -> str | None:
    """A default as the README and .env.example write it, for plain numbers and booleans."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    return None


def test_readme_and_env_example_defaults_are_the_code_defaults() -> None:
    rows = _readme_settings_rows()
    example = dict(
        re.findall(r"^DEBATE_DIGEST_([A-Z_0-9]+)=(.*)$", EXAMPLE.read_text("utf-8"), re.MULTILINE)
    )
    checked = 0
    for name, field in Settings.model_fields.items():
        plain = _plain(field.default)
        if plain is None:
            continue
        key = name.upper()
        shown = rows[key].strip("`").replace(",", "")
        assert _plain(float(shown) if "." in shown else _number(shown)) == plain, key
        if example.get(key):
            assert _plain(_number(example[key])) == plain, f".env.example {key}"
        checked += 1
    assert checked >= 15  # the table's numbers and switches, not a vacuous pass


def _number(text: str) -> object:
    text = text.strip()
    if text in {"true", "false"}:
        return text == "true"
    return float(text) if "." in text else int(text)
