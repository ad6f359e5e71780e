"""Shared fixtures. No test reaches the network: every server a test needs runs on 127.0.0.1."""

from __future__ import annotations

import ast
import inspect
import os
from pathlib import Path

import pytest
from fakes.discord_server import discord_fake as discord_fake  # the fixture, for every test
from hypothesis import HealthCheck, settings

# Hypothesis profiles (HYPOTHESIS_PROFILE=...): `dev`, the default, 50 examples a property test
# (the suite stays quick); `nightly`, 1,000 with no deadline (a scheduled CI run); `fuzz`, 10,000
# (e.g. `HYPOTHESIS_PROFILE=fuzz pytest tests/fuzz`). A test that fixes its own count keeps it.
settings.register_profile("dev", max_examples=50)
settings.register_profile(
    "nightly",
    max_examples=1_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "fuzz",
    max_examples=10_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

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


# --- the `slow` marker --------------------------------------------------------------------------
# A test that starts a process (the CLI as a user runs it, a wheel build) takes seconds. Such tests
# are marked `slow` here rather than by hand, so that a new one cannot be forgotten: a test is slow
# when its own code, or a helper function of its module that it calls, names `subprocess` or
# `create_subprocess_exec`/`_shell`. `pytest -m "not slow"` runs the rest in a fraction of the time.
_SPAWNS = ("subprocess", "create_subprocess_exec", "create_subprocess_shell")


def _spawning_names(module: object) -> set[str]:
    """The module's functions that start a process (directly, or one call down)."""
    try:
        tree = ast.parse(inspect.getsource(module))  # type: ignore[arg-type]
    except (OSError, TypeError, SyntaxError):
        return set()
    bodies = {
        node.name: {
            n.id if isinstance(n, ast.Name) else n.attr
            for n in ast.walk(node)
            if isinstance(n, ast.Name | ast.Attribute)
        }
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    spawning = {name for name, used in bodies.items() if used & set(_SPAWNS)}
    spawning |= {name for name, used in bodies.items() if used & spawning}
    return spawning | set(_SPAWNS)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    by_module: dict[str, set[str]] = {}
    for item in items:
        function = getattr(item, "function", None)
        module = getattr(item, "module", None)
        if function is None or module is None:
            continue
        spawning = by_module.get(module.__name__)
        if spawning is None:
            spawning = by_module[module.__name__] = _spawning_names(module)
        try:
            source = inspect.getsource(function)
        except (OSError, TypeError):
            continue
        if any(name in source for name in spawning):
            item.add_marker(pytest.mark.slow)
