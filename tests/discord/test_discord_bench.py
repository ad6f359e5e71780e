"""The Discord load benchmark runs (small sizes) and its figures mean what they say."""

from __future__ import annotations

import pytest

from bot.bench import discord_bench


@pytest.mark.asyncio
async def test_small_load_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "test")
    result = await discord_bench.run(requests=8, messages=120, threads=2, latency=0.05)
    same, spread = result["same_thread"], result["spread"]
    for run in (same, spread):
        assert run["defers_within_3s"] == run["requests"]
        assert run["limit_violations"] == 0 and run["rejected_callbacks"] == 0
        assert run["loop_lag"]["ticks"] > 0
    # Identical requests share one read and one LLM run.
    assert result["identical_requests_cost_one_run"]
    assert same["history_requests"] == spread["history_requests"] / 2
    assert result["calls_per_run"] >= 1


def test_percentile() -> None:
    assert discord_bench.percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.0
    assert discord_bench.percentile([1.0, 2.0, 3.0, 4.0], 0.99) == 4.0


@pytest.mark.asyncio
async def test_small_offline_run() -> None:
    """With no model the offline engine answers every request, in the CPU worker processes."""
    result = await discord_bench.run(requests=4, messages=120, threads=2, offline=True)
    for run in (result["same_thread"], result["spread"]):
        assert run["engine"] == "offline" and run["llm_calls"] == 0
        assert run["defers_within_3s"] == run["requests"]
        assert run["limit_violations"] == 0 and run["rejected_callbacks"] == 0
