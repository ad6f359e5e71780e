"""The Bot subclass: it only wires. Resources come in from `bot.discord.app.main`.

Ready for sharding: `DigestBot` takes the shard arguments of `commands.Bot`, and
`AutoShardedDigestBot` is the same bot on `commands.AutoShardedBot`. Cogs are loaded in
`setup_hook`; commands are synced on purpose (`debate-digest sync-commands`), never on ready.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot.discord.errors import on_interaction_error
from bot.discord.guards import SharedCooldowns
from bot.discord.ledger import Ledger
from bot.singleflight import SingleFlight
from bot.store import Store
from bot.summarize.schema import DigestResult

if TYPE_CHECKING:
    from bot.ingest.web.client import WebClient
    from bot.settings import Settings
    from bot.summarize.llm import LLMConfig
    from bot.workers import CpuPool

log = logging.getLogger(__name__)

EXTENSIONS = (
    "bot.discord.cogs.summarize",
    "bot.discord.cogs.admin",
    "bot.discord.cogs.privacy",
    "bot.discord.cogs.digest",
)


def intents_for(settings: Settings) -> discord.Intents:
    """Guilds and guild messages (for history and delete events); Message Content when set."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.message_content = settings.message_content_intent
    return intents


class _DigestMixin:
    """What the bot holds: injected resources and the per-process shared state."""

    # The CPU worker processes (`bot.discord.app.assembled` sets them); None = worker threads.
    cpu: CpuPool | None = None

    def _wire(
        self,
        *,
        settings: Settings,
        store: Store,
        web: WebClient | None,
        llm: LLMConfig | None,
        flights: SingleFlight[DigestResult] | None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.web = web
        self.llm = llm
        # One single flight for the whole bot: identical requests cost one engine run.
        self.flights: SingleFlight[DigestResult] = flights or SingleFlight()
        # Cooldowns and budgets are kept in the store: they hold across processes sharing it.
        self.cooldowns = SharedCooldowns(store, settings.cooldown_s)
        self.ledger = Ledger(store, settings)


class DigestBot(_DigestMixin, commands.Bot):
    """Debate Digest on one connection (or the shards given)."""

    def __init__(
        self,
        *,
        settings: Settings,
        store: Store,
        web: WebClient | None = None,
        llm: LLMConfig | None = None,
        flights: SingleFlight[DigestResult] | None = None,
        **options: Any,
    ) -> None:
        options.setdefault("intents", intents_for(settings))
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )
        self._wire(settings=settings, store=store, web=web, llm=llm, flights=flights)
        self.tree.error(on_interaction_error)

    async def setup_hook(self) -> None:
        for name in EXTENSIONS:
            await self.load_extension(name)
        self._freezer = asyncio.create_task(self._freeze_heap_when_ready(), name="gc-freeze")

    async def _freeze_heap_when_ready(self) -> None:
        """Once the guild caches are filled, move everything alive into the collector's
        permanent generation: a full collection then walks only what requests allocate, and
        does not stall the event loop for 100+ ms on a big cache (measured in the benchmark)."""
        await self.wait_until_ready()
        gc.freeze()  # no gc.collect() first: a full collection here would itself stall
        log.info("heap frozen after ready: %d objects", gc.get_freeze_count())

    async def close(self) -> None:
        freezer = getattr(self, "_freezer", None)
        if freezer is not None and not freezer.done():
            freezer.cancel()
        gc.unfreeze()  # a closed bot's caches may be collected again
        await super().close()

    async def on_ready(self) -> None:
        log.info(
            "logged in as %s (%s) in %d guilds",
            self.user,
            getattr(self.user, "id", None),
            len(self.guilds),
        )


class AutoShardedDigestBot(DigestBot, commands.AutoShardedBot):
    """The same bot, sharded automatically (for large deployments)."""
