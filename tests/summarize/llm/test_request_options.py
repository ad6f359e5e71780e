"""One source for per-request options: `--max-points` and `--language` reach whichever engine
runs, from `Options.from_settings`, in the CLI and the bot alike."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fakes.openai_server import FakeOpenAI, debate_responder

from bot.pipeline import Options
from bot.settings import Settings
from bot.summarize.llm import LLMConfig

from .conftest import system_text


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )


def test_overrides_win_over_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBATE_DIGEST_MODEL", "openai/from-settings")
    monkeypatch.setenv("DEBATE_DIGEST_MAX_POINTS_PER_SIDE", "6")
    settings = Settings()

    default = Options.from_settings(settings)
    assert default.llm is not None and default.llm.model == "openai/from-settings"
    assert (default.max_points_per_side, default.language) == (6, None)

    chosen = Options.from_settings(settings, model="openai/flag", max_points=2, language=" de ")
    assert chosen.llm is not None and chosen.llm.model == "openai/flag"
    assert (chosen.max_points_per_side, chosen.language) == (2, "de")
    assert Options.from_settings(settings, model="").llm is None  # empty model = offline

    # The bot passes its configuration, built once at start-up; None means offline even when
    # the settings name a model.
    built = LLMConfig(model="openai/bot")
    assert Options.from_settings(settings, llm=built, language="fr").llm is built
    assert Options.from_settings(settings, llm=None).llm is None
    with pytest.raises(ValueError, match="either model or llm"):
        Options.from_settings(settings, model="x", llm=built)
    with pytest.raises(ValueError, match="at least 1"):
        Options.from_settings(settings, max_points=0)


def llm_env(server: FakeOpenAI) -> dict[str, str]:
    """The environment that points the CLI at the fake model."""
    return {
        "DEBATE_DIGEST_MODEL": "openai/fake-model",
        "DEBATE_DIGEST_API_BASE": server.url,
        "OPENAI_API_KEY": "test",
    }


def points_per_side(data: dict) -> list[int]:
    return [len(side["points"]) for side in data["summary"]["sides"]]


def test_max_points_and_language_reach_the_llm_prompt_and_result(
    seed_path: Path, tmp_path: Path
) -> None:
    with FakeOpenAI(responder=debate_responder) as server:
        env = llm_env(server)
        db = str(tmp_path / "c.sqlite3")
        flagged = cli(
            "summarize", str(seed_path), "--json", "--no-cache", "--db", db,
            "--max-points", "1", "--language", "French", env=env,
        )  # fmt: skip
        assert flagged.returncode == 0, flagged.stderr
        request = server.requests[0]  # (a recheck of the sides may follow)
        assert "at most 1 " in system_text(request)
        assert "Write the summary in French." in system_text(request)
        data = json.loads(flagged.stdout)
        assert data["engine"] == "llm"
        # The fake model gives up to four points a side; the flag caps what the user gets.
        assert points_per_side(data) == [1, 1]

        server.requests.clear()
        default = cli("summarize", str(seed_path), "--json", "--no-cache", "--db", db, env=env)
        assert default.returncode == 0, default.stderr
        assert "at most 4 " in system_text(server.requests[0])
        assert max(points_per_side(json.loads(default.stdout))) > 1


def test_max_points_reaches_the_offline_result(seed_path: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "c.sqlite3")
    default = cli("summarize", str(seed_path), "--json", "--db", db, env={})
    assert default.returncode == 0, default.stderr
    assert max(points_per_side(json.loads(default.stdout))) > 1
    flagged = cli("summarize", str(seed_path), "--json", "--db", db, "--max-points", "1", env={})
    assert flagged.returncode == 0, flagged.stderr
    data = json.loads(flagged.stdout)
    assert data["engine"] == "offline" and data["cached"] is False  # another key, not a hit
    assert points_per_side(data) and max(points_per_side(data)) == 1


def test_verbose_logs_go_to_stderr_and_leave_the_json_whole(
    seed_path: Path, tmp_path: Path
) -> None:
    # litellm's own loggers write INFO to stdout once the root logger is at INFO: `--verbose`
    # must not put them in front of the JSON.
    with FakeOpenAI(responder=debate_responder) as server:
        env = llm_env(server)
        db = str(tmp_path / "c.sqlite3")
        run = cli("summarize", str(seed_path), "--json", "--no-cache", "--db", db, "-v", env=env)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["engine"] == "llm"  # stdout holds the JSON and nothing else
    assert "debate-digest: INFO: llm run model=openai/fake-model" in run.stderr
    assert "LiteLLM" not in run.stdout
