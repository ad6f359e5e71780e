"""Cooldown and budget rules, without Discord."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.discord.guards import CooldownActive, Cooldowns, budget_key, budget_message, utc_day


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_cooldown_after_fresh_run_only() -> None:
    clock = Clock()
    cd = Cooldowns(30, clock=clock)
    cd.begin(1)
    with pytest.raises(CooldownActive, match="still running"):
        cd.begin(1)
    cd.begin(2)  # others are not affected
    cd.end(1, fresh=False)  # a cached answer is free
    cd.begin(1)
    cd.end(1, fresh=True)
    with pytest.raises(CooldownActive, match="30 s"):
        cd.begin(1)
    clock.t += 29
    with pytest.raises(CooldownActive):
        cd.begin(1)
    clock.t += 1
    cd.begin(1)


def test_pause_per_run_kind_and_dm_buckets() -> None:
    """An offline run starts the lighter pause it is given; budgets: a server's, or in a DM
    the person's own."""
    clock = Clock()
    cd = Cooldowns(30, clock=clock)
    cd.begin(1)
    cd.end(1, fresh=True, seconds=5)
    with pytest.raises(CooldownActive, match="5 s"):
        cd.begin(1)
    clock.t += 5
    cd.begin(1)
    cd.end(1, fresh=True, seconds=0)  # no pause at all
    cd.begin(1)
    assert budget_key(77, 5) == 77
    assert budget_key(None, 5) == -5 and budget_key(None, 6) == -6
    assert "direct messages" in budget_message(10, 5, dm=True)


def test_zero_cooldown() -> None:
    cd = Cooldowns(0)
    cd.begin(1)
    cd.end(1, fresh=True)
    cd.begin(1)


def test_budget_message_and_day() -> None:
    assert "1,000 of 500" in budget_message(1000, 500)
    assert utc_day(datetime(2025, 3, 4, 23, 30, tzinfo=UTC)) == "2025-03-04"


def test_progress_lines() -> None:
    from bot.discord.jobs import progress_text

    assert progress_text("history", 800, 2300) == "Read 800 of ~2,300 messages…"
    assert progress_text("history", 800, 0) == "Read 800 messages…"
    assert progress_text("fetching", 5, 40) == "Fetched 5 of ~40 comments…"
    assert progress_text("deduplicating", 0, 9) == "Removing duplicates…"
    # Engine stages count comments or chunks; the person sees one word for all of them.
    for stage in ("summarizing", "reading", "linking", "assigning", "extracting"):
        assert progress_text(stage, 3, 1050) == "Summarizing…"
