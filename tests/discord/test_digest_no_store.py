"""Digests when the database cannot be used: the bot runs on a `NullStore`, which has no
digest tables. The scheduler says the store cannot answer (a warning), never a traceback."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from discord_helpers import make_settings, running

from bot.store import NullStore
from bot.store.digests import DigestStoreError


async def test_without_a_database_the_digest_scheduler_warns_instead_of_crashing(
    discord_fake: Any, tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # A folder is no database: open_store falls back to a NullStore after one warning.
    settings = make_settings(tmp_path, database_url=f"sqlite:///{tmp_path}", digest_tick_s=0)
    async with running(discord_fake, settings) as bot:
        assert isinstance(bot.store, NullStore)
        cog: Any = bot.get_cog("Digests")
        with pytest.raises(DigestStoreError, match="no usable database"):
            await cog.runner.tick()
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="bot.discord.cogs.digest"):
            await cog._tick()
        records = [r for r in caplog.records if r.name == "bot.discord.cogs.digest"]
        assert [r.levelno for r in records] == [logging.WARNING]
        assert "the store cannot answer" in records[0].getMessage()
        assert records[0].exc_info is None
