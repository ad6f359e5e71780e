"""Shared fixtures. No test reaches the network: every server a test needs runs on 127.0.0.1."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fakes.discord_server import discord_fake as discord_fake  # the fixture, for every test
from hypothesis import HealthCheck, settings

# Hypothesis profiles: `default` (hypothesis's own: 100 examples a test, seconds for the suite)
# and `fuzz` (HYPOTHESIS_PROFILE=fuzz: 10,000 examples for every property test that does not fix
# its own count, e.g. `HYPOTHESIS_PROFILE=fuzz pytest tests/fuzz` in CI).
settings.register_profile(
    "fuzz",
    max_examples=10_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "seed-thread.txt"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every test gets its own cache folder and no model configured, whatever the machine has."""
    for name in list(os.environ):
        if name.startswith("DEBATE_DIGEST_"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    monkeypatch.chdir(tmp_path)  # so a developer's .env is not read


@pytest.fixture
def seed_path() -> Path:
    return SEED
